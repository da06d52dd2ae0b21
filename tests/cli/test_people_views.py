"""How the CLI shows people and the places they manage, on their own (no server): a user in
details and as JSON, a place named in the words typed, and which pending requests compete
for the same room at the same time."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import typer

from compax_cli import api_keys, bookings, managers, users
from compax_cli.session import State
from compax_sdk import Booking
from tests.cli import models

BERLIN = ZoneInfo("Europe/Berlin")

# -- users -----------------------------------------------------------------------------------


def test_a_user_in_details_every_row_in_order_created_in_the_commands_zone(screen):
    s = screen(100)
    users.show_user(State(zone_hint=BERLIN), models.user())
    assert s.out.splitlines() == [
        "User ada@campus.example",
        "id       7",
        "email    ada@campus.example",
        "name     Ada Lovelace",
        "role     member",
        "active   yes",
        "created  2031-01-06 09:00",
    ]
    assert s.err == ""


def test_an_inactive_staff_user_with_tz_shows_the_time_in_that_zone(screen):
    s = screen(100)
    shown = models.user(12, "desk@campus.example", "Front Desk").model_copy(
        update={"role": "staff", "is_active": False}
    )
    users.show_user(State(tz="Asia/Tokyo", zone_hint=BERLIN), shown)
    assert s.out.splitlines() == [
        "User desk@campus.example",
        "id       12",
        "email    desk@campus.example",
        "name     Front Desk",
        "role     staff",
        "active   no",
        "created  2031-01-06 17:00",
    ]


def test_a_user_as_json_is_the_model_and_nothing_else(screen, capsys):
    s = screen(100)
    users.show_user(State(json=True, zone_hint=BERLIN), models.user())
    assert json.loads(capsys.readouterr().out) == {
        "id": 7,
        "email": "ada@campus.example",
        "full_name": "Ada Lovelace",
        "role": "member",
        "is_active": True,
        "version": 0,
        "created_at": "2031-01-06T09:00:00+01:00",
        "updated_at": "2031-01-06T09:00:00+01:00",
    }
    assert (s.out, s.err) == ("", "")


# -- API keys --------------------------------------------------------------------------------
# (what ``scopes`` reads is pinned in test_views.py; here only the option a refusal names)


def test_a_scope_refused_is_blamed_on_the_scope_option():
    with pytest.raises(typer.BadParameter) as refused:
        api_keys.scopes(["read", "Owner"])
    assert refused.value.param_hint == "--scope"
    assert refused.value.format_message() == (
        "Invalid value for --scope: 'Owner' is not one of read, write, import, admin"
    )


# -- managers --------------------------------------------------------------------------------


def test_the_place_managed_is_named_in_the_words_typed():
    assert managers._what("A-101", None) == "room A-101"
    assert managers._what(None, "MUSIC") == "building MUSIC"
    assert managers._what("12", None) == "room 12"


# -- competing requests ----------------------------------------------------------------------


def at(hour: int, minute: int = 0) -> str:
    return datetime(2031, 3, 4, hour, minute, tzinfo=BERLIN).isoformat()


def request(booking_id: int, start: str, end: str, room_id: int = 3) -> Booking:
    fields: dict[str, Any] = {
        "id": booking_id,
        "room_id": room_id,
        "owner_id": 7,
        "title": f"Request {booking_id}",
        "start": start,
        "end": end,
        "status": "pending",
        "version": 1,
        "created_at": models.STAMP,
        "updated_at": models.STAMP,
    }
    return Booking.model_validate(fields)


def test_no_requests_compete_with_nothing():
    assert bookings.overlapping([]) == {}
    assert bookings.overlapping([request(1, at(9), at(10))]) == {1: []}


def test_two_requests_for_the_same_room_at_overlapping_times_each_list_the_other():
    found = bookings.overlapping([request(1, at(9), at(10)), request(2, at(9, 30), at(11))])
    assert found == {1: [2], 2: [1]}


def test_one_request_inside_another_competes_with_it():
    found = bookings.overlapping([request(1, at(9), at(12)), request(2, at(10), at(11))])
    assert found == {1: [2], 2: [1]}


def test_requests_that_only_touch_do_not_compete():
    """Times are half open: one ending at 10:00 leaves the room free for one at 10:00."""
    found = bookings.overlapping([request(1, at(9), at(10)), request(2, at(10), at(11))])
    assert found == {1: [], 2: []}
    found = bookings.overlapping([request(2, at(10), at(11)), request(1, at(9), at(10))])
    assert found == {2: [], 1: []}


def test_overlapping_times_by_one_minute_compete():
    found = bookings.overlapping([request(1, at(9), at(10, 1)), request(2, at(10), at(11))])
    assert found == {1: [2], 2: [1]}


def test_requests_apart_in_time_do_not_compete():
    found = bookings.overlapping([request(1, at(9), at(10)), request(2, at(14), at(15))])
    assert found == {1: [], 2: []}


def test_requests_for_another_room_at_the_same_time_do_not_compete():
    found = bookings.overlapping([request(1, at(9), at(10)), request(2, at(9), at(10), room_id=4)])
    assert found == {1: [], 2: []}


def test_three_way_each_lists_the_others_in_the_order_given():
    rows = [
        request(5, at(9), at(11)),
        request(2, at(10), at(12)),
        request(8, at(10, 30), at(10, 45)),
        request(3, at(11), at(13)),
        request(9, at(9), at(13), room_id=4),
    ]
    assert bookings.overlapping(rows) == {
        5: [2, 8],
        2: [5, 8, 3],
        8: [5, 2],
        3: [2],
        9: [],
    }
    assert list(bookings.overlapping(rows)) == [5, 2, 8, 3, 9]


def test_a_request_never_competes_with_itself():
    same = request(1, at(9), at(10))
    assert bookings.overlapping([same, same]) == {1: []}
