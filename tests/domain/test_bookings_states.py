"""domain.bookings: the states of a booking and what may happen to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from compax_server.domain import bookings
from compax_server.domain.bookings import APPROVE, CANCEL, REJECT, Status
from compax_server.errors import Conflict, RuleViolation


def test_the_states_and_the_transitions():
    assert [s.value for s in Status] == [
        "pending",
        "confirmed",
        "rejected",
        "cancelled",
        "released",
        "held",
    ]
    assert (Status.pending, Status.confirmed) == bookings.ACTIVE
    assert (Status.confirmed, Status.held) == bookings.BLOCKING
    assert (Status.pending, Status.confirmed, Status.held) == bookings.OCCUPYING
    assert (
        bookings.Transition("cancel", (Status.pending, Status.confirmed), Status.cancelled)
        == CANCEL
    )
    assert bookings.Transition("approve", (Status.pending,), Status.confirmed) == APPROVE
    assert bookings.Transition("reject", (Status.pending,), Status.rejected) == REJECT
    assert bookings.Transition("release", (Status.confirmed,), Status.released) == bookings.RELEASE
    assert bookings.Transition("lapse", (Status.held,), Status.cancelled) == bookings.LAPSE


@pytest.mark.parametrize(
    ("status", "transition", "to"),
    [
        (Status.pending, CANCEL, Status.cancelled),
        (Status.confirmed, CANCEL, Status.cancelled),
        (Status.pending, APPROVE, Status.confirmed),
        (Status.pending, REJECT, Status.rejected),
    ],
)
def test_allowed_transitions(status, transition, to):
    assert bookings.check_transition(1, status, transition) == to


@pytest.mark.parametrize(
    ("status", "transition", "detail"),
    [
        (
            Status.cancelled,
            CANCEL,
            "booking 5 is cancelled; only pending or confirmed bookings can be cancelled",
        ),
        (
            Status.rejected,
            CANCEL,
            "booking 5 is rejected; only pending or confirmed bookings can be cancelled",
        ),
        (
            Status.confirmed,
            APPROVE,
            "booking 5 is confirmed; only pending bookings can be confirmed",
        ),
        (
            Status.cancelled,
            APPROVE,
            "booking 5 is cancelled; only pending bookings can be confirmed",
        ),
        (Status.confirmed, REJECT, "booking 5 is confirmed; only pending bookings can be rejected"),
        (Status.rejected, REJECT, "booking 5 is rejected; only pending bookings can be rejected"),
    ],
)
def test_refused_transitions_are_a_409_naming_the_state(status, transition, detail):
    with pytest.raises(Conflict) as caught:
        bookings.check_transition(5, status, transition)
    assert caught.value.detail == detail
    assert caught.value.extra == {"booking_status": status.value, "reason": None}


def test_a_refused_transition_carries_its_reason():
    with pytest.raises(Conflict) as caught:
        bookings.check_transition(5, Status.cancelled, APPROVE, "room double-booked")
    assert caught.value.extra == {"booking_status": "cancelled", "reason": "room double-booked"}


def test_only_active_bookings_can_be_changed():
    bookings.check_changeable(1, Status.pending)
    bookings.check_changeable(1, Status.confirmed)
    for status in (Status.cancelled, Status.rejected):
        with pytest.raises(Conflict) as caught:
            bookings.check_changeable(9, status)
        assert caught.value.detail == f"booking 9 is {status.value}; it cannot be changed"
        assert caught.value.extra == {"booking_status": status.value}


NOW = datetime(2031, 3, 3, 12, tzinfo=UTC)


def test_a_booking_that_is_over_is_history_for_members():
    for end in (NOW, NOW - timedelta(days=1)):
        with pytest.raises(RuleViolation) as caught:
            bookings.check_not_history(4, end, NOW, is_staff=False)
        detail = f"booking 4 ended at {end.isoformat()}; it is history now"
        assert caught.value.detail == detail + " (staff may correct it)"
        assert caught.value.extra == {"errors": [{"rule": "in_the_past", "detail": detail}]}
    assert caught.value.detail == (
        "booking 4 ended at 2031-03-02T12:00:00+00:00; it is history now (staff may correct it)"
    )


def test_a_booking_not_yet_over_and_staff_corrections_are_allowed():
    assert (
        bookings.check_not_history(4, NOW + timedelta(microseconds=1), NOW, is_staff=False) is None
    )
    assert bookings.check_not_history(4, NOW - timedelta(days=1), NOW, is_staff=True) is None
