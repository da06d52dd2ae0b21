"""``/buildings``: buildings, their opening hours and closures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._params import body, query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import (
    AsyncResource,
    Headers,
    SyncResource,
    is_id,
    lookup_params,
    versioned,
)

__all__ = ["AsyncBuildings", "Building", "Buildings", "Closure", "OpeningHours"]

OpeningHours = Mapping[str, Sequence[Sequence[str]]]
"""Per weekday (``mon`` ... ``sun``), local time spans: ``{"mon": [["08:00", "20:00"]]}``.
A missing day is closed; ``None`` means always open."""


class Building(Model):
    id: int
    code: str
    name: str
    timezone: str
    opening_hours: dict[str, list[list[str]]] | None = None
    version: int = 0
    created_at: AwareDatetime
    updated_at: AwareDatetime


class Closure(Model):
    id: int
    building_id: int
    room_id: int | None = None
    start: AwareDatetime
    end: AwareDatetime
    reason: str = ""


class ClosureCreated(Closure):
    """A new closure, with what it did to the bookings it covers."""

    on_bookings: str = "refuse"
    booking_ids: list[int] = []
    """The bookings the closure covers: cancelled (``on_bookings="cancel"``) or kept."""


ClosurePolicy = Literal["refuse", "cancel", "keep"]


def _closure_body(
    reason: str,
    room_id: int | None,
    start: datetime | None,
    end: datetime | None,
    start_date: date | None,
    end_date: date | None,
    on_bookings: ClosurePolicy | None,
) -> dict[str, object]:
    return body(
        {
            "on_bookings": on_bookings,
            "reason": reason,
            "room_id": room_id,
            "start": start,
            "end": end,
            "start_date": start_date,
            "end_date": end_date,
        }
    )


class Buildings(SyncResource):
    def list(
        self,
        *,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[Building]:
        params = query({"limit": limit})
        return self._list(
            Building, "/buildings", params=params, headers=extra_headers, timeout=timeout
        )

    def create(
        self,
        *,
        code: str,
        name: str,
        timezone: str,
        opening_hours: OpeningHours | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Building:
        """``timezone`` is an IANA zone (``Europe/Berlin``); no ``opening_hours``: always open."""
        json = body(
            {"code": code, "name": name, "timezone": timezone, "opening_hours": opening_hours}
        )
        return self._call(
            Building,
            "POST",
            "/buildings",
            json=json,
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    def get(
        self,
        building: int | str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Building:
        """A building by id (``1``) or by its exact code (``"MAIN"``); ``NotFoundError``
        when there is none. A string of digits is an id."""
        if is_id(building):
            path = f"/buildings/{int(building)}"
            return self._call(Building, "GET", path, headers=extra_headers, timeout=timeout)
        params = lookup_params("code", str(building))
        missing = f"there is no building {building!r}"
        return self._find(
            Building, "/buildings", params, missing, headers=extra_headers, timeout=timeout
        )

    def update(
        self,
        building: Building | int,
        *,
        version: int | str | None = None,
        code: str | NotGiven = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        timezone: str | NotGiven = NOT_GIVEN,
        opening_hours: OpeningHours | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Building:
        """``opening_hours=None`` makes the building always open. Pass the ``Building`` you
        read (its version goes in ``If-Match``), or an id and ``version=``."""
        building_id, headers = versioned(building, version)
        json = body(
            {"code": code, "name": name, "timezone": timezone, "opening_hours": opening_hours},
            keep_none=True,
        )
        path = f"/buildings/{building_id}"
        return self._call(
            Building,
            "PATCH",
            path,
            json=json,
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    def delete(
        self,
        building_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        """Only a building without rooms can be removed (ConflictError otherwise)."""
        path = f"/buildings/{building_id}"
        self._call_no_content("DELETE", path, headers=extra_headers, timeout=timeout)

    def list_closures(
        self,
        building_id: int,
        *,
        from_: datetime | None = None,
        to: datetime | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[Closure]:
        params = query({"from": from_, "to": to, "limit": limit})
        path = f"/buildings/{building_id}/closures"
        return self._list(Closure, path, params=params, headers=extra_headers, timeout=timeout)

    def create_closure(
        self,
        building_id: int,
        *,
        reason: str,
        room_id: int | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        on_bookings: ClosurePolicy | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ClosureCreated:
        """Close the building (or one ``room_id``) from ``start`` to ``end``, or for whole
        local days ``start_date`` to ``end_date`` (inclusive). New bookings then are refused.
        Bookings already there: ``on_bookings="refuse"`` (default: ``ConflictError`` with
        code ``closure_hits_bookings`` listing them), ``"cancel"`` or ``"keep"``."""
        return self._call(
            ClosureCreated,
            "POST",
            f"/buildings/{building_id}/closures",
            json=_closure_body(reason, room_id, start, end, start_date, end_date, on_bookings),
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    def delete_closure(
        self,
        building_id: int,
        closure_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        path = f"/buildings/{building_id}/closures/{closure_id}"
        self._call_no_content("DELETE", path, headers=extra_headers, timeout=timeout)


class AsyncBuildings(AsyncResource):
    def list(
        self,
        *,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[Building]:
        params = query({"limit": limit})
        return self._list(
            Building, "/buildings", params=params, headers=extra_headers, timeout=timeout
        )

    async def create(
        self,
        *,
        code: str,
        name: str,
        timezone: str,
        opening_hours: OpeningHours | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Building:
        """``timezone`` is an IANA zone (``Europe/Berlin``); no ``opening_hours``: always open."""
        json = body(
            {"code": code, "name": name, "timezone": timezone, "opening_hours": opening_hours}
        )
        return await self._call(
            Building,
            "POST",
            "/buildings",
            json=json,
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    async def get(
        self,
        building: int | str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Building:
        """A building by id (``1``) or by its exact code (``"MAIN"``); ``NotFoundError``
        when there is none. A string of digits is an id."""
        if is_id(building):
            path = f"/buildings/{int(building)}"
            return await self._call(Building, "GET", path, headers=extra_headers, timeout=timeout)
        params = lookup_params("code", str(building))
        missing = f"there is no building {building!r}"
        return await self._find(
            Building, "/buildings", params, missing, headers=extra_headers, timeout=timeout
        )

    async def update(
        self,
        building: Building | int,
        *,
        version: int | str | None = None,
        code: str | NotGiven = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        timezone: str | NotGiven = NOT_GIVEN,
        opening_hours: OpeningHours | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Building:
        """``opening_hours=None`` makes the building always open. Pass the ``Building`` you
        read (its version goes in ``If-Match``), or an id and ``version=``."""
        building_id, headers = versioned(building, version)
        json = body(
            {"code": code, "name": name, "timezone": timezone, "opening_hours": opening_hours},
            keep_none=True,
        )
        path = f"/buildings/{building_id}"
        return await self._call(
            Building,
            "PATCH",
            path,
            json=json,
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    async def delete(
        self,
        building_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        """Only a building without rooms can be removed (ConflictError otherwise)."""
        path = f"/buildings/{building_id}"
        await self._call_no_content("DELETE", path, headers=extra_headers, timeout=timeout)

    def list_closures(
        self,
        building_id: int,
        *,
        from_: datetime | None = None,
        to: datetime | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[Closure]:
        params = query({"from": from_, "to": to, "limit": limit})
        path = f"/buildings/{building_id}/closures"
        return self._list(Closure, path, params=params, headers=extra_headers, timeout=timeout)

    async def create_closure(
        self,
        building_id: int,
        *,
        reason: str,
        room_id: int | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        on_bookings: ClosurePolicy | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ClosureCreated:
        """Close the building (or one ``room_id``) from ``start`` to ``end``, or for whole
        local days ``start_date`` to ``end_date`` (inclusive). New bookings then are refused.
        Bookings already there: ``on_bookings="refuse"`` (default: ``ConflictError`` with
        code ``closure_hits_bookings`` listing them), ``"cancel"`` or ``"keep"``."""
        return await self._call(
            ClosureCreated,
            "POST",
            f"/buildings/{building_id}/closures",
            json=_closure_body(reason, room_id, start, end, start_date, end_date, on_bookings),
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    async def delete_closure(
        self,
        building_id: int,
        closure_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        path = f"/buildings/{building_id}/closures/{closure_id}"
        await self._call_no_content("DELETE", path, headers=extra_headers, timeout=timeout)
