"""The free-room search and availability, checked against a brute-force oracle."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from compax_server.db.bookings import Booking, Status
from compax_server.db.rooms import Building, Closure, Feature, Room, RoomFeature
from compax_server.services import buildings, search
from tests.conftest import actor_of, at, bearer
from tests.dates import Y2031

R = "/api/v1/rooms"


async def find(client, user, **params):
    r = await client.get(
        R,
        params={
            k: (v.isoformat() if isinstance(v, datetime | date) else v) for k, v in params.items()
        },
        headers=bearer(user),
    )
    assert r.status_code == 200, r.text
    return r.json()


async def test_filters_and_best_fit_order(client, member, make_room):
    await make_room(code="A-1", capacity=80, features=["projector"])
    await make_room(code="A-2", capacity=30, features=["projector", "whiteboard"])
    await make_room(code="A-3", capacity=30, features=["whiteboard"], name="Seminar room")
    await make_room(code="A-4", capacity=10, features=["projector"])
    body = await find(client, member, min_capacity=25, features="projector")
    assert [r["code"] for r in body["data"]] == ["A-2", "A-1"]
    assert body["data"][0]["features"] == ["projector", "whiteboard"]
    assert [r["code"] for r in (await find(client, member, q="seminar"))["data"]] == ["A-3"]
    assert [r["code"] for r in (await find(client, member, sort="code", limit=2))["data"]] == [
        "A-1",
        "A-2",
    ]


async def test_paging_walks_every_room_once(client, member, make_room):
    for i in range(7):
        await make_room(code=f"P-{i}", capacity=10 + i % 3)
    seen, cursor = [], None
    while True:
        body = await find(client, member, limit=3, **({"cursor": cursor} if cursor else {}))
        seen += [r["code"] for r in body["data"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == [f"P-{i}" for i in range(7)] and len(seen) == len(set(seen))


async def test_a_window_keeps_only_free_rooms(client, member, staff, make_room, book, building):
    busy = await make_room(code="F-1")
    touching = await make_room(code="F-2")
    pending_room = await make_room(code="F-3", requires_approval=True)
    cancelled = await make_room(code="F-4")
    closed = await make_room(code="F-5")
    free = await make_room(code="F-6")
    await book(staff, busy, at(0, 10), at(0, 11))
    await book(staff, touching, at(0, 8), at(0, 9))  # ends exactly when the window starts
    await book(member, pending_room, at(0, 9), at(0, 10))  # a pending request blocks too
    b = await book(staff, cancelled, at(0, 9), at(0, 10))
    await Booking.filter(id=b.pk).update(status=Status.cancelled)
    await buildings.add_closure(
        actor_of(staff),
        building.pk,
        reason="paint",
        room_id=closed.pk,
        start=at(0, 9, 30),
        end=at(0, 9, 45),
    )
    body = await find(client, member, free_from=at(0, 9), free_to=at(0, 10, 30), sort="code")
    assert [r["code"] for r in body["data"]] == [touching.code, cancelled.code, free.code]
    assert body["occurrences"] == 1


async def test_explain_lists_near_misses_with_reasons(
    client, member, staff, make_room, book, building
):
    room = await make_room(code="E-1")
    other = await make_room(code="E-2")
    theirs = await book(staff, room, at(0, 10), at(0, 11))
    await buildings.add_closure(
        actor_of(staff), building.pk, reason="exam", room_id=other.pk, start=at(0, 9), end=at(0, 12)
    )
    body = await find(client, member, free_from=at(0, 9), free_to=at(0, 12), explain="true")
    assert body["data"] == []
    reasons = {r["code"]: r["reasons"] for r in body["unavailable"]}
    assert reasons["E-1"][0]["type"] == "booking"
    assert reasons["E-1"][0]["booking_id"] is None  # a member does not see others' booking ids
    assert reasons["E-2"][0] == reasons["E-2"][0] | {"type": "closure", "detail": "exam"}
    staff_body = await find(client, staff, free_from=at(0, 9), free_to=at(0, 12), explain="true")
    staff_reasons = {r["code"]: r["reasons"] for r in staff_body["unavailable"]}
    assert staff_reasons["E-1"][0]["booking_id"] == theirs.pk


async def test_opening_hours_decide_in_the_buildings_zone(
    client, member, staff, make_room, building
):
    await buildings.update_building(
        actor_of(staff), building.pk, opening_hours={"mon": [["08:00", "18:00"]]}
    )
    await make_room(code="H-1")
    inside = await find(client, member, free_from=at(0, 7), free_to=at(0, 16))  # 08-17 Berlin
    assert [r["code"] for r in inside["data"]] == ["H-1"]
    outside = await find(client, member, free_from=at(0, 16), free_to=at(0, 18), explain="true")
    assert outside["data"] == []
    assert outside["unavailable"][0]["reasons"][0]["type"] == "outside_opening_hours"


async def test_weekly_search_keeps_local_time_across_dst(
    client, member, staff, make_room, building
):
    """Tuesdays 10:00-12:00 in Berlin from March into April 2031 (DST starts 30 March): the
    occurrences move from 09:00-11:00Z to 08:00-10:00Z: after the change a booking at
    10:00-11:00Z is not in the way, one at 08:00-09:00Z is ("fake UTC" would get both wrong)."""
    a = await make_room(code="W-1")
    b = await make_room(code="W-2")
    first = datetime(Y2031, 3, 4, 9, tzinfo=UTC)  # Tue 10:00 CET
    after_change = datetime(Y2031, 4, 8, tzinfo=UTC)  # Tue after the change
    await Booking.create(
        room_id=a.pk,
        owner_id=staff.pk,
        title="x",
        start=after_change.replace(hour=10),
        end=after_change.replace(hour=11),
        status=Status.confirmed,
    )
    await Booking.create(
        room_id=b.pk,
        owner_id=staff.pk,
        title="x",
        start=after_change.replace(hour=8),
        end=after_change.replace(hour=9),
        status=Status.confirmed,
    )
    body = await find(
        client,
        member,
        free_from=first,
        free_to=first + timedelta(hours=2),
        repeat="weekly",
        until=f"{Y2031}-04-15",
        explain="true",
    )
    assert body["occurrences"] == 7
    assert [r["code"] for r in body["data"]] == ["W-1"]
    assert body["unavailable"][0]["code"] == "W-2"
    assert body["unavailable"][0]["blocked_occurrences"] == 1


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"free_from": f"{Y2031}-03-03T09:00:00+00:00"}, "/free_to"),
        (
            {"free_from": f"{Y2031}-03-03T09:00:00", "free_to": f"{Y2031}-03-03T10:00:00"},
            "/free_from",
        ),
        (
            {
                "free_from": f"{Y2031}-03-03T10:00:00+00:00",
                "free_to": f"{Y2031}-03-03T09:00:00+00:00",
            },
            "/free_to",
        ),
        (
            {
                "free_from": f"{Y2031}-03-03T09:00:00+00:00",
                "free_to": f"{Y2031}-03-03T10:00:00+00:00",
                "repeat": "weekly",
            },
            "/until",
        ),
        ({"features": "teleporter"}, "/features"),
        ({"building": "NOPE"}, "/building"),
        ({"sort": "random"}, "/sort"),
        ({"min_capacity": "-3"}, "/min_capacity"),
    ],
)
async def test_bad_search_parameters_are_400(client, member, building, params, pointer):
    r = await client.get(R, params=params, headers=bearer(member))
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["pointer"] == pointer


@pytest.mark.parametrize(
    ("until", "rule", "limit"),
    [
        (f"{Y2031 + 4}-01-01", "max_search_days", 732),
        (f"{Y2031 + 1}-07-01", "max_search_occurrences", 400),
    ],
)
async def test_recurring_searches_are_bounded_with_a_422_naming_the_limit(
    client, member, building, until, rule, limit
):
    r = await client.get(
        R,
        params={
            "free_from": f"{Y2031}-03-03T09:00:00+00:00",
            "free_to": f"{Y2031}-03-03T10:00:00+00:00",
            "repeat": "daily",
            "until": until,
        },
        headers=bearer(member),
    )
    assert r.status_code == 422, r.text
    error = r.json()["errors"][0]
    assert (error["rule"], error["limit"], error["pointer"]) == (rule, limit, "/until")


async def test_availability_shows_busy_and_free_within_opening_hours(
    client, member, staff, make_room, book, building
):
    await buildings.update_building(
        actor_of(staff), building.pk, opening_hours={"mon": [["08:00", "18:00"]]}
    )
    room = await make_room()
    mine = await book(member, room, at(0, 9), at(0, 10))
    await book(staff, room, at(0, 12), at(0, 13))
    r = await client.get(
        f"{R}/{room.pk}/availability",
        params={"from": at(0, 0).isoformat(), "to": at(1, 0).isoformat()},
        headers=bearer(member),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(b["start"], b["end"], b["booking_id"]) for b in body["busy"]] == [
        (f"{Y2031}-03-03T09:00:00Z", f"{Y2031}-03-03T10:00:00Z", mine.pk),
        (f"{Y2031}-03-03T12:00:00Z", f"{Y2031}-03-03T13:00:00Z", None),
    ]
    assert [(f["start"], f["end"]) for f in body["free"]] == [
        (f"{Y2031}-03-03T07:00:00Z", f"{Y2031}-03-03T09:00:00Z"),
        (f"{Y2031}-03-03T10:00:00Z", f"{Y2031}-03-03T12:00:00Z"),
        (f"{Y2031}-03-03T13:00:00Z", f"{Y2031}-03-03T17:00:00Z"),
    ]
    too_long = await client.get(
        f"{R}/{room.pk}/availability",
        params={"from": at(0, 0).isoformat(), "to": at(90, 0).isoformat()},
        headers=bearer(member),
    )
    assert too_long.status_code == 400


async def test_a_booking_is_seen_by_the_next_search_at_once(client, member, staff, make_room, book):
    room = await make_room(code="RYW-1")
    window = {"free_from": at(0, 9), "free_to": at(0, 10)}
    assert [r["code"] for r in (await find(client, member, **window))["data"]] == ["RYW-1"]
    assert [r["code"] for r in (await find(client, member, **window))["data"]] == [
        "RYW-1"
    ]  # cached
    await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.pk,
            "title": "x",
            "start": at(0, 9).isoformat(),
            "end": at(0, 10).isoformat(),
        },
        headers=bearer(staff),
    )
    assert (await find(client, member, **window))["data"] == []


async def test_search_answers_when_the_cache_is_down(client, member, make_room, settings):
    from compax_server import runtime
    from compax_server.cache import Cache

    await make_room(code="DOWN-1")
    runtime.configure(
        settings.model_copy(update={"result_cache": True}), Cache("redis://127.0.0.1:1/0")
    )
    assert [r["code"] for r in (await find(client, member))["data"]] == ["DOWN-1"]


# -- the oracle --------------------------------------------------------------------------------

ZONES = ["Europe/Berlin", "America/New_York", "UTC"]
FEATURES = ["projector", "whiteboard", "computers", "wheelchair-access"]
EPOCH = datetime(Y2031, 3, 24, tzinfo=UTC)  # the week before Europe's DST change


def overlaps(s1, e1, s2, e2):
    return s1 < e2 and s2 < e1


WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def open_every_minute(opening, tz, start, end) -> bool:
    """The oracle of opening hours, sharing no code with the server's: every minute of
    ``[start, end)`` lies, on the building's wall clock, inside one of that weekday's spans
    (``"24:00"`` is the end of the day; ``None``: always open)."""
    if opening is None:
        return True

    def minutes(hhmm: str) -> int:
        h, m = hhmm.split(":")
        return int(h) * 60 + int(m)

    moment = start
    while moment < end:
        local = moment.astimezone(tz)
        minute = local.hour * 60 + local.minute
        spans = opening.get(WEEKDAY_NAMES[local.weekday()], [])
        if not any(minutes(a) <= minute < minutes(b) for a, b in spans):
            return False
        moment += timedelta(minutes=1)
    return True


class World:
    """Random rooms, bookings and closures, kept in Python as well as in the database."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.buildings: list[Building] = []
        self.rooms: list[dict] = []
        self.bookings: list[dict] = []
        self.closures: list[dict] = []

    async def build(self, owner_id: int) -> None:
        rng = self.rng
        for code in FEATURES:
            await Feature.get_or_create(code=code, defaults={"name": code})
        features = {f.code: f for f in await Feature.all()}
        for i, zone in enumerate(ZONES):
            hours_ = rng.choice(
                [None, {d: [["07:00", "21:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}]
            )
            b = await Building.create(
                code=f"OB{i}", name=f"B{i}", timezone=zone, opening_hours=hours_
            )
            self.buildings.append(b)
        for i in range(24):
            b = rng.choice(self.buildings)
            feats = sorted(rng.sample(FEATURES, rng.randint(0, 3)))
            room = await Room.create(
                code=f"O-{i:02d}",
                name=f"Room {i}",
                building=b,
                capacity=rng.choice([10, 20, 30, 40, 80]),
                bookable=rng.random() > 0.1,
            )
            for code in feats:
                await RoomFeature.create(room=room, feature=features[code])
            self.rooms.append(
                {
                    "id": room.pk,
                    "code": room.code,
                    "name": room.name,
                    "capacity": room.capacity,
                    "features": set(feats),
                    "building": b,
                    "bookable": room.bookable,
                }
            )
        for room in self.rooms:
            for _ in range(rng.randint(0, 14)):
                start = EPOCH + timedelta(minutes=30 * rng.randint(0, 2 * 24 * 14))
                length = timedelta(minutes=30 * rng.choice([1, 2, 3, 4, 6, 48, 96]))
                status = rng.choice(
                    [
                        Status.confirmed,
                        Status.confirmed,
                        Status.pending,
                        Status.cancelled,
                        Status.rejected,
                    ]
                )
                end = start + length
                if status == Status.confirmed and any(
                    o["room_id"] == room["id"]
                    and o["status"] == Status.confirmed
                    and overlaps(start, end, o["start"], o["end"])
                    for o in self.bookings
                ):
                    status = Status.pending
                await Booking.create(
                    room_id=room["id"],
                    owner_id=owner_id,
                    title="t",
                    start=start,
                    end=end,
                    status=status,
                )
                self.bookings.append(
                    {"room_id": room["id"], "start": start, "end": end, "status": status}
                )
        for _ in range(5):
            b = rng.choice(self.buildings)
            start = EPOCH + timedelta(hours=rng.randint(0, 24 * 14))
            end = start + timedelta(hours=rng.choice([2, 8, 30]))
            in_building = [r for r in self.rooms if r["building"].pk == b.pk]
            room_id = rng.choice([None, *[r["id"] for r in in_building]]) if in_building else None
            await Closure.create(building=b, room_id=room_id, start=start, end=end, reason="c")
            self.closures.append(
                {"building_id": b.pk, "room_id": room_id, "start": start, "end": end}
            )

    def windows_for(
        self, room: dict, first: tuple[datetime, datetime], until: date | None
    ) -> list[tuple[datetime, datetime]]:
        if until is None:
            return [first]
        tz = ZoneInfo(room["building"].timezone)
        local_s, local_e = first[0].astimezone(tz), first[1].astimezone(tz)
        out, day = [], local_s.date()
        while day <= until:
            s = datetime.combine(day, local_s.time().replace(tzinfo=None), tzinfo=tz)
            e = datetime.combine(
                day + (local_e.date() - local_s.date()),
                local_e.time().replace(tzinfo=None),
                tzinfo=tz,
            )
            out.append((s.astimezone(UTC), e.astimezone(UTC)))
            day += timedelta(days=7)
        return out

    def free(self, room: dict, windows: list[tuple[datetime, datetime]]) -> bool:
        if not room["bookable"]:
            return False
        b = room["building"]
        tz = ZoneInfo(b.timezone)
        for s, e in windows:
            if not open_every_minute(b.opening_hours, tz, s, e):
                return False
            for bk in self.bookings:
                if (
                    bk["room_id"] == room["id"]
                    and bk["status"] in (Status.confirmed, Status.pending)
                    and overlaps(s, e, bk["start"], bk["end"])
                ):
                    return False
            for c in self.closures:
                if (
                    c["building_id"] == b.pk
                    and c["room_id"] in (None, room["id"])
                    and overlaps(s, e, c["start"], c["end"])
                ):
                    return False
        return True

    def expected(self, min_capacity, features, first, until):
        rooms = [
            r
            for r in self.rooms
            if (min_capacity is None or r["capacity"] >= min_capacity)
            and set(features) <= r["features"]
            and (first is None or self.free(r, self.windows_for(r, first, until)))
        ]
        return [r["code"] for r in sorted(rooms, key=lambda r: (r["capacity"], r["code"], r["id"]))]

    def random_window(self) -> tuple[datetime, datetime]:
        rng = self.rng
        if self.bookings and rng.random() < 0.5:  # exactly at a booking's edges
            bk = rng.choice(self.bookings)
            if rng.random() < 0.5:
                return bk["end"], bk["end"] + timedelta(minutes=30 * rng.randint(1, 4))
            return bk["start"] - timedelta(minutes=30 * rng.randint(1, 4)), bk["start"]
        start = EPOCH + timedelta(minutes=30 * rng.randint(0, 2 * 24 * 12))
        return start, start + timedelta(minutes=30 * rng.randint(1, 6))


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_search_equals_the_brute_force_oracle(database, admin, seed):
    rng = random.Random(seed)
    world = World(rng)
    await world.build(owner_id=admin.pk)
    actor = actor_of(admin)
    for _ in range(40):
        min_capacity = rng.choice([None, 20, 30])
        features = rng.sample(FEATURES, rng.choice([0, 0, 1, 2]))
        first = None if rng.random() < 0.1 else world.random_window()
        until = None
        if first is not None and rng.random() < 0.3:  # weekly, across the DST changes
            until = (first[0] + timedelta(days=7 * rng.randint(1, 3))).date()
        criteria = search.Criteria(
            min_capacity=min_capacity,
            features=features,
            limit=200,
            free_from=first[0] if first else None,
            free_to=first[1] if first else None,
            repeat="weekly" if until else None,
            until=until,
        )
        found = await search.search_rooms(actor, criteria)
        got = [r["code"] for r in found.rooms]
        assert got == world.expected(min_capacity, features, first, until), (criteria, got)
