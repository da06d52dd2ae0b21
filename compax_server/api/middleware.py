"""Request middleware: request ids, the access log, security headers."""

from __future__ import annotations

import logging
import re
import time
import uuid

from sanic import HTTPResponse, Request

access_log = logging.getLogger("compax.access")

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'"
)


def request_id_of(request: Request) -> str:
    """The proxy's ``X-Request-ID`` when it is a sane token, else a new one."""
    given = request.headers.get("x-request-id", "")
    return given if REQUEST_ID_RE.match(given) else uuid.uuid4().hex


async def on_request(request: Request) -> None:
    request.ctx.started = time.perf_counter()
    request.ctx.request_id = request_id_of(request)
    request.ctx.actor = None


async def on_response(request: Request, response: HTTPResponse) -> None:
    rid = getattr(request.ctx, "request_id", None) or request_id_of(request)
    response.headers["X-Request-ID"] = rid
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    is_docs = request.path == "/docs" or request.path.startswith("/docs/")
    response.headers.setdefault("Content-Security-Policy", DOCS_CSP if is_docs else API_CSP)
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    started = getattr(request.ctx, "started", None)
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    actor = getattr(request.ctx, "actor", None)
    user_id = actor.user_id if actor is not None else None
    access_log.info(
        "%s %s %s %sms request_id=%s user_id=%s",
        request.method,
        request.path,
        response.status,
        duration_ms,
        rid,
        user_id,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status,
            "duration_ms": duration_ms,
            "request_id": rid,
            "user_id": user_id,
            "client": request.remote_addr or request.ip,
        },
    )
