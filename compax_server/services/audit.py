"""The audit log: every change, with its actor, in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from compax_server.db import audit as audit_db
from compax_server.db.audit import AuditEvent
from compax_server.services.actors import Actor, Scope, require_staff
from compax_server.services.paging import (
    MAX_CURSOR_INT,
    check_limit,
    cursor_int,
    decode_cursor,
    encode_cursor,
    page_by_id,
)

Seen = list[audit_db.NewEvent]
_seen: ContextVar[Seen | None] = ContextVar("audit_seen", default=None)


@contextmanager
def watching() -> Iterator[Seen]:
    """Collect the events recorded inside (in this task): ``services.writes`` learns from
    them which slots a write freed and which waitlist offers it withdrew."""
    seen: Seen = []
    token = _seen.set(seen)
    try:
        yield seen
    finally:
        _seen.reset(token)


def event(
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    request_id: str = "",
) -> audit_db.NewEvent:
    """The event to append: ``record`` appends it; a statement that writes it with the row it
    is about (``db.room_locks.insert_booking_if_unchanged``) is followed by ``written``."""
    return audit_db.NewEvent(
        actor_user_id=actor.user_id if actor else None,
        actor_api_key_id=actor.api_key_id if actor else None,
        actor_label=actor.label if actor else "system",
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
        request_id=request_id or (actor.request_id if actor else ""),
    )


def written(new: audit_db.NewEvent) -> None:
    """Tell ``watching`` of an event that was written."""
    seen = _seen.get()
    if seen is not None:
        seen.append(new)


async def record(
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    request_id: str = "",
) -> int:
    """Append one event; returns its id. Call it inside the transaction of the change it
    describes, as its last statement: events get their ids in commit order
    (``db.audit.insert``). ``request_id``: the request's, when there is no actor to carry it
    (a refused login)."""
    new = event(actor, action, entity_type, entity_id, before, after, request_id)
    written(new)
    return await audit_db.insert(new)


async def record_many(
    actor: Actor | None,
    events: list[tuple[str, str, int | None, dict[str, Any] | None, dict[str, Any] | None]],
) -> None:
    """Append many events ``(action, entity_type, entity_id, before, after)`` in a few
    statements (imports). Same commit-order rule as ``record``."""
    new = [event(actor, *one) for one in events]
    for one in new:
        written(one)
    await audit_db.insert_many(new)


@dataclass
class AuditFilter:
    entity_type: str | None = None
    entity_id: int | None = None
    actor_user_id: int | None = None
    action: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    newest_first: bool = False


async def list_events(
    actor: Actor, filters: AuditFilter, *, limit: int, cursor: str | None
) -> tuple[list[AuditEvent], str | None]:
    """The audit log, oldest first, for staff and admins."""
    require_staff(actor, Scope.read)
    query = audit_db.matching(
        entity_type=filters.entity_type,
        entity_id=filters.entity_id,
        actor_user_id=filters.actor_user_id,
        action=filters.action,
        start=filters.start,
        end=filters.end,
    )
    return await page_by_id(query, limit, cursor, newest_first=filters.newest_first)


async def changes_since(
    actor: Actor, since: str | None, *, limit: int, tail: int | None = None
) -> tuple[list[AuditEvent], str]:
    """The change feed: events after ``since`` in commit order, and the cursor to poll with
    next (returned even when nothing is new). ``tail``: instead of ``since``, the newest
    ``tail`` events (none for 0) and the cursor after the newest of all: where a reader that
    starts now begins, without reading the feed from its start."""
    require_staff(actor, Scope.read)
    check_limit(limit)
    if tail is not None:
        newest = await AuditEvent.all().order_by("-id").limit(max(tail, 1))
        return newest[:tail][::-1], encode_cursor({"id": newest[0].pk if newest else 0})
    after = cursor_int(decode_cursor(since, "since"), "id", MAX_CURSOR_INT, "since") if since else 0
    rows = await AuditEvent.filter(id__gt=after).order_by("id").limit(limit)
    last = rows[-1].pk if rows else after
    return rows, encode_cursor({"id": last})
