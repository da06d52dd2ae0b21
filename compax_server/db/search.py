"""The free-room search: one set-based query per search.

A room is free for a set of windows when no confirmed, pending or held booking and no closure
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

from tortoise.filters import escape_like

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
        # The text is matched literally: ``_`` (common in room codes), ``%`` and the backslash
        # are escaped, not wildcards.
        clauses.append("(LOWER(r.code) LIKE ? ESCAPE '\\' OR LOWER(r.name) LIKE ? ESCAPE '\\')")
        pattern = "%" + escape_like(f.text.lower()) + "%"
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
    """Two tables: ``w(g, s, e)``, each distinct set of windows once (buildings in one zone
    share theirs: a term-long weekly search is 18 rows, not 18 per building), and
    ``wb(building_id, g)``, which set each building must be free for."""
    typed = dialect == "postgres"
    groups: dict[tuple[tuple[datetime, datetime], ...], int] = {}
    spans_params: list[Any] = []
    members_params: list[Any] = []
    spans_rows: list[str] = []
    for building_id, spans in windows.by_building.items():
        key = tuple(spans)
        if key not in groups:
            groups[key] = len(groups)
            for start, end in spans:
                spans_rows.append(
                    "(?::integer, ?::timestamptz, ?::timestamptz)" if typed else "(?, ?, ?)"
                )
                spans_params.extend([groups[key], start, end])
        members_params.extend([building_id, groups[key]])
    if not spans_rows:  # no building qualifies: rows that match none (NULL would poison IN)
        never = datetime(1970, 1, 1, tzinfo=UTC)
        spans_rows.append("(?::integer, ?::timestamptz, ?::timestamptz)" if typed else "(?, ?, ?)")
        spans_params.extend([-1, never, never])
        members_params.extend([-1, -1])
    member = "(?::integer, ?::integer)" if typed else "(?, ?)"
    members = ", ".join(member for _ in range(len(members_params) // 2))
    params.extend(spans_params)
    params.extend(members_params)
    return (
        f"w(g, s, e) AS (VALUES {', '.join(spans_rows)}), wb(building_id, g) AS (VALUES {members})"
    )


# Rooms whose longest booking ever is at most this long (nearly all: lectures, meetings) are
# checked window by window from the bookings' start index, so a week without bookings costs
# nothing; a room that once held a longer booking is checked room by room, bounded by its own
# longest booking. Both are exact.
SHORT_SPAN_SECONDS = 86_400


def _taken_ctes(dialect: str) -> str:
    """After ``_windows_cte``: ``taken(room_id)``, the short-span rooms with a pending or
    confirmed booking meeting one of their building's windows, read once per distinct window
    from the bookings' start index; ``closed(building_id, room_id)``, the closures meeting
    a building's windows (``room_id`` NULL: the whole building). Few rows each: a search's
    cost follows the bookings and closures in its windows, not rooms x windows."""
    bound = sql.start_bound(dialect, "w.s", "(SELECT span FROM short_span)")
    meets = f"""b."start" < w.e AND b."start" >= {bound} AND b."end" > w.s
                AND b.status IN ('confirmed', 'pending', 'held')"""
    # Each window is one range of the bookings' start index: the window is the outer loop
    # (PostgreSQL: LATERAL; SQLite: CROSS JOIN fixes the join order).
    lateral = (
        f"CROSS JOIN LATERAL (SELECT b.room_id FROM bookings b WHERE {meets}) b"
        if dialect == "postgres"
        else f"CROSS JOIN bookings b ON {meets}"
    )
    return f"""short_span(span) AS (
            SELECT COALESCE(MAX(max_span_seconds), 0) FROM rooms
            WHERE max_span_seconds <= {SHORT_SPAN_SECONDS}
        ),
        meeting(g, room_id) AS MATERIALIZED (
            SELECT w.g, b.room_id FROM w {lateral}
        ),
        taken(room_id) AS (
            SELECT DISTINCT m.room_id
            FROM meeting m
            JOIN rooms rt ON rt.id = m.room_id AND rt.max_span_seconds <= {SHORT_SPAN_SECONDS}
            JOIN wb ON wb.building_id = rt.building_id AND wb.g = m.g
        ),
        closed(building_id, room_id) AS MATERIALIZED (
            SELECT DISTINCT wb.building_id, c.room_id
            FROM wb JOIN w ON w.g = wb.g
            JOIN closures c ON c.building_id = wb.building_id
                 AND c."start" < w.e AND c."end" > w.s
        )"""


def _span_bound(dialect: str) -> str:
    """``w.s`` minus the room's longest booking, as a bound on booking start."""
    return sql.start_bound(dialect, "w.s", "r.max_span_seconds")


def _free_sql(dialect: str) -> str:
    # Nested EXISTS rather than a join inside the NOT EXISTS: SQLite would build a Bloom
    # filter over the whole bookings table for such a join, once per room (12 ms -> 0.8 ms).
    return f"""
        r.building_id IN (SELECT building_id FROM wb)
        AND r.id NOT IN (SELECT room_id FROM taken)
        AND (r.max_span_seconds <= {SHORT_SPAN_SECONDS} OR NOT EXISTS (
            SELECT 1 FROM wb JOIN w ON w.g = wb.g
            WHERE wb.building_id = r.building_id AND EXISTS (
                SELECT 1 FROM bookings b
                WHERE b.room_id = r.id AND b.status IN ('confirmed', 'pending', 'held')
                  AND b."start" < w.e AND b."end" > w.s AND b."start" >= {_span_bound(dialect)}
            )
        ))
        AND NOT EXISTS (
            SELECT 1 FROM closed
            WHERE closed.building_id = r.building_id
              AND (closed.room_id IS NULL OR closed.room_id = r.id)
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
    """The room, its building's code and zone, and its feature codes (comma-separated; sorted
    on PostgreSQL), in the order of the API's room (``RoomOut``), which writes the rows of a
    search page as they come."""
    features = (
        "string_agg(f.code, ',' ORDER BY f.code)"
        if dialect == "postgres"
        else "group_concat(f.code, ',')"
    )
    return f"""r.id, r.code, r.name, r.building_id, bd.code AS building_code, bd.timezone,
        r.floor, r.capacity,
        (SELECT {features} FROM room_features rf JOIN features f ON f.id = rf.feature_id
         WHERE rf.room_id = r.id) AS features,
        r.bookable, r.requires_approval, r.description, r.version, r.created_at, r.updated_at"""


def _seen_sql(seen: dict[int, int], params: list[Any], dialect: str) -> str:
    """True while the live buildings are exactly ``seen`` (id -> version): none added, none
    removed, none changed (every change of a building raises its version). Two scans of the
    small ``buildings`` table, once per query."""
    row = "(?::integer, ?::integer)" if dialect == "postgres" else "(?, ?)"
    for building_id, version in seen.items():
        params.extend([building_id, version])
    params.append(len(seen))
    return f"""NOT EXISTS (
            SELECT 1 FROM buildings g WHERE g.deleted_at IS NULL
              AND (g.id, g.version) NOT IN (VALUES {", ".join(row for _ in seen)})
        )
        AND (SELECT COUNT(*) FROM buildings g WHERE g.deleted_at IS NULL) = ?"""


def find_rooms_query(
    f: RoomFilter,
    windows: Windows | None,
    *,
    sort: str,
    limit: int,
    after: dict[str, Any] | None = None,
    free: bool = True,
    seen: dict[int, int] | None = None,
    dialect: str,
) -> tuple[str, list[Any]]:
    """The SQL (``?`` placeholders) and parameters of ``find_rooms``."""
    params: list[Any] = []
    cte = ""
    if windows is not None:
        cte = "WITH " + _windows_cte(windows, params, dialect) + ", " + _taken_ctes(dialect) + " "
    where = _filter_sql(f, params)
    if windows is not None:
        condition = f"r.bookable = ? AND {_free_sql(dialect)}"
        where += f" AND ({condition})" if free else f" AND NOT ({condition})"
        params.append(True)
    if seen:
        where += " AND " + _seen_sql(seen, params, dialect)
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
    seen: dict[int, int] | None = None,
) -> list[dict[str, Any]]:
    """Rooms matching ``f`` in ``sort`` order, at most ``limit``, after the keyset position
    ``after``. With ``windows``: only the rooms free for them (``free=False``: only the
    rooms that are *not* free, for explaining near misses). Each row is a room view:
    features as a sorted list, engine values decoded.

    ``seen``: the buildings (id -> version) the caller computed ``windows`` and ``f`` from,
    read earlier; the query answers no row unless they are still the live buildings, so an
    answer is never built on a building that has changed since (the caller looks again
    when the answer is empty)."""
    dialect = db.dialect()
    query, params = find_rooms_query(
        f, windows, sort=sort, limit=limit, after=after, free=free, seen=seen, dialect=dialect
    )
    rows = await sql.fetch(query, *params)
    if dialect == "postgres":  # booleans and times are Python's already, features sorted
        for row in rows:
            row["features"] = row["features"].split(",") if row["features"] else []
        return rows
    return [
        row
        | {
            "features": sorted(row["features"].split(",")) if row["features"] else [],
            "bookable": bool(row["bookable"]),
            "requires_approval": bool(row["requires_approval"]),
            "created_at": sql.decode_time(row["created_at"]),
            "updated_at": sql.decode_time(row["updated_at"]),
        }
        for row in rows
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
        FROM rooms r JOIN wb ON wb.building_id = r.building_id JOIN w ON w.g = wb.g
        JOIN bookings b ON b.room_id = r.id AND b.status IN ('confirmed', 'pending', 'held')
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
        FROM rooms r JOIN wb ON wb.building_id = r.building_id JOIN w ON w.g = wb.g
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


async def live_buildings() -> list[dict[str, Any]]:
    """Id, code, zone, opening hours and version of every live building."""
    rows = await sql.fetch(
        "SELECT id, code, timezone, opening_hours, version FROM buildings WHERE deleted_at IS NULL"
    )
    for row in rows:
        row["opening_hours"] = sql.decode_json(row["opening_hours"])
    return rows
