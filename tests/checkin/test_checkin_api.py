"""Check-in and the release of no-shows, through the API and the release step, on both
engines, with the controlled clock (``login_clock``: ``services.limits.clock``)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import asyncpg
import pytest

from compax_server import runtime
from compax_server.db import checkin as checkin_db
from compax_server.db import sql
from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.errors import NotFound
from compax_server.services import checkin
from tests.conftest import at, bearer, version_of
from tests.dates import Y2031

BK = "/api/v1/bookings"


async def set_rules(client, staff, path, **limits):
    r = await client.put(f"/api/v1/rules/{path}", json=limits, headers=bearer(staff))
    assert r.status_code == 200, r.text
    return r.json()


async def require_checkin(client, staff, room, **extra):
    return await set_rules(client, staff, f"room/{room.pk}", requires_checkin=True, **extra)


def set_clock(clock, moment: datetime) -> None:
    clock.now = moment.timestamp()


async def daily_tutorial(client, staff, member, room, count: int) -> list[Booking]:
    """Staff book the member a daily series at 10:00 from day 0; its occurrences in order."""
    r = await client.post(
        "/api/v1/series",
        json={
            "room_id": room.pk,
            "title": "Tutorial",
            "start_date": f"{Y2031}-03-03",
            "start_time": "10:00",
            "duration_minutes": 60,
            "recurrence": {"freq": "daily", "count": count},
            "owner_id": member.pk,
        },
        headers=bearer(staff),
    )
    assert r.status_code == 201, r.text
    return await Booking.filter(series_id=r.json()["id"]).order_by("start")


async def check_in(client, user, booking_id):
    return await client.post(f"{BK}/{booking_id}/check-in", headers=bearer(user))


async def test_the_owner_checks_in_inside_the_window_and_is_not_released(
    client, staff, member, room, book, login_clock
):
    await require_checkin(client, staff, room)
    b = await book(member, room, at(0, 10), at(0, 11))
    set_clock(login_clock, at(0, 9, 55))
    r = await check_in(client, member, b.pk)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["checked_in_at"] is not None
    assert body["checkin"]["required"] is True
    assert body["checkin"]["opens_at"].startswith(f"{Y2031}-03-03T09:50:00")
    assert body["checkin"]["closes_at"].startswith(f"{Y2031}-03-03T10:15:00")
    assert version_of(r.headers["etag"]) == 2
    assert await checkin.release_due(at(0, 12)) == 0
    assert (await Booking.get(id=b.pk)).status == Status.confirmed
    events = await AuditEvent.filter(entity_id=b.pk, action="booking.check_in")
    assert len(events) == 1 and events[0].actor_user_id == member.pk


async def test_outside_the_window_is_409_naming_the_window(
    client, staff, member, room, book, login_clock
):
    await require_checkin(client, staff, room, checkin_opens_minutes=5, checkin_closes_minutes=10)
    b = await book(member, room, at(0, 10), at(0, 11))
    for moment in (at(0, 9, 54), at(0, 10, 10)):
        set_clock(login_clock, moment)
        r = await check_in(client, member, b.pk)
        assert r.status_code == 409, r.text
        problem = r.json()
        assert problem["code"] == "checkin_closed"
        assert problem["opens_at"].startswith(f"{Y2031}-03-03T09:55:00")
        assert problem["closes_at"].startswith(f"{Y2031}-03-03T10:10:00")
        assert "09:55" in problem["detail"] and "10:10" in problem["detail"]
    assert (await Booking.get(id=b.pk)).checked_in_at is None


async def test_not_yours_is_404_and_staff_check_in_for_someone(
    client, staff, member, make_user, room, book, login_clock
):
    other = await make_user()
    b = await book(member, room, at(0, 10), at(0, 11))
    set_clock(login_clock, at(0, 10))
    r = await check_in(client, other, b.pk)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = await check_in(client, staff, b.pk)
    assert r.status_code == 200, r.text
    r = await check_in(client, member, b.pk)  # once is enough
    assert r.status_code == 409 and "checked in" in r.json()["detail"]


async def test_a_no_show_is_released_once_audited_and_the_slot_is_free(
    client, staff, member, make_user, room, book, login_clock
):
    await require_checkin(client, staff, room)
    b = await book(member, room, at(0, 10), at(0, 11))
    assert await checkin.release_due(at(0, 10, 14)) == 0  # window still open
    assert await checkin.release_due(at(0, 10, 15)) == 1
    assert await checkin.release_due(at(0, 10, 16)) == 0  # once
    got = await client.get(f"{BK}/{b.pk}", headers=bearer(member))
    assert got.json()["status"] == "released"
    events = await AuditEvent.filter(entity_id=b.pk, action="booking.release")
    assert len(events) == 1
    assert events[0].actor_label == "system"
    assert events[0].after["due_at"].startswith(f"{Y2031}-03-03T10:15:00")
    # the slot is free at once: availability and a new booking
    r = await client.get(
        f"/api/v1/rooms/{room.pk}/availability",
        params={"from": at(0, 10).isoformat(), "to": at(0, 11).isoformat()},
        headers=bearer(member),
    )
    assert r.status_code == 200
    assert not r.json()["busy"], r.json()
    other = await make_user()
    r = await client.post(
        BK,
        json={
            "room_id": room.pk,
            "title": "Walk-in",
            "start": at(0, 10, 20).isoformat(),
            "end": at(0, 11).isoformat(),
        },
        headers=bearer(other),
    )
    assert r.status_code == 201, r.text
    # a released booking cannot be checked in to
    set_clock(login_clock, at(0, 10, 16))
    r = await check_in(client, member, b.pk)
    assert r.status_code == 409 and r.json()["booking_status"] == "released"
    listed = await client.get(BK, params={"status": "released"}, headers=bearer(member))
    assert [x["id"] for x in listed.json()["data"]] == [b.pk]


async def test_a_cancelled_booking_cannot_be_checked_in_to(
    client, staff, member, room, book, login_clock
):
    b = await book(member, room, at(0, 10), at(0, 11))
    r = await client.post(f"{BK}/{b.pk}/cancel", headers=bearer(member) | {"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    set_clock(login_clock, at(0, 10))
    r = await check_in(client, member, b.pk)
    assert r.status_code == 409
    assert r.json()["booking_status"] == "cancelled"


async def test_catch_up_after_downtime_keeps_the_original_due_time(
    client, staff, member, room, book
):
    await require_checkin(client, staff, room)
    ids = [(await book(member, room, at(d, 10), at(d, 11))).pk for d in range(3)]
    assert await checkin.release_due(at(5, 0)) == 3  # days later: all at once
    for day, booking_id in enumerate(ids):
        (event,) = await AuditEvent.filter(entity_id=booking_id, action="booking.release")
        assert event.after["due_at"].startswith(f"{Y2031}-03-0{3 + day}T10:15:00")
        assert event.after["released_at"].startswith(f"{Y2031}-03-08T00:00:00")


async def test_bookings_that_started_before_the_rule_are_spared(
    client, staff, member, room, book, login_clock
):
    b = await book(member, room, at(0, 10), at(0, 11))
    set_clock(login_clock, at(0, 10, 5))  # the rule comes after the start
    await require_checkin(client, staff, room)
    later = await book(member, room, at(1, 10), at(1, 11))
    assert await checkin.release_due(at(2, 0)) == 1
    assert (await Booking.get(id=b.pk)).status == Status.confirmed
    assert (await Booking.get(id=later.pk)).status == Status.released


async def test_the_most_specific_level_decides(client, staff, member, building, make_room, book):
    exempt, other = await make_room(), await make_room()
    await set_rules(client, staff, f"building/{building.pk}", requires_checkin=True)
    await set_rules(client, staff, f"room/{exempt.pk}", requires_checkin=False)
    spared = await book(member, exempt, at(0, 10), at(0, 11))
    gone = await book(member, other, at(0, 10), at(0, 11))
    assert await checkin.release_due(at(1, 0)) == 1
    assert (await Booking.get(id=spared.pk)).status == Status.confirmed
    assert (await Booking.get(id=gone.pk)).status == Status.released


async def test_only_the_missed_occurrence_of_a_series_is_released(
    client, staff, member, room, login_clock
):
    await require_checkin(client, staff, room)
    occ = await daily_tutorial(client, staff, member, room, 3)
    first = occ[0]
    set_clock(login_clock, first.start)
    assert (await check_in(client, member, occ[1].pk)).status_code == 409  # not open yet
    set_clock(login_clock, occ[1].start + timedelta(minutes=1))
    assert (await check_in(client, member, occ[1].pk)).status_code == 200
    assert await checkin.release_due(occ[1].start + timedelta(hours=2)) == 1
    states = [(await Booking.get(id=b.pk)) for b in occ]
    assert [s.status for s in states] == [Status.released, Status.confirmed, Status.confirmed]
    assert "status" in states[0].exception_fields


async def test_a_booking_made_after_its_window_closed_counts_as_checked_in(
    client, staff, member, make_user, room, login_clock
):
    """A booking made inside its window needs a check-in like any other (released at the
    close without one); one made after the window closed (staff recording what happened)
    counts as checked in at creation: nobody could check in to it, and the release cursor
    is already past it."""
    await require_checkin(client, staff, room)  # window: 10 minutes before to 15 after
    set_clock(login_clock, at(0, 10, 25))  # inside the 10:30 window: booked at the door
    made = []
    for title, hour, minute in (("Walk-in", 10, 30), ("Stayed", 11, 0)):
        r = await client.post(
            BK,
            json={
                "room_id": room.pk,
                "title": title,
                "start": at(0, hour, minute).isoformat(),
                "end": at(0, hour, minute + 15).isoformat(),
            },
            headers=bearer(member),
        )
        assert r.status_code == 201 and r.json()["checked_in_at"] is None, r.text
        made.append(r.json()["id"])
    set_clock(login_clock, at(0, 10, 56))
    assert (await check_in(client, member, made[1])).status_code == 200
    assert await checkin.release_due(at(0, 11, 20)) == 1  # the walk-in nobody checked in to
    set_clock(login_clock, at(0, 12))
    r = await client.post(  # staff record a booking whose window closed long ago
        BK,
        json={
            "room_id": room.pk,
            "title": "Recorded",
            "start": at(0, 11, 30).isoformat(),
            "end": at(0, 11, 45).isoformat(),
            "owner_id": member.pk,
        },
        headers=bearer(staff),
    )
    assert r.status_code == 201, r.text
    recorded = r.json()
    assert recorded["checked_in_at"].startswith(f"{Y2031}-03-03T12:00")
    assert version_of(r.headers["etag"]) == recorded["version"] == 2
    assert (await Booking.get(id=recorded["id"])).version == 2
    assert await checkin.release_due(at(0, 13)) == 0
    statuses = {b.title: b.status for b in await Booking.all()}
    assert statuses == {
        "Walk-in": Status.released,
        "Stayed": Status.confirmed,
        "Recorded": Status.confirmed,
    }
    event = await AuditEvent.get(entity_id=recorded["id"], action="booking.create")
    assert event.after["checked_in_at"].startswith(f"{Y2031}-03-03T12:00")
    r = await check_in(client, member, recorded["id"])
    assert r.status_code == 409 and r.json()["code"] == "checkin_closed"


async def test_a_request_approved_after_its_window_closed_counts_as_checked_in(
    client, staff, member, building, make_room, login_clock
):
    """The check-in is its building's rule (the approval finds the room's building)."""
    room = await make_room(requires_approval=True)
    await set_rules(client, staff, f"building/{building.pk}", requires_checkin=True)
    set_clock(login_clock, at(0, 8))
    r = await client.post(
        BK,
        json={
            "room_id": room.pk,
            "title": "Asked",
            "start": at(0, 10).isoformat(),
            "end": at(0, 11).isoformat(),
        },
        headers=bearer(member),
    )
    assert r.json()["status"] == "pending"
    set_clock(login_clock, at(0, 10, 20))  # approved after the window closed
    r = await client.post(
        f"{BK}/{r.json()['id']}/approve", headers=bearer(staff) | {"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    assert r.json()["checked_in_at"] is not None and r.json()["version"] == 3
    assert version_of(r.headers["etag"]) == 3
    assert await checkin.release_due(at(0, 12)) == 0


async def test_a_released_booking_of_an_import_stays_released_through_the_next_import(
    client, staff, member, room, login_clock
):
    """Repro: the next nightly import planned a released no-show as an 'update' of its
    status and confirmed it again, over a room the release had freed."""
    await require_checkin(client, staff, room)
    item = {
        "external_id": "EX-7",
        "kind": "booking",
        "room": room.code,
        "title": "Exam",
        "start": at(0, 10).isoformat(),
        "end": at(0, 11).isoformat(),
        "owner": member.email,
    }
    body = {"source": "sis", "items": [item], "mode": "apply"}
    r = await client.post("/api/v1/imports", json=body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    booking_id = r.json()["items"][0]["booking_ids"][0]
    assert await checkin.release_due(at(0, 12)) == 1
    released = await Booking.get(id=booking_id)
    assert (released.status, released.exception_fields) == (Status.released, ["status"])
    r = await client.post("/api/v1/imports", json=body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    assert r.json()["items"][0]["action"] == "unchanged"
    after = await Booking.get(id=booking_id)
    assert (after.status, after.version) == (Status.released, released.version)


async def test_the_window_s_edges_and_each_refusal_in_full(
    client, staff, member, make_room, book, login_clock
):
    """The window opens at its first minute and is closed at its last (10 minutes before
    the start to 15 after, by default); each refusal says why in full, with nothing
    written: too early (the window and the moment), already checked in (when), a request
    still pending."""
    room = await make_room()
    await require_checkin(client, staff, room)
    b = await book(member, room, at(0, 10), at(0, 11))
    day = f"{Y2031}-03-03"
    set_clock(login_clock, at(0, 9, 49))
    r = await check_in(client, member, b.pk)
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == (
        f"check-in for booking {b.pk} is open from {day}T09:50:00+00:00 to "
        f"{day}T10:15:00+00:00; it is {day}T09:49:00+00:00"
    )
    set_clock(login_clock, at(0, 9, 50))
    r = await check_in(client, member, b.pk)
    assert r.status_code == 200, r.text
    set_clock(login_clock, at(0, 9, 51))
    r = await check_in(client, member, b.pk)
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == f"booking {b.pk} was checked in to at {day}T09:50:00+00:00"
    assert r.json()["checked_in_at"] == f"{day}T09:50:00+00:00"
    assert await AuditEvent.filter(entity_id=b.pk, action="booking.check_in").count() == 1

    late = await book(member, room, at(1, 10), at(1, 11))
    set_clock(login_clock, at(1, 10, 15))
    r = await check_in(client, member, late.pk)
    assert r.status_code == 409, r.text
    set_clock(login_clock, at(1, 10, 14))
    assert (await check_in(client, member, late.pk)).status_code == 200

    asked = await make_room(requires_approval=True)
    await require_checkin(client, staff, asked)
    pending = await book(member, asked, at(2, 10), at(2, 11))
    assert pending.status == Status.pending
    set_clock(login_clock, at(2, 10))
    r = await check_in(client, member, pending.pk)
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == (
        f"booking {pending.pk} is pending; only confirmed bookings can be checked in to"
    )
    assert r.json()["booking_status"] == "pending"
    assert (await Booking.get(id=pending.pk)).checked_in_at is None


async def test_a_long_window_is_released_though_the_cursor_passed_its_start(
    client, staff, member, make_room, book
):
    """The release cursor moves on to each run's moment; a booking whose window is longer
    than the default closes after the cursor has passed its start, and is still found: each
    run looks back by the longest window any rule sets."""
    lecture, seminar = await make_room(), await make_room()
    await require_checkin(client, staff, lecture, checkin_closes_minutes=120)
    await require_checkin(client, staff, seminar)  # the default: 15 minutes after
    long = await book(member, lecture, at(0, 10), at(0, 13))
    short = await book(member, seminar, at(0, 10), at(0, 11))
    assert await checkin.release_due(at(0, 10, 30)) == 1  # the seminar's window closed
    assert (await Booking.get(id=short.pk)).status == Status.released
    assert (await Booking.get(id=long.pk)).status == Status.confirmed
    assert await checkin.release_due(at(0, 11, 59)) == 0  # open until 12:00
    assert await checkin.release_due(at(0, 12, 5)) == 1
    assert (await Booking.get(id=long.pk)).status == Status.released
    (event,) = await AuditEvent.filter(entity_id=long.pk, action="booking.release")
    assert event.after["due_at"] == f"{Y2031}-03-03T12:00:00+00:00"
    assert event.after["released_at"] == f"{Y2031}-03-03T12:05:00+00:00"


async def test_a_building_s_rule_sets_the_window_and_late_bookings_count_as_checked_in(
    client, staff, member, make_user, building, make_room, book, login_clock
):
    """The window is the most specific rule's, a building's included: here it opens 30
    minutes before and closes at the start. A booking made when its window has closed, at
    its very start too, counts as checked in; in a room that needs no check-in it does not."""
    room, exempt = await make_room(), await make_room()
    await set_rules(
        client,
        staff,
        f"building/{building.pk}",
        requires_checkin=True,
        checkin_opens_minutes=30,
        checkin_closes_minutes=0,
    )
    await set_rules(client, staff, f"room/{exempt.pk}", requires_checkin=False)
    b = await book(member, room, at(0, 10), at(0, 11))
    r = await client.get(f"{BK}/{b.pk}/check-in", headers=bearer(member))
    assert r.status_code == 200, r.text
    day = f"{Y2031}-03-03"
    assert r.json() == {
        "required": True,
        "opens_at": f"{day}T09:30:00Z",
        "closes_at": f"{day}T10:00:00Z",
    }
    for who, booking_id in ((await make_user(), b.pk), (member, 999999)):
        r = await client.get(f"{BK}/{booking_id}/check-in", headers=bearer(who))
        assert (r.status_code, r.json()["detail"]) == (404, f"booking {booking_id} does not exist")
    set_clock(login_clock, at(0, 9, 30))
    assert (await check_in(client, member, b.pk)).status_code == 200

    set_clock(login_clock, at(0, 12))
    made = {}
    for title, where, start in (
        ("Recorded", room, at(0, 11)),
        ("At once", room, at(0, 12)),
        ("No check-in here", exempt, at(0, 11)),
    ):
        r = await client.post(
            BK,
            json={
                "room_id": where.pk,
                "title": title,
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=30)).isoformat(),
                "owner_id": member.pk,
            },
            headers=bearer(staff),
        )
        assert r.status_code == 201, r.text
        made[title] = (r.json()["checked_in_at"], r.json()["version"])
    assert made == {
        "Recorded": (f"{day}T12:00:00Z", 2),
        "At once": (f"{day}T12:00:00Z", 2),
        "No check-in here": (None, 1),
    }
    moved = await book(staff, exempt, at(0, 11, 30), at(0, 12))  # moved into the rule's room
    r = await client.patch(
        f"{BK}/{moved.pk}", json={"room_id": room.pk}, headers=bearer(staff) | {"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["checked_in_at"], r.json()["version"]) == (f"{day}T12:00:00Z", 3)
    assert await checkin.release_due(at(0, 13)) == 0


async def test_a_check_in_is_audited_whole_with_whom_and_through_what(
    client, staff, member, make_room, book, login_clock, monkeypatch
):
    room, other = await make_room(), await make_room()
    await require_checkin(client, staff, room)
    b = await book(member, room, at(0, 10), at(0, 11))
    set_clock(login_clock, at(0, 10))
    assert (await check_in(client, member, b.pk)).status_code == 200
    (event,) = await AuditEvent.filter(entity_id=b.pk, action="booking.check_in")
    day = f"{Y2031}-03-03"
    view = {
        "room_id": room.pk,
        "owner_id": member.pk,
        "title": "Lecture",
        "description": "",
        "start": f"{day}T10:00:00+00:00",
        "end": f"{day}T11:00:00+00:00",
        "status": "confirmed",
        "reason": None,
    }
    assert (event.entity_type, event.actor_user_id) == ("booking", member.pk)
    assert event.before == view | {"version": 1}
    assert event.after == view | {"version": 2, "checked_in_at": f"{day}T10:00:00+00:00"}
    r = await check_in(client, staff, b.pk)
    assert r.status_code == 409, r.text
    assert (r.json()["booking_status"], r.json()["checked_in_at"]) == (
        "confirmed",
        f"{day}T10:00:00+00:00",
    )

    # through the room's display: the record says which; and only its own room's bookings
    mine = await book(member, room, at(0, 12), at(0, 13))
    elsewhere = await book(member, other, at(0, 12), at(0, 13))
    set_clock(login_clock, at(0, 12))
    with pytest.raises(NotFound, match=f"^booking {elsewhere.pk} does not exist$"):
        await checkin.check_in_at_room(room.pk, elsewhere.pk, label="display cxd_abc")
    await checkin.check_in_at_room(room.pk, mine.pk, label="display cxd_abc")
    event = await AuditEvent.get(entity_id=mine.pk, action="booking.check_in")
    assert event.actor_user_id is None
    assert event.after["via"] == "display cxd_abc"
    assert not await AuditEvent.exists(entity_id=elsewhere.pk, action="booking.check_in")

    # released between the check-in's read and its write: a 409 that says so, nothing written
    late = await book(member, room, at(0, 14), at(0, 15))
    set_clock(login_clock, at(0, 14))
    read_window = checkin.booking_window

    async def released_meanwhile(booking):
        assert await checkin_db.release([booking.pk], checkin.REASON, at(0, 14)) == [booking.pk]
        return await read_window(booking)

    monkeypatch.setattr(checkin, "booking_window", released_meanwhile)
    r = await check_in(client, member, late.pk)
    assert r.status_code == 409, r.text
    assert (r.json()["detail"], r.json()["booking_status"]) == (
        f"booking {late.pk} is no longer open for check-in",
        "released",
    )
    assert not await AuditEvent.exists(entity_id=late.pk, action="booking.check_in")


async def test_with_no_rule_requiring_check_in_nothing_is_released(
    client, staff, member, room, book
):
    b = await book(member, room, at(0, 10), at(0, 11))
    assert await checkin.release_due(at(0, 12)) == 0
    assert await checkin.release_due(at(1, 12)) == 0
    assert (await Booking.get(id=b.pk)).status == Status.confirmed


async def test_a_rule_binds_a_booking_starting_as_it_is_set_and_a_run_soon_after_finds_more(
    client, staff, member, room, book, login_clock
):
    """A booking starting at the very moment the rule was switched on is bound by it; a run
    less than a minute after the last still finds what fell due in between."""
    at_start = await book(member, room, at(1, 10), at(1, 11))
    later = await book(member, room, at(2, 10), at(2, 11))
    set_clock(login_clock, at(1, 10))  # the rule comes at the first booking's start
    await set_rules(client, staff, f"room/{room.pk}", requires_checkin=True)
    just_before = at(2, 10, 14) + timedelta(seconds=50)
    assert await checkin.release_due(just_before) == 1  # the first, closed at 10:15 on day 1
    assert (await Booking.get(id=at_start.pk)).status == Status.released
    assert await checkin.release_due(just_before + timedelta(seconds=20)) == 1
    assert (await Booking.get(id=later.pk)).status == Status.released
    assert await checkin.release_due(just_before + timedelta(seconds=30)) == 0  # none left


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
async def test_while_another_process_holds_the_release_cursor_this_one_waits_its_turn(
    client, staff, member, room, book, database_url
):
    """PostgreSQL: the cursor row is taken with ``SKIP LOCKED``, so a process finding it
    held releases nothing and returns at once (SQLite's write lock serialises releasers)."""
    await require_checkin(client, staff, room)
    b = await book(member, room, at(0, 10), at(0, 11))
    assert await checkin.release_due(at(0, 9)) == 0  # the cursor row exists from here
    other = await asyncpg.connect(database_url)
    try:
        await other.execute("BEGIN")
        await other.execute(
            "SELECT position FROM outbox_cursors WHERE name = $1 FOR UPDATE", checkin.CURSOR
        )
        assert await asyncio.wait_for(checkin.release_due(at(0, 12)), 10) == 0
        assert (await Booking.get(id=b.pk)).status == Status.confirmed
    finally:
        await other.close()
    assert await checkin.release_due(at(0, 12, 1)) == 1


async def test_a_booking_checked_in_between_the_read_and_the_release_is_skipped_alone(
    client, staff, member, room, make_room, book, monkeypatch
):
    """A check-in that lands after the batch read its due bookings: that booking stays
    confirmed with no release recorded, and the rest of the batch is released and audited."""
    rooms = [room, await make_room(), await make_room()]
    for r in rooms:
        await require_checkin(client, staff, r)
    made = [await book(member, r, at(0, 10), at(0, 11)) for r in rooms]
    read_due = checkin_db.due

    async def checked_in_meanwhile(*args):
        rows = await read_due(*args)
        assert await checkin_db.check_in(made[0].pk, at(0, 10, 5))
        return rows

    monkeypatch.setattr(checkin_db, "due", checked_in_meanwhile)
    assert await checkin.release_due(at(0, 12)) == 2
    statuses = [(await Booking.get(id=b.pk)).status for b in made]
    assert statuses == [Status.confirmed, Status.released, Status.released]
    released = await AuditEvent.filter(action="booking.release").order_by("entity_id")
    assert [e.entity_id for e in released] == [made[1].pk, made[2].pk]


async def test_a_catch_up_in_small_batches_releases_each_once_audited_whole(
    client, staff, member, room, book
):
    """Days of downtime, released two at a time: every batch is its own transaction, the
    cursor moves on only after the last, and each release is recorded whole."""
    runtime.configure(
        runtime.settings().model_copy(update={"checkin_release_batch": 2}), runtime.cache()
    )
    await require_checkin(client, staff, room)
    made = [await book(member, room, at(d, 10), at(d, 11), title=f"Day {d}") for d in range(5)]
    assert await checkin.release_due(at(9, 0)) == 5
    assert [(await Booking.get(id=b.pk)).status for b in made] == [Status.released] * 5
    cursor = await sql.fetch_one(
        "SELECT position FROM outbox_cursors WHERE name = ?", checkin.CURSOR
    )
    assert cursor is not None and int(cursor["position"]) == int(at(9, 0).timestamp())
    events = await AuditEvent.filter(action="booking.release").order_by("entity_id")
    assert [e.entity_id for e in events] == [b.pk for b in made]
    for day, event in enumerate(events):
        date = f"{Y2031}-03-0{3 + day}"
        view = {
            "room_id": room.pk,
            "owner_id": member.pk,
            "title": f"Day {day}",
            "start": f"{date}T10:00:00+00:00",
            "end": f"{date}T11:00:00+00:00",
        }
        assert (event.entity_type, event.actor_user_id) == ("booking", None)
        assert event.before == view | {"status": "confirmed", "version": 1}
        assert event.after == view | {
            "status": "released",
            "version": 2,
            "reason": "no-show: nobody checked in",
            "due_at": f"{date}T10:15:00+00:00",
            "released_at": f"{Y2031}-03-12T00:00:00+00:00",
        }
    assert await checkin.release_due(at(9, 1)) == 0


async def test_a_released_occurrence_keeps_the_hand_changes_it_had(
    client, staff, member, room, login_clock
):
    """An occurrence renamed by hand, then released: both stay marked, so neither a series
    edit nor the next import undoes the title or confirms it again."""
    await require_checkin(client, staff, room)
    first = (await daily_tutorial(client, staff, member, room, 2))[0]
    r = await client.patch(
        f"{BK}/{first.pk}",
        json={"title": "Tutorial (make-up)"},
        headers=bearer(member) | {"If-Match": f'"{first.version}"'},
    )
    assert r.status_code == 200, r.text
    assert (await Booking.get(id=first.pk)).exception_fields == ["title"]
    assert await checkin.release_due(at(0, 12)) == 1
    released = await Booking.get(id=first.pk)
    assert (released.status, released.exception_fields) == (Status.released, ["status", "title"])
    (event,) = await AuditEvent.filter(entity_id=first.pk, action="booking.release")
    assert event.after["exception_fields"] == ["status", "title"]
    assert event.after["title"] == "Tutorial (make-up)"
