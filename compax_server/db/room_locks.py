"""The booking lock of a room: how writers of one room queue up, and what a booking write
reads of the room (and of what is in the way) under it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from compax_server import db
from compax_server.db import audit as audit_db
from compax_server.db import sql
from compax_server.db.audit import NewEvent
from compax_server.db.bookings import (
    Booking,
    BookingRow,
    Status,
    blocker_rows,
    blockers,
    blockers_params,
    blockers_sql,
    insert_statement,
    saved,
)


@dataclass(frozen=True)
class RoomForBooking:
    """What a booking write needs to know of its room, read under the room's lock."""

    id: int
    code: str
    capacity: int
    bookable: bool
    requires_approval: bool
    building_id: int
    building_code: str
    timezone: str
    opening_hours: dict[str, Any] | None


_LOCK_ROOM = {
    # The row lock queues the writers of one room.
    "postgres": """
        WITH r AS (
            UPDATE rooms SET booking_seq = booking_seq + 1
            WHERE id = ? AND deleted_at IS NULL
            RETURNING id, code, capacity, bookable, requires_approval, building_id
        )
        SELECT r.*, b.code AS building_code, b.timezone, b.opening_hours
        FROM r JOIN buildings b ON b.id = r.building_id
    """,
    # BEGIN IMMEDIATE already holds the database's single write lock: just read.
    "sqlite": """
        SELECT r.id, r.code, r.capacity, r.bookable, r.requires_approval, r.building_id,
               b.code AS building_code, b.timezone, b.opening_hours
        FROM rooms r JOIN buildings b ON b.id = r.building_id
        WHERE r.id = ? AND r.deleted_at IS NULL
    """,
}


async def lock_room(room_id: int) -> RoomForBooking | None:
    """Take the booking lock of the room (see ``lock_rooms``) and read what a booking write
    needs of it and its building. ``None`` when the room does not exist (or was removed)."""
    row = await sql.fetch_one(_LOCK_ROOM[db.dialect()], room_id)
    return None if row is None else _room(row)


async def lock_and_load_rooms(room_ids: list[int]) -> dict[int, RoomForBooking]:
    """Take the booking lock of each room in id order (two writers never deadlock) and read
    what a booking write needs of it. A room that does not exist is missing from the answer."""
    out: dict[int, RoomForBooking] = {}
    for room_id in sorted(set(room_ids)):
        room = await lock_room(room_id)
        if room is not None:
            out[room_id] = room
    return out


async def lock_rooms(room_ids: list[int]) -> None:
    """Take the booking lock of each room, in id order (so two writers never deadlock).

    On PostgreSQL the lock is a write to the room row, held until commit: writers of one
    room queue up and each sees the one before it. On SQLite the transaction already holds
    the database's write lock (``BEGIN IMMEDIATE``), so there is nothing more to take.
    """
    if db.dialect() == "sqlite":
        return
    for room_id in sorted(set(room_ids)):
        await sql.execute("UPDATE rooms SET booking_seq = booking_seq + 1 WHERE id = ?", room_id)


def _room(row: dict[str, Any]) -> RoomForBooking:
    return RoomForBooking(
        id=row["id"],
        code=row["code"],
        capacity=row["capacity"],
        bookable=bool(row["bookable"]),
        requires_approval=bool(row["requires_approval"]),
        building_id=row["building_id"],
        building_code=row["building_code"],
        timezone=row["timezone"],
        opening_hours=sql.decode_json(row["opening_hours"]),
    )


@dataclass(frozen=True)
class Stamp:
    """What a write decided on, as of one read: the room's lock counter (raised by every
    writer of its bookings and closures) and the versions of the room and its building."""

    room_id: int
    booking_seq: int
    room_version: int
    building_id: int
    building_version: int


@dataclass(frozen=True)
class LockedSlot:
    """A room read for a write of ``[start, end)`` (under its lock, unless read by
    ``peek_slot``), with what is in the way there: its bookings in the statuses asked for and
    the closures, each in start order; ``stamp`` as of that read."""

    room: RoomForBooking
    bookings: list[BookingRow]
    closures: list[dict[str, Any]]
    stamp: Stamp | None = None


_LOCKED = """UPDATE rooms SET booking_seq = booking_seq + 1 WHERE id = ? AND deleted_at IS NULL
    RETURNING id, code, capacity, bookable, requires_approval, building_id, booking_seq, version"""
_UNLOCKED = """SELECT id, code, capacity, bookable, requires_approval, building_id, booking_seq,
    version FROM rooms WHERE id = ? AND deleted_at IS NULL"""


def _slot_sql(statuses: list[Status], *, lock: bool) -> str:
    """PostgreSQL: the room (locked as ``_LOCK_ROOM`` does, or only read) and the query of
    ``blockers``, in one statement. ``bumps`` is the lock counter's rise from what this
    statement's snapshot saw to what the lock found (1 when it did not wait for anyone)."""
    bumps = "r.booking_seq - (SELECT booking_seq FROM rooms WHERE id = r.id)" if lock else "1"
    return f"""
        WITH r AS ({_LOCKED if lock else _UNLOCKED})
        SELECT r.id, r.code, r.capacity, r.bookable, r.requires_approval, r.building_id,
               r.booking_seq, r.version, b.version AS building_version,
               b.code AS building_code, b.timezone, b.opening_hours, {bumps} AS bumps,
               x.kind, x.blocker_id, x.owner_id, x.title, x.b_start, x.b_end, x.b_status
        FROM r JOIN buildings b ON b.id = r.building_id
        LEFT JOIN LATERAL ({blockers_sql(statuses, room="r.id", building="r.building_id")})
            AS x(kind, blocker_id, owner_id, title, b_start, b_end, b_status) ON true
    """


def _slot(rows: list[dict[str, Any]]) -> LockedSlot:
    first = rows[0]
    room = _room(first)
    stamp = Stamp(
        room.id, first["booking_seq"], first["version"], room.building_id, first["building_version"]
    )
    found = blocker_rows(
        room.id,
        [
            {
                "kind": r["kind"],
                "id": r["blocker_id"],
                "owner_id": r["owner_id"],
                "title": r["title"],
                "start": r["b_start"],
                "end": r["b_end"],
                "status": r["b_status"],
            }
            for r in rows
            if r["kind"] is not None
        ],
    )
    return LockedSlot(room, *found, stamp=stamp)


async def lock_room_with_blockers(
    room_id: int,
    start: datetime,
    end: datetime,
    statuses: list[Status],
    exclude_id: int | None = None,
) -> LockedSlot | None:
    """``lock_room``, then ``blockers`` for ``[start, end)``: what a booking write of one
    window needs, read under the room's lock. ``None`` when the room does not exist.

    On PostgreSQL both are one statement. A statement reads what was committed when it began,
    and taking the lock may wait for another writer of the room, whose changes the statement
    then cannot see. Every writer of a room's bookings (or closures) raises its lock counter,
    so the counter tells: risen by exactly our own step, nobody committed a change to the room
    in between and the bookings read are current; risen by more, they are read again, after
    the lock (as ``lock_room`` then ``blockers`` would)."""
    if db.dialect() != "postgres":
        room = await lock_room(room_id)
        if room is None:
            return None
        found = await blockers(room.building_id, room.id, start, end, statuses, exclude_id)
        return LockedSlot(room, *found)
    params = blockers_params(statuses, start, end, exclude_id)
    rows = await sql.fetch(_slot_sql(statuses, lock=True), room_id, *params)
    if not rows:
        return None
    slot = _slot(rows)
    if rows[0]["bumps"] != 1:  # waited behind another writer: read after the lock
        found = await blockers(slot.room.building_id, room_id, start, end, statuses, exclude_id)
        return LockedSlot(slot.room, *found)
    return slot


async def peek_slot(
    room_id: int, start: datetime, end: datetime, statuses: list[Status]
) -> LockedSlot | None:
    """What ``lock_room_with_blockers`` reads, without the lock and outside any transaction
    (one statement, one snapshot), with its ``stamp``: a write decided on it may then insert
    only if the stamp still holds (``db.bookings.insert_booking_if_unchanged``), which takes
    the lock and checks that nobody changed the room in between. ``None`` when the room does
    not exist, or on SQLite, whose writers do not raise the lock counter (``BEGIN IMMEDIATE``
    queues them): the caller then writes under the lock."""
    if db.dialect() != "postgres":
        return None
    params = blockers_params(statuses, start, end, None)
    rows = await sql.fetch(_slot_sql(statuses, lock=False), room_id, *params)
    return _slot(rows) if rows else None


_GUARD = """guard AS (
    UPDATE rooms SET booking_seq = booking_seq + 1
    WHERE id = ? AND booking_seq = ? AND version = ? AND deleted_at IS NULL AND building_id = ?
      AND (SELECT version FROM buildings WHERE id = ?) = ?
    RETURNING id), """


async def insert_booking_if_unchanged(
    booking: Booking, stamp: Stamp, event: NewEvent
) -> Booking | None:
    """PostgreSQL, outside a transaction: insert a ``new_booking`` decided on a ``peek_slot``,
    and its audit event (its ``entity_id`` is the booking's), in one statement, if the read's
    ``stamp`` still holds. The statement takes the room's lock (waiting for a writer that
    holds it); when the room's lock counter, or the room's or the building's version, moved
    since the read, it inserts nothing and returns ``None``: decide again, under the lock."""
    statement, params = insert_statement(booking, "FROM guard")
    guard = [stamp.room_id, stamp.booking_seq, stamp.room_version, stamp.building_id]
    guard += [stamp.building_id, stamp.building_version]
    statement, params = audit_db.appended(statement, [*guard, *params], event, lead=_GUARD)
    return saved(booking, await sql.fetch_one(statement, *params))
