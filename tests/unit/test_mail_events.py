"""``services.mail_events``: which emails each change-feed event asks for, and to whom, read
straight from the event (no database: the function is a pure reading of the event, so each
case says the whole answer, every field of every intent)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.mail import BookingFacts
from compax_server.services.mail_events import (
    CONFIRMED_IN_PLACE,
    Intent,
    intents_of,
    kept,
    moved_between,
)

ID = 7  # the booking (or waitlist entry, or webhook) the event is about
NINE, TEN = "2031-03-04T09:00:00+00:00", "2031-03-04T10:00:00+00:00"


def event(
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    entity_id: int | None = ID,
) -> AuditEvent:
    return AuditEvent(
        action=action, entity_type="booking", entity_id=entity_id, before=before, after=after
    )


def booking(status: str, room_id: int = 1, start: str = NINE, **more: Any) -> dict[str, Any]:
    """A booking's snapshot as the audit log keeps it."""
    return {"status": status, "room_id": room_id, "start": start, "end": TEN} | more


def closed(e: AuditEvent, outcome: str, ids: list[int] | None = None, **more: Any) -> Intent:
    """The ``request_closed`` an event sends a request's approvers."""
    ids = [ID] if ids is None else ids
    return Intent(e, "request_closed", ids, approvers=True, extra={"outcome": outcome}, **more)


def test_a_new_request_asks_its_approvers_and_a_confirmed_booking_asks_nobody():
    e = event("booking.create", after=booking("pending"))
    assert intents_of(e) == [Intent(e, "request_received", [ID], approvers=True)]
    assert intents_of(event("booking.create", after=booking("confirmed"))) == []
    assert intents_of(event("booking.create")) == []  # a record without its booking


@pytest.mark.parametrize(
    ("action", "kind", "outcome"),
    [
        ("booking.approve", "approved", "approved"),
        ("booking.reject", "rejected", "rejected"),
        ("booking.auto_reject", "rejected", "rejected"),
        ("booking.cancel", "cancelled", "cancelled"),
    ],
)
def test_a_request_decided_or_withdrawn_tells_its_owner_and_closes_it_for_its_approvers(
    action, kind, outcome
):
    e = event(action, before=booking("pending"), after=booking(kind, reason="Exam week"))
    reason = "" if kind == "approved" else "Exam week"  # an approval says no reason
    assert intents_of(e) == [Intent(e, kind, [ID], reason=reason), closed(e, outcome)]


def test_a_confirmed_booking_cancelled_or_released_tells_its_owner_only():
    cancel = event("booking.cancel", before=booking("confirmed"), after={"reason": "Flood"})
    assert intents_of(cancel) == [Intent(cancel, "cancelled", [ID], reason="Flood")]
    release = event("booking.release", before=booking("confirmed"), after={"reason": "No-show"})
    assert intents_of(release) == [Intent(release, "released", [ID], reason="No-show")]
    unsaid = event("booking.cancel", before=booking("confirmed"), after={"reason": None})
    assert intents_of(unsaid) == [Intent(unsaid, "cancelled", [ID])]


def test_an_offer_withdrawn_by_cancelling_its_hold_sends_nothing_here():
    """``waitlist.withdraw`` tells the member; the hold's own cancel must not say more."""
    e = event("booking.cancel", before=booking("held"), after=booking("cancelled"))
    assert intents_of(e) == []


def test_an_event_without_an_entity_names_no_booking():
    e = event("booking.release", after={}, entity_id=None)
    assert intents_of(e) == [Intent(e, "released", [])]


def test_a_waitlist_offer_names_the_hold_the_entry_and_when_it_ends():
    after = {"booking_id": 40, "offer": 2, "offer_expires_at": "2031-03-04T08:30:00+00:00"}
    e = event("waitlist.offer", after=after)
    extra = {"entry_id": str(ID), "offer": "2", "expires_at": "2031-03-04T08:30:00+00:00"}
    assert intents_of(e) == [Intent(e, "waitlist_offer", [40], extra=extra)]
    bare = event("waitlist.offer", after={"booking_id": 40})
    extra = {"entry_id": str(ID), "offer": "0", "expires_at": ""}
    assert intents_of(bare) == [Intent(bare, "waitlist_offer", [40], extra=extra)]
    assert intents_of(event("waitlist.offer", after={"booking_id": "40"})) == []
    assert intents_of(event("waitlist.offer")) == []


def test_a_withdrawn_offer_names_the_hold_and_why():
    e = event("waitlist.withdraw", after={"withdrawn": 40, "because": "closure"})
    assert intents_of(e) == [Intent(e, "waitlist_withdrawn", [40], reason="closure")]
    plain = event("waitlist.withdraw", after={"withdrawn": 40})
    assert intents_of(plain) == [Intent(plain, "waitlist_withdrawn", [40])]
    assert intents_of(event("waitlist.withdraw", after={"withdrawn": None})) == []


def test_a_waitlist_entry_closed_by_a_removal_tells_its_member_what_they_waited_for():
    after = {
        "user_id": 5,
        "reason": "room R1 was removed",
        "title": "Chess club",
        "start": NINE,
        "end": TEN,
        "where": "R1 Seminar",
        "timezone": "Europe/Berlin",
    }
    e = event("waitlist.close", after=after)
    extra = {k: str(after[k]) for k in ("title", "start", "end", "where", "timezone")}
    assert intents_of(e) == [
        Intent(e, "waitlist_closed", [], to_user=5, reason="room R1 was removed", extra=extra)
    ]
    partial = event("waitlist.close", after={"user_id": 5, "where": "R1", "title": None})
    extra = {"title": "", "start": "", "end": "", "where": "R1", "timezone": ""}
    assert intents_of(partial) == [Intent(partial, "waitlist_closed", [], to_user=5, extra=extra)]


@pytest.mark.parametrize(
    "after",
    [
        {"user_id": 5},  # a deactivated member's entries: they get no email
        {"user_id": 5, "where": ""},
        {"user_id": "5", "where": "R1"},
        {"where": "R1"},
    ],
)
def test_a_waitlist_entry_closed_otherwise_tells_nobody(after):
    assert intents_of(event("waitlist.close", after=after)) == []


def test_a_booking_moved_tells_its_owner_and_a_rename_tells_nobody():
    moved = event("booking.update", before=booking("confirmed"), after=booking("confirmed", 2))
    assert intents_of(moved) == [Intent(moved, "moved", [ID])]
    renamed = event(
        "booking.update",
        before=booking("confirmed", title="Old"),
        after=booking("confirmed", title="New"),
    )
    assert intents_of(renamed) == []


@pytest.mark.parametrize(
    "change", [{"room_id": 2}, {"start": "2031-03-04T08:00:00+00:00"}, {"end": NINE}]
)
def test_each_of_room_start_and_end_is_a_move(change):
    before = booking("confirmed")
    assert moved_between(before, before | change)
    assert not moved_between(before, dict(before))
    assert moved_between(None, before) and not moved_between(None, None)


def test_a_booking_moved_into_a_room_that_needs_approval_asks_the_new_approvers():
    e = event("booking.update", before=booking("confirmed"), after=booking("pending", 2))
    assert intents_of(e) == [
        Intent(e, "moved", [ID]),
        Intent(e, "request_received", [ID], approvers=True),
    ]


def test_a_request_retimed_in_its_room_moves_the_approvers_invitation():
    later = booking("pending", start="2031-03-04T08:00:00+00:00")
    e = event("booking.update", before=booking("pending"), after=later)
    assert intents_of(e) == [
        Intent(e, "moved", [ID]),
        Intent(e, "request_received", [ID], approvers=True),
    ]
    renamed = event("booking.update", before=booking("pending"), after=booking("pending"))
    assert intents_of(renamed) == []  # nothing the approvers' calendar shows changed


def test_a_request_moved_to_another_room_that_needs_approval_changes_who_is_asked():
    """The old room's approvers are told it is closed, except those who decide the new
    room too (they are asked again instead)."""
    e = event("booking.update", before=booking("pending", 1), after=booking("pending", 2))
    assert intents_of(e) == [
        Intent(e, "moved", [ID]),
        Intent(e, "request_received", [ID], approvers=True),
        closed(e, "moved to another room", room_id=1, spare_room=2),
    ]


def test_a_request_moved_to_a_room_that_needs_no_approval_is_closed_for_its_approvers():
    e = event("booking.update", before=booking("pending", 1), after=booking("confirmed", 2))
    assert intents_of(e) == [
        Intent(e, "moved", [ID]),
        closed(e, "moved to a room that needs no approval", room_id=1),
    ]


def test_a_request_confirmed_where_it_waits_is_closed_for_its_approvers():
    """Retimed after its room stopped needing approval: confirmed in place."""
    later = booking("confirmed", start="2031-03-04T08:00:00+00:00")
    e = event("booking.update", before=booking("pending"), after=later)
    assert intents_of(e) == [Intent(e, "moved", [ID]), closed(e, CONFIRMED_IN_PLACE, room_id=1)]


def test_a_request_whose_rooms_are_not_numbers_is_closed_for_the_rooms_it_names_only():
    e = event("booking.update", before=booking("pending", "R1"), after=booking("confirmed", "R2"))
    assert intents_of(e) == [
        Intent(e, "moved", [ID]),
        closed(e, "moved to a room that needs no approval"),
    ]


def test_a_new_series_or_date_asks_the_approvers_of_the_dates_that_waited():
    for action in ("series.create", "series.add_date"):
        e = event(action, after={"booking_ids": [3, 4, 5, 6], "requests": [3, "4", 5, None]})
        assert intents_of(e) == [Intent(e, "request_received", [3, 5], approvers=True)]
        confirmed = event(action, after={"booking_ids": [3, 4], "requests": []})
        assert intents_of(confirmed) == [Intent(confirmed, "request_received", [], approvers=True)]
        # older events name no requests: the dates they made (those still waiting, ``kept``)
        older = event(action, after={"booking_ids": [3, "4", 5, None]})
        assert intents_of(older) == [Intent(older, "request_received", [3, 5], approvers=True)]
        none = event(action, after={"booking_ids": None})
        assert intents_of(none) == [Intent(none, "request_received", [], approvers=True)]


SERIES = {"room_id": 1, "rule": "FREQ=WEEKLY", "start_time": "09:00", "duration_minutes": 60}
SERIES |= {"excluded_dates": []}


def test_a_series_renamed_lists_only_what_it_ended():
    e = event("series.update", before=SERIES, after=SERIES | {"booking_ids": [3]})
    assert intents_of(e) == [Intent(e, "cancelled", [3])]
    whole = event("series.update", before=SERIES, after=SERIES | {"scope": "all"})
    assert intents_of(whole) == [Intent(whole, "cancelled", [])]


@pytest.mark.parametrize(
    "change",
    [
        {"room_id": 2},
        {"rule": "FREQ=DAILY"},
        {"start_time": "10:00"},
        {"duration_minutes": 90},
        {"excluded_dates": ["2031-03-11"]},
        {"scope": "from"},  # a part of the series: its dates moved, whatever changed
    ],
)
def test_a_series_moved_lists_what_it_moved_and_what_it_ended(change):
    e = event("series.update", before=SERIES, after=SERIES | change | {"booking_ids": [3, 4]})
    assert intents_of(e) == [Intent(e, "moved", [3, 4]), Intent(e, "cancelled", [3, 4])]


def test_a_series_change_asks_again_for_its_requests_and_closes_those_that_left():
    groups = [
        {"room_id": 1, "booking_ids": [3, 4], "to_room_id": 2},
        {"room_id": 1, "booking_ids": [5], "in_place": True},
        {"room_id": 6, "booking_ids": [8, "9"]},
        "not a group",
        {"room_id": "7", "booking_ids": [10], "to_room_id": "2"},
    ]
    after = SERIES | {"booking_ids": [3], "requests": [3, 4, "x"], "requests_closed": groups}
    e = event("series.update", before=SERIES, after=after)
    assert intents_of(e) == [
        Intent(e, "cancelled", [3]),
        Intent(e, "request_received", [3, 4], approvers=True),
        closed(e, "moved to another room", [3, 4], room_id=1, spare_room=2),
        closed(e, CONFIRMED_IN_PLACE, [5], room_id=1),
        closed(e, "moved to a room that needs no approval", [8], room_id=6),
        closed(e, "moved to a room that needs no approval", [10]),
    ]


def test_a_series_cancelled_closes_its_requests_as_cancelled_wherever_they_were_going():
    groups = [{"room_id": 1, "booking_ids": [3], "to_room_id": 2}, {"booking_ids": [4]}]
    after = {"booking_ids": [3, 4], "reason": "Term ended", "requests_closed": groups}
    e = event("series.cancel", after=after)
    assert intents_of(e) == [
        Intent(e, "cancelled", [3, 4], reason="Term ended"),
        closed(e, "cancelled", [3], room_id=1, spare_room=2),
        closed(e, "cancelled", [4]),
    ]
    plain = event("series.cancel", after={"booking_ids": [3], "requests_closed": None})
    assert intents_of(plain) == [Intent(plain, "cancelled", [3])]


@pytest.mark.parametrize(
    "change",
    [
        "room",
        "start",
        "end",
        "start_time",
        "duration_minutes",
        "recurrence",
        "excluded_dates",
        "start_date",
        "skip_holidays",
    ],
)
def test_an_import_that_moves_a_record_lists_what_it_moved_and_ended(change):
    after = {"booking_ids": [3, 4], "changes": ["title", change]}
    e = event("import.update.series", after=after)
    assert intents_of(e) == [Intent(e, "moved", [3, 4]), Intent(e, "cancelled", [3, 4])]


def test_an_import_that_renames_or_cancels_a_record_lists_what_it_ended():
    renamed = event("import.update.series", after={"booking_ids": [3], "changes": ["title"]})
    assert intents_of(renamed) == [Intent(renamed, "cancelled", [3])]
    unsaid = event("import.update.series", after={"booking_ids": [3]})
    assert intents_of(unsaid) == [Intent(unsaid, "cancelled", [3])]
    dropped = event("import.cancel.series", after={"booking_ids": [3, 4], "changes": ["room"]})
    assert intents_of(dropped) == [Intent(dropped, "cancelled", [3, 4])]


def test_an_imported_single_booking_names_itself_when_the_event_lists_no_bookings():
    """Older import events of one booking did not list ``booking_ids``."""
    moved = event("import.update.booking", after={"changes": ["start"]})
    assert intents_of(moved) == [Intent(moved, "moved", [ID]), Intent(moved, "cancelled", [ID])]
    dropped = event("import.cancel.booking", after={})
    assert intents_of(dropped) == [Intent(dropped, "cancelled", [ID])]
    series = event("import.cancel.series", after={})
    assert intents_of(series) == [Intent(series, "cancelled", [])]
    listed = event("import.cancel.booking", after={"booking_ids": [9]})
    assert intents_of(listed) == [Intent(listed, "cancelled", [9])]


def test_a_disabled_webhook_tells_its_owner_or_the_user_of_its_api_key():
    after = {"url": "https://hooks.example.edu/x", "disabled_reason": "HTTP 500"}
    extra = {"url": "https://hooks.example.edu/x", "reason": "HTTP 500"}
    mine = event("webhook.disable", after=after | {"owner_user_id": 5, "reason": "ignored"})
    assert intents_of(mine) == [Intent(mine, "webhook_disabled", [], to_user=5, extra=extra)]
    keys = event("webhook.disable", after=after | {"owner_api_key_id": 3})
    assert intents_of(keys) == [Intent(keys, "webhook_disabled", [], to_key=3, extra=extra)]
    older = event("webhook.disable", after={"owner_user_id": 5, "reason": "timeouts"})
    extra = {"url": "", "reason": "timeouts"}
    assert intents_of(older) == [Intent(older, "webhook_disabled", [], to_user=5, extra=extra)]
    bare = event("webhook.disable", after={"owner_user_id": 5})
    extra = {"url": "", "reason": ""}
    assert intents_of(bare) == [Intent(bare, "webhook_disabled", [], to_user=5, extra=extra)]
    nobody = event("webhook.disable", after={"owner_user_id": "5", "owner_api_key_id": None})
    assert intents_of(nobody) == []


def test_events_that_ask_for_no_email():
    for action in ("room.update", "user.create", "series.delete", "booking.check_in"):
        assert (
            intents_of(event(action, before=booking("pending"), after={"booking_ids": [3]})) == []
        )


def facts(status: str) -> BookingFacts:
    at = datetime(2031, 3, 4, 9, tzinfo=UTC)
    return BookingFacts(
        id=3,
        owner_id=5,
        room_id=1,
        title="Algebra",
        start=at,
        end=at,
        status=status,
        version=1,
        reason="",
        series_id=None,
        created_at=at,
    )


STATUSES = ("pending", "confirmed", "held", "cancelled", "rejected", "released")


@pytest.mark.parametrize("action", ["series.update", "import.update.series"])
def test_a_multi_booking_message_keeps_each_booking_in_its_kind(action):
    e = event(action)
    keeps = {
        kind: {s for s in STATUSES if kept(Intent(e, kind, [3]), facts(s))}
        for kind in ("request_received", "request_closed", "cancelled", "moved")
    }
    assert keeps == {
        "request_received": {"pending"},
        "request_closed": set(STATUSES),  # the event names them
        "cancelled": {"cancelled", "rejected", "released"},
        "moved": {"pending", "confirmed", "held"},
    }


@pytest.mark.parametrize("action", ["series.create", "series.add_date", "series.update"])
def test_the_requests_a_series_event_names_are_asked_whatever_became_of_them(action):
    """Decided, withdrawn or moved since: the approvers are asked as the event asked them
    (another event tells them how each ended); an older event naming none: those that
    still wait."""
    named = event(action, after={"booking_ids": [3], "requests": [3]})
    older = event(action, after={"booking_ids": [3]})
    asked = {s for s in STATUSES if kept(Intent(named, "request_received", [3]), facts(s))}
    assert asked == set(STATUSES)
    asked = {s for s in STATUSES if kept(Intent(older, "request_received", [3]), facts(s))}
    assert asked == {"pending"}


def test_a_single_booking_message_keeps_its_booking_whatever_its_status():
    e = event("booking.update")
    for kind in ("request_received", "cancelled", "moved"):
        assert all(kept(Intent(e, kind, [ID]), facts(s)) for s in STATUSES)
