"""Faults, with real processes: Redis going away and coming back, a server killed in the
middle of an import, clients that hang up mid-request, a shutdown with work in flight."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.e2e.servers import LiveServer, free_port

pytestmark = pytest.mark.slow

ADMIN = ("admin@campus.example", "first admin pw")
ENV = {
    "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN[0],
    "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
    "COMPAX_SECRET_KEY": "f" * 48,
    "COMPAX_LOGIN_RATE_LIMIT_IP": "100000",
}


def login(url: str) -> dict[str, str]:
    r = httpx.post(f"{url}/api/v1/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def campus(url: str, h: dict[str, str], rooms: int) -> list[str]:
    b = httpx.post(
        f"{url}/api/v1/buildings", json={"code": "F", "name": "F", "timezone": "UTC"}, headers=h
    ).json()
    codes = []
    for i in range(rooms):
        code = f"F-{i:03d}"
        httpx.post(
            f"{url}/api/v1/rooms",
            json={"code": code, "name": code, "building_id": b["id"], "capacity": 20},
            headers=h,
        ).raise_for_status()
        codes.append(code)
    return codes


def timetable(codes: list[str], n: int) -> dict:
    return {
        "source": "sis-fault",
        "mode": "apply",
        "items": [
            {
                "external_id": f"C{i}",
                "kind": "series",
                "room": codes[i % len(codes)],
                "title": f"C{i}",
                "start_date": "2031-09-01",
                "start_time": f"{8 + (i // len(codes)) % 10:02d}:00",
                "duration_minutes": 50,
                "recurrence": {"freq": "weekly", "weekdays": ["mon", "wed"], "count": 30},
            }
            for i in range(n)
        ],
    }


class Redis:
    """A redis-server of this test's own, on a free port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_redis_going_away_degrades_to_uncached_and_recovers(tmp_path):
    redis = Redis()
    redis.start()
    env = ENV | {"COMPAX_CACHE_URL": f"redis://127.0.0.1:{redis.port}/0", "COMPAX_WORKERS": "1"}
    try:
        with LiveServer(tmp_path, env) as server:
            h = login(server.url)
            [room] = campus(server.url, h, 1)
            room_id = httpx.get(f"{server.url}/api/v1/rooms", params={"q": room}, headers=h).json()[
                "data"
            ][0]["id"]

            slots = iter(range(100_000))

            async def traffic(seconds: float) -> list[int]:
                """Searches and bookings (each in a slot of its own) for ``seconds``."""
                statuses: list[int] = []
                window = {"free_from": "2031-01-01T09:00:00Z", "free_to": "2031-01-01T10:00:00Z"}
                async with httpx.AsyncClient(base_url=server.url, headers=h, timeout=10) as c:
                    deadline = time.monotonic() + seconds
                    while time.monotonic() < deadline:
                        statuses.append((await c.get("/api/v1/rooms", params=window)).status_code)
                        start = datetime(2032, 1, 1, tzinfo=UTC) + timedelta(hours=next(slots))
                        r = await c.post(
                            "/api/v1/bookings",
                            json={
                                "room_id": room_id,
                                "title": "t",
                                "start": start.isoformat(),
                                "end": (start + timedelta(minutes=30)).isoformat(),
                            },
                        )
                        statuses.append(r.status_code)
                return statuses

            before = asyncio.run(traffic(1.5))
            redis.stop()
            during = asyncio.run(traffic(3))
            degraded = httpx.get(f"{server.url}/readyz").json()
            redis.start()
            time.sleep(2.5)  # the cache is left alone for two seconds after a failure
            after = asyncio.run(traffic(1.5))
            recovered = httpx.get(f"{server.url}/readyz").json()
        assert set(before) <= {200, 201} and set(during) <= {200, 201} and set(after) <= {200, 201}
        assert len(during) > 10
        assert degraded["cache"] == "degraded" and degraded["status"] == "ok"
        assert recovered["cache"] == "ok"
    finally:
        redis.stop()


def test_a_server_killed_during_an_import_leaves_nothing_half_applied(tmp_path):
    env = ENV | {"COMPAX_REQUEST_MAX_SIZE": str(8 * 1024 * 1024)}
    server = LiveServer(tmp_path, env).start()
    try:
        h = login(server.url)
        codes = campus(server.url, h, 120)
        body = timetable(codes, 1200)  # 36,000 occurrences: the apply takes a few seconds

        async def apply_and_kill() -> None:
            async with httpx.AsyncClient(timeout=60) as c:
                task = asyncio.create_task(
                    c.post(f"{server.url}/api/v1/imports", json=body, headers=h)
                )
                await asyncio.sleep(1.2)
                assert server.process is not None
                os.killpg(server.process.pid, signal.SIGKILL)
                with pytest.raises(httpx.HTTPError):
                    await task

        asyncio.run(apply_and_kill())
        server.process.wait()  # type: ignore[union-attr]
    finally:
        server.stop()
    db = sqlite3.connect(tmp_path / "compax.sqlite3")
    series = db.execute("SELECT COUNT(*) FROM series WHERE source = 'sis-fault'").fetchone()[0]
    occurrences = db.execute(
        "SELECT COUNT(*) FROM bookings b JOIN series s ON s.id = b.series_id WHERE s.source = 'sis-fault'"
    ).fetchone()[0]
    db.close()
    assert (series, occurrences) in ((0, 0), (1200, 36_000)), (series, occurrences)
    with LiveServer(tmp_path, env) as again:  # it starts again, and the import can be re-run
        r = httpx.post(
            f"{again.url}/api/v1/imports", json=body, headers=login(again.url), timeout=120
        )
        assert r.status_code == 201, r.text
        assert (
            r.json()["summary"].get("create", 0) + r.json()["summary"].get("unchanged", 0) == 1200
        )


def test_clients_hanging_up_do_not_wedge_the_server(tmp_path):
    with LiveServer(tmp_path, ENV | {"COMPAX_REQUEST_MAX_SIZE": str(8 * 1024 * 1024)}) as server:
        h = login(server.url)
        codes = campus(server.url, h, 20)
        body = timetable(codes, 100)

        async def hang_up() -> int:
            """Send requests and leave before the answer; returns how many were left."""
            left = 0
            for _ in range(3):
                async with httpx.AsyncClient(timeout=0.05) as c:
                    for method, path, kwargs in (
                        ("POST", "/api/v1/imports", {"json": body}),
                        (
                            "GET",
                            "/api/v1/rooms",
                            {
                                "params": {
                                    "free_from": "2031-09-01T08:00:00Z",
                                    "free_to": "2031-09-01T09:00:00Z",
                                    "repeat": "daily",
                                    "until": "2032-06-01",
                                }
                            },
                        ),
                    ):
                        try:
                            await c.request(method, f"{server.url}{path}", headers=h, **kwargs)
                        except httpx.TimeoutException:
                            left += 1
            return left

        assert asyncio.run(hang_up()) >= 1
        time.sleep(2)
        # Everything still answers; the abandoned import finished (or failed) as one piece.
        assert httpx.get(f"{server.url}/readyz").status_code == 200
        r = httpx.post(
            f"{server.url}/api/v1/bookings",
            json={
                "room_id": 1,
                "title": "t",
                "start": "2033-01-03T09:00:00Z",
                "end": "2033-01-03T10:00:00Z",
            },
            headers=h,
        )
        assert r.status_code == 201, r.text
        again = httpx.post(
            f"{server.url}/api/v1/imports", json=body | {"mode": "plan"}, headers=h, timeout=60
        ).json()
        assert set(again["summary"]) <= {"create", "unchanged", "occurrences", "bumped"}
        assert again["summary"].get("create", 0) in (0, 100)
        log = server.log()
    assert "Traceback" not in log


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param("term-main", id="SIGTERM to the main process (systemd, docker stop)"),
        pytest.param("int-group", id="SIGINT to the process group (Ctrl-C)"),
    ],
)
def test_shutdown_lets_the_request_in_flight_finish(tmp_path, stop):
    server = LiveServer(tmp_path, ENV | {"COMPAX_REQUEST_MAX_SIZE": str(8 * 1024 * 1024)}).start()
    try:
        h = login(server.url)
        codes = campus(server.url, h, 60)
        body = timetable(codes, 600)  # about a second of work for the server

        async def apply_then_stop() -> httpx.Response:
            async with httpx.AsyncClient(timeout=60) as c:
                task = asyncio.create_task(
                    c.post(f"{server.url}/api/v1/imports", json=body, headers=h)
                )
                await asyncio.sleep(0.3)
                assert not task.done(), "the import finished before the stop: make it bigger"
                assert server.process is not None
                if stop == "term-main":
                    os.kill(server.process.pid, signal.SIGTERM)
                else:  # the terminal signals every process, the workers as well
                    os.killpg(server.process.pid, signal.SIGINT)
                return await task

        response = asyncio.run(apply_then_stop())
        assert server.process is not None
        assert server.process.wait(timeout=30) == 0, server.log()[-3000:]
    finally:
        server.stop()
    assert response.status_code == 201, response.text
    assert "Traceback" not in server.log()
    db = sqlite3.connect(Path(tmp_path) / "compax.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM series WHERE source = 'sis-fault'").fetchone()[0] == 600
    db.close()


@pytest.mark.skipif(
    not os.environ.get("COMPAX_TEST_POSTGRES_URL"), reason="COMPAX_TEST_POSTGRES_URL is not set"
)
def test_hang_ups_leave_no_transaction_open_on_postgres(tmp_path):
    import uuid

    import asyncpg

    from compax_server.db import migrate

    server_url = os.environ["COMPAX_TEST_POSTGRES_URL"]
    name = f"compax_hangup_{uuid.uuid4().hex[:8]}"
    url = asyncio.run(migrate.create_postgres_database(server_url, name))
    try:
        asyncio.run(migrate.upgrade(url))
        env = ENV | {"COMPAX_DATABASE_URL": url, "COMPAX_MIGRATE_ON_START": "false"}
        with LiveServer(tmp_path, env, workers=2) as server:
            h = login(server.url)
            codes = campus(server.url, h, 20)
            body = timetable(codes, 100)

            async def hang_up_then_count() -> int:
                for _ in range(5):
                    async with httpx.AsyncClient(timeout=0.05) as c:
                        with contextlib.suppress(httpx.TimeoutException):
                            await c.post(f"{server.url}/api/v1/imports", json=body, headers=h)
                await asyncio.sleep(3)
                conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
                try:
                    return int(
                        await conn.fetchval(
                            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'",
                            name,
                        )
                    )
                finally:
                    await conn.close()

            assert asyncio.run(hang_up_then_count()) == 0
            r = httpx.post(
                f"{server.url}/api/v1/imports", json=body | {"mode": "plan"}, headers=h, timeout=60
            )
            assert r.status_code == 201
            assert r.json()["summary"].get("create", 0) in (0, 100)
    finally:
        asyncio.run(migrate.drop_postgres_database(server_url, name))
