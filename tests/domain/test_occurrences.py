"""domain.occurrences: what a person changed on one occurrence survives a change of its series."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compax_server.domain import occurrences
from compax_server.domain.occurrences import Merge, Slot


def at(hour: int) -> datetime:
    return datetime(2031, 3, 3, hour, tzinfo=UTC)


BASE = Slot(room_id=1, start=at(9), end=at(10), title="Maths", description="Room A")


def with_(**changes: object) -> Slot:
    return Slot(**{**BASE.__dict__, **changes})  # type: ignore[arg-type]


def test_the_exception_fields():
    assert occurrences.EXCEPTION_FIELDS == ("room_id", "time", "title", "attendees", "status")


@pytest.mark.parametrize(
    ("new", "changed"),
    [
        (BASE, set()),
        (with_(room_id=2), {"room_id"}),
        (with_(start=at(8)), {"time"}),
        (with_(end=at(11)), {"time"}),
        (with_(title="Physics"), {"title"}),
        (with_(description="Room B"), {"title"}),  # the description goes with the title
        (with_(attendees=30), {"attendees"}),
        (with_(room_id=2, end=at(11), title="Physics"), {"room_id", "time", "title"}),
    ],
)
def test_fields_changed_names_each_exception_field_that_differs(new, changed):
    assert occurrences.fields_changed(BASE, new) == changed
    assert occurrences.fields_changed(new, BASE) == changed


def test_mark_adds_the_fields_changed_by_hand():
    assert occurrences.mark([], []) == []
    assert occurrences.mark(["title"], ["time", "room_id"]) == ["room_id", "time", "title"]
    assert occurrences.mark(["time", "title"], ("time",)) == ["time", "title"]


def test_a_series_change_applies_to_fields_that_are_not_exceptions():
    wanted = Slot(room_id=2, start=at(11), end=at(12), title="Physics", description="new")
    got = occurrences.merge(BASE, wanted, [], reset=False)
    assert got == Merge(wanted, frozenset(), ())


@pytest.mark.parametrize(
    ("exception", "slot", "kept"),
    [
        (["room_id"], Slot(1, at(11), at(12), "Physics", "new", 40), {"room_id"}),
        (["time"], Slot(2, at(9), at(10), "Physics", "new", 40), {"time"}),
        (["title"], Slot(2, at(11), at(12), "Maths", "Room A", 40), {"title"}),
        (["attendees"], Slot(2, at(11), at(12), "Physics", "new", 25), {"attendees"}),
        (["status"], Slot(2, at(11), at(12), "Physics", "new", 40), set()),
    ],
)
def test_each_exception_field_keeps_its_value(exception, slot, kept):
    current = with_(attendees=25)
    wanted = Slot(2, at(11), at(12), "Physics", "new", 40)
    got = occurrences.merge(current, wanted, exception, reset=False)
    assert got == Merge(slot, frozenset(kept), tuple(exception))


def test_an_exception_the_change_does_not_touch_is_not_reported_as_kept():
    wanted = with_(title="Physics")
    got = occurrences.merge(BASE, wanted, ["time", "room_id"], reset=False)
    assert got == Merge(wanted, frozenset(), ("room_id", "time"))


def test_reset_takes_the_series_value_and_clears_the_exception():
    wanted = with_(room_id=3, title="Physics")
    got = occurrences.merge(BASE, wanted, ["room_id", "title"], reset=True)
    assert got == Merge(wanted, frozenset(), ())


def test_kept_view():
    assert occurrences.kept_view(7, date(2031, 3, 3), {"title", "time"}) == {
        "booking_id": 7,
        "date": "2031-03-03",
        "fields": ["time", "title"],
    }
    assert occurrences.kept_view(8, None, []) == {"booking_id": 8, "date": None, "fields": []}


@pytest.mark.parametrize(
    ("flags", "fields"),
    [
        ({}, set()),
        ({"title": True}, {"title"}),
        ({"room": True}, {"room_id"}),
        ({"time": True}, {"time"}),
        ({"attendees": True}, {"attendees"}),
        (
            {"title": True, "room": True, "time": True, "attendees": True},
            {"title", "room_id", "time", "attendees"},
        ),
    ],
)
def test_the_fields_a_series_change_sets(flags, fields):
    asked = {"title": False, "room": False, "time": False, "attendees": False} | flags
    assert occurrences.fields_set(**asked) == fields


def test_a_following_change_marks_what_differs_from_the_series_not_what_moved():
    own = BASE  # what the series says for the date
    # Already at the asked time (nothing moved), but off the series' time: still an exception.
    at_eight = with_(start=at(8), end=at(9))
    assert occurrences.following_marks([], own, at_eight, set(), {"time"}) == ["time"]
    # Moved back to the series' own time: no exception is added (and none is taken away).
    assert occurrences.following_marks([], own, BASE, {"time"}, {"time"}) == []
    assert occurrences.following_marks(["title"], own, BASE, {"time"}, {"time"}) == ["title"]
    # Only the fields the change sets are marked, however the result differs.
    moved_room = with_(room_id=2, title="Other")
    assert occurrences.following_marks([], own, moved_room, set(), {"room_id"}) == ["room_id"]
    assert occurrences.following_marks([], own, moved_room, set(), set()) == []


def test_a_following_change_marks_an_occurrence_without_a_date_where_it_moved():
    moved = with_(start=at(8), end=at(9))
    assert occurrences.following_marks([], None, moved, {"time"}, {"time", "title"}) == ["time"]
    assert occurrences.following_marks(["title"], None, moved, set(), {"time"}) == ["title"]


slot_values = st.builds(
    Slot,
    st.sampled_from([1, 2]),
    st.sampled_from([at(9), at(10)]),
    st.sampled_from([at(11), at(12)]),
    st.sampled_from(["A", "B"]),
    st.sampled_from(["", "d"]),
    st.sampled_from([None, 20, 30]),
)


@given(slot_values, slot_values, st.sets(st.sampled_from(occurrences.EXCEPTION_FIELDS)))
def test_each_field_comes_from_the_occurrence_exactly_when_it_is_an_exception(
    current, wanted, exception
):
    got = occurrences.merge(current, wanted, exception, reset=False).slot
    assert got.room_id == (current if "room_id" in exception else wanted).room_id
    assert (got.start, got.end) == (
        (current.start, current.end) if "time" in exception else (wanted.start, wanted.end)
    )
    assert (got.title, got.description) == (
        (current.title, current.description)
        if "title" in exception
        else (wanted.title, wanted.description)
    )
    assert got.attendees == (current if "attendees" in exception else wanted).attendees


def test_hand_changes_are_kept_on_occurrences_and_imported_bookings_only():
    assert occurrences.keeps_hand_changes(7, None)
    assert occurrences.keeps_hand_changes(None, "timetable")
    assert occurrences.keeps_hand_changes(7, "timetable")
    assert not occurrences.keeps_hand_changes(None, None)
