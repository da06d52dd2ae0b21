"""``compax schedule``'s grid on its own (no server): each character is the state of its
slot on the building's wall clock, the slot as short as the width allows, and a night the
clocks change drawn as the clocks show it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console

from compax_cli import output, schedule
from compax_cli.schedule import draw
from compax_sdk import Schedule, ScheduleRoom
from tests.dates import future_year

BERLIN = ZoneInfo("Europe/Berlin")
Y2027 = future_year(2027)  # the clocks go forward on 28 March, back on 31 October


def at(month: int, day: int, hour: int, minute: int = 0) -> str:
    return datetime(Y2027, month, day, hour, minute, tzinfo=BERLIN).isoformat()


def utc(month: int, day: int, hour: int, minute: int = 0) -> str:
    return datetime(Y2027, month, day, hour, minute, tzinfo=UTC).isoformat()


def booking(start: str, end: str, **extra: Any) -> dict[str, Any]:
    """A confirmed booking of M-101 that we may see (``id=None``: someone else's)."""
    return {"room_id": 1, "status": "confirmed", "id": 5, "start": start, "end": end, **extra}


def grid(month: int, day: int, bookings: list[dict[str, Any]], **room: Any) -> Schedule:
    """One day of building M (Berlin) with room M-101 and ``bookings``."""
    building = {
        "id": 1,
        "code": "M",
        "name": "Main",
        "timezone": "Europe/Berlin",
        "from": at(month, day, 0),
        "to": at(month, day, 23, 59),
        "open": room.pop("open", []),
    }
    rooms = [{"id": 1, "code": "M-101", "name": "Lecture hall", "capacity": 120,
              "building_id": 1, "bookings": bookings, **room}]  # fmt: skip
    return Schedule.model_validate(
        {
            "date": f"{Y2027}-{month:02d}-{day:02d}",
            "days": 1,
            "buildings": [building],
            "rooms": rooms,
        }
    )


def test_each_slot_shows_its_state_in_the_order_that_matters():
    """Ten minutes a character at 80 columns for 08-18: open and free, a booking, a request
    waiting, someone else's booking, a closure, and a closure over a booking."""
    bookings = [
        booking(at(3, 2, 9), at(3, 2, 10, 30)),
        booking(at(3, 2, 11), at(3, 2, 12), status="pending", id=6),
        booking(at(3, 2, 13), at(3, 2, 14), id=None),
        booking(at(3, 2, 15), at(3, 2, 16), id=7),
    ]  # fmt: skip
    closures = [{"id": 1, "start": at(3, 2, 15, 30), "end": at(3, 2, 16, 30), "reason": "Works"}]
    schedule = grid(
        3, 2, bookings, closures=closures, open=[{"start": at(3, 2, 8), "end": at(3, 2, 18)}]
    )
    lines = [line.plain for line in draw(schedule, width=80)]
    assert lines[0] == "M Main (Europe/Berlin), one character = 10 min"
    assert lines[2].split() == ["08", "09", "10", "11", "12", "13", "14", "15", "16", "17"]
    assert lines[3] == (
        "M-101      120     "
        "······" "█████████" "···" "▒▒▒▒▒▒" "······" "██████" "······" "███" "xxxxxx" "···" "······"
    )  # fmt: skip
    assert lines[-1].startswith("█ booked (grey: others')")


def test_the_spring_gap_is_empty_and_a_booking_over_it_keeps_its_length():
    """From 01:00 to 04:00 on the wall is two hours: 02:00-03:00 does not exist. A booking of
    those two hours fills 01-02 and 03-04; the gap is blank (it was drawn as 03-04 again)."""
    night = booking(utc(3, 28, 0), utc(3, 28, 2))
    lines = [line.plain for line in draw(grid(3, 28, [night]), width=80)]
    assert lines[2].split() == ["01", "02", "03"]
    assert lines[3].endswith("██████" + " " * 6 + "██████")


def test_the_autumn_hour_shown_twice_is_drawn_once():
    """02:00-03:00 happens twice on 31 October: the day has no hour more, and a booking of
    its second pass (02:10-02:30 CET) is not lost: it shows in the hour's last slot (a
    one-row grid cannot draw both passes; see the module's docstring)."""
    second_pass = booking(utc(10, 31, 1, 10), utc(10, 31, 1, 30))
    lines = [line.plain for line in draw(grid(10, 31, [second_pass]), width=80)]
    assert lines[2].split() == ["02"]
    assert lines[3].endswith(" " * 5 + "█")


def styles(line: Any) -> str:
    """A letter per character of a grid line: b(lue) ours, g(rey) others', y(ellow) pending,
    r(ed) closure, d(im) open, - none."""
    codes = {"blue": "b", "bright_black": "g", "yellow": "y", "bold red": "r", "dim": "d"}
    out = ["-"] * len(line.plain)
    for span in line.spans:
        out[span.start : span.end] = codes.get(str(span.style), "?") * (span.end - span.start)
    return "".join(out)


def test_the_grid_starts_and_ends_with_what_is_on_and_colours_whose_it_is():
    """An early booking moves the first hour to 07; an opening from 08:00 leaves 07:50 blank;
    our booking is blue, someone else's grey (they look alike without colour)."""
    bookings = [
        booking(at(3, 2, 7), at(3, 2, 7, 30)),
        booking(at(3, 2, 9), at(3, 2, 9, 20), id=None),
    ]  # fmt: skip
    schedule = grid(3, 2, bookings, open=[{"start": at(3, 2, 8), "end": at(3, 2, 18)}])
    lines = draw(schedule, width=80)
    assert lines[2].plain.split()[0] == "07" and lines[2].plain.split()[-1] == "17"
    cells = lines[3].plain[-66:]
    assert cells == "███" + " " * 3 + "······" + "██" + "·" * 52
    assert styles(lines[3])[-66:] == "bbb" + "---" + "dddddd" + "gg" + "d" * 52
    assert str(lines[0].style) == "bold" and str(lines[-1].style) == "dim"


def test_a_day_with_nothing_on_is_eight_to_six_and_a_long_booking_the_whole_day():
    empty = draw(grid(3, 2, []), width=80)
    assert empty[2].plain.split() == ["08", "09", "10", "11", "12", "13", "14", "15", "16", "17"]
    assert empty[3].plain.endswith(" " * 60)
    whole = booking(at(3, 1, 12), at(3, 3, 12))
    lines = draw(grid(3, 2, [whole]), width=80)
    assert lines[0].plain == "M Main (Europe/Berlin), one character = 30 min"
    # labels two hours apart at two characters an hour (they ran together: "000102...")
    assert lines[2].plain.split()[:3] == ["00", "02", "04"] and lines[3].plain.endswith("█" * 48)
    until_midnight = booking(at(3, 2, 20), at(3, 3, 0))
    lines = draw(grid(3, 2, [until_midnight]), width=80)
    assert lines[2].plain.split() == ["20", "21", "22", "23"]
    assert lines[3].plain.endswith("█" * 24)
    short = booking(at(3, 2, 10), at(3, 2, 10, 20))
    assert draw(grid(3, 2, [short]), width=80)[2].plain.split() == ["10"]


def test_the_slot_and_the_label_follow_the_width():
    """As fine a slot as fits: hours on a narrow terminal, the name of the room on a wide
    one; a week in whole hours; nothing fits: six hours a character."""
    open_ = [{"start": at(3, 2, 8), "end": at(3, 2, 18)}]
    wide = draw(grid(3, 2, [], open=open_), width=140)
    assert wide[0].plain.endswith("one character = 10 min")
    assert wide[3].plain.startswith("M-101      120  Lecture hall")
    narrow = draw(grid(3, 2, [], open=open_), width=40)
    assert narrow[0].plain == "M Main (Europe/Berlin), one character = 30 min"
    assert narrow[2].plain.split() == ["08", "10", "12", "14", "16"]
    assert narrow[3].plain == "M-101      120     " + "·" * 20
    tiny = draw(grid(3, 2, [], open=open_), width=20)
    assert tiny[0].plain.endswith("one character = 2 h") and tiny[3].plain.endswith("·" * 5)
    assert tiny[-1].plain == "█ booked (grey: othe"
    nothing_fits = draw(grid(3, 2, [], open=open_), width=12)
    assert nothing_fits[0].plain.endswith("one character = 6 h")
    week = Schedule.model_validate(
        {**grid(3, 1, [], open=open_).model_dump(by_alias=True, mode="json"), "days": 7}
    )
    lines = draw(week, width=100)
    assert lines[0].plain.endswith("one character = 1 h")
    assert lines[1].plain.split()[:6] == ["Mon", "01", "Mar", "Tue", "02", "Mar"]


def day_with_two_rooms() -> Schedule:
    """2 March: M open 08-18; M-101 with a lecture and someone else's booking, M-102 with a
    booking into the night and a closure."""
    bookings = [
        booking(at(3, 2, 11), at(3, 2, 12), title='=HYPERLINK("x")', owner_id=7),
        booking(at(3, 2, 9), at(3, 2, 10, 30), id=None, status="pending"),
    ]
    found = grid(3, 2, bookings, open=[{"start": at(3, 2, 8), "end": at(3, 2, 18)}])
    other = {"id": 2, "code": "M-102", "building_id": 1, "closures": [
        {"id": 4, "start": at(3, 2, 13), "end": at(3, 2, 14), "reason": "Floor works"}],
        "bookings": [booking(at(3, 2, 22), at(3, 3, 0), id=8, title="Night", room_id=2),
                     booking(at(3, 2, 9), at(3, 3, 9), id=9, title="Exam week", room_id=2),
                     booking(at(3, 2, 9), at(3, 2, 10), id=10, title="Tutorial", room_id=2)]}  # fmt: skip
    return found.model_copy(update={"rooms": [*found.rooms, ScheduleRoom.model_validate(other)]})


def test_the_csv_has_a_line_per_opening_booking_and_closure_in_the_buildings_zone(capsys):
    schedule.write_csv(day_with_two_rooms())
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [
        ["building", "room", "kind", "start", "end", "status", "booking_id", "title",
         "owner_id", "reason"],
        ["M", "", "open", at(3, 2, 8), at(3, 2, 18), "", "", "", "", ""],
        ["M", "M-101", "booking", at(3, 2, 11), at(3, 2, 12), "confirmed", "5",
         "'=HYPERLINK(\"x\")", "7", ""],  # a spreadsheet does not run it
        ["M", "M-101", "booking", at(3, 2, 9), at(3, 2, 10, 30), "pending", "", "", "", ""],
        ["M", "M-102", "booking", at(3, 2, 22), at(3, 3, 0), "confirmed", "8", "Night", "", ""],
        ["M", "M-102", "booking", at(3, 2, 9), at(3, 3, 9), "confirmed", "9", "Exam week", "",
         ""],
        ["M", "M-102", "booking", at(3, 2, 9), at(3, 2, 10), "confirmed", "10", "Tutorial", "",
         ""],
        ["M", "M-102", "closure", at(3, 2, 13), at(3, 2, 14), "", "", "", "", "Floor works"],
    ]  # fmt: skip


def test_the_days_bookings_in_start_order_with_their_times_on_that_day(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(output, "console", Console(file=out, width=100))
    schedule.bookings_table(day_with_two_rooms())
    lines = out.getvalue().splitlines()
    assert [h.strip() for h in lines[1].split("┃")[1:-1]] == ["when", "room", "status", "title"]
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in lines]
    assert [r for r in rows if r] == [  # by start, then room
        ["09:00-10:30", "M-101", "pending", "(busy)"],
        [f"Tue {Y2027}-03-02 09:00 CET - Wed {Y2027}-03-03 09:00 CET", "M-102", "confirmed",
         "Exam week"],
        ["09:00-10:00", "M-102", "confirmed", "Tutorial"],
        ["11:00-12:00", "M-101", "confirmed", '=HYPERLINK("x")'],
        ["22:00-24:00", "M-102", "confirmed", "Night"],
    ]  # fmt: skip


def test_a_long_title_wraps_in_a_narrow_table(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(output, "console", Console(file=out, width=50))
    long = booking(at(3, 2, 9), at(3, 2, 10), title="Advanced topics in linear algebra")
    schedule.bookings_table(grid(3, 2, [long]))
    words = " ".join(
        c.strip() for line in out.getvalue().splitlines() for c in line.split("│")[4:5]
    )
    assert words.split() == ["Advanced", "topics", "in", "linear", "algebra"]


def test_an_empty_day_says_so(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(output, "err_console", Console(file=err, width=80))
    schedule.bookings_table(grid(3, 2, []))
    assert err.getvalue() == "No bookings that day.\n"
