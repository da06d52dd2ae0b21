"""``/optimizer``: rooms for every section of a term at once.

Each section has an ``external_id``, a weekly meeting pattern (``weekdays``, local
``start_time``, ``duration_minutes``) and a ``headcount``; optionally required ``features``,
ranked ``preferred_buildings``, a ``room_wish``, ``last_room`` (last term's) and ``links``
(sections that must share its room). ``plan`` answers section by section (placed: room,
seat fill, preferences met; unplaced: the reason) and books nothing; ``apply`` books the
placed sections through the timetable import under ``source``, so a re-run keeps every
section that still fits in its room::

    sections = [
        {"external_id": "CS101-1", "title": "Intro to CS", "weekdays": ["mon", "wed"],
         "start_time": "09:15", "duration_minutes": 75, "headcount": 42,
         "features": ["projector"], "preferred_buildings": ["SCI", "ENG"]},
    ]
    plan = client.optimizer.plan(term_id=3, sections=sections, time_limit=60)
    print(plan.summary["placed"], plan.solver["gap"])
    for item in plan.unplaced():
        print(item.external_id, item.reason["code"], item.reason["detail"])
    client.optimizer.apply(term_id=3, sections=sections)

The solver runs on the server for up to ``time_limit`` seconds (at most 120); the request's
timeout is that plus a margin. One solve per server process at a time: a busy server
answers 503 with Retry-After, which the client waits for (up to a minute) and retries.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from compax_sdk._models import Model
from compax_sdk._params import body
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = ["AsyncOptimizer", "Optimizer", "OptimizerItem", "OptimizerPlan"]

GZIP_MIN_BYTES = 64 * 1024
TIMEOUT_MARGIN = 60.0  # seconds beyond the time limit: loading, checking, booking

Sections = Iterable[Mapping[str, Any]]


class OptimizerItem(Model):
    """One section of the answer: ``placed`` (``room``, ``seat_fill``, ``preferences``,
    ``import_action``) or ``unplaced`` (``reason``: ``code``, ``detail``, ``rooms``)."""

    external_id: str
    title: str
    headcount: int
    action: Literal["placed", "unplaced"]
    import_action: str | None = None
    booked_with: str | None = None
    room: str | None = None
    room_id: int | None = None
    building: str | None = None
    capacity: int | None = None
    seat_fill: float | None = None
    occurrences: int | None = None
    preferences: dict[str, Any] | None = None
    reason: dict[str, Any] | None = None
    current_room: str | None = None
    skipped: list[dict[str, Any]] | None = None
    conflicts: list[dict[str, Any]] | None = None
    errors: list[dict[str, Any]] | None = None
    series_id: int | None = None


class OptimizerPlan(Model):
    """The whole answer: ``summary`` (placed, unplaced, mean seat fill, preferences met),
    ``baseline`` (a greedy best-fit run on the same input), ``solver`` (status, objective,
    bound, gap, seconds) and every section in ``items``."""

    term_id: int
    source: str
    applied: bool
    import_id: int
    import_summary: dict[str, int] = {}
    summary: dict[str, Any] = {}
    baseline: dict[str, Any] = {}
    solver: dict[str, Any] = {}
    items: list[OptimizerItem] = []

    def placed(self) -> list[OptimizerItem]:
        return [i for i in self.items if i.action == "placed"]

    def unplaced(self) -> list[OptimizerItem]:
        return [i for i in self.items if i.action == "unplaced"]


def _encode(
    term_id: int,
    sections: Sections,
    *,
    apply: bool,
    atomic: bool,
    time_limit: float,
    source: str | None,
    weights: Mapping[str, Any] | None,
    extra_headers: Headers,
    cancel_missing: bool = False,
) -> tuple[bytes, dict[str, str]]:
    payload: dict[str, Any] = {
        "term_id": term_id,
        "time_limit": time_limit,
        "apply": apply,
        "atomic": atomic,
        "cancel_missing": cancel_missing,
        "sections": [body(s, prefix=f"sections[{n}].") for n, s in enumerate(sections)],
    }
    if source is not None:
        payload["source"] = source
    if weights:
        payload["weights"] = dict(weights)
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    if len(raw) >= GZIP_MIN_BYTES:
        raw = gzip.compress(raw, compresslevel=6)
        headers["Content-Encoding"] = "gzip"
    return raw, headers | dict(extra_headers or {})


class Optimizer(SyncResource):
    def plan(
        self,
        *,
        term_id: int,
        sections: Sections,
        time_limit: float = 30,
        weights: Mapping[str, Any] | None = None,
        source: str | None = None,
        extra_headers: Headers = None,
    ) -> OptimizerPlan:
        """Rooms for the sections (staff, or a key with the ``import`` scope); books
        nothing. ``weights`` overrides the objective's (see docs/optimizer.md)."""
        return self._run(term_id, sections, False, True, time_limit, source, weights, extra_headers)

    def apply(
        self,
        *,
        term_id: int,
        sections: Sections,
        time_limit: float = 30,
        weights: Mapping[str, Any] | None = None,
        source: str | None = None,
        atomic: bool = True,
        cancel_missing: bool = False,
        extra_headers: Headers = None,
    ) -> OptimizerPlan:
        """Plan and book the placed sections through the import under ``source``.
        ``atomic``: all or nothing (``ImportRejectedError`` when something came in the
        way since); ``False``: what is valid. ``cancel_missing``: the sections are the
        source's whole term; what it booked before for sections now unplaced or gone is
        cancelled."""
        return self._run(
            term_id,
            sections,
            True,
            atomic,
            time_limit,
            source,
            weights,
            extra_headers,
            cancel_missing,
        )

    def _run(
        self,
        term_id: int,
        sections: Sections,
        apply: bool,
        atomic: bool,
        time_limit: float,
        source: str | None,
        weights: Mapping[str, Any] | None,
        extra_headers: Headers,
        cancel_missing: bool = False,
    ) -> OptimizerPlan:
        raw, headers = _encode(
            term_id,
            sections,
            apply=apply,
            atomic=atomic,
            time_limit=time_limit,
            source=source,
            weights=weights,
            extra_headers=extra_headers,
            cancel_missing=cancel_missing,
        )
        return self._call(
            OptimizerPlan,
            "POST",
            "/optimizer/plans",
            content=raw,
            headers=headers,
            timeout=time_limit + TIMEOUT_MARGIN,
        )


class AsyncOptimizer(AsyncResource):
    async def plan(
        self,
        *,
        term_id: int,
        sections: Sections,
        time_limit: float = 30,
        weights: Mapping[str, Any] | None = None,
        source: str | None = None,
        extra_headers: Headers = None,
    ) -> OptimizerPlan:
        """Rooms for the sections (staff, or a key with the ``import`` scope); books
        nothing. ``weights`` overrides the objective's (see docs/optimizer.md)."""
        return await self._run(
            term_id, sections, False, True, time_limit, source, weights, extra_headers
        )

    async def apply(
        self,
        *,
        term_id: int,
        sections: Sections,
        time_limit: float = 30,
        weights: Mapping[str, Any] | None = None,
        source: str | None = None,
        atomic: bool = True,
        cancel_missing: bool = False,
        extra_headers: Headers = None,
    ) -> OptimizerPlan:
        """Plan and book the placed sections through the import under ``source``.
        ``atomic``: all or nothing (``ImportRejectedError`` when something came in the
        way since); ``False``: what is valid. ``cancel_missing``: the sections are the
        source's whole term; what it booked before for sections now unplaced or gone is
        cancelled."""
        return await self._run(
            term_id,
            sections,
            True,
            atomic,
            time_limit,
            source,
            weights,
            extra_headers,
            cancel_missing,
        )

    async def _run(
        self,
        term_id: int,
        sections: Sections,
        apply: bool,
        atomic: bool,
        time_limit: float,
        source: str | None,
        weights: Mapping[str, Any] | None,
        extra_headers: Headers,
        cancel_missing: bool = False,
    ) -> OptimizerPlan:
        raw, headers = _encode(
            term_id,
            sections,
            apply=apply,
            atomic=atomic,
            time_limit=time_limit,
            source=source,
            weights=weights,
            extra_headers=extra_headers,
            cancel_missing=cancel_missing,
        )
        return await self._call(
            OptimizerPlan,
            "POST",
            "/optimizer/plans",
            content=raw,
            headers=headers,
            timeout=time_limit + TIMEOUT_MARGIN,
        )
