"""What the write path promises at its edges, written to kill the mutants of
``services/booking_checks.py``, ``services/writes.py`` and ``services/rules.py`` that survived
the API tests (docs/testing.md lists them). Each test pins a behaviour a client or an auditor
sees: the 409's conflicts and alternatives, the 422's detail, the audit of a cancellation,
the weekly quota counted per local week, the exact limits of the booking rules.

Times are relative to today (a Monday years ahead), so no test expires.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status, insert_booking, new_booking
from compax_server.db.rooms import Closure
from compax_server.db.series import Series
from compax_server.errors import InvalidInput
from compax_server.services import availability, booking_checks, buildings, rules, series
from tests.conftest import actor_of, bearer, monday_ahead, series_body

BK = "/api/v1/bookings"
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = monday_ahead(5)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """Wall time in Berlin (the test building's zone), ``day`` days after that Monday."""
    return datetime.combine(MONDAY + timedelta(days=day), time(hour, minute), tzinfo=BERLIN)


def body(room: Any, start: datetime, end: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "room_id": room.pk,
        "title": "Seminar",
        "start": start.isoformat(),
        "end": end.isoformat(),
        **extra,
    }


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def set_rules(client: Any, staff: Any, **limits: Any) -> None:
    r = await client.put("/api/v1/rules/global", json=limits, headers=bearer(staff))
    assert r.status_code == 200, r.text


# -- services/booking_checks.py: the 409 ------------------------------------------------------


async def test_a_move_only_the_database_refuses_names_what_is_in_the_way_not_itself(
    client, staff, room, monkeypatch
):
    """The service's check is blinded (another writer committed in between), so the
    database refuses the move. The 409 names the booking in the way, never the moved booking
    (whose stored row still covers part of the new window)."""
    first = await client.post(BK, json=body(room, local(0, 9), local(0, 11)), headers=bearer(staff))
    moved = await client.post(
        BK, json=body(room, local(0, 11), local(0, 13)), headers=bearer(staff)
    )
    assert first.status_code == moved.status_code == 201, (first.text, moved.text)

    async def nothing_in_the_way(*args: Any, **kwargs: Any) -> tuple[list[Any], list[Any]]:
        return [], []

    monkeypatch.setattr(booking_checks, "blockers", nothing_in_the_way)
    r = await client.patch(
        f"{BK}/{moved.json()['id']}",
        json={"start": local(0, 10).isoformat(), "end": local(0, 12).isoformat()},
        headers=bearer(staff) | {"If-Match": '"1"'},
    )
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == "the room was booked for that time a moment ago"
    assert [c["id"] for c in r.json()["conflicts"]] == [first.json()["id"]]
    stored = await Booking.get(id=moved.json()["id"])
    assert (stored.start, stored.version) == (local(0, 11), 1)


async def test_an_approval_only_the_database_refuses_names_what_is_in_the_way(
    client, staff, member, make_room, monkeypatch
):
    """A confirmed booking written beside the service (as another writer could have, between
    the check and the write) over a pending request, and the approval's check blinded: the
    database refuses to confirm the request. The 409 names the booking in the way and the
    request is still pending, unchanged."""
    room = await make_room(requires_approval=True)
    asked = await client.post(
        BK, json=body(room, local(1, 9), local(1, 11)), headers=bearer(member)
    )
    assert (asked.status_code, asked.json()["status"]) == (201, "pending"), asked.text
    beside = new_booking(
        room_id=room.pk,
        owner_id=staff.pk,
        title="Written beside",
        description="",
        start=local(1, 10).astimezone(UTC),
        end=local(1, 12).astimezone(UTC),
        status=Status.confirmed,
        created_by_id=staff.pk,
    )
    await insert_booking(beside)
    monkeypatch.setattr(booking_checks, "in_the_way", lambda *args: [])
    r = await client.post(
        f"{BK}/{asked.json()['id']}/approve", headers=bearer(staff) | {"If-Match": '"1"'}
    )
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == "the room was booked for that time a moment ago"
    assert r.json()["conflicts"] == [
        {
            "id": beside.pk,
            "room_id": room.pk,
            "title": "Written beside",
            "owner_id": staff.pk,
            "start": local(1, 10).astimezone(UTC).isoformat(),
            "end": local(1, 12).astimezone(UTC).isoformat(),
            "status": "confirmed",
        }
    ]
    stored = await Booking.get(id=asked.json()["id"])
    assert (stored.status, stored.version) == (Status.pending, 1)


async def test_a_conflict_offers_free_rooms_of_the_same_size(client, staff, member, make_room):
    taken, small, same = (
        await make_room(capacity=30),
        await make_room(capacity=10),
        await make_room(capacity=30),
    )
    ok = await client.post(BK, json=body(taken, local(1, 9), local(1, 10)), headers=bearer(staff))
    assert ok.status_code == 201, ok.text
    r = await client.post(BK, json=body(taken, local(1, 9), local(1, 10)), headers=bearer(member))
    assert r.status_code == 409, r.text
    start, end = local(1, 9).astimezone(UTC).isoformat(), local(1, 10).astimezone(UTC).isoformat()
    assert r.json()["detail"] == f"room {taken.code} is booked from {start} to {end}"
    # another's booking: its time and state, not its id, title or owner
    assert r.json()["conflicts"] == [
        {"room_id": taken.pk, "start": start, "end": end, "status": "confirmed"}
    ]
    assert [a["code"] for a in r.json()["alternatives"]] == [same.code]
    assert small.code not in r.text


async def test_moving_onto_a_booked_slot_is_a_409_naming_it_and_moves_nothing(
    client, staff, member, make_room
):
    """The service's own check (not the database's): the 409 names the booking in the way
    with its time, and offers a free room; the moved booking stays where it was."""
    there, spare = await make_room(capacity=30), await make_room(capacity=30)
    taken = await client.post(
        BK, json=body(there, local(1, 9), local(1, 11)), headers=bearer(staff)
    )
    mine = await client.post(
        BK, json=body(there, local(1, 14), local(1, 15)), headers=bearer(member)
    )
    assert taken.status_code == mine.status_code == 201, (taken.text, mine.text)
    r = await client.patch(
        f"{BK}/{mine.json()['id']}",
        json={"start": local(1, 10).isoformat(), "end": local(1, 12).isoformat()},
        headers=bearer(member) | {"If-Match": '"1"'},
    )
    assert r.status_code == 409, r.text
    start, end = local(1, 9).astimezone(UTC).isoformat(), local(1, 11).astimezone(UTC).isoformat()
    assert r.json()["detail"] == f"room {there.code} is booked from {start} to {end}"
    assert [c["start"] for c in r.json()["conflicts"]] == [start]
    assert [a["code"] for a in r.json()["alternatives"]] == [spare.code]
    stored = await Booking.get(id=mine.json()["id"])
    assert (stored.start, stored.version) == (local(1, 14), 1)


async def test_a_failing_search_for_alternatives_still_gives_the_409(
    client, staff, member, room, monkeypatch, caplog
):
    """Alternatives are a courtesy: when finding them fails, the 409 comes with none (and the
    log says why), never a 500."""
    ok = await client.post(BK, json=body(room, local(1, 9), local(1, 10)), headers=bearer(staff))
    assert ok.status_code == 201, ok.text

    async def broken(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        raise RuntimeError("search index unavailable")

    monkeypatch.setattr(availability, "alternatives", broken)
    with caplog.at_level(logging.ERROR, logger="compax.bookings"):
        r = await client.post(
            BK, json=body(room, local(1, 9), local(1, 10)), headers=bearer(member)
        )
    assert r.status_code == 409, r.text
    assert r.json()["alternatives"] == []
    assert [rec.getMessage() for rec in caplog.records if rec.name == "compax.bookings"] == [
        "finding alternatives failed"
    ]


# -- services/booking_checks.py: a room that does not exist ---------------------------------

NO_ROOM = [
    {
        "location": "body",
        "pointer": "/room_id",
        "detail": "room 999999 does not exist",
        "code": "unknown",
    }
]


async def test_booking_a_room_that_does_not_exist_is_a_400_naming_it(client, staff):
    r = await client.post(
        BK,
        json={
            "room_id": 999_999,
            "title": "Seminar",
            "start": local(1, 9).isoformat(),
            "end": local(1, 10).isoformat(),
        },
        headers=bearer(staff),
    )
    assert r.status_code == 400, r.text
    assert r.json()["errors"] == NO_ROOM
    assert await Booking.all().count() == 0


async def test_moving_a_booking_to_a_room_that_does_not_exist_is_a_400_and_moves_nothing(
    client, member, room
):
    made = await client.post(BK, json=body(room, local(1, 9), local(1, 10)), headers=bearer(member))
    assert made.status_code == 201, made.text
    r = await client.patch(
        f"{BK}/{made.json()['id']}",
        json={"room_id": 999_999},
        headers=bearer(member) | {"If-Match": '"1"'},
    )
    assert r.status_code == 400, r.text
    assert r.json()["errors"] == NO_ROOM
    stored = await Booking.get(id=made.json()["id"])
    assert (stored.room_id, stored.version) == (room.pk, 1)


async def test_a_series_in_a_room_that_does_not_exist_is_a_400_writing_nothing(client, staff):
    r = await client.post(
        "/api/v1/series",
        json={
            "room_id": 999_999,
            "title": "Algorithms",
            "start_date": local(1, 0).date().isoformat(),
            "start_time": "09:00",
            "duration_minutes": 90,
            "recurrence": {"freq": "weekly", "count": 3},
        },
        headers=bearer(staff),
    )
    assert r.status_code == 400, r.text
    assert r.json()["errors"] == NO_ROOM
    assert await Booking.all().count() == 0


# -- the past: members may not book it or change it, staff may ----------------------------


PAST = [{"rule": "in_the_past", "detail": "the booking would end in the past"}]


async def test_a_member_may_not_book_what_ends_now_staff_may(
    client, staff, member, make_room, login_clock
):
    """ "Now" is the clock tests hold (``limits.now``): a booking that ends at this very
    moment is in the past for a member; a minute later is not. Staff may record the past."""
    a, b = await make_room(), await make_room()
    login_clock.now = local(1, 10).timestamp()
    r = await client.post(BK, json=body(a, local(1, 9), local(1, 10)), headers=bearer(member))
    assert r.status_code == 422, r.text
    assert (r.json()["detail"], r.json()["errors"]) == (PAST[0]["detail"], PAST)
    assert await Booking.all().count() == 0
    later = await client.post(
        BK, json=body(a, local(1, 9), local(1, 10, 1)), headers=bearer(member)
    )
    assert later.status_code == 201, later.text
    past = await client.post(BK, json=body(b, local(1, 8), local(1, 9)), headers=bearer(staff))
    assert past.status_code == 201, past.text


async def test_a_booking_that_has_ended_is_history_to_its_member_not_to_staff(
    client, staff, member, room, login_clock
):
    login_clock.now = local(1, 8).timestamp()
    made = await client.post(BK, json=body(room, local(1, 9), local(1, 10)), headers=bearer(member))
    assert made.status_code == 201, made.text
    path, version = f"{BK}/{made.json()['id']}", {"If-Match": '"1"'}
    login_clock.now = local(1, 10).timestamp()  # it ends now
    for r in (
        await client.patch(path, json={"title": "Late"}, headers=bearer(member) | version),
        await client.post(f"{path}/cancel", headers=bearer(member) | version),
    ):
        assert r.status_code == 422, r.text
        assert r.json()["errors"] == [
            {
                "rule": "in_the_past",
                "detail": f"booking {made.json()['id']} ended at "
                f"{local(1, 10).astimezone(UTC).isoformat()}; it is history now",
            }
        ]
    stored = await Booking.get(id=made.json()["id"])
    assert (stored.title, stored.status, stored.version) == ("Seminar", Status.confirmed, 1)
    fixed = await client.patch(path, json={"title": "Corrected"}, headers=bearer(staff) | version)
    assert fixed.status_code == 200, fixed.text
    login_clock.now = local(1, 10).timestamp() - 60  # a minute before its end: still the member's
    r = await client.patch(
        path, json={"title": "Mine"}, headers=bearer(member) | {"If-Match": '"2"'}
    )
    assert r.status_code == 200, r.text
    login_clock.now = local(1, 11).timestamp()  # over: staff may still record it cancelled
    r = await client.post(f"{path}/cancel", headers=bearer(staff) | {"If-Match": '"3"'})
    assert (r.status_code, r.json()["status"]) == (200, "cancelled"), r.text


# -- services/booking_checks.py: whose weekly quota -----------------------------------------


async def test_staff_booking_for_a_member_counts_in_the_members_quota(
    client, staff, member, make_room
):
    """The weekly quota binds a member's bookings whoever makes them; staff who book for
    themselves have none. (``is_member``: the owner decides, not the one who books.)"""
    await set_rules(client, staff, max_hours_per_week=3)
    a, b, c = await make_room(), await make_room(), await make_room()
    own = await client.post(BK, json=body(a, local(1, 9), local(1, 11)), headers=bearer(member))
    assert own.status_code == 201, own.text
    for_member = body(b, local(2, 9), local(2, 11), owner_id=member.pk)
    r = await client.post(BK, json=for_member, headers=bearer(staff))
    assert r.status_code == 422, r.text
    assert [e["rule"] for e in r.json()["errors"]] == ["max_hours_per_week"]
    assert r.json()["detail"].endswith("(staff may override)")
    for_staff = await client.post(
        BK, json=body(c, local(2, 9), local(2, 13)), headers=bearer(staff)
    )
    assert for_staff.status_code == 201, for_staff.text
    overridden = await client.post(BK, json={**for_member, "override": True}, headers=bearer(staff))
    assert overridden.status_code == 201, overridden.text
    owners = await Booking.all().order_by("id").values_list("owner_id", flat=True)
    assert owners == [member.pk, staff.pk, member.pk]


# -- services/booking_checks.py: the 422 ------------------------------------------------------


async def test_every_broken_rule_is_in_one_detail_and_staff_are_told_they_may_override(
    client, staff, member, room
):
    await set_rules(client, staff, max_duration_minutes=60, horizon_days=30)
    window = body(room, local(0, 9), local(0, 11))  # two hours, years ahead
    by_member = await client.post(BK, json=window, headers=bearer(member))
    assert by_member.status_code == 422, by_member.text
    assert by_member.json()["detail"] == (
        "a booking may last at most 1h; bookings open at most 30 days ahead"
    )
    assert [(e["rule"], e["limit"]) for e in by_member.json()["errors"]] == [
        ("max_duration_minutes", 60),
        ("horizon_days", 30),
    ]
    by_staff = await client.post(BK, json=window, headers=bearer(staff))
    assert by_staff.status_code == 422, by_staff.text
    assert by_staff.json()["detail"] == (
        "a booking may last at most 1h; bookings open at most 30 days ahead (staff may override)"
    )
    assert await Booking.all().count() == 0


async def test_a_notice_under_an_hour_is_written_in_minutes(client, staff, member, room):
    await set_rules(client, staff, min_notice_minutes=45)
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10)
    r = await client.post(
        BK, json=body(room, soon, soon + timedelta(hours=1)), headers=bearer(member)
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "book at least 45m ahead"


# -- services/booking_checks.py: closures acting on bookings ----------------------------------


def closures(building: Any) -> str:
    return f"/api/v1/buildings/{building.pk}/closures"


def closure_body(**extra: Any) -> dict[str, Any]:
    return {
        "reason": "Burst pipe",
        "start": local(0, 8).isoformat(),
        "end": local(0, 18).isoformat(),
    } | extra


async def test_a_cancelling_closure_audits_each_booking_with_its_cause(
    client, staff, member, building, room, book
):
    taken = await book(member, room, local(0, 9), local(0, 10))
    r = await client.post(
        closures(building), json=closure_body(on_bookings="cancel"), headers=bearer(staff)
    )
    assert r.status_code == 201, r.text
    closure = await Closure.get()
    stored = await Booking.get(id=taken.pk)
    assert (stored.status, stored.version) == (Status.cancelled, 2)
    event = await AuditEvent.get(action="booking.cancel", entity_id=taken.pk)
    assert (event.entity_type, event.actor_user_id) == ("booking", staff.pk)
    assert event.before is not None and event.after is not None
    assert (event.before["status"], event.before["version"]) == ("confirmed", 1)
    assert (event.after["status"], event.after["version"]) == ("cancelled", 2)
    assert (event.after["reason"], event.after["closure_id"]) == ("closed: Burst pipe", closure.pk)


async def test_an_unknown_closure_policy_is_refused_naming_the_field(staff, building):
    """The API's schema refuses it first; the service (which other callers use) must too."""
    with pytest.raises(InvalidInput) as refused:
        await buildings.add_closure(
            actor_of(staff),
            building.pk,
            reason="Burst pipe",
            start=local(0, 8),
            end=local(0, 18),
            on_bookings="ignore",
        )
    assert refused.value.extra["errors"] == [
        {
            "location": "body",
            "pointer": "/on_bookings",
            "detail": "one of refuse, cancel, keep",
            "code": "enum",
        }
    ]
    assert await Closure.all().count() == 0


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            {"conflict_policy": "most"},
            {
                "pointer": "/conflict_policy",
                "detail": "one of all_or_nothing, skip_conflicts",
                "code": "enum",
            },
        ),
        (
            {"duration_minutes": 0},
            {
                "pointer": "/duration_minutes",
                "detail": "must be between 1 and 1440",
                "code": "greater_than_equal",
            },
        ),
        (
            {"duration_minutes": 24 * 60 + 1},
            {
                "pointer": "/duration_minutes",
                "detail": "must be between 1 and 1440",
                "code": "less_than_equal",
            },
        ),
    ],
    ids=["policy", "no_minutes", "a_day_and_a_minute"],
)
async def test_a_series_the_schema_would_refuse_is_refused_by_the_service_too(
    staff, room, change, error
):
    """The API's schema refuses these first; the service must too (its checks do not lean
    on one caller), naming the field as the schema does, with nothing written."""
    fields = {
        "room_id": room.pk,
        "title": "Tutorial",
        "start_date": MONDAY,
        "start_time": "10:00",
        "duration_minutes": 60,
        "recurrence_rule": {"freq": "weekly", "count": 3},
    }
    with pytest.raises(InvalidInput) as refused:
        await series.create_series(actor_of(staff), **(fields | change))
    assert refused.value.extra["errors"] == [{"location": "body"} | error]
    assert await Booking.all().count() == await Series.all().count() == 0


@pytest.mark.parametrize("minutes", [1, 24 * 60])
async def test_a_series_of_a_minute_or_of_a_whole_day_is_booked(client, staff, room, minutes):
    """The ends of the range the service checks (1 to 1,440 minutes) are allowed; each
    occurrence records who booked it."""
    body = series_body(room, {"count": 2}, duration_minutes=minutes)
    r = await client.post("/api/v1/series", json=body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    made = await Booking.filter(series_id=r.json()["id"])
    assert [(b.end - b.start, b.created_by_id) for b in made] == [
        (timedelta(minutes=minutes), staff.pk)
    ] * 2


async def test_a_refused_closure_lists_at_most_200_bookings_and_says_what_to_send(
    client, staff, member, building, room
):
    for n in range(201):  # five-minute bookings from 01:00
        start = local(0, 1) + timedelta(minutes=5 * n)
        await Booking.create(
            room_id=room.pk,
            owner_id=member.pk,
            title="Slot",
            start=start,
            end=start + timedelta(minutes=5),
            status=Status.confirmed,
        )
    r = await client.post(
        closures(building), json=closure_body(start=local(0, 0).isoformat()), headers=bearer(staff)
    )
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == (
        "the closure would cover 201 bookings; send on_bookings=cancel to cancel them (their "
        "owners see why), or on_bookings=keep to keep them"
    )
    assert len(r.json()["bookings"]) == 200
    assert await Closure.all().count() == 0


# -- services/writes.py -------------------------------------------------------------------------
# (the 503 of a busy database: tests/integrity/test_hygiene.py)


# -- services/rules.py ------------------------------------------------------------------------


async def test_a_changed_rule_binds_the_next_booking_at_once(
    client, staff, member, room, monkeypatch
):
    """The rules are remembered for a second; a change must forget them in the process that
    made it. The clock of that memory stands still here, so only the forgetting can help."""
    monkeypatch.setattr(rules, "clock", lambda: 1000.0)
    first = await client.post(
        BK, json=body(room, local(0, 9), local(0, 11)), headers=bearer(member)
    )
    assert first.status_code == 201, first.text  # the (empty) rules are now remembered
    await set_rules(client, staff, max_duration_minutes=60)
    r = await client.post(BK, json=body(room, local(1, 9), local(1, 11)), headers=bearer(member))
    assert r.status_code == 422, r.text
    assert [e["rule"] for e in r.json()["errors"]] == ["max_duration_minutes"]


def test_each_time_limit_allows_its_exact_edge():
    now = datetime(2030, 1, 7, 12, tzinfo=UTC)
    limits = rules.Limits(max_duration_minutes=60, horizon_days=7, min_notice_minutes=30)
    at_edges = rules.time_violations(
        limits, now + timedelta(days=7), now + timedelta(days=7, minutes=60), now
    )
    assert at_edges == []
    notice = rules.time_violations(
        limits, now + timedelta(minutes=30), now + timedelta(hours=1), now
    )
    assert notice == []
    past = rules.time_violations(
        limits, now + timedelta(days=7, seconds=1), now + timedelta(days=7, minutes=61), now
    )
    assert [(p["rule"], p["limit"]) for p in past] == [
        ("max_duration_minutes", 60),
        ("horizon_days", 7),
    ]
    early = rules.time_violations(
        limits, now + timedelta(minutes=29), now + timedelta(hours=1), now
    )
    assert [(p["rule"], p["limit"]) for p in early] == [("min_notice_minutes", 30)]


async def test_the_weekly_count_alone_binds_and_names_the_local_week(
    client, staff, member, make_room
):
    await set_rules(client, staff, max_bookings_per_week=1)
    a, b, c = await make_room(), await make_room(), await make_room()
    next_week = await client.post(
        BK, json=body(c, local(7, 9), local(7, 10)), headers=bearer(member)
    )
    assert next_week.status_code == 201, next_week.text
    tuesday = await client.post(
        BK, json=body(a, local(1, 10), local(1, 11)), headers=bearer(member)
    )
    assert tuesday.status_code == 201, tuesday.text  # next Monday is another week
    # Monday 00:30 in Berlin is still Sunday in UTC: it belongs to Tuesday's week
    r = await client.post(
        BK, json=body(b, local(0, 0, 30), local(0, 1, 30)), headers=bearer(member)
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [
        {
            "rule": "max_bookings_per_week",
            "limit": 1,
            "detail": f"at most 1 bookings a week (the week of {MONDAY.isoformat()} would have 2)",
        }
    ]


async def test_a_booking_over_midnight_on_sunday_counts_in_the_week_it_starts(
    client, staff, member, make_room
):
    await set_rules(client, staff, max_bookings_per_week=1)
    a, b = await make_room(), await make_room()
    ok = await client.post(BK, json=body(a, local(6, 10), local(6, 11)), headers=bearer(member))
    assert ok.status_code == 201, ok.text
    r = await client.post(BK, json=body(b, local(6, 23), local(7, 1)), headers=bearer(member))
    assert r.status_code == 422, r.text
    assert [e["rule"] for e in r.json()["errors"]] == ["max_bookings_per_week"]


async def test_the_weekly_hours_detail_gives_the_week_and_its_hours(
    client, staff, member, make_room
):
    await set_rules(client, staff, max_hours_per_week=3)
    a, b = await make_room(), await make_room()
    ok = await client.post(BK, json=body(a, local(1, 9), local(1, 11)), headers=bearer(member))
    assert ok.status_code == 201, ok.text
    r = await client.post(BK, json=body(b, local(2, 9), local(2, 11)), headers=bearer(member))
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [
        {
            "rule": "max_hours_per_week",
            "limit": 3,
            "detail": f"at most 3 hours a week (the week of {MONDAY.isoformat()} would have 4)",
        }
    ]


async def test_moving_a_booking_within_its_week_does_not_count_it_twice(
    client, staff, member, room
):
    await set_rules(client, staff, max_bookings_per_week=1)
    made = await client.post(BK, json=body(room, local(1, 9), local(1, 10)), headers=bearer(member))
    assert made.status_code == 201, made.text
    moved = await client.patch(
        f"{BK}/{made.json()['id']}",
        json={"start": local(2, 9).isoformat(), "end": local(2, 10).isoformat()},
        headers=bearer(member) | {"If-Match": '"1"'},
    )
    assert moved.status_code == 200, moved.text
    assert when(moved.json()["start"]) == local(2, 9)


async def test_a_room_rule_binds_that_room_and_a_building_rule_the_rest(
    client, staff, member, building, make_room
):
    """The nearest level that sets a limit decides: the room's own rules, else its
    building's, else the campus-wide ones."""
    strict, other = await make_room(), await make_room()
    for path, limit in ((f"room/{strict.pk}", 60), (f"building/{building.pk}", 90)):
        r = await client.put(
            f"/api/v1/rules/{path}", json={"max_duration_minutes": limit}, headers=bearer(staff)
        )
        assert r.status_code == 200, r.text

    async def book(room: Any, minutes: int) -> Any:
        end = local(1, 9) + timedelta(minutes=minutes)
        return await client.post(BK, json=body(room, local(1, 9), end), headers=bearer(member))

    refused = await book(strict, 75)
    assert refused.status_code == 422, refused.text
    assert [(e["rule"], e["limit"]) for e in refused.json()["errors"]] == [
        ("max_duration_minutes", 60)
    ]
    assert (await book(other, 75)).status_code == 201
    refused = await book(other, 120)
    assert refused.status_code == 422, refused.text
    assert [(e["rule"], e["limit"]) for e in refused.json()["errors"]] == [
        ("max_duration_minutes", 90)
    ]


async def test_the_rules_are_listed_and_a_level_can_be_removed(client, staff, building, room):
    await set_rules(client, staff, max_duration_minutes=240)
    for path, limit in ((f"room/{room.pk}", 60), (f"building/{building.pk}", 120)):
        r = await client.put(
            f"/api/v1/rules/{path}", json={"max_duration_minutes": limit}, headers=bearer(staff)
        )
        assert r.status_code == 200, r.text
    listed = await client.get("/api/v1/rules", headers=bearer(staff))
    assert listed.status_code == 200, listed.text
    assert [(r["scope"], r["max_duration_minutes"]) for r in listed.json()["data"]] == [
        ("building", 120),
        ("global", 240),
        ("room", 60),
    ]
    gone = await client.delete(f"/api/v1/rules/room/{room.pk}", headers=bearer(staff))
    assert gone.status_code == 204, gone.text
    event = await AuditEvent.get(action="rules.delete")
    assert (event.entity_type, event.entity_id, event.actor_user_id) == (
        "rules.room",
        room.pk,
        staff.pk,
    )
    assert event.before is not None and event.before["max_duration_minutes"] == 60
    again = await client.delete(f"/api/v1/rules/room/{room.pk}", headers=bearer(staff))
    assert again.status_code == 404, again.text
    assert again.json()["detail"] == f"no rules are set for room {room.pk}"
    still = await client.get("/api/v1/rules", headers=bearer(staff))
    assert [r["scope"] for r in still.json()["data"]] == ["building", "global"]


async def test_a_member_cannot_remove_rules(client, member, room):
    r = await client.delete(f"/api/v1/rules/room/{room.pk}", headers=bearer(member))
    assert r.status_code == 403, r.text


async def test_setting_a_level_again_replaces_its_limits_and_audits_both(client, staff, room):
    path = f"/api/v1/rules/room/{room.pk}"
    first = {"max_duration_minutes": 90, "horizon_days": 30}
    second = {"max_duration_minutes": 60}  # a missing limit is no limit at this level
    for limits in (first, second):
        r = await client.put(path, json=limits, headers=bearer(staff))
        assert r.status_code == 200, r.text
    listed = (await client.get("/api/v1/rules", headers=bearer(staff))).json()["data"]
    assert [(r["scope"], r["max_duration_minutes"], r["horizon_days"]) for r in listed] == [
        ("room", 60, None)
    ]
    events = await AuditEvent.filter(action="rules.set").order_by("id")
    assert [(e.entity_type, e.entity_id, e.actor_user_id) for e in events] == [
        ("rules.room", room.pk, staff.pk),
        ("rules.room", room.pk, staff.pk),
    ]
    assert events[0].before is None
    assert events[1].before is not None and events[1].after is not None
    assert (events[1].before["max_duration_minutes"], events[1].before["horizon_days"]) == (90, 30)
    assert (events[1].after["max_duration_minutes"], events[1].after["horizon_days"]) == (60, None)


async def test_an_unknown_rules_level_is_a_400_naming_it(client, staff):
    r = await client.put(
        "/api/v1/rules/campus/1", json={"max_duration_minutes": 60}, headers=bearer(staff)
    )
    assert r.status_code == 400, r.text
    assert r.json()["errors"] == [
        {
            "location": "path",
            "pointer": "/scope",
            "detail": "one of building, room",
            "code": "enum",
        }
    ]


async def test_a_building_manager_sets_and_removes_the_rules_of_that_building(
    client, admin, make_user, building
):
    manager = await make_user()
    r = await client.post(
        f"/api/v1/buildings/{building.pk}/managers",
        json={"user_id": manager.pk},
        headers=bearer(admin),
    )
    assert r.status_code in (200, 201), r.text
    path = f"/api/v1/rules/building/{building.pk}"
    put = await client.put(path, json={"max_duration_minutes": 60}, headers=bearer(manager))
    assert put.status_code == 200, put.text
    gone = await client.delete(path, headers=bearer(manager))
    assert gone.status_code == 204, gone.text
    not_global = await client.put(
        "/api/v1/rules/global", json={"horizon_days": 9}, headers=bearer(manager)
    )
    assert not_global.status_code == 403, not_global.text
