"""Cached answers (issue 12, item 9): the caller is authorized before any cache is read."""

from __future__ import annotations

import pytest

from compax_server.db.users import Role
from compax_server.services import api_keys
from tests import conftest
from tests.conftest import actor_of, bearer
from tests.dates import Y2031


@pytest.fixture
def settings(database_url):
    return conftest.test_settings(database_url, result_cache=True)


async def test_a_key_without_read_scope_gets_no_cached_search(
    client, admin, make_user, room, make_room
):
    """Item 9. A staff session warms the search cache (``GET /api/v1/rooms?min_capacity=1``);
    then the same search with an API key of a staff user that has only the ``write`` scope
    answered 200 from the cache, because the scope check ran inside the cached computation.
    Now 403 before the cache is read; the same for a room's availability."""
    staff = await make_user(Role.staff)
    _, secret = await api_keys.create_api_key(
        actor_of(admin), user_id=staff.pk, name="writer", scopes=["write"]
    )
    key = {"Authorization": f"Bearer {secret}"}
    params = {"min_capacity": "1"}
    warm = await client.get("/api/v1/rooms", params=params, headers=bearer(staff))
    assert warm.status_code == 200
    assert [r["id"] for r in warm.json()["data"]] == [room.pk]
    r = await client.get("/api/v1/rooms", params=params, headers=key)
    assert r.status_code == 403, r.text
    assert r.json()["required_scope"] == "read"
    window = {"from": f"{Y2031}-03-03T08:00:00+00:00", "to": f"{Y2031}-03-04T08:00:00+00:00"}
    path = f"/api/v1/rooms/{room.pk}/availability"
    assert (await client.get(path, params=window, headers=bearer(staff))).status_code == 200
    assert (await client.get(path, params=window, headers=key)).status_code == 403


async def test_an_idempotent_answer_is_replayed_only_to_its_credential(client, admin, staff):
    """Item 9, the same for stored answers. A staff session creates a feature with
    ``Idempotency-Key: k1``; an API key of the same staff user with only the ``import``
    scope sending the same request with the same key got the stored 201 back
    (``Idempotent-Replayed: true``) without any scope check. Now claims are per credential:
    the key's request runs, and is refused for its scope."""
    body = {"code": "projector", "name": "Projector"}
    first = await client.post(
        "/api/v1/features", json=body, headers={**bearer(staff), "Idempotency-Key": "k1"}
    )
    assert first.status_code == 201
    _, secret = await api_keys.create_api_key(
        actor_of(admin), user_id=staff.pk, name="sis", scopes=["import"]
    )
    r = await client.post(
        "/api/v1/features",
        json=body,
        headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "k1"},
    )
    assert r.status_code == 403, r.text
    assert "idempotent-replayed" not in r.headers
    again = await client.post(
        "/api/v1/features", json=body, headers={**bearer(staff), "Idempotency-Key": "k1"}
    )
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
