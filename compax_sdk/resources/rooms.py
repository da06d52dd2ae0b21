"""``/rooms``: the room catalogue, finding free rooms in it, and one room's availability.

``rooms.list()`` is the search. With ``free_from`` and ``free_to`` only the rooms free for
that whole window come back (inside opening hours, no closure, no booking in the way); with
``repeat`` and ``until`` (or ``term``) the window repeats and the room must be free every
time. ``explain=True`` adds the rooms that match but are not free, with the reasons, to the
first page (``page.unavailable``)::

    page = client.rooms.list(min_capacity=30, features=["projector"],
                             free_from=start, free_to=end, explain=True)
    for room in page.data: ...                  # free; iterating over page: every page
    for room in page.unavailable or []:
        print(room.code, [r.type for r in room.reasons])
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

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
    availability_params,
    create_body,
    page_params,
    search_params,
    update_body,
)

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


class Rooms(DisplayTokenMethods, SyncResource):
    def list(
        self,
        *,
        min_capacity: int | None = None,
        building: int | str | None = None,
        features: Sequence[str] | None = None,
        q: str | None = None,
        free_from: datetime | None = None,
        free_to: datetime | None = None,
        repeat: SearchRepeat | None = None,
        until: date | None = None,
        term: int | None = None,
        explain: bool | None = None,
        sort: RoomSort | None = None,
        limit: int | None = None,
        favourites: Literal["only"] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> RoomSearchPage:
        """Rooms with at least ``min_capacity`` seats, in ``building`` (id or code), with
        every one of ``features``, whose code or name contains ``q``; ``sort="best_fit"``
        (the default) puts the smallest room that fits first.

        With ``free_from`` and ``free_to`` (aware datetimes, at most 7 days apart): only the
        rooms free for that whole window. ``repeat`` (``"weekly"`` or ``"daily"``) with
        ``until`` (a date, inclusive) or ``term`` (a term id: through its end, skipping its
        holidays): free at every occurrence, in each building's zone. ``explain=True``: the
        first page also lists the matching rooms that are not free, with the reasons.
        ``favourites="only"``: only the rooms you starred (``client.favourites``)."""
        params = search_params(
            min_capacity,
            building,
            features,
            q,
            free_from,
            free_to,
            repeat,
            until,
            term,
            explain,
            sort,
            limit,
            favourites,
        )

        def fetch(cursor: str | None) -> RoomSearchPage:
            result = self._call(
                RoomSearchResult,
                "GET",
                "/rooms",
                params=page_params(params, cursor),
                headers=extra_headers,
                timeout=timeout,
            )
            return RoomSearchPage(result, fetch)

        return fetch(None)

    def availability(
        self,
        room_id: int,
        *,
        start: datetime,
        end: datetime,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Availability:
        """Busy and free times of the room from ``start`` to ``end`` (at most 62 days)."""
        return self._call(
            Availability,
            "GET",
            f"/rooms/{room_id}/availability",
            params=availability_params(start, end),
            headers=extra_headers,
            timeout=timeout,
        )

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


class AsyncRooms(AsyncDisplayTokenMethods, AsyncResource):
    def list(
        self,
        *,
        min_capacity: int | None = None,
        building: int | str | None = None,
        features: Sequence[str] | None = None,
        q: str | None = None,
        free_from: datetime | None = None,
        free_to: datetime | None = None,
        repeat: SearchRepeat | None = None,
        until: date | None = None,
        term: int | None = None,
        explain: bool | None = None,
        sort: RoomSort | None = None,
        limit: int | None = None,
        favourites: Literal["only"] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncRoomSearchPager:
        """Rooms with at least ``min_capacity`` seats, in ``building`` (id or code), with
        every one of ``features``, whose code or name contains ``q``; ``sort="best_fit"``
        (the default) puts the smallest room that fits first.

        With ``free_from`` and ``free_to`` (aware datetimes, at most 7 days apart): only the
        rooms free for that whole window. ``repeat`` (``"weekly"`` or ``"daily"``) with
        ``until`` (a date, inclusive) or ``term`` (a term id: through its end, skipping its
        holidays): free at every occurrence, in each building's zone. ``explain=True``: the
        first page also lists the matching rooms that are not free, with the reasons.
        ``favourites="only"``: only the rooms you starred (``client.favourites``)."""
        params = search_params(
            min_capacity,
            building,
            features,
            q,
            free_from,
            free_to,
            repeat,
            until,
            term,
            explain,
            sort,
            limit,
            favourites,
        )

        async def fetch(cursor: str | None) -> AsyncRoomSearchPage:
            result = await self._call(
                RoomSearchResult,
                "GET",
                "/rooms",
                params=page_params(params, cursor),
                headers=extra_headers,
                timeout=timeout,
            )
            return AsyncRoomSearchPage(result, fetch)

        return AsyncRoomSearchPager(lambda: fetch(None))

    async def availability(
        self,
        room_id: int,
        *,
        start: datetime,
        end: datetime,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Availability:
        """Busy and free times of the room from ``start`` to ``end`` (at most 62 days)."""
        return await self._call(
            Availability,
            "GET",
            f"/rooms/{room_id}/availability",
            params=availability_params(start, end),
            headers=extra_headers,
            timeout=timeout,
        )

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
