"""The shapes of ``/rooms``: the models the API answers with, the search pages, and the
bodies and query parameters ``Rooms`` and ``AsyncRooms`` send. Import them from
``compax_sdk`` (or ``compax_sdk.resources.rooms``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Sequence
from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from compax_sdk._models import Model
from compax_sdk._params import body, query, rfc3339
from compax_sdk._types import NotGiven
from compax_sdk.paging import AsyncPage, AsyncPager, SyncPage

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
    """From ``rooms.get``, ``create`` and ``update`` (not lists or searches): its managers,
    then its building's (empty: staff decide)."""


class RoomDeleted(Model):
    id: int
    cancelled_booking_ids: list[int] = []
    closed_waitlist_entry_ids: list[int] = []
    """Waitlist entries for this room alone, closed (their members were told)."""


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


def create_body(
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


def search_params(
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


def page_params(params: dict[str, str], cursor: str | None) -> dict[str, str]:
    return params | {"cursor": cursor} if cursor else params


def availability_params(start: datetime, end: datetime) -> dict[str, str]:
    return {"from": rfc3339(start, "start"), "to": rfc3339(end, "end")}


def update_body(
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
