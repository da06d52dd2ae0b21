"""Single bookings: the calendar never lies."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError

from compax_server import db
from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.services import buildings, rules
from tests.conftest import actor_of, at, bearer, version_of
from tests.dates import Y2031

BK = "/api/v1/bookings"


def payload(room, start, end, **extra):
    return {
        "room_id": room.pk,
        "title": "Seminar",
        "start": start.isoformat(),
        "end": end.isoformat(),
        **extra,
    }


async def create(client, user, room, start, end, **extra):
    headers = bearer(user) | extra.pop("headers", {})
    return await client.post(BK, json=payload(room, start, end, **extra), headers=headers)


async def test_a_member_books_a_free_room(client, member, room):
    r = await create(client, member, room, at(0, 9), at(0, 11))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "confirmed"
    assert body["owner_id"] == member.pk
    assert body["start"] == f"{Y2031}-03-03T09:00:00Z"
    assert version_of(r.headers["etag"]) == 1
    assert r.headers["location"] == f"{BK}/{body['id']}"


async def test_a_booking_keeps_its_description_and_a_change_of_it(client, member, room):
    text = "Bring the lab sheets.\nSecond line, ünïcode."
    r = await create(client, member, room, at(0, 9), at(0, 10), description=text)
    assert r.status_code == 201, r.text
    assert r.json()["description"] == text
    path = f"{BK}/{r.json()['id']}"
    assert (await client.get(path, headers=bearer(member))).json()["description"] == text
    r = await client.patch(
        path, json={"description": ""}, headers=bearer(member) | {"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    assert (await client.get(path, headers=bearer(member))).json()["description"] == ""


async def test_times_with_offsets_are_stored_in_utc(client, member, room):
    r = await client.post(
        BK,
        json={
            **payload(room, at(0, 9), at(0, 10)),
            "start": f"{Y2031}-03-03T10:00:00+01:00",
            "end": f"{Y2031}-03-03T11:30:00+01:00",
        },
        headers=bearer(member),
    )
    assert r.status_code == 201
    assert r.json()["start"] == f"{Y2031}-03-03T09:00:00Z"
    assert r.json()["end"] == f"{Y2031}-03-03T10:30:00Z"


async def test_naive_times_are_400_naming_the_field(client, member, room):
    r = await client.post(
        BK,
        json={**payload(room, at(0, 9), at(0, 10)), "start": f"{Y2031}-03-03T10:00:00"},
        headers=bearer(member),
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/start"
    assert "offset" in r.json()["errors"][0]["detail"]


@pytest.mark.parametrize(("start", "end"), [((0, 10), (0, 10)), ((0, 11), (0, 10))])
async def test_end_must_be_after_start(client, member, room, start, end):
    r = await create(client, member, room, at(*start), at(*end))
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/end"


async def test_an_overlap_is_409_naming_the_booking_in_the_way(client, member, make_user, room):
    first = (await create(client, member, room, at(0, 9), at(0, 11))).json()
    other = await make_user()
    r = await create(client, other, room, at(0, 10), at(0, 12))
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "booking_conflict"
    conflict = body["conflicts"][0]
    assert conflict["start"] == f"{Y2031}-03-03T09:00:00+00:00"
    assert conflict["end"] == first["end"].replace("Z", "+00:00")
    # Another member's booking: busy and its times, never its id, title or owner.
    assert {"id", "title", "owner_id"}.isdisjoint(conflict)
    assert await Booking.filter(room_id=room.pk).count() == 1


async def test_staff_see_the_owner_of_the_booking_in_the_way(client, member, staff, room, book):
    taken = await book(member, room, at(0, 9), at(0, 11))
    r = await create(client, staff, room, at(0, 10), at(0, 12))
    conflict = r.json()["conflicts"][0]
    assert (conflict["id"], conflict["title"], conflict["owner_id"]) == (
        taken.pk,
        taken.title,
        member.pk,
    )


async def test_the_owner_sees_their_own_booking_in_the_way(client, member, room):
    first = (await create(client, member, room, at(0, 9), at(0, 11))).json()
    r = await create(client, member, room, at(0, 10), at(0, 12))
    assert [c["id"] for c in r.json()["conflicts"]] == [first["id"]]
    assert r.json()["conflicts"][0]["title"] == "Seminar"


async def test_touching_bookings_do_not_overlap(client, member, room):
    assert (await create(client, member, room, at(0, 9), at(0, 10))).status_code == 201
    assert (await create(client, member, room, at(0, 10), at(0, 11))).status_code == 201
    assert (await create(client, member, room, at(0, 8), at(0, 9))).status_code == 201


async def test_outside_opening_hours_is_422_unless_staff_override(
    client, member, staff, building, room
):
    await buildings.update_building(
        actor_of(staff), building.pk, opening_hours={"mon": [["08:00", "18:00"]]}
    )
    r = await create(client, member, room, at(0, 17), at(0, 18))  # 18:00-19:00 in Berlin
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "outside_opening_hours"
    r = await create(client, member, room, at(0, 16), at(0, 17), override=True)
    assert r.status_code == 403
    r = await create(client, staff, room, at(0, 17), at(0, 18), override=True)
    assert r.status_code == 201
    event = await AuditEvent.filter(action="booking.create", entity_id=r.json()["id"]).first()
    assert event.after["override"] is True
    assert (
        await create(client, member, room, at(0, 7), at(0, 9))
    ).status_code == 201  # 08-10 local


async def test_closures_block_bookings(client, member, staff, building, room, make_room):
    other = await make_room()
    await buildings.add_closure(
        actor_of(staff),
        building.pk,
        reason="Maintenance",
        room_id=room.pk,
        start=at(0, 8),
        end=at(0, 12),
    )
    r = await create(client, member, room, at(0, 11), at(0, 13))
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "closure"
    assert "Maintenance" in r.json()["detail"]
    assert (await create(client, member, other, at(0, 11), at(0, 13))).status_code == 201


async def test_a_room_that_requires_approval_makes_member_requests_pending(
    client, member, make_user, staff, make_room
):
    room = await make_room(requires_approval=True)
    a = await create(client, member, room, at(0, 9), at(0, 11))
    assert a.json()["status"] == "pending"
    other = await make_user()
    b = await create(client, other, room, at(0, 10), at(0, 12))
    assert b.status_code == 201 and b.json()["status"] == "pending"  # pending may overlap pending
    c = await create(client, staff, room, at(1, 9), at(1, 10))
    assert c.json()["status"] == "confirmed"
    d = await create(client, member, room, at(1, 9), at(1, 10))
    assert d.status_code == 409  # a request never overlaps a confirmed booking


async def test_a_request_moved_where_no_approval_is_needed_is_confirmed_if_free(
    client, member, staff, make_room, book
):
    """Moved to a room that needs no approval, a request is confirmed, as a new booking
    there would be; a slot taken there is a 409 and the request still waits."""
    asked, free = await make_room(requires_approval=True), await make_room()
    a = (await create(client, member, asked, at(0, 9), at(0, 11))).json()
    b = (await create(client, member, asked, at(1, 9), at(1, 11))).json()
    await book(staff, free, at(1, 10), at(1, 12))
    headers = {"If-Match": '"1"'} | bearer(member)
    r = await client.patch(f"{BK}/{a['id']}", json={"room_id": free.pk}, headers=headers)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["room_id"]) == ("confirmed", free.pk)
    r = await client.patch(f"{BK}/{b['id']}", json={"room_id": free.pk}, headers=headers)
    assert r.status_code == 409, r.text
    stored = await Booking.get(id=b["id"])
    assert (stored.status, stored.room_id, stored.version) == (Status.pending, asked.pk, 1)


async def test_approving_rejects_the_requests_it_overlaps_in_one_step(
    client, member, make_user, staff, make_room
):
    room = await make_room(requires_approval=True)
    a = (await create(client, member, room, at(0, 9), at(0, 11))).json()
    b = (await create(client, await make_user(), room, at(0, 10), at(0, 12))).json()
    c = (await create(client, await make_user(), room, at(0, 11), at(0, 13))).json()
    r = await client.post(f"{BK}/{a['id']}/approve", headers=bearer(staff) | {"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["reason"]) == ("confirmed", "")  # no reason to approve
    assert r.json()["rejected_booking_ids"] == [b["id"]]
    assert (await Booking.get(id=b["id"])).status == Status.rejected
    assert (await Booking.get(id=c["id"])).status == Status.pending  # touches a, does not overlap
    rejected = await Booking.get(id=b["id"])
    assert rejected.reason == f"the room was given to booking {a['id']}"
    event = await AuditEvent.get(action="booking.auto_reject", entity_id=b["id"])
    assert event.actor_user_id == staff.pk
    approved = await AuditEvent.get(action="booking.approve", entity_id=a["id"])
    assert approved.actor_user_id == staff.pk
    assert (approved.before["status"], approved.after["status"]) == ("pending", "confirmed")
    assert (approved.before["version"], approved.after["version"]) == (1, 2)


async def test_only_staff_decide_requests(client, member, make_room):
    room = await make_room(requires_approval=True)
    a = (await create(client, member, room, at(0, 9), at(0, 11))).json()
    r = await client.post(f"{BK}/{a['id']}/approve", headers=bearer(member) | {"If-Match": '"1"'})
    assert r.status_code == 403
    r = await client.post(f"{BK}/{a['id']}/reject", headers=bearer(member) | {"If-Match": '"1"'})
    assert r.status_code == 403


async def test_a_rejection_keeps_the_request_with_its_reason_and_then_names_its_state(
    client, member, staff, make_room
):
    """A rejected request is kept with its reason. A decision without If-Match is a 428
    whatever the state; with a stale one, a request already decided is a 409 naming its
    state and reason (more use than a 412: fetching the new version would not help)."""
    room = await make_room(requires_approval=True)
    a = (await create(client, member, room, at(0, 9), at(0, 11))).json()
    r = await client.post(
        f"{BK}/{a['id']}/reject",
        json={"reason": "exam week"},
        headers=bearer(staff) | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["reason"]) == ("rejected", "exam week")
    r = await client.post(f"{BK}/{a['id']}/approve", headers=bearer(staff))
    assert r.status_code == 428, r.text
    assert r.json()["detail"] == (
        f'Send If-Match: "2" (the ETag of the version you saw) to change booking {a["id"]}.'
    )
    r = await client.post(f"{BK}/{a['id']}/approve", headers=bearer(staff) | {"If-Match": '"1"'})
    assert r.status_code == 409, r.text
    assert (
        r.json()["detail"]
        == f"booking {a['id']} is rejected; only pending bookings can be confirmed"
    )
    assert (r.json()["booking_status"], r.json()["reason"]) == ("rejected", "exam week")
    r = await client.post(f"{BK}/{a['id']}/approve", headers=bearer(staff) | {"If-Match": '"2"'})
    assert r.status_code == 409, r.text
    stored = await Booking.get(id=a["id"])
    assert (stored.status, stored.version) == (Status.rejected, 2)


async def test_changes_need_if_match_and_a_stale_one_changes_nothing(client, member, room):
    b = (await create(client, member, room, at(0, 9), at(0, 10))).json()
    url = f"{BK}/{b['id']}"
    r = await client.patch(url, json={"title": "Renamed"}, headers=bearer(member))
    assert r.status_code == 428
    assert r.json()["detail"] == (
        f'Send If-Match: "1" (the ETag of the version you saw) to change booking {b["id"]}.'
    )
    r = await client.patch(
        url, json={"title": "Renamed"}, headers=bearer(member) | {"If-Match": '"1"'}
    )
    assert r.status_code == 200 and version_of(r.headers["etag"]) == 2
    r = await client.patch(
        url, json={"title": "Lost update"}, headers=bearer(member) | {"If-Match": '"1"'}
    )
    assert r.status_code == 412
    assert r.json()["current_version"] == 2
    assert r.json()["detail"] == (
        f"The booking {b['id']} has changed since you read it (now version 2); read it again "
        "and retry."
    )
    r = await client.post(f"{url}/cancel", headers=bearer(member) | {"If-Match": '"1"'})
    assert r.status_code == 412
    assert r.json()["detail"] == (
        f"The booking {b['id']} has changed since you read it (now version 2); read it again "
        "and retry."
    )
    stored = await Booking.get(id=b["id"])
    assert stored.title == "Renamed" and stored.status == Status.confirmed


async def test_moving_into_an_occupied_slot_is_409_and_nothing_changes(
    client, member, room, make_room, book, staff
):
    other_room = await make_room()
    await book(staff, other_room, at(0, 9), at(0, 11))
    b = (await create(client, member, room, at(0, 9), at(0, 10))).json()
    r = await client.patch(
        f"{BK}/{b['id']}",
        json={"room_id": other_room.pk},
        headers=bearer(member) | {"If-Match": '"1"'},
    )
    assert r.status_code == 409
    r = await client.patch(
        f"{BK}/{b['id']}",
        json={"start": at(0, 10).isoformat(), "end": at(0, 12).isoformat()},
        headers=bearer(member) | {"If-Match": '"1"'},
    )
    assert r.status_code == 200
    assert r.json()["start"] == f"{Y2031}-03-03T10:00:00Z"
    stored = await Booking.get(id=b["id"])
    assert stored.room_id == room.pk and stored.version == 2


async def test_moving_within_its_own_time_is_not_a_conflict_with_itself(client, member, room):
    b = (await create(client, member, room, at(0, 9), at(0, 11))).json()
    r = await client.patch(
        f"{BK}/{b['id']}",
        json={"end": at(0, 12).isoformat()},
        headers=bearer(member) | {"If-Match": '"1"'},
    )
    assert r.status_code == 200


async def test_cancelled_bookings_stay_and_free_the_slot(client, member, make_user, room):
    b = (await create(client, member, room, at(0, 9), at(0, 10))).json()
    r = await client.post(
        f"{BK}/{b['id']}/cancel",
        json={"reason": "ill"},
        headers=bearer(member) | {"If-Match": '"1"'},
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert (await create(client, await make_user(), room, at(0, 9), at(0, 10))).status_code == 201
    listed = (await client.get(BK, params={"status": "cancelled"}, headers=bearer(member))).json()[
        "data"
    ]
    assert [x["id"] for x in listed] == [b["id"]]
    again = await client.post(
        f"{BK}/{b['id']}/cancel", headers=bearer(member) | {"If-Match": '"2"'}
    )
    assert again.status_code == 409
    renamed = await client.patch(
        f"{BK}/{b['id']}", json={"title": "Back"}, headers=bearer(member) | {"If-Match": '"2"'}
    )
    assert renamed.status_code == 409
    assert renamed.json()["detail"] == f"booking {b['id']} is cancelled; it cannot be changed"
    assert (await Booking.get(id=b["id"])).title == "Seminar"


async def test_idempotency_key_returns_the_first_result(client, member, room):
    h = {"headers": {"Idempotency-Key": "sync-42"}}
    first = await create(client, member, room, at(0, 9), at(0, 10), **h)
    h = {"headers": {"Idempotency-Key": "sync-42"}}
    second = await create(client, member, room, at(0, 9), at(0, 10), **h)
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"
    assert await Booking.filter(room_id=room.pk).count() == 1
    other = await create(
        client, member, room, at(0, 11), at(0, 12), headers={"Idempotency-Key": "sync-42"}
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["rule"] == "idempotency_key_reused"


async def test_an_idempotency_key_reused_for_another_head_count_is_refused(client, member, room):
    h = {"headers": {"Idempotency-Key": "sync-43"}}
    first = await create(client, member, room, at(0, 9), at(0, 10), attendees=10, **h)
    assert first.status_code == 201, first.text
    other = await create(client, member, room, at(0, 9), at(0, 10), attendees=12, **h)
    assert other.status_code == 422, other.text
    assert other.json()["errors"][0]["rule"] == "idempotency_key_reused"
    assert (await Booking.get(id=first.json()["id"])).attendees == 10


async def test_a_staff_move_onto_a_request_rejects_it(client, member, staff, make_room):
    """Staff moving their confirmed booking onto a waiting request give the room to it:
    the request is rejected in the same step, with its reason, recorded as staff's."""
    room = await make_room(requires_approval=True)
    asked = (await create(client, member, room, at(1, 9), at(1, 10))).json()
    assert asked["status"] == "pending"
    mine = (await create(client, staff, room, at(1, 12), at(1, 13))).json()
    r = await client.patch(
        f"{BK}/{mine['id']}",
        json={"start": at(1, 9).isoformat(), "end": at(1, 10).isoformat()},
        headers=bearer(staff) | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    rejected = await Booking.get(id=asked["id"])
    assert (rejected.status, rejected.reason) == (
        Status.rejected,
        f"the room was given to booking {mine['id']}",
    )
    event = await AuditEvent.get(action="booking.auto_reject", entity_id=asked["id"])
    assert event.actor_user_id == staff.pk


async def test_staff_move_a_booking_out_of_opening_hours_only_with_override(
    client, staff, building, room
):
    await buildings.update_building(
        actor_of(staff), building.pk, opening_hours={"mon": [["08:00", "18:00"]]}
    )
    made = (await create(client, staff, room, at(0, 9), at(0, 10))).json()
    late = {"start": at(0, 17).isoformat(), "end": at(0, 18).isoformat()}  # 18:00 in Berlin
    url, version = f"{BK}/{made['id']}", {"If-Match": '"1"'}
    r = await client.patch(url, json=late, headers=bearer(staff) | version)
    assert (r.status_code, r.json()["errors"][0]["rule"]) == (422, "outside_opening_hours")
    r = await client.patch(url, json=late | {"override": True}, headers=bearer(staff) | version)
    assert r.status_code == 200, r.text


async def test_a_move_counts_against_the_owners_weekly_quota(
    client, member, staff, make_room, admin
):
    """A member at a room's one-a-week quota cannot move another booking of theirs into that
    week there, nor can staff move it for them without override; the audit says who
    overrode."""
    quota, other = await make_room(), await make_room()
    await rules.set_rules(actor_of(admin), "room", quota.pk, rules.Limits(max_bookings_per_week=1))
    assert (await create(client, member, quota, at(0, 9), at(0, 10))).status_code == 201
    b = (await create(client, member, other, at(1, 9), at(1, 10))).json()
    url, first = f"{BK}/{b['id']}", {"If-Match": '"1"'}
    for user in (member, staff):
        r = await client.patch(url, json={"room_id": quota.pk}, headers=bearer(user) | first)
        assert (r.status_code, r.json()["errors"][0]["rule"]) == (422, "max_bookings_per_week")
    r = await client.patch(url, json={"title": "Renamed"}, headers=bearer(staff) | first)
    assert r.status_code == 200, r.text
    (renamed,) = await AuditEvent.filter(action="booking.update", entity_id=b["id"])
    assert "override" not in renamed.after
    r = await client.patch(
        url,
        json={"room_id": quota.pk, "override": True},
        headers=bearer(staff) | {"If-Match": '"2"'},
    )
    assert r.status_code == 200, r.text
    moved = (
        await AuditEvent.filter(action="booking.update", entity_id=b["id"]).order_by("-id").first()
    )
    assert (moved.after["room_id"], moved.after["override"]) == (quota.pk, True)


async def test_an_idempotency_key_belongs_to_its_user(client, member, make_user, room):
    """Two people who happen to pick the same key each get their own booking."""
    h = {"headers": {"Idempotency-Key": "sync-42"}}
    mine = await create(client, member, room, at(0, 9), at(0, 10), **h)
    theirs = await create(client, await make_user(), room, at(0, 11), at(0, 12), **h)
    assert (mine.status_code, theirs.status_code) == (201, 201), theirs.text
    assert "idempotent-replayed" not in theirs.headers
    assert theirs.json()["id"] != mine.json()["id"]
    assert await Booking.filter(room_id=room.pk).count() == 2


async def test_members_cannot_book_for_others_or_see_their_bookings(
    client, member, make_user, room, book
):
    other = await make_user()
    r = await create(client, member, room, at(0, 9), at(0, 10), owner_id=other.pk)
    assert r.status_code == 403
    theirs = await book(other, room, at(1, 9), at(1, 10))
    assert (await client.get(f"{BK}/{theirs.pk}", headers=bearer(member))).status_code == 404
    r = await client.patch(
        f"{BK}/{theirs.pk}", json={"title": "mine"}, headers=bearer(member) | {"If-Match": '"1"'}
    )
    assert r.status_code == 404
    assert (
        await client.get(BK, params={"owner_id": other.pk}, headers=bearer(member))
    ).status_code == 403
    assert (await client.get(BK, headers=bearer(member))).json()["data"] == []


async def test_staff_book_for_others(client, staff, member, room):
    r = await create(client, staff, room, at(0, 9), at(0, 10), owner_id=member.pk)
    assert r.status_code == 201
    assert r.json()["owner_id"] == member.pk and r.json()["created_by_id"] == staff.pk
    assert (await client.get(f"{BK}/{r.json()['id']}", headers=bearer(member))).status_code == 200


async def test_list_filters_and_pages_in_start_order(client, staff, room, make_room, book):
    other = await make_room()
    for day in range(5):
        await book(staff, room, at(day, 9), at(day, 10))
        await book(staff, other, at(day, 9), at(day, 10))
    seen, cursor = [], None
    while True:
        params = {
            "room_id": room.pk,
            "limit": 2,
            "from": at(1, 0).isoformat(),
            "to": at(4, 0).isoformat(),
        }
        if cursor:
            params["cursor"] = cursor
        page = (await client.get(BK, params=params, headers=bearer(staff))).json()
        seen += page["data"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [b["start"][:10] for b in seen] == [f"{Y2031}-03-04", f"{Y2031}-03-05", f"{Y2031}-03-06"]
    assert {b["room_id"] for b in seen} == {room.pk}


async def test_paging_does_not_skip_bookings_that_start_together(client, staff, make_room, book):
    rooms = [await make_room() for _ in range(7)]
    ids = sorted([(await book(staff, r, at(0, 9), at(0, 10))).pk for r in rooms])
    seen, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(BK, params=params, headers=bearer(staff))).json()
        seen += [b["id"] for b in page["data"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids


async def test_bad_status_filter_is_400(client, staff):
    r = await client.get(BK, params={"status": "confirmed,maybe"}, headers=bearer(staff))
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/status"


async def test_the_database_refuses_an_overlap_written_around_the_service(
    member, room, book, database
):
    first = await book(member, room, at(0, 9), at(0, 11))
    with pytest.raises(IntegrityError):
        await Booking.create(
            room_id=room.pk,
            owner_id=member.pk,
            title="sneaky",
            start=at(0, 10),
            end=at(0, 12),
            status=Status.confirmed,
        )
    with pytest.raises(IntegrityError):
        await Booking.filter(
            id=(
                await Booking.create(
                    room_id=room.pk,
                    owner_id=member.pk,
                    title="later",
                    start=at(1, 9),
                    end=at(1, 10),
                    status=Status.confirmed,
                )
            ).pk
        ).update(start=at(0, 10), end=at(1, 10))
    # Pending and cancelled rows may overlap; end must still be after start.
    await Booking.create(
        room_id=room.pk,
        owner_id=member.pk,
        title="p",
        start=at(0, 10),
        end=at(0, 12),
        status=Status.pending,
    )
    with pytest.raises(IntegrityError):
        await Booking.create(
            room_id=room.pk,
            owner_id=member.pk,
            title="x",
            start=at(2, 12),
            end=at(2, 11),
            status=Status.cancelled,
        )
    assert await Booking.filter(room_id=room.pk, status=Status.confirmed).count() == 2
    assert first.pk


async def test_the_database_refuses_non_utc_times_on_sqlite(member, room, database):
    if database != "sqlite":
        pytest.skip("PostgreSQL stores timestamptz")
    with pytest.raises(IntegrityError):
        await db.conn().execute_query(
            'INSERT INTO bookings (room_id, owner_id, title, description, "start", "end", status, reason, version, created_at, updated_at) '
            # a CHECK constraint on a raw row: no "now" involved, so a fixed year
            "VALUES (?, ?, 'x', '', '2031-03-03 10:00:00+01:00', '2031-03-03 11:00:00+01:00', 'confirmed', '', 1, '2031-01-01 00:00:00+00:00', '2031-01-01 00:00:00+00:00')",
            [room.pk, member.pk],
        )


async def test_every_booking_write_is_audited_with_the_request_id(client, member, room):
    r = await create(
        client, member, room, at(0, 9), at(0, 10), headers={"X-Request-ID": "req-create"}
    )
    bid = r.json()["id"]
    await client.patch(
        f"{BK}/{bid}",
        json={"title": "t2"},
        headers=bearer(member) | {"If-Match": '"1"', "X-Request-ID": "req-patch"},
    )
    await client.post(
        f"{BK}/{bid}/cancel",
        headers=bearer(member) | {"If-Match": '"2"', "X-Request-ID": "req-cancel"},
    )
    events = await AuditEvent.filter(entity_type="booking", entity_id=bid).order_by("id")
    assert [(e.action, e.request_id, e.actor_user_id) for e in events] == [
        ("booking.create", "req-create", member.pk),
        ("booking.update", "req-patch", member.pk),
        ("booking.cancel", "req-cancel", member.pk),
    ]
    assert events[1].before["title"] == "Seminar" and events[1].after["title"] == "t2"
