"""``/api/v1/rooms`` (the catalogue; the search and availability are ``room_search``) and
``/api/v1/features``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.etags import etag, if_match
from compax_server.api.schemas import Code, In, Int, Out, Patch, Query, pattern, render
from compax_server.db.rooms import Room, feature_codes
from compax_server.services import managers, rooms
from compax_server.services.actors import Actor

router = Router(
    "rooms",
    "/api/v1/rooms",
    tag="Rooms",
    description="Rooms: the catalogue and the free-room search.",
)
features_router = Router(
    "features", "/api/v1/features", tag="Features", description="The vocabulary of room features."
)

FEATURE_CODE = pattern(rooms.FEATURE_CODE.pattern, rooms.FEATURE_CODE_RULE)
FeatureCode = Annotated[str, StringConstraints(pattern=FEATURE_CODE)]


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
        description="one room's read, create and update only (null in lists and searches): "
        "whom to ask about the room (its managers, then its building's; empty: staff decide)",
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
    closed_waitlist_entry_ids: list[int] = Field(
        description="entries that waited for this room alone: closed, their members told"
    )


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
    return render(await _with_contacts(room), 201, {"Location": f"/api/v1/rooms/{room.pk}"})


async def _with_contacts(room: Room) -> RoomOut:
    """The room as one room's read, create and update answer it: with whom to ask about it
    (a client keeping the answer to its edit as its copy keeps the contacts too)."""
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
    return out


@router.get("/<room_id>", summary="Read a room", response=RoomOut, errors=(*AUTH_ERRORS, 404))
async def read_room(request: Request, actor: Actor, room_id: int) -> HTTPResponse:
    """With ``contacts``: whom to ask about the room (who decides its requests)."""
    return render(await _with_contacts(await rooms.get_room(actor, room_id)))


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
    return render(await _with_contacts(room), headers={"ETag": etag(room)})


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
    removed = await rooms.delete_room(actor, room_id, force=query.force)
    return render(RoomDeleted(id=room_id, **asdict(removed)))
