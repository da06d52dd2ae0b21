"""Expanding a recurrence into dated occurrences, in the building's time zone.

The rule is an RRULE subset (RFC 5545): ``daily``, ``weekly`` (with weekdays) or
``monthly`` (by date, or by the n-th weekday of the start date, e.g. the 2nd Tuesday or the
last Friday), an ``interval``, and an end: ``until`` (a date), ``count`` or a term. Dates are
expanded first (``dateutil.rrule``), then excluded dates and, when asked, the term's holidays
are removed and added dates put in. Each date gets the series' wall-clock time in the zone,
so a 09:00 lecture stays at 09:00 across a DST change while its UTC instant moves.

A start time that does not exist on a date (02:30 on the spring-forward day) moves to the end
of the gap (03:00) and is reported in ``adjustments``; an ambiguous one (autumn) is the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule

from compax_server.domain import bounds, hours
from compax_server.errors import InvalidInput, RuleViolation

MAX_OCCURRENCES = 1000
WEEKDAYS = {
    "mon": rrule.MO,
    "tue": rrule.TU,
    "wed": rrule.WE,
    "thu": rrule.TH,
    "fri": rrule.FR,
    "sat": rrule.SA,
    "sun": rrule.SU,
}
FREQS = {"daily": rrule.DAILY, "weekly": rrule.WEEKLY, "monthly": rrule.MONTHLY}


@dataclass(frozen=True)
class Occurrence:
    date: date
    start: datetime  # UTC
    end: datetime  # UTC


@dataclass
class Expansion:
    occurrences: list[Occurrence]
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    skipped_holidays: list[date] = field(default_factory=list)


def parse_time(value: str, pointer: str = "start_time") -> time:
    if not hours.HHMM.match(value) or value == "24:00":
        raise InvalidInput.field("body", pointer, "a local time HH:MM, e.g. 09:15", "invalid_time")
    hh, mm = value.split(":")
    return time(int(hh), int(mm))


def check_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A recurrence rule, normalised (no nulls, ``until`` as text), with exactly one end, a
    known frequency and an ``until`` inside the accepted range of dates."""
    ends = [k for k in ("until", "count", "term_id") if rule.get(k) is not None]
    if len(ends) != 1:
        raise InvalidInput.field(
            "body", "recurrence", "give exactly one of until, count or term_id", "invalid_end"
        )
    if rule["freq"] not in FREQS:
        raise InvalidInput.field("body", "recurrence/freq", "daily, weekly or monthly", "enum")
    clean = {k: v for k, v in rule.items() if v is not None}
    if isinstance(clean.get("until"), str):
        clean["until"] = date.fromisoformat(clean["until"])
    if isinstance(clean.get("until"), date):
        clean["until"] = bounds.check_date(clean["until"], "recurrence.until").isoformat()
    return clean


def holiday_dates(holidays: list[dict[str, Any]]) -> set[date]:
    out: set[date] = set()
    for h in holidays:
        first = date.fromisoformat(h["start"])
        last = date.fromisoformat(h.get("end") or h["start"])
        out.update(hours.iter_days(first, last))
    return out


def dates(
    rule: dict[str, Any], start_date: date, until: date | None, count: int | None
) -> list[date]:
    """The dates of the rule, from ``start_date`` (which need not match the rule)."""
    freq = rule["freq"]
    kwargs: dict[str, Any] = {
        "dtstart": datetime.combine(start_date, time(0)),
        "interval": rule.get("interval", 1),
        "cache": False,
    }
    if freq == "weekly":
        days = rule.get("weekdays") or [list(WEEKDAYS)[start_date.weekday()]]
        kwargs["byweekday"] = [WEEKDAYS[d] for d in days]
    elif freq == "monthly":
        if rule.get("monthly_by", "date") == "nth_weekday":
            # The n-th weekday of the start date (2nd Tuesday...); the 5th means "the last".
            nth = rule.get("nth") or (start_date.day - 1) // 7 + 1
            weekday = list(WEEKDAYS.values())[start_date.weekday()]
            kwargs["byweekday"] = [weekday(-1 if nth == 5 else nth)]
        else:
            kwargs["bymonthday"] = [start_date.day]
    if until is not None:
        kwargs["until"] = datetime.combine(until, time(23, 59))
    if count is not None:
        kwargs["count"] = count
    generated = list(islice(rrule.rrule(FREQS[freq], **kwargs), MAX_OCCURRENCES + 1))
    return [d.date() for d in generated]


def expand(
    rule: dict[str, Any],
    *,
    start_date: date,
    until: date | None,
    count: int | None,
    start_time: time,
    duration: timedelta,
    tz: ZoneInfo,
    excluded: set[date],
    added: set[date],
    holidays: set[date],
) -> Expansion:
    """Dated occurrences (UTC instants), in date order."""
    generated = dates(rule, start_date, until, count)
    chosen: set[date] = set()
    skipped: list[date] = []
    for day in generated:
        if day in excluded:
            continue
        if day in holidays:
            skipped.append(day)
            continue
        chosen.add(day)
    chosen |= added
    if len(chosen) > MAX_OCCURRENCES or len(generated) > MAX_OCCURRENCES:
        raise RuleViolation(
            f"A series may have at most {MAX_OCCURRENCES} occurrences; shorten it or split it.",
            errors=[
                {
                    "rule": "max_occurrences",
                    "limit": MAX_OCCURRENCES,
                    "detail": f"at most {MAX_OCCURRENCES} occurrences",
                }
            ],
        )
    out = Expansion(occurrences=[], skipped_holidays=skipped)
    for day in sorted(chosen):
        occurrence = occurrence_on(day, start_time, duration, tz)
        if not hours.is_wall_time_valid(datetime.combine(day, start_time), tz):
            out.adjustments.append(
                {
                    "date": day.isoformat(),
                    "rule": "dst_gap",
                    "detail": f"{start_time:%H:%M} does not exist on {day} in {tz.key}; the "
                    f"occurrence starts at {occurrence.start.astimezone(tz):%H:%M}",
                }
            )
        out.occurrences.append(occurrence)
    return out


def occurrence_on(day: date, start_time: time, duration: timedelta, tz: ZoneInfo) -> Occurrence:
    """The occurrence of ``day`` at the wall-clock ``start_time`` (UTC instants). It lasts
    ``duration`` of elapsed time: a 2-hour occurrence that spans a change of the clocks
    still lasts two hours (its wall-clock end moves instead). ``RuleViolation`` when it
    lies outside the accepted range."""
    bounds.check_occurrence(day)  # before the arithmetic: years 1 and 9999 overflow
    start = hours.wall_to_utc(datetime.combine(day, start_time), tz)
    bounds.check_occurrence(day, start + duration)
    return Occurrence(day, start, start + duration)
