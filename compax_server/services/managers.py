"""Room and building managers, and members' favourite rooms.

A manager of a room (named on it, or on its building) cares for that room only: decides its
requests, sees its bookings, books it with override, closes it, sets its rules, edits its
description and features. What a user manages rides on their ``Actor`` (loaded with the
user's state, ``sessions.managed``), so every check is a set lookup in
``actors.require_staff_or_manager`` / ``Actor.cares_for``. Staff and admins name managers.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from compax_server.db import managers as managers_db
from compax_server.db import transaction
from compax_server.db.bookings import Booking
from compax_server.db.managers import Favourite, Manager, ManagerRow
from compax_server.db.rooms import Building, Room
from compax_server.db.users import User
from compax_server.errors import AlreadyExists, InvalidInput, NotFound
from compax_server.services import audit, auth, sessions
from compax_server.services.actors import (
    Actor,
    Scope,
    require_scope,
    require_staff,
    require_staff_or_manager,
)

KINDS = ("room", "building")


@dataclass(frozen=True)
class Target:
    """What a manager is named on: ``("room", 12)`` or ``("building", 3)``."""

    kind: str
    id: int

    @property
    def fields(self) -> dict[str, int]:
        return {f"{self.kind}_id": self.id}


async def _check_target(target: Target) -> str:
    """The room's or building's code; a 404 when it does not exist."""
    model = Room if target.kind == "room" else Building
    found = await model.filter(id=target.id, deleted_at=None).first()
    if found is None:
        raise NotFound(f"{target.kind} {target.id} does not exist")
    return str(found.code)


async def list_managers(actor: Actor, target: Target) -> list[ManagerRow]:
    """The managers named on a room (not those of its building) or on a building. Anyone
    signed in may read them: they are whom to contact about the room."""
    require_scope(actor, Scope.read)
    await _check_target(target)
    if target.kind == "room":
        return await managers_db.managers_of(room_id=target.id)
    return await managers_db.managers_of(building_id=target.id)


async def add_manager(actor: Actor, target: Target, who: int | str) -> ManagerRow:
    """Make an active user (by id or email) a manager of a room or building (staff and
    admins). A missing room or building is a 404; a missing or deactivated user a 400;
    twice a 409. Nothing is written unless all is well."""
    require_staff(actor)
    code = await _check_target(target)
    field = "user_id" if isinstance(who, int) else "email"
    if isinstance(who, int):
        user = await User.get_or_none(id=who)
    else:
        user = await User.get_or_none(email=auth.normalize_email(who))
    if user is None:
        raise InvalidInput.field("body", field, f"user {who} does not exist", "unknown")
    if not user.is_active:
        raise InvalidInput.field("body", field, f"user {user.email} is deactivated", "inactive")
    user_id = user.pk
    try:
        async with transaction():
            row = await managers_db.add(user_id, target.kind, target.id)
            after = {"user_id": user_id, **target.fields}
            await audit.record(actor, "manager.add", target.kind, target.id, after=after)
    except IntegrityError:
        raise AlreadyExists(f"{user.email} already manages {target.kind} {code}") from None
    sessions.forget_user(user_id)
    return ManagerRow(row.pk, user_id, user.email, user.full_name, row.building_id, row.room_id)


async def remove_manager(actor: Actor, target: Target, user_id: int) -> None:
    """The user stops managing the room or building: at once in this process, within
    ``sessions.USER_STATE_SECONDS`` in every other."""
    require_staff(actor)
    await _check_target(target)
    async with transaction():
        deleted = await Manager.filter(user_id=user_id, **target.fields).delete()
        if not deleted:
            raise NotFound(f"user {user_id} does not manage {target.kind} {target.id}")
        before = {"user_id": user_id, **target.fields}
        await audit.record(actor, "manager.remove", target.kind, target.id, before=before)
    sessions.forget_user(user_id)


async def contacts_of(room_id: int, building_id: int) -> list[ManagerRow]:
    """Whom to ask about a room: its own managers, then its building's."""
    return [
        *await managers_db.managers_of(room_id=room_id, active_only=True),
        *await managers_db.managers_of(building_id=building_id, active_only=True),
    ]


async def rooms_to_decide(actor: Actor) -> list[int]:
    """The rooms whose requests are the actor's to decide: those they manage, and for staff
    also every room nobody manages (the fallback)."""
    mine = set(actor.managed_rooms)
    if actor.is_staff:
        mine |= set(await managers_db.unmanaged_rooms())
    return sorted(mine)


async def require_decider(actor: Actor, booking_id: int) -> None:
    """Staff, or a manager of the booking's room, decide its request; anyone else gets the
    member's 403 (whether or not the booking exists)."""
    if actor.is_staff or not actor.managed_rooms:
        require_staff(actor)
        return
    booking = await Booking.get_or_none(id=booking_id)
    require_staff_or_manager(actor, room_id=booking.room_id if booking else None)


# -- favourites ----------------------------------------------------------------------------


async def favourites(actor: Actor) -> list[int]:
    """The rooms the actor starred (still in the catalogue), in the order starred."""
    require_scope(actor, Scope.read)
    return await managers_db.favourite_ids(actor.user_id)


async def add_favourite(actor: Actor, room_id: int) -> None:
    """Star a room; a room already starred stays so, nothing recorded (PUT is idempotent)."""
    require_scope(actor, Scope.write)
    await _check_target(Target("room", room_id))
    with contextlib.suppress(IntegrityError):  # starred already
        async with transaction():
            await Favourite.create(user_id=actor.user_id, room_id=room_id)
            await audit.record(
                actor, "favourite.add", "user", actor.user_id, after={"room_id": room_id}
            )


async def remove_favourite(actor: Actor, room_id: int) -> None:
    require_scope(actor, Scope.write)
    async with transaction():
        if not await Favourite.filter(user_id=actor.user_id, room_id=room_id).delete():
            raise NotFound(f"room {room_id} is not among your favourites")
        await audit.record(
            actor, "favourite.remove", "user", actor.user_id, before={"room_id": room_id}
        )
