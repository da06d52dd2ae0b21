"""The delivery logs forget what is done and old (``notify.purge``, a step of the worker):
delivered and failed webhook deliveries, sent and failed emails, after
``COMPAX_DELIVERY_LOG_DAYS``; nothing still to send, nothing recent, and no email whose
dedupe key still guards a reminder."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from compax_server import runtime
from compax_server.db.notifications import (
    DELIVERED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    EmailMessage,
    WebhookDelivery,
)
from compax_server.services import notify
from compax_server.worker import Worker

NUMBERS = itertools.count(1)


async def delivery(status: str, last_due: datetime) -> int:
    row = await WebhookDelivery.create(
        subscription_id=1,
        event_id=next(NUMBERS),
        event_type="booking.create",
        order_key="booking:1",
        status=status,
        next_attempt_at=last_due,
    )
    return row.pk


async def email(status: str, last_due: datetime) -> int:
    n = next(NUMBERS)
    row = await EmailMessage.create(
        dedupe_key=f"test:{n}",
        to_address="someone@campus.example",
        kind="booking",
        subject="Booked",
        text_body="Booked",
        html_body="<p>Booked</p>",
        status=status,
        next_attempt_at=last_due,
    )
    return row.pk


def keep_days(days: int, leads: str = "") -> None:
    settings = runtime.settings().model_copy(
        update={"delivery_log_days": days, "reminder_leads": leads}
    )
    runtime.configure(settings, runtime.cache())


async def remaining() -> tuple[set[int], set[int]]:
    deliveries = await WebhookDelivery.all().values_list("id", flat=True)
    emails = await EmailMessage.all().values_list("id", flat=True)
    return set(deliveries), set(emails)


async def test_the_worker_forgets_what_is_done_and_older_than_the_log_keeps(database):
    keep_days(30)
    now = datetime.now(UTC)
    old, recent = now - timedelta(days=30, minutes=1), now - timedelta(days=29)
    gone = {await delivery(DELIVERED, old), await delivery(FAILED, old)}
    kept = {
        await delivery(DELIVERED, recent),
        await delivery(FAILED, recent),
        await delivery(PENDING, old),  # a disabled subscription's queue waits, however long
        await delivery(SENDING, old),  # a worker has it
    }
    gone_emails = {await email(SENT, old), await email(FAILED, old)}
    kept_emails = {
        await email(SENT, recent),
        await email(PENDING, old),
        await email(SENDING, old),
    }
    await Worker().run_once()
    assert await remaining() == (kept, kept_emails)
    assert not gone & kept and not gone_emails & kept_emails

    # Once an hour per process: what grew old meanwhile waits for the next look.
    later = await delivery(DELIVERED, old)
    assert await notify.purge(now + timedelta(minutes=59)) == 0
    assert await notify.purge(now + timedelta(hours=1, minutes=1)) == 1
    assert later not in (await remaining())[0]


async def test_a_full_batch_is_followed_at_once_by_the_next(database, monkeypatch):
    keep_days(7)
    monkeypatch.setattr(notify, "PURGE_BATCH", 2)
    now = datetime.now(UTC)
    for _ in range(5):
        await delivery(DELIVERED, now - timedelta(days=8))
    kept = await delivery(DELIVERED, now - timedelta(days=6))
    assert [await notify.purge(now) for _ in range(4)] == [2, 2, 1, 0]
    assert await remaining() == ({kept}, set())


async def test_an_email_outlives_the_longest_reminder_lead_by_a_day(database):
    """A reminder's dedupe key is what stops it being queued again while its booking is
    still within the lead: the outbox keeps it past the longest lead plus a day, even when
    the log is kept for less."""
    keep_days(1, leads="60,4320")  # reminders 3 days ahead: emails kept 4 days
    now = datetime.now(UTC)
    await delivery(DELIVERED, now - timedelta(days=2))  # the deliveries' log keeps 1 day
    kept = await email(SENT, now - timedelta(days=3, hours=23))
    await email(SENT, now - timedelta(days=4, minutes=1))
    assert await notify.purge(now) == 2
    assert await remaining() == (set(), {kept})


async def test_without_reminders_an_email_is_kept_as_long_as_the_log(database):
    keep_days(1)  # no reminder leads: the day past the longest lead is the log's own day
    now = datetime.now(UTC)
    kept = await email(SENT, now - timedelta(hours=23, minutes=59))
    await email(SENT, now - timedelta(days=1, seconds=30))
    assert await notify.purge(now) == 1
    assert await remaining() == (set(), {kept})


@pytest.mark.parametrize("days", [0, 3651])
def test_the_log_is_kept_one_day_to_ten_years(days, monkeypatch):
    from compax_server.settings import ConfigurationError, load_settings

    monkeypatch.setenv("COMPAX_DELIVERY_LOG_DAYS", str(days))
    with pytest.raises(ConfigurationError, match=r"^COMPAX_DELIVERY_LOG_DAYS: Input should be"):
        load_settings()
