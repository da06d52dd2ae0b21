"""A TCP proxy that loses one answer: it forwards a request to the server, waits until the
server has answered (so the work is done and committed), and then cuts the client's
connection instead of relaying the answer. The client sees the connection drop with no
response, as when a network or a load balancer fails at the worst moment."""

from __future__ import annotations

import contextlib
import socket
import threading


class CuttingProxy:
    def __init__(self, upstream_port: int, trigger: bytes) -> None:
        self.upstream_port = upstream_port
        self.trigger = (
            trigger  # the start of the request line to cut, e.g. b"POST /api/v1/bookings "
        )
        self.armed = True
        self.cuts = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> CuttingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()
        for s in self._sockets:
            with contextlib.suppress(OSError):
                s.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._sockets += [client, upstream]
            cutting = threading.Event()
            threading.Thread(
                target=self._requests, args=(client, upstream, cutting), daemon=True
            ).start()
            threading.Thread(
                target=self._responses, args=(upstream, client, cutting), daemon=True
            ).start()

    def _requests(self, client: socket.socket, upstream: socket.socket, cutting: threading.Event):
        seen = b""
        while data := _recv(client):
            seen = (seen + data)[-8192:]
            with self._lock:
                if self.armed and self.trigger in seen:
                    self.armed = False
                    cutting.set()
            try:
                upstream.sendall(data)
            except OSError:
                return
        _close(upstream)

    def _responses(self, upstream: socket.socket, client: socket.socket, cutting: threading.Event):
        while data := _recv(upstream):
            if cutting.is_set():  # the server has answered the request to cut: drop it
                self.cuts += 1
                _close(client)
                _close(upstream)
                return
            try:
                client.sendall(data)
            except OSError:
                return
        _close(client)


def _recv(s: socket.socket) -> bytes:
    try:
        return s.recv(65536)
    except OSError:
        return b""


def _close(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        s.close()
