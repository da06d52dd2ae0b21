"""The permission matrix of the booking endpoints (OWASP API1, API3, API5): every endpoint
against the owner, another member, staff, an admin, nobody, and API keys of the owner. A key
with ``write`` but not ``read`` makes what is new (a booking, a check-in) but reads nothing,
so it cannot change or cancel a booking it would first have to read."""

from __future__ import annotations

import pytest

from compax_server.db.bookings import Booking
from compax_server.db.users import Role
from compax_server.services import api_keys, managers
from tests.conftest import actor_of, at, bearer, refused_field

ROLES = ["owner", "other", "staff", "admin", "anonymous", "key_rw", "key_read", "key_write"]

# endpoint -> expected status per role
MATRIX = {
    "read": {
        "owner": 200,
        "other": 404,
        "staff": 200,
        "admin": 200,
        "anonymous": 401,
        "key_rw": 200,
        "key_read": 200,
        "key_write": 403,
    },
    "list": {
        "owner": 200,
        "other": 200,
        "staff": 200,
        "admin": 200,
        "anonymous": 401,
        "key_rw": 200,
        "key_read": 200,
        "key_write": 403,
    },
    "create": {
        "owner": 201,
        "other": 201,
        "staff": 201,
        "admin": 201,
        "anonymous": 401,
        "key_rw": 201,
        "key_read": 403,
        "key_write": 201,
    },
    "create_for_owner": {
        "owner": 201,
        "other": 403,
        "staff": 201,
        "admin": 201,
        "anonymous": 401,
        "key_rw": 201,
        "key_read": 403,
        "key_write": 201,
    },
    "update": {
        "owner": 200,
        "other": 404,
        "staff": 200,
        "admin": 200,
        "anonymous": 401,
        "key_rw": 200,
        "key_read": 403,
        "key_write": 403,
    },
    "cancel": {
        "owner": 200,
        "other": 404,
        "staff": 200,
        "admin": 200,
        "anonymous": 401,
        "key_rw": 200,
        "key_read": 403,
        "key_write": 403,
    },
    "check-in": {
        "owner": 200,
        "other": 404,
        "staff": 200,
        "admin": 200,
        "anonymous": 401,
        "key_rw": 200,
        "key_read": 403,
        "key_write": 200,
    },
    "check-in window": {
        "owner": 200,
        "other": 404,
        "staff": 200,
        "admin": 200,
        "anonymous": 401,
        "key_rw": 200,
        "key_read": 200,
        "key_write": 403,
    },
    "approve": {
        "owner": 403,
        "other": 403,
        "staff": 200,
        "admin": 200,
        "anonymous": 401,
        "key_rw": 403,
        "key_read": 403,
        "key_write": 403,
    },
    "reject": {
        "owner": 403,
        "other": 403,
        "staff": 200,
        "admin": 200,
        "anonymous": 401,
        "key_rw": 403,
        "key_read": 403,
        "key_write": 403,
    },
}


DECISIONS = ("approve", "reject")  # staff's: a member's key is refused as its member


@pytest.fixture
async def people(make_user, admin):
    owner = await make_user(Role.member)
    other = await make_user(Role.member)
    staff = await make_user(Role.staff)
    keys = {}
    for name, scopes in (
        ("key_rw", ["read", "write"]),
        ("key_read", ["read"]),
        ("key_write", ["write"]),
    ):
        _, secret = await api_keys.create_api_key(
            actor_of(admin), user_id=owner.pk, name=name, scopes=scopes
        )
        keys[name] = {"Authorization": f"Bearer {secret}"}
    headers = {
        "owner": bearer(owner),
        "other": bearer(other),
        "staff": bearer(staff),
        "admin": bearer(admin),
        "anonymous": {},
    } | keys
    return owner, headers


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(MATRIX))
async def test_booking_permission_matrix(
    client, make_room, book, people, endpoint, role, login_clock
):
    owner, headers = people
    room = await make_room(requires_approval=endpoint in ("approve", "reject"))
    booking = await book(owner, room, at(0, 9), at(0, 10))
    h = headers[role]
    url = f"/api/v1/bookings/{booking.pk}"
    if_match = {"If-Match": '"1"'}
    body = {
        "room_id": room.pk,
        "title": "t",
        "start": at(1, 9).isoformat(),
        "end": at(1, 10).isoformat(),
    }
    if endpoint == "read":
        r = await client.get(url, headers=h)
    elif endpoint == "list":
        r = await client.get("/api/v1/bookings", headers=h)
    elif endpoint == "create":
        r = await client.post("/api/v1/bookings", json=body, headers=h)
    elif endpoint == "create_for_owner":
        r = await client.post("/api/v1/bookings", json=body | {"owner_id": owner.pk}, headers=h)
    elif endpoint == "update":
        r = await client.patch(url, json={"title": "x"}, headers=h | if_match)
    elif endpoint == "check-in":
        login_clock.now = at(0, 9).timestamp()  # the window is open
        r = await client.post(f"{url}/check-in", headers=h)
    elif endpoint == "check-in window":
        r = await client.get(f"{url}/check-in", headers=h)
    else:
        r = await client.post(f"{url}/{endpoint}", headers=h | if_match)
    assert r.status_code == MATRIX[endpoint][role], (endpoint, role, r.text)
    if r.status_code >= 400:
        assert r.headers["content-type"] == "application/problem+json"
    if r.status_code == 403 and role in ("key_read", "key_write") and endpoint not in DECISIONS:
        scope = "write" if role == "key_read" else "read"
        assert r.json()["detail"] == f"this API key lacks the '{scope}' scope", r.text


async def test_a_member_listing_sees_only_their_own(client, make_room, book, people):
    owner, headers = people
    room = await make_room()
    await book(owner, room, at(0, 9), at(0, 10))
    assert len((await client.get("/api/v1/bookings", headers=headers["owner"])).json()["data"]) == 1
    assert (await client.get("/api/v1/bookings", headers=headers["other"])).json()["data"] == []
    assert len((await client.get("/api/v1/bookings", headers=headers["staff"])).json()["data"]) == 1


async def test_who_may_name_another_owner_is_said_in_words(
    client, admin, staff, member, make_user, room, make_room, book
):
    """A member may neither book for nor list another member: 403s that say so. A member
    who manages a room may list another's bookings there, and only there. Staff book for
    an active user only."""
    other = await make_user()
    body = {"room_id": room.pk, "title": "t", "start": at(0, 9).isoformat()}
    body["end"] = at(0, 10).isoformat()
    r = await client.post("/api/v1/bookings", json=body | {"owner_id": other.pk},
                          headers=bearer(member))  # fmt: skip
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == "members book for themselves; only staff may set owner_id"
    r = await client.get("/api/v1/bookings", params={"owner_id": other.pk}, headers=bearer(member))
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == "members can list only their own bookings"

    gone = await make_user()
    gone.is_active = False
    await gone.save()
    for owner in (gone.pk, 999_999):
        r = await client.post("/api/v1/bookings", json=body | {"owner_id": owner},
                              headers=bearer(staff))  # fmt: skip
        refused_field(r, "/owner_id", f"user {owner} does not exist", "unknown")
    assert not await Booking.exists()

    managed, elsewhere = room, await make_room()
    theirs = await book(other, managed, at(1, 9), at(1, 10))
    await book(other, elsewhere, at(1, 9), at(1, 10))
    await managers.add_manager(actor_of(admin), managers.Target("room", managed.pk), member.pk)
    r = await client.get("/api/v1/bookings", params={"owner_id": other.pk}, headers=bearer(member))
    assert r.status_code == 200, r.text
    assert [b["id"] for b in r.json()["data"]] == [theirs.pk]
