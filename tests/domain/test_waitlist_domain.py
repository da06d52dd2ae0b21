"""domain.waitlist: which rooms an entry takes, which slots a change freed, the offer link."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from compax_server.domain import waitlist
from compax_server.domain.waitlist import Criteria, EntryState, RoomFacts, Slot
from compax_server.errors import Conflict

T0 = datetime(2031, 3, 3, 10, tzinfo=UTC)
T1 = datetime(2031, 3, 3, 11, tzinfo=UTC)
ROOM = RoomFacts(
    id=7, building_id=2, capacity=35, bookable=True, features=frozenset({"projector", "whiteboard"})
)


@pytest.mark.parametrize(
    ("criteria", "fits"),
    [
        (Criteria(7, None, None, frozenset()), True),
        (Criteria(8, None, None, frozenset()), False),
        (Criteria(None, None, 30, frozenset({"projector"})), True),
        (Criteria(None, None, 36, frozenset()), False),
        (Criteria(None, None, 35, frozenset({"whiteboard", "projector"})), True),  # exactly
        (Criteria(None, 2, None, frozenset()), True),
        (Criteria(None, 3, None, frozenset()), False),
        (Criteria(None, None, None, frozenset({"projector", "computers"})), False),
        (Criteria(None, None, None, frozenset()), True),
    ],
)
def test_which_rooms_an_entry_takes(criteria, fits):
    assert waitlist.fits(criteria, ROOM) is fits


def test_an_unbookable_room_fits_nobody():
    closed = RoomFacts(7, 2, 35, False, frozenset())
    assert not waitlist.fits(Criteria(7, None, None, frozenset()), closed)


def view(status, room=7, start=T0, end=T1):
    return {"room_id": room, "start": start.isoformat(), "end": end.isoformat(), "status": status}


def test_the_slots_a_change_freed():
    moved = view(
        "confirmed",
        start=datetime(2031, 3, 3, 12, tzinfo=UTC),
        end=datetime(2031, 3, 3, 13, tzinfo=UTC),
    )
    events = [
        ("booking", view("confirmed"), view("cancelled")),  # cancelled
        ("booking", view("pending", room=8), view("rejected", room=8)),  # rejected
        ("booking", view("held", room=9), view("cancelled", room=9)),  # a lapsed hold
        ("booking", view("confirmed", room=10), moved | {"room_id": 10}),  # moved
        (
            "booking",
            view("confirmed", room=11),
            view("confirmed", room=11) | {"title": "x"},
        ),  # renamed
        ("booking", None, view("confirmed", room=12)),  # created
        ("booking", view("cancelled", room=13), view("cancelled", room=13)),  # was free
        ("booking", view("held", room=14), view("confirmed", room=14)),  # accepted
        ("waitlist_entry", view("confirmed", room=15), None),  # not a booking
        ("booking", view("confirmed"), view("cancelled")),  # seen already
        ("booking", {"status": "confirmed", "room_id": "x"}, None),  # not a slot
        ("booking", view("confirmed", room="x"), None),  # nor a room id that is not one
        ("booking", view("confirmed", room=16) | {"end": None}, None),  # nor without its end
        ("booking", view("confirmed", room=16) | {"start": 5}, None),  # nor a start not text
        ("booking", view("confirmed", room=17), None),  # removed, after all the above
    ]
    assert waitlist.freed_slots(events) == [
        Slot(7, T0, T1),
        Slot(8, T0, T1),
        Slot(9, T0, T1),
        Slot(10, T0, T1),
        Slot(17, T0, T1),
    ]


def test_only_open_entries_may_be_answered():
    waitlist.check_open(3, EntryState.offered, wanted=(EntryState.offered,))
    with pytest.raises(Conflict) as refused:
        waitlist.check_open(3, EntryState.expired, wanted=(EntryState.offered,))
    assert str(refused.value) == "waitlist entry 3 is expired; only offered entries can do this"
    assert refused.value.extra == {"entry_state": "expired"}
    with pytest.raises(Conflict) as refused:
        waitlist.check_open(3, EntryState.expired, wanted=waitlist.OPEN)
    assert str(refused.value) == (
        "waitlist entry 3 is expired; only waiting or offered entries can do this"
    )


def test_an_offer_link_opens_that_offer_only():
    token = waitlist.offer_token("s" * 40, 5, 2)
    assert len(token) == 32
    assert waitlist.token_matches("s" * 40, 5, 2, token)
    assert not waitlist.token_matches("s" * 40, 5, 3, token)  # a later offer
    assert not waitlist.token_matches("s" * 40, 6, 2, token)
    assert not waitlist.token_matches("t" * 40, 5, 2, token)
