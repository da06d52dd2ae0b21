"""The release of no-shows in real server processes on PostgreSQL: two instances of two
workers each, 200 bookings that need a check-in, half checked in. Exactly the other half is
released, each once and each audited, although the instance that was releasing is killed in
the middle of its run (its transaction is held up by a row lock the test takes, so that the
kill lands inside the run): the other instance finishes.

Real processes run on the real clock: the bookings start a few dozen seconds ahead (with
a check-in window closing at the start), and waits are on what the database shows, with a
generous deadline.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import forget_redis_namespace, fresh_postgres
from tests.e2e.servers import LiveServer
from tests.notifications.test_worker_e2e import ADMIN_EMAIL, ADMIN_PASSWORD, postgres_env

pytestmark = pytest.mark.slow

DEADLINE = 90.0
ROOMS, PER_ROOM = 10, 20
MEMBER_PASSWORD = "member password 1"


@pytest.fixture
def postgres_database() -> Iterator[str]:
    with fresh_postgres("compax_e2e") as (url, name):
        try:
            yield url
        finally:
            forget_redis_namespace(name)


def wait_for(what: str, condition: Callable[[], bool], deadline: float = DEADLINE) -> None:
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"still waiting for {what} after {deadline} s")
        time.sleep(0.1)


def client(url: str, email: str, password: str) -> httpx.Client:
    http = httpx.Client(base_url=url, timeout=30)
    r = http.post("/api/v1/auth/token", json={"email": email, "password": password})
    r.raise_for_status()
    http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return http


def ok(r: httpx.Response) -> Any:
    assert r.status_code < 300, r.text
    return r.json() if r.content else None


class Database:
    """A connection of the test's own, driven synchronously."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.conn: asyncpg.Connection = self.loop.run_until_complete(asyncpg.connect(url))

    def run(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = self.loop.run_until_complete(self.conn.fetch(sql, *args))
        return rows

    def close(self) -> None:
        self.loop.run_until_complete(self.conn.close())
        self.loop.close()


def socket_owner(port: int, candidates: list[int]) -> int | None:
    """Which of ``candidates`` (pids) holds the TCP socket whose local port is ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for pid in candidates:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        if any(link == f"socket:[{inode}]" for link in links for inode in inodes):
            return pid
    return None


def group_of(leader: int) -> list[int]:
    """The processes of a server (its session: the main process and its workers)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[3]) == leader:  # pgrp
                pids.append(int(entry))
    return pids


def test_each_no_show_released_once_though_the_releasing_instance_is_killed(
    postgres_database: str, tmp_path: Path
) -> None:
    env = postgres_env(postgres_database)
    servers = [LiveServer(tmp_path, env, workers=2), LiveServer(tmp_path, env, workers=2)]
    db = Database(postgres_database)  # the test's lock
    look = Database(postgres_database)  # what the database shows (statistics are per transaction)
    try:
        for server in servers:
            server.start()
        admin = client(servers[0].url, ADMIN_EMAIL, ADMIN_PASSWORD)
        email = f"m{uuid.uuid4().hex[:6]}@campus.example"
        member_id = ok(
            admin.post(
                "/api/v1/users",
                json={
                    "email": email,
                    "full_name": "Mia",
                    "role": "member",
                    "password": MEMBER_PASSWORD,
                },
            )
        )["id"]
        member = client(servers[1].url, email, MEMBER_PASSWORD)
        building = ok(
            admin.post("/api/v1/buildings", json={"code": "CI", "name": "C", "timezone": "UTC"})
        )
        ok(
            admin.put(
                f"/api/v1/rules/building/{building['id']}",
                json={"requires_checkin": True, "checkin_closes_minutes": 0},
            )
        )
        rooms = [
            ok(
                admin.post(
                    "/api/v1/rooms",
                    json={
                        "code": f"CI-{n}",
                        "name": "R",
                        "building_id": building["id"],
                        "capacity": 8,
                    },
                )
            )["id"]
            for n in range(ROOMS)
        ]
        base = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=40)
        ids: list[int] = []
        for k in range(PER_ROOM):
            for room in rooms:
                start = base + timedelta(seconds=k)
                body = {
                    "room_id": room,
                    "title": "Stand-up",
                    "start": start.isoformat(),
                    "end": (start + timedelta(seconds=1)).isoformat(),
                    "owner_id": member_id,
                }
                ids.append(ok(admin.post("/api/v1/bookings", json=body))["id"])
        checked = set(ids[::2])
        for booking_id in checked:
            ok(member.post(f"/api/v1/bookings/{booking_id}/check-in"))
        no_shows = [i for i in ids if i not in checked]
        assert datetime.now(UTC) < base, "the setup took too long for the chosen start"

        # Hold the first no-show's row: whoever releases it waits, inside its run.
        db.run("BEGIN")
        db.run("SELECT id FROM bookings WHERE id = $1 FOR UPDATE", no_shows[0])
        blocked: list[asyncpg.Record] = []

        def releaser_waits() -> bool:
            blocked[:] = look.run(
                "SELECT client_port FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE 'UPDATE bookings SET status = ''released''%'"
            )
            return bool(blocked)

        wait_for("a release run to reach the held booking", releaser_waits)
        port = blocked[0]["client_port"]
        assert look.run("SELECT count(*) AS n FROM bookings WHERE status = 'released'")[0]["n"] == 0
        owner = next(
            s
            for s in servers
            if s.process and socket_owner(port, group_of(s.process.pid)) is not None
        )
        survivor = next(s for s in servers if s is not owner)
        assert owner.process is not None
        os.killpg(owner.process.pid, signal.SIGKILL)  # the main process and its workers
        owner.process.wait()
        db.run("ROLLBACK")  # the killed run's statement goes on, cannot answer: rolled back
        db.close()
        db = look

        def released() -> int:
            return int(
                db.run("SELECT count(*) AS n FROM bookings WHERE status = 'released'")[0]["n"]
            )

        wait_for("every no-show released", lambda: released() >= len(no_shows))
        time.sleep(1)  # not a synchronisation: room for a second release to show, if any

        rows = db.run("SELECT id, status, checked_in_at FROM bookings ORDER BY id")
        status = {r["id"]: r["status"] for r in rows}
        assert {i for i, s in status.items() if s == "released"} == set(no_shows)
        assert {i for i, s in status.items() if s == "confirmed"} == checked
        events = db.run(
            "SELECT entity_id, count(*) AS n, min(after::text) AS after FROM audit_events "
            "WHERE action = 'booking.release' GROUP BY entity_id"
        )
        assert {e["entity_id"]: e["n"] for e in events} == dict.fromkeys(no_shows, 1)
        assert all('"due_at"' in e["after"] for e in events)
        assert "Traceback" not in survivor.log()
    finally:
        db.close()
        if look is not db:
            look.close()
        for server in servers:
            server.stop()
