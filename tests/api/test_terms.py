"""Terms (semesters): their dates and holidays as staff enter them, each mistake a 400 or
422 naming the field with nothing written, a name once per campus, every change audited
whole; new holidays over a series that skips holidays, past and future."""

from __future__ import annotations

from typing import Any

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.terms import Term
from tests.conftest import at, bearer, version_of
from tests.dates import Y2031

T = "/api/v1/terms"
SPRING = {"name": "Spring", "start_date": f"{Y2031}-03-01", "end_date": f"{Y2031}-06-30"}


async def make_term(client, staff, **body: Any) -> dict[str, Any]:
    r = await client.post(T, json=SPRING | body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_term_keeps_its_holidays_in_order_and_is_audited_whole(client, staff):
    """Holidays come back sorted by their first day, a one-day holiday with its end filled
    in and an unnamed one with an empty name; the audit record is the term as stored."""
    holidays = [
        {"start": f"{Y2031}-05-25", "end": f"{Y2031}-05-29", "name": "Whitsun"},
        {"start": f"{Y2031}-03-11", "name": "Founders' day"},
        {"start": f"{Y2031}-04-01"},
    ]
    made = await make_term(client, staff, campus="North", holidays=holidays)
    stored = [
        {"start": f"{Y2031}-03-11", "end": f"{Y2031}-03-11", "name": "Founders' day"},
        {"start": f"{Y2031}-04-01", "end": f"{Y2031}-04-01", "name": ""},
        {"start": f"{Y2031}-05-25", "end": f"{Y2031}-05-29", "name": "Whitsun"},
    ]
    assert made["holidays"] == stored
    assert (made["campus"], made["version"]) == ("North", 1)
    r = await client.get(f"{T}/{made['id']}", headers=bearer(staff))
    assert r.json() == made
    event = await AuditEvent.get(action="term.create")
    assert (event.entity_type, event.entity_id, event.actor_user_id) == (
        "term",
        made["id"],
        staff.pk,
    )
    assert event.after == {
        "name": "Spring",
        "campus": "North",
        "start_date": f"{Y2031}-03-01",
        "end_date": f"{Y2031}-06-30",
        "holidays": stored,
    }


@pytest.mark.parametrize(
    ("body", "pointer", "detail", "code"),
    [
        (
            {"holidays": [{"start": f"{Y2031}-04-02", "end": f"{Y2031}-04-01"}]},
            "/holidays/0/end", "is before start", "invalid_interval",
        ),
        (
            {"holidays": [{"start": f"{Y2031}-04-01"}, {"start": f"{Y2031}-02-28"}]},
            "/holidays/1", "lies outside the term", "outside_term",
        ),
        (
            {"holidays": [{"start": f"{Y2031}-06-30", "end": f"{Y2031}-07-01"}]},
            "/holidays/0", "lies outside the term", "outside_term",
        ),
        ({"end_date": f"{Y2031}-02-28"}, "/end_date", "is before start_date", "invalid_interval"),
    ],
)  # fmt: skip
async def test_a_term_entered_wrong_is_refused_naming_the_field(
    client, staff, body, pointer, detail, code
):
    r = await client.post(T, json=SPRING | body, headers=bearer(staff))
    assert r.status_code == 400, r.text
    [error] = r.json()["errors"]
    assert error == {"location": "body", "pointer": pointer, "detail": detail, "code": code}
    assert not await Term.exists()
    assert not await AuditEvent.filter(entity_type="term").exists()


async def test_a_term_lasts_at_most_two_years(client, staff):
    """731 days (two years with a leap day) is the most; a day more is a 422 with the rule,
    its limit and the term's own length."""
    first = f"{Y2031 + 1}-01-01"  # 2032 is a leap year
    r = await client.post(
        T,
        json={"name": "Long", "start_date": first, "end_date": f"{Y2031 + 3}-01-01"},
        headers=bearer(staff),
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == (
        "end_date: a term lasts at most 731 days (two years); this one has 732"
    )
    [error] = r.json()["errors"]
    assert (error["rule"], error["limit"], error["field"]) == ("max_term_days", 731, "end_date")
    assert not await Term.exists()
    ok = await client.post(
        T,
        json={"name": "Long", "start_date": first, "end_date": f"{Y2031 + 2}-12-31"},
        headers=bearer(staff),
    )
    assert ok.status_code == 201, ok.text


async def test_a_name_is_taken_once_per_campus(client, staff):
    spring = await make_term(client, staff, campus="North")
    again = await client.post(T, json=SPRING | {"campus": "North"}, headers=bearer(staff))
    assert again.status_code == 409, again.text
    assert again.json()["detail"] == "a term 'Spring' already exists for this campus"
    south = await make_term(client, staff, campus="South")
    h = bearer(staff) | {"If-Match": f'"{south["version"]}"'}
    r = await client.patch(f"{T}/{south['id']}", json={"campus": "North"}, headers=h)
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == "a term with that name already exists for this campus"
    assert (await Term.get(id=south["id"])).campus == "South"
    assert (await Term.get(id=spring["id"])).version == 1


async def test_a_change_is_checked_like_a_new_term_and_audited_before_and_after(client, staff):
    """Moving the end before a holiday is refused like a new term's holiday outside it; a
    change of dates keeps the holidays; the audit record holds both versions whole."""
    made = await make_term(client, staff, holidays=[{"start": f"{Y2031}-06-15"}])
    path, h = f"{T}/{made['id']}", bearer(staff) | {"If-Match": f'"{made["version"]}"'}
    r = await client.patch(path, json={"end_date": f"{Y2031}-06-10"}, headers=h)
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["pointer"] == "/holidays/0"
    assert (await Term.get(id=made["id"])).version == 1
    r = await client.patch(path, json={"name": "Spring 2", "end_date": f"{Y2031}-07-15"}, headers=h)
    assert r.status_code == 200, r.text
    changed = r.json()
    assert (changed["name"], changed["end_date"], changed["version"]) == (
        "Spring 2",
        f"{Y2031}-07-15",
        2,
    )
    assert changed["holidays"] == made["holidays"]
    assert version_of(r.headers["etag"]) == 2
    event = await AuditEvent.get(action="term.update")
    assert event.before == {
        "name": "Spring",
        "campus": "",
        "start_date": f"{Y2031}-03-01",
        "end_date": f"{Y2031}-06-30",
        "holidays": made["holidays"],
    }
    assert event.after == event.before | {"name": "Spring 2", "end_date": f"{Y2031}-07-15"}
    assert event.actor_user_id == staff.pk


async def test_a_removed_term_is_audited_and_gone(client, staff, member):
    made = await make_term(client, staff)
    r = await client.delete(f"{T}/{made['id']}", headers=bearer(member))
    assert r.status_code == 403, r.text
    r = await client.delete(f"{T}/{made['id']}", headers=bearer(staff))
    assert r.status_code == 204, r.text
    event = await AuditEvent.get(action="term.delete")
    assert (event.entity_id, event.actor_user_id, event.after) == (made["id"], staff.pk, None)
    assert event.before["name"] == "Spring"
    r = await client.get(f"{T}/{made['id']}", headers=bearer(staff))
    assert r.status_code == 404, r.text
    assert r.json()["detail"] == f"term {made['id']} does not exist"


async def test_new_holidays_touch_only_what_is_still_to_come_of_the_series_that_skip_them(
    client, staff, room, login_clock
):
    """Two holidays added at once: a past lecture on one of them is history and stays; the
    future one is cancelled with its holiday's name; a series that does not skip holidays,
    and a day that was a holiday already, are left alone. With ``keep`` nothing changes but
    the record names what was kept."""
    term = await make_term(client, staff, holidays=[{"start": f"{Y2031}-03-18", "name": "Old"}])

    async def series(skip: bool) -> int:
        rule: dict[str, Any] = {"freq": "weekly", "term_id": term["id"]}
        body = {
            "room_id": room.pk,
            "title": "Skips" if skip else "Keeps",
            "start_date": f"{Y2031}-03-04",
            "start_time": "09:00" if skip else "12:00",
            "duration_minutes": 60,
            "recurrence": rule,
            "skip_holidays": skip,
        }
        r = await client.post("/api/v1/series", json=body, headers=bearer(staff))
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    skips, keeps = await series(True), await series(False)
    past = await Booking.get(series_id=skips, occurrence_date=at(1, 0).date())  # 03-04
    future = await Booking.get(series_id=skips, occurrence_date=at(8, 0).date())  # 03-11
    other = await Booking.get(series_id=keeps, occurrence_date=at(8, 0).date())
    login_clock.now = at(2, 0).timestamp()  # 03-05: the lecture of 03-04 is over
    holidays = [
        {"start": f"{Y2031}-03-04", "name": "Storm"},
        {"start": f"{Y2031}-03-11", "name": "Founders' day"},
        {"start": f"{Y2031}-03-18", "name": "Old"},
    ]
    h = bearer(staff) | {"If-Match": '"1"'}
    path = f"{T}/{term['id']}"
    r = await client.patch(path, json={"holidays": holidays, "on_bookings": "keep"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["booking_ids"] == [future.pk]
    kept = await AuditEvent.get(action="term.update")
    assert (kept.after["on_bookings"], kept.after["booking_ids"]) == ("keep", [future.pk])
    assert (await Booking.get(id=future.pk)).status == Status.confirmed

    await client.patch(path, json={"holidays": holidays[2:]}, headers=h | {"If-Match": '"2"'})
    r = await client.patch(
        path,
        json={"holidays": holidays, "on_bookings": "cancel"},
        headers=h | {"If-Match": '"3"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["booking_ids"] == [future.pk]
    cancelled = await Booking.get(id=future.pk)
    assert (cancelled.status, cancelled.reason) == (Status.cancelled, "holiday: Founders' day")
    assert (await Booking.get(id=past.pk)).status == Status.confirmed
    assert (await Booking.get(id=other.pk)).status == Status.confirmed
