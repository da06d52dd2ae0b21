"""Room and building managers (``/rooms/{id}/managers``, ``/buildings/{id}/managers``) and
the signed-in user's favourite rooms (``/me/favourites``).

A manager of a room (named on it, or on its building) decides its requests, sees its
bookings, books it with override, closes it, sets its rules and edits its description and
features. Staff and admins name managers::

    client.managers.add(building_id=3, email="music-office@campus.example")
    client.managers.list(room_id=12)            # named on the room itself
    client.managers.remove(building_id=3, user_id=41)

    client.favourites.add(12)
    [room.code for room in client.favourites.list()]
    client.rooms.list(favourites="only", min_capacity=10)
"""

from __future__ import annotations

from typing import Literal

from compax_sdk._models import Model
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource
from compax_sdk.resources.rooms import Room

__all__ = [
    "AsyncFavourites",
    "AsyncManagers",
    "Favourites",
    "Manager",
    "Managers",
]

FAVOURITES = "/me/favourites"


class Manager(Model):
    id: int
    user_id: int
    email: str
    full_name: str = ""
    building_id: int | None = None
    """Set when the user manages the building (all its rooms)."""
    room_id: int | None = None
    """Set when the user manages the room."""
    of: Literal["room", "building"] = "room"


def _base(room_id: int | None, building_id: int | None) -> str:
    if (room_id is None) == (building_id is None):
        raise TypeError("give room_id or building_id (one of them)")
    return (
        f"/rooms/{room_id}/managers"
        if room_id is not None
        else (f"/buildings/{building_id}/managers")
    )


def _who(user_id: int | None, email: str | None) -> dict[str, int | str]:
    if (user_id is None) == (email is None):
        raise TypeError("give user_id or email (one of them)")
    return {"user_id": user_id} if user_id is not None else {"email": str(email)}


class Managers(SyncResource):
    def list(
        self,
        *,
        room_id: int | None = None,
        building_id: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[Manager]:
        """The managers named on a room (not its building's) or on a building."""
        path = _base(room_id, building_id)
        return self._list(Manager, path, headers=extra_headers, timeout=timeout)

    def add(
        self,
        *,
        room_id: int | None = None,
        building_id: int | None = None,
        user_id: int | None = None,
        email: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Manager:
        """Staff and admins. A missing room or building raises ``NotFoundError``; a missing
        or deactivated user ``BadRequestError``; a manager named twice ``ConflictError``."""
        return self._call(
            Manager,
            "POST",
            _base(room_id, building_id),
            json=_who(user_id, email),
            headers=extra_headers,
            timeout=timeout,
        )

    def remove(
        self,
        *,
        user_id: int,
        room_id: int | None = None,
        building_id: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        """Staff and admins. The user loses the rights at once."""
        path = f"{_base(room_id, building_id)}/{user_id}"
        self._call_no_content("DELETE", path, headers=extra_headers, timeout=timeout)


class AsyncManagers(AsyncResource):
    def list(
        self,
        *,
        room_id: int | None = None,
        building_id: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[Manager]:
        """The managers named on a room (not its building's) or on a building."""
        path = _base(room_id, building_id)
        return self._list(Manager, path, headers=extra_headers, timeout=timeout)

    async def add(
        self,
        *,
        room_id: int | None = None,
        building_id: int | None = None,
        user_id: int | None = None,
        email: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Manager:
        """Staff and admins. A missing room or building raises ``NotFoundError``; a missing
        or deactivated user ``BadRequestError``; a manager named twice ``ConflictError``."""
        return await self._call(
            Manager,
            "POST",
            _base(room_id, building_id),
            json=_who(user_id, email),
            headers=extra_headers,
            timeout=timeout,
        )

    async def remove(
        self,
        *,
        user_id: int,
        room_id: int | None = None,
        building_id: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        """Staff and admins. The user loses the rights at once."""
        path = f"{_base(room_id, building_id)}/{user_id}"
        await self._call_no_content("DELETE", path, headers=extra_headers, timeout=timeout)


class Favourites(SyncResource):
    def list(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> SyncPage[Room]:
        """The rooms you starred, in the order you starred them."""
        return self._list(Room, FAVOURITES, headers=extra_headers, timeout=timeout)

    def add(
        self,
        room_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        """Star a room (starring it again changes nothing)."""
        path = f"{FAVOURITES}/{room_id}"
        self._call_no_content("PUT", path, headers=extra_headers, timeout=timeout)

    def remove(
        self,
        room_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        """Unstar a room (``NotFoundError`` when it was not starred)."""
        path = f"{FAVOURITES}/{room_id}"
        self._call_no_content("DELETE", path, headers=extra_headers, timeout=timeout)


class AsyncFavourites(AsyncResource):
    def list(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> AsyncPager[Room]:
        """The rooms you starred, in the order you starred them."""
        return self._list(Room, FAVOURITES, headers=extra_headers, timeout=timeout)

    async def add(
        self,
        room_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        """Star a room (starring it again changes nothing)."""
        path = f"{FAVOURITES}/{room_id}"
        await self._call_no_content("PUT", path, headers=extra_headers, timeout=timeout)

    async def remove(
        self,
        room_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        """Unstar a room (``NotFoundError`` when it was not starred)."""
        path = f"{FAVOURITES}/{room_id}"
        await self._call_no_content("DELETE", path, headers=extra_headers, timeout=timeout)
