"""The webhook tests' receiver, the worker's steps and settings, shared by their files."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from compax_server import runtime
from compax_server.db.audit import AuditEvent
from compax_server.db.notifications import PENDING, WebhookDelivery, WebhookSubscription
from compax_server.services import webhooks
from compax_server.services.actors import Actor
from tests.notifications.receiver import Receiver


def allow(**overrides: Any) -> None:
    """Change this test's settings (services read them from ``runtime``)."""
    runtime.configure(runtime.settings().model_copy(update=overrides), runtime.cache())


@pytest.fixture
async def loopback(database: str) -> AsyncIterator[None]:
    """Tests send to a receiver on 127.0.0.1: allow private targets; close the client."""
    allow(webhook_allow_private=True)
    yield
    await webhooks.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


class Pump:
    """What the worker does (dispatch new events, then send what is due), until nothing is
    due. ``due_now`` first moves every pending retry to now: a test's fast-forward."""

    def __init__(self) -> None:
        self.position = 0

    async def dispatch(self) -> None:
        events = await AuditEvent.filter(id__gt=self.position).order_by("id")
        if events:
            found = await webhooks.deliveries_for(events)
            await WebhookDelivery.bulk_create(found, ignore_conflicts=True)
            self.position = events[-1].pk

    async def __call__(self, *, due_now: bool = False, rounds: int = 50) -> None:
        await self.dispatch()
        for _ in range(rounds):
            if due_now:
                await WebhookDelivery.filter(status=PENDING).update(
                    next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)
                )
            claimed = await webhooks.deliver_due()
            await webhooks.drain()
            if not claimed:
                return
        raise AssertionError("deliveries still due after many rounds")


@pytest.fixture
def pump(loopback: None) -> Pump:
    return Pump()


async def subscribe(actor: Actor, receiver: Receiver, **extra: Any) -> WebhookSubscription:
    extra.setdefault("event_types", ["*"])
    sub, secret = await webhooks.create_subscription(actor, url=receiver.url, **extra)
    receiver.secrets.append(secret)
    return sub
