"""What a timetable import reads and writes: the rooms, users and terms a batch names, the
series and bookings its source imported before, what is in the way of its occurrences, and
the series and occurrence rows it writes. Rows come back decoded (times as aware datetimes,
JSON as Python values, dates as ``date``); the decisions are the services' and the domain's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from compax_server import db
from compax_server.db import sql
from compax_server.db.bookings import room_start_bound
from compax_server.domain.imports import as_date


def _chunks(values: list[Any], size: int = 500) -> list[list[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


async def rooms_by_code(codes: list[str]) -> dict[str, dict[str, Any]]:
    """The rooms (not removed) with these codes: id, code, building_id, bookable, capacity."""
    rooms: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(codes):
        for r in await sql.fetch(
            "SELECT id, code, building_id, bookable, capacity FROM rooms "
            f"WHERE deleted_at IS NULL AND code IN ({_marks(chunk)})",
            *chunk,
        ):
            rooms[r["code"]] = r | {"bookable": bool(r["bookable"])}
    return rooms


async def active_users(emails: list[str]) -> dict[str, int]:
    """The id of each active user with one of these emails, by email."""
    users: dict[str, int] = {}
    for chunk in _chunks(emails):
        for u in await sql.fetch(
            f"SELECT id, email FROM users WHERE is_active = ? AND email IN ({_marks(chunk)})",
            True,
            *chunk,
        ):
            users[u["email"]] = u["id"]
    return users


async def terms() -> list[dict[str, Any]]:
    """Every term: id, start_date, end_date and its holidays (as stored)."""
    return [
        t
        | {
            "start_date": as_date(t["start_date"]),
            "end_date": as_date(t["end_date"]),
            "holidays": sql.decode_json(t["holidays"]),
        }
        for t in await sql.fetch("SELECT id, start_date, end_date, holidays FROM terms")
    ]


async def series_of_source(source: str) -> dict[str, dict[str, Any]]:
    """The series the source imported, by external id (with its rule and excluded dates)."""
    return {
        s["external_id"]: s
        | {
            "rule": sql.decode_json(s["rule"]),
            "excluded_dates": sql.decode_json(s["excluded_dates"]),
            "skip_holidays": bool(s["skip_holidays"]),
        }
        for s in await sql.fetch(
            """SELECT id, external_id, content_hash, room_id, owner_id, title, description, rule,
                      start_time, duration_minutes, attendees, skip_holidays, excluded_dates,
                      status
               FROM series WHERE source = ?""",
            source,
        )
    }


async def bookings_of_source(source: str) -> dict[str, dict[str, Any]]:
    """The single bookings (not of a series) the source imported, by external id, with the
    fields changed by hand (``exception_fields``, decoded)."""
    return {
        b["external_id"]: b
        | {
            "start": sql.decode_time(b["start"]),
            "end": sql.decode_time(b["end"]),
            "exception_fields": sql.decode_json(b["exception_fields"]) or [],
        }
        for b in await sql.fetch(
            """SELECT id, external_id, room_id, owner_id, title, description, "start", "end",
                      status, attendees, exception_fields
               FROM bookings WHERE source = ? AND series_id IS NULL""",
            source,
        )
    }


async def room_ids_of(codes: list[str], source: str) -> list[int]:
    """Every room a batch touches: those with these codes and those of the source's items
    (with repeats)."""
    rows: list[dict[str, Any]] = []
    for chunk in _chunks(codes):
        rows += await sql.fetch(f"SELECT id FROM rooms WHERE code IN ({_marks(chunk)})", *chunk)
    rows += await sql.fetch("SELECT DISTINCT room_id AS id FROM series WHERE source = ?", source)
    rows += await sql.fetch(
        "SELECT DISTINCT room_id AS id FROM bookings WHERE source = ? AND series_id IS NULL", source
    )
    return [r["id"] for r in rows]


async def in_the_way(
    room_id: int, first: datetime, last: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What meets ``[first, last)`` in the room, each with its ``start`` and ``end``: the
    pending and confirmed bookings (with the owner's role) in start order, and the closures
    (of its building or of the room)."""
    rows = await sql.fetch(
        f"""SELECT b.id, b.owner_id, b."start", b."end", b.status, b.title, b.series_id, u.role
           FROM bookings b JOIN users u ON u.id = b.owner_id
           WHERE b.room_id = ? AND b.status IN ('pending', 'confirmed', 'held')
             AND b."start" < ? AND b."end" > ? AND b."start" >= {room_start_bound()}
           ORDER BY b."start" """,
        room_id,
        last,
        first,
        first,
        room_id,
    )
    closures = await sql.fetch(
        """SELECT c.id, c."start", c."end", c.reason
           FROM closures c JOIN rooms r ON r.building_id = c.building_id
           WHERE r.id = ? AND (c.room_id IS NULL OR c.room_id = ?)
             AND c."start" < ? AND c."end" > ?""",
        room_id,
        room_id,
        last,
        first,
    )
    return _timed(rows), _timed(closures)


def _timed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        r | {"start": sql.decode_time(r["start"]), "end": sql.decode_time(r["end"])} for r in rows
    ]


@dataclass(frozen=True)
class SeriesFields:
    """What an import sets on a series row."""

    room_id: int | None
    owner_id: int | None
    title: str
    description: str
    rule: dict[str, Any]
    start_time: str
    duration_minutes: int
    attendees: int | None
    timezone: str
    skip_holidays: bool
    excluded_dates: list[str]
    content_hash: str

    def params(self) -> list[Any]:
        """The values from ``room_id`` to ``excluded_dates``, in column order."""
        return [
            self.room_id,
            self.owner_id,
            self.title,
            self.description,
            json.dumps(self.rule),
            self.start_time,
            self.duration_minutes,
            self.attendees,
            self.timezone,
            self.skip_holidays,
            json.dumps(self.excluded_dates),
        ]


def _json_cast() -> str:
    return "?::jsonb" if db.dialect() == "postgres" else "?"


async def insert_series(
    series: list[tuple[str, SeriesFields]], *, source: str, created_by_id: int | None
) -> dict[str, int]:
    """Insert active series of the source (external id, fields), a few hundred a statement;
    returns the id of each by external id."""
    now = datetime.now(UTC)
    json_cast = _json_cast()
    ids: dict[str, int] = {}
    for chunk in _chunks(series, 300):
        values, params = [], []
        for external_id, f in chunk:
            values.append(
                f"(?, ?, ?, ?, {json_cast}, ?, ?, ?, ?, ?, {json_cast}, {json_cast}, 'active', "
                "?, ?, ?, 1, ?, ?, ?)"
            )
            params += [
                *f.params(),
                json.dumps([]),
                source,
                external_id,
                f.content_hash,
                created_by_id,
                now,
                now,
            ]
        rows = await sql.fetch(
            f"""INSERT INTO series (room_id, owner_id, title, description, rule, start_time,
                   duration_minutes, attendees, timezone, skip_holidays, excluded_dates,
                   added_dates, status,
                   source, external_id, content_hash, version, created_by_id, created_at,
                   updated_at)
                VALUES {", ".join(values)} RETURNING id, external_id""",
            *params,
        )
        ids.update({r["external_id"]: r["id"] for r in rows})
    return ids


async def update_series(series_id: int, f: SeriesFields, now: datetime) -> None:
    """Set the series' fields, make it active again and count a new version."""
    json_cast = _json_cast()
    await sql.execute(
        f"""UPDATE series SET room_id = ?, owner_id = ?, title = ?, description = ?,
               rule = {json_cast}, start_time = ?, duration_minutes = ?, attendees = ?,
               timezone = ?,
               skip_holidays = ?, excluded_dates = {json_cast}, status = 'active', content_hash = ?,
               version = version + 1, updated_at = ?
           WHERE id = ?""",
        *f.params(),
        f.content_hash,
        now,
        series_id,
    )


async def active_occurrences(series_id: int) -> list[dict[str, Any]]:
    """The pending and confirmed bookings of the series: id, occurrence_date (a date, or
    None), room_id, start, end, title, description, owner_id, attendees."""
    rows = await sql.fetch(
        """SELECT id, occurrence_date, room_id, "start", "end", title, description, owner_id,
                  attendees
           FROM bookings
           WHERE series_id = ? AND status IN ('pending', 'confirmed')""",
        series_id,
    )
    return [
        r
        | {
            "occurrence_date": None
            if r["occurrence_date"] is None
            else as_date(r["occurrence_date"])
        }
        for r in _timed(rows)
    ]


async def update_booking(
    booking_id: int,
    *,
    room_id: int | None,
    owner_id: int | None,
    title: str,
    description: str,
    start: datetime,
    end: datetime,
    attendees: int | None,
    now: datetime,
) -> None:
    """Set the booking's (or occurrence's) room, owner, title, description, time and head
    count, confirm it and count a new version."""
    await sql.execute(
        """UPDATE bookings SET room_id = ?, owner_id = ?, title = ?, description = ?,
               "start" = ?, "end" = ?, attendees = ?,
               status = 'confirmed', version = version + 1, updated_at = ?
           WHERE id = ?""",
        room_id,
        owner_id,
        title,
        description,
        start,
        end,
        attendees,
        now,
        booking_id,
    )


async def cancel_series(series_id: int, reason: str, now: datetime) -> list[int]:
    """Cancel the series and its pending and confirmed bookings that are not over yet;
    returns the ids of the bookings cancelled."""
    await sql.execute(
        "UPDATE series SET status = 'cancelled', version = version + 1, updated_at = ? "
        "WHERE id = ?",
        now,
        series_id,
    )
    rows = await sql.fetch(
        """UPDATE bookings SET status = 'cancelled', reason = ?, version = version + 1,
               updated_at = ?
           WHERE series_id = ? AND status IN ('pending', 'confirmed') AND "end" > ?
           RETURNING id""",
        reason,
        now,
        series_id,
        now,
    )
    return sorted(int(r["id"]) for r in rows)


async def occurrence_ids(keys: set[tuple[int, date]]) -> dict[tuple[int, date], int]:
    """The ids of the pending and confirmed occurrences at each (series id, date)."""
    out: dict[tuple[int, date], int] = {}
    series_ids = sorted({series_id for series_id, _ in keys})
    for i in range(0, len(series_ids), 500):
        chunk = series_ids[i : i + 500]
        rows = await sql.fetch(
            "SELECT id, series_id, occurrence_date FROM bookings WHERE series_id IN "
            f"({', '.join('?' * len(chunk))}) AND status IN ('pending', 'confirmed') "
            "AND occurrence_date IS NOT NULL",
            *chunk,
        )
        for r in rows:
            key = (int(r["series_id"]), as_date(r["occurrence_date"]))
            if key in keys:
                out[key] = int(r["id"])
    return out
