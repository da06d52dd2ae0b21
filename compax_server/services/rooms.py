"""Rooms and the feature vocabulary. Staff and admins write; everyone signed in reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from compax_server.db import rooms as rooms_db
from compax_server.db import transaction
from compax_server.db.bookings import Booking, Status
from compax_server.db.room_locks import lock_rooms
from compax_server.db.rooms import Building, Feature, Room, RoomFeature, feature_codes
from compax_server.domain import versions
from compax_server.domain.versions import Expected
from compax_server.domain.words import counted, listed, them
from compax_server.errors import AlreadyExists, Conflict, Forbidden, InvalidInput, NotFound
from compax_server.services import audit, limits, search, waitlist_offers, writes
from compax_server.services import booking_checks as checks
from compax_server.services.actors import (
    Actor,
    Scope,
    require_scope,
    require_staff,
    require_staff_or_manager,
)

FEATURE_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
FEATURE_CODE_RULE = (
    "is not a feature code: 1 to 40 lowercase letters, digits, '_' or '-', e.g. projector"
)
MANAGER_FIELDS = frozenset({"description", "features"})  # what a room's managers may edit


async def snapshot(room: Room) -> dict[str, Any]:
    features = (await feature_codes([room.pk]))[room.pk]
    return {
        "code": room.code,
        "name": room.name,
        "building_id": room.building_id,
        "floor": room.floor,
        "capacity": room.capacity,
        "features": features,
        "bookable": room.bookable,
        "requires_approval": room.requires_approval,
        "description": room.description,
    }


# -- features ----------------------------------------------------------------------------


async def list_features(actor: Actor) -> list[Feature]:
    require_scope(actor, Scope.read)
    return await Feature.all().order_by("code")


async def create_feature(actor: Actor, *, code: str, name: str) -> Feature:
    require_staff(actor)
    if not FEATURE_CODE.match(code):
        raise InvalidInput.field("body", "code", FEATURE_CODE_RULE)
    try:
        async with transaction():
            feature = await Feature.create(code=code, name=name)
            await audit.record(
                actor, "feature.create", "feature", feature.pk, after={"code": code, "name": name}
            )
    except IntegrityError:
        raise AlreadyExists(f"the feature {code} already exists") from None
    return feature


async def resolve_features(codes: list[str], pointer: str = "features") -> list[Feature]:
    wanted = sorted(set(codes))
    found = await Feature.filter(code__in=wanted)
    missing = sorted(set(wanted) - {f.code for f in found})
    if missing:
        known = [
            str(c) for c in await Feature.all().order_by("code").values_list("code", flat=True)
        ]
        raise InvalidInput.field(
            "body",
            pointer,
            f"unknown {listed('feature', missing)}; known: {', '.join(known) or 'none yet'} "
            "(staff add features at POST /api/v1/features)",
            "unknown_feature",
        )
    return found


# -- rooms -------------------------------------------------------------------------------


async def get_room(actor: Actor, room_id: int) -> Room:
    require_scope(actor, Scope.read)
    room = await Room.get_or_none(id=room_id, deleted_at=None).select_related("building")
    if room is None:
        raise NotFound(f"room {room_id} does not exist")
    return room


async def zones_of(room_ids: list[int]) -> dict[int, str]:
    """The time zone of each room (its building's), to show times in: one query for all."""
    return await rooms_db.zones(room_ids)


async def _building(building_id: int) -> Building:
    """The live building a room is placed in, held until the caller's transaction ends."""
    await rooms_db.hold_building(building_id)
    building = await Building.get_or_none(id=building_id, deleted_at=None)
    if building is None:
        raise InvalidInput.field(
            "body", "building_id", f"building {building_id} does not exist", "unknown"
        )
    return building


async def _set_features(room: Room, codes: list[str]) -> None:
    """Give the room these features: the rows of those it loses are deleted and rows are
    added for those it gains; the others stay as they are (the same list writes nothing)."""
    wanted = {f.pk: f for f in await resolve_features(codes)}
    have = set(await RoomFeature.filter(room_id=room.pk).values_list("feature_id", flat=True))
    if gone := have - wanted.keys():
        await RoomFeature.filter(room_id=room.pk, feature_id__in=gone).delete()
    for pk in sorted(wanted.keys() - have):
        await RoomFeature.create(room=room, feature=wanted[pk])


async def create_room(
    actor: Actor,
    *,
    code: str,
    name: str,
    building_id: int,
    capacity: int,
    floor: int | None = None,
    features: list[str] | None = None,
    bookable: bool = True,
    requires_approval: bool = False,
    description: str = "",
) -> Room:
    require_staff(actor)
    try:
        async with transaction():
            building = await _building(building_id)
            room = await Room.create(
                code=code,
                name=name,
                building=building,
                capacity=capacity,
                floor=floor,
                bookable=bookable,
                requires_approval=requires_approval,
                description=description,
            )
            await _set_features(room, features or [])
            await audit.record(actor, "room.create", "room", room.pk, after=await snapshot(room))
    except IntegrityError:
        raise AlreadyExists(f"a room with the code {code} already exists") from None
    await search.changed()
    return await get_room(actor, room.pk)


async def update_room(
    actor: Actor, room_id: int, *, expected: Expected | None = versions.ANY, **changes: Any
) -> Room:
    """Change a room, made against the version ``expected`` (428 without one, 412 when
    stale; in-process callers may leave it out). The room's managers may change its
    description and features, nothing else."""
    if changes.keys() <= MANAGER_FIELDS:
        require_staff_or_manager(actor, room_id=room_id)
    else:
        require_staff(actor)
    try:
        async with transaction():
            await lock_rooms([room_id])
            room = await get_room(actor, room_id)
            versions.ensure(room.version, expected, noun="room", ident=room.code)
            before = await snapshot(room)
            if "building_id" in changes:
                room.building = await _building(changes.pop("building_id"))
            if "features" in changes:
                await _set_features(room, changes.pop("features") or [])
            for name, value in changes.items():
                setattr(room, name, value)
            after = await snapshot(room)
            if after == before:
                return room  # nothing changed: the same version, nothing audited
            room.version += 1
            await room.save()
            await audit.record(actor, "room.update", "room", room.pk, before=before, after=after)
    except IntegrityError:
        raise AlreadyExists(f"a room with the code {changes.get('code')} already exists") from None
    await search.changed()
    return await get_room(actor, room_id)


@dataclass(frozen=True)
class Removed:
    """What a room's removal ended: the bookings it cancelled, the waitlist entries it
    closed (they waited for this room alone)."""

    cancelled_booking_ids: list[int]
    closed_waitlist_entry_ids: list[int]


async def delete_room(actor: Actor, room_id: int, *, force: bool = False) -> Removed:
    """Remove a room from the catalogue (its history stays). With future confirmed or pending
    bookings it is a 409, unless an admin forces it: then those bookings are cancelled, each
    recorded in the audit log. The waitlist entries for this room alone are closed."""
    require_staff(actor)
    if force and not actor.is_admin:
        raise Forbidden("only administrators may force the removal of a room with bookings")
    now = limits.now()

    async def attempt() -> Removed:
        async with transaction():
            room = await get_room(actor, room_id)
            await lock_rooms([room.pk])
            upcoming = await Booking.filter(
                room_id=room.pk,
                end__gt=now,
                status__in=[Status.confirmed, Status.pending, Status.held],
            ).order_by("start")
            if upcoming and not force:
                raise Conflict(
                    f"room {room.code} has {counted(len(upcoming), 'upcoming booking')}; "
                    f"cancel or move {them(len(upcoming))}, or remove the room with force=true "
                    f"(admins), which cancels {them(len(upcoming))}",
                    bookings=[b.pk for b in upcoming[:50]],
                )
            before = await snapshot(room)
            because = f"room {room.code} was removed"
            # first: their holds are not offers to withdraw
            closed = await waitlist_offers.close_entries(
                actor,
                because,
                where=waitlist_offers.room_place(room, room.building),
                timezone=room.building.timezone,
                room_id=room.pk,
            )
            for booking in upcoming:
                await checks.end_because(actor, booking, because)
            room.deleted_at = now
            room.version += 1
            await room.save(update_fields=["deleted_at", "version", "updated_at"])
            await audit.record(
                actor, "room.delete", "room", room.pk, before=before, after={"force": force}
            )
        return Removed([b.pk for b in upcoming], closed)

    # one write (``writes.run``): an offer withdrawn here is made again in another room
    return await writes.run(attempt)
