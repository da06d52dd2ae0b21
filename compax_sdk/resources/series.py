"""``/series``: recurring bookings. Every occurrence is a ``Booking`` (with ``series_id``), so
one occurrence is moved or cancelled through ``bookings``; the series methods change all
future occurrences, or those from a date on.

A series is created in one transaction: with ``conflict_policy="all_or_nothing"`` (the
default) any taken date raises ``BookingConflictError`` (``conflicts`` and ``dates`` name
them) and nothing is booked; ``"skip_conflicts"`` books the free dates and lists the others
in ``skipped``. Times are wall-clock times in the building's zone, so a 09:00 lecture stays
at 09:00 across a daylight saving change.

Changes carry the version you read, like bookings: pass the series you have, or an id and
``version=``::

    made = client.series.create(
        room_id=3, title="Linear algebra", start_date=date(2031, 3, 4), start_time="10:00",
        duration_minutes=90, recurrence={"freq": "weekly", "term_id": 2},
    )
    client.series.update(made, scope="following", from_date=date(2031, 5, 6), room_id=4)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from compax_sdk._params import body, query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource
from compax_sdk.resources.series_models import (
    BookingSeries,
    ConflictPolicy,
    Recurrence,
    SeriesDetail,
    SeriesResult,
    SeriesScope,
    SkippedDate,
    Weekday,
    cancel_body,
    create_body,
    target,
    update_body,
)

__all__ = [
    "AsyncSeries",
    "BookingSeries",
    "ConflictPolicy",
    "Recurrence",
    "Series",
    "SeriesDetail",
    "SeriesResult",
    "SeriesScope",
    "SkippedDate",
    "Weekday",
]


class Series(SyncResource):
    def list(
        self,
        *,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[BookingSeries]:
        """Members see their own series; staff see all."""
        params = query({"limit": limit})
        return self._list(
            BookingSeries, "/series", params=params, headers=extra_headers, timeout=timeout
        )

    def create(
        self,
        *,
        room_id: int,
        title: str,
        start_date: date,
        start_time: str,
        duration_minutes: int,
        recurrence: Recurrence,
        description: str | None = None,
        excluded_dates: Sequence[date] | None = None,
        added_dates: Sequence[date] | None = None,
        skip_holidays: bool | None = None,
        conflict_policy: ConflictPolicy | None = None,
        skip_closures: bool | None = None,
        owner_id: int | None = None,
        override: bool | None = None,
        attendees: int | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SeriesResult:
        """Book every occurrence from ``start_date`` at ``start_time`` (local ``HH:MM``) for
        ``duration_minutes``. ``skip_holidays`` (default on) skips the term's holidays;
        ``skip_closures`` leaves out the dates a closure covers (in ``skipped``).
        ``attendees``: people expected at each occurrence; more than the room's seats is
        refused (``RuleViolationError``, rule ``room_capacity``) unless staff override."""
        return self._call(
            SeriesResult,
            "POST",
            "/series",
            json=create_body(
                room_id,
                title,
                start_date,
                start_time,
                duration_minutes,
                recurrence,
                description,
                excluded_dates,
                added_dates,
                skip_holidays,
                conflict_policy,
                owner_id,
                override,
                skip_closures,
                attendees,
            ),
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    def get(
        self,
        series_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SeriesDetail:
        """The series with its occurrences."""
        return self._call(
            SeriesDetail, "GET", f"/series/{series_id}", headers=extra_headers, timeout=timeout
        )

    def update(
        self,
        series: BookingSeries | int,
        *,
        version: int | str | None = None,
        scope: SeriesScope | NotGiven = NOT_GIVEN,
        from_date: date | NotGiven = NOT_GIVEN,
        title: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        room_id: int | NotGiven = NOT_GIVEN,
        start_time: str | NotGiven = NOT_GIVEN,
        duration_minutes: int | NotGiven = NOT_GIVEN,
        override: bool | NotGiven = NOT_GIVEN,
        reset_exceptions: bool | NotGiven = NOT_GIVEN,
        attendees: int | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SeriesResult:
        """Move or rename the future occurrences (``scope="all"``, the default) or those from
        ``from_date`` on (``scope="following"``), in one step; each moved occurrence is
        checked like a new booking. To change one occurrence, update its booking.
        Occurrences changed by hand keep their changes (see ``exceptions_kept`` in the
        answer) unless ``reset_exceptions=True``. ``attendees=None`` clears the head count."""
        path, headers = target(series, version)
        return self._call(
            SeriesResult,
            "PATCH",
            path,
            json=update_body(
                scope,
                from_date,
                title,
                description,
                room_id,
                start_time,
                duration_minutes,
                override,
                reset_exceptions,
                attendees,
            ),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    def cancel(
        self,
        series: BookingSeries | int,
        *,
        version: int | str | None = None,
        from_date: date | None = None,
        reason: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SeriesResult:
        """Cancel the future occurrences: all of them (the series is then cancelled), or
        those from ``from_date`` on. Cancelled bookings stay in the history."""
        path, headers = target(series, version)
        return self._call(
            SeriesResult,
            "POST",
            f"{path}/cancel",
            json=cancel_body(from_date, reason),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    def add_date(
        self,
        series: BookingSeries | int,
        day: date,
        *,
        version: int | str | None = None,
        override: bool | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SeriesResult:
        """Book one more occurrence on ``day`` at the series' time (a holiday or a date that
        was skipped for a conflict, say)."""
        path, headers = target(series, version)
        return self._call(
            SeriesResult,
            "POST",
            f"{path}/dates",
            json=body({"date": day, "override": override}),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )


class AsyncSeries(AsyncResource):
    def list(
        self,
        *,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[BookingSeries]:
        """Members see their own series; staff see all."""
        params = query({"limit": limit})
        return self._list(
            BookingSeries, "/series", params=params, headers=extra_headers, timeout=timeout
        )

    async def create(
        self,
        *,
        room_id: int,
        title: str,
        start_date: date,
        start_time: str,
        duration_minutes: int,
        recurrence: Recurrence,
        description: str | None = None,
        excluded_dates: Sequence[date] | None = None,
        added_dates: Sequence[date] | None = None,
        skip_holidays: bool | None = None,
        conflict_policy: ConflictPolicy | None = None,
        skip_closures: bool | None = None,
        owner_id: int | None = None,
        override: bool | None = None,
        attendees: int | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SeriesResult:
        """Book every occurrence from ``start_date`` at ``start_time`` (local ``HH:MM``) for
        ``duration_minutes``. ``skip_holidays`` (default on) skips the term's holidays;
        ``skip_closures`` leaves out the dates a closure covers (in ``skipped``).
        ``attendees``: people expected at each occurrence; more than the room's seats is
        refused (``RuleViolationError``, rule ``room_capacity``) unless staff override."""
        return await self._call(
            SeriesResult,
            "POST",
            "/series",
            json=create_body(
                room_id,
                title,
                start_date,
                start_time,
                duration_minutes,
                recurrence,
                description,
                excluded_dates,
                added_dates,
                skip_holidays,
                conflict_policy,
                owner_id,
                override,
                skip_closures,
                attendees,
            ),
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    async def get(
        self,
        series_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SeriesDetail:
        """The series with its occurrences."""
        return await self._call(
            SeriesDetail, "GET", f"/series/{series_id}", headers=extra_headers, timeout=timeout
        )

    async def update(
        self,
        series: BookingSeries | int,
        *,
        version: int | str | None = None,
        scope: SeriesScope | NotGiven = NOT_GIVEN,
        from_date: date | NotGiven = NOT_GIVEN,
        title: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        room_id: int | NotGiven = NOT_GIVEN,
        start_time: str | NotGiven = NOT_GIVEN,
        duration_minutes: int | NotGiven = NOT_GIVEN,
        override: bool | NotGiven = NOT_GIVEN,
        reset_exceptions: bool | NotGiven = NOT_GIVEN,
        attendees: int | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SeriesResult:
        """Move or rename the future occurrences (``scope="all"``, the default) or those from
        ``from_date`` on (``scope="following"``), in one step; each moved occurrence is
        checked like a new booking. To change one occurrence, update its booking.
        Occurrences changed by hand keep their changes (see ``exceptions_kept`` in the
        answer) unless ``reset_exceptions=True``. ``attendees=None`` clears the head count."""
        path, headers = target(series, version)
        return await self._call(
            SeriesResult,
            "PATCH",
            path,
            json=update_body(
                scope,
                from_date,
                title,
                description,
                room_id,
                start_time,
                duration_minutes,
                override,
                reset_exceptions,
                attendees,
            ),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    async def cancel(
        self,
        series: BookingSeries | int,
        *,
        version: int | str | None = None,
        from_date: date | None = None,
        reason: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SeriesResult:
        """Cancel the future occurrences: all of them (the series is then cancelled), or
        those from ``from_date`` on. Cancelled bookings stay in the history."""
        path, headers = target(series, version)
        return await self._call(
            SeriesResult,
            "POST",
            f"{path}/cancel",
            json=cancel_body(from_date, reason),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    async def add_date(
        self,
        series: BookingSeries | int,
        day: date,
        *,
        version: int | str | None = None,
        override: bool | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SeriesResult:
        """Book one more occurrence on ``day`` at the series' time (a holiday or a date that
        was skipped for a conflict, say)."""
        path, headers = target(series, version)
        return await self._call(
            SeriesResult,
            "POST",
            f"{path}/dates",
            json=body({"date": day, "override": override}),
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )
