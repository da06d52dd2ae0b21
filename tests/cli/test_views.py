"""How the CLI shows bookings, series and room searches, on their own (no server): the words
of each field, the tables at a known width, and the options naming statuses and weekdays."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import typer

from compax_cli import api_keys, booking_views, options, room_search, series_views
from compax_cli.session import State
from compax_sdk import (
    Availability,
    Booking,
    BookingSeries,
    Room,
    SeriesResult,
    UnavailableReason,
    UnavailableRoom,
)
from tests.cli import models
from tests.dates import future_year

BERLIN = ZoneInfo("Europe/Berlin")
Y = future_year(2027)
STAMP = datetime(Y, 1, 4, 9, 30, tzinfo=BERLIN).isoformat()
TUE = f"Tue {Y}-03-02"  # future_year keeps the weekdays of 2027


def at(month: int, day: int, hour: int, minute: int = 0) -> str:
    return datetime(Y, month, day, hour, minute, tzinfo=BERLIN).isoformat()


def booking(**fields: Any) -> Booking:
    base = {
        "id": 41,
        "room_id": 3,
        "owner_id": 7,
        "title": "Linear algebra",
        "start": at(3, 2, 9),
        "end": at(3, 2, 10, 30),
        "status": "confirmed",
        "version": 2,
        "created_by_id": 1,
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    return Booking.model_validate(base | fields)


def state(*rooms: Room, tz: str | None = None, json_: bool = False) -> State:
    """A command's state with no client: Ada (7) and the admin (1) by name, ``rooms`` known."""
    people = [models.user(), models.user(1, "root@x.example", "")]
    return State(tz=tz, json=json_, names=models.names(rooms, users=people))


# -- bookings --------------------------------------------------------------------------------


def test_statuses_are_read_from_repeated_and_comma_separated_options_in_any_case():
    assert booking_views.statuses(None) is None
    assert booking_views.statuses([]) is None
    assert booking_views.statuses([" ,"]) is None
    given = ["pending, Confirmed", " RELEASED "]
    assert booking_views.statuses(given) == ["pending", "confirmed", "released"]
    with pytest.raises(typer.BadParameter) as refused:
        booking_views.statuses(["confirmed,held"])
    assert refused.value.message == (
        "'held' is not one of pending, confirmed, rejected, cancelled, released"
    )
    assert refused.value.param_hint == "--status"


def test_a_booking_names_its_room_its_fields_changed_by_hand_and_who_booked_it():
    st = state()
    assert booking_views.room_code(models.room(), booking()) == "M-101"
    assert booking_views.room_code(None, booking(room_id=9)) == "(room 9)"
    assert booking_views.exception_text(["room_id", "time", "title"]) == "room, time, title"
    assert booking_views.exception_text([]) == ""
    assert booking_views.booked_by(st, booking(created_by_id=None)) == "the system"
    assert booking_views.booked_by(st, booking(created_by_id=1)) == "root@x.example"
    assert booking_views.booked_by(st, booking(created_by_id=8)) == "user 8"


def test_when_is_in_the_rooms_zone_unless_tz_is_given():
    st = state()
    assert booking_views.when(st, booking(), models.room()) == f"{TUE} 09:00-10:30 CET"
    tokyo = state(tz="Asia/Tokyo")
    assert booking_views.when(tokyo, booking(), models.room()) == f"{TUE} 17:00-18:30 JST"


def test_the_rooms_of_bookings_are_each_asked_for_once_and_a_removed_one_is_none():
    st = state(models.room())
    assert booking_views.rooms_by_id(st, [3, 3, 9]) == {3: models.room(), 9: None}


def test_with_room_makes_the_rooms_zone_the_commands_and_learns_its_people():
    st = state(models.room(timezone="Asia/Tokyo"))
    assert booking_views.with_room(st, booking()) == models.room(timezone="Asia/Tokyo")
    assert st.zone_hint == ZoneInfo("Asia/Tokyo")
    gone = state()
    gone.zone_hint = BERLIN
    assert booking_views.with_room(gone, booking()) is None
    assert gone.zone_hint == BERLIN


def test_the_booking_table_names_rooms_and_people_and_leaves_out_the_series_first(screen):
    """A room that was removed is named by its id, a person we may not read by theirs."""
    st = state(models.room())
    rows = [booking(series_id=12), booking(id=42, room_id=9, owner_id=8, status="pending")]
    wide = screen(140)
    booking_views.booking_table(st, rows, booking_views.rooms_by_id(st, [3, 9]), title="Mine")
    lines = wide.out.splitlines()
    assert lines[0] == "Mine"
    assert [h.strip() for h in lines[2].split("┃")[1:-1]] == [
        *("id", "room", "when", "status", "owner", "series", "title")
    ]
    assert lines[4].startswith(f"│ 41 │ M-101    │ {TUE} 09:00-10:30 CET ")
    assert lines[4].endswith(
        "│ confirmed │ Ada Lovelace <ada@campus.example> │ 12     │ Linear algebra │"
    )
    assert lines[5].startswith("│ 42 │ (room 9) │") and "│ pending   │ user 8 " in lines[5]
    assert wide.err == ""
    narrow = screen(80)
    booking_views.booking_table(st, rows, {3: models.room(), 9: None})
    assert "┃ id ┃ room     ┃ when                 ┃ owner                ┃ title" in narrow.out
    assert narrow.err == (
        "Left out to fit 80 columns: status, series (a wider terminal or --json shows\nthem).\n"
    )
    middling = screen(86)
    booking_views.booking_table(st, rows, {3: models.room(), 9: None})
    assert "status" in middling.out
    assert middling.err.startswith("Left out to fit 86 columns: series (")
    empty = screen(80)
    booking_views.booking_table(st, [], {}, empty="No bookings of yours.")
    booking_views.booking_table(st, [], {})
    assert (empty.out, empty.err) == ("", "No bookings of yours.\nNo bookings.\n")


def test_one_booking_in_details(screen):
    s = screen(100)
    shown = booking(
        status="cancelled",
        reason="room closed",
        series_id=12,
        exception_fields=["room_id", "title"],
        description="Bring a laptop",
    )
    booking_views.show_booking(state(models.room()), shown, models.room())
    assert s.out.splitlines() == [
        "Booking 41",
        "id               41",
        "room             M-101",
        f"when             {TUE} 09:00-10:30 CET",
        "title            Linear algebra",
        "description      Bring a laptop",
        "status           cancelled (room closed)",
        "owner            Ada Lovelace <ada@campus.example>",
        "series           12",
        "changed by hand  room, title",
        f"booked           {Y}-01-04 09:30 by root@x.example",
        "version          2",
    ]


def test_a_booking_of_a_removed_room_in_details(screen):
    s = screen(100)
    st = state()
    st.zone_hint = ZoneInfo("UTC")  # the command's zone, for a room we cannot see
    booking_views.show_booking(st, booking(room_id=9, created_by_id=None), None)
    assert "room             (room 9)\n" in s.out
    assert "status           confirmed\n" in s.out
    assert f"booked           {Y}-01-04 08:30 by the system\n" in s.out


def test_one_booking_as_json(capsys):
    booking_views.show_booking(state(json_=True), booking(), None)
    assert json.loads(capsys.readouterr().out)["title"] == "Linear algebra"


# -- series ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "day"),
    [
        ("mon", "mon"),
        ("Tue", "tue"),
        ("wednesday", "wed"),
        ("th", "thu"),
        (" FRI ", "fri"),
        ("sa", "sat"),
        ("sunday", "sun"),
        ("t", None),
        ("s", None),
        ("monkey", None),
        ("", None),
        ("mondays", None),
    ],
)
def test_a_weekday_is_the_start_of_its_name_two_letters_at_least(word, day):
    assert series_views.weekday(word) == day


def test_on_reads_repeated_and_comma_separated_weekdays():
    assert series_views.weekdays(None) is None
    assert series_views.weekdays([]) is None
    assert series_views.weekdays([", "]) is None
    assert series_views.weekdays(["mon, Wed", "friday"]) == ["mon", "wed", "fri"]
    with pytest.raises(typer.BadParameter) as refused:
        series_views.weekdays(["mon,monkey"])
    assert refused.value.message == "'monkey' is not mon, tue, ... sun"
    assert refused.value.param_hint == "--on"


def series(**fields: Any) -> dict[str, Any]:
    return {
        "id": 12,
        "room_id": 3,
        "owner_id": 7,
        "title": "Linear algebra",
        "rule": {"freq": "weekly", "weekdays": ["mon", "wed"], "until": f"{Y}-06-30"},
        "start_time": "09:00",
        "duration_minutes": 90,
        "timezone": "Europe/Berlin",
        "status": "active",
        "version": 1,
        "created_at": STAMP,
        "updated_at": STAMP,
        **fields,
    }


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (
            {"freq": "weekly", "weekdays": ["mon", "wed"], "until": "2027-06-30"},
            "weekly on mon,wed until 2027-06-30",
        ),
        ({"freq": "weekly", "interval": 2, "count": 10}, "every 2 weeks, 10 times"),
        ({"freq": "daily", "interval": 3, "term_id": 4}, "every 3 days through term 4"),
        ({"freq": "monthly", "interval": 1, "count": 5}, "monthly, 5 times"),
        ({"freq": "yearly", "interval": 2}, "every 2 yearly"),
        ({"until": "2027-06-30", "count": 3}, "? until 2027-06-30"),
    ],
)
def test_a_rule_in_words(rule, text):
    assert series_views.rule_text(BookingSeries.model_validate(series(rule=rule))) == text


def test_a_series_in_details_shows_attendees_only_when_given():
    pairs = dict(series_views.series_pairs(BookingSeries.model_validate(series()), "M-101"))
    assert pairs == {
        "id": 12,
        "title": "Linear algebra",
        "room": "M-101",
        "repeats": f"weekly on mon,wed until {Y}-06-30",
        "time": "09:00 for 1h30m (Europe/Berlin)",
        "skips holidays": True,
        "excluded": [],
        "added": [],
        "status": "active",
        "owner": 7,
        "version": 1,
    }
    counted = BookingSeries.model_validate(series(attendees=40))
    assert dict(series_views.series_pairs(counted, "M-101", "Ada"))["attendees"] == 40
    assert dict(series_views.series_pairs(counted, "M-101", "Ada"))["owner"] == "Ada"


def test_what_a_series_write_did_is_said_date_by_date(screen):
    s = screen(200)
    result = SeriesResult.model_validate(
        series(
            booking_ids=[41, 42],
            skipped=[
                {
                    "date": f"{Y}-03-04",
                    "reason": "conflict",
                    "conflicts": [{"id": 9}, {"start": "09:00", "end": "10:00"}],
                },
                {
                    "date": f"{Y}-03-09",
                    "reason": "rule",
                    "errors": [{"detail": "too long"}, {"detail": "too early"}],
                },
                {"date": f"{Y}-03-11", "reason": "conflict"},
                {
                    "date": f"{Y}-03-18",
                    "reason": "closure",
                    "errors": [{"rule": "closure", "detail": "closed (Floor works)"}],
                },
                {"date": f"{Y}-03-23", "reason": "rule"},
            ],
            skipped_holidays=[f"{Y}-04-05", f"{Y}-04-07"],
            adjustments=[
                {"date": f"{Y}-03-28", "rule": "dst_gap", "detail": "02:30 does not exist"},
                {"date": f"{Y}-03-29"},
            ],
            rejected_booking_ids=[50, 51],
            exceptions_kept=[
                {"booking_id": 44, "date": f"{Y}-03-16", "fields": ["room_id"]},
                {"booking_id": 45, "date": f"{Y}-03-17"},
            ],
        )
    )
    series_views.show_result(state(), result, "M-101", "Created")
    assert s.err.splitlines() == [
        "Created series 12: 2 occurrences.",
        f"  skipped {Y}-03-04: taken: booking 9, busy 09:00 to 10:00",
        f"  skipped {Y}-03-09: too long; too early",
        f"  skipped {Y}-03-11: taken",
        f"  skipped {Y}-03-18: closed (Floor works)",
        f"  skipped {Y}-03-23: rule (no detail given)",
        f"  holidays left out: {Y}-04-05, {Y}-04-07",
        f"  moved {Y}-03-28: 02:30 does not exist",
        f"  moved {Y}-03-29: off a daylight saving gap",
        "  rejected overlapping requests: [50, 51]",
        f"  kept as changed by hand: booking 44 on {Y}-03-16 (room); --reset-exceptions "
        "overwrites it",
        f"  kept as changed by hand: booking 45 on {Y}-03-17; --reset-exceptions overwrites it",
    ]
    assert s.out.splitlines()[:4] == [
        "Series 12",
        "id              12",
        "title           Linear algebra",
        "room            M-101",
    ]
    assert "owner           Ada Lovelace <ada@campus.example>" in s.out


def test_a_series_write_with_nothing_to_report_says_only_what_it_did(screen, capsys):
    s = screen(100)
    series_views.show_result(state(), SeriesResult.model_validate(series()), "M-101", "Moved")
    assert s.err == "Moved series 12: 0 occurrences.\n"
    series_views.show_result(state(json_=True), SeriesResult.model_validate(series()), "", "")
    assert json.loads(capsys.readouterr().out)["id"] == 12


# -- room search -----------------------------------------------------------------------------


def test_a_rooms_notes():
    assert room_search.room_notes(models.room()) == ""
    assert room_search.room_notes(models.room(requires_approval=True)) == "needs approval"
    assert room_search.room_notes(models.room(bookable=False)) == "not bookable"
    both = models.room(requires_approval=True, bookable=False)
    assert room_search.room_notes(both) == "needs approval, not bookable"


@pytest.mark.parametrize(
    ("values", "found"),
    [
        (None, []),
        ([], []),
        (["booking.*"], ["booking.*"]),
        ([" projector, ", "hdmi,,whiteboard"], ["projector", "hdmi", "whiteboard"]),
        (["booking.*", "room.update,room.delete"], ["booking.*", "room.update", "room.delete"]),
        ([" * "], ["*"]),
        (["a,,b", " , ", "", "c,"], ["a", "b", "c"]),
    ],
)
def test_a_repeatable_option_is_split_at_commas_without_empty_parts(values, found):
    """``--feature``, ``--event``: repeated, comma-separated, or both."""
    assert options.listed(values) == found


def test_an_option_of_choices_reads_any_case_and_names_the_one_it_refuses():
    choices = ("read", "write", "import")
    assert options.chosen([" Read,write", "IMPORT,,"], choices, "--scope") == [
        "read",
        "write",
        "import",
    ]
    assert options.chosen(None, choices, "--scope") == []
    with pytest.raises(typer.BadParameter) as refused:
        options.chosen(["read,Admin"], choices, "--scope")
    assert refused.value.message == "'Admin' is not one of read, write, import"
    assert refused.value.param_hint == "--scope"


def test_api_key_scopes_are_read_and_write_unless_given():
    assert api_keys.scopes(None) == ["read", "write"]
    assert api_keys.scopes([" , "]) == ["read", "write"]
    assert api_keys.scopes(["import", "Admin"]) == ["import", "admin"]
    with pytest.raises(typer.BadParameter) as refused:
        api_keys.scopes(["owner"])
    assert refused.value.message == "'owner' is not one of read, write, import, admin"


def reason(**fields: Any) -> UnavailableReason:
    return UnavailableReason.model_validate(fields)


def test_why_a_room_is_not_free_in_words():
    st = state()
    span = {"start": at(3, 2, 9), "end": at(3, 2, 10)}
    mine = reason(type="booking", booking_id=41, title="Exam", status="confirmed", **span)
    theirs = reason(type="booking", status="pending", **span)
    assert room_search.reason_text(mine, st, "Europe/Berlin") == (
        f"booking 41 'Exam' {TUE} 09:00-10:00 CET (confirmed)"
    )
    assert room_search.reason_text(theirs, st, "Asia/Tokyo") == (
        f"a booking {TUE} 17:00-18:00 JST (pending)"
    )
    closed = reason(type="closure", detail="Floor works", **span)
    assert room_search.reason_text(closed, st, "Europe/Berlin") == (
        f"closed (Floor works) {TUE} 09:00-10:00 CET"
    )
    hours = reason(type="outside_opening_hours")
    assert room_search.reason_text(hours, st, "Europe/Berlin") == "outside opening hours"
    said = reason(type="not_bookable", detail="the room is not bookable")
    assert room_search.reason_text(said, st, "Europe/Berlin") == "the room is not bookable"
    no_times = reason(type="booking", booking_id=41, status="confirmed", start=at(3, 2, 9))
    assert room_search.reason_text(no_times, st, "Europe/Berlin") == "booking 41 (confirmed)"
    bare = reason(type="booking")
    assert room_search.reason_text(bare, st, "Europe/Berlin") == "a booking"
    unsaid = reason(type="closure", **span)
    assert room_search.reason_text(unsaid, st, "Europe/Berlin") == f"closed {TUE} 09:00-10:00 CET"
    assert room_search.reason_text(reason(type="closure"), st, "Europe/Berlin") == "closed"


def test_a_room_shows_three_reasons_and_counts_the_rest():
    four = [reason(type="closure", detail=f"works {n}") for n in range(4)]
    blocked = UnavailableRoom.model_validate(models.room().model_dump() | {"reasons": four})
    assert room_search.reasons_text(blocked, state()) == (
        "closed (works 0); closed (works 1); closed (works 2); and 1 more"
    )
    blocked.reasons = four[:3]
    assert room_search.reasons_text(blocked, state()).endswith("closed (works 2)")
    span = {"start": at(3, 2, 9), "end": at(3, 2, 10)}
    tokyo = UnavailableRoom.model_validate(
        models.room(timezone="Asia/Tokyo").model_dump()
        | {"reasons": [reason(type="closure", **span)]}
    )
    assert room_search.reasons_text(tokyo, state()) == f"closed {TUE} 17:00-18:00 JST"


def test_availability_is_one_list_of_free_and_busy_times_in_order():
    found = Availability.model_validate(
        {
            "room_id": 3,
            "from": at(3, 2, 0),
            "to": at(3, 3, 0),
            "timezone": "Europe/Berlin",
            "free": [
                {"start": at(3, 2, 8), "end": at(3, 2, 9)},
                {"start": at(3, 2, 12), "end": at(3, 2, 20)},
            ],
            "busy": [
                {"start": at(3, 2, 11), "end": at(3, 2, 12), "kind": "booking"},
                {"start": at(3, 2, 9), "end": at(3, 2, 10), "kind": "booking",
                 "booking_id": 41, "title": "Exam", "status": "confirmed"},
                {"start": at(3, 2, 10), "end": at(3, 2, 11), "kind": "booking",
                 "booking_id": 43, "status": "pending"},
                {"start": at(3, 2, 9), "end": at(3, 2, 9, 30), "kind": "booking",
                 "booking_id": 44, "status": "pending"},
                {"start": at(3, 2, 9), "end": at(3, 2, 12), "kind": "closure"},
                {"start": at(3, 2, 20), "end": at(3, 3, 0), "kind": "closure",
                 "reason": "Fire drill"},
            ],
        }
    )  # fmt: skip
    rows = [
        (s.astimezone(BERLIN).hour, e.astimezone(BERLIN).hour, state, what)
        for s, e, state, what in room_search.availability_rows(found)
    ]
    assert rows == [  # by start, then end
        (8, 9, "free", ""),
        (9, 9, "pending", "booking 44"),
        (9, 10, "confirmed", "booking 41 'Exam'"),
        (9, 12, "closed", ""),
        (10, 11, "pending", "booking 43"),
        (11, 12, "busy", "a booking"),
        (12, 20, "free", ""),
        (20, 0, "closed", "Fire drill"),
    ]
