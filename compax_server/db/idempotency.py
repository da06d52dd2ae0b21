"""Claims of idempotency keys (the records are ``db.bookings.IdempotentRequest``)."""

from __future__ import annotations

from datetime import datetime

from compax_server.db import sql


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
