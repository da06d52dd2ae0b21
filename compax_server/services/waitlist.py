"""Waitlists: join, read, leave, and answer an offer (how offers are made and expire:
``services.waitlist_offers``).

A member waits for one room, or for any room that fits (building, seats, features), for a
window in the future, at most ``COMPAX_WAITLIST_MAX_ENTRIES`` open entries at a time. When
the slot is free already on joining, the offer comes at once. Members see and change their
own entries (anyone else's is a 404); staff see everyone's and may withdraw any.

Accepting turns the held booking into a real one through the booking checks (the member's
rules apply again; a room that needs approval makes it a pending request), in the same
transaction that ends the entry: the hold is consumed atomically, and an offer that expired
meanwhile is a 409. Declining or leaving cancels the hold, and the slot passes to the next
in line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from compax_server import runtime
from compax_server.db import rooms as rooms_db
from compax_server.db import transaction
from compax_server.db import waitlist as waitlist_db
from compax_server.db.bookings import Booking, Status
from compax_server.db.rooms import Building
from compax_server.db.waitlist import WaitlistEntry
from compax_server.domain import waitlist as rules
from compax_server.domain.waitlist import OPEN, EntryState
from compax_server.domain.words import listed
from compax_server.errors import Conflict, InvalidInput, NotFound, RuleViolation
from compax_server.services import audit, checkin, writes
from compax_server.services import booking_checks as checks
from compax_server.services.actors import Actor, Scope, require_scope
from compax_server.services.booking_views import snapshot
from compax_server.services.paging import page_by_id
from compax_server.services.waitlist_offers import actor_for, entry_view, lapse, now, offer_entry

MAX_FEATURES = 20


@dataclass
class Join:
    title: str
    start: datetime
    end: datetime
    room_id: int | None = None
    building_id: int | None = None
    min_capacity: int | None = None
    features: tuple[str, ...] = ()


async def _check_join(j: Join) -> tuple[datetime, datetime]:
    start, end = checks.check_times(j.start, j.end, override=False, overridable=False)
    moment = now()
    if start <= moment:
        raise InvalidInput.field(
            "body", "start", f"the window must start in the future (it is {moment.isoformat()})"
        )
    criteria = j.building_id is not None or j.min_capacity is not None or j.features
    if j.room_id is not None:
        if criteria:
            raise InvalidInput.field(
                "body",
                "room_id",
                "give room_id, or the criteria (building_id, min_capacity, features), not both",
                "exclusive",
            )
        room = await rooms_db.room_info(j.room_id)
        if room is None:
            raise checks.no_room(j.room_id)
        if not room.bookable:
            raise RuleViolation(
                f"room {room.code} is not bookable",
                errors=[{"rule": "not_bookable", "detail": f"room {room.code} is not bookable"}],
            )
    if (
        j.building_id is not None
        and not await Building.filter(id=j.building_id, deleted_at=None).exists()
    ):
        raise InvalidInput.field(
            "body", "building_id", f"building {j.building_id} does not exist", "unknown"
        )
    if j.features:
        known = await rooms_db.features_by_code(sorted(set(j.features)))
        missing = sorted(set(j.features) - set(known))
        if missing:
            raise InvalidInput.field(
                "body", "features", f"unknown {listed('feature', missing)}", "unknown"
            )
    return start, end


async def join(actor: Actor, j: Join) -> WaitlistEntry:
    """Wait for the room (or any room that fits) in the window; offered at once when free."""
    require_scope(actor, Scope.write)
    start, end = await _check_join(j)
    limit = runtime.settings().waitlist_max_entries

    async def attempt() -> WaitlistEntry:
        async with transaction():
            if await waitlist_db.open_count(actor.user_id) >= limit:
                detail = f"at most {limit} open waitlist entries per person; leave one first"
                raise RuleViolation(detail, errors=[{"rule": "waitlist_limit", "detail": detail}])
            same = await WaitlistEntry.filter(
                user_id=actor.user_id,
                state__in=list(OPEN),
                room_id=j.room_id,
                building_id=j.building_id,
                min_capacity=j.min_capacity,
                start=start,
                end=end,
            )
            for other in same:
                if sorted(other.features or []) == sorted(set(j.features)):
                    raise Conflict(
                        f"you already wait for this (waitlist entry {other.pk})",
                        entry_id=other.pk,
                    )
            entry = await WaitlistEntry.create(
                user_id=actor.user_id,
                title=j.title,
                room_id=j.room_id,
                building_id=j.building_id,
                min_capacity=j.min_capacity,
                features=sorted(set(j.features)),
                start=start,
                end=end,
                state=EntryState.waiting,
                joined_at=now(),
            )
            await audit.record(
                actor, "waitlist.join", "waitlist_entry", entry.pk, after=entry_view(entry)
            )
            return entry

    entry = await writes.run(attempt, changed=lambda _: False)
    await offer_entry(entry)  # free already: the offer comes at once
    return await WaitlistEntry.get(id=entry.pk)


def _visible(actor: Actor, entry: WaitlistEntry | None, entry_id: int) -> WaitlistEntry:
    if entry is None or not (actor.is_staff or entry.user_id == actor.user_id):
        raise NotFound(f"waitlist entry {entry_id} does not exist")
    return entry


async def get_entry(actor: Actor, entry_id: int) -> WaitlistEntry:
    require_scope(actor, Scope.read)
    return _visible(actor, await WaitlistEntry.get_or_none(id=entry_id), entry_id)


async def list_entries(
    actor: Actor,
    *,
    states: list[EntryState],
    user_id: int | None,
    room_id: int | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[WaitlistEntry], str | None]:
    """Members: their own entries; staff: everyone's (``user_id`` narrows). Oldest first."""
    require_scope(actor, Scope.read)
    query = WaitlistEntry.all()
    if not actor.is_staff:
        query = query.filter(user_id=actor.user_id)
    elif user_id is not None:
        query = query.filter(user_id=user_id)
    if states:
        query = query.filter(state__in=states)
    if room_id is not None:
        query = query.filter(room_id=room_id)
    return await page_by_id(query, limit, cursor)


async def _end(
    actor: Actor, entry_id: int, wanted: tuple[EntryState, ...], to: EntryState, action: str
) -> WaitlistEntry:
    require_scope(actor, Scope.write)

    async def attempt() -> WaitlistEntry:
        async with transaction():
            entry = _visible(actor, await waitlist_db.lock_entry(entry_id), entry_id)
            rules.check_open(entry.pk, entry.state, wanted=wanted)
            return await lapse(entry, to, to.value, actor, action)

    return await writes.run(attempt)


async def leave(actor: Actor, entry_id: int) -> WaitlistEntry:
    """Stop waiting (an offer the entry holds is withdrawn and passes to the next)."""
    return await _end(actor, entry_id, OPEN, EntryState.left, "waitlist.leave")


async def decline(actor: Actor, entry_id: int) -> WaitlistEntry:
    """Decline the offer: the slot passes to the next in line."""
    return await _end(
        actor, entry_id, (EntryState.offered,), EntryState.declined, "waitlist.decline"
    )


async def accept(actor: Actor, entry_id: int) -> tuple[WaitlistEntry, Booking]:
    """Take the offered room: the held booking becomes the member's booking."""
    require_scope(actor, Scope.write)

    async def attempt() -> tuple[WaitlistEntry, Booking]:
        async with transaction():
            entry = _visible(actor, await WaitlistEntry.get_or_none(id=entry_id), entry_id)
            rules.check_open(entry.pk, entry.state, wanted=(EntryState.offered,))
            assert entry.booking_id is not None
            held = await Booking.get(id=entry.booking_id)
            room = await checks.locked_room(held.room_id)  # the room first, then the entry
            entry = _visible(actor, await waitlist_db.lock_entry(entry_id), entry_id)
            rules.check_open(entry.pk, entry.state, wanted=(EntryState.offered,))
            moment = now()
            expires = entry.offer_expires_at or moment  # always set on an offer
            if expires <= moment:
                raise Conflict(
                    f"the offer of waitlist entry {entry_id} expired at {expires.isoformat()}; "
                    "it passes to the next in line",
                    entry_state=entry.state.value,
                    offer_expires_at=expires.isoformat(),
                )
            booking = await Booking.get(id=held.pk)
            if booking.status != Status.held:
                raise Conflict(
                    f"the offer of waitlist entry {entry_id} was withdrawn "
                    f"(booking {booking.pk} is {booking.status.value})",
                    booking_status=booking.status.value,
                )
            owner = await actor_for(entry.user_id)
            if owner is None:
                raise NotFound(f"waitlist entry {entry_id} does not exist")
            status = checks.new_status(owner, room)
            rejected = await checks.check_slot(
                owner, room, booking.start, booking.end, status, booking.pk, False, owner.user_id
            )
            before = snapshot(booking)
            booking.status = status
            booking.version += 1
            await booking.save(update_fields=["status", "version", "updated_at"])
            await checks.reject_overridden(actor, rejected, booking.pk)
            await checkin.late_checkin(booking, room.building_id)
            after = snapshot(booking) | {"waitlist_entry_id": entry.pk}
            await audit.record(
                actor, "booking.create", "booking", booking.pk, before=before, after=after
            )
            entry_before = entry_view(entry)
            entry.state = EntryState.accepted
            entry.ended_at = moment
            entry.version += 1
            await entry.save(update_fields=["state", "ended_at", "version", "updated_at"])
            await audit.record(
                actor,
                "waitlist.accept",
                "waitlist_entry",
                entry.pk,
                before=entry_before,
                after=entry_view(entry),
            )
            return entry, booking

    return await writes.run(attempt)


@dataclass(frozen=True)
class Offer:
    """What the page of an offer's link shows."""

    entry: WaitlistEntry
    room_code: str
    room_name: str
    timezone: str


async def by_link(entry_id: int, offer_number: int, token: str) -> tuple[WaitlistEntry, Actor]:
    """The entry and its member behind the link of an offer's email (a 404 for a wrong or
    outdated link: a later offer of the entry has another). The link acts for the member
    on that one offer: read it, accept it, decline it."""
    entry = await WaitlistEntry.get_or_none(id=entry_id)
    secret = runtime.settings().secret_key
    if (
        entry is None
        or entry.offers != offer_number
        or not rules.token_matches(secret, entry_id, offer_number, token)
    ):
        raise NotFound("this offer link is not valid (a newer offer has its own link)")
    actor = await actor_for(entry.user_id)
    if actor is None:
        raise NotFound("this offer link is not valid")
    return entry, actor


async def offer_by_link(entry_id: int, offer_number: int, token: str) -> Offer:
    entry, _ = await by_link(entry_id, offer_number, token)
    booking = await Booking.get_or_none(id=entry.booking_id) if entry.booking_id else None
    room = await rooms_db.room_info(booking.room_id, removed_too=True) if booking else None
    if room is None:
        raise NotFound("this offer link is not valid")
    return Offer(entry, room.code, room.name, room.timezone)


async def answer_by_link(entry_id: int, offer_number: int, token: str, answer: str) -> Offer:
    """Accept or decline the offer behind the link, as its member."""
    _, actor = await by_link(entry_id, offer_number, token)
    if answer == "accept":
        await accept(actor, entry_id)
    elif answer == "decline":
        await decline(actor, entry_id)
    else:
        raise InvalidInput.field("body", "answer", "accept or decline", "enum")
    return await offer_by_link(entry_id, offer_number, token)
