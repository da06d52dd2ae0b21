"""The SQL of webhook delivery: what may be claimed, how results are written back (fenced by
the attempt that claimed them), redelivery, and the facts the dispatcher matches events with.

A delivery is written back only by the worker that holds its current claim: every update
names ``(id, attempts)``, and a re-claim after an expired lease bumps ``attempts``, so a late
worker's answer changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from compax_server import db
from compax_server.db import sql
from compax_server.db.notifications import (
    DELIVERED,
    FAILED,
    PENDING,
    SENDING,
    WebhookSubscription,
)

TABLE = "webhook_deliveries"

# The claim's extra rule (``db.notifications.claim(where=...)``): deliveries of one
# subscription and order key go out one at a time, in id order, and only for active
# subscriptions. ``d`` is the candidate row of the claim.
IN_ORDER = (
    "d.subscription_id IN (SELECT s.id FROM webhook_subscriptions AS s WHERE s.active) "
    "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries AS earlier "
    "WHERE earlier.subscription_id = d.subscription_id "
    "AND earlier.order_key = d.order_key "
    "AND earlier.id < d.id "
    f"AND earlier.status IN ('{PENDING}', '{SENDING}'))"
)

CHUNK = 400  # rows per statement (SQLite allows 32766 parameters; PostgreSQL 32767)


@dataclass(frozen=True)
class Claimed:
    """A delivery a worker holds until ``lease_until``; ``attempts`` counts this one."""

    id: int
    subscription_id: int
    event_id: int
    event_type: str
    attempts: int
    created_at: datetime


def claimed(row: dict[str, Any]) -> Claimed:
    return Claimed(
        id=int(row["id"]),
        subscription_id=int(row["subscription_id"]),
        event_id=int(row["event_id"]),
        event_type=str(row["event_type"]),
        attempts=int(row["attempts"]),
        created_at=sql.decode_time(row["created_at"]),
    )


def _fence(rows: Sequence[tuple[int, int]]) -> tuple[str, list[Any]]:
    """``(id, attempts) IN (...)``: only the claims these rows describe."""
    params: list[Any] = []
    for delivery_id, attempts in rows:
        params += [delivery_id, attempts]
    values = ", ".join(["(CAST(? AS BIGINT), CAST(? AS INTEGER))"] * len(rows))
    return f"(id, attempts) IN (VALUES {values}) AND status = '{SENDING}'", params


async def mark_delivered(rows: Sequence[tuple[int, int, int]], now: datetime) -> int:
    """``(id, attempts, http_status)`` of deliveries a receiver accepted; returns how many
    were still held by these claims."""
    by_status: dict[int, list[tuple[int, int]]] = {}
    for delivery_id, attempts, status in rows:
        by_status.setdefault(status, []).append((delivery_id, attempts))
    done = 0
    for status, items in by_status.items():
        for i in range(0, len(items), CHUNK):
            fence, params = _fence(items[i : i + CHUNK])
            done += await sql.execute(
                f"UPDATE {TABLE} SET status = '{DELIVERED}', delivered_at = ?, "
                f"last_status = ?, last_error = '', lease_until = NULL WHERE {fence}",
                now,
                status,
                *params,
            )
    return done


async def mark_retry(
    delivery_id: int,
    attempts: int,
    *,
    next_attempt_at: datetime,
    http_status: int | None,
    error: str,
) -> bool:
    """Back to ``pending`` until ``next_attempt_at``; False when the claim was lost."""
    fence, params = _fence([(delivery_id, attempts)])
    changed = await sql.execute(
        f"UPDATE {TABLE} SET status = '{PENDING}', next_attempt_at = ?, last_status = ?, "
        f"last_error = ?, lease_until = NULL WHERE {fence}",
        next_attempt_at,
        http_status,
        error[:500],
        *params,
    )
    return changed > 0


async def mark_failed(
    delivery_id: int, attempts: int, *, http_status: int | None, error: str
) -> bool:
    """Given up; False when the claim was lost."""
    fence, params = _fence([(delivery_id, attempts)])
    changed = await sql.execute(
        f"UPDATE {TABLE} SET status = '{FAILED}', last_status = ?, last_error = ?, "
        f"lease_until = NULL WHERE {fence}",
        http_status,
        error[:500],
        *params,
    )
    return changed > 0


async def reset(
    subscription_id: int,
    now: datetime,
    *,
    delivery_id: int | None = None,
    since: datetime | None = None,
) -> int:
    """Deliver again from the start: ``pending``, due now, no attempts, a fresh retry window
    (``created_at`` is when this round began). One delivery, or every delivery of the
    subscription queued at or after ``since``. Returns how many.

    A delivery being sent right now (``sending``, its lease running) is left alone: its
    attempt count is the fence of the worker that holds it, and starting it again from zero
    would let that worker's answer land on the next claim's row."""
    where = f"subscription_id = ? AND NOT (status = '{SENDING}' AND lease_until >= ?)"
    params: list[Any] = [subscription_id, now]
    if delivery_id is not None:
        where += " AND id = ?"
        params.append(delivery_id)
    if since is not None:
        where += " AND created_at >= ?"
        params.append(since)
    return await sql.execute(
        f"UPDATE {TABLE} SET status = '{PENDING}', attempts = 0, next_attempt_at = ?, "
        "created_at = ?, lease_until = NULL, delivered_at = NULL, last_error = '' "
        f"WHERE {where}",
        now,
        now,
        *params,
    )


async def buildings_of_rooms(room_ids: Sequence[int]) -> dict[int, int]:
    """``{room id: building id}`` (removed rooms too: their history still has events)."""
    ids = sorted(set(room_ids))
    out: dict[int, int] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        rows = await sql.fetch(
            f"SELECT id, building_id FROM rooms WHERE id IN ({', '.join(['?'] * len(chunk))})",
            *chunk,
        )
        out.update({int(r["id"]): int(r["building_id"]) for r in rows})
    return out


async def created_at_event(subscription_ids: Sequence[int]) -> dict[int, int]:
    """``{subscription id: the id of its webhook.create event}``: the point of the change
    feed it was made at (in commit order). Subscriptions without one are left out."""
    ids = sorted(set(subscription_ids))
    out: dict[int, int] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        rows = await sql.fetch(
            "SELECT entity_id, MIN(id) AS event_id FROM audit_events "
            "WHERE entity_type = 'webhook' AND action = 'webhook.create' "
            f"AND entity_id IN ({', '.join(['?'] * len(chunk))}) GROUP BY entity_id",
            *chunk,
        )
        out.update({int(r["entity_id"]): int(r["event_id"]) for r in rows})
    return out


async def subscription_count() -> int:
    """How many subscriptions there are, counted under the webhook-creates lock: call it
    inside the creating transaction, so that concurrent creates cannot all pass the limit."""
    await db.serialize(db.Space.webhook_creates)
    return await WebhookSubscription.all().count()
