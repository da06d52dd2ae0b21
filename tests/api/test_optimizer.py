"""The term room optimizer through the API: full placement where one exists, true reasons
for the unplaced (checked with the room search), applied plans keep the invariants, re-runs
are stable, and the bounds and the one-solve-at-a-time rule answer precisely."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from benchmarks.optimizer_campus import campus, overfull, sections
from compax_server.db.bookings import Booking, Status
from compax_server.db.rooms import Room, RoomFeature
from compax_server.services import buildings, optimizer
from tests.conftest import actor_of, bearer, refused_field
from tests.dates import Y2031

PLANS = "/api/v1/optimizer/plans"
TERM = {"name": "Spring 2031", "start_date": f"{Y2031}-03-03", "end_date": f"{Y2031}-04-13"}


@pytest.fixture
async def term_id(client, staff):
    r = await client.post("/api/v1/terms", json=TERM, headers=bearer(staff))
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def generated(make_room, n_rooms=10, n_sections=40, seed=1):
    c = campus(n_rooms, seed=seed, per_building=100)
    for r in c.rooms:
        await make_room(code=r.code, capacity=r.capacity, features=r.features)
    return c, sections(c, n_sections, seed=seed + 1)


async def run(client, user, term_id, items, **options):
    body = {"term_id": term_id, "sections": items, "time_limit": 10, **options}
    return await client.post(PLANS, json=body, headers=bearer(user))


async def check_invariants(items):
    """Every active booking: no overlap in its room, the room has the seats and features."""
    rows = await Booking.filter(status=Status.confirmed).values(
        "room_id", "start", "end", "series_id"
    )
    by_room = defaultdict(list)
    for b in rows:
        by_room[b["room_id"]].append((b["start"], b["end"]))
    for spans in by_room.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    rooms = {r.pk: r for r in await Room.all()}
    feats = defaultdict(set)
    for room_id, code in await RoomFeature.all().values_list("room_id", "feature__code"):
        feats[room_id].add(code)
    for item in items:
        if item["action"] == "placed":
            room = rooms[item["room_id"]]
            assert room.capacity >= item["headcount"]
            assert item["seat_fill"] == round(item["headcount"] / room.capacity, 3)


async def test_a_feasible_term_is_placed_fully_and_applied_once(client, staff, make_room, term_id):
    c, items = await generated(make_room)
    r = await run(client, staff, term_id, items, apply=True)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["summary"]["placed"] == len(items) == body["summary"]["sections"]
    assert body["applied"] and body["import_summary"]["create"] == len(items)
    assert body["solver"]["gap"] >= 0 and body["solver"]["status"] in ("optimal", "feasible")
    needs = {s["external_id"]: set(s["features"]) for s in items}
    room_features = {r.code: set(r.features) for r in c.rooms}
    for item in body["items"]:
        assert needs[item["external_id"]] <= room_features[item["room"]]
    assert await Booking.filter(status=Status.confirmed).count() == 6 * len(items)
    await check_invariants(body["items"])
    again = await run(client, staff, term_id, items, apply=True)
    assert {i["import_action"] for i in again.json()["items"]} == {"unchanged"}
    assert [i["room"] for i in again.json()["items"]] == [i["room"] for i in body["items"]]


async def test_unplaced_sections_carry_true_reasons(client, staff, make_room, term_id):
    c, items = await generated(make_room, n_rooms=6, n_sections=10)
    rush = overfull(c, 8)
    r = await run(client, staff, term_id, items + rush)
    assert r.status_code == 200, r.text
    out = {i["external_id"]: i for i in r.json()["items"]}
    assert out["X-huge"]["reason"]["code"] == "no_room_fits"
    assert out["X-feature"]["reason"]["code"] == "no_room_fits"
    huge = next(s for s in rush if s["external_id"] == "X-huge")
    search = await client.get(
        "/api/v1/rooms", params={"min_capacity": huge["headcount"]}, headers=bearer(staff)
    )
    assert search.json()["data"] == []
    taken = [
        i for i in out.values() if i["action"] == "unplaced" and i["external_id"][1:].isdigit()
    ]
    assert taken, "eight sections at one hour on six rooms: some cannot be placed"
    placed_rush = {
        i["room"]
        for i in out.values()
        if i["external_id"].startswith("X0") and i["action"] == "placed"
    }
    for item in taken:
        reason = item["reason"]
        assert reason["code"] == "rooms_taken"
        assert reason["rooms"], reason
        for room in reason["rooms"]:  # each listed room is held by a section of the batch
            assert room["room"] in placed_rush and room["sections"]
        assert {r.code for r in c.rooms if r.capacity >= item["headcount"]} == {
            room["room"] for room in reason["rooms"]
        }


async def test_a_booking_in_the_way_is_named_and_search_agrees(
    client, staff, make_room, term_id, book
):
    small = await make_room(code="S-1", capacity=20)
    await make_room(code="S-2", capacity=200)
    start = datetime(Y2031, 3, 5, 9, 0, tzinfo=UTC)  # Wednesday 10:00 in Berlin
    taken = await book(staff, small, start, start.replace(hour=10), title="Senate")
    section = {
        "external_id": "A1",
        "title": "Seminar",
        "weekdays": ["wed"],
        "start_time": "10:00",
        "duration_minutes": 60,
        "headcount": 15,
    }
    r = await run(client, staff, term_id, [section, section | {"external_id": "A2"}])
    out = {i["external_id"]: i for i in r.json()["items"]}
    assert out["A1"]["room"] == "S-2" and out["A2"]["action"] == "unplaced"
    rooms = {x["room"]: x for x in out["A2"]["reason"]["rooms"]}
    assert rooms["S-1"]["bookings"][0]["id"] == taken.pk
    assert rooms["S-2"]["sections"] == ["A1"]
    search = await client.get(
        "/api/v1/rooms",
        params={
            "min_capacity": 15,
            "free_from": start.isoformat(),
            "free_to": start.replace(hour=10).isoformat(),
        },
        headers=bearer(staff),
    )
    assert [x["code"] for x in search.json()["data"]] == ["S-2"]  # before the apply


async def test_linked_sections_share_a_room_and_one_booking(client, staff, make_room, term_id):
    await make_room(code="L-1", capacity=30)
    await make_room(code="L-2", capacity=60)
    base = {"weekdays": ["mon"], "start_time": "09:00", "duration_minutes": 90}
    items = [
        base | {"external_id": "CS101", "title": "CS 101", "headcount": 25, "links": ["MA101"]},
        base | {"external_id": "MA101", "title": "MA 101", "headcount": 20},
        {
            "external_id": "LAB",
            "title": "Lab",
            "weekdays": ["mon"],
            "start_time": "11:00",
            "duration_minutes": 60,
            "headcount": 10,
            "links": ["CS101"],
        },
    ]
    r = await run(client, staff, term_id, items, apply=True)
    assert r.status_code == 200, r.text
    out = {i["external_id"]: i for i in r.json()["items"]}
    assert out["CS101"]["room"] == out["MA101"]["room"] == out["LAB"]["room"] == "L-2"
    assert out["MA101"]["booked_with"] == "CS101"
    assert r.json()["import_summary"]["create"] == 2  # one series for the cross-listed pair


async def test_a_rerun_after_small_changes_keeps_most_rooms(client, staff, make_room, term_id):
    _, items = await generated(make_room, n_rooms=10, n_sections=40, seed=5)
    first = await run(client, staff, term_id, items, apply=True)
    before = {i["external_id"]: i["room"] for i in first.json()["items"]}
    rnd = random.Random(7)
    changed = [dict(s) for s in items]
    for s in rnd.sample(changed, 2):  # 5 %: a new time
        s["start_time"] = "07:00"
    second = await run(client, staff, term_id, changed, apply=True)
    assert second.status_code == 200, second.text
    after = {i["external_id"]: i["room"] for i in second.json()["items"]}
    kept = sum(1 for k in before if before[k] == after.get(k))
    assert kept >= 0.9 * len(items), (kept, len(items))
    assert second.json()["summary"]["kept_room"]["asked"] == len(items)
    await check_invariants(second.json()["items"])


async def test_bounds_permissions_and_one_solve_at_a_time(
    client, staff, member, make_room, term_id, monkeypatch
):
    await make_room()
    one = [
        {
            "external_id": "A",
            "title": "A",
            "weekdays": ["mon", "tue"],
            "start_time": "09:00",
            "duration_minutes": 60,
            "headcount": 5,
        }
    ]
    assert (await run(client, member, term_id, one)).status_code == 403
    r = await run(client, staff, 999_999, one)
    assert r.status_code == 400 and r.json()["errors"][0]["pointer"] == "/term_id"
    monkeypatch.setattr(optimizer, "MAX_OCCURRENCES", 11)
    r = await run(client, staff, term_id, one)
    assert r.status_code == 422, r.text
    detail = (  # Mondays and Tuesdays of six weeks
        "the sections have 12 occurrences in the term; at most 11 per optimizer run "
        "(split the term or the sections)"
    )
    assert r.json()["errors"][0] == {"rule": "max_occurrences", "limit": 11, "detail": detail}
    monkeypatch.setattr(optimizer, "MAX_OCCURRENCES", 12)
    assert (await run(client, staff, term_id, one)).status_code == 200
    monkeypatch.setattr(optimizer, "MAX_OCCURRENCES", 100_000)
    r = await run(client, staff, term_id, one * 2)
    refused_field(r, "/sections/1/external_id", "appears twice in the batch", "duplicate")
    r = await run(client, staff, term_id, one, time_limit=500)
    assert r.status_code == 400
    assert optimizer._solving.acquire(blocking=False)
    try:
        r = await run(client, staff, term_id, one)
        assert r.status_code == 503 and int(r.headers["Retry-After"]) >= 1
    finally:
        optimizer._solving.release()
    assert (await run(client, staff, term_id, one)).status_code == 200
    assert await Booking.all().count() == 0


async def test_a_section_that_no_longer_fits_keeps_or_loses_its_old_booking(
    client, staff, make_room, term_id
):
    await make_room(code="K-1", capacity=30)
    section = {
        "external_id": "K1",
        "title": "Seminar",
        "weekdays": ["tue"],
        "start_time": "10:00",
        "duration_minutes": 60,
        "headcount": 25,
    }
    other = section | {"external_id": "K2", "start_time": "12:00"}
    first = await run(client, staff, term_id, [section, other], apply=True)
    assert [i["room"] for i in first.json()["items"]] == ["K-1", "K-1"]
    grown = section | {"headcount": 40}
    kept = await run(client, staff, term_id, [grown, other], apply=True)
    item = kept.json()["items"][0]
    assert item["action"] == "unplaced" and item["current_room"] == "K-1"
    assert await Booking.filter(status=Status.confirmed).count() == 12  # left as it was
    gone = await run(client, staff, term_id, [grown, other], apply=True, cancel_missing=True)
    item = gone.json()["items"][0]
    assert item["import_action"] == "cancel" and item.get("current_room") is None
    assert await Booking.filter(status=Status.confirmed).count() == 6  # K2's


async def test_closures_and_holidays_are_left_out_and_reported(
    client, staff, admin, make_room, building
):
    term = await client.post(
        "/api/v1/terms",
        json=TERM
        | {"holidays": [{"start": f"{Y2031}-03-10", "end": f"{Y2031}-03-10", "name": "Day"}]},
        headers=bearer(staff),
    )
    room = await make_room(code="C-1", capacity=20)
    await buildings.add_closure(
        actor_of(admin),
        building.pk,
        reason="Painting",
        room_id=room.pk,
        start_date=datetime(Y2031, 3, 17).date(),
        end_date=datetime(Y2031, 3, 17).date(),
    )
    section = {
        "external_id": "M1",
        "title": "Monday",
        "weekdays": ["mon"],
        "start_time": "10:00",
        "duration_minutes": 60,
        "headcount": 15,
    }
    r = await run(client, staff, term.json()["id"], [section], apply=True)
    assert r.status_code == 200, r.text
    item = r.json()["items"][0]
    assert item["room"] == "C-1" and item["occurrences"] == 5  # six Mondays, one a holiday
    assert [s["date"] for s in item["skipped"]] == [f"{Y2031}-03-17"]
    days = sorted(b.start.date().isoformat() for b in await Booking.filter(status=Status.confirmed))
    assert f"{Y2031}-03-10" not in days and f"{Y2031}-03-17" not in days and len(days) == 4
