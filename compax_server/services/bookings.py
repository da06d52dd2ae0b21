"""Bookings: create, read, list, move, cancel, approve, reject.

Every write runs in one transaction that first takes the booking lock of the rooms it
touches (``lock_rooms``), so writers of one room queue up and each sees the one before it:
the loser of a race gets a clean 409 naming the booking in the way. The database constraint
(exclusion constraint / trigger) stays the source of truth; if anything slips past the
service check, its refusal is turned into the same 409.

The states and what may happen to a booking are in ``domain.bookings``.

Permissions: members see and change only their own bookings (anyone else's is a 404 to
them) and cannot set the owner; staff and admins act on everyone's and decide requests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from compax_server import db, runtime
from compax_server.db import users as users_db
from compax_server.db.bookings import (
    Booking,
    BookingRow,
    IdempotencyKey,
    RoomForBooking,
    Status,
    blockers,
    insert_booking,
    lock_and_load_rooms,
    lock_room,
    lock_rooms,
    overlapping,
)
from compax_server.db.users import Role, User
from compax_server.domain import bookings as states
from compax_server.domain import bounds, occurrences, slots, versions
from compax_server.domain.versions import Expected
from compax_server.errors import (
    BookingConflict,
    ClosureHitsBookings,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from compax_server.services import audit, idempotency, rules, search, writes
from compax_server.services.actors import Actor, Scope, require_scope, require_staff
from compax_server.services.paging import check_limit, cursor_int, decode_cursor, encode_cursor

log = logging.getLogger("compax.bookings")

ACTIVE = list(states.ACTIVE)


# -- views -------------------------------------------------------------------------------


def snapshot(booking: Booking) -> dict[str, Any]:
    view = {
        "room_id": booking.room_id,
        "owner_id": booking.owner_id,
        "title": booking.title,
        "description": booking.description,
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
        "status": booking.status.value,
        "version": booking.version,
        "reason": booking.reason or None,
    }
    if booking.exception_fields:
        view["exception_fields"] = list(booking.exception_fields)
    return view


def _slot_of(view: dict[str, Any]) -> occurrences.Slot:
    return occurrences.Slot(
        view["room_id"],
        datetime.fromisoformat(view["start"]),
        datetime.fromisoformat(view["end"]),
        view["title"],
        view["description"],
    )


def can_see(actor: Actor, booking: Booking | BookingRow) -> bool:
    return actor.sees_booking_of(booking.owner_id)


def conflict_view(actor: Actor, booking: Booking | BookingRow) -> dict[str, Any]:
    """The one privacy view of a booking in someone's way (conflicts, series conflicts,
    alternatives, import plans): its time and state to everyone; its id, title and owner
    only to those who may see the booking (its owner, staff)."""
    view: dict[str, Any] = {
        "room_id": booking.room_id,
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
        "status": booking.status.value,
    }
    if can_see(actor, booking):
        view |= {"id": booking.id, "title": booking.title, "owner_id": booking.owner_id}
    return view


# -- reads -------------------------------------------------------------------------------


async def get_booking(actor: Actor, booking_id: int) -> Booking:
    require_scope(actor, Scope.read)
    booking = await Booking.get_or_none(id=booking_id)
    if booking is None or not can_see(actor, booking):
        raise NotFound(f"booking {booking_id} does not exist")
    return booking


@dataclass
class BookingFilter:
    room_id: int | None = None
    owner_id: int | None = None
    start: datetime | None = None  # overlapping [start, end)
    end: datetime | None = None
    statuses: list[Status] = field(default_factory=list)
    series_id: int | None = None


async def list_bookings(
    actor: Actor, filters: BookingFilter, *, limit: int, cursor: str | None
) -> tuple[list[Booking], str | None]:
    """Bookings in start order. Members list only their own."""
    require_scope(actor, Scope.read)
    check_limit(limit)
    query = Booking.all()
    if not actor.is_staff:
        if filters.owner_id not in (None, actor.user_id):
            raise Forbidden("members can list only their own bookings")
        query = query.filter(owner_id=actor.user_id)
    elif filters.owner_id is not None:
        query = query.filter(owner_id=filters.owner_id)
    if filters.room_id is not None:
        query = query.filter(room_id=filters.room_id)
    if filters.start is not None:
        query = query.filter(end__gt=bounds.instant(filters.start))
    if filters.end is not None:
        query = query.filter(start__lt=bounds.instant(filters.end))
    if filters.statuses:
        query = query.filter(status__in=filters.statuses)
    if filters.series_id is not None:
        query = query.filter(series_id=filters.series_id)
    if cursor:
        position = decode_cursor(cursor)
        after_id = cursor_int(position, "id", 2**31 - 1)
        try:
            after_start = bounds.check_instant(datetime.fromisoformat(position["s"]), "cursor")
        except (KeyError, TypeError, ValueError, RuleViolation):
            raise InvalidInput.field(
                "query", "cursor", "is not a cursor this server issued"
            ) from None
        # (start, id) > (after_start, after_id). Not .exclude(start=.., id__lte=..): Tortoise
        # makes that NOT a AND NOT b, which skips every booking sharing the start.
        query = query.filter(Q(start__gt=after_start) | Q(start=after_start, id__gt=after_id))
    rows = await query.order_by("start", "id").limit(limit + 1)
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        return rows, encode_cursor({"s": last.start.isoformat(), "id": last.pk})
    return rows, None


# -- rules -------------------------------------------------------------------------------


def check_times(start: datetime, end: datetime, *, override: bool) -> tuple[datetime, datetime]:
    """A booking's window in UTC, inside the accepted range and the length limits (checked
    before anything walks it: opening hours, rules, overlap lookups)."""
    max_length = timedelta(hours=runtime.settings().max_booking_hours)
    return bounds.check_window(start, end, max_length=max_length, override=override)


async def locked_room(room_id: int, pointer: str = "room_id") -> RoomForBooking:
    room = await lock_room(room_id)
    if room is None:
        raise InvalidInput.field("body", pointer, f"room {room_id} does not exist", "unknown")
    return room


async def _check_slot(
    actor: Actor,
    room: RoomForBooking,
    start: datetime,
    end: datetime,
    status: Status,
    exclude_id: int | None,
    override: bool,
    owner_id: int,
) -> list[int]:
    """Check ``[start, end)`` in the (locked) room: the rules (422, unless staff override)
    and the bookings in the way (409). Returns the ids of the pending requests that a new
    confirmed booking overrides (to be rejected)."""
    active, closures = await blockers(room.building_id, room.id, start, end, ACTIVE, exclude_id)
    if override:
        require_staff(actor)
    else:
        problems = slots.room_problems(room, start, end, closures)
        problems += await limit_violations(actor, room, owner_id, [(start, end)], exclude_id)
        if problems:
            raise_rule_violations(actor, problems)
    return _in_the_way(actor, room, active, status)


async def limit_violations(
    actor: Actor,
    room: RoomForBooking,
    owner_id: int,
    windows: list[tuple[datetime, datetime]],
    exclude_id: int | None = None,
) -> list[dict[str, Any]]:
    """The booking rules (duration, horizon, notice; the weekly quota of a member owner)
    for new bookings at ``windows``; and no booking of a member may end in the past."""
    now = datetime.now(UTC)
    problems: list[dict[str, Any]] = []
    if not actor.is_staff and any(end <= now for _, end in windows):
        problems.append({"rule": "in_the_past", "detail": "the booking would end in the past"})
    limits = await rules.limits_for(room.id, room.building_id)
    if limits.empty:
        return problems
    for start, end in windows:
        for problem in rules.time_violations(limits, start, end, now):
            if problem not in problems:
                problems.append(problem)
    if await _is_member(actor, owner_id):
        problems += await rules.quota_violations(
            limits, room, owner_id, windows, [exclude_id] if exclude_id else None
        )
    return problems


async def _is_member(actor: Actor, owner_id: int) -> bool:
    if owner_id == actor.user_id:
        return actor.role == Role.member
    return await users_db.role_of(owner_id) == Role.member


def raise_rule_violations(actor: Actor, problems: list[dict[str, Any]]) -> None:
    raise RuleViolation(
        "; ".join(p["detail"] for p in problems)
        + (" (staff may override)" if actor.is_staff else ""),
        errors=problems,
    )


def _in_the_way(
    actor: Actor, room: RoomForBooking, active: list[BookingRow], status: Status
) -> list[int]:
    """409 when a confirmed booking is among ``active``; else the pending requests that a
    confirmed booking overrides."""
    confirmed = [b for b in active if b.status == Status.confirmed]
    if confirmed:
        raise BookingConflict(
            f"room {room.code} is booked from {confirmed[0].start.isoformat()} to "
            f"{confirmed[0].end.isoformat()}",
            conflicts=[conflict_view(actor, b) for b in confirmed],
        )
    if status != Status.confirmed:
        return []
    return [b.id for b in active]


async def end_because(
    actor: Actor, booking: Booking, reason: str, *, to: Status = Status.cancelled, **after: Any
) -> None:
    """End a booking as the consequence of another change (a closure, a new holiday, a room
    removed, a request overridden), with the reason its owner sees; audited, with ``after``
    naming the cause."""
    before = snapshot(booking)
    booking.status = to
    booking.reason = reason
    booking.version += 1
    await booking.save(update_fields=["status", "reason", "version", "updated_at"])
    action = "booking.auto_reject" if to == Status.rejected else "booking.cancel"
    await audit.record(
        actor, action, "booking", booking.pk, before=before, after=snapshot(booking) | after
    )


HIT_POLICIES = ("refuse", "cancel", "keep")


def check_hit_policy(on_bookings: str) -> None:
    if on_bookings not in HIT_POLICIES:
        raise InvalidInput.field("body", "on_bookings", f"one of {', '.join(HIT_POLICIES)}", "enum")


async def act_on_hit(
    actor: Actor,
    hit: list[Booking],
    on_bookings: str,
    *,
    what: str,
    reason_of: Callable[[Booking], str],
    **after: Any,
) -> list[int]:
    """What a closure or new holidays (``what``) do to the active bookings they cover, as
    ``on_bookings`` says: ``refuse`` is a 409 that lists them (the caller's transaction
    writes nothing), ``cancel`` ends each with its reason (audited, ``after`` naming the
    cause), ``keep`` leaves them. Returns their ids."""
    if hit and on_bookings == "refuse":
        raise ClosureHitsBookings(
            f"{what} would cover {len(hit)} booking(s); send on_bookings=cancel to cancel "
            "them (their owners see why), or on_bookings=keep to keep them",
            bookings=[conflict_view(actor, b) for b in hit[:200]],
        )
    if on_bookings == "cancel":
        for booking in hit:
            await end_because(actor, booking, reason_of(booking), **after)
    return [b.pk for b in hit]


async def reject_overridden(actor: Actor, pending_ids: list[int], winner_id: int) -> None:
    if not pending_ids:
        return
    for booking in await Booking.filter(id__in=pending_ids, status=Status.pending):
        reason = f"the room was given to booking {winner_id}"
        await end_because(actor, booking, reason, to=Status.rejected)


async def _conflict_from_database(
    actor: Actor, room_id: int, start: datetime, end: datetime, exclude_id: int | None
) -> BookingConflict:
    """The database refused an overlap that the service check did not see: name it."""
    confirmed = await overlapping(room_id, start, end, [Status.confirmed], exclude_id)
    return BookingConflict(
        "the room was booked for that time a moment ago",
        conflicts=[conflict_view(actor, b) for b in confirmed],
    )


async def offer_alternatives(
    actor: Actor, conflict: BookingConflict, room_id: int, start: datetime, end: datetime
) -> None:
    """Add up to three free rooms of the same capacity and features (best fit first)."""
    try:
        conflict.extra["alternatives"] = await search.alternatives(actor, room_id, start, end)
    except Exception:  # alternatives are a courtesy: never turn a 409 into a 500
        log.exception("finding alternatives failed")
        conflict.extra["alternatives"] = []


# -- writes ------------------------------------------------------------------------------


async def _replay(actor: Actor, scope: str, key: str, request_hash: str) -> Booking | None:
    record = await IdempotencyKey.get_or_none(user_id=actor.user_id, scope=scope, key=key)
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise idempotency.key_reused()
    return await Booking.get(id=record.resource_id)


@dataclass
class Created:
    booking: Booking
    replayed: bool = False
    rejected: list[int] = field(default_factory=list)


async def create_booking(
    actor: Actor,
    *,
    room_id: int,
    title: str,
    start: datetime,
    end: datetime,
    description: str = "",
    owner_id: int | None = None,
    override: bool = False,
    idempotency_key: str | None = None,
) -> Created:
    """Book a room. Staff bookings (and members' bookings of rooms that do not require
    approval) are confirmed; members' bookings of rooms that require approval are pending."""
    require_scope(actor, Scope.write)
    start, end = check_times(start, end, override=override)
    if owner_id is not None and owner_id != actor.user_id:
        if not actor.is_staff:
            raise Forbidden("members book for themselves; only staff may set owner_id")
        if not await User.filter(id=owner_id, is_active=True).exists():
            raise InvalidInput.field(
                "body", "owner_id", f"user {owner_id} does not exist", "unknown"
            )
    owner = owner_id or actor.user_id
    request_hash = idempotency.request_hash(
        {
            "room_id": room_id,
            "title": title,
            "start": start,
            "end": end,
            "description": description,
            "owner_id": owner,
            "override": override,
        }
    )
    if idempotency_key:
        async with db.transaction():
            replay = await _replay(actor, "booking.create", idempotency_key, request_hash)
        if replay is not None:
            return Created(replay, replayed=True)

    async def attempt() -> Created:
        async with db.transaction():
            room = await locked_room(room_id)
            if idempotency_key:
                replay = await _replay(actor, "booking.create", idempotency_key, request_hash)
                if replay is not None:
                    return Created(replay, replayed=True)
            status = (
                Status.pending
                if room.requires_approval and not actor.is_staff
                else Status.confirmed
            )
            overridden = await _check_slot(actor, room, start, end, status, None, override, owner)
            booking = await insert_booking(
                room_id=room.id,
                owner_id=owner,
                title=title,
                description=description,
                start=start,
                end=end,
                status=status,
                created_by_id=actor.user_id,
            )
            await reject_overridden(actor, overridden, booking.pk)
            if idempotency_key:
                await IdempotencyKey.create(
                    user_id=actor.user_id,
                    scope="booking.create",
                    key=idempotency_key,
                    request_hash=request_hash,
                    resource_id=booking.pk,
                )
            after = snapshot(booking) | ({"override": True} if override else {})
            await audit.record(actor, "booking.create", "booking", booking.pk, after=after)
            return Created(booking, rejected=overridden)

    async def on_overlap() -> BookingConflict:
        return await _conflict_from_database(actor, room_id, start, end, None)

    try:
        return await writes.run(attempt, on_overlap=on_overlap, changed=lambda c: not c.replayed)
    except IntegrityError:
        if idempotency_key:  # a concurrent request with the same key won the insert
            async with db.transaction():
                replay = await _replay(actor, "booking.create", idempotency_key, request_hash)
            if replay is not None:
                return Created(replay, replayed=True)
        raise
    except BookingConflict as conflict:
        await offer_alternatives(actor, conflict, room_id, start, end)
        raise


async def update_booking(
    actor: Actor,
    booking_id: int,
    *,
    expected: Expected | None,
    title: str | None = None,
    description: str | None = None,
    room_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    override: bool = False,
) -> Booking:
    """Rename or move a booking (time and/or room) in one transaction. A move is checked like
    a new booking; a member moving into a room that requires approval makes it pending."""
    require_scope(actor, Scope.write)
    target: dict[str, Any] = {}

    async def attempt() -> Booking:
        async with db.transaction():
            booking = await get_booking(actor, booking_id)
            versions.ensure(booking.version, expected, noun="booking", ident=booking.pk)
            states.check_changeable(booking.pk, booking.status)
            states.check_not_history(
                booking.pk, booking.end, datetime.now(UTC), is_staff=actor.is_staff
            )
            before = snapshot(booking)
            new_room_id = room_id if room_id is not None else booking.room_id
            new_start, new_end = start or booking.start, end or booking.end
            if start is not None or end is not None:
                new_start, new_end = check_times(new_start, new_end, override=override)
            target.update(room_id=new_room_id, start=new_start, end=new_end)
            moved = (
                new_room_id != booking.room_id
                or new_start != booking.start
                or new_end != booking.end
            )
            rejected: list[int] = []
            if moved:
                locked = await lock_and_load_rooms([booking.room_id, new_room_id])
                if new_room_id not in locked:
                    raise InvalidInput.field(
                        "body", "room_id", f"room {new_room_id} does not exist", "unknown"
                    )
                room = locked[new_room_id]
                if room.requires_approval and not actor.is_staff:
                    booking.status = Status.pending
                rejected = await _check_slot(  # the owner stays
                    actor,
                    room,
                    new_start,
                    new_end,
                    booking.status,
                    booking.pk,
                    override,
                    booking.owner_id,
                )
                booking.room_id = room.id
                booking.start, booking.end = new_start, new_end
            if title is not None:
                booking.title = title
            if description is not None:
                booking.description = description
            if booking.series_id is not None:  # a change by hand: an exception of its series
                changed = occurrences.fields_changed(_slot_of(before), _slot_of(snapshot(booking)))
                booking.exception_fields = occurrences.mark(booking.exception_fields, changed)
            booking.version += 1
            await booking.save()
            await reject_overridden(actor, rejected, booking.pk)
            after = snapshot(booking) | ({"override": True} if override else {})
            await audit.record(
                actor, "booking.update", "booking", booking.pk, before=before, after=after
            )
            return booking

    async def on_overlap() -> BookingConflict:
        return await _conflict_from_database(
            actor, target["room_id"], target["start"], target["end"], booking_id
        )

    try:
        return await writes.run(attempt, on_overlap=on_overlap)
    except BookingConflict as conflict:
        if target:
            await offer_alternatives(
                actor, conflict, target["room_id"], target["start"], target["end"]
            )
        raise


async def _transition(
    actor: Actor,
    booking_id: int,
    expected: Expected | None,
    transition: states.Transition,
    reason: str = "",
) -> tuple[Booking, list[int]]:
    async def attempt() -> tuple[Booking, list[int]]:
        async with db.transaction():
            booking = await get_booking(actor, booking_id)
            await lock_rooms([booking.room_id])
            booking = await Booking.get(id=booking_id)  # re-read under the lock
            if expected is None:  # 428 first: the precondition is required
                versions.ensure(booking.version, expected, noun="booking", ident=booking.pk)
            # The state before a stale If-Match: more useful to the caller.
            to = states.check_transition(booking.pk, booking.status, transition, booking.reason)
            versions.ensure(booking.version, expected, noun="booking", ident=booking.pk)
            states.check_not_history(
                booking.pk, booking.end, datetime.now(UTC), is_staff=actor.is_staff
            )
            rejected: list[int] = []
            if to == Status.confirmed:
                room = await locked_room(booking.room_id)
                active, _ = await blockers(
                    room.building_id, room.id, booking.start, booking.end, ACTIVE, booking.pk
                )
                rejected = _in_the_way(actor, room, active, to)
            before = snapshot(booking)
            booking.status = to
            if to == Status.cancelled and booking.series_id is not None:
                booking.exception_fields = occurrences.mark(booking.exception_fields, ["status"])
            if reason:
                booking.reason = reason
            booking.version += 1
            await booking.save(
                update_fields=["status", "reason", "exception_fields", "version", "updated_at"]
            )
            await reject_overridden(actor, rejected, booking.pk)
            await audit.record(
                actor,
                f"booking.{transition.verb}",
                "booking",
                booking.pk,
                before=before,
                after=snapshot(booking),
            )
            return booking, rejected

    async def on_overlap() -> BookingConflict:
        booking = await Booking.get(id=booking_id)
        return await _conflict_from_database(
            actor, booking.room_id, booking.start, booking.end, booking_id
        )

    return await writes.run(attempt, on_overlap=on_overlap)


async def cancel_booking(
    actor: Actor, booking_id: int, *, expected: Expected | None, reason: str = ""
) -> Booking:
    require_scope(actor, Scope.write)
    booking, _ = await _transition(actor, booking_id, expected, states.CANCEL, reason)
    return booking


async def approve_booking(
    actor: Actor, booking_id: int, *, expected: Expected | None
) -> tuple[Booking, list[int]]:
    """Confirm a pending request and reject every pending request it overlaps, in one
    transaction. Returns the booking and the ids of the rejected requests."""
    require_staff(actor)
    return await _transition(actor, booking_id, expected, states.APPROVE)


async def reject_booking(
    actor: Actor, booking_id: int, *, expected: Expected | None, reason: str = ""
) -> Booking:
    require_staff(actor)
    booking, _ = await _transition(actor, booking_id, expected, states.REJECT, reason)
    return booking
