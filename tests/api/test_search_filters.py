"""The search's filters, matched exactly: text taken literally (no wildcards), the exact code,
and each room shown as it is (the same fields as ``GET /rooms/{id}``), on both engines.
Written to kill the mutants of ``db/search.py`` that survived the search tests
(docs/testing.md)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from compax_server.db import search as search_db
from compax_server.db.rooms import Room
from tests.api.test_search import R, find
from tests.conftest import bearer, monday_ahead

MONDAY_9 = datetime.combine(monday_ahead(5), time(9), tzinfo=UTC)


def codes(body: dict[str, Any]) -> list[str]:
    return sorted(r["code"] for r in body["data"])


async def test_text_is_matched_literally_and_in_either_case(client, member, make_room):
    await make_room(code="LAB_1", name="Wet lab")
    await make_room(code="LABX1", name="Dry lab")  # "_" as a wildcard would match it
    await make_room(code="S-1", name="50% of a hall")
    await make_room(code="S-2", name="500 seats")  # "%" as a wildcard would match it
    await make_room(code="S-3", name="Back\\slash studio")
    await make_room(code="S-4", name="Plain room")
    assert codes(await find(client, member, q="lab_1")) == ["LAB_1"]
    assert codes(await find(client, member, q="LAB_1")) == ["LAB_1"]
    assert codes(await find(client, member, q="WET LAB")) == ["LAB_1"]
    assert codes(await find(client, member, q="50%")) == ["S-1"]
    assert codes(await find(client, member, q="%")) == ["S-1"]
    assert codes(await find(client, member, q="_")) == ["LAB_1"]
    assert codes(await find(client, member, q="k\\s")) == ["S-3"]
    assert codes(await find(client, member, q="\\")) == ["S-3"]
    assert codes(await find(client, member, q="lab")) == ["LABX1", "LAB_1"]


async def test_code_finds_exactly_that_room(client, member, make_room):
    await make_room(code="LAB_1")
    await make_room(code="LAB_10")
    assert codes(await find(client, member, code="LAB_1")) == ["LAB_1"]
    assert codes(await find(client, member, code="LAB")) == []
    assert codes(await find(client, member, code="LAB_1", min_capacity=31)) == []


async def test_a_found_room_shows_what_get_shows(client, member, staff, make_room):
    """Every field of a search answer is the room's: flags and times as the room has them
    (SQLite stores flags as 0/1 and times as text; the search decodes both)."""
    await make_room(code="A-1", capacity=12, features=["projector", "av"], floor=3)
    await make_room(code="A-2", requires_approval=True, description="Ask first")
    await make_room(code="A-3", bookable=False)
    catalogue = await find(client, staff, sort="code")
    assert [r["code"] for r in catalogue["data"]] == ["A-1", "A-2", "A-3"]
    for found in catalogue["data"]:
        one = await client.get(f"{R}/{found['id']}", headers=bearer(staff))
        assert one.status_code == 200
        assert found.pop("contacts") is None  # listed by one room's read only
        assert found == {k: v for k, v in one.json().items() if k != "contacts"}
    flags = {r["code"]: (r["bookable"], r["requires_approval"]) for r in catalogue["data"]}
    assert flags == {"A-1": (True, False), "A-2": (True, True), "A-3": (False, False)}
    # With a window, only bookable rooms are offered.
    window = {"free_from": MONDAY_9, "free_to": MONDAY_9 + timedelta(hours=1), "sort": "code"}
    assert codes(await find(client, member, **window)) == ["A-1", "A-2"]


async def test_find_rooms_decodes_engine_values(database, make_room):
    made = await make_room(code="D-1", requires_approval=True)
    await make_room(code="D-2", bookable=False)
    rows = await search_db.find_rooms(search_db.RoomFilter(), None, sort="code", limit=10)
    by_code = {r["code"]: r for r in rows}
    one = by_code["D-1"]
    assert one["bookable"] is True and one["requires_approval"] is True
    assert by_code["D-2"]["bookable"] is False and by_code["D-2"]["requires_approval"] is False
    room = await Room.get(id=made.pk)
    assert one["created_at"] == room.created_at and one["created_at"].tzinfo is not None
    assert one["updated_at"] == room.updated_at and one["updated_at"].tzinfo is not None


async def test_room_filter_only_bookable_and_several_exclusions(database, make_room):
    rooms = [await make_room(code=f"E-{i}") for i in range(4)]
    await make_room(code="E-9", bookable=False)

    async def found(f: search_db.RoomFilter) -> list[str]:
        return [r["code"] for r in await search_db.find_rooms(f, None, sort="code", limit=10)]

    assert await found(search_db.RoomFilter()) == ["E-0", "E-1", "E-2", "E-3", "E-9"]
    assert await found(search_db.RoomFilter(only_bookable=True)) == ["E-0", "E-1", "E-2", "E-3"]
    excluded = search_db.RoomFilter(exclude_room_ids=[rooms[1].pk, rooms[3].pk])
    assert await found(excluded) == ["E-0", "E-2", "E-9"]
    chosen = search_db.RoomFilter(room_ids=[rooms[0].pk, rooms[2].pk], only_bookable=True)
    assert await found(chosen) == ["E-0", "E-2"]
    assert await found(search_db.RoomFilter(room_ids=[])) == []
