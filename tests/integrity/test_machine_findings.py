"""The bugs the calendar state machine found when it was written, pinned one by one."""

from __future__ import annotations

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from tests.conftest import bearer
from tests.dates import Y2031

S = "/api/v1/series"


def weekly(room, **extra):
    return {
        "room_id": room.pk,
        "title": "Algorithms",
        "start_date": f"{Y2031}-03-04",
        "start_time": "09:00",
        "duration_minutes": 60,
        "recurrence": {"freq": "weekly", "count": 3},
        **extra,
    }


async def version_of(client, staff, series_id):
    return (await client.get(f"{S}/{series_id}", headers=bearer(staff))).json()["version"]


async def test_a_closure_outside_pythons_years_is_a_422(client, staff, building):
    for start, end in [
        ("0001-01-01T00:00:00+01:00", "0001-01-01T01:00:00+01:00"),
        ("9999-12-31T22:00:00-01:00", "9999-12-31T23:00:00-01:00"),
        ("0001-01-02T00:00:00Z", "9999-12-30T00:00:00Z"),
    ]:
        r = await client.post(
            f"/api/v1/buildings/{building.pk}/closures",
            json={"reason": "x", "start": start, "end": end},
            headers=bearer(staff),
        )
        assert r.status_code == 422, (start, r.text)
        assert r.json()["errors"][0]["rule"] == "time_range"


async def test_a_series_edit_or_a_new_date_rejects_the_requests_it_overrides(
    client, staff, member, make_room
):
    plain, approval = await make_room(), await make_room(requires_approval=True)
    request = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": approval.pk,
            "title": "Reading group",
            "start": f"{Y2031}-03-04T08:00:00Z",
            "end": f"{Y2031}-03-04T09:00:00Z",
        },
        headers=bearer(member),
    )
    assert request.json()["status"] == "pending"
    other = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": approval.pk,
            "title": "Study",
            "start": f"{Y2031}-03-25T08:00:00Z",
            "end": f"{Y2031}-03-25T09:00:00Z",
        },
        headers=bearer(member),
    )
    made = (await client.post(S, json=weekly(plain), headers=bearer(staff))).json()
    moved = await client.patch(
        f"{S}/{made['id']}",
        json={"room_id": approval.pk},
        headers=bearer(staff) | {"If-Match": f'"{made["version"]}"'},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["rejected_booking_ids"] == [request.json()["id"]]
    assert (await Booking.get(id=request.json()["id"])).status == Status.rejected

    version = await version_of(client, staff, made["id"])
    added = await client.post(
        f"{S}/{made['id']}/dates",
        json={"date": f"{Y2031}-03-25", "override": True},
        headers=bearer(staff) | {"If-Match": f'"{version}"'},
    )
    assert added.status_code == 200, added.text
    assert added.json()["rejected_booking_ids"] == [other.json()["id"]]
    event = await AuditEvent.filter(action="series.add_date").order_by("-id").first()
    assert event is not None and event.after.get("override") is True


async def test_a_reset_puts_every_occurrence_back_on_its_series(client, staff, make_room):
    room, elsewhere = await make_room(), await make_room()
    made = (await client.post(S, json=weekly(room), headers=bearer(staff))).json()
    second = await Booking.get(id=made["booking_ids"][1])
    r = await client.patch(
        f"/api/v1/bookings/{second.pk}",
        json={"room_id": elsewhere.pk, "title": "Moved"},
        headers=bearer(staff) | {"If-Match": f'"{second.version}"'},
    )
    assert r.json()["exception_fields"] == ["room_id", "title"]
    version = await version_of(client, staff, made["id"])
    r = await client.patch(
        f"{S}/{made['id']}",
        json={"title": "Algorithms I", "reset_exceptions": True},
        headers=bearer(staff) | {"If-Match": f'"{version}"'},
    )
    assert r.status_code == 200, r.text
    after = await Booking.get(id=second.pk)
    assert (after.room_id, after.title, after.exception_fields) == (room.pk, "Algorithms I", [])
