"""The notification worker: dispatch change-feed events, deliver webhooks, send email,
release the bookings nobody checked in to (``services.checkin``), and pass expired waitlist
offers on to the next in line (``services.waitlist_offers``).

It runs inside every ``compax serve`` worker process by default (``COMPAX_RUN_WORKERS``),
and alone as ``compax worker`` for operators who want delivery apart from the API. Any
number of workers, in any number of processes and instances, can run at once: the
dispatcher's cursor is taken by one at a time, and deliveries and emails are claimed row
by row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer at a time).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import UTC, datetime

from compax_server import db
from compax_server.services import checkin, mail, notify, waitlist_offers, webhook_delivery

log = logging.getLogger("compax.worker")

DISPATCH_ROUNDS = 10  # batches of events per round, so deliveries are never starved
MAX_BACKOFF = 30.0  # seconds to wait at most after the database failed
# After a round that found little to do, wait this long before the next: a steady trickle
# of changes is then handled a batch at a time instead of one event per round, which costs
# several times the CPU per event (benchmarks/write_cpu.py --notify).
GATHER = 0.2
FULL_ROUND = 100  # a round that handled this much goes on at once


class Worker:
    """One loop of notification work. ``run_once`` does one round and says how much it did;
    ``run`` repeats it until ``stop`` is set, resting ``poll`` seconds when idle."""

    def __init__(self, poll: float = 1.0) -> None:
        self.poll = poll
        self.stop = asyncio.Event()

    async def run_once(self) -> int:
        done = await checkin.release_due()  # one indexed query when nothing is due
        done += await waitlist_offers.tick()  # expired offers pass on; one probe when idle
        for _ in range(DISPATCH_ROUNDS):
            handled = await notify.dispatch()
            done += handled
            if not handled:
                break
        done += await webhook_delivery.deliver_due()
        done += await mail.send_due()
        now = datetime.now(UTC)  # reminders and digests look at most once a minute
        done += await mail.queue_reminders(now)
        done += await mail.queue_digests(now)
        done += await notify.purge(now)  # once an hour: the delivery logs' old rows
        return done

    async def run(self) -> None:
        log.info("notification worker started")
        failures = 0
        while not self.stop.is_set():
            try:
                done = await self.run_once()
                failures = 0
            except Exception as exc:
                failures += 1
                done = 0
                level = logging.WARNING if db.is_unavailable(exc) else logging.ERROR
                log.log(level, "notification worker: %s", exc, exc_info=level == logging.ERROR)
            if done >= FULL_ROUND:
                continue  # more is waiting: go on at once
            if done:  # a trickle: let a few more changes gather, then take them together
                rest = min(self.poll, GATHER)
            elif failures:
                rest = min(MAX_BACKOFF, self.poll * 2**failures)
            else:
                rest = self.poll
            rest *= random.uniform(0.8, 1.2)  # spreads the polls of many workers
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), timeout=rest)
        await webhook_delivery.close()  # lets the sends in flight finish and record
        log.info("notification worker stopped")
