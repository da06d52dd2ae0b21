"""Entity tags: ``ETag`` on every answer to a GET, ``If-None-Match`` → 304, ``If-Match`` →
the versions a change was made against.

A resource with a ``version`` (booking, series, room, building, term, user, webhook) has
the ETag ``"<version>-<hash of the body>"``. ``If-Match`` reads the version from it (``"3"``
alone works too): a write is checked against the version only. The hash is there because an
answer also shows what belongs to others (a room's building zone and its managers, a
booking's room code): they change without the version, and a ``304`` must never keep a
stale body. Any other answer (lists, searches, API keys, feeds) has a hash of its body, which
is cheap next to the query that built it. ``conditional`` tags every answer in the endpoint
wrapper (routes name the version with ``etag``) and answers a GET's ``If-None-Match``.
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
    """A versioned resource's version as a route names it (``"3"``); ``conditional`` adds
    the hash of the body the answer carries."""
    return f'"{resource.version}"'


def body_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def version_etag(version: int, body: bytes) -> str:
    """The ETag of a versioned answer: ``"<version>-<hash of the body>"``."""
    return f'"{version}-{hashlib.blake2b(body, digest_size=6).hexdigest()}"'


def tag_version(tag: str) -> str:
    """The version part of an opaque tag (``3`` of ``3-1a2b..``)."""
    return tag.partition("-")[0]


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
    versions = [tag_version(t) for t in tags]
    numbers = frozenset(int(v) for v in versions if v.isdigit() and len(v) < 10)
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


def conditional(
    request: Request, response: HTTPResponse, *, versioned: bool, read: bool
) -> HTTPResponse:
    """Tag an answer. A version (the route's ``ETag``, or on a GET of an operation declared
    versioned the ``version`` in the body) becomes ``version_etag``; any other 200 to a GET
    gets a hash of its body. A GET whose ``If-None-Match`` names the tag gets a 304 without
    a body."""
    if not 200 <= response.status < 300 or not response.body:
        return response
    given = response.headers.get("etag")
    version = _opaque(given) if given else None
    if version is None and read and versioned:
        version = _version_in(response.body)
    if version is not None and version.isdigit():
        tag = version_etag(int(version), response.body)
    elif given is not None:
        tag = given
    elif read and response.status == 200:
        tag = body_etag(response.body)
    else:
        return response
    response.headers["ETag"] = tag
    if read and response.status == 200 and none_match(request, tag):
        headers = {"ETag": tag}
        if "cache-control" in response.headers:
            headers["Cache-Control"] = response.headers["cache-control"]
        return HTTPResponse(status=304, headers=headers)
    return response


def _version_in(body: bytes) -> str | None:
    try:
        version = json.loads(body).get("version")
    except (ValueError, AttributeError):
        return None
    return str(version) if isinstance(version, int) and not isinstance(version, bool) else None
