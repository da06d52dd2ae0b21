"""The free-room search: one set-based query per search.

A room is free for a set of windows when no confirmed or pending booking and no closure
overlaps any of them. Bookings in the way are looked up through the ``(room_id, start)``
index, bounded below by ``window start - rooms.max_span_seconds`` (the room's longest
booking, kept by a trigger), so the cost follows the bookings near the windows, not the
room's history. Opening hours are decided before the query (per building, in its zone):
the caller passes the windows of each building that is open for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from compax_server import db
from compax_server.db import sql

SORTS = {
    "best_fit": ("capacity", "code"),
    "capacity": ("capacity", "code"),
    "code": ("code",),
}


@dataclass
class RoomFilter:
    min_capacity: int | None = None
    building_id: int | None = None
    feature_ids: list[int] = field(default_factory=list)
    text: str | None = None
    code: str | None = None  # exactly this code
    only_bookable: bool = False
    room_ids: list[int] | None = None
    exclude_room_ids: list[int] = field(default_factory=list)


@dataclass
class Windows:
    """The windows each building must be free for; buildings absent here are out."""

    by_building: dict[int, list[tuple[datetime, datetime]]]


def _filter_sql(f: RoomFilter, params: list[Any]) -> str:
    clauses = ["r.deleted_at IS NULL"]
    if f.only_bookable:
        clauses.append("r.bookable = ?")
        params.append(True)
    if f.min_capacity is not None:
        clauses.append("r.capacity >= ?")
        params.append(f.min_capacity)
    if f.building_id is not None:
        clauses.append("r.building_id = ?")
        params.append(f.building_id)
    for feature_id in f.feature_ids:
        clauses.append(
            "EXISTS (SELECT 1 FROM room_features rf WHERE rf.room_id = r.id AND rf.feature_id = ?)"
        )
        params.append(feature_id)
    if f.text:
        clauses.append("(LOWER(r.code) LIKE ? OR LOWER(r.name) LIKE ?)")
        pattern = "%" + f.text.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        params.extend([pattern, pattern])
    if f.code is not None:
        clauses.append("r.code = ?")
        params.append(f.code)
    if f.room_ids is not None:
        clauses.append(f"r.id IN ({', '.join('?' for _ in f.room_ids) or 'NULL'})")
        params.extend(f.room_ids)
    if f.exclude_room_ids:
        clauses.append(f"r.id NOT IN ({', '.join('?' for _ in f.exclude_room_ids)})")
        params.extend(f.exclude_room_ids)
    return " AND ".join(clauses)


def _windows_cte(windows: Windows, params: list[Any], dialect: str) -> str:
    rows = []
    for building_id, spans in windows.by_building.items():
        for start, end in spans:
            if dialect == "postgres":
                rows.append("(?::integer, ?::timestamptz, ?::timestamptz)")
            else:
                rows.append("(?, ?, ?)")
            params.extend([building_id, start, end])
    if not rows:  # no building qualifies: a row that matches none (NULL would poison NOT IN)
        never = datetime(1970, 1, 1, tzinfo=UTC)
        rows.append(
            "(?, ?, ?)" if dialect == "sqlite" else "(?::integer, ?::timestamptz, ?::timestamptz)"
        )
        params.extend([-1, never, never])
    return f"w(building_id, s, e) AS (VALUES {', '.join(rows)})"


def _span_bound(dialect: str) -> str:
    """``w.s`` minus the room's longest booking, as a bound on booking start."""
    return sql.start_bound(dialect, "w.s", "r.max_span_seconds")


def _free_sql(dialect: str) -> str:
    # Nested EXISTS rather than a join inside the NOT EXISTS: SQLite would build a Bloom
    # filter over the whole bookings table for such a join, once per room (12 ms -> 0.8 ms).
    return f"""
        r.building_id IN (SELECT building_id FROM w)
        AND NOT EXISTS (
            SELECT 1 FROM w WHERE w.building_id = r.building_id AND EXISTS (
                SELECT 1 FROM bookings b
                WHERE b.room_id = r.id AND b.status IN ('confirmed', 'pending')
                  AND b."start" < w.e AND b."end" > w.s AND b."start" >= {_span_bound(dialect)}
            )
        )
        AND NOT EXISTS (
            SELECT 1 FROM w WHERE w.building_id = r.building_id AND EXISTS (
                SELECT 1 FROM closures c
                WHERE c.building_id = r.building_id AND (c.room_id IS NULL OR c.room_id = r.id)
                  AND c."start" < w.e AND c."end" > w.s
            )
        )"""


def _order_sql(sort: str, after: dict[str, Any] | None, params: list[Any]) -> tuple[str, str]:
    keys = [*SORTS[sort], "id"]
    order = ", ".join(f"r.{k}" for k in keys)
    if after is None:
        return "", order
    # Keyset: (k1, k2, id) > (a1, a2, aid), written out for both engines.
    terms = []
    for i, key in enumerate(keys):
        equal = [f"r.{k} = ?" for k in keys[:i]]
        terms.append("(" + " AND ".join([*equal, f"r.{key} > ?"]) + ")")
        for k in keys[:i]:
            params.append(after[k])
        params.append(after[key])
    return "(" + " OR ".join(terms) + ")", order


def _room_columns(dialect: str) -> str:
    """The room, its building's code and zone, and its feature codes (comma-separated)."""
    agg = (
        "string_agg(f.code, ',' ORDER BY f.code)"
        if dialect == "postgres"
        else "group_concat(f.code, ',')"
    )
    return f"""r.id, r.code, r.name, r.capacity, r.floor, r.building_id, r.bookable,
        r.requires_approval, r.description, r.version, r.created_at, r.updated_at,
        bd.code AS building_code, bd.timezone,
        (SELECT {agg} FROM room_features rf JOIN features f ON f.id = rf.feature_id
         WHERE rf.room_id = r.id) AS feature_list"""


def find_rooms_query(
    f: RoomFilter,
    windows: Windows | None,
    *,
    sort: str,
    limit: int,
    after: dict[str, Any] | None = None,
    free: bool = True,
    dialect: str = "sqlite",
) -> tuple[str, list[Any]]:
    """The SQL (``?`` placeholders) and parameters of ``find_rooms``."""
    params: list[Any] = []
    cte = ""
    if windows is not None:
        cte = "WITH " + _windows_cte(windows, params, dialect) + " "
    where = _filter_sql(f, params)
    if windows is not None:
        condition = f"r.bookable = ? AND {_free_sql(dialect)}"
        where += f" AND ({condition})" if free else f" AND NOT ({condition})"
        params.append(True)
    keyset, order = _order_sql(sort, after, params)
    if keyset:
        where += " AND " + keyset
    params.append(limit)
    return (
        f"{cte}SELECT {_room_columns(dialect)} "
        "FROM rooms r JOIN buildings bd ON bd.id = r.building_id "
        f"WHERE {where} ORDER BY {order} LIMIT ?",
        params,
    )


async def find_rooms(
    f: RoomFilter,
    windows: Windows | None,
    *,
    sort: str,
    limit: int,
    after: dict[str, Any] | None = None,
    free: bool = True,
) -> list[dict[str, Any]]:
    """Rooms matching ``f`` in ``sort`` order, at most ``limit``, after the keyset position
    ``after``. With ``windows``: only the rooms free for them (``free=False``: only the
    rooms that are *not* free, for explaining near misses). Each row is a room view:
    features as a sorted list, engine values decoded."""
    query, params = find_rooms_query(
        f, windows, sort=sort, limit=limit, after=after, free=free, dialect=db.dialect()
    )
    return [
        row
        | {
            "features": sorted(row["feature_list"].split(",")) if row["feature_list"] else [],
            "bookable": bool(row["bookable"]),
            "requires_approval": bool(row["requires_approval"]),
            "created_at": sql.decode_time(row["created_at"]),
            "updated_at": sql.decode_time(row["updated_at"]),
        }
        for row in await sql.fetch(query, *params)
    ]


async def blocking(
    room_ids: list[int], windows: Windows
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """For ``explain``: the bookings and closures that overlap the windows of these rooms."""
    if not room_ids:
        return [], []
    dialect = db.dialect()
    params: list[Any] = []
    cte = "WITH " + _windows_cte(windows, params, dialect)
    marks = ", ".join("?" for _ in room_ids)
    bookings = await sql.fetch(
        f"""{cte}
        SELECT DISTINCT b.id, b.room_id, b.owner_id, b."start", b."end", b.status, b.title,
               w.s AS ws
        FROM rooms r JOIN w ON w.building_id = r.building_id
        JOIN bookings b ON b.room_id = r.id AND b.status IN ('confirmed', 'pending')
             AND b."start" < w.e AND b."end" > w.s AND b."start" >= {_span_bound(dialect)}
        WHERE r.id IN ({marks})
        ORDER BY b."start", b.id""",
        *params,
        *room_ids,
    )
    params = []
    cte = "WITH " + _windows_cte(windows, params, dialect)
    closures = await sql.fetch(
        f"""{cte}
        SELECT DISTINCT c.id, r.id AS room_id, c."start", c."end", c.reason, w.s AS ws
        FROM rooms r JOIN w ON w.building_id = r.building_id
        JOIN closures c ON c.building_id = r.building_id AND (c.room_id IS NULL OR c.room_id = r.id)
             AND c."start" < w.e AND c."end" > w.s
        WHERE r.id IN ({marks})
        ORDER BY c."start", c.id""",
        *params,
        *room_ids,
    )
    for row in bookings + closures:
        row["start"], row["end"] = sql.decode_time(row["start"]), sql.decode_time(row["end"])
        row["ws"] = sql.decode_time(row["ws"])
    return bookings, closures


async def buildings_of(building_ids: list[int] | None) -> list[dict[str, Any]]:
    """Id, code, zone and opening hours of the buildings (all when ``None``)."""
    if building_ids is None:
        rows = await sql.fetch(
            "SELECT id, code, timezone, opening_hours FROM buildings WHERE deleted_at IS NULL"
        )
    elif not building_ids:
        return []
    else:
        marks = ", ".join("?" for _ in building_ids)
        rows = await sql.fetch(
            f"SELECT id, code, timezone, opening_hours FROM buildings WHERE id IN ({marks})",
            *building_ids,
        )
    for row in rows:
        row["opening_hours"] = sql.decode_json(row["opening_hours"])
    return rows
