"""The change stream's parts, in process: which room, building and owner each event is
about (``facts_of``), what each reader may see of it (``view_for``), the poller (``Hub``)
and what one stream sends (``follow``): the replay in pages, the live queue without gap or
repeat, heartbeats, the lifetime, the end. tests/api/test_stream.py reads streams through
the app; tests/e2e/test_stream.py across processes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.users import Role
from compax_server.errors import Forbidden
from compax_server.services import audit, buildings, managers, rooms, series, stream, users
from compax_server.services.actors import Scope
from compax_server.services.paging import encode_cursor
from tests.conftest import actor_of, at, bearer
from tests.dates import Y2031

HANG = 30  # seconds: a guard against a hang, never reached when things work


def facts(changes: list[stream.Change]) -> list[tuple[str, int | None, int | None, int | None]]:
    return [(c.event.action, c.room_id, c.building_id, c.owner_id) for c in changes]


async def test_each_event_names_its_room_building_and_owner(
    database, admin, staff, member, building, make_room, book
):
    """Where an event does not say its room or owner (an import's auto-rejection says only
    the status), the booking row does; a room's event is about the room, a building's
    about the building; other events are about nothing a filter can match."""
    annex = await buildings.create_building(
        actor_of(admin), code="B2", name="Annex", timezone="Europe/Berlin"
    )
    room = await make_room()
    moved = await make_room()
    # rooms named by one event only, whose records do not say the building
    lone, kept, starred = [await make_room(building_id=annex.pk) for _ in range(3)]
    start = await stream.newest_id()
    b = await book(member, room, at(0, 9), at(0, 10))
    rejected = [("booking.auto_reject", "booking", b.pk, {"status": "pending"}, {"status": "rejected"})]  # fmt: skip
    await audit.record_many(actor_of(staff), rejected)  # as services.import_apply writes it
    gone = [("booking.auto_reject", "booking", 10**9, {"status": "pending"}, {"status": "rejected"})]  # fmt: skip
    await audit.record_many(actor_of(staff), gone)
    await rooms.update_room(actor_of(admin), moved.pk, building_id=annex.pk)
    await buildings.update_building(actor_of(admin), building.pk, name="Main hall")
    await buildings.add_closure(
        actor_of(admin),
        building.pk,
        reason="Works",
        room_id=room.pk,
        start=at(3, 8),
        end=at(3, 12),
    )
    await buildings.add_closure(
        actor_of(admin), annex.pk, reason="Holiday", start=at(4, 8), end=at(4, 12)
    )
    weekly = await series.create_series(
        actor_of(member),
        room_id=moved.pk,
        title="Seminar",
        start_date=date(Y2031, 5, 5),
        start_time="09:00",
        duration_minutes=30,
        recurrence_rule={"freq": "weekly", "count": 2},
    )
    assert weekly.series is not None
    await users.deactivate_user(actor_of(admin), staff.pk)
    await book(staff, lone, at(5, 9), at(5, 10))
    await managers.add_manager(actor_of(admin), managers.Target("room", kept.pk), member.pk)
    await managers.add_favourite(actor_of(member), starred.pk)
    found = await stream.changes_after(start)
    assert facts(found) == [
        ("booking.create", room.pk, building.pk, member.pk),
        ("booking.auto_reject", room.pk, building.pk, member.pk),
        ("booking.auto_reject", None, None, None),
        ("room.update", moved.pk, annex.pk, None),  # where it is now
        ("building.update", None, building.pk, None),
        ("closure.create", room.pk, building.pk, None),
        ("closure.create", None, annex.pk, None),
        ("series.create", moved.pk, annex.pk, member.pk),
        ("user.update", None, None, None),
        ("booking.create", lone.pk, annex.pk, staff.pk),
        ("manager.add", kept.pk, annex.pk, None),
        ("favourite.add", starred.pk, annex.pk, None),  # the user's, about the room
    ]
    # a page of the feed: after an id, at most a limit, in order
    assert facts(await stream.changes_after(start, limit=2)) == facts(found[:2])
    assert facts(await stream.changes_after(found[-2].event.pk)) == facts(found[-1:])


async def test_what_each_reader_sees_of_an_event(
    database, admin, staff, member, make_user, make_room, book
):
    room = await make_room()
    other = await make_user(Role.member)
    manager = await make_user(Role.member)
    start = await stream.newest_id()
    b = await book(other, room, at(0, 9), at(0, 10), title="Secret talk")
    rejected = [("booking.auto_reject", "booking", b.pk, {"status": "pending"}, {"status": "rejected"})]  # fmt: skip
    await audit.record_many(actor_of(staff), rejected)
    await rooms.update_room(actor_of(admin), room.pk, name="Renamed")
    await users.deactivate_user(actor_of(admin), manager.pk)
    made, auto, renamed, deactivated = await stream.changes_after(start)
    whole = stream.view_for(actor_of(staff), made)
    assert whole is not None
    assert whole["entity_id"] == b.pk and whole["after"]["title"] == "Secret talk"
    assert whole["actor_user_id"] == other.pk and whole["actor_label"] == other.email
    assert stream.view_for(actor_of(other), made) == whole  # the owner: whole, with who
    managing = replace(actor_of(manager), managed_rooms=frozenset({room.pk}))
    assert stream.view_for(managing, made) == whole  # the room's manager
    elsewhere = replace(actor_of(manager), managed_rooms=frozenset({room.pk + 1}))
    busy = stream.view_for(actor_of(member), made)
    assert stream.view_for(elsewhere, made) == busy
    assert busy == whole | {
        "actor_user_id": None,
        "actor_api_key_id": None,
        "actor_label": "",
        "entity_id": None,
        "before": None,
        "after": {k: whole["after"][k] for k in ("room_id", "start", "end", "status")},
        "request_id": "",
    }
    # an event that says only the status: the room comes from the booking row
    assert stream.view_for(actor_of(member), auto) == whole | {
        "id": auto.event.pk,
        "at": auto.event.at,
        "action": "booking.auto_reject",
        "actor_user_id": None,
        "actor_api_key_id": None,
        "actor_label": "",
        "entity_id": None,
        "before": {"status": "pending", "room_id": room.pk},
        "after": {"status": "rejected", "room_id": room.pk},
        "request_id": "",
    }
    # the catalogue: members see it, without who changed it unless it was them
    by_admin = stream.view_for(actor_of(admin), renamed)
    assert by_admin is not None and by_admin["actor_user_id"] == admin.pk
    assert stream.view_for(actor_of(member), renamed) == by_admin | {
        "actor_user_id": None,
        "actor_api_key_id": None,
        "actor_label": "",
    }
    # users, keys, rules, imports: staff only
    assert stream.view_for(actor_of(admin), deactivated) is not None
    assert stream.view_for(actor_of(member), deactivated) is None
    assert stream.view_for(actor_of(other), deactivated) is None


async def test_a_last_event_id_that_is_no_cursor_of_ours_is_a_precise_400(client, member):
    forged = [encode_cursor({"id": v}) for v in ("7", -1, True, None, 2**63)]
    for header in ("x", encode_cursor({"at": 3}), *forged):
        r = await client.get(
            "/api/v1/changes/stream", headers=bearer(member) | {"Last-Event-ID": header}
        )
        assert r.status_code == 400, header
        assert r.json()["errors"] == [
            {
                "location": "header",
                "pointer": "/Last-Event-ID",
                "detail": "is not a cursor this server issued",
                "code": "invalid",
            }
        ], header
    assert stream.position_of(stream.cursor_of(0)) == 0
    assert stream.position_of(stream.cursor_of(42)) == 42


async def test_the_newest_id_of_an_empty_feed_is_zero(database):
    await AuditEvent.all().delete()
    assert await stream.newest_id() == 0
    event = await AuditEvent.create(action="test.event", entity_type="test")
    assert await stream.newest_id() == event.pk


async def test_a_key_without_the_read_scope_opens_no_stream(database, member):
    hub = stream.Hub()
    try:
        writer = replace(actor_of(member), api_key_id=1, scopes=frozenset({Scope.write}))
        with pytest.raises(Forbidden, match="lacks the 'read' scope"):
            await hub.subscribe(writer)
        assert hub.subscribers == set()
    finally:
        await hub.close()


# -- the poller ----------------------------------------------------------------------------


class Naps:
    """The poller's sleeps, recorded; each lasts a moment of real time."""

    def __init__(self) -> None:
        self.taken: list[float | str] = []  # and what the reads between them found

    async def __call__(self, seconds: float) -> None:
        self.taken.append(seconds)
        await asyncio.sleep(0.01)


async def next_of(sub: stream.Subscription) -> stream.Change | None:
    async with asyncio.timeout(HANG):
        return await sub.queue.get()


async def test_the_poller_hands_each_event_once_in_order_and_stops_with_its_last_stream(
    database, member, room, book
):
    hub = stream.Hub(sleep=Naps())
    try:
        sub = await hub.subscribe(actor_of(member))
        assert sub.start == await stream.newest_id()
        seen = []
        for day in range(3):  # one at a time: each read starts after the last one seen
            b = await book(member, room, at(day, 9), at(day, 10))
            change = await next_of(sub)
            assert change is not None
            seen.append(change.event.entity_id)
            assert hub.position == change.event.pk
        assert sub.queue.empty()
        assert seen == [b.pk - 2, b.pk - 1, b.pk]
        task = hub._task
        assert task is not None and not task.done()
        hub.unsubscribe(sub)
        async with asyncio.timeout(HANG):
            while not task.done():  # nobody listens: the poller ends
                await asyncio.sleep(0.01)
    finally:
        await hub.close()


async def test_the_poller_backs_off_while_reads_fail_and_reads_a_full_batch_again_at_once(
    database, member, room, book, monkeypatch, caplog
):
    """Sleeps: 0.5 s between reads; after 1, 2, 3... failed reads in a row 1, 2, 4... s, at
    most 10 s; none after a full batch (more may be waiting)."""
    naps = Naps()
    hub = stream.Hub(sleep=naps)
    real = stream.changes_after
    failing = [RuntimeError(f"database away {n}") for n in range(6)]
    booked = asyncio.Event()

    async def read(position: int, limit: int | None = None) -> list[stream.Change]:
        if failing:
            raise failing.pop(0)
        await booked.wait()
        found = await real(position, limit)
        naps.taken.append(f"read {len(found)}")
        return found

    monkeypatch.setattr(stream, "changes_after", read)
    monkeypatch.setattr(stream, "BATCH", 2)
    try:
        with caplog.at_level(logging.WARNING, logger="compax.stream"):
            sub = await hub.subscribe(actor_of(member))
            for day in range(3):
                await book(member, room, at(day, 9), at(day, 10))
            booked.set()
            got = [await next_of(sub) for _ in range(3)]
        assert [c.event.action for c in got if c] == ["booking.create"] * 3
        assert [r.getMessage() for r in caplog.records] == [
            f"change stream poller: database away {n}" for n in range(6)
        ]
        p = stream.POLL_INTERVAL
        # six failures (1, 2, 4, 8, 16 intervals, then the cap of 20), then a full batch of
        # two read again with no sleep, the third event, and the usual pace
        async with asyncio.timeout(HANG):
            while len(naps.taken) < 11:
                await asyncio.sleep(0.01)
        failures = [2 * p, 4 * p, 8 * p, 16 * p, 20 * p, 20 * p]
        assert naps.taken[:11] == [*failures, "read 2", "read 1", p, "read 0", p]
    finally:
        await hub.close()
    assert hub._task is not None and hub._task.done()  # close waits for the poller


# -- what one stream sends -----------------------------------------------------------------


async def take(items: AsyncIterator[Any]) -> Any:
    async with asyncio.timeout(HANG):
        return await anext(items)


async def test_a_stream_sends_live_events_as_its_reader_may_see_them_and_beats_when_idle(
    database, member, make_user, make_room, room, book, monkeypatch
):
    monkeypatch.setattr(stream, "HEARTBEAT", 0.05)
    other = await make_user(Role.member)
    spare = await make_room()
    hub = stream.Hub(sleep=Naps())
    try:
        sub = await hub.subscribe(actor_of(member))
        only_room = stream.StreamFilter(room_ids=frozenset({room.pk}))
        items = stream.follow(sub, actor_of(member), only_room, None)
        assert await take(items) is None  # idle: a heartbeat
        await book(other, spare, at(0, 9), at(0, 10))  # another room: filtered out
        theirs = await book(other, room, at(0, 9), at(0, 10), title="Secret talk")
        mine = await book(member, room, at(1, 9), at(1, 10), title="Mine")
        item = await take(items)
        while item is None:
            item = await take(items)
        event_id, busy = item
        assert busy["entity_id"] is None and "Secret" not in str(busy)
        assert event_id == busy["id"]
        assert (await AuditEvent.get(id=event_id)).entity_id == theirs.pk
        event_id, own = await take(items)
        assert own["entity_id"] == mine.pk and own["after"]["title"] == "Mine"
        assert await take(items) is None
        await hub.close()
        with pytest.raises(StopAsyncIteration):
            await take(items)  # the end marker ends it
    finally:
        await hub.close()


async def test_a_resumed_stream_replays_in_pages_then_goes_live_without_a_repeat(
    database, member, room, book, monkeypatch
):
    """Three events before the stream subscribed, four after: the replay reads pages of
    two until one is short (the third event is only in the database); the queue also holds
    what the replay sends: those are skipped, and the first live event comes once."""
    monkeypatch.setattr(stream, "BATCH", 2)
    monkeypatch.setattr(stream, "HEARTBEAT", 0.05)
    hub = stream.Hub(sleep=Naps())
    try:
        since = await stream.newest_id()
        earlier = [await book(member, room, at(d, 9), at(d, 10)) for d in (0, 7, 8)]
        sub = await hub.subscribe(actor_of(member))
        made = [await book(member, room, at(d, 9), at(d, 10)) for d in range(1, 5)]
        async with asyncio.timeout(HANG):
            while sub.queue.qsize() < 4:  # the poller has them too
                await asyncio.sleep(0.01)
        items = stream.follow(sub, actor_of(member), stream.StreamFilter(), since)
        replayed = [(await take(items))[1]["entity_id"] for _ in range(7)]
        assert replayed == [b.pk for b in earlier + made]  # pages of 2, 2, 2, 1
        last = await book(member, room, at(6, 9), at(6, 10))
        item = await take(items)
        while item is None:
            item = await take(items)
        assert item[1]["entity_id"] == last.pk
        assert await take(items) is None  # nothing twice
    finally:
        await hub.close()


async def test_a_stream_ends_after_its_lifetime_and_reports_no_beat_past_it(
    database, member, room, book, monkeypatch
):
    monkeypatch.setattr(stream, "MAX_LIFETIME", 0.3)
    monkeypatch.setattr(stream, "HEARTBEAT", 10.0)
    hub = stream.Hub(sleep=Naps())
    try:
        sub = await hub.subscribe(actor_of(member))
        items = stream.follow(sub, actor_of(member), stream.StreamFilter(), None)
        b = await book(member, room, at(0, 9), at(0, 10))
        assert (await take(items))[1]["entity_id"] == b.pk  # live within its lifetime
        with pytest.raises(StopAsyncIteration):
            await take(items)  # then it ends, with no heartbeat after its time
        monkeypatch.setattr(stream, "HEARTBEAT", 0.1)  # idle: beats until the end
        sub = await hub.subscribe(actor_of(member))
        items = stream.follow(sub, actor_of(member), stream.StreamFilter(), None)
        async with asyncio.timeout(HANG):
            beats = [item async for item in items]
        assert beats and set(beats) == {None} and len(beats) <= 3
    finally:
        await hub.close()
