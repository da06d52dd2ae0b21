"""The audit log's writers on their own, against a real migrated database (SQLite file and
PostgreSQL): what ``services.audit`` and ``db.audit`` store for an event with and without an
actor, many events at once (more than one statement takes), and what ``watching`` hears.
Written to kill the mutants that survived the API tests (docs/testing.md)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from compax_server.db import transaction
from compax_server.db.audit import AUDIT_LOCK, AuditEvent, NewEvent
from compax_server.services import audit
from tests.conftest import actor_of, at, holding, waiting_on_a_lock
from tests.unit.test_room_locks import POSTGRES_ONLY


def fields(e: AuditEvent) -> tuple[Any, ...]:
    """What an event stored, in the order of ``NewEvent``'s fields."""
    return tuple(getattr(e, name.name) for name in dataclasses.fields(NewEvent))


async def test_an_event_without_an_actor_is_the_systems_and_keeps_what_it_was_given(database):
    written = datetime.now(UTC)
    plain = await audit.record(None, "room.update", "room", 3)
    full = await audit.record(
        None, "user.update", "user", 7, before={"a": 1}, after={"a": 2}, request_id="login-9"
    )
    events = await AuditEvent.filter(id__in=[plain, full]).order_by("id")
    assert [fields(e) for e in events] == [
        (None, None, "system", "room.update", "room", 3, None, None, ""),
        (None, None, "system", "user.update", "user", 7, {"a": 1}, {"a": 2}, "login-9"),
    ]
    assert all(written <= e.at <= datetime.now(UTC) for e in events)


async def test_an_event_of_a_key_names_the_key_and_the_request_of_its_actor(database, staff):
    actor = replace(actor_of(staff), api_key_id=12, request_id="sync-1")
    mine = await audit.record(actor, "booking.create", "booking", 5, after={"title": "T"})
    told = await audit.record(actor, "booking.create", "booking", 6, request_id="given")
    events = await AuditEvent.filter(id__in=[mine, told]).order_by("id")
    label = f"{staff.email} (key 12)"
    assert [fields(e) for e in events] == [
        (staff.pk, 12, label, "booking.create", "booking", 5, None, {"title": "T"}, "sync-1"),
        (staff.pk, 12, label, "booking.create", "booking", 6, None, None, "given"),
    ]


async def test_many_events_are_written_whole_in_order_past_one_statement(database, staff):
    """1,001 events: three statements of at most 500 rows; each row once, in the order given,
    with its actor, its time aware and the moment it was written."""
    before = datetime.now(UTC)
    many = [("booking.create", "booking", i, None, {"n": i}) for i in range(1, 1002)]
    async with transaction():
        await audit.record_many(actor_of(staff), many)
    events = await AuditEvent.filter(entity_type="booking").order_by("id")
    assert [(e.entity_id, e.after) for e in events] == [(i, {"n": i}) for i in range(1, 1002)]
    assert {(e.actor_user_id, e.actor_label, e.action, e.entity_type) for e in events} == {
        (staff.pk, staff.email, "booking.create", "booking")
    }
    assert all(before <= e.at <= datetime.now(UTC) for e in events)
    await audit.record_many(actor_of(staff), [])  # nothing to write writes nothing
    assert await AuditEvent.filter(entity_type="booking").count() == 1001


async def test_watching_hears_the_events_written_inside_it_and_no_more(database, staff):
    actor = actor_of(staff)
    await audit.record(actor, "room.update", "room", 1, before={"x": 0}, after={"x": 1})
    with audit.watching() as seen:
        await audit.record(actor, "room.update", "room", 2, before={"x": 1}, after={"x": 2})
        await audit.record_many(actor, [("booking.create", "booking", 3, None, {"y": 1})])
        audit.written(audit.event(actor, "booking.update", "booking", 4, {"y": 1}, None))
    await audit.record(actor, "room.update", "room", 5)
    assert [(e.action, e.entity_type, e.entity_id, e.before, e.after) for e in seen] == [
        ("room.update", "room", 2, {"x": 1}, {"x": 2}),
        ("booking.create", "booking", 3, None, {"y": 1}),
        ("booking.update", "booking", 4, {"y": 1}, None),
    ]


def writers(staff: Any, room: Any, book: Any) -> dict[str, Callable[[], Awaitable[Any]]]:
    """The three ways an event is written: alone, many at once, with its row (a booking)."""
    actor = actor_of(staff)

    async def one() -> None:
        async with transaction():
            await audit.record(actor, "room.update", "room", room.pk)

    async def many() -> None:
        async with transaction():
            await audit.record_many(actor, [("room.update", "room", room.pk, None, None)] * 2)

    async def with_its_row() -> None:
        await book(staff, room, at(0, 9), at(0, 10))

    return {"one": one, "many": many, "with_its_row": with_its_row}


@POSTGRES_ONLY
@pytest.mark.parametrize("way", ["one", "many", "with_its_row"])
async def test_on_postgres_an_event_waits_for_the_transaction_that_wrote_one_before_it(
    database, postgres_url, staff, room, book, way
):
    """The change feed's promise (a reader that saw id N never later finds a smaller id)
    rests on one lock: a transaction that appends an event holds it to its commit, and every
    other appending waits for it. Here another connection holds it, as a transaction with an
    event not yet committed would; each way of writing an event waits until it commits."""
    lock = "SELECT pg_advisory_xact_lock($1)"
    async with holding(postgres_url, lock, AUDIT_LOCK) as (holder, look):
        task = asyncio.create_task(writers(staff, room, book)[way]())
        await waiting_on_a_lock(look, query="%pg_advisory_xact_lock%", task=task)
        await holder.execute("COMMIT")
        async with asyncio.timeout(10):
            await task
