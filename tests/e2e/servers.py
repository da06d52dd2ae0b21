"""Real ``compax serve`` processes for end-to-end tests."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

COMPAX = str(Path(sys.executable).parent / "compax")


def free_port() -> int:
    """A port free right now. Another process may take it before ours binds it:
    ``LiveServer`` then starts again on another one."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Poll ``condition`` until it holds; ``timeout`` is a hang guard, not a measurement."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout:g} s")
        time.sleep(0.05)


PORT_TAKEN = ("address already in use", "errno 98", "eaddrinuse")
PR_SET_PDEATHSIG = 1  # linux/prctl.h
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


def _in_the_child(parent: int) -> Callable[[], None]:
    """What a server's process does before it runs ``compax serve``: stop on Ctrl-C as in a
    terminal, even if pytest runs with SIGINT ignored (a child inherits that; an earlier
    in-process test may have left it); and, on Linux, be sent SIGTERM when the test run that
    started it dies (a run killed mid-test leaves no server behind: its fixtures never stop
    it)."""

    def setup() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if _LIBC is not None:
            _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
            if os.getppid() != parent:  # the run died before the line above
                os._exit(1)

    return setup


class PortTaken(RuntimeError):
    """The server could not bind its port: another process had taken it."""


class LiveServer:
    """``compax serve`` in a subprocess; stderr (the log) is kept in ``log_path``."""

    def __init__(self, cwd: Path, env: dict[str, str], workers: int = 1, port: int | None = None):
        self.cwd = cwd
        self.fixed_port = port is not None
        self._use_port(port or free_port())
        self.env = {**os.environ, **env}
        self.env.setdefault("COMPAX_BCRYPT_ROUNDS", "4")
        # The notification worker only where a test is about it (tests/notifications).
        self.env.setdefault("COMPAX_RUN_WORKERS", "false")
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    def _use_port(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = self.cwd / f"server-{port}.log"

    def start(self, timeout: float = 30.0) -> LiveServer:
        """Start and wait until ready. When another process took the free port first (it was
        only free when we looked), start again on another one (unless a port was given)."""
        for attempt in range(5):
            try:
                return self._start(timeout)
            except PortTaken:
                if self.fixed_port or attempt == 4:
                    raise
                self._use_port(free_port())
        raise AssertionError("unreachable")

    def _start(self, timeout: float) -> LiveServer:
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [COMPAX, "serve", "--port", str(self.port), "--workers", str(self.workers)],
            cwd=self.cwd,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_in_the_child(os.getpid()),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log()
                self.stop()
                if any(sign in log.lower() for sign in PORT_TAKEN):
                    raise PortTaken(log)
                raise RuntimeError(f"server exited:\n{log}")
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not become ready:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            # The main process only, as systemd (KillMode=mixed) and docker stop do: it stops
            # its workers itself. SIGTERM to the whole group would also kill Sanic's helper.
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                print("SERVER DID NOT STOP:", self.log()[-3000:])
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
        self.process = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Cluster:
    """One or more ``compax serve`` instances sharing one database (and cache)."""

    def __init__(self, servers: list[LiveServer]):
        self.servers = servers

    @property
    def urls(self) -> list[str]:
        return [s.url for s in self.servers]

    def __enter__(self) -> Cluster:
        started: list[LiveServer] = []
        try:
            for server in self.servers:
                started.append(server.start())
        except Exception:
            for server in started:
                server.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.stop()

    def logs(self) -> str:
        return "\n".join(s.log() for s in self.servers)
