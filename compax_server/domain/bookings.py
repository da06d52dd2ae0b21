"""Booking states and what may happen to a booking, as pure functions.

States::

    pending ──approve──▶ confirmed ──cancel──▶ cancelled
       │ └──────────────cancel──────────────────▲
       └──reject──▶ rejected      confirmed ──release──▶ released (no-show: nobody checked in)

    held ──accept──▶ confirmed (or pending, in a room that needs approval)
      ├──lapse (declined, expired, left)──▶ cancelled
      └──a closure, the room removed──▶ cancelled (the offer withdrawn: it waits again)

A ``held`` booking is a waitlist offer (services/waitlist_offers.py): the slot is kept for
one waiting member until they accept or the offer lapses. It blocks like a confirmed
booking, under the same database rule: two *blocking* bookings (confirmed or held) of one
room never overlap.

Cancelled, rejected and released bookings are kept, never deleted. A booking that is over is
history: its owner may no longer move, rename or cancel it; staff may correct it (audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from compax_server.errors import Conflict, RuleViolation


class Status(StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    rejected = "rejected"
    cancelled = "cancelled"
    released = "released"  # a no-show: it needed a check-in and got none (domain/checkin.py)
    held = "held"  # a waitlist offer, kept for one member until they accept or it lapses


ACTIVE = (Status.pending, Status.confirmed)
# Never overlap each other in one room (the exclusion constraint / trigger).
BLOCKING = (Status.confirmed, Status.held)
# Make a room not free (search, availability, the checks of a new booking).
OCCUPYING = (Status.pending, Status.confirmed, Status.held)


@dataclass(frozen=True)
class Transition:
    verb: str  # cancel, approve, reject
    allowed_from: tuple[Status, ...]
    to: Status


CANCEL = Transition("cancel", ACTIVE, Status.cancelled)
APPROVE = Transition("approve", (Status.pending,), Status.confirmed)
REJECT = Transition("reject", (Status.pending,), Status.rejected)
RELEASE = Transition("release", (Status.confirmed,), Status.released)
LAPSE = Transition("lapse", (Status.held,), Status.cancelled)


def check_transition(
    booking_id: int, status: Status, transition: Transition, reason: str = ""
) -> Status:
    """The state after ``transition``; a 409 naming the state when it is not allowed."""
    if status not in transition.allowed_from:
        raise Conflict(
            f"booking {booking_id} is {status.value}; only "
            f"{' or '.join(s.value for s in transition.allowed_from)} bookings can be "
            f"{transition.to.value}",
            booking_status=status.value,
            reason=reason or None,
        )
    return transition.to


def check_changeable(booking_id: int, status: Status) -> None:
    """Only pending and confirmed bookings can be moved or renamed."""
    if status not in ACTIVE:
        raise Conflict(
            f"booking {booking_id} is {status.value}; it cannot be changed",
            booking_status=status.value,
        )


def check_not_history(booking_id: int, end: datetime, now: datetime, *, is_staff: bool) -> None:
    """A booking that is over is history: members get a 422, staff may correct it."""
    if end <= now and not is_staff:
        detail = f"booking {booking_id} ended at {end.isoformat()}; it is history now"
        raise RuleViolation(
            detail + " (staff may correct it)",
            errors=[{"rule": "in_the_past", "detail": detail}],
        )
