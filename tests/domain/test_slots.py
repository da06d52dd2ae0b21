"""domain.slots: why a room cannot be given for a window (not bookable, hours, closures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from compax_server.domain import slots
from compax_server.errors import InvalidInput

WEEK = {"mon": [["08:00", "12:00"], ["16:00", "24:00"]], "tue": [["00:00", "02:00"]]}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """March 2031 in UTC; Berlin is UTC+1 then (the 3rd is a Monday)."""
    return datetime(2031, 3, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class Room:
    code: str = "B1-101"
    bookable: bool = True
    building_code: str = "B1"
    timezone: str = "Europe/Berlin"
    opening_hours: dict[str, Any] | None = None


def test_always_open_covers_everything():
    assert slots.OpeningHours(None, "Europe/Berlin").cover(at(3, 1), at(20, 1))


def test_an_unknown_zone_is_refused():
    with pytest.raises(InvalidInput):
        slots.OpeningHours(WEEK, "Mars/Olympus")


def test_cover_within_one_local_day():
    opening = slots.OpeningHours(WEEK, "Europe/Berlin")
    assert opening.cover(at(3, 7), at(3, 11))  # 08:00-12:00 local
    assert not opening.cover(at(3, 6, 59), at(3, 8))
    assert not opening.cover(at(3, 10), at(3, 15, 1))  # runs past noon into the gap
    assert not opening.cover(at(4, 8), at(4, 9))  # Tuesday 09:00


def test_cover_remembers_each_question_by_weekday_and_times():
    opening = slots.OpeningHours(WEEK, "Europe/Berlin")
    assert opening.cover(at(3, 8), at(3, 9))
    # Same times a week later: the same answer, from what it knows.
    assert opening.cover(at(10, 8), at(10, 9))
    assert opening._known == {(0, datetime(1, 1, 1, 9).time(), datetime(1, 1, 1, 10).time()): True}
    # Another weekday, another start, another end: each its own answer.
    assert not opening.cover(at(4, 8), at(4, 9))
    assert not opening.cover(at(3, 6), at(3, 9))
    assert not opening.cover(at(3, 8), at(3, 12))
    assert len(opening._known) == 4


def test_cover_across_local_midnight_uses_the_instants():
    opening = slots.OpeningHours(WEEK, "Europe/Berlin")
    assert opening.cover(at(3, 21), at(4, 0, 30))  # Monday 22:00 to Tuesday 01:30 local
    assert not opening.cover(at(3, 21), at(4, 1, 30))  # to Tuesday 02:30
    assert opening.cover(at(3, 16), at(3, 23))  # to midnight, which is Tuesday's date


def test_the_problems_say_what_and_where():
    assert slots.not_bookable("B1-101") == {
        "rule": "room_not_bookable",
        "detail": "room B1-101 is not bookable",
    }
    assert slots.outside_hours("B1", WEEK) == {
        "rule": "outside_opening_hours",
        "detail": "B1 is not open for the whole of that time",
        "limit": WEEK,
    }
    closure = {"id": 7, "reason": "Burst pipe", "start": at(3, 9), "end": at(3, 10)}
    assert slots.closed(closure) == {
        "rule": "closure",
        "detail": "closed: Burst pipe (2031-03-03T09:00:00+00:00 to 2031-03-03T10:00:00+00:00)",
        "closure_id": 7,
    }
    unnamed = {**closure, "reason": ""}
    assert slots.closed(unnamed)["detail"] == (
        "closed: closure (2031-03-03T09:00:00+00:00 to 2031-03-03T10:00:00+00:00)"
    )


def test_room_problems_lists_every_reason_in_order():
    closures = [
        {"id": 7, "reason": "Burst pipe", "start": at(3, 9), "end": at(3, 10)},
        {"id": 8, "reason": None, "start": at(3, 11), "end": at(3, 12)},
    ]
    room = Room(code="B1-9", bookable=False, building_code="B9", opening_hours=WEEK)
    got = slots.room_problems(room, at(3, 9), at(3, 13), closures)
    assert got == [
        slots.not_bookable("B1-9"),
        slots.outside_hours("B9", WEEK),
        slots.closed(closures[0]),
        slots.closed(closures[1]),
    ]
    assert got[0]["detail"] == "room B1-9 is not bookable"


def test_a_free_room_has_no_problems():
    assert slots.room_problems(Room(opening_hours=WEEK), at(3, 7), at(3, 11), []) == []
    assert slots.room_problems(Room(), at(3, 1), at(3, 2), []) == []
    assert slots.room_problems(Room(opening_hours=WEEK), at(3, 6), at(3, 7), []) == [
        slots.outside_hours("B1", WEEK)
    ]


def test_seat_fit_refuses_only_more_people_than_seats():
    assert slots.over_capacity("B1-101", 30, None) is None  # no head count, nothing to check
    assert slots.over_capacity("B1-101", 30, 30) is None
    assert slots.over_capacity("B1-101", 30, 31) == {
        "rule": "room_capacity",
        "limit": 30,
        "detail": "31 attendees do not fit in B1-101 (30 seats)",
    }
