"""What the notification workers keep: webhook subscriptions and their deliveries, the
email outbox, each user's notification preferences, and the cursor of the dispatcher that
turns change-feed events (``audit_events``, written in the same transaction as every
change) into deliveries and messages.

The change feed itself is the transactional outbox: nothing here is written by the
request that makes a change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import fields
from tortoise.models import Model

from compax_server import db
from compax_server.db import sql

# Delivery and message states. ``sending`` is claimed by a worker until ``lease_until``;
# a worker that dies leaves it to be claimed again when the lease runs out.
PENDING = "pending"
SENDING = "sending"
DELIVERED = "delivered"
SENT = "sent"
FAILED = "failed"


class WebhookSubscription(Model):
    id = fields.IntField(primary_key=True)
    url = fields.CharField(max_length=2000)
    description = fields.CharField(max_length=200, default="")
    event_types: fields.Field[list[str]] = fields.JSONField(
        default=list, description="change-feed actions or prefixes (booking.*); * for all"
    )
    building_id = fields.IntField(null=True, description="only events of this building")
    room_id = fields.IntField(null=True, description="only events of this room")
    source = fields.CharField(max_length=64, null=True, description="only this import source")
    secret = fields.CharField(max_length=100, description="whsec_... signing secret")
    previous_secret = fields.CharField(max_length=100, null=True)
    previous_secret_until = fields.DatetimeField(null=True)
    active = fields.BooleanField(default=True)
    disabled_reason = fields.CharField(max_length=500, default="")
    owner_user_id = fields.IntField(null=True, db_index=True)
    owner_api_key_id = fields.IntField(null=True, db_index=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "webhook_subscriptions"


class WebhookDelivery(Model):
    """One event for one subscription, and its delivery log.

    ``webhook-id`` is derived from ``event_id``, so a redelivery carries the same id."""

    id = fields.BigIntField(primary_key=True)
    subscription_id = fields.IntField()
    event_id = fields.BigIntField()
    event_type = fields.CharField(max_length=64)
    order_key = fields.CharField(max_length=64, description="delivered in order per key")
    status = fields.CharField(max_length=16, default=PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_until = fields.DatetimeField(null=True)
    last_attempt_at = fields.DatetimeField(null=True)
    last_status = fields.IntField(null=True, description="HTTP status of the last attempt")
    last_error = fields.CharField(max_length=500, default="")
    delivered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_deliveries"
        unique_together = (("subscription_id", "event_id"),)
        indexes = (("status", "next_attempt_at"), ("subscription_id", "order_key", "id"))


class EmailMessage(Model):
    """One email to send.

    ``dedupe_key`` makes building it idempotent (one per event and recipient, one reminder
    per booking and lead time, one digest per approver and day)."""

    id = fields.BigIntField(primary_key=True)
    dedupe_key = fields.CharField(max_length=200, unique=True)
    to_address = fields.CharField(max_length=254)
    user_id = fields.IntField(null=True)
    kind = fields.CharField(max_length=32)
    subject = fields.CharField(max_length=300)
    text_body = fields.TextField()
    html_body = fields.TextField()
    ics = fields.TextField(default="", description="iCalendar attachment, if any")
    event_id = fields.BigIntField(null=True)
    booking_id = fields.IntField(null=True)
    status = fields.CharField(max_length=16, default=PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_until = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "email_messages"
        indexes = (("status", "next_attempt_at"),)


class NotificationPreference(Model):
    """A user's choices; no row means every kind of email is on."""

    user_id = fields.IntField(primary_key=True, generated=False)
    email_opt_out: fields.Field[list[str]] = fields.JSONField(
        default=list, description="kinds of email this user does not want"
    )
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notification_preferences"


class OutboxCursor(Model):
    """How far a consumer of the change feed has got (the last event id it handled)."""

    name = fields.CharField(max_length=32, primary_key=True)
    position = fields.BigIntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "outbox_cursors"


async def claim(
    table: str, *, limit: int, lease_seconds: int, where: str = "", params: tuple[Any, ...] = ()
) -> list[dict[str, Any]]:
    """Claim up to ``limit`` rows of ``table`` (``webhook_deliveries`` or ``email_messages``)
    that are due: pending with ``next_attempt_at`` passed, or sending with a lease that ran
    out (their worker died). Claimed rows become ``sending`` until now + ``lease_seconds``,
    with ``attempts`` one higher; the rows come back as they are now. ``where`` (SQL over
    the alias ``d``, with ``params``) narrows the candidates.

    On PostgreSQL the candidates are locked ``FOR UPDATE SKIP LOCKED``: workers in many
    processes and instances each claim different rows, none waits for another. On SQLite
    the statement runs alone under the database's write lock.

    Record what became of a claimed row with a fence on ``attempts`` (``WHERE id = ? AND
    attempts = ?``): a worker whose lease ran out must not overwrite a newer claim.
    """
    if table not in ("webhook_deliveries", "email_messages"):
        raise ValueError(f"not a claimable table: {table}")
    now = datetime.now(UTC)
    lease = now + timedelta(seconds=lease_seconds)
    lock = " FOR UPDATE SKIP LOCKED" if db.dialect() == "postgres" else ""
    extra = f" AND ({where})" if where else ""
    sets = f"status = '{SENDING}', lease_until = ?, attempts = attempts + 1"
    stamp: tuple[Any, ...] = (lease,)
    if table == "webhook_deliveries":
        sets += ", last_attempt_at = ?"
        stamp = (lease, now)
    statement = (
        f"UPDATE {table} SET {sets} WHERE id IN (SELECT d.id FROM {table} d "
        f"WHERE ((d.status = '{PENDING}' AND d.next_attempt_at <= ?) "
        f"OR (d.status = '{SENDING}' AND d.lease_until < ?)){extra} "
        f"ORDER BY d.id LIMIT ?{lock}) RETURNING *"
    )
    probe = (
        f"SELECT 1 FROM {table} d WHERE ((d.status = '{PENDING}' AND d.next_attempt_at <= ?) "
        f"OR (d.status = '{SENDING}' AND d.lease_until < ?)){extra} LIMIT 1"
    )
    if not await sql.fetch(probe, now, now, *params):
        return []  # the common case, answered without a write transaction
    async with db.transaction():
        rows = await sql.fetch(statement, *stamp, now, now, *params, limit)
    rows.sort(key=lambda r: int(r["id"]))
    return rows


async def purge_finished(
    table: str, statuses: tuple[str, ...], before: datetime, limit: int
) -> int:
    """Delete up to ``limit`` rows of ``table`` in one of the finished ``statuses`` whose last
    attempt was due before ``before`` (found by the ``(status, next_attempt_at)`` index, so
    a purge that finds nothing old reads nothing more). Returns how many went."""
    if table not in ("webhook_deliveries", "email_messages"):
        raise ValueError(f"not a purgeable table: {table}")
    if not statuses or set(statuses) - {DELIVERED, SENT, FAILED}:
        raise ValueError(f"not finished states: {statuses}")
    marks = ", ".join(f"'{s}'" for s in statuses)
    return await sql.execute(
        f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} "
        f"WHERE status IN ({marks}) AND next_attempt_at < ? LIMIT ?)",
        before,
        limit,
    )


async def ensure_cursor(name: str) -> None:
    """Make the cursor row ``name`` (at position 0) unless it exists; one statement on either
    engine, so processes starting together never collide on it."""
    await sql.execute(
        "INSERT INTO outbox_cursors (name, position, updated_at) VALUES (?, 0, ?) "
        "ON CONFLICT (name) DO NOTHING",
        name,
        datetime.now(UTC),
    )


async def cursor_position(name: str) -> int | None:
    """Inside a transaction: lock the consumer's cursor row and read its position; ``None``
    when another process holds it (that one is dispatching now; on PostgreSQL the lock is
    ``SKIP LOCKED``, on SQLite the write lock already serialises dispatchers)."""
    await ensure_cursor(name)
    skip = " FOR UPDATE SKIP LOCKED" if db.dialect() == "postgres" else ""
    row = await sql.fetch_one(f"SELECT position FROM outbox_cursors WHERE name = ?{skip}", name)
    return None if row is None else int(row["position"])


async def move_cursor(name: str, position: int) -> None:
    await sql.execute(
        "UPDATE outbox_cursors SET position = ?, updated_at = ? WHERE name = ?",
        position,
        datetime.now(UTC),
        name,
    )


async def behind(name: str) -> bool:
    """Whether the feed holds events after the consumer's position (one unlocked read)."""
    row = await sql.fetch_one(
        "SELECT COALESCE((SELECT MAX(id) FROM audit_events), 0) > "
        "COALESCE((SELECT position FROM outbox_cursors WHERE name = ?), 0) AS behind",
        name,
    )
    return bool(row and row["behind"])


async def seen(name: str) -> int:
    """The consumer's position, read without a lock (0 when it has none yet)."""
    row = await sql.fetch_one("SELECT position FROM outbox_cursors WHERE name = ?", name)
    return int(row["position"]) if row else 0
