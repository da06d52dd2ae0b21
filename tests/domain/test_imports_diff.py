"""domain.imports: the timetable import diff (content and hash, occurrences and their
problems, the comparison with what the source imported before, and what is in the way).

Berlin is UTC+1 in March 2031; 2031-03-03 is a Monday.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from compax_server.domain import imports
from compax_server.domain.imports import ItemPlan, Options, Window

MONDAY = date(2031, 3, 3)
HOURS = {"mon": [["08:00", "18:00"]], "tue": [["08:00", "18:00"]], "wed": [["08:00", "12:00"]]}
BUILDING = {"code": "B1", "timezone": "Europe/Berlin", "opening_hours": HOURS}
FORTNIGHT = timedelta(days=14)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2031, 3, day, hour, minute, tzinfo=UTC)


def test_as_date():
    assert imports.as_date(MONDAY) == MONDAY
    assert imports.as_date("2031-03-03") == MONDAY
    assert imports.as_date(datetime(2031, 3, 3, 10)) == datetime(2031, 3, 3, 10)


def test_options_default_to_nothing_special():
    assert Options() == Options(
        cancel_missing=False, priority=False, override=False, skip_closures=False
    )


# -- content -----------------------------------------------------------------------------------


def booking_item(**kw: Any) -> dict[str, Any]:
    item = {
        "kind": "booking",
        "external_id": "b-1",
        "room": "B1-101",
        "title": "Exam",
        "description": "",
        "owner": "Ada@Example.org ",
        "start": at(3, 9),
        "end": at(3, 11),
    }
    return {**item, **kw}


def series_item(**kw: Any) -> dict[str, Any]:
    item = {
        "kind": "series",
        "external_id": "s-1",
        "room": "B1-101",
        "title": "Maths",
        "description": "Weekly",
        "owner": None,
        "start_date": MONDAY,
        "start_time": "09:00",
        "duration_minutes": 90,
        "recurrence": {"freq": "weekly", "count": 3},
        "excluded_dates": [],
        "skip_holidays": True,
    }
    return {**item, **kw}


def test_every_content_field_changes_the_hash_and_nothing_else_does():
    base = imports.content_hash(series_item())
    other = {
        "room": "B1-102",
        "title": "Physics",
        "description": "",
        "owner": "ada@example.org",
        "start_date": MONDAY + timedelta(days=7),
        "start_time": "10:00",
        "duration_minutes": 60,
        "recurrence": {"freq": "weekly", "count": 4},
        "excluded_dates": [MONDAY],
        "skip_holidays": False,
    }
    assert set(other) == set(imports.CONTENT_FIELDS)
    for name, value in other.items():
        assert imports.content_hash(series_item(**{name: value})) != base, name
    # not content: the item's identity and kind, and keys the item does not have
    for name, value in {"external_id": "s-2", "booking_id": 7, "extra": "ignored"}.items():
        assert imports.content_hash(series_item(**{name: value})) == base, name


def test_content_keeps_the_content_fields_and_folds_the_owner():
    item = series_item(extra="ignored", owner=" ADA@example.org")
    assert imports.content(item) == {
        k: v for k, v in item.items() if k not in ("kind", "external_id", "extra")
    } | {"owner": "ada@example.org"}
    assert imports.content(series_item())["owner"] is None
    assert imports.content(series_item(owner=""))["owner"] == ""


def test_the_content_hash_is_the_sha256_of_sorted_json():
    raw = (
        '{"description": "Weekly", "duration_minutes": 90, "excluded_dates": [], '
        f'"owner": null, "recurrence": {{"count": 3, "freq": "weekly"}}, "room": "B1-101", '
        f'"skip_holidays": true, "start_date": "{MONDAY.isoformat()}", "start_time": "09:00", '
        '"title": "Maths"}'
    )
    series = imports.content_hash(series_item())
    assert series == hashlib.sha256(raw.encode()).hexdigest()
    # A change of case in the owner changes nothing; any other field does.
    assert imports.content_hash(series_item(owner="ADA@example.org")) == imports.content_hash(
        series_item(owner="ada@example.org")
    )
    assert imports.content_hash(series_item(duration_minutes=60)) != series
    assert imports.content_hash(series_item(skip_holidays=False)) != series
    # A date hashes as its ISO text: an until sent as a date (the API's model) hashes as the
    # text the hashes stored before were made of, so a re-import after an upgrade is unchanged.
    until = {"freq": "weekly", "until": date(2031, 6, 30)}
    assert imports.content_hash(series_item(recurrence=until)) == imports.content_hash(
        series_item(recurrence=until | {"until": "2031-06-30"})
    )


def test_a_head_count_is_content_only_when_given():
    # Without one, an item hashes as before items had it: no spurious updates.
    assert imports.content(series_item(attendees=None)) == imports.content(series_item())
    assert imports.content(series_item(attendees=40))["attendees"] == 40
    counted = imports.content_hash(series_item(attendees=40))
    assert counted != imports.content_hash(series_item())
    assert counted != imports.content_hash(series_item(attendees=41))


# -- the plan's view ---------------------------------------------------------------------------


def test_left_alone_is_the_dates_moved_retimed_or_cancelled_by_hand():
    p = ItemPlan("s-1", "series", "update")
    p.exceptions = {
        date(2031, 3, 3): (11, ["title"]),
        date(2031, 3, 10): (12, ["room_id"]),
        date(2031, 3, 17): (13, ["time", "title"]),
        date(2031, 3, 24): (14, ["status"]),
        date(2031, 3, 31): (15, []),
    }
    assert p.left_alone() == {date(2031, 3, 10), date(2031, 3, 17), date(2031, 3, 24)}


def test_the_view_of_a_plain_plan():
    assert ItemPlan("b-1", "booking", "unchanged").view() == {
        "external_id": "b-1",
        "kind": "booking",
        "action": "unchanged",
    }


def test_the_view_shows_what_is_there():
    p = ItemPlan("s-1", "series", "update")
    p.windows = [Window(MONDAY, at(3, 8), at(3, 9)), Window(None, at(4, 8), at(4, 9))]
    p.changes = ["title"]
    p.conflicts = [{"id": 3}]
    p.errors = [{"field": "end"}]
    p.bumps = [4, 5]
    p.booking_ids = [6]
    p.skipped = [{"date": "2031-03-10"}]
    p.series_id = 0
    p.exceptions = {date(2031, 3, 10): (12, ["title"]), MONDAY: (11, ["time", "room_id"])}
    assert p.view() == {
        "external_id": "s-1",
        "kind": "series",
        "action": "update",
        "changes": ["title"],
        "conflicts": [{"id": 3}],
        "errors": [{"field": "end"}],
        "bumped_booking_ids": [4, 5],
        "booking_ids": [6],
        "skipped": [{"date": "2031-03-10"}],
        "series_id": 0,
        "occurrences": 2,
        "exceptions_kept": [
            {"booking_id": 11, "date": "2031-03-03", "fields": ["room_id", "time"]},
            {"booking_id": 12, "date": "2031-03-10", "fields": ["title"]},
        ],
    }
    p.action = "create"
    assert p.view()["occurrences"] == 2
    assert "exceptions_kept" not in p.view()
    p.action = "cancel"
    assert "occurrences" not in p.view()


# -- expand ------------------------------------------------------------------------------------


def plan(item: dict[str, Any]) -> ItemPlan:
    return ItemPlan(item["external_id"], item["kind"], "create", item=item)


def expand(
    item: dict[str, Any],
    terms: dict[int, dict[str, Any]] | None = None,
    *,
    check_hours: bool = True,
    override: bool = False,
    building: dict[str, Any] = BUILDING,
) -> ItemPlan:
    p = plan(item)
    imports.expand(
        p,
        building,
        terms or {},
        check_hours=check_hours,
        override=override,
        max_length=FORTNIGHT,
    )
    return p


def test_a_booking_item_has_one_window():
    p = expand(booking_item())
    assert p.windows == [Window(None, at(3, 9), at(3, 11))]
    assert p.errors == []
    assert p.timezone == "Europe/Berlin"


def test_a_booking_item_that_starts_out_of_range_is_an_error_of_its_start():
    """It was reported as the end's (every window error was), with words about the start."""
    p = expand(booking_item(start=datetime(1969, 12, 31, 23, tzinfo=UTC)))
    assert p.windows == []
    assert p.errors == [
        {
            "field": "start",
            "detail": "start must lie in the accepted range, 1970-01-01 to 2200-01-01 (UTC)",
        }
    ]
    p = expand(booking_item(end=datetime(2200, 1, 2, tzinfo=UTC)))
    assert [e["field"] for e in p.errors] == ["end"]


def test_a_booking_item_that_ends_at_or_before_its_start_is_an_error_of_its_end():
    for end in (at(3, 9), at(3, 8)):
        p = expand(booking_item(end=end))
        assert p.windows == []
        assert p.errors == [{"field": "end", "detail": "end: must be after start"}]


def test_a_booking_item_out_of_bounds_is_an_error_of_its_end():
    p = expand(booking_item(end=at(3, 9) + FORTNIGHT + timedelta(hours=1)))
    assert p.windows == []
    assert p.errors == [
        {
            "field": "end",
            "detail": "a booking may last at most 336 hours (14 days); "
            "staff may override up to 366 days",
        }
    ]
    # staff may override it (up to the hard cap), and no opening hours are asked then
    long = expand(
        booking_item(end=at(3, 9) + FORTNIGHT + timedelta(hours=1)),
        override=True,
        check_hours=False,
    )
    assert long.errors == []
    assert long.windows == [Window(None, at(3, 9), at(17, 10))]


def test_a_booking_outside_opening_hours():
    p = expand(booking_item(start=at(3, 16), end=at(3, 18)))  # 17:00-19:00 local
    assert p.errors == [
        {
            "date": "2031-03-03",
            "rule": "outside_opening_hours",
            "detail": "B1 is not open for the whole of that time",
            "limit": HOURS,
        }
    ]
    assert expand(booking_item(start=at(3, 16), end=at(3, 18)), check_hours=False).errors == []


def test_a_series_item_expands_in_the_buildings_zone():
    p = expand(series_item())
    assert p.windows == [
        Window(date(2031, 3, 3), at(3, 8), at(3, 9, 30)),
        Window(date(2031, 3, 10), at(10, 8), at(10, 9, 30)),
        Window(date(2031, 3, 17), at(17, 8), at(17, 9, 30)),
    ]
    assert p.errors == []


def test_a_series_item_with_excluded_dates_and_until():
    rule = {"freq": "daily", "until": "2031-03-05"}
    p = expand(series_item(recurrence=rule, excluded_dates=["2031-03-04"]))
    assert [w.day for w in p.windows] == [date(2031, 3, 3), date(2031, 3, 5)]
    none_excluded = expand(series_item(recurrence=rule, excluded_dates=None))
    assert [w.day for w in none_excluded.windows] == [
        date(2031, 3, 3),
        date(2031, 3, 4),
        date(2031, 3, 5),
    ]


def test_a_series_outside_opening_hours_names_its_first_date_only():
    rule = {"freq": "daily", "count": 5}
    p = expand(series_item(recurrence=rule, start_time="11:00"))  # Wednesday closes at 12:00
    assert p.errors == [
        {
            "date": "2031-03-05",
            "rule": "outside_opening_hours",
            "detail": "B1 is not open for the whole of that time",
            "limit": HOURS,
        }
    ]
    assert len(p.windows) == 5


def test_a_series_starting_out_of_range_is_an_error_of_its_start_date():
    p = expand(series_item(start_date=date(1969, 12, 31)))
    assert p.errors == [
        {
            "field": "start_date",
            "detail": "start_date must lie in the accepted range, 1970-01-01 to 2200-01-01 (UTC)",
        }
    ]
    assert p.windows == []


@pytest.mark.parametrize(
    "rule",
    [
        {"freq": "weekly"},
        {"freq": "weekly", "count": 2, "until": "2031-04-01"},
        {"freq": "weekly", "count": None, "until": None, "term_id": None},
    ],
)
def test_a_series_needs_exactly_one_end(rule):
    p = expand(series_item(recurrence=rule))
    assert p.errors == [
        {"field": "recurrence", "detail": "give exactly one of until, count or term_id"}
    ]
    assert p.windows == []


def test_a_series_on_a_missing_term():
    p = expand(series_item(recurrence={"freq": "weekly", "term_id": 9}))
    assert p.errors == [{"field": "recurrence.term_id", "detail": "term 9 does not exist"}]


TERMS = {
    9: {
        "start_date": date(2031, 3, 10),
        "end_date": date(2031, 3, 31),
        "holidays": {date(2031, 3, 17)},
    }
}


def test_a_series_in_a_term_runs_from_its_start_to_its_end_without_holidays():
    p = expand(series_item(recurrence={"freq": "weekly", "term_id": 9}), TERMS)
    assert [w.day for w in p.windows] == [date(2031, 3, 10), date(2031, 3, 24), date(2031, 3, 31)]
    keep = expand(
        series_item(recurrence={"freq": "weekly", "term_id": 9}, skip_holidays=False), TERMS
    )
    assert [w.day for w in keep.windows] == [
        date(2031, 3, 10),
        date(2031, 3, 17),
        date(2031, 3, 24),
        date(2031, 3, 31),
    ]
    # The item's own start counts when it is later than the term's.
    later = expand(
        series_item(recurrence={"freq": "weekly", "term_id": 9}, start_date=date(2031, 3, 24)),
        TERMS,
    )
    assert [w.day for w in later.windows] == [date(2031, 3, 24), date(2031, 3, 31)]
    no_flag = series_item(recurrence={"freq": "weekly", "term_id": 9})
    del no_flag["skip_holidays"]
    assert [w.day for w in expand(no_flag, TERMS).windows] == [
        date(2031, 3, 10),
        date(2031, 3, 24),
        date(2031, 3, 31),
    ]


def test_the_recurrences_own_errors_are_reported_on_the_item():
    p = expand(series_item(start_time="24:00"))  # on the field it names
    assert p.errors == [{"field": "start_time", "detail": "a local time HH:MM, e.g. 09:15"}]
    too_many = expand(series_item(recurrence={"freq": "daily", "count": 1001}))
    assert too_many.errors == [
        {
            "field": "recurrence",
            "detail": "A series may have at most 1000 occurrences; shorten it or split it.",
        }
    ]
    assert too_many.windows == []
    # An error that is not one of ours is reported by its text (the API's schema names the
    # frequencies, so this one cannot come from a request).
    bad_freq = expand(series_item(recurrence={"freq": "hourly", "count": 2}))
    assert bad_freq.errors == [{"field": "recurrence", "detail": "'hourly'"}]


def test_a_series_with_no_occurrence_left_is_an_error():
    rule = {"freq": "daily", "count": 1}
    p = expand(series_item(recurrence=rule, excluded_dates=[MONDAY]))
    assert p.errors == [{"field": "recurrence", "detail": "the series has no occurrence"}]
    assert p.windows == []


# -- unchanged and changed fields --------------------------------------------------------------


def booking_plan(**kw: Any) -> ItemPlan:
    p = plan(booking_item(**kw))
    p.room_id, p.owner_id = 5, 6
    return p


STORED_BOOKING = {
    "room_id": 5,
    "owner_id": 6,
    "title": "Exam",
    "description": "",
    "start": at(3, 9),
    "end": at(3, 11),
    "status": "confirmed",
    "attendees": None,
    "exception_fields": [],
}


def test_a_booking_the_same_as_stored_is_unchanged():
    assert imports.changed_fields(booking_plan(), STORED_BOOKING) == []
    assert imports.unchanged(booking_plan(), STORED_BOOKING)
    assert imports.unchanged(booking_plan(), {**STORED_BOOKING, "status": "pending"})
    # The same instants written with an offset are the same.
    plus_one = timezone(timedelta(hours=1))
    same = booking_plan(start=datetime(2031, 3, 3, 10, tzinfo=plus_one))
    assert imports.changed_fields(same, STORED_BOOKING) == []
    no_description = booking_item()
    del no_description["description"]
    p = plan(no_description)
    p.room_id, p.owner_id = 5, 6
    assert imports.changed_fields(p, STORED_BOOKING) == []


def test_each_changed_field_of_a_booking_is_named():
    stored = {
        "room_id": 1,
        "owner_id": 2,
        "title": "Old",
        "description": "old",
        "start": at(3, 8),
        "end": at(3, 12),
        "status": "cancelled",
        "attendees": 30,
        "exception_fields": [],
    }
    assert imports.changed_fields(booking_plan(), stored) == [
        "room",
        "owner",
        "title",
        "description",
        "attendees",
        "start",
        "end",
        "status",
    ]
    assert not imports.unchanged(booking_plan(), {**STORED_BOOKING, "status": "rejected"})
    assert not imports.unchanged(booking_plan(), {**STORED_BOOKING, "title": "Other"})
    assert imports.changed_fields(booking_plan(attendees=40), STORED_BOOKING) == ["attendees"]


@pytest.mark.parametrize(
    ("by_hand", "changed"),
    [
        (["room_id"], ["owner", "title", "description", "attendees", "start", "end", "status"]),
        (["time"], ["room", "owner", "title", "description", "attendees", "status"]),
        (["title"], ["room", "owner", "attendees", "start", "end", "status"]),
        (["attendees"], ["room", "owner", "title", "description", "start", "end", "status"]),
        (["room_id", "time", "title", "attendees"], ["owner", "status"]),
        (["status"], []),  # cancelled by hand: left alone whatever the timetable says
    ],
)
def test_what_was_changed_by_hand_on_a_booking_is_no_change(by_hand, changed):
    stored = {
        "room_id": 1,
        "owner_id": 2,
        "title": "Old",
        "description": "old",
        "start": at(3, 8),
        "end": at(3, 12),
        "status": "cancelled",
        "attendees": 30,
        "exception_fields": by_hand,
    }
    assert imports.changed_fields(booking_plan(), stored) == changed
    assert imports.unchanged(booking_plan(), stored) == (changed == [])


def test_an_update_keeps_the_fields_changed_by_hand_and_takes_the_others():
    moved_and_renamed = {
        **STORED_BOOKING,
        "id": 40,
        "room_id": 9,
        "title": "Resit",
        "description": "by hand",
        "exception_fields": ["room_id", "title"],
    }
    p = booking_plan(start=at(3, 13), end=at(3, 15), title="Exam 2", attendees=25)
    p.windows = [Window(None, at(3, 13), at(3, 15))]
    imports.keep_hand_changes(p, moved_and_renamed)
    assert p.room_id == 9
    assert p.windows == [Window(None, at(3, 13), at(3, 15))]
    assert (p.item["title"], p.item["description"], p.item["attendees"]) == (
        "Resit",
        "by hand",
        25,
    )
    assert p.exceptions == {None: (40, ["room_id", "title"])}
    assert "exceptions_kept" not in p.view()  # listed only when the plan is an update
    p.action = "update"
    assert p.view()["exceptions_kept"] == [
        {"booking_id": 40, "date": None, "fields": ["room_id", "title"]}
    ]


def test_an_update_of_a_booking_nobody_changed_by_hand_is_the_item():
    p = booking_plan(title="Exam 2")
    p.windows = [Window(None, at(3, 9), at(3, 11))]
    before = (p.room_id, list(p.windows), dict(p.item))
    imports.keep_hand_changes(p, {**STORED_BOOKING, "id": 40})
    assert (p.room_id, p.windows, p.item) == before
    assert p.exceptions == {}


def series_plan(**kw: Any) -> ItemPlan:
    p = plan(series_item(**kw))
    p.room_id, p.owner_id = 5, 6
    p.content_hash = imports.content_hash(p.item)
    return p


STORED_SERIES = {
    "room_id": 5,
    "owner_id": 6,
    "title": "Maths",
    "description": "Weekly",
    "start_time": "09:00",
    "duration_minutes": 90,
    "rule": {"freq": "weekly", "count": 3},
    "excluded_dates": [],
    "skip_holidays": 1,
    "status": "active",
    "attendees": None,
}


def test_a_series_is_unchanged_when_active_with_the_same_hash():
    p = series_plan()
    assert imports.unchanged(p, {"status": "active", "content_hash": p.content_hash})
    assert not imports.unchanged(p, {"status": "cancelled", "content_hash": p.content_hash})
    assert not imports.unchanged(p, {"status": "active", "content_hash": "0" * 64})


def test_a_series_with_the_same_stored_fields_changed_its_start_date():
    assert imports.changed_fields(series_plan(), STORED_SERIES) == ["start_date"]
    p = series_plan(excluded_dates=[date(2031, 3, 17), "2031-03-10"], description=None)
    stored = {**STORED_SERIES, "excluded_dates": ["2031-03-10", "2031-03-17"], "description": ""}
    assert imports.changed_fields(p, stored) == ["start_date"]
    no_flag = series_plan()
    del no_flag.item["skip_holidays"]
    del no_flag.item["excluded_dates"]
    assert imports.changed_fields(no_flag, STORED_SERIES) == ["start_date"]


def test_each_changed_field_of_a_series_is_named():
    stored = {
        "room_id": 1,
        "owner_id": 2,
        "title": "Old",
        "description": "old",
        "start_time": "10:00",
        "duration_minutes": 60,
        "rule": {"freq": "daily", "count": 3},
        "excluded_dates": ["2031-03-10"],
        "skip_holidays": 0,
        "status": "cancelled",
        "attendees": 30,
    }
    assert imports.changed_fields(series_plan(), stored) == [
        "room",
        "owner",
        "title",
        "description",
        "start_time",
        "duration_minutes",
        "attendees",
        "recurrence",
        "excluded_dates",
        "skip_holidays",
        "status",
    ]


# -- closures, existing bookings and the batch -------------------------------------------------


def series_with_windows(*days: int) -> ItemPlan:
    p = ItemPlan("s-1", "series", "create")
    p.windows = [Window(date(2031, 3, d), at(d, 8), at(d, 9)) for d in days]
    return p


CLOSURE = {"id": 7, "reason": "Works", "start": at(10, 0), "end": at(11, 0)}
CLOSED = [(at(10, 0), at(11, 0), CLOSURE)]
CLOSURE_DETAIL = "closed: Works (2031-03-10T00:00:00+00:00 to 2031-03-11T00:00:00+00:00)"


def spans_of(p: ItemPlan) -> list[imports.Span]:
    return [(w.start, w.end, p) for w in p.windows]


def test_without_closures_every_window_stays():
    p = series_with_windows(3, 10)
    spans = spans_of(p)
    assert imports.meet_closures(spans, [], skip=True) is spans


def test_a_window_that_meets_a_closure_is_an_error_of_its_item():
    p = series_with_windows(3, 10, 17)
    kept = imports.meet_closures(spans_of(p), CLOSED, skip=False)
    assert kept == spans_of(p)
    assert p.errors == [
        {"date": "2031-03-10", "rule": "closure", "detail": CLOSURE_DETAIL, "closure_id": 7}
    ]


def test_with_skip_a_series_leaves_out_the_closed_dates():
    p = series_with_windows(3, 10, 17)
    kept = imports.meet_closures(spans_of(p), CLOSED, skip=True)
    assert [w.day for w in p.windows] == [date(2031, 3, 3), date(2031, 3, 17)]
    assert kept == [(at(3, 8), at(3, 9), p), (at(17, 8), at(17, 9), p)]
    assert p.skipped == [
        {"reason": "closure", "date": "2031-03-10", "detail": CLOSURE_DETAIL, "closure_id": 7}
    ]
    assert p.errors == []


def test_with_skip_a_single_booking_still_meets_the_closure():
    p = ItemPlan("b-1", "booking", "create")
    p.windows = [Window(None, at(10, 23), at(11, 1))]
    kept = imports.meet_closures(spans_of(p), CLOSED, skip=True)
    assert kept == spans_of(p)
    assert p.errors == [
        {"date": "2031-03-10", "rule": "closure", "detail": CLOSURE_DETAIL, "closure_id": 7}
    ]
    assert p.skipped == []


def test_windows_touching_a_closure_do_not_meet_it():
    p = ItemPlan("b-1", "booking", "create")
    p.windows = [Window(None, at(9, 23), at(10, 0)), Window(None, at(11, 0), at(11, 1))]
    assert imports.meet_closures(spans_of(p), CLOSED, skip=False) == spans_of(p)
    assert p.errors == []


def row(ident: int, start: datetime, end: datetime, **kw: Any) -> dict[str, Any]:
    base = {
        "id": ident,
        "status": "confirmed",
        "role": "staff",
        "series_id": None,
        "start": start,
        "end": end,
        "title": f"booking {ident}",
        "owner_id": 40 + ident,
    }
    return {**base, **kw}


def existing(*rows: dict[str, Any]) -> list[tuple[datetime, datetime, dict[str, Any]]]:
    return [(r["start"], r["end"], r) for r in rows]


def test_a_confirmed_booking_in_the_way_is_a_conflict_named_once():
    p = series_with_windows(3, 10)
    long = row(1, at(2, 0), at(12, 0))  # meets both windows
    imports.sweep(spans_of(p), existing(long), priority=False)
    assert p.conflicts == [
        {
            "id": 1,
            "start": "2031-03-02T00:00:00+00:00",
            "end": "2031-03-12T00:00:00+00:00",
            "title": "booking 1",
            "owner_id": 41,
        }
    ]


def test_pending_requests_in_the_way_are_rejected_and_members_bumped_with_priority():
    p = series_with_windows(3, 10)
    rows = existing(
        row(1, at(3, 7), at(3, 9), status="pending"),
        row(2, at(3, 8, 30), at(3, 10), role="member"),
        row(3, at(10, 8), at(10, 8, 30), role="member", series_id=5),
        row(4, at(10, 8, 15), at(10, 20), status="pending"),
    )
    imports.sweep(spans_of(p), rows, priority=True)
    assert p.rejects == [1, 4]
    assert p.bumps == [2]
    assert [c["id"] for c in p.conflicts] == [3]  # a member's series occurrence stays


def test_without_priority_a_members_booking_is_a_conflict():
    p = series_with_windows(3)
    imports.sweep(spans_of(p), existing(row(2, at(3, 8, 30), at(3, 10), role="member")), False)
    assert [c["id"] for c in p.conflicts] == [2]
    assert p.bumps == []


def test_the_sweep_ignores_bookings_that_only_touch():
    p = series_with_windows(3, 10)
    rows = existing(
        row(1, at(3, 7), at(3, 8)),
        row(2, at(3, 9), at(3, 10)),
        row(3, at(10, 9), at(10, 12)),
    )
    imports.sweep(spans_of(p), rows, priority=False)
    assert p.conflicts == []
    assert p.rejects == []


def test_the_sweep_finds_a_long_booking_that_started_long_before():
    p = series_with_windows(3, 10, 17)
    rows = existing(
        row(1, at(1, 0), at(1, 1)),
        row(2, at(2, 0), at(3, 8, 1)),
        row(3, at(9, 0), at(9, 1)),
        row(4, at(16, 0), at(17, 12)),
    )
    imports.sweep(spans_of(p), rows, priority=False)
    assert [c["id"] for c in p.conflicts] == [2, 4]


def test_repeated_hits_are_listed_once():
    p = series_with_windows(3, 10)
    rows = existing(
        row(1, at(2, 0), at(12, 0), status="pending"),
        row(2, at(2, 1), at(12, 0), role="member"),
    )
    imports.sweep(spans_of(p), rows, priority=True)
    assert p.rejects == [1]
    assert p.bumps == [2]


def test_two_items_of_the_batch_at_once_the_later_conflicts():
    first = series_with_windows(3, 10)
    first.external_id, first.position = "s-1", 0
    second = ItemPlan("b-2", "booking", "create", position=1)
    second.windows = [Window(None, at(10, 8, 30), at(10, 12))]
    third = ItemPlan("b-3", "booking", "create", position=2)
    third.windows = [Window(None, at(10, 9), at(10, 10))]  # touches first, meets second
    spans = sorted(spans_of(first) + spans_of(second) + spans_of(third), key=lambda s: s[0])
    imports.batch_overlaps(spans)
    assert first.conflicts == []
    assert second.conflicts == [
        {
            "external_id": "s-1",
            "start": "2031-03-10T08:30:00+00:00",
            "detail": "another item of this batch",
        }
    ]
    assert third.conflicts == [
        {
            "external_id": "b-2",
            "start": "2031-03-10T09:00:00+00:00",
            "detail": "another item of this batch",
        }
    ]


def test_the_later_item_conflicts_whichever_comes_first_in_time():
    early = ItemPlan("late-in-batch", "booking", "create", position=5)
    early.windows = [Window(None, at(3, 8), at(3, 10))]
    late = ItemPlan("early-in-batch", "booking", "create", position=1)
    late.windows = [Window(None, at(3, 9), at(3, 11)), Window(None, at(3, 9, 30), at(3, 9, 45))]
    spans = sorted(spans_of(early) + spans_of(late), key=lambda s: s[0])
    imports.batch_overlaps(spans)
    assert late.conflicts == []
    assert early.conflicts == [
        {
            "external_id": "early-in-batch",
            "start": "2031-03-03T09:00:00+00:00",
            "detail": "another item of this batch",
        },
        {
            "external_id": "early-in-batch",
            "start": "2031-03-03T09:30:00+00:00",
            "detail": "another item of this batch",
        },
    ]


def batch_at_one_hour(count: int, *, reverse: bool = False) -> list[ItemPlan]:
    """``count`` bookings all on 3 March 10:00-11:00, placed in the batch in time order (or
    the reverse); ``batch_overlaps`` run over them."""
    plans = [
        ItemPlan(f"b-{i}", "booking", "create", position=count - i if reverse else i)
        for i in range(count)
    ]
    for p in plans:
        p.windows = [Window(None, at(3, 10), at(3, 11))]
    imports.batch_overlaps([s for p in plans for s in spans_of(p)])
    return plans


@pytest.mark.parametrize("reverse", [False, True])
def test_a_batch_all_at_one_hour_lists_at_most_the_cap_for_each_item(reverse):
    """The worst batch: every item meets every other. Each but the first in the batch
    conflicts, and lists the earliest items of the batch in its way, at most
    ``MAX_CONFLICTS`` (20 000 of them took a worker minutes and gigabytes)."""
    plans = batch_at_one_hour(500, reverse=reverse)
    first = min(plans, key=lambda p: p.position)
    assert first.conflicts == []
    for p in plans:
        if p is first:
            continue
        earlier = [q.external_id for q in plans if q.position < p.position]
        named = [c["external_id"] for c in p.conflicts]
        assert 1 <= len(named) == min(len(earlier), imports.MAX_CONFLICTS), p.external_id
        assert set(named) <= set(earlier) and len(set(named)) == len(named)


def test_the_notes_of_a_batch_are_those_of_every_pair_while_the_lists_are_short():
    """Under the cap, the walk finds each pair of items that meet, whatever their order in
    time and in the batch: the later one in the batch names the earlier one (an oracle
    that compares every pair)."""
    rng = random.Random(7)
    for _ in range(30):
        plans = [ItemPlan(f"i-{n}", "booking", "create", position=n) for n in range(12)]
        rng.shuffle(plans)
        for p in plans:
            start = at(3, 8, 0) + timedelta(minutes=15 * rng.randrange(0, 16))
            p.windows = [Window(None, start, start + timedelta(minutes=15 * rng.randrange(1, 6)))]
        spans = sorted((s for p in plans for s in spans_of(p)), key=lambda s: s[0])
        imports.batch_overlaps(spans)
        pairs = {
            (b.external_id, a.external_id)
            for a in plans
            for b in plans
            if a.position < b.position
            and a.windows[0].start < b.windows[0].end
            and b.windows[0].start < a.windows[0].end
        }
        found = {(p.external_id, c["external_id"]) for p in plans for c in p.conflicts}
        assert found == pairs


def test_an_item_over_many_bookings_lists_the_cap():
    p = ItemPlan("b-1", "booking", "create")
    p.windows = [Window(None, at(3, 8), at(3, 20))]
    rows = [
        (at(3, 8) + timedelta(minutes=5 * n), at(3, 8) + timedelta(minutes=5 * n + 5), row)
        for n in range(100)
        for row in [{"id": n, "status": "confirmed", "series_id": 7, "role": "staff"}]
    ]
    for _, _, row in rows:
        row.update(start=at(3, 8), end=at(3, 9), title="x", owner_id=1)
    imports.sweep(spans_of(p), rows, priority=False)
    assert [c["id"] for c in p.conflicts] == list(range(imports.MAX_CONFLICTS))


def test_an_item_does_not_conflict_with_itself():
    p = ItemPlan("b-1", "booking", "create")
    p.windows = [Window(None, at(3, 8), at(3, 10)), Window(None, at(3, 9), at(3, 11))]
    imports.batch_overlaps(spans_of(p))
    assert p.conflicts == []


def test_summarize_counts_actions_occurrences_and_bumps():
    a = series_with_windows(3, 10, 17)
    a.bumps = [1, 2]
    b = ItemPlan("b-1", "booking", "update", windows=[Window(None, at(3, 8), at(3, 9))])
    c = ItemPlan("b-2", "booking", "unchanged", windows=[Window(None, at(3, 8), at(3, 9))])
    d = ItemPlan("b-3", "booking", "cancel", bumps=[3])
    assert imports.summarize([a, b, c, d]) == {
        "create": 1,
        "update": 1,
        "unchanged": 1,
        "cancel": 1,
        "occurrences": 4,
        "bumped": 3,
    }
    assert imports.summarize([]) == {"occurrences": 0, "bumped": 0}


def test_a_booking_with_the_same_description_is_unchanged():
    p = booking_plan(description="Bring a calculator")
    stored = {**STORED_BOOKING, "description": "Bring a calculator"}
    assert imports.changed_fields(p, stored) == []
    assert imports.changed_fields(p, STORED_BOOKING) == ["description"]


def test_a_series_that_keeps_its_holidays_on_both_sides_is_unchanged():
    p = series_plan(skip_holidays=False)
    assert imports.changed_fields(p, {**STORED_SERIES, "skip_holidays": 0}) == ["start_date"]
    assert imports.changed_fields(p, STORED_SERIES) == ["skip_holidays"]


def test_the_sweep_passes_bookings_that_ended_before_every_window():
    p = series_with_windows(10, 17)
    rows = existing(row(1, at(1, 0), at(1, 1)), row(2, at(2, 0), at(2, 2)))
    imports.sweep(spans_of(p), rows, priority=False)
    assert p.conflicts == []


def test_summarize_counts_each_action_as_often_as_it_comes():
    plans = [ItemPlan(f"b-{n}", "booking", "create") for n in range(3)]
    assert imports.summarize(plans) == {"create": 3, "occurrences": 0, "bumped": 0}
