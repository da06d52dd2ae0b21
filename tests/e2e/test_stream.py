"""The change stream (Server-Sent Events) against real server processes: a booking made
through another instance arrives, a resumed stream misses and repeats nothing, members see
others' bookings as busy time only, filters, and the per-user bound."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from compax_sdk import AsyncCompax, ChangeEvent, Compax
from tests.e2e.servers import Cluster, LiveServer
from tests.e2e.test_concurrency import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    DAY0,
    cluster,  # noqa: F401  (the fixture)
    token,
)

pytestmark = pytest.mark.slow

DEADLINE = 60  # seconds: a hang guard, not a latency claim
STREAM = "/api/v1/changes/stream"


async def messages(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """SSE messages as dicts (id, event, data parsed); the ``retry`` field yields
    ``{"retry": ...}`` so a caller knows the stream is subscribed."""
    fields: dict[str, Any] = {}
    async for line in response.aiter_lines():
        if not line:
            if fields:
                if "data" in fields:
                    fields["data"] = json.loads(fields["data"])
                yield fields
            fields = {}
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        fields[name] = value.removeprefix(" ")


async def people(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    admin = await token(client, url, ADMIN_EMAIL, ADMIN_PASSWORD)
    b = await client.post(
        f"{url}/api/v1/buildings",
        json={"code": f"B{uuid.uuid4().hex[:6]}", "name": "B", "timezone": "UTC"},
        headers=admin,
    )
    b.raise_for_status()
    rooms = []
    for _ in range(2):
        r = await client.post(
            f"{url}/api/v1/rooms",
            json={
                "code": f"R{uuid.uuid4().hex[:6]}",
                "name": "R",
                "building_id": b.json()["id"],
                "capacity": 30,
            },
            headers=admin,
        )
        r.raise_for_status()
        rooms.append(r.json()["id"])
    out: dict[str, Any] = {"admin": admin, "rooms": rooms, "building": b.json()["id"]}
    for name in ("alice", "bob"):
        email = f"{name}-{uuid.uuid4().hex[:6]}@campus.example"
        u = await client.post(
            f"{url}/api/v1/users",
            json={"email": email, "full_name": name, "password": "member password"},
            headers=admin,
        )
        u.raise_for_status()
        out[name] = await token(client, url, email, "member password")
    return out


async def book(
    client: httpx.AsyncClient, url: str, who: dict[str, str], room: int, n: int
) -> dict[str, Any]:
    start = DAY0 + timedelta(days=n % 5, hours=8 + n // 5)
    r = await client.post(
        f"{url}/api/v1/bookings",
        json={
            "room_id": room,
            "start": start.isoformat(),
            "end": (start + timedelta(minutes=30)).isoformat(),
            "title": f"Secret meeting {n}",
        },
        headers=who,
    )
    r.raise_for_status()
    return dict(r.json())


async def take(
    stream: AsyncIterator[dict[str, Any]], count: int, skip_retry: bool = True
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    async with asyncio.timeout(DEADLINE):
        while len(out) < count:
            msg = await anext(stream)
            if "retry" in msg and skip_retry:
                continue
            out.append(msg)
    return out


async def subscribed(stream: AsyncIterator[dict[str, Any]]) -> None:
    async with asyncio.timeout(DEADLINE):
        first = await anext(stream)
    assert first == {"retry": "2000"}


async def test_live_across_instances_private_and_resumable(cluster):  # noqa: F811
    first, last = cluster.urls[0], cluster.urls[-1]
    async with httpx.AsyncClient(timeout=httpx.Timeout(DEADLINE, read=DEADLINE)) as client:
        p = await people(client, first)
        room, other_room = p["rooms"]
        url = f"{first}{STREAM}"
        async with (
            client.stream("GET", url, params={"room_id": room}, headers=p["alice"]) as alice_r,
            client.stream("GET", url, params={"room_id": room}, headers=p["admin"]) as staff_r,
        ):
            assert alice_r.status_code == 200
            assert alice_r.headers["content-type"].startswith("text/event-stream")
            assert alice_r.headers["cache-control"] == "no-cache"
            alice, staff = messages(alice_r), messages(staff_r)
            await subscribed(alice)
            await subscribed(staff)
            # Not for alice: an admin event, and a booking in a room she did not ask for.
            await client.post(
                f"{last}/api/v1/users",
                json={"email": f"x-{uuid.uuid4().hex[:6]}@campus.example", "full_name": "X"},
                headers=p["admin"],
            )
            await book(client, last, p["bob"], other_room, 0)
            bobs = await book(client, last, p["bob"], room, 1)
            mine = await book(client, last, p["alice"], room, 2)
            a1, a2 = await take(alice, 2)
            s1, s2 = await take(staff, 2)
        assert [m["event"] for m in (a1, a2, s1, s2)] == ["booking.create"] * 4
        assert a1["id"] == s1["id"] and a2["id"] == s2["id"]
        # Bob's booking: busy time for alice, everything for staff.
        assert a1["data"]["entity_id"] is None
        assert a1["data"]["after"]["room_id"] == room
        assert a1["data"]["after"]["start"] is not None
        assert "Secret" not in json.dumps(a1["data"])
        assert a1["data"]["actor_label"] == ""
        assert s1["data"]["entity_id"] == bobs["id"]
        assert s1["data"]["after"]["title"] == "Secret meeting 1"
        # Her own: all of it.
        assert a2["data"]["entity_id"] == mine["id"]
        assert a2["data"]["after"]["title"] == "Secret meeting 2"

        # Resume: what happened while she was away, once, in order; then live again.
        later = [await book(client, last, p["bob"], room, n) for n in (3, 4)]
        headers = p["alice"] | {"Last-Event-ID": a2["id"]}
        async with client.stream("GET", url, params={"room_id": room}, headers=headers) as r:
            resumed = messages(r)
            await subscribed(resumed)
            caught_up = await take(resumed, 2)
            live = await book(client, last, p["alice"], room, 5)
            [after_that] = await take(resumed, 1)
        assert len({m["id"] for m in caught_up}) == 2
        starts = [datetime.fromisoformat(m["data"]["after"]["start"]) for m in caught_up]
        assert starts == [datetime.fromisoformat(b["start"]) for b in later]
        assert after_that["data"]["entity_id"] == live["id"]
        # The feed cursor and the stream's ids are the same thing.
        changes = await client.get(
            f"{first}/api/v1/changes", params={"since": a2["id"]}, headers=p["admin"]
        )
        ids = [e["id"] for e in changes.json()["data"]]
        assert caught_up[0]["data"]["id"] in ids


@pytest.fixture
def one_server(tmp_path):
    env = {
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "COMPAX_LOG_LEVEL": "WARNING",
        "COMPAX_SECRET_KEY": "s" * 48,
        "COMPAX_LOGIN_RATE_LIMIT_IP": "100000",
    }
    with Cluster([LiveServer(tmp_path, env, workers=1)]) as c:
        yield c


async def test_a_user_gets_five_streams_per_process_and_a_429_beyond(one_server):
    url = one_server.urls[0]
    async with httpx.AsyncClient(timeout=DEADLINE) as client:
        p = await people(client, url)
        opened = []
        try:
            for _ in range(5):
                r = await client.send(
                    client.build_request("GET", f"{url}{STREAM}", headers=p["alice"]),
                    stream=True,
                )
                stream = messages(r)  # kept: a collected reader closes its response
                opened.append((r, stream))
                assert r.status_code == 200
                await subscribed(stream)
            async with client.stream("GET", f"{url}{STREAM}", headers=p["alice"]) as refused:
                assert refused.status_code == 429
                assert refused.headers["content-type"] == "application/problem+json"
                assert int(refused.headers["retry-after"]) >= 1
            async with client.stream("GET", f"{url}{STREAM}", headers=p["bob"]) as other:
                assert other.status_code == 200  # the bound is per user
        finally:
            for r, _ in opened:
                await r.aclose()
        # Closed streams free their places.
        async with asyncio.timeout(DEADLINE):
            while True:
                async with client.stream("GET", f"{url}{STREAM}", headers=p["alice"]) as r:
                    if r.status_code == 200:
                        break
                await asyncio.sleep(0.2)


async def test_bad_last_event_id_and_no_credential(one_server):
    url = one_server.urls[0]
    async with httpx.AsyncClient(timeout=DEADLINE) as client:
        admin = await token(client, url, ADMIN_EMAIL, ADMIN_PASSWORD)
        assert (await client.get(f"{url}{STREAM}")).status_code == 401
        bad = await client.get(f"{url}{STREAM}", headers=admin | {"Last-Event-ID": "nope"})
        assert bad.status_code == 400
        assert (await client.get(f"{url}{STREAM}?room_id=x", headers=admin)).status_code == 400


async def feed_end(client: httpx.AsyncClient, url: str, admin: dict[str, str]) -> str:
    """The change feed's cursor after its newest event."""
    since = None
    while True:
        params = {"limit": 100} | ({"since": since} if since else {})
        page = (await client.get(f"{url}/api/v1/changes", params=params, headers=admin)).json()
        since = page["next_cursor"]
        if len(page["data"]) < 100:
            return str(since)


async def test_the_sdk_streams_and_resumes(one_server):
    url = one_server.urls[0]
    async with httpx.AsyncClient(timeout=DEADLINE) as client:
        p = await people(client, url)
        room = p["rooms"][0]
        cursor = await feed_end(client, url, p["admin"])
        bobs = await book(client, url, p["bob"], room, 0)
        alice = p["alice"]["Authorization"].removeprefix("Bearer ")
        sdk = AsyncCompax(base_url=url, access_token=alice, max_retries=0)
        try:
            changes = sdk.changes.stream(room_id=[room], last_event_id=cursor)
            async with asyncio.timeout(DEADLINE):
                event = await anext(changes)
            await changes.aclose()
            assert isinstance(event, ChangeEvent)
            assert event.event == "booking.create"
            assert event.data.entity_id is None
            assert event.data.after is not None and event.data.after["room_id"] == room
            assert "Secret" not in event.data.model_dump_json()
            mine = await book(client, url, p["alice"], room, 1)
            resumed = sdk.changes.stream(room_id=room, last_event_id=event.id)
            async with asyncio.timeout(DEADLINE):
                following = await anext(resumed)
            await resumed.aclose()
            assert following.data.entity_id == mine["id"]
            assert following.data.after is not None
            assert following.data.after["title"] == "Secret meeting 1"
            assert bobs["id"] != mine["id"]
        finally:
            await sdk.close()

        def first_sync() -> ChangeEvent:
            with Compax(base_url=url, access_token=alice, max_retries=0) as sync:
                changes = sync.changes.stream(building_id=[p["building"]], last_event_id=cursor)
                try:
                    return next(changes)
                finally:
                    changes.close()

        async with asyncio.timeout(DEADLINE):
            same = await asyncio.to_thread(first_sync)
        assert same.id == event.id and same.data == event.data


async def test_streams_end_when_the_server_stops(one_server):
    url = one_server.urls[0]
    async with httpx.AsyncClient(timeout=DEADLINE) as client:
        admin = await token(client, url, ADMIN_EMAIL, ADMIN_PASSWORD)
        async with client.stream("GET", f"{url}{STREAM}", headers=admin) as r:
            reader = messages(r)
            await subscribed(reader)
            stopping = asyncio.ensure_future(asyncio.to_thread(one_server.servers[0].stop))
            try:
                async with asyncio.timeout(DEADLINE):
                    async for _ in reader:
                        pass  # the stream ends (or the connection closes) on its own
            except httpx.RemoteProtocolError:
                pass
            finally:
                await stopping
