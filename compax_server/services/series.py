"""Series: a semester of lectures in one request, DST-safe, all or nothing (or skipping what
is taken), and reading them. Planning (expansion and the checks of each occurrence) is in
``series_plan``; the changes after creation (edits of the future occurrences, which keep what
a person changed on one of them, cancelling from a date on, one more date) are in
``series_changes``; one occurrence alone is changed through its booking (``/bookings/{id}``).

Every write is one transaction that first locks the room(s); occurrences are bookings, so
the database's no-overlap rule guards each of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tortoise.expressions import Q

from compax_server import db
from compax_server.db.bookings import (
    Booking,
    Status,
    insert_occurrences,
)
from compax_server.db.series import Series
from compax_server.db.users import User
from compax_server.domain import bounds, recurrence
from compax_server.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from compax_server.services import audit, writes
from compax_server.services import booking_checks as checks
from compax_server.services.actors import Actor, Scope, require_owner_or_staff, require_scope
from compax_server.services.paging import page_by_id
from compax_server.services.seats import check_seats
from compax_server.services.series_plan import Plan, enforce, plan

POLICIES = ("all_or_nothing", "skip_conflicts")


def snapshot(series: Series) -> dict[str, Any]:
    return {
        "room_id": series.room_id,
        "owner_id": series.owner_id,
        "title": series.title,
        "description": series.description,
        "rule": series.rule,
        "start_time": series.start_time,
        "duration_minutes": series.duration_minutes,
        "attendees": series.attendees,
        "timezone": series.timezone,
        "skip_holidays": series.skip_holidays,
        "excluded_dates": series.excluded_dates,
        "added_dates": series.added_dates,
        "status": series.status.value,
        "version": series.version,
    }


def can_see(actor: Actor, series: Series) -> bool:
    return actor.sees_booking_of(series.owner_id, series.room_id)


@dataclass
class Outcome:
    series: Series
    booking_ids: list[int] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    skipped_holidays: list[date] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    exceptions_kept: list[dict[str, Any]] = field(default_factory=list)


# -- reads -----------------------------------------------------------------------------------


async def get_series(actor: Actor, series_id: int, *, change: bool = False) -> Series:
    require_scope(actor, Scope.read)
    series = await Series.get_or_none(id=series_id)
    if series is None or not can_see(actor, series):
        raise NotFound(f"series {series_id} does not exist")
    if change:
        require_owner_or_staff(actor, series.owner_id, "series")
    return series


async def list_series(
    actor: Actor, *, limit: int, cursor: str | None, room_id: int | None = None
) -> tuple[list[Series], str | None]:
    require_scope(actor, Scope.read)
    query = Series.all() if actor.is_staff else Series.filter(owner_id=actor.user_id)
    if not actor.is_staff and actor.managed_rooms:  # and those of the rooms they manage
        mine = Q(owner_id=actor.user_id) | Q(room_id__in=sorted(actor.managed_rooms))
        query = Series.filter(mine)
    if room_id is not None:
        query = query.filter(room_id=room_id)
    return await page_by_id(query, limit, cursor)


async def occurrences_of(actor: Actor, series: Series) -> list[Booking]:
    return await Booking.filter(series_id=series.pk).order_by("start", "id")


# -- writes ----------------------------------------------------------------------------------


def occurrence_rows(
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
            "attendees": series.attendees,
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
    attendees: int | None = None,
) -> Outcome:
    """Create a series and book its occurrences in one transaction. ``attendees`` (people
    expected at each occurrence) must fit the room, as for a single booking."""
    require_scope(actor, Scope.write)
    if conflict_policy not in POLICIES:
        raise InvalidInput.field("body", "conflict_policy", f"one of {', '.join(POLICIES)}", "enum")
    rule = recurrence.check_rule(recurrence_rule)
    bounds.check_date(start_date, "start_date")
    owner = await _owner(actor, owner_id)
    excluded = {bounds.check_date(d, "excluded_dates") for d in excluded_dates or []}
    added = {bounds.check_date(d, "added_dates") for d in added_dates or []}

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
                attendees=attendees,
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
    attendees: int | None = None,
) -> Outcome:
    """The body of ``create_series``, inside its transaction (its one caller: imports
    write their series rows themselves, ``services/import_apply.py``)."""
    if duration_minutes <= 0 or duration_minutes > 24 * 60:
        raise InvalidInput.out_of_range("body", "duration_minutes", duration_minutes, 1, 24 * 60)
    room = await checks.locked_room(room_id)
    check_seats(actor, room.code, room.capacity, attendees, override=override)
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
    skipped = enforce(actor, p, conflict_policy, skip_closures=skip_closures)
    if not p.occurrences:
        raise RuleViolation(
            "No occurrence of this series can be booked.",
            errors=[{"rule": "no_occurrences", "detail": "every date is skipped or taken"}],
            skipped=skipped,
        )
    status = checks.new_status(actor, room)
    series = await Series.create(
        room_id=room.id,
        owner_id=owner,
        title=title,
        description=description,
        rule=rule,
        start_time=start_time,
        duration_minutes=duration_minutes,
        attendees=attendees,
        timezone=room.timezone,
        skip_holidays=skip_holidays,
        excluded_dates=sorted(d.isoformat() for d in excluded),
        added_dates=sorted(d.isoformat() for d in added),
        created_by_id=actor.user_id,
    )
    ids = await insert_occurrences(
        occurrence_rows(series, status, p.occurrences), created_by_id=actor.user_id
    )
    rejected = await reject_overridden(actor, p, ids, status)
    booking_ids = [ids[o.date] for o in p.occurrences]
    after = snapshot(series) | {"booking_ids": booking_ids} | asked(status, booking_ids)
    if override:
        after["override"] = True
    await audit.record(actor, "series.create", "series", series.pk, after=after)
    return Outcome(series, booking_ids, skipped, p.adjustments, p.skipped_holidays, rejected)


def asked(status: Status, booking_ids: list[int]) -> dict[str, Any]:
    """What a series event says of the dates it made: ``requests``, the ones that wait for
    approval (every one, or none: a series' dates share one status), which its approvers
    are asked about as they were then, whatever became of them since."""
    return {"requests": booking_ids if status == Status.pending else []}


async def reject_overridden(
    actor: Actor, p: Plan, ids: dict[date, int], status: Status
) -> list[int]:
    """Reject the pending requests that newly confirmed occurrences override."""
    if status != Status.confirmed:
        return []
    rejected: list[int] = []
    for o in p.occurrences:
        pending = p.pending_in_way.get(o.date, [])
        await checks.reject_overridden(actor, pending, ids[o.date])
        rejected += pending
    return rejected
