"""Faults, with real processes: Redis going away and coming back, a server killed in the
middle of an import, clients that hang up mid-request, a shutdown with work in flight."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.conftest import monday_ahead, require_program
from tests.e2e.servers import LiveServer, free_port, wait_for

pytestmark = pytest.mark.slow

ADMIN = ("admin@campus.example", "first admin pw")
TERM = monday_ahead(5)  # a term that is always ahead, whenever the tests run
SLOTS = datetime.combine(monday_ahead(6), datetime.min.time(), tzinfo=UTC)
LATER = monday_ahead(7)
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
                "start_date": TERM.isoformat(),
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
        """Start it and wait until it answers; a server that does not is killed again."""
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
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def keys(self) -> int:
        import redis as redis_client

        with redis_client.Redis(port=self.port, socket_timeout=5) as r:
            return int(r.dbsize())


def writing(database: Path) -> bool:
    """Whether a transaction holds the SQLite database's write lock right now (only the
    server writes it, and only the request under test)."""
    conn = sqlite3.connect(database, timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.rollback()
        return False
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return True
    finally:
        conn.close()


async def until_writing(database: Path, task: asyncio.Task[httpx.Response]) -> None:
    """Wait (at most a minute: a hang guard) until ``task``'s request holds the write lock."""
    deadline = time.monotonic() + 60
    while not writing(database):
        assert not task.done(), "the request finished before it was seen writing"
        assert time.monotonic() < deadline, "the request never started writing"
        await asyncio.sleep(0.02)


def test_redis_going_away_degrades_to_uncached_and_recovers(tmp_path):
    require_program("redis-server")
    redis = Redis()
    env = ENV | {"COMPAX_CACHE_URL": f"redis://127.0.0.1:{redis.port}/0", "COMPAX_WORKERS": "1"}
    try:
        redis.start()
        with LiveServer(tmp_path, env) as server:
            h = login(server.url)
            [room] = campus(server.url, h, 1)
            room_id = httpx.get(f"{server.url}/api/v1/rooms", params={"q": room}, headers=h).json()[
                "data"
            ][0]["id"]

            slots = iter(range(100_000))

            def ready() -> dict[str, str]:
                return dict(httpx.get(f"{server.url}/readyz", timeout=10).json())

            async def traffic(rounds: int) -> list[int]:
                """``rounds`` of a search and a booking (each in a slot of its own)."""
                statuses: list[int] = []
                window = {"free_from": f"{TERM}T09:00:00Z", "free_to": f"{TERM}T10:00:00Z"}
                async with httpx.AsyncClient(base_url=server.url, headers=h, timeout=30) as c:
                    for _ in range(rounds):
                        statuses.append((await c.get("/api/v1/rooms", params=window)).status_code)
                        start = SLOTS + timedelta(hours=next(slots))
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

            before = asyncio.run(traffic(5))
            assert redis.keys() > 0  # the server caches in it
            redis.stop()
            during = asyncio.run(traffic(10))
            degraded = ready()
            redis.start()
            assert redis.keys() == 0  # a fresh one
            wait_for(lambda: ready()["cache"] == "ok", "the cache to answer again", timeout=60)
            # The server leaves the cache alone for a while after a failure; traffic goes on
            # until the server uses the cache again (the event), not for a number of seconds.
            recovering: list[int] = []

            def cached_again() -> bool:
                recovering.extend(asyncio.run(traffic(1)))
                return redis.keys() > 0

            wait_for(cached_again, "the server to use the cache again", timeout=60)
            after = asyncio.run(traffic(5))
        # Every request of every phase answered, searches 200 and bookings 201.
        assert (before, during, after) == ([200, 201] * 5, [200, 201] * 10, [200, 201] * 5)
        assert set(recovering) == {200, 201}
        assert degraded["cache"] == "degraded" and degraded["status"] == "ok"
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
                await until_writing(tmp_path / "compax.sqlite3", task)  # in its transaction
                assert server.process is not None
                os.killpg(server.process.pid, signal.SIGKILL)
                with pytest.raises(httpx.HTTPError):  # it never answered
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
    # Killed inside the apply's one transaction: nothing of it stays.
    assert (series, occurrences) == (0, 0)
    with LiveServer(tmp_path, env) as again:  # it starts again, and the import can be re-run
        r = httpx.post(
            f"{again.url}/api/v1/imports", json=body, headers=login(again.url), timeout=120
        )
        assert r.status_code == 201, r.text
        assert r.json()["summary"]["create"] == 1200


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
                                    "free_from": f"{TERM}T08:00:00Z",
                                    "free_to": f"{TERM}T09:00:00Z",
                                    "repeat": "daily",
                                    "until": (TERM + timedelta(weeks=40)).isoformat(),
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
        # The server saw a client leave (not only a request that never arrived) ...
        hang_up_line = re.compile(
            r"^\S+ \S+ INFO compax\.errors: client went away during "
            r"(POST /api/v1/imports|GET /api/v1/rooms) \[request_id=([0-9a-f]{32})\]$",
            re.MULTILINE,
        )
        wait_for(lambda: bool(hang_up_line.search(server.log())), "the server to log a hang-up")
        # ... and its access line says 499 (nginx's "client closed request"), not a 5xx
        hang_up = hang_up_line.search(server.log())
        assert hang_up is not None
        operation, request_id = hang_up.groups()
        access_line = re.compile(
            rf"INFO compax\.access: {operation} 499 \S+ms request_id={request_id} user_id=1$",
            re.MULTILINE,
        )
        wait_for(lambda: bool(access_line.search(server.log())), "the hang-up's access line")
        # ... and everything still answers; the abandoned imports finished (or were cancelled)
        # each as one piece: all 100 series or none.
        assert httpx.get(f"{server.url}/readyz").status_code == 200
        r = httpx.post(
            f"{server.url}/api/v1/bookings",
            json={
                "room_id": 1,
                "title": "t",
                "start": f"{LATER}T09:00:00Z",
                "end": f"{LATER}T10:00:00Z",
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
                await until_writing(Path(tmp_path) / "compax.sqlite3", task)  # in flight
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

            async def hang_up_then_still_open() -> list[tuple[str, str]]:
                for _ in range(5):
                    async with httpx.AsyncClient(timeout=0.05) as c:
                        with contextlib.suppress(httpx.TimeoutException):
                            await c.post(f"{server.url}/api/v1/imports", json=body, headers=h)
                conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
                try:
                    # Wait until the server holds no transaction and runs no statement: every
                    # abandoned import is over, one way or the other. An import still at work
                    # shows as 'idle in transaction' between two statements, for a moment; a
                    # leaked one stays so for ever (nothing closes it: no idle timeout is set),
                    # so a minute without quiet is the failure, with what was still open.
                    deadline = time.monotonic() + 60
                    while True:
                        busy = await conn.fetch(
                            "SELECT state, query FROM pg_stat_activity WHERE datname = $1"
                            " AND (state = 'active' OR state LIKE 'idle in transaction%')"
                            " AND pid <> pg_backend_pid()",
                            name,
                        )
                        if not busy or time.monotonic() > deadline:
                            return [(r["state"], r["query"][:200]) for r in busy]
                        await asyncio.sleep(0.05)
                finally:
                    await conn.close()

            assert asyncio.run(hang_up_then_still_open()) == []
            assert "client went away" in server.log()  # the hang-ups reached the server
            r = httpx.post(
                f"{server.url}/api/v1/imports", json=body | {"mode": "plan"}, headers=h, timeout=60
            )
            assert r.status_code == 201
            assert r.json()["summary"].get("create", 0) in (0, 100)
    finally:
        asyncio.run(migrate.drop_postgres_database(server_url, name))
