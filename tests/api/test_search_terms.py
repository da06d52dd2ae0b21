"""The search through a term (its holidays skipped) and the search's refusals, each named in
full: status, location, pointer and code. Written to kill the mutants of
``services/search.py`` that survived the search tests (docs/testing.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from compax_server.db.terms import Term
from compax_server.services.paging import encode_cursor
from tests.api.test_search import R, find
from tests.conftest import at, bearer
from tests.dates import Y2031

MONDAY = at(0, 0).date()  # Monday 2031-03-03 (moved by whole cycles, tests/dates.py)


def day(weeks: int, days: int = 0) -> str:
    return (MONDAY + timedelta(weeks=weeks, days=days)).isoformat()


async def test_a_search_through_a_term_skips_its_holidays(client, member, staff, make_room, book):
    """Monday 9-10 every week of a four-week term whose first Monday ends a long weekend (a
    holiday that began before the search) and whose third week is a holiday week: a booking
    on those Mondays does not take the room, one on the last Monday does."""
    holiday_room = await make_room(code="T-1")
    taken_room = await make_room(code="T-2")
    await make_room(code="T-3")
    term = await Term.create(
        name="Spring",
        start_date=MONDAY - timedelta(days=3),
        end_date=MONDAY + timedelta(weeks=3, days=4),
        holidays=[
            {"start": day(0, -3), "end": day(0), "name": "Long weekend"},  # Friday to Monday 1
            {"start": day(2, -1), "name": "Sunday"},  # one day, no end: not a Monday
            {"start": day(2), "end": day(2, 4), "name": "Reading week"},
        ],
    )
    await book(staff, holiday_room, at(0, 9), at(0, 10))  # Monday 1: a holiday
    await book(staff, holiday_room, at(14, 9), at(14, 10))  # Monday 3: reading week
    await book(staff, taken_room, at(21, 9), at(21, 10))  # Monday 4: term time
    window = {"free_from": at(0, 9), "free_to": at(0, 10), "sort": "code"}
    body = await find(client, member, term=term.pk, **window)
    assert [r["code"] for r in body["data"]] == ["T-1", "T-3"]
    assert body["occurrences"] == 2  # Mondays 2 and 4; repeat defaults to weekly
    daily = await find(client, member, term=term.pk, repeat="daily", **window)
    # 26 days from Monday 1 to the term's last day, minus 3 + 5 holiday days and the Sunday.
    assert daily["occurrences"] == 26 - 1 - 5 - 1
    assert [r["code"] for r in daily["data"]] == ["T-1", "T-3"]


async def test_a_term_that_does_not_exist_is_a_400_naming_it(client, member, building):
    r = await client.get(
        R,
        params={"free_from": at(0, 9).isoformat(), "free_to": at(0, 10).isoformat(), "term": 999},
        headers=bearer(member),
    )
    assert r.status_code == 400, r.text
    error = r.json()["errors"][0]
    assert (error["location"], error["pointer"], error["code"]) == ("query", "/term", "unknown")
    assert "term 999 does not exist" in error["detail"]


NINE = f"{Y2031}-03-03T09:00:00+00:00"
TEN = f"{Y2031}-03-03T10:00:00+00:00"
AFTER = "must be after free_from"


@pytest.mark.parametrize(
    ("params", "status", "pointer", "code", "words"),
    [
        ({"free_from": NINE}, 400, "/free_to", "missing", "free_from and free_to go together"),
        ({"free_to": TEN}, 400, "/free_from", "missing", "free_from and free_to go together"),
        ({"free_from": TEN, "free_to": NINE}, 400, "/free_to", "invalid_interval", AFTER),
        ({"free_from": NINE, "free_to": NINE}, 400, "/free_to", "invalid_interval", AFTER),
        (
            {"free_from": NINE, "free_to": f"{Y2031}-03-10T09:00:01+00:00"},
            400,
            "/free_to",
            "too_long",
            "a window is at most 7 days long",
        ),
        ({"repeat": "weekly"}, 400, "/repeat", "missing", "needs free_from and free_to"),
        (
            {"free_from": NINE, "free_to": TEN, "repeat": "weekly"},
            400,
            "/until",
            "missing",
            "a recurring search needs until (or term)",
        ),
        (
            {"free_from": NINE, "free_to": TEN, "repeat": "weekly", "until": f"{Y2031}-03-01"},
            400,
            "/until",
            "invalid_interval",
            "is before free_from",
        ),
        (
            {"free_from": NINE, "free_to": TEN, "until": f"{Y2031}-04-01"},
            400,
            "/until",
            "missing",
            "ends a recurring search: add repeat=daily or weekly",
        ),
        ({"until": f"{Y2031}-04-01"}, 400, "/until", "missing", None),
        (
            {"free_from": NINE, "free_to": TEN, "term": 1, "until": f"{Y2031}-04-01"},
            400,
            "/until",
            "invalid",
            "a term search ends with its term: give term or until",
        ),
        ({"free_from": "1899-12-31T09:00:00+00:00", "free_to": TEN}, 422, "/free_from", None, ""),
        ({"free_from": NINE, "free_to": "1900-01-01T10:00:00+00:00"}, 422, "/free_to", None, ""),
        ({"cursor": "not a cursor"}, 400, "/cursor", None, None),
    ],
)
async def test_bad_windows_are_refused_with_the_field_named(
    client, member, building, params: dict[str, Any], status, pointer, code, words
):
    r = await client.get(R, params=params, headers=bearer(member))
    assert r.status_code == status, r.text
    error = r.json()["errors"][0]
    if status == 422:  # the accepted range, named with the field
        assert (error["rule"], error["field"], error["pointer"]) == (
            "time_range",
            pointer[1:],
            pointer,
        )
        assert r.json()["detail"].startswith(f"{pointer[1:]} must lie in the accepted range")
        return
    assert (error["location"], error["pointer"]) == ("query", pointer)
    if code is not None:
        assert error["code"] == code
    if words is not None:
        assert error["detail"] == words


async def test_a_window_of_exactly_seven_days_and_an_until_the_day_before_are_accepted(
    client, member, building
):
    week = await find(client, member, free_from=NINE, free_to=f"{Y2031}-03-10T09:00:00+00:00")
    assert week["occurrences"] == 1
    # until may be the day before free_from's date (a window that starts just after
    # midnight UTC is still on the previous day in zones west of UTC).
    before = date(Y2031, 3, 2).isoformat()
    body = await find(client, member, free_from=NINE, free_to=TEN, repeat="daily", until=before)
    assert body["occurrences"] == 0


async def test_a_cursor_of_another_sort_order_is_a_400(client, member, make_room):
    for i in range(3):
        await make_room(code=f"C-{i}", capacity=10 + i)
    first = await find(client, member, sort="code", limit=1)
    assert first["next_cursor"]
    r = await client.get(
        R, params={"sort": "capacity", "cursor": first["next_cursor"]}, headers=bearer(member)
    )
    assert r.status_code == 400, r.text
    error = r.json()["errors"][0]
    assert (error["location"], error["pointer"]) == ("query", "/cursor")
    assert "another sort order" in error["detail"]
    same = await find(client, member, sort="code", limit=1, cursor=first["next_cursor"])
    assert [r["code"] for r in same["data"]] == ["C-1"]


async def test_a_recurring_search_spans_at_most_732_days_inside_the_accepted_range(
    client, member, building
):
    def weekly(first: datetime, until: date) -> dict[str, str]:
        return {
            "free_from": first.isoformat(),
            "free_to": (first + timedelta(hours=1)).isoformat(),
            "repeat": "weekly",
            "until": until.isoformat(),
        }

    first = at(0, 9)
    longest = await client.get(
        R, params=weekly(first, first.date() + timedelta(days=732)), headers=bearer(member)
    )
    assert longest.status_code == 200, longest.text
    assert longest.json()["occurrences"] == 105  # days 0, 7, ..., 728
    longer = await client.get(
        R, params=weekly(first, first.date() + timedelta(days=733)), headers=bearer(member)
    )
    assert longer.status_code == 422, longer.text
    assert longer.json()["errors"][0] == {
        "rule": "max_search_days",
        "limit": 732,
        "field": "until",
        "pointer": "/until",
        "detail": "a recurring search spans at most 732 days",
    }
    # A search starting inside the accepted range may not repeat past its end.
    late = datetime(2199, 12, 1, 9, tzinfo=UTC)
    past = await client.get(R, params=weekly(late, date(2200, 1, 5)), headers=bearer(member))
    assert past.status_code == 422, past.text
    assert (past.json()["errors"][0]["rule"], past.json()["errors"][0]["field"]) == (
        "time_range",
        "until",
    )


@pytest.mark.parametrize(
    ("sort", "position"),
    [
        ("code", {"code": 5, "id": 1}),  # a code that is no text
        ("capacity", {"capacity": "ten", "code": "A", "id": 1}),
        ("capacity", {"capacity": 10, "code": "A", "id": 2**31}),  # past an int4 id
        ("code", {"code": "A", "id": -1}),
    ],
)
async def test_a_forged_cursor_is_a_400_before_any_query(client, member, building, sort, position):
    r = await client.get(
        R, params={"sort": sort, "cursor": encode_cursor(position)}, headers=bearer(member)
    )
    assert r.status_code == 400, r.text
    error = r.json()["errors"][0]
    assert (error["location"], error["pointer"], error["detail"]) == (
        "query",
        "/cursor",
        "is not a cursor this server issued",
    )
