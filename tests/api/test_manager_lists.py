"""Lists that fit managers: bookings of a building or of several rooms, and CSV answers of
the list endpoints (``Accept: text/csv``), paged like the JSON ones."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest

from compax_server.services import buildings, rooms
from tests.conftest import actor_of, at, bearer
from tests.dates import Y2031

BK = "/api/v1/bookings"
CSV = {"Accept": "text/csv"}


@pytest.fixture
async def two_buildings(admin, make_room, building, book, member):
    other = await buildings.create_building(
        actor_of(admin), code="B2", name="Other", timezone="UTC"
    )
    a, b = await make_room(), await make_room()
    c = await rooms.create_room(
        actor_of(admin), code="B2-1", name="x", building_id=other.pk, capacity=10
    )
    made = {
        "a": await book(member, a, at(0, 9), at(0, 10), title="=cmd|' /C calc'!A0"),
        "b": await book(admin, b, at(0, 10), at(0, 11), title="Staff meeting"),
        "c": await book(member, c, at(0, 11), at(0, 12), title="Elsewhere"),
    }
    return {"rooms": (a, b, c), "bookings": made, "building": building}


async def test_bookings_of_a_building_and_of_several_rooms(client, admin, member, two_buildings):
    a, b, c = two_buildings["rooms"]
    made = two_buildings["bookings"]
    building = two_buildings["building"]
    r = await client.get(BK, params={"building_id": building.pk}, headers=bearer(admin))
    assert r.status_code == 200, r.text
    assert [x["id"] for x in r.json()["data"]] == [made["a"].pk, made["b"].pk]
    r = await client.get(BK, params={"room_id": f"{c.pk},{a.pk}"}, headers=bearer(admin))
    assert [x["id"] for x in r.json()["data"]] == [made["a"].pk, made["c"].pk]
    r = await client.get(BK, params={"room_id": str(b.pk)}, headers=bearer(admin))
    assert [x["id"] for x in r.json()["data"]] == [made["b"].pk]
    # members still see only their own
    r = await client.get(BK, params={"building_id": building.pk}, headers=bearer(member))
    assert [x["id"] for x in r.json()["data"]] == [made["a"].pk]
    r = await client.get(BK, params={"room_id": "1,x"}, headers=bearer(admin))
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/room_id"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
async def test_bookings_as_csv_are_paged_and_safe_in_spreadsheets(client, admin, two_buildings):
    made = two_buildings["bookings"]
    r = await client.get(BK, params={"limit": 2}, headers=bearer(admin) | CSV)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="bookings.csv"'
    # a booking's columns, without the free text and the list a spreadsheet cannot hold
    assert r.text.splitlines()[0].split(",") == [
        *("id", "room_id", "owner_id", "title", "start", "end", "status", "reason"),
        *("attendees", "series_id", "source", "external_id", "version", "created_by_id"),
        *("created_at", "updated_at", "checked_in_at", "timezone", "local_start", "local_end"),
    ]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [int(x["id"]) for x in rows] == [made["a"].pk, made["b"].pk]
    assert rows[0]["title"] == "'=cmd|' /C calc'!A0"  # not a formula
    assert rows[0]["start"] == f"{Y2031}-03-03T09:00:00Z"
    assert rows[0]["local_start"] == f"{Y2031}-03-03T10:00:00+01:00"
    assert rows[0]["timezone"] == "Europe/Berlin"
    cursor = r.headers["x-next-cursor"]
    assert 'rel="next"' in r.headers["link"] and "limit=2" in r.headers["link"]
    r = await client.get(BK, params={"limit": 2, "cursor": cursor}, headers=bearer(admin) | CSV)
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [int(x["id"]) for x in rows] == [made["c"].pk]
    assert "x-next-cursor" not in r.headers
    # JSON when JSON is preferred
    r = await client.get(BK, headers=bearer(admin) | {"Accept": "application/json, text/csv;q=0.5"})
    assert r.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
async def test_rooms_and_audit_events_as_csv(client, admin, two_buildings):
    r = await client.get("/api/v1/rooms", params={"sort": "code"}, headers=bearer(admin) | CSV)
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == 'attachment; filename="rooms.csv"'
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [x["code"] for x in rows] == ["B1-101", "B1-102", "B2-1"]
    assert rows[0]["building_code"] == "B1" and rows[0]["capacity"] == "30"
    # a page at a time, as the JSON: the next page's cursor in a header and a link
    params = {"sort": "code", "limit": "2"}
    r = await client.get("/api/v1/rooms", params=params, headers=bearer(admin) | CSV)
    assert [x["code"] for x in csv.DictReader(io.StringIO(r.text))] == ["B1-101", "B1-102"]
    cursor = r.headers["x-next-cursor"]
    assert r.headers["link"] == (
        f'</api/v1/rooms?{urlencode(params | {"cursor": cursor})}>; rel="next"'
    )
    r = await client.get(r.headers["link"][1:].partition(">")[0], headers=bearer(admin) | CSV)
    assert [x["code"] for x in csv.DictReader(io.StringIO(r.text))] == ["B2-1"]
    assert "x-next-cursor" not in r.headers
    r = await client.get("/api/v1/audit-events", headers=bearer(admin) | CSV)
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert "booking.create" in {x["action"] for x in rows}
