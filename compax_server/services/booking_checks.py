"""The checks and consequences every booking write shares: the time bounds, the rules of a
room (hours, closures, booking rules, quotas), the bookings in the way, and what a change
does to other bookings (overridden requests rejected, bookings hit by a closure or holiday).

Bookings, series, imports, closures and terms call these; the decisions themselves are in
``domain.slots`` and ``domain.bookings``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from compax_server import runtime
from compax_server.db import room_locks
from compax_server.db import users as users_db
from compax_server.db.bookings import Booking, BookingRow, Status, blockers, overlapping
from compax_server.db.room_locks import (
    LockedSlot,
    RoomForBooking,
    lock_room,
    lock_room_with_blockers,
)
from compax_server.db.users import Role
from compax_server.domain import bookings as states
from compax_server.domain import bounds, slots
from compax_server.domain.words import agree, counted, them
from compax_server.errors import BookingConflict, ClosureHitsBookings, InvalidInput, RuleViolation
from compax_server.services import audit, availability, limits, rules
from compax_server.services.actors import Actor, require_staff_or_manager
from compax_server.services.booking_views import conflict_view, snapshot

log = logging.getLogger("compax.bookings")

ACTIVE = list(states.ACTIVE)
OCCUPYING = list(states.OCCUPYING)  # what a new booking checks against


def check_times(
    start: datetime, end: datetime, *, override: bool, overridable: bool = True
) -> tuple[datetime, datetime]:
    """A booking's window in UTC, inside the accepted range and the length limits (checked
    before anything walks it: opening hours, rules, overlap lookups). A waitlist entry is
    not ``overridable``: its refusal does not offer staff's override."""
    max_length = timedelta(hours=runtime.settings().max_booking_hours)
    return bounds.check_window(
        start, end, max_length=max_length, override=override, overridable=overridable
    )


def new_status(actor: Actor, room: RoomForBooking) -> Status:
    """A new booking's state: pending in a room that requires approval, unless the actor
    decides there (staff, or the room's manager); confirmed everywhere else."""
    waits = room.requires_approval and not actor.cares_for(room.id)
    return Status.pending if waits else Status.confirmed


def moved_status(actor: Actor, room: RoomForBooking, status: Status) -> Status:
    """A booking's state once moved to ``room`` (another room or time): it waits again where
    a new booking would, and a waiting request moved where no approval is needed is
    confirmed, as a new booking there would be; a move by someone who decides there keeps
    the state (moving a request is not approving it)."""
    if not room.requires_approval:
        return Status.confirmed
    return status if actor.cares_for(room.id) else Status.pending


def no_room(room_id: int) -> InvalidInput:
    """The 400 for a ``room_id`` that names no room (or a removed one)."""
    return InvalidInput.field("body", "room_id", f"room {room_id} does not exist", "unknown")


async def locked_room(room_id: int) -> RoomForBooking:
    room = await lock_room(room_id)
    if room is None:
        raise no_room(room_id)
    return room


async def locked_slot(
    room_id: int, start: datetime, end: datetime, exclude_id: int | None = None
) -> LockedSlot:
    """The room locked for a write of ``[start, end)``, with the bookings a new booking
    checks against (``OCCUPYING``) and the closures there, read under the lock."""
    slot = await lock_room_with_blockers(room_id, start, end, OCCUPYING, exclude_id)
    if slot is None:
        raise no_room(room_id)
    return slot


async def peek_slot(room_id: int, start: datetime, end: datetime) -> LockedSlot | None:
    """What ``locked_slot`` reads, without the lock (``db.room_locks.peek_slot``): ``None``
    where that cannot serve a write (SQLite) or the room does not exist."""
    return await room_locks.peek_slot(room_id, start, end, OCCUPYING)


async def check_slot(
    actor: Actor,
    room: RoomForBooking,
    start: datetime,
    end: datetime,
    status: Status,
    exclude_id: int | None,
    override: bool,
    owner_id: int,
    found: LockedSlot | None = None,
) -> list[int]:
    """Check ``[start, end)`` in the (locked) room: the rules (422, unless staff or the
    room's managers override) and the bookings in the way (409). Returns the ids of the
    pending requests that a new confirmed booking overrides (to be rejected). ``found`` is
    what ``locked_slot`` read already for this window, else it is read here."""
    if found is not None:
        active, closures = found.bookings, found.closures
    else:
        active, closures = await blockers(
            room.building_id, room.id, start, end, OCCUPYING, exclude_id
        )
    if override:
        require_staff_or_manager(actor, room_id=room.id)
    else:
        problems = slots.room_problems(room, start, end, closures)
        problems += await limit_violations(actor, room, owner_id, [(start, end)], exclude_id)
        if problems:
            raise_rule_violations(actor, problems)
    return in_the_way(actor, room, active, status)


async def limit_violations(
    actor: Actor,
    room: RoomForBooking,
    owner_id: int,
    windows: list[tuple[datetime, datetime]],
    exclude_id: int | None = None,
    *,
    quota: bool = True,
) -> list[dict[str, Any]]:
    """The booking rules (duration, horizon, notice; the weekly quota of a member owner,
    unless ``quota`` is false: a series counts its dates together) for new bookings at
    ``windows``; and no booking of a member may end in the past. "Now" is ``limits.now()``,
    the one clock tests hold still."""
    now = limits.now()
    problems: list[dict[str, Any]] = []
    if not actor.is_staff and any(end <= now for _, end in windows):
        problems.append({"rule": "in_the_past", "detail": "the booking would end in the past"})
    room_rules = await rules.limits_for(room.id, room.building_id)
    if room_rules.empty:
        return problems
    for start, end in windows:
        for problem in rules.time_violations(room_rules, start, end, now):
            if problem not in problems:
                problems.append(problem)
    if quota and await is_member(actor, owner_id):
        problems += await rules.quota_violations(
            room_rules, room, owner_id, windows, [exclude_id] if exclude_id else None
        )
    return problems


async def is_member(actor: Actor, owner_id: int) -> bool:
    if owner_id == actor.user_id:
        return actor.role == Role.member
    return await users_db.role_of(owner_id) == Role.member


def raise_rule_violations(actor: Actor, problems: list[dict[str, Any]]) -> None:
    raise RuleViolation(
        "; ".join(p["detail"] for p in problems)
        + (" (staff may override)" if actor.is_staff else ""),
        errors=problems,
    )


def in_the_way(
    actor: Actor, room: RoomForBooking, active: list[BookingRow], status: Status
) -> list[int]:
    """409 when a confirmed booking or a waitlist hold is among ``active``; else the pending
    requests that a confirmed booking overrides."""
    confirmed = [b for b in active if b.status in states.BLOCKING]
    if confirmed:
        first = confirmed[0]
        what = "held for a waiting member" if first.status == Status.held else "booked"
        raise BookingConflict(
            f"room {room.code} is {what} from {first.start.isoformat()} to {first.end.isoformat()}",
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
    naming the cause. A waitlist offer's hold ended so withdraws the offer: its member waits
    again, their place in line kept."""
    if booking.status == Status.held:  # its entry first: accepting and expiry lock it so too
        from compax_server.services import waitlist_offers  # it imports this module

        await waitlist_offers.withdraw(actor, booking, reason)
        await booking.refresh_from_db()  # its expiry takes no room lock: it may have ended it
        if booking.status != Status.held:
            return
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
            f"{what} would cover {counted(len(hit), 'booking')}; send on_bookings=cancel to "
            f"cancel {them(len(hit))} ({agree(len(hit), 'its owner sees', 'their owners see')} "
            f"why), or on_bookings=keep to keep {them(len(hit))}",
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


async def conflict_from_database(
    actor: Actor, room_id: int, start: datetime, end: datetime, exclude_id: int | None
) -> BookingConflict:
    """The database refused an overlap that the service check did not see: name it."""
    confirmed = await overlapping(room_id, start, end, list(states.BLOCKING), exclude_id)
    return BookingConflict(
        "the room was booked for that time a moment ago",
        conflicts=[conflict_view(actor, b) for b in confirmed],
    )


async def offer_alternatives(
    conflict: BookingConflict, room_id: int, start: datetime, end: datetime
) -> None:
    """Add up to three free rooms with the seats and features of ``room_id``
    (``availability.alternatives``: the same building first, then the smallest)."""
    try:
        conflict.extra["alternatives"] = await availability.alternatives(room_id, start, end)
    except Exception:  # alternatives are a courtesy: never turn a 409 into a 500
        log.exception("finding alternatives failed")
        conflict.extra["alternatives"] = []
