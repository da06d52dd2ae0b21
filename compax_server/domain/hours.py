"""Time zones and opening hours: wall-clock rules turned into UTC intervals.

Opening hours are per weekday, in the building's zone: ``{"mon": [["08:00", "20:00"]], ...}``
(a missing day is closed; ``"24:00"`` ends at midnight; ``None`` means always open).
Everything is computed from the zone's rules, so 08:00 stays 08:00 local across a DST change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from compax_server.errors import InvalidInput

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")

Interval = tuple[datetime, datetime]


def zone(name: str) -> ZoneInfo:
    """The IANA zone; a 400 naming ``timezone`` when it does not exist."""
    if name not in _zone_names():
        raise InvalidInput.field(
            "body",
            "timezone",
            f"{name!r} is not an IANA time zone (e.g. Europe/Berlin)",
            "unknown_zone",
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput.field(
            "body", "timezone", f"{name!r} is not an IANA time zone", "unknown_zone"
        ) from None


_ZONES: set[str] | None = None


def _zone_names() -> set[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = available_timezones()
    return _ZONES


def utc(value: datetime) -> datetime:
    """The same instant in UTC, without microseconds noise kept as given."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def check_opening_hours(value: Any) -> dict[str, list[list[str]]] | None:
    """Validate and normalise opening hours (sorted, non-overlapping, start < end)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInput.field("body", "opening_hours", "must be an object keyed by weekday")
    out: dict[str, list[list[str]]] = {}
    for day, spans in value.items():
        pointer = f"opening_hours/{day}"
        if day not in WEEKDAYS:
            raise InvalidInput.field(
                "body", pointer, f"weekdays are {', '.join(WEEKDAYS)}", "unknown_weekday"
            )
        if not isinstance(spans, list):
            raise InvalidInput.field("body", pointer, 'must be a list of ["HH:MM", "HH:MM"] pairs')
        clean: list[list[str]] = []
        for span in spans:
            if (
                not isinstance(span, list | tuple)
                or len(span) != 2
                or not all(isinstance(t, str) and HHMM.match(t) for t in span)
            ):
                raise InvalidInput.field(
                    "body", pointer, f'{span!r} is not a ["HH:MM", "HH:MM"] pair'
                )
            if _minutes(span[0]) >= _minutes(span[1]):
                raise InvalidInput.field(
                    "body", pointer, f"{span[0]}-{span[1]} does not end after it starts"
                )
            clean.append([span[0], span[1]])
        clean.sort(key=lambda s: _minutes(s[0]))
        for a, b in pairwise(clean):
            if _minutes(b[0]) < _minutes(a[1]):
                raise InvalidInput.field(
                    "body", pointer, f"{a[0]}-{a[1]} and {b[0]}-{b[1]} overlap"
                )
        out[day] = clean
    return out


def local_instant(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    """``day`` at ``minutes`` after local midnight, as a UTC instant (24:00 is the next
    midnight). An ambiguous wall time (autumn) is its first occurrence; one that does not exist
    (spring forward) is the end of the gap: an opening at 02:30 on that day opens at 03:00."""
    base = datetime.combine(day, time(0)) + timedelta(days=minutes // 1440)
    wall = base.replace(hour=(minutes % 1440) // 60, minute=minutes % 60)
    return wall_to_utc(wall, tz)


def wall_to_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    """A naive local wall time in ``tz`` as a UTC instant (see ``local_instant``)."""
    instant = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if tz.utcoffset(wall) == tz.utcoffset(wall.replace(fold=1)) or is_wall_time_valid(wall, tz):
        return instant
    # In a gap: the first instant whose wall time is not before ``wall``.
    low = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)  # lands before the gap
    high = instant  # lands after the gap
    while high - low > timedelta(minutes=1):
        mid = low + (high - low) / 2
        if mid.astimezone(tz).replace(tzinfo=None) < wall:
            low = mid
        else:
            high = mid
    return high.replace(second=0, microsecond=0) if high.second or high.microsecond else high


def is_wall_time_valid(wall: datetime, tz: ZoneInfo) -> bool:
    """False for a wall time skipped by a DST change."""
    instant = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    return instant.astimezone(tz).replace(tzinfo=None) == wall


def open_intervals(
    hours: dict[str, list[list[str]]] | None, tz: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """The building's open intervals (UTC, merged) that touch ``[start, end)``."""
    if hours is None:
        return [(start, end)]
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    spans: list[Interval] = []
    day = first
    while day <= last:
        opening = hours.get(WEEKDAYS[day.weekday()])
        if opening:
            for s, e in _day_instants(day, tuple((a, b) for a, b in opening), tz):
                if s < end and start < e and s < e:
                    spans.append((s, e))
        day += timedelta(days=1)
    return merge(spans)


@lru_cache(maxsize=8192)
def _day_instants(
    day: date, opening: tuple[tuple[str, str], ...], tz: ZoneInfo
) -> tuple[Interval, ...]:
    """The opening spans of one local day as UTC instants. Remembered: a search checks the
    same days again and again (every occurrence of a weekly search, every building sharing
    its hours), and each conversion walks the zone's DST rules."""
    return tuple(
        (local_instant(day, _minutes(a), tz), local_instant(day, _minutes(b), tz))
        for a, b in opening
    )


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def within_opening_hours(
    hours: dict[str, list[list[str]]] | None, tz: ZoneInfo, start: datetime, end: datetime
) -> bool:
    return any(s <= start and end <= e for s, e in open_intervals(hours, tz, start, end))


def within_wall_hours(
    hours: dict[str, list[list[str]]] | None, day: date, start: time, end: time
) -> bool:
    """Whether ``start``-``end`` on the local ``day`` (not crossing midnight) lies inside one
    opening span: the same answer as ``within_opening_hours`` without converting instants."""
    if hours is None:
        return True
    lo, hi = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    spans: list[tuple[int, int]] = []
    for a, b in sorted(hours.get(WEEKDAYS[day.weekday()], []), key=lambda s: _minutes(s[0])):
        if spans and _minutes(a) <= spans[-1][1]:  # touching spans are one opening
            spans[-1] = (spans[-1][0], max(spans[-1][1], _minutes(b)))
        else:
            spans.append((_minutes(a), _minutes(b)))
    return any(a <= lo and hi <= b for a, b in spans)


def subtract(window: Interval, busy: Iterable[Interval]) -> list[Interval]:
    """``window`` minus the busy intervals (all half-open)."""
    free: list[Interval] = []
    cursor = window[0]
    for s, e in merge(busy):
        if e <= cursor or s >= window[1]:
            continue
        if s > cursor:
            free.append((cursor, s))
        cursor = max(cursor, e)
    if cursor < window[1]:
        free.append((cursor, window[1]))
    return free


def local_day_bounds(day: date, tz: ZoneInfo) -> Interval:
    """Local midnight to the next local midnight, as UTC instants (23 or 25 hours at DST)."""
    return local_instant(day, 0, tz), local_instant(day, 1440, tz)


def iter_days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
