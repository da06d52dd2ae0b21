"""``compax schedule``'s grid on its own (no server): each character is the state of its
slot on the building's wall clock, the slot as short as the width allows, and a night the
clocks change drawn as the clocks show it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from compax_cli.schedule import draw
from compax_sdk import Schedule
from tests.dates import future_year

BERLIN = ZoneInfo("Europe/Berlin")
Y2027 = future_year(2027)  # the clocks go forward on 28 March, back on 31 October


def at(month: int, day: int, hour: int, minute: int = 0) -> str:
    return datetime(Y2027, month, day, hour, minute, tzinfo=BERLIN).isoformat()


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
        {"room_id": 1, "status": "confirmed", "id": 5, "start": at(3, 2, 9), "end": at(3, 2, 10, 30)},
        {"room_id": 1, "status": "pending", "id": 6, "start": at(3, 2, 11), "end": at(3, 2, 12)},
        {"room_id": 1, "status": "confirmed", "start": at(3, 2, 13), "end": at(3, 2, 14)},
        {"room_id": 1, "status": "confirmed", "id": 7, "start": at(3, 2, 15), "end": at(3, 2, 16)},
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
    utc = [datetime(Y2027, 3, 28, 0, tzinfo=UTC), datetime(Y2027, 3, 28, 2, tzinfo=UTC)]
    booking = {"room_id": 1, "status": "confirmed", "id": 5, "start": utc[0].isoformat(),
               "end": utc[1].isoformat()}  # fmt: skip
    lines = [line.plain for line in draw(grid(3, 28, [booking]), width=80)]
    assert lines[2].split() == ["01", "02", "03"]
    assert lines[3].endswith("██████" + " " * 6 + "██████")


def test_the_autumn_hour_shown_twice_is_drawn_once():
    """02:00-03:00 happens twice on 31 October: the day has no hour more, and a booking of
    its second pass (02:10-02:30 CET) is not lost: it shows in the hour's last slot (a
    one-row grid cannot draw both passes; see the module's docstring)."""
    booking = {"room_id": 1, "status": "confirmed", "id": 5,
               "start": datetime(Y2027, 10, 31, 1, 10, tzinfo=UTC).isoformat(),
               "end": datetime(Y2027, 10, 31, 1, 30, tzinfo=UTC).isoformat()}  # fmt: skip
    lines = [line.plain for line in draw(grid(10, 31, [booking]), width=80)]
    assert lines[2].split() == ["02"]
    assert lines[3].endswith(" " * 5 + "█")
