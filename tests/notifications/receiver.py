"""A real HTTP receiver for webhook tests: a ``ThreadingHTTPServer`` on a loopback port that
checks every signature with the ``standardwebhooks`` library and keeps what it received.

    with Receiver(secret) as r:             # starts on 127.0.0.1:<free port>
        ...create a subscription to r.url...
        r.fail_first = 2                    # refuse the first 2 attempts of each webhook-id
        assert r.events() == [...]

A request whose signature does not verify with any of ``secrets`` is answered 401 and kept
in ``rejected``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook


class _Server(ThreadingHTTPServer):
    request_queue_size = 64  # many deliveries connect at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A sender that gave up (its timeout, the tests that provoke it) hangs up before the
        # slow answer is written: expected, and not to be printed into whatever test runs
        # then (a CLI test's captured output once read it as a crash of its own).
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@dataclass
class Received:
    msg_id: str
    headers: dict[str, str]
    body: bytes
    verified_with: list[str]  # the secrets whose signature matched

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    secrets: list[str] = field(default_factory=list)
    fail_first: int = 0  # per webhook-id: refuse this many attempts with 503
    status: int = 204  # the answer to an accepted delivery
    received: list[Received] = field(default_factory=list)  # accepted, in arrival order
    refused: list[Received] = field(default_factory=list)  # answered with fail_first's 503
    rejected: list[bytes] = field(default_factory=list)  # signature did not verify
    attempts: Counter[str] = field(default_factory=Counter)
    reply: bytes = b""  # the body of every answer
    location: str | None = None  # sent as the answer's location header (a redirect)
    delay: float = 0.0  # seconds to hold each request before answering
    requests: int = 0  # every request that arrived, verified or not
    most_at_once: int = 0  # the most requests held at the same time

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._held = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver._lock:
                    receiver.requests += 1
                    receiver._held += 1
                    receiver.most_at_once = max(receiver.most_at_once, receiver._held)
                try:
                    time.sleep(receiver.delay)
                    status = receiver.handle(dict(self.headers.items()), body)
                finally:
                    with receiver._lock:
                        receiver._held -= 1
                self.send_response(status)
                if receiver.location is not None:
                    self.send_header("location", receiver.location)
                self.send_header("content-length", str(len(receiver.reply)))
                self.end_headers()
                self.wfile.write(receiver.reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        headers = {k.lower(): v for k, v in headers.items()}
        verified = []
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
                verified.append(secret)
            except Exception:  # noqa: S112 - another secret may match
                continue
        with self._lock:
            if not verified:
                self.rejected.append(body)
                return 401
            msg_id = headers["webhook-id"]
            self.attempts[msg_id] += 1
            item = Received(msg_id, headers, body, verified)
            if self.attempts[msg_id] <= self.fail_first:
                self.refused.append(item)
                return 503
            self.received.append(item)
            return self.status

    def events(self) -> list[dict[str, Any]]:
        """The ``data`` of each accepted delivery, in arrival order."""
        with self._lock:
            return [r.json["data"] for r in self.received]
