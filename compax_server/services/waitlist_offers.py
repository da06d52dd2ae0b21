"""Waitlist offers: a freed slot goes to the first eligible waiting member, held for them.

**The hold is a booking.** An offer inserts a booking in the state ``held`` for the waiting
member. The database's one overlap rule covers blocking bookings, confirmed *or held*
(exclusion constraint on PostgreSQL, trigger on SQLite; migration 18), so a hold blocks
everyone else exactly like a confirmed booking: search and availability show the room as
taken (status ``held``), and anyone else's booking of the slot is a 409 that names the
hold. Accepting turns the same row into a confirmed (or, in a room that needs approval, a
pending) booking; an offer that lapses (declined, expired, entry left) cancels the hold.

**Who gets an offer.** ``services.writes.run`` reads, from the audit events of every
calendar write that committed, which slots it freed, and calls ``offer_freed``. Each slot
goes to the waiting entries whose window meets it and who would take that room (the room
itself, or criteria it fits), first come first: the first whose window is now entirely free
(no pending, confirmed or held booking, no closure) and whose booking the rules allow (the
member's own rules: duration, notice, quota, no-show ban...) gets it, and so on down the
line while any of the slot is left (a freed two hours serve two members waiting for one
hour each). An entry the rules refuse is passed over, with the reason on the entry, and
keeps waiting. An offer that staff withdrew (a closure or a room removal cancelled its hold)
puts its entry back in line, and after that write commits the entry is offered another room
that fits, like an entry joining.

**Races.** An offer runs in one transaction that first takes the room's booking lock: two
processes offering the same slot queue on it, and the second finds the hold of the first.
The entry is claimed with a conditional update (``waiting`` → ``offered``), so an entry that
waits for any fitting room never gets two offers. The database constraint stays the source
of truth: a hold that would overlap anything blocking is refused by it.

**Expiry.** ``tick`` runs in the worker loop of every server process: it lapses the offers
whose hold time passed (claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has
one writer), each lapse freeing its slot for the next in line through the same path; it
closes the waiting entries whose window began, the same way (each member is emailed); and
once a minute one process sweeps the waiting entries (a slot freed while no process was
running, or by a change that names no single booking, such as a series cancelled). All of it
uses the controlled clock (``services.limits.now``), so it catches up after downtime on its
first tick.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from compax_server import runtime
from compax_server.db import rooms as rooms_db
from compax_server.db import search as search_db
from compax_server.db import transaction
from compax_server.db import waitlist as waitlist_db
from compax_server.db.bookings import Booking, Status, blockers, insert_booking, new_booking
from compax_server.db.room_locks import LockedSlot, RoomForBooking, lock_room
from compax_server.db.rooms import Building, Room
from compax_server.db.users import User
from compax_server.db.waitlist import WaitlistEntry
from compax_server.domain import waitlist as rules
from compax_server.domain.waitlist import EntryState
from compax_server.errors import CompaxError
from compax_server.services import audit, limits, search, sessions, writes
from compax_server.services import booking_checks as checks
from compax_server.services.actors import Actor
from compax_server.services.booking_views import snapshot

log = logging.getLogger("compax.waitlist")

CANDIDATES = 50  # waiting entries looked at per freed slot
EXPIRE_BATCH = 100
SWEEP_EVERY = 60  # seconds between sweeps (one process per turn)
SWEEP_BATCH = 200
SWEEP_ROOMS = 20  # fitting rooms tried per criteria entry and sweep
SWEEP = "waitlist_sweep"


def now() -> datetime:
    return limits.now()


def hold_time() -> timedelta:
    return timedelta(minutes=runtime.settings().waitlist_hold_minutes)


def entry_view(entry: WaitlistEntry) -> dict[str, Any]:
    """The audit snapshot of an entry."""
    return {
        "user_id": entry.user_id,
        "title": entry.title,
        "room_id": entry.room_id,
        "building_id": entry.building_id,
        "min_capacity": entry.min_capacity,
        "features": list(entry.features or []),
        "start": entry.start.isoformat(),
        "end": entry.end.isoformat(),
        "state": entry.state.value,
        "booking_id": entry.booking_id,
        "offer_expires_at": entry.offer_expires_at.isoformat() if entry.offer_expires_at else None,
        "reason": entry.reason or None,
        "version": entry.version,
    }


def criteria_of(entry: WaitlistEntry) -> rules.Criteria:
    return rules.Criteria(
        room_id=entry.room_id,
        building_id=entry.building_id,
        min_capacity=entry.min_capacity,
        features=frozenset(entry.features or []),
    )


async def actor_for(user_id: int) -> Actor | None:
    """The waiting member as the actor of their booking (their rules, their rooms)."""
    user = await User.get_or_none(id=user_id, is_active=True)
    if user is None:
        return None
    managed = await sessions.managed(user.pk)
    return Actor(
        user_id=user.pk,
        email=user.email,
        role=user.role,
        managed_rooms=managed.rooms,
        managed_buildings=managed.buildings,
    )


# -- offering ------------------------------------------------------------------------------


async def offer_freed(slots: list[rules.Slot], withdrawn: list[int]) -> None:
    """After a write freed these slots: offer each to the first eligible waiting member;
    then the entries whose offer the write ``withdrew`` (a closure, a room removed), waiting
    again, are offered another room that fits (``offer_entry``), not left until the sweep.
    Never fails the write (the sweep tries again). With nobody waiting it costs one indexed
    query (a release of thousands of no-shows stays as fast)."""
    try:
        if not await waitlist_db.any_waiting(now()):
            return
    except Exception:
        log.exception("reading the waitlists failed; the sweep tries again")
        return
    for slot in slots[:CANDIDATES]:
        try:
            await offer_slot(slot)
        except Exception:
            log.exception("offering the freed slot %s failed; the sweep tries again", slot)
    for entry_id in withdrawn[:CANDIDATES]:
        try:
            entry = await WaitlistEntry.get_or_none(id=entry_id, state=EntryState.waiting)
            if entry is not None:  # not offered a freed slot just above, nor left meanwhile
                await offer_entry(entry)
        except Exception:
            log.exception("offering entry %s another room failed; the sweep tries again", entry_id)


async def offer_slot(slot: rules.Slot) -> None:
    """Offer the room to those in its line for ``slot``, first come first, whose window is
    entirely free there and whose rules allow the booking: a held booking and the entry
    ``offered``. The line is read and decided under the room's booking lock, in one
    transaction, so two processes offering one slot queue up and first come stays first
    served. Each offer is a ``writes.part``: a hold the database refuses (taken by a writer
    the check did not see) undoes that offer alone."""
    codes = await rooms_db.feature_codes([slot.room_id])
    features = frozenset(codes[slot.room_id])

    async def attempt() -> bool:
        offered = False
        async with transaction():
            room = await lock_room(slot.room_id)
            if room is None or not room.bookable:
                return False
            facts = rules.RoomFacts(
                room.id, room.building_id, room.capacity, room.bookable, features
            )
            moment = now()
            line = await waitlist_db.waiting_for(
                room.id, room.building_id, room.capacity, slot.start, slot.end, CANDIDATES
            )
            for entry in line:
                if entry.start <= moment or not rules.fits(criteria_of(entry), facts):
                    continue
                # a hold the database refuses undoes only itself; the next may have the rest
                async with writes.part():
                    offered = await _offer_to(entry, room, moment) or offered
        return offered

    # no offer made, nothing a search finds changed: the cached answers stay good
    await writes.run(attempt, changed=lambda offered: offered)


async def _offer_to(entry: WaitlistEntry, room: RoomForBooking, moment: datetime) -> bool:
    """Inside ``offer_slot``'s transaction: the offer to this entry, when it can have it;
    whether it was made."""
    active, closures = await blockers(
        room.building_id, room.id, entry.start, entry.end, checks.OCCUPYING
    )
    if active or closures:
        return False  # not free (yet) for this window
    actor = await actor_for(entry.user_id)
    if actor is None:
        return False
    try:
        await checks.check_slot(
            actor,
            room,
            entry.start,
            entry.end,
            Status.held,
            None,
            False,
            actor.user_id,
            found=LockedSlot(room, [], []),  # read just above: nothing in the way
        )
    except CompaxError as refused:
        reason = f"passed over for room {room.code}: {refused.detail}"[:500]
        await WaitlistEntry.filter(id=entry.pk).update(reason=reason)
        return False
    if not await waitlist_db.take_for_offer(entry.pk):
        return False  # offered another room meanwhile
    booking = await insert_booking(
        new_booking(
            room_id=room.id,
            owner_id=entry.user_id,
            title=entry.title,
            description="",
            start=entry.start,
            end=entry.end,
            status=Status.held,
            created_by_id=None,
        )
    )
    before = entry_view(entry)
    entry = await WaitlistEntry.get(id=entry.pk)
    entry.booking_id = booking.pk
    entry.offers += 1
    entry.offered_at = moment
    entry.offer_expires_at = moment + hold_time()
    entry.reason = ""
    await entry.save(
        update_fields=[
            "booking_id",
            "offers",
            "offered_at",
            "offer_expires_at",
            "reason",
            "updated_at",
        ]
    )
    after = entry_view(entry) | {"room_id": room.id, "offer": entry.offers}
    await audit.record(
        None, "waitlist.offer", "waitlist_entry", entry.pk, before=before, after=after
    )
    return True


async def offer_entry(entry: WaitlistEntry) -> bool:
    """Offer what is free to the waiting in line, for the rooms this entry would take (its
    room, or the free rooms that fit its criteria, smallest first). Each room goes to the
    first eligible in *its* line (``offer_slot``), which is this entry only when nobody
    earlier waits for it: joining never jumps the queue. Used on joining and by the sweep.
    Returns whether the entry holds an offer now."""
    if entry.room_id is not None:
        room_ids = [entry.room_id]
    else:
        feature_ids = await rooms_db.features_by_code(sorted(entry.features or []))
        if len(feature_ids) < len(entry.features or []):
            return False  # a feature nobody has any more
        room_filter = search_db.RoomFilter(
            min_capacity=entry.min_capacity,
            building_id=entry.building_id,
            feature_ids=sorted(feature_ids.values()),
        )  # a free room is a bookable one: find_rooms looks for free rooms
        c = search.Criteria(free_from=entry.start, free_to=entry.end)
        windows, _, _, _ = search.windows_of(c, await search.all_buildings())
        rows = await search_db.find_rooms(room_filter, windows, sort="best_fit", limit=SWEEP_ROOMS)
        room_ids = [int(r["id"]) for r in rows]
    for room_id in room_ids:
        await offer_slot(rules.Slot(room_id, entry.start, entry.end))
        if await WaitlistEntry.filter(id=entry.pk, state=EntryState.offered).exists():
            return True
    return False


# -- lapsing -------------------------------------------------------------------------------


async def lapse(
    entry: WaitlistEntry,
    to: EntryState,
    reason: str,
    actor: Actor | None,
    action: str,
    **after: Any,
) -> WaitlistEntry:
    """Inside a transaction: end an open entry (``to``); an offer's hold is cancelled, which
    frees its slot for the next in line once the transaction commits (``writes.run``).
    ``after`` adds to the entry's audited snapshot."""
    before = entry_view(entry)
    moment = now()
    if entry.state == EntryState.offered and entry.booking_id is not None:
        booking = await Booking.get_or_none(id=entry.booking_id)
        if booking is not None and booking.status == Status.held:
            held = snapshot(booking)
            booking.status = Status.cancelled
            # "waitlist offer expired", "... declined", "... closed: room R1 was removed"
            why = "" if reason == to.value else f": {reason}"
            booking.reason = f"waitlist offer {to.value}{why}"[:500]
            booking.version += 1
            await booking.save(update_fields=["status", "reason", "version", "updated_at"])
            await audit.record(
                actor, "booking.lapse", "booking", booking.pk, before=held, after=snapshot(booking)
            )
    entry.state = to
    entry.reason = reason
    entry.ended_at = moment
    entry.version += 1
    await entry.save(update_fields=["state", "reason", "ended_at", "version", "updated_at"])
    await audit.record(
        actor, action, "waitlist_entry", entry.pk, before=before, after=entry_view(entry) | after
    )
    return entry


async def close_entries(
    actor: Actor,
    because: str,
    *,
    user_id: int | None = None,
    room_id: int | None = None,
    building_id: int | None = None,
    **facts: str,
) -> list[int]:
    """Inside the transaction of a change that leaves open entries nothing to wait for:
    close them, with ``because`` as their reason; an offer's hold is cancelled. Which: a
    person's (deactivated), the entries naming a room (removed), or the entries whose
    criteria name a building (removed). Entries that wait for any fitting room keep waiting
    when a room goes (an offer of theirs there is withdrawn by ``withdraw``). ``facts`` go
    into each audited close (a removal's ``where`` and ``timezone``, for the member's
    email). Returns the ids of the entries it closed."""
    query = WaitlistEntry.filter(state__in=waitlist_db.OPEN_STATES)
    if user_id is not None:
        query = query.filter(user_id=user_id)
    elif room_id is not None:
        query = query.filter(room_id=room_id)
    else:
        query = query.filter(room_id=None, building_id=building_id)
    closed = []
    for found in await query.order_by("id").only("id"):
        entry = await waitlist_db.lock_entry(found.pk)
        if entry is None or entry.state not in rules.OPEN:
            continue  # expired or left meanwhile
        await lapse(entry, EntryState.closed, because, actor, "waitlist.close", **facts)
        closed.append(entry.pk)
    return closed


async def withdraw(actor: Actor | None, hold: Booking, because: str) -> None:
    """Inside the transaction that ends ``hold`` for a reason of staff's (a closure, the
    room removed), before the hold is written: its offer is withdrawn, and the entry waits again
    with its place in line (its join time) kept; once the write commits it is offered another
    room that fits (``offer_freed``), or this one should it come free again. Nothing when no
    open offer holds the booking."""
    found = await WaitlistEntry.get_or_none(booking_id=hold.pk, state=EntryState.offered)
    entry = await waitlist_db.lock_entry(found.pk) if found is not None else None
    if entry is None or entry.state != EntryState.offered or entry.booking_id != hold.pk:
        return
    before = entry_view(entry)
    entry.state = EntryState.waiting
    entry.booking_id = None
    entry.offer_expires_at = None
    entry.reason = f"the offer was withdrawn: {because}"[:500]
    entry.version += 1
    await entry.save(
        update_fields=["state", "booking_id", "offer_expires_at", "reason", "version", "updated_at"]
    )
    # the room and booking of the offer, as ``waitlist.offer`` names them
    after = entry_view(entry) | {"room_id": hold.room_id, "withdrawn": hold.pk, "because": because}
    await audit.record(
        actor, "waitlist.withdraw", "waitlist_entry", entry.pk, before=before, after=after
    )


# -- the worker's tick ---------------------------------------------------------------------


async def tick(moment: datetime | None = None) -> int:
    """Expire the offers whose hold ran out (each passes its slot on), close the entries
    whose window began, and, once a minute in one process, sweep the waiting entries.
    Costs one indexed query when nothing is due."""
    moment = moment or now()
    done = 0
    if await waitlist_db.any_due(moment):
        for state in (EntryState.offered, EntryState.waiting):
            while True:
                ended, more = await writes.run(partial(_end_due, state, moment))
                done += ended
                if not more:
                    break
    if not runtime.looked_within("waitlist.sweep", moment, timedelta(seconds=SWEEP_EVERY)):
        done += await sweep(moment)  # a turn is tried once a minute
    return done


BEGUN = "the window began before a room came free"


async def _end_due(state: EntryState, moment: datetime) -> tuple[int, bool]:
    """One batch of the entries due in ``state``: offers expire (each passes its slot on),
    waiting entries whose window began close (each member is emailed). Returns how many
    were due, and whether more may be."""
    async with transaction():
        ids = await waitlist_db.due(state, moment, EXPIRE_BATCH)
        found = {e.pk: e for e in await WaitlistEntry.filter(id__in=ids, state=state)}
        entries = [found[i] for i in ids if i in found]  # in the order they fell due
        if state == EntryState.offered:
            for entry in entries:
                await lapse(entry, EntryState.expired, "expired", None, "waitlist.expire")
        else:
            places = await waited_for(entries)
            for entry in entries:
                facts = places[entry.pk]
                await lapse(entry, EntryState.closed, BEGUN, None, "waitlist.close", **facts)
        return len(ids), len(ids) >= EXPIRE_BATCH


def room_place(room: Room, building: Building) -> str:
    """A room as a waitlist email names it: ``B1-101 Lecture hall, Main building``."""
    return f"{room.code} {room.name}, {building.name}"


async def waited_for(entries: list[WaitlistEntry]) -> dict[int, dict[str, str]]:
    """What each entry waited for, as its email says it: ``where`` (the room, or "any room"
    with its criteria) and ``timezone`` (its building's; for any building, the campus's
    zone when all buildings share one, else UTC)."""
    rooms = {r.pk: r for r in await Room.filter(id__in={e.room_id for e in entries})}
    wanted = {e.building_id for e in entries} | {r.building_id for r in rooms.values()}
    buildings = {b.pk: b for b in await Building.filter(id__in=wanted)}
    campus = "UTC"
    if any(e.room_id is None and e.building_id is None for e in entries):
        zones = await Building.filter(deleted_at=None).distinct().values_list("timezone", flat=True)
        campus = str(zones[0]) if len(zones) == 1 else "UTC"
    out = {}
    for e in entries:
        room = rooms.get(e.room_id or 0)
        building = buildings.get(room.building_id if room else e.building_id or 0)
        if room is not None and building is not None:
            where = room_place(room, building)
        else:
            parts = ["any room"]
            if e.min_capacity:
                parts.append(f"at least {e.min_capacity} seats")
            if e.features:
                parts.append(f"with {', '.join(e.features)}")
            if building is not None:
                parts.append(f"in {building.name}")
            where = ", ".join(parts)
        out[e.pk] = {"where": where, "timezone": building.timezone if building else campus}
    return out


async def sweep(moment: datetime, *, force: bool = False) -> int:
    """Offer what is free to the waiting entries, first come first (catch-up: slots freed
    while no process ran, or by changes that name no single booking). One process per
    ``SWEEP_EVERY`` seconds; ``force`` runs it now (tests, ``compax worker --once``)."""
    if not await waitlist_db.any_waiting(moment):
        return 0
    if not force:
        async with transaction():
            turn = await waitlist_db.take_turn(SWEEP, int(moment.timestamp()), SWEEP_EVERY)
        if not turn:
            return 0
    offered, after = 0, 0
    while True:
        page = await waitlist_db.waiting_page(moment, after, SWEEP_BATCH)
        for entry in sorted(page, key=lambda e: (e.joined_at, e.pk)):
            try:
                offered += await offer_entry(entry)
            except Exception:
                log.exception("sweeping waitlist entry %s failed", entry.pk)
        if len(page) < SWEEP_BATCH:
            return offered
        after = page[-1].pk
