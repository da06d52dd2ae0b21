"""What the booking rules read: every rule row, and the bookings a weekly quota counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from compax_server.db import sql


async def rule_rows(limits: Sequence[str]) -> list[dict[str, Any]]:
    """Every row of ``booking_rules``: its ``scope``, ``scope_id`` and the ``limits``
    columns (each an int or ``None``)."""
    return await sql.fetch(f"SELECT scope, scope_id, {', '.join(limits)} FROM booking_rules")


async def counted_bookings(
    owner_id: int, start: datetime, end: datetime, exclude_ids: list[int]
) -> list[tuple[datetime, datetime]]:
    """``(start, end)`` of the owner's pending and confirmed bookings that start in
    ``[start, end)``, leaving out ``exclude_ids``."""
    excluded = exclude_ids or [0]
    marks = ", ".join("?" for _ in excluded)
    rows = await sql.fetch(
        f"""SELECT "start", "end" FROM bookings
            WHERE owner_id = ? AND status IN ('pending', 'confirmed')
              AND "start" >= ? AND "start" < ? AND id NOT IN ({marks})""",
        owner_id,
        start,
        end,
        *excluded,
    )
    return [(sql.decode_time(r["start"]), sql.decode_time(r["end"])) for r in rows]
