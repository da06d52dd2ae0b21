"""``/buildings/{id}/schedule`` and ``/schedule``: the schedule grid of a building (or some
rooms) for a day or a week::

    grid = client.schedule.building(4, date=date(2031, 3, 3), days=7)
    for room in grid.rooms:
        print(room.code, [(b.start, b.end, b.title) for b in room.bookings])

Bookings you may not see (others', for a member) have no ``id``, ``title`` or ``owner_id``:
only their time and state. Each building's days are its local days (``grid.buildings``:
``timezone``, ``from_``, ``to`` and the ``open`` intervals).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import AwareDatetime, Field

from compax_sdk._models import Model
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = [
    "AsyncSchedules",
    "Schedule",
    "ScheduleBooking",
    "ScheduleBuilding",
    "ScheduleClosure",
    "ScheduleInterval",
    "ScheduleRoom",
    "Schedules",
]


class ScheduleInterval(Model):
    start: AwareDatetime
    end: AwareDatetime


class ScheduleBooking(ScheduleInterval):
    """An active booking (``confirmed`` or ``pending``); ``id``, ``title`` and ``owner_id``
    only when you may see it."""

    room_id: int
    status: str = ""
    id: int | None = None
    title: str | None = None
    owner_id: int | None = None


class ScheduleClosure(ScheduleInterval):
    id: int
    reason: str = ""


class ScheduleRoom(Model):
    id: int
    code: str
    name: str = ""
    capacity: int = 0
    floor: int | None = None
    bookable: bool = True
    building_id: int
    bookings: list[ScheduleBooking] = []
    closures: list[ScheduleClosure] = []


class ScheduleBuilding(Model):
    id: int
    code: str
    name: str = ""
    timezone: str
    opening_hours: dict[str, list[list[str]]] | None = None
    from_: AwareDatetime = Field(alias="from")
    to: AwareDatetime
    open: list[ScheduleInterval] = []


class Schedule(Model):
    date: date
    days: int
    buildings: list[ScheduleBuilding] = []
    rooms: list[ScheduleRoom] = []


def _params(day: date, days: int, room_ids: Sequence[int] | None) -> dict[str, str]:
    params = {"date": day.isoformat(), "days": str(days)}
    if room_ids is not None:
        params["room_id"] = ",".join(str(i) for i in room_ids)
    return params


class Schedules(SyncResource):
    def building(
        self,
        building_id: int,
        *,
        date: date,
        days: int = 1,
        room_ids: Sequence[int] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Schedule:
        """The building's rooms (or ``room_ids`` of them) from local midnight of ``date`` for
        ``days`` days (1 to 7)."""
        return self._call(
            Schedule,
            "GET",
            f"/buildings/{building_id}/schedule",
            params=_params(date, days, room_ids),
            headers=extra_headers,
            timeout=timeout,
        )

    def rooms(
        self,
        room_ids: Sequence[int],
        *,
        date: date,
        days: int = 1,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Schedule:
        """These rooms (of one or several buildings, at most 200), each building's local days
        from ``date`` for ``days`` days (1 to 7)."""
        return self._call(
            Schedule,
            "GET",
            "/schedule",
            params=_params(date, days, room_ids),
            headers=extra_headers,
            timeout=timeout,
        )


class AsyncSchedules(AsyncResource):
    async def building(
        self,
        building_id: int,
        *,
        date: date,
        days: int = 1,
        room_ids: Sequence[int] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Schedule:
        """The building's rooms (or ``room_ids`` of them) from local midnight of ``date`` for
        ``days`` days (1 to 7)."""
        return await self._call(
            Schedule,
            "GET",
            f"/buildings/{building_id}/schedule",
            params=_params(date, days, room_ids),
            headers=extra_headers,
            timeout=timeout,
        )

    async def rooms(
        self,
        room_ids: Sequence[int],
        *,
        date: date,
        days: int = 1,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Schedule:
        """These rooms (of one or several buildings, at most 200), each building's local days
        from ``date`` for ``days`` days (1 to 7)."""
        return await self._call(
            Schedule,
            "GET",
            "/schedule",
            params=_params(date, days, room_ids),
            headers=extra_headers,
            timeout=timeout,
        )
