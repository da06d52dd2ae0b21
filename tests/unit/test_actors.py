"""Who may do what (``services/actors.py``) on its own: the role checks, an API key's
scopes, a manager's rooms and buildings, and the words of each refusal. The API tests reach
these through every route (tests/api/test_permissions.py), minutes per run; these judge a
change to one check in a second (docs/testing.md, the twenty-fourth pass)."""

from __future__ import annotations

import pytest

from compax_server.db.users import Role
from compax_server.errors import Forbidden
from compax_server.services.actors import (
    STAFF_ONLY,
    Actor,
    Scope,
    require_admin,
    require_owner_or_staff,
    require_scope,
    require_staff,
    require_staff_or_manager,
)

ROOM, BUILDING, ELSEWHERE = 7, 3, 99


def actor(role: Role = Role.member, scopes: set[str] | None = None, **managed) -> Actor:
    return Actor(
        user_id=1,
        email="someone@example.edu",
        role=role,
        api_key_id=None if scopes is None else 5,
        scopes=None if scopes is None else frozenset(scopes),
        **managed,
    )


def refused(check, *args, **kwargs) -> Forbidden:
    with pytest.raises(Forbidden) as refusal:
        check(*args, **kwargs)
    return refusal.value


def test_a_person_signed_in_has_every_scope_and_a_key_only_its_own():
    assert all(actor().has_scope(s) for s in Scope.ALL)
    key = actor(scopes={Scope.read})
    assert key.has_scope(Scope.read)
    assert not key.has_scope(Scope.write)
    assert not actor(scopes=set()).has_scope(Scope.read)


def test_a_key_without_the_scope_is_refused_naming_it():
    require_scope(actor(scopes={Scope.write}), Scope.write)
    require_scope(actor(), Scope.admin)
    refusal = refused(require_scope, actor(scopes={Scope.read}), Scope.write)
    assert refusal.detail == "this API key lacks the 'write' scope"
    assert refusal.extra == {"required_scope": "write"}


def test_only_administrators_pass_require_admin_and_only_with_the_admin_scope():
    require_admin(actor(Role.admin))
    require_admin(actor(Role.admin, scopes={Scope.admin}))
    for who in (Role.staff, Role.member):
        assert refused(require_admin, actor(who)).detail == "only administrators may do this"
    key = refused(require_admin, actor(Role.admin, scopes={Scope.read, Scope.write}))
    assert key.extra == {"required_scope": "admin"}


def test_staff_and_administrators_pass_require_staff_with_the_scope_asked():
    for who in (Role.staff, Role.admin):
        require_staff(actor(who))
        require_staff(actor(who, scopes={Scope.import_}), Scope.import_)
    assert refused(require_staff, actor()).detail == STAFF_ONLY
    assert refused(require_staff, actor(Role.staff, scopes={Scope.read})).extra == {
        "required_scope": "write"
    }
    key = refused(require_staff, actor(Role.staff, scopes={Scope.write}), Scope.import_)
    assert key.extra == {"required_scope": "import"}


def test_a_manager_passes_for_the_room_or_building_they_manage_and_nowhere_else():
    manager = actor(managed_rooms=frozenset({ROOM}), managed_buildings=frozenset({BUILDING}))
    require_staff_or_manager(manager, room_id=ROOM)
    require_staff_or_manager(manager, building_id=BUILDING)
    require_staff_or_manager(actor(Role.staff), room_id=ELSEWHERE, building_id=ELSEWHERE)
    for where in (
        {"room_id": ELSEWHERE},
        {"building_id": ELSEWHERE},
        {"room_id": BUILDING, "building_id": ROOM},  # the ids of the other kind
        {},
    ):
        assert refused(require_staff_or_manager, manager, **where).detail == STAFF_ONLY, where
    assert refused(require_staff_or_manager, actor(), building_id=None).detail == STAFF_ONLY
    key = actor(scopes={Scope.read}, managed_rooms=frozenset({ROOM}))
    assert refused(require_staff_or_manager, key, room_id=ROOM).extra == {"required_scope": "write"}


def test_changes_are_the_owners_and_staffs():
    require_owner_or_staff(actor(), 1, "booking")
    require_owner_or_staff(actor(Role.staff), 2, "booking")
    manager = actor(managed_rooms=frozenset({ROOM}))
    refusal = refused(require_owner_or_staff, manager, 2, "series")
    assert refusal.detail == "only its owner and staff may change this series"


def test_a_booking_is_seen_whole_by_its_owner_staff_and_its_rooms_managers():
    manager = actor(managed_rooms=frozenset({ROOM}))
    assert manager.cares_for(ROOM) and not manager.cares_for(ELSEWHERE)
    assert actor(Role.staff).cares_for(ELSEWHERE)
    assert actor().sees_booking_of(1, ELSEWHERE)  # its owner
    assert manager.sees_booking_of(2, ROOM)
    assert actor(Role.admin).sees_booking_of(2, ELSEWHERE)
    assert not manager.sees_booking_of(2, ELSEWHERE)
    assert not actor().sees_booking_of(2, ROOM)
