"""Conditional requests: an ETag on every GET, If-None-Match → 304, If-Match on every PATCH
of a versioned resource (428 without it, 412 when stale)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from compax_server.db.audit import AuditEvent
from tests.conftest import at, bearer, series_body, version_of
from tests.dates import Y2031


async def test_a_booking_is_not_sent_again_while_it_is_unchanged(client, member, room, book):
    b = await book(member, room, at(1, 9), at(1, 10))
    h = bearer(member)
    path = f"/api/v1/bookings/{b.pk}"
    first = await client.get(path, headers=h)
    tag = first.headers["etag"]
    assert version_of(tag) == 1
    for tags in (tag, f"W/{tag}", "*", f'"7", {tag}', f' W/"9" ,{tag}'):
        r = await client.get(path, headers=h | {"If-None-Match": tags})
        assert r.status_code == 304, tags
        assert r.content == b""
        assert r.headers["etag"] == tag
    for other in ('"2"', '"1"', tag.replace('"1-', '"2-')):  # the bare version is not the tag
        assert (await client.get(path, headers=h | {"If-None-Match": other})).status_code == 200

    moved = await client.patch(
        path, json={"title": "Seminar"}, headers=h | {"If-Match": first.headers["etag"]}
    )
    assert moved.status_code == 200
    again = await client.get(path, headers=h | {"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200
    assert again.json()["title"] == "Seminar"
    assert version_of(again.headers["etag"]) == 2
    assert again.headers["etag"] == moved.headers["etag"]  # the change's answer: the same tag


async def test_a_list_has_an_etag_of_its_body_and_changes_with_it(client, member, room, book):
    await book(member, room, at(1, 9), at(1, 10))
    h = bearer(member)
    first = await client.get("/api/v1/bookings", headers=h)
    tag = first.headers["etag"]
    same = await client.get("/api/v1/bookings", headers=h | {"If-None-Match": tag})
    assert same.status_code == 304 and same.content == b""
    await book(member, room, at(2, 9), at(2, 10))
    changed = await client.get("/api/v1/bookings", headers=h | {"If-None-Match": tag})
    assert changed.status_code == 200 and len(changed.json()["data"]) == 2
    assert changed.headers["etag"] != tag


async def test_a_body_s_etag_is_a_quoted_hash_a_client_can_send_back(client, member):
    """An answer without a version is tagged with a hash of its body: an entity-tag as RFC
    9110 writes one (a quoted string), 24 hex digits."""
    r = await client.get("/api/v1/bookings", headers=bearer(member))
    assert re.fullmatch(r'"[0-9a-f]{24}"', r.headers["etag"]), r.headers["etag"]


async def test_if_match_names_the_version_in_a_list_of_tags_and_nothing_else(client, staff, room):
    """A list of tags matches when any names the current version (weak or not, with or
    without the body's hash); a tag with anything around the version names none (412)."""
    path, h = f"/api/v1/rooms/{room.pk}", bearer(staff)
    version = (await client.get(path, headers=h)).json()["version"]
    for form in ('"9", W/"{}-0a1b"', '"9",W/"{}"'):
        tags = form.format(version)
        r = await client.patch(path, json={"name": "Renamed"}, headers=h | {"If-Match": tags})
        assert r.status_code == 200, (tags, r.text)
        version = r.json()["version"]
    for tags in (f'"X{version}"', f'"{version}X"', f'"9" "{version}"'):
        r = await client.patch(path, json={"name": "Again"}, headers=h | {"If-Match": tags})
        assert r.status_code == 412, (tags, r.text)


@pytest.mark.parametrize(
    ("header", "what"),
    [
        ("If-Match", 'the ETag you read, e.g. "3"'),
        ("If-None-Match", "* for only if there is none yet"),
    ],
)
async def test_a_precondition_header_is_at_most_200_characters(client, staff, room, header, what):
    """200 characters are read (here a list of tags that names no version: 412, or not
    ``*``: the feed URL is made); 201 are a 400 naming the header, and nothing is written."""
    if header == "If-Match":
        url, method, body = f"/api/v1/rooms/{room.pk}", "PATCH", {"name": "Renamed"}
    else:
        url, method, body = "/api/v1/me/feed-token", "POST", None
    longest = ('"9",' * 50)[:200]
    r = await client.request(method, url, json=body, headers=bearer(staff) | {header: longest})
    assert r.status_code == (412 if header == "If-Match" else 201), r.text
    r = await client.request(
        method, url, json=body, headers=bearer(staff) | {header: longest + " "}
    )
    assert r.status_code == 400, r.text
    assert r.json()["detail"] == f"{header} is at most 200 characters: {what}."
    assert r.json()["errors"] == [
        {
            "location": "header",
            "pointer": f"/{header}",
            "detail": "at most 200 characters",
            "code": "too_long",
        }
    ]
    assert (await client.get(f"/api/v1/rooms/{room.pk}", headers=bearer(staff))).json()[
        "name"
    ] != "Renamed"


async def test_a_search_and_a_resource_without_a_version_have_etags(client, admin, room):
    h = bearer(admin)
    for path in ("/api/v1/rooms?min_capacity=10", "/api/v1/me", f"/api/v1/users/{admin.pk}"):
        r = await client.get(path, headers=h)
        assert r.status_code == 200 and r.headers["etag"], path
        again = await client.get(path, headers=h | {"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304, path


async def test_a_room_is_sent_again_after_it_changed(client, staff, room):
    h = bearer(staff)
    path = f"/api/v1/rooms/{room.pk}"
    first = await client.get(path, headers=h)
    assert version_of(first.headers["etag"]) == room.version
    assert (
        await client.get(path, headers=h | {"If-None-Match": first.headers["etag"]})
    ).status_code == 304
    r = await client.patch(
        path, json={"capacity": 44}, headers=h | {"If-Match": first.headers["etag"]}
    )
    assert r.status_code == 200 and version_of(r.headers["etag"]) == room.version + 1
    r = await client.get(path, headers=h | {"If-None-Match": first.headers["etag"]})
    assert r.status_code == 200 and r.json()["capacity"] == 44


async def test_a_room_is_sent_again_when_what_it_shows_of_others_changed(
    client, admin, staff, member, room, building
):
    """A room's answer shows its building's zone and code and its managers, which change
    without the room's version: the ETag changes with them (no 304 with a stale body),
    and an edit made against the same version still goes through."""
    h = bearer(staff)
    path = f"/api/v1/rooms/{room.pk}"
    first = await client.get(path, headers=h)
    tag = first.headers["etag"]
    added = await client.post(
        f"/api/v1/rooms/{room.pk}/managers", json={"user_id": member.pk}, headers=h
    )
    assert added.status_code == 201, added.text
    r = await client.get(path, headers=h | {"If-None-Match": tag})
    assert r.status_code == 200, "a 304 would keep the contacts from before the manager"
    assert [c["email"] for c in r.json()["contacts"]] == [member.email]
    assert version_of(r.headers["etag"]) == version_of(tag)
    building_path = f"/api/v1/buildings/{building.pk}"
    b = await client.get(building_path, headers=bearer(admin))
    moved = await client.patch(
        building_path,
        json={"timezone": "America/New_York"},
        headers=bearer(admin) | {"If-Match": b.headers["etag"]},
    )
    assert moved.status_code == 200, moved.text
    r2 = await client.get(path, headers=h | {"If-None-Match": r.headers["etag"]})
    assert r2.status_code == 200 and r2.json()["timezone"] == "America/New_York"
    edit = await client.patch(path, json={"name": "Renamed"}, headers=h | {"If-Match": tag})
    assert edit.status_code == 200, "the tag read first still names the room's version"
    bare = f'"{version_of(edit.headers["etag"])}"'  # the version alone works as well
    edit = await client.patch(path, json={"name": "Again"}, headers=h | {"If-Match": bare})
    assert edit.status_code == 200, edit.text


async def test_errors_are_not_conditional(client, member):
    r = await client.get("/api/v1/bookings/999", headers=bearer(member) | {"If-None-Match": "*"})
    assert r.status_code == 404


@pytest.fixture
async def term(client, staff):
    r = await client.post(
        "/api/v1/terms",
        json={"name": "Spring", "start_date": f"{Y2031}-03-01", "end_date": f"{Y2031}-06-30"},
        headers=bearer(staff),
    )
    return r.json()


@pytest.mark.parametrize("kind", ["rooms", "buildings", "terms", "users"])
async def test_a_versioned_patch_needs_the_version_it_was_made_against(
    client, admin, member, room, building, term, kind
):
    ident = {"rooms": room.pk, "buildings": building.pk, "terms": term["id"], "users": member.pk}
    change = {"rooms": {"capacity": 12}, "buildings": {"name": "Hall"}, "terms": {"name": "S"}}
    change["users"] = {"full_name": "Ada L."}
    path = f"/api/v1/{kind}/{ident[kind]}"
    h = bearer(admin)
    current = await client.get(path, headers=h)
    tag = current.headers["etag"]
    assert version_of(tag) == current.json()["version"]

    missing = await client.patch(path, json=change[kind], headers=h)
    assert missing.status_code == 428
    assert missing.json()["code"] == "precondition_required"

    stale = await client.patch(path, json=change[kind], headers=h | {"If-Match": '"999"'})
    assert stale.status_code == 412
    assert stale.json()["current_version"] == current.json()["version"]

    done = await client.patch(path, json=change[kind], headers=h | {"If-Match": tag})
    assert done.status_code == 200, done.text
    assert done.json()["version"] == current.json()["version"] + 1
    assert version_of(done.headers["etag"]) == done.json()["version"]

    again = await client.patch(path, json=change[kind], headers=h | {"If-Match": tag})
    assert again.status_code == 412


def test_every_versioned_patch_documents_if_match():
    from compax_server.api import ROUTERS

    for router in ROUTERS:
        for op in router.operations:
            if op.method == "PATCH" and op.versioned and not op.path.startswith("/api/v1/me"):
                assert "If-Match" in op.request_headers, op.path
                assert {412, 428} <= set(op.errors), op.path


# -- local times -------------------------------------------------------------------------------


async def test_bookings_say_their_zone_and_local_times(
    client, member, make_room, book, monkeypatch
):
    from compax_server.db import rooms as rooms_db

    room = await make_room()
    other = await make_room()
    winter = await book(member, room, at(1, 9), at(1, 10))  # 2031-03-04, CET
    await book(member, other, at(1, 11), at(1, 12))
    summer = await book(member, room, at(35, 8), at(35, 9))  # 2031-04-07, CEST
    h = bearer(member)

    r = (await client.get(f"/api/v1/bookings/{winter.pk}", headers=h)).json()
    assert r["timezone"] == "Europe/Berlin"
    assert (r["local_start"], r["local_end"]) == (
        f"{Y2031}-03-04T10:00:00+01:00",
        f"{Y2031}-03-04T11:00:00+01:00",
    )
    r = (await client.get(f"/api/v1/bookings/{summer.pk}", headers=h)).json()
    assert r["local_start"] == f"{Y2031}-04-07T10:00:00+02:00"

    calls = []
    real = rooms_db.zones

    async def counted(room_ids):
        calls.append(room_ids)
        return await real(room_ids)

    monkeypatch.setattr(rooms_db, "zones", counted)
    page = (await client.get("/api/v1/bookings", headers=h)).json()
    assert [b["timezone"] for b in page["data"]] == ["Europe/Berlin"] * 3
    assert len(calls) == 1  # one lookup for the whole page, not one per booking


async def test_a_not_modified_answer_keeps_the_caching_the_full_one_had(client, member):
    """A 304 carries the ``Cache-Control`` its 200 would have (RFC 9110 15.4.5): a calendar
    client keeps honouring the feed's five minutes."""
    token = (await client.post("/api/v1/me/feed-token", headers=bearer(member))).json()["token"]
    url = "/api/v1/me/calendar.ics"
    full = await client.get(url, params={"token": token})
    assert full.headers["cache-control"] == "private, max-age=300"
    again = await client.get(
        url, params={"token": token}, headers={"If-None-Match": full.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["cache-control"] == "private, max-age=300"


async def test_an_answer_to_a_write_without_a_version_has_no_etag(client, member):
    """A login's 200 is no representation to revalidate: no ETag."""
    r = await client.post(
        "/api/v1/auth/token", json={"email": member.email, "password": "correct horse battery"}
    )
    assert r.status_code == 200, r.text
    assert "etag" not in r.headers


async def test_a_decision_or_a_cancellation_answers_with_the_etag_it_leaves(
    client, member, staff, make_room
):
    """Approve, reject and cancel answer with the ETag of the version they leave, as a PATCH
    does (OpenAPI promises it), so a client can send it back without reading again; a
    series' cancellation too."""
    room = await make_room(requires_approval=True)
    for day, action in [(1, "approve"), (2, "reject"), (3, "cancel")]:
        asked = await client.post(
            "/api/v1/bookings",
            json={
                "room_id": room.pk,
                "title": "Talk",
                "start": at(day, 9).isoformat(),
                "end": at(day, 10).isoformat(),
            },
            headers=bearer(member),
        )
        assert asked.status_code == 201, asked.text
        path = f"/api/v1/bookings/{asked.json()['id']}"
        r = await client.post(f"{path}/{action}", headers=bearer(staff) | {"If-Match": '"1"'})
        assert r.status_code == 200, r.text
        assert version_of(r.headers["etag"]) == 2, action
        if action != "approve":  # the approval's answer also lists what it overrode
            read = await client.get(path, headers=bearer(staff))
            assert r.headers["etag"] == read.headers["etag"], action
    body = series_body(room, start_time="14:00")  # after the bookings above
    made = await client.post("/api/v1/series", json=body, headers=bearer(staff))
    assert made.status_code == 201, made.text
    path = f"/api/v1/series/{made.json()['id']}"
    r = await client.post(
        f"{path}/cancel", json={}, headers=bearer(staff) | {"If-Match": made.headers["etag"]}
    )
    assert r.status_code == 200, r.text
    read = await client.get(path, headers=bearer(staff))
    assert version_of(r.headers["etag"]) == version_of(read.headers["etag"]) == 2


@pytest.mark.parametrize("kind", ["buildings", "rooms", "terms", "users", "me"])
async def test_an_edit_that_changes_nothing_keeps_the_version_and_records_nothing(
    client, admin, room, kind
):
    """An empty PATCH, or one that says what the object already says, answers the object as
    it is: the same version and ETag (no one else's copy turns stale), no audit event. Only
    a real change makes a new version."""
    h = bearer(admin)
    if kind == "terms":
        made = await client.post(
            "/api/v1/terms",
            json={"name": "Spring", "start_date": f"{Y2031}-02-01", "end_date": f"{Y2031}-06-30"},
            headers=h,
        )
        path = f"/api/v1/terms/{made.json()['id']}"
    else:
        path = {
            "buildings": f"/api/v1/buildings/{room.building_id}",
            "rooms": f"/api/v1/rooms/{room.pk}",
            "users": f"/api/v1/users/{admin.pk}",
            "me": "/api/v1/me",
        }[kind]
    now = (await client.get(path, headers=h)).json()
    same = {
        "buildings": {"name": now.get("name"), "timezone": now.get("timezone")},
        "rooms": {"capacity": now.get("capacity"), "features": now.get("features")},
        "terms": {"name": "Spring", "holidays": []},
        "users": {"role": "admin", "is_active": True, "full_name": now.get("full_name")},
        "me": {"full_name": now.get("full_name")},
    }[kind]
    events = await AuditEvent.all().count()
    for body in ({}, same):
        r = await client.patch(path, json=body, headers=h | {"If-Match": f'"{now["version"]}"'})
        if kind == "me" and not body:
            assert r.status_code == 400  # full_name is all there is to change: it is required
            continue
        assert (r.status_code, r.json()["version"]) == (200, now["version"]), (body, r.text)
        assert (await client.get(path, headers=h)).json() == now, body  # updated_at too
    assert await AuditEvent.all().count() == events
    changed = {
        "buildings": {"name": "Renamed"},
        "rooms": {"capacity": now.get("capacity", 0) + 1},
        "terms": {"name": "Spring 2"},
        "users": {"full_name": "Renamed"},
        "me": {"full_name": "Renamed"},
    }[kind]
    r = await client.patch(path, json=changed, headers=h | {"If-Match": f'"{now["version"]}"'})
    assert (r.status_code, r.json()["version"]) == (200, now["version"] + 1)
    assert await AuditEvent.all().count() == events + 1


async def test_a_booking_or_series_edit_that_changes_nothing_keeps_every_version(
    client, staff, room
):
    """A booking given its own title, room and times (the start in another offset too), and
    a series given its own values, for all dates or from one on, answer as they are: the same
    version, no occurrence made an exception (a later series edit still reaches it), no audit
    event, nothing told to anyone."""
    h = bearer(staff)
    made = await client.post("/api/v1/series", json=series_body(room), headers=h)
    assert made.status_code == 201, made.text
    series = made.json()
    path = f"/api/v1/series/{series['id']}"
    ids = series["booking_ids"]
    occurrence = (await client.get(f"/api/v1/bookings/{ids[1]}", headers=h)).json()
    bookings_before = [(await client.get(f"/api/v1/bookings/{i}", headers=h)).json() for i in ids]
    events = await AuditEvent.all().count()
    start = occurrence["start"]
    in_tokyo = datetime.fromisoformat(start).astimezone(ZoneInfo("Asia/Tokyo")).isoformat()
    for body in (
        {},
        {"title": occurrence["title"], "room_id": room.pk},
        {"start": start, "end": occurrence["end"]},
        {"start": in_tokyo},
    ):
        r = await client.patch(
            f"/api/v1/bookings/{ids[1]}", json=body, headers=h | {"If-Match": '"1"'}
        )
        assert (r.status_code, r.json()["version"]) == (200, 1), (body, r.text)
        assert not r.json().get("exception_fields"), body
    for body in (
        {},
        {"title": "Algorithms", "start_time": "09:00", "duration_minutes": 90},
        {"scope": "following", "from_date": f"{Y2031}-03-11", "room_id": room.pk},
    ):
        r = await client.patch(path, json=body, headers=h | {"If-Match": '"1"'})
        assert (r.status_code, r.json()["version"]) == (200, 1), (body, r.text)
        assert r.json()["booking_ids"] == [], body  # none changed
    after = [(await client.get(f"/api/v1/bookings/{i}", headers=h)).json() for i in ids]
    assert after == bookings_before
    assert await AuditEvent.all().count() == events
    r = await client.patch(path, json={"title": "Graphs"}, headers=h | {"If-Match": '"1"'})
    assert (r.status_code, r.json()["version"], r.json()["booking_ids"]) == (200, 2, ids)
    read = await client.get(f"/api/v1/bookings/{ids[1]}", headers=h)
    assert (read.json()["title"], read.json()["version"]) == ("Graphs", 2)
    assert await AuditEvent.all().count() == events + 1
