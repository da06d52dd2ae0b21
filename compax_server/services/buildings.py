"""Buildings and their closures. Staff and admins write; everyone signed in reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from compax_server.db import rooms as rooms_db
from compax_server.db import transaction
from compax_server.db.bookings import Booking, Status
from compax_server.db.room_locks import lock_rooms
from compax_server.db.rooms import Building, Closure, Room
from compax_server.domain import bounds, hours, versions
from compax_server.domain.versions import Expected
from compax_server.domain.waitlist import Slot
from compax_server.domain.words import counted, them
from compax_server.errors import (
    AlreadyExists,
    Conflict,
    InvalidInput,
    NotFound,
)
from compax_server.services import audit, limits, search, waitlist_offers, writes
from compax_server.services import booking_checks as checks
from compax_server.services.actors import (
    Actor,
    Scope,
    require_scope,
    require_staff,
    require_staff_or_manager,
)
from compax_server.services.paging import DEFAULT_LIMIT, page_by_id, page_by_start


def snapshot(building: Building) -> dict[str, Any]:
    return {
        "code": building.code,
        "name": building.name,
        "timezone": building.timezone,
        "opening_hours": building.opening_hours,
    }


def closure_snapshot(closure: Closure) -> dict[str, Any]:
    return {
        "building_id": closure.building_id,
        "room_id": closure.room_id,
        "start": closure.start.isoformat(),
        "end": closure.end.isoformat(),
        "reason": closure.reason,
    }


async def get_building(actor: Actor, building_id: int, *, lock: bool = False) -> Building:
    """``lock``: inside a transaction, hold the row until it ends (a change)."""
    require_scope(actor, Scope.read)
    query = Building.filter(id=building_id, deleted_at=None)
    building = await (query.select_for_update() if lock else query).first()
    if building is None:
        raise NotFound(f"building {building_id} does not exist")
    return building


async def list_buildings(
    actor: Actor, *, limit: int, cursor: str | None, code: str | None = None
) -> tuple[list[Building], str | None]:
    require_scope(actor, Scope.read)
    query = Building.filter(deleted_at=None)
    if code is not None:
        query = query.filter(code=code)
    return await page_by_id(query, limit, cursor)


async def create_building(
    actor: Actor,
    *,
    code: str,
    name: str,
    timezone: str,
    opening_hours: dict[str, Any] | None = None,
) -> Building:
    require_staff(actor)
    hours.zone(timezone)
    opening = hours.check_opening_hours(opening_hours)
    try:
        async with transaction():
            building = await Building.create(
                code=code, name=name, timezone=timezone, opening_hours=opening
            )
            await audit.record(
                actor, "building.create", "building", building.pk, after=snapshot(building)
            )
    except IntegrityError:
        raise AlreadyExists(f"a building with the code {code} already exists") from None
    return building


async def update_building(
    actor: Actor, building_id: int, *, expected: Expected | None = versions.ANY, **changes: Any
) -> Building:
    """Change code, name, timezone or opening hours (``opening_hours=None`` = always open),
    made against the version ``expected`` (428 without one, 412 when stale; in-process
    callers may leave it out)."""
    require_staff(actor)
    if "timezone" in changes:
        hours.zone(changes["timezone"])
    if "opening_hours" in changes:
        changes["opening_hours"] = hours.check_opening_hours(changes["opening_hours"])
    try:
        async with transaction():
            building = await get_building(actor, building_id, lock=True)
            versions.ensure(building.version, expected, noun="building", ident=building.code)
            before = snapshot(building)
            for name, value in changes.items():
                setattr(building, name, value)
            if snapshot(building) == before:
                return building  # nothing changed: the same version, nothing audited
            building.version += 1
            await building.save()
            await audit.record(
                actor,
                "building.update",
                "building",
                building.pk,
                before=before,
                after=snapshot(building),
            )
    except IntegrityError:
        raise AlreadyExists(
            f"a building with the code {changes.get('code')} already exists"
        ) from None
    await search.changed()
    return building


async def delete_building(actor: Actor, building_id: int) -> None:
    require_staff(actor)
    async with transaction():
        await rooms_db.hold_building(building_id)  # no room is placed in it meanwhile
        building = await get_building(actor, building_id)
        rooms = await Room.filter(building_id=building.pk, deleted_at=None).count()
        if rooms:
            raise Conflict(
                f"building {building.code} still has {counted(rooms, 'room')}; remove "
                f"{them(rooms)} first",
                rooms=rooms,
            )
        await waitlist_offers.close_entries(
            actor,
            f"building {building.code} was removed",
            where=building.name,
            timezone=building.timezone,
            building_id=building.pk,
        )
        building.deleted_at = limits.now()
        await building.save(update_fields=["deleted_at", "updated_at"])
        await audit.record(
            actor, "building.delete", "building", building.pk, before=snapshot(building)
        )
    await search.changed()


# -- closures ----------------------------------------------------------------------------


def closure_window(
    building: Building,
    *,
    start: datetime | None,
    end: datetime | None,
    start_date: date | None,
    end_date: date | None,
) -> tuple[datetime, datetime]:
    """A closure is given as instants (``start``/``end``) or as whole local days
    (``start_date``..``end_date`` inclusive, in the building's zone)."""
    tz = hours.zone(building.timezone)
    if start_date is not None or end_date is not None:
        if start is not None or end is not None:
            raise InvalidInput.field(
                "body", "start", "give either start/end or start_date/end_date"
            )
        if start_date is None:
            raise InvalidInput.field("body", "start_date", "is required with end_date", "missing")
        last = end_date or start_date
        if last < start_date:
            raise InvalidInput.field("body", "end_date", "is before start_date", "invalid_interval")
        bounds.check_date(start_date, "start_date")
        bounds.check_date(last, "end_date")
        return hours.local_day_bounds(start_date, tz)[0], hours.local_day_bounds(last, tz)[1]
    if start is None or end is None:
        raise InvalidInput.field("body", "start", "give start and end, or start_date", "missing")
    return bounds.check_window(start, end)  # in 1970-2200; a closure may last years


@dataclass
class ClosureOutcome:
    closure: Closure
    policy: str
    hit: list[int] = field(default_factory=list)  # active bookings inside the closure


async def add_closure(
    actor: Actor,
    building_id: int,
    *,
    reason: str,
    room_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    on_bookings: str = "refuse",
) -> ClosureOutcome:
    """Close the building (or one room) for a time. A closure over bookings is never silent:
    ``on_bookings`` says what happens to the confirmed and pending bookings it hits:
    ``refuse`` (the default: a 409 that lists them, nothing written), ``cancel`` (each one
    cancelled with the closure's reason, audited) or ``keep`` (they stay, as staff-approved
    exceptions, listed in the audit event). The answer names the bookings hit. A room's
    managers may close it; a building's managers may close the building or any room of it."""
    require_staff_or_manager(
        actor, room_id=room_id, building_id=building_id if room_id is None else None
    )
    checks.check_hit_policy(on_bookings)

    async def attempt() -> ClosureOutcome:
        async with transaction():
            building = await get_building(actor, building_id)
            in_building = Room.filter(building_id=building.pk, deleted_at=None)
            if room_id is not None and not await in_building.filter(id=room_id).exists():
                raise InvalidInput.field(
                    "body", "room_id", f"room {room_id} is not in {building.code}", "unknown"
                )
            s, e = closure_window(
                building, start=start, end=end, start_date=start_date, end_date=end_date
            )
            room_ids = await closed_rooms(building.pk, room_id)
            await lock_rooms(room_ids)  # no booking slips in while the closure is made
            hit = (
                await Booking.filter(
                    room_id__in=room_ids, status__in=[Status.pending, Status.confirmed, Status.held]
                )
                .filter(start__lt=e, end__gt=s)
                .order_by("start", "id")
            )
            closure = await Closure.create(
                building=building, room_id=room_id, start=s, end=e, reason=reason
            )
            ids = await checks.act_on_hit(
                actor,
                hit,
                on_bookings,
                what="the closure",
                reason_of=lambda _: f"closed: {reason}",
                closure_id=closure.pk,
            )
            after = closure_snapshot(closure) | {"on_bookings": on_bookings, "booking_ids": ids}
            await audit.record(actor, "closure.create", "closure", closure.pk, after=after)
            return ClosureOutcome(closure, on_bookings, ids)

    return await writes.run(attempt)


async def list_closures(
    actor: Actor,
    building_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> tuple[list[Closure], str | None]:
    """A page of them by start (then id), and the cursor of the next: those that end after
    ``start`` and start before ``end``."""
    building = await get_building(actor, building_id)
    query = Closure.filter(building_id=building.pk)
    if start is not None:
        query = query.filter(end__gt=bounds.instant(start))
    if end is not None:
        query = query.filter(start__lt=bounds.instant(end))
    return await page_by_start(query, limit, cursor)


async def closed_rooms(building_id: int, room_id: int | None) -> list[int]:
    """The rooms a closure closes: its room, or every room of its building, by id."""
    if room_id is not None:
        return [room_id]
    live = Room.filter(building_id=building_id, deleted_at=None).order_by("id")
    return [r.pk for r in await live.only("id")]


async def delete_closure(actor: Actor, building_id: int, closure_id: int) -> None:
    """Staff, and the managers of what the closure closes (its room, or its building). The
    time it closed is offered at once to those waiting for it (each room's line), not left
    until the waitlist's sweep."""
    async with transaction():
        closure = await Closure.get_or_none(id=closure_id, building_id=building_id)
        require_staff_or_manager(
            actor,
            room_id=closure.room_id if closure else None,
            building_id=closure.building_id if closure and closure.room_id is None else None,
        )
        if closure is None:
            raise NotFound(f"closure {closure_id} of building {building_id} does not exist")
        await closure.delete()
        await audit.record(
            actor, "closure.delete", "closure", closure_id, before=closure_snapshot(closure)
        )
        rooms = await closed_rooms(building_id, closure.room_id)
    await search.changed()
    freed = [Slot(r, closure.start, closure.end) for r in rooms]
    await waitlist_offers.offer_freed(freed, [])
