"""The one way a calendar write runs: retried when the database asks, a refused overlap turned
into a 409, the search caches told once it committed, and the waitlists told which slots it
freed.

Every write (bookings, series, imports, closures, releases, waitlist offers) hands its
transaction body to ``run``; nothing else catches ``IntegrityError`` (``part`` drops one
part of a write that the database refused) or bumps the cache stamp. The slots a write freed
are read from the audit events it recorded (a booking that occupied a slot and no longer
does: cancelled, rejected, released, moved, a lapsed hold), so no write has to announce them
itself; after the commit the members waiting for each are offered what is free, first come
first, and the members whose offer the write withdrew (a closure, a room removed) are offered
another room that fits (``services.waitlist_offers``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from tortoise.exceptions import IntegrityError

from compax_server import db
from compax_server.domain import waitlist as waitlist_rules
from compax_server.errors import BookingConflict, ServiceUnavailable
from compax_server.services import audit, search

T = TypeVar("T")


def busy() -> ServiceUnavailable:
    """A fresh 503 for a write that found the database busy on every attempt (a new instance
    each time: a shared one would carry one request's traceback into the next)."""
    return ServiceUnavailable("The database is busy; retry in a moment.", retry_after=1)


async def run(
    attempt: Callable[[], Awaitable[T]],
    *,
    on_overlap: Callable[[], Awaitable[BookingConflict]] | None = None,
    changed: Callable[[T], bool] = lambda _: True,
) -> T:
    """Run ``attempt`` (which opens its own transaction). When the database refuses an
    overlap that the service check did not see (a race with another writer), raise
    ``on_overlap()`` (the conflict naming what is in the way) or a plain 409. After a commit
    for which ``changed(result)`` holds, the search caches move on."""
    seen: audit.Seen = []

    async def watched() -> T:
        with audit.watching() as events:
            result = await attempt()
        seen[:] = events  # the events of the attempt that committed
        return result

    try:
        result = await db.with_retries(watched, on_exhausted=busy)
    except IntegrityError as exc:
        if not db.is_overlap_violation(exc):
            raise
        if on_overlap is not None:
            raise await on_overlap() from None
        raise BookingConflict("the room was booked for one of these times a moment ago") from None
    if changed(result):
        await search.changed()
    freed = waitlist_rules.freed_slots((e.entity_type, e.before, e.after) for e in seen)
    withdrawn = [e.entity_id for e in seen if e.action == "waitlist.withdraw" and e.entity_id]
    if freed or withdrawn:
        # imported here: offering writes through ``run`` too
        from compax_server.services import waitlist_offers

        await waitlist_offers.offer_freed(freed, withdrawn)
    return result


@asynccontextmanager
async def part() -> AsyncIterator[None]:
    """Inside a ``run`` attempt: one part of a write that may fail alone (a savepoint). When
    the database refuses its overlap, that part is undone and skipped and the write goes on
    (a waitlist offer among the several one freed slot makes)."""
    try:
        async with db.transaction():
            yield
    except IntegrityError as exc:
        if not db.is_overlap_violation(exc):
            raise
