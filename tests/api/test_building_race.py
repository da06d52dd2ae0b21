"""A building removed while a room is placed in it at the same moment: the room is refused
(the building is gone by the time it is read). Before, on PostgreSQL the removal counted no
rooms while the room was written, and the room ended up in a removed building."""

from __future__ import annotations

from compax_server.db.rooms import Room
from compax_server.errors import InvalidInput
from compax_server.services import buildings, rooms
from tests.conftest import actor_of


async def test_a_room_placed_in_a_building_being_removed_is_refused(first_held, admin):
    actor = actor_of(admin)
    empty = await buildings.create_building(
        actor, code="GONE", name="Removed", timezone="Europe/Berlin"
    )
    removed, placed = await first_held(
        buildings.delete_building(actor, empty.pk),
        lambda: rooms.create_room(
            actor, code="GONE-1", name="Late", building_id=empty.pk, capacity=10
        ),
    )
    assert removed is None and isinstance(placed, InvalidInput)
    assert "does not exist" in str(placed.extra["errors"][0]["detail"])
    assert not await Room.filter(building_id=empty.pk).exists()
