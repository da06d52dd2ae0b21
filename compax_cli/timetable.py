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

import codecs
import csv
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

from compax_cli.numbers import is_whole
from compax_cli.output import counted, err_console, quoted
from compax_cli.series_views import weekday
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
"""A day in ``weekdays`` is the start of its name, two letters or more: ``tu``, ``tue``,
``tues``, ``tuesday`` (not ``t``, nor ``tuesdays``)."""
Freq = Literal["daily", "weekly", "monthly"]
FREQS: dict[str, Freq] = {"daily": "daily", "weekly": "weekly", "monthly": "monthly"}


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
            raise BadLine(f"term: there is no term {quoted(ref)} (see `compax terms list`)")
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
        from compax_cli.timetable_ics import read_ics  # it reads with icalendar, when needed

        return read_ics(raw, campus, large)
    try:
        text = utf8_text(raw, path.name)
    except BadLine as exc:
        return [], [str(exc)]
    return read_csv(text, campus, large)


def utf8_text(raw: bytes, name: str) -> str:
    """A file's text, saved as UTF-8 with or without the byte order mark Excel writes
    (``BadLine``: the first byte that is not UTF-8, counted from the file's start)."""
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadLine(
            f"{name} is not UTF-8 text (byte {bom + exc.start}); save it as UTF-8"
        ) from None


def _lines(lines: list[str], advance: Advance) -> Iterator[str]:
    for line in lines:
        advance(len(line))
        yield line


class Record(NamedTuple):
    where: str
    """``line 7``: where the record starts in the file."""
    fields: dict[str, str]
    """Its values by column, stripped (a column past the record's last value is left out)."""
    problem: str = ""
    """What is wrong with the record as a whole (more values than columns)."""


def csv_records(
    text: str,
    columns: Sequence[str],
    required: Sequence[str],
    advance: Advance = lambda _: None,
) -> Iterator[Record]:
    """Each record of a CSV text that has a value: commas, semicolons or tabs (as the first
    line has them), a quoted value over several lines, blank lines skipped but counted.
    ``BadLine``: the text is empty or its first line does not name ``columns``."""
    lines = text.splitlines(keepends=True)
    if not lines:
        raise BadLine("line 1: the file is empty; its first line names the columns")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(lines[0], ",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(_lines(lines, advance), dialect)
    header = [h.strip().lower() for h in next(reader)]
    wrong = header_problems(header, columns, required)
    if wrong:
        raise BadLine(f"line 1: {wrong}")
    end = reader.line_num
    for values in reader:
        where = f"line {end + 1}"
        end = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            got, wanted = counted(len(values), "value"), counted(len(header), "column")
            yield Record(where, {}, f"{got} for {wanted}")
            continue
        yield Record(where, {h: v.strip() for h, v in zip(header, values, strict=False) if h})


T = TypeVar("T")


def read_records(
    text: str,
    columns: Sequence[str],
    required: Sequence[str],
    convert: Callable[[Record], T],
    advance: Advance = lambda _: None,
) -> tuple[list[T], list[str]]:
    """Each record of a CSV text converted (``convert`` raises ``BadLine`` to say what is wrong
    with one), and every problem as ``line 7: what``; a first line that does not name
    ``columns`` is the only problem."""
    out: list[T] = []
    errors: list[str] = []
    try:
        for record in csv_records(text, columns, required, advance):
            try:
                if record.problem:
                    raise BadLine(record.problem)
                out.append(convert(record))
            except BadLine as exc:
                errors.append(f"{record.where}: {exc}")
    except BadLine as exc:  # the file's first line
        return [], [str(exc)]
    return out, errors


def read_csv(text: str, campus: Campus, large: bool = False) -> tuple[list[Row], list[str]]:
    with progress("Reading", len(text), large) as advance:
        return read_records(
            text,
            COLUMNS,
            REQUIRED,
            lambda record: Row(item_from_fields(record.fields, campus), record.where),
            advance,
        )


def header_problems(
    header: Sequence[str], columns: Sequence[str], required: Sequence[str]
) -> str | None:
    """What is wrong with a CSV file's first line (columns unknown, missing or given twice),
    with the columns it may have; ``None`` when nothing is."""
    problems = [
        f"unknown column {quoted(h)}" for h in dict.fromkeys(header) if h and h not in columns
    ]
    problems += [f"the column {quoted(c)} is missing" for c in required if c not in header]
    problems += [f"the column {quoted(c)} is given twice" for c in columns if header.count(c) > 1]
    return f"{'; '.join(problems)} (the columns are: {', '.join(columns)})" if problems else None


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
        raise BadLine(f"kind: {quoted(kind)} is not booking or series")
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
        raise BadLine(f"freq: {quoted(fields['freq'])} is not daily, weekly or monthly")
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
    if not is_whole(text) or int(text) < 1:
        raise BadLine(f"{name}: {quoted(text)} is not a whole number of 1 or more")
    return int(text)


def _weekdays(text: str) -> list[Weekday]:
    out: list[Weekday] = []
    for part in re.split(r"[\s,;]+", text.strip().lower()):
        if not part:
            continue
        day = weekday(part)
        if day is None:
            raise BadLine(f"weekdays: {quoted(part)} is not mon, tue, ... sun")
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
