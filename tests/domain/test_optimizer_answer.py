"""The optimizer's answer read whole on a campus small enough to plan by hand: each
section's item (room, seat fill, the preferences met, or the reason it has no room), the
summary, and the import items that book the plan. The expected values are worked out in
the comments from the rooms and the weights, never computed by the code under test."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from compax_server.domain.optimizer import Busy, Meeting, Room, Term, Weights, free_of, is_open
from compax_server.domain.optimizer_plan import plan, section_of
from tests.domain.sections import raw_section, section_at

BERLIN = "Europe/Berlin"  # UTC+1 until 2031-03-30
TERM = Term(date(2031, 3, 3), date(2031, 4, 13), frozenset({date(2031, 3, 10)}))  # Mon..Sun
TERM_HOLIDAY = date(2031, 3, 10)
WEEKDAY_HOURS = {d: [["08:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}

A101 = Room(1, "A-101", 1, "A", 20, frozenset({"projector"}), BERLIN, WEEKDAY_HOURS)
A201 = Room(2, "A-201", 1, "A", 40, frozenset(), BERLIN, WEEKDAY_HOURS)
B101 = Room(3, "B-101", 2, "B", 30, frozenset(), BERLIN, None)  # always open
C1 = Room(4, "C-1", 3, "C", 60, frozenset({"projector"}), BERLIN, {"mon": [["12:00", "17:00"]]})
ROOMS = [A101, A201, B101, C1]

# A-101 is booked on Monday 17 March 10:15-11:00 Berlin (09:15-10:00 UTC).
SENATE = Busy(
    datetime(2031, 3, 17, 9, 15, tzinfo=UTC),
    datetime(2031, 3, 17, 10, 0, tzinfo=UTC),
    501,
    "Senate",
    "confirmed",
)
# B-101 is booked on Tuesday 4 March 08:00-08:30 Berlin: in nobody's way.
BREAKFAST = Busy(
    datetime(2031, 3, 4, 7, 0, tzinfo=UTC),
    datetime(2031, 3, 4, 7, 30, tzinfo=UTC),
    502,
    "Breakfast",
    "confirmed",
)
BUSY = {A101.id: [SENATE], B101.id: [BREAKFAST]}


SECTIONS = [
    # Monday 09:00: the projector is only in A-101 (C-1 opens at noon).
    section_at(
        "MATH1",
        "mon",
        "09:00",
        60,
        18,
        features=["projector"],
        preferred_buildings=["B", "A"],
        room_wish="A-101",
        last_room="A-201",
    ),
    # B-101: 100*25/30 = 83 + 50 + 60 (building B) + 100 (last room) beats A-201's 63 + 50 + 80.
    section_at(
        "HIST",
        "mon",
        "09:00",
        60,
        25,
        preferred_buildings=["B"],
        room_wish="A-201",
        last_room="B-101",
    ),
    # only A-201 is open and fits
    section_at("BIG", "mon", "09:00", 60, 35, preferred_buildings=["B"]),
    # 09:30-10:30: A-101 has the Senate on the 17th, the rest hold the three above.
    section_at("LATE", "mon", "09:30", 60, 10),
    section_at("HUGE", "mon", "13:00", 60, 80, features=["projector"]),
    section_at("LAB", "tue", "10:00", 60, 5, features=["sink", "fume_hood"]),
    section_at("EVENING", "mon", "18:00", 90, 35),  # A-201 and C-1 fit, both closed at 18:00
    # One meeting of 20: A-101 is filled (100 + 50 each) where B-101 earns 67 + 50.
    section_at("SEM-A", "tue", "14:00", 90, 12, links=["SEM-B"]),
    section_at("SEM-B", "tue", "14:00", 90, 8),
    # A-201: 70 + 50 + 100 (last room) beats B-101's 93 + 50.
    section_at(
        "SHORT",
        "wed",
        "11:00",
        60,
        28,
        last_room="A-201",
        start_date=date(2031, 3, 5),
        until=date(2031, 5, 1),
    ),
    # A-201 at exactly the threshold: 60 + 50 + 60 (building A) beats B-101's 80 + 50.
    section_at("QUIZ", "thu", "10:00", 60, 24, preferred_buildings=["A"]),
]


def placed(room: Room, occurrences: int, fill: float, **preferences):
    return {
        "action": "placed",
        "room": room.code,
        "room_id": room.id,
        "building": room.building_code,
        "capacity": room.capacity,
        "occurrences": occurrences,
        "preferences": {"fill_threshold": True, "one_room": True, **preferences},
        "seat_fill": fill,
    }


def test_each_section_says_where_it_goes_or_why_it_cannot():
    result = plan(SECTIONS, ROOMS, BUSY, TERM, 7, Weights(), time_limit=5)
    got = {i.pop("external_id"): i for i in result.items}
    assert list(got) == [s.external_id for s in SECTIONS]
    for ext, item in got.items():
        section = next(s for s in SECTIONS if s.external_id == ext)
        assert (item.pop("title"), item.pop("headcount")) == (f"{ext} title", section.headcount)
    # Five Mondays (the 10th is a holiday), six of every other weekday.
    assert got["MATH1"] == placed(
        A101, 5, 0.9, preferred_building=2, room_wish=True, kept_room=False
    )
    assert got["HIST"] == placed(
        B101, 5, 0.833, preferred_building=1, room_wish=False, kept_room=True
    )
    assert got["BIG"] == placed(A201, 5, 0.875, preferred_building=None)
    assert got["LATE"] == {
        "action": "unplaced",
        "reason": {
            "code": "rooms_taken",
            "detail": "all 3 fitting rooms are taken at some meeting time",
            "rooms": [  # best fit first; C-1 fits but is closed
                {
                    "room": "A-101",
                    "capacity": 20,
                    "bookings": [
                        {
                            "id": 501,
                            "title": "Senate",
                            "start": "2031-03-17T09:15:00+00:00",
                            "status": "confirmed",
                        }
                    ],
                    "sections": ["MATH1"],
                },
                {
                    "room": "B-101",
                    "capacity": 30,
                    "sections": ["HIST"],
                },  # breakfast: not in the way
                {"room": "A-201", "capacity": 40, "sections": ["BIG"]},
            ],
            "rooms_total": 3,
        },
    }
    assert got["HUGE"] == {
        "action": "unplaced",
        "reason": {
            "code": "no_room_fits",
            "detail": "no bookable room has 80 seats and projector",
            "largest_with_features": 60,
        },
    }
    assert got["LAB"]["reason"] == {
        "code": "no_room_fits",
        "detail": "no bookable room has 5 seats and fume_hood, sink",
        "largest_with_features": None,
    }
    assert got["EVENING"]["reason"] == {
        "code": "outside_opening_hours",
        "detail": "2 rooms fit, but none is open for the whole meeting time",
        "buildings": ["A", "C"],
    }
    assert got["SEM-A"] == placed(A101, 6, 1.0)
    assert got["SEM-B"] == {**placed(A101, 6, 1.0), "booked_with": "SEM-A"}
    assert got["SHORT"] == placed(A201, 6, 0.7, kept_room=True)
    assert got["QUIZ"] == placed(A201, 6, 0.6, preferred_building=1)


def test_the_summary_counts_the_sections_and_the_preferences_met():
    result = plan(SECTIONS, ROOMS, BUSY, TERM, 7, Weights(), time_limit=5)
    assert result.summary == {
        "sections": 11,
        "placed": 7,
        "unplaced": 4,
        "placement_rate": 0.6364,  # 7 / 11
        # SEM-B shares SEM-A's booking: (0.9 + 0.833 + 0.875 + 1.0 + 0.7 + 0.6) / 6
        "mean_seat_fill": 0.818,
        "fill_threshold_met": 7,
        "preferred_building": {"asked": 4, "met": 3},
        "room_wish": {"asked": 2, "met": 1},
        "kept_room": {"asked": 3, "met": 2},
        "reasons": {"rooms_taken": 1, "no_room_fits": 2, "outside_opening_hours": 1},
    }
    # The registrar's best fit, in input order, each in the smallest free room that fits:
    # SHORT and QUIZ take B-101 (0.933, 0.8), not A-201; LATE finds nothing free.
    assert result.baseline == {
        "sections": 11,
        "placed": 7,
        "unplaced": 4,
        "placement_rate": 0.6364,
        "mean_seat_fill": 0.8902,  # (0.9 + 0.833 + 0.875 + 1.0 + 0.933 + 0.8) / 6
        "fill_threshold_met": 7,
        "preferred_building": {"asked": 4, "met": 2},
        "room_wish": {"asked": 2, "met": 1},
        "kept_room": {"asked": 3, "met": 1},
    }
    assert isinstance(result.prepare_seconds, float) and 0 <= result.prepare_seconds < 60
    # The points (1000 each, then fill, bonus, building, wish, last room): the plan's six
    # placed meetings 1250 + 1293 + 1138 + 2300 + 1220 (SHORT kept) + 1170 (QUIZ in A); the
    # baseline's SHORT and QUIZ in B-101 earn 1143 and 1130 instead.
    outcome = result.outcome
    assert (outcome.objective, outcome.greedy_objective, outcome.status) == (8371, 8254, "optimal")
    assert outcome.bound == 8371 and outcome.gap == 0.0
    assert isinstance(outcome.seconds, float) and 0 <= outcome.seconds < 60
    empty = plan([], ROOMS, {}, TERM, 7, Weights(), time_limit=1)
    assert empty.items == [] and empty.imports == []
    assert empty.summary["placement_rate"] == 1.0 and empty.summary["mean_seat_fill"] == 0.0
    # No rooms at all: each section is one no room fits (its dates are still read, in UTC).
    (alone,) = plan(
        [section_at("ALONE", "mon", "09:00", 60, 5)], [], {}, TERM, 7, Weights(), time_limit=1
    ).items
    assert alone["reason"] == {
        "code": "no_room_fits",
        "detail": "no bookable room has 5 seats",
        "largest_with_features": None,
    }


def test_the_import_items_book_each_placed_meeting_once():
    calls: list[tuple[int, int]] = []
    result = plan(
        SECTIONS, ROOMS, BUSY, TERM, 7, Weights(), time_limit=5, progress=lambda *a: calls.append(a)
    )
    assert calls and calls[-1] == (result.outcome.solved_parts, result.outcome.solved_parts)
    by_id = {i["external_id"]: i for i in result.imports}
    assert list(by_id) == ["MATH1", "HIST", "BIG", "SEM-A", "SHORT", "QUIZ"]
    assert by_id["MATH1"] == {
        "external_id": "MATH1",
        "kind": "series",
        "room": "A-101",
        "title": "MATH1 title",
        "description": "",
        "owner": None,
        "start_date": date(2031, 3, 3),
        "start_time": "09:00",
        "duration_minutes": 60,
        "recurrence": {"freq": "weekly", "interval": 1, "weekdays": ["mon"], "term_id": 7},
        "excluded_dates": [],
        "skip_holidays": True,
    }
    assert by_id["SEM-A"]["title"] == "SEM-A title / SEM-B title"
    assert by_id["SEM-A"]["duration_minutes"] == 90
    # Its own dates: from its first day to the term's last, the holiday left out by name.
    short = by_id["SHORT"]
    assert (short["start_date"], short["room"]) == (date(2031, 3, 5), "A-201")
    assert short["recurrence"] == {
        "freq": "weekly",
        "interval": 1,
        "weekdays": ["wed"],
        "until": "2031-04-13",
    }
    assert short["excluded_dates"] == ["2031-03-10"]


def test_a_section_starting_after_the_holiday_excludes_nothing():
    late = section_at(
        "LATER", "wed", "11:00", 60, 28, start_date=date(2031, 3, 12), until=date(2031, 4, 2)
    )
    (item,) = plan([late], ROOMS, {}, TERM, 7, Weights(), time_limit=1).imports
    assert item["start_date"] == date(2031, 3, 12)
    assert item["recurrence"]["until"] == "2031-04-02"
    assert item["excluded_dates"] == []
    # A section from the holiday, or until it, leaves it out by name all the same.
    edges = [
        section_at(
            "FROM", "mon", "11:00", 60, 10, start_date=TERM_HOLIDAY, until=date(2031, 3, 31)
        ),
        section_at(
            "UNTIL", "mon", "14:00", 60, 10, start_date=date(2031, 3, 3), until=TERM_HOLIDAY
        ),
    ]
    result = plan(edges, ROOMS, {}, TERM, 7, Weights(), time_limit=1)
    assert [i["excluded_dates"] for i in result.imports] == [["2031-03-10"], ["2031-03-10"]]


def test_rooms_taken_lists_at_most_three_bookings_of_a_room():
    berlin = ZoneInfo(BERLIN)
    busy = []
    for w in range(6):  # Mondays 09:00-10:00 Berlin, before and after the clocks change
        start = (datetime(2031, 3, 3, 9, 0, tzinfo=berlin) + timedelta(weeks=w)).astimezone(UTC)
        busy.append(Busy(start, start + timedelta(hours=1), 600 + w, "x", "pending"))
    monday = datetime(2031, 3, 3, 9, 0, tzinfo=berlin)
    for n, (start, minutes) in enumerate(
        [(monday - timedelta(hours=1), 60), (monday + timedelta(hours=1), 30)]
    ):
        busy.append(
            Busy(
                start.astimezone(UTC),
                (start + timedelta(minutes=minutes)).astimezone(UTC),
                598 + n,
                "x",
                "confirmed",
            )
        )
    busy.sort(key=lambda b: b.start)  # 598 ends as the section starts, 599 starts as it ends
    only = section_at("ONE", "mon", "09:00", 60, 30)  # B-101 seats exactly 30
    (item,) = plan([only], [B101], {B101.id: busy}, TERM, 7, Weights(), time_limit=1).items
    (room,) = item["reason"]["rooms"]
    # The 10th is a holiday (booking 601 is not in the way); five are, three are listed.
    assert [b["id"] for b in room["bookings"]] == [600, 602, 603]
    assert {b["status"] for b in room["bookings"]} == {"pending"}
    assert (room["room"], room["capacity"]) == ("B-101", 30)
    # A section no room seats, without features: its words name only the seats.
    (item,) = plan(
        [section_at("ALL", "mon", "09:00", 60, 99)], ROOMS, {}, TERM, 7, Weights(), time_limit=1
    ).items
    assert item["reason"] == {
        "code": "no_room_fits",
        "detail": "no bookable room has 99 seats",
        "largest_with_features": 60,
    }
    # The smallest room closed at the time does not keep a larger open one from fitting.
    (item,) = plan(
        [section_at("DUSK", "mon", "17:30", 60, 10)], ROOMS, {}, TERM, 7, Weights(), time_limit=1
    ).items
    assert item["room"] == "B-101"  # close at 17:00, C-1 too


def test_a_room_is_free_of_bookings_that_only_touch_its_spans():
    at = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
    hour = timedelta(hours=1)

    def busy(start, end, n=1):
        return Busy(start, end, n, "b", "confirmed")

    def free(spans, rows):
        rows = sorted(rows, key=lambda b: b.start)
        return free_of(spans, rows, [b.start for b in rows])

    span = [(at, at + hour)]
    assert free(span, [])
    assert free(span, [busy(at - hour, at), busy(at + hour, at + 2 * hour)])  # touching only
    assert not free(span, [busy(at - hour, at + timedelta(minutes=1))])
    assert not free(span, [busy(at + timedelta(minutes=59), at + 2 * hour)])
    # Several rows between the span's start and end: the third is in the way.
    rows = [
        busy(at - 3 * hour, at - 2 * hour, 1),
        busy(at - 2 * hour, at - hour, 2),
        busy(at - hour, at, 3),
        busy(at + timedelta(minutes=30), at + timedelta(minutes=40), 4),
    ]
    assert not free(span, rows)
    assert free(span, rows[:3])
    # A long booking found by ``longest``, though it starts long before the span.
    long = [busy(at - 10 * hour, at + timedelta(minutes=5)), busy(at - hour, at - hour / 2)]
    assert not free(span, long)
    # Two spans: only the second is in the way.
    spans = [(at, at + hour), (at + 24 * hour, at + 25 * hour)]
    assert not free(spans, [busy(at + 24 * hour + hour / 2, at + 26 * hour)])


def test_a_section_that_cannot_be_planned_says_why_and_the_rest_are_planned():
    sections = [
        section_at("BAD-TIME", "mon", "24:30", 60, 10),
        section_at(
            "ON-HOLIDAY", "mon", "09:00", 60, 10, start_date=TERM_HOLIDAY, until=TERM_HOLIDAY
        ),
        section_at("P", "tue", "09:00", 60, 10, links=["Q"]),
        section_at("Q", "tue", "09:30", 60, 10),  # linked, overlapping, another time
        section_at("TOUCH-A", "wed", "09:00", 60, 10, links=["TOUCH-B"]),
        section_at("TOUCH-B", "wed", "10:00", 30, 10),  # linked, one after the other: one room
        section_at("FINE", "thu", "09:00", 60, 10),
    ]
    got = {
        i["external_id"]: i
        for i in plan(sections, ROOMS, {}, TERM, 7, Weights(), time_limit=1).items
    }

    def invalid(ext, detail):
        return {
            "code": "invalid",
            "detail": "the section cannot be planned",
            "errors": [{"external_id": ext, "detail": detail}],
        }

    assert got["BAD-TIME"]["reason"] == invalid(
        "BAD-TIME", "start_time: a local time HH:MM, e.g. 09:15"
    )
    assert got["ON-HOLIDAY"]["reason"] == invalid("ON-HOLIDAY", "no occurrence in the term")
    overlap = invalid(
        "Q",
        "linked sections overlap without meeting at the same time; give them one meeting "
        "pattern or unlink them",
    )
    assert got["P"]["reason"] == got["Q"]["reason"] == overlap
    assert got["TOUCH-A"]["room"] == got["TOUCH-B"]["room"]
    assert "booked_with" not in got["TOUCH-B"]  # two meetings, two series, one room
    assert (got["FINE"]["action"], got["FINE"]["occurrences"]) == ("placed", 6)


def test_a_room_is_open_for_a_meeting_only_inside_one_opening_on_each_of_its_days():
    def open_for(room, days, start, minutes):
        section = section_of(raw_section("X", start=start, minutes=minutes, weekdays=days))
        return is_open(room, Meeting([section]), {})

    early = Room(9, "E-1", 9, "E", 10, frozenset(), BERLIN, {"mon": [["08:00", "09:15"]]})
    assert open_for(early, ["mon"], "08:15", 60)  # ends 09:15, as it closes
    assert not open_for(early, ["mon"], "08:30", 60)  # ends 09:30
    assert not open_for(early, ["mon"], "07:45", 30)  # starts before it opens
    assert open_for(A101, ["fri"], "16:00", 60)  # ends 17:00, as it closes
    half = Room(10, "H-1", 10, "H", 10, frozenset(), BERLIN, {"mon": [["12:00", "16:30"]]})
    assert not open_for(half, ["mon"], "16:00", 60)
    assert open_for(C1, ["mon"], "13:00", 60)  # C-1 opens on Mondays only
    assert not open_for(C1, ["tue"], "13:00", 60)
    assert not open_for(C1, ["mon", "tue"], "13:00", 60)  # every day of the meeting
    assert open_for(B101, ["sun"], "22:59", 60)  # always open: ends 23:59
    assert not open_for(B101, ["sun"], "23:00", 60)  # ends at midnight: not a slot
    assert not open_for(B101, ["sun"], "22:00", 180)  # ends past midnight
    # One answer per building and pattern: the memo is keyed by the building.
    memo: dict = {}
    lecture = Meeting([section_at("L", "mon", "13:00", 60, 1)])
    assert is_open(C1, lecture, memo) and is_open(A101, lecture, memo)
    assert len(memo) == 2  # C and A
    memo[next(iter(memo))] = False  # a second room of C-1's building reads C's answer
    assert not is_open(Room(5, "C-2", 3, "C", 10, frozenset(), BERLIN, None), lecture, memo)
