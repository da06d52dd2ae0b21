"""Series changes after creation: move, retime or rename the future occurrences of a series
(all of them, or those from a date on), keeping what a person changed on one occurrence (an
exception); cancel them (all, or from a date on); book one more date.

One transaction that locks every room involved in id order; each occurrence that moves is
checked like a new booking (all or nothing); bookings keep their ids.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from compax_server import db
from compax_server.db.bookings import Booking, Status, insert_occurrences
from compax_server.db.room_locks import RoomForBooking, lock_and_load_rooms, lock_rooms
from compax_server.db.series import Series, SeriesStatus
from compax_server.domain import bounds, hours, occurrences, recurrence, versions
from compax_server.domain.versions import Expected
from compax_server.errors import InvalidInput
from compax_server.services import audit, limits, writes
from compax_server.services import booking_checks as checks
from compax_server.services.actors import Actor, Scope, require_scope
from compax_server.services.seats import NOT_GIVEN, NotGiven, check_seats
from compax_server.services.series import (
    Outcome,
    asked,
    get_series,
    occurrence_rows,
    reject_overridden,
    snapshot,
)
from compax_server.services.series_plan import Plan, check_occurrences, enforce, plan


def check_series_version(series: Series, expected: Expected | None) -> None:
    versions.ensure(series.version, expected, noun="series", ident=series.pk)


async def active_occurrences(series: Series, from_date: date | None) -> list[Booking]:
    query = Booking.filter(series_id=series.pk, status__in=checks.ACTIVE, end__gt=limits.now())
    if from_date is not None:
        query = query.filter(occurrence_date__gte=from_date)
    return await query.order_by("start")


async def update_series(
    actor: Actor,
    series_id: int,
    *,
    expected: Expected | None,
    scope: str = "all",
    from_date: date | None = None,
    title: str | None = None,
    description: str | None = None,
    room_id: int | None = None,
    start_time: str | None = None,
    duration_minutes: int | None = None,
    override: bool = False,
    reset_exceptions: bool = False,
    attendees: int | NotGiven | None = NOT_GIVEN,
) -> Outcome:
    """Change the future occurrences (``scope=all``) or those from ``from_date`` on
    (``scope=following``): title, room, time, duration or head count (``attendees``; None
    clears it), in one transaction, each moved occurrence checked like a new booking (and
    its head count against its room's seats). Bookings keep their ids.

    An occurrence changed by hand (an exception) keeps what was changed: a moved occurrence
    stays in its room when the series gets a new time, and is listed in
    ``exceptions_kept``; ``reset_exceptions`` overwrites them with the series' values. A
    ``following`` change leaves the series as it is: each field it sets becomes an
    exception of the occurrences where the value differs from the series' own."""
    require_scope(actor, Scope.write)
    if scope not in ("all", "following"):
        raise InvalidInput.field("body", "scope", "all or following", "enum")
    if scope == "following" and from_date is None:
        raise InvalidInput.field("body", "from_date", "scope=following needs from_date", "missing")
    if scope == "all" and from_date is not None:  # a forgotten scope would change every date
        raise InvalidInput.field(
            "body", "from_date", "goes with scope=following (scope=all changes every date)"
        )

    async def attempt() -> Outcome:
        async with db.transaction():
            series = await get_series(actor, series_id, change=True)
            check_series_version(series, expected)
            if series.status != SeriesStatus.active:
                raise InvalidInput.field(
                    "path", "series_id", "the series is cancelled", "cancelled"
                )
            before = snapshot(series)
            affected = await active_occurrences(series, from_date if scope == "following" else None)
            new_room_id = room_id or series.room_id
            retimed = start_time is not None or duration_minutes is not None
            new_time = recurrence.parse_time(start_time or series.start_time)
            duration = timedelta(minutes=duration_minutes or series.duration_minutes)
            locked = await lock_and_load_rooms(
                [series.room_id, new_room_id, *(b.room_id for b in affected)]
            )
            if new_room_id not in locked:
                raise checks.no_room(new_room_id)
            merges: list[tuple[Booking, occurrences.Merge]] = []
            kept: list[dict[str, Any]] = []
            new_zone = hours.zone(locked[new_room_id].timezone)
            for booking in affected:
                current = _slot(booking)
                start, end = current.start, current.end
                if (retimed or reset_exceptions) and booking.occurrence_date is not None:
                    o = recurrence.occurrence_on(
                        booking.occurrence_date, new_time, duration, new_zone
                    )
                    start, end = o.start, o.end
                # What the change asks of this occurrence; a reset asks for all of the series.
                base = series if reset_exceptions else current
                wanted = occurrences.Slot(
                    new_room_id if room_id is not None or reset_exceptions else current.room_id,
                    start,
                    end,
                    title if title is not None else base.title,
                    description if description is not None else base.description,
                    base.attendees if isinstance(attendees, NotGiven) else attendees,
                )
                m = occurrences.merge(
                    current, wanted, booking.exception_fields, reset=reset_exceptions
                )
                if m.kept:
                    kept.append(occurrences.kept_view(booking.pk, booking.occurrence_date, m.kept))
                merges.append((booking, m))
            if scope == "all" and (room_id is not None or not isinstance(attendees, NotGiven)):
                room = locked[new_room_id]
                head_count = series.attendees if isinstance(attendees, NotGiven) else attendees
                check_seats(actor, room.code, room.capacity, head_count, override=override)
            for booking, m in merges:
                if (m.slot.room_id, m.slot.attendees) != (booking.room_id, booking.attendees):
                    room = locked[m.slot.room_id]
                    check_seats(
                        actor, room.code, room.capacity, m.slot.attendees, override=override
                    )
            pending_in_way = await _check_moves(actor, series, locked, merges, override)
            asked = occurrences.fields_set(
                title=title is not None or description is not None,
                room=room_id is not None,
                time=retimed,
                attendees=not isinstance(attendees, NotGiven),
            )
            series_slot = _series_slots(series, locked[series.room_id].timezone)
            changed: list[int] = []
            rejected: list[int] = []
            requests: list[int] = []  # to decide (again): moved and pending
            closed: dict[Closed, list[int]] = {}  # (was in, waits in, confirmed there): ids
            for booking, m in merges:
                diff = occurrences.fields_changed(_slot(booking), m.slot)
                exception = list(m.exception)
                if scope == "following":
                    own = series_slot(booking.occurrence_date)
                    exception = occurrences.following_marks(exception, own, m.slot, diff, asked)
                if not diff and exception == list(booking.exception_fields):
                    continue
                was_status, was_room = booking.status, booking.room_id
                if diff & {"room_id", "time"}:
                    room = locked[m.slot.room_id]
                    booking.status = checks.moved_status(actor, room, booking.status)
                    waits = booking.status == Status.pending
                    if waits:
                        requests.append(booking.pk)
                    if was_status == Status.pending and (not waits or room.id != was_room):
                        in_place = not waits and room.id == was_room  # approval no longer needed
                        key = (was_room, room.id if waits else None, in_place)
                        closed.setdefault(key, []).append(booking.pk)
                booking.room_id, booking.start, booking.end = (
                    m.slot.room_id,
                    m.slot.start,
                    m.slot.end,
                )
                booking.title, booking.description = m.slot.title, m.slot.description
                booking.attendees = m.slot.attendees
                booking.exception_fields = exception
                booking.version += 1
                await booking.save()
                changed.append(booking.pk)
                day = booking.occurrence_date
                if booking.status == Status.confirmed and day in pending_in_way:
                    await checks.reject_overridden(actor, pending_in_way[day], booking.pk)
                    rejected += pending_in_way[day]
            if scope == "all":
                series.room_id = new_room_id
                series.start_time = start_time or series.start_time
                series.duration_minutes = duration_minutes or series.duration_minutes
                if title is not None:
                    series.title = title
                if description is not None:
                    series.description = description
                if not isinstance(attendees, NotGiven):
                    series.attendees = attendees
            if not changed and snapshot(series) == before:  # nothing to write or tell
                return Outcome(series, exceptions_kept=kept)
            series.version += 1
            await series.save()
            after = snapshot(series) | {"booking_ids": changed, "scope": scope}
            if from_date:
                after["from_date"] = from_date.isoformat()
            if kept:
                after["exceptions_kept"] = kept
            if requests:
                after["requests"] = requests
            if closed:
                after["requests_closed"] = _closed_view(closed)
            if reset_exceptions:
                after["reset_exceptions"] = True
            if override:
                after["override"] = True
            await audit.record(
                actor, "series.update", "series", series.pk, before=before, after=after
            )
            return Outcome(series, changed, rejected=rejected, exceptions_kept=kept)

    return await writes.run(attempt, changed=lambda o: bool(o.booking_ids))  # what search reads


Closed = tuple[int, int | None, bool]


def _closed_view(closed: dict[Closed, list[int]]) -> list[dict[str, Any]]:
    """The requests that stopped waiting in a series change, for its audit event (the
    approvers' mail): by the room they waited in, and the room they wait in now (None: they
    wait no more, cancelled or confirmed); ``in_place`` when they were confirmed in the room
    they waited in (it stopped needing approval)."""
    return [
        {"room_id": was, "to_room_id": to, "booking_ids": ids}
        | ({"in_place": True} if here else {})
        for (was, to, here), ids in sorted(
            closed.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0, kv[0][2])
        )
    ]


def _series_slots(
    series: Series, timezone: str
) -> Callable[[date | None], occurrences.Slot | None]:
    """What the series itself says for a date (None for a booking without one)."""
    at, length, zone = (
        recurrence.parse_time(series.start_time),
        timedelta(minutes=series.duration_minutes),
        hours.zone(timezone),
    )

    def slot(day: date | None) -> occurrences.Slot | None:
        if day is None:
            return None
        o = recurrence.occurrence_on(day, at, length, zone)
        return occurrences.Slot(
            series.room_id, o.start, o.end, series.title, series.description, series.attendees
        )

    return slot


def _slot(booking: Booking) -> occurrences.Slot:
    return occurrences.Slot(
        booking.room_id,
        booking.start,
        booking.end,
        booking.title,
        booking.description,
        booking.attendees,
    )


async def _check_moves(
    actor: Actor,
    series: Series,
    locked: dict[int, RoomForBooking],
    merges: list[tuple[Booking, occurrences.Merge]],
    override: bool,
) -> dict[date, list[int]]:
    """Check every occurrence that changes room or time, room by room, like new bookings
    (all or nothing). The series' own occurrences are not in each other's way. Returns the
    pending requests each moved occurrence's date would override."""
    pending: dict[date, list[int]] = {}
    by_room: dict[int, list[recurrence.Occurrence]] = {}
    moving: list[int] = []  # where they are now is not counted in the owner's weekly quota
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
            moving.append(booking.pk)
    for target_id in sorted(by_room):
        p = Plan(by_room[target_id], [], [], {}, {}, {})
        await check_occurrences(
            actor,
            locked[target_id],
            series.owner_id,
            p,
            override=override,
            exclude_series_id=series.pk,
            replacing=moving,
        )
        enforce(actor, p, "all_or_nothing")
        pending.update(p.pending_in_way)
    return pending


async def cancel_series(
    actor: Actor,
    series_id: int,
    *,
    expected: Expected | None,
    from_date: date | None = None,
    reason: str = "",
) -> Outcome:
    """Cancel the future occurrences (all, or from ``from_date`` on). Without ``from_date``
    the series itself is cancelled too. Cancelled bookings stay in the history."""
    require_scope(actor, Scope.write)

    async def attempt() -> Outcome:
        async with db.transaction():
            series = await get_series(actor, series_id, change=True)
            check_series_version(series, expected)
            await lock_rooms([series.room_id])
            before = snapshot(series)
            cancelled = []
            closed: dict[Closed, list[int]] = {}
            for booking in await active_occurrences(series, from_date):
                if booking.status == Status.pending:
                    closed.setdefault((booking.room_id, None, False), []).append(booking.pk)
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
                after=snapshot(series)
                | {"booking_ids": cancelled}
                | ({"requests_closed": _closed_view(closed)} if closed else {}),
            )
            return Outcome(series, cancelled)

    return await writes.run(attempt)


async def add_date(
    actor: Actor, series_id: int, *, expected: Expected | None, day: date, override: bool = False
) -> Outcome:
    """Book one more occurrence (a skipped, excluded or holiday date, or any other date) at
    the series' time."""
    require_scope(actor, Scope.write)
    bounds.check_date(day, "date")

    async def attempt() -> Outcome:
        async with db.transaction():
            series = await get_series(actor, series_id, change=True)
            check_series_version(series, expected)
            if await Booking.filter(
                series_id=series.pk, occurrence_date=day, status__in=checks.ACTIVE
            ).exists():
                raise InvalidInput.field(
                    "body", "date", f"{day} is already booked in this series", "duplicate"
                )
            room = await checks.locked_room(series.room_id)
            check_seats(actor, room.code, room.capacity, series.attendees, override=override)
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
            enforce(actor, p, "all_or_nothing")
            before = snapshot(series)
            status = checks.new_status(actor, room)
            ids = await insert_occurrences(
                occurrence_rows(series, status, p.occurrences), created_by_id=actor.user_id
            )
            rejected = await reject_overridden(actor, p, ids, status)
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
                after=snapshot(series)
                | {"booking_ids": list(ids.values())}
                | asked(status, list(ids.values()))
                | ({"override": True} if override else {}),
            )
            return Outcome(series, list(ids.values()), adjustments=p.adjustments, rejected=rejected)

    return await writes.run(attempt)
