"""Who is acting: a person's session or an API key, and the checks on what they may do.

Services take an explicit ``actor``; they never read a request. Permission checks are named
``require_*`` / ``can_*`` and live here or beside the state they guard.
"""

from __future__ import annotations

from dataclasses import dataclass

from compax_server.db.users import Role
from compax_server.errors import Forbidden


class Scope:
    """What an API key may do, on top of what its user's role allows."""

    read = "read"  # every GET the user may make
    write = "write"  # bookings, series and (for staff users) the catalogue
    import_ = "import"  # timetable imports
    admin = "admin"  # users and API keys (admin users only)

    ALL = frozenset({read, write, import_, admin})


@dataclass(frozen=True)
class Actor:
    user_id: int
    email: str
    role: Role
    api_key_id: int | None = None
    scopes: frozenset[str] | None = None  # None: a signed-in person, bounded by role only
    request_id: str = ""
    # What the user manages (services.managers): rooms named or in a managed building.
    managed_rooms: frozenset[int] = frozenset()
    managed_buildings: frozenset[int] = frozenset()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

    @property
    def is_staff(self) -> bool:
        """Staff or admin: acts on everyone's bookings and the catalogue."""
        return self.role in (Role.staff, Role.admin)

    @property
    def label(self) -> str:
        return f"{self.email} (key {self.api_key_id})" if self.api_key_id else self.email

    def cares_for(self, room_id: int) -> bool:
        """Staff, or a manager of the room (named on it or on its building)."""
        return self.is_staff or room_id in self.managed_rooms

    def sees_booking_of(self, owner_id: int, room_id: int) -> bool:
        """The one privacy rule for bookings: their id, title and owner are shown to the
        owner, to staff and to the room's managers; everyone else sees only times and state
        (conflicts, alternatives, explain, availability, feeds)."""
        return owner_id == self.user_id or self.cares_for(room_id)

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes


def require_scope(actor: Actor, scope: str) -> None:
    if not actor.has_scope(scope):
        raise Forbidden(f"this API key lacks the {scope!r} scope", required_scope=scope)


def require_admin(actor: Actor) -> None:
    require_scope(actor, Scope.admin)
    if not actor.is_admin:
        raise Forbidden("only administrators may do this")


def require_staff(actor: Actor, scope: str = Scope.write) -> None:
    require_scope(actor, scope)
    if not actor.is_staff:
        raise Forbidden(STAFF_ONLY)


STAFF_ONLY = "only staff and administrators may do this"


def require_owner_or_staff(actor: Actor, owner_id: int, noun: str) -> None:
    """Changes (moves, renames, cancellations) are the owner's and staff's; a room's managers
    see its bookings and decide its requests, but do not change others' bookings."""
    if not (actor.is_staff or owner_id == actor.user_id):
        raise Forbidden(f"only its owner and staff may change this {noun}")


def require_staff_or_manager(
    actor: Actor,
    *,
    room_id: int | None = None,
    building_id: int | None = None,
    scope: str = Scope.write,
) -> None:
    """Staff, or a manager of this room (or of this building). Anyone else gets exactly the
    answer a member gets from ``require_staff``, whatever they manage elsewhere."""
    require_scope(actor, scope)
    if actor.is_staff:
        return
    if room_id is not None and room_id in actor.managed_rooms:
        return
    if building_id is not None and building_id in actor.managed_buildings:
        return
    raise Forbidden(STAFF_ONLY)
