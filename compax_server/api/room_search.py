"""``/api/v1/rooms`` searched: the free-room search (``GET /rooms``) and one room's
availability. The catalogue itself (create, read, change, delete) is ``rooms``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Literal

import orjson
from pydantic import ConfigDict, Field, TypeAdapter, field_validator
from sanic import HTTPResponse, Request

from compax_server.api.csv_export import csv_response, fields_of, wants_csv
from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.rooms import RoomOut
from compax_server.api.schemas import Out, Query, QueryDate, QueryTime
from compax_server.services import availability as availability_service
from compax_server.services import managers, search
from compax_server.services.actors import Actor
from compax_server.services.paging import DEFAULT_LIMIT, MAX_LIMIT

# The same paths, tag and operation ids as the catalogue's router (``rooms.router``): its
# description covers both.
router = Router("room_search", "/api/v1/rooms", tag="Rooms")


class RoomSearchQuery(Query):
    min_capacity: int | None = Field(None, ge=1, le=100_000, description="seats needed")
    building: str | None = Field(None, max_length=32, description="building id or code")
    features: str | None = Field(
        None, max_length=500, description="comma-separated feature codes; all are required"
    )
    q: str | None = Field(
        None,
        max_length=100,
        description="part of the room code or name, in any case, taken literally",
    )
    code: str | None = Field(
        None, max_length=32, description="exactly this room code (0 or 1 rooms come back)"
    )
    free_from: QueryTime | None = Field(None, description="the room must be free from ...")
    free_to: QueryTime | None = Field(None, description="... to (RFC 3339, with offset)")
    repeat: Literal["daily", "weekly"] | None = Field(
        None, description="recurring search: the window repeats, in each building's zone"
    )
    until: QueryDate | None = Field(
        None,
        description="last day of a recurring search (inclusive; needs repeat, not with term); "
        "at most 732 days after free_from and 400 occurrences",
    )
    term: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="recurring search through this term, skipping its holidays",
    )
    sort: Literal["best_fit", "capacity", "code"] = Field(
        "best_fit", description="best_fit: the smallest room that fits first"
    )
    explain: bool = Field(
        False, description="also list the rooms that match but are not free, with reasons"
    )
    favourites: Literal["only"] | None = Field(
        None, description="only: search only the rooms you starred (PUT /me/favourites/{id})"
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=512)

    @field_validator("features")
    @classmethod
    def _codes(cls, value: str | None) -> str | None:
        if value is not None and not all(part.strip() for part in value.split(",")):
            raise ValueError("comma-separated feature codes, e.g. projector,whiteboard")
        return value


class UnavailableReason(Out):
    type: Literal["booking", "closure", "outside_opening_hours", "not_bookable"]
    detail: str | None = None
    booking_id: int | None = Field(None, description="only for bookings you may see")
    closure_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    status: str | None = None
    title: str | None = None
    occurrences: int | None = None


class UnavailableRoom(RoomOut):
    reasons: list[UnavailableReason]
    blocked_occurrences: int = Field(
        description="occurrences at which it is not free (every one, when not bookable)"
    )
    occurrences: int


class RoomSearchPage(Out):
    data: list[RoomOut]
    next_cursor: str | None
    occurrences: int = Field(description="windows each room was checked for (0: no window)")
    unavailable: list[UnavailableRoom] | None = Field(
        None, description="with explain=true: matching rooms that are not free, and why"
    )


class AvailabilityQuery(Query):
    from_: QueryTime = Field(alias="from")
    to: QueryTime


class Interval(Out):
    start: datetime
    end: datetime


class Busy(Interval):
    kind: Literal["booking", "closure"]
    status: str | None = None
    booking_id: int | None = Field(None, description="only for bookings you may see")
    title: str | None = None
    reason: str | None = None


class Availability(Out):
    model_config = ConfigDict(from_attributes=True, serialize_by_alias=True, populate_by_name=True)

    room_id: int
    from_: datetime = Field(alias="from")
    to: datetime
    timezone: str
    busy: list[Busy]
    free: list[Interval] = Field(description="free times within opening hours")


UNAVAILABLE = TypeAdapter(list[UnavailableRoom])


def search_page_json(found: search.Found) -> str:
    """The page exactly as ``RoomSearchPage`` writes it (tests/api/test_room_search_page.py
    holds every answer to that), without validating rows the database has just typed: the
    rows come in ``RoomOut``'s order (``db.search._room_columns``) and orjson writes them as
    they are. Validating and writing 200 rooms with pydantic was a sixth of the broad
    search's CPU (benchmarks/README.md). The near misses of ``explain`` (rare, and built
    here) go through their model."""
    for room in found.rooms:
        room["contacts"] = None  # only GET /rooms/{id} says whom to ask
    unavailable = None
    if found.unavailable is not None:
        unavailable = UNAVAILABLE.dump_python(
            UNAVAILABLE.validate_python(found.unavailable), mode="json"
        )
    page = {
        "data": found.rooms,
        "next_cursor": found.next_cursor,
        "occurrences": found.occurrences,
        "unavailable": unavailable,
    }
    return orjson.dumps(page, option=orjson.OPT_UTC_Z).decode()


async def cached_json(
    actor: Actor, kind: str, params: dict[str, Any], compute: Callable[[], Awaitable[str]]
) -> str:
    """The answer from the shared cache when it may be used (the service authorizes first),
    else computed."""
    return await search.cached(actor, kind, params, compute)


def json_response(body: str) -> HTTPResponse:
    return HTTPResponse(body, content_type="application/json")


@router.get(
    "/",
    summary="Find rooms",
    operation_id="rooms_search",
    query=RoomSearchQuery,
    response=RoomSearchPage,
    errors=(*AUTH_ERRORS, 422),
    csv=True,
)
async def search_rooms(request: Request, actor: Actor, query: RoomSearchQuery) -> HTTPResponse:
    """The catalogue with filters, and the free-room search: give ``free_from``/``free_to``
    and only rooms free for that whole window come back (inside opening hours, no closure,
    no confirmed or pending booking). Add ``repeat=weekly&until=YYYY-MM-DD`` to need the room
    at every occurrence. ``explain=true`` adds the near misses with their reasons."""
    criteria = search.Criteria(
        min_capacity=query.min_capacity,
        building=query.building,
        features=[f.strip() for f in query.features.split(",")] if query.features else [],
        q=query.q,
        code=query.code,
        free_from=query.free_from,
        free_to=query.free_to,
        repeat=query.repeat,
        until=query.until,
        term_id=query.term,
        sort=query.sort,
        explain=query.explain,
        limit=query.limit,
        cursor=query.cursor,
        room_ids=await managers.favourites(actor) if query.favourites == "only" else None,
    )

    if wants_csv(request):
        found = await search.search_rooms(actor, criteria)
        rows = [RoomOut.model_validate(r) for r in found.rooms]
        return csv_response(
            request, rows, fields_of(RoomOut), name="rooms", next_cursor=found.next_cursor
        )

    async def compute() -> str:
        return search_page_json(await search.search_rooms(actor, criteria))

    params = query.model_dump() | {"room_ids": criteria.room_ids}
    return json_response(await cached_json(actor, "search", params, compute))


@router.get(
    "/<room_id>/availability",
    summary="When is a room free?",
    operation_id="rooms_availability",
    query=AvailabilityQuery,
    response=Availability,
    errors=(*AUTH_ERRORS, 404, 422),
)
async def availability(
    request: Request, actor: Actor, room_id: int, query: AvailabilityQuery
) -> HTTPResponse:
    """Busy intervals (bookings, closures) and free intervals inside opening hours, for at
    most 62 days. Booking ids and titles only for bookings you may see."""

    async def compute() -> str:
        found = await availability_service.availability(actor, room_id, query.from_, query.to)
        return Availability.model_validate(found).model_dump_json()

    params = {"room_id": room_id, **query.model_dump()}
    return json_response(await cached_json(actor, "availability", params, compute))
