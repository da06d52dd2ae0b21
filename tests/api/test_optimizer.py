"""The term room optimizer through the API: full placement where one exists, true reasons
for the unplaced (checked with the room search), applied plans keep the invariants, re-runs
are stable, and the bounds and the one-solve-at-a-time rule answer precisely."""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import random
import threading
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from benchmarks.optimizer_campus import campus, overfull, sections
from compax_server.db.bookings import Booking, Status
from compax_server.db.rooms import Room, RoomFeature
from compax_server.db.series import ImportBatch, Series
from compax_server.domain.optimizer_plan import plan
from compax_server.errors import Forbidden, ServiceUnavailable
from compax_server.services import buildings, optimizer, series
from compax_server.services.actors import Scope
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


async def test_the_weights_sent_are_the_weights_solved_with(client, staff, make_room, term_id):
    """The same sections, placement weighed five times as much: a larger objective (the
    service's test holds the solver to the weights; this one, the API to passing them)."""
    _, items = await generated(make_room, n_rooms=4, n_sections=4)
    plain = await run(client, staff, term_id, items)
    heavier = await run(client, staff, term_id, items, weights={"placement": 5000})
    assert plain.status_code == heavier.status_code == 200, heavier.text
    assert heavier.json()["summary"]["placed"] == plain.json()["summary"]["placed"] > 0
    assert heavier.json()["solver"]["objective"] > plain.json()["solver"]["objective"]


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
    # what the import did with the pair's one series is said on both
    assert out["MA101"]["import_action"] == out["CS101"]["import_action"] == "create"
    assert out["MA101"]["series_id"] == out["CS101"]["series_id"] != out["LAB"]["series_id"]
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


# -- the answer, the facts it reads, and a booking made while it solves (mutation pass) ------

HANG = 60  # seconds: a guard against a hang, never reached when things work


def weekly(external_id: str, day: str, start: str, **extra: Any) -> dict[str, Any]:
    section = {"external_id": external_id, "title": external_id, "weekdays": [day]}
    return section | {"start_time": start, "duration_minutes": 60, "headcount": 10} | extra


def by_id(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["external_id"]: i for i in out["items"]}


async def test_bookings_at_the_terms_edges_in_far_zones_are_in_the_way(
    database, staff, admin, make_room, term_id, book
):
    """The term's days are local: its first Monday at 08:00 on the Line Islands (UTC+14) is
    the Sunday before in UTC, its last Sunday at 20:00 in Honolulu (UTC-10) the Monday
    after. Bookings there are read as in the way, named with what they are."""
    east = await buildings.create_building(
        actor_of(admin), code="KI", name="Line Islands", timezone="Pacific/Kiritimati"
    )
    west = await buildings.create_building(
        actor_of(admin), code="HI", name="Honolulu", timezone="Pacific/Honolulu"
    )
    kiri = await make_room(code="KI-1", building_id=east.pk, features=["east"])
    hono = await make_room(code="HI-1", building_id=west.pk, features=["west"])
    early = await book(
        staff, kiri, datetime(Y2031, 3, 2, 18, tzinfo=UTC), datetime(Y2031, 3, 2, 19, tzinfo=UTC),
        title="Dawn meeting",
    )  # fmt: skip
    late = await book(
        staff, hono, datetime(Y2031, 4, 14, 6, tzinfo=UTC), datetime(Y2031, 4, 14, 7, tzinfo=UTC),
        title="Late talk",
    )  # fmt: skip
    items = [
        weekly("E", "mon", "08:00", features=["east"]),
        weekly("W", "sun", "20:00", features=["west"]),
        weekly("E2", "tue", "08:00", features=["east"]),  # free: placed in its building
    ]
    out = by_id(await optimizer.optimize(actor_of(staff), term_id=term_id, sections=items))
    assert out["E"]["reason"]["code"] == "rooms_taken"
    [(room, taken)] = [(r["room"], r["bookings"]) for r in out["E"]["reason"]["rooms"]]
    assert room == "KI-1" and taken == [
        {"id": early.pk, "title": "Dawn meeting", "start": early.start.isoformat(),
         "status": "confirmed"}
    ]  # fmt: skip
    [(room, taken)] = [(r["room"], r["bookings"]) for r in out["W"]["reason"]["rooms"]]
    assert room == "HI-1" and [b["id"] for b in taken] == [late.pk]
    assert (out["E2"]["room"], out["E2"]["building"], out["E2"]["room_id"]) == (
        "KI-1", "KI", kiri.pk
    )  # fmt: skip


async def test_only_bookable_rooms_within_opening_hours_are_planned(
    database, staff, make_room, building, term_id
):
    await make_room(code="OFF-1", capacity=500, bookable=False)
    await make_room(code="ON-1", capacity=50)
    week = {d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    await buildings.update_building(actor_of(staff), building.pk, opening_hours=week)
    items = [
        weekly("DAY", "mon", "10:00", headcount=40),
        weekly("EVENING", "mon", "19:00"),
        weekly("BIG", "tue", "10:00", headcount=100),  # only the unbookable room is as big
    ]
    out = by_id(await optimizer.optimize(actor_of(staff), term_id=term_id, sections=items))
    assert (out["DAY"]["room"], out["DAY"]["building"]) == ("ON-1", building.code)
    assert out["EVENING"]["reason"]["code"] == "outside_opening_hours"
    assert out["BIG"]["reason"]["code"] == "no_room_fits"


class Gate:
    """The solver, held after it has decided until the test lets it answer."""

    def __init__(self) -> None:
        self.solved = threading.Event()
        self.go = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = plan(*args, **kwargs)
        self.solved.set()
        self.go.wait(HANG)
        return result


@pytest.mark.parametrize("atomic", [True, False])
async def test_a_booking_made_while_the_solver_runs_is_a_conflict_not_a_double_booking(
    client, staff, member, make_room, term_id, book, monkeypatch, atomic
):
    """The facts are read before the solve, the bookings re-checked when the plan is
    applied: all or nothing refuses the whole plan (409, nothing booked); otherwise the
    section in the way is reported a conflict, with the booking, and the rest is booked
    (under the ``source`` asked for)."""
    room = await make_room(code="R-1")
    gate = Gate()
    monkeypatch.setattr(optimizer, "plan", gate)
    items = [weekly("MON", "mon", "09:00"), weekly("TUE", "tue", "09:00")]
    solving = asyncio.ensure_future(
        run(client, staff, term_id, items, apply=True, atomic=atomic, source="timetable-opt")
    )
    try:
        assert await asyncio.to_thread(gate.solved.wait, HANG)
        second_monday = datetime(Y2031, 3, 10, 8, tzinfo=UTC)  # 09:00 in Berlin
        meanwhile = await book(member, room, second_monday, second_monday.replace(hour=9))
    finally:
        gate.go.set()
    r = await solving
    if atomic:
        assert r.status_code == 409, r.text
        assert await Booking.filter(status=Status.confirmed).count() == 1  # the member's
        return
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["applied"], out["source"]) == (True, "timetable-opt")
    mon, tue = by_id(out)["MON"], by_id(out)["TUE"]
    assert mon["import_action"] == "conflict" and mon.get("series_id") is None
    assert meanwhile.pk in {c["id"] for c in mon["conflicts"]}, mon["conflicts"]
    assert tue["import_action"] == "create" and isinstance(tue["series_id"], int)
    assert await Booking.filter(status=Status.confirmed, series_id=tue["series_id"]).count() == 6
    await check_invariants(out["items"])


async def test_the_answer_reports_the_solver_and_a_busy_solver_says_when_to_retry(
    database, staff, make_room, term_id, monkeypatch
):
    await make_room()
    monkeypatch.setattr(optimizer, "clock", SimpleNamespace(monotonic=lambda: 1000.0))
    one = [weekly("A", "mon", "09:00")]
    out = await optimizer.optimize(actor_of(staff), term_id=term_id, sections=one, time_limit=7)
    assert (out["term_id"], out["source"], out["applied"]) == (term_id, "optimizer", False)
    assert out["import_id"] == (await ImportBatch.all().order_by("-id").first()).pk
    assert set(out["solver"]) == {
        "engine", "status", "objective", "bound", "gap", "greedy_objective",
        "start_objective", "parts", "solved_parts", "prepare_seconds", "solve_seconds",
        "import_seconds", "notes",
    }  # fmt: skip
    assert out["solver"]["engine"] == "cp-sat"
    assert out["solver"]["import_seconds"] == 0.0  # the clock stood still
    assert out["solver"]["parts"] == 1
    heavier = await optimizer.optimize(
        actor_of(staff), term_id=term_id, sections=one, weights={"placement": 5000}
    )
    assert heavier["solver"]["objective"] > out["solver"]["objective"]  # the weights count
    assert optimizer._solving.acquire(blocking=False)
    try:
        with pytest.raises(ServiceUnavailable) as busy:
            await optimizer.optimize(actor_of(staff), term_id=term_id, sections=one)
        assert str(busy.value) == (
            "Another optimizer run is solving in this process; retry when it is done."
        )
        assert busy.value.extra["retry_after"] == 35  # the last solve began at 1000 with 30 s + 5
        monkeypatch.setattr(optimizer, "_busy_until", [900.0])  # it should have ended
        with pytest.raises(ServiceUnavailable) as overdue:
            await optimizer.optimize(actor_of(staff), term_id=term_id, sections=one)
        assert overdue.value.extra["retry_after"] == 1
    finally:
        optimizer._solving.release()


async def test_without_the_solver_installed_the_answer_says_how_to_install_it(
    database, staff, make_room, term_id, monkeypatch
):
    await make_room()
    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ortools" else found(name, *a)
    )
    with pytest.raises(ServiceUnavailable) as missing:
        await optimizer.optimize(
            actor_of(staff), term_id=term_id, sections=[weekly("A", "mon", "09:00")]
        )
    assert str(missing.value) == (
        "The optimizer's solver is not installed on this server: pip install 'compax[optimizer]'."
    )
    assert missing.value.extra["retry_after"] == 3600


async def test_the_optimizer_needs_the_import_scope_and_an_existing_term(
    client, staff, make_room, term_id
):
    await make_room()
    writer = replace(actor_of(staff), api_key_id=1, scopes=frozenset({Scope.read, Scope.write}))
    with pytest.raises(Forbidden, match="lacks the 'import' scope"):
        await optimizer.optimize(writer, term_id=term_id, sections=[weekly("A", "mon", "09:00")])
    r = await run(client, staff, 999_999, [weekly("A", "mon", "09:00")])
    refused_field(r, "/term_id", "term 999999 does not exist", "not_found")


async def test_another_sources_series_with_the_same_id_stays_in_the_way(
    database, staff, make_room, term_id
):
    """Only this source's own sections are moved by a re-run: the registrar's series "A" is
    a booking in the way of the optimizer's section "A", not a section to move; the same
    series as the optimizer's own is its section A, kept in its room."""
    room = await make_room(code="R-1")
    theirs = await series.create_series(
        actor_of(staff),
        room_id=room.pk,
        title="Registrar's A",
        start_date=datetime(Y2031, 3, 3).date(),
        start_time="09:00",
        duration_minutes=60,
        recurrence_rule={"freq": "weekly", "until": f"{Y2031}-04-13"},
    )
    # as another source's import writes it: the same external id, not the optimizer's source
    await Series.filter(id=theirs.series.pk).update(source="registrar", external_id="A")
    out = by_id(
        await optimizer.optimize(
            actor_of(staff), term_id=term_id, sections=[weekly("A", "mon", "09:00")]
        )
    )
    assert out["A"]["action"] == "unplaced" and out["A"]["reason"]["code"] == "rooms_taken"
    [entry] = out["A"]["reason"]["rooms"]
    assert {b["title"] for b in entry["bookings"]} == {"Registrar's A"}
    # the source decides, not the id: the same series as the optimizer's own is its section
    await Series.filter(id=theirs.series.pk).update(source=optimizer.DEFAULT_SOURCE)
    out = by_id(
        await optimizer.optimize(
            actor_of(staff), term_id=term_id, sections=[weekly("A", "mon", "09:00")]
        )
    )
    assert (out["A"]["action"], out["A"]["room"]) == ("placed", "R-1")
    assert out["A"]["preferences"]["kept_room"] and out["A"]["import_action"] == "update"


async def test_a_rerun_sees_every_booking_past_its_own_sections(
    database, staff, make_room, term_id, book
):
    """The source's own section "A" (Mondays from 3 March) is left out of what is in the way;
    a talk on a later Tuesday, read after it, still is."""
    room = await make_room(code="R-1")
    await optimizer.optimize(
        actor_of(staff), term_id=term_id, sections=[weekly("A", "mon", "09:00")], apply=True
    )
    talk = datetime(Y2031, 3, 11, 9, tzinfo=UTC)  # over 11:00 in the building's zone
    await book(staff, room, talk, talk + timedelta(hours=3), title="Talk")
    sections = [weekly("A", "mon", "09:00"), weekly("C", "tue", "11:00")]
    out = by_id(await optimizer.optimize(actor_of(staff), term_id=term_id, sections=sections))
    assert (out["A"]["action"], out["A"]["room"]) == ("placed", "R-1")
    assert out["C"]["action"] == "unplaced" and out["C"]["reason"]["code"] == "rooms_taken"
    [entry] = out["C"]["reason"]["rooms"]
    assert {b["title"] for b in entry["bookings"]} == {"Talk"}
