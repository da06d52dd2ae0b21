"""The dispatcher and the worker round, in process, against a real HTTP receiver and a
real SMTP server: one change through the API reaches both, once; a change that rolled back
announces nothing; a repeated batch adds nothing; a subscription hears only what happened
after it was made."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from compax_server import db, runtime
from compax_server.db import notifications as notifications_db
from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking
from compax_server.db.notifications import EmailMessage, WebhookDelivery
from compax_server.services import bookings, notify, webhook_delivery
from compax_server.worker import Worker
from tests.conftest import actor_of, at, bearer
from tests.notifications.receiver import Receiver
from tests.notifications.smtp import Server, smtp_server


@pytest.fixture
def smtp() -> Any:
    with smtp_server() as server:
        yield server


@pytest.fixture
async def worker(app: Any, smtp: Server) -> AsyncIterator[Worker]:
    """The worker with webhooks to loopback allowed and email to the test SMTP server."""
    settings = runtime.settings().model_copy(
        update={
            "webhook_allow_private": True,
            "smtp_url": f"smtp://127.0.0.1:{smtp.port}?starttls=false",
            "reminder_leads": "",
        }
    )
    runtime.configure(settings, runtime.cache())
    yield Worker()
    await webhook_delivery.close()


async def run(worker: Worker) -> None:
    """Rounds until a round finds nothing to do (what the loop does, without its waits)."""
    for _ in range(20):
        if not await worker.run_once():
            await webhook_delivery.drain()
            if not await worker.run_once():
                return
    raise AssertionError("the worker kept finding work")


async def subscribe(client: Any, admin: Any, url: str) -> str:
    r = await client.post(
        "/api/v1/webhooks",
        json={"url": url, "event_types": ["booking.*"]},
        headers=bearer(admin),
    )
    assert r.status_code == 201, r.text
    return str(r.json()["secret"])


async def book(client: Any, user: Any, room: Any, hour: int, **extra: Any) -> Any:
    return await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.id,
            "title": "Seminar",
            "start": at(10, hour).isoformat(),
            "end": at(10, hour + 1).isoformat(),
            **extra,
        },
        headers=bearer(user),
    )


async def test_one_change_reaches_the_receiver_and_the_inbox_once(
    client, worker, smtp, admin, member, make_room
):
    room = await make_room(requires_approval=True)
    with Receiver() as receiver:
        receiver.secrets.append(await subscribe(client, admin, receiver.url))
        r = await book(client, member, room, 9)  # a request: the approvers are told
        assert r.status_code == 201, r.text
        await run(worker)
        [event] = receiver.events()
        assert (event["action"], event["entity_id"]) == ("booking.create", r.json()["id"])
        subjects = [(m["To"], m["Subject"]) for m in smtp.messages]
        [request] = [s for s in subjects if s[1].startswith("Booking request:")]
        assert request[0] == admin.email
        # Again: nothing new is found, nothing is sent twice (the daily digest, also due
        # at this hour, was sent with the first round).
        await run(worker)
        assert len(receiver.received) == 1 and len(smtp.messages) == len(subjects)
        assert await notifications_db.seen(notify.CURSOR) == await AuditEvent.all().count()


async def test_a_change_that_rolled_back_announces_nothing(client, worker, admin, room):
    with Receiver() as receiver:
        receiver.secrets.append(await subscribe(client, admin, receiver.url))
        await run(worker)

        async def write_then_fail() -> None:
            async with db.transaction():  # the booking and its event, then a failure
                await bookings.create_booking(
                    actor_of(admin), room_id=room.id, title="x", start=at(10, 9), end=at(10, 10)
                )
                raise RuntimeError("something after the write fails")

        with pytest.raises(RuntimeError):
            await write_then_fail()
        assert await Booking.all().count() == 0
        kept = await book(client, admin, room, 11)
        await run(worker)
        assert [e["entity_id"] for e in receiver.events()] == [kept.json()["id"]]


async def test_a_repeated_batch_adds_nothing(client, worker, admin, member, make_room):
    room = await make_room(requires_approval=True)
    with Receiver() as receiver:
        receiver.secrets.append(await subscribe(client, admin, receiver.url))
        await book(client, admin, room, 9)  # staff's own booking: a webhook, no email
        await book(client, member, room, 11)  # a request: the approvers get an email
        assert await notify.dispatch() > 0
        deliveries = await WebhookDelivery.all().values_list("id", flat=True)
        emails = await EmailMessage.all().values_list("id", flat=True)
        assert len(deliveries) == 2 and len(emails) == 1
        # A dispatcher that crashed after storing but before its cursor moved: run again.
        async with db.transaction():
            await notifications_db.move_cursor(notify.CURSOR, 0)
        assert await notify.dispatch() > 0
        assert await WebhookDelivery.all().values_list("id", flat=True) == deliveries
        assert await EmailMessage.all().values_list("id", flat=True) == emails


async def test_a_new_subscription_hears_only_what_happens_after_it(client, worker, admin, room):
    await book(client, admin, room, 9)  # before the subscription, not yet dispatched
    with Receiver() as receiver:
        receiver.secrets.append(await subscribe(client, admin, receiver.url))
        later = await book(client, admin, room, 11)
        await run(worker)
        assert [e["entity_id"] for e in receiver.events()] == [later.json()["id"]]
