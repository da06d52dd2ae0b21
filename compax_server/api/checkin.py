"""``/api/v1/bookings/{id}/check-in``: the owner (or staff for someone) checks in."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from sanic import HTTPResponse, Request

from compax_server.api.bookings import BookingOut, booking_out, with_etag
from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.schemas import Out, render
from compax_server.services import checkin
from compax_server.services.actors import Actor

router = Router(
    "checkin",
    "/api/v1/bookings",
    tag="Bookings",
    description="Check-in: a booking that needs one and gets none is released (no-show).",
)


class CheckinWindow(Out):
    required: bool = Field(description="whether nobody checking in releases the booking")
    opens_at: datetime
    closes_at: datetime = Field(description="released at this time if nobody checked in")


class CheckedIn(BookingOut):
    checkin: CheckinWindow


@router.get(
    "/<booking_id>/check-in",
    summary="Read a booking's check-in window",
    response=CheckinWindow,
    errors=(*AUTH_ERRORS, 404),
    operation_id="bookings_checkin_window",
)
async def checkin_window(request: Request, actor: Actor, booking_id: int) -> HTTPResponse:
    """Whether the booking needs a check-in, and from when to when it is open."""
    window = await checkin.window_for(actor, booking_id)
    return render(CheckinWindow(**window.view()))


@router.post(
    "/<booking_id>/check-in",
    summary="Check in to a booking",
    response=CheckedIn,
    errors=(*AUTH_ERRORS, 404, 409),
    response_headers=("ETag",),
    operation_id="bookings_check_in",
)
async def check_in(request: Request, actor: Actor, booking_id: int) -> HTTPResponse:
    """The owner, or staff for anyone, checks in while the window is open (by default from
    10 minutes before the start to 15 minutes after it). Outside it: 409 ``checkin_closed``
    with ``opens_at`` and ``closes_at``; a released or cancelled booking: 409 too."""
    booking = await checkin.check_in(actor, booking_id)
    window = await checkin.booking_window(booking)
    out = CheckedIn(
        **(await booking_out(booking)).model_dump(), checkin=CheckinWindow(**window.view())
    )
    return render(out, headers=with_etag(booking))
