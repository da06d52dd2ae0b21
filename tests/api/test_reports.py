"""The utilisation report against an oracle that walks every minute of the bookings, the
opening hours and the closures, on both engines, over two weeks with a DST change
(Europe/Berlin, Sunday 2031-03-30) and a building in UTC."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from compax_server.db.bookings import Booking
from compax_server.db.users import Role
from compax_server.domain import versions
from compax_server.services import bookings, buildings, rooms, terms
from tests.conftest import actor_of, bearer
from tests.dates import Y2031

URL = "/api/v1/reports/utilisation"
BERLIN = ZoneInfo("Europe/Berlin")
FIRST, LAST = date(Y2031, 3, 24), date(Y2031, 4, 6)  # Monday to Sunday, two weeks
HOURS = {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")} | {
    "sat": [["10:00", "14:00"]]
}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTE = timedelta(minutes=1)


def local(day: date, hh: int, mm: int = 0, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=tz).astimezone(UTC)


def d(n: int) -> date:
    return FIRST + timedelta(days=n)


@pytest.fixture
async def campus(admin, make_user):
    staff = actor_of(admin)
    berlin = await buildings.create_building(
        staff, code="BER", name="Berlin", timezone="Europe/Berlin", opening_hours=HOURS
    )
    utc = await buildings.create_building(
        staff, code="UTC", name="Greenwich", timezone="UTC", opening_hours=HOURS
    )
    made = {}
    for code, building, cap in (("BER-1", berlin, 20), ("BER-2", berlin, 60), ("UTC-1", utc, 40)):
        made[code] = await rooms.create_room(
            staff, code=code, name=code, building_id=building.pk, capacity=cap
        )
    alice = await make_user(Role.member)
    b1, b2, u1 = made["BER-1"], made["BER-2"], made["UTC-1"]
    utc_zone = ZoneInfo("UTC")
    plan = [
        (alice, b1, local(d(0), 9), local(d(0), 11), {"attendees": 15}),
        (alice, b1, local(d(1), 9, 30), local(d(1), 10, 45), {}),
        (admin, b1, local(d(1), 14), local(d(1), 15), {"attendees": 25, "override": True}),
        (alice, b2, local(d(2), 8), local(d(2), 12), {}),
        (alice, b1, local(d(7), 9), local(d(7), 11), {}),  # after the change: 09 local too
        # the night of the change: 01:00 CET - 04:00 CEST is two real hours
        (admin, b2, local(d(6), 1), local(d(6), 4), {"override": True}),
        # a weekend-long booking (the running sum's hours in between)
        (admin, b1, local(d(4), 18), local(d(7), 8), {"override": True}),
        # straddles the period's end
        (admin, b2, local(LAST, 23), local(LAST + timedelta(days=1), 9), {"override": True}),
        (alice, u1, local(d(0), 9, tz=utc_zone), local(d(0), 11, tz=utc_zone), {}),
        (alice, u1, local(d(8), 15, tz=utc_zone), local(d(8), 19, 30, tz=utc_zone), {}),
    ]
    for user, room, start, end, extra in plan:
        await bookings.create_booking(
            actor_of(user), room_id=room.pk, title="x", start=start, end=end, **extra
        )
    gone = await bookings.create_booking(
        actor_of(alice), room_id=b2.pk, title="gone", start=local(d(3), 9), end=local(d(3), 10)
    )
    await bookings.cancel_booking(actor_of(alice), gone.booking.pk, expected=versions.ANY)
    await buildings.add_closure(
        staff,
        berlin.pk,
        reason="Works",
        room_id=b2.pk,
        start=local(d(3), 12, 30),  # on half and quarter hours: the heatmap's cells split
        end=local(d(3), 15, 45),
    )
    await buildings.add_closure(staff, utc.pk, reason="Holiday", start_date=d(9))
    term = await terms.create_term(
        staff,
        name="Spring",
        start_date=FIRST,
        end_date=LAST,
        holidays=[{"start": d(2).isoformat(), "end": d(2).isoformat(), "name": "Day off"}],
    )
    return {"rooms": made, "zones": {berlin.pk: BERLIN, utc.pk: utc_zone}, "term": term}


def oracle(world, holidays: set[date]):
    """Minute by minute: open and booked seconds per room and per local (weekday, hour)."""
    rows = {}
    open_cells: Counter = Counter()
    booked_cells: Counter = Counter()
    for code, room in world["rooms"].items():
        tz = world["zones"][room.building_id]
        start, end = local(FIRST, 0, tz=tz), local(LAST + timedelta(days=1), 0, tz=tz)
        closures = [
            (c.start, c.end)
            for c in world["closures"]
            if c.building_id == room.building_id and c.room_id in (None, room.pk)
        ]
        open_minutes = 0
        day = FIRST
        while day <= LAST:
            for a, b in HOURS.get(DAYS[day.weekday()], []) if day not in holidays else []:
                t = local(day, int(a[:2]), int(a[3:]), tz)
                stop = local(day, int(b[:2]), int(b[3:]), tz)
                while t < stop:
                    if not any(s <= t < e for s, e in closures):
                        open_minutes += 1
                        lt = t.astimezone(tz)
                        open_cells[(DAYS[lt.weekday()], lt.hour)] += 60
                    t += MINUTE
            day += timedelta(days=1)
        booked = 0
        counts = Counter()
        for b in world["bookings"]:
            if b.room_id != room.pk or not (b.start < end and start < b.end):
                continue
            counts[b.status.value] += 1
            if b.status.value != "confirmed":
                continue
            t = max(b.start, start)
            while t < min(b.end, end):
                booked += 60
                lt = t.astimezone(tz)
                booked_cells[(DAYS[lt.weekday()], lt.hour)] += 60
                t += MINUTE
        given = [
            b.attendees
            for b in world["bookings"]
            if b.room_id == room.pk
            and b.status.value == "confirmed"
            and b.attendees
            and b.start < end
            and start < b.end
        ]
        rows[code] = {
            "seat_fit": round(sum(given) / (len(given) * room.capacity), 4) if given else None,
            "over_capacity": sum(1 for a in given if a > room.capacity),
            "open_hours": round(open_minutes / 60, 3),
            "booked_hours": round(booked / 3600, 3),
            "confirmed": counts["confirmed"],
            "cancelled": counts["cancelled"],
            "pending": counts["pending"],
            "released": counts["released"],
        }
    cells = {
        (w, h): (round(open_cells[(w, h)] / 3600, 3), round(booked_cells[(w, h)] / 3600, 3))
        for w, h in set(open_cells) | set(booked_cells)
        if open_cells[(w, h)] or booked_cells[(w, h)]
    }
    return rows, cells


@pytest.mark.parametrize("by_term", [False, True])
async def test_the_report_matches_the_oracle(client, admin, campus, by_term):
    from compax_server.db.rooms import Closure

    campus["bookings"] = await Booking.all()
    campus["closures"] = await Closure.all()
    params = {"term": campus["term"].pk} if by_term else {"from": FIRST, "to": LAST}
    r = await client.get(URL, params=params, headers=bearer(admin))
    assert r.status_code == 200, r.text
    body = r.json()
    rows, cells = oracle(campus, {d(2)} if by_term else set())
    got = {x["code"]: {k: x[k] for k in next(iter(rows.values()))} for x in body["rooms"]}
    assert got == rows
    assert {
        (c["weekday"], c["hour"]): (c["open_hours"], c["booked_hours"]) for c in body["heatmap"]
    } == cells
    # the lecture at 09:00 local sits in the 9 o'clock row before and after the change
    assert cells[("mon", 9)][1] == 3.0  # BER-1 both Mondays, UTC-1 the first
    total_open = sum(x["open_hours"] for x in rows.values())
    total_booked = sum(x["booked_hours"] for x in rows.values())
    assert body["totals"]["open_hours"] == pytest.approx(total_open, abs=0.01)
    assert body["totals"]["booked_hours"] == pytest.approx(total_booked, abs=0.01)
    assert body["totals"]["cancelled"] == 1
    assert body["holidays_left_out"] == (1 if by_term else 0)
    best = max(
        ((b / o, w, h) for (w, h), (o, b) in cells.items() if o),
        key=lambda x: (x[0], -DAYS.index(x[1]), -x[2]),
    )
    assert (body["peak"]["weekday"], body["peak"]["hour"]) == (best[1], best[2])


async def test_the_report_as_csv_is_its_rooms_or_its_heatmap(client, admin, campus):
    """``Accept: text/csv``: a line per room of the JSON report, or per heatmap cell with
    ``part=heatmap``, each in a file named for what it holds."""
    params = {"from": FIRST, "to": LAST}
    body = (await client.get(URL, params=params, headers=bearer(admin))).json()
    as_csv = bearer(admin) | {"Accept": "text/csv"}
    r = await client.get(URL, params=params, headers=as_csv)
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == 'attachment; filename="utilisation.csv"'
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == len(body["rooms"]) > 0 and len(body["heatmap"]) > 0
    assert [(x["code"], float(x["booked_hours"]), int(x["confirmed"])) for x in rows] == [
        (x["code"], x["booked_hours"], x["confirmed"]) for x in body["rooms"]
    ]
    r = await client.get(URL, params=params | {"part": "heatmap"}, headers=as_csv)
    assert r.headers["content-disposition"] == 'attachment; filename="heatmap.csv"'
    cells = list(csv.DictReader(io.StringIO(r.text)))
    assert [(c["weekday"], int(c["hour"]), float(c["booked_hours"])) for c in cells] == [
        (c["weekday"], c["hour"], c["booked_hours"]) for c in body["heatmap"]
    ]


async def test_scopes_and_limits(client, admin, member, campus):
    ber1 = campus["rooms"]["BER-1"]
    r = await client.get(
        URL,
        params={"from": FIRST, "to": LAST, "building": ber1.building_id},
        headers=bearer(admin),
    )
    assert [x["code"] for x in r.json()["rooms"]] == ["BER-1", "BER-2"]
    r = await client.get(
        URL,
        params={"from": FIRST, "to": LAST, "min_capacity": 30, "max_capacity": 50},
        headers=bearer(admin),
    )
    assert [x["code"] for x in r.json()["rooms"]] == ["UTC-1"]
    r = await client.get(
        URL, params={"from": FIRST, "to": LAST, "room_id": str(ber1.pk)}, headers=bearer(admin)
    )
    assert [x["code"] for x in r.json()["rooms"]] == ["BER-1"]
    r = await client.get(URL, params={"from": FIRST, "to": LAST}, headers=bearer(member))
    assert r.status_code == 403
    r = await client.get(
        URL, params={"from": f"{Y2031}-01-01", "to": f"{Y2031 + 1}-06-01"}, headers=bearer(admin)
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "max_report_days"
    r = await client.get(URL, params={"from": FIRST}, headers=bearer(admin))
    assert r.status_code == 400
    r = await client.get(
        URL, params={"from": FIRST, "to": LAST, "feature": "nope"}, headers=bearer(admin)
    )
    assert r.status_code == 400
    r = await client.get(
        URL,
        params={"from": FIRST, "to": LAST, "part": "heatmap"},
        headers=bearer(admin) | {"Accept": "text/csv"},
    )
    assert r.text.splitlines()[0] == "weekday,hour,open_hours,booked_hours,occupancy"


@pytest.mark.parametrize(
    ("params", "pointer", "detail", "code"),
    [
        ({"from": "FIRST"}, "/to", "give from and to (dates), or a term", "missing"),
        ({"to": "LAST"}, "/from", "give from and to (dates), or a term", "missing"),
        (
            {"from": "LAST", "to": "FIRST"},
            "/to", "must not be before the first day (LAST)", "invalid_interval",
        ),
        (
            {"from": "FIRST", "to": "LAST", "feature": "nope"},
            "/feature", "there is no feature 'nope'", "unknown_feature",
        ),
        (
            {"from": "FIRST", "to": "LAST", "min_capacity": 50, "max_capacity": 10},
            "/max_capacity", "must not be below min_capacity (50)", "invalid_interval",
        ),
    ],
)  # fmt: skip
async def test_a_report_asked_wrong_names_the_parameter(
    client, admin, params, pointer, detail, code
):
    sent = {k: {"FIRST": FIRST, "LAST": LAST}.get(v, v) for k, v in params.items()}
    r = await client.get(URL, params=sent, headers=bearer(admin))
    assert r.status_code == 400, r.text
    [error] = r.json()["errors"]
    detail = detail.replace("LAST", str(LAST))
    assert error == {"location": "query", "pointer": pointer, "detail": detail, "code": code}


async def test_a_report_covers_at_most_366_days_and_a_term_s_dates_may_be_narrowed(
    client, admin, campus
):
    """366 days is the most (a leap year whole); one more is a 422 naming ``to``. A term
    gives the dates unless from or to narrow them, and its holidays are not open time."""
    first = date(Y2031 + 1, 1, 1)  # a leap year
    year = {"from": first, "to": date(Y2031 + 1, 12, 31)}
    assert (await client.get(URL, params=year, headers=bearer(admin))).status_code == 200
    r = await client.get(URL, params=year | {"to": first.replace(year=first.year + 1)},
                         headers=bearer(admin))  # fmt: skip
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "to: a report covers at most 366 days"
    [error] = r.json()["errors"]
    assert (error["rule"], error["limit"], error["pointer"]) == ("max_report_days", 366, "/to")

    term = await terms.create_term(
        actor_of(admin),
        name="Spring, narrowed",
        start_date=FIRST,
        end_date=LAST,
        holidays=[{"start": d(1).isoformat(), "end": d(1).isoformat(), "name": "Off"}],
    )
    whole = (await client.get(URL, params={"term": term.pk}, headers=bearer(admin))).json()
    narrowed = await client.get(
        URL, params={"term": term.pk, "from": d(7).isoformat()}, headers=bearer(admin)
    )
    assert narrowed.status_code == 200, narrowed.text
    by_dates = await client.get(URL, params={"from": d(7), "to": LAST}, headers=bearer(admin))
    assert narrowed.json()["rooms"] == by_dates.json()["rooms"]
    plain = await client.get(URL, params={"from": FIRST, "to": LAST}, headers=bearer(admin))
    ber1 = next(x for x in whole["rooms"] if x["code"] == "BER-1")
    ber1_plain = next(x for x in plain.json()["rooms"] if x["code"] == "BER-1")
    assert ber1["open_hours"] == ber1_plain["open_hours"] - 12  # Tuesday's 08:00-20:00 off
    r = await client.get(URL, params={"term": 999_999}, headers=bearer(admin))
    assert r.status_code == 404, r.text
    assert r.json()["detail"] == "term 999999 does not exist"


async def test_requests_and_refusals_are_counted_and_a_feature_picks_the_rooms(
    client, staff, member, make_room, book
):
    """A room that needs approval: one request waits, one was refused; the report of the
    rooms with a projector counts both (nothing else in the campus tests made either)."""
    asked = await make_room(requires_approval=True, features=["projector"])
    await make_room()  # no projector: not in the report
    waiting = await book(member, asked, local(d(0), 9), local(d(0), 10))
    refused = await book(member, asked, local(d(1), 9), local(d(1), 10))
    assert (waiting.status.value, refused.status.value) == ("pending", "pending")
    r = await client.post(
        f"/api/v1/bookings/{refused.pk}/reject",
        json={"reason": "exam week"},
        headers=bearer(staff) | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    r = await client.get(
        URL, params={"from": FIRST, "to": LAST, "feature": "projector"}, headers=bearer(staff)
    )
    assert r.status_code == 200, r.text
    [row] = r.json()["rooms"]
    assert row["code"] == asked.code
    counts = {k: row[k] for k in ("confirmed", "pending", "cancelled", "rejected", "released")}
    assert counts == {"confirmed": 0, "pending": 1, "cancelled": 0, "rejected": 1, "released": 0}
    assert r.json()["totals"]["pending"] == 1 and r.json()["totals"]["rejected"] == 1


async def test_a_room_never_booked_is_reported_open_and_empty_and_too_many_rooms_are_refused(
    client, staff, make_room, monkeypatch
):
    """An empty room has its open hours and zeros (no totals row of its own); a report
    over more rooms than ``MAX_ROOMS`` is a 422 naming the rule, with exactly as many
    allowed."""
    from compax_server.services import reports

    empty = await make_room()
    r = await client.get(
        URL, params={"from": FIRST, "to": FIRST, "room_id": str(empty.pk)}, headers=bearer(staff)
    )
    assert r.status_code == 200, r.text
    [row] = r.json()["rooms"]
    assert (row["open_hours"], row["booked_hours"], row["utilisation"]) == (24.0, 0.0, 0.0)
    assert (row["confirmed"], row["pending"], row["seat_fit"]) == (0, 0, None)
    await make_room()
    monkeypatch.setattr(reports, "MAX_ROOMS", 2)
    assert (
        await client.get(URL, params={"from": FIRST, "to": FIRST}, headers=bearer(staff))
    ).status_code == 200
    monkeypatch.setattr(reports, "MAX_ROOMS", 1)
    r = await client.get(URL, params={"from": FIRST, "to": FIRST}, headers=bearer(staff))
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "building: narrow the scope"
    assert r.json()["errors"] == [
        {
            "rule": "max_report_rooms",
            "limit": 1,
            "pointer": "/building",
            "detail": "narrow the scope",
        }
    ]


async def test_a_no_show_released_in_the_period_is_counted_and_its_hours_are_not_booked(
    client, admin, campus
):
    """A room requiring check-in: the booking nobody checked in to is released when its
    window closes; the report counts it as released, not confirmed, and books none of its
    hours (its slot was free again)."""
    from compax_server.services import checkin

    ber1, ber2 = campus["rooms"]["BER-1"], campus["rooms"]["BER-2"]
    r = await client.put(
        f"/api/v1/rules/room/{ber1.pk}", json={"requires_checkin": True}, headers=bearer(admin)
    )
    assert r.status_code == 200, r.text
    plain = (
        await client.get(URL, params={"from": FIRST, "to": LAST}, headers=bearer(admin))
    ).json()
    assert await checkin.release_due(local(d(1), 12)) == 2  # d(0) 09-11, d(1) 09:30-10:45
    r = await client.get(URL, params={"from": FIRST, "to": LAST}, headers=bearer(admin))
    body = r.json()
    row = next(x for x in body["rooms"] if x["room_id"] == ber1.pk)
    before = next(x for x in plain["rooms"] if x["room_id"] == ber1.pk)
    assert (row["released"], row["confirmed"]) == (2, before["confirmed"] - 2)
    assert row["booked_hours"] == before["booked_hours"] - 2 - 1.25
    assert body["totals"]["released"] == 2
    assert body["totals"]["confirmed"] == plain["totals"]["confirmed"] - 2
    other = next(x for x in body["rooms"] if x["room_id"] == ber2.pk)
    assert other == next(x for x in plain["rooms"] if x["room_id"] == ber2.pk)


async def test_each_building_and_a_list_of_rooms_match_the_oracle_to_the_period_s_edges(
    client, admin, campus
):
    """A report of one building alone, in a zone behind UTC or ahead of it, still holds the
    hours at both edges of its period (its own local midnights: the first hour of the first
    day, the last of the last), with no building in UTC beside it to widen the period; and
    rooms named by a list of ids are those rooms."""
    from compax_server.db.rooms import Closure

    new_york = ZoneInfo("America/New_York")
    ny = await buildings.create_building(
        actor_of(admin), code="NYC", name="New York", timezone="America/New_York",
        opening_hours=HOURS,
    )  # fmt: skip
    ny1 = await rooms.create_room(
        actor_of(admin), code="NYC-1", name="NYC-1", building_id=ny.pk, capacity=10
    )
    for start, end in (
        (local(FIRST, 0, tz=new_york), local(FIRST, 2, tz=new_york)),  # the first hours
        (local(LAST, 22, 30, tz=new_york), local(LAST + timedelta(days=1), 1, tz=new_york)),
    ):
        await bookings.create_booking(
            actor_of(admin), room_id=ny1.pk, title="edge", start=start, end=end, override=True
        )
    world = {
        "rooms": campus["rooms"] | {"NYC-1": ny1},
        "zones": campus["zones"] | {ny.pk: new_york},
        "bookings": await Booking.all(),
        "closures": await Closure.all(),
    }
    ber1, utc1 = world["rooms"]["BER-1"], world["rooms"]["UTC-1"]
    scopes = [
        ({"building": ny.pk}, ["NYC-1"]),
        ({"building": ber1.building_id}, ["BER-1", "BER-2"]),  # ends 23:00-24:00 CEST
        ({"room_id": f"{ber1.pk},{utc1.pk}"}, ["BER-1", "UTC-1"]),
    ]
    heats = []
    for params, codes in scopes:
        r = await client.get(
            URL, params={"from": FIRST, "to": LAST} | params, headers=bearer(admin)
        )
        assert r.status_code == 200, r.text
        body = r.json()
        rows, cells = oracle(world | {"rooms": {c: world["rooms"][c] for c in codes}}, set())
        assert {x["code"]: {k: x[k] for k in rows[codes[0]]} for x in body["rooms"]} == rows
        heat = {(c["weekday"], c["hour"]): (c["open_hours"], c["booked_hours"])
                for c in body["heatmap"]}  # fmt: skip
        assert heat == cells, params
        heats.append(heat)
    # New York's edges, closed hours booked: its first two and its last hour and a half
    assert [
        heats[0].get((day, h)) for day, h in (("mon", 0), ("mon", 1), ("sun", 22), ("sun", 23))
    ] == [(0.0, 1.0), (0.0, 1.0), (0.0, 0.5), (0.0, 1.0)]
    # Berlin's last hour: the weekend's booking and the one that straddles the period's end
    assert heats[1][("sun", 23)] == (0.0, 2.0)
