"""What the iCalendar feeds read: a room's or an owner's bookings within a window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from compax_server.db import sql


@dataclass(frozen=True)
class FeedRow:
    id: int
    title: str
    description: str
    start: datetime
    end: datetime
    status: str
    version: int
    updated_at: datetime
    owner_id: int
    room_code: str


async def bookings_in(
    *, room_id: int | None = None, owner_id: int | None = None, start: datetime, end: datetime
) -> list[FeedRow]:
    """Bookings of the room (or of the owner) in any state that overlap ``(start, end)``,
    in start order, with their room's code."""
    where, key = ("b.room_id = ?", room_id) if room_id is not None else ("b.owner_id = ?", owner_id)
    rows = await sql.fetch(
        f"""SELECT b.id, b.title, b.description, b."start", b."end", b.status, b.version,
                   b.updated_at, b.owner_id, r.code AS room_code
            FROM bookings b JOIN rooms r ON r.id = b.room_id
            WHERE {where} AND b."end" > ? AND b."start" < ?
            ORDER BY b."start", b.id""",
        key,
        start,
        end,
    )
    return [
        FeedRow(
            id=r["id"],
            title=r["title"],
            description=r["description"],
            start=sql.decode_time(r["start"]),
            end=sql.decode_time(r["end"]),
            status=r["status"],
            version=int(r["version"]),
            updated_at=sql.decode_time(r["updated_at"]),
            owner_id=r["owner_id"],
            room_code=r["room_code"],
        )
        for r in rows
    ]
