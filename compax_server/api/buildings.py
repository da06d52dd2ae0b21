"""``/api/v1/buildings`` and their closures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.etags import etag, if_match
from compax_server.api.schemas import (
    Code,
    In,
    Int,
    Out,
    Page,
    PageQuery,
    Patch,
    QueryTime,
    Weekday,
    page_of,
    pattern,
    render,
)
from compax_server.services import buildings
from compax_server.services.actors import Actor

router = Router(
    "buildings",
    "/api/v1/buildings",
    tag="Buildings",
    description="Buildings, opening hours, closures.",
)

HHMM = Annotated[
    str,
    StringConstraints(
        pattern=pattern(
            r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", "must be a local time HH:MM, 00:00 to 24:00"
        )
    ),
]
Span = Annotated[list[HHMM], Field(min_length=2, max_length=2)]
OpeningHours = dict[Weekday, Annotated[list[Span], Field(max_length=12)]]
HOURS_DOC = (
    'per weekday, local time: {"mon": [["08:00", "20:00"]], ...}; '
    "a missing day is closed; null: always open"
)


class BuildingOut(Out):
    id: int
    code: str
    name: str
    timezone: str
    opening_hours: OpeningHours | None
    version: int
    created_at: datetime
    updated_at: datetime


class BuildingCreate(In):
    code: Code
    name: str = Field(min_length=1, max_length=200)
    timezone: str = Field(min_length=1, max_length=64, description="IANA zone, e.g. Europe/Berlin")
    opening_hours: OpeningHours | None = Field(None, description=HOURS_DOC)


class BuildingUpdate(Patch):
    NULLABLE = frozenset({"opening_hours"})
    code: Code | None = Field(None)
    name: str | None = Field(None, min_length=1, max_length=200)
    timezone: str | None = Field(None, min_length=1, max_length=64)
    opening_hours: OpeningHours | None = Field(None, description=HOURS_DOC)


class ClosureOut(Out):
    id: int
    building_id: int
    room_id: int | None
    start: datetime
    end: datetime
    reason: str


class ClosureCreated(ClosureOut):
    on_bookings: str = Field(description="the policy applied to the bookings hit")
    booking_ids: list[int] = Field(
        description="the bookings the closure covers (cancelled or kept)"
    )


class ClosureCreate(In):
    reason: str = Field(min_length=1, max_length=200)
    room_id: Int | None = Field(
        None, ge=1, le=2**31 - 1, description="only this room; omit for the whole building"
    )
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    start_date: date | None = Field(None, description="whole local days, with end_date (inclusive)")
    end_date: date | None = None
    on_bookings: Literal["refuse", "cancel", "keep"] = Field(
        "refuse",
        description="what happens to the confirmed and pending bookings the closure covers: "
        "refuse (409 closure_hits_bookings listing them), cancel them with the reason, or "
        "keep them as staff-approved exceptions",
    )


class ClosureQuery(PageQuery):
    from_: QueryTime | None = Field(None, alias="from", description="those that end after it")
    to: QueryTime | None = Field(None, description="those that start before it")


class BuildingQuery(PageQuery):
    code: str | None = Field(
        None, max_length=32, description="exactly this building code (0 or 1 buildings)"
    )


@router.get(
    "/",
    summary="List buildings",
    query=BuildingQuery,
    response=Page[BuildingOut],
    errors=AUTH_ERRORS,
)
async def list_buildings(request: Request, actor: Actor, query: BuildingQuery) -> HTTPResponse:
    rows, cursor = await buildings.list_buildings(
        actor, limit=query.limit, cursor=query.cursor, code=query.code
    )
    return render(page_of(rows, cursor, BuildingOut))


@router.post(
    "/",
    summary="Create a building",
    idempotent=True,
    body=BuildingCreate,
    response=BuildingOut,
    status=201,
    errors=(*AUTH_ERRORS, 409),
    response_headers=("Location",),
)
async def create_building(request: Request, actor: Actor, body: BuildingCreate) -> HTTPResponse:
    building = await buildings.create_building(actor, **body.model_dump())
    return render(
        BuildingOut.model_validate(building), 201, {"Location": f"/api/v1/buildings/{building.pk}"}
    )


@router.get(
    "/<building_id>", summary="Read a building", response=BuildingOut, errors=(*AUTH_ERRORS, 404)
)
async def read_building(request: Request, actor: Actor, building_id: int) -> HTTPResponse:
    return render(BuildingOut.model_validate(await buildings.get_building(actor, building_id)))


@router.patch(
    "/<building_id>",
    summary="Update a building",
    body=BuildingUpdate,
    response=BuildingOut,
    errors=(*AUTH_ERRORS, 404, 409, 412, 428),
    request_headers=("If-Match",),
    response_headers=("ETag",),
)
async def update_building(
    request: Request, actor: Actor, building_id: int, body: BuildingUpdate
) -> HTTPResponse:
    """Send ``"opening_hours": null`` to make the building always open. Needs ``If-Match``."""
    building = await buildings.update_building(
        actor, building_id, expected=if_match(request), **body.changes()
    )
    return render(BuildingOut.model_validate(building), headers={"ETag": etag(building)})


@router.delete(
    "/<building_id>", summary="Remove a building", status=204, errors=(*AUTH_ERRORS, 404, 409)
)
async def delete_building(request: Request, actor: Actor, building_id: int) -> HTTPResponse:
    """Only a building without rooms can be removed (409 otherwise)."""
    await buildings.delete_building(actor, building_id)
    return render(None, 204)


@router.get(
    "/<building_id>/closures",
    summary="List closures",
    query=ClosureQuery,
    response=Page[ClosureOut],
    errors=(*AUTH_ERRORS, 404),
)
async def list_closures(
    request: Request, actor: Actor, building_id: int, query: ClosureQuery
) -> HTTPResponse:
    """The closures of the building and of its rooms, the earliest first (by start, then
    id), a page at a time; ``from`` and ``to`` narrow the period."""
    rows, next_cursor = await buildings.list_closures(
        actor,
        building_id,
        start=query.from_,
        end=query.to,
        limit=query.limit,
        cursor=query.cursor,
    )
    return render(page_of(rows, next_cursor, ClosureOut))


@router.post(
    "/<building_id>/closures",
    summary="Close the building or a room",
    idempotent=True,
    body=ClosureCreate,
    response=ClosureCreated,
    status=201,
    errors=(*AUTH_ERRORS, 404, 409),
)
async def add_closure(
    request: Request, actor: Actor, building_id: int, body: ClosureCreate
) -> HTTPResponse:
    """Give ``start``/``end`` (instants) or ``start_date``/``end_date`` (whole local days).
    New bookings in that time are refused. Bookings already there are acted on as
    ``on_bookings`` says: ``refuse`` (default: 409 ``closure_hits_bookings`` listing them,
    nothing written), ``cancel`` or ``keep``; the answer lists them in ``booking_ids``."""
    outcome = await buildings.add_closure(actor, building_id, **body.model_dump())
    out = ClosureOut.model_validate(outcome.closure).model_dump()
    created = ClosureCreated(**out, on_bookings=outcome.policy, booking_ids=outcome.hit)
    return render(created, 201)


@router.delete(
    "/<building_id>/closures/<closure_id>",
    summary="Remove a closure",
    status=204,
    errors=(*AUTH_ERRORS, 404),
)
async def delete_closure(
    request: Request, actor: Actor, building_id: int, closure_id: int
) -> HTTPResponse:
    await buildings.delete_closure(actor, building_id, closure_id)
    return render(None, 204)
