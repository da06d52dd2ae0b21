"""Attendees on series and import items: a series' head count goes to its occurrences, one
changed by hand is an exception that series edits and imports keep, more than the room's
seats is refused with nothing written, a change of head count alone is an import update, and
the utilisation report's seat fit counts series and import bookings (both engines)."""

from __future__ import annotations

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking
from compax_server.db.series import ImportBatch, Series
from compax_server.services import rooms
from tests.conftest import actor_of, bearer, series_body
from tests.dates import Y2031

S = "/api/v1/series"
BK = "/api/v1/bookings"
IMPORTS = "/api/v1/imports"
REPORT = "/api/v1/reports/utilisation"


async def occurrences(client, user, series_id):
    r = await client.get(f"{S}/{series_id}", headers=bearer(user))
    assert r.status_code == 200, r.text
    return r.json()["occurrences"]


async def head_counts(series_id):
    rows = await Booking.filter(series_id=series_id).order_by("occurrence_date")
    return [b.attendees for b in rows]


async def test_a_series_head_count_goes_to_every_occurrence(client, member, make_room):
    room = await make_room(capacity=40)
    r = await client.post(S, json=series_body(room, attendees=35), headers=bearer(member))
    assert r.status_code == 201, r.text
    assert r.json()["attendees"] == 35
    assert [b["attendees"] for b in await occurrences(client, member, r.json()["id"])] == [35] * 4
    event = await AuditEvent.filter(action="series.create", entity_id=r.json()["id"]).first()
    assert event is not None and event.after["attendees"] == 35
    other = await make_room(capacity=40)
    r = await client.post(S, json=series_body(other), headers=bearer(member))
    assert r.status_code == 201 and r.json()["attendees"] is None
    assert await head_counts(r.json()["id"]) == [None] * 4
    for bad in (0, 10_001, "3", 2.5):
        r = await client.post(S, json=series_body(other, attendees=bad), headers=bearer(member))
        assert r.status_code == 400, bad


async def test_more_people_than_seats_writes_nothing(client, member, staff, make_room):
    room = await make_room(capacity=20)
    events = await AuditEvent.all().count()
    for user in (member, staff):  # staff too, unless they override
        r = await client.post(S, json=series_body(room, attendees=21), headers=bearer(user))
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["errors"][0]["rule"] == "room_capacity"
        assert problem["errors"][0]["limit"] == 20
        assert problem["errors"][0]["pointer"] == "/attendees"
        assert f"21 attendees do not fit in {room.code} (20 seats)" in problem["detail"]
    assert await Series.all().count() == 0
    assert await Booking.all().count() == 0
    assert await AuditEvent.all().count() == events
    r = await client.post(
        S, json=series_body(room, attendees=21, override=True), headers=bearer(staff)
    )
    assert r.status_code == 201 and await head_counts(r.json()["id"]) == [21] * 4


async def test_editing_the_head_count_keeps_an_occurrence_changed_by_hand(
    client, member, make_room
):
    room = await make_room(capacity=40)
    r = await client.post(S, json=series_body(room, attendees=30), headers=bearer(member))
    sid, etag = r.json()["id"], r.headers["etag"]
    second = (await occurrences(client, member, sid))[1]
    # One occurrence gets its own head count: an exception of its series.
    r = await client.patch(
        f"{BK}/{second['id']}",
        json={"attendees": 12},
        headers=bearer(member) | {"If-Match": f'"{second["version"]}"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["exception_fields"] == ["attendees"]
    # Too many for the room: refused, nothing changes.
    versions = sorted(await Booking.filter(series_id=sid).values_list("id", "version"))
    r = await client.patch(
        f"{S}/{sid}", json={"attendees": 41}, headers=bearer(member) | {"If-Match": etag}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "room_capacity"
    assert sorted(await Booking.filter(series_id=sid).values_list("id", "version")) == versions
    assert (await Series.get(id=sid)).attendees == 30
    r = await client.patch(
        f"{S}/{sid}", json={"attendees": 25}, headers=bearer(member) | {"If-Match": etag}
    )
    assert r.status_code == 200, r.text
    assert r.json()["attendees"] == 25
    assert r.json()["exceptions_kept"] == [
        {"booking_id": second["id"], "date": f"{Y2031}-03-11", "fields": ["attendees"]}
    ]
    assert await head_counts(sid) == [25, 12, 25, 25]
    # From a date on: those occurrences differ from the series, so they become exceptions.
    r = await client.patch(
        f"{S}/{sid}",
        json={"attendees": 18, "scope": "following", "from_date": f"{Y2031}-03-25"},
        headers=bearer(member) | {"If-Match": r.headers["etag"]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["attendees"] == 25  # the series itself keeps its number
    assert await head_counts(sid) == [25, 12, 25, 18]
    # Clearing it (null) reaches every occurrence not changed by hand; a reset reaches all.
    r = await client.patch(
        f"{S}/{sid}",
        json={"attendees": None},
        headers=bearer(member) | {"If-Match": r.headers["etag"]},
    )
    assert r.status_code == 200 and r.json()["attendees"] is None
    assert await head_counts(sid) == [None, 12, None, 18]
    r = await client.patch(
        f"{S}/{sid}",
        json={"reset_exceptions": True},
        headers=bearer(member) | {"If-Match": r.headers["etag"]},
    )
    assert r.status_code == 200, r.text
    assert await head_counts(sid) == [None] * 4
    assert [b.exception_fields for b in await Booking.filter(series_id=sid)] == [[]] * 4


async def test_moving_a_series_to_a_room_too_small_is_refused(client, admin, staff, make_room):
    big, small = await make_room(capacity=60), await make_room(capacity=20)
    r = await client.post(S, json=series_body(big, attendees=50), headers=bearer(staff))
    sid, etag = r.json()["id"], r.headers["etag"]
    r = await client.patch(
        f"{S}/{sid}", json={"room_id": small.pk}, headers=bearer(staff) | {"If-Match": etag}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "room_capacity"
    assert set(await Booking.filter(series_id=sid).values_list("room_id", flat=True)) == {big.pk}
    r = await client.patch(
        f"{S}/{sid}",
        json={"room_id": small.pk, "attendees": 20},
        headers=bearer(staff) | {"If-Match": etag},
    )
    assert r.status_code == 200, r.text
    assert await head_counts(sid) == [20] * 4
    # A date added later comes with the series' head count, checked against the room.
    etag = r.headers["etag"]
    await rooms.update_room(actor_of(admin), small.pk, capacity=19)
    add = {"date": f"{Y2031}-04-01"}
    r = await client.post(f"{S}/{sid}/dates", json=add, headers=bearer(staff) | {"If-Match": etag})
    assert r.status_code == 422 and r.json()["errors"][0]["limit"] == 19
    assert await head_counts(sid) == [20] * 4
    await rooms.update_room(actor_of(admin), small.pk, capacity=20)
    r = await client.post(f"{S}/{sid}/dates", json=add, headers=bearer(staff) | {"If-Match": etag})
    assert r.status_code == 200, r.text
    assert await head_counts(sid) == [20] * 5


# -- imports ----------------------------------------------------------------------------------


def lecture(ext, room, **extra):
    return {
        "external_id": ext,
        "kind": "series",
        "room": room.code,
        "title": f"Lecture {ext}",
        "start_date": f"{Y2031}-03-04",
        "start_time": "09:00",
        "duration_minutes": 90,
        "recurrence": {"freq": "weekly", "count": 4},
        **extra,
    }


def exam(ext, room, **extra):
    return {
        "external_id": ext,
        "kind": "booking",
        "room": room.code,
        "title": f"Exam {ext}",
        "start": f"{Y2031}-03-06T09:00:00+00:00",
        "end": f"{Y2031}-03-06T11:00:00+00:00",
        **extra,
    }


async def run(client, user, items, **options):
    body = {"source": "sis-2031", "items": items, **options}
    return await client.post(IMPORTS, json=body, headers=bearer(user))


def actions(r):
    return {i["external_id"]: (i["action"], i.get("changes")) for i in r.json()["items"]}


async def test_an_import_carries_head_counts_and_a_new_count_is_an_update(client, staff, make_room):
    room = await make_room(capacity=40)
    items = [
        lecture("L1", room, attendees=30),
        exam("E1", room, attendees=40),
        lecture("L2", room, start_time="13:00"),
    ]
    r = await run(client, staff, items, mode="apply")
    assert r.status_code == 201, r.text
    l1 = await Series.get(external_id="L1")
    assert l1.attendees == 30 and await head_counts(l1.pk) == [30] * 4
    assert (await Booking.get(external_id="E1")).attendees == 40
    l2 = await Series.get(external_id="L2")
    assert l2.attendees is None and await head_counts(l2.pk) == [None] * 4
    assert set(actions(await run(client, staff, items)).values()) == {("unchanged", None)}
    # One occurrence of L1 gets its own count by hand; the import keeps it.
    second = (await Booking.filter(series_id=l1.pk).order_by("occurrence_date"))[1]
    r = await client.patch(
        f"{BK}/{second.pk}",
        json={"attendees": 10},
        headers=bearer(staff) | {"If-Match": f'"{second.version}"'},
    )
    assert r.status_code == 200, r.text
    # Only the head counts change: updates, not "unchanged".
    changed = [lecture("L1", room, attendees=32), exam("E1", room, attendees=35), items[2]]
    plan = await run(client, staff, changed)
    assert actions(plan) == {
        "L1": ("update", ["attendees"]),
        "E1": ("update", ["attendees"]),
        "L2": ("unchanged", None),
    }
    l1_plan = next(i for i in plan.json()["items"] if i["external_id"] == "L1")
    assert l1_plan["exceptions_kept"] == [
        {"booking_id": second.pk, "date": f"{Y2031}-03-11", "fields": ["attendees"]}
    ]
    r = await run(client, staff, changed, mode="apply")
    assert r.status_code == 201, r.text
    assert (await Series.get(id=l1.pk)).attendees == 32
    assert await head_counts(l1.pk) == [32, 10, 32, 32]
    assert (await Booking.get(external_id="E1")).attendees == 35
    assert set(actions(await run(client, staff, changed)).values()) == {("unchanged", None)}
    # Dropping the count is a change too.
    plan = await run(client, staff, [lecture("L1", room), *changed[1:]])
    assert actions(plan)["L1"] == ("update", ["attendees"])


async def test_an_import_item_too_big_for_its_room_is_invalid_and_nothing_is_written(
    client, staff, make_room
):
    room = await make_room(capacity=25)
    items = [lecture("L1", room, attendees=26), exam("E1", room)]
    plan = await run(client, staff, items)
    item = plan.json()["items"][0]
    assert item["action"] == "invalid"
    assert item["errors"] == [
        {
            "field": "attendees",
            "rule": "room_capacity",
            "limit": 25,
            "detail": f"26 attendees do not fit in {room.code} (25 seats)",
        }
    ]
    r = await run(client, staff, items, mode="apply")
    assert r.status_code == 409 and r.json()["code"] == "import_rejected"
    assert await Booking.all().count() == 0 and await Series.all().count() == 0
    assert await ImportBatch.filter(status="applied").count() == 0
    # The same item in an existing series: the update is refused too, the old count stays.
    r = await run(client, staff, [lecture("L1", room, attendees=20)], mode="apply")
    assert r.status_code == 201, r.text
    sid = (await Series.get(external_id="L1")).pk
    r = await run(client, staff, [lecture("L1", room, attendees=30)], mode="apply")
    assert r.status_code == 409
    assert await head_counts(sid) == [20] * 4
    # override (staff, audited) books it anyway, as POST /bookings does.
    r = await run(client, staff, [lecture("L1", room, attendees=30)], mode="apply", override=True)
    assert r.status_code == 201, r.text
    assert await head_counts(sid) == [30] * 4


# -- the utilisation report ---------------------------------------------------------------------


async def test_seat_fit_counts_series_and_import_bookings(client, staff, make_room):
    small, big = await make_room(capacity=20), await make_room(capacity=50)
    r = await client.post(S, json=series_body(small, attendees=15), headers=bearer(staff))
    sid = r.json()["id"]
    occ = await occurrences(client, staff, sid)
    # By hand: one occurrence overflows (staff override), one is cancelled.
    r = await client.patch(
        f"{BK}/{occ[0]['id']}",
        json={"attendees": 24, "override": True},
        headers=bearer(staff) | {"If-Match": f'"{occ[0]["version"]}"'},
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{BK}/{occ[3]['id']}/cancel",
        headers=bearer(staff) | {"If-Match": f'"{occ[3]["version"]}"'},
    )
    assert r.status_code == 200, r.text
    items = [lecture("L1", big, attendees=40, start_time="11:00"), exam("E1", big, attendees=10)]
    assert (await run(client, staff, items, mode="apply")).status_code == 201
    # The oracle, from what was asked: the confirmed bookings that give a head count.
    asked = {
        small.pk: [24, 15, 15],  # the overflowing one, two as the series says, one cancelled
        big.pk: [40, 40, 40, 40, 10],  # the imported lecture's four, and the exam
    }
    seats = {small.pk: 20, big.pk: 50}
    r = await client.get(
        REPORT, params={"from": f"{Y2031}-03-03", "to": f"{Y2031}-03-30"}, headers=bearer(staff)
    )
    assert r.status_code == 200, r.text
    got = {x["room_id"]: (x["seat_fit"], x["over_capacity"]) for x in r.json()["rooms"]}
    for room_id, counts in asked.items():
        fit = round(sum(counts) / (len(counts) * seats[room_id]), 4)
        over = sum(1 for n in counts if n > seats[room_id])
        assert got[room_id] == (fit, over)
    assert got[big.pk] == (0.68, 0) and got[small.pk] == (0.9, 1)
