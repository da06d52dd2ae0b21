"""``compax schedule BUILDING``: what is on in a building, as a rooms x hours grid.

The grid is drawn in the building's zone, one character per time slot; the slot is as short
as the terminal's width allows (15 minutes on a wide terminal, an hour or more on a narrow
one, or for a week). The hour the clocks skip in spring is drawn empty (a booking over the
change is not drawn an hour longer); the hour they show twice in autumn is drawn once, and
what happens in its second pass shows in its last slot.
``--json`` prints the server's answer; ``--csv`` one line per booking, closure and opening.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.text import Text

from compax_cli import csvout, lookup
from compax_cli.options import Json
from compax_cli.output import console, print_json, table
from compax_cli.session import client, state
from compax_cli.times import parse_date, show_span
from compax_sdk import Schedule, ScheduleBuilding, ScheduleRoom

SLOTS = (10, 15, 30, 60, 120, 180, 240, 360)  # minutes per character, finest first
LABEL = 10  # the room column
GLYPHS = {
    "closure": ("x", "bold red"),
    "confirmed": ("█", "blue"),
    "pending": ("▒", "yellow"),
    "busy": ("█", "bright_black"),
    "open": ("·", "dim"),
    "closed": (" ", ""),
}
RANK = ["closed", "open", "pending", "busy", "confirmed", "closure"]
LEGEND = "█ booked (grey: others')  ▒ pending  x closure  · open and free  blank: closed"


@dataclass(frozen=True)
class Layout:
    days: list[date]
    first_hour: int
    last_hour: int  # exclusive
    slot: int  # minutes per character
    label: int = LABEL  # the room column: wider when the terminal has room to spare

    @property
    def per_day(self) -> int:
        return (self.last_hour - self.first_hour) * 60 // self.slot


def _hours_used(grid: Schedule, building: ScheduleBuilding, tz: tzinfo) -> tuple[int, int]:
    """The local hours with opening or bookings, whole hours (8-18 when there is nothing)."""
    spans = [(i.start, i.end) for i in building.open]
    spans += [(b.start, b.end) for r in grid.rooms for b in r.bookings]
    lo, hi = 24, 0
    for start, end in spans:
        s = max(start, building.from_).astimezone(tz)
        e = min(end, building.to).astimezone(tz)
        if e <= s:
            continue
        if e - s >= timedelta(hours=23) or s.date() != (e - timedelta(microseconds=1)).date():
            return 0, 24
        lo = min(lo, s.hour)
        hi = max(hi, e.hour + (1 if (e.minute or e.second) else 0) or 24)
    return (8, 18) if lo >= hi else (lo, hi)


def layout(grid: Schedule, building: ScheduleBuilding, tz: tzinfo, width: int) -> Layout:
    days = [grid.date + timedelta(days=n) for n in range(grid.days)]
    first, last = _hours_used(grid, building, tz)
    room_for = width - LABEL - 1
    for slot in SLOTS:
        per_day = (last - first) * 60 // slot
        if len(days) * (per_day + 1) <= room_for:
            spare = room_for - len(days) * (per_day + 1)
            return Layout(days, first, last, slot, LABEL + min(spare, 30))
    return Layout(days, first, last, SLOTS[-1])


def _instant(day: date, minutes: int, tz: tzinfo) -> datetime:
    """The instant the wall clock shows ``minutes`` after midnight on ``day`` (a time the
    clocks skip is read as its instant after the change, as the slot's end)."""
    return (
        datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(minutes=minutes)
    ).astimezone(UTC)


def _skipped(day: date, minutes: int, tz: tzinfo) -> bool:
    """Whether the clocks skip that wall time (the spring gap): its slot is drawn empty, not
    as the hour after it again."""
    wall = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    return _instant(day, minutes, tz).astimezone(tz).replace(tzinfo=None) != wall


def _state(room: ScheduleRoom, building: ScheduleBuilding, start: datetime, end: datetime) -> str:
    best = "closed"

    def take(kind: str) -> None:
        nonlocal best
        if RANK.index(kind) > RANK.index(best):
            best = kind

    if any(i.start < end and start < i.end for i in building.open):
        take("open")
    for b in room.bookings:
        if b.start < end and start < b.end:
            if b.status == "pending":
                take("pending")
            elif b.id is None:
                take("busy")
            else:
                take("confirmed")
    if any(c.start < end and start < c.end for c in room.closures):
        take("closure")
    return best


def _header(lay: Layout) -> list[Text]:
    days = Text(" " * lay.label)
    hours = Text(" " * lay.label)
    step = -(-3 * lay.slot // 60)  # hours between labels: 3 characters at least apart
    for day in lay.days:
        days.append(" ")
        hours.append(" ")
        label = day.strftime("%a %d %b") if len(lay.days) > 1 else day.strftime("%A %Y-%m-%d")
        days.append(label[: lay.per_day].ljust(lay.per_day), style="bold")
        line = [" "] * lay.per_day
        for hour in range(lay.first_hour, lay.last_hour, step):
            at = (hour - lay.first_hour) * 60 // lay.slot
            text = f"{hour:02d}"
            if at + len(text) <= lay.per_day and all(c == " " for c in line[at : at + 3]):
                line[at : at + len(text)] = list(text)
        hours.append("".join(line), style="dim")
    return [days, hours]


def draw(grid: Schedule, *, width: int | None = None) -> list[Text]:
    """The grid as lines of rich text, ``width`` columns at most (the terminal's)."""
    width = width or console.width
    lines: list[Text] = []
    for building in grid.buildings:
        tz = ZoneInfo(building.timezone)
        lay = layout(grid, building, tz, width)
        rooms = [r for r in grid.rooms if r.building_id == building.id]
        slot = f"{lay.slot} min" if lay.slot < 60 else f"{lay.slot // 60} h"
        title = f"{building.code} {building.name}"[: width - 30]
        lines.append(Text(f"{title} ({building.timezone}), one character = {slot}", style="bold"))
        lines.extend(_header(lay))
        for room in rooms:
            line = Text(_room_label(room, lay.label))
            for day in lay.days:
                line.append(" ")
                for n in range(lay.per_day):
                    minute = lay.first_hour * 60 + n * lay.slot
                    start = _instant(day, minute, tz)
                    end = _instant(day, minute + lay.slot, tz)
                    skipped = _skipped(day, minute, tz)
                    glyph, style = GLYPHS[
                        "closed" if skipped else _state(room, building, start, end)
                    ]
                    line.append(glyph, style=style)
            lines.append(line)
    lines.append(Text(LEGEND[:width], style="dim"))
    return lines


def _room_label(room: ScheduleRoom, width: int) -> str:
    """``M-101``; with room to spare ``M-101  30  Lecture hall``."""
    text = room.code
    if width >= LABEL + 6:
        text = f"{room.code:<{LABEL - 1}} {room.capacity:>4}"
    if width >= LABEL + 16:
        text += f"  {room.name}"
    return text[: width - 1].ljust(width)


def _clock_span(start: datetime, end: datetime, tz: tzinfo, day: date) -> str:
    """``09:00-11:00`` on ``day``; the full span when it reaches into another day."""
    s, e = start.astimezone(tz), end.astimezone(tz)
    if s.date() == day and (
        e.date() == day or e == datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
    ):
        return f"{s:%H:%M}-{'24:00' if e.date() != day else f'{e:%H:%M}'}"
    return show_span(start, end, tz)


def bookings_table(grid: Schedule) -> None:
    """The day's bookings, in start order: when, room, state, title (when you may see it)."""
    rows = []
    zones = {b.id: ZoneInfo(b.timezone) for b in grid.buildings}
    for room in grid.rooms:
        for b in room.bookings:
            rows.append((b.start, b.end, room, b))
    rows.sort(key=lambda r: (r[0], r[2].code))
    table(
        rows,
        [
            ("when", lambda r: _clock_span(r[0], r[1], zones[r[2].building_id], grid.date)),
            ("room", lambda r: r[2].code),
            ("status", lambda r: r[3].status),
            ("title", lambda r: r[3].title or "(busy)"),
        ],
        empty="No bookings that day.",
        wrap=("title",),
    )


CSV_FIELDS = (
    *("building", "room", "kind", "start", "end", "status", "booking_id", "title", "owner_id"),
    "reason",
)


def write_csv(grid: Schedule) -> None:
    """One line per opening, booking and closure, times in the building's zone."""
    zones = {b.id: ZoneInfo(b.timezone) for b in grid.buildings}
    codes = {b.id: b.code for b in grid.buildings}
    rows: list[dict[str, object]] = [
        {"building": b.code, "kind": "open", "start": i.start.astimezone(zones[b.id]),
         "end": i.end.astimezone(zones[b.id])}
        for b in grid.buildings
        for i in b.open
    ]  # fmt: skip
    for room in grid.rooms:
        tz = zones[room.building_id]
        where = {"building": codes[room.building_id], "room": room.code}
        rows += [
            where | {"kind": "booking", "start": bk.start.astimezone(tz),
                     "end": bk.end.astimezone(tz), "status": bk.status, "booking_id": bk.id,
                     "title": bk.title, "owner_id": bk.owner_id}
            for bk in room.bookings
        ]  # fmt: skip
        rows += [
            where | {"kind": "closure", "start": c.start.astimezone(tz),
                     "end": c.end.astimezone(tz), "reason": c.reason}
            for c in room.closures
        ]  # fmt: skip
    csvout.write(rows, CSV_FIELDS)


def schedule(
    ctx: typer.Context,
    building: Annotated[str, typer.Argument(help="Building code or id.")],
    date_: Annotated[
        str | None,
        typer.Option("--date", help="The day (YYYY-MM-DD; default: today in the building)."),
    ] = None,
    week: Annotated[
        bool, typer.Option("--week", help="The week (Monday to Sunday) of that day.")
    ] = False,
    csv_: Annotated[
        bool, typer.Option("--csv", help="CSV on stdout: one line per booking, closure, opening.")
    ] = False,
    json_: Json = False,
) -> None:
    """What is on in a building: its rooms x hours, in the building's zone.

    Members see their own bookings and others' as busy time. The grid uses the terminal's
    width: 15-minute slots on a wide one, hours on a narrow one or for a week.

    Example: compax schedule B1 --date 2027-03-02 --week
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = lookup.building(c, building)
        tz = ZoneInfo(found.timezone)
        day = parse_date(date_, "--date") if date_ else datetime.now(tz).date()
        if week:
            day -= timedelta(days=day.weekday())
        grid = c.schedule.building(found.id, date=day, days=7 if week else 1)
    if st.json:
        print_json(grid)
        return
    if csv_:
        write_csv(grid)
        return
    for line in draw(grid):
        console.print(line, no_wrap=True, overflow="crop", highlight=False)
    if not week:
        bookings_table(grid)
