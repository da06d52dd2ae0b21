"""The schedule grid against an oracle computed here from the bookings, the opening hours and
the closures, on both engines, over a week with a DST change (Europe/Berlin, 2031-03-30)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from compax_server.api.schedule import Schedule
from compax_server.db.bookings import Booking
from compax_server.db.users import Role
from compax_server.domain import versions
from compax_server.errors import RuleViolation
from compax_server.services import bookings, buildings, rooms, schedule
from tests.conftest import actor_of, bearer
from tests.dates import Y2031

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(Y2031, 3, 24)  # the week of the spring change (Sunday 2031-03-30)
HOURS = {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")} | {
    "sat": [["10:00", "14:00"]]
}


def local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=BERLIN).astimezone(UTC)


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
async def week(admin, make_user):
    """A building in Berlin with three rooms and a week of bookings and closures."""
    staff = actor_of(admin)
    building = await buildings.create_building(
        staff, code="DST", name="Summer time hall", timezone="Europe/Berlin", opening_hours=HOURS
    )
    other = await buildings.create_building(staff, code="OTH", name="Other", timezone="UTC")
    made = [
        await rooms.create_room(
            staff, code=code, name=f"Room {code}", building_id=building.pk, capacity=cap
        )
        for code, cap in (("D-2", 40), ("D-1", 20), ("D-3", 80))
    ]
    await rooms.create_room(staff, code="O-1", name="Elsewhere", building_id=other.pk, capacity=9)
    alice, bob = await make_user(Role.member), await make_user(Role.member)
    d1, d2, d3 = sorted(made, key=lambda r: r.code)
    plan = [
        (alice, d1, local(MONDAY, 9), local(MONDAY, 11), {}),
        (bob, d1, local(MONDAY, 11), local(MONDAY, 12, 30), {}),
        (bob, d2, local(MONDAY + timedelta(days=5), 10), local(MONDAY + timedelta(days=5), 13), {}),
        (alice, d2, local(MONDAY + timedelta(days=2), 8), local(MONDAY + timedelta(days=2), 9), {}),
        # overlaps the window's start (staff, outside the opening hours)
        (admin, d3, local(MONDAY, 0) - timedelta(hours=2), local(MONDAY, 1), {"override": True}),
        # after the DST change: Monday 31 March 09:00 CEST is outside the week
        (
            alice,
            d3,
            local(MONDAY + timedelta(days=7), 9),
            local(MONDAY + timedelta(days=7), 10),
            {},
        ),
        # Sunday, the day of the change (staff, the building is closed on Sundays)
        (
            admin,
            d3,
            local(MONDAY + timedelta(days=6), 3),
            local(MONDAY + timedelta(days=6), 5),
            {"override": True},
        ),
    ]
    created: list[Booking] = []
    for user, room, start, end, extra in plan:
        made_booking = await bookings.create_booking(
            actor_of(user),
            room_id=room.pk,
            title=f"T{len(created)}",
            start=start,
            end=end,
            **extra,
        )
        created.append(made_booking.booking)
    cancelled = await bookings.create_booking(
        actor_of(bob), room_id=d3.pk, title="gone", start=local(MONDAY, 14), end=local(MONDAY, 15)
    )
    await bookings.cancel_booking(
        actor_of(bob), cancelled.booking.pk, expected=versions.ANY, reason="no"
    )
    created.append(await Booking.get(id=cancelled.booking.pk))
    closure = await buildings.add_closure(
        staff,
        building.pk,
        reason="Works",
        room_id=d2.pk,
        start=local(MONDAY + timedelta(days=3), 12),
        end=local(MONDAY + timedelta(days=3), 16),
    )
    holiday = await buildings.add_closure(
        staff, building.pk, reason="Holiday", start_date=MONDAY + timedelta(days=4)
    )
    return {
        "building": building,
        "rooms": [d1, d2, d3],
        "alice": alice,
        "bob": bob,
        "bookings": created,
        "closures": [
            (closure.closure, d2.pk),
            (holiday.closure, None),
        ],
    }


def oracle_open(days: int) -> list[dict[str, str]]:
    out = []
    for n in range(days):
        day = MONDAY + timedelta(days=n)
        for a, b in HOURS.get(("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()], []):
            ha, ma = map(int, a.split(":"))
            hb, mb = map(int, b.split(":"))
            out.append({"start": iso(local(day, ha, ma)), "end": iso(local(day, hb, mb))})
    return out


def oracle_rooms(world, viewer, start: datetime, end: datetime) -> list[dict]:
    out = []
    for room in world["rooms"]:
        seen = []
        for b in sorted(world["bookings"], key=lambda b: (b.start, b.id)):
            if b.room_id != room.pk or b.status.value not in ("confirmed", "pending"):
                continue
            if not (b.start < end and start < b.end):
                continue
            view = {
                "room_id": room.pk,
                "start": iso(b.start),
                "end": iso(b.end),
                "status": b.status.value,
            }
            if viewer.role != Role.member or b.owner_id == viewer.pk:
                view |= {"id": b.pk, "title": b.title, "owner_id": b.owner_id}
            seen.append(view)
        closures = [
            {"id": c.pk, "start": iso(c.start), "end": iso(c.end), "reason": c.reason}
            for c, room_id in world["closures"]
            if room_id in (None, room.pk) and c.start < end and start < c.end
        ]
        out.append(
            {
                "code": room.code,
                "bookings": seen,
                "closures": sorted(closures, key=lambda c: c["start"]),
            }
        )
    return out


def strip(body: dict) -> list[dict]:
    return [
        {
            "code": r["code"],
            "bookings": [
                {k: v for k, v in b.items() if v is not None and k != "date"} for b in r["bookings"]
            ],
            "closures": r["closures"],
        }
        for r in body["rooms"]
    ]


@pytest.mark.parametrize("viewer", ["alice", "staff"])
async def test_a_week_with_a_dst_change_matches_the_oracle(client, week, admin, viewer):
    who = week["alice"] if viewer == "alice" else admin
    building = week["building"]
    r = await client.get(
        f"/api/v1/buildings/{building.pk}/schedule",
        params={"date": MONDAY.isoformat(), "days": 7},
        headers=bearer(who),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    # written without pydantic: exactly what the declared model would write
    assert Schedule.model_validate(body).model_dump(mode="json", by_alias=True) == body
    start, end = local(MONDAY, 0), local(MONDAY + timedelta(days=7), 0)
    assert end - start == timedelta(hours=167)  # the week lost an hour
    [b] = body["buildings"]
    assert (b["code"], b["timezone"]) == ("DST", "Europe/Berlin")
    assert (b["from"], b["to"]) == (iso(start), iso(end))
    assert b["open"] == oracle_open(7)
    assert [r["code"] for r in body["rooms"]] == ["D-1", "D-2", "D-3"]
    assert strip(body) == oracle_rooms(week, who, start, end)


async def test_one_day_and_a_list_of_rooms(client, week, admin):
    d1, d2, _ = week["rooms"]
    day = MONDAY + timedelta(days=2)
    r = await client.get(
        "/api/v1/schedule",
        params={"room_id": f"{d2.pk},{d1.pk}", "date": day.isoformat()},
        headers=bearer(week["bob"]),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    start, end = local(day, 0), local(day + timedelta(days=1), 0)
    assert [x["code"] for x in body["rooms"]] == ["D-1", "D-2"]
    expected = [x for x in oracle_rooms(week, week["bob"], start, end) if x["code"] != "D-3"]
    assert strip(body) == expected
    assert expected[1]["bookings"] and "title" not in expected[1]["bookings"][0]  # alice's


async def test_a_buildings_grid_of_some_rooms_and_a_list_of_rooms_over_days(client, week, admin):
    """``room_id`` narrows a building's grid; ``days`` reaches the room list's grid too. The
    answer is compact JSON, written without pydantic, under its media type."""
    d1, d2, _ = week["rooms"]
    building = week["building"]
    r = await client.get(
        f"/api/v1/buildings/{building.pk}/schedule",
        params={"date": MONDAY.isoformat(), "days": 2, "room_id": str(d2.pk)},
        headers=bearer(admin),
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.text == json.dumps(r.json(), separators=(",", ":"))
    start, end = local(MONDAY, 0), local(MONDAY + timedelta(days=2), 0)
    assert [x["code"] for x in r.json()["rooms"]] == ["D-2"]
    assert strip(r.json()) == [
        x for x in oracle_rooms(week, admin, start, end) if x["code"] == "D-2"
    ]
    r = await client.get(
        "/api/v1/schedule",
        params={"room_id": f"{d1.pk}", "date": MONDAY.isoformat(), "days": 3},
        headers=bearer(admin),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["days"] == 3
    end = local(MONDAY + timedelta(days=3), 0)
    assert body["buildings"][0]["to"] == iso(end)
    assert strip(body) == [x for x in oracle_rooms(week, admin, start, end) if x["code"] == "D-1"]


async def test_the_limits_are_named(client, week, admin, monkeypatch):
    building = week["building"]
    url = f"/api/v1/buildings/{building.pk}/schedule"
    r = await client.get(url, params={"date": f"{Y2031}-03-24", "days": 8}, headers=bearer(admin))
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/days"

    monkeypatch.setattr(schedule, "MAX_ROOMS", 3)  # the building's three: as many as may be
    r = await client.get(url, params={"date": f"{Y2031}-03-24"}, headers=bearer(admin))
    assert r.status_code == 200, r.text
    ids = ",".join(str(room.pk) for room in week["rooms"])
    r = await client.get(
        "/api/v1/schedule", params={"date": f"{Y2031}-03-24", "room_id": ids}, headers=bearer(admin)
    )
    assert r.status_code == 200, r.text
    monkeypatch.setattr(schedule, "MAX_ROOMS", 2)
    r = await client.get(url, params={"date": f"{Y2031}-03-24"}, headers=bearer(admin))
    assert r.status_code == 422
    detail = "a schedule shows at most 2 rooms, and this building has more; pick some with room_id"
    assert r.json()["detail"] == detail
    assert r.json()["errors"] == [
        {"rule": "max_schedule_rooms", "limit": 2, "pointer": "/room_id", "detail": detail}
    ]
    r = await client.get(
        "/api/v1/schedule", params={"date": f"{Y2031}-03-24", "room_id": ids}, headers=bearer(admin)
    )
    assert r.status_code == 422
    assert r.json()["detail"] == "a schedule shows at most 2 rooms, not 3; pick some with room_id"
    r = await client.get(url, params={"date": "9999-12-31"}, headers=bearer(admin))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "date"
    r = await client.get(
        "/api/v1/schedule",
        params={"date": f"{Y2031}-03-24", "room_id": "999999"},
        headers=bearer(admin),
    )
    assert r.status_code == 404
    r = await client.get(
        "/api/v1/buildings/999999/schedule",
        params={"date": f"{Y2031}-03-24"},
        headers=bearer(admin),
    )
    assert r.status_code == 404


async def test_rooms_that_are_not_there_are_named_up_to_five(client, week, admin):
    d1 = week["rooms"][0]
    url, day = "/api/v1/schedule", f"{Y2031}-03-24"
    r = await client.get(
        url, params={"date": day, "room_id": f"{d1.pk},999999,999998"}, headers=bearer(admin)
    )
    assert r.status_code == 404, r.text
    assert r.json()["detail"] == "2 of the rooms do not exist: 999998, 999999"
    five = ",".join(str(999_990 + i) for i in range(5))
    r = await client.get(url, params={"date": day, "room_id": five}, headers=bearer(admin))
    assert (
        r.json()["detail"] == "5 of the rooms do not exist: 999990, 999991, 999992, 999993, 999994"
    )
    many = ",".join(str(999_990 + i) for i in range(6))
    r = await client.get(url, params={"date": day, "room_id": many}, headers=bearer(admin))
    assert r.status_code == 404, r.text
    assert r.json()["detail"] == (
        "6 of the rooms do not exist: 999990, 999991, 999992, 999993, 999994, ..."
    )


async def test_a_schedule_ends_inside_the_accepted_range(client, week, admin):
    """Its end, the midnight after its last day, is a date in the range: the last day may
    be 2199-12-30, not 2199-12-31 (its next midnight is in 2200)."""
    url = f"/api/v1/buildings/{week['building'].pk}/schedule"
    r = await client.get(url, params={"date": "2199-12-30"}, headers=bearer(admin))
    assert r.status_code == 200, r.text
    r = await client.get(url, params={"date": "2199-12-31"}, headers=bearer(admin))
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "date"
    three = {"date": "2199-12-28", "days": 3}  # 28, 29 and 30 December: the last fits
    assert (await client.get(url, params=three, headers=bearer(admin))).status_code == 200
    three["date"] = "2199-12-29"
    assert (await client.get(url, params=three, headers=bearer(admin))).status_code == 422


async def test_in_process_a_schedule_covers_one_to_seven_days(admin):
    """The API refuses other ``days`` as a 400 on the query; the service says why itself."""
    for days in (0, 8):
        with pytest.raises(RuleViolation) as refused:
            await schedule.schedule(
                actor_of(admin), schedule.GridScope(room_ids=[]), day=MONDAY, days=days
            )
        assert refused.value.detail == "days: a schedule covers 1 to 7 days"
        assert refused.value.extra["errors"] == [
            {
                "rule": "max_schedule_days",
                "limit": 7,
                "pointer": "/days",
                "detail": "at most 7 days",
            }
        ]


async def test_a_building_without_rooms_has_an_empty_schedule(client, admin):
    empty = await buildings.create_building(
        actor_of(admin), code="NEW", name="Not furnished yet", timezone="UTC"
    )
    r = await client.get(
        f"/api/v1/buildings/{empty.pk}/schedule", params={"date": MONDAY.isoformat()},
        headers=bearer(admin),
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert (r.json()["rooms"], r.json()["buildings"]) == ([], [])


async def test_rooms_of_two_zones_each_show_their_own_local_day(client, admin):
    """Rooms in UTC and in Tokyo on one grid: each building's window is its own local day
    (Tokyo's starts nine hours earlier), so a booking inside the grid's span but outside its
    room's day is left out, also one that only touches the day at either end; rooms in code
    order, their buildings in the order first met."""
    staff = actor_of(admin)
    utc = await buildings.create_building(staff, code="UTC", name="Greenwich", timezone="UTC")
    tokyo = await buildings.create_building(staff, code="TYO", name="Tokyo", timezone="Asia/Tokyo")
    a1, a2 = [
        await rooms.create_room(staff, code=code, name=code, building_id=utc.pk, capacity=10)
        for code in ("A-1", "A-2")
    ]
    b1 = await rooms.create_room(staff, code="B-1", name="B-1", building_id=tokyo.pk, capacity=10)
    day = MONDAY
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)

    async def book(room, start_hour: float, hours: float = 1) -> int:
        start = midnight + timedelta(hours=start_hour)
        made = await bookings.create_booking(
            staff, room_id=room.pk, title=f"{room.code} {start_hour}", start=start,
            end=start + timedelta(hours=hours),
        )  # fmt: skip
        return made.booking.pk

    await book(a1, -4)  # 20:00-21:00 the day before: Tokyo's day, not Greenwich's
    await book(a1, -1)  # ends at Greenwich's midnight
    shown_a = await book(a1, 10)
    shown_b = await book(b1, -8)  # 01:00 in Tokyo
    await book(b1, 15)  # starts at Tokyo's midnight after the day
    r = await client.get(
        "/api/v1/schedule",
        params={"room_id": f"{b1.pk},{a2.pk},{a1.pk}", "date": day.isoformat()},
        headers=bearer(admin),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert [b["code"] for b in body["buildings"]] == ["UTC", "TYO"]
    assert [(b["from"], b["to"]) for b in body["buildings"]] == [
        (iso(midnight), iso(midnight + timedelta(days=1))),
        (iso(midnight - timedelta(hours=9)), iso(midnight + timedelta(hours=15))),
    ]
    shown = {x["code"]: [b["id"] for b in x["bookings"]] for x in body["rooms"]}
    assert shown == {"A-1": [shown_a], "A-2": [], "B-1": [shown_b]}
    assert [x["bookable"] for x in body["rooms"]] == [True, True, True]
