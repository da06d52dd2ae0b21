"""Buildings, closures, features and rooms."""

from __future__ import annotations

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.users import Role
from tests.conftest import at, bearer
from tests.dates import Y2031

B = "/api/v1/buildings"
R = "/api/v1/rooms"


async def test_staff_create_a_building_with_opening_hours(client, staff):
    r = await client.post(
        B,
        json={
            "code": "LIB",
            "name": "Library",
            "timezone": "Europe/Berlin",
            "opening_hours": {
                "mon": [["13:00", "18:00"], ["08:00", "12:00"]],
                "sat": [["10:00", "24:00"]],
            },
        },
        headers=bearer(staff),
    )
    assert r.status_code == 201, r.text
    assert r.json()["opening_hours"]["mon"] == [["08:00", "12:00"], ["13:00", "18:00"]]


@pytest.mark.parametrize(
    ("payload", "pointer"),
    [
        ({"timezone": "Mars/Olympus"}, "/timezone"),
        ({"opening_hours": {"mon": [["10:00", "09:00"]]}}, "/opening_hours/mon"),
        (
            {"opening_hours": {"mon": [["08:00", "12:00"], ["11:00", "13:00"]]}},
            "/opening_hours/mon",
        ),
        ({"opening_hours": {"mon": [["8:00", "12:00"]]}}, "/opening_hours/mon/0/0"),
        ({"opening_hours": {"someday": [["08:00", "12:00"]]}}, "/opening_hours/someday/[key]"),
        ({"code": "bad code!"}, "/code"),
    ],
)
async def test_bad_building_input_is_400_naming_the_field(client, staff, payload, pointer):
    body = {"code": "X1", "name": "X", "timezone": "Europe/Berlin"} | payload
    r = await client.post(B, json=body, headers=bearer(staff))
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["pointer"] == pointer


async def test_members_read_but_do_not_write_the_catalogue(client, member, building, room):
    h = bearer(member)
    assert (await client.get(f"{B}/{building.pk}", headers=h)).status_code == 200
    assert (await client.get(f"{R}/{room.pk}", headers=h)).status_code == 200
    assert (
        await client.post(B, json={"code": "X", "name": "X", "timezone": "UTC"}, headers=h)
    ).status_code == 403
    assert (
        await client.patch(f"{R}/{room.pk}", json={"capacity": 5}, headers=h)
    ).status_code == 403
    assert (await client.delete(f"{R}/{room.pk}", headers=h)).status_code == 403


async def test_rooms_have_features_from_the_vocabulary(client, staff, building):
    h = bearer(staff)
    assert (
        await client.post(
            "/api/v1/features", json={"code": "projector", "name": "Projector"}, headers=h
        )
    ).status_code == 201
    r = await client.post(
        R,
        json={
            "code": "B1-204",
            "name": "Seminar",
            "building_id": building.pk,
            "capacity": 30,
            "features": ["projector"],
            "requires_approval": True,
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    room = r.json()
    assert room["features"] == ["projector"]
    assert room["building_code"] == "B1"
    assert room["timezone"] == "Europe/Berlin"
    r = await client.post(
        R,
        json={
            "code": "B1-205",
            "name": "Lab",
            "building_id": building.pk,
            "capacity": 30,
            "features": ["hologram"],
        },
        headers=h,
    )
    assert r.status_code == 400
    assert "hologram" in r.json()["detail"] and "projector" in r.json()["detail"]
    dup = await client.post(
        R,
        json={"code": "B1-204", "name": "x", "building_id": building.pk, "capacity": 3},
        headers=h,
    )
    assert dup.status_code == 409


async def test_room_update_refuses_null_for_required_fields(client, staff, room):
    h = bearer(staff)
    r = await client.patch(f"{R}/{room.pk}", json={"capacity": None}, headers=h)
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/capacity"
    h |= {"If-Match": f'"{room.version}"'}
    r = await client.patch(f"{R}/{room.pk}", json={"floor": None, "capacity": 12}, headers=h)
    assert r.status_code == 200
    assert r.json()["capacity"] == 12 and r.json()["floor"] is None


async def test_removing_a_room_with_upcoming_bookings_is_409_unless_an_admin_forces(
    client, staff, admin, room, book
):
    booking = await book(staff, room, at(0, 9), at(0, 10))
    r = await client.delete(f"{R}/{room.pk}", headers=bearer(staff))
    assert r.status_code == 409
    assert r.json()["bookings"] == [booking.pk]
    assert (
        await client.delete(f"{R}/{room.pk}?force=true", headers=bearer(staff))
    ).status_code == 403
    r = await client.delete(f"{R}/{room.pk}?force=true", headers=bearer(admin))
    assert r.status_code == 200
    assert r.json()["cancelled_booking_ids"] == [booking.pk]
    assert (await Booking.get(id=booking.pk)).status == Status.cancelled
    assert await AuditEvent.filter(action="booking.cancel", entity_id=booking.pk).exists()
    assert (await client.get(f"{R}/{room.pk}", headers=bearer(admin))).status_code == 404


async def test_closures_by_dates_cover_whole_local_days(client, staff, building):
    r = await client.post(
        f"{B}/{building.pk}/closures",
        json={"reason": "Easter", "start_date": f"{Y2031}-04-18", "end_date": f"{Y2031}-04-21"},
        headers=bearer(staff),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["start"] == f"{Y2031}-04-17T22:00:00Z"  # midnight in Berlin, summer time
    assert body["end"] == f"{Y2031}-04-21T22:00:00Z"
    listed = (await client.get(f"{B}/{building.pk}/closures", headers=bearer(staff))).json()["data"]
    assert [c["reason"] for c in listed] == ["Easter"]
    assert (
        await client.delete(f"{B}/{building.pk}/closures/{body['id']}", headers=bearer(staff))
    ).status_code == 204


async def test_a_building_with_rooms_cannot_be_removed(client, staff, building, room):
    assert (await client.delete(f"{B}/{building.pk}", headers=bearer(staff))).status_code == 409


async def test_catalogue_writes_are_audited(client, staff, building):
    h = bearer(staff) | {"If-Match": f'"{building.version}"'}
    r = await client.patch(f"{B}/{building.pk}", json={"name": "Renamed"}, headers=h)
    assert r.status_code == 200
    event = await AuditEvent.filter(action="building.update").first()
    assert event.before["name"] == "Main building" and event.after["name"] == "Renamed"
    assert event.actor_user_id == staff.pk


async def test_staff_role_is_enough_for_the_catalogue(make_user, client, building):
    staff = await make_user(Role.staff)
    r = await client.post(
        R,
        json={"code": "C-1", "name": "c", "building_id": building.pk, "capacity": 3},
        headers=bearer(staff),
    )
    assert r.status_code == 201
