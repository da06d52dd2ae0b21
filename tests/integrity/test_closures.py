"""Closures act on the bookings they cover (integrity issue, item 5): refused by default
with the bookings listed, or cancelled with the reason, or kept; never silent."""

from __future__ import annotations

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.rooms import Closure
from tests.conftest import at, bearer
from tests.dates import Y2031


def closures(building):
    return f"/api/v1/buildings/{building.pk}/closures"


def over_monday(**extra):
    return {"reason": "Burst pipe", "start": at(0, 8).isoformat(), "end": at(0, 18).isoformat()}


async def test_a_closure_over_a_booking_is_refused_listing_it(
    client, staff, member, building, room, book
):
    """Repro: `buildings closures add` over a confirmed booking changed nothing and said
    nothing; availability then showed `closed` and `confirmed` overlapping."""
    taken = await book(member, room, at(0, 9), at(0, 10))
    r = await client.post(closures(building), json=over_monday(), headers=bearer(staff))
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "closure_hits_bookings"
    assert [b["id"] for b in r.json()["bookings"]] == [taken.pk]
    assert await Closure.all().count() == 0
    assert (await Booking.get(id=taken.pk)).status == Status.confirmed


async def test_cancel_cancels_each_booking_hit_with_the_reason(
    client, staff, member, building, room, make_room, book
):
    taken = await book(member, room, at(0, 9), at(0, 10))
    elsewhere = await book(member, await make_room(), at(0, 9), at(0, 10))
    later = await book(member, room, at(1, 9), at(1, 10))
    body = over_monday() | {"room_id": room.pk, "on_bookings": "cancel"}
    r = await client.post(closures(building), json=body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    assert r.json()["booking_ids"] == [taken.pk]
    assert r.json()["on_bookings"] == "cancel"
    cancelled = await Booking.get(id=taken.pk)
    assert (cancelled.status, cancelled.reason) == (Status.cancelled, "closed: Burst pipe")
    assert (await Booking.get(id=elsewhere.pk)).status == Status.confirmed  # another room
    assert (await Booking.get(id=later.pk)).status == Status.confirmed  # another day
    cancelled_by = await AuditEvent.get(action="booking.cancel", entity_id=taken.pk)
    assert cancelled_by.after["closure_id"] == r.json()["id"]  # which closure ended it


async def test_keep_keeps_them_and_says_which(client, staff, member, building, room, book):
    taken = await book(member, room, at(0, 9), at(0, 10))
    body = over_monday() | {"on_bookings": "keep"}
    r = await client.post(closures(building), json=body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    assert r.json()["booking_ids"] == [taken.pk]
    assert (await Booking.get(id=taken.pk)).status == Status.confirmed
    event = await AuditEvent.filter(action="closure.create").first()
    assert event is not None
    assert event.after["on_bookings"] == "keep" and event.after["booking_ids"] == [taken.pk]


async def test_a_series_with_skip_closures_leaves_out_just_the_closed_date(
    client, admin, staff, member, building, room, book
):
    """The closed dates are left out whatever else is in their way: a booking a closure
    kept is no conflict of a date that is not booked, and a request it kept there is not
    overridden; a closed date with nothing else is left out as plainly."""
    from datetime import UTC, datetime

    from compax_server.services import buildings
    from tests.conftest import actor_of

    kept = await book(
        member,
        room,
        datetime(Y2031, 3, 11, 8, 30, tzinfo=UTC),
        datetime(Y2031, 3, 11, 9, tzinfo=UTC),
    )
    request = await book(
        member,
        room,
        datetime(Y2031, 3, 11, 9, 30, tzinfo=UTC),
        datetime(Y2031, 3, 11, 10, tzinfo=UTC),
    )
    await Booking.filter(id=request.pk).update(status=Status.pending)  # a request it kept
    closure = await buildings.add_closure(
        actor_of(admin),
        building.pk,
        start=datetime(Y2031, 3, 11, tzinfo=UTC),
        end=datetime(Y2031, 3, 12, tzinfo=UTC),
        reason="Open day",
        on_bookings="keep",
    )
    drill = await buildings.add_closure(
        actor_of(admin),
        building.pk,
        room_id=room.pk,
        start=datetime(Y2031, 3, 25, 7, tzinfo=UTC),
        end=datetime(Y2031, 3, 25, 9, tzinfo=UTC),
        reason="Fire drill",
    )
    body = {
        "room_id": room.pk,
        "title": "Algorithms",
        "start_date": f"{Y2031}-03-04",
        "start_time": "09:00",
        "duration_minutes": 90,
        "recurrence": {"freq": "weekly", "count": 4},
    }
    refused = await client.post("/api/v1/series", json=body, headers=bearer(staff))
    assert refused.status_code == 422
    r = await client.post(
        "/api/v1/series", json=body | {"skip_closures": True}, headers=bearer(staff)
    )
    assert r.status_code == 201, r.text
    [skipped, plain] = r.json()["skipped"]
    assert plain["date"] == f"{Y2031}-03-25" and plain["reason"] == "closure"
    assert [e["closure_id"] for e in plain["errors"]] == [drill.closure.pk]
    assert skipped == {
        "date": f"{Y2031}-03-11",
        "reason": "closure",
        "conflicts": None,
        "errors": [
            {
                "date": f"{Y2031}-03-11",
                "rule": "closure",
                "detail": f"closed: Open day ({Y2031}-03-11T00:00:00+00:00 to "
                f"{Y2031}-03-12T00:00:00+00:00)",
                "closure_id": closure.closure.pk,
            }
        ],
    }
    series = await Booking.filter(series_id=r.json()["id"]).order_by("start")
    assert [b.start.date().isoformat() for b in series] == [f"{Y2031}-03-04", f"{Y2031}-03-18"]
    assert (await Booking.get(id=kept.pk)).status == Status.confirmed
    # the series is not booked on the closed date: the request there is not overridden
    assert (await Booking.get(id=request.pk)).status == Status.pending


async def test_a_new_term_holiday_acts_on_the_series_that_skip_holidays(
    client, staff, member, room, book
):
    """Repro: a new term holiday on a lecture day changed nothing and said nothing; the
    lecture stayed booked on the holiday."""
    term = await client.post(
        "/api/v1/terms",
        json={"name": "Spring", "start_date": f"{Y2031}-03-01", "end_date": f"{Y2031}-06-30"},
        headers=bearer(staff),
    )
    assert term.status_code == 201, term.text
    series = await client.post(
        "/api/v1/series",
        json={
            "room_id": room.pk,
            "title": "Algorithms",
            "start_date": f"{Y2031}-03-04",
            "start_time": "09:00",
            "duration_minutes": 90,
            "recurrence": {"freq": "weekly", "term_id": term.json()["id"]},
        },
        headers=bearer(staff),
    )
    assert series.status_code == 201, series.text
    on_holiday = await Booking.get(series_id=series.json()["id"], start=at(8, 8))  # 2031-03-11
    path = f"/api/v1/terms/{term.json()['id']}"
    holidays = {"holidays": [{"start": f"{Y2031}-03-11", "name": "Founders' day"}]}

    h = bearer(staff) | {"If-Match": f'"{term.json()["version"]}"'}
    r = await client.patch(path, json=holidays, headers=h)
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "closure_hits_bookings"
    assert [b["id"] for b in r.json()["bookings"]] == [on_holiday.pk]

    r = await client.patch(path, json=holidays | {"on_bookings": "cancel"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["booking_ids"] == [on_holiday.pk]
    cancelled = await Booking.get(id=on_holiday.pk)
    assert (cancelled.status, cancelled.reason) == (Status.cancelled, "holiday: Founders' day")
    assert await Booking.filter(series_id=series.json()["id"], status=Status.confirmed).count() > 10


async def test_a_closure_hits_exactly_the_active_bookings_inside_it_in_time_order(
    client, staff, member, building, room, book
):
    """Listed by start (the one made first starts last): not a booking that ends as the
    closure begins or begins as it ends, not a cancelled one inside it; the 409 says how
    many and what to send."""
    late = await book(member, room, at(0, 16), at(0, 17))
    early = await book(member, room, at(0, 9), at(0, 10))
    await book(member, room, at(0, 7), at(0, 8))  # ends as the closure (08-18) begins
    await book(member, room, at(0, 18), at(0, 19))  # begins as it ends
    gone = await book(member, room, at(0, 12), at(0, 13))
    await Booking.filter(id=gone.pk).update(status=Status.cancelled)
    r = await client.post(closures(building), json=over_monday(), headers=bearer(staff))
    assert r.status_code == 409, r.text
    assert [b["id"] for b in r.json()["bookings"]] == [early.pk, late.pk]
    assert r.json()["detail"] == (
        "the closure would cover 2 bookings; send on_bookings=cancel to cancel them (their "
        "owners see why), or on_bookings=keep to keep them"
    )
    body = over_monday() | {"on_bookings": "keep"}
    r = await client.post(closures(building), json=body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    assert r.json()["booking_ids"] == [early.pk, late.pk]


async def test_a_building_s_closure_closes_its_own_rooms_still_there_and_no_other(
    client, staff, member, building, room, make_room
):
    """A closure of the building hits the bookings of its rooms: not those of another
    building's rooms at the same time, nor the history of a room it removed (here a day in
    the past, which a closure may cover: the one live room's booking is the only one hit)."""
    from datetime import UTC, datetime

    from compax_server.db.rooms import Building

    other = await Building.create(code="B2", name="Other", timezone="UTC")
    abroad = await make_room(building_id=other.pk, code="B2-1")
    removed = await make_room()
    nine, ten = datetime(2020, 3, 2, 9, tzinfo=UTC), datetime(2020, 3, 2, 10, tzinfo=UTC)
    made = {}
    for name, where in (("live", room), ("abroad", abroad), ("removed", removed)):
        made[name] = await Booking.create(
            room_id=where.pk,
            owner_id=member.pk,
            title=name,
            start=nine,
            end=ten,
            status=Status.confirmed,
        )
    r = await client.delete(f"/api/v1/rooms/{removed.pk}", headers=bearer(staff))
    assert r.status_code == 200, r.text  # its booking is history, not to come
    body = {
        "reason": "Audit",
        "start": datetime(2020, 3, 2, 8, tzinfo=UTC).isoformat(),
        "end": datetime(2020, 3, 2, 18, tzinfo=UTC).isoformat(),
        "on_bookings": "keep",
    }
    r = await client.post(closures(building), json=body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    assert r.json()["booking_ids"] == [made["live"].pk]
