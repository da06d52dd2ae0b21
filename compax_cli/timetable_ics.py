"""Reading an iCalendar timetable (``.ics``) into import items: each VEVENT is an item (see
``compax_cli.timetable`` for the rules); ``icalendar`` is imported when needed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo

from compax_cli.output import fail, quoted
from compax_cli.series_views import WEEKDAYS
from compax_cli.times import OUTSIDE_CALENDAR
from compax_cli.timetable import FREQS, ICAL_DAYS, BadLine, Campus, Row, progress
from compax_sdk import ImportItem, Recurrence

NTH: dict[int, Literal[1, 2, 3, 4, -1]] = {1: 1, 2: 2, 3: 3, 4: 4, -1: -1}
ICAL_RULE_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "UNTIL", "COUNT", "WKST"}


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
            except OverflowError:  # a time at the ends of the calendar, moved into a zone
                errors.append(f"{event.where}: a time {OUTSIDE_CALENDAR}")
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
    _readable(ev)
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
        recurrence=_ical_rule(rule, wall, local),
        excluded_dates=[*_exdates(ev, wall), *event.exdates],
        description=description,
    )


TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "RRULE", "EXDATE", "RDATE")


def _readable(ev: Any) -> None:
    """Refuse an event whose times or rule cannot be read (``DTSTART:garbage``): icalendar
    keeps such a value and raises only when it is used."""
    for name in TIME_PROPERTIES:
        for value in _values(ev, name):
            error = getattr(value, "parse_error", None)
            if error is not None:
                raise BadLine(f"{name}: {quoted(str(value))} cannot be read ({error})")


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
    for moment in (start, end):  # sent in UTC when its offset is of seconds (year 1 in Berlin)
        moment.astimezone(UTC)  # OverflowError: outside the calendar
    return start, end


def _ical_rule(rule: Any, zone: tzinfo, start: datetime) -> Recurrence:
    """An RRULE as the API's recurrence; ``start`` is the first occurrence on the room's wall
    clock (a monthly rule repeats its date, or its n-th weekday)."""
    first = start.date()
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
        out["until"] = _last_day(parts["UNTIL"][0], zone, start)
    elif parts.get("COUNT"):
        out["count"] = int(parts["COUNT"][0])
    else:
        raise BadLine("RRULE: without UNTIL or COUNT it repeats forever; give one")
    return out


def _last_day(until: datetime | date, zone: tzinfo, start: datetime) -> date:
    """The last day an occurrence may start by UNTIL: its day on the room's clock, or the day
    before when UNTIL falls earlier that day than the occurrences start (RFC 5545: one that
    would start after UNTIL is not one)."""
    local = _local(until, zone)
    if not isinstance(local, datetime):
        return local
    before = local.time() < start.time()
    return local.date() - timedelta(days=1) if before else local.date()


def _values(ev: Any, name: str) -> list[Any]:
    """A property's values as a list: icalendar gives one value, or a list when the
    property is repeated (two EXDATE lines), or None when it is absent."""
    found = ev.get(name)
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


def _exdates(ev: Any, zone: tzinfo) -> list[date]:
    return [_day(d.dt, zone) for group in _values(ev, "EXDATE") for d in group.dts]
