"""The delivery log's writes (``db.webhooks``) on both engines: what a worker records of
its claims, fenced by the attempt it claimed, and the lookups done a chunk of ids at a time
(``CHUNK`` is made small here so that a handful of rows spans several statements)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from compax_server.db import webhooks as webhooks_db
from compax_server.db.audit import AuditEvent
from compax_server.db.notifications import (
    DELIVERED,
    FAILED,
    PENDING,
    SENDING,
    WebhookDelivery,
    claim,
)

NOW = datetime(2031, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhooks_db, "CHUNK", 2)


async def claimed_rows(n: int) -> list[webhooks_db.Claimed]:
    for i in range(n):
        await WebhookDelivery.create(
            subscription_id=1,
            event_id=100 + i,
            event_type="booking.cancel",
            order_key=f"booking:{i}",
            next_attempt_at=datetime.now(UTC) - timedelta(seconds=1),
        )
    rows = await claim(webhooks_db.TABLE, limit=n, lease_seconds=60)
    return [webhooks_db.claimed(r) for r in rows]


async def test_a_claim_reads_back_whole(database):
    [row] = await claimed_rows(1)
    stored = await WebhookDelivery.get(id=row.id)
    assert (row.subscription_id, row.event_id, row.event_type, row.attempts) == (
        1,
        100,
        "booking.cancel",
        1,
    )
    assert row.created_at == stored.created_at


async def test_deliveries_are_marked_delivered_chunk_by_chunk_and_only_while_held(
    database, small_chunks
):
    rows = await claimed_rows(6)
    lost = rows[5]  # its lease ran out and another worker claimed it again meanwhile
    await WebhookDelivery.filter(id=lost.id).update(attempts=2)
    accepted = [(r.id, r.attempts, 200 if r.id % 2 else 204) for r in rows]
    assert await webhooks_db.mark_delivered(accepted, NOW) == 5
    stored = {d.id: d for d in await WebhookDelivery.all()}
    for delivery_id, _, status in accepted[:5]:
        d = stored[delivery_id]
        assert (d.status, d.last_status, d.delivered_at, d.lease_until) == (
            DELIVERED,
            status,
            NOW,
            None,
        )
    assert (stored[lost.id].status, stored[lost.id].delivered_at) == (SENDING, None)


async def test_a_retry_or_a_failure_is_recorded_only_by_the_claim_that_holds_it(database):
    first, second = await claimed_rows(2)
    error = "x" * 600
    later = NOW + timedelta(minutes=5)
    assert not await webhooks_db.mark_retry(
        first.id, first.attempts + 1, next_attempt_at=later, http_status=503, error=error
    )
    assert await webhooks_db.mark_retry(
        first.id, first.attempts, next_attempt_at=later, http_status=503, error=error
    )
    retried = await WebhookDelivery.get(id=first.id)
    assert (retried.status, retried.next_attempt_at, retried.last_status) == (PENDING, later, 503)
    assert (retried.last_error, retried.lease_until) == ("x" * 500, None)
    assert not await webhooks_db.mark_failed(first.id, first.attempts, http_status=500, error="")

    assert not await webhooks_db.mark_failed(
        second.id, second.attempts + 1, http_status=None, error="timed out"
    )
    assert await webhooks_db.mark_failed(second.id, second.attempts, http_status=None, error=error)
    failed = await WebhookDelivery.get(id=second.id)
    assert (failed.status, failed.last_status, failed.last_error) == (FAILED, None, "x" * 500)


async def test_chunked_lookups_miss_no_id(database, small_chunks, make_room):
    rooms = [await make_room() for _ in range(5)]
    assert await webhooks_db.buildings_of_rooms([r.pk for r in rooms] * 2) == {
        r.pk: r.building_id for r in rooms
    }
    made = {}
    for subscription_id in range(1, 6):
        for _ in range(2):  # the first create event is the one
            event = await AuditEvent.create(
                action="webhook.create", entity_type="webhook", entity_id=subscription_id
            )
            made.setdefault(subscription_id, event.pk)
    await AuditEvent.create(action="webhook.update", entity_type="webhook", entity_id=6)
    assert await webhooks_db.created_at_event(range(1, 7)) == made
