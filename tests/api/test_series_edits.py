"""``PATCH /series/{id}``: every refusal named in full with nothing written; who may edit; a
description, a move into a room that needs approval, the versions and the audit record of an
edit; a ``following`` edit marks only what differs from the series; staff's override."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.series import Series
from compax_server.db.users import Role
from compax_server.services import buildings, managers, rooms
from tests.api.test_series_dates import add, current, day, weekly
from tests.conftest import actor_of, bearer
from tests.dates import Y2031

S = "/api/v1/series"


async def edit(client, user, series: dict[str, Any], tag: str | None = None, **body: Any):
    headers = bearer(user) | {"If-Match": tag or f'"{series["version"]}"'}
    return await client.patch(f"{S}/{series['id']}", json=body, headers=headers)


async def rows(series_id: int) -> list[tuple[Any, ...]]:
    """What the edit could have changed, per occurrence."""
    found = await Booking.filter(series_id=series_id).order_by("occurrence_date")
    return [
        (b.room_id, b.start, b.end, b.title, b.description, b.status, b.version, b.exception_fields)
        for b in found
    ]


@pytest.mark.parametrize(
    ("body", "pointer", "detail", "code"),
    [
        ({"scope": "following", "title": "x"}, "/from_date", "scope=following needs from_date", "missing"),
        (
            {"from_date": "2031-03-18", "title": "x"},
            "/from_date",
            "goes with scope=following (scope=all changes every date)",
            "invalid",
        ),
        ({"room_id": 999_999}, "/room_id", "room 999999 does not exist", "unknown"),
    ],
)  # fmt: skip
async def test_a_refused_edit_names_the_field_and_writes_nothing(
    client, member, make_room, body, pointer, detail, code
):
    made = await weekly(client, member, await make_room())
    before = await rows(made["id"])
    r = await edit(client, member, made, **body)
    assert r.status_code == 400, r.text
    [error] = r.json()["errors"]
    assert error == {"location": "body", "pointer": pointer, "detail": detail, "code": code}
    assert await rows(made["id"]) == before
    assert (await Series.get(id=made["id"])).version == made["version"]


async def test_a_cancelled_series_cannot_be_edited(client, member, make_room):
    made = await weekly(client, member, await make_room())
    r = await client.post(
        f"{S}/{made['id']}/cancel",
        json={},
        headers=bearer(member) | {"If-Match": f'"{made["version"]}"'},
    )
    assert r.status_code == 200, r.text
    r = await edit(client, member, made, tag=f'"{r.json()["version"]}"', title="Again")
    assert r.status_code == 400, r.text
    assert r.json()["errors"] == [
        {
            "location": "path",
            "pointer": "/series_id",
            "detail": "the series is cancelled",
            "code": "cancelled",
        }
    ]


async def test_only_the_owner_and_staff_may_edit_a_series(
    client, member, make_user, admin, staff, make_room
):
    """A manager of the room sees the series but may not change it; another member does not
    see it; a key that may only read gets a 403 naming the scope it lacks."""
    room = await make_room()
    made = await weekly(client, member, room)
    carer, other = await make_user(Role.member), await make_user(Role.member)
    await managers.add_manager(actor_of(admin), managers.Target("room", room.pk), carer.pk)
    before = await rows(made["id"])
    managed = await edit(client, carer, made, title="Mine now")
    assert managed.status_code == 403, managed.text
    assert managed.json()["detail"] == "only its owner and staff may change this series"
    assert (await edit(client, other, made, title="Mine now")).status_code == 404
    key = await client.post(
        "/api/v1/api-keys",
        json={"user_id": member.pk, "name": "reader", "scopes": ["read"]},
        headers=bearer(admin),
    )
    reader = {"X-API-Key": key.json()["secret"], "If-Match": f'"{made["version"]}"'}
    r = await client.patch(f"{S}/{made['id']}", json={"title": "x"}, headers=reader)
    assert (r.status_code, r.json()["required_scope"]) == (403, "write")
    assert await rows(made["id"]) == before
    assert (await edit(client, staff, made, title="By staff")).status_code == 200


async def test_an_edit_changes_the_description_and_is_versioned_and_recorded(
    client, member, make_room
):
    made = await weekly(client, member, await make_room())
    r = await edit(client, member, made, description="Bring paper")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["description"], body["version"]) == ("Bring paper", made["version"] + 1)
    assert sorted(body["booking_ids"]) == sorted(made["booking_ids"])
    found = await Booking.filter(series_id=made["id"])
    assert {(b.description, b.title, b.version, tuple(b.exception_fields)) for b in found} == {
        ("Bring paper", "Algorithms", 2, ())
    }
    event = await AuditEvent.filter(action="series.update", entity_id=made["id"]).first()
    assert event is not None
    assert (event.before["description"], event.after["description"]) == (
        "Bring laptops",
        "Bring paper",
    )
    assert sorted(event.after["booking_ids"]) == sorted(made["booking_ids"])
    assert event.after["scope"] == "all" and "override" not in event.after


async def test_a_move_into_a_room_that_needs_approval_waits_unless_its_manager_moves_it(
    client, member, make_user, admin, staff, make_room
):
    """Moved into a room that needs approval, a member's dates wait; staff moving them
    there do not approve them; moved out to a room that needs none, they are confirmed."""
    plain, approval = await make_room(), await make_room(requires_approval=True)
    other = await make_room(requires_approval=True)
    made = await weekly(client, member, plain)
    r = await edit(client, member, made, room_id=approval.pk)
    assert r.status_code == 200, r.text
    found = await Booking.filter(series_id=made["id"])
    assert {(b.room_id, b.status) for b in found} == {(approval.pk, Status.pending)}
    r = await edit(client, staff, r.json(), room_id=other.pk)
    assert r.status_code == 200, r.text
    found = await Booking.filter(series_id=made["id"])
    assert {(b.room_id, b.status) for b in found} == {(other.pk, Status.pending)}
    r = await edit(client, member, r.json(), room_id=plain.pk)
    assert r.status_code == 200, r.text
    found = await Booking.filter(series_id=made["id"])
    assert {(b.room_id, b.status) for b in found} == {(plain.pk, Status.confirmed)}

    carer = await make_user(Role.member)
    await managers.add_manager(actor_of(admin), managers.Target("room", approval.pk), carer.pk)
    own = await weekly(client, carer, plain, start_time="12:00")
    r = await edit(client, carer, own, room_id=approval.pk)
    assert r.status_code == 200, r.text
    found = await Booking.filter(series_id=own["id"])
    assert {(b.room_id, b.status) for b in found} == {(approval.pk, Status.confirmed)}


async def test_a_following_edit_to_the_series_own_value_is_no_exception(client, member, make_room):
    made = await weekly(client, member, await make_room())
    r = await edit(
        client, member, made, scope="following", from_date=day(3, 18), title="Algorithms"
    )
    assert r.status_code == 200, r.text
    assert {tuple(b[-1]) for b in await rows(made["id"])} == {()}
    r = await edit(
        client,
        member,
        r.json(),
        scope="following",
        from_date=day(3, 18),
        title="Algorithms (lab)",
        start_time="09:00",
    )
    assert r.status_code == 200, r.text
    marks = [b[-1] for b in await rows(made["id"])]
    assert marks == [[], ["title"], ["title"]]


async def test_a_series_edit_rejects_every_request_it_overrides(
    client, make_user, staff, make_room, book
):
    """Staff move a series into a room that needs approval, where members asked for two of
    its dates: both requests are rejected and named."""
    plain, approval = await make_room(), await make_room(requires_approval=True)
    made = await weekly(client, staff, plain)
    asker = await make_user(Role.member)
    asked = []
    for d in (4, 18):
        start = datetime(Y2031, 3, d, 8, tzinfo=UTC)
        request = await book(asker, approval, start, start + timedelta(hours=1), title="Study")
        assert request.status == Status.pending
        asked.append(request.pk)
    r = await edit(client, staff, made, room_id=approval.pk)
    assert r.status_code == 200, r.text
    assert sorted(r.json()["rejected_booking_ids"]) == sorted(asked)
    assert {b.status for b in await Booking.filter(id__in=asked)} == {Status.rejected}


async def test_staff_may_override_the_seats_when_moving_a_series(client, admin, staff, make_room):
    big, small = await make_room(capacity=60), await make_room(capacity=20)
    made = await weekly(client, staff, big, attendees=50)
    refused = await edit(client, staff, made, room_id=small.pk)
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"] == (
        f"50 attendees do not fit in {small.code} (20 seats); book a larger room, or override"
    )
    forced = await edit(client, staff, made, room_id=small.pk, override=True)
    assert forced.status_code == 200, forced.text
    assert {b.room_id for b in await Booking.filter(series_id=made["id"])} == {small.pk}
    event = await AuditEvent.filter(action="series.update", entity_id=made["id"]).first()
    assert event is not None and event.after["override"] is True
    # With no occurrence left to move, the series itself is still checked.
    await Booking.filter(series_id=made["id"]).update(status=Status.cancelled)
    await rooms.update_room(actor_of(admin), big.pk, capacity=10)
    now = await current(client, staff, made["id"])
    r = await edit(client, staff, now, room_id=big.pk)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["limit"] == 10
    assert (await edit(client, staff, now, room_id=big.pk, override=True)).status_code == 200


async def test_a_moved_series_is_not_in_its_own_way_but_names_what_is(
    client, staff, make_user, make_room, book
):
    """Staff move a series half an hour later: each new time overlaps the series' own old
    one (not a conflict) and, on the 25th, a member's booking after the old time. The 409
    names that date and that booking in full (staff see it all), nothing is moved, and the
    same move without the member's booking goes through."""
    room = await make_room()
    made = await weekly(client, staff, room)  # 4, 18, 25 March, 09:00-10:30 Berlin
    before = await rows(made["id"])
    other = await make_user(Role.member)
    start = datetime(Y2031, 3, 25, 9, 30, tzinfo=UTC)  # 10:30-11:00 Berlin
    taken = await book(other, room, start, start + timedelta(minutes=30), title="Office hour")
    r = await edit(client, staff, made, start_time="09:30")
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["dates"] == [day(3, 25)]
    assert body["conflicts"] == [
        {
            "date": day(3, 25),
            "room_id": room.pk,
            "start": taken.start.isoformat(),
            "end": taken.end.isoformat(),
            "status": "confirmed",
            "id": taken.pk,
            "title": "Office hour",
            "owner_id": other.pk,
        }
    ]
    assert await rows(made["id"]) == before

    r = await client.post(
        f"/api/v1/bookings/{taken.pk}/cancel",
        headers=bearer(other) | {"If-Match": f'"{taken.version}"'},
    )
    assert r.status_code == 200, r.text
    r = await edit(client, staff, made, start_time="09:30")
    assert r.status_code == 200, r.text
    moved = await Booking.filter(series_id=made["id"]).order_by("occurrence_date")
    assert [b.start for b in moved] == [
        datetime(Y2031, 3, d, 8, 30, tzinfo=UTC) for d in (4, 18, 25)
    ]


async def test_a_series_is_not_moved_nor_given_a_date_where_its_room_is_closed(
    client, admin, staff, building, make_room
):
    """A closure refuses a series' move into the closed room and a date added on the closed
    day (422 naming the closure), with nothing written: the dates a closure covers are left
    out only when a new series asks for it (``skip_closures``)."""
    here, there = await make_room(), await make_room()
    made = await weekly(client, staff, here)  # 4, 18, 25 March; not the 11th
    for room, d in ((here, 11), (there, 18)):  # a day without the series; a day with it
        closed = await buildings.add_closure(
            actor_of(admin),
            building.pk,
            room_id=room.pk,
            start=datetime(Y2031, 3, d, tzinfo=UTC),
            end=datetime(Y2031, 3, d + 1, tzinfo=UTC),
            reason="Painting",
        )
    before = await rows(made["id"])

    r = await edit(client, staff, made, room_id=there.pk)
    assert r.status_code == 422, r.text
    assert [(e["date"], e["rule"], e["closure_id"]) for e in r.json()["errors"]] == [
        (day(3, 18), "closure", closed.closure.pk)
    ]
    r = await add(client, staff, made, day(3, 11))
    assert r.status_code == 422, r.text
    assert [(e["date"], e["rule"]) for e in r.json()["errors"]] == [(day(3, 11), "closure")]
    assert await rows(made["id"]) == before
    series = await Series.get(id=made["id"])
    assert (series.version, series.added_dates) == (made["version"], [])


async def closed_groups(action: str, series_id: int) -> Any:
    event = await AuditEvent.filter(action=action, entity_id=series_id).order_by("-id").first()
    assert event is not None and event.after is not None
    return event.after.get("requests_closed")


async def test_a_cancel_records_the_requests_it_ends_by_the_room_they_waited_in(
    client, member, make_room
):
    """The approvers' mail reads the requests a cancel ended from its audit event: one group
    per room they waited in, by room, each with every date; a cancel that ended no request
    records none."""
    low, high = await make_room(requires_approval=True), await make_room(requires_approval=True)
    made = await weekly(client, member, high)
    first, second, last = sorted(made["booking_ids"])  # by date
    r = await client.patch(
        f"/api/v1/bookings/{last}",
        json={"room_id": low.pk},
        headers=bearer(member) | {"If-Match": '"1"'},
    )  # the last date waits in the other room, listed first
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text
    made = await current(client, member, made["id"])
    r = await client.post(
        f"{S}/{made['id']}/cancel",
        json={},
        headers=bearer(member) | {"If-Match": f'"{made["version"]}"'},
    )
    assert r.status_code == 200, r.text
    assert await closed_groups("series.cancel", made["id"]) == [
        {"room_id": low.pk, "to_room_id": None, "booking_ids": [last]},
        {"room_id": high.pk, "to_room_id": None, "booking_ids": [first, second]},
    ]

    confirmed = await weekly(client, member, await make_room())
    r = await client.post(
        f"{S}/{confirmed['id']}/cancel", json={}, headers=bearer(member) | {"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    event = await AuditEvent.filter(action="series.cancel", entity_id=confirmed["id"]).first()
    assert event is not None and event.after is not None
    assert "requests_closed" not in event.after


async def test_requests_retimed_where_approval_is_no_longer_needed_are_confirmed_and_closed(
    client, member, admin, make_room
):
    """A series' requests retimed in their room wait again there (the approvers' invitation
    moves: no request closed); once the room needs no approval, a retime confirms them and
    records them closed for its approvers."""
    room = await make_room(requires_approval=True)
    made = await weekly(client, member, room)
    ids = sorted(made["booking_ids"])
    r = await edit(client, member, made, start_time="10:00")
    assert r.status_code == 200, r.text
    event = await AuditEvent.filter(action="series.update", entity_id=made["id"]).first()
    assert event is not None and event.after is not None
    assert sorted(event.after["requests"]) == ids
    assert "requests_closed" not in event.after

    await rooms.update_room(actor_of(admin), room.pk, requires_approval=False)
    r = await edit(client, member, r.json(), start_time="11:00")
    assert r.status_code == 200, r.text
    found = await Booking.filter(series_id=made["id"])
    assert {b.status for b in found} == {Status.confirmed}
    assert await closed_groups("series.update", made["id"]) == [
        {"room_id": room.pk, "to_room_id": None, "booking_ids": ids, "in_place": True}
    ]
