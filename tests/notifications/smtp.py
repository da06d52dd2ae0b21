"""A real SMTP server in the test process (aiosmtpd), collecting what it receives.

with smtp_server() as server:
    ...  # send to 127.0.0.1:server.port
    [msg] = server.messages          # email.message.EmailMessage, parsed
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Collector:
    """The aiosmtpd handler: keeps every envelope; ``refuse`` answers DATA with that reply."""

    envelopes: list[Any] = field(default_factory=list)
    refuse: str = ""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse
        self.envelopes.append(envelope)
        return "250 OK"


@dataclass
class Server:
    controller: Controller
    handler: Collector
    port: int

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(e.original_content, policy=email.policy.default)  # type: ignore[misc]
            for e in self.handler.envelopes
        ]

    def url(self, **query: str) -> str:
        extra = "&".join(f"{k}={v}" for k, v in query.items())
        return f"smtp://127.0.0.1:{self.port}?starttls=false" + (f"&{extra}" if extra else "")

    def stop(self) -> None:
        self.controller.stop()

    def start(self) -> None:
        self.controller.start()


def _authenticator(user: str, password: str) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok)

    return check


@contextmanager
def smtp_server(
    port: int | None = None, *, auth: tuple[str, str] | None = None
) -> Iterator[Server]:
    """An SMTP server on 127.0.0.1 (a free port unless given), stopped at the end. With
    ``auth`` it requires AUTH LOGIN/PLAIN with that user and password (allowed without
    TLS: a test server)."""
    handler = Collector()
    port = port or free_port()
    options: dict[str, Any] = {}
    if auth is not None:
        options = {
            "authenticator": _authenticator(*auth),
            "auth_required": True,
            "auth_require_tls": False,
        }
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    server = Server(controller, handler, port)
    try:
        yield server
    finally:
        with contextlib.suppress(AssertionError):  # already stopped by the test
            controller.stop()
