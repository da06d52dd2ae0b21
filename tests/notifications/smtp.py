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
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Collector:
    """The aiosmtpd handler: keeps every envelope; ``refuse`` answers DATA with that reply,
    ``refuse_rcpt`` the named recipients with theirs."""

    envelopes: list[Any] = field(default_factory=list)
    refuse: str = ""
    refuse_rcpt: dict[str, str] = field(default_factory=dict)  # address -> RCPT reply
    encrypted: list[bool] = field(default_factory=list)  # per envelope: over TLS?

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse
        self.envelopes.append(envelope)
        self.encrypted.append(session.ssl is not None)
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


def _tls(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _authenticator(user: str, password: str) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok)

    return check


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command): (cert, key).
    The certificate is its own CA: trust it with ``?cafile=``."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@contextmanager
def smtp_server(
    port: int | None = None,
    *,
    auth: tuple[str, str] | None = None,
    starttls: tuple[Path, Path] | None = None,
    implicit_tls: tuple[Path, Path] | None = None,
) -> Iterator[Server]:
    """An SMTP server on 127.0.0.1 (a free port unless given), stopped at the end. With
    ``auth`` it requires AUTH LOGIN/PLAIN with that user and password (allowed without
    TLS unless ``starttls``); with ``starttls`` (cert, key) it offers and requires
    STARTTLS; with ``implicit_tls`` it speaks TLS from the start (smtps)."""
    handler = Collector()
    port = port or free_port()
    options: dict[str, Any] = {}
    if auth is not None:
        options = {
            "authenticator": _authenticator(*auth),
            "auth_required": True,
            "auth_require_tls": starttls is not None,
        }
    if starttls is not None:
        options |= {"tls_context": _tls(*starttls), "require_starttls": True}
    if implicit_tls is not None:
        options |= {"ssl_context": _tls(*implicit_tls)}
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    server = Server(controller, handler, port)
    try:
        yield server
    finally:
        with contextlib.suppress(AssertionError):  # already stopped by the test
            controller.stop()
