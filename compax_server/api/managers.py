"""``/api/v1/rooms/{id}/managers``, ``/api/v1/buildings/{id}/managers`` (who cares for a
room or building) and ``/api/v1/me/favourites`` (the rooms I starred)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.rooms import RoomOut, room_out
from compax_server.api.schemas import In, Int, Out, render
from compax_server.api.users import Email
from compax_server.db.managers import ManagerRow
from compax_server.db.rooms import Room
from compax_server.services import managers
from compax_server.services.actors import Actor
from compax_server.services.managers import Target

room_router = Router(
    "room_managers",
    "/api/v1/rooms",
    tag="Managers",
    description="Room and building managers: who decides a room's requests and cares for it.",
)
building_router = Router("building_managers", "/api/v1/buildings", tag="Managers")
favourites_router = Router(
    "favourites", "/api/v1/me/favourites", tag="Favourites", description="Rooms I starred."
)


class ManagerOut(Out):
    id: int
    user_id: int
    email: str
    full_name: str
    building_id: int | None = Field(description="set when the user manages the building")
    room_id: int | None = Field(description="set when the user manages the room")
    of: Literal["room", "building"]


class ManagerList(Out):
    data: list[ManagerOut]


class ManagerAdd(In):
    """Name the user by ``user_id`` or by ``email`` (one of them)."""

    user_id: Int | None = Field(None, ge=1, le=2**31 - 1)
    email: Email | None = None

    @model_validator(mode="after")
    def _one(self) -> ManagerAdd:
        if (self.user_id is None) == (self.email is None):
            raise ValueError("give user_id or email (one of them)")
        return self


class FavouriteList(Out):
    data: list[RoomOut]


def manager_out(m: ManagerRow) -> ManagerOut:
    return ManagerOut(
        id=m.id,
        user_id=m.user_id,
        email=m.email,
        full_name=m.full_name,
        building_id=m.building_id,
        room_id=m.room_id,
        of="room" if m.room_id else "building",
    )


async def _list(actor: Actor, target: Target) -> HTTPResponse:
    rows = await managers.list_managers(actor, target)
    return render(ManagerList(data=[manager_out(m) for m in rows]))


async def _add(actor: Actor, target: Target, body: ManagerAdd) -> HTTPResponse:
    user = body.user_id if body.user_id is not None else body.email
    assert user is not None
    return render(manager_out(await managers.add_manager(actor, target, user)), 201)


ADD_ERRORS = (400, *AUTH_ERRORS, 404, 409)


@room_router.get(
    "/<room_id>/managers",
    summary="List a room's managers",
    response=ManagerList,
    errors=(*AUTH_ERRORS, 404),
)
async def list_room_managers(request: Request, actor: Actor, room_id: int) -> HTTPResponse:
    """The users named managers of this room (its building's are at
    ``/buildings/{id}/managers``; ``GET /rooms/{id}`` lists both as ``contacts``)."""
    return await _list(actor, Target("room", room_id))


@room_router.post(
    "/<room_id>/managers",
    summary="Make a user a manager of a room",
    body=ManagerAdd,
    response=ManagerOut,
    status=201,
    errors=ADD_ERRORS,
)
async def add_room_manager(
    request: Request, actor: Actor, room_id: int, body: ManagerAdd
) -> HTTPResponse:
    """Staff and admins. The manager decides the room's requests, sees its bookings, books
    it with override, closes it, sets its rules and edits its description and features.
    A missing room is a 404; a missing or deactivated user a 400; twice a 409."""
    return await _add(actor, Target("room", room_id), body)


@room_router.delete(
    "/<room_id>/managers/<user_id>",
    summary="Remove a manager of a room",
    status=204,
    errors=(*AUTH_ERRORS, 404),
)
async def remove_room_manager(
    request: Request, actor: Actor, room_id: int, user_id: int
) -> HTTPResponse:
    """Staff and admins. The user loses the room's rights at once."""
    await managers.remove_manager(actor, Target("room", room_id), user_id)
    return render(None, 204)


@building_router.get(
    "/<building_id>/managers",
    summary="List a building's managers",
    response=ManagerList,
    errors=(*AUTH_ERRORS, 404),
)
async def list_building_managers(request: Request, actor: Actor, building_id: int) -> HTTPResponse:
    return await _list(actor, Target("building", building_id))


@building_router.post(
    "/<building_id>/managers",
    summary="Make a user a manager of a building",
    body=ManagerAdd,
    response=ManagerOut,
    status=201,
    errors=ADD_ERRORS,
)
async def add_building_manager(
    request: Request, actor: Actor, building_id: int, body: ManagerAdd
) -> HTTPResponse:
    """Staff and admins. The manager cares for every room of the building (as a room's
    manager does) and may close the whole building. Missing building: 404; missing or
    deactivated user: 400; twice: 409."""
    return await _add(actor, Target("building", building_id), body)


@building_router.delete(
    "/<building_id>/managers/<user_id>",
    summary="Remove a manager of a building",
    status=204,
    errors=(*AUTH_ERRORS, 404),
)
async def remove_building_manager(
    request: Request, actor: Actor, building_id: int, user_id: int
) -> HTTPResponse:
    await managers.remove_manager(actor, Target("building", building_id), user_id)
    return render(None, 204)


@favourites_router.get(
    "/", summary="List my favourite rooms", response=FavouriteList, errors=AUTH_ERRORS
)
async def list_favourites(request: Request, actor: Actor) -> HTTPResponse:
    """The rooms you starred, in the order you starred them. Search only them with
    ``GET /rooms?favourites=only``."""
    ids = await managers.favourites(actor)
    found = {r.pk: r for r in await Room.filter(id__in=ids).select_related("building")}
    return render(FavouriteList(data=[await room_out(found[i]) for i in ids if i in found]))


@favourites_router.put("/<room_id>", summary="Star a room", status=204, errors=(*AUTH_ERRORS, 404))
async def add_favourite(request: Request, actor: Actor, room_id: int) -> HTTPResponse:
    """Idempotent: starring a starred room changes nothing."""
    await managers.add_favourite(actor, room_id)
    return render(None, 204)


@favourites_router.delete(
    "/<room_id>", summary="Unstar a room", status=204, errors=(*AUTH_ERRORS, 404)
)
async def remove_favourite(request: Request, actor: Actor, room_id: int) -> HTTPResponse:
    await managers.remove_favourite(actor, room_id)
    return render(None, 204)
