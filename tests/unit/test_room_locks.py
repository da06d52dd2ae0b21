"""``db.room_locks.lock_room_with_blockers``: the room lock and what is in the way, read in one
round trip on PostgreSQL. It must answer exactly what ``lock_room`` then ``blockers`` answer,
also when it had to wait for another writer of the room, whose changes its statement cannot
see (the case the lock counter catches: the bookings are read again after the lock).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, time, timedelta
from typing import Any, TypeVar

import pytest

from compax_server.db import audit as audit_db
from compax_server.db import bookings as bookings_db
from compax_server.db import room_locks, transaction
from compax_server.db.audit import AuditEvent, NewEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.rooms import Building, Closure, Room
from compax_server.errors import Conflict
from compax_server.services.buildings import add_closure, update_building
from compax_server.services.rooms import delete_room, update_room
from tests.conftest import actor_of, holding, monday_ahead, waiting_on_a_lock

MONDAY = datetime.combine(monday_ahead(5), time(0), tzinfo=UTC)
STATUSES = [Status.pending, Status.confirmed, Status.held]
T = TypeVar("T")
# SQLite writers never wait inside a statement (BEGIN IMMEDIATE queues them), and write under
# the lock only (peek_slot answers None there).
POSTGRES_ONLY = pytest.mark.parametrize("engine", ["postgres"])
# What another writer of a room runs to hold its booking lock (as every write path takes it),
# and the text of a statement that waits for it.
ROOM_LOCK = "UPDATE rooms SET booking_seq = booking_seq + 1 WHERE id = $1"
ROOM_LOCK_WAIT = "%booking_seq = booking_seq + 1%"


def at(day: int, hour: int) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour)


async def stored(room: Any, owner: Any, start: datetime, end: datetime, **extra: Any) -> Booking:
    values: dict[str, Any] = {"title": "Lecture", "status": Status.confirmed} | extra
    return await Booking.create(room_id=room.pk, owner_id=owner.pk, start=start, end=end, **values)


async def done_while_held(postgres_url: str, room: Any, work: Coroutine[Any, Any, T]) -> T:
    """The result of ``work`` run while another writer holds ``room``'s booking lock: it must
    wait for that lock (or the test fails), and goes on once the writer commits."""
    async with holding(postgres_url, ROOM_LOCK, room.pk) as (writer, look):
        task = asyncio.create_task(work)
        await waiting_on_a_lock(look, query=ROOM_LOCK_WAIT, task=task)
        await writer.execute("COMMIT")
        return await asyncio.wait_for(task, 60)


async def both_ways(room_id: int, start: datetime, end: datetime, exclude: int | None = None):
    """What the one-statement read answers, and what the two statements answer."""
    async with transaction():
        slot = await room_locks.lock_room_with_blockers(room_id, start, end, STATUSES, exclude)
    async with transaction():
        room = await room_locks.lock_room(room_id)
        assert room is not None
        found = await bookings_db.blockers(room.building_id, room_id, start, end, STATUSES, exclude)
    return slot, room, found


async def test_it_answers_what_the_lock_and_the_lookup_answer(database, member, room, make_room):
    other = await make_room()
    pending = await stored(room, member, at(0, 8), at(0, 10), status=Status.pending)
    confirmed = await stored(room, member, at(0, 10), at(0, 11))
    held = await stored(room, member, at(0, 11), at(0, 12), status=Status.held)
    excluded = await stored(room, member, at(0, 12), at(0, 13))
    await stored(room, member, at(0, 9), at(0, 12), status=Status.cancelled)
    await stored(other, member, at(0, 9), at(0, 12))  # another room
    await stored(room, member, at(0, 13), at(0, 14))  # starts where the window ends
    building_wide = await Closure.create(
        building_id=room.building_id, start=at(0, 11), end=at(0, 15), reason="Fire drill"
    )
    this_room = await Closure.create(
        building_id=room.building_id, room_id=room.pk, start=at(0, 7), end=at(0, 10), reason="Paint"
    )
    await Closure.create(
        building_id=room.building_id, room_id=other.pk, start=at(0, 9), end=at(0, 12), reason="x"
    )
    window = (at(0, 9), at(0, 13))
    slot, room_read, (bookings, closures) = await both_ways(room.pk, *window, excluded.pk)
    assert slot is not None
    assert slot.room == room_read
    assert slot.room.code == room.code and slot.room.building_code == "B1"
    assert slot.bookings == bookings
    assert slot.closures == closures
    assert [b.id for b in slot.bookings] == [pending.pk, confirmed.pk, held.pk]
    assert [b.status for b in slot.bookings] == [Status.pending, Status.confirmed, Status.held]
    assert {b.room_id for b in slot.bookings} == {room.pk}
    assert [c["id"] for c in slot.closures] == [this_room.pk, building_wide.pk]
    assert slot.closures[0] == {
        "id": this_room.pk,
        "reason": "Paint",
        "start": at(0, 7),
        "end": at(0, 10),
    }


async def test_an_empty_window_and_a_missing_room(database, member, room, admin):
    slot, _, _ = await both_ways(room.pk, at(1, 9), at(1, 10))
    assert slot is not None and slot.bookings == [] and slot.closures == []
    async with transaction():
        assert (
            await room_locks.lock_room_with_blockers(10**6, at(1, 9), at(1, 10), STATUSES) is None
        )
    await delete_room(actor_of(admin), room.pk)
    async with transaction():
        assert (
            await room_locks.lock_room_with_blockers(room.pk, at(1, 9), at(1, 10), STATUSES) is None
        )


async def test_a_long_booking_far_back_is_still_in_the_way(database, member, room):
    """The lookup's lower bound (the room's longest booking) holds in the one statement too."""
    long = await stored(room, member, at(0, 0) - timedelta(days=300), at(0, 0) + timedelta(days=2))
    await Booking.filter(id=long.pk).update(status=Status.confirmed)
    await room.__class__.filter(id=room.pk).update(max_span_seconds=303 * 86400)
    slot, _, (bookings, _) = await both_ways(room.pk, at(1, 9), at(1, 10))
    assert slot is not None and [b.id for b in slot.bookings] == [long.pk] == [
        b.id for b in bookings
    ]


@POSTGRES_ONLY
async def test_what_a_writer_committed_while_we_waited_is_seen(
    database, member, room, postgres_url
):
    """Another transaction holds the room's lock and adds a pending request and a confirmed
    booking; our read waits for its lock, and its statement began before they were committed.
    It must list both (the confirmed one would reach the constraint anyway; the pending one
    would be missed and never rejected), leave out the booking being written (a move's own,
    read again after the lock too) and answer the room as the lock read it."""
    moving = await stored(room, member, at(2, 11), at(2, 12))
    async with holding(postgres_url, ROOM_LOCK, room.pk) as (writer, look):
        insert = (
            'INSERT INTO bookings (room_id, owner_id, title, description, "start", "end", status, '
            "exception_fields, reason, version, created_at, updated_at) "
            "VALUES ($1, $2, $3, '', $4, $5, $6, '[]', '', 1, now(), now()) RETURNING id"
        )
        pending = await writer.fetchval(
            insert, room.pk, member.pk, "Request", at(2, 9), at(2, 10), "pending"
        )
        confirmed = await writer.fetchval(
            insert, room.pk, member.pk, "Seminar", at(2, 10), at(2, 11), "confirmed"
        )

        async def read() -> room_locks.LockedSlot | None:
            async with transaction():
                return await room_locks.lock_room_with_blockers(
                    room.pk, at(2, 8), at(2, 12), STATUSES, moving.pk
                )

        reading = asyncio.create_task(read())
        await waiting_on_a_lock(look, query=ROOM_LOCK_WAIT, task=reading)
        await writer.execute("COMMIT")
        slot = await asyncio.wait_for(reading, 30)
    assert slot is not None
    assert [(b.id, b.status) for b in slot.bookings] == [
        (pending, Status.pending),
        (confirmed, Status.confirmed),
    ]
    async with transaction():
        assert slot.room == await room_locks.lock_room(room.pk)


# -- the unlocked read and the guarded insert (PostgreSQL) -----------------------------------


def lecture(room: Any, owner: Any, day: int) -> Booking:
    return bookings_db.new_booking(
        room_id=room.pk,
        owner_id=owner.pk,
        title="Lecture",
        description="",
        start=at(day, 9),
        end=at(day, 10),
        status=Status.confirmed,
        created_by_id=owner.pk,
    )


def event_of(booking: Booking) -> NewEvent:
    return audit_db.NewEvent(
        actor_user_id=booking.owner_id,
        actor_api_key_id=None,
        actor_label="test",
        action="booking.create",
        entity_type="booking",
        entity_id=None,
        before=None,
        after={"title": booking.title},
        request_id="r-1",
    )


async def test_the_unlocked_read_is_what_the_locked_one_reads(database, member, room):
    confirmed = await stored(room, member, at(3, 9), at(3, 10))
    peeked = await room_locks.peek_slot(room.pk, at(3, 8), at(3, 12), STATUSES)
    if database != "postgres":
        assert peeked is None  # SQLite writes under the lock only
        return
    assert peeked is not None and peeked.stamp is not None
    async with transaction():
        locked = await room_locks.lock_room_with_blockers(room.pk, at(3, 8), at(3, 12), STATUSES)
    assert locked is not None
    assert (peeked.room, peeked.bookings, peeked.closures) == (
        locked.room,
        locked.bookings,
        locked.closures,
    )
    assert [b.id for b in peeked.bookings] == [confirmed.pk]
    stored_room = await Room.get(id=room.pk)
    building = await Building.get(id=room.building_id)
    # the read saw the counter before the lock above raised it
    assert peeked.stamp == room_locks.Stamp(
        room.pk, stored_room.booking_seq - 1, stored_room.version, building.pk, building.version
    )
    assert await room_locks.peek_slot(10**6, at(3, 8), at(3, 12), STATUSES) is None


@POSTGRES_ONLY
async def test_the_guarded_insert_writes_the_booking_and_its_event(database, member, room):
    peeked = await room_locks.peek_slot(room.pk, at(4, 9), at(4, 10), STATUSES)
    assert peeked is not None and peeked.stamp is not None
    booking = lecture(room, member, 4)
    made = await room_locks.insert_booking_if_unchanged(booking, peeked.stamp, event_of(booking))
    assert made is booking and made.pk is not None
    row = await Booking.get(id=made.pk)
    assert (row.room_id, row.owner_id, row.start, row.end, row.status, row.version) == (
        room.pk,
        member.pk,
        at(4, 9),
        at(4, 10),
        Status.confirmed,
        1,
    )
    events = await AuditEvent.filter(entity_type="booking", entity_id=made.pk)
    assert [(e.action, e.after, e.request_id) for e in events] == [
        ("booking.create", {"title": "Lecture"}, "r-1")
    ]
    assert (await Room.get(id=room.pk)).booking_seq == peeked.stamp.booking_seq + 1


@POSTGRES_ONLY
@pytest.mark.parametrize("change", ["booking", "room", "room version", "building", "removed"])
async def test_the_guarded_insert_writes_nothing_once_the_room_changed(
    database, member, room, admin, change
):
    """Whatever moved since the read (a writer of the room's bookings, the room, its
    building, the room removed), the insert writes neither booking nor event."""
    peeked = await room_locks.peek_slot(room.pk, at(5, 9), at(5, 10), STATUSES)
    assert peeked is not None and peeked.stamp is not None
    if change == "booking":
        async with transaction():
            await room_locks.lock_rooms([room.pk])
            await stored(room, member, at(5, 12), at(5, 13))
    elif change == "room":
        await update_room(actor_of(admin), room.pk, name="Renamed")
    elif change == "room version":  # a change of the room's facts alone (no lock taken)
        await Room.filter(id=room.pk).update(version=peeked.stamp.room_version + 1)
    elif change == "building":
        await update_building(actor_of(admin), room.building_id, name="Renamed")
    else:
        await delete_room(actor_of(admin), room.pk)
    before = await Booking.all().count(), await AuditEvent.all().count()
    booking = lecture(room, member, 5)
    assert (
        await room_locks.insert_booking_if_unchanged(booking, peeked.stamp, event_of(booking))
        is None
    )
    assert (await Booking.all().count(), await AuditEvent.all().count()) == before


@POSTGRES_ONLY
async def test_the_guarded_insert_waits_for_a_writer_and_then_refuses(
    database, member, room, postgres_url
):
    """A writer holds the room's lock when the insert comes: the insert waits, sees that the
    writer changed the room, and writes nothing."""
    peeked = await room_locks.peek_slot(room.pk, at(6, 9), at(6, 10), STATUSES)
    assert peeked is not None and peeked.stamp is not None
    async with holding(postgres_url, ROOM_LOCK, room.pk) as (writer, look):
        booking = lecture(room, member, 6)
        inserting = asyncio.create_task(
            room_locks.insert_booking_if_unchanged(booking, peeked.stamp, event_of(booking))
        )
        await waiting_on_a_lock(look, query="%guard AS%", task=inserting)
        await writer.execute("COMMIT")
        assert await asyncio.wait_for(inserting, 30) is None
    assert await Booking.filter(room_id=room.pk).count() == 0


@POSTGRES_ONLY
@pytest.mark.parametrize("held", ["named", "series", "single"])
async def test_an_import_waits_for_the_lock_of_every_room_it_touches(
    client, staff, make_room, postgres_url, held
):
    """An import applies under the lock of every room it may write: those its batch names,
    and those of the source's series and single bookings, which it may move away or cancel.
    Another writer holds one of them: the import waits for it (a room left unlocked would let
    a request be made there between the import's read and its write, and never be
    rejected)."""
    from tests.api.test_imports import lecture, run, single

    series_room, single_room, new_room = await make_room(), await make_room(), await make_room()
    first = [lecture("L1", series_room), single("E1", single_room, 10, 12)]
    assert (await run(client, staff, first, mode="apply")).status_code == 201
    room = {"named": new_room, "series": series_room, "single": single_room}[held]
    moved = [lecture("L1", new_room), single("E1", new_room, 10, 14)]
    r = await done_while_held(postgres_url, room, run(client, staff, moved, mode="apply"))
    assert (r.status_code, r.json()["status"]) == (201, "applied"), r.text
    assert await Booking.filter(room_id=new_room.pk, status=Status.confirmed).count() == 7


@POSTGRES_ONLY
async def test_an_import_naming_more_than_500_rooms_locks_them_all(
    client, staff, make_room, postgres_url
):
    """The rooms a batch names are looked up 500 codes at a time: the lock covers every
    chunk, so an import of 501 rooms waits for the first room's writer as for the last's."""
    from tests.api.test_imports import run, single

    made = [await make_room() for _ in range(501)]
    first = min(made, key=lambda r: r.code)
    items = [single(f"E{n}", room, 10, 12) for n, room in enumerate(made)]
    r = await done_while_held(postgres_url, first, run(client, staff, items, mode="apply"))
    assert (r.status_code, r.json()["status"]) == (201, "applied"), r.text
    assert await Booking.filter(status=Status.confirmed).count() == 501


@POSTGRES_ONLY
@pytest.mark.parametrize(
    "write", ["room closure", "building closure", "room changed", "room removed"]
)
async def test_a_catalogue_write_that_binds_bookings_waits_for_the_room_s_writer(
    database, member, room, admin, postgres_url, write
):
    """A closure and a room's removal decide over the room's bookings (which a closure hits,
    which hold a removal back), and a change of the room over what may be booked there: each
    takes the room's booking lock first, so a booking written at the same moment is seen by
    it or sees it. Here another writer holds the lock and writes a booking: each waits, then
    sees it (a closure over it is refused, a removal is held back by it)."""
    actor = actor_of(admin)
    async with holding(postgres_url, ROOM_LOCK, room.pk) as (writer, look):
        await writer.execute(
            'INSERT INTO bookings (room_id, owner_id, title, description, "start", "end", '
            "status, exception_fields, reason, version, created_at, updated_at) VALUES "
            "($1, $2, 'Seminar', '', $3, $4, 'confirmed', '[]', '', 1, now(), now())",
            room.pk,
            member.pk,
            at(3, 9),
            at(3, 10),
        )
        work: dict[str, Callable[[], Coroutine[Any, Any, Any]]] = {
            "room closure": lambda: add_closure(
                actor,
                room.building_id,
                room_id=room.pk,
                reason="Works",
                start=at(3, 8),
                end=at(3, 12),
            ),
            "building closure": lambda: add_closure(
                actor, room.building_id, reason="Works", start=at(3, 8), end=at(3, 12)
            ),
            "room changed": lambda: update_room(actor, room.pk, bookable=False),
            "room removed": lambda: delete_room(actor, room.pk),
        }
        task = asyncio.create_task(work[write]())
        await waiting_on_a_lock(look, query=ROOM_LOCK_WAIT, task=task)
        await writer.execute("COMMIT")
        if write == "room changed":
            changed = await asyncio.wait_for(task, 60)
            assert changed.bookable is False
        else:
            with pytest.raises(Conflict) as refused:
                await asyncio.wait_for(task, 60)
            assert len(refused.value.extra["bookings"]) == 1
    assert await Closure.all().count() == 0
    assert (await Room.get(id=room.pk)).deleted_at is None
