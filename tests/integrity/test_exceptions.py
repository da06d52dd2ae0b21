"""Occurrence exceptions (integrity issue, item 3): a moved, retimed, renamed or cancelled
occurrence of a series stays that way through series edits, shows as an exception, and is
overwritten only with ``reset_exceptions``."""

from __future__ import annotations

from compax_server.db.audit import AuditEvent
from tests.conftest import bearer, series_body
from tests.dates import Y2031

S = "/api/v1/series"
BK = "/api/v1/bookings"


async def make_series(client, staff, room):
    r = await client.post(S, json=series_body(room), headers=bearer(staff))
    assert r.status_code == 201, r.text
    return r.json()


async def detail(client, staff, series_id):
    r = await client.get(f"{S}/{series_id}", headers=bearer(staff))
    assert r.status_code == 200
    return r.json()


async def patch_series(client, staff, series_id, **changes):
    current = await detail(client, staff, series_id)
    return await client.patch(
        f"{S}/{series_id}",
        json=changes,
        headers=bearer(staff) | {"If-Match": f'"{current["version"]}"'},
    )


async def test_a_series_edit_keeps_a_moved_and_a_cancelled_occurrence(
    client, staff, room, make_room
):
    """Repro: staff moved one occurrence to another room and cancelled another ("lecturer
    ill"); `compax series edit ID --time 16:15` put the moved one back and printed
    "Changed series: 4 occurrence(s)"."""
    other = await make_room()
    series = await make_series(client, staff, room)
    occ = (await detail(client, staff, series["id"]))["occurrences"]
    moved, cancelled = occ[1], occ[2]
    r = await client.patch(
        f"{BK}/{moved['id']}",
        json={"room_id": other.pk},
        headers=bearer(staff) | {"If-Match": f'"{moved["version"]}"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["exception_fields"] == ["room_id"]
    r = await client.post(
        f"{BK}/{cancelled['id']}/cancel",
        json={"reason": "lecturer ill"},
        headers=bearer(staff) | {"If-Match": f'"{cancelled["version"]}"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["exception_fields"] == ["status"]

    r = await patch_series(client, staff, series["id"], start_time="16:15")
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["exceptions_kept"] == []  # the time of the moved one is not an exception
    after = {b["id"]: b for b in (await detail(client, staff, series["id"]))["occurrences"]}
    assert after[moved["id"]]["room_id"] == other.pk  # stays where staff put it
    assert after[moved["id"]]["start"].endswith("15:15:00Z")  # 16:15 Berlin, new time
    assert after[cancelled["id"]]["status"] == "cancelled"
    assert after[occ[0]["id"]]["start"].endswith("15:15:00Z")

    # Moving the whole series to a third room reports the moved one as kept.
    third = await make_room()
    r = await patch_series(client, staff, series["id"], room_id=third.pk)
    assert r.status_code == 200, r.text
    kept = r.json()["exceptions_kept"]
    assert kept == [{"booking_id": moved["id"], "date": moved["start"][:10], "fields": ["room_id"]}]
    after = {b["id"]: b for b in (await detail(client, staff, series["id"]))["occurrences"]}
    assert after[moved["id"]]["room_id"] == other.pk
    assert after[occ[0]["id"]]["room_id"] == third.pk
    event = await AuditEvent.filter(action="series.update").order_by("-id").first()
    assert event is not None and event.after["exceptions_kept"] == kept

    # Only an explicit reset overwrites it.
    r = await patch_series(client, staff, series["id"], room_id=third.pk, reset_exceptions=True)
    assert r.status_code == 200, r.text
    after = {b["id"]: b for b in (await detail(client, staff, series["id"]))["occurrences"]}
    assert after[moved["id"]]["room_id"] == third.pk
    assert after[moved["id"]]["exception_fields"] == []
    assert after[cancelled["id"]]["status"] == "cancelled"


async def test_a_following_move_makes_exceptions_that_a_later_edit_keeps(
    client, staff, room, make_room
):
    """Repro: `series move --from DATE --room R2` then `series edit --time` put every moved
    occurrence back in the series' room."""
    other = await make_room()
    series = await make_series(client, staff, room)
    occ = (await detail(client, staff, series["id"]))["occurrences"]
    r = await patch_series(
        client,
        staff,
        series["id"],
        scope="following",
        from_date=occ[2]["start"][:10],
        room_id=other.pk,
    )
    assert r.status_code == 200, r.text
    r = await patch_series(client, staff, series["id"], duration_minutes=60)
    assert r.status_code == 200, r.text
    after = (await detail(client, staff, series["id"]))["occurrences"]
    assert [b["room_id"] for b in after] == [room.pk, room.pk, other.pk, other.pk]
    assert [b["exception_fields"] for b in after] == [[], [], ["room_id"], ["room_id"]]
    assert all(b["end"].endswith("09:00:00Z") for b in after)  # 09:00-10:00 Berlin (CET)


async def test_a_renamed_occurrence_keeps_its_title_through_a_series_rename(client, staff, room):
    series = await make_series(client, staff, room)
    occ = (await detail(client, staff, series["id"]))["occurrences"]
    r = await client.patch(
        f"{BK}/{occ[0]['id']}",
        json={"title": "Algorithms: exam review"},
        headers=bearer(staff) | {"If-Match": f'"{occ[0]["version"]}"'},
    )
    assert r.json()["exception_fields"] == ["title"]
    r = await patch_series(client, staff, series["id"], title="Algorithms I")
    assert r.json()["exceptions_kept"][0]["fields"] == ["title"]
    titles = [b["title"] for b in (await detail(client, staff, series["id"]))["occurrences"]]
    assert titles == ["Algorithms: exam review", "Algorithms I", "Algorithms I", "Algorithms I"]


async def test_each_field_changed_by_hand_alone_is_an_exception_of_its_own(client, staff, room):
    """One change of one part at a time, each on its own occurrence: a later start alone, a
    later end alone, the description alone, the attendees alone."""
    series = await make_series(client, staff, room)
    occ = (await detail(client, staff, series["id"]))["occurrences"]
    changes = [
        ({"start": f"{Y2031}-03-04T08:15:00Z"}, ["time"]),  # 09:00 CET is 08:00Z
        ({"end": f"{Y2031}-03-11T09:45:00Z"}, ["time"]),
        ({"description": "Bring a laptop"}, ["title"]),
        ({"attendees": 25}, ["attendees"]),
    ]
    for booking, (change, fields) in zip(occ, changes, strict=True):
        r = await client.patch(
            f"{BK}/{booking['id']}",
            json=change,
            headers=bearer(staff) | {"If-Match": f'"{booking["version"]}"'},
        )
        assert r.status_code == 200, r.text
        assert r.json()["exception_fields"] == fields, change
        event = await AuditEvent.filter(action="booking.update", entity_id=booking["id"]).get()
        assert (event.before.get("exception_fields"), event.after["exception_fields"]) == (
            None,
            fields,
        )
