"""``/api/v1/rooms`` (the catalogue and the search) and ``/api/v1/features``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator
from sanic import HTTPResponse, Request

from compax_server.api.csv_export import csv_response, fields_of, wants_csv
from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.etags import etag, if_match
from compax_server.api.schemas import In, Int, Out, Patch, Query, QueryDate, QueryTime, render
from compax_server.db.rooms import Room, feature_codes
from compax_server.services import availability as availability_service
from compax_server.services import managers, rooms, search
from compax_server.services.actors import Actor
from compax_server.services.paging import DEFAULT_LIMIT, MAX_LIMIT

router = Router(
    "rooms",
    "/api/v1/rooms",
    tag="Rooms",
    description="Rooms: the catalogue and the free-room search.",
)
features_router = Router(
    "features", "/api/v1/features", tag="Features", description="The vocabulary of room features."
)

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")]
FeatureCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]


class FeatureOut(Out):
    id: int
    code: str
    name: str


class FeatureList(Out):
    data: list[FeatureOut]


class FeatureCreate(In):
    code: FeatureCode = Field(description="lowercase, e.g. projector, wheelchair-access")
    name: str = Field(min_length=1, max_length=100)


class Contact(Out):
    user_id: int
    full_name: str
    email: str
    of: Literal["room", "building"] = Field(description="named on the room or its building")


class RoomOut(Out):
    id: int
    code: str
    name: str
    building_id: int
    building_code: str
    timezone: str = Field(description="the building's IANA zone")
    floor: int | None
    capacity: int
    features: list[str]
    bookable: bool
    requires_approval: bool
    description: str
    version: int
    created_at: datetime
    updated_at: datetime
    contacts: list[Contact] | None = Field(
        None,
        description="GET /rooms/{id} only: whom to ask about the room (its managers, then "
        "its building's; empty: staff decide)",
    )


class RoomCreate(In):
    code: Code
    name: str = Field(min_length=1, max_length=200)
    building_id: Int = Field(ge=1, le=2**31 - 1)
    capacity: Int = Field(ge=1, le=100_000)
    floor: Int | None = Field(None, ge=-20, le=500)
    features: list[FeatureCode] = Field(default_factory=list, max_length=50)
    bookable: bool = True
    requires_approval: bool = False
    description: str = Field("", max_length=5000)


class RoomUpdate(Patch):
    NULLABLE = frozenset({"floor"})
    code: Code | None = Field(None)
    name: str | None = Field(None, min_length=1, max_length=200)
    building_id: Int | None = Field(None, ge=1, le=2**31 - 1)
    capacity: Int | None = Field(None, ge=1, le=100_000)
    floor: Int | None = Field(None, ge=-20, le=500)
    features: list[FeatureCode] | None = Field(None, max_length=50)
    bookable: bool | None = Field(None)
    requires_approval: bool | None = Field(None)
    description: str | None = Field(None, max_length=5000)


class RoomDeleteQuery(Query):
    force: bool = Field(False, description="admins: also cancel the room's upcoming bookings")


class RoomDeleted(Out):
    id: int
    cancelled_booking_ids: list[int]


async def room_out(room: Room, features: list[str] | None = None) -> RoomOut:
    if features is None:
        features = (await feature_codes([room.pk]))[room.pk]
    return RoomOut(
        id=room.pk,
        code=room.code,
        name=room.name,
        building_id=room.building.pk,
        building_code=room.building.code,
        timezone=room.building.timezone,
        floor=room.floor,
        capacity=room.capacity,
        features=features,
        bookable=room.bookable,
        requires_approval=room.requires_approval,
        description=room.description,
        version=room.version,
        created_at=room.created_at,
        updated_at=room.updated_at,
    )


@features_router.get("/", summary="List features", response=FeatureList, errors=AUTH_ERRORS)
async def list_features(request: Request, actor: Actor) -> HTTPResponse:
    rows = await rooms.list_features(actor)
    return render(FeatureList(data=[FeatureOut.model_validate(f) for f in rows]))


@features_router.post(
    "/",
    summary="Add a feature",
    idempotent=True,
    body=FeatureCreate,
    response=FeatureOut,
    status=201,
    errors=(*AUTH_ERRORS, 409),
)
async def create_feature(request: Request, actor: Actor, body: FeatureCreate) -> HTTPResponse:
    feature = await rooms.create_feature(actor, code=body.code, name=body.name)
    return render(FeatureOut.model_validate(feature), 201)


@router.post(
    "/",
    summary="Create a room",
    idempotent=True,
    body=RoomCreate,
    response=RoomOut,
    status=201,
    errors=(*AUTH_ERRORS, 409),
    response_headers=("Location",),
)
async def create_room(request: Request, actor: Actor, body: RoomCreate) -> HTTPResponse:
    room = await rooms.create_room(actor, **body.model_dump())
    return render(await room_out(room), 201, {"Location": f"/api/v1/rooms/{room.pk}"})


@router.get("/<room_id>", summary="Read a room", response=RoomOut, errors=(*AUTH_ERRORS, 404))
async def read_room(request: Request, actor: Actor, room_id: int) -> HTTPResponse:
    """With ``contacts``: whom to ask about the room (who decides its requests)."""
    room = await rooms.get_room(actor, room_id)
    out = await room_out(room)
    out.contacts = [
        Contact(
            user_id=m.user_id,
            full_name=m.full_name,
            email=m.email,
            of="room" if m.room_id else "building",
        )
        for m in await managers.contacts_of(room.pk, room.building_id)
    ]
    return render(out)


@router.patch(
    "/<room_id>",
    summary="Update a room",
    body=RoomUpdate,
    response=RoomOut,
    errors=(*AUTH_ERRORS, 404, 409, 412, 428),
    request_headers=("If-Match",),
    response_headers=("ETag",),
)
async def update_room(
    request: Request, actor: Actor, room_id: int, body: RoomUpdate
) -> HTTPResponse:
    """``features`` replaces the room's whole feature list. Needs ``If-Match``."""
    room = await rooms.update_room(actor, room_id, expected=if_match(request), **body.changes())
    return render(await room_out(room), headers={"ETag": etag(room)})


@router.delete(
    "/<room_id>",
    summary="Remove a room",
    query=RoomDeleteQuery,
    response=RoomDeleted,
    errors=(*AUTH_ERRORS, 404, 409),
)
async def delete_room(
    request: Request, actor: Actor, room_id: int, query: RoomDeleteQuery
) -> HTTPResponse:
    """The room leaves the catalogue; its booking history stays. With upcoming bookings it
    is a 409 unless an admin sends ``force=true``, which cancels them (each in the audit log)."""
    cancelled = await rooms.delete_room(actor, room_id, force=query.force)
    return render(RoomDeleted(id=room_id, cancelled_booking_ids=cancelled))


# -- search and availability ---------------------------------------------------------------


class RoomSearchQuery(Query):
    min_capacity: int | None = Field(None, ge=1, le=100_000, description="seats needed")
    building: str | None = Field(None, max_length=32, description="building id or code")
    features: str | None = Field(
        None, max_length=500, description="comma-separated feature codes; all are required"
    )
    q: str | None = Field(None, max_length=100, description="part of the room code or name")
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
        description="last day of a recurring search (inclusive); at most 732 days after "
        "free_from and 400 occurrences",
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
    blocked_occurrences: int
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
        found = await search.search_rooms(actor, criteria)
        # One validation of the whole page (not one call per room): a page of 200 rooms is
        # built in pydantic-core without 200 trips through Python.
        page = RoomSearchPage.model_validate(
            {
                "data": found.rooms,
                "next_cursor": found.next_cursor,
                "occurrences": found.occurrences,
                "unavailable": found.unavailable,
            }
        )
        return page.model_dump_json()

    params = query.model_dump() | {"room_ids": criteria.room_ids}
    return json_response(await cached_json(actor, "search", params, compute))


@router.get(
    "/<room_id>/availability",
    summary="When is a room free?",
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
