"""PostgreSQL restarted under load: readiness fails, then recovers; no confirmed booking is
lost and none is duplicated.

The test starts a PostgreSQL cluster of its own (``initdb`` in a temporary folder, on a free
port), so restarting it disturbs nothing else; two ``compax serve`` workers book slot after
slot through it while it restarts. Each slot is retried with one ``Idempotency-Key`` until it
is confirmed, as the SDK does.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.conftest import POSTGRES_URL, monday_ahead, require_program
from tests.e2e.servers import LiveServer, free_port

# Where Debian keeps the PostgreSQL server programs (newest first); PATH is looked at last.
PG_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def pg_bin(name: str) -> str:
    """A PostgreSQL server program; skips (fails in CI) when it is not installed."""
    return require_program(name, *PG_DIRS)


pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="COMPAX_TEST_POSTGRES_URL is not set"),
]

ADMIN = ("admin@campus.example", "first admin pw")
BASE = datetime.combine(monday_ahead(5), datetime.min.time(), tzinfo=UTC)


class PrivatePostgres:
    """A throwaway cluster; as root, its commands run as the ``postgres`` user."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="compax-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        cmd: tuple[str, ...] = (pg_bin(program), *args)
        if os.geteuid() == 0:
            cmd = ("runuser", "-u", "postgres", "--", *cmd)
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)

    def start(self) -> PrivatePostgres:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self._start()
        return self

    def _start(self) -> None:
        # -l: the postmaster's output goes to a file, not to our (captured) pipe
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "log"),
            "-w",
            "start",
        )

    def down(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def up(self) -> None:
        self._start()

    def stop(self) -> None:
        """Stop it (if it runs) and remove its folder; safe after a failed start."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


async def book_slots(
    url: str,
    headers: dict[str, str],
    room_id: int,
    stop: asyncio.Event,
    confirmed: dict[int, int],
    answers: Counter[int | str],
) -> None:
    """Clients booking slot after slot until ``stop``; each slot is retried with its key until
    confirmed (a slot begun is always finished). ``confirmed``: slot -> booking id."""
    slots = iter(range(100_000))

    async def client(c: httpx.AsyncClient) -> None:
        while not stop.is_set():
            slot = next(slots)
            start = BASE + timedelta(minutes=30 * slot)
            body = {
                "room_id": room_id,
                "title": f"slot {slot}",
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=30)).isoformat(),
            }
            key = {"Idempotency-Key": f"slot-{slot}"}
            for _ in range(600):
                try:
                    r = await c.post("/api/v1/bookings", json=body, headers=key)
                except httpx.TransportError:
                    answers["no answer"] += 1
                    await asyncio.sleep(0.05)
                    continue
                answers[r.status_code] += 1
                if r.status_code == 201:
                    confirmed[slot] = r.json()["id"]
                    break
                assert r.status_code == 503, r.text  # never a 500
                await asyncio.sleep(0.05)
            else:
                raise AssertionError(f"slot {slot} was never confirmed")

    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=15) as c:
        await asyncio.gather(*(client(c) for _ in range(6)))


async def watch_readiness(url: str, stop: asyncio.Event, seen: list[int]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=2) as c:
        while not stop.is_set():
            try:
                seen.append((await c.get("/readyz")).status_code)
            except httpx.TransportError:
                seen.append(0)
            await asyncio.sleep(0.05)


async def until(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    """Wait for ``condition``; ``timeout`` only guards against a hang."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.05)


def test_a_postgres_restart_loses_and_doubles_no_booking(tmp_path):
    pg = PrivatePostgres()
    env = {
        "COMPAX_DATABASE_URL": pg.url,
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN[0],
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
        "COMPAX_SECRET_KEY": "r" * 48,
        "COMPAX_MIGRATE_ON_START": "true",
    }
    try:
        pg.start()
        with LiveServer(tmp_path, env, workers=2) as server:
            token = httpx.post(
                f"{server.url}/api/v1/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]}
            ).json()["access_token"]
            h = {"Authorization": f"Bearer {token}"}
            b = httpx.post(
                f"{server.url}/api/v1/buildings",
                json={"code": "R", "name": "R", "timezone": "UTC"},
                headers=h,
            ).json()
            room = httpx.post(
                f"{server.url}/api/v1/rooms",
                json={"code": "R-1", "name": "R-1", "building_id": b["id"], "capacity": 9},
                headers=h,
            ).json()

            confirmed: dict[int, int] = {}
            answers: Counter[int | str] = Counter()
            readiness: list[int] = []

            async def scenario() -> None:
                """Load before, during and after a restart; each phase ends on an event."""
                stop_load, stop_watch = asyncio.Event(), asyncio.Event()
                load = asyncio.create_task(
                    book_slots(server.url, h, room["id"], stop_load, confirmed, answers)
                )
                watch = asyncio.create_task(watch_readiness(server.url, stop_watch, readiness))
                try:
                    await until(lambda: len(confirmed) >= 5, "bookings before the restart")
                    await asyncio.to_thread(pg.down)
                    await until(lambda: bool({0, 503} & set(readiness)), "readiness to fail")
                    before = len(confirmed)
                    await asyncio.to_thread(pg.up)
                    await until(lambda: len(confirmed) >= before + 5, "bookings after it")
                    await until(lambda: readiness[-1:] == [200], "readiness to recover")
                finally:
                    stop_load.set()
                    stop_watch.set()
                    await asyncio.gather(load, watch)

            asyncio.run(scenario())
            final = httpx.get(f"{server.url}/readyz").status_code

        async def stored() -> list[asyncpg.Record]:
            conn = await asyncpg.connect(pg.url)
            try:
                return await conn.fetch("SELECT id, title, status FROM bookings")
            finally:
                await conn.close()

        rows = asyncio.run(stored())
    finally:
        pg.stop()

    print("answers:", dict(answers), "readiness:", dict(Counter(readiness)))
    assert 0 in readiness or 503 in readiness, readiness  # the restart was seen ...
    assert readiness[-1] == 200 and final == 200  # ... and is over
    by_title = Counter(r["title"] for r in rows)
    assert [t for t, n in by_title.items() if n > 1] == []  # none doubled
    assert {r["id"] for r in rows} == set(confirmed.values())  # none lost, no stray one
    assert {r["status"] for r in rows} == {"confirmed"}
