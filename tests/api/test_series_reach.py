"""What a series change reaches: only the series' own occurrences that are still active and
not over (never another series', never one cancelled or in the past), only those it really
changes (their versions and the answer say which), and what each change records; cancelling
a series keeps the reason of an occurrence cancelled before; a rename is not a move (no new
approval, no seat check), a retime is; ``following`` moves meet seats and override like any."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.series import Series
from compax_server.db.users import Role
from compax_server.errors import InvalidInput
from compax_server.services import managers, rooms, rules, series_changes
from tests.api.test_series_dates import add, current, day, weekly
from tests.api.test_series_edits import edit, rows
from tests.conftest import actor_of, bearer
from tests.dates import Y2031

S = "/api/v1/series"
BK = "/api/v1/bookings"


async def cancel(client, user, series: dict[str, Any], **body: Any):
    headers = bearer(user) | {"If-Match": f'"{series["version"]}"'}
    return await client.post(f"{S}/{series['id']}/cancel", json=body, headers=headers)


async def occurrences(series_id: int) -> list[Booking]:
    return list(await Booking.filter(series_id=series_id).order_by("start"))


async def test_a_series_change_reaches_only_its_own_active_occurrences(client, member, make_room):
    """Two series of one member, on the same days in two rooms; one occurrence of the first
    cancelled by hand. Renaming, adding a date to and cancelling the first leave the second
    as it was, and the occurrence cancelled before keeps its title, reason and version."""
    mine = await weekly(client, member, await make_room(), excluded_dates=[])
    other = await weekly(client, member, await make_room())  # without 11 March
    first = (await occurrences(mine["id"]))[0]
    r = await client.post(
        f"{BK}/{first.pk}/cancel",
        json={"reason": "lecturer ill"},
        headers=bearer(member) | {"If-Match": f'"{first.version}"'},
    )
    assert r.status_code == 200, r.text
    cancelled = await Booking.get(id=first.pk)
    others_before = await rows(other["id"])

    mine = await current(client, member, mine["id"])
    r = await edit(client, member, mine, title="Data structures")
    assert r.status_code == 200, r.text
    active = [b.pk for b in await occurrences(mine["id"]) if b.pk != first.pk]
    assert sorted(r.json()["booking_ids"]) == sorted(active)
    after = await Booking.get(id=first.pk)
    assert (after.title, after.version) == (cancelled.title, cancelled.version)

    # Another series' 11 March is no duplicate of this one's.
    r = await add(client, member, other, day(3, 11))
    assert r.status_code == 200, r.text
    other = r.json()
    others_before = await rows(other["id"])

    mine = await current(client, member, mine["id"])
    r = await cancel(client, member, mine)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["version"]) == ("cancelled", mine["version"] + 1)
    assert sorted(r.json()["booking_ids"]) == sorted(active)
    by_id = {b.pk: b for b in await occurrences(mine["id"])}
    assert (by_id[first.pk].reason, by_id[first.pk].version) == ("lecturer ill", after.version)
    assert {(by_id[i].status, by_id[i].reason) for i in active} == {
        (Status.cancelled, "the series was cancelled")
    }
    # each cancelled occurrence counts one new version (its ETag), no more
    assert {by_id[i].version for i in active} == {3}  # created 1, renamed 2, cancelled 3
    assert await rows(other["id"]) == others_before
    event = await AuditEvent.filter(action="series.cancel", entity_id=mine["id"]).first()
    assert event is not None and event.actor_user_id == member.pk
    assert event.entity_type == "series"
    assert event.before is not None and event.before["status"] == "active"
    assert event.after is not None
    assert (event.after["status"], sorted(event.after["booking_ids"])) == (
        "cancelled",
        sorted(active),
    )


async def test_a_series_change_leaves_its_past_occurrences_as_they_were(client, staff, make_room):
    """Staff record a weekly class that began two weeks ago: renaming or cancelling it
    changes the occurrences to come, never the history."""
    today = datetime.now(UTC).date()
    start = today - timedelta(days=14)
    r = await client.post(
        S,
        json={
            "room_id": (await make_room()).pk,
            "title": "Choir",
            "start_date": start.isoformat(),
            "start_time": "00:00",
            "duration_minutes": 60,
            "recurrence": {"freq": "weekly", "count": 5},
            "override": True,
        },
        headers=bearer(staff),
    )
    assert r.status_code == 201, r.text
    made = r.json()
    occ = await occurrences(made["id"])
    past = [b.pk for b in occ if b.end <= datetime.now(UTC)]
    coming = [b.pk for b in occ if b.pk not in past]
    assert len(past) >= 2 and len(coming) >= 2
    r = await edit(client, staff, made, title="Chamber choir")
    assert r.status_code == 200, r.text
    assert sorted(r.json()["booking_ids"]) == sorted(coming)
    r = await cancel(client, staff, r.json(), reason="the choir stopped")
    assert r.status_code == 200, r.text
    assert sorted(r.json()["booking_ids"]) == sorted(coming)
    by_id = {b.pk: b for b in await occurrences(made["id"])}
    assert {(by_id[i].title, by_id[i].status, by_id[i].version) for i in past} == {
        ("Choir", Status.confirmed, 1)
    }
    assert {(by_id[i].title, by_id[i].status, by_id[i].reason) for i in coming} == {
        ("Chamber choir", Status.cancelled, "the choir stopped")
    }


async def test_an_occurrence_that_keeps_its_change_is_not_written_again(client, member, make_room):
    made = await weekly(client, member, await make_room())
    occ = await occurrences(made["id"])
    renamed = occ[1]
    r = await client.patch(
        f"{BK}/{renamed.pk}",
        json={"title": "Guest talk"},
        headers=bearer(member) | {"If-Match": f'"{renamed.version}"'},
    )
    assert r.status_code == 200, r.text
    made = await current(client, member, made["id"])
    r = await edit(client, member, made, title="Algorithms II")
    assert r.status_code == 200, r.text
    body = r.json()
    assert sorted(body["booking_ids"]) == sorted(b.pk for b in occ if b.pk != renamed.pk)
    assert body["exceptions_kept"] == [
        {"booking_id": renamed.pk, "date": day(3, 18), "fields": ["title"]}
    ]
    kept = await Booking.get(id=renamed.pk)
    assert (kept.title, kept.version) == ("Guest talk", renamed.version + 1)


async def test_a_rename_is_no_move_but_a_retime_asks_for_approval_again(
    client, member, staff, make_room
):
    """A member's series in a room that needs approval, approved: renamed, it stays
    confirmed; given another time, it waits for approval again."""
    room = await make_room(requires_approval=True)
    made = await weekly(client, member, room)
    for b in await occurrences(made["id"]):
        assert b.status == Status.pending
        r = await client.post(
            f"{BK}/{b.pk}/approve", headers=bearer(staff) | {"If-Match": f'"{b.version}"'}
        )
        assert r.status_code == 200, r.text
    made = await current(client, member, made["id"])
    r = await edit(client, member, made, title="Renamed")
    assert r.status_code == 200, r.text
    assert {b.status for b in await occurrences(made["id"])} == {Status.confirmed}
    r = await edit(client, member, r.json(), start_time="11:00")
    assert r.status_code == 200, r.text
    assert {b.status for b in await occurrences(made["id"])} == {Status.pending}


async def test_a_rename_is_not_refused_for_a_room_that_shrank(client, admin, member, make_room):
    """The room of a series for 12 people now has 8 seats: the series may still be renamed
    (only a change of room or head count is checked against the seats)."""
    room = await make_room(capacity=30)
    made = await weekly(client, member, room)
    await rooms.update_room(actor_of(admin), room.pk, capacity=8)
    r = await edit(client, member, made, title="Renamed")
    assert r.status_code == 200, r.text
    r = await edit(client, member, r.json(), scope="following", from_date=day(3, 18), title="Late")
    assert r.status_code == 200, r.text


async def test_a_following_move_meets_the_seats_and_the_rules_unless_staff_override(
    client, admin, member, staff, make_room
):
    big, small = await make_room(capacity=30), await make_room(capacity=8)
    await rules.set_rules(actor_of(admin), "room", small.pk, rules.Limits(max_duration_minutes=60))
    made = await weekly(client, member, big)  # 12 attendees, 90 minutes
    before = await rows(made["id"])
    r = await edit(client, member, made, scope="following", from_date=day(3, 18), room_id=small.pk)
    assert r.status_code == 422, r.text
    assert (
        r.json()["detail"]
        == f"12 attendees do not fit in {small.code} (8 seats); book a larger room"
    )
    r = await edit(
        client, member, made, scope="following", from_date=day(3, 18), room_id=small.pk,
        attendees=8,
    )  # fmt: skip
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["rule"] == "max_duration_minutes"
    assert await rows(made["id"]) == before

    r = await edit(
        client,
        staff,
        made,
        scope="following",
        from_date=day(3, 18),
        room_id=small.pk,
        override=True,
    )
    assert r.status_code == 200, r.text
    moved = {b.occurrence_date: b.room_id for b in await occurrences(made["id"])}
    assert moved == {
        date(Y2031, 3, 4): big.pk,
        date(Y2031, 3, 18): small.pk,
        date(Y2031, 3, 25): small.pk,
    }


async def test_an_edit_records_its_scope_date_reset_and_actor(client, member, make_room):
    made = await weekly(client, member, await make_room())
    r = await edit(
        client,
        member,
        made,
        scope="following",
        from_date=day(3, 18),
        start_time="10:00",
        reset_exceptions=True,
    )
    assert r.status_code == 200, r.text
    event = await AuditEvent.filter(action="series.update", entity_id=made["id"]).first()
    assert event is not None
    assert (event.actor_user_id, event.entity_type) == (member.pk, "series")
    assert event.after is not None
    assert {k: event.after[k] for k in ("scope", "from_date", "reset_exceptions")} == {
        "scope": "following",
        "from_date": day(3, 18),
        "reset_exceptions": True,
    }
    assert "override" not in event.after


async def test_a_stale_or_missing_version_names_the_series(client, member, make_room):
    made = await weekly(client, member, await make_room())
    r = await edit(client, member, made, tag='"99"', title="x")
    assert r.status_code == 412, r.text
    assert r.json()["detail"] == (
        f"The series {made['id']} has changed since you read it (now version "
        f"{made['version']}); read it again and retry."
    )
    r = await client.post(f"{S}/{made['id']}/cancel", json={}, headers=bearer(member))
    assert r.status_code == 428, r.text
    assert r.json()["detail"] == (
        f'Send If-Match: "{made["version"]}" (the ETag of the version you saw) to change '
        f"series {made['id']}."
    )


async def test_only_the_owner_and_staff_may_cancel_a_series(
    client, member, make_user, admin, make_room
):
    room = await make_room()
    made = await weekly(client, member, room)
    carer = await make_user(Role.member)
    await managers.add_manager(actor_of(admin), managers.Target("room", room.pk), carer.pk)
    before = await rows(made["id"])
    r = await cancel(client, carer, made)
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == "only its owner and staff may change this series"
    key = await client.post(
        "/api/v1/api-keys",
        json={"user_id": member.pk, "name": "reader", "scopes": ["read"]},
        headers=bearer(admin),
    )
    reader = {"X-API-Key": key.json()["secret"], "If-Match": f'"{made["version"]}"'}
    r = await client.post(f"{S}/{made['id']}/cancel", json={}, headers=reader)
    assert (r.status_code, r.json()["required_scope"]) == (403, "write")
    assert await rows(made["id"]) == before
    assert (await Series.get(id=made["id"])).status == "active"


async def test_staff_may_add_a_date_past_the_seats_with_override(
    client, admin, staff, member, make_room
):
    room = await make_room(capacity=30)
    made = await weekly(client, member, room)  # 12 attendees
    await rooms.update_room(actor_of(admin), room.pk, capacity=8)
    r = await add(client, staff, made, day(3, 11))
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == (
        f"12 attendees do not fit in {room.code} (8 seats); book a larger room, or override"
    )
    r = await add(client, staff, made, day(3, 11), override=True)
    assert r.status_code == 200, r.text
    [added] = await Booking.filter(series_id=made["id"], occurrence_date=date(Y2031, 3, 11))
    assert (added.owner_id, added.created_by_id) == (member.pk, staff.pk)
    event = await AuditEvent.filter(action="series.add_date", entity_id=made["id"]).first()
    assert event is not None
    assert (event.actor_user_id, event.entity_type) == (staff.pk, "series")
    assert event.after is not None and event.after["override"] is True


async def test_the_service_itself_refuses_an_unknown_scope(client, member, make_room):
    """The API's schema refuses it first; the service does not rely on that."""
    made = await weekly(client, member, await make_room())
    before = await rows(made["id"])
    with pytest.raises(InvalidInput) as refused:
        await series_changes.update_series(
            actor_of(member), made["id"], expected=None, scope="this", title="x"
        )
    assert refused.value.errors == [
        {"location": "body", "pointer": "/scope", "detail": "all or following", "code": "enum"}
    ]
    assert await rows(made["id"]) == before


async def test_a_following_edit_to_the_series_own_room_and_head_count_is_no_exception(
    client, member, make_room
):
    room = await make_room()
    made = await weekly(client, member, room)  # 12 attendees
    r = await edit(
        client, member, made, scope="following", from_date=day(3, 18), room_id=room.pk,
        attendees=12,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert {tuple(b[-1]) for b in await rows(made["id"])} == {()}
    r = await edit(client, member, r.json(), scope="following", from_date=day(3, 18), attendees=10)
    assert r.status_code == 200, r.text
    assert [b[-1] for b in await rows(made["id"])] == [[], ["attendees"], ["attendees"]]


async def test_staff_add_a_date_past_a_rule_only_with_override(
    client, admin, staff, member, make_room
):
    room = await make_room()
    made = await weekly(client, member, room)  # 90 minutes
    await rules.set_rules(actor_of(admin), "room", room.pk, rules.Limits(max_duration_minutes=60))
    r = await add(client, staff, made, day(3, 11))
    assert r.status_code == 422, r.text
    assert r.json()["detail"].endswith("(staff may override)")
    assert r.json()["errors"][0]["rule"] == "max_duration_minutes"
    r = await add(client, member, made, day(3, 11))
    assert r.status_code == 422, r.text
    assert not r.json()["detail"].endswith("(staff may override)")
    r = await add(client, staff, made, day(3, 11), override=True)
    assert r.status_code == 200, r.text


async def test_a_date_added_by_a_manager_of_an_approval_room_is_confirmed(
    client, admin, make_user, make_room
):
    room = await make_room(requires_approval=True)
    carer = await make_user(Role.member)
    await managers.add_manager(actor_of(admin), managers.Target("room", room.pk), carer.pk)
    made = await weekly(client, carer, room)
    r = await add(client, carer, made, day(3, 11))
    assert r.status_code == 200, r.text
    assert (await Booking.get(id=r.json()["booking_ids"][0])).status == Status.confirmed


async def test_a_key_that_may_only_read_adds_no_date(client, admin, member, make_room):
    made = await weekly(client, member, await make_room())
    key = await client.post(
        "/api/v1/api-keys",
        json={"user_id": member.pk, "name": "reader", "scopes": ["read"]},
        headers=bearer(admin),
    )
    reader = {"X-API-Key": key.json()["secret"], "If-Match": f'"{made["version"]}"'}
    r = await client.post(f"{S}/{made['id']}/dates", json={"date": day(3, 11)}, headers=reader)
    assert (r.status_code, r.json()["required_scope"]) == (403, "write")
    assert (await Series.get(id=made["id"])).added_dates == []


async def test_the_requests_a_series_change_overrides_name_the_booking_that_won(
    client, make_user, staff, make_room, book
):
    """Staff move a series into, and add a date to it in, a room that needs approval where
    members asked for those times: each request is rejected naming the occurrence that got
    the room, by staff, in the audit log."""
    plain, approval = await make_room(), await make_room(requires_approval=True)
    made = await weekly(client, staff, plain)
    asker = await make_user(Role.member)
    asked = {}
    for d in (4, 11):
        start = datetime(Y2031, 3, d, 8, tzinfo=UTC)
        request = await book(asker, approval, start, start + timedelta(hours=1), title="Study")
        asked[d] = request.pk
    r = await edit(client, staff, made, room_id=approval.pk)
    assert r.status_code == 200, r.text
    r = await add(client, staff, r.json(), day(3, 11))
    assert r.status_code == 200, r.text
    assert r.json()["rejected_booking_ids"] == [asked[11]]
    winners = {
        b.occurrence_date.day: b.pk
        for b in await occurrences(made["id"])
        if b.occurrence_date is not None
    }
    for d, request_id in asked.items():
        rejected = await Booking.get(id=request_id)
        assert rejected.status == Status.rejected
        assert rejected.reason == f"the room was given to booking {winners[d]}"
        event = await AuditEvent.filter(action="booking.auto_reject", entity_id=request_id).first()
        assert event is not None and event.actor_user_id == staff.pk


async def test_a_following_move_and_an_added_date_count_in_the_owners_weekly_quota(
    client, admin, staff, member, make_room
):
    """The weekly quota binds the series' owner (a member), whoever makes the change: a
    move of the following occurrences into a room with a one-hour quota, and a date added
    there, are refused for the 90-minute occurrences unless staff override."""
    big, quota = await make_room(), await make_room()
    one_hour = rules.Limits(max_hours_per_week=1)
    await rules.set_rules(actor_of(admin), "room", quota.pk, one_hour)
    made = await weekly(client, member, big)  # 90 minutes
    before = await rows(made["id"])
    r = await edit(client, member, made, scope="following", from_date=day(3, 18), room_id=quota.pk)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["rule"] == "max_hours_per_week"
    assert await rows(made["id"]) == before

    in_quota = await weekly(client, staff, quota, owner_id=member.pk, override=True)
    for user in (member, staff):
        r = await add(client, user, await current(client, user, in_quota["id"]), day(3, 11))
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["rule"] == "max_hours_per_week"
    assert len(await occurrences(in_quota["id"])) == 3
    r = await add(client, staff, in_quota, day(3, 11), override=True)
    assert r.status_code == 200, r.text


async def test_a_buildings_weekly_quota_binds_a_members_series_and_not_staffs_own(
    client, admin, staff, member, building, make_room, book
):
    """A quota set for the building (not the room, not campus-wide) counts a member's new
    series, all its dates together with what the member has booked already; staff booking
    their own series there are not held to it."""
    room, elsewhere = await make_room(), await make_room()
    one = rules.Limits(max_bookings_per_week=1)
    await rules.set_rules(actor_of(admin), "building", building.pk, one)
    for d in (13, 20):  # Thursdays
        start = datetime(Y2031, 3, d, 9, tzinfo=UTC)
        await book(member, elsewhere, start, start + timedelta(hours=1))
    start = datetime(Y2031, 3, 20, 11, tzinfo=UTC)
    await book(staff, elsewhere, start, start + timedelta(hours=1))
    body = {
        "room_id": room.pk,
        "title": "Algorithms",
        "start_date": day(3, 4),
        "start_time": "09:00",
        "duration_minutes": 90,
        "recurrence": {"freq": "weekly", "count": 3},
    }
    r = await client.post(S, json=body, headers=bearer(member))
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == (
        f"at most 1 bookings a week (the week of {day(3, 10)} would have 2); "
        f"at most 1 bookings a week (the week of {day(3, 17)} would have 2)"
    )
    assert [e["rule"] for e in r.json()["errors"]] == ["max_bookings_per_week"] * 2
    assert await Series.all().count() == 0
    r = await client.post(
        S, json=body | {"recurrence": {"freq": "weekly", "count": 1}}, headers=bearer(member)
    )
    assert r.status_code == 201, r.text  # the week of the 3rd: one booking
    made = await weekly(client, staff, room, start_time="12:00")  # 2 in the week of the 17th
    assert len(await occurrences(made["id"])) == 3


async def test_a_date_added_in_a_dst_gap_moves_to_the_end_of_the_gap_and_says_so(
    client, staff, room
):
    """Sunday 30 March 2031, 02:30 does not exist in Berlin: the added occurrence starts at
    03:00 (01:00 UTC), and the answer lists the adjustment, as creating the series does."""
    body = {
        "room_id": room.pk,
        "title": "Night shift",
        "start_date": day(3, 29),
        "start_time": "02:30",
        "duration_minutes": 60,
        "recurrence": {"freq": "daily", "until": day(3, 31)},
        "excluded_dates": [day(3, 30)],
    }
    r = await client.post(S, json=body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    assert r.json()["adjustments"] == []
    r = await add(client, staff, r.json(), day(3, 30))
    assert r.status_code == 200, r.text
    assert [(a["date"], a["rule"]) for a in r.json()["adjustments"]] == [(day(3, 30), "dst_gap")]
    added = [
        b for b in await occurrences(r.json()["id"]) if b.occurrence_date == date(Y2031, 3, 30)
    ]
    assert [b.start for b in added] == [datetime(Y2031, 3, 30, 1, 0, tzinfo=UTC)]


async def test_an_occurrence_reset_by_hand_follows_its_series_again(client, member, make_room):
    """An occurrence renamed by its owner keeps its title through a series rename; once
    reset (``reset_exceptions``), the next rename of the series reaches it."""
    made = await weekly(client, member, await make_room())
    first = (await occurrences(made["id"]))[0]
    headers = bearer(member)
    r = await client.patch(
        f"{BK}/{first.pk}",
        json={"title": "Algorithms (guest lecture)"},
        headers=headers | {"If-Match": f'"{first.version}"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["exception_fields"] == ["title"]
    r = await edit(client, member, await current(client, member, made["id"]), title="Algo I")
    assert r.status_code == 200, r.text
    assert (await Booking.get(id=first.pk)).title == "Algorithms (guest lecture)"

    version = (await Booking.get(id=first.pk)).version
    r = await client.patch(
        f"{BK}/{first.pk}",
        json={"reset_exceptions": True},
        headers=headers | {"If-Match": f'"{version}"'},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["title"], r.json()["exception_fields"]) == ("Algorithms (guest lecture)", [])
    r = await edit(client, member, await current(client, member, made["id"]), title="Algo II")
    assert r.status_code == 200, r.text
    assert {b.title for b in await occurrences(made["id"])} == {"Algo II"}


async def test_a_reset_of_a_cancelled_occurrence_is_refused(client, member, make_room):
    """A cancellation is final: a reset cannot bring a cancelled occurrence back."""
    made = await weekly(client, member, await make_room())
    first = (await occurrences(made["id"]))[0]
    r = await client.post(
        f"{BK}/{first.pk}/cancel", headers=bearer(member) | {"If-Match": f'"{first.version}"'}
    )
    assert r.status_code == 200, r.text
    r = await client.patch(
        f"{BK}/{first.pk}",
        json={"reset_exceptions": True},
        headers=bearer(member) | {"If-Match": f'"{first.version + 1}"'},
    )
    assert r.status_code == 409, r.text
    after = await Booking.get(id=first.pk)
    assert (after.status, after.exception_fields) == (Status.cancelled, ["status"])


async def test_a_series_moved_within_its_weeks_counts_once_in_the_owners_weekly_quota(
    client, admin, member, make_room
):
    """A member's weekly series at the quota (one booking a week) moved to another time
    of the same days: each week still has one booking, so the move is allowed; its
    occurrences are not counted twice (where they were and where they go)."""
    room = await make_room()
    one = rules.Limits(max_bookings_per_week=1, max_hours_per_week=2)
    await rules.set_rules(actor_of(admin), "room", room.pk, one)
    made = await weekly(client, member, room)  # Tuesdays, 90 minutes
    r = await edit(client, member, made, start_time="11:00")
    assert r.status_code == 200, r.text
    r = await edit(
        client, member, r.json(), scope="following", from_date=day(3, 18), start_time="12:00"
    )
    assert r.status_code == 200, r.text
    assert sorted(b.start.hour for b in await occurrences(made["id"])) == [10, 11, 11]  # UTC


async def test_a_longer_series_counts_its_dates_left_where_they_are_in_the_weekly_quota(
    client, admin, member, make_room
):
    """Monday to Wednesday, an hour each, under a four-hour weekly quota: Tuesday and
    Wednesday made two hours long would make the week five hours (Monday's hour stays
    where it is and counts), so it is refused with nothing changed; ninety minutes fit."""
    room = await make_room()
    await rules.set_rules(actor_of(admin), "room", room.pk, rules.Limits(max_hours_per_week=4))
    made = await weekly(
        client,
        member,
        room,
        start_date=day(3, 3),
        duration_minutes=60,
        recurrence={"freq": "daily", "count": 3},
        excluded_dates=[],
    )
    before = await rows(made["id"])
    longer = {"scope": "following", "from_date": day(3, 4)}
    r = await edit(client, member, made, duration_minutes=120, **longer)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == f"at most 4 hours a week (the week of {day(3, 3)} would have 5)"
    assert await rows(made["id"]) == before
    r = await edit(client, member, made, duration_minutes=90, **longer)
    assert r.status_code == 200, r.text
