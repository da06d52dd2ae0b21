"""Check-in: the statements of checking in, of releasing no-shows, and the room display
tokens.

Which bookings need a check-in is read from the booking rules when a window closes (see
``services/checkin.py``): ``due`` below joins each candidate booking to the rules of its
room, its building and the global level, so one indexed query (the partial index
``bookings_checkin_open`` on ``start``, over confirmed bookings nobody checked in to) finds
every booking that is due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise import fields
from tortoise.models import Model

from compax_server import db
from compax_server.db import sql


class DisplayToken(Model):
    """A token for the tablet at a room's door: it may show the room's day and check in to
    its bookings, nothing else. Only its SHA-256 is stored."""

    id = fields.IntField(primary_key=True)
    room_id = fields.IntField(db_index=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=16, description="shown in listings")
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "room_display_tokens"


class NoshowLift(Model):
    """Staff lifted a member's no-show ban: the no-shows before ``lifted_at`` no longer count."""

    user_id = fields.IntField(primary_key=True)
    lifted_at = fields.DatetimeField()
    lifted_by_id = fields.IntField(null=True)

    class Meta:
        table = "noshow_lifts"


@dataclass(frozen=True)
class DueBooking:
    id: int
    room_id: int
    owner_id: int
    title: str
    start: datetime
    end: datetime
    series_id: int | None
    source: str | None  # the import it came from
    exception_fields: list[str]
    version: int
    closes_minutes: int


def _plus_minutes(time: str, minutes: str) -> str:
    if db.dialect() == "postgres":
        return f"({time} + make_interval(mins => {minutes}))"
    return f"datetime({time}, '+' || ({minutes}) || ' minutes')"


def _instant(moment: datetime) -> Any:
    """``moment`` as the engine compares it with ``_plus_minutes``: SQLite's ``datetime()``
    answers ``YYYY-MM-DD HH:MM:SS`` (UTC)."""
    if db.dialect() == "postgres":
        return moment
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _level(column: str) -> str:
    return f"COALESCE(rr.{column}, br.{column}, gr.{column})"


async def due(after: datetime, now: datetime, default_closes: int, limit: int) -> list[DueBooking]:
    """Confirmed bookings nobody checked in to, starting in ``(after, now]``, whose rules
    (room, else building, else global) require a check-in that was required when they
    started (``checkin_since``), and whose window closed by ``now`` (start + closes
    minutes). In start order, at most ``limit``.

    No row locks here: the release cursor lets one process release at a time, and
    ``release`` re-checks each row as it updates it (a row another transaction holds is
    waited for, never skipped: a skipped row would stay behind the cursor for good)."""
    closes = f"COALESCE({_level('checkin_closes_minutes')}, ?)"
    since = (
        "CASE WHEN rr.requires_checkin IS NOT NULL THEN rr.checkin_since "
        "WHEN br.requires_checkin IS NOT NULL THEN br.checkin_since ELSE gr.checkin_since END"
    )
    rows = await sql.fetch(
        f"""SELECT b.id, b.room_id, b.owner_id, b.title, b."start", b."end", b.series_id,
                   b.source, b.exception_fields, b.version, {closes} AS closes
            FROM bookings b
            JOIN rooms r ON r.id = b.room_id
            LEFT JOIN booking_rules rr ON rr.scope = 'room' AND rr.scope_id = b.room_id
            LEFT JOIN booking_rules br ON br.scope = 'building' AND br.scope_id = r.building_id
            LEFT JOIN booking_rules gr ON gr.scope = 'global' AND gr.scope_id = 0
            WHERE b.status = 'confirmed' AND b.checked_in_at IS NULL
              AND b."start" > ? AND b."start" <= ?
              AND {_level("requires_checkin")} = TRUE
              AND b."start" >= {since}
              AND {_plus_minutes('b."start"', closes)} <= ?
            ORDER BY b."start", b.id
            LIMIT ?""",
        default_closes,
        after,
        now,
        default_closes,
        _instant(now),
        limit,
    )
    return [
        DueBooking(
            id=r["id"],
            room_id=r["room_id"],
            owner_id=r["owner_id"],
            title=r["title"],
            start=sql.decode_time(r["start"]),
            end=sql.decode_time(r["end"]),
            series_id=r["series_id"],
            source=r["source"],
            exception_fields=list(sql.decode_json(r["exception_fields"]) or []),
            version=r["version"],
            closes_minutes=int(r["closes"]),
        )
        for r in rows
    ]


async def release(ids: list[int], reason: str, now: datetime) -> list[int]:
    """Release these bookings (still confirmed, nobody checked in); returns the ids that
    were. The caller records ``status`` among the exception fields of a series occurrence
    or an imported booking, so that series edits and imports keep it released."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = await sql.fetch(
        f"""UPDATE bookings SET status = 'released', reason = ?, version = version + 1,
                   updated_at = ?
            WHERE id IN ({marks}) AND status = 'confirmed' AND checked_in_at IS NULL
            RETURNING id""",
        reason,
        now,
        *ids,
    )
    return sorted(int(r["id"]) for r in rows)


async def set_exception_fields(booking_id: int, fields_: list[str]) -> None:
    await sql.execute(
        "UPDATE bookings SET exception_fields = ? WHERE id = ?",
        sql.encode_json(fields_),
        booking_id,
    )


async def check_in(booking_id: int, now: datetime) -> bool:
    """Record the check-in; ``False`` when the booking is no longer confirmed or someone
    checked in already."""
    count = await sql.execute(
        """UPDATE bookings SET checked_in_at = ?, version = version + 1, updated_at = ?
           WHERE id = ? AND status = 'confirmed' AND checked_in_at IS NULL""",
        now,
        now,
        booking_id,
    )
    return count > 0


async def noshows(owner_id: int, since: datetime) -> list[dict[str, Any]]:
    """The owner's released bookings that started after ``since``, newest first."""
    rows = await sql.fetch(
        """SELECT id, room_id, "start" FROM bookings
           WHERE owner_id = ? AND status = 'released' AND "start" > ?
           ORDER BY "start" DESC, id DESC LIMIT 100""",
        owner_id,
        since,
    )
    return [
        {"id": r["id"], "room_id": r["room_id"], "start": sql.decode_time(r["start"])} for r in rows
    ]
