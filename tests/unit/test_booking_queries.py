"""The booking queries of ``db/bookings.py`` on their own, against a real migrated database
(SQLite file and PostgreSQL): what each returns or writes, including the cases no API test
reaches (several statuses at once, more ids than one statement takes, a date cancelled and
added back). Written to kill the mutants that survived the API tests (docs/testing.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from compax_server.db import bookings as bookings_db
from compax_server.db import room_locks, transaction
from compax_server.db.bookings import Booking, Status
from compax_server.db.rooms import Closure, Room
from compax_server.services import buildings, rooms
from tests.conftest import actor_of, monday_ahead

MONDAY = datetime.combine(monday_ahead(5), time(0), tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


async def stored(room: Any, owner: Any, start: datetime, end: datetime, **extra: Any) -> Booking:
    values: dict[str, Any] = {"title": "Lecture", "status": Status.confirmed} | extra
    return await Booking.create(room_id=room.pk, owner_id=owner.pk, start=start, end=end, **values)


async def test_overlapping_takes_several_statuses_at_once(database, member, room):
    pending = await stored(room, member, at(0, 9), at(0, 10), status=Status.pending)
    confirmed = await stored(room, member, at(0, 10), at(0, 11))
    await stored(room, member, at(0, 9), at(0, 11), status=Status.cancelled)
    window = (at(0, 9) + timedelta(minutes=30), at(0, 12))  # the pending one starts before it
    found = await bookings_db.overlapping(room.pk, *window, [Status.pending, Status.confirmed])
    assert [(b.id, b.room_id, b.owner_id, b.status) for b in found] == [
        (pending.pk, room.pk, member.pk, Status.pending),
        (confirmed.pk, room.pk, member.pk, Status.confirmed),
    ]
    only_confirmed = await bookings_db.overlapping(room.pk, *window, [Status.confirmed])
    assert [b.id for b in only_confirmed] == [confirmed.pk]


def occurrence(series_id: int, day: date, status: Status, fields: list[str]) -> dict[str, Any]:
    return {
        "series_id": series_id,
        "occurrence_date": day,
        "status": status,
        "exception_fields": fields,
    }


async def test_exceptions_of_reads_every_series_asked_for_in_chunks(database, member, room):
    """1,300 series ids (three statements of at most 500): the changed occurrences of the
    first, the 501st and the last are all found; an unchanged occurrence is not listed."""
    series_ids = list(range(1, 1301))
    changed = {1: ["title"], 501: ["room_id"], 1300: ["time", "title"]}
    for n, sid in enumerate([1, 501, 1300, 700]):
        extra = occurrence(sid, monday_ahead(5), Status.confirmed, changed.get(sid, []))
        await stored(room, member, at(n, 9), at(n, 10), **extra)
    found = await bookings_db.exceptions_of(series_ids)
    assert {row["series_id"]: row["exception_fields"] for row in found} == changed


async def test_a_date_cancelled_and_added_back_is_the_added_ones(database, member, room):
    """Per series and date the active booking wins, whichever came first; a cancelled one
    stands only where nothing is active."""
    day1, day2, day3 = monday_ahead(5), monday_ahead(5) + timedelta(days=1), monday_ahead(6)
    # day 1: cancelled by hand, then added back (the added one is not an exception)
    await stored(
        room, member, at(0, 9), at(0, 10), **occurrence(7, day1, Status.cancelled, ["status"])
    )
    await stored(room, member, at(0, 9), at(0, 10), **occurrence(7, day1, Status.confirmed, []))
    # day 2: an active occurrence moved by hand, then an older cancelled copy of the date
    moved = await stored(
        room, member, at(1, 9), at(1, 10), **occurrence(7, day2, Status.pending, ["time"])
    )
    await stored(
        room, member, at(1, 12), at(1, 13), **occurrence(7, day2, Status.cancelled, ["status"])
    )
    # day 3: only cancelled (twice): the later one stands
    await stored(
        room, member, at(7, 9), at(7, 10), **occurrence(7, day3, Status.cancelled, ["status"])
    )
    last = await stored(
        room,
        member,
        at(7, 9),
        at(7, 10),
        **occurrence(7, day3, Status.cancelled, ["status", "title"]),
    )
    found = await bookings_db.exceptions_of([7])
    by_id = {row["id"]: row["exception_fields"] for row in found}
    assert by_id == {moved.pk: ["time"], last.pk: ["status", "title"]}


async def test_set_status_moves_only_the_bookings_in_the_given_states(database, member, room):
    a = await stored(room, member, at(0, 9), at(0, 10))
    b = await stored(room, member, at(0, 11), at(0, 12), status=Status.pending)
    c = await stored(room, member, at(0, 13), at(0, 14), status=Status.rejected)
    d = await stored(room, member, at(0, 15), at(0, 16))  # not asked for
    before = datetime.now(UTC) - timedelta(seconds=1)
    await bookings_db.set_status(
        [a.pk, b.pk, c.pk],
        Status.cancelled,
        "no longer in the timetable",
        only_from=(Status.pending, Status.confirmed),
    )
    rows = {r.pk: r for r in await Booking.all()}
    assert {pk: (r.status, r.reason, r.version) for pk, r in rows.items()} == {
        a.pk: (Status.cancelled, "no longer in the timetable", 2),
        b.pk: (Status.cancelled, "no longer in the timetable", 2),
        c.pk: (Status.rejected, "", 1),
        d.pk: (Status.confirmed, "", 1),
    }
    assert rows[a.pk].updated_at >= before
    await bookings_db.set_status([], Status.cancelled, "nothing", only_from=(Status.cancelled,))
    assert await Booking.filter(reason="nothing").count() == 0


async def test_set_status_reaches_every_id_of_a_long_list(database, member, room):
    """1,001 bookings: more ids than one statement takes (500)."""
    made = await bookings_db.insert_occurrences(
        [row(room, member, n) for n in range(1001)], created_by_id=None
    )
    ids = sorted(made.values())
    await bookings_db.set_status(ids, Status.cancelled, "gone", only_from=(Status.confirmed,))
    assert await Booking.filter(status=Status.cancelled, reason="gone").count() == 1001


def row(room: Any, owner: Any, n: int, series_id: int | None = None) -> dict[str, Any]:
    """Occurrence ``n``: one hour on day ``n`` (none overlap)."""
    start = at(n, 9)
    return {
        "room_id": room.pk,
        "owner_id": owner.pk,
        "title": f"Lecture {n}",
        "description": "",
        "start": start,
        "end": start + timedelta(hours=1),
        "status": Status.confirmed,
        "series_id": series_id,
        "occurrence_date": start.date(),
        "source": "sis",
        "external_id": f"L-{n}",
    }


async def test_insert_occurrences_returns_the_id_of_each_date(database, member, staff, room):
    rows = [row(room, member, n, series_id=3) | {"attendees": 20 + n} for n in range(3)]
    made = await bookings_db.insert_occurrences(rows, created_by_id=staff.pk)
    stored_rows = await Booking.all().order_by("start")
    assert made == {r.occurrence_date: r.pk for r in stored_rows}
    assert [
        (r.title, r.created_by_id, r.series_id, r.source, r.external_id, r.attendees)
        for r in stored_rows
    ] == [(f"Lecture {n}", staff.pk, 3, "sis", f"L-{n}", 20 + n) for n in range(3)]
    assert await bookings_db.insert_occurrences([], created_by_id=None) == {}


async def test_copy_occurrences_writes_every_row_once(database, member, staff, room):
    """1,002 rows: more than one multi-row INSERT takes (1,000) where there is no COPY."""
    rows = [row(room, member, n) for n in range(1002)]
    async with transaction():  # as an import applies it (COPY runs on the transaction's connection)
        await bookings_db.copy_occurrences(rows, created_by_id=staff.pk)
    copied = await Booking.all().order_by("start")
    assert [r.external_id for r in copied] == [f"L-{n}" for n in range(1002)]
    assert {(r.created_by_id, r.status, r.version, r.reason) for r in copied} == {
        (staff.pk, Status.confirmed, 1, "")
    }
    assert all(r.created_at is not None and r.updated_at is not None for r in copied)


async def test_an_overlap_the_copy_meets_is_an_integrity_error(database, member, staff, room):
    """The database refuses a copied occurrence over a confirmed booking as it refuses any
    insert: Tortoise's ``IntegrityError`` (which ``writes.run`` turns into a 409), on COPY
    too, not the driver's own exception (a 500)."""
    first = row(room, member, 0)
    await stored(room, member, first["start"], first["end"])
    with pytest.raises(IntegrityError):
        async with transaction():
            await bookings_db.copy_occurrences([first], created_by_id=staff.pk)
    assert await Booking.all().count() == 1


async def test_lock_room_reads_what_a_booking_write_needs(database, admin, building):
    """Every field of the room and its building, as the write path reads them under the lock;
    a missing or removed room is ``None`` (and missing from ``lock_and_load_rooms``)."""
    staff = actor_of(admin)
    hours = {"mon": [["08:00", "18:00"]]}
    await buildings.update_building(staff, building.pk, opening_hours=hours)
    small = await rooms.create_room(
        staff, code="B1-7", name="Seminar 7", building_id=building.pk, capacity=12
    )
    gated = await rooms.create_room(
        staff,
        code="B1-8",
        name="Lab 8",
        building_id=building.pk,
        capacity=40,
        bookable=False,
        requires_approval=True,
    )
    removed = await rooms.create_room(
        staff, code="B1-9", name="Old 9", building_id=building.pk, capacity=5
    )
    await Room.filter(id=removed.pk).update(deleted_at=datetime.now(UTC))
    async with transaction():
        got = await room_locks.lock_room(small.pk)
        loaded = await room_locks.lock_and_load_rooms([gated.pk, removed.pk, small.pk, 9999])
        assert await room_locks.lock_room(removed.pk) is None
    assert got == room_locks.RoomForBooking(
        id=small.pk,
        code="B1-7",
        capacity=12,
        bookable=True,
        requires_approval=False,
        building_id=building.pk,
        building_code="B1",
        timezone="Europe/Berlin",
        opening_hours=hours,
    )
    assert list(loaded) == [small.pk, gated.pk]
    assert loaded[small.pk] == got
    lab = loaded[gated.pk]
    assert (lab.code, lab.capacity, lab.bookable, lab.requires_approval) == (
        "B1-8",
        40,
        False,
        True,
    )


async def test_insert_booking_returns_the_row_it_stored(database, member, staff, room):
    before = datetime.now(UTC) - timedelta(seconds=1)
    async with transaction():
        made = await bookings_db.insert_booking(
            bookings_db.new_booking(
                room_id=room.pk,
                owner_id=member.pk,
                title="Exam",
                description="bring a pen",
                start=at(0, 9),
                end=at(0, 11),
                status=Status.pending,
                created_by_id=staff.pk,
                series_id=4,
                source="sis",
                external_id="E-1",
                attendees=12,
            )
        )
    kept = await Booking.get(id=made.pk)
    fields = [
        "room_id",
        "owner_id",
        "title",
        "description",
        "start",
        "end",
        "status",
        "series_id",
        "source",
        "external_id",
        "reason",
        "attendees",
        "version",
        "created_by_id",
    ]
    expected = (
        room.pk, member.pk, "Exam", "bring a pen", at(0, 9), at(0, 11), Status.pending, 4,
        "sis", "E-1", "", 12, 1, staff.pk,
    )  # fmt: skip
    assert tuple(getattr(kept, f) for f in fields) == expected
    assert tuple(getattr(made, f) for f in fields) == expected
    assert made.created_at == made.updated_at >= before
    assert kept.created_at == made.created_at and kept.updated_at == made.updated_at
    made.title = "Exam (moved)"
    await made.save()  # the returned booking is a stored row: saving it updates, never inserts
    assert [b.title for b in await Booking.all()] == ["Exam (moved)"]


async def test_blockers_reads_the_bookings_and_closures_in_the_way(
    database, admin, member, building, make_room
):
    room, other = await make_room(), await make_room()
    first = await stored(room, member, at(0, 8), at(0, 10))
    pending = await stored(room, member, at(0, 10), at(0, 12), status=Status.pending)
    await stored(room, member, at(0, 9), at(0, 11), status=Status.cancelled)
    await stored(other, member, at(0, 9), at(0, 11))  # another room
    await stored(room, member, at(0, 12), at(0, 13))  # starts where the window ends
    staff = actor_of(admin)
    for reason, start, end, room_id in (
        ("Fire drill", at(0, 11), at(0, 14), None),  # the whole building
        ("Painting", at(0, 9), at(0, 10), other.pk),
        ("Repairs", at(0, 7), at(0, 9, 30), room.pk),
    ):
        await buildings.add_closure(
            staff,
            building.pk,
            reason=reason,
            start=start,
            end=end,
            room_id=room_id,
            on_bookings="keep",
        )
    whole, mine = await Closure.get(reason="Fire drill"), await Closure.get(reason="Repairs")
    window = (at(0, 9), at(0, 12))
    found, closures = await bookings_db.blockers(
        building.pk, room.pk, *window, [Status.confirmed, Status.pending]
    )
    assert found == [
        bookings_db.BookingRow(
            first.pk, room.pk, member.pk, "Lecture", at(0, 8), at(0, 10), Status.confirmed
        ),
        bookings_db.BookingRow(
            pending.pk, room.pk, member.pk, "Lecture", at(0, 10), at(0, 12), Status.pending
        ),
    ]
    assert closures == [
        {"id": mine.pk, "reason": "Repairs", "start": at(0, 7), "end": at(0, 9, 30)},
        {"id": whole.pk, "reason": "Fire drill", "start": at(0, 11), "end": at(0, 14)},
    ]
    others, _ = await bookings_db.blockers(
        building.pk, room.pk, *window, [Status.confirmed], exclude_id=first.pk
    )
    assert others == []
    _, none_for_the_next_day = await bookings_db.blockers(
        building.pk, room.pk, at(1, 9), at(1, 12), []
    )
    assert none_for_the_next_day == []


async def test_lock_rooms_writes_each_room_once_on_postgresql_only(database, make_room):
    """On PostgreSQL the lock is a write to each room's row (once per room, however often it
    is named); on SQLite the transaction already holds the database's write lock, so the
    rooms are left alone."""
    a, b, c = await make_room(), await make_room(), await make_room()
    before = {r.pk: r.booking_seq for r in await Room.all()}
    async with transaction():
        await room_locks.lock_rooms([b.pk, a.pk, b.pk])
    after = {r.pk: r.booking_seq - before[r.pk] for r in await Room.all()}
    step = 1 if database == "postgres" else 0
    assert after == {a.pk: step, b.pk: step, c.pk: 0}
