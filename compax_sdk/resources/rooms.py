"""``/rooms``: the room catalogue, and finding rooms in it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._params import body, query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = ["AsyncRooms", "Room", "RoomDeleted", "RoomSort", "Rooms"]

RoomSort = Literal["best_fit", "capacity", "code"]


class Room(Model):
    id: int
    code: str
    name: str
    building_id: int
    building_code: str = ""
    timezone: str = ""
    floor: int | None = None
    capacity: int
    features: list[str] = []
    bookable: bool = True
    requires_approval: bool = False
    description: str = ""
    version: int = 0
    created_at: AwareDatetime
    updated_at: AwareDatetime


class RoomDeleted(Model):
    id: int
    cancelled_booking_ids: list[int] = []


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


def _list_params(
    min_capacity: int | None,
    building: int | str | None,
    features: Sequence[str] | None,
    q: str | None,
    sort: RoomSort | None,
    limit: int | None,
) -> dict[str, str]:
    return query(
        {
            "min_capacity": min_capacity,
            "building": building,
            "features": features,
            "q": q,
            "sort": sort,
            "limit": limit,
        }
    )


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


class Rooms(SyncResource):
    def list(
        self,
        *,
        min_capacity: int | None = None,
        building: int | str | None = None,
        features: Sequence[str] | None = None,
        q: str | None = None,
        sort: RoomSort | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[Room]:
        """Rooms with at least ``min_capacity`` seats, in ``building`` (id or code), with
        every one of ``features``, whose code or name contains ``q``; ``sort="best_fit"``
        (the default) puts the smallest room that fits first."""
        params = _list_params(min_capacity, building, features, q, sort, limit)
        return self._list(Room, "/rooms", params=params, headers=extra_headers, timeout=timeout)

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
        room_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Room:
        return self._call(Room, "GET", f"/rooms/{room_id}", headers=extra_headers, timeout=timeout)

    def update(
        self,
        room_id: int,
        *,
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
        clears the floor."""
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
        return self._call(
            Room, "PATCH", f"/rooms/{room_id}", json=json, headers=extra_headers, timeout=timeout
        )

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


class AsyncRooms(AsyncResource):
    def list(
        self,
        *,
        min_capacity: int | None = None,
        building: int | str | None = None,
        features: Sequence[str] | None = None,
        q: str | None = None,
        sort: RoomSort | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[Room]:
        """Rooms with at least ``min_capacity`` seats, in ``building`` (id or code), with
        every one of ``features``, whose code or name contains ``q``; ``sort="best_fit"``
        (the default) puts the smallest room that fits first."""
        params = _list_params(min_capacity, building, features, q, sort, limit)
        return self._list(Room, "/rooms", params=params, headers=extra_headers, timeout=timeout)

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
        room_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Room:
        return await self._call(
            Room, "GET", f"/rooms/{room_id}", headers=extra_headers, timeout=timeout
        )

    async def update(
        self,
        room_id: int,
        *,
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
        clears the floor."""
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
        return await self._call(
            Room, "PATCH", f"/rooms/{room_id}", json=json, headers=extra_headers, timeout=timeout
        )

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
