"""CSV answers of the list endpoints (``Accept: text/csv``): the same page as the JSON one
(``limit``, ``cursor``), one line per item under a header line; the next page's cursor in
the ``X-Next-Cursor`` header and a ``Link: <...>; rel="next"``. Cells that a spreadsheet
would run as a formula (starting with ``= + - @``, a tab or a CR) get a leading ``'``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel
from sanic import HTTPResponse, Request

CSV = "text/csv"
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _quality(part: str) -> tuple[str, float]:
    media, *params = (p.strip() for p in part.split(";"))
    q = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value)
            except ValueError:
                q = 0.0
    return media.lower(), q


def wants_csv(request: Request) -> bool:
    """Whether the Accept header prefers ``text/csv`` to JSON."""
    accept = str(request.headers.get("accept", ""))
    if CSV not in accept.lower():
        return False
    ranked = dict(_quality(part) for part in accept.split(",") if part.strip())
    json_q = max(ranked.get("application/json", 0.0), ranked.get("*/*", 0.0) * 0.99)
    return ranked.get(CSV, 0.0) > 0 and ranked.get(CSV, 0.0) >= json_q


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(cell(v) for v in value)
    if isinstance(value, dict):
        value = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    text = str(value)
    return "'" + text if text.startswith(FORMULA) else text


def rows_csv(rows: Iterable[BaseModel | dict[str, Any]], fields: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        data = row.model_dump(mode="json", by_alias=True) if isinstance(row, BaseModel) else row
        writer.writerow([cell(data.get(f)) for f in fields])
    return buffer.getvalue()


def csv_response(
    request: Request,
    rows: Iterable[BaseModel | dict[str, Any]],
    fields: Sequence[str],
    *,
    name: str,
    next_cursor: str | None = None,
) -> HTTPResponse:
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    if next_cursor:
        args = {k: v[0] for k, v in request.get_args(keep_blank_values=True).items()}
        args["cursor"] = next_cursor
        headers["X-Next-Cursor"] = next_cursor
        headers["Link"] = f'<{request.path}?{urlencode(args)}>; rel="next"'
    return HTTPResponse(
        rows_csv(rows, fields), headers=headers, content_type="text/csv; charset=utf-8"
    )


def fields_of(model: type[BaseModel], skip: Sequence[str] = ()) -> list[str]:
    """The model's field names (by alias), in order: the CSV's columns."""
    return [(info.alias or name) for name, info in model.model_fields.items() if name not in skip]
