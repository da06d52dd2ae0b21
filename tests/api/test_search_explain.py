"""``explain=true``: every near miss with all of its reasons in full, its blocked occurrences
counted once each (opening hours, bookings and closures together), and each viewer shown what
the privacy rule lets them see, also when the answer comes from the cache."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from compax_server.db.users import Role
from compax_server.services import buildings, managers
from tests.conftest import actor_of, at, bearer
from tests.dates import Y2031

R = "/api/v1/rooms"
NO_EXTRA = {"detail": None, "booking_id": None, "closure_id": None, "title": None}


async def explained(client, user, **params: Any) -> dict[str, dict[str, Any]]:
    """The near misses by room code, their times read back as datetimes."""
    sent = {k: v.isoformat() if isinstance(v, datetime | date) else v for k, v in params.items()}
    r = await client.get(R, params=sent | {"explain": "true"}, headers=bearer(user))
    assert r.status_code == 200, r.text
    out = {}
    for room in r.json()["unavailable"]:
        for reason in room["reasons"]:
            for key in ("start", "end"):
                if reason.get(key) is not None:
                    reason[key] = datetime.fromisoformat(reason[key])
        out[room["code"]] = room
    return out


async def daily(client, user, day: int, last: date, **params: Any) -> dict[str, dict[str, Any]]:
    """A daily search 09:00-10:00Z from ``day`` (0: Monday) to ``last``, explained."""
    window = {"free_from": at(day, 9), "free_to": at(day, 10), "repeat": "daily", "until": last}
    return await explained(client, user, **window, **params)


def booking(start: datetime, end: datetime, **extra: Any) -> dict[str, Any]:
    fixed = {"type": "booking", "start": start, "end": end}
    return NO_EXTRA | {"occurrences": None, "status": "confirmed"} | extra | fixed


async def test_each_viewer_sees_the_booking_in_the_way_as_the_privacy_rule_says(
    client, make_user, staff, admin, make_room, book
):
    """The owner, the room's manager and staff see the booking's id and title; another member
    sees only its times and state: asked in turns, so each answer after the first of its
    kind comes from the cache, which must not hand one viewer's answer to another."""
    owner, other, carer = [await make_user(Role.member) for _ in range(3)]
    room = await make_room(code="V-1")
    mine = await book(owner, room, at(0, 10), at(0, 11), title="Thesis defence")
    hidden = booking(at(0, 10), at(0, 11))
    shown = booking(at(0, 10), at(0, 11), booking_id=mine.pk, title="Thesis defence")
    window = {"free_from": at(0, 9), "free_to": at(0, 12)}
    # Not yet the room's manager: a member's view, cached; then named manager, the next
    # answer is a manager's (nothing in the calendar changed).
    assert (await explained(client, carer, **window))["V-1"]["reasons"] == [hidden]
    await managers.add_manager(actor_of(admin), managers.Target("room", room.pk), carer.pk)
    for viewer, want in [
        (other, hidden),
        (owner, shown),
        (other, hidden),
        (carer, shown),
        (staff, shown),
        (owner, shown),
        (other, hidden),
    ]:
        got = (await explained(client, viewer, **window))["V-1"]
        assert got["reasons"] == [want], viewer.email
        assert (got["blocked_occurrences"], got["occurrences"]) == (1, 1)


async def test_hours_bookings_and_closures_count_each_blocked_occurrence_once(
    client, member, staff, make_room, book, building
):
    """A daily search Friday to Sunday, 10:00-11:00 in Berlin, in a building open on
    weekdays only: Saturday and Sunday are closed for every room; a room booked on Friday is
    blocked at all three; a room that is not bookable at all three, whatever the hours."""
    await buildings.update_building(
        actor_of(staff),
        building.pk,
        opening_hours={d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    )
    await make_room(code="O-1")
    booked = await make_room(code="O-2")
    await make_room(code="O-3", bookable=False)
    await book(staff, booked, at(4, 9, 30), at(4, 10))
    closed = {
        "type": "outside_opening_hours",
        "detail": "B1 is closed at 2 of 3 occurrences",
        "occurrences": 2,
    } | {k: None for k in ("booking_id", "closure_id", "start", "end", "status", "title")}
    not_bookable = NO_EXTRA | {"type": "not_bookable", "detail": "the room is not bookable"}
    not_bookable |= {"occurrences": None, "start": None, "end": None, "status": None}
    got = await daily(client, member, 4, date(Y2031, 3, 9), sort="code")
    assert list(got) == ["O-1", "O-2", "O-3"]
    assert got["O-1"]["reasons"] == [closed]
    assert got["O-2"]["reasons"] == [closed, booking(at(4, 9, 30), at(4, 10))]
    assert got["O-3"]["reasons"] == [not_bookable, closed]
    blocked = {code: (r["blocked_occurrences"], r["occurrences"]) for code, r in got.items()}
    assert blocked == {"O-1": (2, 3), "O-2": (3, 3), "O-3": (3, 3)}


async def test_a_booking_across_two_occurrences_is_one_reason_and_blocks_both(
    client, member, staff, make_room, book, building
):
    """A daily search Monday to Wednesday, 09:00-10:00Z: a 24-hour booking overlaps Monday's
    and Tuesday's windows (listed once, counted twice), a closure on Wednesday adds the
    third; two short bookings inside one window are two reasons and one occurrence."""
    long = await make_room(code="D-1")
    split = await make_room(code="D-2")
    await book(staff, long, at(0, 9, 30), at(1, 9, 30))
    closure = await buildings.add_closure(
        actor_of(staff),
        building.pk,
        reason="floor polish",
        room_id=long.pk,
        start=at(2, 9),
        end=at(2, 9, 15),
    )
    await book(staff, split, at(1, 9), at(1, 9, 20))
    await book(staff, split, at(1, 9, 40), at(1, 10))
    got = await daily(client, member, 0, date(Y2031, 3, 5))
    assert got["D-1"]["reasons"] == [
        booking(at(0, 9, 30), at(1, 9, 30)),
        NO_EXTRA
        | {"occurrences": None, "status": None, "type": "closure"}
        | {"closure_id": closure.closure.pk, "start": at(2, 9), "end": at(2, 9, 15)}
        | {"detail": "floor polish"},
    ]
    assert (got["D-1"]["blocked_occurrences"], got["D-1"]["occurrences"]) == (3, 3)
    assert got["D-2"]["reasons"] == [
        booking(at(1, 9), at(1, 9, 20)),
        booking(at(1, 9, 40), at(1, 10)),
    ]
    assert got["D-2"]["blocked_occurrences"] == 1
