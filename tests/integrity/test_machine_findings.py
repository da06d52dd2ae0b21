"""The bugs the calendar state machine found when it was written, pinned one by one."""

from __future__ import annotations

from datetime import timedelta

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


async def test_a_following_change_marks_what_differs_from_the_series(client, staff, make_room):
    """Found by the machine on SQLite: a second ``following`` change to the same time, with
    ``reset_exceptions``, found nothing to change on the occurrences and so cleared their
    ``time`` exception, leaving them off their series' wall-clock time and movable by the
    next series edit."""
    room = await make_room()
    made = (await client.post(S, json=weekly(room), headers=bearer(staff))).json()
    first, *later = made["booking_ids"]
    change = {"scope": "following", "from_date": f"{Y2031}-03-11"}
    change |= {"start_time": "08:30", "duration_minutes": 30}
    for extra in ({}, {"reset_exceptions": True}):
        version = await version_of(client, staff, made["id"])
        r = await client.patch(
            f"{S}/{made['id']}",
            json=change | extra,
            headers=bearer(staff) | {"If-Match": f'"{version}"'},
        )
        assert r.status_code == 200, r.text
        for bid in later:
            b = await Booking.get(id=bid)
            assert b.exception_fields == ["time"], (extra, b.exception_fields)
            assert (b.start.hour, b.start.minute, b.end - b.start) == (7, 30, timedelta(minutes=30))
    assert (await Booking.get(id=first)).exception_fields == []
    series = (await client.get(f"{S}/{made['id']}", headers=bearer(staff))).json()
    assert (series["start_time"], series["duration_minutes"]) == ("09:00", 60)


async def test_a_following_reset_puts_back_what_it_does_not_change(client, staff, make_room):
    """A ``following`` rename with ``reset_exceptions`` puts a retimed occurrence back on the
    series' time; that time is the series' again, so it is no exception any more."""
    room = await make_room()
    made = (await client.post(S, json=weekly(room), headers=bearer(staff))).json()
    last = await Booking.get(id=made["booking_ids"][2])
    r = await client.patch(
        f"/api/v1/bookings/{last.pk}",
        json={"start": f"{Y2031}-03-18T12:00:00Z", "end": f"{Y2031}-03-18T13:00:00Z"},
        headers=bearer(staff) | {"If-Match": f'"{last.version}"'},
    )
    assert r.json()["exception_fields"] == ["time"], r.text
    version = await version_of(client, staff, made["id"])
    r = await client.patch(
        f"{S}/{made['id']}",
        json={"scope": "following", "from_date": f"{Y2031}-03-11", "title": "Algorithms II"}
        | {"reset_exceptions": True},
        headers=bearer(staff) | {"If-Match": f'"{version}"'},
    )
    assert r.status_code == 200, r.text
    after = await Booking.get(id=last.pk)
    assert (after.start.hour, after.exception_fields) == (8, ["title"])
    assert after.title == "Algorithms II"
