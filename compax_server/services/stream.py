"""Live changes: the change feed pushed to open streams (``GET /api/v1/changes/stream``).

The database is the source of truth: events get their ids in commit order, so one poller
per process reads the events after the newest it has seen (``id > last``) every
``POLL_INTERVAL`` seconds and hands them to the process's streams through bounded queues.
A booking made through any instance or process is seen within about ``POLL_INTERVAL``,
on SQLite as on PostgreSQL, without a message bus (Redis pub/sub could only lower the
latency; the poll would still be needed to fill gaps). One query per process and tick,
however many streams are open.

A stream that resumes (``Last-Event-ID``) subscribes first, then replays from the
database what came after its id, then takes the queue, skipping what it already sent: no
gap (the poller's position is fixed before the replay reads) and no duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking
from compax_server.db.rooms import Room
from compax_server.errors import RateLimited
from compax_server.services.actors import Actor, Scope, require_scope
from compax_server.services.paging import MAX_CURSOR_INT, cursor_int, decode_cursor, encode_cursor

log = logging.getLogger("compax.stream")

POLL_INTERVAL = 0.5  # seconds between two reads of the feed by a process's poller
HEARTBEAT = 15.0  # seconds between two ": ping" comments on an idle stream
# A stream ends after this long (after its replay): the client reconnects with
# Last-Event-ID, which also makes it authenticate again (access tokens are short-lived).
MAX_LIFETIME = 3600.0
MAX_STREAMS_PER_USER = 5  # open streams of one user in one process
QUEUE_SIZE = 1000  # events waiting for a slow stream; more and the stream is closed
BATCH = 500  # events per read
RETRY_AFTER = 5  # seconds, in the 429 of a user with too many streams

# What a member's stream carries: bookings and series (others' as busy time only) and the
# catalogue; never users, API keys, webhooks, logins, rules or imports.
MEMBER_ENTITIES = frozenset({"booking", "series", "room", "building", "closure"})
OWNED = frozenset({"booking", "series"})  # others' are busy time: these fields only
PUBLIC = {
    "booking": ("room_id", "start", "end", "status"),
    "series": (
        "room_id",
        "rule",
        "start_time",
        "duration_minutes",
        "timezone",
        "excluded_dates",
        "added_dates",
        "status",
    ),
}


@dataclass(frozen=True)
class Change:
    """An event with the facts a stream filters on (where the event does not say them,
    read from the booking and the room)."""

    event: AuditEvent
    room_id: int | None
    building_id: int | None
    owner_id: int | None


@dataclass(frozen=True)
class StreamFilter:
    building_ids: frozenset[int] = frozenset()
    room_ids: frozenset[int] = frozenset()

    def matches(self, change: Change) -> bool:
        if self.room_ids and change.room_id not in self.room_ids:
            return False
        return not self.building_ids or change.building_id in self.building_ids


def position_of(last_event_id: str) -> int:
    """The event id in a ``Last-Event-ID`` (a change-feed cursor)."""
    position = decode_cursor(last_event_id, "Last-Event-ID", "header")
    return cursor_int(position, "id", MAX_CURSOR_INT, "Last-Event-ID", "header")


def cursor_of(event_id: int) -> str:
    """The change-feed cursor after this event (``since=`` of ``/changes``, and SSE id)."""
    return encode_cursor({"id": event_id})


def _first(event: AuditEvent, key: str) -> Any:
    for view in (event.after, event.before):
        if isinstance(view, dict) and view.get(key) is not None:
            return view[key]
    return None


async def facts_of(events: Sequence[AuditEvent]) -> list[Change]:
    """The events with their room, building and booking owner: two queries at most."""
    missing = [
        e.entity_id
        for e in events
        if e.entity_type == "booking"
        and e.entity_id is not None
        and (_first(e, "room_id") is None or _first(e, "owner_id") is None)
    ]
    bookings: dict[int, tuple[int, int]] = {}
    if missing:
        rows = await Booking.filter(id__in=sorted(set(missing))).values_list(
            "id", "room_id", "owner_id"
        )
        bookings = {int(i): (int(r), int(o)) for i, r, o in rows}
    rooms: dict[int, int | None] = {}
    for e in events:
        room = _first(e, "room_id")
        if e.entity_type == "room":
            room = e.entity_id
        if room is None and e.entity_type == "booking" and e.entity_id in bookings:
            room = bookings[e.entity_id][0]
        if isinstance(room, int):
            rooms[room] = None
    if rooms:
        for rid, bid in await Room.filter(id__in=sorted(rooms)).values_list("id", "building_id"):
            rooms[int(rid)] = int(bid)
    out = []
    for e in events:
        room = e.entity_id if e.entity_type == "room" else _first(e, "room_id")
        owner = _first(e, "owner_id") if e.entity_type in OWNED else None
        if e.entity_type == "booking" and e.entity_id in bookings:
            room = room if room is not None else bookings[e.entity_id][0]
            owner = owner if owner is not None else bookings[e.entity_id][1]
        building = e.entity_id if e.entity_type == "building" else _first(e, "building_id")
        if building is None and isinstance(room, int):
            building = rooms.get(room)
        out.append(
            Change(
                event=e,
                room_id=room if isinstance(room, int) else None,
                building_id=building if isinstance(building, int) else None,
                owner_id=owner if isinstance(owner, int) else None,
            )
        )
    return out


async def changes_after(position: int, limit: int | None = None) -> list[Change]:
    """The events after ``position``, at most ``limit`` (``BATCH``, read when called)."""
    events = await AuditEvent.filter(id__gt=position).order_by("id").limit(limit or BATCH)
    return await facts_of(events)


async def newest_id() -> int:
    newest = await AuditEvent.all().order_by("-id").first()
    return newest.pk if newest else 0


def view_for(actor: Actor, change: Change) -> dict[str, Any] | None:
    """The event as this actor may see it, or None: staff see what the change feed shows;
    members see bookings and series (others' as busy time: no id, title, description,
    owner or who made the change) and the catalogue, nothing else."""
    e = change.event
    view: dict[str, Any] = {
        "id": e.pk,
        "at": e.at,
        "actor_user_id": e.actor_user_id,
        "actor_api_key_id": e.actor_api_key_id,
        "actor_label": e.actor_label,
        "action": e.action,
        "entity_type": e.entity_type,
        "entity_id": e.entity_id,
        "before": e.before,
        "after": e.after,
        "request_id": e.request_id,
    }
    if actor.is_staff:
        return view
    if e.entity_type not in MEMBER_ENTITIES:
        return None
    if e.entity_type not in OWNED or (
        change.owner_id is not None and actor.sees_booking_of(change.owner_id, change.room_id or 0)
    ):
        if e.entity_type in OWNED or e.actor_user_id == actor.user_id:
            return view
        return view | {"actor_user_id": None, "actor_api_key_id": None, "actor_label": ""}

    def busy(part: Any) -> dict[str, Any] | None:
        if not isinstance(part, dict):
            return None
        kept = {k: part[k] for k in PUBLIC[e.entity_type] if k in part}
        if change.room_id is not None:
            kept["room_id"] = change.room_id
        return kept

    return view | {
        "actor_user_id": None,
        "actor_api_key_id": None,
        "actor_label": "",
        "entity_id": None,
        "before": busy(e.before),
        "after": busy(e.after),
        "request_id": "",
    }


@dataclass(eq=False)
class Subscription:
    user_id: int
    queue: asyncio.Queue[Change | None] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE)
    )
    start: int = 0  # the hub's position when it subscribed: live events come after this

    def end(self) -> None:
        """Close the stream: drop what waits and leave the end marker."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)


class Hub:
    """The process's one poller and its subscribers."""

    def __init__(self, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.sleep = sleep  # between two reads (a test gives its own)
        self.subscribers: set[Subscription] = set()
        self.position = 0
        self._task: asyncio.Task[None] | None = None
        self._ready: asyncio.Event | None = None
        self._closed = False

    async def subscribe(self, actor: Actor) -> Subscription:
        require_scope(actor, Scope.read)
        if self._closed:
            raise RateLimited("the server is stopping; reconnect", retry_after=1)
        mine = sum(1 for s in self.subscribers if s.user_id == actor.user_id)
        if mine >= MAX_STREAMS_PER_USER:
            raise RateLimited(
                f"at most {MAX_STREAMS_PER_USER} open streams per user; close one",
                retry_after=RETRY_AFTER,
            )
        sub = Subscription(actor.user_id)
        self.subscribers.add(sub)
        try:
            if self._task is None or self._task.done():
                self._ready = asyncio.Event()
                self._task = asyncio.create_task(self._run(self._ready))
            assert self._ready is not None
            ready = asyncio.ensure_future(self._ready.wait())
            done, _ = await asyncio.wait({ready, self._task}, return_when=asyncio.FIRST_COMPLETED)
            if ready not in done:
                ready.cancel()
                self._task.result()  # the first read failed: raise it
            sub.start = self.position
        except BaseException:
            self.subscribers.discard(sub)
            raise
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self.subscribers.discard(sub)

    async def _run(self, ready: asyncio.Event) -> None:
        self.position = await newest_id()
        ready.set()
        failures = 0
        while self.subscribers and not self._closed:
            try:
                changes = await changes_after(self.position)
                failures = 0
            except Exception as exc:
                failures += 1
                log.warning("change stream poller: %s", exc)
                changes = []
            for change in changes:
                self.position = change.event.pk
                for sub in list(self.subscribers):
                    try:
                        sub.queue.put_nowait(change)
                    except asyncio.QueueFull:
                        self.subscribers.discard(sub)
                        sub.end()  # it reconnects with Last-Event-ID and catches up
            if len(changes) < BATCH:  # a full batch: more may wait, read again at once
                await self.sleep(POLL_INTERVAL * min(2**failures, 20))

    async def close(self) -> None:
        """End every stream (server stop)."""
        self._closed = True
        for sub in list(self.subscribers):
            sub.end()
        self.subscribers.clear()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task


async def follow(
    sub: Subscription, actor: Actor, filters: StreamFilter, after: int | None
) -> AsyncIterator[tuple[int, dict[str, Any]] | None]:
    """What a stream sends: ``(event id, view)`` in order, and None when it is idle for
    ``HEARTBEAT`` seconds; it ends when the hub closes the subscription, or
    ``MAX_LIFETIME`` seconds after the replay."""
    sent = sub.start if after is None else after
    if after is not None:
        while True:  # the replay: from the database, up to where the queue begins at least
            changes = await changes_after(sent)
            for change in changes:
                sent = change.event.pk
                if filters.matches(change) and (view := view_for(actor, change)) is not None:
                    yield sent, view
            if len(changes) < BATCH:
                break
    loop = asyncio.get_running_loop()
    ends = loop.time() + MAX_LIFETIME
    while (left := ends - loop.time()) > 0:
        try:
            item = await asyncio.wait_for(sub.queue.get(), timeout=min(HEARTBEAT, left))
        except TimeoutError:
            if ends - loop.time() > 0:
                yield None
            continue
        if item is None:
            return
        if item.event.pk <= sent:
            continue  # already sent by the replay
        sent = item.event.pk
        if filters.matches(item) and (view := view_for(actor, item)) is not None:
            yield sent, view
