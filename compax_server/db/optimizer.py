"""What the term room optimizer reads: every booking in the way during a term (with the
source and external id of its series, so a re-run of the same source frees its own), and the
rooms with their features through ``db.search``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from compax_server.db import sql


async def busy_between(first: datetime, last: datetime) -> list[dict[str, Any]]:
    """Confirmed and pending bookings of bookable rooms overlapping ``[first, last)``, by
    room and start: id, room_id, start, end, status, title, and the series' source and
    external id (``None`` outside imported series)."""
    rows = await sql.fetch(
        """SELECT b.id, b.room_id, b."start", b."end", b.status, b.title,
                  s.source AS series_source, s.external_id AS series_external_id
           FROM bookings b
           JOIN rooms r ON r.id = b.room_id AND r.deleted_at IS NULL AND r.bookable
           LEFT JOIN series s ON s.id = b.series_id
           WHERE b.status IN ('confirmed', 'pending', 'held') AND b."start" < ? AND b."end" > ?
           ORDER BY b.room_id, b."start", b.id""",
        last,
        first,
    )
    return [
        r | {"start": sql.decode_time(r["start"]), "end": sql.decode_time(r["end"])} for r in rows
    ]


async def current_rooms(source: str) -> dict[str, str]:
    """The room code of each active series the source imported, by external id."""
    rows = await sql.fetch(
        """SELECT s.external_id, r.code FROM series s JOIN rooms r ON r.id = s.room_id
           WHERE s.source = ? AND s.status = 'active'""",
        source,
    )
    return {r["external_id"]: r["code"] for r in rows}
