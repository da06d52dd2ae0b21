"""Idempotency keys for creates: a retry with the same ``Idempotency-Key`` gets the first
answer again instead of making a second resource.

The endpoint layer claims the key before the work (one row per user, operation and key),
stores the answer after it, and releases the claim when the work fails, so a retry runs it
again. A second request while the first still runs gets 409 ``request_in_progress`` with
``Retry-After``; the same key with a different request is a 422. A claim whose work never
answered (the process died) is taken over after ``STALE``. Keys are kept ``KEPT``.

Bookings record their key inside the booking's own transaction instead
(``services.bookings``): the hottest write pays for one transaction, not three.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from compax_server import db
from compax_server.db import idempotency as idempotency_db
from compax_server.db.idempotency import IdempotencyKey, IdempotentRequest
from compax_server.errors import RequestInProgress, RuleViolation

KEPT = timedelta(hours=24)
STALE = timedelta(seconds=60)
REPLAYED_HEADERS = ("Location", "ETag", "Content-Type")
PURGE_CHANCE = 0.01  # of claims that also delete the keys older than KEPT


def request_hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def key_reused() -> RuleViolation:
    return RuleViolation(
        "This Idempotency-Key was used for a different request; use a new key.",
        errors=[{"rule": "idempotency_key_reused", "detail": "same key, different request"}],
    )


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    headers: dict[str, str]


async def claim(user_id: int, operation: str, key: str, digest: str) -> int | Answer:
    """The claim's id when this request is to do the work, or the first request's answer."""
    now = datetime.now(UTC)
    async with db.transaction():
        if random.random() < PURGE_CHANCE:
            await purge(now)
        claim_id = await idempotency_db.insert_claim(user_id, operation, key, digest, now)
        if claim_id is not None:
            return claim_id
        first = await IdempotentRequest.get(user_id=user_id, operation=operation, key=key)
        if first.request_hash != digest:
            raise key_reused()
        if first.status is not None and first.created_at > now - KEPT:
            return Answer(first.status, first.body or "", dict(first.headers))
        running = RequestInProgress(
            "The first request with this Idempotency-Key is still running; retry shortly.",
            retry_after=1,
        )
        if first.status is None and first.created_at > now - STALE:
            raise running
        # Expired, or abandoned by a process that died: this request does the work, unless
        # another retry took it over first.
        taken = await IdempotentRequest.filter(id=first.pk, created_at=first.created_at).update(
            status=None, body=None, headers={}, created_at=now
        )
        if not taken:
            raise running
        return int(first.pk)


async def remember(claim_id: int, status: int, body: bytes, headers: dict[str, str]) -> None:
    kept = {name: headers[name] for name in REPLAYED_HEADERS if name in headers}
    async with db.transaction():
        await IdempotentRequest.filter(id=claim_id).update(
            status=status, body=body.decode(), headers=kept
        )


async def release(claim_id: int) -> None:
    """The work failed: forget the claim, so that a retry runs it again."""
    async with db.transaction():
        await IdempotentRequest.filter(id=claim_id, status__isnull=True).delete()


async def purge(now: datetime) -> None:
    await IdempotentRequest.filter(created_at__lt=now - KEPT).delete()
    await IdempotencyKey.filter(created_at__lt=now - KEPT).delete()
