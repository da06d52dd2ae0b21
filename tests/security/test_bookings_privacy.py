"""Issue 12, items 11, 12 and 13: one privacy view, history stays history, sources belong to
their owner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from compax_server.db import sql, transaction
from compax_server.db.bookings import Booking, Status
from tests.conftest import at, bearer
from tests.dates import Y2031

BK = "/api/v1/bookings"


async def test_a_409_does_not_tell_a_member_another_members_booking(
    client, member, make_user, room
):
    """Repro: Alice asked for 10:30-11:30 and got conflicts[0] = {"id": 1, "title": "Bob
    private", ...}; the same booking is "Booked" in the room feed."""
    bob = await make_user()
    slot = {"room_id": room.pk, "start": at(0, 10).isoformat(), "end": at(0, 11).isoformat()}
    r = await client.post(BK, json=slot | {"title": "Bob private"}, headers=bearer(bob))
    assert r.status_code == 201
    r = await client.post(BK, json=slot | {"title": "Alice"}, headers=bearer(member))
    assert r.status_code == 409
    conflict = r.json()["conflicts"][0]
    assert "Bob private" not in r.text
    assert {"id", "title", "owner_id"}.isdisjoint(conflict)
    assert (conflict["start"], conflict["status"]) == (at(0, 10).isoformat(), "confirmed")


async def _past_booking(owner, room) -> Booking:
    """A booking that is over (written as it would have been, back then)."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    async with transaction():
        now = datetime.now(UTC)
        row = await sql.fetch_one(
            """INSERT INTO bookings (room_id, owner_id, title, description, "start", "end",
                   status, reason, version, created_at, updated_at)
               VALUES (?, ?, 'Old seminar', '', ?, ?, 'confirmed', '', 1, ?, ?) RETURNING id""",
            room.pk,
            owner.pk,
            start,
            start + timedelta(hours=1),
            now,
            now,
        )
    assert row is not None
    return await Booking.get(id=row["id"])


async def test_members_cannot_rewrite_history_staff_can(client, member, staff, room):
    """Repro: members renamed or cancelled bookings that were already over."""
    past = await _past_booking(member, room)
    headers = bearer(member) | {"If-Match": '"1"'}
    r = await client.patch(f"{BK}/{past.pk}", json={"title": "Never happened"}, headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["rule"] == "in_the_past"
    r = await client.post(f"{BK}/{past.pk}/cancel", json={}, headers=headers)
    assert r.status_code == 422
    assert (await Booking.get(id=past.pk)).status == Status.confirmed
    r = await client.patch(
        f"{BK}/{past.pk}",
        json={"title": "Old seminar (room 2)"},
        headers=bearer(staff) | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text


async def test_only_the_owner_of_a_source_or_an_admin_may_cancel_its_missing_items(
    client, staff, admin, make_user, room
):
    """Repro: any staff user could cancel_missing another source's items."""
    from compax_server.db.users import Role

    other = await make_user(role=Role.staff)
    item = {
        "external_id": "E1",
        "kind": "booking",
        "room": room.code,
        "title": "Exam",
        "start": at(2, 9).isoformat(),
        "end": at(2, 11).isoformat(),
    }
    body = {"source": "sis", "mode": "apply", "items": [item]}
    assert (
        await client.post("/api/v1/imports", json=body, headers=bearer(staff))
    ).status_code == 201
    item2 = item | {
        "external_id": "E2",
        "start": at(3, 9).isoformat(),
        "end": at(3, 11).isoformat(),
    }
    hostile = body | {"items": [item2], "cancel_missing": True}
    r = await client.post("/api/v1/imports", json=hostile, headers=bearer(other))
    assert r.status_code == 403, r.text
    assert await Booking.filter(external_id="E1", status=Status.confirmed).exists()
    r = await client.post("/api/v1/imports", json=hostile, headers=bearer(admin))
    assert r.status_code == 201, r.text
    assert not await Booking.filter(external_id="E1", status=Status.confirmed).exists()


async def test_a_forged_bookings_cursor_is_a_400(client, member):
    """On PostgreSQL an id of 2**40 in the cursor was a 500 (integer out of range)."""
    import base64
    import json

    for position in (
        {"s": f"{Y2031}-03-03T09:00:00+00:00", "id": 2**40},
        {"s": "0001-01-01T00:00:00+01:00", "id": 1},
        {"s": 5, "id": 1},
    ):
        raw = base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")
        r = await client.get(BK, params={"cursor": raw}, headers=bearer(member))
        assert r.status_code == 400, (position, r.text)
        assert r.json()["errors"][0]["pointer"] == "/cursor"
