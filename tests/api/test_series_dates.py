"""``POST /series/{id}/dates``: one more occurrence at the series' wall-clock time, with all
of the series' values, checked like any booking, recorded in the series, and refused with
nothing written when the date is taken, the series changed since, or the caller may not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.series import Series
from compax_server.db.users import Role
from compax_server.services import managers
from tests.conftest import actor_of, bearer, refused_field
from tests.dates import Y2031

S = "/api/v1/series"


def day(month: int, d: int) -> str:
    return f"{Y2031}-{month:02d}-{d:02d}"


async def weekly(client, user, room, **extra: Any) -> dict[str, Any]:
    """Tuesdays 09:00-10:30 in Berlin, 4 to 25 March, without the 11th."""
    body = {
        "room_id": room.pk,
        "title": "Algorithms",
        "description": "Bring laptops",
        "attendees": 12,
        "start_date": day(3, 4),
        "start_time": "09:00",
        "duration_minutes": 90,
        "recurrence": {"freq": "weekly", "until": day(3, 25)},
        "excluded_dates": [day(3, 11)],
    } | extra
    r = await client.post(S, json=body, headers=bearer(user))
    assert r.status_code == 201, r.text
    return r.json()


async def add(client, user, series: dict[str, Any], date: str, tag: str | None = None, **extra):
    headers = bearer(user) | {"If-Match": tag or f'"{series["version"]}"'}
    return await client.post(
        f"{S}/{series['id']}/dates", json={"date": date} | extra, headers=headers
    )


async def current(client, user, series_id: int) -> dict[str, Any]:
    r = await client.get(f"{S}/{series_id}", headers=bearer(user))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_an_added_date_has_the_series_values_at_its_wall_clock_time(
    client, member, make_room
):
    room = await make_room()
    made = await weekly(client, member, room)
    assert len(made["booking_ids"]) == 3
    r = await add(client, member, made, day(3, 11))
    assert r.status_code == 200, r.text
    body = r.json()
    [new_id] = body["booking_ids"]
    assert (body["excluded_dates"], body["added_dates"]) == ([], [day(3, 11)])
    assert body["version"] == made["version"] + 1
    assert r.headers["etag"].startswith(f'"{made["version"] + 1}')
    b = await Booking.get(id=new_id)
    assert (b.room_id, b.owner_id, b.series_id, b.status) == (
        room.pk,
        member.pk,
        made["id"],
        Status.confirmed,
    )
    assert (b.title, b.description, b.attendees, b.exception_fields) == (
        "Algorithms",
        "Bring laptops",
        12,
        [],
    )
    assert b.occurrence_date.isoformat() == day(3, 11)
    assert (b.start, b.end) == (
        datetime(Y2031, 3, 11, 8, tzinfo=UTC),  # 09:00 CET
        datetime(Y2031, 3, 11, 9, 30, tzinfo=UTC),
    )
    event = await AuditEvent.filter(action="series.add_date").order_by("-id").first()
    assert event is not None and event.entity_id == made["id"]
    assert event.after["booking_ids"] == [new_id] and "override" not in event.after
    assert event.before["added_dates"] == [] and event.after["added_dates"] == [day(3, 11)]

    # After the clocks change (30 March) the same wall-clock time is an hour earlier in UTC.
    later = await add(client, member, body, day(4, 8))
    assert later.status_code == 200, later.text
    assert later.json()["added_dates"] == [day(3, 11), day(4, 8)]
    b = await Booking.get(id=later.json()["booking_ids"][0])
    assert (b.start, b.end - b.start) == (
        datetime(Y2031, 4, 8, 7, tzinfo=UTC),
        timedelta(minutes=90),
    )


async def test_a_series_lists_its_occurrences_in_time_order_an_earlier_date_added_first(
    client, member, make_room
):
    made = await weekly(client, member, await make_room())
    r = await add(client, member, made, day(3, 3))  # the Monday before the first Tuesday
    assert r.status_code == 200, r.text
    listed = [b["start"][:10] for b in (await current(client, member, made["id"]))["occurrences"]]
    assert listed == [day(3, 3), day(3, 4), day(3, 18), day(3, 25)]


async def test_a_date_booked_in_the_series_is_a_400_and_a_cancelled_one_is_booked_again(
    client, member, make_room
):
    room = await make_room()
    made = await weekly(client, member, room)
    bookings_before = await Booking.all().count()
    r = await add(client, member, made, day(3, 4))
    refused_field(r, "/date", f"{day(3, 4)} is already booked in this series", "duplicate")
    assert (await Series.get(id=made["id"])).version == made["version"]
    assert await Booking.all().count() == bookings_before

    first = await Booking.get(id=made["booking_ids"][0])
    cancelled = await client.post(
        f"/api/v1/bookings/{first.pk}/cancel",
        json={},
        headers=bearer(member) | {"If-Match": f'"{first.version}"'},
    )
    assert cancelled.status_code == 200, cancelled.text
    version = (await current(client, member, made["id"]))["version"]
    again = await add(client, member, made, day(3, 4), tag=f'"{version}"')
    assert again.status_code == 200, again.text
    [new_id] = again.json()["booking_ids"]
    assert new_id != first.pk
    assert (await Booking.get(id=new_id)).status == Status.confirmed


async def test_stale_or_missing_versions_and_other_peoples_series_write_nothing(
    client, member, make_user, staff, admin, make_room
):
    room = await make_room()
    made = await weekly(client, member, room)
    other = await make_user(Role.member)
    carer = await make_user(Role.member)
    await managers.add_manager(actor_of(admin), managers.Target("room", room.pk), carer.pk)
    bookings_before = await Booking.all().count()
    stale = await add(client, member, made, day(3, 11), tag=f'"{made["version"] - 1}"')
    assert stale.status_code == 412, stale.text
    missing = await client.post(
        f"{S}/{made['id']}/dates", json={"date": day(3, 11)}, headers=bearer(member)
    )
    assert missing.status_code == 428, missing.text
    assert (await add(client, other, made, day(3, 11))).status_code == 404
    managed = await add(client, carer, made, day(3, 11))  # sees the series, may not change it
    assert managed.status_code == 403, managed.text
    assert "only its owner and staff" in managed.json()["detail"]
    assert await Booking.all().count() == bookings_before
    assert (await Series.get(id=made["id"])).version == made["version"]
    by_staff = await add(client, staff, made, day(3, 11))
    assert by_staff.status_code == 200, by_staff.text
    b = await Booking.get(id=by_staff.json()["booking_ids"][0])
    assert b.owner_id == member.pk  # the series' owner, not who added it


async def test_an_added_date_in_a_room_that_needs_approval_waits_unless_staff_add_it(
    client, member, staff, make_room
):
    room = await make_room(requires_approval=True)
    made = await weekly(client, member, room)
    assert {b.status for b in await Booking.filter(series_id=made["id"])} == {Status.pending}
    asked = await add(client, member, made, day(3, 11))
    assert asked.status_code == 200, asked.text
    assert (await Booking.get(id=asked.json()["booking_ids"][0])).status == Status.pending
    version = asked.json()["version"]
    by_staff = await add(client, staff, made, day(4, 1), tag=f'"{version}"')
    assert by_staff.status_code == 200, by_staff.text
    assert (await Booking.get(id=by_staff.json()["booking_ids"][0])).status == Status.confirmed


async def test_a_taken_date_is_a_409_unless_staff_override(client, member, staff, make_room, book):
    room = await make_room()
    made = await weekly(client, member, room)
    other = await book(
        staff,
        room,
        datetime(Y2031, 3, 11, 8, 30, tzinfo=UTC),
        datetime(Y2031, 3, 11, 9, tzinfo=UTC),
        title="Exam",
    )
    bookings_before = await Booking.all().count()
    r = await add(client, member, made, day(3, 11))
    assert r.status_code == 409, r.text
    assert r.json()["dates"] == [day(3, 11)]
    assert await Booking.all().count() == bookings_before
    assert (await Series.get(id=made["id"])).added_dates == []
    forced = await add(client, staff, made, day(3, 11), override=True)
    assert forced.status_code == 409, forced.text  # override passes rules, never a booking
    assert (await Booking.get(id=other.pk)).status == Status.confirmed
