"""Idempotency records (a retried write gets the first answer, not a second resource) and
the claim of a key."""

from __future__ import annotations

from datetime import datetime

from tortoise import fields
from tortoise.models import Model

from compax_server.db import sql


class IdempotencyKey(Model):
    """A retried write with the same key returns the first result instead of a second one."""

    id = fields.IntField(primary_key=True)
    user_id = fields.IntField()
    scope = fields.CharField(max_length=64, description="which operation, e.g. booking.create")
    key = fields.CharField(max_length=200)
    request_hash = fields.CharField(max_length=64)
    resource_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "idempotency_keys"
        unique_together = (("user_id", "scope", "key"),)


class IdempotentRequest(Model):
    """A create sent with an ``Idempotency-Key`` (other than a booking's, which its own
    transaction records as an ``IdempotencyKey``): claimed before the work, then the answer,
    which a retry with the same key gets again instead of a second resource."""

    id = fields.IntField(primary_key=True)
    user_id = fields.IntField()
    operation = fields.CharField(max_length=64, description="the operation id, e.g. rooms_create")
    key = fields.CharField(max_length=200)
    request_hash = fields.CharField(max_length=64)
    status = fields.IntField(null=True, description="the answer's status; null: still running")
    body = fields.TextField(null=True)
    headers: fields.Field[dict[str, str]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "idempotent_requests"
        unique_together = (("user_id", "operation", "key"),)


async def insert_claim(
    user_id: int, operation: str, key: str, digest: str, now: datetime
) -> int | None:
    """Claim the key: the new claim's id, or ``None`` when the user already used the key
    for the operation (that row is left as it is)."""
    row = await sql.fetch_one(
        """INSERT INTO idempotent_requests
               (user_id, operation, "key", request_hash, headers, created_at)
           VALUES (?, ?, ?, ?, '{}', ?)
           ON CONFLICT (user_id, operation, "key") DO NOTHING RETURNING id""",
        user_id,
        operation,
        key,
        digest,
        now,
    )
    return None if row is None else int(row["id"])
