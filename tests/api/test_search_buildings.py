"""The search builds its windows from the buildings as its process last read them, and its
query answers nothing unless they are still the live buildings (``find_rooms(seen=...)``).
These tests change a building between two searches of the same process, without anything
telling the process, and expect the second answer to know."""

from __future__ import annotations

from compax_server.db import search as search_db
from compax_server.services import buildings
from tests.api.test_search import find
from tests.conftest import actor_of, at, bearer

# Monday at(0, 9) to at(0, 10) is 10:00-11:00 in Berlin.
WINDOW = {"free_from": at(0, 9), "free_to": at(0, 10), "sort": "code"}
AFTERNOONS = {"mon": [["13:00", "18:00"]]}


async def test_hours_changed_after_a_search_decide_the_next_one(
    client, member, staff, make_room, building
):
    await make_room(code="BV-1")
    assert [r["code"] for r in (await find(client, member, **WINDOW))["data"]] == ["BV-1"]
    await buildings.update_building(actor_of(staff), building.pk, opening_hours=AFTERNOONS)
    closed = await find(client, member, **WINDOW, explain="true")
    assert closed["data"] == []
    assert closed["unavailable"][0]["reasons"][0]["type"] == "outside_opening_hours"
    # And back: the process remembered the buildings as closed; the empty answer looks again.
    await buildings.update_building(actor_of(staff), building.pk, opening_hours=None)
    assert [r["code"] for r in (await find(client, member, **WINDOW))["data"]] == ["BV-1"]


async def test_a_building_added_after_a_search_is_searched_at_once(
    client, member, admin, make_room, building
):
    await make_room(code="BV-1")
    assert [r["code"] for r in (await find(client, member, **WINDOW))["data"]] == ["BV-1"]
    annex = await buildings.create_building(
        actor_of(admin), code="ANX", name="Annex", timezone="Europe/Berlin"
    )
    await make_room(code="ANX-1", building_id=annex.pk)
    assert [r["code"] for r in (await find(client, member, **WINDOW))["data"]] == [
        "ANX-1",
        "BV-1",
    ]
    by_code = await find(client, member, **WINDOW, building="ANX")
    assert [r["code"] for r in by_code["data"]] == ["ANX-1"]


async def test_a_building_renamed_after_a_search_is_found_by_its_new_code(
    client, member, staff, make_room, building
):
    await make_room(code="BV-1")
    assert [r["code"] for r in (await find(client, member, building="B1"))["data"]] == ["BV-1"]
    await buildings.update_building(actor_of(staff), building.pk, code="MAIN")
    assert [r["code"] for r in (await find(client, member, building="MAIN"))["data"]] == ["BV-1"]
    gone = await client.get("/api/v1/rooms", params={"building": "B1"}, headers=bearer(member))
    assert gone.status_code == 400, gone.text
    assert gone.json()["errors"][0]["pointer"] == "/building"


async def test_the_query_answers_nothing_once_the_buildings_moved(
    database, admin, make_room, building
):
    """Each part of the check at the level of the query: a changed version, a building
    added, a building removed."""
    await make_room(code="BV-1")
    empty = await buildings.create_building(
        actor_of(admin), code="E", name="Empty", timezone="Europe/Berlin"
    )
    rows = await search_db.live_buildings()
    seen = {b["id"]: b["version"] for b in rows}
    windows = search_db.Windows({b["id"]: [(at(0, 9), at(0, 10))] for b in rows})

    async def codes(seen: dict[int, int]) -> list[str]:
        found = await search_db.find_rooms(
            search_db.RoomFilter(), windows, sort="code", limit=10, seen=seen
        )
        return [r["code"] for r in found]

    assert await codes(seen) == ["BV-1"]
    assert await codes({**seen, building.pk: seen[building.pk] - 1}) == []  # changed since
    assert await codes({building.pk: seen[building.pk]}) == []  # one added since
    await buildings.delete_building(actor_of(admin), empty.pk)
    assert await codes(seen) == []  # one removed since
    assert await codes({building.pk: seen[building.pk]}) == ["BV-1"]


async def test_a_feature_added_after_a_search_is_known_at_once(client, member, staff, make_room):
    """Feature ids are remembered once found (features are never renamed or removed); a code
    not found is looked up again on the next search."""
    await make_room(code="BV-1", features=["projector"])
    r = await client.get(
        "/api/v1/rooms", params={"features": "hearing-loop"}, headers=bearer(member)
    )
    assert r.status_code == 400 and r.json()["errors"][0]["pointer"] == "/features"
    assert [x["code"] for x in (await find(client, member, features="projector"))["data"]] == [
        "BV-1"
    ]
    await make_room(code="BV-2", features=["hearing-loop", "projector"])  # adds the feature
    both = await find(client, member, features="projector,hearing-loop")
    assert [x["code"] for x in both["data"]] == ["BV-2"]


async def test_the_second_try_keeps_the_cursor_and_the_viewer(
    client, staff, make_room, book, building
):
    """A search whose remembered buildings are stale tries again on the live ones, with the
    same cursor (the second page stays the second page) and the same viewer (explain shows
    staff the booking's id)."""
    for code in ("BV-1", "BV-2", "BV-3"):
        await make_room(code=code)
    taken = await make_room(code="BV-4")
    mine = await book(staff, taken, at(0, 9), at(0, 10))
    first = await find(client, staff, **WINDOW, limit=1)
    assert [r["code"] for r in first["data"]] == ["BV-1"]

    async def stale_memo() -> None:
        """This process remembers the building closed; it is open again."""
        await buildings.update_building(actor_of(staff), building.pk, opening_hours=AFTERNOONS)
        assert (await find(client, staff, **WINDOW))["data"] == []
        await buildings.update_building(actor_of(staff), building.pk, opening_hours=None)

    await stale_memo()
    second = await find(client, staff, **WINDOW, limit=1, cursor=first["next_cursor"])
    assert [r["code"] for r in second["data"]] == ["BV-2"]
    await stale_memo()
    explained = await find(client, staff, **WINDOW, explain="true")
    assert [r["code"] for r in explained["data"]] == ["BV-1", "BV-2", "BV-3"]
    [miss] = explained["unavailable"]
    assert (miss["code"], miss["reasons"][0]["booking_id"]) == ("BV-4", mine.pk)
