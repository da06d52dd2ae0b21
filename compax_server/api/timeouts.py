"""Response timeouts per operation.

Sanic has one ``RESPONSE_TIMEOUT`` per app (``COMPAX_RESPONSE_TIMEOUT``, 60 s by default):
a handler still running after it is cut off with a 503. The optimizer's solve may rightly
take minutes, and raising the app's timeout for it would let every other operation hang as
long. Sanic keeps the timeout per connection (``HttpProtocol.response_timeout``, read at
each of its periodic checks), so each request sets it for its own operation: the
operation's declared ``response_timeout`` (``Router.route(..., response_timeout=...)``,
kept in the route's context), never less than the app's, or the app's. Set on every
request, so a keep-alive connection that served a long operation gets the short timeout
back with its next request.
"""

from __future__ import annotations

from sanic import Request


def seconds_for(request: Request) -> float:
    """The response timeout of the request's operation."""
    default = float(request.app.config.RESPONSE_TIMEOUT)
    route = request.route
    declared = getattr(route.ctx, "response_timeout", 0) if route is not None else 0
    return max(default, float(declared or 0))


def apply(request: Request) -> None:
    """Give the connection the timeout of this request's operation (a server connection
    only: the in-process test client has no timeouts)."""
    transport = request.transport
    protocol = transport.get_protocol() if transport is not None else None
    if protocol is not None and hasattr(protocol, "response_timeout"):
        protocol.response_timeout = seconds_for(request)
