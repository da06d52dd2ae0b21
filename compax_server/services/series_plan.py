"""Series planning: the occurrences of a rule in a room, checked like single bookings.

The same code serves a series being created, edited, or given a date, and (the same call
without the write) a dry run: what is free, what is not, and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from compax_server.db import search as search_db
from compax_server.db.bookings import Booking, BookingRow, Status
from compax_server.db.room_locks import RoomForBooking
from compax_server.db.terms import Term
from compax_server.domain import hours, recurrence, slots
from compax_server.domain.words import agree, counted
from compax_server.errors import BookingConflict, InvalidInput, RuleViolation
from compax_server.services import booking_checks as checks
from compax_server.services import booking_views, rules
from compax_server.services.actors import Actor, require_staff_or_manager


@dataclass
class Plan:
    """The occurrences of a rule in a room, checked: what is free, what is not, and why."""

    occurrences: list[recurrence.Occurrence]
    adjustments: list[dict[str, Any]]
    skipped_holidays: list[date]
    problems: dict[date, list[dict[str, Any]]]  # rules broken (422)
    conflicts: dict[date, list[dict[str, Any]]]  # confirmed bookings in the way (409)
    pending_in_way: dict[date, list[int]]


async def _term_bounds(term_id: int | None) -> tuple[Term | None, set[date]]:
    if term_id is None:
        return None, set()
    term = await Term.get_or_none(id=term_id)
    if term is None:
        raise InvalidInput.field(
            "body", "recurrence/term_id", f"term {term_id} does not exist", "unknown"
        )
    return term, recurrence.holiday_dates(term.holidays)


async def plan(
    actor: Actor,
    room: RoomForBooking,
    *,
    owner_id: int,
    rule: dict[str, Any],
    start_date: date,
    start_time: str,
    duration_minutes: int,
    excluded: set[date],
    added: set[date],
    skip_holidays: bool,
    override: bool,
    only_dates: set[date] | None = None,
) -> Plan:
    """Expand and check, under the room's lock (a new series, or a date added to one)."""
    term, holidays = await _term_bounds(rule.get("term_id"))
    until = date.fromisoformat(rule["until"]) if rule.get("until") else None
    if term is not None:  # a rule ends by one of until, count and term_id (the schema's)
        start_date = max(start_date, term.start_date)
        until = term.end_date
    tz = hours.zone(room.timezone)
    expansion = recurrence.expand(
        rule,
        start_date=start_date,
        until=until,
        count=rule.get("count"),
        start_time=recurrence.parse_time(start_time),
        duration=timedelta(minutes=duration_minutes),
        tz=tz,
        excluded=excluded,
        added=added,
        holidays=holidays if skip_holidays else set(),
    )
    occurrences = [o for o in expansion.occurrences if only_dates is None or o.date in only_dates]
    result = Plan(occurrences, expansion.adjustments, expansion.skipped_holidays, {}, {}, {})
    await check_occurrences(actor, room, owner_id, result, override=override)
    return result


async def check_occurrences(
    actor: Actor,
    room: RoomForBooking,
    owner_id: int,
    result: Plan,
    *,
    override: bool,
    exclude_series_id: int | None = None,
    replacing: Sequence[int] = (),
) -> None:
    """Check ``result.occurrences`` in the (locked) room like single bookings: fill in the
    rules they break, the confirmed bookings in their way and the pending requests they
    would override. ``exclude_series_id``: the series being edited (not in its own way);
    ``replacing``: the bookings these occurrences move (the owner's weekly quota counts
    them where they go, not also where they are)."""
    occurrences = result.occurrences
    if not occurrences:
        return
    windows = search_db.Windows({room.building_id: [(o.start, o.end) for o in occurrences]})
    in_way, closures = await search_db.blocking([room.id], windows)
    by_start = {o.start: o.date for o in occurrences}
    own = set()
    if exclude_series_id is not None:
        own = set(await Booking.filter(series_id=exclude_series_id).values_list("id", flat=True))
    for b in in_way:
        if b["id"] in own:
            continue
        day = by_start[b["ws"]]
        if b["status"] in (Status.confirmed.value, Status.held.value):  # blocking
            row = BookingRow(
                b["id"],
                room.id,
                b["owner_id"],
                b["title"],
                b["start"],
                b["end"],
                Status(b["status"]),
            )
            view = booking_views.conflict_view(actor, row)
            result.conflicts.setdefault(day, []).append({"date": day.isoformat(), **view})
        else:
            result.pending_in_way.setdefault(day, []).append(b["id"])
    if override:
        require_staff_or_manager(actor, room_id=room.id)
        return
    closures_by_day: dict[date, list[dict[str, Any]]] = {}
    for c in closures:
        closures_by_day.setdefault(by_start[c["ws"]], []).append(c)
    for o in occurrences:
        found = slots.room_problems(room, o.start, o.end, closures_by_day.get(o.date, []))
        found += await checks.limit_violations(
            actor, room, owner_id, [(o.start, o.end)], quota=False
        )
        if found:
            result.problems[o.date] = [{"date": o.date.isoformat(), **p} for p in found]
    # The weekly quota counts every new occurrence together.
    limits = await rules.limits_for(room.id, room.building_id)
    if not limits.empty and await checks.is_member(actor, owner_id):
        quota = await rules.quota_violations(
            limits,
            room,
            owner_id,
            [(o.start, o.end) for o in occurrences if o.date not in result.problems],
            list(replacing),
        )
        if quota:
            raise RuleViolation("; ".join(p["detail"] for p in quota), errors=quota)


def _skip_closed(p: Plan) -> list[dict[str, Any]]:
    """Take the dates whose only problem is a closure out of the plan; report them."""
    closed = [
        day
        for day in sorted(p.problems)
        if all(e.get("rule") == "closure" for e in p.problems[day])
    ]
    skipped = [
        {"date": day.isoformat(), "reason": "closure", "errors": p.problems.pop(day)}
        for day in closed
    ]
    for day in closed:
        p.conflicts.pop(day, None)
        p.pending_in_way.pop(day, None)
    p.occurrences = [o for o in p.occurrences if o.date not in set(closed)]
    return skipped


def enforce(
    actor: Actor, p: Plan, policy: str, *, skip_closures: bool = False
) -> list[dict[str, Any]]:
    """All or nothing: any problem fails the whole request. Skip conflicts: drop the dates
    with problems and report them. ``skip_closures``: the closed dates are left out and
    reported either way. Returns the skipped dates with reasons."""
    closed = _skip_closed(p) if skip_closures else []
    return closed + enforce_policy(actor, p, policy)


def enforce_policy(actor: Actor, p: Plan, policy: str) -> list[dict[str, Any]]:
    if policy == "all_or_nothing":
        if p.problems:
            errors = [e for day in sorted(p.problems) for e in p.problems[day]]
            raise RuleViolation(
                f"{counted(len(p.problems), 'occurrence')} "
                f"{'breaks' if len(p.problems) == 1 else 'break'} a rule (nothing was booked): "
                + "; ".join(sorted({e["detail"] for e in errors})[:5])
                + (" (staff may override)" if actor.is_staff else ""),
                errors=errors,
            )
        if p.conflicts:
            conflicts = [c for day in sorted(p.conflicts) for c in p.conflicts[day]]
            raise BookingConflict(
                f"{counted(len(p.conflicts), 'occurrence')} "
                f"{agree(len(p.conflicts), 'is', 'are')} taken (nothing was booked): "
                + ", ".join(d.isoformat() for d in sorted(p.conflicts)[:10]),
                conflicts=conflicts,
                dates=[d.isoformat() for d in sorted(p.conflicts)],
            )
        return []
    skipped = []
    for day in sorted(set(p.problems) | set(p.conflicts)):
        if day in p.problems:
            skipped.append({"date": day.isoformat(), "reason": "rule", "errors": p.problems[day]})
        else:
            skipped.append(
                {"date": day.isoformat(), "reason": "conflict", "conflicts": p.conflicts[day]}
            )
    keep = {d for d in (o.date for o in p.occurrences)} - set(p.problems) - set(p.conflicts)
    p.occurrences = [o for o in p.occurrences if o.date in keep]
    return skipped
