"""The dispatcher: turns change-feed events into webhook deliveries and emails.

Every change writes its audit event in the same transaction as the change (the
transactional outbox; on PostgreSQL events get their ids in commit order). The dispatcher
reads the events after its cursor, in id order, asks each consumer what the events mean
to it (``webhooks.deliveries_for``, ``mail.messages_for``), stores that and moves the
cursor, all in one transaction: nothing is announced that did not commit, and nothing that
committed is skipped or announced twice (the rows it stores are unique per event and
recipient, so even a repeated batch adds nothing).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from compax_server import db, runtime
from compax_server.db import notifications as notifications_db
from compax_server.db.audit import AuditEvent
from compax_server.db.notifications import EmailMessage, WebhookDelivery
from compax_server.services import mail, webhooks

CURSOR = "notify"
BATCH = 500
PURGE_BATCH = 1000  # rows of each log deleted at once
PURGE_EVERY = timedelta(hours=1)  # per process, unless the last purge left more to do


async def dispatch(limit: int = BATCH) -> int:
    """Handle the next ``limit`` events; returns how many were handled (0: nothing new, or
    another process is dispatching right now)."""
    if not await notifications_db.behind(CURSOR):
        return 0  # the common case, answered without a write transaction
    async with db.transaction():
        position = await notifications_db.cursor_position(CURSOR)
        if position is None:
            return 0
        events = await AuditEvent.filter(id__gt=position).order_by("id").limit(limit)
        if not events:
            return 0
        deliveries = await webhooks.deliveries_for(events)
        if deliveries:
            await WebhookDelivery.bulk_create(deliveries, batch_size=500, ignore_conflicts=True)
        messages = await mail.messages_for(events)
        if messages:
            await EmailMessage.bulk_create(messages, batch_size=200, ignore_conflicts=True)
        await notifications_db.move_cursor(CURSOR, events[-1].pk)
    return len(events)


async def purge(now: datetime) -> int:
    """Forget what was delivered or sent (or failed for good) more than
    ``COMPAX_DELIVERY_LOG_DAYS`` ago: the webhook delivery logs and the email outbox would
    otherwise grow with every change, forever. The change feed (the audit log) is kept.

    At most ``PURGE_BATCH`` rows of each at a time, looked at once an hour per process, or
    at once again while a batch came back full. An email is kept at least a day past the
    longest reminder lead: its dedupe key is what stops that reminder being sent twice."""
    if runtime.looked_within("notify.purge", now, PURGE_EVERY):
        return 0
    days = timedelta(days=runtime.settings().delivery_log_days)
    leads = mail.reminder_leads()
    longest_lead = timedelta(minutes=leads[0] if leads else 0, days=1)
    done = await notifications_db.purge_finished(
        "webhook_deliveries",
        (notifications_db.DELIVERED, notifications_db.FAILED),
        now - days,
        PURGE_BATCH,
    )
    emails = await notifications_db.purge_finished(
        "email_messages",
        (notifications_db.SENT, notifications_db.FAILED),
        now - max(days, longest_lead),
        PURGE_BATCH,
    )
    full = PURGE_BATCH in (done, emails)
    if full:
        runtime.forget_look("notify.purge")
    return done + emails
