"""The shapes of ``/bookings``: the models the API answers with and the parameters and bodies
``Bookings`` and ``AsyncBookings`` send. Import them from ``compax_sdk``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._params import body, query
from compax_sdk._types import NOT_GIVEN, NotGiven
from compax_sdk.resources._resource import version_tag, versioned
from compax_sdk.resources.checkin import CheckinWindow

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
    """On an occurrence of a series or a booking of an import changed by hand: which of
    ``room_id``, ``time``, ``title``, ``attendees``, ``status``. Series edits and imports
    keep these changes; ``update(..., reset_exceptions=True)`` clears them."""
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


def target(booking: Booking | int, version: int | str | None) -> tuple[str, dict[str, str]]:
    """The booking's path and its ``If-Match`` header. Without a version (an id alone) no
    header is sent and the server answers ``PreconditionRequiredError``."""
    booking_id, headers = versioned(booking, version)
    return f"/bookings/{booking_id}", headers


def list_params(
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


def create_body(
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


def update_body(
    title: str | NotGiven,
    description: str | NotGiven,
    room_id: int | NotGiven,
    start: datetime | NotGiven,
    end: datetime | NotGiven,
    override: bool | NotGiven,
    attendees: int | NotGiven | None = NOT_GIVEN,
    reset_exceptions: bool | NotGiven = NOT_GIVEN,
) -> dict[str, object]:
    fields = body(
        {
            "title": title,
            "description": description,
            "room_id": room_id,
            "start": start,
            "end": end,
            "override": override,
            "reset_exceptions": reset_exceptions,
        }
    )
    if not isinstance(attendees, NotGiven):  # None clears it
        fields["attendees"] = attendees
    return fields


def reason_body(reason: str | None) -> dict[str, str] | None:
    return {"reason": reason} if reason else None
