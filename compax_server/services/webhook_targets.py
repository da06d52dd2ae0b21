"""Where a webhook may go: the host of its URL resolved (in a thread, bounded), and every
address checked against ``domain.webhooks.refused_address`` unless
``COMPAX_WEBHOOK_ALLOW_PRIVATE`` is set; at subscription time and again before each batch
is sent (a name that changed its answer is not followed)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from compax_server import runtime
from compax_server.domain import webhooks as rules

RESOLVE_TIMEOUT = 5.0  # seconds for one DNS lookup


async def resolve(host: str, port: int) -> list[rules.Address]:
    """The addresses of ``host`` (an IP literal is its own), looked up in a thread with a
    bound; a name that does not resolve is a ``ValueError``."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.wait_for(
            asyncio.to_thread(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM),
            RESOLVE_TIMEOUT,
        )
    except (OSError, TimeoutError) as exc:
        raise ValueError(f"{host} does not resolve ({str(exc) or 'timed out'})") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    return host, parts.port or (443 if parts.scheme == "https" else 80)


async def target_problem(url: str) -> str | None:
    """Why ``url`` may not receive webhooks (a private address, a name that does not
    resolve), or None. Private addresses pass when ``COMPAX_WEBHOOK_ALLOW_PRIVATE`` is set."""
    host, port = _port(url)
    try:
        addresses = await resolve(host, port)
    except ValueError as exc:
        return str(exc)
    if runtime.settings().webhook_allow_private:
        return None
    return _refused(host, addresses)


def _refused(host: str, addresses: list[rules.Address]) -> str | None:
    """Why one of ``host``'s addresses may not receive webhooks, or None."""
    for ip in addresses:
        if (why := rules.refused_address(ip)) is not None:
            return f"{host}: {why}"
    return None


@dataclass
class Target:
    """Where a batch sends for one URL origin: a pinned address for plain http (so a DNS
    answer that changes after the check cannot redirect it), or why it may not send."""

    problem: str | None = None
    pinned: str | None = None  # ip literal for the netloc


async def target_for(url: str) -> Target:
    host, port = _port(url)
    if runtime.settings().webhook_allow_private:
        return Target()
    try:
        addresses = await resolve(host, port)
    except ValueError as exc:
        return Target(problem=str(exc))
    if (why := _refused(host, addresses)) is not None:
        return Target(problem=f"refused: {why}")
    # https needs no pin: the certificate is checked against the name, so an address that
    # changed to an internal host fails the handshake.
    if urlsplit(url).scheme == "http":
        ip = addresses[0]
        return Target(pinned=f"[{ip}]" if ip.version == 6 else str(ip))
    return Target()
