"""The slot check: why a room cannot be given for a window, whatever else is booked.

Pure: the services lock the room and load the facts (the room and its building, the
closures that meet the window) and ask; single bookings, moves and series occurrences get
the same answer from the same function.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, Protocol

from compax_server.domain import hours


class RoomFacts(Protocol):
    """What the check needs of a room (``db.room_locks.RoomForBooking`` has it)."""

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


class OpeningHours:
    """A building's opening hours in its zone, answering "is ``[start, end)`` inside one
    opening?" The wall-clock answer of a window within one local day depends only on its
    weekday and times, so a weekly series (or an import of 50,000 occurrences) asks each
    question once."""

    def __init__(self, opening_hours: dict[str, Any] | None, timezone: str) -> None:
        self.opening_hours = opening_hours
        self.tz = hours.zone(timezone)
        self._known: dict[tuple[int, time, time], bool] = {}

    def cover(self, start: datetime, end: datetime) -> bool:
        if self.opening_hours is None:
            return True
        local_start, local_end = start.astimezone(self.tz), end.astimezone(self.tz)
        if local_start.date() != local_end.date():
            return hours.within_opening_hours(self.opening_hours, self.tz, start, end)
        key = (local_start.weekday(), local_start.time(), local_end.time())
        if key not in self._known:
            self._known[key] = hours.within_wall_hours(
                self.opening_hours, local_start.date(), local_start.time(), local_end.time()
            )
        return self._known[key]


def not_bookable(room_code: str) -> dict[str, Any]:
    return {"rule": "room_not_bookable", "detail": f"room {room_code} is not bookable"}


def outside_hours(building_code: str, opening_hours: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "rule": "outside_opening_hours",
        "detail": f"{building_code} is not open for the whole of that time",
        "limit": opening_hours,
    }


def closed(closure: dict[str, Any]) -> dict[str, Any]:
    """A closure (``{id, reason, start, end}``) that meets the window."""
    return {
        "rule": "closure",
        "detail": f"closed: {closure['reason'] or 'closure'} "
        f"({closure['start'].isoformat()} to {closure['end'].isoformat()})",
        "closure_id": closure["id"],
    }


def over_capacity(room_code: str, capacity: int, attendees: int | None) -> dict[str, Any] | None:
    """Seat fit: more people than the room has seats (``None`` when they fit, or when no
    head count is given). Single bookings, series, their occurrences and import items ask
    this one question."""
    if attendees is None or attendees <= capacity:
        return None
    return {
        "rule": "room_capacity",
        "limit": capacity,
        "detail": f"{attendees} attendees do not fit in {room_code} ({capacity} seats)",
    }


def room_problems(
    room: RoomFacts, start: datetime, end: datetime, closures: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Why the room cannot be booked for ``[start, end)`` regardless of other bookings:
    not bookable, outside the building's opening hours, or during one of ``closures``
    (each ``{id, reason, start, end}``). Empty when it can. Imports ask the same questions
    through the same functions, item by item (``domain.imports``)."""
    problems: list[dict[str, Any]] = []
    if not room.bookable:
        problems.append(not_bookable(room.code))
    if not OpeningHours(room.opening_hours, room.timezone).cover(start, end):
        problems.append(outside_hours(room.building_code, room.opening_hours))
    problems += [closed(closure) for closure in closures]
    return problems
