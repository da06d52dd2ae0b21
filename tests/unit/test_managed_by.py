"""``db.managers.managed_by`` and ``managed_by_each``: what a manager decides, one user or
many in one go (the daily digest asks for every approver at once)."""

from __future__ import annotations

from datetime import UTC, datetime

from compax_server.db import managers as managers_db
from compax_server.db.managers import NOTHING, Managed, Manager
from compax_server.db.rooms import Room
from compax_server.services import buildings
from tests.conftest import actor_of


async def test_each_user_gets_the_rooms_they_manage_directly_or_by_building(
    database, admin, building, make_room, make_user
):
    near, also_near = await make_room(), await make_room()
    gone = await make_room()
    await Room.filter(id=gone.pk).update(deleted_at=datetime.now(UTC))
    other = await buildings.create_building(
        actor_of(admin), code="B2", name="Annex", timezone="Europe/Berlin"
    )
    far = await Room.create(building_id=other.pk, code="B2-1", name="Far", capacity=10)
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
