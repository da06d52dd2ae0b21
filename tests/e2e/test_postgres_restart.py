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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.conftest import POSTGRES_URL
from tests.e2e.servers import LiveServer, free_port


def pg_bin(name: str) -> str | None:
    """A PostgreSQL server program: on PATH, or where Debian keeps it."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    return None


pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="COMPAX_TEST_POSTGRES_URL is not set"),
    pytest.mark.skipif(pg_bin("initdb") is None, reason="PostgreSQL's initdb is not installed"),
]

ADMIN = ("admin@campus.example", "first admin pw")
BASE = datetime(2031, 1, 6, tzinfo=UTC)


class PrivatePostgres:
    """A throwaway cluster; as root, its commands run as the ``postgres`` user."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="compax-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        cmd: tuple[str, ...] = (str(pg_bin(program)), *args)
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

    def restart(self, down_for: float) -> None:
        """Down for ``down_for`` seconds: long enough for every client to notice."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        time.sleep(down_for)
        self._start()

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


async def book_slots(url: str, headers: dict[str, str], room_id: int, until: float) -> dict:
    """Clients booking slot after slot; each slot is retried with its key until confirmed."""
    slots = iter(range(100_000))
    confirmed: dict[int, int] = {}  # slot -> booking id
    answers: Counter[int | str] = Counter()

    async def client(c: httpx.AsyncClient) -> None:
        while time.monotonic() < until:
            slot = next(slots)
            start = BASE + timedelta(minutes=30 * slot)
            body = {
                "room_id": room_id,
                "title": f"slot {slot}",
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=30)).isoformat(),
            }
            key = {"Idempotency-Key": f"slot-{slot}"}
            for _ in range(200):
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
    return {"confirmed": confirmed, "answers": answers}


async def watch_readiness(url: str, until: float) -> list[int]:
    seen = []
    async with httpx.AsyncClient(base_url=url, timeout=2) as c:
        while time.monotonic() < until:
            try:
                seen.append((await c.get("/readyz")).status_code)
            except httpx.TransportError:
                seen.append(0)
            await asyncio.sleep(0.05)
    return seen


def test_a_postgres_restart_loses_and_doubles_no_booking(tmp_path):
    pg = PrivatePostgres().start()
    env = {
        "COMPAX_DATABASE_URL": pg.url,
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN[0],
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
        "COMPAX_SECRET_KEY": "r" * 48,
        "COMPAX_MIGRATE_ON_START": "true",
    }
    try:
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

            async def scenario() -> tuple[dict, list[int]]:
                until = time.monotonic() + 8
                load = asyncio.create_task(book_slots(server.url, h, room["id"], until))
                ready = asyncio.create_task(watch_readiness(server.url, until + 3))
                await asyncio.sleep(2)
                await asyncio.to_thread(pg.restart, 1.0)
                return await load, await ready

            outcome, readiness = asyncio.run(scenario())
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

    confirmed = outcome["confirmed"]
    print("answers:", dict(outcome["answers"]), "readiness:", dict(Counter(readiness)))
    assert len(confirmed) > 20, outcome["answers"]
    assert 0 in readiness or 503 in readiness, readiness  # the restart was seen ...
    assert readiness[-1] == 200 and final == 200  # ... and is over
    by_title = Counter(r["title"] for r in rows)
    assert [t for t, n in by_title.items() if n > 1] == []  # none doubled
    assert {r["id"] for r in rows} == set(confirmed.values())  # none lost, no stray one
    assert {r["status"] for r in rows} == {"confirmed"}
