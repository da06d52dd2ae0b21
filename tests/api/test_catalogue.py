"""Buildings, closures, features and rooms."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.rooms import Building, Closure, Feature, Room, RoomFeature
from compax_server.db.users import Role
from compax_server.domain import versions
from compax_server.domain.versions import Expected
from compax_server.errors import Conflict, InvalidInput, PreconditionFailed
from compax_server.services import bookings, buildings, limits, rooms
from compax_server.services.paging import encode_cursor
from tests.conftest import (
    actor_of,
    at,
    bearer,
    follow_pages,
    holding,
    refused_field,
    version_of,
    waiting_on_a_lock,
)
from tests.dates import Y2031

B = "/api/v1/buildings"
R = "/api/v1/rooms"


async def test_staff_create_a_building_with_opening_hours(client, staff):
    r = await client.post(
        B,
        json={
            "code": "LIB",
            "name": "Library",
            "timezone": "Europe/Berlin",
            "opening_hours": {
                "mon": [["13:00", "18:00"], ["08:00", "12:00"]],
                "sat": [["10:00", "24:00"]],
            },
        },
        headers=bearer(staff),
    )
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"{B}/{r.json()['id']}"
    assert r.json()["opening_hours"]["mon"] == [["08:00", "12:00"], ["13:00", "18:00"]]


@pytest.mark.parametrize(
    ("payload", "pointer"),
    [
        ({"timezone": "Mars/Olympus"}, "/timezone"),
        ({"opening_hours": {"mon": [["10:00", "09:00"]]}}, "/opening_hours/mon"),
        (
            {"opening_hours": {"mon": [["08:00", "12:00"], ["11:00", "13:00"]]}},
            "/opening_hours/mon",
        ),
        ({"opening_hours": {"mon": [["8:00", "12:00"]]}}, "/opening_hours/mon/0/0"),
        ({"opening_hours": {"someday": [["08:00", "12:00"]]}}, "/opening_hours/someday/[key]"),
        ({"code": "bad code!"}, "/code"),
    ],
)
async def test_bad_building_input_is_400_naming_the_field(client, staff, payload, pointer):
    body = {"code": "X1", "name": "X", "timezone": "Europe/Berlin"} | payload
    r = await client.post(B, json=body, headers=bearer(staff))
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["pointer"] == pointer


async def test_members_read_but_do_not_write_the_catalogue(client, member, building, room):
    h = bearer(member)
    assert (await client.get(f"{B}/{building.pk}", headers=h)).status_code == 200
    assert (await client.get(f"{R}/{room.pk}", headers=h)).status_code == 200
    assert (
        await client.post(B, json={"code": "X", "name": "X", "timezone": "UTC"}, headers=h)
    ).status_code == 403
    assert (
        await client.patch(f"{R}/{room.pk}", json={"capacity": 5}, headers=h)
    ).status_code == 403
    assert (await client.delete(f"{R}/{room.pk}", headers=h)).status_code == 403


async def test_rooms_have_features_from_the_vocabulary(client, staff, building):
    h = bearer(staff)
    assert (
        await client.post(
            "/api/v1/features", json={"code": "projector", "name": "Projector"}, headers=h
        )
    ).status_code == 201
    r = await client.post(
        R,
        json={
            "code": "B1-204",
            "name": "Seminar",
            "building_id": building.pk,
            "capacity": 30,
            "features": ["projector"],
            "requires_approval": True,
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    room = r.json()
    assert r.headers["location"] == f"{R}/{room['id']}"
    assert room["features"] == ["projector"]
    assert room["building_code"] == "B1"
    assert room["timezone"] == "Europe/Berlin"
    r = await client.post(
        R,
        json={
            "code": "B1-205",
            "name": "Lab",
            "building_id": building.pk,
            "capacity": 30,
            "features": ["hologram"],
        },
        headers=h,
    )
    assert r.status_code == 400
    assert "hologram" in r.json()["detail"] and "projector" in r.json()["detail"]
    dup = await client.post(
        R,
        json={"code": "B1-204", "name": "x", "building_id": building.pk, "capacity": 3},
        headers=h,
    )
    assert dup.status_code == 409
    assert dup.json()["detail"] == "a room with the code B1-204 already exists"


async def test_room_update_refuses_null_for_required_fields(client, staff, room):
    h = bearer(staff)
    r = await client.patch(f"{R}/{room.pk}", json={"capacity": None}, headers=h)
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/capacity"
    h |= {"If-Match": f'"{room.version}"'}
    r = await client.patch(f"{R}/{room.pk}", json={"floor": None, "capacity": 12}, headers=h)
    assert r.status_code == 200
    assert r.json()["capacity"] == 12 and r.json()["floor"] is None


async def test_removing_a_room_with_upcoming_bookings_is_409_unless_an_admin_forces(
    client, staff, admin, room, book
):
    booking = await book(staff, room, at(0, 9), at(0, 10))
    r = await client.delete(f"{R}/{room.pk}", headers=bearer(staff))
    assert r.status_code == 409
    assert r.json()["bookings"] == [booking.pk]
    assert r.json()["detail"] == (
        f"room {room.code} has 1 upcoming booking; cancel or move it, "
        "or remove the room with force=true (admins), which cancels it"
    )
    with pytest.raises(Conflict):  # in-process too, unless forced
        await rooms.delete_room(actor_of(admin), room.pk)
    r = await client.delete(f"{R}/{room.pk}?force=true", headers=bearer(staff))
    assert (r.status_code, r.json()["detail"]) == (
        403,
        "only administrators may force the removal of a room with bookings",
    )
    r = await client.delete(f"{R}/{room.pk}?force=true", headers=bearer(admin))
    assert r.status_code == 200
    assert r.json()["cancelled_booking_ids"] == [booking.pk]
    assert (await Booking.get(id=booking.pk)).status == Status.cancelled
    cancel = await AuditEvent.filter(action="booking.cancel", entity_id=booking.pk).get()
    assert cancel.actor_user_id == admin.pk
    removal = await AuditEvent.filter(action="room.delete", entity_id=room.pk).get()
    assert (removal.actor_user_id, removal.after) == (admin.pk, {"force": True})
    assert (await Room.get(id=room.pk)).version == room.version + 1
    assert (await client.get(f"{R}/{room.pk}", headers=bearer(admin))).status_code == 404


async def test_closures_by_dates_cover_whole_local_days(client, staff, building):
    r = await client.post(
        f"{B}/{building.pk}/closures",
        json={"reason": "Easter", "start_date": f"{Y2031}-04-18", "end_date": f"{Y2031}-04-21"},
        headers=bearer(staff),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["start"] == f"{Y2031}-04-17T22:00:00Z"  # midnight in Berlin, summer time
    assert body["end"] == f"{Y2031}-04-21T22:00:00Z"
    listed = (await client.get(f"{B}/{building.pk}/closures", headers=bearer(staff))).json()["data"]
    assert [c["reason"] for c in listed] == ["Easter"]
    assert (
        await client.delete(f"{B}/{building.pk}/closures/{body['id']}", headers=bearer(staff))
    ).status_code == 204


async def test_a_building_is_removed_once_its_rooms_are_and_the_removal_is_audited(
    client, staff, building, room
):
    h = bearer(staff)
    r = await client.delete(f"{B}/{building.pk}", headers=h)
    assert (r.status_code, r.json()["detail"], r.json()["rooms"]) == (
        409,
        f"building {building.code} still has 1 room; remove it first",
        1,
    )
    assert (await client.delete(f"{R}/{room.pk}", headers=h)).status_code == 200
    assert (await client.delete(f"{B}/{building.pk}", headers=h)).status_code == 204  # a
    # removed room does not hold its building back
    gone = await Building.get(id=building.pk)
    assert gone.deleted_at == limits.now()
    assert (await client.get(f"{B}/{building.pk}", headers=h)).status_code == 404
    assert (await client.get(B, headers=h)).json()["data"] == []
    event = await AuditEvent.filter(action="building.delete").get()
    assert (event.entity_type, event.entity_id, event.actor_user_id) == (
        "building",
        building.pk,
        staff.pk,
    )
    assert event.before["code"] == building.code


async def test_buildings_are_found_by_code_or_id_and_listed_by_code_a_page_at_a_time(
    client, staff, building
):
    other = (
        await client.post(
            B, json={"code": "LIB", "name": "Library", "timezone": "UTC"}, headers=bearer(staff)
        )
    ).json()
    h = bearer(staff)

    async def codes(**params: str) -> list[str]:
        return [b["code"] for b in (await client.get(B, params=params, headers=h)).json()["data"]]

    assert await codes(code="LIB") == ["LIB"]
    assert await codes() == [building.code, "LIB"]
    first = (await client.get(B, params={"limit": "1"}, headers=h)).json()
    assert [b["code"] for b in first["data"]] == [building.code]
    assert await codes(limit="1", cursor=first["next_cursor"]) == ["LIB"]
    assert await codes(code="NOPE") == []
    assert (await client.get(f"{B}/{other['id']}", headers=h)).json()["code"] == "LIB"
    r = await client.get(f"{B}/999999", headers=h)
    assert (r.status_code, r.json()["detail"]) == (404, "building 999999 does not exist")


async def test_a_building_s_time_zone_is_checked_on_a_change_too(client, staff, building):
    r = await client.patch(
        f"{B}/{building.pk}",
        json={"timezone": "Mars/Olympus"},
        headers=bearer(staff) | {"If-Match": "*"},
    )
    assert (r.status_code, r.json()["errors"][0]["pointer"]) == (400, "/timezone")
    assert (await Building.get(id=building.pk)).timezone == building.timezone
    r = await client.patch(
        f"{B}/{building.pk}",
        json={"timezone": "America/New_York"},
        headers=bearer(staff) | {"If-Match": "*"},
    )
    assert (r.status_code, r.json()["timezone"]) == (200, "America/New_York"), r.text
    assert (await Building.get(id=building.pk)).timezone == "America/New_York"


async def test_closures_are_listed_by_period_in_order(client, staff, building):
    h = bearer(staff)
    made = {}
    for reason, start, end in [
        ("late", "2031-03-10T08:00:00Z", "2031-03-10T10:00:00Z"),
        ("early", "2031-03-01T08:00:00Z", "2031-03-01T10:00:00Z"),
        ("middle", "2031-03-05T08:00:00Z", "2031-03-05T10:00:00Z"),
        ("middle too", "2031-03-05T08:00:00Z", "2031-03-05T09:00:00Z"),
    ]:
        body = {"reason": reason, "start": start, "end": end}
        r = await client.post(f"{B}/{building.pk}/closures", json=body, headers=h)
        assert r.status_code == 201, r.text
        made[reason] = r.json()["id"]

    async def reasons(**params: str) -> list[str]:
        r = await client.get(f"{B}/{building.pk}/closures", params=params, headers=h)
        return [c["reason"] for c in r.json()["data"]]

    assert await reasons() == ["early", "middle", "middle too", "late"]
    assert made["middle"] < made["middle too"]  # same start: by id
    # a closure that ends at `from` or starts at `to` does not meet the period
    assert await reasons(**{"from": "2031-03-01T10:00:00Z"}) == ["middle", "middle too", "late"]
    assert await reasons(to="2031-03-10T08:00:00Z") == ["early", "middle", "middle too"]
    assert await reasons(**{"from": "2031-03-02T00:00:00Z", "to": "2031-03-06T00:00:00Z"}) == [
        "middle",
        "middle too",
    ]


async def test_a_building_s_closures_come_a_page_at_a_time_neither_repeated_nor_skipped(
    client, staff, building
):
    """Made latest first (ids run against start order), two pairs sharing a start: pages of
    two follow (start, id), also where a page ends inside a pair (a page that ended on the
    pair's second would skip its first); ``from`` narrows every page; the default page is 50
    of them."""
    first = datetime(Y2031, 1, 1, 8, tzinfo=UTC)
    days = [2, 2, 1, 0, 0]
    await Closure.bulk_create(
        [
            Closure(
                building_id=building.pk,
                start=first + timedelta(days=day),
                end=first + timedelta(days=day, hours=1 + n),
                reason=f"closure {n}",
            )
            for n, day in enumerate(days)
        ]
    )
    made = await Closure.filter(building_id=building.pk).values_list("id", "start")
    in_order = [i for i, _ in sorted(made, key=lambda row: (row[1], row[0]))]
    # The first of each pair moved and moved back: PostgreSQL now keeps it after the second
    # (in the table and in the index by start), so a list ordered by start alone would give
    # the pair the other way round.
    for closure_id in (in_order[0], in_order[3]):
        start = (await Closure.get(id=closure_id)).start
        for moved in (start + timedelta(minutes=1), start):
            await Closure.filter(id=closure_id).update(start=moved)
    url, h = f"{B}/{building.pk}/closures", bearer(staff)
    assert await follow_pages(client, url, h, limit=2) == [
        in_order[:2],
        in_order[2:4],
        in_order[4:],
    ]
    after_day_0 = (first + timedelta(days=1)).isoformat()
    assert await follow_pages(client, url, h, limit=2, **{"from": after_day_0}) == [
        in_order[2:4],
        in_order[4:],
    ]
    await Closure.bulk_create(
        [Closure(building_id=building.pk, start=first, end=first, reason="") for _ in range(46)]
    )
    assert [len(page) for page in await follow_pages(client, url, h)] == [50, 1]


async def test_a_closure_list_refuses_a_page_too_big_and_a_forged_cursor(client, staff, building):
    url, h = f"{B}/{building.pk}/closures", bearer(staff)
    r = await client.get(url, params={"limit": 201}, headers=h)
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["pointer"] == "/limit"
    start = datetime(Y2031, 1, 1, 8, tzinfo=UTC).isoformat()
    for position in ({"s": start, "id": 2**31}, {"s": "soon", "id": 1}, {"id": 1}):
        r = await client.get(url, params={"cursor": encode_cursor(position)}, headers=h)
        refused_field(
            r, "/cursor", "is not a cursor this server issued", "invalid", location="query"
        )
    r = await client.get(url, params={"cursor": "%%%"}, headers=h)
    refused_field(r, "/cursor", "is not a cursor this server issued", "invalid", location="query")


async def test_everyone_signed_in_reads_the_features_in_code_order(client, admin, staff, member):
    for code, name in (
        ("whiteboard", "Whiteboard"),
        ("lift", "Step-free"),
        ("projector", "Beamer"),
    ):
        await rooms.create_feature(actor_of(staff), code=code, name=name)
    r = await client.get("/api/v1/features", headers=bearer(member))
    assert r.status_code == 200, r.text
    assert [(f["code"], f["name"]) for f in r.json()["data"]] == [
        ("lift", "Step-free"),
        ("projector", "Beamer"),
        ("whiteboard", "Whiteboard"),
    ]
    assert [f["id"] for f in r.json()["data"]] == [
        (await Feature.get(code=code)).pk for code in ("lift", "projector", "whiteboard")
    ]
    r = await client.get("/api/v1/features")
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")
    key = await client.post(
        "/api/v1/api-keys",
        json={"user_id": member.pk, "name": "writer", "scopes": ["write"]},
        headers=bearer(admin),
    )
    r = await client.get("/api/v1/features", headers={"X-API-Key": key.json()["secret"]})
    assert r.status_code == 403, r.text
    assert (r.json()["detail"], r.json()["required_scope"]) == (
        "this API key lacks the 'read' scope",
        "read",
    )


async def test_a_feature_is_made_once_and_audited(client, staff):
    r = await client.post(
        "/api/v1/features", json={"code": "hologram", "name": "Hologram"}, headers=bearer(staff)
    )
    assert r.status_code == 201, r.text
    event = await AuditEvent.filter(action="feature.create").get()
    assert (event.entity_type, event.entity_id, event.actor_user_id) == (
        "feature",
        r.json()["id"],
        staff.pk,
    )
    assert event.after == {"code": "hologram", "name": "Hologram"}
    r = await client.post(
        "/api/v1/features", json={"code": "hologram", "name": "Again"}, headers=bearer(staff)
    )
    assert (r.status_code, r.json()["detail"]) == (409, "the feature hologram already exists")
    # in-process callers meet the same rule as the API's schema, in the same words
    with pytest.raises(InvalidInput) as refused:
        await rooms.create_feature(actor_of(staff), code="Holo Gram", name="x")
    assert refused.value.errors == [
        {
            "location": "body",
            "pointer": "/code",
            "detail": rooms.FEATURE_CODE_RULE,
            "code": "invalid",
        }
    ]


async def test_catalogue_writes_are_audited(client, staff, building):
    h = bearer(staff) | {"If-Match": f'"{building.version}"'}
    r = await client.patch(f"{B}/{building.pk}", json={"name": "Renamed"}, headers=h)
    assert r.status_code == 200
    # the answer's ETag is the new version's, as the next GET's
    read = await client.get(f"{B}/{building.pk}", headers=bearer(staff))
    assert r.headers["etag"] == read.headers["etag"]
    assert version_of(r.headers["etag"]) == building.version + 1
    event = await AuditEvent.filter(action="building.update").first()
    assert event.before["name"] == "Main building" and event.after["name"] == "Renamed"
    assert event.actor_user_id == staff.pk
    assert (event.entity_type, event.entity_id) == ("building", building.pk)


async def test_a_building_change_is_checked_like_a_new_building(client, staff, building):
    h = bearer(staff)
    url = f"{B}/{building.pk}"
    r = await client.patch(url, json={"name": "x"}, headers=h)
    assert (r.status_code, r.json()["detail"]) == (
        428,
        f'Send If-Match: "{building.version}" (the ETag of the version you saw) to change '
        f"building {building.code}.",
    )
    h |= {"If-Match": "*"}
    hours = {"mon": [["13:00", "18:00"], ["08:00", "12:00"]]}
    r = await client.patch(url, json={"opening_hours": hours}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["opening_hours"] == {"mon": [["08:00", "12:00"], ["13:00", "18:00"]]}
    r = await client.patch(url, json={"opening_hours": {"mon": [["10:00", "09:00"]]}}, headers=h)
    assert (r.status_code, r.json()["errors"][0]["pointer"]) == (400, "/opening_hours/mon")
    assert (await Building.get(id=building.pk)).opening_hours == {
        "mon": [["08:00", "12:00"], ["13:00", "18:00"]]
    }
    r = await client.patch(url, json={"opening_hours": None}, headers=h)
    assert r.json()["opening_hours"] is None  # always open
    stale = {"If-Match": f'"{building.version}"'}
    r = await client.patch(url, json={"name": "y"}, headers=bearer(staff) | stale)
    assert r.status_code == 412
    assert r.json()["detail"].startswith(f"The building {building.code} has changed since")
    await client.post(B, json={"code": "LIB", "name": "L", "timezone": "UTC"}, headers=h)
    r = await client.patch(url, json={"code": "LIB"}, headers=h)
    assert (r.status_code, r.json()["detail"]) == (
        409,
        "a building with the code LIB already exists",
    )


async def test_two_changes_from_one_version_of_a_building_one_wins(staff, building):
    """The building's row is held while it changes: the second change made against the same
    version finds it changed (412), rather than overwriting the first."""
    actor = actor_of(staff)
    results = await asyncio.gather(
        *(
            buildings.update_building(
                actor, building.pk, expected=Expected(frozenset({building.version})), name=name
            )
            for name in ("First", "Second")
        ),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["Building", "PreconditionFailed"], results
    stored = await Building.get(id=building.pk)
    assert stored.version == building.version + 1
    assert stored.name in ("First", "Second")


@pytest.mark.parametrize("engine", ["postgres"])
async def test_a_building_change_waits_for_the_change_before_it_and_then_finds_it(
    staff, building, postgres_url
):
    """The same race made certain (PostgreSQL): another transaction has changed the building
    and not yet committed. A change made against the version both read waits for the row,
    then finds it changed (412) instead of writing over it."""
    change = "UPDATE buildings SET name = 'First', version = version + 1 WHERE id = $1"
    async with holding(postgres_url, change, building.pk) as (other, look):
        second = asyncio.create_task(
            buildings.update_building(
                actor_of(staff),
                building.pk,
                expected=Expected(frozenset({building.version})),
                name="Second",
            )
        )
        await waiting_on_a_lock(look, query="%FOR UPDATE%", task=second)
        await other.execute("COMMIT")
        with pytest.raises(PreconditionFailed):
            await asyncio.wait_for(second, 30)
    stored = await Building.get(id=building.pk)
    assert (stored.name, stored.version) == ("First", building.version + 1)


async def test_staff_role_is_enough_for_the_catalogue(make_user, client, building):
    staff = await make_user(Role.staff)
    r = await client.post(
        R,
        json={"code": "C-1", "name": "c", "building_id": building.pk, "capacity": 3},
        headers=bearer(staff),
    )
    assert r.status_code == 201


async def test_a_room_s_life_is_audited_whole(client, staff, building):
    h = bearer(staff)
    for code in ("projector", "whiteboard"):
        await client.post("/api/v1/features", json={"code": code, "name": code}, headers=h)
    body = {"code": "B1-9", "name": "Nine", "building_id": building.pk, "capacity": 9}
    r = await client.post(R, json=body | {"features": ["whiteboard", "projector"]}, headers=h)
    room = r.json()
    created = await AuditEvent.filter(action="room.create").get()
    assert (created.entity_type, created.entity_id, created.actor_user_id) == (
        "room",
        room["id"],
        staff.pk,
    )
    assert created.after == {
        "code": "B1-9",
        "name": "Nine",
        "building_id": building.pk,
        "floor": None,
        "capacity": 9,
        "features": ["projector", "whiteboard"],
        "bookable": True,
        "requires_approval": False,
        "description": "",
    }
    r = await client.patch(
        f"{R}/{room['id']}", json={"features": [], "capacity": 12}, headers=h | {"If-Match": "*"}
    )
    assert r.json()["features"] == []
    updated = await AuditEvent.filter(action="room.update").get()
    assert (updated.entity_type, updated.entity_id) == ("room", room["id"])
    assert (updated.before["features"], updated.after["features"]) == (
        ["projector", "whiteboard"],
        [],
    )
    assert (updated.before["capacity"], updated.after["capacity"]) == (9, 12)
    assert updated.actor_user_id == staff.pk
    assert r.json()["version"] == room["version"] + 1  # each change one version on
    r = await client.patch(
        f"{R}/{room['id']}",
        json={"features": ["whiteboard"]},
        headers=h | {"If-Match": f'"{room["version"] + 1}"'},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["features"], r.json()["version"]) == (["whiteboard"], room["version"] + 2)
    assert r.headers["etag"].startswith(f'"{room["version"] + 2}-')
    r = await client.patch(
        f"{R}/{room['id']}", json={"capacity": 1}, headers=h | {"If-Match": f'"{room["version"]}"'}
    )
    assert r.status_code == 412
    assert r.json()["detail"].startswith("The room B1-9 has changed since you read it")
    assert (await client.delete(f"{R}/{room['id']}", headers=h)).status_code == 200
    removed = await AuditEvent.filter(action="room.delete").get()
    assert (removed.entity_type, removed.entity_id, removed.after) == (
        "room",
        room["id"],
        {"force": False},
    )
    assert removed.before["capacity"] == 12


async def test_a_room_moves_only_to_a_building_that_is_there(client, staff, building, room):
    h = bearer(staff) | {"If-Match": "*"}
    r = await client.patch(f"{R}/{room.pk}", json={"building_id": 999_999}, headers=h)
    assert (r.status_code, r.json()["errors"][0]) == (
        400,
        {
            "location": "body",
            "pointer": "/building_id",
            "detail": "building 999999 does not exist",
            "code": "unknown",
        },
    )
    other = (
        await client.post(B, json={"code": "B2", "name": "Two", "timezone": "UTC"}, headers=h)
    ).json()
    r = await client.patch(f"{R}/{room.pk}", json={"building_id": other["id"]}, headers=h)
    assert (r.status_code, r.json()["building_code"]) == (200, "B2")
    dup = await client.post(
        R, json={"code": "B2-1", "name": "x", "building_id": other["id"], "capacity": 3}, headers=h
    )
    r = await client.patch(f"{R}/{dup.json()['id']}", json={"code": room.code}, headers=h)
    assert (r.status_code, r.json()["detail"]) == (
        409,
        f"a room with the code {room.code} already exists",
    )


async def test_removing_a_room_counts_only_the_bookings_still_to_come(
    client, staff, room, book, login_clock
):
    past = await book(staff, room, at(0, 9), at(0, 10))
    cancelled = await book(staff, room, at(0, 11), at(0, 12))
    await bookings.cancel_booking(actor_of(staff), cancelled.pk, expected=versions.ANY)
    pending = await book(staff, room, at(1, 9), at(1, 10))
    await Booking.filter(id=pending.pk).update(status=Status.pending)
    login_clock.now = at(0, 10).timestamp()  # the first has just ended
    r = await client.delete(f"{R}/{room.pk}", headers=bearer(staff))
    assert r.status_code == 409
    assert r.json()["bookings"] == [pending.pk]
    assert r.json()["detail"].startswith(f"room {room.code} has 1 upcoming booking;")
    await Booking.filter(id=pending.pk).update(status=Status.rejected)
    assert (await client.delete(f"{R}/{room.pk}", headers=bearer(staff))).status_code == 200
    assert (await Booking.get(id=past.pk)).status == Status.confirmed


async def test_a_removal_held_back_by_many_bookings_names_the_first_50_and_counts_them_all(
    client, staff, admin, room
):
    """The 409 names the 50 that come first (by start; made here in reverse), and counts
    all 51; forced, the removal cancels all 51."""
    made = [
        await Booking.create(
            room_id=room.pk,
            owner_id=staff.pk,
            title=f"Lecture {day}",
            start=at(day, 9),
            end=at(day, 10),
            status=Status.confirmed,
        )
        for day in range(51, 0, -1)
    ]
    by_start = [b.pk for b in reversed(made)]
    r = await client.delete(f"{R}/{room.pk}", headers=bearer(staff))
    assert r.status_code == 409, r.text
    assert r.json()["detail"].startswith(f"room {room.code} has 51 upcoming bookings;")
    assert r.json()["bookings"] == by_start[:50]
    r = await client.delete(f"{R}/{room.pk}?force=true", headers=bearer(admin))
    assert r.status_code == 200, r.text
    assert r.json()["cancelled_booking_ids"] == by_start
    assert await Booking.filter(room_id=room.pk, status=Status.cancelled).count() == 51


async def test_only_its_own_rooms_and_bookings_hold_a_removal_back(
    client, staff, building, room, make_room, book
):
    """Another room's upcoming booking does not hold a room back; another building's room
    does not hold a building back; an unknown building is a 404 naming it."""
    spare = await make_room()
    await book(staff, room, at(1, 9), at(1, 10))
    assert (await client.delete(f"{R}/{spare.pk}", headers=bearer(staff))).status_code == 200
    empty = await client.post(
        B, json={"code": "EMPTY", "name": "Empty", "timezone": "UTC"}, headers=bearer(staff)
    )
    assert empty.status_code == 201, empty.text
    gone = await client.delete(f"{B}/{empty.json()['id']}", headers=bearer(staff))
    assert gone.status_code == 204, gone.text
    r = await client.get(f"{B}/999999", headers=bearer(staff))
    assert (r.status_code, r.json()["detail"]) == (404, "building 999999 does not exist")


async def test_a_closure_is_deleted_only_under_its_own_building(client, staff, building):
    h = bearer(staff)
    other = (
        await client.post(B, json={"code": "B2", "name": "Two", "timezone": "UTC"}, headers=h)
    ).json()
    body = {"reason": "Works", "start_date": f"{Y2031}-05-01"}
    closure = (await client.post(f"{B}/{other['id']}/closures", json=body, headers=h)).json()
    r = await client.delete(f"{B}/{building.pk}/closures/{closure['id']}", headers=h)
    assert (r.status_code, r.json()["detail"]) == (
        404,
        f"closure {closure['id']} of building {building.pk} does not exist",
    )
    assert (
        await client.delete(f"{B}/{other['id']}/closures/{closure['id']}", headers=h)
    ).status_code == 204
    event = await AuditEvent.filter(action="closure.delete").get()
    assert (event.actor_user_id, event.entity_id) == (staff.pk, closure["id"])


async def test_a_building_is_audited_whole_when_made_and_its_code_is_taken_once(client, staff):
    h = bearer(staff)
    hours = {"mon": [["08:00", "12:00"]]}
    body = {"code": "LIB", "name": "Library", "timezone": "Europe/Paris", "opening_hours": hours}
    r = await client.post(B, json=body, headers=h)
    assert r.status_code == 201, r.text
    created = await AuditEvent.get(action="building.create")
    assert (created.entity_type, created.entity_id, created.actor_user_id) == (
        "building",
        r.json()["id"],
        staff.pk,
    )
    assert (created.before, created.after) == (None, body)
    again = await client.post(B, json=body | {"name": "Other"}, headers=h)
    assert again.status_code == 409, again.text
    assert again.json()["detail"] == "a building with the code LIB already exists"
    assert await AuditEvent.filter(action="building.create").count() == 1


async def test_a_room_is_made_only_in_a_building_that_is_there(client, staff, admin):
    """Neither an unknown building nor a removed one: a 400 naming ``building_id``, nothing
    written."""
    gone = await buildings.create_building(
        actor_of(admin), code="OLD", name="Old", timezone="Europe/Berlin"
    )
    await buildings.delete_building(actor_of(admin), gone.pk)
    for building_id in (999_999, gone.pk):
        body = {"code": "B1-7", "name": "Seven", "building_id": building_id, "capacity": 7}
        r = await client.post(R, json=body, headers=bearer(staff))
        refused_field(r, "/building_id", f"building {building_id} does not exist", "unknown")
    assert not await Room.exists()
    assert not await AuditEvent.filter(action="room.create").exists()


async def test_an_unknown_feature_is_named_with_the_ones_there_are(client, staff, building):
    """Before any feature exists the answer says so ("none yet"); after, it lists them in
    order. The unknown ones are named, sorted and once each; the room is not made."""
    h = bearer(staff)
    body = {"code": "B1-8", "name": "Eight", "building_id": building.pk, "capacity": 8}
    r = await client.post(R, json=body | {"features": ["lift", "hologram", "lift"]}, headers=h)
    assert r.status_code == 400, r.text
    assert r.json()["errors"] == [
        {
            "location": "body",
            "pointer": "/features",
            "detail": "unknown features hologram, lift; known: none yet "
            "(staff add features at POST /api/v1/features)",
            "code": "unknown_feature",
        }
    ]
    for code in ("whiteboard", "projector"):
        await client.post("/api/v1/features", json={"code": code, "name": code}, headers=h)
    r = await client.post(R, json=body | {"features": ["projector", "hologram"]}, headers=h)
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["detail"] == (
        "unknown feature hologram; known: projector, whiteboard "
        "(staff add features at POST /api/v1/features)"
    )
    assert not await Room.exists()


async def test_a_room_is_made_with_every_field_it_was_given(client, staff, building):
    """Each field of the request is the room's (none left at its default), and the answer is
    the room as read back, with its building's code and zone."""
    h = bearer(staff)
    await client.post("/api/v1/features", json={"code": "lift", "name": "Lift"}, headers=h)
    body = {
        "code": "B1-6",
        "name": "Six",
        "building_id": building.pk,
        "capacity": 66,
        "floor": -2,
        "features": ["lift"],
        "bookable": False,
        "requires_approval": True,
        "description": "Basement",
    }
    r = await client.post(R, json=body, headers=h)
    assert r.status_code == 201, r.text
    made = r.json()
    assert {k: made[k] for k in body} == body
    assert (made["building_code"], made["timezone"], made["version"]) == ("B1", "Europe/Berlin", 1)
    read = await client.get(f"{R}/{made['id']}", headers=h)
    assert read.json() == made  # contacts too (none: staff decide)
    assert made["contacts"] == []


async def test_a_removed_room_is_not_found(client, staff, room):
    h = bearer(staff)
    assert (await client.delete(f"{R}/{room.pk}", headers=h)).status_code == 200
    r = await client.get(f"{R}/{room.pk}", headers=h)
    assert r.status_code == 404, r.text
    assert r.json()["detail"] == f"room {room.pk} does not exist"


async def test_a_room_made_in_process_with_only_what_it_needs(admin, building):
    """The defaults of ``create_room`` for in-process callers (the API passes every field):
    bookable, no approval, no floor, no features, no description."""
    room = await rooms.create_room(
        actor_of(admin), code="B1-1", name="One", building_id=building.pk, capacity=10
    )
    assert (room.bookable, room.requires_approval, room.floor, room.description) == (
        True,
        False,
        None,
        "",
    )
    assert (await rooms.snapshot(room))["features"] == []


async def test_a_room_s_features_are_changed_row_by_row(client, staff, building):
    """A PATCH of ``features`` deletes the rows of the features the room loses and adds
    rows for those it gains; the same list (in any order, repeated) writes no row at all."""
    h = bearer(staff)
    for code in ("projector", "whiteboard", "piano"):
        await client.post("/api/v1/features", json={"code": code, "name": code}, headers=h)
    body = {"code": "F-1", "name": "F", "building_id": building.pk, "capacity": 9}
    room = (
        await client.post(R, json=body | {"features": ["projector", "whiteboard"]}, headers=h)
    ).json()

    async def rows() -> dict[str, int]:
        found = await RoomFeature.filter(room_id=room["id"]).prefetch_related("feature")
        return {row.feature.code: row.pk for row in found}

    first = await rows()
    same = ["whiteboard", "projector", "whiteboard"]
    r = await client.patch(
        f"{R}/{room['id']}", json={"features": same}, headers=h | {"If-Match": "*"}
    )
    assert (r.status_code, r.json()["version"]) == (200, room["version"]), r.text
    assert await rows() == first
    r = await client.patch(
        f"{R}/{room['id']}",
        json={"features": ["piano", "whiteboard"]},
        headers=h | {"If-Match": "*"},
    )
    assert r.json()["features"] == ["piano", "whiteboard"]
    now = await rows()
    assert now.keys() == {"piano", "whiteboard"} and now["whiteboard"] == first["whiteboard"]
