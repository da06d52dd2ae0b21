"""The search page is written without its model (``room_search.search_page_json``, for
speed): every answer must still be exactly what ``RoomSearchPage`` writes, byte for byte,
and each room in it exactly the room ``GET /rooms/{id}`` shows (less its contacts)."""

from __future__ import annotations

from typing import Any

from compax_server.api.room_search import RoomSearchPage
from compax_server.services import rooms
from tests.conftest import actor_of, at, bearer

R = "/api/v1/rooms"


async def page_of(client, user, **params: Any) -> dict[str, Any]:
    """One page, checked against the model's own writing of it."""
    r = await client.get(R, params=params, headers=bearer(user))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.text == RoomSearchPage.model_validate_json(r.text).model_dump_json()
    return r.json()


async def test_every_kind_of_page_is_what_the_model_writes(client, member, admin, make_room, book):
    """Rooms of every shape (features or none, no floor, not bookable, a description with
    quotes, accents and a line break, a room changed since it was made), every kind of page
    (the catalogue, a free window, a recurring window, the explained near misses, an empty
    page, a page with a cursor and the next one): each as the model writes it."""
    plain = await make_room(code="P-1", capacity=12)
    await make_room(
        code="P-2",
        capacity=40,
        floor=None,
        features=["projector", "whiteboard"],
        description='A "quiet" room,\nwith a café\u2019s view \u2603',
    )
    await make_room(code="P-3", capacity=80, bookable=False, requires_approval=True)
    await rooms.update_room(actor_of(admin), plain.pk, name="Plain room")
    busy = await make_room(code="P-4", capacity=25, features=["projector"])
    await book(member, busy, at(0, 10), at(0, 11))
    window = {"free_from": at(0, 9).isoformat(), "free_to": at(0, 12).isoformat()}

    catalogue = await page_of(client, member, sort="code")
    assert [r["code"] for r in catalogue["data"]] == ["P-1", "P-2", "P-3", "P-4"]
    free = await page_of(client, member, **window)
    assert {r["code"] for r in free["data"]} == {"P-1", "P-2"}
    until = at(21, 0).date().isoformat()
    weekly = await page_of(client, member, **window, repeat="weekly", until=until)
    assert {r["code"] for r in weekly["data"]} == {"P-1", "P-2"}
    assert weekly["occurrences"] == 4
    explained = await page_of(client, member, **window, explain="true")
    assert {r["code"] for r in explained["unavailable"]} == {"P-3", "P-4"}
    empty = await page_of(client, member, **window, min_capacity=1000)
    assert empty["data"] == [] and empty["next_cursor"] is None
    first = await page_of(client, member, sort="capacity", limit=2)
    second = await page_of(client, member, sort="capacity", limit=2, cursor=first["next_cursor"])
    assert [r["code"] for r in first["data"] + second["data"]] == ["P-1", "P-4", "P-2", "P-3"]

    for room in catalogue["data"]:
        r = await client.get(f"{R}/{room['id']}", headers=bearer(member))
        assert r.status_code == 200, r.text
        assert room == r.json() | {"contacts": None}, room["code"]
    changed = next(r for r in catalogue["data"] if r["code"] == "P-1")
    assert (changed["name"], changed["version"]) == ("Plain room", 2)
