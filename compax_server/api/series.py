"""``/api/v1/series``: recurring bookings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field
from sanic import HTTPResponse, Request

from compax_server.api.bookings import ATTENDEES_DOC, BookingOut, bookings_out
from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.etags import etag as etag_of
from compax_server.api.etags import if_match
from compax_server.api.schemas import (
    HHMM,
    In,
    Int,
    Out,
    Page,
    PageQuery,
    Patch,
    Weekday,
    page_of,
    render,
)
from compax_server.db.series import SeriesStatus
from compax_server.services import series, series_changes
from compax_server.services.actors import Actor
from compax_server.services.seats import MAX_ATTENDEES

router = Router(
    "series",
    "/api/v1/series",
    tag="Series",
    description="Recurring bookings; each occurrence is a booking. Changes need If-Match.",
)


class Recurrence(In):
    freq: Literal["daily", "weekly", "monthly"]
    interval: Int = Field(1, ge=1, le=52)
    weekdays: list[Weekday] | None = Field(
        None, max_length=7, description="weekly: the days (default: the start date's)"
    )
    monthly_by: Literal["date", "nth_weekday"] | None = Field(
        None, description="monthly: same date, or same n-th weekday"
    )
    nth: Literal[1, 2, 3, 4, -1] | None = Field(
        None, description="monthly nth_weekday: which one (-1: last)"
    )
    until: date | None = Field(None, description="last date (inclusive); or count, or term_id")
    count: Int | None = Field(None, ge=1, le=1000)
    term_id: Int | None = Field(None, ge=1, le=2**31 - 1, description="repeat through the term")


class SeriesCreate(In):
    room_id: Int = Field(ge=1, le=2**31 - 1)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    start_date: date
    start_time: str = Field(pattern=HHMM, description="local wall-clock time HH:MM")
    duration_minutes: Int = Field(ge=1, le=1440)
    recurrence: Recurrence
    excluded_dates: list[date] = Field(default_factory=list, max_length=1000)
    added_dates: list[date] = Field(default_factory=list, max_length=1000)
    skip_holidays: bool = Field(True, description="skip the term's holidays")
    conflict_policy: Literal["all_or_nothing", "skip_conflicts"] = "all_or_nothing"
    skip_closures: bool = Field(
        False,
        description="leave out just the dates a closure covers (listed in skipped with reason "
        "closure), whatever the conflict policy",
    )
    owner_id: Int | None = Field(
        None, ge=1, le=2**31 - 1, description="staff: book for someone else"
    )
    override: bool = Field(False, description="staff: ignore opening hours, closures and rules")
    attendees: Int | None = Field(
        None, ge=1, le=MAX_ATTENDEES, description=ATTENDEES_DOC + " (at each occurrence)"
    )


class SeriesUpdate(Patch):
    NULLABLE = frozenset({"attendees"})

    scope: Literal["all", "following"] = Field(
        "all", description="all future occurrences, or from from_date on"
    )
    from_date: date | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    room_id: Int | None = Field(None, ge=1, le=2**31 - 1)
    start_time: str | None = Field(None, pattern=HHMM, description="local HH:MM")
    duration_minutes: Int | None = Field(None, ge=1, le=1440)
    override: bool = False
    reset_exceptions: bool = Field(
        False,
        description="also overwrite occurrences changed by hand (by default they keep their "
        "changes and are listed in exceptions_kept)",
    )
    attendees: Int | None = Field(
        None,
        ge=1,
        le=MAX_ATTENDEES,
        description=ATTENDEES_DOC + " (at each occurrence); null clears it",
    )


class SeriesCancel(In):
    from_date: date | None = Field(
        None, description="cancel from this date on; omit for the whole series"
    )
    reason: str = Field("", max_length=500)


class AddDate(In):
    date: date
    override: bool = False


class SeriesOut(Out):
    id: int
    room_id: int
    owner_id: int
    title: str
    description: str
    rule: dict[str, Any]
    start_time: str
    duration_minutes: int
    attendees: int | None = Field(None, description="people expected at each occurrence")
    timezone: str
    skip_holidays: bool
    excluded_dates: list[str]
    added_dates: list[str]
    status: SeriesStatus
    source: str | None
    external_id: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class Skipped(Out):
    date: str
    reason: Literal["conflict", "rule", "closure"]
    conflicts: list[dict[str, Any]] | None = None
    errors: list[dict[str, Any]] | None = None


class SeriesResult(SeriesOut):
    booking_ids: list[int] = Field(description="the bookings created or changed")
    skipped: list[Skipped] = Field(description="with skip_conflicts: dates not booked, and why")
    adjustments: list[dict[str, Any]] = Field(description="occurrences moved off a DST gap")
    skipped_holidays: list[date]
    rejected_booking_ids: list[int] = Field(description="pending requests the series overrode")
    exceptions_kept: list[dict[str, Any]] = Field(
        default_factory=list,
        description="occurrences changed by hand that this edit left as they were "
        "(booking_id, date, fields); send reset_exceptions=true to overwrite them",
    )


class SeriesDetail(SeriesOut):
    occurrences: list[BookingOut]


def result(outcome: series.Outcome) -> SeriesResult:
    return SeriesResult(
        **SeriesOut.model_validate(outcome.series).model_dump(),
        booking_ids=outcome.booking_ids,
        skipped=[Skipped.model_validate(s) for s in outcome.skipped],
        adjustments=outcome.adjustments,
        skipped_holidays=outcome.skipped_holidays,
        rejected_booking_ids=outcome.rejected,
        exceptions_kept=outcome.exceptions_kept,
    )


def etag(outcome: series.Outcome) -> dict[str, str]:
    return {"ETag": etag_of(outcome.series)}


class SeriesQuery(PageQuery):
    room_id: int | None = Field(None, ge=1, le=2**31 - 1)


@router.get(
    "/", summary="List series", query=SeriesQuery, response=Page[SeriesOut], errors=AUTH_ERRORS
)
async def list_series(request: Request, actor: Actor, query: SeriesQuery) -> HTTPResponse:
    """Members see their own series; staff see all."""
    rows, cursor = await series.list_series(
        actor, limit=query.limit, cursor=query.cursor, room_id=query.room_id
    )
    return render(page_of(rows, cursor, SeriesOut))


@router.post(
    "/",
    summary="Book a series",
    idempotent=True,
    body=SeriesCreate,
    response=SeriesResult,
    status=201,
    errors=(*AUTH_ERRORS, 409, 422),
    response_headers=("ETag", "Location"),
)
async def create_series(request: Request, actor: Actor, body: SeriesCreate) -> HTTPResponse:
    """Every occurrence is checked like a single booking. ``all_or_nothing`` (default): any
    taken date is a 409 listing every date and booking in the way, and nothing is booked;
    ``skip_conflicts``: the free dates are booked and the rest listed in ``skipped``."""
    outcome = await series.create_series(
        actor,
        room_id=body.room_id,
        title=body.title,
        description=body.description,
        start_date=body.start_date,
        start_time=body.start_time,
        duration_minutes=body.duration_minutes,
        recurrence_rule=body.recurrence.model_dump(mode="json"),
        excluded_dates=body.excluded_dates,
        added_dates=body.added_dates,
        skip_holidays=body.skip_holidays,
        conflict_policy=body.conflict_policy,
        skip_closures=body.skip_closures,
        owner_id=body.owner_id,
        override=body.override,
        attendees=body.attendees,
    )
    headers = etag(outcome) | {"Location": f"/api/v1/series/{outcome.series.pk}"}
    return render(result(outcome), 201, headers)


@router.get(
    "/<series_id>",
    summary="Read a series",
    response=SeriesDetail,
    errors=(*AUTH_ERRORS, 404),
    response_headers=("ETag",),
)
async def read_series(request: Request, actor: Actor, series_id: int) -> HTTPResponse:
    found = await series.get_series(actor, series_id)
    occurrences = await series.occurrences_of(actor, found)
    out = SeriesDetail(
        **SeriesOut.model_validate(found).model_dump(),
        occurrences=await bookings_out(occurrences),
    )
    return render(out, headers={"ETag": etag_of(found)})


@router.patch(
    "/<series_id>",
    summary="Change a series",
    body=SeriesUpdate,
    response=SeriesResult,
    errors=(*AUTH_ERRORS, 404, 409, 412, 422, 428),
    request_headers=("If-Match",),
    response_headers=("ETag",),
)
async def update_series(
    request: Request, actor: Actor, series_id: int, body: SeriesUpdate
) -> HTTPResponse:
    """Move or rename all future occurrences, or those from ``from_date`` on. To change one
    occurrence, PATCH its booking."""
    changes = body.changes()
    outcome = await series_changes.update_series(
        actor, series_id, expected=if_match(request), **changes
    )
    return render(result(outcome), headers=etag(outcome))


@router.post(
    "/<series_id>/cancel",
    summary="Cancel a series",
    body=SeriesCancel,
    body_optional=True,
    response=SeriesResult,
    errors=(*AUTH_ERRORS, 404, 412, 428),
    request_headers=("If-Match",),
    response_headers=("ETag",),
)
async def cancel_series(
    request: Request, actor: Actor, series_id: int, body: SeriesCancel
) -> HTTPResponse:
    outcome = await series_changes.cancel_series(
        actor, series_id, expected=if_match(request), from_date=body.from_date, reason=body.reason
    )
    return render(result(outcome), headers=etag(outcome))


@router.post(
    "/<series_id>/dates",
    summary="Add a date",
    idempotent=True,
    body=AddDate,
    response=SeriesResult,
    errors=(*AUTH_ERRORS, 404, 409, 412, 422, 428),
    request_headers=("If-Match",),
    response_headers=("ETag",),
)
async def add_date(request: Request, actor: Actor, series_id: int, body: AddDate) -> HTTPResponse:
    """Book one more occurrence at the series' time, e.g. a date skipped for a conflict or a
    holiday."""
    outcome = await series_changes.add_date(
        actor, series_id, expected=if_match(request), day=body.date, override=body.override
    )
    return render(result(outcome), headers=etag(outcome))
