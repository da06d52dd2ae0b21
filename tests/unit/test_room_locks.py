"""``db.room_locks.lock_room_with_blockers``: the room lock and what is in the way, read in one
round trip on PostgreSQL. It must answer exactly what ``lock_room`` then ``blockers`` answer,
also when it had to wait for another writer of the room, whose changes its statement cannot
see (the case the lock counter catches: the bookings are read again after the lock).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any

import asyncpg
import pytest

from compax_server.db import bookings as bookings_db
from compax_server.db import room_locks, transaction
from compax_server.db.bookings import Booking, Status
from compax_server.db.rooms import Closure
from compax_server.services.rooms import delete_room
from tests.conftest import actor_of, monday_ahead

MONDAY = datetime.combine(monday_ahead(5), time(0), tzinfo=UTC)
STATUSES = [Status.pending, Status.confirmed, Status.held]


def at(day: int, hour: int) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour)


async def stored(room: Any, owner: Any, start: datetime, end: datetime, **extra: Any) -> Booking:
    values: dict[str, Any] = {"title": "Lecture", "status": Status.confirmed} | extra
    return await Booking.create(room_id=room.pk, owner_id=owner.pk, start=start, end=end, **values)


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


async def test_what_a_writer_committed_while_we_waited_is_seen(
    database, member, room, postgres_url
):
    """Another transaction holds the room's lock and adds a pending request and a confirmed
    booking; our read waits for its lock, and its statement began before they were committed.
    It must list both (the confirmed one would reach the constraint anyway; the pending one
    would be missed and never rejected)."""
    if database != "postgres":
        pytest.skip("SQLite writers never wait inside a statement: BEGIN IMMEDIATE queues them")
    writer = await asyncpg.connect(postgres_url)
    look = await asyncpg.connect(postgres_url)
    try:
        await writer.execute("BEGIN")
        await writer.execute(
            "UPDATE rooms SET booking_seq = booking_seq + 1 WHERE id = $1", room.pk
        )
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
                    room.pk, at(2, 8), at(2, 12), STATUSES
                )

        reading = asyncio.create_task(read())
        for _ in range(500):  # until our statement waits for the writer's lock
            waiting = await look.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE '%booking_seq = booking_seq + 1%'"
            )
            if waiting:
                break
            assert not reading.done(), "the read did not wait for the room's lock"
            await asyncio.sleep(0.01)
        else:
            pytest.fail("the read never waited for the room's lock")
        await writer.execute("COMMIT")
        slot = await asyncio.wait_for(reading, 30)
    finally:
        await writer.close()
        await look.close()
    assert slot is not None
    assert [(b.id, b.status) for b in slot.bookings] == [
        (pending, Status.pending),
        (confirmed, Status.confirmed),
    ]
