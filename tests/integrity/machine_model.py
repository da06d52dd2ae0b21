"""The independent model behind ``test_calendar_machine``: the campus the machine plays in,
the times it draws, and pure checks of a calendar snapshot (no server code, no I/O).

Everything here is written from the design (DESIGN.md, Invariants; issue 11), not from the
services: opening hours are mon-fri 08:00-20:00 Europe/Berlin, a window is inside them when
it starts and ends on one open local day between those hours; two windows meet when
``a.start < b.end and b.start < a.end``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.dates import Y2031

TZ = ZoneInfo("Europe/Berlin")
MONDAY = date(Y2031, 3, 3)  # week 0; the clocks go forward on Sunday 2031-03-30
OPEN_DAYS = ("mon", "tue", "wed", "thu", "fri")
OPENING_HOURS = {d: [["08:00", "20:00"]] for d in OPEN_DAYS}
OPENS, CLOSES = time(8), time(20)
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MAX_HOURS = 14 * 24  # the configured default for a single booking
HARD_CAP = timedelta(days=366)
ACTIVE = ("pending", "confirmed")
# Windows the invariants search and read availability around (the weeks the machine books).
FOCUS_FROM, FOCUS_TO = datetime(Y2031, 1, 1, tzinfo=UTC), datetime(Y2031 + 1, 1, 1, tzinfo=UTC)
# Weekdays the machine books on: three open days and a closed Saturday, so that single
# bookings, series and imports keep meeting each other.
WEEKDAYS = (0, 1, 2, 5)

# Hostile windows (start, end) as sent: year edges with offsets, very long ones, the DST gap
# and the repeated hour in Europe/Berlin, a naive time and an empty window. Each answer must
# be a 2xx or a 4xx problem, never a 5xx.
HOSTILE_WINDOWS: tuple[tuple[str, str], ...] = (
    ("0001-01-01T00:00:00+01:00", "0001-01-01T01:00:00+01:00"),
    ("0001-01-01T00:30:00-14:00", "0001-01-02T00:30:00-14:00"),
    ("9999-12-31T22:00:00-01:00", "9999-12-31T23:00:00-01:00"),
    ("9999-12-31T23:00:00+14:00", "9999-12-31T23:59:59+14:00"),
    ("1969-12-31T23:00:00Z", "1970-01-01T01:00:00Z"),
    ("1970-01-01T00:30:00+01:00", "1970-01-01T02:00:00+01:00"),
    ("1970-01-01T00:00:00Z", "1970-01-01T01:00:00Z"),
    ("2199-12-31T22:00:00Z", "2199-12-31T23:59:00Z"),
    ("2199-12-31T23:30:00-01:00", "2200-01-01T01:00:00-01:00"),
    ("2200-01-01T00:00:00Z", "2200-01-01T01:00:00Z"),
    (f"{Y2031}-03-03T09:00:00+01:00", f"{Y2031}-03-24T09:00:00+01:00"),  # three weeks
    (f"{Y2031}-03-02T00:00:00Z", f"{Y2031 + 1}-03-02T00:00:00Z"),  # a year (366 days, 2032 is leap)
    (f"{Y2031}-03-02T00:00:00Z", f"{Y2031 + 1}-03-04T00:00:00Z"),  # past the hard cap
    (f"{Y2031}-03-02T00:00:00Z", "2131-03-02T00:00:00Z"),  # a century
    (f"{Y2031 - 1}-01-01T00:00:00Z", "9999-01-01T00:00:00Z"),  # millennia
    (f"{Y2031}-03-30T02:30:00+01:00", f"{Y2031}-03-30T03:30:00+02:00"),  # into the gap
    (f"{Y2031}-03-30T01:30:00+01:00", f"{Y2031}-03-30T03:30:00+02:00"),  # across the gap
    (f"{Y2031}-10-26T02:30:00+02:00", f"{Y2031}-10-26T02:30:00+01:00"),  # the repeated hour
    (f"{Y2031}-10-26T02:00:00+01:00", f"{Y2031}-10-26T02:59:00+01:00"),
    (f"{Y2031}-03-31T09:00:00+02:00", f"{Y2031}-03-31T10:00:00+02:00"),  # a Monday after the change
    (f"{Y2031}-03-04T09:00:00", f"{Y2031}-03-04T10:00:00"),  # naive: a 400
    (f"{Y2031}-03-04T10:00:00+01:00", f"{Y2031}-03-04T10:00:00+01:00"),  # empty
    (f"{Y2031}-03-04T11:00:00+01:00", f"{Y2031}-03-04T10:00:00+01:00"),  # reversed
)


def local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=TZ)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def day_of(week: int, weekday: int) -> date:
    return MONDAY + timedelta(days=7 * week + weekday)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def meets(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def inside_hours(start: datetime, end: datetime) -> bool:
    """Mon-fri 08:00-20:00 local: the window lies within one open day's hours."""
    s, e = start.astimezone(TZ), end.astimezone(TZ)
    if s.date() != e.date() or s.weekday() > 4:
        return False
    return s.time().replace(tzinfo=None) >= OPENS and e.time().replace(tzinfo=None) <= CLOSES


@dataclass(frozen=True)
class Row:
    """One booking as the database holds it."""

    id: int
    room_id: int
    owner_id: int
    title: str
    start: datetime
    end: datetime
    status: str
    series_id: int | None
    occurrence_date: date | None
    exception_fields: tuple[str, ...]
    version: int
    source: str | None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def placement(self) -> tuple[int, datetime, datetime]:
        return (self.room_id, self.start, self.end)

    @property
    def content(self) -> tuple[Any, ...]:
        return (self.room_id, self.start, self.end, self.status, self.title, self.owner_id)


@dataclass(frozen=True)
class ClosureRow:
    id: int
    room_id: int | None
    start: datetime
    end: datetime

    def covers_room(self, room_id: int) -> bool:
        return self.room_id is None or self.room_id == room_id


@dataclass
class Snapshot:
    bookings: dict[int, Row] = field(default_factory=dict)
    closures: list[ClosureRow] = field(default_factory=list)
    series: dict[int, dict[str, Any]] = field(default_factory=dict)

    def active_in(self, room_id: int, start: datetime, end: datetime) -> list[Row]:
        return [
            b
            for b in self.bookings.values()
            if b.room_id == room_id and b.active and meets(b.start, b.end, start, end)
        ]

    def closed(self, room_id: int, start: datetime, end: datetime) -> list[ClosureRow]:
        return [
            c for c in self.closures if c.covers_room(room_id) and meets(c.start, c.end, start, end)
        ]


# -- invariants over one snapshot ---------------------------------------------------------------


def overlaps_by_room(
    rows: Iterable[Row], first: tuple[str, ...], second: tuple[str, ...]
) -> list[tuple[int, int]]:
    """Pairs (a, b) of one room with a.status in ``first`` and b.status in ``second`` that
    meet (a != b)."""
    by_room: dict[int, list[Row]] = {}
    for b in rows:
        if b.status in first or b.status in second:
            by_room.setdefault(b.room_id, []).append(b)
    found = []
    for room_rows in by_room.values():
        for a in room_rows:
            if a.status not in first:
                continue
            for b in room_rows:
                if b.id != a.id and b.status in second and meets(a.start, a.end, b.start, b.end):
                    if first == second and b.id < a.id:
                        continue
                    found.append((a.id, b.id))
    return found


def rule_breaks(snap: Snapshot, allowed: set[int]) -> list[tuple[int, str]]:
    """Confirmed bookings outside opening hours or in a closure that are not ``allowed``
    (written with an audited override, or kept by a closure)."""
    found = []
    for b in snap.bookings.values():
        if b.status != "confirmed" or b.id in allowed:
            continue
        if not inside_hours(b.start, b.end):
            found.append((b.id, "outside opening hours"))
        for c in snap.closed(b.room_id, b.start, b.end):
            found.append((b.id, f"in closure {c.id}"))
    return found


def bound_breaks(snap: Snapshot, overridden: set[int]) -> list[tuple[int, str]]:
    """Stored windows outside 1970-2200, longer than the hard cap, or (without an override)
    longer than the configured maximum."""
    found = []
    for b in snap.bookings.values():
        if b.start < EARLIEST or b.end > LATEST or b.end <= b.start:
            found.append((b.id, f"window {b.start} - {b.end}"))
        elif b.end - b.start > HARD_CAP:
            found.append((b.id, f"longer than the hard cap: {b.end - b.start}"))
        elif b.id not in overridden and b.end - b.start > timedelta(hours=MAX_HOURS):
            found.append((b.id, f"longer than the maximum: {b.end - b.start}"))
    return found


def duplicate_occurrences(snap: Snapshot) -> list[tuple[int, date]]:
    """A series with two active bookings for one occurrence date."""
    seen: dict[tuple[int, date], int] = {}
    found = []
    for b in snap.bookings.values():
        if b.active and b.series_id is not None and b.occurrence_date is not None:
            key = (b.series_id, b.occurrence_date)
            if key in seen:
                found.append(key)
            seen[key] = b.id
    return found


def adrift(snap: Snapshot, booking_id: int) -> bool:
    """Whether an occurrence handed back to its series (``reset_exceptions``) is still off
    the series' time: it stays where it was until the series next moves it."""
    b = snap.bookings[booking_id]
    s = snap.series.get(b.series_id or 0)
    return s is not None and b.active and not on_series_time(b, s)


def wall_clock_breaks(snap: Snapshot, adrift: Collection[int] = ()) -> list[tuple[int, str]]:
    """Occurrences that follow their series (time not an exception) start at the series'
    local wall-clock time and last its duration, across the change of the clocks (times
    between 00:00 and 04:00 are left out: the gap and the repeated hour move them).
    ``adrift``: occurrences handed back while off the series' time, not yet moved back."""
    found = []
    per_date: dict[tuple[int | None, date | None], int] = {}
    for b in snap.bookings.values():
        per_date[(b.series_id, b.occurrence_date)] = (
            per_date.get((b.series_id, b.occurrence_date), 0) + 1
        )
    for b in snap.bookings.values():
        s = snap.series.get(b.series_id or 0)
        if s is None or not b.active or "time" in b.exception_fields or b.id in adrift:
            continue
        if s["status"] != "active":
            continue
        if s["source"] and "room_id" in b.exception_fields:
            # An import update leaves a moved occurrence alone entirely (its time too), where
            # PATCH /series moves it to the new time and keeps only its room: the two paths
            # differ (services/imports.py documents its choice). A renamed one follows.
            continue
        if int(s["start_time"].split(":")[0]) < 4:
            continue
        if not on_series_time(b, s):
            start = b.start.astimezone(TZ)
            found.append((b.id, f"{start.isoformat()} for {b.end - b.start}: {b}, series {s}"))
    return found


def on_series_time(b: Row, series: dict[str, Any]) -> bool:
    """Whether ``b`` starts at its series' local wall-clock time and lasts its duration."""
    hh, mm = (int(x) for x in series["start_time"].split(":"))
    start = b.start.astimezone(TZ)
    duration = timedelta(minutes=series["duration_minutes"])
    return (start.hour, start.minute) == (hh, mm) and b.end - b.start == duration


def expected_free(
    snap: Snapshot, room_ids: Iterable[int], start: datetime, end: datetime
) -> set[int]:
    """The rooms a free-room search for [start, end) must list."""
    if not inside_hours(start, end):
        return set()
    return {
        r for r in room_ids if not snap.active_in(r, start, end) and not snap.closed(r, start, end)
    }
