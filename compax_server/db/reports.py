"""Utilisation reports: set-based SQL over the bookings of a scope of rooms and a period.

Two queries do the work over bookings, whatever their number:

- ``room_totals``: per room, the confirmed seconds inside the period and the counts of
  bookings by state (cancelled, released, ...), each building with its own window.
- ``heatmap``: the confirmed seconds per local (weekday, hour). A booking is cut at the
  zone's offset changes (the caller passes each building's offset periods), so its pieces
  have one UTC offset each and their local seconds are ``epoch + offset``. A piece becomes at
  most four rows: its first and last partial hours, and the full hours between as a +3600 /
  -3600 pair that a running sum (a window function) spreads over the hours in between. So
  the cost follows the bookings, not their length, and no Python loop walks them.

Opening hours and closures (the denominators) are few and computed by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from compax_server import db
from compax_server.db import sql


@dataclass
class RoomScope:
    building_id: int | None = None
    room_ids: list[int] | None = None
    feature_id: int | None = None
    min_capacity: int | None = None
    max_capacity: int | None = None


@dataclass
class Periods:
    """Each building's window (UTC) and its offset periods: ``(start, end, offset seconds)``
    covering the window, cut where the zone changes its offset."""

    windows: dict[int, tuple[datetime, datetime]]
    offsets: dict[int, list[tuple[datetime, datetime, int]]] = field(default_factory=dict)


def _scope_sql(s: RoomScope, params: list[Any]) -> str:
    clauses = ["r.deleted_at IS NULL"]
    if s.building_id is not None:
        clauses.append("r.building_id = ?")
        params.append(s.building_id)
    if s.room_ids is not None:
        clauses.append(f"r.id IN ({', '.join('?' for _ in s.room_ids) or 'NULL'})")
        params.extend(s.room_ids)
    if s.feature_id is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM room_features rf WHERE rf.room_id = r.id AND rf.feature_id = ?)"
        )
        params.append(s.feature_id)
    if s.min_capacity is not None:
        clauses.append("r.capacity >= ?")
        params.append(s.min_capacity)
    if s.max_capacity is not None:
        clauses.append("r.capacity <= ?")
        params.append(s.max_capacity)
    return " AND ".join(clauses)


async def rooms_in_scope(scope: RoomScope, limit: int) -> list[dict[str, Any]]:
    """The rooms (not removed) of the scope, with their building's zone and hours; at most
    ``limit``, in building then code order."""
    params: list[Any] = []
    where = _scope_sql(scope, params)
    rows = await sql.fetch(
        f"""SELECT r.id, r.code, r.name, r.capacity, r.building_id, bd.code AS building_code,
                   bd.timezone, bd.opening_hours
            FROM rooms r JOIN buildings bd ON bd.id = r.building_id
            WHERE {where} AND bd.deleted_at IS NULL
            ORDER BY bd.code, r.code, r.id LIMIT ?""",
        *params,
        limit,
    )
    for row in rows:
        row["opening_hours"] = sql.decode_json(row["opening_hours"])
    return rows


async def closures_of(room_ids: list[int], start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The closures touching ``[start, end)`` of these rooms (their own or their building's),
    one row per (room, closure)."""
    if not room_ids:
        return []
    marks = ", ".join("?" for _ in room_ids)
    rows = await sql.fetch(
        f"""SELECT r.id AS room_id, c."start", c."end"
            FROM rooms r JOIN closures c ON c.building_id = r.building_id
                 AND (c.room_id IS NULL OR c.room_id = r.id)
            WHERE r.id IN ({marks}) AND c."start" < ? AND c."end" > ?""",
        *room_ids,
        end,
        start,
    )
    for row in rows:
        row["start"], row["end"] = sql.decode_time(row["start"]), sql.decode_time(row["end"])
    return rows


B_START, B_END = 'b."start"', 'b."end"'


def _epoch(dialect: str, expr: str) -> str:
    if dialect == "postgres":
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {expr})) AS BIGINT)"
    return f"CAST(strftime('%s', {expr}) AS INTEGER)"


def _values(rows: Sequence[tuple[Any, ...]], types: Sequence[str], dialect: str) -> str:
    """``VALUES`` of typed rows (PostgreSQL needs the casts to know the placeholders')."""
    if dialect == "postgres":
        one = "(" + ", ".join(f"CAST(? AS {t})" for t in types) + ")"
    else:
        one = "(" + ", ".join("?" for _ in types) + ")"
    return "VALUES " + ", ".join(one for _ in rows)


def _overall(periods: Periods, params: list[Any], dialect: str) -> str:
    """All windows' bounds on booking start, as constants: lets the engine read the
    ``start`` index once for the whole campus instead of every room's history."""
    lo = min(s for s, _ in periods.windows.values())
    hi = max(e for _, e in periods.windows.values())
    params.extend([hi, lo])
    t = "CAST(? AS timestamptz)" if dialect == "postgres" else "?"
    span = "(SELECT MAX(max_span_seconds) FROM rooms)"
    return f'b."start" < {t} AND b."start" >= {sql.start_bound(dialect, t, span)}'


def _windows_cte(periods: Periods, params: list[Any], dialect: str) -> str:
    rows = [(b, s, e) for b, (s, e) in periods.windows.items()]
    for row in rows:
        params.extend(row)
    values = _values(rows, ("integer", "timestamptz", "timestamptz"), dialect)
    return f"w(building_id, s, e) AS ({values})"


def room_totals_query(scope: RoomScope, periods: Periods, dialect: str) -> tuple[str, list[Any]]:
    """The SQL (``?`` placeholders) and parameters of ``room_totals``."""
    params: list[Any] = []
    cte = _windows_cte(periods, params, dialect)
    bound = sql.start_bound(dialect, "w.s", "r.max_span_seconds")
    if dialect == "postgres":  # one extraction of an interval, not four of instants
        overlap = f"EXTRACT(EPOCH FROM LEAST({B_END}, w.e) - GREATEST({B_START}, w.s))"
    else:
        overlap = (
            f"MIN({_epoch(dialect, B_END)}, {_epoch(dialect, 'w.e')})"
            f" - MAX({_epoch(dialect, B_START)}, {_epoch(dialect, 'w.s')})"
        )
    overall = _overall(periods, params, dialect)
    where = _scope_sql(scope, params)

    def count(status: str) -> str:
        return f"SUM(CASE WHEN b.status = '{status}' THEN 1 ELSE 0 END)"

    return (
        f"""WITH {cte}
            SELECT r.id AS room_id,
                   COALESCE(SUM(CASE WHEN b.status = 'confirmed' THEN {overlap} ELSE 0 END), 0)
                       AS booked_seconds,
                   COALESCE({count("confirmed")}, 0) AS confirmed,
                   COALESCE({count("pending")}, 0) AS pending,
                   COALESCE({count("cancelled")}, 0) AS cancelled,
                   COALESCE({count("rejected")}, 0) AS rejected,
                   COALESCE({count("released")}, 0) AS released,
                   COALESCE(SUM(CASE WHEN b.status = 'confirmed' AND b.attendees IS NOT NULL
                                THEN 1 ELSE 0 END), 0) AS with_attendees,
                   COALESCE(SUM(CASE WHEN b.status = 'confirmed' THEN b.attendees END), 0)
                       AS attendees,
                   COALESCE(SUM(CASE WHEN b.status = 'confirmed' AND b.attendees > r.capacity
                                THEN 1 ELSE 0 END), 0) AS over_capacity
            FROM rooms r JOIN w ON w.building_id = r.building_id
            LEFT JOIN bookings b ON b.room_id = r.id AND b."start" < w.e AND b."end" > w.s
                 AND b."start" >= {bound} AND {overall}
            WHERE {where}
            GROUP BY r.id""",
        params,
    )


async def room_totals(scope: RoomScope, periods: Periods) -> list[dict[str, Any]]:
    """Per room of the scope: ``booked_seconds`` (confirmed, clipped to its building's
    window), and how many bookings touching the window are ``confirmed``, ``pending``,
    ``cancelled``, ``rejected`` and ``released`` (no-shows; 0 while no such state exists);
    of the confirmed ones, how many give ``attendees``, their sum, and how many exceed the
    room's seats (``over_capacity``)."""
    if not periods.windows:
        return []
    text, params = room_totals_query(scope, periods, db.dialect())
    rows = await sql.fetch(text, *params)
    return [{k: int(v) if k != "room_id" else v for k, v in row.items()} for row in rows]


# A piece becomes at most four rows: its first and last partial hours, and the full hours
# between as a +3600 / -3600 pair that a running sum spreads over them (every hour of the
# period is in ``allh``, so that the sum reaches hours that only long bookings cover).
SQLITE_HOURS = """            events AS (
                SELECT CASE p.i WHEN 2 THEN c.ke WHEN 3 THEN c.ks + 1 WHEN 4 THEN c.ke
                       ELSE c.ks END AS hk,
                       CASE p.i
                           WHEN 1 THEN (CASE WHEN c.ks = c.ke THEN c.le - c.ls
                                        ELSE (c.ks + 1) * 3600 - c.ls END)
                           WHEN 2 THEN c.le - c.ke * 3600
                           ELSE 0 END AS part,
                       CASE p.i WHEN 3 THEN 3600 WHEN 4 THEN -3600 ELSE 0 END AS diff
                FROM cut c CROSS JOIN parts p
                WHERE p.i = 1 OR (p.i = 2 AND c.ke > c.ks) OR (p.i >= 3 AND c.ke > c.ks + 1)
            ),
            hours AS (
                SELECT hk, SUM(part) AS part, SUM(diff) AS diff FROM events GROUP BY hk
            ),
            allh(hk) AS (
                SELECT ? UNION ALL SELECT hk + 1 FROM allh WHERE hk < ?
            ),
            filled AS (
                SELECT a.hk, COALESCE(h.part, 0)
                       + SUM(COALESCE(h.diff, 0)) OVER (ORDER BY a.hk ROWS UNBOUNDED PRECEDING)
                       AS seconds
                FROM allh a LEFT JOIN hours h ON h.hk = a.hk
            )
"""
POSTGRES_HOURS = """            filled AS (
                SELECT h.hk, LEAST(c.le, (h.hk + 1) * 3600) - GREATEST(c.ls, h.hk * 3600)
                       AS seconds
                FROM cut c CROSS JOIN LATERAL generate_series(c.ks, c.ke) AS h(hk)
            )
"""


def heatmap_query(scope: RoomScope, periods: Periods, dialect: str) -> tuple[str, list[Any]]:
    """The SQL (``?`` placeholders) and parameters of ``heatmap`` (offsets not empty)."""
    offsets = [(b, s, e, off) for b, spans in periods.offsets.items() for s, e, off in spans]
    params: list[Any] = []
    z = _values(offsets, ("integer", "timestamptz", "timestamptz", "bigint"), dialect)
    for row in offsets:
        params.extend(row)
    bound = sql.start_bound(dialect, "z.zs", "r.max_span_seconds")
    if dialect == "postgres":
        ls = f"{_epoch(dialect, f'GREATEST({B_START}, z.zs)')} + z.off"
        le = f"{_epoch(dialect, f'LEAST({B_END}, z.ze)')} + z.off"
    else:
        ls = f"MAX({_epoch(dialect, B_START)}, {_epoch(dialect, 'z.zs')}) + z.off"
        le = f"MIN({_epoch(dialect, B_END)}, {_epoch(dialect, 'z.ze')}) + z.off"
    overall = _overall(periods, params, dialect)
    where = _scope_sql(scope, params)
    if dialect == "postgres":
        # Each piece's hours straight from generate_series: as many rows as booked hours.
        parts, tail = "", POSTGRES_HOURS
    else:
        parts, tail = "            parts(i) AS (VALUES (1), (2), (3), (4)),\n", SQLITE_HOURS
    lo = min(int(s.timestamp()) + off for _, s, _, off in offsets) // 3600
    hi = (max(int(e.timestamp()) + off for _, _, e, off in offsets) - 1) // 3600
    if dialect != "postgres":
        params.extend([lo, hi])  # allh: every local hour of the period
    return (
        f"""WITH RECURSIVE z(building_id, zs, ze, off) AS ({z}),
            pieces AS MATERIALIZED (
                SELECT {ls} AS ls, {le} AS le
                FROM rooms r JOIN z ON z.building_id = r.building_id
                JOIN bookings b ON b.room_id = r.id AND b.status = 'confirmed'
                     AND b."start" < z.ze AND b."end" > z.zs AND b."start" >= {bound}
                     AND {overall}
                WHERE {where}
            ),
{parts}            cut AS MATERIALIZED (
                SELECT ls, le, ls / 3600 AS ks, (le - 1) / 3600 AS ke FROM pieces WHERE le > ls
            ),
{tail}            SELECT ((hk / 24) + 3) % 7 AS weekday, hk % 24 AS hour, SUM(seconds) AS seconds
            FROM filled GROUP BY ((hk / 24) + 3) % 7, hk % 24""",
        params,
    )


async def heatmap(scope: RoomScope, periods: Periods) -> list[dict[str, Any]]:
    """Confirmed seconds per local ``(weekday, hour)`` (Monday = 0) over the rooms of the
    scope, each building in its own offsets; only the cells with bookings."""
    if not any(periods.offsets.values()):
        return []
    text, params = heatmap_query(scope, periods, db.dialect())
    rows = await sql.fetch(text, *params)
    return [
        {"weekday": int(r["weekday"]), "hour": int(r["hour"]), "seconds": int(r["seconds"])}
        for r in rows
        if int(r["seconds"])
    ]
