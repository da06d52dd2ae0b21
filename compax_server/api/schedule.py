"""``/api/v1/buildings/{id}/schedule`` and ``/api/v1/schedule``: the schedule grid."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from pydantic import ConfigDict, Field
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.schemas import Out, Query, QueryDate, id_list
from compax_server.services import schedule
from compax_server.services.actors import Actor

router = Router(
    "schedule",
    "/api/v1",
    tag="Schedule",
    description="What is on in a building (or a set of rooms) for a day or a week: bookings, "
    "closures and opening hours, in each building's zone.",
)

ROOM_IDS = id_list(schedule.MAX_ROOMS)


class ScheduleQuery(Query):
    date: QueryDate = Field(description="the first local day (YYYY-MM-DD, the building's zone)")
    days: int = Field(
        1, ge=1, le=schedule.MAX_DAYS, description=f"1 (a day) to {schedule.MAX_DAYS} (a week)"
    )


class BuildingScheduleQuery(ScheduleQuery):
    room_id: str | None = Field(
        None,
        max_length=11 * schedule.MAX_ROOMS,
        pattern=ROOM_IDS,
        description="only these rooms of the building (comma-separated ids)",
    )


class RoomsScheduleQuery(ScheduleQuery):
    room_id: str = Field(
        max_length=11 * schedule.MAX_ROOMS,
        pattern=ROOM_IDS,
        description=f"comma-separated room ids, at most {schedule.MAX_ROOMS}",
    )


class GridInterval(Out):
    start: datetime
    end: datetime


class GridBooking(GridInterval):
    """The privacy view of a booking: time and state to everyone; ``id``, ``title`` and
    ``owner_id`` only to those who may see it (its owner, staff)."""

    room_id: int
    status: str
    id: int | None = None
    title: str | None = None
    owner_id: int | None = None


class GridClosure(GridInterval):
    id: int
    reason: str


class GridRoom(Out):
    id: int
    code: str
    name: str
    capacity: int
    floor: int | None
    bookable: bool
    building_id: int
    bookings: list[GridBooking] = Field(
        description="active bookings (confirmed, pending); id, title and owner_id only for "
        "bookings you may see"
    )
    closures: list[GridClosure] = Field(description="closures of the building or the room")


class GridBuilding(Out):
    model_config = ConfigDict(from_attributes=True, serialize_by_alias=True, populate_by_name=True)

    id: int
    code: str
    name: str
    timezone: str
    opening_hours: dict[str, list[list[str]]] | None = Field(
        description="per weekday, local time; null: always open"
    )
    from_: datetime = Field(alias="from", description="local midnight of the first day")
    to: datetime = Field(description="local midnight after the last day")
    open: list[GridInterval] = Field(description="when the building is open within from-to")


class Schedule(Out):
    date: date
    days: int
    buildings: list[GridBuilding]
    rooms: list[GridRoom] = Field(description="in room code order")


def _ids(value: str | None) -> list[int] | None:
    return None if value is None else list(dict.fromkeys(int(v) for v in value.split(",")))


def _encode(value: object) -> str:
    """Times as the other answers write them (pydantic's RFC 3339, ``Z`` for UTC)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _render(found: dict[str, object]) -> HTTPResponse:
    """The service's answer has the shape of ``Schedule`` already (tests hold it to the
    schema); a week of a large building has thousands of intervals, so it is written
    straight to JSON rather than validated again. A timetable repeats its times (every
    room's 09:00 lecture starts at one instant), so each instant is formatted once."""
    written: dict[object, str] = {}

    def encode(value: object) -> str:
        text = written.get(value)
        if text is None:
            text = written[value] = _encode(value)
        return text

    return HTTPResponse(
        json.dumps(found, default=encode, separators=(",", ":")),
        content_type="application/json",
    )


@router.get(
    "/buildings/<building_id>/schedule",
    summary="A building's schedule grid",
    query=BuildingScheduleQuery,
    response=Schedule,
    errors=(*AUTH_ERRORS, 404, 422),
)
async def building_schedule(
    request: Request, actor: Actor, building_id: int, query: BuildingScheduleQuery
) -> HTTPResponse:
    """The building's rooms with their bookings and closures, and its opening hours, from
    local midnight of ``date`` for ``days`` days. Members see their own bookings and others'
    as busy time (no id, title or owner). 422 ``rule_violation`` when the building has more
    rooms than one grid shows (pick some with ``room_id``)."""
    found = await schedule.schedule(
        actor,
        schedule.GridScope(building_id=building_id, room_ids=_ids(query.room_id)),
        day=query.date,
        days=query.days,
    )
    return _render(found)


@router.get(
    "/schedule",
    summary="The schedule grid of some rooms",
    query=RoomsScheduleQuery,
    response=Schedule,
    errors=(*AUTH_ERRORS, 404, 422),
)
async def rooms_schedule(request: Request, actor: Actor, query: RoomsScheduleQuery) -> HTTPResponse:
    """Like a building's grid, for a list of rooms (of one or several buildings; each
    building's days are its local days)."""
    found = await schedule.schedule(
        actor, schedule.GridScope(room_ids=_ids(query.room_id)), day=query.date, days=query.days
    )
    return _render(found)
