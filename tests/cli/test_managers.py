"""Delegating a building to a department from the terminal, against a real ``compax serve``:
``compax buildings managers add``, the manager's own queue (``compax bookings pending``) and
decision, ``compax rooms show`` naming whom to contact, removal, and favourites."""

from __future__ import annotations

from typing import Any

from compax_sdk import Compax, ConflictError, NotFoundError, PermissionDeniedError
from tests.cli.conftest import ADMIN_EMAIL, Cli, tag
from tests.dates import Y2031

PASSWORD = "office-pass-123"


def office(api: Compax, cli: Cli) -> tuple[str, Cli]:
    email = f"office-{tag().lower()}@music.example"
    api.users.create(email=email, full_name="Music Office", role="member", password=PASSWORD)
    return email, cli.login(email, PASSWORD)


def test_a_department_manages_its_building_and_decides_its_requests(
    admin_cli: Cli, cli: Cli, api: Compax, campus: dict[str, Any], member: Compax
) -> None:
    building, room = campus["building"], campus["mid"]
    api.rooms.update(room, requires_approval=True)
    email, office_cli = office(api, cli)
    made = admin_cli.json("buildings", "managers", "add", building.code, email)
    assert made["email"] == email and made["of"] == "building"
    again = admin_cli("buildings", "managers", "add", building.code, email)
    assert again.exit_code != 0 and "already manages" in again.output
    listed = admin_cli.json("buildings", "managers", "list", building.code)
    assert [m["email"] for m in listed] == [email]
    shown = admin_cli.ok("rooms", "show", room.code).output
    assert f"Music Office <{email}>" in shown
    admin_cli.ok("rooms", "managers", "add", room.code, ADMIN_EMAIL)  # a second to contact
    shown = admin_cli.ok("rooms", "show", room.code).output
    [contact] = [line for line in shown.splitlines() if line.startswith("contact")]
    named = contact.removeprefix("contact").strip().split(", ")
    assert sorted(named) == sorted([f"Music Office <{email}>", f"Administrator <{ADMIN_EMAIL}>"])
    edited = admin_cli.ok("rooms", "edit", room.code, "--description", "Rehearsal room").output
    assert contact in edited.splitlines()  # the edit shows the room as show does
    admin_cli.ok("rooms", "managers", "remove", room.code, ADMIN_EMAIL)

    start = f"{Y2031}-03-04T09:00:00+01:00"
    asked = member.bookings.create(
        room_id=room.id, title="Chamber rehearsal", start=start, end=f"{Y2031}-03-04T10:00:00+01:00"
    )
    assert asked.status == "pending"
    queue = office_cli.json("bookings", "pending", "--mine")
    assert [(b["id"], b["yours_to_decide"]) for b in queue] == [(asked.id, True)]
    office_cli.ok("bookings", "approve", str(asked.id))
    assert api.bookings.get(asked.id).status == "confirmed"

    removed = admin_cli.ok("buildings", "managers", "remove", building.code, email)
    assert removed.output.strip() == f"{email} no longer manages building {building.code}."
    assert admin_cli.json("buildings", "managers", "list", building.code) == []
    # again: in the words typed (it said "user 12 does not manage building 3")
    again = admin_cli("buildings", "managers", "remove", building.code, email)
    assert again.exit_code == 3
    assert again.output.strip() == f"error: {email} does not manage building {building.code}."
    later = member.bookings.create(
        room_id=room.id,
        title="Another",
        start=f"{Y2031}-03-05T09:00:00+01:00",
        end=f"{Y2031}-03-05T10:00:00+01:00",
    )
    refused = office_cli("bookings", "approve", str(later.id))
    assert refused.exit_code != 0
    assert api.bookings.get(later.id).status == "pending"


def test_room_managers_through_the_sdk_and_bad_input(
    admin_cli: Cli, cli: Cli, api: Compax, campus: dict[str, Any], member: Compax
) -> None:
    room = campus["small"]
    email, _ = office(api, cli)
    made = api.managers.add(room_id=room.id, email=email)
    assert [m.user_id for m in api.managers.list(room_id=room.id)] == [made.user_id]
    try:
        api.managers.add(room_id=room.id, user_id=made.user_id)
        raise AssertionError("named twice")
    except ConflictError:
        pass
    try:
        api.managers.add(room_id=999_999, user_id=made.user_id)
        raise AssertionError("no such room")
    except NotFoundError:
        pass
    try:
        member.managers.add(room_id=room.id, user_id=made.user_id)
        raise AssertionError("a member named a manager")
    except PermissionDeniedError:
        pass
    assert admin_cli.json("rooms", "managers", "list", room.code)[0]["email"] == email
    admin_cli.ok("rooms", "managers", "remove", room.code, email)
    assert list(api.managers.list(room_id=room.id)) == []
    again = admin_cli("rooms", "managers", "remove", room.code, str(made.user_id))
    assert again.exit_code == 3
    assert again.output.strip() == f"error: user {made.user_id} does not manage room {room.code}."
    # the user is the command's argument USER, sent as email or user_id
    for user, said in (
        ("nobody@campus.example", "user nobody@campus.example does not exist"),
        ("999999", "user 999999 does not exist"),
        ("not an email", "is not an email address"),
    ):
        refused = admin_cli("rooms", "managers", "add", room.code, user)
        assert refused.stderr == f"error: USER: {said}\n", refused.stderr
    assert list(api.managers.list(room_id=room.id)) == []


def test_favourites_from_the_cli(cli: Cli, api: Compax, campus: dict[str, Any]) -> None:
    _, me = office(api, cli)
    me.ok("rooms", "favourite", campus["big"].code)
    me.ok("rooms", "favourite", campus["small"].code)
    assert [r["code"] for r in me.json("rooms", "favourites")] == [
        campus["big"].code,
        campus["small"].code,
    ]
    found = me.json("rooms", "search", "--favourites", "--sort", "code")
    assert sorted(r["code"] for r in found["data"]) == sorted(
        [campus["big"].code, campus["small"].code]
    )
    me.ok("rooms", "favourite", campus["big"].code, "--remove")
    assert [r["code"] for r in me.json("rooms", "favourites")] == [campus["small"].code]
