"""The booking lock of a room: how writers of one room queue up, and what a booking write
reads of the room (and of what is in the way) under it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from compax_server import db
from compax_server.db import sql
from compax_server.db.bookings import (
    BookingRow,
    Status,
    blocker_rows,
    blockers,
    blockers_params,
    blockers_sql,
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
class LockedSlot:
    """A room locked for a write of ``[start, end)``, with what is in the way there: its
    bookings in the statuses asked for and the closures, each in start order."""

    room: RoomForBooking
    bookings: list[BookingRow]
    closures: list[dict[str, Any]]


def _lock_with_blockers_sql(statuses: list[Status]) -> str:
    """PostgreSQL: the room lock of ``_LOCK_ROOM`` and the query of ``blockers`` in one
    statement (one round trip instead of two), with ``bumps``, the lock counter's rise from
    what this statement's snapshot saw to what the lock found."""
    return f"""
        WITH r AS (
            UPDATE rooms SET booking_seq = booking_seq + 1
            WHERE id = ? AND deleted_at IS NULL
            RETURNING id, code, capacity, bookable, requires_approval, building_id, booking_seq
        )
        SELECT r.id, r.code, r.capacity, r.bookable, r.requires_approval, r.building_id,
               b.code AS building_code, b.timezone, b.opening_hours,
               r.booking_seq - (SELECT booking_seq FROM rooms WHERE id = r.id) AS bumps,
               x.kind, x.blocker_id, x.owner_id, x.title, x.b_start, x.b_end, x.b_status
        FROM r JOIN buildings b ON b.id = r.building_id
        LEFT JOIN LATERAL ({blockers_sql(statuses, room="r.id", building="r.building_id")})
            AS x(kind, blocker_id, owner_id, title, b_start, b_end, b_status) ON true
    """


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
    rows = await sql.fetch(
        _lock_with_blockers_sql(statuses),
        room_id,
        *blockers_params(statuses, start, end, exclude_id),
    )
    if not rows:
        return None
    room = _room(rows[0])
    if rows[0]["bumps"] != 1:  # waited behind another writer: read after the lock
        found = await blockers(room.building_id, room.id, start, end, statuses, exclude_id)
        return LockedSlot(room, *found)
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
    return LockedSlot(room, *found)
