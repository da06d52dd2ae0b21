"""Terms (semesters): date ranges with holidays. Staff write; everyone signed in reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError

from compax_server.db import transaction
from compax_server.db.bookings import Booking, Status
from compax_server.db.room_locks import lock_rooms
from compax_server.db.series import Series, SeriesStatus
from compax_server.db.terms import Term
from compax_server.domain import bounds, recurrence, versions
from compax_server.domain.versions import Expected
from compax_server.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from compax_server.services import audit, limits, search, writes
from compax_server.services import booking_checks as checks
from compax_server.services.actors import Actor, Scope, require_scope, require_staff
from compax_server.services.paging import page_by_id

# A term lasts at most two years (a leap day included): every expansion through a term
# (series, recurring searches, holiday sets) stays small however a term is entered.
MAX_TERM_DAYS = 731


def snapshot(term: Term) -> dict[str, Any]:
    return {
        "name": term.name,
        "campus": term.campus,
        "start_date": term.start_date.isoformat(),
        "end_date": term.end_date.isoformat(),
        "holidays": term.holidays,
    }


def check_holidays(holidays: list[dict[str, Any]], start: date, end: date) -> list[dict[str, Any]]:
    out = []
    for i, h in enumerate(holidays):
        first = date.fromisoformat(str(h["start"]))
        last = date.fromisoformat(str(h.get("end") or h["start"]))
        if last < first:
            raise InvalidInput.field(
                "body", f"holidays/{i}/end", "is before start", "invalid_interval"
            )
        if first < start or last > end:
            raise InvalidInput.field(
                "body", f"holidays/{i}", "lies outside the term", "outside_term"
            )
        out.append(
            {"start": first.isoformat(), "end": last.isoformat(), "name": h.get("name") or ""}
        )
    return sorted(out, key=lambda h: h["start"])


def _check_range(start: date, end: date) -> None:
    bounds.check_date(start, "start_date")
    bounds.check_date(end, "end_date")
    if end < start:
        raise InvalidInput.field("body", "end_date", "is before start_date", "invalid_interval")
    if (end - start).days + 1 > MAX_TERM_DAYS:
        detail = f"a term lasts at most {MAX_TERM_DAYS} days (two years)"
        raise RuleViolation(
            f"end_date: {detail}; this one has {(end - start).days + 1}",
            errors=[
                {
                    "rule": "max_term_days",
                    "limit": MAX_TERM_DAYS,
                    "field": "end_date",
                    "detail": detail,
                }
            ],
        )


async def get_term(actor: Actor, term_id: int, *, lock: bool = False) -> Term:
    """``lock``: inside a transaction, hold the row until it ends (a change)."""
    require_scope(actor, Scope.read)
    query = Term.filter(id=term_id)
    term = await (query.select_for_update() if lock else query).first()
    if term is None:
        raise NotFound(f"term {term_id} does not exist")
    return term


async def list_terms(
    actor: Actor, *, limit: int, cursor: str | None
) -> tuple[list[Term], str | None]:
    require_scope(actor, Scope.read)
    return await page_by_id(Term.all(), limit, cursor)


async def create_term(
    actor: Actor,
    *,
    name: str,
    start_date: date,
    end_date: date,
    holidays: list[dict[str, Any]],
    campus: str = "",
) -> Term:
    require_staff(actor)
    _check_range(start_date, end_date)
    clean = check_holidays(holidays, start_date, end_date)
    try:
        async with transaction():
            term = await Term.create(
                name=name, campus=campus, start_date=start_date, end_date=end_date, holidays=clean
            )
            await audit.record(actor, "term.create", "term", term.pk, after=snapshot(term))
    except IntegrityError:
        raise AlreadyExists(f"a term {name!r} already exists for this campus") from None
    await search.changed()
    return term


@dataclass
class TermOutcome:
    term: Term
    hit: list[int] = field(default_factory=list)  # occurrences on the new holidays


async def update_term(
    actor: Actor,
    term_id: int,
    *,
    expected: Expected | None = versions.ANY,
    on_bookings: str = "refuse",
    **changes: Any,
) -> TermOutcome:
    """Change a term. New holidays act on the series that skip the term's holidays: their
    occurrences on the new holiday dates are, as ``on_bookings`` says, a 409 that lists them
    (``refuse``, the default: nothing written), cancelled with the holiday's name
    (``cancel``) or kept (``keep``, listed in the audit event). Other changes apply to what
    is booked next. Made against the version ``expected`` (428 without one, 412 when stale;
    in-process callers may leave it out)."""
    require_staff(actor)
    checks.check_hit_policy(on_bookings)

    async def attempt() -> TermOutcome:
        async with transaction():
            term = await get_term(actor, term_id, lock=True)
            versions.ensure(term.version, expected, noun="term", ident=term.pk)
            before = snapshot(term)
            old_days = recurrence.holiday_dates(term.holidays)
            for name in ("name", "campus", "start_date", "end_date"):
                if name in changes:
                    setattr(term, name, changes[name])
            _check_range(term.start_date, term.end_date)
            term.holidays = check_holidays(
                changes.get("holidays", term.holidays), term.start_date, term.end_date
            )
            if snapshot(term) == before:
                return TermOutcome(term, [])  # nothing changed: the same version, not audited
            hit = await _on_new_holidays(actor, term, old_days, on_bookings)
            term.version += 1
            await term.save()
            after = snapshot(term)
            if hit:
                after |= {"on_bookings": on_bookings, "booking_ids": hit}
            await audit.record(actor, "term.update", "term", term.pk, before=before, after=after)
            return TermOutcome(term, hit)

    try:
        return await writes.run(attempt)
    except IntegrityError:
        raise AlreadyExists("a term with that name already exists for this campus") from None


async def _on_new_holidays(
    actor: Actor, term: Term, old_days: set[date], on_bookings: str
) -> list[int]:
    """Act on the occurrences that the term's new holidays cover (see ``update_term``)."""
    new_days = recurrence.holiday_dates(term.holidays) - old_days
    if not new_days:
        return []
    series_ids = [
        s.pk
        for s in await Series.filter(status=SeriesStatus.active, skip_holidays=True)
        if s.rule.get("term_id") == term.pk
    ]
    if not series_ids:
        return []
    hit = await Booking.filter(
        series_id__in=series_ids,
        status__in=[Status.pending, Status.confirmed],
        occurrence_date__in=sorted(new_days),
        end__gt=limits.now(),
    ).order_by("start", "id")
    if not hit:
        return []
    names = {
        day: h.get("name") or "holiday"
        for h in term.holidays
        for day in recurrence.holiday_dates([h])
    }
    if on_bookings == "cancel":
        await lock_rooms([b.room_id for b in hit])
    return await checks.act_on_hit(
        actor,
        hit,
        on_bookings,
        what="the new holidays",
        reason_of=lambda b: f"holiday: {names.get(b.occurrence_date or date.min, 'holiday')}",
        term_id=term.pk,
    )


async def delete_term(actor: Actor, term_id: int) -> None:
    require_staff(actor)
    async with transaction():
        term = await get_term(actor, term_id)
        await term.delete()
        await audit.record(actor, "term.delete", "term", term_id, before=snapshot(term))
    await search.changed()
