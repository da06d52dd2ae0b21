"""Cursor paging (``services/paging.py``) on its own and through one list (users, on both
engines): a cursor is URL-safe and round-trips; a forged one is refused at the exact edges
of what a column holds; the service's limit check gives the same problem the API's does;
a page that ends the list says so. Written to kill the mutants that survived the API tests
(docs/testing.md)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from compax_server.errors import InvalidInput
from compax_server.services.paging import (
    MAX_CURSOR_INT,
    MAX_LIMIT,
    check_limit,
    cursor_int,
    decode_cursor,
    encode_cursor,
)
from tests.conftest import bearer

USERS = "/api/v1/users"
INT_MAX = 2**31 - 1  # the users table's id is an integer column


def refusal(error: pytest.ExceptionInfo[InvalidInput]) -> list[dict[str, Any]]:
    return error.value.errors


@pytest.mark.parametrize(
    "position",
    [
        {"id": 1},  # 8 bytes of JSON: one "=" of padding, stripped
        {"id": 12},  # 9 bytes: none
        {"id": 123},  # 10 bytes: two
        {"start": "2031-03-03T09:00:00+00:00", "code": "A-101", "id": 7},
    ],
)
def test_a_cursor_goes_in_a_url_as_it_is_and_comes_back_whole(position):
    cursor = encode_cursor(position)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor), cursor
    assert decode_cursor(cursor) == position


@pytest.mark.parametrize("value", [MAX_CURSOR_INT, -MAX_CURSOR_INT, 0, "x"])
def test_a_cursor_may_hold_any_value_a_bigint_column_takes(value):
    assert decode_cursor(encode_cursor({"id": value})) == {"id": value}


@pytest.mark.parametrize("value", [MAX_CURSOR_INT + 1, -MAX_CURSOR_INT - 1, 1.5, True, None])
def test_a_cursor_beyond_a_bigint_or_not_a_plain_value_is_refused(value):
    with pytest.raises(InvalidInput) as error:
        decode_cursor(encode_cursor({"id": value}), "since", "header")
    assert refusal(error) == [
        {
            "location": "header",
            "pointer": "/since",
            "detail": "is not a cursor this server issued",
            "code": "invalid",
        }
    ]


def test_a_cursor_integer_is_taken_from_zero_to_the_columns_largest():
    for value in (0, 10):
        assert cursor_int({"id": value}, "id", 10) == value
    for bad in (11, -1, True, "3", None):
        with pytest.raises(InvalidInput):
            cursor_int({"id": bad}, "id", 10)


@pytest.mark.parametrize(
    ("limit", "code"), [(0, "greater_than_equal"), (MAX_LIMIT + 1, "less_than_equal")]
)
async def test_the_services_limit_check_says_what_the_api_says(client, admin, limit, code):
    """``check_limit`` guards the service functions for callers the API's schema does not
    stand in front of: the same location, pointer and code as the API's 400."""
    assert check_limit(1) == 1 and check_limit(MAX_LIMIT) == MAX_LIMIT
    with pytest.raises(InvalidInput) as error:
        check_limit(limit)
    [problem] = refusal(error)
    assert problem == {
        "location": "query",
        "pointer": "/limit",
        "detail": f"must be between 1 and {MAX_LIMIT}",
        "code": code,
    }
    r = await client.get(USERS, params={"limit": limit}, headers=bearer(admin))
    assert r.status_code == 400
    [api] = r.json()["errors"]
    assert {k: api[k] for k in ("location", "pointer", "code")} == {
        k: problem[k] for k in ("location", "pointer", "code")
    }


async def test_a_page_that_ends_the_list_has_no_next_cursor(client, admin, make_user):
    for _ in range(2):
        await make_user()
    everyone = (await client.get(USERS, headers=bearer(admin))).json()["data"]
    assert len(everyone) == 3
    page = (await client.get(USERS, params={"limit": 3}, headers=bearer(admin))).json()
    assert [u["id"] for u in page["data"]] == [u["id"] for u in everyone]
    assert page["next_cursor"] is None  # not a cursor to an empty page
    page = (await client.get(USERS, params={"limit": 2}, headers=bearer(admin))).json()
    assert page["next_cursor"] == encode_cursor({"id": everyone[1]["id"]})


async def test_a_cursor_past_the_id_column_is_refused_before_any_query(client, admin):
    """The bound is the primary key's own (an integer column here): PostgreSQL would
    refuse a larger number in the query itself."""
    r = await client.get(
        USERS, params={"cursor": encode_cursor({"id": INT_MAX})}, headers=bearer(admin)
    )
    assert r.status_code == 200 and r.json() == {"data": [], "next_cursor": None}
    r = await client.get(
        USERS, params={"cursor": encode_cursor({"id": INT_MAX + 1})}, headers=bearer(admin)
    )
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["pointer"] == "/cursor"
