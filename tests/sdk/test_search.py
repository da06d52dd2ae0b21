"""The room search (free windows, recurring windows, explain), one room's availability, and
the alternatives a conflict offers, with both clients (``kind``)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import pytest

from compax_sdk import (
    AlternativeRoom,
    AsyncRoomSearchPage,
    Availability,
    BookingConflictError,
    RoomSearchPage,
    UnavailableRoom,
    ValidationError,
)
from tests.conftest import at
from tests.dates import Y2031
from tests.sdk.conftest import Twin


async def first_page(c: Twin, **params):
    """The first page itself (the twin would read every page into a list)."""
    if c.kind == "sync":
        page = await asyncio.to_thread(lambda: c.client.rooms.list(**params))
        assert isinstance(page, RoomSearchPage)
    else:
        page = await c.client.rooms.list(**params)
        assert isinstance(page, AsyncRoomSearchPage)
    return page


async def test_a_window_keeps_the_free_rooms_and_explain_names_the_rest(
    connect, member, staff, make_room, book
):
    taken, free = await make_room(capacity=20), await make_room(capacity=30)
    busy = await book(staff, taken, at(0, 9), at(0, 11), title="Exam")
    c = connect(member)
    page = await first_page(c, free_from=at(0, 9), free_to=at(0, 10), explain=True)
    assert [r.id for r in page.data] == [free.id]
    assert page.occurrences == 1
    assert page.unavailable is not None
    [miss] = page.unavailable
    assert isinstance(miss, UnavailableRoom) and miss.id == taken.id
    assert (miss.blocked_occurrences, miss.occurrences) == (1, 1)
    [reason] = miss.reasons
    assert (reason.type, reason.start, reason.end) == ("booking", at(0, 9), at(0, 11))
    assert reason.booking_id is None and reason.title is None  # not the member's booking
    sent = c.last("GET", "/rooms").url.params
    assert (sent["free_from"], sent["explain"]) == (f"{Y2031}-03-03T09:00:00+00:00", "true")

    staff_view = await first_page(
        connect(staff), free_from=at(0, 9), free_to=at(0, 10), explain=True
    )
    assert staff_view.unavailable is not None
    assert staff_view.unavailable[0].reasons[0].booking_id == busy.pk

    plain = await first_page(c, min_capacity=25)
    assert ([r.id for r in plain.data], plain.occurrences, plain.unavailable) == (
        [free.id],
        0,
        None,
    )
    assert [r.id for r in await c.rooms.list(free_from=at(0, 9), free_to=at(0, 10))] == [free.id]


async def test_a_weekly_search_needs_the_room_free_every_week(
    connect, member, staff, make_room, book
):
    room, other = await make_room(), await make_room()
    await book(staff, room, at(14, 9), at(14, 10))  # the third Monday
    c = connect(member)
    page = await first_page(
        c, free_from=at(0, 9), free_to=at(0, 10), repeat="weekly", until=date(Y2031, 3, 17)
    )
    assert ([r.id for r in page.data], page.occurrences) == ([other.id], 3)
    assert c.last("GET", "/rooms").url.params["until"] == f"{Y2031}-03-17"
    shorter = await c.rooms.list(
        free_from=at(0, 9), free_to=at(0, 10), repeat="weekly", until=date(Y2031, 3, 10)
    )
    assert {r.id for r in shorter} == {room.id, other.id}


async def test_a_search_through_a_term_skips_its_holidays(connect, staff, make_room, book):
    room = await make_room()
    await book(staff, room, at(7, 9), at(7, 10))  # 2031-03-10, a holiday of the term
    c = connect(staff)
    term = await c.terms.create(
        name="Spring 2031",
        start_date=date(Y2031, 3, 3),
        end_date=date(Y2031, 3, 23),
        holidays=[{"start": date(Y2031, 3, 10), "name": "Founders' day"}],
    )
    page = await first_page(c, free_from=at(0, 9), free_to=at(0, 10), repeat="weekly", term=term.id)
    assert ([r.id for r in page.data], page.occurrences) == ([room.id], 2)
    assert c.last("GET", "/rooms").url.params["term"] == str(term.id)


async def test_availability_lists_busy_and_free_times(connect, member, staff, room, book):
    busy = await book(staff, room, at(0, 9), at(0, 11), title="Lecture")
    c = connect(staff)
    found = await c.rooms.availability(room.pk, start=at(0, 8), end=at(0, 12))
    assert isinstance(found, Availability)
    assert (found.room_id, found.from_, found.to) == (room.pk, at(0, 8), at(0, 12))
    assert found.timezone == "Europe/Berlin"
    [interval] = found.busy
    assert (interval.kind, interval.booking_id, interval.title) == ("booking", busy.pk, "Lecture")
    assert [(f.start, f.end) for f in found.free] == [(at(0, 8), at(0, 9)), (at(0, 11), at(0, 12))]
    sent = c.last("GET", "/availability").url.params
    assert (sent["from"], sent["to"]) == (
        f"{Y2031}-03-03T08:00:00+00:00",
        f"{Y2031}-03-03T12:00:00+00:00",
    )

    hidden = await connect(member).rooms.availability(room.pk, start=at(0, 8), end=at(0, 12))
    assert hidden.busy[0].booking_id is None and hidden.busy[0].title is None
    with pytest.raises(ValueError, match="start must be a timezone-aware"):
        await c.rooms.availability(room.pk, start=datetime(Y2031, 3, 3), end=at(0, 12))


async def test_a_conflict_offers_rooms_that_fit(connect, member, staff, make_room, book):
    wanted = await make_room(capacity=30, features=["projector"])
    bigger = await make_room(capacity=60, features=["projector"])
    await make_room(capacity=10, features=["projector"])  # too small
    await make_room(capacity=90)  # no projector
    first = await book(staff, wanted, at(0, 9), at(0, 11))
    with pytest.raises(BookingConflictError) as err:
        await connect(member).bookings.create(
            room_id=wanted.pk, title="Seminar", start=at(0, 10), end=at(0, 12)
        )
    assert [c.start for c in err.value.conflicts] == [first.start]  # staff's: times only
    assert err.value.conflicts[0].room_id == wanted.pk
    [alternative] = err.value.alternatives
    assert isinstance(alternative, AlternativeRoom)
    assert (alternative.id, alternative.code, alternative.capacity) == (bigger.pk, bigger.code, 60)


async def test_bad_search_parameters_name_the_field(connect, member, room):
    with pytest.raises(ValidationError) as err:
        await connect(member).rooms.list(free_from=at(0, 9))
    assert [e.pointer for e in err.value.errors] == ["/free_to"]
