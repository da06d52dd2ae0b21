"""What an applied import writes and records, field by field: the bookings and series it
creates carry the item's description, head count, holidays rule and creator; an update
reaches every occurrence whatever changed (only the room, only the length, a new first
date); what leaves the timetable is cancelled with a reason naming the source; a bumped
booking is cancelled once; and each change is in the audit log with the source, the
external id and the bookings it touched."""

from __future__ import annotations

from datetime import timedelta

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.series import Series
from tests.api.test_imports import lecture, run, single
from tests.conftest import at, bearer
from tests.dates import Y2031

SOURCE = f"sis-{Y2031}-spring"


async def events(action: str) -> list[AuditEvent]:
    return list(await AuditEvent.filter(action=action).order_by("id"))


async def test_what_an_import_creates_carries_the_items_fields(client, staff, make_room):
    """A first apply, then one with the same item (unchanged, first in the batch) and two
    new ones: the new ones are created with their descriptions, head count and holidays
    rule, by the importing user, and the audit log names each."""
    a, b = await make_room(), await make_room()
    r = await run(client, staff, [single("E1", a, 10, 12)], mode="apply")
    assert r.status_code == 201, r.text
    items = [
        single("E1", a, 10, 12),
        single("E2", a, 11, 12, description="Bring a calculator", attendees=20),
        lecture("L1", b, description="Room B, bring laptops", skip_holidays=False),
        lecture("L2", b, start_time="11:00"),
    ]
    r = await run(client, staff, items, mode="apply")
    assert r.status_code == 201, r.text
    by_ext = {i["external_id"]: i for i in r.json()["items"]}
    assert [by_ext[e]["action"] for e in ("E1", "E2", "L1", "L2")] == [
        "unchanged", "create", "create", "create",
    ]  # fmt: skip

    (e2_id,) = by_ext["E2"]["booking_ids"]
    e2 = await Booking.get(id=e2_id)
    assert (e2.description, e2.attendees, e2.created_by_id) == ("Bring a calculator", 20, staff.pk)
    assert (e2.source, e2.external_id, e2.status) == (SOURCE, "E2", Status.confirmed)

    l1 = await Series.get(id=by_ext["L1"]["series_id"])
    l2 = await Series.get(id=by_ext["L2"]["series_id"])
    assert (l1.description, l1.skip_holidays, l1.created_by_id) == (
        "Room B, bring laptops", False, staff.pk,
    )  # fmt: skip
    assert (l2.description, l2.skip_holidays) == ("", True)
    occurrences = await Booking.filter(series_id=l1.pk)
    assert len(occurrences) == 6
    assert {(o.description, o.created_by_id) for o in occurrences} == {
        ("Room B, bring laptops", staff.pk)
    }
    assert {o.description for o in await Booking.filter(series_id=l2.pk)} == {""}

    created = {e.after["external_id"]: e for e in await events("import.create.booking")}
    assert created["E2"].entity_id == e2_id
    assert created["E2"].after == {
        "source": SOURCE, "external_id": "E2", "changes": None, "booking_ids": [e2_id],
    }  # fmt: skip
    series = {e.after["external_id"]: e for e in await events("import.create.series")}
    assert series["L1"].entity_id == l1.pk
    assert series["L1"].after["booking_ids"] == sorted(o.pk for o in occurrences)
    assert (l1.added_dates, l1.excluded_dates) == ([], [])

    items[1] = single("E2", a, 11, 12, description="Open book", attendees=20)
    r = await run(client, staff, items, mode="apply")
    by_ext = {i["external_id"]: i for i in r.json()["items"]}
    assert (by_ext["E2"]["action"], by_ext["E2"]["changes"]) == ("update", ["description"])
    assert (await Booking.get(id=e2_id)).description == "Open book"


async def test_an_update_reaches_every_occurrence_whatever_changed(client, staff, make_room):
    """Only the room; only the length; a new first date with a new title (the new date is
    booked and every other occurrence renamed); the series id and the audit name it."""
    a, b = await make_room(), await make_room()
    r = await run(client, staff, [lecture("L1", a)], mode="apply")
    series_id = r.json()["items"][0]["series_id"]

    def rows():
        return Booking.filter(series_id=series_id, status=Status.confirmed).order_by("start")

    r = await run(client, staff, [lecture("L1", b)], mode="apply")
    assert r.status_code == 201, r.text
    item = r.json()["items"][0]
    assert (item["action"], item["changes"], item["series_id"]) == ("update", ["room"], series_id)
    assert {o.room_id for o in await rows()} == {b.pk}
    assert len(item["booking_ids"]) == 6

    r = await run(client, staff, [lecture("L1", b, duration_minutes=120)], mode="apply")
    assert r.json()["items"][0]["changes"] == ["duration_minutes"]
    assert {o.end - o.start for o in await rows()} == {timedelta(minutes=120)}

    earlier = lecture(
        "L1", b, duration_minutes=120, start_date=f"{Y2031}-02-25", title="Lecture L1 (new)"
    )
    r = await run(client, staff, [earlier], mode="apply")
    assert r.status_code == 201, r.text
    occurrences = await rows()
    assert len(occurrences) == 6 + 1 - 1  # count 6: a new first date, the last one gone
    assert occurrences[0].occurrence_date.isoformat() == f"{Y2031}-02-25"
    assert {o.title for o in occurrences} == {"Lecture L1 (new)"}
    assert {o.description for o in occurrences} == {""}
    updates = await events("import.update.series")
    assert [e.entity_id for e in updates] == [series_id] * 3
    assert updates[0].after["changes"] == ["room"]


async def test_what_leaves_the_timetable_is_cancelled_naming_the_source(client, staff, make_room):
    a = await make_room()
    r = await run(client, staff, [single("E1", a, 10, 12), lecture("L1", a)], mode="apply")
    by_ext = {i["external_id"]: i for i in r.json()["items"]}
    (e1_id,) = by_ext["E1"]["booking_ids"]
    series_id = by_ext["L1"]["series_id"]

    r = await run(client, staff, [single("E9", a, 11, 12)], mode="apply", cancel_missing=True)
    assert r.status_code == 201, r.text
    by_ext = {i["external_id"]: i for i in r.json()["items"]}
    assert (by_ext["E1"]["action"], by_ext["E1"]["booking_ids"]) == ("cancel", [e1_id])
    reason = f"no longer in the {SOURCE} timetable"
    e1 = await Booking.get(id=e1_id)
    assert (e1.status, e1.reason) == (Status.cancelled, reason)
    occurrences = await Booking.filter(series_id=series_id)
    assert {(o.status, o.reason) for o in occurrences} == {(Status.cancelled, reason)}
    assert sorted(by_ext["L1"]["booking_ids"]) == sorted(o.pk for o in occurrences)
    (cancelled,) = await events("import.cancel.booking")
    assert (cancelled.entity_id, cancelled.after) == (
        e1_id, {"source": SOURCE, "external_id": "E1", "booking_ids": [e1_id]},
    )  # fmt: skip
    (ended,) = await events("import.cancel.series")
    assert ended.entity_id == series_id and ended.after["external_id"] == "L1"


async def test_a_booking_two_items_bump_is_cancelled_and_recorded_once(
    client, staff, member, make_room, book
):
    """A member's 08:00-10:00 on Tuesday 11 March is in the way of a lecture (08:00-09:30
    UTC) and of an exam right after it (09:30): with priority it is cancelled once, with a
    reason naming the first item, and one audit event."""
    a = await make_room()
    theirs = await book(member, a, at(8, 8), at(8, 10))
    exam = single("E1", a, 8, 9) | {
        "start": at(8, 9, 30).isoformat(),
        "end": at(8, 11, 30).isoformat(),
    }
    r = await run(client, staff, [lecture("L1", a), exam], mode="apply", priority=True)
    assert r.status_code == 201, r.text
    assert [i["bumped_booking_ids"] for i in r.json()["items"]] == [[theirs.pk], [theirs.pk]]
    bumped = await Booking.get(id=theirs.pk)
    assert (bumped.status, bumped.reason) == (
        Status.cancelled, f"bumped by the {SOURCE} timetable (L1)",
    )  # fmt: skip
    (event,) = [e for e in await events("booking.cancel") if e.entity_id == theirs.pk]
    assert (event.entity_type, event.before, event.after) == (
        "booking",
        {"status": "confirmed"},
        {"status": "cancelled", "reason": "bumped", "source": SOURCE},
    )


async def test_cancel_missing_cancels_only_what_left_and_only_once(client, staff, make_room):
    a, b = await make_room(), await make_room()
    r = await run(client, staff, [lecture("L1", a), lecture("L2", b)], mode="apply")
    assert r.status_code == 201, r.text
    r = await run(client, staff, [lecture("L1", a)], mode="apply", cancel_missing=True)
    assert [(i["external_id"], i["action"]) for i in r.json()["items"]] == [
        ("L1", "unchanged"), ("L2", "cancel"),
    ]  # fmt: skip
    r = await run(client, staff, [lecture("L1", a)], mode="apply", cancel_missing=True)
    assert [(i["external_id"], i["action"]) for i in r.json()["items"]] == [("L1", "unchanged")]
    assert len(await events("import.cancel.series")) == 1


async def test_an_applied_import_is_recorded_once_with_its_source_and_summary(
    client, staff, make_room
):
    """The ``import.apply`` event names the stored batch, the source and the summary; it
    carries ``override`` only when the batch overrode rules."""
    a = await make_room()
    r = await run(client, staff, [lecture("L1", a), single("E1", a, 10, 12)], mode="apply")
    assert r.status_code == 201, r.text
    batch = r.json()
    (event,) = await events("import.apply")
    assert (event.actor_user_id, event.entity_type, event.entity_id, event.before) == (
        staff.pk, "import", batch["id"], None,
    )  # fmt: skip
    assert event.after == {"source": SOURCE, "summary": batch["summary"]}
    assert batch["summary"] == {"create": 2, "occurrences": 7, "bumped": 0}

    assert (await run(client, staff, [lecture("L1", a)], mode="plan")).status_code == 201
    assert len(await events("import.apply")) == 1  # a plan is not an apply


async def test_an_atomic_refusal_counts_what_stopped_it_and_lists_only_those_items(
    client, staff, member, make_room, book
):
    """The 409 says how many items conflict and how many are invalid (a count that is
    absent from the summary is 0), names the stored batch and lists only the items that
    stopped it, at most 200 of them."""
    a, b = await make_room(), await make_room()
    await book(member, a, at(8, 8), at(8, 9))  # in L1's way
    items = [lecture("L1", a), lecture("L2", b), single("E1", b, 10, 12) | {"room": "NOPE"}]
    r = await run(client, staff, items, mode="apply")
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["detail"] == (
        "1 conflicting item and 1 invalid item; nothing was applied (atomic). See the plan in "
        "'items', or apply with atomic=false to apply the rest."
    )
    assert body["summary"] == {
        "conflict": 1,
        "create": 1,
        "invalid": 1,
        "occurrences": 6,
        "bumped": 0,
    }
    assert [(i["external_id"], i["action"]) for i in body["items"]] == [
        ("L1", "conflict"), ("E1", "invalid"),
    ]  # fmt: skip
    stored = await client.get(f"/api/v1/imports/{body['import_id']}", headers=bearer(staff))
    assert (stored.json()["status"], len(stored.json()["items"])) == ("rejected", 3)
    assert await events("import.apply") == []

    nowhere = [single(f"X{n}", b, 10, 12) | {"room": "NOPE"} for n in range(201)]
    r = await run(client, staff, nowhere, mode="apply")
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["detail"].startswith(
        "0 conflicting items and 201 invalid items; nothing was applied"
    )
    assert len(body["items"]) == 200
    assert body["items"][-1]["external_id"] == "X199"
