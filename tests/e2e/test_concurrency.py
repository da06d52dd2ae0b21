"""No double booking under real concurrency: real server processes (SQLite: one server;
PostgreSQL: two instances with two workers each), many clients at once, many rounds."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from compax_server.db import migrate
from tests.conftest import POSTGRES_URL, REDIS_URL, forget_redis_namespace, monday_ahead
from tests.e2e.servers import Cluster, LiveServer

pytestmark = pytest.mark.slow

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@campus.example", "first admin pw"
CLIENTS, ROUNDS = 50, 20
DAY0 = datetime.combine(monday_ahead(5), datetime.min.time(), tzinfo=UTC)


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgres",
            marks=pytest.mark.skipif(
                not POSTGRES_URL, reason="COMPAX_TEST_POSTGRES_URL is not set"
            ),
        ),
    ]
)
def cluster(request, tmp_path):
    env = {
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "COMPAX_LOG_LEVEL": "WARNING",
        "COMPAX_SECRET_KEY": "s" * 48,
        "COMPAX_LOGIN_RATE_LIMIT_IP": "100000",
    }
    if request.param == "sqlite":
        with Cluster([LiveServer(tmp_path, env)]) as c:
            yield c
        return
    name = f"compax_e2e_{uuid.uuid4().hex[:10]}"
    url = asyncio.run(migrate.create_postgres_database(POSTGRES_URL, name))
    try:
        asyncio.run(migrate.upgrade(url))
        env |= {"COMPAX_DATABASE_URL": url, "COMPAX_MIGRATE_ON_START": "false"}
        if REDIS_URL:
            env |= {"COMPAX_CACHE_URL": REDIS_URL, "COMPAX_CACHE_NAMESPACE": name}
        servers = [LiveServer(tmp_path, env, workers=2), LiveServer(tmp_path, env, workers=2)]
        with Cluster(servers) as c:
            yield c
    finally:
        asyncio.run(migrate.drop_postgres_database(POSTGRES_URL, name))
        forget_redis_namespace(name)


async def token(client: httpx.AsyncClient, url: str, email: str, password: str) -> dict[str, str]:
    r = await client.post(f"{url}/api/v1/auth/token", json={"email": email, "password": password})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def setup(
    client: httpx.AsyncClient, url: str, members: int, approval: bool
) -> tuple[dict, list[dict], int]:
    admin = await token(client, url, ADMIN_EMAIL, ADMIN_PASSWORD)
    b = await client.post(
        f"{url}/api/v1/buildings",
        json={"code": f"B{uuid.uuid4().hex[:6]}", "name": "B", "timezone": "UTC"},
        headers=admin,
    )
    b.raise_for_status()
    room = await client.post(
        f"{url}/api/v1/rooms",
        json={
            "code": f"R{uuid.uuid4().hex[:6]}",
            "name": "R",
            "building_id": b.json()["id"],
            "capacity": 30,
            "requires_approval": approval,
        },
        headers=admin,
    )
    room.raise_for_status()
    people = []
    for i in range(members):
        email = f"m{i}-{uuid.uuid4().hex[:6]}@campus.example"
        u = await client.post(
            f"{url}/api/v1/users",
            json={"email": email, "full_name": f"M {i}", "password": "member password"},
            headers=admin,
        )
        u.raise_for_status()
        people.append(await token(client, url, email, "member password"))
    return admin, people, room.json()["id"]


def slot(day: int, offset_minutes: int) -> dict[str, str]:
    start = DAY0 + timedelta(days=day, hours=9, minutes=offset_minutes)
    return {"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}


def check_round(statuses: list[int], winner: int, losers: set[int]) -> None:
    counts = Counter(statuses)
    assert counts[winner] == 1, counts
    assert set(counts) <= {winner} | losers, counts


async def test_concurrent_creates_confirm_exactly_one(cluster):
    urls = itertools.cycle(cluster.urls)
    limits = httpx.Limits(max_connections=CLIENTS * 2)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        admin, people, room_id = await setup(client, cluster.urls[0], 10, approval=False)
        for day in range(ROUNDS):
            requests = [
                client.post(
                    f"{next(urls)}/api/v1/bookings",
                    json={"room_id": room_id, "title": f"r{day}-{i}", **slot(day, i % 30)},
                    headers=people[i % len(people)],
                )
                for i in range(CLIENTS)
            ]
            answers = await asyncio.gather(*requests)
            statuses = [r.status_code for r in answers]
            check_round(statuses, 201, {409})
            assert all(
                r.json()["code"] == "booking_conflict" for r in answers if r.status_code == 409
            )
        listed = await client.get(
            f"{cluster.urls[0]}/api/v1/bookings",
            params={"room_id": room_id, "status": "confirmed", "limit": 200},
            headers=admin,
        )
        days = Counter(b["start"][:10] for b in listed.json()["data"])
        assert len(days) == ROUNDS and set(days.values()) == {1}
    assert "Traceback" not in cluster.logs()


async def test_concurrent_approvals_confirm_exactly_one(cluster):
    urls = itertools.cycle(cluster.urls)
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=100)) as client:
        admin, people, room_id = await setup(client, cluster.urls[0], 10, approval=True)
        for day in range(ROUNDS // 2):
            pending = []
            for i in range(20):
                r = await client.post(
                    f"{next(urls)}/api/v1/bookings",
                    json={"room_id": room_id, "title": f"req{i}", **slot(day, i)},
                    headers=people[i % len(people)],
                )
                assert r.json()["status"] == "pending", r.text
                pending.append(r.json()["id"])
            answers = await asyncio.gather(
                *[
                    client.post(
                        f"{next(urls)}/api/v1/bookings/{bid}/approve",
                        headers=admin | {"If-Match": '"1"'},
                    )
                    for bid in pending
                ]
            )
            check_round([r.status_code for r in answers], 200, {409})
    assert "Traceback" not in cluster.logs()


async def test_concurrent_moves_into_one_slot_let_exactly_one_in(cluster):
    urls = itertools.cycle(cluster.urls)
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=100)) as client:
        admin, _, room_id = await setup(client, cluster.urls[0], 5, approval=False)
        for day in range(ROUNDS // 2):
            ids = []
            for i in range(CLIENTS // 2):
                start = DAY0 + timedelta(days=day, hours=12, minutes=10 * i)
                r = await client.post(
                    f"{next(urls)}/api/v1/bookings",
                    json={
                        "room_id": room_id,
                        "title": f"m{i}",
                        "start": start.isoformat(),
                        "end": (start + timedelta(minutes=10)).isoformat(),
                    },
                    headers=admin,
                )
                assert r.status_code == 201, r.text
                ids.append(r.json()["id"])
            target = slot(day, 0)
            answers = await asyncio.gather(
                *[
                    client.patch(
                        f"{next(urls)}/api/v1/bookings/{bid}",
                        json=target,
                        headers=admin | {"If-Match": '"1"'},
                    )
                    for bid in ids
                ]
            )
            check_round([r.status_code for r in answers], 200, {409})
    assert "Traceback" not in cluster.logs()


async def test_concurrent_series_over_one_slot_one_wins_whole(cluster):
    urls = itertools.cycle(cluster.urls)
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=100)) as client:
        admin, people, room_id = await setup(client, cluster.urls[0], 10, approval=False)
        for round_ in range(5):
            start = (DAY0 + timedelta(weeks=20 * round_)).date()
            answers = await asyncio.gather(
                *[
                    client.post(
                        f"{next(urls)}/api/v1/series",
                        json={
                            "room_id": room_id,
                            "title": f"s{round_}-{i}",
                            "start_date": start.isoformat(),
                            "start_time": f"09:{i * 5:02d}",
                            "duration_minutes": 120,
                            "recurrence": {"freq": "weekly", "count": 15},
                        },
                        headers=people[i % len(people)],
                    )
                    for i in range(10)
                ]
            )
            check_round([r.status_code for r in answers], 201, {409})
            winner = next(r.json() for r in answers if r.status_code == 201)
            listed = await client.get(
                f"{cluster.urls[0]}/api/v1/bookings",
                params={
                    "room_id": room_id,
                    "status": "confirmed",
                    "limit": 200,
                    "from": f"{start.isoformat()}T00:00:00Z",
                    "to": f"{(start + timedelta(weeks=16)).isoformat()}T00:00:00Z",
                },
                headers=admin,
            )
            series_ids = {b["series_id"] for b in listed.json()["data"]}
            assert series_ids == {winner["id"]}
            assert len(listed.json()["data"]) == 15
    assert "Traceback" not in cluster.logs()
