"""Series: a semester of lectures in one request, DST-safe, all or nothing (or skipping what
is taken), with edits of one occurrence (``/bookings/{id}``), this and following, or all.

Every write is one transaction that first locks the room(s); occurrences are bookings, so
the database's no-overlap rule guards each of them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from compax_server import db
from compax_server.db import search as search_db
from compax_server.db.bookings import (
    Booking,
    BookingRow,
    RoomForBooking,
    Status,
    insert_occurrences,
    lock_and_load_rooms,
    lock_rooms,
)
from compax_server.db.series import Series, SeriesStatus
from compax_server.db.terms import Term
from compax_server.db.users import User
from compax_server.domain import bounds, hours, occurrences, recurrence
from compax_server.errors import (
    BookingConflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from compax_server.services import audit, bookings, rules, writes
from compax_server.services.actors import Actor, Scope, require_scope, require_staff
from compax_server.services.paging import page_by_id

POLICIES = ("all_or_nothing", "skip_conflicts")


def snapshot(series: Series) -> dict[str, Any]:
    return {
        "room_id": series.room_id,
        "owner_id": series.owner_id,
        "title": series.title,
        "rule": series.rule,
        "start_time": series.start_time,
        "duration_minutes": series.duration_minutes,
        "timezone": series.timezone,
        "skip_holidays": series.skip_holidays,
        "excluded_dates": series.excluded_dates,
        "added_dates": series.added_dates,
        "status": series.status.value,
        "version": series.version,
    }


def content_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def can_see(actor: Actor, series: Series) -> bool:
    return actor.is_staff or series.owner_id == actor.user_id


@dataclass
class Outcome:
    series: Series
    booking_ids: list[int] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    skipped_holidays: list[date] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    exceptions_kept: list[dict[str, Any]] = field(default_factory=list)


# -- planning --------------------------------------------------------------------------------


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
    exclude_series_id: int | None = None,
    only_dates: set[date] | None = None,
) -> Plan:
    """Expand and check, under the room's lock. ``exclude_series_id``: the series being
    edited (its own occurrences are not in the way)."""
    term, holidays = await _term_bounds(rule.get("term_id"))
    until = date.fromisoformat(rule["until"]) if rule.get("until") else None
    if term is not None:
        start_date = max(start_date, term.start_date)
        until = term.end_date if until is None else min(until, term.end_date)
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
    await check_occurrences(
        actor, room, owner_id, result, override=override, exclude_series_id=exclude_series_id
    )
    return result


async def check_occurrences(
    actor: Actor,
    room: RoomForBooking,
    owner_id: int,
    result: Plan,
    *,
    override: bool,
    exclude_series_id: int | None = None,
) -> None:
    """Check ``result.occurrences`` in the (locked) room like single bookings: fill in the
    rules they break, the confirmed bookings in their way and the pending requests they
    would override. ``exclude_series_id``: the series being edited (not in its own way)."""
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
        if b["status"] == Status.confirmed.value:
            row = BookingRow(
                b["id"], room.id, b["owner_id"], b["title"], b["start"], b["end"], Status.confirmed
            )
            view = bookings.conflict_view(actor, row)
            result.conflicts.setdefault(day, []).append({"date": day.isoformat(), **view})
        else:
            result.pending_in_way.setdefault(day, []).append(b["id"])
    if override:
        require_staff(actor)
        return
    closures_by_day: dict[date, list[dict[str, Any]]] = {}
    for c in closures:
        closures_by_day.setdefault(by_start[c["ws"]], []).append(c)
    for o in occurrences:
        found = bookings.rule_violations(room, o.start, o.end, closures_by_day.get(o.date, []))
        found += await bookings.limit_violations(actor, room, owner_id, [(o.start, o.end)])
        quota = [p for p in found if p["rule"] in ("max_bookings_per_week", "max_hours_per_week")]
        found = [p for p in found if p not in quota]
        if found:
            result.problems[o.date] = [{"date": o.date.isoformat(), **p} for p in found]
    # The weekly quota counts every new occurrence together.
    limits = await rules.limits_for(room.id, room.building_id)
    if not limits.empty and await bookings._is_member(actor, owner_id):
        quota = await rules.quota_violations(
            limits,
            room,
            owner_id,
            [(o.start, o.end) for o in occurrences if o.date not in result.problems],
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


def _enforce(
    actor: Actor, p: Plan, policy: str, *, skip_closures: bool = False
) -> list[dict[str, Any]]:
    """All or nothing: any problem fails the whole request. Skip conflicts: drop the dates
    with problems and report them. ``skip_closures``: the closed dates are left out and
    reported either way. Returns the skipped dates with reasons."""
    closed = _skip_closed(p) if skip_closures else []
    return closed + _enforce_policy(actor, p, policy)


def _enforce_policy(actor: Actor, p: Plan, policy: str) -> list[dict[str, Any]]:
    if policy == "all_or_nothing":
        if p.problems:
            errors = [e for day in sorted(p.problems) for e in p.problems[day]]
            raise RuleViolation(
                f"{len(p.problems)} occurrence(s) break a rule (nothing was booked): "
                + "; ".join(sorted({e["detail"] for e in errors})[:5])
                + (" (staff may override)" if actor.is_staff else ""),
                errors=errors,
            )
        if p.conflicts:
            conflicts = [c for day in sorted(p.conflicts) for c in p.conflicts[day]]
            raise BookingConflict(
                f"{len(p.conflicts)} occurrence(s) are taken (nothing was booked): "
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


# -- reads -----------------------------------------------------------------------------------


async def get_series(actor: Actor, series_id: int) -> Series:
    require_scope(actor, Scope.read)
    series = await Series.get_or_none(id=series_id)
    if series is None or not can_see(actor, series):
        raise NotFound(f"series {series_id} does not exist")
    return series


async def list_series(
    actor: Actor, *, limit: int, cursor: str | None, room_id: int | None = None
) -> tuple[list[Series], str | None]:
    require_scope(actor, Scope.read)
    query = Series.all() if actor.is_staff else Series.filter(owner_id=actor.user_id)
    if room_id is not None:
        query = query.filter(room_id=room_id)
    return await page_by_id(query, limit, cursor)


async def occurrences_of(actor: Actor, series: Series) -> list[Booking]:
    return await Booking.filter(series_id=series.pk).order_by("start", "id")


# -- writes ----------------------------------------------------------------------------------


def _rows(
    series: Series, status: Status, occurrences: list[recurrence.Occurrence]
) -> list[dict[str, Any]]:
    """Booking rows for occurrences of ``series``."""
    return [
        {
            "room_id": series.room_id,
            "owner_id": series.owner_id,
            "title": series.title,
            "description": series.description,
            "start": o.start,
            "end": o.end,
            "status": status,
            "series_id": series.pk,
            "occurrence_date": o.date,
        }
        for o in occurrences
    ]


async def _owner(actor: Actor, owner_id: int | None) -> int:
    if owner_id is None or owner_id == actor.user_id:
        return actor.user_id
    if not actor.is_staff:
        raise Forbidden("members book for themselves; only staff may set owner_id")
    if not await User.filter(id=owner_id, is_active=True).exists():
        raise InvalidInput.field("body", "owner_id", f"user {owner_id} does not exist", "unknown")
    return owner_id


async def create_series(
    actor: Actor,
    *,
    room_id: int,
    title: str,
    start_date: date,
    start_time: str,
    duration_minutes: int,
    recurrence_rule: dict[str, Any],
    description: str = "",
    owner_id: int | None = None,
    excluded_dates: list[date] | None = None,
    added_dates: list[date] | None = None,
    skip_holidays: bool = True,
    conflict_policy: str = "all_or_nothing",
    skip_closures: bool = False,
    override: bool = False,
    source: str | None = None,
    external_id: str | None = None,
) -> Outcome:
    """Create a series and book its occurrences in one transaction."""
    require_scope(actor, Scope.write)
    if conflict_policy not in POLICIES:
        raise InvalidInput.field("body", "conflict_policy", f"one of {', '.join(POLICIES)}", "enum")
    rule = recurrence.check_rule(recurrence_rule)
    bounds.check_date(start_date, "start_date")
    owner = await _owner(actor, owner_id)
    excluded = set(excluded_dates or [])
    added = set(added_dates or [])

    async def attempt() -> Outcome:
        async with db.transaction():
            outcome = await create_in_transaction(
                actor,
                room_id=room_id,
                title=title,
                start_date=start_date,
                start_time=start_time,
                duration_minutes=duration_minutes,
                rule=rule,
                description=description,
                owner=owner,
                excluded=excluded,
                added=added,
                skip_holidays=skip_holidays,
                conflict_policy=conflict_policy,
                skip_closures=skip_closures,
                override=override,
                source=source,
                external_id=external_id,
            )
        return outcome

    return await writes.run(attempt)


async def create_in_transaction(
    actor: Actor,
    *,
    room_id: int,
    title: str,
    start_date: date,
    start_time: str,
    duration_minutes: int,
    rule: dict[str, Any],
    description: str,
    owner: int,
    excluded: set[date],
    added: set[date],
    skip_holidays: bool,
    conflict_policy: str,
    skip_closures: bool,
    override: bool,
    source: str | None,
    external_id: str | None,
) -> Outcome:
    """The body of ``create_series``, for callers that hold a transaction (imports)."""
    if duration_minutes <= 0 or duration_minutes > 24 * 60:
        raise InvalidInput.field("body", "duration_minutes", "between 1 and 1440", "out_of_range")
    room = await bookings.locked_room(room_id)
    p = await plan(
        actor,
        room,
        owner_id=owner,
        rule=rule,
        start_date=start_date,
        start_time=start_time,
        duration_minutes=duration_minutes,
        excluded=excluded,
        added=added,
        skip_holidays=skip_holidays,
        override=override,
    )
    skipped = _enforce(actor, p, conflict_policy, skip_closures=skip_closures)
    if not p.occurrences:
        raise RuleViolation(
            "No occurrence of this series can be booked.",
            errors=[{"rule": "no_occurrences", "detail": "every date is skipped or taken"}],
            skipped=skipped,
        )
    status = Status.pending if room.requires_approval and not actor.is_staff else Status.confirmed
    series = await Series.create(
        room_id=room.id,
        owner_id=owner,
        title=title,
        description=description,
        rule=rule,
        start_time=start_time,
        duration_minutes=duration_minutes,
        timezone=room.timezone,
        skip_holidays=skip_holidays,
        excluded_dates=sorted(d.isoformat() for d in excluded),
        added_dates=sorted(d.isoformat() for d in added),
        source=source,
        external_id=external_id,
        created_by_id=actor.user_id,
    )
    ids = await insert_occurrences(
        _rows(series, status, p.occurrences), created_by_id=actor.user_id
    )
    rejected: list[int] = []
    if status == Status.confirmed:
        for o in p.occurrences:
            for pending_id in p.pending_in_way.get(o.date, []):
                await bookings.reject_overridden(actor, [pending_id], ids[o.date])
                rejected.append(pending_id)
    booking_ids = [ids[o.date] for o in p.occurrences]
    after = (
        snapshot(series) | {"booking_ids": booking_ids} | ({"override": True} if override else {})
    )
    await audit.record(actor, "series.create", "series", series.pk, after=after)
    return Outcome(series, booking_ids, skipped, p.adjustments, p.skipped_holidays, rejected)


def check_series_version(series: Series, if_match: str | None) -> None:
    bookings.check_if_match(series, if_match, noun="series")


async def _active_occurrences(series: Series, from_date: date | None) -> list[Booking]:
    now = datetime.now(UTC)
    query = Booking.filter(series_id=series.pk, status__in=bookings.ACTIVE, end__gt=now)
    if from_date is not None:
        query = query.filter(occurrence_date__gte=from_date)
    return await query.order_by("start")


async def update_series(
    actor: Actor,
    series_id: int,
    *,
    if_match: str | None,
    scope: str = "all",
    from_date: date | None = None,
    title: str | None = None,
    description: str | None = None,
    room_id: int | None = None,
    start_time: str | None = None,
    duration_minutes: int | None = None,
    override: bool = False,
    reset_exceptions: bool = False,
) -> Outcome:
    """Change the future occurrences (``scope=all``) or those from ``from_date`` on
    (``scope=following``): title, room, time or duration, in one transaction, each moved
    occurrence checked like a new booking. Bookings keep their ids.

    An occurrence changed by hand (an exception) keeps what was changed: a moved occurrence
    stays in its room when the series gets a new time, and is listed in
    ``exceptions_kept``; ``reset_exceptions`` overwrites them with the series' values. A
    ``following`` change makes its occurrences differ from the series, so they become
    exceptions in the fields it changed."""
    require_scope(actor, Scope.write)
    if scope not in ("all", "following"):
        raise InvalidInput.field("body", "scope", "all or following", "enum")
    if scope == "following" and from_date is None:
        raise InvalidInput.field("body", "from_date", "scope=following needs from_date", "missing")

    async def attempt() -> Outcome:
        async with db.transaction():
            series = await get_series(actor, series_id)
            check_series_version(series, if_match)
            if series.status != SeriesStatus.active:
                raise InvalidInput.field(
                    "path", "series_id", "the series is cancelled", "cancelled"
                )
            before = snapshot(series)
            affected = await _active_occurrences(
                series, from_date if scope == "following" else None
            )
            new_room_id = room_id or series.room_id
            retimed = start_time is not None or duration_minutes is not None
            new_time = recurrence.parse_time(start_time or series.start_time)
            duration = timedelta(minutes=duration_minutes or series.duration_minutes)
            locked = await lock_and_load_rooms(
                [series.room_id, new_room_id, *(b.room_id for b in affected)]
            )
            if new_room_id not in locked:
                raise InvalidInput.field(
                    "body", "room_id", f"room {new_room_id} does not exist", "unknown"
                )
            merges: list[tuple[Booking, occurrences.Merge]] = []
            kept: list[dict[str, Any]] = []
            for booking in affected:
                current = occurrences.Slot(
                    booking.room_id, booking.start, booking.end, booking.title, booking.description
                )
                start, end = current.start, current.end
                if retimed and booking.occurrence_date is not None:
                    tz = hours.zone(locked[new_room_id].timezone)
                    o = recurrence.occurrence_on(booking.occurrence_date, new_time, duration, tz)
                    start, end = o.start, o.end
                wanted = occurrences.Slot(
                    new_room_id if room_id is not None else current.room_id,
                    start,
                    end,
                    title if title is not None else current.title,
                    description if description is not None else current.description,
                )
                m = occurrences.merge(
                    current, wanted, booking.exception_fields, reset=reset_exceptions
                )
                if m.kept:
                    kept.append(occurrences.kept_view(booking.pk, booking.occurrence_date, m.kept))
                merges.append((booking, m))
            await _check_moves(actor, series, locked, merges, override)
            changed: list[int] = []
            for booking, m in merges:
                current = occurrences.Slot(
                    booking.room_id, booking.start, booking.end, booking.title, booking.description
                )
                diff = occurrences.fields_changed(current, m.slot)
                exception = list(m.exception)
                if scope == "following":
                    exception = occurrences.mark(exception, diff)
                if not diff and exception == list(booking.exception_fields):
                    continue
                if diff & {"room_id", "time"}:
                    room = locked[m.slot.room_id]
                    if room.requires_approval and not actor.is_staff:
                        booking.status = Status.pending
                booking.room_id, booking.start, booking.end = (
                    m.slot.room_id,
                    m.slot.start,
                    m.slot.end,
                )
                booking.title, booking.description = m.slot.title, m.slot.description
                booking.exception_fields = exception
                booking.version += 1
                await booking.save()
                changed.append(booking.pk)
            if scope == "all":
                series.room_id = new_room_id
                series.start_time = start_time or series.start_time
                series.duration_minutes = duration_minutes or series.duration_minutes
                if title is not None:
                    series.title = title
                if description is not None:
                    series.description = description
            series.version += 1
            await series.save()
            after = snapshot(series) | {"booking_ids": changed, "scope": scope}
            if from_date:
                after["from_date"] = from_date.isoformat()
            if kept:
                after["exceptions_kept"] = kept
            if reset_exceptions:
                after["reset_exceptions"] = True
            if override:
                after["override"] = True
            await audit.record(
                actor, "series.update", "series", series.pk, before=before, after=after
            )
            return Outcome(series, changed, exceptions_kept=kept)

    return await writes.run(attempt)


async def _check_moves(
    actor: Actor,
    series: Series,
    locked: dict[int, RoomForBooking],
    merges: list[tuple[Booking, occurrences.Merge]],
    override: bool,
) -> None:
    """Check every occurrence that changes room or time, room by room, like new bookings
    (all or nothing). The series' own occurrences are not in each other's way."""
    by_room: dict[int, list[recurrence.Occurrence]] = {}
    for booking, m in merges:
        moved = (m.slot.room_id, m.slot.start, m.slot.end) != (
            booking.room_id,
            booking.start,
            booking.end,
        )
        if moved and booking.occurrence_date is not None:
            by_room.setdefault(m.slot.room_id, []).append(
                recurrence.Occurrence(booking.occurrence_date, m.slot.start, m.slot.end)
            )
    for target_id in sorted(by_room):
        p = Plan(by_room[target_id], [], [], {}, {}, {})
        await check_occurrences(
            actor,
            locked[target_id],
            series.owner_id,
            p,
            override=override,
            exclude_series_id=series.pk,
        )
        _enforce(actor, p, "all_or_nothing")


async def cancel_series(
    actor: Actor,
    series_id: int,
    *,
    if_match: str | None,
    from_date: date | None = None,
    reason: str = "",
) -> Outcome:
    """Cancel the future occurrences (all, or from ``from_date`` on). Without ``from_date``
    the series itself is cancelled too. Cancelled bookings stay in the history."""
    require_scope(actor, Scope.write)

    async def attempt() -> Outcome:
        async with db.transaction():
            series = await get_series(actor, series_id)
            check_series_version(series, if_match)
            await lock_rooms([series.room_id])
            before = snapshot(series)
            cancelled = []
            for booking in await _active_occurrences(series, from_date):
                booking.status = Status.cancelled
                booking.reason = reason or "the series was cancelled"
                booking.version += 1
                await booking.save(update_fields=["status", "reason", "version", "updated_at"])
                cancelled.append(booking.pk)
            if from_date is None:
                series.status = SeriesStatus.cancelled
            series.version += 1
            await series.save()
            await audit.record(
                actor,
                "series.cancel",
                "series",
                series.pk,
                before=before,
                after=snapshot(series) | {"booking_ids": cancelled},
            )
            return Outcome(series, cancelled)

    return await writes.run(attempt)


async def add_date(
    actor: Actor, series_id: int, *, if_match: str | None, day: date, override: bool = False
) -> Outcome:
    """Book one more occurrence (a skipped, excluded or holiday date, or any other date) at
    the series' time."""
    require_scope(actor, Scope.write)

    async def attempt() -> Outcome:
        async with db.transaction():
            series = await get_series(actor, series_id)
            check_series_version(series, if_match)
            if await Booking.filter(
                series_id=series.pk, occurrence_date=day, status__in=bookings.ACTIVE
            ).exists():
                raise InvalidInput.field(
                    "body", "date", f"{day} is already booked in this series", "duplicate"
                )
            room = await bookings.locked_room(series.room_id)
            p = await plan(
                actor,
                room,
                owner_id=series.owner_id,
                rule={**series.rule, "count": None, "until": day.isoformat(), "term_id": None},
                start_date=day,
                start_time=series.start_time,
                duration_minutes=series.duration_minutes,
                excluded=set(),
                added={day},
                skip_holidays=False,
                override=override,
                only_dates={day},
            )
            _enforce(actor, p, "all_or_nothing")
            before = snapshot(series)
            status = (
                Status.pending
                if room.requires_approval and not actor.is_staff
                else Status.confirmed
            )
            ids = await insert_occurrences(
                _rows(series, status, p.occurrences), created_by_id=actor.user_id
            )
            series.added_dates = sorted({*series.added_dates, day.isoformat()})
            series.excluded_dates = [d for d in series.excluded_dates if d != day.isoformat()]
            series.version += 1
            await series.save()
            await audit.record(
                actor,
                "series.add_date",
                "series",
                series.pk,
                before=before,
                after=snapshot(series) | {"booking_ids": list(ids.values())},
            )
            return Outcome(series, list(ids.values()), adjustments=p.adjustments)

    return await writes.run(attempt)
