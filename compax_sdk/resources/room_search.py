"""``/rooms`` searched: finding free rooms in the catalogue, and one room's availability
(the methods ``list`` and ``availability`` of ``client.rooms``).

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

from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource
from compax_sdk.resources.room_models import (
    AsyncRoomSearchPage,
    AsyncRoomSearchPager,
    Availability,
    RoomSearchPage,
    RoomSearchResult,
    RoomSort,
    SearchRepeat,
    availability_params,
    page_params,
    search_params,
)

__all__ = ["AsyncRoomSearchMethods", "RoomSearchMethods"]


class RoomSearchMethods(SyncResource):
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


class AsyncRoomSearchMethods(AsyncResource):
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
