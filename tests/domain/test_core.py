"""The pure domain core, on its own: bounded time, the slot check, occurrence exceptions,
booking states. Fast; no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compax_server.domain import bookings as states
from compax_server.domain import bounds, occurrences, slots
from compax_server.errors import Conflict, InvalidInput, RuleViolation

offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)
instants = st.builds(
    lambda naive, tz: naive.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    offsets,
)


@given(instants, instants, st.booleans())
def test_an_accepted_window_is_in_range_and_bounded(start, end, override):
    limit = timedelta(days=14)
    try:
        s, e = bounds.check_window(start, end, max_length=limit, override=override)
    except (InvalidInput, RuleViolation):  # a 400 (end before start) or a 422 naming the limit
        return
    assert s.tzinfo == UTC and e.tzinfo == UTC
    assert bounds.EARLIEST <= s < e <= bounds.LATEST
    assert e - s <= (bounds.HARD_MAX_LENGTH if override else limit)
    # Every bound an overlap lookup computes from it stays far inside both engines' range.
    assert s - bounds.HARD_MAX_LENGTH > datetime(1900, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Room:
    code: str = "B1-101"
    bookable: bool = True
    building_code: str = "B1"
    timezone: str = "Europe/Berlin"
    opening_hours: dict[str, Any] | None = None


def at(hour: int) -> datetime:
    return datetime(2031, 3, 3, hour, tzinfo=UTC)  # a Monday


def test_the_slot_check_names_every_reason():
    weekdays = {"mon": [["08:00", "12:00"]]}
    closure = {"id": 7, "reason": "Burst pipe", "start": at(9), "end": at(10)}
    room = Room(bookable=False, opening_hours=weekdays)
    found = slots.room_problems(room, at(9), at(12), [closure])
    assert [p["rule"] for p in found] == ["room_not_bookable", "outside_opening_hours", "closure"]
    assert slots.room_problems(Room(opening_hours=weekdays), at(8), at(10), []) == []


slot_values = st.builds(
    occurrences.Slot,
    st.sampled_from([1, 2]),
    st.sampled_from([at(9), at(10)]),
    st.sampled_from([at(11), at(12)]),
    st.sampled_from(["A", "B"]),
    st.just(""),
    st.sampled_from([None, 12]),
)


@given(slot_values, slot_values, st.sets(st.sampled_from(occurrences.EXCEPTION_FIELDS)))
def test_a_series_change_keeps_every_exception_and_applies_the_rest(current, wanted, exc):
    m = occurrences.merge(current, wanted, exc, reset=False)
    kept = occurrences.fields_changed(current, wanted) & exc
    assert m.kept == kept
    assert (
        occurrences.fields_changed(current, m.slot)
        == occurrences.fields_changed(current, wanted) - kept
    )
    reset = occurrences.merge(current, wanted, exc, reset=True)
    assert (reset.slot, reset.kept, reset.exception) == (wanted, frozenset(), ())


def test_booking_states():
    assert states.check_transition(1, states.Status.pending, states.APPROVE) == "confirmed"
    with pytest.raises(Conflict):
        states.check_transition(1, states.Status.cancelled, states.CANCEL)
    with pytest.raises(RuleViolation):
        states.check_not_history(1, at(9), at(10), is_staff=False)
    states.check_not_history(1, at(9), at(10), is_staff=True)
