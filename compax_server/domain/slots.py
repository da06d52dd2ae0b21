"""The slot check: why a room cannot be given for a window, whatever else is booked.

Pure: the services lock the room and load the facts (the room and its building, the
closures that meet the window) and ask; single bookings, moves and series occurrences get
the same answer from the same function.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from compax_server.domain import hours


class RoomFacts(Protocol):
    """What the check needs of a room (``db.bookings.RoomForBooking`` has it)."""

    @property
    def code(self) -> str: ...
    @property
    def bookable(self) -> bool: ...
    @property
    def building_code(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def opening_hours(self) -> dict[str, Any] | None: ...


def room_problems(
    room: RoomFacts, start: datetime, end: datetime, closures: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Why the room cannot be booked for ``[start, end)`` regardless of other bookings:
    not bookable, outside the building's opening hours, or during one of ``closures``
    (each ``{id, reason, start, end}``). Empty when it can."""
    problems: list[dict[str, Any]] = []
    if not room.bookable:
        problems.append(
            {"rule": "room_not_bookable", "detail": f"room {room.code} is not bookable"}
        )
    tz = hours.zone(room.timezone)
    if not hours.within_opening_hours(room.opening_hours, tz, start, end):
        problems.append(
            {
                "rule": "outside_opening_hours",
                "detail": f"{room.building_code} is not open for the whole of that time",
                "limit": room.opening_hours,
            }
        )
    for closure in closures:
        problems.append(
            {
                "rule": "closure",
                "detail": f"closed: {closure['reason'] or 'closure'} "
                f"({closure['start'].isoformat()} to {closure['end'].isoformat()})",
                "closure_id": closure["id"],
            }
        )
    return problems
