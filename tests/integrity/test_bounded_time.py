"""Bounded time (integrity issue, items 1 and 2): every accepted window is inside
1970-2200 and no longer than the configured maximum (staff: 366 days with override), checked
before anything walks it; and whatever a room ever held, its overlap checks stay exact."""

from __future__ import annotations

import time

import pytest
from tortoise.exceptions import IntegrityError

from compax_server import db
from compax_server.db import sql
from compax_server.db.bookings import Booking, Status
from compax_server.services import buildings
from tests.conftest import actor_of, bearer, refused_field, series_body
from tests.dates import Y2031

BK = "/api/v1/bookings"


def body(room, start, end, **extra):
    return {"room_id": room.pk, "title": "Seminar", "start": start, "end": end, **extra}


async def test_a_booking_of_millennia_is_refused_naming_the_limit(client, member, room):
    """Repro: as a member, 2030-01-01 to 9999-01-01 was a 201 and then blinded the overlap
    check of the room (SQLite) or was a 500 (PostgreSQL, over 68 years)."""
    r = await client.post(
        BK,
        json=body(room, f"{Y2031 - 1}-01-01T00:00:00Z", "9999-01-01T00:00:00Z"),
        headers=bearer(member),
    )
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "rule_violation"
    assert problem["errors"][0]["rule"] == "time_range"
    assert "1970-01-01 to 2200-01-01" in problem["detail"]
    assert await Booking.all().count() == 0


async def test_the_configured_maximum_binds_members_and_staff_may_override(
    client, member, staff, room
):
    start, end = f"{Y2031}-03-03T09:00:00Z", f"{Y2031}-04-03T09:00:00Z"  # 31 days
    r = await client.post(BK, json=body(room, start, end), headers=bearer(member))
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "max_booking_length"
    assert r.json()["errors"][0]["limit"] == 14 * 24
    r = await client.post(BK, json=body(room, start, end, override=True), headers=bearer(staff))
    assert r.status_code == 201, r.text


async def test_a_move_by_one_end_alone_is_bounded_the_same_way(client, member, staff, room):
    """Moving only the start or only the end checks the window the booking would have:
    the end after the start, the configured maximum, and staff's override of it."""
    r = await client.post(
        BK,
        json=body(room, f"{Y2031}-03-03T09:00:00Z", f"{Y2031}-03-03T10:00:00Z"),
        headers=bearer(member),
    )
    url, first = f"{BK}/{r.json()['id']}", {"If-Match": '"1"'}
    month_later = {"end": f"{Y2031}-04-03T09:00:00Z"}
    r = await client.patch(url, json=month_later, headers=bearer(member) | first)
    assert (r.status_code, r.json()["errors"][0]["rule"]) == (422, "max_booking_length"), r.text
    r = await client.patch(url, json=month_later, headers=bearer(staff) | first)
    assert r.status_code == 422, r.text
    for alone in ({"start": f"{Y2031}-03-03T11:00:00Z"}, {"end": f"{Y2031}-03-03T08:00:00Z"}):
        r = await client.patch(url, json=alone, headers=bearer(member) | first)
        refused_field(r, "/end", "must be after start", "invalid_interval")
    stored = await Booking.get(id=int(url.rsplit("/", 1)[1]))
    assert (stored.version, stored.end.isoformat()) == (1, f"{Y2031}-03-03T10:00:00+00:00")
    r = await client.patch(
        url, json=month_later | {"override": True}, headers=bearer(staff) | first
    )
    assert r.status_code == 200, r.text
    assert r.json()["end"] == f"{Y2031}-04-03T09:00:00Z"


async def test_a_series_starting_outside_the_range_is_refused_naming_the_field(client, staff, room):
    r = await client.post(
        "/api/v1/series", json=series_body(room, start_date="2300-03-04"), headers=bearer(staff)
    )
    assert r.status_code == 422, r.text
    (problem,) = r.json()["errors"]
    assert (problem["rule"], problem["field"], problem["pointer"]) == (
        "time_range",
        "start_date",
        "/start_date",
    )
    assert r.json()["detail"].startswith("start_date must lie in the accepted range")
    assert await Booking.all().count() == 0


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        # an added or excluded date is a date like the start: in the range
        ({"added_dates": ["9999-12-31"]}, "/added_dates"),
        ({"added_dates": ["0001-01-01"]}, "/added_dates"),
        ({"excluded_dates": ["2300-01-01"]}, "/excluded_dates"),
        # a count (or an interval) carries the dates past the range's end
        (
            {"start_date": "2199-06-01", "recurrence": {"freq": "monthly", "count": 12}},
            "/recurrence",
        ),
        # the last occurrence ends past it
        (
            {
                "start_date": "2199-12-31",
                "start_time": "23:00",
                "duration_minutes": 180,
                "recurrence": {"freq": "daily", "count": 1},
            },
            "/recurrence",
        ),
    ],
)
async def test_no_occurrence_of_a_series_lies_outside_the_range(
    client, staff, room, fields, pointer
):
    """Repro: added dates 9999-12-31 and 0001-01-01 were booked (year 9999 and year 1), and a
    monthly series of 12 from 2199-06-01 booked into 2200."""
    r = await client.post("/api/v1/series", json=series_body(room) | fields, headers=bearer(staff))
    assert r.status_code == 422, r.text
    (problem,) = r.json()["errors"]
    assert (problem["rule"], problem["pointer"]) == ("time_range", pointer)
    assert "1970-01-01 to 2200-01-01" in r.json()["detail"]
    assert await Booking.all().count() == 0


async def test_a_date_added_to_a_series_lies_in_the_range(client, staff, room):
    made = await client.post("/api/v1/series", json=series_body(room), headers=bearer(staff))
    assert made.status_code == 201, made.text
    path = f"/api/v1/series/{made.json()['id']}/dates"
    for day in ("9999-12-31", "0001-01-01", "2200-01-01"):
        r = await client.post(path, json={"date": day}, headers=bearer(staff) | {"If-Match": "*"})
        assert r.status_code == 422, (day, r.text)
        assert r.json()["errors"][0]["pointer"] == "/date"
    assert await Booking.all().count() == 4


async def test_nobody_books_past_the_hard_cap(client, staff, room):
    r = await client.post(
        BK,
        json=body(room, f"{Y2031}-01-01T00:00:00Z", f"{Y2031 + 1}-01-03T00:00:00Z", override=True),
        headers=bearer(staff),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "max_booking_length_hard"
    assert r.json()["errors"][0]["limit"] == 366 * 24


async def test_year_edges_with_offsets_are_a_clear_4xx(client, member, room):
    for start, end in [
        ("0001-01-01T00:00:00+01:00", "0001-01-01T01:00:00+01:00"),
        ("9999-12-31T22:00:00-01:00", "9999-12-31T23:00:00-01:00"),
        ("1969-12-31T23:00:00Z", "1970-01-01T01:00:00Z"),
    ]:
        r = await client.post(BK, json=body(room, start, end), headers=bearer(member))
        assert r.status_code == 422, (start, r.text)
        assert r.json()["errors"][0]["rule"] == "time_range"
    assert await Booking.all().count() == 0


async def test_a_long_window_in_a_building_with_hours_is_refused_before_any_walk(
    client, admin, member, building, room
):
    """Repro: a 1,000-year booking in a building with opening hours walked the hours day by
    day for 9 s inside the write transaction before any length check."""
    await buildings.update_building(
        actor_of(admin),
        building.pk,
        opening_hours={"mon": [["08:00", "20:00"]]},
    )
    began = time.process_time()
    r = await client.post(
        BK,
        json=body(room, f"{Y2031}-01-06T09:00:00Z", "2199-01-06T10:00:00Z"),
        headers=bearer(member),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "max_booking_length"
    # Not a timing assertion: the work done is bounded, so this is far below a second.
    assert time.process_time() - began < 5


async def test_a_room_that_once_held_a_huge_booking_keeps_exact_overlap_checks(
    client, member, room
):
    """A booking written before the limits existed (or by hand-written SQL) spans
    millennia. The room's overlap checks (service, database, search) must still see every
    booking: two confirmed bookings of 2031-05-05 10:00-11:00 are never both accepted."""
    async with db.transaction():
        await sql.execute(
            """INSERT INTO bookings (room_id, owner_id, title, description, "start", "end",
                   status, reason, version, created_at, updated_at)
               VALUES (?, ?, 'legacy', '', ?, ?, 'cancelled', '', 1, ?, ?)""",
            room.pk,
            member.pk,
            _t(f"{Y2031 - 1}-01-01T00:00:00+00:00"),
            _t("9999-01-01T00:00:00+00:00"),
            _t("2026-01-01T00:00:00+00:00"),
            _t("2026-01-01T00:00:00+00:00"),
        )
    slot = body(room, f"{Y2031}-05-05T10:00:00Z", f"{Y2031}-05-05T11:00:00Z")
    first = await client.post(BK, json=slot, headers=bearer(member))
    assert first.status_code == 201, first.text
    second = await client.post(BK, json=slot, headers=bearer(member))
    assert second.status_code == 409, second.text
    assert second.json()["conflicts"][0]["id"] == first.json()["id"]
    confirmed = await Booking.filter(room_id=room.pk, status=Status.confirmed).count()
    assert confirmed == 1
    # Search and availability see it too.
    r = await client.get(
        "/api/v1/rooms",
        params={"free_from": f"{Y2031}-05-05T10:30:00Z", "free_to": f"{Y2031}-05-05T10:45:00Z"},
        headers=bearer(member),
    )
    assert room.pk not in [x["id"] for x in r.json()["data"]]
    r = await client.get(
        f"/api/v1/rooms/{room.pk}/availability",
        params={"from": f"{Y2031}-05-05T00:00:00Z", "to": f"{Y2031}-05-06T00:00:00Z"},
        headers=bearer(member),
    )
    busy = [b for b in r.json()["busy"] if b.get("booking_id") == first.json()["id"]]
    assert busy, r.json()


async def test_the_database_itself_refuses_the_overlap_after_a_huge_booking(member, room):
    """The trigger (SQLite) and the exclusion constraint (PostgreSQL) stay exact too."""
    await _legacy_millennia_then_a_lecture(room.pk, member.pk)
    with pytest.raises(IntegrityError) as refused:
        async with db.transaction():
            await _insert(
                room.pk,
                member.pk,
                f"{Y2031}-05-05T10:30:00+00:00",
                f"{Y2031}-05-05T11:30:00+00:00",
                "confirmed",
            )
    assert db.is_overlap_violation(refused.value)


def _t(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


async def _legacy_millennia_then_a_lecture(room_id: int, owner_id: int) -> None:
    """Straight into the table (as a legacy row would be): a cancelled booking lasting to
    the year 9999, then a confirmed lecture on 2031-05-05 10:00-11:00 in the same room."""
    async with db.transaction():
        await _insert(
            room_id,
            owner_id,
            f"{Y2031 - 1}-01-01T00:00:00+00:00",
            "9999-01-01T00:00:00+00:00",
            "cancelled",
        )
        await _insert(
            room_id,
            owner_id,
            f"{Y2031}-05-05T10:00:00+00:00",
            f"{Y2031}-05-05T11:00:00+00:00",
            "confirmed",
        )


async def _insert(room_id: int, owner_id: int, start: str, end: str, status: str) -> None:
    now = _t("2026-01-01T00:00:00+00:00")
    await sql.execute(
        """INSERT INTO bookings (room_id, owner_id, title, description, "start", "end",
               status, reason, version, created_at, updated_at)
           VALUES (?, ?, 't', '', ?, ?, ?, '', 1, ?, ?)""",
        room_id,
        owner_id,
        _t(start),
        _t(end),
        status,
        now,
        now,
    )


async def test_list_filters_at_the_ends_of_the_calendar_are_answered(client, staff, building):
    """An offset that pushes a filter past year 1 or 9999 was a 500 (``astimezone``
    overflowed) on /bookings and the closures list; it is an exact bound."""
    for path in ("/api/v1/bookings", f"/api/v1/buildings/{building.pk}/closures"):
        for params in (
            {"from": "0001-01-01T00:30:00+01:00"},
            {"to": "9999-12-31T23:30:00-01:00"},
        ):
            r = await client.get(path, params=params, headers=bearer(staff))
            assert r.status_code == 200, (path, params, r.text)


async def test_an_import_sees_the_booking_in_its_way_after_a_huge_one(client, staff, member, room):
    """The import's lookup of what is in its way is bounded like every other one, and stays
    exact after a legacy booking of millennia."""
    await _legacy_millennia_then_a_lecture(room.pk, member.pk)
    item = {
        "external_id": "E1",
        "kind": "booking",
        "room": room.code,
        "title": "Exam",
        "start": f"{Y2031}-05-05T10:30:00Z",
        "end": f"{Y2031}-05-05T11:30:00Z",
    }
    r = await client.post(
        "/api/v1/imports", json={"source": "sis", "items": [item]}, headers=bearer(staff)
    )
    assert r.status_code == 201, r.text
    assert r.json()["items"][0]["action"] == "conflict"


async def test_a_series_retimed_past_the_range_is_refused_and_left_as_it_was(client, staff, room):
    body = series_body(room, {"freq": "daily", "count": 1}, start_date="2199-12-31")
    made = await client.post("/api/v1/series", json=body, headers=bearer(staff))
    assert made.status_code == 201, made.text
    before = await Booking.get(id=made.json()["booking_ids"][0])
    r = await client.patch(
        f"/api/v1/series/{made.json()['id']}",
        json={"start_time": "23:00", "duration_minutes": 180},  # ends 2200-01-01 01:00 UTC
        headers=bearer(staff) | {"If-Match": "*"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["pointer"] == "/recurrence"
    after = await Booking.get(id=before.pk)
    assert (after.start, after.end, after.version) == (before.start, before.end, before.version)


async def test_an_imported_series_running_past_the_range_is_an_invalid_item(client, staff, room):
    item = {
        "external_id": "far",
        "kind": "series",
        "room": room.code,
        "title": "Far",
        "start_date": "2199-06-01",
        "start_time": "09:00",
        "duration_minutes": 60,
        "recurrence": {"freq": "monthly", "count": 12},
    }
    r = await client.post(
        "/api/v1/imports", json={"source": "sis", "items": [item]}, headers=bearer(staff)
    )
    assert r.status_code == 201, r.text
    (planned,) = r.json()["items"]
    assert (planned["action"], planned["errors"]) == (
        "invalid",
        [
            {
                "field": "recurrence",
                "detail": "the series would have an occurrence on 2200-01-01, outside the "
                "accepted range, 1970-01-01 to 2200-01-01 (UTC)",
            }
        ],
    )
