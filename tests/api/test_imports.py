"""Timetable imports: plan, apply, re-apply, updates, cancels, conflicts, priority."""

from __future__ import annotations

import gzip
import json
from datetime import UTC

from compax_server.db.bookings import Booking, Status
from compax_server.db.series import Series
from compax_server.db.users import Role
from compax_server.domain import imports
from compax_server.services import api_keys
from tests.conftest import actor_of, at, bearer
from tests.dates import Y2031

IMPORTS = "/api/v1/imports"


def lecture(ext, room, start_time="09:00", **extra):
    item = {
        "external_id": ext,
        "kind": "series",
        "room": room.code,
        "title": f"Lecture {ext}",
        "start_date": f"{Y2031}-03-04",
        "start_time": start_time,
        "duration_minutes": 90,
        "recurrence": {"freq": "weekly", "count": 6},
    }
    item.update(extra)
    return item


def single(ext, room, day, hour, **extra):
    return {
        "external_id": ext,
        "kind": "booking",
        "room": room.code,
        "title": f"Exam {ext}",
        "start": at(day, hour).isoformat(),
        "end": at(day, hour + 2).isoformat(),
        **extra,
    }


async def run(client, user, items, **options):
    body = {"source": f"sis-{Y2031}-spring", "items": items, **options}
    return await client.post(IMPORTS, json=body, headers=bearer(user))


async def test_plan_apply_and_reapply_is_idempotent(client, staff, make_room):
    a, b = await make_room(), await make_room()
    items = [lecture("L1", a), lecture("L2", b, "11:00"), single("E1", a, 10, 12)]
    plan = await run(client, staff, items)
    assert plan.status_code == 201, plan.text
    assert plan.json()["status"] == "planned"
    assert [i["action"] for i in plan.json()["items"]] == ["create", "create", "create"]
    assert await Booking.all().count() == 0  # a plan changes nothing
    applied = await run(client, staff, items, mode="apply")
    assert applied.status_code == 201, applied.text
    assert applied.json()["summary"]["create"] == 3
    assert applied.json()["summary"]["occurrences"] == 13
    assert await Booking.filter(status=Status.confirmed).count() == 13
    versions = sorted(await Booking.all().values_list("id", "version"))
    again = await run(client, staff, items, mode="apply")
    assert {i["action"] for i in again.json()["items"]} == {"unchanged"}
    assert sorted(await Booking.all().values_list("id", "version")) == versions
    stored = await client.get(f"{IMPORTS}/{again.json()['id']}", headers=bearer(staff))
    assert stored.json()["summary"]["unchanged"] == 3


async def test_the_same_instant_written_in_another_offset_is_no_change(client, staff, make_room):
    """The timetable system may send 10:00+01:00 one night and 09:00Z the next: the same
    booking, so unchanged, not an update (a version bumped and a change notified for
    nothing). An import's answer names its own place (``Location``)."""
    room = await make_room()
    item = single("E1", room, 10, 9)
    applied = await run(client, staff, [item], mode="apply")
    assert applied.status_code == 201, applied.text
    assert applied.headers["location"] == f"{IMPORTS}/{applied.json()['id']}"
    shifted = item | {
        "start": f"{Y2031}-03-13T10:00:00+01:00",
        "end": f"{Y2031}-03-13T12:00:00+01:00",
    }
    assert item["start"] == f"{Y2031}-03-13T09:00:00+00:00"  # the same instants, in UTC
    plan = await run(client, staff, [shifted])
    assert [i["action"] for i in plan.json()["items"]] == ["unchanged"]


async def test_a_time_past_the_calendar_s_edge_is_an_invalid_item_not_a_500(
    client, staff, make_room
):
    """Year 1 at 00:30+01:00 is 23:30 UTC the year before, which Python cannot hold: the
    item is refused in the plan like any other invalid one."""
    room = await make_room()
    item = single("E1", room, 10, 9) | {
        "start": "0001-01-01T00:30:00+01:00",
        "end": "0001-01-01T02:30:00+01:00",
    }
    r = await run(client, staff, [item])
    assert r.status_code == 201, r.text
    [result] = r.json()["items"]
    assert (result["action"], result["errors"]) == (
        "invalid",
        [
            {
                "field": "start",
                "detail": "start must lie in the accepted range, 1970-01-01 to 2200-01-01 (UTC)",
            }
        ],
    )


async def test_changes_are_updates_in_place(client, staff, make_room):
    a, b = await make_room(), await make_room()
    await run(client, staff, [lecture("L1", a), single("E1", a, 10, 12)], mode="apply")
    ids = sorted(await Booking.filter(series_id__not_isnull=True).values_list("id", flat=True))
    changed = [lecture("L1", b, "14:00", title="Lecture L1 (moved)"), single("E1", a, 10, 13)]
    plan = await run(client, staff, changed)
    actions = {i["external_id"]: i for i in plan.json()["items"]}
    assert actions["L1"]["action"] == "update"
    assert actions["L1"]["changes"] == ["room", "title", "start_time"]
    assert actions["E1"]["action"] == "update" and actions["E1"]["changes"] == ["start", "end"]
    r = await run(client, staff, changed, mode="apply")
    assert r.status_code == 201, r.text
    moved = await Booking.filter(series_id__not_isnull=True, status=Status.confirmed).order_by("id")
    assert sorted(m.pk for m in moved) == ids  # the same bookings, moved: never without a room
    assert {m.room_id for m in moved} == {b.pk}
    assert {m.title for m in moved} == {"Lecture L1 (moved)"}


async def test_series_changes_are_named_and_stored(client, staff, make_room):
    a = await make_room()
    await run(client, staff, [lecture("L1", a)], mode="apply")
    later = lecture(
        "L1", a, excluded_dates=[f"{Y2031}-03-11"], recurrence={"freq": "weekly", "count": 7}
    )
    plan = await run(client, staff, [later])
    assert plan.json()["items"][0]["changes"] == ["recurrence", "excluded_dates"]
    assert (await run(client, staff, [later], mode="apply")).status_code == 201
    series = await Series.get(external_id="L1")
    assert series.excluded_dates == [f"{Y2031}-03-11"] and series.rule["count"] == 7
    again = await run(client, staff, [later])
    assert again.json()["items"][0]["action"] == "unchanged"


async def test_owner_email_case_is_no_change(client, staff, member, make_room):
    a = await make_room()
    item = lecture("L1", a, owner=member.email)
    await run(client, staff, [item], mode="apply")
    shouted = lecture("L1", a, owner=member.email.upper())
    plan = await run(client, staff, [shouted])
    assert plan.json()["items"][0]["action"] == "unchanged"


async def test_an_empty_batch_may_not_cancel_everything(client, staff, make_room):
    a = await make_room()
    await run(client, staff, [lecture("L1", a)], mode="apply")
    r = await run(client, staff, [], mode="apply", cancel_missing=True)
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["pointer"] == "/items"
    assert f"cancel everything sis-{Y2031}-spring imported" in r.json()["errors"][0]["detail"]
    assert (await Series.get(external_id="L1")).status == "active"
    assert (await run(client, staff, [], mode="plan")).status_code == 201  # harmless


async def test_cancel_missing_cancels_what_left_the_timetable(client, staff, make_room):
    a = await make_room()
    await run(client, staff, [lecture("L1", a), single("E1", a, 10, 12)], mode="apply")
    r = await run(client, staff, [single("E1", a, 10, 12)], mode="apply", cancel_missing=True)
    assert {i["external_id"]: i["action"] for i in r.json()["items"]} == {
        "E1": "unchanged",
        "L1": "cancel",
    }
    series = await Series.get(external_id="L1")
    assert series.status == "cancelled"
    assert await Booking.filter(series_id=series.pk, status=Status.confirmed).count() == 0


async def test_an_atomic_apply_with_one_conflict_applies_nothing(
    client, staff, member, make_room, book
):
    a, b = await make_room(), await make_room()
    await book(member, a, at(8, 8), at(8, 9))  # Tue 11 March, 09:00-10:00 Berlin: in L1's way
    r = await run(client, staff, [lecture("L1", a), lecture("L2", b)], mode="apply")
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["code"] == "import_rejected"
    assert [i["external_id"] for i in body["items"]] == ["L1"]
    assert body["items"][0]["conflicts"][0]["start"].startswith(f"{Y2031}-03-11T08:00")
    assert await Series.all().count() == 0
    stored = await client.get(f"{IMPORTS}/{body['import_id']}", headers=bearer(staff))
    assert stored.json()["status"] == "rejected"


async def test_partial_applies_what_is_valid(client, staff, member, make_room, book):
    a, b = await make_room(), await make_room()
    await book(member, a, at(8, 8), at(8, 9))
    r = await run(
        client,
        staff,
        [lecture("L1", a), lecture("L2", b), lecture("L3", b) | {"room": "NOPE"}],
        mode="apply",
        atomic=False,
    )
    assert r.status_code == 201, r.text
    actions = {i["external_id"]: i["action"] for i in r.json()["items"]}
    assert actions == {"L1": "conflict", "L2": "create", "L3": "invalid"}
    assert await Series.all().count() == 1


async def test_priority_bumps_member_bookings_and_says_so(client, staff, member, make_room, book):
    a = await make_room()
    theirs = await book(member, a, at(8, 8), at(8, 9))
    r = await run(client, staff, [lecture("L1", a)], mode="apply", priority=True)
    assert r.status_code == 201, r.text
    assert r.json()["items"][0]["bumped_booking_ids"] == [theirs.pk]
    bumped = await Booking.get(id=theirs.pk)
    assert bumped.status == Status.cancelled and f"sis-{Y2031}-spring" in bumped.reason


async def test_staff_bookings_are_never_bumped(client, staff, make_room, book):
    a = await make_room()
    await book(staff, a, at(8, 8), at(8, 9))
    r = await run(client, staff, [lecture("L1", a)], priority=True)
    assert r.json()["items"][0]["action"] == "conflict"


async def test_two_items_of_one_batch_in_one_room_conflict(client, staff, make_room):
    a = await make_room()
    r = await run(client, staff, [lecture("L1", a), lecture("L2", a, "10:00")])
    actions = {i["external_id"]: i for i in r.json()["items"]}
    assert actions["L1"]["action"] == "create"
    assert actions["L2"]["action"] == "conflict"
    assert actions["L2"]["conflicts"][0]["external_id"] == "L1"


async def test_a_batch_all_in_one_hour_is_planned_whole_and_lists_a_few_in_each_way(
    client, staff, make_room
):
    """The worst batch: 3,000 items in one room at one hour, each meeting every other. It
    was quadratic in the items (cubic in its checks): 20,000 took a worker minutes and
    gigabytes while every other request waited. Each item after the first conflicts and
    names at most ``MAX_CONFLICTS`` items in its way; nothing is written."""
    room = await make_room()
    items = [single(f"X-{n}", room, 0, 9) for n in range(3000)]
    r = await run(client, staff, items)  # a plan (mode "plan"): nothing is written
    assert r.status_code == 201, r.text[:500]
    planned = r.json()["items"]
    assert planned[0]["action"] == "create" and not planned[0]["conflicts"]
    assert {i["action"] for i in planned[1:]} == {"conflict"}
    assert {len(i["conflicts"]) for i in planned[1:]} == set(range(1, imports.MAX_CONFLICTS + 1))
    assert planned[-1]["conflicts"][0] == {
        "external_id": "X-0",
        "start": at(0, 9).astimezone(UTC).isoformat(),
        "detail": "another item of this batch",
    }
    assert not await Booking.filter(room_id=room.pk).exists()


async def test_invalid_items_say_why(client, staff, make_room):
    a = await make_room()
    items = [
        lecture("L1", a) | {"room": "NOPE"},
        lecture("L2", a, owner="ghost@campus.example"),
        lecture("L3", a, recurrence={"freq": "weekly"}),
        lecture("L1", a),
    ]
    r = await run(client, staff, items)
    results = r.json()["items"]
    assert [i["action"] for i in results] == ["invalid"] * 4
    assert "NOPE" in results[0]["errors"][0]["detail"]
    assert "ghost" in results[1]["errors"][0]["detail"]
    assert "until, count or term_id" in results[2]["errors"][0]["detail"]
    assert "twice" in results[3]["errors"][0]["detail"]


async def test_bad_items_are_400(client, staff, make_room):
    a = await make_room()
    r = await run(
        client, staff, [{"external_id": "x", "kind": "series", "room": a.code, "title": "t"}]
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/items/0"


async def test_only_staff_with_the_import_scope_import(client, member, staff, admin, make_room):
    a = await make_room()
    assert (await run(client, member, [lecture("L1", a)])).status_code == 403
    _, with_scope = await api_keys.create_api_key(
        actor_of(admin), user_id=staff.pk, name="sis", scopes=["read", "import"]
    )
    _, without = await api_keys.create_api_key(
        actor_of(admin), user_id=staff.pk, name="ro", scopes=["read", "write"]
    )
    body = {"source": "s", "items": [lecture("L1", a)]}
    assert (
        await client.post(IMPORTS, json=body, headers={"X-API-Key": with_scope})
    ).status_code == 201
    assert (
        await client.post(IMPORTS, json=body, headers={"X-API-Key": without})
    ).status_code == 403


async def test_a_gzipped_batch(client, staff, make_room):
    a = await make_room()
    raw = gzip.compress(json.dumps({"source": "s", "items": [lecture("L1", a)]}).encode())
    r = await client.post(
        IMPORTS,
        content=raw,
        headers=bearer(staff) | {"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert r.status_code == 201, r.text
    bomb = gzip.compress(b" " * (70 * 1024 * 1024))
    r = await client.post(
        IMPORTS,
        content=bomb,
        headers=bearer(staff) | {"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert r.status_code == 413


async def test_imported_bookings_are_staff_confirmed_with_the_owner(
    client, staff, make_user, make_room
):
    a = await make_room(requires_approval=True)
    teacher = await make_user(Role.member)
    r = await run(client, staff, [lecture("L1", a, owner=teacher.email)], mode="apply")
    assert r.status_code == 201
    occ = await Booking.filter(series_id__not_isnull=True)
    assert {b.owner_id for b in occ} == {teacher.pk}
    assert {b.status for b in occ} == {Status.confirmed}


async def test_the_change_feed_names_every_booking_an_import_touched(client, staff, make_room):
    """A mirror reading /changes learns which bookings each item created, moved or
    cancelled, without reading the series back."""
    room = await make_room()

    async def import_events():
        r = await client.get("/api/v1/changes?limit=200", headers=bearer(staff))
        return [e for e in r.json()["data"] if e["action"].endswith(".series")]

    await run(client, staff, [lecture("L1", room)], mode="apply")
    series = await Series.get(external_id="L1")
    created = sorted(await Booking.filter(series_id=series.pk).values_list("id", flat=True))
    [event] = await import_events()
    assert event["action"] == "import.create.series"
    assert event["after"]["booking_ids"] == created and len(created) == 6

    # A shorter rule: two dates go away, the rest move to 11:00.
    moved = lecture("L1", room, "11:00", recurrence={"freq": "weekly", "count": 4})
    await run(client, staff, [moved], mode="apply")
    update = (await import_events())[-1]
    assert update["action"] == "import.update.series"
    assert sorted(update["after"]["booking_ids"]) == created

    # Gone from the timetable: the four remaining occurrences are cancelled.
    gone = await run(client, staff, [single("E1", room, 10, 12)], mode="apply", cancel_missing=True)
    assert gone.status_code == 201, gone.text
    cancel = (await import_events())[-1]
    assert cancel["action"] == "import.cancel.series"
    assert cancel["after"]["booking_ids"] == created[:4]
    statuses = await Booking.filter(id__in=created).values_list("status", flat=True)
    assert set(statuses) == {Status.cancelled}
