"""Bookings: the model, the overlap lookups, the bulk inserts (room locks: ``room_locks``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from compax_server import db
from compax_server.db import sql
from compax_server.db.rooms import Room
from compax_server.db.users import User
from compax_server.domain.bookings import Status as Status  # re-exported: the models use it


class Booking(Model):
    """A room for ``[start, end)`` (UTC). Two confirmed bookings of one room never overlap:
    the database refuses it (exclusion constraint / trigger, see the migrations)."""

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField(
        "models.Room", related_name="bookings", on_delete=fields.RESTRICT
    )
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="bookings", on_delete=fields.RESTRICT
    )
    room_id: int
    owner_id: int
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    start = fields.DatetimeField()
    end = fields.DatetimeField()
    # The column comment as first generated: aerich cannot change a comment on SQLite, and
    # the states (domain/bookings.py, also ``released``) are checked there, not here.
    status = fields.CharEnumField(
        Status,
        max_length=16,
        description=(
            "pending: pending\nconfirmed: confirmed\nrejected: rejected\ncancelled: cancelled"
        ),
    )
    series_id = fields.IntField(null=True, db_index=True)
    occurrence_date = fields.DateField(null=True, description="the date of a series occurrence")
    exception_fields: fields.Field[list[str]] = fields.JSONField(
        default=list,
        description="an occurrence changed by hand: which of room_id, time, title, status",
    )
    source = fields.CharField(max_length=100, null=True)
    external_id = fields.CharField(max_length=200, null=True)
    reason = fields.CharField(max_length=500, default="", description="why rejected/cancelled")
    attendees = fields.IntField(null=True, description="people expected (seat fit)")
    version = fields.IntField(default=1)
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    checked_in_at = fields.DatetimeField(null=True, description="when someone checked in")

    class Meta:
        table = "bookings"
        indexes = (("room_id", "start"), ("owner_id", "start"), ("start",))
        unique_together = (("source", "external_id"),)


@dataclass(frozen=True)
class BookingRow:
    id: int
    room_id: int
    owner_id: int
    title: str
    start: datetime
    end: datetime
    status: Status


def room_start_bound(room: str = "?") -> str:
    """SQL for "the earliest start of a booking of room ``room`` that can reach past ``?``":
    the time minus the room's longest booking (parameters: the time, then the room's id when
    ``room`` is ``?``). With the ``(room_id, start)`` index this reads only the bookings near
    the time."""
    dialect = db.dialect()
    time = "?::timestamptz" if dialect == "postgres" else "?"
    return sql.start_bound(dialect, time, f"(SELECT max_span_seconds FROM rooms WHERE id = {room})")


def booking_row(row: dict[str, Any]) -> BookingRow:
    """A row with the columns of ``BookingRow`` (as the lookups here select them)."""
    return BookingRow(
        id=row["id"],
        room_id=row["room_id"],
        owner_id=row["owner_id"],
        title=row["title"],
        start=sql.decode_time(row["start"]),
        end=sql.decode_time(row["end"]),
        status=Status(row["status"]),
    )


async def overlapping(
    room_id: int,
    start: datetime,
    end: datetime,
    statuses: list[Status],
    exclude_id: int | None = None,
) -> list[BookingRow]:
    """Bookings of the room in ``statuses`` that overlap ``[start, end)`` (half-open), in
    start order."""
    marks = ", ".join("?" for _ in statuses)
    rows = await sql.fetch(
        f"""SELECT id, room_id, owner_id, title, "start", "end", status FROM bookings
            WHERE room_id = ? AND status IN ({marks}) AND "start" < ? AND "end" > ? AND id <> ?
              AND "start" >= {room_start_bound()}
            ORDER BY "start", id""",
        room_id,
        *[s.value for s in statuses],
        end,
        start,
        exclude_id or 0,
        start,
        room_id,
    )
    return [booking_row(r) for r in rows]


def blockers_sql(statuses: list[Status], room: str = "?", building: str = "?") -> str:
    """The query of ``blockers``, for the room ``room`` of building ``building`` (SQL
    expressions: ``?`` takes a parameter, see ``blockers_params``), in no particular order.
    ``db.room_locks`` runs it inside the statement that locks the room."""
    marks = ", ".join("?" for _ in statuses) or "NULL"
    return f"""SELECT 'booking' AS kind, id, owner_id, title, "start", "end", status
            FROM bookings
            WHERE room_id = {room} AND status IN ({marks}) AND "start" < ? AND "end" > ?
              AND id <> ? AND "start" >= {room_start_bound(room)}
            UNION ALL
            SELECT 'closure', id, NULL, reason, "start", "end", NULL
            FROM closures
            WHERE building_id = {building} AND "start" < ? AND "end" > ?
              AND (room_id IS NULL OR room_id = {room})"""


def blockers_params(
    statuses: list[Status],
    start: datetime,
    end: datetime,
    exclude_id: int | None,
    room_id: int | None = None,
    building_id: int | None = None,
) -> list[Any]:
    """The parameters of ``blockers_sql``, in order; the room's and the building's id only
    where the query takes them as ``?``."""
    room = [] if room_id is None else [room_id]
    building = [] if building_id is None else [building_id]
    bookings = [*room, *(s.value for s in statuses), end, start, exclude_id or 0, start, *room]
    return [*bookings, *building, end, start, *room]


def blocker_rows(
    room_id: int, rows: list[dict[str, Any]]
) -> tuple[list[BookingRow], list[dict[str, Any]]]:
    """The rows of ``blockers_sql`` as bookings and closures, each in start order."""
    bookings, closures = [], []
    for row in sorted(rows, key=lambda r: (sql.decode_time(r["start"]), r["id"])):
        if row["kind"] == "booking":
            bookings.append(booking_row(row | {"room_id": room_id}))
        else:
            closures.append(
                {
                    "id": row["id"],
                    "reason": row["title"],
                    "start": sql.decode_time(row["start"]),
                    "end": sql.decode_time(row["end"]),
                }
            )
    return bookings, closures


async def blockers(
    building_id: int,
    room_id: int,
    start: datetime,
    end: datetime,
    statuses: list[Status],
    exclude_id: int | None = None,
) -> tuple[list[BookingRow], list[dict[str, Any]]]:
    """In one query: the room's bookings in ``statuses`` and the closures (of the building or
    of this room) that overlap ``[start, end)``, each in start order."""
    rows = await sql.fetch(
        blockers_sql(statuses),
        *blockers_params(statuses, start, end, exclude_id, room_id, building_id),
    )
    return blocker_rows(room_id, rows)


async def exceptions_of(series_ids: list[int]) -> list[dict[str, Any]]:
    """The occurrences of these series that were changed by hand, with their
    ``exception_fields`` decoded: per series and date, the active booking (a date cancelled
    by hand and then added back is the added one's), else the cancelled one."""
    current: dict[tuple[int, Any], dict[str, Any]] = {}
    for i in range(0, len(series_ids), 500):
        chunk = series_ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in await sql.fetch(
            f"""SELECT id, series_id, occurrence_date, exception_fields, status FROM bookings
                WHERE series_id IN ({marks}) AND occurrence_date IS NOT NULL
                ORDER BY id""",
            *chunk,
        ):
            key = (row["series_id"], row["occurrence_date"])
            active = row["status"] in (Status.pending.value, Status.confirmed.value)
            if active or key not in current or not current[key]["active"]:
                fields = sql.decode_json(row["exception_fields"])
                current[key] = row | {"exception_fields": fields, "active": active}
    return [row for row in current.values() if row["exception_fields"]]


def new_booking(
    *,
    room_id: int,
    owner_id: int,
    title: str,
    description: str,
    start: datetime,
    end: datetime,
    status: Status,
    created_by_id: int | None,
    series_id: int | None = None,
    source: str | None = None,
    external_id: str | None = None,
    attendees: int | None = None,
) -> Booking:
    """A booking to insert (``insert_booking``), not saved yet."""
    now = datetime.now(UTC)
    return Booking(
        room_id=room_id,
        owner_id=owner_id,
        title=title,
        description=description,
        start=start,
        end=end,
        status=status,
        series_id=series_id,
        source=source,
        external_id=external_id,
        reason="",
        attendees=attendees,
        version=1,
        created_by_id=created_by_id,
        created_at=now,
        updated_at=now,
    )


def insert_statement(booking: Booking, source: str = "") -> tuple[str, list[Any]]:
    """The INSERT of a new booking (``RETURNING id``) and its parameters; ``source`` (say
    ``FROM guard``) makes it insert nothing when that gives no row."""
    b = booking
    return (
        f"""INSERT INTO bookings (room_id, owner_id, title, description, "start", "end",
               status, series_id, source, external_id, reason, version, created_by_id,
               created_at, updated_at, attendees)
           SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 1, ?, ?, ?, ? {source} RETURNING id""",
        [
            *(b.room_id, b.owner_id, b.title, b.description, b.start, b.end, b.status.value),
            *(b.series_id, b.source, b.external_id, b.created_by_id),
            *(b.created_at, b.updated_at, b.attendees),
        ],
    )


def saved(booking: Booking, row: dict[str, Any] | None) -> Booking | None:
    """``booking`` with the id its INSERT returned (``None``: nothing was inserted)."""
    if row is None:
        return None
    booking.id = row["id"]
    booking._saved_in_db = True
    return booking


async def insert_booking(booking: Booking) -> Booking:
    """Insert a ``new_booking`` (the database refuses an overlap of confirmed bookings)."""
    statement, params = insert_statement(booking)
    inserted = saved(booking, await sql.fetch_one(statement, *params))
    assert inserted is not None
    return inserted


OCCURRENCE_COLUMNS = [
    "room_id",
    "owner_id",
    "title",
    "description",
    "start",
    "end",
    "status",
    "series_id",
    "occurrence_date",
    "source",
    "external_id",
    "reason",
    "version",
    "created_by_id",
    "created_at",
    "updated_at",
    "attendees",
]


def _occurrence_record(
    r: dict[str, Any], created_by_id: int | None, now: datetime
) -> tuple[Any, ...]:
    """The values of one occurrence row, in ``OCCURRENCE_COLUMNS`` order."""
    return (
        r["room_id"],
        r["owner_id"],
        r["title"],
        r["description"],
        r["start"],
        r["end"],
        r["status"].value,
        r["series_id"],
        r["occurrence_date"],
        r.get("source"),
        r.get("external_id"),
        "",
        1,
        created_by_id,
        now,
        now,
        r.get("attendees"),
    )


async def insert_occurrences(
    rows: list[dict[str, Any]], *, created_by_id: int | None
) -> dict[date, int]:
    """Insert series occurrences in one statement; returns booking id per occurrence date.
    Each row: room_id, owner_id, title, description, start, end, status, series_id,
    occurrence_date, source, external_id, attendees."""
    if not rows:
        return {}
    now = datetime.now(UTC)
    marks = "(" + ", ".join("?" for _ in OCCURRENCE_COLUMNS) + ")"
    params: list[Any] = []
    for r in rows:
        params += _occurrence_record(r, created_by_id, now)
    columns = ", ".join(f'"{c}"' for c in OCCURRENCE_COLUMNS)
    inserted = await sql.fetch(
        f"INSERT INTO bookings ({columns}) VALUES {', '.join([marks] * len(rows))} "
        "RETURNING id, occurrence_date",
        *params,
    )
    return {
        (d if isinstance(d, date) else date.fromisoformat(str(d))): row["id"]
        for row in inserted
        for d in [row["occurrence_date"]]
    }


async def set_status(
    booking_ids: list[int], status: Status, reason: str, *, only_from: tuple[Status, ...]
) -> None:
    """Move bookings that are in one of ``only_from`` to ``status`` (with a reason)."""
    if not booking_ids:
        return
    now = datetime.now(UTC)
    states = ", ".join("?" for _ in only_from)
    for i in range(0, len(booking_ids), 500):
        chunk = booking_ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        await sql.execute(
            f"""UPDATE bookings SET status = ?, reason = ?, version = version + 1, updated_at = ?
                WHERE id IN ({marks}) AND status IN ({states})""",
            status.value,
            reason,
            now,
            *chunk,
            *[s.value for s in only_from],
        )


async def copy_occurrences(rows: list[dict[str, Any]], *, created_by_id: int | None) -> None:
    """Insert many occurrences without returning their ids: PostgreSQL's COPY (a bulk import
    of 50,000 rows spends its time in the database, not in encoding statements); elsewhere
    multi-row INSERTs. The database checks every row as usual."""
    conn = db.conn()
    if conn.capabilities.dialect != "postgres":
        for i in range(0, len(rows), 1000):
            await insert_occurrences(rows[i : i + 1000], created_by_id=created_by_id)
        return
    now = datetime.now(UTC)
    records = [_occurrence_record(r, created_by_id, now) for r in rows]
    raw = conn._connection  # the asyncpg connection of the current transaction
    try:
        await raw.copy_records_to_table("bookings", records=records, columns=OCCURRENCE_COLUMNS)
    except asyncpg.IntegrityConstraintViolationError as exc:  # as Tortoise raises it elsewhere
        raise IntegrityError(exc) from exc
