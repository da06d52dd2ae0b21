"""The term room optimizer: find rooms for a term's sections at once, then plan or apply the
answer through the timetable import (idempotent by source and external id).

The service checks the bounds, loads the facts (bookable rooms with their features and
building hours, the term and its holidays, every booking in the way during the term), runs
the pure decision (``domain.optimizer_plan.plan``, CP-SAT) in a worker thread so the event
loop keeps serving, and hands the placed sections to ``services.imports`` as series with
``skip_closures`` (a closure's dates are left out and reported, as in imports). One solve at
a time per process: another request meanwhile gets a 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.util
import math
import threading
import time as clock
from datetime import UTC, date, datetime, timedelta
from typing import Any

from compax_server.db import imports as imports_db
from compax_server.db import optimizer as optimizer_db
from compax_server.db import search as search_db
from compax_server.domain import recurrence
from compax_server.domain.optimizer import WEEKDAYS, Busy, Room, Term, Weights
from compax_server.domain.optimizer_plan import Result, plan, section_of
from compax_server.errors import InvalidInput, RuleViolation, ServiceUnavailable
from compax_server.services import imports, search
from compax_server.services.actors import Actor, Scope, require_staff

MAX_SECTIONS = 5000
MAX_OCCURRENCES = 100_000
MAX_ROOMS = 20_000
MAX_TIME_LIMIT = 120
DEFAULT_SOURCE = "optimizer"

_solving = threading.Lock()
_busy_until = [0.0]  # monotonic time the running solve should end by


def _too_big(rule: str, limit: int, detail: str) -> RuleViolation:
    return RuleViolation(detail, errors=[{"rule": rule, "limit": limit, "detail": detail}])


def _count(weekdays: list[str], first: date, last: date) -> int:
    """Occurrences of a weekly pattern from ``first`` to ``last`` (holidays included)."""
    if last < first:
        return 0
    days = (last - first).days + 1
    wanted = {WEEKDAYS.index(d) for d in weekdays}
    full, rest = divmod(days, 7)
    extra = sum(
        1 for n in range(rest) if (first + timedelta(days=full * 7 + n)).weekday() in wanted
    )
    return full * len(wanted) + extra


def _check(sections: list[dict[str, Any]], term: dict[str, Any]) -> None:
    if len(sections) > MAX_SECTIONS:
        raise _too_big(
            "max_sections", MAX_SECTIONS, f"at most {MAX_SECTIONS} sections per optimizer run"
        )
    seen: set[str] = set()
    for n, s in enumerate(sections):
        if s["external_id"] in seen:
            raise InvalidInput.field(
                "body", f"sections/{n}/external_id", "appears twice in the batch", "duplicate"
            )
        seen.add(s["external_id"])
    total = sum(
        _count(
            s["weekdays"],
            max(s.get("start_date") or term["start_date"], term["start_date"]),
            min(s.get("until") or term["end_date"], term["end_date"]),
        )
        for s in sections
    )
    if total > MAX_OCCURRENCES:
        raise _too_big(
            "max_occurrences",
            MAX_OCCURRENCES,
            f"the sections have {total} occurrences in the term; at most {MAX_OCCURRENCES} "
            "per optimizer run (split the term or the sections)",
        )


async def _facts(
    term: dict[str, Any], source: str, ids: set[str]
) -> tuple[list[Room], dict[int, list[Busy]], dict[str, str]]:
    hours_of = {b["id"]: b["opening_hours"] for b in await search.all_buildings()}
    rows = await search_db.find_rooms(
        search_db.RoomFilter(only_bookable=True), None, sort="code", limit=MAX_ROOMS
    )
    rooms = [
        Room(
            r["id"],
            r["code"],
            r["building_id"],
            r["building_code"],
            r["capacity"],
            frozenset(r["features"]),
            r["timezone"],
            hours_of.get(r["building_id"]),
        )
        for r in rows
    ]
    first = datetime.combine(term["start_date"], datetime.min.time(), UTC) - timedelta(days=1)
    last = datetime.combine(term["end_date"], datetime.min.time(), UTC) + timedelta(days=2)
    busy: dict[int, list[Busy]] = {}
    for b in await optimizer_db.busy_between(first, last):
        if b["series_source"] == source and b["series_external_id"] in ids:
            continue  # this source's own sections: the re-run moves or keeps them
        busy.setdefault(b["room_id"], []).append(
            Busy(b["start"], b["end"], b["id"], b["title"], b["status"])
        )
    return rooms, busy, await optimizer_db.current_rooms(source)


async def optimize(
    actor: Actor,
    *,
    term_id: int,
    sections: list[dict[str, Any]],
    time_limit: float = 30,
    weights: dict[str, Any] | None = None,
    source: str = DEFAULT_SOURCE,
    apply: bool = False,
    atomic: bool = True,
    cancel_missing: bool = False,
    workers: int = 2,
) -> dict[str, Any]:
    """Plan rooms for the sections; with ``apply``, book them (an atomic apply with a
    conflict, e.g. a booking made since the facts were read, applies nothing: 409).
    ``cancel_missing``: the sections are the source's whole term, so the series it booked
    before for sections now unplaced or gone are cancelled (as the import's option does)."""
    require_staff(actor, Scope.import_)
    terms = {t["id"]: t for t in await imports_db.terms()}
    term = terms.get(term_id)
    if term is None:
        raise InvalidInput.field("body", "term_id", f"term {term_id} does not exist", "not_found")
    _check(sections, term)
    time_limit = min(float(time_limit), MAX_TIME_LIMIT)
    ids = {s["external_id"] for s in sections}
    rooms, busy, current = await _facts(term, source, ids)
    parsed = []
    for raw in sections:
        s = section_of(raw)
        if s.last_room is None and s.external_id in current:
            s = dataclasses.replace(s, last_room=current[s.external_id])
        parsed.append(s)
    t = Term(
        term["start_date"],
        term["end_date"],
        frozenset(recurrence.holiday_dates(term["holidays"])),
    )
    result = await _solve_alone(
        parsed, rooms, busy, t, term_id, Weights(**(weights or {})), time_limit, workers
    )
    started = clock.monotonic()
    batch = await imports.run_import(
        actor,
        source=source,
        items=result.imports,
        mode="apply" if apply else "plan",
        atomic=atomic,
        cancel_missing=cancel_missing and bool(result.imports),
        skip_closures=True,
    )
    seconds = round(clock.monotonic() - started, 3)
    out = _answer(result, batch, apply, seconds, source, term_id)
    for item in out["items"]:  # booked by an earlier run: kept unless cancel_missing
        if item["action"] == "unplaced" and item["external_id"] in current and not cancel_missing:
            item["current_room"] = current[item["external_id"]]
    return out


async def _solve_alone(
    sections: list[Any],
    rooms: list[Room],
    busy: dict[int, list[Busy]],
    term: Term,
    term_id: int,
    weights: Weights,
    time_limit: float,
    workers: int,
) -> Result:
    if importlib.util.find_spec("ortools") is None:
        raise ServiceUnavailable(
            "The optimizer's solver is not installed on this server: pip install "
            "'compax[optimizer]'.",
            retry_after=3600,
        )
    if not _solving.acquire(blocking=False):
        wait = max(1, math.ceil(_busy_until[0] - clock.monotonic()))
        raise ServiceUnavailable(
            "Another optimizer run is solving in this process; retry when it is done.",
            retry_after=wait,
        )
    _busy_until[0] = clock.monotonic() + time_limit + 5

    def alone() -> Result:  # released when the solve ends, even if the request went away
        try:
            return plan(
                sections,
                rooms,
                busy,
                term,
                term_id,
                weights,
                time_limit=time_limit,
                workers=workers,
            )
        finally:
            _solving.release()

    return await asyncio.to_thread(alone)  # submitted at once: the thread always releases


def _answer(
    result: Result, batch: Any, applied: bool, import_seconds: float, source: str, term_id: int
) -> dict[str, Any]:
    """The plan items, each with what the import does with it (``import_action``)."""
    by_id = {i["external_id"]: i for i in batch.items}
    items = []
    for item in result.items:
        lead = item.get("booked_with", item["external_id"])
        done = by_id.get(lead)
        if done is not None and item["action"] == "unplaced":  # cancel_missing
            item = item | {"import_action": done["action"]}
        elif done is not None:
            item = item | {"import_action": done["action"]}
            for key in ("skipped", "conflicts", "errors", "series_id"):
                if key in done:
                    item[key] = done[key]
        items.append(item)
    o = result.outcome
    return {
        "term_id": term_id,
        "source": source,
        "applied": applied and batch.status == "applied",
        "import_id": batch.pk,
        "import_summary": batch.summary,
        "summary": result.summary,
        "baseline": result.baseline,
        "solver": {
            "engine": "cp-sat",
            "status": o.status,
            "objective": o.objective,
            "bound": o.bound,
            "gap": o.gap,
            "greedy_objective": o.greedy_objective,
            "start_objective": o.start_objective,
            "parts": o.parts,
            "solved_parts": o.solved_parts,
            "prepare_seconds": result.prepare_seconds,
            "solve_seconds": o.seconds,
            "import_seconds": import_seconds,
            "notes": o.notes,
        },
        "items": items,
    }
