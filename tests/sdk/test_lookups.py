"""Looking rooms, buildings and users up by what people know them by (a code, an email):
exact matches only, ``NotFoundError`` when there is none; with both clients (``kind``)."""

from __future__ import annotations

import httpx
import pytest

from compax_sdk import Building, NotFoundError, Room, User


async def test_a_room_by_its_exact_code_not_the_smallest_room_whose_code_contains_it(
    connect, member, make_room
):
    wanted = await make_room(code="M-101", capacity=80)
    await make_room(code="M-1010", capacity=10)  # a search for "M-101" lists this one first
    await make_room(code="XM-101", capacity=20)
    c = connect(member)

    room = await c.rooms.get("M-101")
    assert isinstance(room, Room)
    assert (room.id, room.code) == (wanted.pk, "M-101")
    assert c.last("GET", "/rooms").url.params["code"] == "M-101"
    assert (await c.rooms.get(wanted.pk)).code == "M-101"  # an int is an id

    for missing in ("M-10", "m-101", "M-1011", "\u00b2"):  # "²" is a digit, not an id
        with pytest.raises(NotFoundError) as err:
            await c.rooms.get(missing)
        assert (err.value.status, err.value.code, err.value.title) == (
            404,
            "not_found",
            "Not found",
        )
        assert err.value.detail == f"there is no room {missing!r}"
        # as the server's 404 would be: a problem, with the list request and its request id
        answer = err.value.response
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.request is c.last("GET", "/rooms")
        assert answer.json() == err.value.body
        assert err.value.body == {
            "title": "Not found",
            "status": 404,
            "detail": f"there is no room {missing!r}",
            "code": "not_found",
            "request_id": err.value.request_id,
        }
        assert (
            str(err.value)
            == f"{err.value.detail} (404 not_found, request_id {err.value.request_id})"
        )
        assert err.value.request_id and len(err.value.request_id) >= 8


async def test_a_deleted_room_is_not_found_by_its_code(connect, staff, make_room):
    await make_room(code="OLD-1")
    c = connect(staff)
    await c.rooms.delete((await c.rooms.get("OLD-1")).id)
    with pytest.raises(NotFoundError):
        await c.rooms.get("OLD-1")


async def test_a_building_by_its_code(connect, member, building):
    c = connect(member)
    found = await c.buildings.get("B1")
    assert isinstance(found, Building) and found.id == building.pk
    assert (await c.buildings.get(str(building.pk))).code == "B1"  # digits are an id
    with pytest.raises(NotFoundError):
        await c.buildings.get("B")


async def test_a_user_by_email_in_any_case_but_exactly(connect, admin, make_user):
    ada = await make_user(email="ada@campus.example")
    await make_user(email="ada@campus.example.org")
    c = connect(admin)
    found = await c.users.get("Ada@Campus.Example")
    assert isinstance(found, User) and found.id == ada.pk
    with pytest.raises(NotFoundError):
        await c.users.get("ada@campus")


async def test_a_lookup_without_a_request_id_says_none(offline):
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [], "next_cursor": None})

    c = offline(answer)
    with pytest.raises(NotFoundError) as err:
        await c.buildings.get("ZZ")
    assert err.value.request_id is None and "request_id" not in err.value.response.json()
    assert str(err.value) == "there is no building 'ZZ' (404 not_found)"
