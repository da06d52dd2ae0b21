"""What an import plan checks beyond the calendar: a term's holidays, an external id given
twice, the booking rules of the room and of its building (time rules too), who may cancel a
source's missing items, and who may read a stored import."""

from __future__ import annotations

from compax_server.db.bookings import Booking
from compax_server.db.series import ImportBatch
from compax_server.db.users import Role
from compax_server.services import api_keys, imports, rules
from tests.api.test_imports import IMPORTS, lecture, run, single
from tests.api.test_series import spring_term
from tests.conftest import actor_of, at, bearer, refused_field
from tests.dates import Y2031

SOURCE = f"sis-{Y2031}-spring"


async def test_a_series_over_a_term_skips_its_holidays(client, staff, make_room):
    whole_term = {"freq": "weekly", "term_id": await spring_term(client, staff)}
    a, b = await make_room(), await make_room()
    items = [
        lecture("L1", a, recurrence=whole_term),
        lecture("L2", b, recurrence=whole_term, skip_holidays=False),
        lecture("L3", b, recurrence={"freq": "weekly", "term_id": 999_999}),
    ]
    r = await run(client, staff, items, mode="apply", atomic=False)
    assert r.status_code == 201, r.text
    by_ext = {i["external_id"]: i for i in r.json()["items"]}
    assert (by_ext["L1"]["action"], by_ext["L1"]["occurrences"]) == ("create", 8)
    assert (by_ext["L2"]["action"], by_ext["L2"]["occurrences"]) == ("create", 9)
    assert by_ext["L3"]["action"] == "invalid"
    assert by_ext["L3"]["errors"] == [
        {"field": "recurrence.term_id", "detail": "term 999999 does not exist"}
    ]
    days = [
        b.occurrence_date.isoformat()
        for b in await Booking.filter(series_id=by_ext["L1"]["series_id"]).order_by("start")
    ]
    assert f"{Y2031}-04-15" not in days
    assert (days[0], days[-1]) == (f"{Y2031}-03-04", f"{Y2031}-04-29")


async def test_an_external_id_given_twice_is_invalid_and_the_first_stands(client, staff, make_room):
    a = await make_room()
    items = [single("E1", a, 10, 12), single("E1", a, 11, 12), single("E3", a, 12, 12)]
    r = await run(client, staff, items)
    assert r.status_code == 201, r.text
    first, second, third = r.json()["items"]
    assert first["action"] == "create"
    assert second["action"] == "invalid"
    assert second["errors"] == [{"field": "external_id", "detail": "appears twice in the batch"}]
    assert third["action"] == "create"  # the batch goes on after it


async def test_an_unknown_room_or_owner_is_named_with_its_field(client, staff, make_room):
    a = await make_room()
    items = [
        single("E1", a, 10, 12) | {"room": "NOPE-1"},
        single("E2", a, 11, 12, owner="ghost@campus.example"),
    ]
    r = await run(client, staff, items, atomic=False)
    assert r.status_code == 201, r.text
    assert [i["errors"] for i in r.json()["items"]] == [
        [{"field": "room", "detail": "there is no room NOPE-1"}],
        [{"field": "owner", "detail": "there is no active user ghost@campus.example"}],
    ]


async def test_the_rules_of_the_room_and_its_building_bind_an_import(
    client, admin, staff, make_room
):
    """A room's longest booking (60 minutes) refuses a 90-minute lecture on its first
    date; its building's horizon (30 days) refuses an exam in another room of the building
    years ahead; staff pass both with override."""
    a = await make_room()
    b = await make_room(building_id=a.building_id)
    await rules.set_rules(actor_of(admin), "room", a.pk, rules.Limits(max_duration_minutes=60))
    await rules.set_rules(actor_of(admin), "building", a.building_id, rules.Limits(horizon_days=30))
    items = [lecture("L1", a), single("E1", b, 10, 12)]
    r = await run(client, staff, items, atomic=False)
    assert r.status_code == 201, r.text
    lecture_plan, exam_plan = r.json()["items"]
    assert lecture_plan["action"] == "invalid"
    assert lecture_plan["errors"][0]["rule"] == "max_duration_minutes"
    assert lecture_plan["errors"][0]["date"] == f"{Y2031}-03-04"
    assert exam_plan["action"] == "invalid"
    assert [(e["rule"], e["date"]) for e in exam_plan["errors"]] == [
        ("horizon_days", f"{Y2031}-03-13")
    ]
    r = await run(client, staff, items, mode="apply", override=True)
    assert r.status_code == 201, r.text
    assert [i["action"] for i in r.json()["items"]] == ["create", "create"]


async def test_only_the_source_owner_or_an_admin_cancel_its_missing_items(
    client, admin, staff, make_user, make_room
):
    """The owner is whoever first *applied* a batch of *this* source: another user's plan
    of it, or their apply of another source, does not count."""
    other = await make_user(Role.staff)
    a, elsewhere = await make_room(), await make_room()
    r = await run(client, other, [single("E0", a, 9, 12)])  # a plan only
    assert r.status_code == 201, r.text
    body = {"source": "another-source", "items": [single("X1", elsewhere, 10, 12)]}
    r = await client.post(IMPORTS, json=body | {"mode": "apply"}, headers=bearer(other))
    assert r.status_code == 201, r.text
    r = await run(client, staff, [single("E1", a, 10, 12)], mode="apply")
    assert r.status_code == 201, r.text
    r = await run(client, staff, [single("E1", a, 10, 12)], mode="apply", cancel_missing=True)
    assert r.status_code == 201, r.text
    batches = await ImportBatch.all().count()

    r = await run(client, other, [single("E2", a, 11, 12)], mode="apply", cancel_missing=True)
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == (
        f"source {SOURCE} belongs to user {staff.pk}; only they or an administrator may "
        "cancel its items (cancel_missing)"
    )
    assert await ImportBatch.all().count() == batches
    assert await Booking.filter(external_id="E2").count() == 0

    r = await run(client, other, [single("E1", a, 10, 12), single("E2", a, 11, 12)], mode="apply")
    assert r.status_code == 201, r.text  # adding to the source is not cancelling
    r = await run(client, admin, [single("E2", a, 11, 12)], mode="apply", cancel_missing=True)
    assert r.status_code == 201, r.text
    assert {i["external_id"]: i["action"] for i in r.json()["items"]}["E1"] == "cancel"


async def test_a_stored_import_is_read_by_staff_and_named_when_missing(
    client, admin, staff, member, make_room
):
    a = await make_room()
    r = await run(client, staff, [single("E1", a, 10, 12)])
    import_id = r.json()["id"]
    _, read_only = await api_keys.create_api_key(
        actor_of(admin), user_id=staff.pk, name="ro", scopes=["read"]
    )
    _, no_read = await api_keys.create_api_key(
        actor_of(admin), user_id=staff.pk, name="imp", scopes=["import"]
    )
    r = await client.get(f"{IMPORTS}/{import_id}", headers={"X-API-Key": read_only})
    assert r.status_code == 200, r.text
    assert r.json()["items"][0]["external_id"] == "E1"
    r = await client.get(f"{IMPORTS}/{import_id}", headers={"X-API-Key": no_read})
    assert r.status_code == 403, r.text
    r = await client.get(f"{IMPORTS}/{import_id}", headers=bearer(member))
    assert r.status_code == 403, r.text
    r = await client.get(f"{IMPORTS}/999999", headers=bearer(staff))
    assert r.status_code == 404, r.text
    assert r.json()["detail"] == "import 999999 does not exist"


async def test_an_item_that_changes_kind_is_invalid_and_the_batch_goes_on(client, staff, make_room):
    """An external id imported as a booking cannot come back as a series (or the other
    way round): the item names what it was, and the items after it are planned."""
    a, b = await make_room(), await make_room()
    r = await run(client, staff, [single("E1", a, 10, 12), lecture("L1", b)], mode="apply")
    assert r.status_code == 201, r.text
    swapped = [lecture("E1", a), single("L1", b, 10, 12), single("E2", a, 11, 12)]
    r = await run(client, staff, swapped, atomic=False)
    assert r.status_code == 201, r.text
    e1, l1, e2 = r.json()["items"]
    assert (e1["action"], e1["errors"]) == (
        "invalid", [{"field": "kind", "detail": "E1 was imported as a booking"}],
    )  # fmt: skip
    assert (l1["action"], l1["errors"]) == (
        "invalid", [{"field": "kind", "detail": "L1 was imported as a series"}],
    )  # fmt: skip
    assert e2["action"] == "create"


async def test_a_room_that_is_not_bookable_is_named(client, staff, make_room):
    closed = await make_room(bookable=False)
    r = await run(client, staff, [single("E1", closed, 10, 12)])
    (item,) = r.json()["items"]
    assert item["action"] == "invalid"
    assert item["errors"] == [
        {"rule": "room_not_bookable", "detail": f"room {closed.code} is not bookable"}
    ]


async def test_a_booking_longer_than_the_longest_needs_staff_override(client, staff, make_room):
    """A 20-day item is refused as any booking is (14 days at most); override takes it."""
    a = await make_room()
    long = single("E1", a, 10, 12) | {"end": at(30, 12).isoformat()}
    r = await run(client, staff, [long])
    (item,) = r.json()["items"]
    assert item["action"] == "invalid"
    assert item["errors"] == [
        {
            "field": "end",
            "detail": "a booking may last at most 336 hours (14 days); "
            "staff may override up to 366 days",
        }
    ]
    r = await run(client, staff, [long], mode="apply", override=True)
    assert r.status_code == 201, r.text
    assert r.json()["items"][0]["action"] == "create"


async def test_an_update_onto_a_booked_slot_is_a_conflict(client, staff, member, make_room, book):
    """An exam re-imported at a time the room is booked by someone else conflicts, as a
    new one would; nothing moves."""
    a = await make_room()
    r = await run(client, staff, [single("E1", a, 10, 12)], mode="apply")
    (exam_id,) = r.json()["items"][0]["booking_ids"]
    theirs = await book(member, a, at(10, 15), at(10, 16))
    r = await run(client, staff, [single("E1", a, 10, 14)], mode="apply", atomic=False)
    assert r.status_code == 201, r.text
    (item,) = r.json()["items"]
    assert item["action"] == "conflict"
    assert [c["id"] for c in item["conflicts"]] == [theirs.pk]
    assert (await Booking.get(id=exam_id)).start == at(10, 12)


async def test_what_a_batch_cancels_frees_its_slots_for_the_same_batch(client, staff, make_room):
    """The timetable replaces exam E1 by E2 at the same time and room: with cancel_missing,
    E1's slot is free for E2 in the same apply (and an updated item is not in its own
    way)."""
    a = await make_room()
    r = await run(client, staff, [single("E1", a, 10, 12), lecture("L1", a)], mode="apply")
    assert r.status_code == 201, r.text
    replaced = [single("E2", a, 10, 12), lecture("L2", a)]
    r = await run(client, staff, replaced, mode="apply", cancel_missing=True)
    assert r.status_code == 201, r.text
    actions = {i["external_id"]: i["action"] for i in r.json()["items"]}
    assert actions == {"E2": "create", "L2": "create", "E1": "cancel", "L1": "cancel"}


async def test_a_stored_import_keeps_its_mode_and_options(client, staff, make_room):
    a = await make_room()
    r = await run(client, staff, [single("E1", a, 10, 12)], skip_closures=True)
    assert r.status_code == 201, r.text
    stored = await client.get(f"{IMPORTS}/{r.json()['id']}", headers=bearer(staff))
    assert stored.status_code == 200, stored.text
    assert (stored.json()["mode"], stored.json()["status"]) == ("plan", "planned")
    assert stored.json()["options"] == {
        "mode": "plan",
        "atomic": True,
        "cancel_missing": False,
        "priority": False,
        "override": False,
        "skip_closures": True,
    }


async def test_an_empty_batch_that_would_cancel_everything_is_refused(client, staff, make_room):
    a = await make_room()
    await run(client, staff, [single("E1", a, 10, 12)], mode="apply")
    r = await run(client, staff, [], mode="apply", cancel_missing=True)
    assert r.status_code == 400, r.text
    (error,) = r.json()["errors"]
    assert (error["location"], error["pointer"], error["code"]) == ("body", "/items", "empty")
    assert error["detail"] == (
        f"an empty batch with cancel_missing would cancel everything {SOURCE} imported; "
        "cancel those bookings and series one by one if that is the intent"
    )
    assert await Booking.filter(external_id="E1", status="confirmed").count() == 1


async def test_an_apply_past_the_occurrence_cap_is_a_400_with_nothing_written(
    client, staff, make_room, monkeypatch
):
    """The cap counts what the batch would book (here 6 + 6 + 1 = 13 against a cap of 12,
    lowered for the test): past it, a 400 naming ``items``, no booking, no stored batch;
    at it, the batch applies."""
    monkeypatch.setattr(imports, "MAX_OCCURRENCES", 12)
    a, b = await make_room(), await make_room()
    items = [lecture("L1", a), lecture("L2", b, "11:00"), single("E1", a, 10, 12)]
    r = await run(client, staff, items, mode="apply")
    refused_field(r, "/items", "at most 12 occurrences per batch", "too_many")
    assert not await Booking.exists()
    assert not await ImportBatch.filter(mode="apply").exists()
    monkeypatch.setattr(imports, "MAX_OCCURRENCES", 13)
    r = await run(client, staff, items, mode="apply")
    assert r.status_code == 201, r.text
    assert await Booking.all().count() == 13
