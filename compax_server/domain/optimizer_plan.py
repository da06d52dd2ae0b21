"""The optimizer's answer, section by section: where each one goes (room, seat fill, the
preferences met) or why it has no room, the summary, and the import items that book it.

Reasons of an unplaced section (``reason.code``), checked in this order:

- ``invalid``: the section itself cannot be planned (``errors``);
- ``no_room_fits``: no bookable room has the seats and every feature;
- ``outside_opening_hours``: rooms fit, but none is open for the meeting times;
- ``rooms_taken``: rooms fit and are open, and each is taken at some occurrence: ``rooms``
  lists them (best fit first) with what is in the way, existing bookings (``bookings``) or
  sections of this batch placed there (``sections``).
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from statistics import mean
from typing import Any

from compax_server.domain.optimizer import (
    Busy,
    Group,
    Room,
    Section,
    Term,
    Weights,
    cliques,
    components,
    conflicts_of,
    expand,
    find_candidates,
    free_of,
    groups_of,
    is_open,
    preferences_met,
)
from compax_server.domain.optimizer_solve import Conflicts, Outcome, greedy, solve
from compax_server.domain.words import agree, counted

MAX_LISTED_ROOMS = 20
MAX_LISTED_BOOKINGS = 3


def reason(
    g: Group,
    rooms: list[Room],
    busy: dict[int, list[Busy]],
    assignment: dict[int, int],
    conflicts: Conflicts,
    groups: list[Group],
) -> dict[str, Any]:
    if g.errors:
        return {"code": "invalid", "detail": "the section cannot be planned", "errors": g.errors}
    need, features = g.headcount, g.features
    fitting = sorted(
        (r for r in rooms if r.capacity >= need and features <= r.features),
        key=lambda r: (r.capacity, r.code),
    )
    if not fitting:
        with_features = [r.capacity for r in rooms if features <= r.features]
        detail = f"no bookable room has {need} seats" + (
            f" and {', '.join(sorted(features))}" if features else ""
        )
        out: dict[str, Any] = {"code": "no_room_fits", "detail": detail}
        out["largest_with_features"] = max(with_features) if with_features else None
        return out
    memo: dict[tuple[Any, ...], bool] = {}
    open_rooms = [r for r in fitting if all(is_open(r, m, memo) for m in g.meetings)]
    if not open_rooms:
        return {
            "code": "outside_opening_hours",
            "detail": f"{counted(len(fitting), 'room')} {agree(len(fitting), 'fits', 'fit')}, but "
            f"{agree(len(fitting), 'it is not', 'none is')} open for the whole meeting time",
            "buildings": sorted({r.building_code for r in fitting}),
        }
    index = {r.id: n for n, r in enumerate(rooms)}
    placed_in: dict[int, list[int]] = {}
    for gi, i in assignment.items():
        placed_in.setdefault(i, []).append(gi)
    listed = []
    for r in open_rooms:
        entry: dict[str, Any] = {"room": r.code, "capacity": r.capacity}
        spans = g.spans(r.timezone)
        rows = busy.get(r.id, [])
        if rows and not free_of(spans, rows, [b.start for b in rows]):
            hits = [b for b in rows if any(s < b.end and b.start < e for s, e in spans)][
                :MAX_LISTED_BOOKINGS
            ]
            entry["bookings"] = [
                {
                    "id": b.booking_id,
                    "title": b.title,
                    "start": b.start.isoformat(),
                    "status": b.status,
                }
                for b in hits
            ]
        meets = conflicts.get(r.timezone, {}).get(g.index, set())
        others = [gi for gi in placed_in.get(index[r.id], []) if gi in meets]
        if others:
            entry["sections"] = sorted(groups[gi].sections[0].external_id for gi in others)
        listed.append(entry)
    return {
        "code": "rooms_taken",
        "detail": agree(
            len(open_rooms), "the one fitting room is", f"all {len(open_rooms)} fitting rooms are"
        )
        + " taken at some meeting time",
        "rooms": listed[:MAX_LISTED_ROOMS],
        "rooms_total": len(open_rooms),
    }


def items(
    groups: list[Group],
    rooms: list[Room],
    busy: dict[int, list[Busy]],
    assignment: dict[int, int],
    conflicts: Conflicts,
    w: Weights,
) -> list[dict[str, Any]]:
    """One item per section, in input order of the groups."""
    out = []
    for g in groups:
        i = assignment.get(g.index)
        why = None if i is not None else reason(g, rooms, busy, assignment, conflicts, groups)
        for m in g.meetings:
            for s in m.sections:
                item: dict[str, Any] = {
                    "external_id": s.external_id,
                    "title": s.title,
                    "headcount": s.headcount,
                    "action": "placed" if i is not None else "unplaced",
                }
                if m.lead is not s:
                    item["booked_with"] = m.lead.external_id
                if i is not None:
                    room = rooms[i]
                    item |= {
                        "room": room.code,
                        "room_id": room.id,
                        "building": room.building_code,
                        "capacity": room.capacity,
                        "occurrences": len(m.occurrences.get(room.timezone, [])),
                        "preferences": preferences_met(s, g, room, w),
                    }
                    item["seat_fill"] = item["preferences"].pop("seat_fill")
                else:
                    item["reason"] = why
                out.append(item)
    return out


def summary(plan_items: list[dict[str, Any]]) -> dict[str, Any]:
    placed = [i for i in plan_items if i["action"] == "placed"]
    fills = [i["seat_fill"] for i in placed if "booked_with" not in i]

    def share(key: str) -> dict[str, int]:
        asked = [i["preferences"][key] for i in placed if key in i["preferences"]]
        return {"asked": len(asked), "met": sum(1 for a in asked if a)}

    return {
        "sections": len(plan_items),
        "placed": len(placed),
        "unplaced": len(plan_items) - len(placed),
        "placement_rate": round(len(placed) / len(plan_items), 4) if plan_items else 1.0,
        "mean_seat_fill": round(mean(fills), 4) if fills else 0.0,
        "fill_threshold_met": sum(1 for i in placed if i["preferences"]["fill_threshold"]),
        "preferred_building": share("preferred_building"),
        "room_wish": share("room_wish"),
        "kept_room": share("kept_room"),
        "reasons": _count(i["reason"]["code"] for i in plan_items if "reason" in i),
    }


def _count(codes: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in codes:
        out[c] = out.get(c, 0) + 1
    return out


def import_items(
    groups: list[Group], rooms: list[Room], assignment: dict[int, int], term_id: int, term: Term
) -> list[dict[str, Any]]:
    """A series per placed meeting (its lead's external id), as ``services.imports`` takes
    them: applying books through the import pipeline, idempotent by source and id."""
    out = []
    for g in groups:
        i = assignment.get(g.index)
        if i is None:
            continue
        for m in g.meetings:
            s: Section = m.lead
            rule: dict[str, Any] = {"freq": "weekly", "interval": 1, "weekdays": list(s.weekdays)}
            first = max(s.start_date or term.start_date, term.start_date)
            excluded: list[str] = []
            if s.until is not None:  # the term's holidays, as the plan left them out
                rule["until"] = min(s.until, term.end_date).isoformat()
                excluded = sorted(d.isoformat() for d in term.holidays if first <= d <= s.until)
            else:
                rule["term_id"] = term_id
            item: dict[str, Any] = {
                "external_id": s.external_id,
                "kind": "series",
                "room": rooms[i].code,
                "title": " / ".join(x.title for x in m.sections),
                "description": "",
                "owner": None,
                "start_date": first,
                "start_time": s.start_time,
                "duration_minutes": s.duration_minutes,
                "recurrence": rule,
                "excluded_dates": excluded,
                "skip_holidays": True,
            }
            out.append(item)
    return out


def section_of(raw: dict[str, Any]) -> Section:
    """A section from its JSON shape (the API has checked the types and bounds)."""
    return Section(
        external_id=raw["external_id"],
        title=raw["title"],
        weekdays=tuple(raw["weekdays"]),
        start_time=raw["start_time"],
        duration_minutes=int(raw["duration_minutes"]),
        headcount=int(raw["headcount"]),
        features=frozenset(raw.get("features") or ()),
        preferred_buildings=tuple(raw.get("preferred_buildings") or ()),
        room_wish=raw.get("room_wish"),
        last_room=raw.get("last_room"),
        links=tuple(raw.get("links") or ()),
        start_date=raw.get("start_date"),
        until=raw.get("until"),
    )


@dataclass
class Result:
    items: list[dict[str, Any]]
    summary: dict[str, Any]
    outcome: Outcome
    imports: list[dict[str, Any]]
    baseline: dict[str, Any]  # the greedy best-fit script's summary on the same input
    prepare_seconds: float


def plan(
    sections: list[Section],
    rooms: list[Room],
    busy: dict[int, list[Busy]],
    term: Term,
    term_id: int,
    weights: Weights,
    *,
    time_limit: float,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """The whole decision: groups, occurrences, candidates, parts, the solve, the answer."""
    started = clock.monotonic()
    groups = groups_of(sections)
    expand(groups, term, {r.timezone for r in rooms} or {"UTC"})
    find_candidates(groups, rooms, busy, weights)
    found = cliques(groups, rooms)
    conflicts = conflicts_of(found)
    parts = components(groups, found)
    prepared = clock.monotonic() - started
    outcome = solve(
        groups,
        rooms,
        found,
        conflicts,
        parts,
        time_limit=max(0.5, time_limit - prepared),
        workers=workers,
        progress=progress,
    )
    plan_items = items(groups, rooms, busy, outcome.assignment, conflicts, weights)
    fit = greedy(groups, rooms, conflicts, by="fit")
    baseline = summary(items(groups, rooms, busy, fit, conflicts, weights))
    baseline.pop("reasons", None)
    return Result(
        plan_items,
        summary(plan_items),
        outcome,
        import_items(groups, rooms, outcome.assignment, term_id, term),
        baseline,
        round(prepared, 3),
    )
