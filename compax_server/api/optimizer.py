"""``/api/v1/optimizer``: find rooms for a term's sections at once (plan, or apply through
the timetable import)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.parsing import MAX_INFLATED
from compax_server.api.schemas import HHMM, In, Int, Out, Weekday, pattern, render
from compax_server.services import optimizer
from compax_server.services.actors import Actor

router = Router(
    "optimizer",
    "/api/v1/optimizer",
    tag="Optimizer",
    description="The term room optimizer: rooms for every section of a term at once.",
)

# Seconds a request may take: the longest solve, then loading, checking and booking.
RESPONSE_TIMEOUT = optimizer.MAX_TIME_LIMIT + 90


class OptimizerSection(In):
    external_id: str = Field(min_length=1, max_length=200, description="stable id in the source")
    title: str = Field(min_length=1, max_length=200)
    weekdays: list[Weekday] = Field(min_length=1, max_length=7)
    start_time: str = Field(pattern=HHMM, description="local HH:MM")
    duration_minutes: Int = Field(ge=1, le=1440)
    headcount: Int = Field(ge=1, le=100_000)
    features: list[str] = Field(default_factory=list, max_length=50, description="all required")
    preferred_buildings: list[str] = Field(
        default_factory=list, max_length=10, description="building codes, best first"
    )
    room_wish: str | None = Field(None, max_length=32, description="a room code")
    last_room: str | None = Field(
        None, max_length=32, description="last term's room code (default: this source's)"
    )
    links: list[str] = Field(
        default_factory=list, max_length=50, description="external ids sharing the room"
    )
    start_date: date | None = Field(None, description="default: the term's first day")
    until: date | None = Field(None, description="default: the term's last day")


class OptimizerWeights(In):
    placement: Int = Field(1000, ge=1, le=1_000_000)
    seat_fill: Int = Field(100, ge=0, le=10_000)
    fill_threshold: float = Field(0.6, ge=0, le=1)
    threshold_bonus: Int = Field(50, ge=0, le=10_000)
    preferred_building: Int = Field(60, ge=0, le=10_000)
    room_wish: Int = Field(80, ge=0, le=10_000)
    keep_room: Int = Field(100, ge=0, le=10_000)


class OptimizerPlanRequest(In):
    term_id: Int = Field(ge=1, le=2**31 - 1)
    source: str = Field(
        optimizer.DEFAULT_SOURCE,
        pattern=pattern(
            r"^[A-Za-z0-9._:-]{1,100}$", "must be 1 to 100 letters, digits, '.', '_', ':' or '-'"
        ),
        description="the import source the plan books under (re-runs update it in place)",
    )
    time_limit: float = Field(30, ge=1, le=optimizer.MAX_TIME_LIMIT, description="seconds")
    apply: bool = Field(False, description="book the placed sections (through the import)")
    atomic: bool = Field(True, description="apply: all or nothing; false: what is valid")
    cancel_missing: bool = Field(
        False,
        description="the sections are the source's whole term: cancel what it booked before "
        "for sections now unplaced or no longer listed",
    )
    weights: OptimizerWeights = Field(default_factory=OptimizerWeights)
    sections: list[OptimizerSection] = Field(min_length=1, max_length=optimizer.MAX_SECTIONS)


class OptimizerItem(Out):
    external_id: str
    title: str
    headcount: int
    action: Literal["placed", "unplaced"]
    import_action: str | None = Field(None, description="create, update, unchanged, conflict...")
    booked_with: str | None = Field(None, description="linked section booked as one series")
    room: str | None = None
    room_id: int | None = None
    building: str | None = None
    capacity: int | None = None
    seat_fill: float | None = None
    occurrences: int | None = None
    preferences: dict[str, Any] | None = None
    reason: dict[str, Any] | None = Field(
        None,
        description="unplaced: code (invalid, no_room_fits, outside_opening_hours, "
        "rooms_taken), detail, and the rooms with what is in their way",
    )
    current_room: str | None = Field(
        None, description="unplaced: the room this source booked for it before (kept)"
    )
    skipped: list[dict[str, Any]] | None = None
    conflicts: list[dict[str, Any]] | None = None
    errors: list[dict[str, Any]] | None = None
    series_id: int | None = None


class OptimizerPlan(Out):
    term_id: int
    source: str
    applied: bool
    import_id: int
    import_summary: dict[str, int]
    summary: dict[str, Any] = Field(description="placed, unplaced, mean seat fill, preferences")
    baseline: dict[str, Any] = Field(description="a greedy best-fit run on the same input")
    solver: dict[str, Any] = Field(description="status, objective, bound, gap, seconds")
    items: list[OptimizerItem]


@router.post(
    "/plans",
    summary="Plan rooms for a term's sections",
    body=OptimizerPlanRequest,
    max_body=MAX_INFLATED,
    response=OptimizerPlan,
    status=200,
    errors=(*AUTH_ERRORS, 409, 422, 503),
    response_timeout=RESPONSE_TIMEOUT,
)
async def plan(request: Request, actor: Actor, body: OptimizerPlanRequest) -> HTTPResponse:
    """Solve (CP-SAT, within ``time_limit``) and answer section by section: placed (room,
    seat fill, preferences met) or unplaced with the reason. ``apply: true`` books the
    placed sections through the timetable import under ``source`` (idempotent: a re-run
    keeps each section's room when it still fits). One solve per server process at a time:
    503 with Retry-After meanwhile."""
    out = await optimizer.optimize(
        actor,
        term_id=body.term_id,
        sections=[s.model_dump() for s in body.sections],
        time_limit=body.time_limit,
        weights=body.weights.model_dump(),
        source=body.source,
        apply=body.apply,
        atomic=body.atomic,
        cancel_missing=body.cancel_missing,
    )
    return render(OptimizerPlan.model_validate(out))
