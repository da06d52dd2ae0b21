"""Attendees: an optional head count on a booking; more than the room's seats is refused for
members and for staff without override, with nothing written."""

from __future__ import annotations

from compax_server.db.bookings import Booking
from tests.conftest import at, bearer

BK = "/api/v1/bookings"


def body(room, **extra):
    return {
        "room_id": room.pk,
        "title": "Seminar",
        "start": at(0, 9).isoformat(),
        "end": at(0, 10).isoformat(),
        **extra,
    }


async def test_attendees_are_kept_and_must_fit(client, member, staff, make_room):
    small = await make_room(capacity=10)
    r = await client.post(BK, json=body(small, attendees=10), headers=bearer(member))
    assert r.status_code == 201, r.text
    assert r.json()["attendees"] == 10
    r = await client.post(
        BK,
        json=body(small, attendees=11, start=at(1, 9).isoformat(), end=at(1, 10).isoformat()),
        headers=bearer(member),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0] | {"detail": ""} == {
        "rule": "room_capacity",
        "limit": 10,
        "pointer": "/attendees",
        "detail": "",
    }
    # what to do about it: a member can only pick a larger room
    assert r.json()["errors"][0]["detail"] == (
        f"11 attendees do not fit in {small.code} (10 seats); book a larger room"
    )
    assert await Booking.filter(start=at(1, 9)).count() == 0
    late = {"start": at(2, 9).isoformat(), "end": at(2, 10).isoformat()}
    r = await client.post(BK, json=body(small, attendees=40, **late), headers=bearer(staff))
    assert r.status_code == 422  # staff too, unless they override
    assert r.json()["errors"][0]["detail"].endswith("; book a larger room, or override")
    r = await client.post(
        BK, json=body(small, attendees=40, override=True, **late), headers=bearer(staff)
    )
    assert r.status_code == 201 and r.json()["attendees"] == 40
    for bad in (0, 10_001, "3", 2.5):
        r = await client.post(BK, json=body(small, attendees=bad), headers=bearer(member))
        assert r.status_code == 400, bad


async def test_changing_attendees_and_moving_to_a_smaller_room(client, member, make_room):
    big, small = await make_room(capacity=50), await make_room(capacity=10)
    r = await client.post(BK, json=body(big, attendees=30), headers=bearer(member))
    booking = r.json()
    url, etag = f"{BK}/{booking['id']}", r.headers["etag"]
    r = await client.patch(
        url, json={"room_id": small.pk}, headers=bearer(member) | {"If-Match": etag}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "room_capacity"
    assert (
        r.json()["detail"]
        == f"30 attendees do not fit in {small.code} (10 seats); book a larger room"
    )
    r = await client.patch(url, json={"attendees": 60}, headers=bearer(member) | {"If-Match": etag})
    assert r.status_code == 422
    assert (
        r.json()["detail"]
        == f"60 attendees do not fit in {big.code} (50 seats); book a larger room"
    )
    r = await client.patch(
        url, json={"attendees": 8, "room_id": small.pk}, headers=bearer(member) | {"If-Match": etag}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["attendees"], r.json()["room_id"]) == (8, small.pk)
    r = await client.patch(
        url, json={"attendees": None}, headers=bearer(member) | {"If-Match": r.headers["etag"]}
    )
    assert r.status_code == 200 and r.json()["attendees"] is None
