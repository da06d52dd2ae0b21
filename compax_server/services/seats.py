"""Seat fit: a booking may say how many people come (``attendees``). More people than the
room has seats is refused (422 ``rule_violation``, rule ``room_capacity``); staff may book
it anyway with ``override`` (a lecture that overflows into standing room)."""

from __future__ import annotations

from compax_server.errors import RuleViolation
from compax_server.services.actors import Actor

MAX_ATTENDEES = 10_000


class NotGiven:
    """An update's "leave it as it is" (``None`` clears the number)."""


NOT_GIVEN = NotGiven()


def check_seats(
    actor: Actor, room_code: str, capacity: int, attendees: int | None, *, override: bool
) -> None:
    if attendees is None or attendees <= capacity:
        return
    if override and actor.is_staff:
        return
    detail = f"{attendees} attendees do not fit in {room_code} ({capacity} seats); " + (
        "book a larger room, or override" if actor.is_staff else "book a larger room"
    )
    raise RuleViolation(
        detail,
        errors=[
            {"rule": "room_capacity", "limit": capacity, "pointer": "/attendees", "detail": detail}
        ],
    )
