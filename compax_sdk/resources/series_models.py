"""The shapes of ``/series``: the recurrence, the models the API answers with, and the
bodies ``Series`` and ``AsyncSeries`` send. Import them from ``compax_sdk`` (or
``compax_sdk.resources.series``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal, Required, TypedDict

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._params import body
from compax_sdk._types import NOT_GIVEN, NotGiven
from compax_sdk.resources._resource import version_tag, versioned
from compax_sdk.resources.bookings import Booking

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SeriesScope = Literal["all", "following"]
ConflictPolicy = Literal["all_or_nothing", "skip_conflicts"]


class Recurrence(TypedDict, total=False):
    """How a series repeats: ``freq`` and exactly one end: ``until`` (a date, inclusive),
    ``count`` or ``term_id`` (through the term, skipping its holidays)."""

    freq: Required[Literal["daily", "weekly", "monthly"]]
    interval: int
    weekdays: list[Weekday]
    """Weekly: the days (default: the start date's weekday)."""
    monthly_by: Literal["date", "nth_weekday"]
    nth: Literal[1, 2, 3, 4, -1]
    until: date
    count: int
    term_id: int


class BookingSeries(Model):
    id: int
    room_id: int
    owner_id: int
    title: str
    description: str = ""
    rule: dict[str, Any] = {}
    """The recurrence as stored: ``freq``, ``interval``, ``weekdays``, ``until``, ..."""
    start_time: str  # local HH:MM
    duration_minutes: int
    attendees: int | None = None
    """People expected at each occurrence (seat fit)."""
    timezone: str = ""
    skip_holidays: bool = True
    excluded_dates: list[str] = []
    added_dates: list[str] = []
    status: str  # active or cancelled
    source: str | None = None
    external_id: str | None = None
    version: int
    created_at: AwareDatetime
    updated_at: AwareDatetime

    @property
    def etag(self) -> str:
        return version_tag(self.version)


class SkippedDate(Model):
    """A date a series did not book: ``reason`` is ``conflict`` (with the ``conflicts`` in
    the way), ``rule`` (with the rule ``errors``) or ``closure`` (``skip_closures``)."""

    date: str
    reason: str
    conflicts: list[dict[str, Any]] | None = None
    errors: list[dict[str, Any]] | None = None


class SeriesResult(BookingSeries):
    """A series after a change, with what the change did."""

    booking_ids: list[int] = []
    """The bookings created, changed or cancelled."""
    skipped: list[SkippedDate] = []
    adjustments: list[dict[str, Any]] = []
    """Occurrences moved off a daylight saving gap."""
    skipped_holidays: list[date] = []
    rejected_booking_ids: list[int] = []
    """Pending requests the series overrode."""
    exceptions_kept: list[dict[str, Any]] = []
    """Occurrences changed by hand that an edit left as they were (``booking_id``, ``date``,
    ``fields``); update with ``reset_exceptions=True`` to overwrite them."""


class SeriesDetail(BookingSeries):
    occurrences: list[Booking] = []
    """Every occurrence, cancelled ones too, in start order."""


def target(series: BookingSeries | int, version: int | str | None) -> tuple[str, dict[str, str]]:
    series_id, headers = versioned(series, version)
    return f"/series/{series_id}", headers


def create_body(
    room_id: int,
    title: str,
    start_date: date,
    start_time: str,
    duration_minutes: int,
    recurrence: Recurrence,
    description: str | None,
    excluded_dates: Sequence[date] | None,
    added_dates: Sequence[date] | None,
    skip_holidays: bool | None,
    conflict_policy: ConflictPolicy | None,
    owner_id: int | None,
    override: bool | None,
    skip_closures: bool | None = None,
    attendees: int | None = None,
) -> dict[str, object]:
    return body(
        {
            "room_id": room_id,
            "title": title,
            "description": description,
            "start_date": start_date,
            "start_time": start_time,
            "duration_minutes": duration_minutes,
            "recurrence": dict(recurrence),
            "excluded_dates": list(excluded_dates) if excluded_dates is not None else None,
            "added_dates": list(added_dates) if added_dates is not None else None,
            "skip_holidays": skip_holidays,
            "conflict_policy": conflict_policy,
            "skip_closures": skip_closures,
            "owner_id": owner_id,
            "override": override,
            "attendees": attendees,
        }
    )


def update_body(
    scope: SeriesScope | NotGiven,
    from_date: date | NotGiven,
    title: str | NotGiven,
    description: str | NotGiven,
    room_id: int | NotGiven,
    start_time: str | NotGiven,
    duration_minutes: int | NotGiven,
    override: bool | NotGiven,
    reset_exceptions: bool | NotGiven,
    attendees: int | NotGiven | None = NOT_GIVEN,
) -> dict[str, object]:
    fields = body(
        {
            "reset_exceptions": reset_exceptions,
            "scope": scope,
            "from_date": from_date,
            "title": title,
            "description": description,
            "room_id": room_id,
            "start_time": start_time,
            "duration_minutes": duration_minutes,
            "override": override,
        }
    )
    if not isinstance(attendees, NotGiven):  # None clears the head count
        fields["attendees"] = attendees
    return fields


def cancel_body(from_date: date | None, reason: str | None) -> dict[str, object] | None:
    return body({"from_date": from_date, "reason": reason}) or None
