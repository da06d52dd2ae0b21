"""Check-in: ``client.bookings.check_in(id)`` and ``client.bookings.checkin_window(id)``.

A booking that needs a check-in (a booking rule of its room, building or the whole server
says so) and gets none by the end of its window is released (status ``released``). Outside
the window ``check_in`` raises ``ConflictError`` whose ``problem`` names ``opens_at`` and
``closes_at``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

if TYPE_CHECKING:
    from compax_sdk.resources.bookings import CheckedInBooking

__all__ = ["AsyncCheckinMethods", "CheckinMethods", "CheckinWindow"]


class CheckinWindow(Model):
    required: bool
    """Whether nobody checking in releases the booking."""
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    """Released at this time when nobody checked in."""


def _path(booking: object) -> str:
    booking_id = booking if isinstance(booking, int) else getattr(booking, "id")  # noqa: B009
    return f"/bookings/{booking_id}/check-in"


class CheckinMethods(SyncResource):
    def check_in(
        self,
        booking: object,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> CheckedInBooking:
        """Check in to a booking (yours; staff: anyone's) while its window is open."""
        from compax_sdk.resources.bookings import CheckedInBooking

        return self._call(
            CheckedInBooking, "POST", _path(booking), headers=extra_headers, timeout=timeout
        )

    def checkin_window(
        self,
        booking: object,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> CheckinWindow:
        """Whether the booking needs a check-in, and when its window is open."""
        return self._call(
            CheckinWindow, "GET", _path(booking), headers=extra_headers, timeout=timeout
        )


class AsyncCheckinMethods(AsyncResource):
    async def check_in(
        self,
        booking: object,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> CheckedInBooking:
        """Check in to a booking (yours; staff: anyone's) while its window is open."""
        from compax_sdk.resources.bookings import CheckedInBooking

        return await self._call(
            CheckedInBooking, "POST", _path(booking), headers=extra_headers, timeout=timeout
        )

    async def checkin_window(
        self,
        booking: object,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> CheckinWindow:
        """Whether the booking needs a check-in, and when its window is open."""
        return await self._call(
            CheckinWindow, "GET", _path(booking), headers=extra_headers, timeout=timeout
        )
