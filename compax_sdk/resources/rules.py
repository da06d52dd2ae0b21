"""``/rules``: limits on bookings, set globally and per building or room (staff).

For each limit the most specific level that sets it wins: room, then building, then global.
``set``/``set_global`` replace every limit of a level (a limit left out, or ``None``, is not
set there); ``update``/``update_global`` change only the limits given (``None`` clears one)
and keep the others, also those someone else changed meanwhile. Staff and admins may book
past the limits with ``override``."""

from __future__ import annotations

from typing import Literal, TypedDict, Unpack

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = ["AsyncRules", "BookingRules", "RuleChanges", "RuleScope", "Rules"]

RuleScope = Literal["building", "room"]


class BookingRules(Model):
    """The limits set at one level: ``scope`` ``global`` (``scope_id`` 0), ``building`` or
    ``room``. ``None``: not set at this level."""

    scope: str
    scope_id: int = 0
    max_duration_minutes: int | None = None
    horizon_days: int | None = None
    """How far ahead one may book."""
    min_notice_minutes: int | None = None
    max_bookings_per_week: int | None = None
    max_hours_per_week: int | None = None
    requires_checkin: bool | None = None
    """Bookings here are released when nobody checks in (a no-show)."""
    checkin_opens_minutes: int | None = None
    checkin_closes_minutes: int | None = None
    checkin_since: AwareDatetime | None = None
    """Check-in binds the bookings that start after this."""
    noshow_limit: int | None = None
    noshow_days: int | None = None
    noshow_ban_days: int | None = None
    updated_at: AwareDatetime


class RuleChanges(TypedDict, total=False):
    """The limits ``update`` changes: each one given is set (``None`` clears it at this
    level); the others keep their values."""

    max_duration_minutes: int | None
    horizon_days: int | None
    min_notice_minutes: int | None
    max_bookings_per_week: int | None
    max_hours_per_week: int | None
    requires_checkin: bool | None
    checkin_opens_minutes: int | None
    checkin_closes_minutes: int | None
    noshow_limit: int | None
    noshow_days: int | None
    noshow_ban_days: int | None


def _level(scope: RuleScope | Literal["global"], scope_id: int) -> str:
    return "/rules/global" if scope == "global" else f"/rules/{scope}/{scope_id}"


def _limits(
    max_duration_minutes: int | None,
    horizon_days: int | None,
    min_notice_minutes: int | None,
    max_bookings_per_week: int | None,
    max_hours_per_week: int | None,
) -> dict[str, int | bool | None]:
    return {
        "max_duration_minutes": max_duration_minutes,
        "horizon_days": horizon_days,
        "min_notice_minutes": min_notice_minutes,
        "max_bookings_per_week": max_bookings_per_week,
        "max_hours_per_week": max_hours_per_week,
    }


def _checkin(
    requires_checkin: bool | None,
    checkin_opens_minutes: int | None,
    checkin_closes_minutes: int | None,
    noshow_limit: int | None,
    noshow_days: int | None,
    noshow_ban_days: int | None,
) -> dict[str, int | bool | None]:
    """Check-in (a booking nobody checks in to by ``checkin_closes_minutes`` after its start
    is released) and the no-show policy (``noshow_limit`` no-shows in ``noshow_days`` days
    keep a member from booking for ``noshow_ban_days`` days)."""
    return {
        "requires_checkin": requires_checkin,
        "checkin_opens_minutes": checkin_opens_minutes,
        "checkin_closes_minutes": checkin_closes_minutes,
        "noshow_limit": noshow_limit,
        "noshow_days": noshow_days,
        "noshow_ban_days": noshow_ban_days,
    }


class Rules(SyncResource):
    def list(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> SyncPage[BookingRules]:
        """Every level that has rules: global first, then buildings, then rooms."""
        return self._list(BookingRules, "/rules", headers=extra_headers, timeout=timeout)

    def set_global(
        self,
        *,
        max_duration_minutes: int | None = None,
        horizon_days: int | None = None,
        min_notice_minutes: int | None = None,
        max_bookings_per_week: int | None = None,
        max_hours_per_week: int | None = None,
        requires_checkin: bool | None = None,
        checkin_opens_minutes: int | None = None,
        checkin_closes_minutes: int | None = None,
        noshow_limit: int | None = None,
        noshow_days: int | None = None,
        noshow_ban_days: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> BookingRules:
        """Replace the campus-wide limits."""
        json = _limits(
            max_duration_minutes,
            horizon_days,
            min_notice_minutes,
            max_bookings_per_week,
            max_hours_per_week,
        ) | _checkin(
            requires_checkin,
            checkin_opens_minutes,
            checkin_closes_minutes,
            noshow_limit,
            noshow_days,
            noshow_ban_days,
        )
        return self._call(
            BookingRules, "PUT", "/rules/global", json=json, headers=extra_headers, timeout=timeout
        )

    def set(
        self,
        scope: RuleScope,
        scope_id: int,
        *,
        max_duration_minutes: int | None = None,
        horizon_days: int | None = None,
        min_notice_minutes: int | None = None,
        max_bookings_per_week: int | None = None,
        max_hours_per_week: int | None = None,
        requires_checkin: bool | None = None,
        checkin_opens_minutes: int | None = None,
        checkin_closes_minutes: int | None = None,
        noshow_limit: int | None = None,
        noshow_days: int | None = None,
        noshow_ban_days: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> BookingRules:
        """Replace the limits of one building or room."""
        json = _limits(
            max_duration_minutes,
            horizon_days,
            min_notice_minutes,
            max_bookings_per_week,
            max_hours_per_week,
        ) | _checkin(
            requires_checkin,
            checkin_opens_minutes,
            checkin_closes_minutes,
            noshow_limit,
            noshow_days,
            noshow_ban_days,
        )
        return self._call(
            BookingRules,
            "PUT",
            f"/rules/{scope}/{scope_id}",
            json=json,
            headers=extra_headers,
            timeout=timeout,
        )

    def update_global(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
        **changes: Unpack[RuleChanges],
    ) -> BookingRules:
        """Change only the campus-wide limits given, e.g. ``update_global(horizon_days=90)``."""
        return self.update("global", 0, timeout=timeout, extra_headers=extra_headers, **changes)

    def update(
        self,
        scope: RuleScope | Literal["global"],
        scope_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
        **changes: Unpack[RuleChanges],
    ) -> BookingRules:
        """Change only the limits given of one level (``None`` clears one); the others keep
        their values. The level is made when it has no rules yet."""
        return self._call(
            BookingRules,
            "PATCH",
            _level(scope, scope_id),
            json=dict(changes),
            headers=extra_headers,
            timeout=timeout,
        )

    def delete(
        self,
        scope: RuleScope,
        scope_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        """Remove the rules of one building or room: the wider levels apply again."""
        self._call_no_content(
            "DELETE", f"/rules/{scope}/{scope_id}", headers=extra_headers, timeout=timeout
        )


class AsyncRules(AsyncResource):
    def list(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> AsyncPager[BookingRules]:
        """Every level that has rules: global first, then buildings, then rooms."""
        return self._list(BookingRules, "/rules", headers=extra_headers, timeout=timeout)

    async def set_global(
        self,
        *,
        max_duration_minutes: int | None = None,
        horizon_days: int | None = None,
        min_notice_minutes: int | None = None,
        max_bookings_per_week: int | None = None,
        max_hours_per_week: int | None = None,
        requires_checkin: bool | None = None,
        checkin_opens_minutes: int | None = None,
        checkin_closes_minutes: int | None = None,
        noshow_limit: int | None = None,
        noshow_days: int | None = None,
        noshow_ban_days: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> BookingRules:
        """Replace the campus-wide limits."""
        json = _limits(
            max_duration_minutes,
            horizon_days,
            min_notice_minutes,
            max_bookings_per_week,
            max_hours_per_week,
        ) | _checkin(
            requires_checkin,
            checkin_opens_minutes,
            checkin_closes_minutes,
            noshow_limit,
            noshow_days,
            noshow_ban_days,
        )
        return await self._call(
            BookingRules, "PUT", "/rules/global", json=json, headers=extra_headers, timeout=timeout
        )

    async def set(
        self,
        scope: RuleScope,
        scope_id: int,
        *,
        max_duration_minutes: int | None = None,
        horizon_days: int | None = None,
        min_notice_minutes: int | None = None,
        max_bookings_per_week: int | None = None,
        max_hours_per_week: int | None = None,
        requires_checkin: bool | None = None,
        checkin_opens_minutes: int | None = None,
        checkin_closes_minutes: int | None = None,
        noshow_limit: int | None = None,
        noshow_days: int | None = None,
        noshow_ban_days: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> BookingRules:
        """Replace the limits of one building or room."""
        json = _limits(
            max_duration_minutes,
            horizon_days,
            min_notice_minutes,
            max_bookings_per_week,
            max_hours_per_week,
        ) | _checkin(
            requires_checkin,
            checkin_opens_minutes,
            checkin_closes_minutes,
            noshow_limit,
            noshow_days,
            noshow_ban_days,
        )
        return await self._call(
            BookingRules,
            "PUT",
            f"/rules/{scope}/{scope_id}",
            json=json,
            headers=extra_headers,
            timeout=timeout,
        )

    async def update_global(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
        **changes: Unpack[RuleChanges],
    ) -> BookingRules:
        """Change only the campus-wide limits given, e.g. ``update_global(horizon_days=90)``."""
        return await self.update(
            "global", 0, timeout=timeout, extra_headers=extra_headers, **changes
        )

    async def update(
        self,
        scope: RuleScope | Literal["global"],
        scope_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
        **changes: Unpack[RuleChanges],
    ) -> BookingRules:
        """Change only the limits given of one level (``None`` clears one); the others keep
        their values. The level is made when it has no rules yet."""
        return await self._call(
            BookingRules,
            "PATCH",
            _level(scope, scope_id),
            json=dict(changes),
            headers=extra_headers,
            timeout=timeout,
        )

    async def delete(
        self,
        scope: RuleScope,
        scope_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        """Remove the rules of one building or room: the wider levels apply again."""
        await self._call_no_content(
            "DELETE", f"/rules/{scope}/{scope_id}", headers=extra_headers, timeout=timeout
        )
