"""Waitlists (``/waitlist``): wait for a room that is taken, or for any room that fits.

When the booking in the way ends (cancelled, released, moved, rejected), the first person
in line whose rules allow the booking gets an offer: the room is held for them (a booking
in the state ``held``) until ``offer_expires_at``. Accept it, or it passes to the next::

    entry = client.waitlist.join(title="Study group", room_id=12, start=start, end=end)
    entry = client.waitlist.join(title="Lecture", min_capacity=30, features=["projector"],
                                 start=start, end=end)       # any room that fits
    client.waitlist.get(entry.id).state                      # waiting, offered, ...
    accepted = client.waitlist.accept(entry.id)              # accepted.booking: your booking
    client.waitlist.decline(entry.id)                        # the next in line gets it
    client.waitlist.leave(entry.id)                          # stop waiting

An expired or withdrawn offer raises ``ConflictError``; your rules refusing the booking at
acceptance ``UnprocessableEntityError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime

from compax_sdk import _params
from compax_sdk._models import Model
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource
from compax_sdk.resources.bookings import Booking

__all__ = [
    "AsyncWaitlist",
    "Waitlist",
    "WaitlistAccepted",
    "WaitlistEntry",
    "WaitlistState",
]

WaitlistState = Literal["waiting", "offered", "accepted", "declined", "expired", "left", "closed"]
PATH = "/waitlist"


class WaitlistEntry(Model):
    id: int
    user_id: int
    title: str
    room_id: int | None = None
    """The room waited for; ``None``: any room that fits the criteria below."""
    building_id: int | None = None
    min_capacity: int | None = None
    features: list[str] = []
    start: AwareDatetime
    end: AwareDatetime
    state: str
    """waiting, offered (held for you until ``offer_expires_at``), accepted, declined,
    expired, left, or closed (the window began before a room came free, the room or
    building was removed, or the account was deactivated: see ``reason``)."""
    booking_id: int | None = None
    """Offered: the held booking; accepted: your booking."""
    offer_expires_at: AwareDatetime | None = None
    offers: int = 0
    reason: str = ""
    """Why it ended, or why an offer passed you over (your rules refused the booking)."""
    joined_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    version: int


class WaitlistAccepted(WaitlistEntry):
    booking: Booking
    """Your booking: confirmed, or pending in a room that needs approval."""


def _join_body(
    title: str,
    start: datetime,
    end: datetime,
    room_id: int | None,
    building_id: int | None,
    min_capacity: int | None,
    features: Sequence[str] | None,
) -> dict[str, Any]:
    return _params.body(
        {
            "title": title,
            "start": start,
            "end": end,
            "room_id": room_id,
            "building_id": building_id,
            "min_capacity": min_capacity,
            "features": list(features) if features else None,
        }
    )


def _list_params(
    state: WaitlistState | Sequence[WaitlistState] | None,
    user_id: int | None,
    room_id: int | None,
    limit: int | None,
) -> dict[str, str]:
    states = [state] if isinstance(state, str) else state
    return _params.query({"state": states, "user_id": user_id, "room_id": room_id, "limit": limit})


class Waitlist(SyncResource):
    def join(
        self,
        *,
        title: str,
        start: datetime,
        end: datetime,
        room_id: int | None = None,
        building_id: int | None = None,
        min_capacity: int | None = None,
        features: Sequence[str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WaitlistEntry:
        """Wait for ``room_id``, or for any room that fits ``building_id``,
        ``min_capacity`` and ``features``, for ``[start, end)`` in the future. When the slot
        is free already the entry comes back ``offered``."""
        body = _join_body(title, start, end, room_id, building_id, min_capacity, features)
        return self._call(
            WaitlistEntry, "POST", PATH, json=body, headers=extra_headers, timeout=timeout
        )

    def list(
        self,
        *,
        state: WaitlistState | Sequence[WaitlistState] | None = None,
        user_id: int | None = None,
        room_id: int | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[WaitlistEntry]:
        """Your entries, oldest first (staff: everyone's; ``user_id`` narrows)."""
        params = _list_params(state, user_id, room_id, limit)
        return self._list(
            WaitlistEntry, PATH, params=params, headers=extra_headers, timeout=timeout
        )

    def get(
        self,
        entry_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WaitlistEntry:
        return self._call(
            WaitlistEntry, "GET", f"{PATH}/{entry_id}", headers=extra_headers, timeout=timeout
        )

    def leave(
        self,
        entry_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WaitlistEntry:
        """Stop waiting; an offer you hold passes to the next in line."""
        return self._call(
            WaitlistEntry, "DELETE", f"{PATH}/{entry_id}", headers=extra_headers, timeout=timeout
        )

    def accept(
        self,
        entry_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WaitlistAccepted:
        """Take the offered room: ``.booking`` is your booking."""
        path = f"{PATH}/{entry_id}/accept"
        return self._call(WaitlistAccepted, "POST", path, headers=extra_headers, timeout=timeout)

    def decline(
        self,
        entry_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WaitlistEntry:
        """Decline the offer: the room passes to the next in line."""
        path = f"{PATH}/{entry_id}/decline"
        return self._call(WaitlistEntry, "POST", path, headers=extra_headers, timeout=timeout)


class AsyncWaitlist(AsyncResource):
    async def join(
        self,
        *,
        title: str,
        start: datetime,
        end: datetime,
        room_id: int | None = None,
        building_id: int | None = None,
        min_capacity: int | None = None,
        features: Sequence[str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WaitlistEntry:
        """Wait for ``room_id``, or for any room that fits ``building_id``,
        ``min_capacity`` and ``features``, for ``[start, end)`` in the future. When the slot
        is free already the entry comes back ``offered``."""
        body = _join_body(title, start, end, room_id, building_id, min_capacity, features)
        return await self._call(
            WaitlistEntry, "POST", PATH, json=body, headers=extra_headers, timeout=timeout
        )

    def list(
        self,
        *,
        state: WaitlistState | Sequence[WaitlistState] | None = None,
        user_id: int | None = None,
        room_id: int | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[WaitlistEntry]:
        """Your entries, oldest first (staff: everyone's; ``user_id`` narrows)."""
        params = _list_params(state, user_id, room_id, limit)
        return self._list(
            WaitlistEntry, PATH, params=params, headers=extra_headers, timeout=timeout
        )

    async def get(
        self,
        entry_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WaitlistEntry:
        return await self._call(
            WaitlistEntry, "GET", f"{PATH}/{entry_id}", headers=extra_headers, timeout=timeout
        )

    async def leave(
        self,
        entry_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WaitlistEntry:
        """Stop waiting; an offer you hold passes to the next in line."""
        return await self._call(
            WaitlistEntry, "DELETE", f"{PATH}/{entry_id}", headers=extra_headers, timeout=timeout
        )

    async def accept(
        self,
        entry_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WaitlistAccepted:
        """Take the offered room: ``.booking`` is your booking."""
        path = f"{PATH}/{entry_id}/accept"
        return await self._call(
            WaitlistAccepted, "POST", path, headers=extra_headers, timeout=timeout
        )

    async def decline(
        self,
        entry_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WaitlistEntry:
        """Decline the offer: the room passes to the next in line."""
        path = f"{PATH}/{entry_id}/decline"
        return await self._call(WaitlistEntry, "POST", path, headers=extra_headers, timeout=timeout)
