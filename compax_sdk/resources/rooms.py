"""``/rooms``: the room catalogue (create, read, change, remove rooms). Finding free rooms
in it and one room's availability (``rooms.list()``, ``rooms.availability()``) are in
``room_search``; the shapes of both in ``room_models``.
"""

from __future__ import annotations

from collections.abc import Sequence

from compax_sdk._params import query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import (
    AsyncResource,
    Headers,
    SyncResource,
    is_id,
    lookup_params,
    versioned,
)
from compax_sdk.resources.displays import AsyncDisplayTokenMethods, DisplayTokenMethods
from compax_sdk.resources.room_models import (
    AsyncRoomSearchPage,
    AsyncRoomSearchPager,
    Availability,
    BusyInterval,
    FreeInterval,
    Room,
    RoomContact,
    RoomDeleted,
    RoomSearchPage,
    RoomSearchResult,
    RoomSort,
    SearchRepeat,
    UnavailableReason,
    UnavailableRoom,
    create_body,
    update_body,
)
from compax_sdk.resources.room_search import AsyncRoomSearchMethods, RoomSearchMethods

__all__ = [
    "AsyncRoomSearchPage",
    "AsyncRoomSearchPager",
    "AsyncRooms",
    "Availability",
    "BusyInterval",
    "FreeInterval",
    "Room",
    "RoomContact",
    "RoomDeleted",
    "RoomSearchPage",
    "RoomSearchResult",
    "RoomSort",
    "Rooms",
    "SearchRepeat",
    "UnavailableReason",
    "UnavailableRoom",
]


class Rooms(RoomSearchMethods, DisplayTokenMethods, SyncResource):
    def create(
        self,
        *,
        code: str,
        name: str,
        building_id: int,
        capacity: int,
        floor: int | None = None,
        features: Sequence[str] | None = None,
        bookable: bool | None = None,
        requires_approval: bool | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Room:
        """``features`` are feature codes that exist (see ``features.list()``)."""
        json = create_body(
            code,
            name,
            building_id,
            capacity,
            floor,
            features,
            bookable,
            requires_approval,
            description,
        )
        return self._call(
            Room,
            "POST",
            "/rooms",
            json=json,
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    def get(
        self,
        room: int | str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Room:
        """A room by id (``3``) or by its exact code (``"M-101"``); ``NotFoundError`` when
        there is none. A string of digits is an id."""
        if is_id(room):
            path = f"/rooms/{int(room)}"
            return self._call(Room, "GET", path, headers=extra_headers, timeout=timeout)
        params, missing = lookup_params("code", str(room)), f"there is no room {room!r}"
        return self._find(Room, "/rooms", params, missing, headers=extra_headers, timeout=timeout)

    def update(
        self,
        room: Room | int,
        *,
        version: int | str | None = None,
        code: str | NotGiven = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        building_id: int | NotGiven = NOT_GIVEN,
        capacity: int | NotGiven = NOT_GIVEN,
        floor: int | NotGiven | None = NOT_GIVEN,
        features: Sequence[str] | NotGiven = NOT_GIVEN,
        bookable: bool | NotGiven = NOT_GIVEN,
        requires_approval: bool | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Room:
        """Only what you pass changes; ``features`` replaces the whole list; ``floor=None``
        clears the floor. Pass the ``Room`` you read (its version goes in ``If-Match``), or
        an id and ``version=``; a stale version raises ``PreconditionFailedError``."""
        room_id, headers = versioned(room, version)
        json = update_body(
            code,
            name,
            building_id,
            capacity,
            floor,
            features,
            bookable,
            requires_approval,
            description,
        )
        path = f"/rooms/{room_id}"
        headers |= dict(extra_headers or {})
        return self._call(Room, "PATCH", path, json=json, headers=headers, timeout=timeout)

    def delete(
        self,
        room_id: int,
        *,
        force: bool = False,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> RoomDeleted:
        """The room leaves the catalogue; its history stays. With upcoming bookings this is
        a ConflictError unless an admin passes ``force=True``, which cancels them."""
        return self._call(
            RoomDeleted,
            "DELETE",
            f"/rooms/{room_id}",
            params=query({"force": force or None}),
            headers=extra_headers,
            timeout=timeout,
        )


class AsyncRooms(AsyncRoomSearchMethods, AsyncDisplayTokenMethods, AsyncResource):
    async def create(
        self,
        *,
        code: str,
        name: str,
        building_id: int,
        capacity: int,
        floor: int | None = None,
        features: Sequence[str] | None = None,
        bookable: bool | None = None,
        requires_approval: bool | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Room:
        """``features`` are feature codes that exist (see ``features.list()``)."""
        json = create_body(
            code,
            name,
            building_id,
            capacity,
            floor,
            features,
            bookable,
            requires_approval,
            description,
        )
        return await self._call(
            Room,
            "POST",
            "/rooms",
            json=json,
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    async def get(
        self,
        room: int | str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Room:
        """A room by id (``3``) or by its exact code (``"M-101"``); ``NotFoundError`` when
        there is none. A string of digits is an id."""
        if is_id(room):
            path = f"/rooms/{int(room)}"
            return await self._call(Room, "GET", path, headers=extra_headers, timeout=timeout)
        params, missing = lookup_params("code", str(room)), f"there is no room {room!r}"
        return await self._find(
            Room, "/rooms", params, missing, headers=extra_headers, timeout=timeout
        )

    async def update(
        self,
        room: Room | int,
        *,
        version: int | str | None = None,
        code: str | NotGiven = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        building_id: int | NotGiven = NOT_GIVEN,
        capacity: int | NotGiven = NOT_GIVEN,
        floor: int | NotGiven | None = NOT_GIVEN,
        features: Sequence[str] | NotGiven = NOT_GIVEN,
        bookable: bool | NotGiven = NOT_GIVEN,
        requires_approval: bool | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Room:
        """Only what you pass changes; ``features`` replaces the whole list; ``floor=None``
        clears the floor. Pass the ``Room`` you read (its version goes in ``If-Match``), or
        an id and ``version=``; a stale version raises ``PreconditionFailedError``."""
        room_id, headers = versioned(room, version)
        json = update_body(
            code,
            name,
            building_id,
            capacity,
            floor,
            features,
            bookable,
            requires_approval,
            description,
        )
        path = f"/rooms/{room_id}"
        headers |= dict(extra_headers or {})
        return await self._call(Room, "PATCH", path, json=json, headers=headers, timeout=timeout)

    async def delete(
        self,
        room_id: int,
        *,
        force: bool = False,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> RoomDeleted:
        """The room leaves the catalogue; its history stays. With upcoming bookings this is
        a ConflictError unless an admin passes ``force=True``, which cancels them."""
        return await self._call(
            RoomDeleted,
            "DELETE",
            f"/rooms/{room_id}",
            params=query({"force": force or None}),
            headers=extra_headers,
            timeout=timeout,
        )
