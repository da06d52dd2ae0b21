"""Real ``compax serve`` processes for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

COMPAX = str(Path(sys.executable).parent / "compax")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """``compax serve`` in a subprocess; stderr (the log) is kept in ``log_path``."""

    def __init__(self, cwd: Path, env: dict[str, str], workers: int = 1, port: int | None = None):
        self.cwd = cwd
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env}
        self.env.setdefault("COMPAX_BCRYPT_ROUNDS", "4")
        # The notification worker only where a test is about it (tests/notifications).
        self.env.setdefault("COMPAX_RUN_WORKERS", "false")
        self.workers = workers
        self.log_path = cwd / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> LiveServer:
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [COMPAX, "serve", "--port", str(self.port), "--workers", str(self.workers)],
            cwd=self.cwd,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
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
