"""Entity tags: ``ETag`` on every answer to a GET, ``If-None-Match`` → 304, ``If-Match`` →
the versions a change was made against.

A resource with a ``version`` (booking, series, room, building, term, user, webhook) has
the ETag ``"<version>"``: the one ``If-Match`` takes back. Any other answer (lists, searches,
API keys, feeds) has a hash of its body, which is cheap next to the query that built it.
``conditional`` applies them to every GET, in the endpoint wrapper; routes do nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sanic import HTTPResponse, Request

from compax_server.domain.versions import Expected
from compax_server.errors import InvalidInput

MAX_TAGS_HEADER = 200  # characters of If-Match; If-None-Match may list more tags


def etag(resource: Any) -> str:
    """The ETag of a versioned resource: its version, quoted."""
    return f'"{resource.version}"'


def body_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _opaque(tag: str) -> str:
    """A tag without its weakness (``W/``) and quotes: weak comparison (RFC 9110 8.8.3.2)."""
    return tag.strip().removeprefix("W/").strip('"')


def if_match(request: Request) -> Expected | None:
    """The versions named by ``If-Match`` (``"3"``, ``W/"3"``, a list, ``*``); ``None`` when
    the header is missing. A tag that is no version of ours matches nothing (412)."""
    value = request.headers.get("if-match")
    if value is None:
        return None
    _check_length("If-Match", str(value), 'the ETag you read, e.g. "3"')
    tags = [_opaque(t) for t in str(value).split(",")]
    numbers = frozenset(int(t) for t in tags if t.isdigit() and len(t) < 10)
    return Expected(versions=numbers, any="*" in tags)


def none_match_star(request: Request) -> bool:
    """Whether a write's ``If-None-Match`` is ``*`` ("only if there is none yet"); a header
    longer than the document allows is a 400, as for ``If-Match``."""
    value = request.headers.get("if-none-match")
    if value is None:
        return False
    _check_length("If-None-Match", str(value), "* for only if there is none yet")
    return str(value).strip() == "*"


def _check_length(header: str, value: str, what: str) -> None:
    if len(value) > MAX_TAGS_HEADER:
        raise InvalidInput(
            f"{header} is at most {MAX_TAGS_HEADER} characters: {what}.",
            errors=[
                {
                    "location": "header",
                    "pointer": f"/{header}",
                    "detail": f"at most {MAX_TAGS_HEADER} characters",
                    "code": "too_long",
                }
            ],
        )


def none_match(request: Request, tag: str) -> bool:
    """Whether ``If-None-Match`` names ``tag`` (or is ``*``): the client has this answer."""
    value = request.headers.get("if-none-match")
    if not value:
        return False
    wanted = _opaque(tag)
    return any(t == "*" or t == wanted for t in (_opaque(t) for t in str(value).split(",")))


def conditional(request: Request, response: HTTPResponse, *, versioned: bool) -> HTTPResponse:
    """Give a GET's 200 its ``ETag`` (the route's own, else the ``version`` of a versioned
    resource, else a hash of the body); a 304 without a body when the client has it."""
    if response.status != 200 or not response.body:
        return response
    tag = response.headers.get("etag")
    if tag is None:
        tag = _version_tag(response.body) if versioned else None
        tag = tag or body_etag(response.body)
        response.headers["ETag"] = tag
    if none_match(request, tag):
        headers = {"ETag": tag}
        if "cache-control" in response.headers:
            headers["Cache-Control"] = response.headers["cache-control"]
        return HTTPResponse(status=304, headers=headers)
    return response


def _version_tag(body: bytes) -> str | None:
    try:
        version = json.loads(body).get("version")
    except (ValueError, AttributeError):
        return None
    return f'"{version}"' if isinstance(version, int) and not isinstance(version, bool) else None
