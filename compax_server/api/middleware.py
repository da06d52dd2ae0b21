"""Request middleware: request ids, the access log, security headers."""

from __future__ import annotations

import logging
import re
import time
import uuid
from ipaddress import ip_address
from typing import Any

from sanic import HTTPResponse, Request

from compax_server.api import timeouts

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


def _trusted(address: str, networks: list[Any]) -> bool:
    try:
        ip = ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_of(request: Request) -> tuple[str, str, str]:
    """``(client address, scheme, host)``. The ``X-Forwarded-*`` headers count only when the
    peer is a configured trusted proxy (``COMPAX_TRUSTED_PROXIES``); the client is then the
    right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy."""
    peer = request.ip or ""
    networks = request.app.ctx.settings.trusted_networks
    if not networks or not _trusted(peer, networks):
        return peer, request.scheme, request.host
    chain = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",") if a.strip()]
    client = peer
    for address in reversed(chain):
        client = address
        if not _trusted(address, networks):
            break
    scheme = request.headers.get("x-forwarded-proto", request.scheme).split(",")[0].strip()
    host = request.headers.get("x-forwarded-host", request.host).split(",")[0].strip()
    return client, scheme, host


def public_base(request: Request) -> str:
    """``COMPAX_PUBLIC_URL``; without it (a development server), the address the request
    came to (behind a trusted proxy, the one the client used)."""
    configured: str = request.app.ctx.settings.public_url
    if configured:
        return configured.rstrip("/")
    scheme = getattr(request.ctx, "scheme", None) or request.scheme
    host = getattr(request.ctx, "host", None) or request.host
    return f"{scheme}://{host}"


async def on_request(request: Request) -> None:
    request.ctx.started = time.perf_counter()
    timeouts.apply(request)
    request.ctx.request_id = request_id_of(request)
    request.ctx.actor = None
    request.ctx.client, request.ctx.scheme, request.ctx.host = client_of(request)


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
            "client": getattr(request.ctx, "client", request.ip),
        },
    )
