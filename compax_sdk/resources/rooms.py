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

from collections.abc import Awaitable, Callable, Generator, Sequence
from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from compax_sdk._models import Model
from compax_sdk._params import body, query, rfc3339
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPage, AsyncPager, SyncPage
from compax_sdk.resources._resource import (
    AsyncResource,
    Headers,
    SyncResource,
    is_id,
    lookup_params,
    versioned,
)
from compax_sdk.resources.displays import AsyncDisplayTokenMethods, DisplayTokenMethods

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

RoomSort = Literal["best_fit", "capacity", "code"]
SearchRepeat = Literal["daily", "weekly"]


class RoomContact(Model):
    """Whom to ask about a room: one of its managers (``of="room"``) or its building's."""

    user_id: int
    full_name: str = ""
    email: str
    of: str = "room"


class Room(Model):
    id: int
    code: str
    name: str
    building_id: int
    building_code: str = ""
    timezone: str = ""  # the building's IANA zone
    floor: int | None = None
    capacity: int
    features: list[str] = []
    bookable: bool = True
    requires_approval: bool = False
    description: str = ""
    version: int = 0
    created_at: AwareDatetime
    updated_at: AwareDatetime
    contacts: list[RoomContact] | None = None
    """From ``rooms.get`` only: its managers, then its building's (empty: staff decide)."""


class RoomDeleted(Model):
    id: int
    cancelled_booking_ids: list[int] = []


class UnavailableReason(Model):
    """Why a room that matches is not free: ``type`` is ``booking`` (``booking_id`` and
    ``title`` only for bookings you may see), ``closure``, ``outside_opening_hours`` (at
    ``occurrences`` of the windows) or ``not_bookable``."""

    type: str
    detail: str | None = None
    booking_id: int | None = None
    closure_id: int | None = None
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    status: str | None = None
    title: str | None = None
    occurrences: int | None = None


class UnavailableRoom(Room):
    reasons: list[UnavailableReason] = []
    blocked_occurrences: int = 0
    """How many of the ``occurrences`` windows are blocked."""
    occurrences: int = 0


class RoomSearchResult(Model):
    """The body of one search answer (``RoomSearchPage`` wraps it)."""

    data: list[Room]
    next_cursor: str | None = None
    occurrences: int = 0
    unavailable: list[UnavailableRoom] | None = None


class RoomSearchPage(SyncPage[Room]):
    """One page of a room search. Besides ``data`` and ``next_cursor``: ``occurrences``, the
    windows each room was checked for (0 without a window), and ``unavailable``, the near
    misses with reasons (with ``explain=True``, on the first page only)."""

    def __init__(
        self, result: RoomSearchResult, fetch: Callable[[str], SyncPage[Room]] | None = None
    ) -> None:
        super().__init__(result.data, result.next_cursor, fetch)
        self.occurrences = result.occurrences
        self.unavailable = result.unavailable


class AsyncRoomSearchPage(AsyncPage[Room]):
    """``RoomSearchPage`` for ``AsyncCompax``."""

    def __init__(
        self,
        result: RoomSearchResult,
        fetch: Callable[[str], Awaitable[AsyncPage[Room]]] | None = None,
    ) -> None:
        super().__init__(result.data, result.next_cursor, fetch)
        self.occurrences = result.occurrences
        self.unavailable = result.unavailable


class AsyncRoomSearchPager(AsyncPager[Room]):
    """``await`` it for the first ``AsyncRoomSearchPage``, or ``async for`` every room."""

    def __init__(self, first: Callable[[], Awaitable[AsyncRoomSearchPage]]) -> None:
        super().__init__(first)
        self._first_search = first

    def __await__(self) -> Generator[Any, None, AsyncRoomSearchPage]:
        return self._first_search().__await__()


class BusyInterval(Model):
    """A booking (``booking_id`` and ``title`` only for bookings you may see) or a closure
    (with its ``reason``)."""

    start: AwareDatetime
    end: AwareDatetime
    kind: str  # booking or closure
    status: str | None = None
    booking_id: int | None = None
    title: str | None = None
    reason: str | None = None


class FreeInterval(Model):
    start: AwareDatetime
    end: AwareDatetime


class Availability(Model):
    """One room between ``from_`` and ``to``: what is busy, and the free times inside opening
    hours. Times are UTC; ``timezone`` is the building's."""

    room_id: int
    from_: AwareDatetime = Field(alias="from")
    to: AwareDatetime
    timezone: str = ""
    busy: list[BusyInterval] = []
    free: list[FreeInterval] = []


def _create_body(
    code: str,
    name: str,
    building_id: int,
    capacity: int,
    floor: int | None,
    features: Sequence[str] | None,
    bookable: bool | None,
    requires_approval: bool | None,
    description: str | None,
) -> dict[str, object]:
    return body(
        {
            "code": code,
            "name": name,
            "building_id": building_id,
            "capacity": capacity,
            "floor": floor,
            "features": list(features) if features is not None else None,
            "bookable": bookable,
            "requires_approval": requires_approval,
            "description": description,
        }
    )


def _search_params(
    min_capacity: int | None,
    building: int | str | None,
    features: Sequence[str] | None,
    q: str | None,
    free_from: datetime | None,
    free_to: datetime | None,
    repeat: SearchRepeat | None,
    until: date | None,
    term: int | None,
    explain: bool | None,
    sort: RoomSort | None,
    limit: int | None,
    favourites: Literal["only"] | None = None,
) -> dict[str, str]:
    return query(
        {
            "favourites": favourites,
            "min_capacity": min_capacity,
            "building": building,
            "features": features,
            "q": q,
            "free_from": free_from,
            "free_to": free_to,
            "repeat": repeat,
            "until": until,
            "term": term,
            "explain": explain,
            "sort": sort,
            "limit": limit,
        }
    )


def _page_params(params: dict[str, str], cursor: str | None) -> dict[str, str]:
    return params | {"cursor": cursor} if cursor else params


def _availability_params(start: datetime, end: datetime) -> dict[str, str]:
    return {"from": rfc3339(start, "start"), "to": rfc3339(end, "end")}


def _update_body(
    code: str | NotGiven,
    name: str | NotGiven,
    building_id: int | NotGiven,
    capacity: int | NotGiven,
    floor: int | NotGiven | None,
    features: Sequence[str] | NotGiven,
    bookable: bool | NotGiven,
    requires_approval: bool | NotGiven,
    description: str | NotGiven,
) -> dict[str, object]:
    return body(
        {
            "code": code,
            "name": name,
            "building_id": building_id,
            "capacity": capacity,
            "floor": floor,
            "features": features if isinstance(features, NotGiven) else list(features),
            "bookable": bookable,
            "requires_approval": requires_approval,
            "description": description,
        },
        keep_none=True,
    )


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
        params = _search_params(
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
                params=_page_params(params, cursor),
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
            params=_availability_params(start, end),
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
        json = _create_body(
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
        json = _update_body(
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
        params = _search_params(
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
                params=_page_params(params, cursor),
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
            params=_availability_params(start, end),
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
        json = _create_body(
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
        json = _update_body(
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
