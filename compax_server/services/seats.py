"""Seat fit: a booking or a series may say how many people come (``attendees``). More
people than the room has seats is refused (422 ``rule_violation``, rule ``room_capacity``);
staff may book it anyway with ``override`` (a lecture that overflows into standing room).
The rule itself is ``domain.slots.over_capacity``; imports report it per item."""

from __future__ import annotations

from compax_server.domain import slots
from compax_server.errors import RuleViolation
from compax_server.services.actors import Actor

MAX_ATTENDEES = 10_000


class NotGiven:
    """An update's "leave it as it is" (``None`` clears the number)."""


NOT_GIVEN = NotGiven()


def check_seats(
    actor: Actor, room_code: str, capacity: int, attendees: int | None, *, override: bool
) -> None:
    problem = slots.over_capacity(room_code, capacity, attendees)
    if problem is None or (override and actor.is_staff):
        return
    detail = problem["detail"] + (
        "; book a larger room, or override" if actor.is_staff else "; book a larger room"
    )
    raise RuleViolation(detail, errors=[problem | {"pointer": "/attendees", "detail": detail}])
