"""A closure's time, as a person gives it: instants, or whole local days in the building's
zone. Each way of getting it wrong is a 400 (or the range's 422) naming the field, with
nothing written; what is written is audited whole."""

from __future__ import annotations

from typing import Any

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.rooms import Closure
from compax_server.services import buildings, rooms
from tests.conftest import actor_of, at, bearer, refused_field
from tests.dates import Y2031


def closures(building: Any) -> str:
    return f"/api/v1/buildings/{building.pk}/closures"


START, END = at(0, 8).isoformat(), at(0, 18).isoformat()


@pytest.mark.parametrize(
    ("body", "pointer", "detail", "code"),
    [
        (
            {"start": START, "end": END, "start_date": f"{Y2031}-03-03"},
            "/start", "give either start/end or start_date/end_date", "invalid",
        ),
        (
            {"end": END, "end_date": f"{Y2031}-03-04"},
            "/start", "give either start/end or start_date/end_date", "invalid",
        ),
        ({"end_date": f"{Y2031}-03-04"}, "/start_date", "is required with end_date", "missing"),
        (
            {"start_date": f"{Y2031}-03-05", "end_date": f"{Y2031}-03-04"},
            "/end_date", "is before start_date", "invalid_interval",
        ),
        ({"start": START}, "/start", "give start and end, or start_date", "missing"),
        ({"end": END}, "/start", "give start and end, or start_date", "missing"),
        ({}, "/start", "give start and end, or start_date", "missing"),
        ({"start": END, "end": START}, "/end", "must be after start", "invalid_interval"),
        ({"start": START, "end": START}, "/end", "must be after start", "invalid_interval"),
    ],
)  # fmt: skip
async def test_a_closure_s_time_given_wrong_is_refused_naming_the_field(
    client, staff, building, room, body, pointer, detail, code
):
    r = await client.post(
        closures(building), json={"reason": "Works"} | body, headers=bearer(staff)
    )
    refused_field(r, pointer, detail, code)
    assert not await Closure.exists()
    assert not await AuditEvent.filter(action="closure.create").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start_date": "1969-12-31"}, "start_date"),
        ({"start_date": "2199-12-30", "end_date": "2200-01-01"}, "end_date"),
        ({"start": "1969-12-31T23:00:00Z", "end": END}, "start"),
        ({"start": START, "end": "2200-01-01T00:00:01Z"}, "end"),
    ],
)
async def test_a_closure_outside_the_accepted_range_is_a_422_naming_the_field(
    client, staff, building, body, field
):
    r = await client.post(
        closures(building), json={"reason": "Works"} | body, headers=bearer(staff)
    )
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert (error["rule"], error["field"], error["pointer"]) == ("time_range", field, f"/{field}")
    assert not await Closure.exists()


async def test_whole_days_are_the_building_s_local_days_across_a_clock_change(
    client, staff, building
):
    """Saturday and Sunday 29-30 March in Berlin: the clocks go forward on the Sunday, so the
    closure runs from Friday 23:00 UTC (midnight CET) to Sunday 22:00 UTC (midnight CEST):
    47 hours, not 48. One day alone is that day."""
    r = await client.post(
        closures(building),
        json={"reason": "Spring", "start_date": f"{Y2031}-03-29", "end_date": f"{Y2031}-03-30"},
        headers=bearer(staff),
    )
    assert r.status_code == 201, r.text
    assert r.json()["start"] == f"{Y2031}-03-28T23:00:00Z"
    assert r.json()["end"] == f"{Y2031}-03-30T22:00:00Z"
    r = await client.post(
        closures(building),
        json={"reason": "One day", "start_date": f"{Y2031}-03-03"},
        headers=bearer(staff),
    )
    assert r.status_code == 201, r.text
    assert (r.json()["start"], r.json()["end"]) == (
        f"{Y2031}-03-02T23:00:00Z",
        f"{Y2031}-03-03T23:00:00Z",
    )


async def test_a_room_of_another_building_cannot_be_closed_through_this_one(
    client, staff, admin, building, make_room
):
    other = await buildings.create_building(
        actor_of(admin), code="B2", name="Annex", timezone="Europe/Berlin"
    )
    elsewhere = await make_room(code="B2-1", building_id=other.pk)
    body = {"reason": "Works", "room_id": elsewhere.pk, "start": START, "end": END}
    r = await client.post(closures(building), json=body, headers=bearer(staff))
    refused_field(r, "/room_id", f"room {elsewhere.pk} is not in B1", "unknown")
    assert not await Closure.exists()


async def test_a_closure_is_audited_whole_when_made_and_when_removed(client, staff, building, room):
    body = {"reason": "Burst pipe", "room_id": room.pk, "start": START, "end": END}
    r = await client.post(closures(building), json=body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    made = r.json()
    whole = {
        "building_id": building.pk,
        "room_id": room.pk,
        "start": at(0, 8).isoformat(),
        "end": at(0, 18).isoformat(),
        "reason": "Burst pipe",
    }
    created = await AuditEvent.get(action="closure.create")
    assert created.after == whole | {"on_bookings": "refuse", "booking_ids": []}
    assert (created.actor_user_id, created.entity_type, created.entity_id) == (
        staff.pk,
        "closure",
        made["id"],
    )
    r = await client.delete(f"{closures(building)}/{made['id']}", headers=bearer(staff))
    assert r.status_code == 204, r.text
    removed = await AuditEvent.get(action="closure.delete")
    assert (removed.entity_type, removed.before, removed.after) == ("closure", whole, None)


async def test_a_removed_room_cannot_be_closed(client, staff, admin, building, make_room):
    gone = await make_room(code="B1-GONE")
    await rooms.delete_room(actor_of(admin), gone.pk)
    body = {"reason": "Works", "room_id": gone.pk, "start": START, "end": END}
    r = await client.post(closures(building), json=body, headers=bearer(staff))
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["detail"] == f"room {gone.pk} is not in B1"
    assert not await Closure.exists()
