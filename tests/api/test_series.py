"""Recurring bookings, terms and booking rules."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.series import Series
from compax_server.services import api_keys, buildings, managers
from tests import conftest
from tests.conftest import actor_of, bearer, follow_pages, refused_field
from tests.dates import Y2031

S = "/api/v1/series"


def series_body(room, recurrence=None, **fields):
    """The shared body (``tests.conftest.series_body``) until 15 April instead of four
    times; ``recurrence`` adds to that rule."""
    rule = {"until": f"{Y2031}-04-15", **(recurrence or {})}
    return conftest.series_body(room, recurrence=rule, **fields)


async def create(client, user, room, **extra):
    return await client.post(S, json=series_body(room, **extra), headers=bearer(user))


def local_times(bookings, zone):
    tz = ZoneInfo(zone)
    return [
        (
            datetime.fromisoformat(b["start"]).astimezone(tz).strftime("%m-%d %H:%M"),
            datetime.fromisoformat(b["start"]).strftime("%H:%M"),
        )
        for b in bookings
    ]


async def occurrences(client, user, series_id):
    r = await client.get(f"{S}/{series_id}", headers=bearer(user))
    assert r.status_code == 200
    return [b for b in r.json()["occurrences"] if b["status"] != "cancelled"]


async def test_weekly_0900_in_berlin_stays_0900_across_both_dst_changes(client, staff, room):
    r = await create(
        client, staff, room, start_date=f"{Y2031}-03-18", recurrence={"until": f"{Y2031}-11-04"}
    )
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"/api/v1/series/{r.json()['id']}"
    occ = await occurrences(client, staff, r.json()["id"])
    assert len(occ) == 34
    locals_, utcs = zip(*local_times(occ, "Europe/Berlin"), strict=True)
    assert set(t[-5:] for t in locals_) == {"09:00"}
    # CET before 30 March, CEST until 26 October, CET again after.
    assert utcs[0] == "08:00" and utcs[2] == "07:00" and utcs[-1] == "08:00"


async def test_new_york_changes_on_its_own_dates(client, staff, make_room, admin):
    ny = await buildings.create_building(
        actor_of(admin), code="NY", name="NY", timezone="America/New_York"
    )
    room = await make_room(building_id=ny.pk)
    r = await create(
        client, staff, room, start_date=f"{Y2031}-03-04", recurrence={"until": f"{Y2031}-03-25"}
    )
    occ = await occurrences(client, staff, r.json()["id"])
    local, utc = zip(*local_times(occ, "America/New_York"), strict=True)
    assert set(t[-5:] for t in local) == {"09:00"}
    assert utc == ("14:00", "13:00", "13:00", "13:00")  # US DST began 9 March 2031, Europe 30 March


async def test_a_time_that_does_not_exist_moves_to_the_end_of_the_gap_and_says_so(
    client, staff, room
):
    r = await create(
        client,
        staff,
        room,
        start_date=f"{Y2031}-03-29",
        start_time="02:30",
        duration_minutes=60,
        recurrence={"freq": "daily", "until": f"{Y2031}-03-31"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert [a["date"] for a in body["adjustments"]] == [f"{Y2031}-03-30"]
    assert body["adjustments"][0]["rule"] == "dst_gap"
    occ = await occurrences(client, staff, body["id"])
    assert [b["start"] for b in occ] == [
        f"{Y2031}-03-29T01:30:00Z",
        f"{Y2031}-03-30T01:00:00Z",
        f"{Y2031}-03-31T00:30:00Z",
    ]


async def spring_term(client, staff) -> int:
    """The id of a new term, 1 March to 30 April, with Easter holidays 14-21 April."""
    term = await client.post(
        "/api/v1/terms",
        json={
            "name": "Spring 2031",
            "start_date": f"{Y2031}-03-01",
            "end_date": f"{Y2031}-04-30",
            "holidays": [{"start": f"{Y2031}-04-14", "end": f"{Y2031}-04-21", "name": "Easter"}],
        },
        headers=bearer(staff),
    )
    assert term.status_code == 201, term.text
    term_id: int = term.json()["id"]
    return term_id


async def test_term_holidays_are_skipped_and_a_date_can_be_added_back(client, staff, room):
    term_id = await spring_term(client, staff)
    r = await create(client, staff, room, recurrence={"until": None, "term_id": term_id})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["skipped_holidays"] == [f"{Y2031}-04-15"]
    dates = [b["start"][:10] for b in await occurrences(client, staff, body["id"])]
    assert (
        f"{Y2031}-04-15" not in dates
        and dates[0] == f"{Y2031}-03-04"
        and dates[-1] == f"{Y2031}-04-29"
    )
    again = await client.post(
        f"{S}/{body['id']}/dates",
        json={"date": f"{Y2031}-04-15"},
        headers=bearer(staff) | {"If-Match": r.headers["etag"]},
    )
    assert again.status_code == 200, again.text
    assert f"{Y2031}-04-15" in [
        b["start"][:10] for b in await occurrences(client, staff, body["id"])
    ]


async def test_all_or_nothing_writes_nothing_when_one_date_is_taken(
    client, staff, member, room, book
):
    taken = await book(
        staff, room, datetime(Y2031, 4, 1, 7, 30, tzinfo=UTC), datetime(Y2031, 4, 1, 8, tzinfo=UTC)
    )
    before = await Booking.all().count()
    r = await create(client, member, room)
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["dates"] == [f"{Y2031}-04-01"]
    assert [c["start"] for c in body["conflicts"]] == [taken.start.isoformat()]
    assert "id" not in body["conflicts"][0]  # staff's booking, seen by a member: times only
    assert await Booking.all().count() == before
    assert await Series.all().count() == 0


async def test_skip_conflicts_reports_exactly_the_blocked_dates(
    client, staff, member, room, database
):
    rng = random.Random(5)
    blocked = set()
    tz = ZoneInfo("Europe/Berlin")
    for week in range(7):
        day = date(Y2031, 3, 4) + timedelta(weeks=week)
        start = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(
            hours=rng.choice([7, 8, 9, 10, 11]), minutes=rng.choice([0, 30])
        )
        end = start + timedelta(minutes=30)
        await Booking.create(
            room_id=room.pk,
            owner_id=staff.pk,
            title="x",
            start=start.astimezone(UTC),
            end=end.astimezone(UTC),
            status=Status.confirmed,
        )
        lecture = (
            datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(hours=9),
            datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(hours=10, minutes=30),
        )
        if start < lecture[1] and lecture[0] < end:
            blocked.add(day.isoformat())
    r = await create(client, member, room, conflict_policy="skip_conflicts")
    assert r.status_code == 201, r.text
    body = r.json()
    assert {s["date"] for s in body["skipped"]} == blocked
    assert all(s["reason"] == "conflict" for s in body["skipped"])
    assert len(body["booking_ids"]) == 7 - len(blocked)


async def test_a_series_past_the_cap_is_a_clear_422(client, staff, room):
    r = await create(
        client, staff, room, recurrence={"freq": "daily", "until": f"{Y2031 + 5}-01-01"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "max_occurrences"


@pytest.mark.parametrize("recurrence", [{"until": None}, {"count": 3}, {"freq": "hourly"}])
async def test_bad_recurrence_is_400(client, staff, room, recurrence):
    r = await create(client, staff, room, recurrence=recurrence)
    assert r.status_code == 400


async def test_moving_this_and_following_keeps_earlier_occurrences(client, staff, room):
    r = await create(client, staff, room)
    sid, etag = r.json()["id"], r.headers["etag"]
    ids_before = r.json()["booking_ids"]
    moved = await client.patch(
        f"{S}/{sid}",
        json={"scope": "following", "from_date": f"{Y2031}-03-25", "start_time": "14:00"},
        headers=bearer(staff) | {"If-Match": etag},
    )
    assert moved.status_code == 200, moved.text
    occ = await occurrences(client, staff, sid)
    assert [b["id"] for b in occ] == ids_before  # bookings keep their ids
    local = [t for t, _ in local_times(occ, "Europe/Berlin")]
    assert local[:3] == ["03-04 09:00", "03-11 09:00", "03-18 09:00"]
    assert set(t[-5:] for t in local[3:]) == {"14:00"}
    stale = await client.patch(
        f"{S}/{sid}", json={"title": "x"}, headers=bearer(staff) | {"If-Match": etag}
    )
    assert stale.status_code == 412


async def test_a_move_into_a_taken_slot_is_409_and_changes_nothing(client, staff, room, book):
    r = await create(client, staff, room)
    sid = r.json()["id"]
    await book(
        staff, room, datetime(Y2031, 4, 8, 12, tzinfo=UTC), datetime(Y2031, 4, 8, 13, tzinfo=UTC)
    )
    moved = await client.patch(
        f"{S}/{sid}",
        json={"start_time": "14:00"},
        headers=bearer(staff) | {"If-Match": r.headers["etag"]},
    )
    assert moved.status_code == 409, moved.text
    local = [t for t, _ in local_times(await occurrences(client, staff, sid), "Europe/Berlin")]
    assert set(t[-5:] for t in local) == {"09:00"}


async def test_one_occurrence_is_edited_through_its_booking(client, staff, room):
    r = await create(client, staff, room)
    first = r.json()["booking_ids"][0]
    one = await client.patch(
        f"/api/v1/bookings/{first}",
        json={"title": "Exam review"},
        headers=bearer(staff) | {"If-Match": '"1"'},
    )
    assert one.status_code == 200
    assert one.json()["series_id"] == r.json()["id"]


async def test_cancelling_from_a_date_keeps_the_history(client, staff, room):
    r = await create(client, staff, room)
    sid = r.json()["id"]
    c = await client.post(
        f"{S}/{sid}/cancel",
        json={"from_date": f"{Y2031}-04-01"},
        headers=bearer(staff) | {"If-Match": r.headers["etag"]},
    )
    assert c.status_code == 200, c.text
    statuses = [
        (b.occurrence_date.isoformat(), b.status)
        for b in await Booking.filter(series_id=sid).order_by("start")
    ]
    assert all(s == Status.confirmed for d, s in statuses if d < f"{Y2031}-04-01")
    assert all(s == Status.cancelled for d, s in statuses if d >= f"{Y2031}-04-01")
    assert await AuditEvent.filter(action="series.cancel", entity_id=sid).exists()


async def test_members_see_only_their_series(client, member, make_user, room):
    r = await create(client, member, room)
    other = await make_user()
    assert (await client.get(f"{S}/{r.json()['id']}", headers=bearer(other))).status_code == 404
    assert (await client.get(S, headers=bearer(other))).json()["data"] == []


async def test_a_series_creation_is_recorded_whole(client, member, staff, room):
    """The audit record of a new series holds every field it was made with and the
    bookings it made, so the log alone tells what was asked for."""
    r = await create(
        client,
        member,
        room,
        description="Bring laptops",
        attendees=12,
        skip_holidays=False,
        excluded_dates=[f"{Y2031}-03-11"],
        added_dates=[f"{Y2031}-03-13"],
    )
    assert r.status_code == 201, r.text
    event = await AuditEvent.get(
        action="series.create", entity_type="series", entity_id=r.json()["id"]
    )
    assert (event.actor_user_id, event.before) == (member.pk, None)
    assert event.after == {
        "room_id": room.pk,
        "owner_id": member.pk,
        "title": "Algorithms",
        "description": "Bring laptops",
        "rule": {"freq": "weekly", "interval": 1, "until": f"{Y2031}-04-15"},
        "start_time": "09:00",
        "duration_minutes": 90,
        "attendees": 12,
        "timezone": "Europe/Berlin",
        "skip_holidays": False,
        "excluded_dates": [f"{Y2031}-03-11"],
        "added_dates": [f"{Y2031}-03-13"],
        "status": "active",
        "version": 1,
        "booking_ids": r.json()["booking_ids"],
        "requests": [],  # a room that needs no approval: none waits
    }
    assert len(r.json()["booking_ids"]) == 7  # six Tuesdays to 15 April and the 13th
    assert (await Series.get(id=r.json()["id"])).created_by_id == member.pk
    overriding = await create(client, staff, room, start_time="13:00", override=True)
    assert overriding.status_code == 201, overriding.text
    event = await AuditEvent.get(action="series.create", entity_id=overriding.json()["id"])
    assert event.after["override"] is True


async def test_a_series_is_read_by_its_owner_its_rooms_manager_and_a_reading_key(
    client, member, make_user, admin, room
):
    """Its owner (also through a key that may only read) and a manager of its room read a
    series; to anyone else it does not exist, in the same words as one that does not."""
    made = await create(client, member, room)
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    carer, stranger = await make_user(), await make_user()
    await managers.add_manager(actor_of(admin), managers.Target("room", room.pk), carer.pk)
    key = await client.post(
        "/api/v1/api-keys",
        json={"user_id": member.pk, "name": "reader", "scopes": ["read"]},
        headers=bearer(admin),
    )
    for headers in (bearer(member), bearer(carer), {"X-API-Key": key.json()["secret"]}):
        r = await client.get(f"{S}/{sid}", headers=headers)
        assert (r.status_code, r.json()["id"]) == (200, sid), r.text
    for who, ident in ((stranger, sid), (member, 999_999)):
        r = await client.get(f"{S}/{ident}", headers=bearer(who))
        assert (r.status_code, r.json()["detail"]) == (404, f"series {ident} does not exist")


async def test_a_staff_series_rejects_the_requests_in_its_way_on_every_date(
    client, staff, make_user, make_room
):
    """Requests waiting on two of its dates: the series confirmed by staff rejects both,
    each given to that date's occurrence, and lists them all."""
    room = await make_room(requires_approval=True)
    asked = []
    for day in ("03-04", "03-18"):
        r = await client.post(
            "/api/v1/bookings",
            json={
                "room_id": room.pk,
                "title": "Study group",
                "start": f"{Y2031}-{day}T08:30:00Z",
                "end": f"{Y2031}-{day}T09:00:00Z",
            },
            headers=bearer(await make_user()),
        )
        assert (r.status_code, r.json()["status"]) == (201, "pending"), r.text
        asked.append(r.json()["id"])
    r = await create(client, staff, room)
    assert r.status_code == 201, r.text
    assert r.json()["rejected_booking_ids"] == asked
    ids = r.json()["booking_ids"]
    for request, winner in zip(asked, (ids[0], ids[2]), strict=True):
        rejected = await Booking.get(id=request)
        assert (rejected.status, rejected.reason) == (
            Status.rejected,
            f"the room was given to booking {winner}",
        )
        event = await AuditEvent.get(action="booking.auto_reject", entity_id=request)
        assert (event.entity_type, event.actor_user_id) == ("booking", staff.pk)


async def test_a_key_with_the_write_scope_books_a_series_a_read_key_does_not(
    client, admin, member, room
):
    """What a timetable script's key may do: the write scope books a series for the key's
    user; a read-only key is a 403 naming the scope it lacks, and books nothing."""
    keys = {}
    for scopes in (["write"], ["read"]):
        _, secret = await api_keys.create_api_key(
            actor_of(admin), user_id=member.pk, name=scopes[0], scopes=scopes
        )
        keys[scopes[0]] = {"Authorization": f"Bearer {secret}"}
    r = await client.post(S, json=series_body(room), headers=keys["read"])
    assert (r.status_code, r.json()["required_scope"]) == (403, "write"), r.text
    assert await Series.all().count() == 0
    r = await client.post(S, json=series_body(room), headers=keys["write"])
    assert r.status_code == 201, r.text
    assert (await Series.get(id=r.json()["id"])).owner_id == member.pk


async def test_deciding_an_occurrence_is_not_a_change_by_hand(client, member, staff, make_room):
    """Approving or rejecting an occurrence of a series waiting for approval decides it;
    it does not mark its status as changed by hand (a cancellation does), so the series'
    later edits still reach it."""
    room = await make_room(requires_approval=True)
    made = await create(client, member, room)
    assert made.status_code == 201, made.text
    first, second, third = made.json()["booking_ids"][:3]
    for booking_id, verb in ((first, "approve"), (second, "reject")):
        r = await client.post(
            f"/api/v1/bookings/{booking_id}/{verb}", headers=bearer(staff) | {"If-Match": '"1"'}
        )
        assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/v1/bookings/{third}/cancel", headers=bearer(member) | {"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    marks = {b.id: b.exception_fields for b in await Booking.filter(id__in=[first, second, third])}
    assert marks == {first: [], second: [], third: ["status"]}


async def test_series_are_listed_to_their_owner_their_rooms_managers_and_staff(
    client, member, make_user, staff, admin, make_room
):
    """Staff list every series (also staff who manage a room), a member their own, a manager
    their own and those of the rooms they manage; ``room_id`` narrows any of these; pages
    follow one another without a repeat; a key that may only read lists as its user."""
    managed, other_room = await make_room(), await make_room()
    carer, stranger = await make_user(), await make_user()
    for who in (carer, staff):
        await managers.add_manager(actor_of(admin), managers.Target("room", managed.pk), who.pk)

    async def made(user, room, time):
        r = await create(client, user, room, start_time=time)
        assert r.status_code == 201, r.text
        return r.json()["id"]

    mine = await made(member, managed, "09:00")
    theirs = await made(stranger, other_room, "09:00")
    staffs = await made(staff, other_room, "11:00")
    carers = await made(carer, other_room, "13:00")

    async def listed(user, headers=None, **params):
        found = await follow_pages(client, S, headers or bearer(user), **params)
        return [i for page in found for i in page]

    assert await listed(staff) == [mine, theirs, staffs, carers]
    assert await listed(staff, limit=1) == [mine, theirs, staffs, carers]
    assert await listed(staff, room_id=other_room.pk) == [theirs, staffs, carers]
    assert await listed(member) == [mine]
    assert await listed(stranger) == [theirs]
    assert await listed(carer) == [mine, carers]
    assert await listed(carer, limit=1) == [mine, carers]
    assert await listed(carer, room_id=other_room.pk) == [carers]
    assert await listed(carer, room_id=managed.pk) == [mine]
    key = await client.post(
        "/api/v1/api-keys",
        json={"user_id": member.pk, "name": "reader", "scopes": ["read"]},
        headers=bearer(admin),
    )
    assert await listed(member, headers={"X-API-Key": key.json()["secret"]}) == [mine]


# -- booking rules ------------------------------------------------------------------------------


async def set_rules(client, staff, path, **limits):
    r = await client.put(f"/api/v1/rules/{path}", json=limits, headers=bearer(staff))
    assert r.status_code == 200, r.text


async def test_max_duration_is_a_422_naming_rule_and_limit_and_staff_may_override(
    client, staff, member, room
):
    await set_rules(client, staff, "global", max_duration_minutes=60)
    r = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.pk,
            "title": "t",
            "start": f"{Y2031}-03-03T09:00:00Z",
            "end": f"{Y2031}-03-03T11:00:00Z",
        },
        headers=bearer(member),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0] | {} == {
        "rule": "max_duration_minutes",
        "limit": 60,
        "detail": "a booking may last at most 1h",
    }
    r = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.pk,
            "title": "t",
            "start": f"{Y2031}-03-03T09:00:00Z",
            "end": f"{Y2031}-03-03T11:00:00Z",
            "override": True,
        },
        headers=bearer(staff),
    )
    assert r.status_code == 201
    event = await AuditEvent.filter(action="booking.create", entity_id=r.json()["id"]).first()
    assert event.after["override"] is True
    s = await create(client, member, room)  # 90-minute lectures break the rule too
    assert s.status_code == 422
    assert s.json()["errors"][0]["rule"] == "max_duration_minutes"


async def test_the_most_specific_rule_wins(client, staff, member, room, building):
    await set_rules(client, staff, "global", max_duration_minutes=60)
    await set_rules(client, staff, f"room/{room.pk}", max_duration_minutes=180)
    r = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.pk,
            "title": "t",
            "start": f"{Y2031}-03-03T09:00:00Z",
            "end": f"{Y2031}-03-03T11:00:00Z",
        },
        headers=bearer(member),
    )
    assert r.status_code == 201, r.text


async def test_horizon_and_notice(client, staff, member, room):
    await set_rules(client, staff, "global", horizon_days=30, min_notice_minutes=60)
    now = datetime.now(UTC).replace(microsecond=0)
    soon = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.pk,
            "title": "t",
            "start": (now + timedelta(minutes=10)).isoformat(),
            "end": (now + timedelta(minutes=40)).isoformat(),
        },
        headers=bearer(member),
    )
    assert soon.status_code == 422 and soon.json()["errors"][0]["rule"] == "min_notice_minutes"
    far = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.pk,
            "title": "t",
            "start": (now + timedelta(days=40)).isoformat(),
            "end": (now + timedelta(days=40, hours=1)).isoformat(),
        },
        headers=bearer(member),
    )
    assert far.status_code == 422 and far.json()["errors"][0]["rule"] == "horizon_days"


async def test_weekly_quota_per_member(client, staff, member, room, make_room):
    await set_rules(client, staff, "global", max_bookings_per_week=2, max_hours_per_week=3)
    other_room = await make_room()
    for day, r_ in ((3, room), (4, other_room)):
        ok = await client.post(
            "/api/v1/bookings",
            json={
                "room_id": r_.pk,
                "title": "t",
                "start": f"{Y2031}-03-0{day}T09:00:00Z",
                "end": f"{Y2031}-03-0{day}T10:00:00Z",
            },
            headers=bearer(member),
        )
        assert ok.status_code == 201, ok.text
    third = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.pk,
            "title": "t",
            "start": f"{Y2031}-03-05T09:00:00Z",
            "end": f"{Y2031}-03-05T10:00:00Z",
        },
        headers=bearer(member),
    )
    assert third.status_code == 422
    assert third.json()["errors"][0]["rule"] == "max_bookings_per_week"
    next_week = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.pk,
            "title": "t",
            "start": f"{Y2031}-03-10T09:00:00Z",
            "end": f"{Y2031}-03-10T10:00:00Z",
        },
        headers=bearer(member),
    )
    assert next_week.status_code == 201


async def test_members_cannot_set_rules(client, member):
    r = await client.put(
        "/api/v1/rules/global", json={"max_duration_minutes": 1}, headers=bearer(member)
    )
    assert r.status_code == 403


async def test_a_refused_series_says_how_many_dates_and_why(client, staff, member, room, book):
    """All or nothing: the 409 names the taken dates, the 422 the rules broken (and tells
    staff they may override); nothing is written either way."""
    await book(
        staff, room, datetime(Y2031, 4, 1, 7, 30, tzinfo=UTC), datetime(Y2031, 4, 1, 8, tzinfo=UTC)
    )
    r = await create(client, member, room)
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == (f"1 occurrence is taken (nothing was booked): {Y2031}-04-01")
    await set_rules(client, staff, "global", max_duration_minutes=60)
    later = {"start_date": f"{Y2031}-04-08"}  # 04-08 and 04-15: past the taken date
    r = await create(client, member, room, **later)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == (
        "2 occurrences break a rule (nothing was booked): a booking may last at most 1h"
    )
    assert [e["rule"] for e in r.json()["errors"]] == ["max_duration_minutes"] * 2
    r = await create(client, staff, room, **later)
    assert r.status_code == 422, r.text
    assert r.json()["detail"].endswith("a booking may last at most 1h (staff may override)")
    assert await Series.all().count() == 0
    assert await Booking.all().count() == 1


async def test_a_series_with_no_date_left_to_book_is_a_422_listing_what_was_skipped(
    client, member, staff, room, book
):
    only = {"recurrence": {"until": f"{Y2031}-03-04"}}  # one lecture, 08:00-09:30Z
    await book(
        staff, room, datetime(Y2031, 3, 4, 8, tzinfo=UTC), datetime(Y2031, 3, 4, 9, tzinfo=UTC)
    )
    r = await create(client, member, room, conflict_policy="skip_conflicts", **only)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["detail"] == "No occurrence of this series can be booked."
    assert body["errors"] == [
        {"rule": "no_occurrences", "detail": "every date is skipped or taken"}
    ]
    assert [(s["date"], s["reason"]) for s in body["skipped"]] == [(f"{Y2031}-03-04", "conflict")]
    assert await Series.all().count() == 0
    assert await Booking.all().count() == 1


async def test_a_series_is_owned_by_its_maker_unless_staff_name_an_active_user(
    client, staff, member, make_user, room
):
    other = await make_user()
    r = await create(client, member, room, owner_id=other.pk)
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == "members book for themselves; only staff may set owner_id"
    gone = await make_user()
    gone.is_active = False
    await gone.save()
    for owner in (999_999, gone.pk):
        r = await create(client, staff, room, owner_id=owner)
        refused_field(r, "/owner_id", f"user {owner} does not exist", "unknown")
    r = await create(client, staff, room, recurrence={"until": None, "term_id": 999_999})
    refused_field(r, "/recurrence/term_id", "term 999999 does not exist", "unknown")
    assert await Series.all().count() == 0
    r = await create(client, staff, room, owner_id=member.pk)
    assert r.status_code == 201, r.text
    assert r.json()["owner_id"] == member.pk


async def test_a_series_is_held_to_the_buildings_opening_hours_date_by_date(
    client, staff, member, building, room
):
    """Tuesdays open 08:00-18:00 in Berlin: a series ending at 17:30 is booked; one running
    to 18:30 is refused for each of its seven dates, each named, nothing written."""
    await buildings.update_building(
        actor_of(staff), building.pk, opening_hours={"tue": [["08:00", "18:00"]]}
    )
    r = await create(client, member, room, start_time="17:00")
    assert r.status_code == 422, r.text
    dates = [f"{Y2031}-03-{d:02d}" for d in (4, 11, 18, 25)]
    dates += [f"{Y2031}-04-{d:02d}" for d in (1, 8, 15)]
    assert r.json()["errors"] == [
        {
            "date": d,
            "rule": "outside_opening_hours",
            "detail": f"{building.code} is not open for the whole of that time",
            "limit": {"tue": [["08:00", "18:00"]]},
        }
        for d in dates
    ]
    assert await Booking.all().count() == 0
    r = await create(client, member, room, start_time="16:00")
    assert r.status_code == 201, r.text
    assert len(r.json()["booking_ids"]) == 7


async def test_a_refused_series_names_its_first_five_distinct_reasons(
    client, admin, staff, member, building, room
):
    """Six of the seven dates closed, each by a closure of its own: the 422 counts six
    dates and names the first five reasons (sorted), every date in ``errors``; staff are
    told they may override."""
    details = []
    for d in (4, 11, 18, 25, 32, 39):  # Tuesdays from 4 March; 32 is 1 April
        start = datetime(Y2031, 3, 1, 7, tzinfo=UTC) + timedelta(days=d - 1)
        await buildings.add_closure(
            actor_of(admin),
            building.pk,
            start=start,
            end=start + timedelta(hours=4),
            reason=f"Exam {d}",
        )
        details.append(
            f"closed: Exam {d} ({start.isoformat()} to {(start + timedelta(hours=4)).isoformat()})"
        )
    listed = "; ".join(sorted(details)[:5])
    for user, tail in ((member, ""), (staff, " (staff may override)")):
        r = await create(client, user, room)
        assert r.status_code == 422, r.text
        assert r.json()["detail"] == (
            f"6 occurrences break a rule (nothing was booked): {listed}{tail}"
        )
        assert [e["detail"] for e in r.json()["errors"]] == details
    assert await Booking.all().count() == 0


async def test_a_taken_series_names_its_first_ten_dates_and_lists_them_all(
    client, staff, member, room, book
):
    """Twelve weekly dates, each taken: the 409 names the first ten in its detail and every
    one in ``dates``."""
    days = [date(Y2031, 3, 4) + timedelta(weeks=w) for w in range(12)]
    for d in days:  # 08:00 UTC is 09:00 or 10:00 in Berlin: inside the 09:00-10:30 lecture
        start = datetime.combine(d, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
        await book(staff, room, start, start + timedelta(minutes=30))
    r = await create(client, member, room, recurrence={"until": None, "count": 12})
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == "12 occurrences are taken (nothing was booked): " + ", ".join(
        d.isoformat() for d in days[:10]
    )
    assert r.json()["dates"] == [d.isoformat() for d in days]


async def test_skip_conflicts_says_why_each_date_was_left_out(
    client, admin, staff, member, building, room, book
):
    """A date a rule forbids (here a closure) is skipped with the rule's errors, a taken
    date with what is in the way; the other dates are booked."""
    closed_at = datetime(Y2031, 3, 11, 7, tzinfo=UTC)
    closure = await buildings.add_closure(
        actor_of(admin),
        building.pk,
        start=closed_at,
        end=closed_at + timedelta(hours=4),
        reason="Fire drill",
    )
    taken = await book(
        staff,
        room,
        datetime(Y2031, 3, 18, 8, tzinfo=UTC),
        datetime(Y2031, 3, 18, 8, 30, tzinfo=UTC),
    )
    r = await create(client, member, room, conflict_policy="skip_conflicts")
    assert r.status_code == 201, r.text
    assert r.json()["skipped"] == [
        {
            "date": f"{Y2031}-03-11",
            "reason": "rule",
            "conflicts": None,
            "errors": [
                {
                    "date": f"{Y2031}-03-11",
                    "rule": "closure",
                    "detail": f"closed: Fire drill ({closed_at.isoformat()} to "
                    f"{(closed_at + timedelta(hours=4)).isoformat()})",
                    "closure_id": closure.closure.pk,
                }
            ],
        },
        {
            "date": f"{Y2031}-03-18",
            "reason": "conflict",
            "errors": None,
            "conflicts": [  # staff's booking, seen by a member: its times only
                {
                    "date": f"{Y2031}-03-18",
                    "room_id": room.pk,
                    "start": taken.start.isoformat(),
                    "end": taken.end.isoformat(),
                    "status": "confirmed",
                }
            ],
        },
    ]
    assert len(r.json()["booking_ids"]) == 5


async def test_a_term_series_that_keeps_holidays_books_them(client, staff, room):
    """``skip_holidays: false``: the term's Easter holidays are booked like any week."""
    term_id = await spring_term(client, staff)
    r = await create(
        client, staff, room, recurrence={"until": None, "term_id": term_id}, skip_holidays=False
    )
    assert r.status_code == 201, r.text
    assert r.json()["skipped_holidays"] == []
    dates = [b["start"][:10] for b in await occurrences(client, staff, r.json()["id"])]
    assert f"{Y2031}-04-15" in dates and len(dates) == 9  # 4 March to 29 April
