"""``/bookings``: book rooms, move, cancel, approve and reject bookings.

Changes carry the version you read (``If-Match``), so that nobody overwrites a change they
have not seen: pass the ``Booking`` you have (its ``version`` is used), or an id and
``version=``. A stale version raises ``PreconditionFailedError``; read the booking again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource
from compax_sdk.resources.bookings_models import (
    ApprovedBooking,
    Booking,
    BookingStatus,
    CheckedInBooking,
    create_body,
    list_params,
    reason_body,
    target,
    update_body,
)
from compax_sdk.resources.checkin import AsyncCheckinMethods, CheckinMethods

__all__ = [
    "ApprovedBooking",
    "AsyncBookings",
    "Booking",
    "BookingStatus",
    "Bookings",
    "CheckedInBooking",
]


class Bookings(CheckinMethods, SyncResource):
    def list(
        self,
        *,
        room_id: int | Sequence[int] | None = None,
        owner_id: int | None = None,
        from_: datetime | None = None,
        to: datetime | None = None,
        status: BookingStatus | Sequence[BookingStatus] | None = None,
        series_id: int | None = None,
        limit: int | None = None,
        to_decide: bool | None = None,
        building_id: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[Booking]:
        """Bookings in start order, overlapping ``[from_, to)`` when given, of ``room_id`` (one
        id or several) or of ``building_id``'s rooms. Members see only their own (and all of
        the rooms they manage). ``to_decide=True``: the pending requests that are yours to
        decide. Iterating over the result goes through every page."""
        params = list_params(
            room_id, owner_id, from_, to, status, series_id, limit, to_decide, building_id
        )
        return self._list(
            Booking, "/bookings", params=params, headers=extra_headers, timeout=timeout
        )

    def create(
        self,
        *,
        room_id: int,
        title: str,
        start: datetime,
        end: datetime,
        description: str | None = None,
        owner_id: int | None = None,
        override: bool | None = None,
        attendees: int | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Booking:
        """Book ``room_id`` for ``[start, end)`` (aware datetimes). Confirmed at once, or
        ``pending`` when a member books a room that requires approval. Raises
        ``BookingConflictError`` when the room is taken. The same ``idempotency_key`` (one
        is made up when you pass none) makes a retry return the first booking."""
        return self._call(
            Booking,
            "POST",
            "/bookings",
            json=create_body(
                room_id, title, start, end, description, owner_id, override, attendees
            ),
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    def get(
        self,
        booking_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Booking:
        path = f"/bookings/{booking_id}"
        return self._call(Booking, "GET", path, headers=extra_headers, timeout=timeout)

    def update(
        self,
        booking: Booking | int,
        *,
        version: int | str | None = None,
        title: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        room_id: int | NotGiven = NOT_GIVEN,
        start: datetime | NotGiven = NOT_GIVEN,
        end: datetime | NotGiven = NOT_GIVEN,
        override: bool | NotGiven = NOT_GIVEN,
        attendees: int | NotGiven | None = NOT_GIVEN,
        reset_exceptions: bool | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Booking:
        """Rename or move (time and/or room) in one step; a move is checked like a new
        booking. ``attendees=None`` clears the head count. ``reset_exceptions=True`` clears
        ``exception_fields``: the booking's series or import sets every field again on its
        next change. Returns the new version."""
        path, headers = target(booking, version)
        return self._call(
            Booking,
            "PATCH",
            path,
            json=update_body(
                title, description, room_id, start, end, override, attendees, reset_exceptions
            ),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    def cancel(
        self,
        booking: Booking | int,
        *,
        version: int | str | None = None,
        reason: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Booking:
        """The booking is kept, with status ``cancelled``."""
        path, headers = target(booking, version)
        return self._call(
            Booking,
            "POST",
            f"{path}/cancel",
            json=reason_body(reason),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    def approve(
        self,
        booking: Booking | int,
        *,
        version: int | str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ApprovedBooking:
        """Staff: confirm a pending request; the pending requests it overlaps are rejected
        (``rejected_booking_ids``)."""
        path, headers = target(booking, version)
        return self._call(
            ApprovedBooking,
            "POST",
            f"{path}/approve",
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    def reject(
        self,
        booking: Booking | int,
        *,
        version: int | str | None = None,
        reason: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Booking:
        """Staff: turn down a pending request."""
        path, headers = target(booking, version)
        return self._call(
            Booking,
            "POST",
            f"{path}/reject",
            json=reason_body(reason),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )


class AsyncBookings(AsyncCheckinMethods, AsyncResource):
    def list(
        self,
        *,
        room_id: int | Sequence[int] | None = None,
        owner_id: int | None = None,
        from_: datetime | None = None,
        to: datetime | None = None,
        status: BookingStatus | Sequence[BookingStatus] | None = None,
        series_id: int | None = None,
        limit: int | None = None,
        to_decide: bool | None = None,
        building_id: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[Booking]:
        """Bookings in start order, overlapping ``[from_, to)`` when given, of ``room_id`` (one
        id or several) or of ``building_id``'s rooms. Members see only their own (and all of
        the rooms they manage). ``to_decide=True``: the pending requests that are yours to
        decide. ``async for`` over the result goes through every page."""
        params = list_params(
            room_id, owner_id, from_, to, status, series_id, limit, to_decide, building_id
        )
        return self._list(
            Booking, "/bookings", params=params, headers=extra_headers, timeout=timeout
        )

    async def create(
        self,
        *,
        room_id: int,
        title: str,
        start: datetime,
        end: datetime,
        description: str | None = None,
        owner_id: int | None = None,
        override: bool | None = None,
        attendees: int | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Booking:
        """Book ``room_id`` for ``[start, end)`` (aware datetimes). Confirmed at once, or
        ``pending`` when a member books a room that requires approval. Raises
        ``BookingConflictError`` when the room is taken. The same ``idempotency_key`` (one
        is made up when you pass none) makes a retry return the first booking."""
        return await self._call(
            Booking,
            "POST",
            "/bookings",
            json=create_body(
                room_id, title, start, end, description, owner_id, override, attendees
            ),
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    async def get(
        self,
        booking_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Booking:
        path = f"/bookings/{booking_id}"
        return await self._call(Booking, "GET", path, headers=extra_headers, timeout=timeout)

    async def update(
        self,
        booking: Booking | int,
        *,
        version: int | str | None = None,
        title: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        room_id: int | NotGiven = NOT_GIVEN,
        start: datetime | NotGiven = NOT_GIVEN,
        end: datetime | NotGiven = NOT_GIVEN,
        override: bool | NotGiven = NOT_GIVEN,
        attendees: int | NotGiven | None = NOT_GIVEN,
        reset_exceptions: bool | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Booking:
        """Rename or move (time and/or room) in one step; a move is checked like a new
        booking. ``attendees=None`` clears the head count. ``reset_exceptions=True`` clears
        ``exception_fields``: the booking's series or import sets every field again on its
        next change. Returns the new version."""
        path, headers = target(booking, version)
        return await self._call(
            Booking,
            "PATCH",
            path,
            json=update_body(
                title, description, room_id, start, end, override, attendees, reset_exceptions
            ),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    async def cancel(
        self,
        booking: Booking | int,
        *,
        version: int | str | None = None,
        reason: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Booking:
        """The booking is kept, with status ``cancelled``."""
        path, headers = target(booking, version)
        return await self._call(
            Booking,
            "POST",
            f"{path}/cancel",
            json=reason_body(reason),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    async def approve(
        self,
        booking: Booking | int,
        *,
        version: int | str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ApprovedBooking:
        """Staff: confirm a pending request; the pending requests it overlaps are rejected
        (``rejected_booking_ids``)."""
        path, headers = target(booking, version)
        return await self._call(
            ApprovedBooking,
            "POST",
            f"{path}/approve",
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    async def reject(
        self,
        booking: Booking | int,
        *,
        version: int | str | None = None,
        reason: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Booking:
        """Staff: turn down a pending request."""
        path, headers = target(booking, version)
        return await self._call(
            Booking,
            "POST",
            f"{path}/reject",
            json=reason_body(reason),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )
