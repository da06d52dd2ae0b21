"""Reading timetable files into import items: CSV and iCalendar.

CSV: a header line naming the columns, then one item per line (``,``, ``;`` or a tab
between the values). Every item has ``external_id`` (stable across exports), ``kind``
(``booking`` or ``series``), ``room`` (code) and ``title``; ``description``, ``owner``
(an email; default: the importing user) and ``attendees`` (people expected, at each
occurrence of a series) are optional.

- a booking: ``start``, ``end`` -- RFC 3339 (``2027-07-27T09:00:00+02:00``) or a local wall
  time (``2027-07-27 09:00``) in the room's building zone (``--tz`` to say another);
- a series: ``start_date``, ``start_time`` (``HH:MM`` in the building's zone),
  ``duration_minutes`` (``90``, ``90m``, ``1h30m``), ``freq`` (``daily``, ``weekly``,
  ``monthly``; default weekly), ``interval``, ``weekdays`` (``mon wed``), exactly one of
  ``until`` (a date), ``count`` or ``term`` (a term's name or id), ``excluded_dates``
  (``2027-05-17 2027-06-01``).

iCalendar (``.ics``): each VEVENT is an item. UID is the external id, SUMMARY the title,
LOCATION the room code, DESCRIPTION the description, DTSTART/DTEND (or DURATION) in their
TZID (a floating time is the room's); an RRULE (FREQ DAILY/WEEKLY/MONTHLY, INTERVAL, BYDAY,
UNTIL or COUNT) makes it a series, with its EXDATEs left out. A changed occurrence
(RECURRENCE-ID) is left out of its series and imported as a booking of its own
(``UID/date``); cancelled events are left out. ``icalendar`` is imported when needed.

A line that cannot become an item is named (``line 7: start: ...``) with every other one.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

from compax_cli.output import err_console, fail
from compax_cli.series import WEEKDAYS
from compax_cli.session import State
from compax_cli.times import minutes, parse_date, parse_duration, parse_hhmm, parse_time
from compax_sdk import Compax, ImportItem, Recurrence, Weekday

COLUMNS = (
    "external_id",
    "kind",
    "room",
    "title",
    "description",
    "owner",
    "attendees",
    "start",
    "end",
    "start_date",
    "start_time",
    "duration_minutes",
    "freq",
    "interval",
    "weekdays",
    "until",
    "count",
    "term",
    "excluded_dates",
)
REQUIRED = ("external_id", "kind", "room", "title")
BOOKING_ONLY = ("start", "end")
SERIES_ONLY = COLUMNS[COLUMNS.index("start_date") :]
LARGE_FILE = 256 * 1024  # bytes: larger files show a progress bar while they are read
ICAL_DAYS: dict[str, Weekday] = {
    "MO": "mon",
    "TU": "tue",
    "WE": "wed",
    "TH": "thu",
    "FR": "fri",
    "SA": "sat",
    "SU": "sun",
}
Freq = Literal["daily", "weekly", "monthly"]
FREQS: dict[str, Freq] = {"daily": "daily", "weekly": "weekly", "monthly": "monthly"}
NTH: dict[int, Literal[1, 2, 3, 4, -1]] = {1: 1, 2: 2, 3: 3, 4: 4, -1: -1}
ICAL_RULE_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "UNTIL", "COUNT", "WKST"}


class BadLine(Exception):
    """A line (or event) of the file that cannot become an item; the message says why."""


@dataclass
class Row:
    item: ImportItem
    where: str  # "line 7", or "line 12 (lec-7@sis)" for an event


@dataclass
class Campus:
    """What reading a file needs from the server, fetched when first needed: the zone of
    each room (for local times) and the terms (by name or id)."""

    c: Compax
    st: State
    _zones: dict[str, str] | None = None
    _terms: dict[str, int] | None = None

    def zone(self, room: str) -> tzinfo:
        """Where a local time of ``room`` is read: ``--tz``, else the zone of the room's
        building, else the campus's."""
        return self.st.input_zone(self.c, self.known_zone(room))

    def known_zone(self, room: str) -> str | None:
        """The zone of the room's building (``None`` for a room the server does not have)."""
        if self._zones is None:
            self._zones = {r.code: r.timezone for r in self.c.rooms.list(limit=200)}
        return self._zones.get(room) or None

    def term_id(self, ref: str) -> int:
        if self._terms is None:
            self._terms = {}
            for t in self.c.terms.list(limit=200):
                self._terms[t.name.casefold()] = t.id
                self._terms[str(t.id)] = t.id
        found = self._terms.get(ref.strip().casefold())
        if found is None:
            raise BadLine(f"term: there is no term {ref!r} (see `compax terms list`)")
        return found


# -- reading a file -------------------------------------------------------------------------


Advance = Callable[[int], None]


@contextmanager
def progress(label: str, total: int, show: bool) -> Iterator[Advance]:
    """A progress bar on stderr (for large files, on a terminal); else nothing."""
    if not show or not err_console.is_terminal:
        yield lambda n: None
        return
    columns = (TextColumn(label), BarColumn(), TaskProgressColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def read_file(path: Path, campus: Campus) -> tuple[list[Row], list[str]]:
    """The items of the file and the problems of its lines (CSV or iCalendar)."""
    raw = path.read_bytes()
    large = len(raw) >= LARGE_FILE
    if path.suffix.lower() in (".ics", ".ical", ".ifb", ".icalendar"):
        return read_ics(raw, campus, large)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [f"{path.name} is not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV"]
    return read_csv(text, campus, large)


def _lines(lines: list[str], advance: Advance) -> Iterator[str]:
    for line in lines:
        advance(len(line))
        yield line


def read_csv(text: str, campus: Campus, large: bool = False) -> tuple[list[Row], list[str]]:
    lines = text.splitlines(keepends=True)
    if not lines:
        return [], ["the file is empty; the first line names the columns"]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(lines[0], ",;\t")
    except csv.Error:
        dialect = csv.excel
    with progress("Reading", len(text), large) as advance:
        reader = csv.reader(_lines(lines, advance), dialect)
        header = [h.strip().lower() for h in next(reader)]
        unknown = [h for h in header if h and h not in COLUMNS]
        missing = [c for c in REQUIRED if c not in header]
        if unknown or missing:
            problems = [f"unknown column {h!r}" for h in unknown]
            problems += [f"the column {c!r} is missing" for c in missing]
            return [], [f"line 1: {'; '.join(problems)} (the columns are: {', '.join(COLUMNS)})"]
        rows: list[Row] = []
        errors: list[str] = []
        end = reader.line_num
        for values in reader:
            where = f"line {end + 1}"
            end = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                errors.append(f"{where}: {len(values)} values for {len(header)} columns")
                continue
            fields = {h: v.strip() for h, v in zip(header, values, strict=False) if h}
            try:
                rows.append(Row(item_from_fields(fields, campus), where))
            except BadLine as exc:
                errors.append(f"{where}: {exc}")
    return rows, errors


def _need(fields: dict[str, str], name: str) -> str:
    value = fields.get(name, "")
    if not value:
        raise BadLine(f"{name} is empty")
    return value


@contextmanager
def _column(name: str) -> Iterator[None]:
    """The CLI's parsers say what is wrong with a value; here it is a column's."""
    try:
        yield
    except typer.BadParameter as exc:
        raise BadLine(f"{name}: {exc.message}") from None


def item_from_fields(fields: dict[str, str], campus: Campus) -> ImportItem:
    """One CSV line as an item."""
    external_id = _need(fields, "external_id")
    kind = _need(fields, "kind").lower()
    room, title = _need(fields, "room"), _need(fields, "title")
    owner = fields.get("owner") or None
    description = fields.get("description") or None
    attendees = _number(fields["attendees"], "attendees") if fields.get("attendees") else None
    if kind == "booking":
        stray = [c for c in SERIES_ONLY if fields.get(c)]
        if stray:
            raise BadLine(f"{', '.join(stray)}: only for a series, and this is a booking")
        zone = campus.zone(room)
        with _column("start"):
            start = parse_time(_need(fields, "start"), zone, "start")
        with _column("end"):
            end = parse_time(_need(fields, "end"), zone, "end")
        if end <= start:
            raise BadLine("end: must be after start")
        return ImportItem.booking(
            external_id,
            room=room,
            title=title,
            start=start,
            end=end,
            owner=owner,
            description=description,
            attendees=attendees,
        )
    if kind != "series":
        raise BadLine(f"kind: {kind!r} is not booking or series")
    stray = [c for c in BOOKING_ONLY if fields.get(c)]
    if stray:
        raise BadLine(f"{', '.join(stray)}: only for a booking; a series has start_date, ...")
    with _column("start_date"):
        start_date = parse_date(_need(fields, "start_date"), "start_date")
    with _column("start_time"):
        start_time = parse_hhmm(_need(fields, "start_time"), "start_time")
    with _column("duration_minutes"):
        duration = minutes(parse_duration(_need(fields, "duration_minutes"), "duration_minutes"))
    if duration < 1:
        raise BadLine("duration_minutes: must be at least 1")
    return ImportItem.series(
        external_id,
        room=room,
        title=title,
        start_date=start_date,
        start_time=start_time,
        duration_minutes=duration,
        recurrence=_recurrence(fields, campus),
        excluded_dates=_dates(fields.get("excluded_dates", "")),
        owner=owner,
        description=description,
        attendees=attendees,
    )


def _recurrence(fields: dict[str, str], campus: Campus) -> Recurrence:
    freq = FREQS.get((fields.get("freq") or "weekly").lower())
    if freq is None:
        raise BadLine(f"freq: {fields['freq']!r} is not daily, weekly or monthly")
    rule: Recurrence = {"freq": freq}
    if fields.get("interval"):
        rule["interval"] = _number(fields["interval"], "interval")
    days = _weekdays(fields.get("weekdays", ""))
    if days:
        rule["weekdays"] = days
    ends = [name for name in ("until", "count", "term") if fields.get(name)]
    if len(ends) != 1:
        given = f" (not {' and '.join(ends)})" if ends else ""
        raise BadLine(f"give one of until, count or term{given}")
    if fields.get("until"):
        with _column("until"):
            rule["until"] = parse_date(fields["until"], "until")
    elif fields.get("count"):
        rule["count"] = _number(fields["count"], "count")
    else:
        rule["term_id"] = campus.term_id(fields["term"])
    return rule


def _number(text: str, name: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise BadLine(f"{name}: {text!r} is not a whole number of 1 or more")
    return int(text)


def _weekdays(text: str) -> list[Weekday]:
    out: list[Weekday] = []
    for part in re.split(r"[\s,;]+", text.strip().lower()):
        if not part:
            continue
        day = ICAL_DAYS.get(part.upper()) or next((d for d in WEEKDAYS if d == part[:3]), None)
        if day is None:
            raise BadLine(f"weekdays: {part!r} is not mon, tue, ... sun")
        out.append(day)
    return out


def _dates(text: str) -> list[date]:
    out = []
    for part in re.split(r"[\s,;]+", text.strip()):
        if part:
            with _column("excluded_dates"):
                out.append(parse_date(part, "excluded_dates"))
    return out


# -- iCalendar ------------------------------------------------------------------------------


def _icalendar() -> Any:
    try:
        import icalendar
    except ImportError:
        fail(
            "reading .ics files needs the icalendar package: pip install icalendar "
            "(or export the timetable as CSV)"
        )
    return icalendar


@dataclass
class Event:
    component: Any
    where: str
    uid: str
    exdates: list[date] = field(default_factory=list)


def read_ics(raw: bytes, campus: Campus, large: bool = False) -> tuple[list[Row], list[str]]:
    icalendar = _icalendar()
    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except ValueError as exc:
        return [], [f"not an iCalendar file: {exc}"]
    starts = [  # the line of each BEGIN:VEVENT, to name an event
        n
        for n, line in enumerate(raw.decode("utf-8", "replace").splitlines(), 1)
        if line.strip().upper() == "BEGIN:VEVENT"
    ]
    components = calendar.walk("VEVENT")
    events: list[Event] = []
    for n, component in enumerate(components):
        uid = str(component.get("UID") or "").strip()
        line = f"line {starts[n]}" if n < len(starts) else f"event {n + 1}"
        events.append(Event(component, f"{line} ({uid or 'no UID'})", uid))
    masters = {e.uid: e for e in events if e.component.get("RECURRENCE-ID") is None}
    rows: list[Row] = []
    errors: list[str] = []
    with progress("Reading", len(events), large) as advance:
        # Changed occurrences first: each leaves its date out of its series.
        for event in sorted(events, key=lambda e: e.component.get("RECURRENCE-ID") is None):
            advance(1)
            try:
                item = item_from_event(event, masters, campus)
            except BadLine as exc:
                errors.append(f"{event.where}: {exc}")
                continue
            if item is not None:
                rows.append(Row(item, event.where))
    rows.sort(key=lambda r: _line_number(r.where))
    return rows, errors


def _line_number(where: str) -> int:
    found = re.search(r"\d+", where)
    return int(found.group()) if found else 0


def _text(component: Any, name: str) -> str:
    return str(component.get(name) or "").strip()


def _local(moment: datetime | date, zone: tzinfo) -> datetime | date:
    """An event time on the room's wall clock (a floating time is that already)."""
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        return moment.astimezone(zone)
    return moment


def _day(moment: Any, zone: tzinfo) -> date:
    local = _local(moment, zone)
    return local.date() if isinstance(local, datetime) else local


def item_from_event(event: Event, masters: dict[str, Event], campus: Campus) -> ImportItem | None:
    """One VEVENT as an item (``None`` for a cancelled one)."""
    ev = event.component
    if not event.uid:
        raise BadLine("the event has no UID (the id that stays the same across exports)")
    recurrence_id = ev.get("RECURRENCE-ID")
    master = masters.get(event.uid) if recurrence_id is not None else None
    room = _text(ev, "LOCATION") or (_text(master.component, "LOCATION") if master else "")
    if not room:
        raise BadLine("LOCATION (the room code) is empty")
    zone = campus.zone(room)  # for floating times
    known = campus.known_zone(room)
    wall = ZoneInfo(known) if known else zone  # the server's wall clock for a series
    if recurrence_id is not None:
        day = _day(recurrence_id.dt, wall)
        if master is not None:
            master.exdates.append(day)
        if _text(ev, "STATUS").upper() == "CANCELLED":
            return None
        external_id = f"{event.uid}/{day.isoformat()}"
    else:
        if _text(ev, "STATUS").upper() == "CANCELLED":
            return None
        external_id = event.uid
    title = _text(ev, "SUMMARY") or (_text(master.component, "SUMMARY") if master else "")
    if not title:
        raise BadLine("SUMMARY (the title) is empty")
    description = _text(ev, "DESCRIPTION") or None
    start, end = _span(ev, zone)
    rule = ev.get("RRULE")
    if rule is None or recurrence_id is not None:
        return ImportItem.booking(
            external_id, room=room, title=title, start=start, end=end, description=description
        )
    if ev.get("RDATE") is not None:
        raise BadLine("RDATE (extra dates) is not supported; make them events of their own")
    local = start.astimezone(wall)
    duration = int((end - start).total_seconds() // 60)
    if duration < 1:
        raise BadLine("DTEND must be at least a minute after DTSTART")
    return ImportItem.series(
        external_id,
        room=room,
        title=title,
        start_date=local.date(),
        start_time=local.strftime("%H:%M"),
        duration_minutes=duration,
        recurrence=_ical_rule(rule, wall, local.date()),
        excluded_dates=[*_exdates(ev, wall), *event.exdates],
        description=description,
    )


def _span(ev: Any, zone: tzinfo) -> tuple[datetime, datetime]:
    if ev.get("DTSTART") is None:
        raise BadLine("DTSTART is missing")
    start = ev.get("DTSTART").dt
    if not isinstance(start, datetime):
        raise BadLine("an all-day event (DTSTART is a date) cannot be booked; give times")
    if ev.get("DTEND") is not None:
        end = ev.get("DTEND").dt
    elif ev.get("DURATION") is not None:
        end = start + ev.get("DURATION").dt
    else:
        raise BadLine("DTEND (or DURATION) is missing")
    if not isinstance(end, datetime):
        raise BadLine("DTEND is a date; give a time")
    start = start if start.tzinfo else start.replace(tzinfo=zone)  # floating: the room's
    end = end if end.tzinfo else end.replace(tzinfo=zone)
    if end <= start:
        raise BadLine("DTEND must be after DTSTART")
    return start, end


def _ical_rule(rule: Any, zone: tzinfo, first: date) -> Recurrence:
    """An RRULE as the API's recurrence; ``first`` is the series' first day (a monthly rule
    repeats its date, or its n-th weekday)."""
    parts = {str(k).upper(): list(v) for k, v in rule.items()}
    unsupported = sorted(set(parts) - ICAL_RULE_PARTS)
    if unsupported:
        raise BadLine(f"RRULE: {', '.join(unsupported)} is not supported")
    freq = FREQS.get(str(parts["FREQ"][0]).lower()) if parts.get("FREQ") else None
    if freq is None:
        raise BadLine("RRULE: FREQ must be DAILY, WEEKLY or MONTHLY")
    out: Recurrence = {"freq": freq}
    if parts.get("INTERVAL"):
        out["interval"] = int(parts["INTERVAL"][0])
    days = [str(d).upper() for d in parts.get("BYDAY", [])]
    if days and freq == "weekly":
        try:
            out["weekdays"] = [ICAL_DAYS[d] for d in days]
        except KeyError:
            raise BadLine(f"RRULE: BYDAY={','.join(days)} is not a list of weekdays") from None
    elif days and freq == "monthly":
        match = re.fullmatch(r"([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)", days[0])
        nth = NTH.get(int(match.group(1))) if match else None
        if len(days) != 1 or nth is None or match is None:
            raise BadLine("RRULE: a monthly BYDAY must be one n-th weekday, e.g. 2TU or -1FR")
        if ICAL_DAYS[match.group(2)] != WEEKDAYS[first.weekday()]:
            raise BadLine(f"RRULE: BYDAY={days[0]} is not the weekday of DTSTART")
        out["monthly_by"] = "nth_weekday"
        out["nth"] = nth
    elif days:
        raise BadLine("RRULE: BYDAY works with FREQ=WEEKLY or MONTHLY")
    elif freq == "monthly":
        out["monthly_by"] = "date"
    if [int(d) for d in parts.get("BYMONTHDAY", [first.day])] != [first.day]:
        raise BadLine("RRULE: BYMONTHDAY must be the day of DTSTART")
    if parts.get("UNTIL") and parts.get("COUNT"):
        raise BadLine("RRULE: give UNTIL or COUNT, not both")
    if parts.get("UNTIL"):
        out["until"] = _day(parts["UNTIL"][0], zone)
    elif parts.get("COUNT"):
        out["count"] = int(parts["COUNT"][0])
    else:
        raise BadLine("RRULE: without UNTIL or COUNT it repeats forever; give one")
    return out


def _exdates(ev: Any, zone: tzinfo) -> list[date]:
    found = ev.get("EXDATE")
    if found is None:
        return []
    lists = found if isinstance(found, list) else [found]
    return [_day(d.dt, zone) for group in lists for d in group.dts]
