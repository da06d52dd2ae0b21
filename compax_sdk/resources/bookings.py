"""``/bookings``: book rooms, move, cancel, approve and reject bookings.

Changes carry the version you read (``If-Match``), so that nobody overwrites a change they
have not seen: pass the ``Booking`` you have (its ``version`` is used), or an id and
``version=``. A stale version raises ``PreconditionFailedError``; read the booking again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._params import body, query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource, version_tag
from compax_sdk.resources.checkin import AsyncCheckinMethods, CheckinMethods, CheckinWindow

__all__ = [
    "ApprovedBooking",
    "AsyncBookings",
    "Booking",
    "BookingStatus",
    "Bookings",
    "CheckedInBooking",
]

BookingStatus = Literal["pending", "confirmed", "rejected", "cancelled", "released", "held"]


class Booking(Model):
    id: int
    room_id: int
    owner_id: int
    title: str
    description: str = ""
    start: AwareDatetime
    end: AwareDatetime
    timezone: str = ""
    """The IANA zone of the room's building, e.g. ``Europe/Berlin``."""
    local_start: AwareDatetime | None = None
    """``start`` in the room's zone (with its offset): show this to people."""
    local_end: AwareDatetime | None = None
    status: str  # pending, confirmed, rejected, cancelled, released (a no-show) or held
    reason: str = ""  # why it was rejected or cancelled
    attendees: int | None = None  # people expected (seat fit)
    series_id: int | None = None
    exception_fields: list[str] = []
    """On an occurrence of a series changed by hand: which of ``room_id``, ``time``,
    ``title``, ``status``. Series edits and imports keep these changes."""
    source: str | None = None
    external_id: str | None = None
    version: int
    created_by_id: int | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    checked_in_at: AwareDatetime | None = None

    @property
    def etag(self) -> str:
        """The ETag of this version, as ``If-Match`` wants it: ``"3"``."""
        return version_tag(self.version)


class CheckedInBooking(Booking):
    checkin: CheckinWindow
    """The booking's check-in window (``required``, ``opens_at``, ``closes_at``)."""


class ApprovedBooking(Booking):
    rejected_booking_ids: list[int] = []
    """The pending requests this approval overrode (now ``rejected``)."""


def _target(booking: Booking | int, version: int | str | None) -> tuple[str, dict[str, str]]:
    """The booking's path and its ``If-Match`` header. Without a version (an id alone) no
    header is sent and the server answers ``PreconditionRequiredError``."""
    if isinstance(booking, Booking):
        booking_id = booking.id
        version = booking.version if version is None else version
    else:
        booking_id = booking
    headers = {"If-Match": version_tag(version)} if version is not None else {}
    return f"/bookings/{booking_id}", headers


def _list_params(
    room_id: int | Sequence[int] | None,
    owner_id: int | None,
    from_: datetime | None,
    to: datetime | None,
    status: BookingStatus | Sequence[BookingStatus] | None,
    series_id: int | None,
    limit: int | None,
    to_decide: bool | None = None,
    building_id: int | None = None,
) -> dict[str, str]:
    return query(
        {
            "to_decide": to_decide,
            "room_id": room_id,
            "building_id": building_id,
            "owner_id": owner_id,
            "from": from_,
            "to": to,
            "status": status,
            "series_id": series_id,
            "limit": limit,
        }
    )


def _create_body(
    room_id: int,
    title: str,
    start: datetime,
    end: datetime,
    description: str | None,
    owner_id: int | None,
    override: bool | None,
    attendees: int | None = None,
) -> dict[str, object]:
    return body(
        {
            "room_id": room_id,
            "title": title,
            "start": start,
            "end": end,
            "description": description,
            "owner_id": owner_id,
            "override": override,
            "attendees": attendees,
        }
    )


def _update_body(
    title: str | NotGiven,
    description: str | NotGiven,
    room_id: int | NotGiven,
    start: datetime | NotGiven,
    end: datetime | NotGiven,
    override: bool | NotGiven,
    attendees: int | NotGiven | None = NOT_GIVEN,
) -> dict[str, object]:
    fields = body(
        {
            "title": title,
            "description": description,
            "room_id": room_id,
            "start": start,
            "end": end,
            "override": override,
        }
    )
    if not isinstance(attendees, NotGiven):  # None clears it
        fields["attendees"] = attendees
    return fields


def _reason(reason: str | None) -> dict[str, str] | None:
    return {"reason": reason} if reason else None


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
        params = _list_params(
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
            json=_create_body(
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
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Booking:
        """Rename or move (time and/or room) in one step; a move is checked like a new
        booking. ``attendees=None`` clears the head count. Returns the new version."""
        path, headers = _target(booking, version)
        return self._call(
            Booking,
            "PATCH",
            path,
            json=_update_body(title, description, room_id, start, end, override, attendees),
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
        path, headers = _target(booking, version)
        return self._call(
            Booking,
            "POST",
            f"{path}/cancel",
            json=_reason(reason),
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
        path, headers = _target(booking, version)
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
        path, headers = _target(booking, version)
        return self._call(
            Booking,
            "POST",
            f"{path}/reject",
            json=_reason(reason),
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
        params = _list_params(
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
            json=_create_body(
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
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Booking:
        """Rename or move (time and/or room) in one step; a move is checked like a new
        booking. ``attendees=None`` clears the head count. Returns the new version."""
        path, headers = _target(booking, version)
        return await self._call(
            Booking,
            "PATCH",
            path,
            json=_update_body(title, description, room_id, start, end, override, attendees),
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
        path, headers = _target(booking, version)
        return await self._call(
            Booking,
            "POST",
            f"{path}/cancel",
            json=_reason(reason),
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
        path, headers = _target(booking, version)
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
        path, headers = _target(booking, version)
        return await self._call(
            Booking,
            "POST",
            f"{path}/reject",
            json=_reason(reason),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )
