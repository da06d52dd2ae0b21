"""Room and building managers through the API: naming them (and every bad input refused
with nothing written), what a manager may do for their rooms and exactly nothing more, the
pending queue routed to them, removal taking effect, the room's contacts, and favourites."""

from __future__ import annotations

from typing import Any

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.managers import Favourite, Manager
from compax_server.db.rooms import Building, Closure
from compax_server.db.users import Role
from compax_server.services import sessions, users
from tests.conftest import Clock, actor_of, at, bearer
from tests.dates import Y2031

API = "/api/v1"


@pytest.fixture
async def campus(client, make_user, admin, staff, building, make_room) -> dict[str, Any]:
    """Room ``seminar`` (needs approval) in B1, with a room manager; B1 with a building
    manager; another building B9 with its own manager and room; a plain member."""
    other_building = await Building.create(code="B9", name="Elsewhere", timezone="UTC")
    seminar = await make_room(requires_approval=True, code="B1-SEM")
    lab = await make_room(requires_approval=True, code="B1-LAB")
    far = await make_room(requires_approval=True, code="B9-001", building_id=other_building.pk)
    people = {
        name: await make_user(Role.member)
        for name in ("room_manager", "building_manager", "far_manager", "member", "other")
    }
    for path, who in (
        (f"/rooms/{seminar.pk}/managers", "room_manager"),
        (f"/buildings/{building.pk}/managers", "building_manager"),
        (f"/buildings/{other_building.pk}/managers", "far_manager"),
    ):
        r = await client.post(API + path, json={"user_id": people[who].pk}, headers=bearer(staff))
        assert r.status_code == 201, r.text
    return {
        "seminar": seminar,
        "lab": lab,
        "far": far,
        "building": building,
        "other_building": other_building,
        **people,
    }


async def request_booking(client, user, room, day: int = 1) -> dict[str, Any]:
    r = await client.post(
        f"{API}/bookings",
        json={
            "room_id": room.pk,
            "title": f"Request of {user.email}",
            "start": at(day, 9).isoformat(),
            "end": at(day, 10).isoformat(),
        },
        headers=bearer(user),
    )
    assert r.status_code == 201, r.text
    return r.json()


async def counts() -> tuple[int, int]:
    return await Manager.all().count(), await AuditEvent.all().count()


# -- naming managers ----------------------------------------------------------------------


async def test_naming_a_manager_lists_them_and_records_it(client, campus, staff, admin):
    r = await client.get(f"{API}/rooms/{campus['seminar'].pk}/managers", headers=bearer(staff))
    assert r.status_code == 200
    [row] = r.json()["data"]
    assert row["user_id"] == campus["room_manager"].pk
    assert row["email"] == campus["room_manager"].email
    assert row["of"] == "room" and row["room_id"] == campus["seminar"].pk
    asked = await request_booking(client, campus["other"], campus["lab"])
    # The member is known to this process (as managing nothing) before being named.
    refused = await client.get(f"{API}/bookings/{asked['id']}", headers=bearer(campus["member"]))
    assert refused.status_code == 404, refused.text
    r = await client.post(
        f"{API}/rooms/{campus['lab'].pk}/managers",
        json={"email": campus["member"].email.upper()},
        headers=bearer(admin),
    )
    assert r.status_code == 201, r.text
    assert (r.json()["user_id"], r.json()["room_id"], r.json()["building_id"]) == (
        campus["member"].pk, campus["lab"].pk, None,
    )  # fmt: skip
    event = await AuditEvent.filter(action="manager.add").order_by("-id").first()
    assert event is not None
    assert (event.actor_user_id, event.entity_type, event.entity_id) == (
        admin.pk, "room", campus["lab"].pk,
    )  # fmt: skip
    assert event.after == {"user_id": campus["member"].pk, "room_id": campus["lab"].pk}
    # ...and the rights hold at once in the process that named them.
    seen = await client.get(f"{API}/bookings/{asked['id']}", headers=bearer(campus["member"]))
    assert seen.status_code == 200, seen.text


UNKNOWN = ("body", "/user_id", "unknown")
ONE_OF = ("body", "", "value_error")


@pytest.mark.parametrize(
    ("path", "body", "status", "detail", "error"),
    [
        ("/rooms/999999/managers", {"user_id": "{member}"}, 404, "room 999999 does not exist", None),
        ("/buildings/999999/managers", {"user_id": "{member}"}, 404, "building 999999 does not exist", None),
        ("/rooms/{seminar}/managers", {"user_id": 999999}, 400, "user_id: user 999999 does not exist", UNKNOWN),
        ("/rooms/{seminar}/managers", {"email": "nobody@campus.example"}, 400, "email: user nobody@campus.example does not exist", ("body", "/email", "unknown")),
        ("/rooms/{seminar}/managers", {"user_id": "{inactive}"}, 400, "user_id: user {inactive} is deactivated", ("body", "/user_id", "inactive")),
        ("/rooms/{seminar}/managers", {"user_id": "{room_manager}"}, 409, "{room_manager} already manages room B1-SEM", None),
        ("/buildings/{building}/managers", {"user_id": "{building_manager}"}, 409, "{building_manager} already manages building B1", None),
        ("/rooms/{seminar}/managers", {}, 400, "body: give user_id or email (one of them)", ONE_OF),
        ("/rooms/{seminar}/managers", {"user_id": 1, "email": "a@b.c"}, 400, "body: give user_id or email (one of them)", ONE_OF),
    ],
)  # fmt: skip
async def test_bad_requests_to_name_a_manager_write_nothing(
    client, campus, staff, admin, make_user, path, body, status, detail, error
):
    inactive = await make_user(Role.member)
    await users.deactivate_user(actor_of(admin), inactive.pk)
    ids = {
        "member": campus["member"].pk,
        "inactive": inactive.pk,
        "room_manager": campus["room_manager"].pk,
        "building_manager": campus["building_manager"].pk,
        "seminar": campus["seminar"].pk,
        "building": campus["building"].pk,
    }
    for name, value in ids.items():
        path = path.replace("{" + name + "}", str(value))
    body = {
        k: ids[v[1:-1]] if isinstance(v, str) and v[1:-1] in ids else v for k, v in body.items()
    }
    emails = {"{inactive}": inactive.email} | {
        "{" + who + "}": campus[who].email for who in ("room_manager", "building_manager")
    }
    for name, email in emails.items():
        detail = detail.replace(name, email)
    before = await counts()
    r = await client.post(API + path, json=body, headers=bearer(staff))
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == detail
    if error:
        [first] = r.json()["errors"]
        assert (first["location"], first["pointer"], first["code"]) == error
    assert await counts() == before


async def test_a_deleted_room_takes_no_manager(client, campus, staff, admin):
    seminar = campus["seminar"]
    r = await client.delete(
        f"{API}/rooms/{seminar.pk}", headers=bearer(admin) | {"If-Match": f'"{seminar.version}"'}
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{API}/rooms/{seminar.pk}/managers",
        json={"user_id": campus["member"].pk},
        headers=bearer(staff),
    )
    assert (r.status_code, r.json()["detail"]) == (404, f"room {seminar.pk} does not exist")


async def name(client: Any, staff: Any, path: str, user: Any) -> None:
    r = await client.post(API + path, json={"user_id": user.pk}, headers=bearer(staff))
    assert r.status_code == 201, r.text


async def test_removing_a_manager_removes_that_one_there_only(client, campus, staff):
    """The room keeps its other managers; the user keeps their other rooms; the removal is
    recorded with what was removed."""
    seminar, lab, member = campus["seminar"], campus["lab"], campus["member"]
    await name(client, staff, f"/rooms/{seminar.pk}/managers", member)
    await name(client, staff, f"/rooms/{lab.pk}/managers", member)
    path = f"{API}/rooms/{seminar.pk}/managers/{member.pk}"
    assert (await client.delete(path, headers=bearer(staff))).status_code == 204
    left = await Manager.all().values_list("user_id", "room_id", "building_id")
    assert sorted(left, key=str) == sorted(
        [
            (campus["room_manager"].pk, seminar.pk, None),
            (member.pk, lab.pk, None),
            (campus["building_manager"].pk, None, campus["building"].pk),
            (campus["far_manager"].pk, None, campus["far"].building_id),
        ],
        key=str,
    )
    event = await AuditEvent.filter(action="manager.remove").get()
    assert (event.actor_user_id, event.entity_type, event.entity_id, event.before) == (
        staff.pk, "room", seminar.pk, {"user_id": member.pk, "room_id": seminar.pk},
    )  # fmt: skip
    again = await client.delete(path, headers=bearer(staff))
    assert (again.status_code, again.json()["detail"]) == (
        404, f"user {member.pk} does not manage room {seminar.pk}",
    )  # fmt: skip


async def test_a_buildings_managers_are_listed_there(client, campus, staff):
    r = await client.get(
        f"{API}/buildings/{campus['building'].pk}/managers", headers=bearer(campus["other"])
    )
    assert r.status_code == 200, r.text
    assert [(m["user_id"], m["of"], m["building_id"]) for m in r.json()["data"]] == [
        (campus["building_manager"].pk, "building", campus["building"].pk)
    ]
    r = await client.get(f"{API}/rooms/{campus['lab'].pk}/managers", headers=bearer(staff))
    assert r.json()["data"] == []  # the seminar's manager is not the lab's
    r = await client.get(f"{API}/buildings/999999/managers", headers=bearer(staff))
    assert (r.status_code, r.json()["detail"]) == (404, "building 999999 does not exist")
    r = await client.post(
        f"{API}/buildings/{campus['building'].pk}/managers",
        json={"user_id": campus["other"].pk},
        headers=bearer(staff),
    )
    assert (r.json()["of"], r.json()["building_id"], r.json()["room_id"]) == (
        "building", campus["building"].pk, None,
    )  # fmt: skip
    building, manager = campus["building"].pk, campus["building_manager"].pk
    path = f"{API}/buildings/{building}/managers/{manager}"
    assert (await client.delete(path, headers=bearer(staff))).status_code == 204
    r = await client.get(f"{API}/buildings/{building}/managers", headers=bearer(staff))
    assert [m["user_id"] for m in r.json()["data"]] == [campus["other"].pk]
    again = await client.delete(path, headers=bearer(staff))
    assert (again.status_code, again.json()["detail"]) == (
        404, f"user {manager} does not manage building {building}",
    )  # fmt: skip


async def test_removing_a_manager_twice_is_a_404(client, campus, staff):
    path = f"{API}/rooms/{campus['seminar'].pk}/managers/{campus['room_manager'].pk}"
    assert (await client.delete(path, headers=bearer(staff))).status_code == 204
    r = await client.delete(path, headers=bearer(staff))
    assert r.status_code == 404 and r.json()["code"] == "not_found"


# -- what a manager may do, for their rooms only --------------------------------------------


@pytest.mark.parametrize("who", ["room_manager", "building_manager"])
async def test_a_manager_decides_their_rooms_requests(client, campus, who):
    asked = await request_booking(client, campus["member"], campus["seminar"])
    assert asked["status"] == "pending"
    r = await client.get(f"{API}/bookings/{asked['id']}", headers=bearer(campus[who]))
    assert r.status_code == 200
    assert r.json()["title"] == asked["title"] and r.json()["owner_id"] == campus["member"].pk
    r = await client.post(
        f"{API}/bookings/{asked['id']}/approve",
        headers=bearer(campus[who]) | {"If-Match": f'"{asked["version"]}"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "confirmed"
    event = await AuditEvent.filter(action="booking.approve").first()
    assert event is not None and event.actor_user_id == campus[who].pk
    declined = await request_booking(client, campus["member"], campus["seminar"], day=2)
    r = await client.post(
        f"{API}/bookings/{declined['id']}/reject",
        json={"reason": "exam week"},
        headers=bearer(campus[who]) | {"If-Match": f'"{declined["version"]}"'},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["reason"]) == ("rejected", "exam week")
    event = await AuditEvent.filter(action="booking.reject").first()
    assert event is not None and event.actor_user_id == campus[who].pk


async def test_elsewhere_a_manager_gets_exactly_the_members_answer(client, campus):
    asked = await request_booking(client, campus["other"], campus["seminar"])
    far = await request_booking(client, campus["other"], campus["far"])
    headers = {"If-Match": f'"{asked["version"]}"'}
    answers = {}
    for who in ("member", "far_manager"):
        got = []
        for method, path, body in (
            ("POST", f"/bookings/{asked['id']}/approve", None),
            ("POST", f"/bookings/{asked['id']}/reject", {"reason": "no"}),
            ("POST", "/bookings/999999/approve", None),
            ("GET", f"/bookings/{asked['id']}", None),
            ("PATCH", f"/rooms/{campus['seminar'].pk}", {"description": "mine now"}),
            ("PUT", f"/rules/room/{campus['seminar'].pk}", {"max_duration_minutes": 60}),
            ("PUT", f"/rules/building/{campus['building'].pk}", {"max_duration_minutes": 60}),
            (
                "POST",
                f"/buildings/{campus['building'].pk}/closures",
                {"reason": "r", "start_date": f"{Y2031}-12-24", "room_id": campus["seminar"].pk},
            ),
            ("POST", f"/rooms/{campus['seminar'].pk}/managers", {"user_id": campus[who].pk}),
        ):
            r = await client.request(
                method, API + path, json=body, headers=bearer(campus[who]) | headers
            )
            problem = r.json()
            got.append((r.status_code, problem.get("code"), problem.get("detail")))
        answers[who] = got
    assert answers["far_manager"] == answers["member"]
    assert all(status in (403, 404) for status, _, _ in answers["member"])
    # ...while at home the far manager decides
    r = await client.post(
        f"{API}/bookings/{far['id']}/approve",
        headers=bearer(campus["far_manager"]) | {"If-Match": f'"{far["version"]}"'},
    )
    assert r.status_code == 200, r.text


async def test_a_manager_cares_for_the_room_but_changes_no_one_elses_booking(client, campus, staff):
    manager = bearer(campus["room_manager"])
    room = campus["seminar"]
    # edits description and features, not the rest
    r = await client.patch(
        f"{API}/rooms/{room.pk}",
        json={"description": "Ask the department office"},
        headers=manager | {"If-Match": "*"},
    )
    assert r.status_code == 200 and r.json()["description"] == "Ask the department office"
    r = await client.patch(
        f"{API}/rooms/{room.pk}", json={"capacity": 500}, headers=manager | {"If-Match": "*"}
    )
    assert r.status_code == 403
    # sets its rules, not its building's
    r = await client.put(
        f"{API}/rules/room/{room.pk}", json={"max_duration_minutes": 90}, headers=manager
    )
    assert r.status_code == 200, r.text
    r = await client.put(
        f"{API}/rules/building/{campus['building'].pk}",
        json={"max_duration_minutes": 90},
        headers=manager,
    )
    assert r.status_code == 403
    # closes it, and reopens it
    r = await client.post(
        f"{API}/buildings/{campus['building'].pk}/closures",
        json={"reason": "Painting", "start_date": f"{Y2031}-12-24", "room_id": room.pk},
        headers=manager,
    )
    assert r.status_code == 201, r.text
    closure = r.json()["id"]
    closures = f"{API}/buildings/{campus['building'].pk}/closures"
    r = await client.post(
        closures,
        json={"reason": "Lab works", "start_date": f"{Y2031}-12-24", "room_id": campus["lab"].pk},
        headers=bearer(staff),
    )
    lab_closure = r.json()["id"]
    # not the closure of a room it does not manage, nor one that does not exist
    assert (await client.delete(f"{closures}/{lab_closure}", headers=manager)).status_code == 403
    assert (await client.delete(f"{closures}/999999", headers=manager)).status_code == 403
    r = await client.delete(f"{closures}/{closure}", headers=manager)
    assert r.status_code == 204
    event = await AuditEvent.filter(action="closure.delete").get()
    assert (event.entity_type, event.entity_id, event.before["reason"]) == (
        "closure",
        closure,
        "Painting",
    )
    assert await Closure.filter(id=lab_closure).exists()
    # books it with override, confirmed at once (it needs approval from others)
    r = await client.post(
        f"{API}/bookings",
        json={
            "room_id": room.pk,
            "title": "Department meeting",
            "start": at(2, 9).isoformat(),
            "end": at(2, 12).isoformat(),
            "override": True,
        },
        headers=manager,
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "confirmed"
    # sees others' bookings of the room, and their titles in its availability
    asked = await request_booking(client, campus["member"], room, day=3)
    r = await client.get(
        f"{API}/rooms/{room.pk}/availability",
        params={"from": at(3, 0).isoformat(), "to": at(4, 0).isoformat()},
        headers=manager,
    )
    [busy] = [b for b in r.json()["busy"] if b["kind"] == "booking"]
    assert busy["booking_id"] == asked["id"] and busy["title"] == asked["title"]
    r = await client.get(f"{API}/bookings", params={"room_id": room.pk}, headers=manager)
    assert asked["id"] in [b["id"] for b in r.json()["data"]]
    # ...but does not move or cancel them: that stays the owner's and staff's
    r = await client.post(
        f"{API}/bookings/{asked['id']}/cancel", json={}, headers=manager | {"If-Match": "*"}
    )
    assert r.status_code == 403
    r = await client.patch(
        f"{API}/bookings/{asked['id']}", json={"title": "x"}, headers=manager | {"If-Match": "*"}
    )
    assert r.status_code == 403
    assert r.json()["detail"] == "only its owner and staff may change this booking"
    # and a member sees no title of it
    r = await client.get(
        f"{API}/rooms/{room.pk}/availability",
        params={"from": at(3, 0).isoformat(), "to": at(4, 0).isoformat()},
        headers=bearer(campus["other"]),
    )
    [busy] = [b for b in r.json()["busy"] if b["kind"] == "booking"]
    assert busy["booking_id"] is None and busy["title"] is None


async def test_a_manager_removed_loses_the_rights_at_once(client, campus, staff):
    asked = await request_booking(client, campus["member"], campus["seminar"])
    manager = bearer(campus["room_manager"]) | {"If-Match": f'"{asked["version"]}"'}
    r = await client.get(f"{API}/bookings/{asked['id']}", headers=manager)
    assert r.status_code == 200  # remembered: the manager's rights are in this process's memo
    r = await client.delete(
        f"{API}/rooms/{campus['seminar'].pk}/managers/{campus['room_manager'].pk}",
        headers=bearer(staff),
    )
    assert r.status_code == 204
    r = await client.post(f"{API}/bookings/{asked['id']}/approve", headers=manager)
    assert r.status_code == 403
    r = await client.get(f"{API}/bookings/{asked['id']}", headers=manager)
    assert r.status_code == 404


async def test_a_removal_by_another_process_is_seen_within_the_user_state_seconds(
    client, campus, monkeypatch
):
    """Another process removed the manager: this one's memo (like a role change's) holds
    at most ``USER_STATE_SECONDS``."""
    clock = Clock(1000.0)
    monkeypatch.setattr(sessions, "clock", clock)
    asked = await request_booking(client, campus["member"], campus["seminar"])
    manager = bearer(campus["building_manager"])
    r = await client.get(f"{API}/bookings/{asked['id']}", headers=manager)
    assert r.status_code == 200
    await Manager.filter(user_id=campus["building_manager"].pk).delete()  # elsewhere
    clock.now += sessions.USER_STATE_SECONDS / 2
    r = await client.get(f"{API}/bookings/{asked['id']}", headers=manager)
    assert r.status_code == 200  # still remembered, for a moment
    clock.now += sessions.USER_STATE_SECONDS
    r = await client.get(f"{API}/bookings/{asked['id']}", headers=manager)
    assert r.status_code == 404


# -- the queue, the contacts ---------------------------------------------------------------


async def test_the_pending_queue_is_routed_to_the_rooms_managers_with_staff_as_fallback(
    client, campus, staff, admin
):
    at_seminar = await request_booking(client, campus["member"], campus["seminar"], day=1)
    at_lab = await request_booking(client, campus["member"], campus["lab"], day=2)
    at_far = await request_booking(client, campus["member"], campus["far"], day=3)
    await request_booking(client, staff, campus["seminar"], day=4)  # confirmed: nothing to decide
    await Manager.filter(user_id=campus["building_manager"].pk).delete()
    sessions.forget_user(campus["building_manager"].pk)

    async def queue(user) -> list[int]:
        r = await client.get(f"{API}/bookings", params={"to_decide": "true"}, headers=bearer(user))
        assert r.status_code == 200, r.text
        return [b["id"] for b in r.json()["data"]]

    assert await queue(campus["room_manager"]) == [at_seminar["id"]]
    assert await queue(campus["far_manager"]) == [at_far["id"]]
    assert await queue(staff) == [at_lab["id"]]  # only the room nobody manages now
    assert await queue(campus["member"]) == []
    # a deactivated manager decides nothing: staff take over their rooms
    await users.deactivate_user(actor_of(admin), campus["far_manager"].pk)
    assert await queue(staff) == [at_lab["id"], at_far["id"]]


async def test_the_room_shows_whom_to_contact(client, campus):
    r = await client.get(f"{API}/rooms/{campus['seminar'].pk}", headers=bearer(campus["other"]))
    contacts = r.json()["contacts"]
    assert [(c["email"], c["of"]) for c in contacts] == [
        (campus["room_manager"].email, "room"),
        (campus["building_manager"].email, "building"),
    ]
    assert contacts[0]["full_name"] == campus["room_manager"].full_name


async def test_a_room_s_edit_answers_it_as_its_read_does_with_its_contacts(client, campus, staff):
    """A client keeping the answer to its edit as its copy keeps whom to ask too."""
    url = f"{API}/rooms/{campus['seminar'].pk}"
    read = (await client.get(url, headers=bearer(staff))).json()
    r = await client.patch(
        url,
        json={"description": "Seminar room, ground floor"},
        headers=bearer(staff) | {"If-Match": f'"{read["version"]}"'},
    )
    assert r.status_code == 200, r.text
    assert [(c["email"], c["of"]) for c in r.json()["contacts"]] == [
        (campus["room_manager"].email, "room"),
        (campus["building_manager"].email, "building"),
    ]
    assert r.json() == (await client.get(url, headers=bearer(staff))).json()


async def test_a_deactivated_manager_is_no_ones_contact(client, campus, admin):
    await users.deactivate_user(actor_of(admin), campus["room_manager"].pk)
    r = await client.get(f"{API}/rooms/{campus['seminar'].pk}", headers=bearer(campus["other"]))
    assert [c["email"] for c in r.json()["contacts"]] == [campus["building_manager"].email]
    named = await client.get(f"{API}/rooms/{campus['seminar'].pk}/managers", headers=bearer(admin))
    assert [m["user_id"] for m in named.json()["data"]] == [
        campus["room_manager"].pk
    ]  # still named
    await users.deactivate_user(actor_of(admin), campus["building_manager"].pk)
    r = await client.get(f"{API}/rooms/{campus['seminar'].pk}", headers=bearer(campus["other"]))
    assert r.json()["contacts"] == []


async def test_staff_who_manage_a_room_decide_it_as_well_as_the_unmanaged_ones(
    client, campus, staff
):
    """The seminar has its own manager; the lab and B9's room have none once the building
    managers go; the staff member is then named on B9's room."""
    await request_booking(client, campus["member"], campus["seminar"], day=1)
    at_lab = await request_booking(client, campus["member"], campus["lab"], day=2)
    at_far = await request_booking(client, campus["member"], campus["far"], day=3)
    await Manager.filter(building_id__not_isnull=True).delete()
    for who in ("building_manager", "far_manager"):
        sessions.forget_user(campus[who].pk)
    await name(client, staff, f"/rooms/{campus['far'].pk}/managers", staff)
    r = await client.get(f"{API}/bookings", params={"to_decide": "true"}, headers=bearer(staff))
    assert r.status_code == 200, r.text
    assert sorted(b["id"] for b in r.json()["data"]) == sorted([at_lab["id"], at_far["id"]])


# -- favourites -----------------------------------------------------------------------------


async def test_favourites_are_starred_listed_searched_and_unstarred(client, campus):
    me = bearer(campus["member"])
    for room in (campus["lab"], campus["far"]):
        assert (await client.put(f"{API}/me/favourites/{room.pk}", headers=me)).status_code == 204
    again = await client.put(f"{API}/me/favourites/{campus['lab'].pk}", headers=me)
    assert again.status_code == 204  # idempotent
    assert await Favourite.filter(user_id=campus["member"].pk).count() == 2
    r = await client.get(f"{API}/me/favourites", headers=me)
    assert [x["code"] for x in r.json()["data"]] == ["B1-LAB", "B9-001"]
    r = await client.get(f"{API}/rooms", params={"favourites": "only"}, headers=me)
    assert sorted(x["code"] for x in r.json()["data"]) == ["B1-LAB", "B9-001"]
    r = await client.get(
        f"{API}/rooms", params={"favourites": "only"}, headers=bearer(campus["other"])
    )
    assert r.json()["data"] == []  # someone else's stars are not mine
    r = await client.delete(f"{API}/me/favourites/{campus['far'].pk}", headers=me)
    assert r.status_code == 204
    r = await client.get(f"{API}/rooms", params={"favourites": "only"}, headers=me)
    assert [x["code"] for x in r.json()["data"]] == ["B1-LAB"]
    r = await client.delete(f"{API}/me/favourites/{campus['far'].pk}", headers=me)
    assert r.status_code == 404
    r = await client.put(f"{API}/me/favourites/999999", headers=me)
    assert r.status_code == 404
    r = await client.get(f"{API}/rooms", params={"favourites": "all"}, headers=me)
    assert r.status_code == 400


@pytest.mark.parametrize(("who", "status"), [("building_manager", 201), ("far_manager", 403)])
async def test_a_manager_books_a_series_in_their_room_with_override(client, campus, who, status):
    r = await client.post(
        f"{API}/series",
        json={
            "room_id": campus["seminar"].pk,
            "title": "Department seminar",
            "start_date": f"{Y2031}-03-04",
            "start_time": "09:00",
            "duration_minutes": 60,
            "recurrence": {"freq": "weekly", "count": 3},
            "override": True,
        },
        headers=bearer(campus[who]),
    )
    assert r.status_code == status, r.text
    if status == 201:  # no approval needed from themselves
        occurrences = await client.get(
            f"{API}/bookings",
            params={"series_id": r.json()["id"]},
            headers=bearer(campus["room_manager"]),  # the room's other manager sees them
        )
        assert [b["status"] for b in occurrences.json()["data"]] == ["confirmed"] * 3


async def test_a_managers_api_key_decides_their_rooms_requests_and_is_named_in_the_audit(
    client, campus, admin
):
    """A key acts as its user with everything the user is: a manager's key carries the
    rooms they manage, and what it writes is audited under the user, the key and the
    request."""
    manager = campus["room_manager"]
    r = await client.post(
        f"{API}/api-keys",
        json={"user_id": manager.pk, "name": "approvals", "scopes": ["read", "write"]},
        headers=bearer(admin),
    )
    assert r.status_code == 201, r.text
    key = r.json()
    asked = await request_booking(client, campus["member"], campus["seminar"])
    r = await client.post(
        f"{API}/bookings/{asked['id']}/approve",
        headers={
            "X-API-Key": key["secret"],
            "If-Match": f'"{asked["version"]}"',
            "X-Request-ID": "req-approve",
        },
    )
    assert r.status_code == 200, r.text
    event = await AuditEvent.filter(action="booking.approve").first()
    assert event is not None
    assert (event.actor_user_id, event.actor_api_key_id, event.request_id) == (
        manager.pk, key["id"], "req-approve",
    )  # fmt: skip
    assert event.actor_label == f"{manager.email} (key {key['id']})"


async def test_a_building_managers_api_key_closes_their_building(client, campus, admin):
    r = await client.post(
        f"{API}/api-keys",
        json={
            "user_id": campus["building_manager"].pk,
            "name": "closures",
            "scopes": ["read", "write"],
        },
        headers=bearer(admin),
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        f"{API}/buildings/{campus['building'].pk}/closures",
        json={"reason": "Power cut", "start_date": f"{Y2031}-12-24"},
        headers={"X-API-Key": r.json()["secret"]},
    )
    assert r.status_code == 201, r.text


async def test_unstarring_a_room_leaves_everyone_elses_star_and_both_are_recorded(client, campus):
    lab = campus["lab"]
    for who in ("member", "other"):
        r = await client.put(f"{API}/me/favourites/{lab.pk}", headers=bearer(campus[who]))
        assert r.status_code == 204
    r = await client.delete(f"{API}/me/favourites/{lab.pk}", headers=bearer(campus["member"]))
    assert r.status_code == 204
    assert await Favourite.all().values_list("user_id", flat=True) == [campus["other"].pk]
    member = campus["member"].pk
    recorded = await AuditEvent.filter(action__startswith="favourite.", actor_user_id=member)
    assert [(e.action, e.entity_type, e.entity_id, e.after, e.before) for e in recorded] == [
        ("favourite.add", "user", member, {"room_id": lab.pk}, None),
        ("favourite.remove", "user", member, None, {"room_id": lab.pk}),
    ]
    r = await client.delete(f"{API}/me/favourites/{lab.pk}", headers=bearer(campus["member"]))
    assert (r.status_code, r.json()["detail"]) == (
        404, f"room {lab.pk} is not among your favourites",
    )  # fmt: skip


async def test_a_closure_is_removed_by_the_managers_of_what_it_closes(client, campus, staff):
    """A building-wide closure: its building's managers, not a room's; a room's closure:
    the room's managers too. Both edit all a manager may edit of a room at once."""
    mine = f"{API}/buildings/{campus['building'].pk}/closures"
    body = {"reason": "Painting", "start_date": f"{Y2031}-12-24"}
    whole = await client.post(mine, json=body, headers=bearer(staff))
    one = await client.post(
        mine, json=body | {"room_id": campus["seminar"].pk}, headers=bearer(staff)
    )
    assert whole.status_code == one.status_code == 201, (whole.text, one.text)
    room_manager, building_manager = (
        bearer(campus["room_manager"]),
        bearer(campus["building_manager"]),
    )
    r = await client.delete(f"{mine}/{whole.json()['id']}", headers=room_manager)
    assert r.status_code == 403, r.text
    r = await client.delete(f"{mine}/{one.json()['id']}", headers=room_manager)
    assert r.status_code == 204, r.text
    r = await client.delete(f"{mine}/{whole.json()['id']}", headers=building_manager)
    assert r.status_code == 204, r.text
    assert await Closure.all().count() == 0
    both = {"description": "Ring first", "features": []}
    for who in (room_manager, building_manager):
        r = await client.patch(
            f"{API}/rooms/{campus['seminar'].pk}", json=both, headers=who | {"If-Match": "*"}
        )
        assert r.status_code == 200, r.text


async def test_a_building_s_manager_closes_its_rooms_and_no_room_of_another_building(
    client, campus
):
    """Through its own building's path, a building's manager closes any room of it; a room
    of another building named there is the member's 403 (not a 400 that says where the room
    is), with nothing written."""
    manager = bearer(campus["building_manager"])
    mine = f"{API}/buildings/{campus['building'].pk}/closures"
    body = {"reason": "Painting", "start_date": f"{Y2031}-12-24"}
    r = await client.post(mine, json=body | {"room_id": campus["lab"].pk}, headers=manager)
    assert r.status_code == 201, r.text
    r = await client.post(mine, json=body | {"room_id": campus["far"].pk}, headers=manager)
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == "only staff and administrators may do this"
    assert await Closure.all().count() == 1
