"""The schedule grid: a set of rooms and what is on in them, in two queries.

``rooms_for_grid`` reads the rooms (of one building, or a list of ids) with their
building's zone and opening hours; ``calendar`` reads the active bookings and the closures
of those rooms that overlap one window, through the ``(room_id, start)`` index bounded
below by the room's longest booking (as the free-room search does).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from compax_server import db
from compax_server.db import sql

ACTIVE = ("confirmed", "pending", "held")  # what occupies a room (held: a waitlist offer)


async def rooms_for_grid(
    *, building_id: int | None = None, room_ids: list[int] | None = None, limit: int
) -> list[dict[str, Any]]:
    """At most ``limit`` rooms (not removed) of ``building_id`` or with these ids, in code
    order, with their building's code, name, zone and opening hours."""
    params: list[Any] = []
    where = ["r.deleted_at IS NULL", "bd.deleted_at IS NULL"]
    if building_id is not None:
        where.append("r.building_id = ?")
        params.append(building_id)
    if room_ids is not None:
        where.append(f"r.id IN ({', '.join('?' for _ in room_ids) or 'NULL'})")
        params.extend(room_ids)
    params.append(limit)
    rows = await sql.fetch(
        f"""SELECT r.id, r.code, r.name, r.capacity, r.floor, r.bookable, r.building_id,
                   bd.code AS building_code, bd.name AS building_name, bd.timezone,
                   bd.opening_hours
            FROM rooms r JOIN buildings bd ON bd.id = r.building_id
            WHERE {" AND ".join(where)}
            ORDER BY r.code, r.id LIMIT ?""",
        *params,
    )
    texts: dict[str, Any] = {}  # a building's rooms share its hours (JSON text): decoded once
    for row in rows:
        row["bookable"] = bool(row["bookable"])
        text = row["opening_hours"]
        if text not in texts:
            texts[text] = sql.decode_json(text)
        row["opening_hours"] = texts[text]
    return rows


CALENDAR = """SELECT 'booking' AS kind, b.id, b.room_id, b.owner_id, b."start", b."end",
       b.status, b.title, NULL AS reason
FROM rooms r JOIN bookings b ON b.room_id = r.id
WHERE r.id IN ({marks}) AND b.status IN ({active})
  AND b."start" < {t} AND b."end" > {t} AND b."start" >= {bound}
UNION ALL
SELECT 'closure' AS kind, c.id, r.id AS room_id, NULL AS owner_id, c."start",
       c."end", NULL AS status, NULL AS title, c.reason
FROM rooms r JOIN closures c ON c.building_id = r.building_id
     AND (c.room_id IS NULL OR c.room_id = r.id)
WHERE r.id IN ({marks}) AND c."start" < {t} AND c."end" > {t}
ORDER BY 5, 1, 2"""


def _time(dialect: str) -> str:
    return "CAST(? AS timestamptz)" if dialect == "postgres" else "?"


def calendar_query(
    room_ids: list[int], start: datetime, end: datetime, dialect: str
) -> tuple[str, list[Any]]:
    """The SQL (``?`` placeholders) and parameters of ``calendar`` (``room_ids`` not empty)."""
    t = _time(dialect)
    marks = ", ".join("?" for _ in room_ids)
    bound = sql.start_bound(dialect, t, "r.max_span_seconds")
    active = ", ".join(f"'{s}'" for s in ACTIVE)
    text = CALENDAR.format(marks=marks, active=active, t=t, bound=bound)
    return text, [*room_ids, end, start, start, *room_ids, end, start]


async def calendar(room_ids: list[int], start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The active bookings and the closures (of the building or the room) of these rooms that
    overlap ``[start, end)``, in one query: rows with ``kind`` ``booking`` or ``closure``,
    ``room_id``, ``start``, ``end``, and ``id, owner_id, status, title`` (bookings) or
    ``reason`` (closures), in start order."""
    if not room_ids:
        return []
    text, params = calendar_query(room_ids, start, end, db.dialect())
    rows = await sql.fetch(text, *params)
    for row in rows:
        row["start"], row["end"] = sql.decode_time(row["start"]), sql.decode_time(row["end"])
    return rows
