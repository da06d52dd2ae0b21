"""How a booking is shown: the audit snapshot and the one privacy view of a booking in
someone's way (conflicts, series conflicts, alternatives, import plans, closures) or in the
schedule grid."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from compax_server.db.bookings import Booking, BookingRow
from compax_server.domain import occurrences
from compax_server.services.actors import Actor


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
    if booking.attendees is not None:
        view["attendees"] = booking.attendees
    return view


def slot_of(view: dict[str, Any]) -> occurrences.Slot:
    return occurrences.Slot(
        view["room_id"],
        datetime.fromisoformat(view["start"]),
        datetime.fromisoformat(view["end"]),
        view["title"],
        view["description"],
        view.get("attendees"),
    )


def can_see(actor: Actor, booking: Booking | BookingRow) -> bool:
    return actor.sees_booking_of(booking.owner_id, booking.room_id)


def conflict_view(
    actor: Actor, booking: Booking | BookingRow, *, grid: bool = False
) -> dict[str, Any]:
    """The one privacy view of a booking in someone's way (conflicts, series conflicts,
    alternatives, import plans) or in the schedule grid: its time and state to everyone; its
    id, title and owner only to those who may see the booking (its owner, staff, its room's
    managers). Times are ISO 8601 strings; with ``grid`` they stay datetimes (a grid has
    hundreds of them and formats each instant once) and the hidden members are ``None``
    (the grid is written as its model would write it)."""
    view: dict[str, Any] = {
        "room_id": booking.room_id,
        "start": booking.start if grid else booking.start.isoformat(),
        "end": booking.end if grid else booking.end.isoformat(),
        "status": booking.status.value,
    }
    if can_see(actor, booking):
        view |= {"id": booking.id, "title": booking.title, "owner_id": booking.owner_id}
    elif grid:
        view |= {"id": None, "title": None, "owner_id": None}
    return view
