"""Terms (semesters): their dates and holidays as staff enter them, each mistake a 400 or
422 naming the field with nothing written, a name once per campus, every change audited
whole; new holidays over a series that skips holidays, past and future."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.terms import Term
from compax_server.errors import ClosureHitsBookings
from compax_server.services import terms
from tests.conftest import actor_of, at, bearer, version_of
from tests.dates import Y2031

T = "/api/v1/terms"
SPRING = {"name": "Spring", "start_date": f"{Y2031}-03-01", "end_date": f"{Y2031}-06-30"}


async def make_term(client, staff, **body: Any) -> dict[str, Any]:
    r = await client.post(T, json=SPRING | body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == f"{T}/{r.json()['id']}"
    return r.json()


async def weekly(client, staff, term, room, start_time: str, *, skip_holidays=True) -> int:
    """A weekly hour-long series through ``term`` from its first Tuesday; its id."""
    body = {
        "room_id": room.pk,
        "title": f"At {start_time}",
        "start_date": f"{Y2031}-03-04",
        "start_time": start_time,
        "duration_minutes": 60,
        "recurrence": {"freq": "weekly", "term_id": term["id"]},
        "skip_holidays": skip_holidays,
    }
    r = await client.post("/api/v1/series", json=body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


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
    assert error["detail"] == "a term lasts at most 731 days (two years)"
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
    assert (event.actor_user_id, event.entity_type, event.entity_id) == (
        staff.pk,
        "term",
        made["id"],
    )
    r = await client.patch(
        path, json={"start_date": f"{Y2031}-02-15"}, headers=bearer(staff) | {"If-Match": '"2"'}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["start_date"], r.json()["end_date"]) == (f"{Y2031}-02-15", f"{Y2031}-07-15")
    r = await client.patch(path, json={"name": "Stale"}, headers=h)
    assert r.status_code == 412, r.text
    assert r.json()["detail"] == (
        f"The term {made['id']} has changed since you read it (now version 3); read it again "
        "and retry."
    )


async def test_a_removed_term_is_audited_and_gone(client, staff, member):
    made = await make_term(client, staff)
    r = await client.delete(f"{T}/{made['id']}", headers=bearer(member))
    assert r.status_code == 403, r.text
    r = await client.delete(f"{T}/{made['id']}", headers=bearer(staff))
    assert r.status_code == 204, r.text
    event = await AuditEvent.get(action="term.delete")
    assert (event.entity_type, event.entity_id, event.actor_user_id, event.after) == (
        "term",
        made["id"],
        staff.pk,
        None,
    )
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

    skips = await weekly(client, staff, term, room, "09:00", skip_holidays=True)
    keeps = await weekly(client, staff, term, room, "12:00", skip_holidays=False)
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
    assert kept.after["holidays"] == r.json()["holidays"]  # the term as well as what it hit
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


async def test_a_one_day_term_may_be_its_own_holiday(client, staff):
    """The bounds are inclusive: a term of one day, a holiday on its first (and last) day."""
    day = f"{Y2031}-03-01"
    made = await make_term(client, staff, end_date=day, holidays=[{"start": day}])
    assert (made["start_date"], made["end_date"]) == (day, day)
    assert made["holidays"] == [{"start": day, "end": day, "name": ""}]


@pytest.mark.parametrize(
    ("field", "value"), [("start_date", "1969-12-31"), ("end_date", "2200-01-02")]
)
async def test_a_date_outside_the_accepted_range_is_refused_naming_it(client, staff, field, value):
    r = await client.post(T, json=SPRING | {field: value}, headers=bearer(staff))
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert (error["rule"], error["field"], error["pointer"]) == ("time_range", field, f"/{field}")
    assert error["detail"] == (
        f"{field} {value} is outside the accepted range, 1970-01-01 to 2200-01-01 (UTC)"
    )
    assert not await Term.exists()


async def test_terms_are_listed_a_page_at_a_time(client, staff, member):
    first = await make_term(client, staff)
    second = await make_term(client, staff, name="Autumn")
    r = await client.get(f"{T}?limit=1", headers=bearer(member))
    assert r.status_code == 200, r.text
    assert [t["id"] for t in r.json()["data"]] == [first["id"]]
    r = await client.get(f"{T}?limit=1&cursor={r.json()['next_cursor']}", headers=bearer(member))
    assert [t["id"] for t in r.json()["data"]] == [second["id"]]


async def test_new_holidays_list_what_they_hit_by_start_and_leave_what_is_cancelled_alone(
    client, staff, room, make_room
):
    """Two series meet a new unnamed holiday: the refusal (the default, also in-process)
    lists their lectures by start, not by series; with ``cancel`` the one still on is
    cancelled as "holiday: holiday", and one cancelled before keeps its own reason."""
    term = await make_term(client, staff)
    late = await weekly(client, staff, term, room, "14:00")  # made first: the smaller ids
    early = await weekly(client, staff, term, await make_room(), "09:00")
    on_day = at(8, 0).date()  # 03-11
    late_b = await Booking.get(series_id=late, occurrence_date=on_day)
    early_b = await Booking.get(series_id=early, occurrence_date=on_day)
    holiday = [{"start": on_day.isoformat()}]

    refused = await client.patch(
        f"{T}/{term['id']}", json={"holidays": holiday}, headers=bearer(staff) | {"If-Match": '"1"'}
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"] == (
        "the new holidays would cover 2 bookings; send on_bookings=cancel to cancel them "
        "(their owners see why), or on_bookings=keep to keep them"
    )
    assert [b["id"] for b in refused.json()["bookings"]] == [early_b.pk, late_b.pk]
    with pytest.raises(ClosureHitsBookings):  # in-process callers get the same default
        await terms.update_term(actor_of(staff), term["id"], holidays=holiday)
    assert (await Term.get(id=term["id"])).version == 1

    r = await client.post(
        f"/api/v1/bookings/{late_b.pk}/cancel",
        json={"reason": "moved online"},
        headers=bearer(staff) | {"If-Match": f'"{late_b.version}"'},
    )
    assert r.status_code == 200, r.text
    r = await client.patch(
        f"{T}/{term['id']}",
        json={"holidays": holiday, "on_bookings": "cancel"},
        headers=bearer(staff) | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["booking_ids"] == [early_b.pk]
    cancelled = await Booking.get(id=early_b.pk)
    assert (cancelled.status, cancelled.reason) == (Status.cancelled, "holiday: holiday")
    assert (await Booking.get(id=late_b.pk)).reason == "moved online"
    event = await AuditEvent.get(action="booking.cancel", entity_id=early_b.pk)
    assert event.after["term_id"] == term["id"]


async def test_a_term_created_in_process_has_no_campus_unless_named(staff):
    made = await terms.create_term(
        actor_of(staff), name="Spring", start_date=date(Y2031, 3, 1),
        end_date=date(Y2031, 6, 30), holidays=[],
    )  # fmt: skip
    assert made.campus == ""


async def test_two_changes_of_a_term_at_once_both_stay(first_held, staff):
    """The second change waits for the first (the term's row is locked), then applies on
    top of it: a rename and new holidays made at the same moment are both kept."""
    actor = actor_of(staff)
    made = await terms.create_term(
        actor, name="Spring", start_date=date(Y2031, 3, 1), end_date=date(Y2031, 6, 30),
        holidays=[],
    )  # fmt: skip
    holiday = {"start": f"{Y2031}-04-01", "end": None, "name": "Easter"}
    outcomes = await first_held(
        terms.update_term(actor, made.pk, name="Spring 2"),
        lambda: terms.update_term(actor, made.pk, holidays=[holiday]),
    )
    assert not any(isinstance(o, BaseException) for o in outcomes), outcomes
    term = await Term.get(id=made.pk)
    assert (term.name, term.version) == ("Spring 2", 3)
    assert term.holidays == [{"start": f"{Y2031}-04-01", "end": f"{Y2031}-04-01", "name": "Easter"}]
