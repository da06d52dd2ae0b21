"""Imports keep what staff changed by hand and obey the rules that bind everyone else
(integrity issue, items 4 and 6)."""

from __future__ import annotations

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.services import buildings, rules
from tests.conftest import actor_of, bearer
from tests.dates import Y2031

IMPORTS = "/api/v1/imports"
BK = "/api/v1/bookings"


def lecture(ext, room, **extra):
    return {
        "external_id": ext,
        "kind": "series",
        "room": room.code,
        "title": f"Lecture {ext}",
        "start_date": f"{Y2031}-03-04",
        "start_time": "09:00",
        "duration_minutes": 90,
        "recurrence": {"freq": "weekly", "count": 4},
        **extra,
    }


async def run(client, user, items, **options):
    body = {"source": "sis", "items": items, **options}
    return await client.post(IMPORTS, json=body, headers=bearer(user))


async def test_an_import_update_keeps_a_moved_and_a_cancelled_occurrence(client, staff, make_room):
    """Repro: staff moved one occurrence of an imported series and cancelled another
    ("lecturer ill"). The next import with only a new title moved the first back and created
    a new confirmed booking on the cancelled date; the plan warned about neither."""
    room, other = await make_room(), await make_room()
    r = await run(client, staff, [lecture("L1", room)], mode="apply")
    assert r.status_code == 201, r.text
    occ = await Booking.filter(series_id=r.json()["items"][0]["series_id"]).order_by("start")
    moved, cancelled = occ[1], occ[2]
    r = await client.patch(
        f"{BK}/{moved.pk}",
        json={"room_id": other.pk},
        headers=bearer(staff) | {"If-Match": f'"{moved.version}"'},
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{BK}/{cancelled.pk}/cancel",
        json={"reason": "lecturer ill"},
        headers=bearer(staff) | {"If-Match": f'"{cancelled.version}"'},
    )
    assert r.status_code == 200, r.text

    renamed = [lecture("L1", room, title="Lecture L1 (new title)")]
    plan = await run(client, staff, renamed)
    item = plan.json()["items"][0]
    assert item["action"] == "update"
    kept = {k["booking_id"]: k["fields"] for k in item["exceptions_kept"]}
    assert kept == {moved.pk: ["room_id"], cancelled.pk: ["status"]}

    r = await run(client, staff, renamed, mode="apply")
    assert r.status_code == 201, r.text
    after = {b.pk: b for b in await Booking.filter(series_id=moved.series_id)}
    assert len(after) == 4  # no new booking on the cancelled date
    assert after[moved.pk].room_id == other.pk
    assert after[cancelled.pk].status == Status.cancelled
    assert after[occ[0].pk].title == "Lecture L1 (new title)"


async def test_an_import_obeys_bookable_and_the_rules_unless_overridden(
    client, admin, staff, make_room
):
    """Repro: an import booked a room marked bookable=false and broke a max_duration rule
    that POST /bookings refuses for the same staff user without override."""
    closed_room = await make_room(bookable=False)
    room = await make_room()
    await rules.set_rules(actor_of(admin), "global", 0, rules.Limits(max_duration_minutes=60))
    r = await run(
        client,
        staff,
        [lecture("L1", closed_room), lecture("L2", room)],
        mode="apply",
        atomic=False,
    )
    assert r.status_code == 201, r.text
    by_ext = {i["external_id"]: i for i in r.json()["items"]}
    assert by_ext["L1"]["action"] == "invalid"
    assert by_ext["L1"]["errors"][0]["rule"] == "room_not_bookable"
    assert by_ext["L2"]["action"] == "invalid"
    assert by_ext["L2"]["errors"][0]["rule"] == "max_duration_minutes"
    assert await Booking.all().count() == 0

    r = await run(client, staff, [lecture("L2", room)], mode="apply", override=True)
    assert r.status_code == 201, r.text
    assert await Booking.filter(status=Status.confirmed).count() == 4
    event = await AuditEvent.filter(action="import.apply").order_by("-id").first()
    assert event is not None and event.after.get("override") is True


async def test_skip_closures_leaves_out_just_the_closed_date(client, admin, staff, building, room):
    """Repro: a weekly lecture crossing one closure day was rejected whole; the timetable
    system cannot know closures, so someone hand-edited excluded_dates."""
    from datetime import UTC, datetime

    await buildings.add_closure(
        actor_of(admin),
        building.pk,
        start=datetime(Y2031, 3, 11, tzinfo=UTC),
        end=datetime(Y2031, 3, 12, tzinfo=UTC),
        reason="Open day",
    )
    refused = await run(client, staff, [lecture("L1", room)])
    assert refused.json()["items"][0]["action"] == "invalid"
    assert refused.json()["items"][0]["errors"][0]["rule"] == "closure"
    r = await run(client, staff, [lecture("L1", room)], mode="apply", skip_closures=True)
    assert r.status_code == 201, r.text
    item = r.json()["items"][0]
    assert item["action"] == "create"
    assert [s["date"] for s in item["skipped"]] == [f"{Y2031}-03-11"]
    assert item["skipped"][0]["reason"] == "closure"
    days = [b.start.date().isoformat() for b in await Booking.all().order_by("start")]
    assert days == [f"{Y2031}-03-04", f"{Y2031}-03-18", f"{Y2031}-03-25"]


async def test_a_closure_of_the_room_alone_binds_its_imports_and_no_other_room_s(
    client, admin, staff, building, room, make_room
):
    """A closure of one room (not its building) is in the way of an import into that room,
    and a closure of another room of the building is not."""
    from datetime import UTC, datetime

    other = await make_room(building_id=building.pk)
    for closed, day in ((room, 18), (other, 25)):
        await buildings.add_closure(
            actor_of(admin),
            building.pk,
            room_id=closed.pk,
            start=datetime(Y2031, 3, day, tzinfo=UTC),
            end=datetime(Y2031, 3, day + 1, tzinfo=UTC),
            reason="Painting",
        )
    refused = await run(client, staff, [lecture("L1", room)])
    assert refused.json()["items"][0]["action"] == "invalid"
    assert refused.json()["items"][0]["errors"][0]["rule"] == "closure"
    r = await run(client, staff, [lecture("L1", room)], mode="apply", skip_closures=True)
    assert r.status_code == 201, r.text
    assert [s["date"] for s in r.json()["items"][0]["skipped"]] == [f"{Y2031}-03-18"]
    days = [b.start.date().isoformat() for b in await Booking.all().order_by("start")]
    assert f"{Y2031}-03-18" not in days and f"{Y2031}-03-25" in days


async def test_hostile_times_in_an_import_are_invalid_items_not_500s(client, staff, room):
    """Year 1 and 9999 with offsets, a booking of millennia, a series starting at the end of
    the calendar: each item is invalid with the limit named; nothing is written."""
    items = [
        {
            "external_id": "X1",
            "kind": "booking",
            "room": room.code,
            "title": "Far",
            "start": "0001-01-01T00:30:00+01:00",
            "end": "0001-01-01T01:30:00+01:00",
        },
        {
            "external_id": "X2",
            "kind": "booking",
            "room": room.code,
            "title": "Long",
            "start": f"{Y2031}-01-01T00:00:00Z",
            "end": "9999-01-01T00:00:00Z",
        },
        lecture("X3", room, start_date="9999-12-31", start_time="23:00", duration_minutes=1440),
    ]
    r = await run(client, staff, items, mode="apply", atomic=False)
    assert r.status_code == 201, r.text
    by_ext = {i["external_id"]: i for i in r.json()["items"]}
    assert {i["action"] for i in by_ext.values()} == {"invalid"}
    assert "1970-01-01 to 2200-01-01" in by_ext["X1"]["errors"][0]["detail"]
    assert "1970-01-01 to 2200-01-01" in by_ext["X3"]["errors"][0]["detail"]
    assert await Booking.all().count() == 0


async def test_a_series_at_the_end_of_the_calendar_is_a_422(client, staff, room):
    """Repro: a series starting 9999-12-31 23:00 lasting 1440 minutes was a 500."""
    r = await client.post(
        "/api/v1/series",
        json={
            "room_id": room.pk,
            "title": "Far",
            "start_date": "9999-12-31",
            "start_time": "23:00",
            "duration_minutes": 1440,
            "recurrence": {"freq": "daily", "until": "9999-12-31"},
        },
        headers=bearer(staff),
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["rule"] == "time_range"


async def test_an_occurrence_moved_by_hand_stays_in_the_way_of_the_same_batch(
    client, staff, make_room
):
    """Found by the state machine on PostgreSQL (a 500): staff moved one occurrence of an
    imported series into another room; the next batch updates that series and adds a new
    one over the moved occurrence. The update leaves the moved occurrence where it is, so it
    is in the new series' way: a conflict in the plan, and apply books nothing."""
    room, other = await make_room(), await make_room()
    r = await run(client, staff, [lecture("L2", room, start_time="14:00")], mode="apply")
    assert r.status_code == 201, r.text
    first = await Booking.filter(series_id=r.json()["items"][0]["series_id"]).order_by("start")
    moved = first[0]
    # into the other room, at 09:00-09:30 local of the same day
    r = await client.patch(
        f"{BK}/{moved.pk}",
        json={
            "room_id": other.pk,
            "start": moved.start.replace(hour=8, minute=0).isoformat(),
            "end": moved.start.replace(hour=8, minute=30).isoformat(),
        },
        headers=bearer(staff) | {"If-Match": f'"{moved.version}"'},
    )
    assert r.status_code == 200, r.text
    batch = [
        lecture("L2", room, start_time="14:00", title="Lecture L2 (new title)"),
        lecture("L1", other),  # 09:00-10:30 local: over the moved occurrence
    ]
    plan = await run(client, staff, batch)
    assert plan.status_code == 201, plan.text
    actions = {i["external_id"]: i["action"] for i in plan.json()["items"]}
    assert actions == {"L2": "update", "L1": "conflict"}
    l1 = next(i for i in plan.json()["items"] if i["external_id"] == "L1")
    assert moved.pk in [c["id"] for c in l1["conflicts"]]
    before = await Booking.all().count()
    applied = await run(client, staff, batch, mode="apply")
    assert applied.status_code == 409, applied.text
    assert await Booking.all().count() == before
    kept = await Booking.get(id=moved.pk)
    assert (kept.room_id, kept.status) == (other.pk, Status.confirmed)


async def test_an_import_update_carries_a_new_description_to_the_occurrences(
    client, staff, make_room
):
    """Repro: a re-import with a new description changed the series but left every
    occurrence with the old one (the plan said "update: description"). An occurrence
    renamed by hand keeps its title and description (the title exception covers both)."""
    room = await make_room()
    r = await run(
        client, staff, [lecture("L1", room, description="Bring a calculator")], mode="apply"
    )
    assert r.status_code == 201, r.text
    occ = await Booking.filter(series_id=r.json()["items"][0]["series_id"]).order_by("start")
    renamed = occ[1]
    r = await client.patch(
        f"{BK}/{renamed.pk}",
        json={"title": "Guest lecture", "description": "In the big hall's annex"},
        headers=bearer(staff) | {"If-Match": f'"{renamed.version}"'},
    )
    assert r.status_code == 200, r.text

    r = await run(client, staff, [lecture("L1", room, description="No calculators")], mode="apply")
    assert r.status_code == 201, r.text
    item = r.json()["items"][0]
    assert item["action"] == "update"
    assert "description" in item["changes"]
    after = {b.pk: b for b in await Booking.filter(series_id=renamed.series_id)}
    assert {pk: (b.title, b.description) for pk, b in after.items()} == {
        b.pk: ("Lecture L1", "No calculators") for b in occ if b.pk != renamed.pk
    } | {renamed.pk: ("Guest lecture", "In the big hall's annex")}
    # the import counts a new version on the others; the renamed one has only its PATCH
    assert after[renamed.pk].version == renamed.version + 1
    assert all(after[b.pk].version == b.version + 1 for b in occ if b.pk != renamed.pk)


def single(ext, room, **extra):
    return {
        "external_id": ext,
        "kind": "booking",
        "room": room.code,
        "title": f"Exam {ext}",
        "start": f"{Y2031}-03-05T09:00:00Z",
        "end": f"{Y2031}-03-05T11:00:00Z",
        **extra,
    }


async def test_an_import_keeps_what_staff_changed_on_a_single_booking(client, staff, make_room):
    """Repro: staff moved one imported exam to another room and cancelled another; the
    next nightly import of the same timetable moved the first back and booked the second
    again (each planned as an 'update'). A single booking changed by hand keeps its
    changes like an occurrence of a series: the fields changed stay, the others follow the
    timetable, and one cancelled by hand stays cancelled."""
    room, other = await make_room(), await make_room()
    items = [
        single("E1", room),
        single("E2", room, start=f"{Y2031}-03-06T09:00:00Z", end=f"{Y2031}-03-06T11:00:00Z"),
    ]
    r = await run(client, staff, items, mode="apply")
    assert r.status_code == 201, r.text
    moved_id, cancelled_id = (i["booking_ids"][0] for i in r.json()["items"])
    moved = await Booking.get(id=moved_id)
    r = await client.patch(
        f"{BK}/{moved_id}",
        json={"room_id": other.pk},
        headers=bearer(staff) | {"If-Match": f'"{moved.version}"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["exception_fields"] == ["room_id"]
    r = await client.post(
        f"{BK}/{cancelled_id}/cancel",
        json={"reason": "exam moved online"},
        headers=bearer(staff) | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text

    plan = await run(client, staff, items)
    assert plan.status_code == 201, plan.text
    by_ext = {i["external_id"]: i for i in plan.json()["items"]}
    assert by_ext["E1"]["action"] == "unchanged"
    assert by_ext["E2"]["action"] == "unchanged"

    renamed = [single("E1", room, title="Exam E1 (resit)"), items[1]]
    r = await run(client, staff, renamed, mode="apply")
    assert r.status_code == 201, r.text
    by_ext = {i["external_id"]: i for i in r.json()["items"]}
    assert by_ext["E1"]["action"] == "update"
    assert by_ext["E1"]["changes"] == ["title"]
    assert by_ext["E1"]["exceptions_kept"] == [
        {"booking_id": moved_id, "date": None, "fields": ["room_id"]}
    ]
    assert by_ext["E2"]["action"] == "unchanged"
    after = {b.pk: b for b in await Booking.filter(source="sis")}
    assert (after[moved_id].room_id, after[moved_id].title) == (other.pk, "Exam E1 (resit)")
    assert after[moved_id].exception_fields == ["room_id"]
    assert after[cancelled_id].status == Status.cancelled
    assert len(after) == 2

    # the timetable drops both: the moved one is cancelled with it, the cancelled one stays so
    r = await run(client, staff, [single("E3", room)], mode="apply", cancel_missing=True)
    assert r.status_code == 201, r.text
    by_ext = {i["external_id"]: i for i in r.json()["items"]}
    assert by_ext["E1"]["action"] == "cancel"
    assert "E2" not in by_ext


async def test_a_booking_reset_by_staff_follows_its_import_again(client, staff, make_room):
    """Staff moved an imported exam by hand, then hand it back to the timetable
    (``reset_exceptions``): the marks are cleared, the booking stays where it is until
    the next import, which then moves it back to the timetable's room."""
    room, other = await make_room(), await make_room()
    r = await run(client, staff, [single("E1", room)], mode="apply")
    assert r.status_code == 201, r.text
    booking_id = r.json()["items"][0]["booking_ids"][0]
    r = await client.patch(
        f"{BK}/{booking_id}",
        json={"room_id": other.pk},
        headers=bearer(staff) | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["exception_fields"] == ["room_id"]

    r = await client.patch(
        f"{BK}/{booking_id}",
        json={"reset_exceptions": True},
        headers=bearer(staff) | {"If-Match": '"2"'},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["exception_fields"], r.json()["room_id"]) == ([], other.pk)
    assert r.json()["version"] == 3
    event = await AuditEvent.filter(action="booking.update", entity_id=booking_id).last()
    assert event is not None
    assert event.before["exception_fields"] == ["room_id"]
    assert "exception_fields" not in event.after

    r = await run(client, staff, [single("E1", room)], mode="apply")
    assert r.status_code == 201, r.text
    item = r.json()["items"][0]
    assert (item["action"], item["changes"]) == ("update", ["room"])
    assert item["exceptions_kept"] is None
    after = await Booking.get(id=booking_id)
    assert (after.room_id, after.exception_fields) == (room.pk, [])


async def test_a_change_made_with_a_reset_is_not_kept(client, staff, make_room):
    """``reset_exceptions`` with a change in the same request: the change is made and
    not marked, so the next import takes the title back from the timetable."""
    room = await make_room()
    r = await run(client, staff, [single("E1", room)], mode="apply")
    booking_id = r.json()["items"][0]["booking_ids"][0]
    r = await client.patch(
        f"{BK}/{booking_id}",
        json={"title": "Exam E1 (draft)", "reset_exceptions": True},
        headers=bearer(staff) | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["title"], r.json()["exception_fields"]) == ("Exam E1 (draft)", [])
    r = await run(client, staff, [single("E1", room)], mode="apply")
    item = r.json()["items"][0]
    assert (item["action"], item["changes"]) == ("update", ["title"])
    assert (await Booking.get(id=booking_id)).title == "Exam E1"
