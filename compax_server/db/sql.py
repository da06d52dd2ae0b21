"""Raw SQL on the current Tortoise connection, for the hot paths.

Queries are written once with ``?`` placeholders and run on either engine (``$n`` for
asyncpg). Rows come back as dicts; the ``decode_*`` helpers turn engine-specific values
(SQLite's ISO strings and 0/1, PostgreSQL's JSON text) into Python ones.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from compax_server import db


@lru_cache(maxsize=512)
def _numbered(sql: str) -> str:
    parts = sql.split("?")
    return parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))


def _prepare(sql: str) -> tuple[Any, str]:
    conn = db.conn()
    if conn.capabilities.dialect == "postgres":
        return conn, _numbered(sql)
    return conn, sql


async def fetch(sql: str, *params: Any) -> list[dict[str, Any]]:
    conn, text = _prepare(sql)
    rows: list[dict[str, Any]] = await conn.execute_query_dict(text, list(params))
    return rows


async def fetch_one(sql: str, *params: Any) -> dict[str, Any] | None:
    rows = await fetch(sql, *params)
    return rows[0] if rows else None


async def execute(sql: str, *params: Any) -> int:
    """Run a statement; returns the number of rows an ``UPDATE`` or ``DELETE`` changed.

    Not an ``INSERT``'s: on PostgreSQL Tortoise reads the second word of the command tag,
    which for ``INSERT 0 5`` is the OID (0). Neither for a statement beginning otherwise
    (``WITH ...``), which Tortoise runs as a query. Where an insert's count matters, use
    ``fetch`` with ``RETURNING``."""
    conn, text = _prepare(sql)
    count, _ = await conn.execute_query(text, list(params))
    return int(count)


SPAN_UNBOUNDED = 2_000_000_000  # seconds (63 years); rooms.max_span_seconds saturates below 2**31


def start_bound(dialect: str, time: str, span: str) -> str:
    """SQL for the earliest start a booking can have and still reach past ``time``: ``time``
    minus ``span`` seconds (the room's longest booking). Each expression appears once, so
    placeholders in them keep their order.

    It is exact for every stored row: where the subtraction would leave the engine's date
    range (SQLite's ``datetime()`` gives NULL; PostgreSQL's interval of a saturated span),
    there is no bound at all, and the lookup reads the room's whole history instead of
    missing a booking. Accepted bookings last at most 366 days, so that never happens for
    what the API writes."""
    if dialect == "postgres":
        return (
            f"COALESCE({time} - make_interval(secs => "
            f"NULLIF(LEAST({span}, {SPAN_UNBOUNDED}), {SPAN_UNBOUNDED})), '-infinity')"
        )
    return f"COALESCE(datetime({time}, '-' || {span} || ' seconds'), '')"


def decode_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def decode_json(value: Any) -> Any:
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value


def encode_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)
