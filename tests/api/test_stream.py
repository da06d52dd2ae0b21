"""The change stream through the app: the in-process client reads whole bodies, so each
stream here ends right after its replay (``MAX_LIFETIME`` 0). Live delivery across
processes is tested in tests/e2e/test_stream.py."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import pytest

from compax_server.db.users import Role
from compax_server.errors import RateLimited
from compax_server.services import stream
from tests.conftest import actor_of, at, bearer
from tests.dates import Y2031

STREAM = "/api/v1/changes/stream"


@pytest.fixture(autouse=True)
def streams_end_after_replay(monkeypatch):
    monkeypatch.setattr(stream, "MAX_LIFETIME", 0)


def parse(body: str) -> list[dict[str, Any]]:
    out = []
    for block in body.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if not line.startswith(":")
        )
        if "data" in fields:
            raw = fields["data"]
            fields["data"] = json.loads(raw)
            assert raw == json.dumps(fields["data"], separators=(",", ":"))  # compact
        if fields:
            out.append(fields)
    return out


def booked(messages: list[dict[str, Any]]) -> list[int]:
    return [m["data"]["entity_id"] for m in messages if m["event"].startswith("booking.")]


async def read(client, user, **params: Any) -> list[dict[str, Any]]:
    headers = bearer(user) | {"Last-Event-ID": stream.cursor_of(0)}
    r = await client.get(STREAM, params=params, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["x-accel-buffering"] == "no"
    messages = parse(r.text)
    assert messages[0] == {"retry": "2000"}
    return messages[1:]


async def test_members_see_others_bookings_as_busy_time_and_no_admin_events(
    client, member, staff, make_user, room, book
):
    other = await make_user(Role.member)
    theirs = await book(other, room, at(0, 9), at(0, 10), title="Secret talk")
    mine = await book(member, room, at(0, 11), at(0, 12), title="My talk")
    seen = await read(client, member)
    assert {m["data"]["entity_type"] for m in seen} <= stream.MEMBER_ENTITIES
    bookings = [m for m in seen if m["data"]["entity_type"] == "booking"]
    assert [m["event"] for m in bookings] == ["booking.create", "booking.create"]
    busy, own = (m["data"] for m in bookings)
    assert "Secret" not in json.dumps(busy)
    assert busy["entity_id"] is None and busy["actor_label"] == ""
    assert set(busy["after"]) <= {"room_id", "start", "end", "status"}
    assert busy["after"]["room_id"] == room.pk
    assert own["entity_id"] == mine.pk and own["after"]["title"] == "My talk"
    everything = await read(client, staff)
    titles = [m["data"]["after"].get("title") for m in everything if m["data"]["after"]]
    assert "Secret talk" in titles
    assert {"user.create", "room.create"} <= {m["event"] for m in everything}
    assert theirs.pk in {m["data"]["entity_id"] for m in everything}


async def test_ids_resume_exactly_and_filters_hold(client, staff, member, make_room, room, book):
    spare = await make_room()
    first = await book(member, room, at(0, 9), at(0, 10))
    elsewhere = await book(member, spare, at(0, 9), at(0, 10))
    second = await book(member, room, at(1, 9), at(1, 10))
    in_room = await read(client, member, room_id=str(room.pk))
    assert booked(in_room) == [first.pk, second.pk]
    assert [m["event"] for m in in_room].count("room.create") == 1  # the room's own events
    both = await read(client, member, room_id=f"{room.pk},{spare.pk}")
    assert booked(both) == [first.pk, elsewhere.pk, second.pk]
    assert await read(client, member, building_id=str(room.building_id + 1000)) == []
    in_building = await read(client, staff, building_id=str(room.building_id))
    assert {first.pk, elsewhere.pk, second.pk} <= {m["data"]["entity_id"] for m in in_building}
    # Resuming after the first: the rest, once.
    after_first = next(
        m["id"]
        for m in in_room
        if m["event"] == "booking.create" and m["data"]["entity_id"] == first.pk
    )
    headers = bearer(member) | {"Last-Event-ID": after_first}
    r = await client.get(STREAM, params={"room_id": room.pk}, headers=headers)
    rest = parse(r.text)[1:]
    assert booked(rest) == [second.pk]
    assert rest == in_room[-1:]


async def test_refusals(client, member):
    assert (await client.get(STREAM)).status_code == 401
    bad = await client.get(STREAM, headers=bearer(member) | {"Last-Event-ID": "x"})
    assert bad.status_code == 400
    for query in ("room_id=a", "building_id=1,,2", "room_id=99999999999", "other=1"):
        r = await client.get(f"{STREAM}?{query}", headers=bearer(member))
        assert r.status_code == 400, query
        assert r.headers["content-type"] == "application/problem+json"


async def test_a_slow_stream_is_ended_and_the_others_go_on(
    database, staff, member, room, book, monkeypatch
):
    """Overflow of one queue ends that stream only (its client resumes with Last-Event-ID);
    ``close`` ends the rest (the server's stop)."""
    monkeypatch.setattr(stream, "POLL_INTERVAL", 0.05)
    hub = stream.Hub()
    got: list[Any] = []

    async def drain(sub: stream.Subscription) -> None:
        while (item := await sub.queue.get()) is not None:
            got.append(item)

    try:
        fast = await hub.subscribe(actor_of(staff))
        monkeypatch.setattr(stream, "QUEUE_SIZE", 3)
        slow = await hub.subscribe(actor_of(member))
        reader = asyncio.ensure_future(drain(fast))
        for n in range(6):
            await book(member, room, at(n, 8), at(n, 9))
        async with asyncio.timeout(60):  # a hang guard
            while len(got) < 6:
                await asyncio.sleep(0.05)
        assert slow not in hub.subscribers
        assert slow.queue.get_nowait() is None  # the end marker, nothing else
        assert fast in hub.subscribers
        await hub.close()
        async with asyncio.timeout(60):
            await reader  # ended by the marker
    finally:
        await hub.close()
    assert hub.subscribers == set()
    assert [c.event.action for c in got] == ["booking.create"] * 6


async def test_members_see_others_series_as_busy_time(client, member, make_user, room):
    other = await make_user(Role.member)
    body = {
        "room_id": room.pk,
        "title": "Secret seminar",
        "start_date": f"{Y2031}-05-05",
        "start_time": "09:00",
        "duration_minutes": 30,
        "recurrence": {"freq": "weekly", "count": 2},
    }
    created = await client.post("/api/v1/series", json=body, headers=bearer(other))
    assert created.status_code == 201, created.text
    [series] = [m for m in await read(client, member) if m["event"] == "series.create"]
    assert "Secret" not in json.dumps(series["data"])
    assert series["data"]["entity_id"] is None
    assert series["data"]["after"]["room_id"] == room.pk
    assert "booking_ids" not in series["data"]["after"]
    [own] = [m for m in await read(client, other) if m["event"] == "series.create"]
    assert own["data"]["after"]["title"] == "Secret seminar"


async def test_a_user_holds_at_most_five_streams_and_a_stopping_server_opens_none(
    database, staff, member
):
    """The sixth stream of one user is a 429 that says to close one (others are not
    counted against them); closing one frees its place; once the hub closes, nobody
    opens a stream, with a 429 that says to reconnect."""
    hub = stream.Hub()
    try:
        mine = [await hub.subscribe(actor_of(member)) for _ in range(stream.MAX_STREAMS_PER_USER)]
        with pytest.raises(RateLimited) as refused:
            await hub.subscribe(actor_of(member))
        assert str(refused.value) == "at most 5 open streams per user; close one"
        assert refused.value.retry_after == stream.RETRY_AFTER
        assert await hub.subscribe(actor_of(staff)) in hub.subscribers
        hub.unsubscribe(mine[0])
        assert await hub.subscribe(actor_of(member)) in hub.subscribers
        await hub.close()
        with pytest.raises(RateLimited) as stopping:
            await hub.subscribe(actor_of(staff))
        assert str(stopping.value) == "the server is stopping; reconnect"
        assert stopping.value.retry_after == 1
    finally:
        await hub.close()


def test_every_stream_of_a_server_shares_its_one_hub():
    """One hub per app polls the log for all its streams (not one per connection)."""
    from compax_server.api.stream import hub_of

    request = SimpleNamespace(app=SimpleNamespace(ctx=SimpleNamespace()))
    hub = hub_of(request)  # type: ignore[arg-type]
    assert isinstance(hub, stream.Hub)
    assert hub_of(request) is hub  # type: ignore[arg-type]


async def test_an_idle_stream_beats_after_what_it_replays(client, member, room, book, monkeypatch):
    """A ``: ping`` comment every ``HEARTBEAT`` seconds with nothing to send (it keeps
    proxies from closing the connection), only after the replay's message."""
    made = await book(member, room, at(1, 8), at(1, 9))
    monkeypatch.setattr(stream, "HEARTBEAT", 0.05)
    monkeypatch.setattr(stream, "MAX_LIFETIME", 0.4)
    headers = bearer(member) | {"Last-Event-ID": stream.cursor_of(0)}
    r = await client.get(STREAM, headers=headers)
    blocks = r.text.split("\n\n")
    assert blocks[0] == "retry: 2000"
    first_beat = blocks.index(": ping")
    assert booked(parse("\n\n".join(blocks[1:first_beat]))) == [made.pk]
    assert set(blocks[first_beat:-1]) == {": ping"}
    assert blocks[-1] == ""  # the body ends after a whole message


async def test_a_closed_stream_frees_its_place(client, member):
    """Each stream that ends gives its place back: a user may open streams one after the
    other, many more than the five they may hold at once."""
    for _ in range(stream.MAX_STREAMS_PER_USER + 2):
        r = await client.get(STREAM, headers=bearer(member))
        assert r.status_code == 200, r.text
        assert r.text == "retry: 2000\n\n"
