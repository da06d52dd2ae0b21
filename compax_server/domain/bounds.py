"""Bounded time: every instant Compax accepts, and every booking length.

One range of instants (``EARLIEST`` to ``LATEST``) and one hard cap on a single booking's
length hold for every write path (bookings, moves, series, imports, closures) and every
query window (search, availability). They are checked before any expansion, walk of opening
hours or query, so that no accepted value can make a computation overflow, wrap, become NULL
(SQLite's ``datetime()`` outside years 0-9999) or take seconds of CPU.

The configured maximum length of a booking (``COMPAX_MAX_BOOKING_HOURS``, default 14 days)
binds everyone; staff may go past it with ``override`` up to ``HARD_MAX_LENGTH`` (366 days),
which nobody can. The overlap lookups rely on it: a booking starts at most
``HARD_MAX_LENGTH`` before any instant it covers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from compax_server.errors import InvalidInput, RuleViolation

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
EARLIEST_DATE = EARLIEST.date()
LATEST_DATE = LATEST.date() - timedelta(days=1)
HARD_MAX_LENGTH = timedelta(days=366)
# a check-in window opens at most this long before a booking's start and closes at most this
# long after it (rules, settings); a room's display looks this far ahead and behind
CHECKIN_MAX_MINUTES = 1440
RANGE_TEXT = f"{EARLIEST.date().isoformat()} to {LATEST.date().isoformat()} (UTC)"


def _range_problem(name: str, value: object) -> dict[str, object]:
    shown = value.isoformat() if isinstance(value, datetime) else value  # RFC 3339, with a T
    return {
        "rule": "time_range",
        "limit": {"from": EARLIEST.isoformat(), "to": LATEST.isoformat()},
        "field": name,
        "pointer": "/" + name.replace(".", "/"),
        "detail": f"{name} {shown} is outside the accepted range, {RANGE_TEXT}",
    }


def check_instant(value: datetime, name: str = "start") -> datetime:
    """``value`` in UTC when it lies in the accepted range; else a 422 naming the range.
    ``value`` must be aware (the API refuses naive times before it gets here)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    # Compare before converting: astimezone() itself overflows near year 1 and 9999.
    if value < EARLIEST or value > LATEST:
        raise RuleViolation(
            f"{name} must lie in the accepted range, {RANGE_TEXT}",
            errors=[_range_problem(name, value)],
        )
    return value.astimezone(UTC)


def check_date(value: date, name: str = "date") -> date:
    """A calendar date (a series start, an until, a holiday) inside the accepted range."""
    if value < EARLIEST_DATE or value > LATEST_DATE:
        raise RuleViolation(
            f"{name} must lie in the accepted range, {RANGE_TEXT}",
            errors=[_range_problem(name, value)],
        )
    return value


def check_occurrence(day: date, end: datetime | None = None) -> None:
    """An occurrence of a series inside the accepted range, by its date and (once known) its
    end: a count or an interval can carry the dates past the range, a new time or length
    the last one's end."""
    if day < EARLIEST_DATE or day > LATEST_DATE or (end is not None and end > LATEST):
        raise RuleViolation(
            f"the series would have an occurrence on {day}, outside the accepted range, "
            f"{RANGE_TEXT}",
            errors=[_range_problem("recurrence", day)],
        )


def check_window(
    start: datetime,
    end: datetime,
    *,
    max_length: timedelta | None = None,
    override: bool = False,
    overridable: bool = True,
    names: tuple[str, str] = ("start", "end"),
    location: str = "body",
) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC: both ends in range, end after start, and (when
    ``max_length`` is given, for a booking) no longer than it, or than ``HARD_MAX_LENGTH``
    with ``override`` (where nobody may override, ``overridable=False``, the refusal does
    not offer it). Cheap: call it before anything that walks the window.

    Every error it raises points at the field at fault (``pointer``: ``/start`` or ``/end``,
    or the ``names`` given): an instant out of range at that instant; a window that ends at
    or before its start, or lasts too long, at its end."""
    start, end = check_instant(start, names[0]), check_instant(end, names[1])
    if end <= start:
        raise InvalidInput.field(
            location, names[1], f"must be after {names[0]}", "invalid_interval"
        )
    if max_length is None:
        return start, end
    limit = HARD_MAX_LENGTH if override else min(max_length, HARD_MAX_LENGTH)
    if end - start > limit:
        rule = "max_booking_length_hard" if override else "max_booking_length"
        hours_ = int(limit.total_seconds() // 3600)
        detail = f"a booking may last at most {hours_} hours ({limit.days} days)"
        if overridable and not override and limit < HARD_MAX_LENGTH:
            detail += f"; staff may override up to {HARD_MAX_LENGTH.days} days"
        problem = {"rule": rule, "limit": hours_, "pointer": "/" + names[1], "detail": detail}
        raise RuleViolation(detail, errors=[problem])
    return start, end


def instant(value: datetime) -> datetime:
    """``value`` as the same instant in UTC, the only form a time may take in a database
    filter (audit, bookings, closures).

    SQLite keeps times as text and compares them as text: ``20:14+01:00`` sorts after
    ``19:30+00:00`` though it is the earlier instant. Stored times are UTC, so a bound in UTC
    compares right on both engines. An aware time beyond Python's range once in UTC
    (``0001-01-01T00:30+01:00``) is clamped to the range's end: no event's
    time (stored times lie in 1970-2200) lies beyond it, so the comparison stays exact.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: give a time with an offset")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # the offset pushed it past year 1 or year 9999
        edge = datetime.min if value.year == datetime.min.year else datetime.max
        return edge.replace(tzinfo=UTC)
