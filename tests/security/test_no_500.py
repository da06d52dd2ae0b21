"""No 500s (issue 12, item 14): hostile input gets a precise 4xx problem, on both engines.
NUL characters matter on PostgreSQL (text cannot hold them), so every test here runs on
PostgreSQL too when ``COMPAX_TEST_POSTGRES_URL`` is set."""

from __future__ import annotations

import base64
import json

import pytest

from tests.conftest import bearer
from tests.dates import Y2031

PROBLEM = "application/problem+json"
NUL = "\x00"


def problem(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["code"] == code
    return body


def nul_error(r, location: str, pointer: str) -> None:
    body = problem(r, 400, "validation_failed")
    assert body["errors"] == [
        {
            "location": location,
            "pointer": pointer,
            "detail": "must not contain NUL characters (U+0000)",
            "code": "nul",
        }
    ]


async def test_nul_in_the_login_email_is_400(client, member):
    """Item 14. ``POST /api/v1/auth/token {"email": "a\\u0000@b.c", "password": "x"}``,
    unauthenticated, was a 500 on PostgreSQL; so was the OAuth2 form with ``%00``."""
    r = await client.post("/api/v1/auth/token", json={"email": f"a{NUL}@b.c", "password": "x"})
    nul_error(r, "body", "/email")
    r = await client.post("/api/v1/auth/token", data={"username": f"a{NUL}@b.c", "password": "x"})
    nul_error(r, "body", "/username")


async def test_nul_in_booking_title_and_description_is_400(client, member, room):
    """Item 14. ``POST /api/v1/bookings`` with a NUL in ``title`` or ``description``."""
    booking = {
        "room_id": room.pk,
        "title": "Lecture",
        "start": f"{Y2031}-03-03T09:00:00+00:00",
        "end": f"{Y2031}-03-03T10:00:00+00:00",
    }
    for field in ("title", "description"):
        r = await client.post(
            "/api/v1/bookings", json=booking | {field: f"x{NUL}y"}, headers=bearer(member)
        )
        nul_error(r, "body", f"/{field}")


async def test_nul_in_full_name_and_search_text_is_400(client, admin, member):
    """Item 14. ``PATCH /api/v1/me {"full_name": "x\\u0000"}`` (and the admin's
    ``PATCH /api/v1/users/{id}``), ``GET /api/v1/rooms?q=%00``."""
    r = await client.patch("/api/v1/me", json={"full_name": f"x{NUL}"}, headers=bearer(member))
    nul_error(r, "body", "/full_name")
    r = await client.patch(
        f"/api/v1/users/{member.pk}", json={"full_name": f"x{NUL}"}, headers=bearer(admin)
    )
    nul_error(r, "body", "/full_name")
    r = await client.get("/api/v1/rooms", params={"q": f"B1{NUL}"}, headers=bearer(member))
    nul_error(r, "query", "/q")


async def test_nul_in_import_items_is_400(client, staff, room):
    """Item 14. ``POST /api/v1/imports`` with a NUL in an item's title."""
    item = {
        "external_id": "e1",
        "kind": "booking",
        "room": room.code,
        "title": f"Algebra{NUL}",
        "start": f"{Y2031}-03-03T09:00:00+00:00",
        "end": f"{Y2031}-03-03T10:00:00+00:00",
    }
    r = await client.post(
        "/api/v1/imports", json={"source": "sis", "items": [item]}, headers=bearer(staff)
    )
    nul_error(r, "body", "/items/0/title")


EDGES = [
    ("0001-01-01T00:00:00+01:00", "0001-01-01T01:00:00+01:00"),
    ("9999-12-31T22:00:00-05:00", "9999-12-31T23:00:00-05:00"),
    ("0001-01-01T00:00:00+00:00", "0001-01-01T01:00:00+00:00"),
]


@pytest.mark.parametrize(("start", "end"), EDGES)
async def test_years_1_and_9999_in_search_and_availability_are_4xx(
    client, member, room, start, end
):
    """Item 14. ``GET /api/v1/rooms?free_from=0001-01-01T00:00:00+01:00&free_to=...`` and
    ``GET /api/v1/rooms/{id}/availability?from=9999-12-31T22:00:00-05:00&to=...``: the
    conversion to UTC overflowed (a 500). Now a 422 naming the accepted range."""
    for path, params in (
        ("/api/v1/rooms", {"free_from": start, "free_to": end}),
        ("/api/v1/rooms", {"free_from": start, "free_to": end, "explain": "true"}),
        (f"/api/v1/rooms/{room.pk}/availability", {"from": start, "to": end}),
    ):
        r = await client.get(path, params=params, headers=bearer(member))
        body = problem(r, 422, "rule_violation")
        assert body["errors"][0]["rule"] == "time_range"


async def test_a_recurring_search_at_the_edge_of_the_range_is_4xx(client, member, room):
    """Item 14. A daily search ending at ``until=9999-12-31`` from late 9999, or at
    ``until=0001-01-01``."""
    for free_from, until in (
        ("9999-12-30T09:00:00+00:00", "9999-12-31"),
        (f"{Y2031}-03-03T09:00:00+00:00", "0001-01-01"),
    ):
        r = await client.get(
            "/api/v1/rooms",
            params={
                "free_from": free_from,
                "free_to": free_from.replace("T09", "T10"),
                "repeat": "daily",
                "until": until,
            },
            headers=bearer(member),
        )
        assert 400 <= r.status_code < 500, r.text


def cursor(value: object) -> str:
    raw = json.dumps(value) if not isinstance(value, str) else value
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "position",
    ['{"id": 1e30}', '{"id": 1000000000000000000000000000000}', '{"id": true}', '{"id": [1]}'],
)
async def test_forged_id_cursors_are_400(client, admin, position):
    """Item 14. ``GET /api/v1/users?cursor=<base64 of {"id":1e30}>`` and
    ``GET /api/v1/changes?since=...``: a number no column can hold went to the database."""
    r = await client.get(
        "/api/v1/users", params={"cursor": cursor(position)}, headers=bearer(admin)
    )
    assert problem(r, 400, "validation_failed")["errors"][0]["pointer"] == "/cursor"
    r = await client.get(
        "/api/v1/changes", params={"since": cursor(position)}, headers=bearer(admin)
    )
    assert problem(r, 400, "validation_failed")["errors"][0]["pointer"] == "/since"


@pytest.mark.parametrize(
    "position",
    [
        {"capacity": {"a": 1}, "code": "B1", "id": 1},
        {"capacity": 30, "code": 5, "id": 1},
        {"capacity": "30", "code": "B1", "id": 1},
        {"capacity": 30, "code": ["B1"], "id": 1},
        {"capacity": 30, "code": "B1", "id": 2**40},
        {"capacity": 1e30, "code": "B1", "id": 1},
    ],
)
async def test_forged_room_search_cursors_are_400(client, member, room, position):
    """Item 14. ``GET /api/v1/rooms?cursor=`` with an object, a list or a number of the
    wrong type in the keyset position."""
    r = await client.get(
        "/api/v1/rooms", params={"cursor": cursor(position)}, headers=bearer(member)
    )
    assert problem(r, 400, "validation_failed")["errors"][0]["pointer"] == "/cursor"
