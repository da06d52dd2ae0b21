"""Every error leaves as RFC 9457 ``application/problem+json``.

Domain errors (``CompaxError``) render their own status, code and members; Sanic's own
(unknown route, wrong method, body too large, malformed HTTP) are mapped to the same shape;
anything else is a 500 whose body says only "internal error" and the request id, while the
log keeps the traceback under that id.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

from sanic import HTTPResponse, Request
from sanic import exceptions as sanic_exc

from compax_server import db, errors
from compax_server.api import timeouts
from compax_server.api.middleware import public_base

log = logging.getLogger("compax.errors")

PROBLEMS_PATH = "/problems/"
SANIC_HEADER_TOO_LARGE = "Request header exceeds the size limit"  # Sanic's PayloadTooLarge


RESERVED = frozenset({"type", "title", "status", "detail", "code", "request_id"})


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    request_id: str,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    base: str = "",
) -> HTTPResponse:
    """``type`` is ``<base>/problems/<code>``, a page this server serves: absolute where the
    base is known (RFC 9457 recommends absolute URIs, as relative ones resolve against
    whatever URI the client took the problem from)."""
    body: dict[str, Any] = {
        "type": base + PROBLEMS_PATH + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": request_id,
    }
    body.update({k: v for k, v in (extra or {}).items() if v is not None and k not in RESERVED})
    return HTTPResponse(
        json.dumps(body, default=str),
        status=status,
        headers=headers,
        content_type="application/problem+json",
    )


def _request_id(request: Request) -> str:
    return str(getattr(request.ctx, "request_id", "") or "")


def _allowed(request: Request) -> list[str]:
    """The methods the path answers to. Sanic leaves them out of its 405 when it found the
    route by retrying the path without its trailing slash (``PUT /rooms/1/``)."""
    found = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            request.app.router.get(request.path, method, None)
        except Exception:  # noqa: S112 - not this method
            continue
        found.append(method)
    return found


def _base(request: Request) -> str:
    try:
        base = public_base(request)
    except Exception:  # a request too broken to say where it came to: a relative type
        return ""
    return "" if base.endswith("://") else base


def render_error(request: Request, exc: BaseException) -> HTTPResponse:
    rid = _request_id(request)
    problem = functools.partial(problem_response, base=_base(request))
    if isinstance(exc, errors.CompaxError):
        headers: dict[str, str] = {}
        if "retry_after" in exc.extra:
            headers["Retry-After"] = str(exc.extra["retry_after"])
        if isinstance(exc, errors.Unauthenticated):
            headers["WWW-Authenticate"] = 'Bearer realm="compax"'
        return problem(
            exc.status, exc.code, exc.title, exc.detail, rid, headers=headers, extra=exc.extra
        )
    if isinstance(exc, sanic_exc.RequestCancelled):
        log.info("client went away during %s %s [request_id=%s]", request.method, request.path, rid)
        return problem(
            499, "client_closed_request", "Client closed the request", "The client left.", rid
        )
    if isinstance(exc, sanic_exc.NotFound):
        return problem(404, "not_found", "Not found", f"There is nothing at {request.path}.", rid)
    if isinstance(exc, sanic_exc.MethodNotAllowed):
        allowed = sorted(getattr(exc, "allowed_methods", None) or _allowed(request))
        return problem(
            405,
            "method_not_allowed",
            "Method not allowed",
            f"{request.method} is not allowed here; allowed: {', '.join(allowed)}.",
            rid,
            headers={"Allow": ", ".join(allowed)} if allowed else None,
        )
    if isinstance(exc, sanic_exc.PayloadTooLarge) and str(exc) == SANIC_HEADER_TOO_LARGE:
        most = request.app.config.REQUEST_MAX_HEADER_SIZE
        return problem(
            errors.HeaderTooLarge.status,
            errors.HeaderTooLarge.code,
            errors.HeaderTooLarge.title,
            f"The request line and headers are longer than the server takes ({most} bytes).",
            rid,
        )
    if isinstance(exc, sanic_exc.PayloadTooLarge):
        return problem(413, "payload_too_large", "The request body is too large", str(exc), rid)
    if isinstance(exc, sanic_exc.ServiceUnavailable):  # Sanic's response timeout
        limit = f" ({timeouts.seconds_for(request):g} s)"
        log.warning(
            "response timeout in %s %s [request_id=%s]",
            request.method,
            request.path,
            rid,
        )
        return problem(
            503,
            "service_unavailable",
            "Service unavailable",
            f"The request took longer than the server allows{limit}. Its work may still "
            "finish: look at the result before sending it again (or retry with the same "
            "Idempotency-Key).",
            rid,
        )
    if isinstance(exc, sanic_exc.RequestTimeout):
        return problem(408, "request_timeout", "Request timeout", str(exc), rid)
    if isinstance(exc, sanic_exc.HeaderNotFound | sanic_exc.InvalidHeader | sanic_exc.BadRequest):
        return problem(400, "bad_request", "Bad request", str(exc) or "Bad request.", rid)
    if isinstance(exc, sanic_exc.SanicException) and 400 <= exc.status_code < 500:
        return problem(
            exc.status_code, "bad_request", "Bad request", str(exc) or "Bad request.", rid
        )
    if db.is_unavailable(exc):
        log.warning(
            "database unavailable in %s %s [request_id=%s]: %r",
            request.method,
            request.path,
            rid,
            exc,
        )
        return problem(
            503,
            "service_unavailable",
            "Service unavailable",
            "The database does not answer right now; retry in a moment.",
            rid,
            headers={"Retry-After": "2"},
        )
    log.error(
        "unhandled error in %s %s [request_id=%s]",
        request.method,
        request.path,
        rid,
        exc_info=exc,
    )
    return problem(
        500,
        "internal_error",
        "Internal error",
        "Something went wrong on our side. Report the request id to the administrators.",
        rid,
    )
