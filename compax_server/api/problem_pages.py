"""The pages of the problem kinds (``problems.PROBLEMS``): ``GET /problems/<code>`` and
``GET /problems`` as short HTML pages, and ``docs/problems.md`` (``markdown()``, written by
``python -m compax_server.api.problems``)."""

from __future__ import annotations

import html
from pathlib import Path

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import html as html_response

from compax_server.api.problems import PROBLEMS
from compax_server.errors import NotFound


def _inline(text: str) -> str:
    """Markdown's inline code as HTML."""
    parts = html.escape(text, quote=False).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
{body}
</body>
</html>
"""


def page(code: str) -> str:
    kind = PROBLEMS[code]
    body = (
        f"<h1>{html.escape(kind.title)}</h1>\n"
        f"<p><code>{code}</code>, HTTP {kind.status}</p>\n"
        f"<h2>What it means</h2>\n<p>{_inline(kind.means)}</p>\n"
        f"<h2>What to do</h2>\n<p>{_inline(kind.todo)}</p>\n"
        '<p><a href="/problems">All problems</a></p>'
    )
    return PAGE.format(title=html.escape(f"{code}: {kind.title}"), body=body)


def index() -> str:
    items = "\n".join(
        f'<li><a href="/problems/{code}"><code>{code}</code></a> ({kind.status}): '
        f"{html.escape(kind.title)}</li>"
        for code, kind in sorted(PROBLEMS.items(), key=lambda item: (item[1].status, item[0]))
    )
    body = (
        "<h1>Compax problems</h1>\n<p>Errors are RFC 9457 <code>application/problem+json</code>;"
        " the <code>code</code> member is one of these.</p>\n<ul>\n" + items + "\n</ul>"
    )
    return PAGE.format(title="Compax problems", body=body)


def markdown() -> str:
    """``docs/problems.md``."""
    out = [
        "# Problems (error codes)",
        "",
        "<!-- Generated from compax_server/api/problems.py by "
        "`python -m compax_server.api.problems`; edit the text there. -->",
        "",
        "Every error is RFC 9457 `application/problem+json` with a stable `code`. Its `type` is "
        "`<server>/problems/<code>`, a page the API itself serves with the text below.",
        "",
        "| code | status | title |",
        "| --- | --- | --- |",
    ]
    ordered = sorted(PROBLEMS.items(), key=lambda item: (item[1].status, item[0]))
    out += [f"| [`{code}`](#{code}) | {kind.status} | {kind.title} |" for code, kind in ordered]
    for code, kind in ordered:
        out += [
            "",
            f"## {code}",
            "",
            f"{kind.status}, {kind.title}.",
            "",
            f"**What it means.** {kind.means}",
            "",
            f"**What to do.** {kind.todo}",
        ]
    return "\n".join(out) + "\n"


DOC_PATH: Path = Path(__file__).resolve().parents[2] / "docs" / "problems.md"


def problems_blueprint() -> Blueprint:
    bp = Blueprint("problems")

    @bp.get("/problems", name="problems", strict_slashes=False)
    async def list_problems(request: Request) -> HTTPResponse:
        return _cached(html_response(index()))

    @bp.get("/problems/<code>", name="problem")
    async def problem(request: Request, code: str) -> HTTPResponse:
        if code not in PROBLEMS:
            raise NotFound(f"There is no problem type {code!r}; see /problems.")
        return _cached(html_response(page(code)))

    return bp


def _cached(response: HTTPResponse) -> HTTPResponse:
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
