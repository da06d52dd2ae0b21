"""Bookings: create, move, cancel, approve, reject (reading them: ``booking_reads``).

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
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from compax_server import db
from compax_server.db import rooms as rooms_db
from compax_server.db.bookings import Booking, Status, insert_booking, new_booking
from compax_server.db.idempotency import IdempotencyKey
from compax_server.db.room_locks import (
    LockedSlot,
    insert_booking_if_unchanged,
    lock_and_load_rooms,
    lock_rooms,
)
from compax_server.db.users import User
from compax_server.domain import bookings as states
from compax_server.domain import occurrences, versions
from compax_server.domain.versions import Expected
from compax_server.errors import (
    BookingConflict,
    Forbidden,
    InvalidInput,
)
from compax_server.services import audit, checkin, idempotency, limits, managers, writes
from compax_server.services import booking_checks as checks
from compax_server.services.actors import Actor, Scope, require_scope
from compax_server.services.booking_reads import get_booking
from compax_server.services.booking_views import slot_of, snapshot
from compax_server.services.seats import NOT_GIVEN, NotGiven, check_seats

log = logging.getLogger("compax.bookings")


# -- writes ------------------------------------------------------------------------------


async def _replay(actor: Actor, scope: str, key: str, request_hash: str) -> Booking | None:
    record = await IdempotencyKey.get_or_none(user_id=actor.user_id, scope=scope, key=key)
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise idempotency.key_reused()
    return await Booking.get(id=record.resource_id)


def _planned(booking: Booking) -> bool:
    return occurrences.keeps_hand_changes(booking.series_id, booking.source)


@dataclass
class Created:
    booking: Booking
    replayed: bool = False
    timezone: str | None = None  # the room's zone, when the write loaded it (no second query)


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
    attendees: int | None = None,
) -> Created:
    """Book a room. Staff bookings (and members' bookings of rooms that do not require
    approval) are confirmed; members' bookings of rooms that require approval are pending."""
    require_scope(actor, Scope.write)
    start, end = checks.check_times(start, end, override=override)
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
        | ({"attendees": attendees} if attendees is not None else {})
    )
    if idempotency_key:
        async with db.transaction():
            replay = await _replay(actor, "booking.create", idempotency_key, request_hash)
        if replay is not None:
            return Created(replay, replayed=True)

    def created(booking: Booking) -> dict[str, Any]:
        return snapshot(booking) | ({"override": True} if override else {})

    async def decide(slot: LockedSlot) -> tuple[Booking, list[int]]:
        """The booking the slot allows (not saved yet) and the pending requests it overrides:
        the state, the seats, the rules and what is in the way (409, 422)."""
        room = slot.room
        status = checks.new_status(actor, room)
        check_seats(actor, room.code, room.capacity, attendees, override=override)
        overridden = await checks.check_slot(
            actor, room, start, end, status, None, override, owner, slot
        )
        booking = new_booking(
            room_id=room.id,
            owner_id=owner,
            title=title,
            description=description,
            start=start,
            end=end,
            status=status,
            created_by_id=actor.user_id,
            attendees=attendees,
        )
        return booking, overridden

    async def unlocked() -> Created | None:
        """When the create is one INSERT and its audit event (no idempotency key to keep, no
        request overridden, no late check-in): decided on a read without the room's lock and
        inserted only if nobody changed the room since, two statements and no transaction.
        ``None`` where it does not apply or the room changed: the caller writes under the
        lock. (PostgreSQL; see ``db.room_locks.peek_slot``.)"""
        if idempotency_key:
            return None
        slot = await checks.peek_slot(room_id, start, end)
        if slot is None or slot.stamp is None:
            return None
        booking, overridden = await decide(slot)
        if overridden or start <= checkin.now():
            return None
        event = audit.event(actor, "booking.create", "booking", None, None, created(booking))
        if await insert_booking_if_unchanged(booking, slot.stamp, event) is None:
            return None
        audit.written(event)
        return Created(booking, timezone=slot.room.timezone)

    async def attempt() -> Created:
        made = await unlocked()
        if made is not None:
            return made
        async with db.transaction():
            slot = await checks.locked_slot(room_id, start, end)
            room = slot.room
            if idempotency_key:
                replay = await _replay(actor, "booking.create", idempotency_key, request_hash)
                if replay is not None:
                    return Created(replay, replayed=True)
            booking, overridden = await decide(slot)
            await insert_booking(booking)
            await checks.reject_overridden(actor, overridden, booking.pk)
            late = await checkin.late_checkin(booking, room.building_id)
            if idempotency_key:
                await IdempotencyKey.create(
                    user_id=actor.user_id,
                    scope="booking.create",
                    key=idempotency_key,
                    request_hash=request_hash,
                    resource_id=booking.pk,
                )
            after = created(booking)
            if late is not None:  # booked after the check-in window opened: counts as one
                after["checked_in_at"] = late.isoformat()
            await audit.record(actor, "booking.create", "booking", booking.pk, after=after)
            return Created(booking, timezone=room.timezone)

    async def on_overlap() -> BookingConflict:
        return await checks.conflict_from_database(actor, room_id, start, end, None)

    try:
        return await writes.run(attempt, on_overlap=on_overlap, changed=lambda c: not c.replayed)
    except IntegrityError:
        if idempotency_key:  # a concurrent request with the key won its insert: a key
            # reused for another room (the same request waits for the room's lock and replays)
            async with db.transaction():
                replay = await _replay(actor, "booking.create", idempotency_key, request_hash)
            if replay is not None:
                return Created(replay, replayed=True)
        raise
    except BookingConflict as conflict:
        await checks.offer_alternatives(conflict, room_id, start, end)
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
    attendees: int | NotGiven | None = NOT_GIVEN,
    reset_exceptions: bool = False,
) -> Booking:
    """Rename or move a booking (time and/or room) in one transaction. A move is checked like
    a new booking; a member moving into a room that requires approval makes it pending, and
    a pending request moved to a room that requires none is confirmed.

    What a person changes on an occurrence of a series or a booking of an import is recorded
    in ``exception_fields``, which later series edits and imports keep; ``reset_exceptions``
    clears them instead (with any change made in the same request), handing the booking back
    to its series or import: their next change sets every field again."""
    require_scope(actor, Scope.write)
    target: dict[str, Any] = {}

    async def attempt() -> tuple[Booking, bool]:  # the booking, and whether it was changed
        async with db.transaction():
            booking = await get_booking(actor, booking_id, change=True)
            versions.ensure(booking.version, expected, noun="booking", ident=booking.pk)
            states.check_changeable(booking.pk, booking.status)
            states.check_not_history(booking.pk, booking.end, limits.now(), is_staff=actor.is_staff)
            before = snapshot(booking)
            new_room_id = room_id if room_id is not None else booking.room_id
            new_start, new_end = start or booking.start, end or booking.end
            if start is not None or end is not None:
                new_start, new_end = checks.check_times(new_start, new_end, override=override)
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
                    raise checks.no_room(new_room_id)
                room = locked[new_room_id]
                booking.status = checks.moved_status(actor, room, booking.status)
                rejected = await checks.check_slot(  # the owner stays
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
            if not isinstance(attendees, NotGiven):
                booking.attendees = attendees
            if moved or not isinstance(attendees, NotGiven):
                room_of = await rooms_db.room_info(booking.room_id, removed_too=True)
                if room_of is not None:
                    check_seats(
                        actor, room_of.code, room_of.capacity, booking.attendees, override=override
                    )
            if title is not None:
                booking.title = title
            if description is not None:
                booking.description = description
            if reset_exceptions:
                booking.exception_fields = []
            elif _planned(booking):  # a change by hand: an exception the series or import keeps
                changed = occurrences.fields_changed(slot_of(before), slot_of(snapshot(booking)))
                booking.exception_fields = occurrences.mark(booking.exception_fields, changed)
            if snapshot(booking) == before:  # the values it had: nothing to write or tell
                return booking, False
            booking.version += 1
            await booking.save()
            if moved:
                await checkin.late_checkin(booking, room.building_id)
            await checks.reject_overridden(actor, rejected, booking.pk)
            after = snapshot(booking) | ({"override": True} if override else {})
            await audit.record(
                actor, "booking.update", "booking", booking.pk, before=before, after=after
            )
            return booking, True

    async def on_overlap() -> BookingConflict:
        return await checks.conflict_from_database(
            actor, target["room_id"], target["start"], target["end"], booking_id
        )

    try:
        booking, _ = await writes.run(attempt, on_overlap=on_overlap, changed=lambda done: done[1])
        return booking
    except BookingConflict as conflict:
        if target:
            await checks.offer_alternatives(
                conflict, target["room_id"], target["start"], target["end"]
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
            booking = await get_booking(actor, booking_id, change=transition is states.CANCEL)
            await lock_rooms([booking.room_id])
            booking = await Booking.get(id=booking_id)  # re-read under the lock
            if expected is None:  # 428 first: the precondition is required
                versions.ensure(booking.version, expected, noun="booking", ident=booking.pk)
            # The state before a stale If-Match: more useful to the caller.
            to = states.check_transition(booking.pk, booking.status, transition, booking.reason)
            versions.ensure(booking.version, expected, noun="booking", ident=booking.pk)
            states.check_not_history(booking.pk, booking.end, limits.now(), is_staff=actor.is_staff)
            rejected: list[int] = []
            if to == Status.confirmed:
                slot = await checks.locked_slot(
                    booking.room_id, booking.start, booking.end, booking.pk
                )
                room = slot.room
                rejected = checks.in_the_way(actor, room, slot.bookings, to)
            before = snapshot(booking)
            booking.status = to
            if to == Status.cancelled and _planned(booking):
                booking.exception_fields = occurrences.mark(booking.exception_fields, ["status"])
            if reason:
                booking.reason = reason
            booking.version += 1
            await booking.save(
                update_fields=["status", "reason", "exception_fields", "version", "updated_at"]
            )
            await checks.reject_overridden(actor, rejected, booking.pk)
            if to == Status.confirmed:
                await checkin.late_checkin(booking, room.building_id)
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
        return await checks.conflict_from_database(
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
    transaction. Returns the booking and the ids of the rejected requests. Staff and the
    room's managers decide."""
    await managers.require_decider(actor, booking_id)
    return await _transition(actor, booking_id, expected, states.APPROVE)


async def reject_booking(
    actor: Actor, booking_id: int, *, expected: Expected | None, reason: str = ""
) -> Booking:
    await managers.require_decider(actor, booking_id)
    booking, _ = await _transition(actor, booking_id, expected, states.REJECT, reason)
    return booking
