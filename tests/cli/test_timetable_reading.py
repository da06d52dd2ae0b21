"""Reading timetable files into import items without a server (``compax_cli.timetable`` and
``timetable_ics``): each CSV line and each VEVENT becomes the item it says, in the zone of
its room's building, or is named with what is wrong with it. The rooms' zones and the terms
are given as the server would answer them (``Campus`` asks once and keeps the answers)."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import typer

from compax_cli.session import State
from compax_cli.timetable import BadLine, Campus, item_from_fields, read_csv, read_file
from compax_cli.timetable_ics import read_ics
from tests.dates import Y2031

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
HEADER = (
    "external_id,kind,room,title,description,owner,attendees,start,end,start_date,start_time,"
    "duration_minutes,freq,interval,weekdays,until,count,term,excluded_dates"
)


@pytest.fixture
def campus() -> Campus:
    """M-101 in Berlin, NY-1 in New York, one term; a room the server does not have is read
    in the command's zone (Berlin here)."""
    st = State(zone_hint=BERLIN)
    zones = {"M-101": "Europe/Berlin", "NY-1": "America/New_York"}
    return Campus(None, st, _zones=zones, _terms={"spring 2031": 3, "3": 3})  # type: ignore[arg-type]


def line(**values: str) -> dict[str, str]:
    base = {"external_id": "X-1", "kind": "booking", "room": "M-101", "title": "Exam"}
    return {**base, **values}


def series(**values: str) -> dict[str, str]:
    base = {
        "kind": "series",
        "start_date": f"{Y2031}-03-03",
        "start_time": "10:00",
        "duration_minutes": "90",
        "count": "4",
    }
    return line(**{**base, **values})


def test_a_booking_in_its_rooms_zone_or_as_written(campus):
    item = item_from_fields(
        line(start=f"{Y2031}-03-03 09:00", end=f"{Y2031}-03-03 11:00", owner="ada@campus.example",
             description="Written exam", attendees="40"),
        campus,
    )  # fmt: skip
    assert (item.kind, item.external_id, item.room, item.title) == (
        "booking",
        "X-1",
        "M-101",
        "Exam",
    )
    assert item.start == datetime(Y2031, 3, 3, 9, tzinfo=BERLIN)
    assert item.end == datetime(Y2031, 3, 3, 11, tzinfo=BERLIN)
    assert (item.owner, item.description, item.attendees) == (
        "ada@campus.example",
        "Written exam",
        40,
    )
    there = item_from_fields(
        line(room="NY-1", start=f"{Y2031}-03-03 09:00", end=f"{Y2031}-03-03T15:00:00Z"), campus
    )
    assert there.start == datetime(Y2031, 3, 3, 9, tzinfo=NEW_YORK)  # 14:00 UTC
    assert there.end.isoformat() == f"{Y2031}-03-03T15:00:00+00:00"
    assert (there.owner, there.description, there.attendees) == (None, None, None)


def test_a_series_with_every_column(campus):
    item = item_from_fields(
        series(freq="Weekly", interval="2", weekdays="mon thu", count="", until=f"{Y2031}-06-30",
               excluded_dates=f"{Y2031}-04-06, {Y2031}-04-09;{Y2031}-05-04", attendees="30"),
        campus,
    )  # fmt: skip
    assert (item.kind, item.start_date, item.start_time, item.duration_minutes) == (
        "series",
        date(Y2031, 3, 3),
        "10:00",
        90,
    )
    assert item.recurrence == {
        "freq": "weekly",
        "interval": 2,
        "weekdays": ["mon", "thu"],
        "until": date(Y2031, 6, 30),
    }
    assert list(item.excluded_dates) == [
        date(Y2031, 4, 6),
        date(Y2031, 4, 9),
        date(Y2031, 5, 4),
    ]
    assert item.attendees == 30
    by_term = item_from_fields(
        series(count="", term="Spring 2031", freq="", duration_minutes="1h30m"), campus
    )
    assert (by_term.recurrence, by_term.duration_minutes) == ({"freq": "weekly", "term_id": 3}, 90)
    daily = item_from_fields(series(freq="daily", count="5", start_time="09:05:30"), campus)
    assert (daily.recurrence, daily.start_time) == ({"freq": "daily", "count": 5}, "09:05")


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        (line(external_id=""), "external_id is empty"),
        (line(kind=""), "kind is empty"),
        (line(room=""), "room is empty"),
        (line(title=""), "title is empty"),
        (line(kind="lecture"), "kind: 'lecture' is not booking or series"),
        (line(start=f"{Y2031}-03-03 09:00"), "end is empty"),
        (line(end=f"{Y2031}-03-03 09:00"), "start is empty"),
        (
            line(start=f"{Y2031}-03-03 9h", end=f"{Y2031}-03-03 10:00"),
            f"start: '{Y2031}-03-03 9h' is not a time; use 2027-03-02T10:00:00+01:00, "
            "'2027-03-02 10:00' (local time), '2027-03-02 10:00 Europe/Berlin' or "
            "'tomorrow 10:00'",
        ),
        (
            line(start=f"{Y2031}-03-03 10:00", end=f"{Y2031}-03-03 10:00"),
            "end: must be after start",
        ),
        (
            line(start=f"{Y2031}-03-03 10:00", end=f"{Y2031}-03-03 11:00", count="3", freq="daily"),
            "freq, count: only for a series, and this is a booking",
        ),
        (line(attendees="0"), "attendees: '0' is not a whole number of 1 or more"),
        (series(start=f"{Y2031}-03-03 10:00"), "start: only for a booking; a series has start_date, ..."),
        (series(start_date=""), "start_date is empty"),
        (series(start_date="03.03.2031"), "start_date: '03.03.2031' is not a date (YYYY-MM-DD)"),
        (series(start_time="10h"), "start_time: '10h' is not a time of day (HH:MM)"),
        (series(duration_minutes="0"), "duration_minutes: must be at least 1"),
        (series(duration_minutes="soon"), "duration_minutes: 'soon' is not a duration (e.g. 90m, 1h30m, 2h, 14d)"),
        (series(freq="yearly"), "freq: 'yearly' is not daily, weekly or monthly"),
        (series(interval="x"), "interval: 'x' is not a whole number of 1 or more"),
        (series(count=""), "give one of until, count or term"),
        (series(until=f"{Y2031}-05-01", term="3"), "give one of until, count or term (not until and count and term)"),
        (series(count="", until="soon"), "until: 'soon' is not a date (YYYY-MM-DD)"),
        (series(count="", term="Autumn"), "term: there is no term 'Autumn' (see `compax terms list`)"),
        (series(excluded_dates=f"{Y2031}-04-06 next-week"), "excluded_dates: 'next-week' is not a date (YYYY-MM-DD)"),
    ],
)  # fmt: skip
def test_a_line_that_cannot_be_an_item_says_why(campus, fields, said):
    with pytest.raises(BadLine) as refused:
        item_from_fields(fields, campus)
    assert str(refused.value) == said


def test_a_csv_file_line_by_line(campus):
    text = "\n".join(
        [
            HEADER,
            f'L-1,series,M-101,"Algebra, part 1",,,,,,{Y2031}-03-03,10:00,90,,,mon,,4,,',
            "",
            " , ,  ",
            f'L-2,booking,M-101,Exam,"two\nlines",,,{Y2031}-03-05 09:00,{Y2031}-03-05 10:00,,,,,,,,,,',
            "L-3,booking,M-101,Exam,,,,,,,,,,,,,,,,spare",
            "L-4,booking,M-101,Exam",
        ]
    )
    rows, errors = read_csv(text, campus)
    assert [(r.where, r.item.external_id, r.item.title) for r in rows] == [
        ("line 2", "L-1", "Algebra, part 1"),
        ("line 5", "L-2", "Exam"),
    ]
    assert rows[1].item.description == "two\nlines"
    assert errors == ["line 7: 20 values for 19 columns", "line 8: start is empty"]
    semicolons = f"external_id;kind;room;title;start;end\nS-1;booking;M-101;Exam;{Y2031}-03-05 09:00;{Y2031}-03-05 10:00\n"
    tabs = semicolons.replace(";", "\t")
    for other in (semicolons, tabs, semicolons.upper().replace("M-101", "M-101")):
        rows, errors = read_csv(other.replace("BOOKING", "booking"), campus)
        assert errors == [] and rows[0].item.start == datetime(Y2031, 3, 5, 9, tzinfo=BERLIN)
    assert read_csv("", campus) == (
        [],
        ["line 1: the file is empty; its first line names the columns"],
    )
    assert read_csv("external_id,kind,title\n", campus) == (
        [],
        [
            "line 1: the column 'room' is missing (the columns are: "
            + HEADER.replace(",", ", ")
            + ")"
        ],
    )


def test_a_file_by_its_name_and_its_bytes(campus, tmp_path: Path):
    csv_file = tmp_path / "t.csv"
    booking = f"L-1,booking,M-101,Exam,,,,{Y2031}-03-03 09:00,{Y2031}-03-03 10:00,,,,,,,,,,"
    csv_file.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\n{booking}\n".encode())  # Excel's BOM
    rows, errors = read_file(csv_file, campus)
    assert errors == [] and rows[0].item.start == datetime(Y2031, 3, 3, 9, tzinfo=BERLIN)
    csv_file.write_bytes(f"{HEADER}\nL-1,booking,M-101,Caf\xe9\n".encode("latin-1"))
    assert read_file(csv_file, campus) == (
        [],
        [f"t.csv is not UTF-8 text (byte {len(HEADER) + 22}); save it as UTF-8"],
    )
    ics = tmp_path / "t.ICS"  # read as iCalendar by its suffix, whatever its case
    ics.write_text(calendar(event("A", "DTSTART:20310303T090000Z", "DTEND:20310303T100000Z")))
    rows, errors = read_file(ics, campus)
    assert errors == [] and [r.item.external_id for r in rows] == ["A"]


def event(uid: str, *lines: str, room: str = "M-101", title: str = "Lecture") -> str:
    head = [f"UID:{uid}"] if uid else []
    head += [f"SUMMARY:{title}"] if title else []
    head += [f"LOCATION:{room}"] if room else []
    return "\n".join(["BEGIN:VEVENT", *head, *lines, "END:VEVENT"])


def calendar(*events: str) -> str:
    return (
        "\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//SIS//EN", *events, "END:VCALENDAR"])
        + "\n"
    )


def ics(campus: Campus, *events: str):
    return read_ics(calendar(*events).replace(str(2031), str(Y2031)).encode(), campus)


def test_an_icalendar_series_its_changes_and_its_cancellations(campus):
    rows, errors = ics(
        campus,
        event(
            "stat@sis",
            "DTSTART;TZID=America/New_York:20310303T090000",  # 15:00 in Berlin: the room's
            "DTEND;TZID=America/New_York:20310303T103000",
            "RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;UNTIL=20310331T225959Z",
            "EXDATE:20310305T140000Z,20310310T140000Z",
            "DESCRIPTION:Statistics for all",
        ),
        event("stat@sis", "RECURRENCE-ID:20310312T140000Z", "STATUS:CANCELLED", "DTSTART:20310312T140000Z", "DTEND:20310312T153000Z", title=""),
        event("stat@sis", "RECURRENCE-ID:20310317T140000Z", "DTSTART:20310317T160000Z", "DURATION:PT1H", title="", room="NY-1"),
        event("gone@sis", "STATUS:CANCELLED", "DTSTART:20310303T090000Z", "DTEND:20310303T100000Z"),
        event("floating@sis", "DTSTART:20310304T090000", "DTEND:20310304T100000", room="NY-1"),
    )  # fmt: skip
    assert errors == []
    assert [(r.where, r.item.external_id, r.item.kind) for r in rows] == [
        ("line 4 (stat@sis)", "stat@sis", "series"),
        ("line 22 (stat@sis)", f"stat@sis/{Y2031}-03-17", "booking"),
        ("line 37 (floating@sis)", "floating@sis", "booking"),
    ]
    lecture, moved, floating = (r.item for r in rows)
    assert (lecture.start_date, lecture.start_time, lecture.duration_minutes) == (
        date(Y2031, 3, 3),
        "15:00",
        90,
    )
    assert lecture.recurrence == {  # UNTIL is 00:59:59 on 1 April in Berlin: before 15:00
        "freq": "weekly",
        "interval": 1,
        "weekdays": ["mon", "wed"],
        "until": date(Y2031, 3, 31),
    }
    # EXDATEs, a cancelled occurrence and a moved one are left out of the series
    assert sorted(lecture.excluded_dates) == [
        date(Y2031, 3, 5), date(Y2031, 3, 10), date(Y2031, 3, 12), date(Y2031, 3, 17)
    ]  # fmt: skip
    assert (lecture.description, moved.description) == ("Statistics for all", None)
    assert (moved.room, moved.title) == ("NY-1", "Lecture")  # its own room; the series' title
    assert (moved.start.isoformat(), moved.end.isoformat()) == (
        f"{Y2031}-03-17T16:00:00+00:00",
        f"{Y2031}-03-17T17:00:00+00:00",
    )
    assert floating.start == datetime(Y2031, 3, 4, 9, tzinfo=NEW_YORK)  # the room's wall clock


def test_monthly_and_counted_rules(campus):
    rows, errors = ics(
        campus,
        event("m1", "DTSTART:20310304T090000Z", "DTEND:20310304T100000Z", "RRULE:FREQ=MONTHLY;COUNT=3"),
        event("m2", "DTSTART:20310311T090000Z", "DTEND:20310311T100000Z", "RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=3"),
        event("m3", "DTSTART:20310325T090000Z", "DTEND:20310325T100000Z", "RRULE:FREQ=MONTHLY;BYDAY=-1TU;BYMONTHDAY=25;COUNT=2;WKST=MO"),
        event("d1", "DTSTART:20310304T090000Z", "DTEND:20310304T100000Z", "RRULE:FREQ=DAILY;COUNT=5;INTERVAL=2"),
    )  # fmt: skip
    assert errors == []
    assert [r.item.recurrence for r in rows] == [
        {"freq": "monthly", "monthly_by": "date", "count": 3},
        {"freq": "monthly", "monthly_by": "nth_weekday", "nth": 2, "count": 3},
        {"freq": "monthly", "monthly_by": "nth_weekday", "nth": -1, "count": 2},
        {"freq": "daily", "interval": 2, "count": 5},
    ]


START, END = "DTSTART:20310304T090000Z", "DTEND:20310304T100000Z"


def rule(text: str) -> str:
    """An event on Tuesday 2031-03-04, 09:00-10:00 UTC, repeating by ``RRULE:text``."""
    return event("e", START, END, f"RRULE:{text}")


@pytest.mark.parametrize(
    ("evt", "said"),
    [
        (event("", START, END), "the event has no UID (the id that stays the same across exports)"),
        (event("e", START, END, room=""), "LOCATION (the room code) is empty"),
        (event("e", START, END, title=""), "SUMMARY (the title) is empty"),
        (event("e", END), "DTSTART is missing"),
        (event("e", "DTSTART;VALUE=DATE:20310304"), "an all-day event (DTSTART is a date) cannot be booked; give times"),
        (event("e", START), "DTEND (or DURATION) is missing"),
        (event("e", START, "DTEND;VALUE=DATE:20310305"), "DTEND is a date; give a time"),
        (event("e", START, "DTEND:20310304T090000Z"), "DTEND must be after DTSTART"),
        (event("e", START, "DTEND:20310304T090030Z", "RRULE:FREQ=DAILY;COUNT=2"), "DTEND must be at least a minute after DTSTART"),
        (event("e", START, END, "RDATE:20310306T090000Z", "RRULE:FREQ=DAILY;COUNT=2"), "RDATE (extra dates) is not supported; make them events of their own"),
        (rule("FREQ=WEEKLY;COUNT=2;BYSETPOS=1;BYHOUR=9"), "RRULE: BYHOUR, BYSETPOS is not supported"),
        (rule("FREQ=YEARLY;COUNT=2"), "RRULE: FREQ must be DAILY, WEEKLY or MONTHLY"),
        (rule("COUNT=2"), "RRULE: FREQ must be DAILY, WEEKLY or MONTHLY"),
        (rule("FREQ=WEEKLY;BYDAY=MO,1TU;COUNT=2"), "RRULE: BYDAY=MO,1TU is not a list of weekdays"),
        (rule("FREQ=MONTHLY;BYDAY=2WE;COUNT=2"), "RRULE: BYDAY=2WE is not the weekday of DTSTART"),
        (rule("FREQ=MONTHLY;BYDAY=1TU,3TU;COUNT=2"), "RRULE: a monthly BYDAY must be one n-th weekday, e.g. 2TU or -1FR"),
        (rule("FREQ=MONTHLY;BYDAY=5TU;COUNT=2"), "RRULE: a monthly BYDAY must be one n-th weekday, e.g. 2TU or -1FR"),
        (rule("FREQ=MONTHLY;BYDAY=TU;COUNT=2"), "RRULE: a monthly BYDAY must be one n-th weekday, e.g. 2TU or -1FR"),
        (rule("FREQ=DAILY;BYDAY=TU;COUNT=2"), "RRULE: BYDAY works with FREQ=WEEKLY or MONTHLY"),
        (rule("FREQ=MONTHLY;BYMONTHDAY=5;COUNT=2"), "RRULE: BYMONTHDAY must be the day of DTSTART"),
        (rule("FREQ=DAILY;COUNT=2;UNTIL=20310310T000000Z"), "RRULE: give UNTIL or COUNT, not both"),
        (rule("FREQ=DAILY"), "RRULE: without UNTIL or COUNT it repeats forever; give one"),
    ],
)  # fmt: skip
def test_an_event_that_cannot_be_an_item_says_why(campus, evt, said):
    rows, errors = ics(campus, evt)
    assert (rows, errors) == ([], [f"line 4 ({'e' if 'UID:e' in evt else 'no UID'}): {said}"])


def test_events_are_named_by_their_line_and_read_in_order(campus):
    bad = event("b", START)
    rows, errors = ics(campus, event("a", START, END), bad, event("c", START, END))
    assert [r.where for r in rows] == ["line 4 (a)", "line 17 (c)"]
    assert errors == ["line 11 (b): DTEND (or DURATION) is missing"]
    assert read_ics(b"not a calendar", campus)[1][0].startswith("not an iCalendar file: ")


@pytest.mark.parametrize(
    ("until", "last"),
    [
        ("UNTIL=20310310T090000Z", 9),  # 10:00 in Berlin: before that day's 15:00
        ("UNTIL=20310310T140000Z", 10),  # 15:00: the occurrence starts at UNTIL, so it is one
        ("UNTIL=20310310T225959Z", 10),
        ("UNTIL=20310310T100000", 9),  # a floating UNTIL is on the room's clock too
        ("UNTIL=20310310", 10),  # a date: that day
    ],
)
def test_until_is_the_last_day_an_occurrence_starts_by_it(campus, until, last):
    """RFC 5545: an occurrence that would start after UNTIL is not one. The import's
    ``until`` is a day, so an UNTIL earlier in the day than the lectures ends the day
    before (that day's lecture was booked although the timetable had ended)."""
    rule = f"RRULE:FREQ=DAILY;{until}"
    rows, errors = ics(
        campus, event("d", "DTSTART:20310303T140000Z", "DTEND:20310303T150000Z", rule)
    )
    assert errors == []
    assert rows[0].item.recurrence == {"freq": "daily", "until": date(Y2031, 3, last)}


def test_the_edges_of_each_number_and_the_columns_of_each_item(campus):
    short = item_from_fields(
        series(duration_minutes="1", count="1", attendees="1", owner="ada@campus.example",
               description="Tutorial"),
        campus,
    )  # fmt: skip
    assert (short.owner, short.description) == ("ada@campus.example", "Tutorial")
    assert (short.duration_minutes, short.recurrence["count"], short.attendees) == (1, 1, 1)
    assert (short.room, short.title, short.external_id) == ("M-101", "Exam", "X-1")
    for fields, said in (
        (series(count="0"), "count: '0' is not a whole number of 1 or more"),
        (line(start=f"{Y2031}-03-03 09:00", end="later"), "end: 'later' is not a time"),
    ):
        with pytest.raises(BadLine) as refused:
            item_from_fields(fields, campus)
        assert str(refused.value).startswith(said)
    assert read_csv("external_id,kind,room,title,term,colour,term,colour\n", campus)[1] == [
        "line 1: unknown column 'colour'; the column 'term' is given twice (the columns are: "
        + HEADER.replace(",", ", ")
        + ")"
    ]
    errors = read_csv("external_id,kind,title\n", campus)[1]
    assert errors[0].startswith("line 1: the column 'room' is missing (the columns")


@pytest.mark.parametrize("suffix", [".ics", ".ical", ".ifb", ".icalendar", ".ICALENDAR"])
def test_every_icalendar_suffix_is_read_as_icalendar(campus, tmp_path, suffix):
    path = tmp_path / f"t{suffix}"
    path.write_text(calendar(event("A", START, END)))
    assert [r.item.external_id for r in read_file(path, campus)[0]] == ["A"]


def test_an_icalendar_series_keeps_its_rooms_clock_and_its_parts(campus):
    """A series repeats on the room's clock even when --tz reads the command's times
    elsewhere; an occurrence without a room or title takes its series'; EXDATEs on several
    lines, as dates too; bytes that are not UTF-8 do not stop the reading."""
    campus.st.tz = "America/New_York"
    rows, errors = ics(
        campus,
        event("s", "DTSTART:20310303T140000Z", "DTEND:20310303T150000Z", "RRULE:FREQ=WEEKLY;COUNT=5",
              "EXDATE:20310310T140000Z", "EXDATE;VALUE=DATE:20310317", "DESCRIPTION:Caf\u00e9"),
        event("s", "RECURRENCE-ID:20310324T140000Z", "DTSTART:20310324T150000Z",
              "DTEND:20310324T160000Z", room="", title=""),
        event("b", "DTSTART:20310304T090000", "DTEND:20310304T100000", "DESCRIPTION:Oral exam",
              room="NOWHERE-1"),
    )  # fmt: skip
    assert errors == []
    lecture, moved, oral = (r.item for r in rows)
    assert (lecture.room, lecture.title, lecture.start_time) == ("M-101", "Lecture", "15:00")
    assert sorted(lecture.excluded_dates) == [
        date(Y2031, 3, 10), date(Y2031, 3, 17), date(Y2031, 3, 24)
    ]  # fmt: skip
    assert (moved.room, moved.title) == ("M-101", "Lecture")
    assert (oral.room, oral.description) == ("NOWHERE-1", "Oral exam")
    assert oral.start == datetime(Y2031, 3, 4, 9, tzinfo=NEW_YORK)  # floating: --tz here
    latin = calendar(event("L", START, END)).replace("Lecture", "Caf\u00e9").encode("latin-1")
    assert [
        r.item.title for r in read_ics(latin.replace(b"2031", str(Y2031).encode()), campus)[0]
    ] == ["Caf\ufffd"]


def test_an_icalendar_series_in_a_room_the_server_does_not_have(campus):
    rows, errors = ics(
        campus,
        event("s", "DTSTART:20310303T140000Z", "DTEND:20310303T150000Z", "RRULE:FREQ=DAILY;COUNT=2",
              room="NOWHERE-1"),
    )  # fmt: skip
    assert errors == [] and rows[0].item.start_time == "15:00"  # the command's zone: Berlin


def test_a_weekday_is_the_start_of_its_name(campus):
    """``tu``, ``Tues``, ``tuesday``; not one letter, nor a word that starts with a day's
    name (``monkey`` was Monday)."""
    item = item_from_fields(series(weekdays=",MO, Tues;wednesday  th FRI sa sun "), campus)
    assert item.recurrence["weekdays"] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    for wrong in ("t", "monkey", "tuesdays", "2", "mx"):
        with pytest.raises(BadLine) as refused:
            item_from_fields(series(weekdays=wrong), campus)
        assert str(refused.value) == f"weekdays: {wrong!r} is not mon, tue, ... sun"


@pytest.mark.parametrize(
    ("broken", "said"),
    [
        ("DTSTART:garbage", "DTSTART: 'garbage' cannot be read (Expected time, got: garbage)"),
        ("DURATION:PXYZ", "DURATION: 'PXYZ' cannot be read (Invalid iCalendar duration: PXYZ)"),
        ("RRULE:FREQ=WEEKLY;INTERVAL=x;COUNT=3", "RRULE: 'FREQ=WEEKLY;INTERVAL=x;COUNT=3' cannot be read (Expected int, got: x)"),
        ("EXDATE:nonsense", "EXDATE: 'nonsense' cannot be read (Wrong date format nonsense)"),
        ("RECURRENCE-ID:soon", "RECURRENCE-ID: 'soon' cannot be read (Expected datetime, date, or time. Got: 'soon')"),
    ],
)  # fmt: skip
def test_a_value_icalendar_cannot_read_names_its_event(campus, broken, said):
    """icalendar 7 keeps such a value and raises only when it is used (a traceback, once)."""
    good = ["EXDATE:20310311T090000Z", "EXDATE:20310318T090000Z", "RRULE:FREQ=WEEKLY;COUNT=3"]
    rows, errors = ics(
        campus, event("e", START, END if "DURATION" not in broken else "", broken, *good)
    )
    assert (rows, errors) == ([], [f"line 4 (e): {said}"])


def test_a_one_column_file_and_a_one_minute_series(campus):
    assert read_csv("external_id\n", campus)[1][0].startswith(
        "line 1: the column 'kind' is missing; the column 'room' is missing"
    )
    rows, errors = ics(
        campus, event("e", START, "DTEND:20310304T090100Z", "RRULE:FREQ=DAILY;COUNT=2")
    )
    assert errors == [] and rows[0].item.duration_minutes == 1


def test_without_icalendar_the_message_says_what_to_install(campus, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "icalendar", None)  # import icalendar -> ImportError
    with pytest.raises(typer.Exit):
        read_ics(b"BEGIN:VCALENDAR", campus)
    assert capsys.readouterr().err == (
        "error: reading .ics files needs the icalendar package: pip install icalendar (or\n"
        "  export the timetable as CSV)\n"
    )


def test_a_time_at_the_ends_of_the_calendar_names_its_event(campus):
    """Year 1 in New York is before the calendar begins: named, not a traceback."""
    rows, errors = read_ics(
        calendar(event("y1", "DTSTART:00010101T003000Z", "DTEND:00010101T013000Z",
                       "RRULE:FREQ=DAILY;UNTIL=00010101T000000Z", room="NY-1")).encode(),
        campus,
    )  # fmt: skip
    assert (rows, errors) == ([], ["line 4 (y1): a time is outside the calendar (years 1 to 9999)"])


def test_a_local_time_utc_cannot_hold_names_its_event(campus):
    """Year 1 at midnight in Berlin (local mean time, +00:53:28) is year 0 in UTC, the form
    it would be sent in: named, not a traceback from the SDK."""
    rows, errors = read_ics(
        calendar(event("y1", "DTSTART;TZID=Europe/Berlin:00010101T000000",
                       "DTEND;TZID=Europe/Berlin:00010101T010000")).encode(),
        campus,
    )  # fmt: skip
    assert (rows, errors) == ([], ["line 4 (y1): a time is outside the calendar (years 1 to 9999)"])
