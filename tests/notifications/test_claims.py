"""Claiming due deliveries: each row to one worker at a time, a dead worker's rows again
after their lease, and the dispatcher's cursor taken by one process at a time."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

import pytest

from compax_server import db
from compax_server.db import notifications as notifications_db
from compax_server.db.audit import AuditEvent
from compax_server.db.notifications import PENDING, SENDING, WebhookDelivery
from compax_server.services import notify
from tests.conftest import ENGINES

POSTGRES = ENGINES[1]

EVENT_IDS = itertools.count(1000)


async def add(n: int, *, due: datetime | None = None, key: str | None = None) -> list[int]:
    now = datetime.now(UTC)
    ids = []
    for i in range(n):
        row = await WebhookDelivery.create(
            subscription_id=1,
            event_id=next(EVENT_IDS),
            event_type="booking.create",
            order_key=key or f"booking:{i}",
            next_attempt_at=due or now - timedelta(seconds=1),
        )
        ids.append(row.pk)
    return ids


async def claim(limit: int = 100, lease: int = 60) -> list[int]:
    rows = await notifications_db.claim("webhook_deliveries", limit=limit, lease_seconds=lease)
    return [int(r["id"]) for r in rows]


async def test_due_rows_are_claimed_once_with_an_attempt_counted(database):
    ids = await add(3)
    later = await add(1, due=datetime.now(UTC) + timedelta(hours=1))
    assert await claim() == ids  # in id order; the row not yet due is left
    assert await claim() == []  # claimed rows are leased, not claimable again
    rows = await WebhookDelivery.filter(id__in=ids)
    assert {(r.status, r.attempts) for r in rows} == {(SENDING, 1)}
    assert all(r.lease_until and r.last_attempt_at for r in rows)
    assert (await WebhookDelivery.get(id=later[0])).status == PENDING


async def test_a_dead_workers_rows_are_claimed_again_after_the_lease(database):
    [first] = await add(1)
    assert await claim(lease=60) == [first]
    # The worker died: its lease runs out (moved into the past here instead of waiting).
    await WebhookDelivery.filter(id=first).update(lease_until=datetime.now(UTC) - timedelta(1))
    assert await claim() == [first]
    assert (await WebhookDelivery.get(id=first)).attempts == 2


async def test_limit_and_narrowing(database):
    ids = await add(5)
    assert await claim(limit=2) == ids[:2]
    rows = await notifications_db.claim(
        "webhook_deliveries",
        limit=10,
        lease_seconds=60,
        where="d.order_key = ?",
        params=("booking:4",),
    )
    assert [r["id"] for r in rows] == [ids[4]]


async def test_concurrent_claims_share_the_rows_out(database):
    """Many claimers at once (PostgreSQL: SKIP LOCKED, separate connections) never get the
    same row twice, and between them get all of it."""
    ids = await add(60)
    got = await asyncio.gather(*(claim(limit=7) for _ in range(12)))
    flat = [i for batch in got for i in batch]
    assert len(flat) == len(set(flat))  # nobody got a row another one got
    assert sorted(flat) == ids


async def test_the_cursor_is_held_by_one_dispatcher_at_a_time(database):
    async with db.transaction():
        assert await notifications_db.cursor_position("t") == 0
        await notifications_db.move_cursor("t", 42)
    assert await notifications_db.seen("t") == 42
    if db.dialect() != "postgres":
        return  # SQLite's write lock already lets one transaction at a time in
    holding, done = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with db.transaction():
            assert await notifications_db.cursor_position("t") == 42
            holding.set()
            await done.wait()

    holder = asyncio.create_task(hold())
    await holding.wait()
    try:
        async with db.transaction():  # another connection: the row is taken, skip it
            assert await notifications_db.cursor_position("t") is None
    finally:
        done.set()
        await holder
    async with db.transaction():
        assert await notifications_db.cursor_position("t") == 42


@pytest.mark.parametrize("engine", [POSTGRES], indirect=True)  # SQLite lets one writer in
async def test_a_dispatcher_that_finds_the_cursor_taken_handles_nothing(database):
    """Two dispatchers look at once (PostgreSQL, several workers): the one that finds the
    cursor row locked leaves at once, storing nothing and saying it handled nothing (the
    worker then waits for its next tick instead of looking again and again)."""
    async with db.transaction():  # the cursor row exists (a first-ever insert would wait)
        await notifications_db.cursor_position(notify.CURSOR)
    await AuditEvent.create(action="booking.create", entity_type="booking", entity_id=1)
    holding, done = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with db.transaction():
            assert await notifications_db.cursor_position(notify.CURSOR) == 0
            holding.set()
            await done.wait()

    holder = asyncio.create_task(hold())
    await holding.wait()
    try:
        assert await notifications_db.behind(notify.CURSOR)
        assert await notify.dispatch() == 0
    finally:
        done.set()
        await holder
    assert await notifications_db.seen(notify.CURSOR) == 0
    assert await notify.dispatch() == 1  # once the other is done, the event is handled
    assert await notifications_db.seen(notify.CURSOR) == await AuditEvent.all().count()


async def test_a_consumer_is_behind_until_its_cursor_reaches_the_last_event(database):
    """``behind`` and ``seen`` read each consumer's own cursor; a consumer that has none yet
    has seen nothing (0) and is behind as soon as the feed holds an event."""
    assert await notifications_db.seen("new") == 0
    event = await AuditEvent.create(action="booking.create", entity_type="booking", entity_id=1)
    async with db.transaction():
        assert await notifications_db.cursor_position("t") == 0
        await notifications_db.move_cursor("t", event.pk - 1)
    assert await notifications_db.behind("t") and await notifications_db.behind("new")
    async with db.transaction():
        assert await notifications_db.cursor_position("t") == event.pk - 1
        await notifications_db.move_cursor("t", event.pk)
    assert not await notifications_db.behind("t")  # caught up
    assert await notifications_db.behind("new")  # the other consumer's cursor did not move
    assert (await notifications_db.seen("t"), await notifications_db.seen("new")) == (event.pk, 0)


async def test_only_the_outbox_tables_and_finished_rows_can_be_claimed_or_purged(database):
    """The table names and states are written into SQL, so anything else is refused before
    a statement is built (a purge of ``pending`` rows would lose mail not yet sent)."""
    with pytest.raises(ValueError, match="not a claimable table: users"):
        await notifications_db.claim("users", limit=1, lease_seconds=60)
    before = datetime.now(UTC)
    with pytest.raises(ValueError, match="not a purgeable table: users"):
        await notifications_db.purge_finished("users", ("sent",), before, 10)
    for states in [(), ("sent", "pending"), ("sending",)]:
        with pytest.raises(ValueError, match=r"not finished states: \("):
            await notifications_db.purge_finished("email_messages", states, before, 10)
