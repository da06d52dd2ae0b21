"""``db.managers.managed_by`` and ``managed_by_each``: what a manager decides, one user or
many in one go (the daily digest asks for every approver at once); and the other questions
of `db/managers.py`: who decides a room, which rooms no one manages, a room's or a building's
managers, favourites."""

from __future__ import annotations

from datetime import UTC, datetime

from compax_server.db import managers as managers_db
from compax_server.db.managers import NOTHING, Favourite, Managed, Manager
from compax_server.db.rooms import Building, Room
from compax_server.db.users import User
from compax_server.services import buildings
from tests.conftest import actor_of


async def annex_room(admin) -> tuple[Building, Room]:
    """A second building, with one room."""
    other = await buildings.create_building(
        actor_of(admin), code="B2", name="Annex", timezone="Europe/Berlin"
    )
    return other, await Room.create(building_id=other.pk, code="B2-1", name="Far", capacity=10)


async def test_each_user_gets_the_rooms_they_manage_directly_or_by_building(
    database, admin, building, make_room, make_user
):
    near, also_near = await make_room(), await make_room()
    gone = await make_room()
    await Room.filter(id=gone.pk).update(deleted_at=datetime.now(UTC))
    other, far = await annex_room(admin)
    by_room, by_building, both, no_one = [await make_user() for _ in range(4)]
    await Manager.create(user_id=by_room.pk, room_id=far.pk)
    await Manager.create(user_id=by_building.pk, building_id=building.pk)
    await Manager.create(user_id=both.pk, room_id=near.pk)
    await Manager.create(user_id=both.pk, building_id=other.pk)

    expected = {
        by_room.pk: Managed(buildings=frozenset(), rooms=frozenset({far.pk})),
        by_building.pk: Managed(
            buildings=frozenset({building.pk}), rooms=frozenset({near.pk, also_near.pk})
        ),  # not the removed room
        both.pk: Managed(buildings=frozenset({other.pk}), rooms=frozenset({near.pk, far.pk})),
    }
    everyone = [by_room.pk, by_building.pk, both.pk, no_one.pk]
    assert await managers_db.managed_by_each(everyone + everyone) == expected
    for user_id, managed in expected.items():
        assert await managers_db.managed_by(user_id) == managed
    assert await managers_db.managed_by(no_one.pk) == NOTHING
    assert await managers_db.managed_by_each([]) == {}
    # more users than one statement takes (500): asked in parts, none lost, at either end of
    # a part (sorted, the users' ids come after the negative ones, before the large ones)
    managers = {user_id: expected[user_id] for user_id in (by_room.pk, by_building.pk, both.pk)}
    for many in (
        [both.pk, *range(-1200, 0)],  # the last
        [by_room.pk, *range(10**6, 10**6 + 1000)],  # the first
        [*range(-499, 0), by_room.pk, by_building.pk, both.pk],  # the 500th, the 501st, ...
    ):
        found = await managers_db.managed_by_each(many)
        assert found == {u: m for u, m in managers.items() if u in many}, many[:3]


async def test_a_rooms_deciders_are_its_active_managers_named_on_it_or_its_building(
    database, admin, building, make_room, make_user
):
    managed, by_building_only = await make_room(), await make_room()
    _, far = await annex_room(admin)
    on_room, on_building, on_both, gone = [await make_user() for _ in range(4)]
    # named in another order than their ids
    await Manager.create(user_id=on_both.pk, building_id=building.pk)
    await Manager.create(user_id=on_building.pk, building_id=building.pk)
    await Manager.create(user_id=on_both.pk, room_id=managed.pk)
    await Manager.create(user_id=on_room.pk, room_id=managed.pk)
    await Manager.create(user_id=gone.pk, room_id=far.pk)
    await Manager.create(user_id=gone.pk, building_id=building.pk)
    await User.filter(id=gone.pk).update(is_active=False)

    everyone = sorted([on_room.pk, on_building.pk, on_both.pk])
    assert await managers_db.deciders_of([managed.pk, by_building_only.pk, far.pk]) == {
        managed.pk: everyone,  # by user id, each once (on_both is named twice)
        by_building_only.pk: sorted([on_building.pk, on_both.pk]),
    }  # far: its one manager is deactivated, so no one (staff) decides it
    assert await managers_db.deciders_of([far.pk]) == {}
    assert await managers_db.deciders_of([]) == {}


async def test_unmanaged_rooms_are_those_no_active_user_manages(
    database, admin, building, make_room, make_user
):
    by_room, by_inactive, nobody, removed = [await make_room() for _ in range(4)]
    other, by_building = await annex_room(admin)
    active, inactive, building_manager = [await make_user() for _ in range(3)]
    await Manager.create(user_id=active.pk, room_id=by_room.pk)
    await Manager.create(user_id=inactive.pk, room_id=by_inactive.pk)
    await Manager.create(user_id=building_manager.pk, building_id=other.pk)
    await User.filter(id=inactive.pk).update(is_active=False)
    await Room.filter(id=removed.pk).update(deleted_at=datetime.now(UTC))

    assert await managers_db.unmanaged_rooms() == [by_inactive.pk, nobody.pk]  # by id
    assert by_building.pk not in await managers_db.unmanaged_rooms()
    # everyone named a manager, once each, active or not, by id
    named = sorted([active.pk, inactive.pk, building_manager.pk])
    assert await managers_db.manager_user_ids() == named
    await Manager.create(user_id=active.pk, building_id=other.pk)
    assert await managers_db.manager_user_ids() == named


async def test_the_managers_named_on_a_room_or_a_building_by_id(
    database, building, make_room, make_user
):
    room, other_room = await make_room(), await make_room()
    first, second, on_building, elsewhere = [await make_user() for _ in range(4)]
    on_room = [await managers_db.add(second.pk, "room", room.pk)]
    on_room.insert(0, await managers_db.add(first.pk, "room", room.pk))  # a later id
    named = await managers_db.add(on_building.pk, "building", building.pk)
    await managers_db.add(elsewhere.pk, "room", other_room.pk)
    assert (named.building_id, named.room_id) == (building.pk, None)
    assert (on_room[0].room_id, on_room[0].building_id) == (room.pk, None)

    rows = await managers_db.managers_of(room_id=room.pk)  # not the building's
    assert [(r.id, r.user_id) for r in rows] == [
        (on_room[1].pk, second.pk),
        (on_room[0].pk, first.pk),
    ]
    assert rows[0] == managers_db.ManagerRow(
        on_room[1].pk, second.pk, second.email, second.full_name, None, room.pk
    )
    on_building_rows = await managers_db.managers_of(building_id=building.pk)
    assert [r.user_id for r in on_building_rows] == [on_building.pk]
    assert on_building_rows[0].building_id == building.pk
    await User.filter(id=second.pk).update(is_active=False)
    assert [r.user_id for r in await managers_db.managers_of(room_id=room.pk)] == [
        second.pk,
        first.pk,
    ]
    active = await managers_db.managers_of(room_id=room.pk, active_only=True)
    assert [r.user_id for r in active] == [first.pk]


async def test_favourites_are_the_rooms_still_in_the_catalogue_in_the_order_starred(
    database, make_room, make_user
):
    first, second, removed, theirs = [await make_room() for _ in range(4)]
    member, other = await make_user(), await make_user()
    for room in (second, removed, first):
        await Favourite.create(user_id=member.pk, room_id=room.pk)
    await Favourite.create(user_id=other.pk, room_id=theirs.pk)
    await Room.filter(id=removed.pk).update(deleted_at=datetime.now(UTC))
    assert await managers_db.favourite_ids(member.pk) == [second.pk, first.pk]
    assert await managers_db.favourite_ids(other.pk) == [theirs.pk]
