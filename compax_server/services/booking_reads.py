"""Reading bookings: one by id (as its viewer may see it) and the filtered, paged list.

Permissions: members see their own bookings and those of the rooms they manage; anyone
else's is a 404 to them; staff and admins see everyone's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tortoise.expressions import Q

from compax_server.db.bookings import Booking, Status
from compax_server.domain import bounds
from compax_server.errors import Forbidden, NotFound
from compax_server.services import managers
from compax_server.services.actors import Actor, Scope, require_owner_or_staff, require_scope
from compax_server.services.booking_views import can_see
from compax_server.services.paging import check_limit, page_by_start


async def get_booking(actor: Actor, booking_id: int, *, change: bool = False) -> Booking:
    require_scope(actor, Scope.read)
    booking = await Booking.get_or_none(id=booking_id)
    if booking is None or not can_see(actor, booking):
        raise NotFound(f"booking {booking_id} does not exist")
    if change:  # a room's managers see its bookings; only owners and staff change them
        require_owner_or_staff(actor, booking.owner_id, "booking")
    return booking


@dataclass
class BookingFilter:
    owner_id: int | None = None
    start: datetime | None = None  # overlapping [start, end)
    end: datetime | None = None
    statuses: list[Status] = field(default_factory=list)
    series_id: int | None = None
    to_decide: bool = False  # pending requests the actor is the one to decide
    room_ids: list[int] = field(default_factory=list)  # any of these rooms (none: all)
    building_id: int | None = None


async def list_bookings(
    actor: Actor, filters: BookingFilter, *, limit: int, cursor: str | None
) -> tuple[list[Booking], str | None]:
    """Bookings in start order. Members list only their own, and those of the rooms they
    manage. ``to_decide``: the pending requests of the rooms the actor manages, and for
    staff also those of rooms nobody manages."""
    require_scope(actor, Scope.read)
    check_limit(limit)  # before the managers query below, not only in page_by_start
    query = Booking.all()
    if not actor.is_staff:
        managed = sorted(actor.managed_rooms)
        if filters.owner_id not in (None, actor.user_id) and not managed:
            raise Forbidden("members can list only their own bookings")
        mine = Q(owner_id=actor.user_id)
        query = query.filter(mine | Q(room_id__in=managed) if managed else mine)
    if filters.owner_id is not None:
        query = query.filter(owner_id=filters.owner_id)
    if filters.to_decide:
        query = query.filter(
            status=Status.pending, room_id__in=await managers.rooms_to_decide(actor)
        )
    if filters.room_ids:
        query = query.filter(room_id__in=filters.room_ids)
    if filters.building_id is not None:
        query = query.filter(room__building_id=filters.building_id)
    if filters.start is not None:
        query = query.filter(end__gt=bounds.instant(filters.start))
    if filters.end is not None:
        query = query.filter(start__lt=bounds.instant(filters.end))
    if filters.statuses:
        query = query.filter(status__in=filters.statuses)
    if filters.series_id is not None:
        query = query.filter(series_id=filters.series_id)
    return await page_by_start(query, limit, cursor)
