"""``/api/v1/imports``: timetable batches, planned or applied."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field, model_validator
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.parsing import MAX_INFLATED
from compax_server.api.schemas import HHMM, In, Int, Out, render
from compax_server.api.series import Recurrence
from compax_server.services import imports
from compax_server.services.actors import Actor
from compax_server.services.seats import MAX_ATTENDEES

router = Router(
    "imports",
    "/api/v1/imports",
    tag="Imports",
    description="Timetable imports: plan what would change, then apply it in one transaction.",
)


class ImportItem(In):
    external_id: str = Field(
        min_length=1, max_length=200, description="stable id within the source"
    )
    kind: Literal["booking", "series"]
    room: str = Field(min_length=1, max_length=32, description="room code")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    owner: str | None = Field(
        None, max_length=254, description="owner's email; default: the caller"
    )
    start: AwareDatetime | None = Field(None, description="booking: start")
    end: AwareDatetime | None = Field(None, description="booking: end")
    start_date: date | None = Field(None, description="series: first date")
    start_time: str | None = Field(None, pattern=HHMM, description="series: local HH:MM")
    duration_minutes: Int | None = Field(None, ge=1, le=1440)
    recurrence: Recurrence | None = None
    excluded_dates: list[date] = Field(default_factory=list, max_length=1000)
    skip_holidays: bool = True
    attendees: Int | None = Field(
        None,
        ge=1,
        le=MAX_ATTENDEES,
        description="people expected (at each occurrence of a series); more than the room's "
        "seats makes the item invalid unless the batch has override",
    )

    @model_validator(mode="after")
    def _shape(self) -> ImportItem:
        if self.kind == "booking":
            missing = [n for n in ("start", "end") if getattr(self, n) is None]
        else:
            missing = [
                n
                for n in ("start_date", "start_time", "duration_minutes", "recurrence")
                if getattr(self, n) is None
            ]
        if missing:
            raise ValueError(f"a {self.kind} item needs {', '.join(missing)}")
        return self


class ImportRequest(In):
    source: str = Field(pattern=r"^[A-Za-z0-9._:-]{1,100}$", description="e.g. sis-2027-spring")
    mode: Literal["plan", "apply"] = Field("plan", description="plan: only say what would happen")
    atomic: bool = Field(True, description="apply: all or nothing; false: apply what is valid")
    cancel_missing: bool = Field(
        False, description="cancel this source's items missing from the batch"
    )
    priority: bool = Field(
        False, description="staff: members' bookings in the way are cancelled (bumped)"
    )
    override: bool = Field(
        False,
        description="staff: book past opening hours, closures, bookable=false and the "
        "booking rules (recorded in the audit log)",
    )
    skip_closures: bool = Field(
        False,
        description="series: leave out just the dates a closure covers (reported per item "
        "in 'skipped') instead of refusing the whole item",
    )
    items: list[ImportItem] = Field(max_length=imports.MAX_ITEMS)


class ImportItemResult(Out):
    external_id: str
    kind: str
    action: Literal["create", "update", "unchanged", "cancel", "conflict", "invalid"]
    changes: list[str] | None = None
    conflicts: list[dict[str, Any]] | None = None
    errors: list[dict[str, Any]] | None = None
    bumped_booking_ids: list[int] | None = None
    booking_ids: list[int] | None = None
    series_id: int | None = None
    occurrences: int | None = None
    skipped: list[dict[str, Any]] | None = Field(
        None, description="skip_closures: the dates left out, and the closure of each"
    )
    exceptions_kept: list[dict[str, Any]] | None = Field(
        None,
        description="what a person changed that this update leaves as it is: per booking "
        "(an occurrence, or the item's single booking), booking_id, date (null for a single "
        "booking) and the fields kept",
    )


class ImportOut(Out):
    id: int
    source: str
    mode: str
    status: Literal["planned", "applied", "rejected"]
    options: dict[str, Any]
    summary: dict[str, int] = Field(description="items per action, occurrences, bumped bookings")
    items: list[ImportItemResult]
    created_at: datetime


@router.post(
    "/",
    summary="Plan or apply a timetable batch",
    idempotent=True,
    body=ImportRequest,
    max_body=MAX_INFLATED,
    response=ImportOut,
    status=201,
    errors=(*AUTH_ERRORS, 409),
    response_headers=("Location",),
)
async def run_import(request: Request, actor: Actor, body: ImportRequest) -> HTTPResponse:
    """``mode=plan`` answers item by item what would happen; ``mode=apply`` does it in one
    transaction. Applying the same batch again changes nothing (every item ``unchanged``).
    An atomic apply with a conflicting or invalid item applies nothing: 409
    ``import_rejected`` with the import id, the summary and the items in question. Large
    batches may be sent gzip-compressed (``Content-Encoding: gzip``)."""
    batch = await imports.run_import(
        actor,
        source=body.source,
        items=[i.model_dump() for i in body.items],
        mode=body.mode,
        atomic=body.atomic,
        cancel_missing=body.cancel_missing,
        priority=body.priority,
        override=body.override,
        skip_closures=body.skip_closures,
    )
    return render(ImportOut.model_validate(batch), 201, {"Location": f"/api/v1/imports/{batch.pk}"})


@router.get(
    "/<import_id>", summary="Read an import", response=ImportOut, errors=(*AUTH_ERRORS, 404)
)
async def read_import(request: Request, actor: Actor, import_id: int) -> HTTPResponse:
    return render(ImportOut.model_validate(await imports.get_import(actor, import_id)))
