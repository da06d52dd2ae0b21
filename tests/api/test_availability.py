"""One room's availability: what is busy (bookings, closures), what is free, who sees which
booking, and the window's bounds."""

from __future__ import annotations

from datetime import timedelta

from compax_server.services import availability as availability_service
from compax_server.services import buildings, rooms
from tests.conftest import actor_of, at, bearer, refused_field
from tests.dates import Y2031

R = "/api/v1/rooms"


async def availability(client, user, room_id, start, end):
    return await client.get(
        f"{R}/{room_id}/availability",
        params={"from": start.isoformat(), "to": end.isoformat()},
        headers=bearer(user),
    )


async def test_busy_lists_bookings_and_closures_in_time_order_and_free_the_rest(
    client, member, staff, make_user, building, make_room, book
):
    room = await make_room()
    mine = await book(member, room, at(0, 14), at(0, 15), title="Reading group")
    other = await book(await make_user(), room, at(0, 9), at(0, 10), title="Private")
    await buildings.add_closure(
        actor_of(staff),
        building.pk,
        reason="Fire drill",
        room_id=room.pk,
        start=at(0, 11),
        end=at(0, 12),
    )
    r = await availability(client, member, room.pk, at(0, 8), at(0, 18))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"  # written without its model
    body = r.json()
    assert (body["room_id"], body["timezone"]) == (room.pk, "Europe/Berlin")
    assert (body["from"], body["to"]) == (f"{Y2031}-03-03T08:00:00Z", f"{Y2031}-03-03T18:00:00Z")
    day = f"{Y2031}-03-03"
    assert body["busy"] == [
        {  # another member's booking: its time and state, not whose or what
            "kind": "booking",
            "start": f"{day}T09:00:00Z",
            "end": f"{day}T10:00:00Z",
            "status": "confirmed",
            "booking_id": None,
            "title": None,
            "reason": None,
        },
        {
            "kind": "closure",
            "start": f"{day}T11:00:00Z",
            "end": f"{day}T12:00:00Z",
            "status": None,
            "booking_id": None,
            "title": None,
            "reason": "Fire drill",
        },
        {
            "kind": "booking",
            "start": f"{day}T14:00:00Z",
            "end": f"{day}T15:00:00Z",
            "status": "confirmed",
            "booking_id": mine.pk,
            "title": "Reading group",
            "reason": None,
        },
    ]
    assert [(f["start"], f["end"]) for f in body["free"]] == [
        (f"{day}T08:00:00Z", f"{day}T09:00:00Z"),
        (f"{day}T10:00:00Z", f"{day}T11:00:00Z"),
        (f"{day}T12:00:00Z", f"{day}T14:00:00Z"),
        (f"{day}T15:00:00Z", f"{day}T18:00:00Z"),
    ]
    seen_by_staff = (await availability(client, staff, room.pk, at(0, 8), at(0, 18))).json()
    assert [(b["booking_id"], b["title"]) for b in seen_by_staff["busy"]] == [
        (other.pk, "Private"),
        (None, None),
        (mine.pk, "Reading group"),
    ]


async def test_a_room_that_cannot_be_booked_shows_what_is_busy_and_nothing_free(
    client, member, staff, make_room, book
):
    room = await make_room()
    await book(staff, room, at(0, 9), at(0, 10))
    changed = await client.patch(
        f"{R}/{room.pk}", json={"bookable": False}, headers={**bearer(staff), "If-Match": "*"}
    )
    assert changed.status_code == 200, changed.text
    body = (await availability(client, member, room.pk, at(0, 8), at(0, 18))).json()
    assert [b["start"] for b in body["busy"]] == [f"{Y2031}-03-03T09:00:00Z"]
    assert body["free"] == []


async def test_the_window_is_at_most_62_days(client, member, room):
    longest = await availability(client, member, room.pk, at(0, 0), at(62, 0))
    assert longest.status_code == 200, longest.text
    too_long = await availability(
        client, member, room.pk, at(0, 0), at(62, 0) + timedelta(seconds=1)
    )
    refused_field(too_long, "/to", "the window is at most 62 days", "too_long", location="query")


async def test_the_window_must_end_after_it_starts(client, member, room):
    for end in (at(0, 9), at(0, 8)):
        r = await availability(client, member, room.pk, at(0, 9), end)
        refused_field(r, "/to", "must be after from", "invalid_interval", location="query")


async def test_a_room_that_does_not_exist_is_a_404(client, member, room):
    r = await availability(client, member, room.pk + 1000, at(0, 8), at(0, 18))
    assert r.status_code == 404
    assert r.json()["detail"] == f"room {room.pk + 1000} does not exist"


async def test_free_time_is_only_within_the_buildings_opening_hours(
    client, member, staff, building, room, book
):
    """Open 08:00-18:00 on Mondays in Berlin (07:00-17:00 UTC in March), closed on
    Tuesdays: a day's window from 06:00 UTC has its free time inside the opening hours, with
    the booking cut out; the Tuesday has none."""
    await buildings.update_building(
        actor_of(staff), building.pk, opening_hours={"mon": [["08:00", "18:00"]]}
    )
    await book(staff, room, at(0, 9), at(0, 10))
    r = await availability(client, member, room.pk, at(0, 6), at(1, 20))
    assert r.status_code == 200, r.text
    day = f"{Y2031}-03-03"
    assert r.json()["free"] == [
        {"start": f"{day}T07:00:00Z", "end": f"{day}T09:00:00Z"},
        {"start": f"{day}T10:00:00Z", "end": f"{day}T17:00:00Z"},
    ]


async def test_a_removed_room_has_no_availability_and_no_calendar(client, admin, member, room):
    """A room removed from the catalogue answers like one that never was: its availability
    and its calendar feed are 404s in the same words."""
    await rooms.delete_room(actor_of(admin), room.pk)
    r = await availability(client, member, room.pk, at(0, 8), at(0, 18))
    assert (r.status_code, r.json()["detail"]) == (404, f"room {room.pk} does not exist")
    r = await client.get(f"/api/v1/rooms/{room.pk}/calendar.ics", headers=bearer(member))
    assert (r.status_code, r.json()["detail"]) == (404, f"room {room.pk} does not exist")


async def refused_with_alternatives(client, member, wanted):
    r = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": wanted.pk,
            "title": "x",
            "start": at(0, 9).isoformat(),
            "end": at(0, 10).isoformat(),
        },
        headers=bearer(member),
    )
    assert r.status_code == 409, r.text
    return r.json()["alternatives"]


async def alternatives_to(client, member, wanted):
    return [a["code"] for a in await refused_with_alternatives(client, member, wanted)]


async def test_alternatives_in_the_same_building_come_first_however_many_fit_better_elsewhere(
    client, admin, member, staff, make_room, book
):
    annex = await buildings.create_building(
        actor_of(admin), code="B2", name="Annex", timezone="Europe/Berlin"
    )
    wanted = await make_room(code="MAIN-40", capacity=40)
    await make_room(code="MAIN-90", capacity=90)
    await make_room(code="MAIN-20", capacity=20)  # too small
    await make_room(code="MAIN-X", capacity=45, bookable=False)
    for n in range(20):  # better fits, all of them, but a walk away
        await make_room(code=f"ANNEX-{n:02}", capacity=41 + n, building_id=annex.pk)
    await book(staff, wanted, at(0, 9), at(0, 10))
    assert await alternatives_to(client, member, wanted) == [
        "MAIN-90",
        "ANNEX-00",
        "ANNEX-01",
    ]


async def test_at_most_three_alternatives_the_smallest_first(
    client, member, staff, make_room, book
):
    wanted = await make_room(code="W", capacity=40)
    for capacity in (70, 50, 60, 45, 80):
        await make_room(code=f"R-{capacity}", capacity=capacity)
    await book(staff, wanted, at(0, 9), at(0, 10))
    assert await alternatives_to(client, member, wanted) == ["R-45", "R-50", "R-60"]


async def test_alternatives_have_every_feature_of_the_room_asked_for(
    client, member, staff, make_room, book
):
    """A room with a projector and a whiteboard: the rooms offered have both (more is
    fine), however small; a room with one of them, or none, is not offered."""
    wanted = await make_room(code="W", capacity=40, features=["projector", "whiteboard"])
    await make_room(code="ONLY-PROJECTOR", capacity=40, features=["projector"])
    await make_room(code="NONE", capacity=40)
    await make_room(code="BOTH", capacity=60, features=["whiteboard", "projector"])
    await make_room(code="MORE", capacity=80, features=["projector", "whiteboard", "piano"])
    await book(staff, wanted, at(0, 9), at(0, 10))
    assert await alternatives_to(client, member, wanted) == ["BOTH", "MORE"]


async def test_a_room_removed_meanwhile_still_gets_rooms_like_it(admin, make_room):
    gone = await make_room(code="GONE", capacity=40)
    await make_room(code="LIKE-IT", capacity=40)
    await make_room(code="SMALLER", capacity=39)
    await rooms.delete_room(actor_of(admin), gone.pk)
    offered = await availability_service.alternatives(gone.pk, at(0, 9), at(0, 10))
    assert [a["code"] for a in offered] == ["LIKE-IT"]
    assert await availability_service.alternatives(gone.pk + 1000, at(0, 9), at(0, 10)) == []


async def test_a_conflict_offers_free_rooms_with_the_seats_and_features(
    client, member, staff, make_room, book
):
    wanted = await make_room(code="C-1", capacity=40, features=["projector"])
    await make_room(code="C-2", capacity=30, features=["projector"])  # too small
    c3 = await make_room(code="C-3", capacity=60, features=["projector"], name="Hall")
    await make_room(code="C-4", capacity=45, features=["whiteboard"])  # lacks the projector
    c5 = await make_room(code="C-5", capacity=50, features=["projector", "whiteboard"])
    taken = await make_room(code="C-6", capacity=41, features=["projector"])
    await book(staff, wanted, at(0, 9), at(0, 10))
    await book(staff, taken, at(0, 9), at(0, 10))
    assert await refused_with_alternatives(client, member, wanted) == [
        {"id": c5.pk, "code": "C-5", "name": c5.name, "capacity": 50},
        {"id": c3.pk, "code": "C-3", "name": "Hall", "capacity": 60},
    ]
