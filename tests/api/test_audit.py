"""The audit log and the change feed."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from compax_server.db.users import Role
from compax_server.services.paging import encode_cursor
from tests.conftest import at, bearer, key_header, make_key, refused_field


async def test_the_change_feed_returns_every_change_once_in_order(client, staff, room, book):
    h = bearer(staff)
    first = await client.get("/api/v1/changes", params={"limit": 200}, headers=h)
    assert first.status_code == 200
    seen = [e["id"] for e in first.json()["data"]]
    cursor = first.json()["next_cursor"]
    for day in range(3):
        await book(staff, room, at(day, 9), at(day, 10))
    new_ids = []
    while True:
        page = (
            await client.get("/api/v1/changes", params={"since": cursor, "limit": 2}, headers=h)
        ).json()
        if not page["data"]:
            assert page["next_cursor"] == cursor  # nothing new: same position, poll again later
            break
        new_ids += [e["id"] for e in page["data"]]
        cursor = page["next_cursor"]
    assert len(new_ids) == 3
    assert new_ids == sorted(new_ids) and not set(new_ids) & set(seen)
    events = (
        await client.get("/api/v1/audit-events", params={"entity_type": "booking"}, headers=h)
    ).json()["data"]
    assert [e["action"] for e in events] == ["booking.create"] * 3
    assert events[0]["after"]["status"] == "confirmed"


async def test_a_reader_starting_now_gets_the_newest_changes_and_the_cursor_after_them(
    client, staff, room, book
):
    """``tail=N`` instead of ``since``: the newest N in commit order, without reading the
    feed from its start; then ``since`` goes on from there."""
    h = bearer(staff)
    before = (await client.get("/api/v1/changes", params={"limit": 200}, headers=h)).json()
    start = (await client.get("/api/v1/changes", params={"tail": 1}, headers=h)).json()
    assert start["data"] == before["data"][-1:]  # the setup's last change, if any
    for day in range(3):
        await book(staff, room, at(day, 9), at(day, 10))
    every = (await client.get("/api/v1/changes", params={"limit": 200}, headers=h)).json()["data"]
    since_start = await client.get(
        "/api/v1/changes", params={"since": start["next_cursor"], "limit": 200}, headers=h
    )
    assert [e["action"] for e in since_start.json()["data"]] == ["booking.create"] * 3
    two = (await client.get("/api/v1/changes", params={"tail": 2}, headers=h)).json()
    assert [e["id"] for e in two["data"]] == [e["id"] for e in every[-2:]]  # oldest first
    none = (await client.get("/api/v1/changes", params={"tail": 0}, headers=h)).json()
    assert none["data"] == [] and none["next_cursor"] == two["next_cursor"]
    await book(staff, room, at(5, 9), at(5, 10))
    after = await client.get("/api/v1/changes", params={"since": none["next_cursor"]}, headers=h)
    [new] = after.json()["data"]
    assert new["action"] == "booking.create" and new["id"] > every[-1]["id"]


async def test_tail_is_a_count_up_to_the_page_limit_and_not_with_since(client, staff):
    h = bearer(staff)
    for params, field in (({"tail": -1}, "tail"), ({"tail": 201}, "tail"), ({"tail": "x"}, "tail")):
        r = await client.get("/api/v1/changes", params=params, headers=h)
        assert r.status_code == 400 and r.json()["errors"][0]["pointer"] == f"/{field}", params
    both = await client.get(
        "/api/v1/changes", params={"tail": 1, "since": "eyJpZCI6MX0"}, headers=h
    )
    assert both.status_code == 400
    assert "give since or tail, not both" in both.text


async def test_members_cannot_read_the_audit_log(client, member):
    assert (await client.get("/api/v1/changes", headers=bearer(member))).status_code == 403
    assert (await client.get("/api/v1/audit-events", headers=bearer(member))).status_code == 403


async def test_a_forged_cursor_is_400(client, staff):
    r = await client.get("/api/v1/changes", params={"since": "not-a-cursor"}, headers=bearer(staff))
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/since"


async def test_the_audit_log_can_be_read_newest_first(client, staff, room, book):
    for day in range(3):
        await book(staff, room, at(day, 9), at(day, 10))
    newest = (
        await client.get(
            "/api/v1/audit-events", params={"order": "desc", "limit": 2}, headers=bearer(staff)
        )
    ).json()
    rest = (
        await client.get(
            "/api/v1/audit-events",
            params={"order": "desc", "limit": 2, "cursor": newest["next_cursor"]},
            headers=bearer(staff),
        )
    ).json()
    ids = [e["id"] for e in newest["data"] + rest["data"]]
    assert ids == sorted(ids, reverse=True)


async def test_the_audit_log_as_csv_a_page_at_a_time(client, staff, room, book):
    """A spreadsheet of the log: its columns, a file name, and the next page's link with
    the query as it was."""
    for day in range(3):
        await book(staff, room, at(day, 9), at(day, 10))
    query = {"limit": 2, "action": "booking.create"}
    headers = bearer(staff) | {"Accept": "text/csv"}
    first = await client.get("/api/v1/audit-events", params=query, headers=headers)
    assert first.status_code == 200, first.text
    assert first.headers["content-disposition"] == 'attachment; filename="audit-events.csv"'
    rows = list(csv.DictReader(io.StringIO(first.text)))
    assert list(rows[0]) == [
        *("id", "at", "actor_user_id", "actor_api_key_id", "actor_label", "action"),
        *("entity_type", "entity_id", "before", "after", "request_id"),
    ]
    assert [r["action"] for r in rows] == ["booking.create", "booking.create"]
    cursor = first.headers["x-next-cursor"]
    next_query = urlencode(query | {"cursor": cursor})
    assert first.headers["link"] == f'</api/v1/audit-events?{next_query}>; rel="next"'
    rest = await client.get(first.headers["link"][1:].split(">")[0], headers=headers)
    assert rest.status_code == 200, rest.text
    more = list(csv.DictReader(io.StringIO(rest.text)))
    assert len(more) == 1 and "x-next-cursor" not in rest.headers
    assert int(more[0]["id"]) > int(rows[-1]["id"])


def _offset(moment: datetime, hours: int) -> str:
    """``moment`` written with another UTC offset (the same instant)."""
    return moment.astimezone(timezone(timedelta(hours=hours))).isoformat()


async def test_time_filters_compare_instants_whatever_the_offset(client, staff, room, book):
    # issue 11 item 7: on SQLite, where times are text, ``from`` with +01:00 found nothing
    # and ``to`` with +01:00 returned everything
    h = bearer(staff)
    for day in range(3):
        await book(staff, room, at(day, 9), at(day, 10))
    everything = (await client.get("/api/v1/audit-events", params={"limit": 200}, headers=h)).json()
    events = [(e["id"], datetime.fromisoformat(e["at"])) for e in everything["data"]]
    middle = events[-2][1]
    for hours in (1, -5, 14, -12, 0):
        for name, keep in (("from", lambda t: t >= middle), ("to", lambda t: t < middle)):
            r = await client.get(
                "/api/v1/audit-events",
                params={name: _offset(middle, hours), "limit": 200},
                headers=h,
            )
            assert r.status_code == 200, r.text
            found = [e["id"] for e in r.json()["data"]]
            assert found == [i for i, t in events if keep(t)], (name, hours)
            assert found, (name, hours)


async def test_time_filters_at_the_ends_of_the_calendar_are_answered(client, staff, room, book):
    # an offset that takes a time past year 1 or 9999 is still a bound, never a 500
    await book(staff, room, at(0, 9), at(0, 10))
    h = bearer(staff)

    async def ids(**params: str) -> list[int]:
        r = await client.get("/api/v1/audit-events", params=params, headers=h)
        assert r.status_code == 200, r.text
        return [e["id"] for e in r.json()["data"]]

    everything = await ids()
    assert everything
    assert await ids(**{"from": "0001-01-01T00:30:00+01:00"}) == everything
    assert await ids(to="0001-01-01T00:30:00+01:00") == []
    assert await ids(**{"from": "9999-12-31T23:30:00-01:00"}) == []
    assert await ids(to="9999-12-31T23:30:00-01:00") == everything


async def log(client, user, **params) -> list[dict]:
    r = await client.get(
        "/api/v1/audit-events", params={"limit": 200, **params}, headers=bearer(user)
    )
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def test_each_filter_keeps_exactly_the_events_it_names(
    client, admin, staff, make_user, room, book
):
    other = await make_user(Role.staff)
    kept = await book(staff, room, at(0, 9), at(0, 10))
    await book(other, room, at(1, 9), at(1, 10))
    gone = await book(other, room, at(2, 9), at(2, 10))
    etag = (await client.get(f"/api/v1/bookings/{gone.pk}", headers=bearer(other))).headers["ETag"]
    r = await client.post(
        f"/api/v1/bookings/{gone.pk}/cancel", headers=bearer(other) | {"If-Match": etag}
    )
    assert r.status_code == 200, r.text
    everything = await log(client, admin)
    assert len({e["action"] for e in everything}) > 2  # users and rooms were made too

    def where(**wanted) -> list[int]:
        return [e["id"] for e in everything if all(e[k] == v for k, v in wanted.items())]

    cases = [
        {"entity_type": "booking"},
        {"entity_type": "booking", "entity_id": gone.pk},
        {"entity_id": kept.pk},  # an id alone: every kind of entity with that id
        {"actor_user_id": other.pk},
        {"actor_user_id": other.pk, "action": "booking.cancel"},
        {"action": "booking.create"},
    ]
    for wanted in cases:
        found = [e["id"] for e in await log(client, admin, **wanted)]
        assert found == where(**wanted), wanted
        assert found, wanted
    assert where(action="booking.cancel", entity_id=gone.pk)


async def test_an_event_names_the_key_and_the_request_that_made_it(client, admin, staff, room):
    key = await make_key(client, admin, staff)
    body = {
        "room_id": room.pk,
        "title": "Sync",
        "start": at(0, 9).isoformat(),
        "end": at(0, 10).isoformat(),
    }
    r = await client.post(
        "/api/v1/bookings",
        json=body,
        headers={"X-API-Key": key["secret"], "X-Request-ID": "sync-4711"},
    )
    assert r.status_code == 201, r.text
    by_key = await log(client, admin, entity_type="booking")
    assert [
        (e["actor_user_id"], e["actor_api_key_id"], e["actor_label"], e["request_id"])
        for e in by_key
    ] == [(staff.pk, key["id"], f"{staff.email} (key {key['id']})", "sync-4711")]

    r = await client.patch(
        f"/api/v1/bookings/{r.json()['id']}",
        json={"title": "Sync, renamed"},
        headers=bearer(staff) | {"If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    renamed = (await log(client, admin, action="booking.update"))[0]
    assert (renamed["actor_user_id"], renamed["actor_api_key_id"], renamed["actor_label"]) == (
        staff.pk,
        None,
        staff.email,
    )
    assert renamed["request_id"]  # the server made one: every request has an id
    assert (renamed["before"]["title"], renamed["after"]["title"]) == ("Sync", "Sync, renamed")


async def test_a_read_only_key_reads_the_log_and_the_feed_and_a_write_only_key_does_not(
    client, admin, staff
):
    reader = await key_header(client, admin, staff, ["read"])
    writer = await key_header(client, admin, staff, ["write"])
    for path in ("/api/v1/audit-events", "/api/v1/changes"):
        assert (await client.get(path, headers=reader)).status_code == 200, path
        r = await client.get(path, headers=writer)
        assert r.status_code == 403, path
        assert "lacks the 'read' scope" in r.json()["detail"], r.text


async def test_the_feed_from_the_start_is_the_whole_log_and_its_cursor_is_its_last_event(
    client, staff, room, book
):
    await book(staff, room, at(0, 9), at(0, 10))
    h = bearer(staff)
    everything = [e["id"] for e in await log(client, staff)]
    assert everything[0] == 1  # the first event of a new database
    first = (await client.get("/api/v1/changes", params={"limit": 200}, headers=h)).json()
    assert [e["id"] for e in first["data"]] == everything
    assert first["next_cursor"] == encode_cursor({"id": everything[-1]})
    some = (await client.get("/api/v1/changes", params={"limit": 1}, headers=h)).json()
    assert some["next_cursor"] == encode_cursor({"id": everything[0]})
    rest = await client.get(
        "/api/v1/changes", params={"since": some["next_cursor"], "limit": 200}, headers=h
    )
    assert [e["id"] for e in rest.json()["data"]] == everything[1:]


async def test_a_feed_cursor_that_holds_no_event_id_is_a_precise_400(client, staff):
    for position in ({"id": "7"}, {"id": -1}, {"id": 2**63}, {"at": 7}, {}):
        r = await client.get(
            "/api/v1/changes", params={"since": encode_cursor(position)}, headers=bearer(staff)
        )
        refused_field(
            r, "/since", "is not a cursor this server issued", "invalid", location="query"
        )


async def test_a_bookings_events_hold_its_whole_state_before_and_after(client, staff, member, room):
    """What the change feed's consumers and the waitlist read back from an event."""
    made = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.pk,
            "title": "Thesis defence",
            "description": "Doors close at nine",
            "start": at(0, 9).isoformat(),
            "end": at(0, 11).isoformat(),
            "attendees": 12,
        },
        headers=bearer(member),
    )
    assert made.status_code == 201, made.text
    booking_id = made.json()["id"]
    cancelled = await client.post(
        f"/api/v1/bookings/{booking_id}/cancel",
        json={"reason": "Postponed"},
        headers=bearer(member) | {"If-Match": "*"},
    )
    assert cancelled.status_code == 200, cancelled.text
    events = (
        await client.get(
            "/api/v1/audit-events",
            params={"entity_type": "booking", "entity_id": booking_id},
            headers=bearer(staff),
        )
    ).json()["data"]
    by_action = {e["action"]: e for e in events}
    state = {
        "room_id": room.pk,
        "owner_id": member.pk,
        "title": "Thesis defence",
        "description": "Doors close at nine",
        "start": at(0, 9).isoformat(),
        "end": at(0, 11).isoformat(),
        "status": "confirmed",
        "version": 1,
        "reason": None,
        "attendees": 12,
    }
    assert by_action["booking.create"]["after"] == state
    assert by_action["booking.cancel"]["before"] == state
    assert by_action["booking.cancel"]["after"] == state | {
        "status": "cancelled",
        "version": 2,
        "reason": "Postponed",
    }
