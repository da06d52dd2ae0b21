"""Sending the email outbox over SMTP (aiosmtplib), one connection per batch.

- ``COMPAX_SMTP_URL`` (read by ``settings.smtp_config``; a bad one stops the start):
  ``smtp://host:587`` sends in plain text and upgrades with STARTTLS
  when the server offers it (``?starttls=false``: never; ``?starttls=true``: required),
  ``smtps://host:465`` is TLS from the start; ``user:password@`` logs in (AUTH);
  ``?timeout=30`` is the whole seconds each SMTP step may take; ``?cafile=/path/ca.pem`` trusts
  that CA (a campus relay with its own certificates) instead of the system's. Certificates
  are always checked.
- Claiming: due rows are marked ``sending`` with a lease (``db.notifications.claim``: FOR
  UPDATE SKIP LOCKED on PostgreSQL), so workers of many processes never send one message
  twice in the normal path; the outcome is recorded only if the row is still this
  worker's attempt (the fence), and a worker that died leaves its rows to be claimed
  again when the lease runs out.
- Rate limit: a token bucket per process, ``COMPAX_MAIL_PER_MINUTE`` tokens refilled
  evenly over a minute (a burst of at most a minute's worth, then a steady pace); a batch
  claims only as many messages as it has tokens for.
- Failures: a temporary one (connection refused, 4xx, a timeout) retries with exponential
  backoff (1 minute doubling to 1 hour, times a random factor of 0.5-1.5 so that workers do
  not retry in step) for 24 hours after the message was queued, then the message is
  ``failed`` with the last error; a permanent refusal (5xx) fails it at once.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage as MimeMessage
from email.utils import formatdate
from typing import Any

import aiosmtplib

from compax_server import runtime
from compax_server.db import mail as mail_db
from compax_server.db.mail import Claimed
from compax_server.domain.words import counted
from compax_server.services import feeds
from compax_server.services.mail_messages import METHOD

log = logging.getLogger("compax.mail")

LEASE_SECONDS = 300
RETRY_FOR = timedelta(hours=24)
FIRST_RETRY = 60.0
LONGEST_RETRY = 3600.0


class TokenBucket:
    """``per_minute`` sends a minute: tokens refill evenly, at most a minute's worth."""

    def __init__(self, per_minute: int, clock: Any = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.tokens = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.at = clock()

    def take(self, wanted: int) -> int:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        granted = min(wanted, int(self.tokens))
        self.tokens -= granted
        return granted

    def give_back(self, count: int) -> None:
        self.tokens = min(self.capacity, self.tokens + count)


def bucket() -> TokenBucket:
    """This process's bucket (a new one when the server is configured anew)."""
    memo = runtime.memo("mail")
    per_minute = runtime.settings().mail_per_minute
    found = memo.get("bucket")
    if not isinstance(found, TokenBucket) or found.capacity != per_minute:
        found = memo["bucket"] = TokenBucket(per_minute)
    return found


def mime(row: Claimed) -> MimeMessage:
    """The message as sent: multipart/alternative (text, HTML, and the text/calendar part
    with its METHOD that calendar clients act on), the .ics also as an attachment."""
    settings = runtime.settings()
    msg = MimeMessage()
    msg["From"] = settings.mail_from
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Date"] = formatdate(usegmt=True)
    # Stable across retries: a receiver can drop the copy of a send whose answer was lost.
    msg["Message-ID"] = f"<compax-mail-{row.id}@{feeds.uid_host()}>"
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    msg.set_content(row.text_body)
    msg.add_alternative(row.html_body, subtype="html")
    ics = row.ics
    if ics:
        method = METHOD.get(row.kind, "PUBLISH")
        msg.add_alternative(ics, subtype="calendar", params={"method": method})
        msg.add_attachment(
            ics.encode(),
            maintype="application",
            subtype="ics",
            filename="invite.ics" if method == "REQUEST" else "cancel.ics",
        )
    return msg


def _retry_at(row: Claimed, now: datetime) -> datetime | None:
    """When to try again, or None when the message has been retried long enough."""
    created = row.created_at
    attempts = max(1, row.attempts)
    delay = min(LONGEST_RETRY, FIRST_RETRY * 2 ** (attempts - 1)) * (0.5 + random.random())
    at = now + timedelta(seconds=delay)
    return None if at - created > RETRY_FOR else at


async def _failed_once(row: Claimed, error: str, now: datetime, permanent: bool) -> None:
    at = None if permanent else _retry_at(row, now)
    rid, attempts = row.id, row.attempts
    if at is None:
        log.warning("email %s to %s failed: %s", rid, row.to_address, error)
        await mail_db.mark_failed(rid, attempts, error)
    else:
        await mail_db.mark_retry(rid, attempts, at, error)


def _code(exc: aiosmtplib.SMTPException) -> int:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return min((r.code for r in exc.recipients), default=0)
    return int(getattr(exc, "code", 0) or 0)


async def _hang_up(smtp: aiosmtplib.SMTP) -> None:
    if not smtp.is_connected:
        return
    try:
        await smtp.quit()
    except (aiosmtplib.SMTPException, OSError, TimeoutError):
        smtp.close()


async def send_batch(limit: int, *, now: datetime | None = None) -> int:
    config = runtime.settings().smtp
    if config is None:
        return 0
    tokens = bucket()
    allowed = tokens.take(max(0, limit))
    if not allowed:
        return 0
    rows = await mail_db.claim(limit=allowed, lease_seconds=LEASE_SECONDS)
    tokens.give_back(allowed - len(rows))
    if not rows:
        return 0
    left = list(rows)
    sent = 0
    smtp = aiosmtplib.SMTP(
        hostname=config.host,
        port=config.port,
        use_tls=config.use_tls,
        start_tls=config.start_tls,
        username=config.username,
        password=config.password,
        timeout=config.timeout,
        cert_bundle=config.cafile,
    )
    try:
        await smtp.connect()
        while left:
            row = left[0]
            try:
                await smtp.send_message(mime(row))
            except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused) as exc:
                code = _code(exc)
                if code == 0 or not smtp.is_connected:
                    raise
                left.pop(0)
                await _failed_once(row, f"{code} {exc}", now or datetime.now(UTC), code >= 500)
                continue
            left.pop(0)
            await mail_db.mark_sent(row.id, row.attempts, datetime.now(UTC))
            sent += 1
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        log.info(
            "SMTP %s:%s: %s; %s later", config.host, config.port, error, counted(len(left), "email")
        )
        for row in left:
            await _failed_once(row, error, now or datetime.now(UTC), False)
    finally:
        await _hang_up(smtp)
    return sent
