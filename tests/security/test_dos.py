"""Denial of service (issue 12, items 1-3): what a hostile client sends costs it more than it
costs us. Each test pins the bound by sizes and counts, never by a clock."""

from __future__ import annotations

import gzip
import json
from datetime import date

from compax_server.db.terms import Term
from tests.conftest import bearer
from tests.dates import Y2031

PROBLEM = "application/problem+json"
UNKNOWN_KEYS = 400_000


def unknown_keys(n: int = UNKNOWN_KEYS) -> bytes:
    return ("{" + ",".join(f'"k{i}":1' for i in range(n)) + "}").encode()


async def test_unauthenticated_gzip_of_unknown_keys_is_refused_small(client, database):
    """Item 1. ``POST /api/v1/auth/token`` with ``Content-Encoding: gzip`` and
    ``{"k0":1,...,"k399999":1}`` (about 1 MB compressed) blocked a worker for 11.7 s and
    answered 42 MB of errors. Now a login body is small (16 KiB, also once inflated), so the
    inflated body is never parsed: a short 413."""
    body = gzip.compress(unknown_keys())
    r = await client.post(
        "/api/v1/auth/token",
        content=body,
        headers={"content-type": "application/json", "content-encoding": "gzip"},
    )
    assert r.status_code == 413, r.text[:500]
    assert r.headers["content-type"] == PROBLEM
    assert len(r.content) < 1000


async def test_unauthenticated_plain_body_of_unknown_keys_is_refused_small(client, database):
    """Item 1. Without gzip, 1.87 MB of unknown keys took 3.4 s and answered 17 MB."""
    r = await client.post(
        "/api/v1/auth/token",
        content=unknown_keys(150_000),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413
    assert len(r.content) < 1000


async def test_errors_are_bounded_and_counted(client, member):
    """Item 1. An authenticated body of 150 000 unknown keys (gzip inflates it after
    authentication) lists the first 20 and counts the rest; the check stops at the top level
    instead of building an error for every key."""
    r = await client.post(
        "/api/v1/bookings",
        content=gzip.compress(unknown_keys(150_000)),
        headers={
            **bearer(member),
            "content-type": "application/json",
            "content-encoding": "gzip",
        },
    )
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "validation_failed"
    assert len(body["errors"]) == 20
    assert body["errors"][0] == {
        "location": "body",
        "pointer": "/k0",
        "detail": "is not a known field",
        "code": "extra_forbidden",
    }
    assert body["error_count"] == 150_000
    assert len(r.content) < 5000


async def test_authenticated_bodies_inflate_to_the_request_size_limit(client, member):
    """Item 1. Behind authentication, gzip inflated up to 64 MB for every operation: any
    member could make a worker parse 64 MB. Now a body inflates to COMPAX_REQUEST_MAX_SIZE
    (2 MB here), like a plain body; only timetable imports declare more."""
    r = await client.post(
        "/api/v1/bookings",
        content=gzip.compress(unknown_keys()),
        headers={
            **bearer(member),
            "content-type": "application/json",
            "content-encoding": "gzip",
        },
    )
    assert r.status_code == 413
    assert len(r.content) < 1000


async def test_many_field_errors_are_bounded(client, member):
    """Item 1. Many errors of other kinds (here: wrong types in many import items) are
    listed up to 20 as well, with their count."""
    items = [{"external_id": i, "kind": "booking"} for i in range(500)]
    r = await client.post(
        "/api/v1/imports",
        content=json.dumps({"source": "x", "items": items}),
        headers={**bearer(member), "content-type": "application/json"},
    )
    assert r.status_code == 400
    body = r.json()
    assert len(body["errors"]) == 20
    assert body["error_count"] > 20


async def test_a_term_lasts_at_most_two_years(client, staff):
    """Item 2. ``POST /api/v1/terms`` took ``2027-01-01`` to ``9999-12-31``; with a holiday
    covering it, a member's ``?term=<id>&repeat=daily`` search took 16 s and a series 4.6 s.
    Now a term of more than 731 days is a 422 naming the limit, on create and on update (and
    its dates lie in the accepted range of times)."""
    for end, rule, limit in (
        ("2199-12-31", "max_term_days", 731),
        (
            "9999-12-31",
            "time_range",
            {"from": "1970-01-01T00:00:00+00:00", "to": "2200-01-01T00:00:00+00:00"},
        ),
    ):
        r = await client.post(
            "/api/v1/terms",
            json={
                "name": "Forever",
                "start_date": "2027-01-01",
                "end_date": end,
                "holidays": [{"start": "2027-01-02", "end": "2199-12-30"}],
            },
            headers=bearer(staff),
        )
        assert r.status_code == 422, r.text
        error = r.json()["errors"][0]
        assert (error["rule"], error["limit"]) == (rule, limit)
    ok = await client.post(
        "/api/v1/terms",
        json={
            "name": "Two years",
            "start_date": f"{Y2031}-01-01",
            "end_date": f"{Y2031 + 1}-12-31",
        },
        headers=bearer(staff),
    )
    assert ok.status_code == 201, ok.text
    longer = await client.patch(
        f"/api/v1/terms/{ok.json()['id']}",
        json={"end_date": f"{Y2031 + 2}-01-01"},
        headers=bearer(staff) | {"If-Match": "*"},
    )
    assert longer.status_code == 422
    assert (
        longer.json()["errors"][0] | {"rule": "max_term_days", "limit": 731}
        == (longer.json()["errors"][0])
    )


async def test_a_search_through_a_long_term_is_refused_before_the_work(client, member, room):
    """Item 2. A term stored before the bound (here 2031-2100, with a holiday over all of
    it) made ``?term=&repeat=daily`` walk every day of it and expand every holiday date.
    The span of a recurring search is checked first: a 422 naming ``max_search_days``."""
    term = await Term.create(
        name="Old long term",
        start_date=date(Y2031, 3, 1),
        end_date=date(2100, 12, 31),
        holidays=[{"start": f"{Y2031}-03-02", "end": "2100-12-30", "name": "everything"}],
    )
    for params in (
        {"term": term.pk},
        {"repeat": "daily", "until": "9999-12-31"},
        {"repeat": "weekly", "until": f"{Y2031 + 9}-01-01"},
    ):
        r = await client.get(
            "/api/v1/rooms",
            params={
                "free_from": f"{Y2031}-03-03T09:00:00+00:00",
                "free_to": f"{Y2031}-03-03T10:00:00+00:00",
                **params,
            },
            headers=bearer(member),
        )
        assert r.status_code == 422, (params, r.text)
        error = r.json()["errors"][0]
        assert (error["rule"], error["limit"], error["pointer"]) == (
            "max_search_days",
            732,
            "/until",
        )
