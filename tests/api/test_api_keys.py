"""API keys: created by admins, shown once, scoped, revocable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from compax_server.db.api_keys import ApiKey
from compax_server.db.users import Role
from tests.conftest import bearer, key_header, make_key
from tests.dates import Y2031

KEYS = "/api/v1/api-keys"


async def test_the_secret_is_shown_once_and_stored_hashed(client, admin, make_user):
    service = await make_user(Role.staff)
    created = await make_key(client, admin, service)
    secret = created["secret"]
    assert secret.startswith("cpx_" + created["prefix"] + "_")
    stored = await ApiKey.get(id=created["id"])
    assert secret not in (stored.key_hash, stored.prefix)
    listed = (await client.get(KEYS, headers=bearer(admin))).json()["data"]
    assert "secret" not in listed[0]
    assert listed[0]["prefix"] == created["prefix"]


async def test_a_new_key_is_at_its_location_without_its_secret(client, admin, make_user):
    service = await make_user(Role.staff)
    r = await client.post(
        KEYS,
        json={"user_id": service.pk, "name": "sync", "scopes": ["read"]},
        headers=bearer(admin),
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert r.headers["Location"] == f"{KEYS}/{created['id']}"
    read = await client.get(r.headers["Location"], headers=bearer(admin))
    assert read.status_code == 200, read.text
    assert read.json() == {k: v for k, v in created.items() if k != "secret"}


async def test_a_key_authenticates_as_its_user(client, admin, make_user):
    service = await make_user(Role.staff)
    secret = (await make_key(client, admin, service))["secret"]
    for headers in ({"Authorization": f"Bearer {secret}"}, {"X-API-Key": secret}):
        r = await client.get("/api/v1/me", headers=headers)
        assert r.status_code == 200
        assert r.json()["email"] == service.email
    key = (await client.get(KEYS, headers=bearer(admin))).json()["data"][0]
    assert key["last_used_at"] is not None


async def test_scopes_limit_what_a_key_may_do(client, admin, make_user):
    service = await make_user(Role.member)
    secret = (await make_key(client, admin, service, scopes=["read"]))["secret"]
    h = {"Authorization": f"Bearer {secret}"}
    assert (await client.get("/api/v1/me", headers=h)).status_code == 200
    r = await client.patch("/api/v1/me", json={"full_name": "x"}, headers=h)
    assert r.status_code == 403
    assert r.json()["required_scope"] == "write"


async def test_an_admins_key_without_admin_scope_cannot_manage_users(client, admin):
    secret = (await make_key(client, admin, admin, scopes=["read", "write"]))["secret"]
    h = {"Authorization": f"Bearer {secret}"}
    assert (await client.get("/api/v1/users", headers=h)).status_code == 200  # reading is enough
    r = await client.post(
        "/api/v1/users", json={"email": "x@campus.example", "full_name": "X"}, headers=h
    )
    assert r.status_code == 403
    assert r.json()["required_scope"] == "admin"


async def test_revoked_expired_and_forged_keys_are_401(client, admin, make_user):
    service = await make_user(Role.staff)
    created = await make_key(client, admin, service)
    secret = created["secret"]
    r = await client.delete(f"{KEYS}/{created['id']}", headers=bearer(admin))
    assert r.status_code == 200
    assert r.json()["revoked_at"] is not None
    assert (await client.get("/api/v1/me", headers={"X-API-Key": secret})).status_code == 401

    soon = await make_key(
        client, admin, service, expires_at=(datetime.now(UTC) + timedelta(seconds=60)).isoformat()
    )
    await ApiKey.filter(id=soon["id"]).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert (
        await client.get("/api/v1/me", headers={"X-API-Key": soon["secret"]})
    ).status_code == 401

    live = await make_key(client, admin, service)
    forged = live["secret"][:-4] + "AAAA"
    assert (await client.get("/api/v1/me", headers={"X-API-Key": forged})).status_code == 401
    assert (
        await client.get("/api/v1/me", headers={"X-API-Key": "cpx_nothing_here"})
    ).status_code == 401


async def test_a_deactivated_users_keys_stop_working(client, admin, make_user):
    service = await make_user(Role.staff)
    secret = (await make_key(client, admin, service))["secret"]
    await client.delete(f"/api/v1/users/{service.pk}", headers=bearer(admin))
    assert (await client.get("/api/v1/me", headers={"X-API-Key": secret})).status_code == 401


async def test_unknown_scopes_and_past_expiry_are_400(client, admin, member):
    r = await client.post(
        KEYS, json={"user_id": member.pk, "name": "k", "scopes": ["root"]}, headers=bearer(admin)
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"].startswith("/scopes")
    r = await client.post(
        KEYS,
        json={
            "user_id": member.pk,
            "name": "k",
            "scopes": ["read"],
            "expires_at": "2020-01-01T00:00:00+00:00",
        },
        headers=bearer(admin),
    )
    assert r.status_code == 400
    r = await client.post(
        KEYS,
        json={
            "user_id": member.pk,
            "name": "k",
            "scopes": ["read"],
            "expires_at": f"{Y2031 - 1}-01-01T00:00:00",
        },
        headers=bearer(admin),
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/expires_at"


async def test_only_admins_manage_keys(client, staff, member):
    h = bearer(staff)
    assert (await client.get(KEYS, headers=h)).status_code == 403
    r = await client.post(
        KEYS, json={"user_id": member.pk, "name": "k", "scopes": ["read"]}, headers=h
    )
    assert r.status_code == 403


async def test_a_key_without_read_scope_cannot_search_in_any_format(client, admin, make_user, room):
    """The search answers JSON from the cache and CSV without it: both check the scope, also
    when a key that may read has just filled the cache with the same answer."""
    service = await make_user(Role.staff)
    reader = await key_header(client, admin, service, ["read"])
    writer = await key_header(client, admin, service, ["write"])
    window = {"free_from": f"{Y2031}-03-03T09:00:00Z", "free_to": f"{Y2031}-03-03T10:00:00Z"}
    for accept in ("application/json", "text/csv"):
        h = {"Accept": accept}
        ok = await client.get("/api/v1/rooms", params=window, headers=reader | h)
        assert ok.status_code == 200 and room.code in ok.text, ok.text
        r = await client.get("/api/v1/rooms", params=window, headers=writer | h)
        assert r.status_code == 403, (accept, r.text)
        assert r.json()["required_scope"] == "read"


async def test_the_service_refuses_scopes_the_request_model_would(admin, member):
    """Callers inside the server (tests, scripts) reach ``create_api_key`` without the
    request model: it names the unknown scopes and the known ones, or asks for one."""
    from compax_server.errors import InvalidInput
    from compax_server.services import api_keys
    from tests.conftest import actor_of

    for scopes, detail in [
        (
            ["read", "root", "sudo"],
            "unknown scopes root, sudo; choose from admin, import, read, write",
        ),
        ([], "give at least one scope"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            await api_keys.create_api_key(
                actor_of(admin), user_id=member.pk, name="k", scopes=scopes
            )
        assert refused.value.errors == [
            {"location": "body", "pointer": "/scopes", "detail": detail, "code": "invalid_scope"}
        ]
    assert await ApiKey.all().count() == 0


async def test_a_key_for_nobody_or_ending_in_the_past_is_a_400_naming_the_field(client, admin):
    r = await client.post(
        KEYS, json={"user_id": 999_999, "name": "k", "scopes": ["read"]}, headers=bearer(admin)
    )
    assert (r.status_code, r.json()["errors"]) == (
        400,
        [
            {
                "location": "body",
                "pointer": "/user_id",
                "detail": "user 999999 does not exist",
                "code": "unknown",
            }
        ],
    )
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    r = await client.post(
        KEYS,
        json={"user_id": admin.pk, "name": "k", "scopes": ["read"], "expires_at": past},
        headers=bearer(admin),
    )
    assert (r.status_code, r.json()["errors"]) == (
        400,
        [
            {
                "location": "body",
                "pointer": "/expires_at",
                "detail": "must be in the future",
                "code": "in_the_past",
            }
        ],
    )
    assert await ApiKey.all().count() == 0


async def test_creating_and_revoking_a_key_is_audited_with_what_it_was(client, admin, make_user):
    from compax_server.db.audit import AuditEvent

    service = await make_user(Role.staff)
    until = datetime(Y2031, 6, 30, 12, tzinfo=UTC)
    created = await make_key(
        client, admin, service, scopes=("write", "read"), expires_at=until.isoformat()
    )
    stored = await ApiKey.get(id=created["id"])
    assert (stored.created_by_id, stored.expires_at, stored.scopes) == (
        admin.pk,
        until,
        ["read", "write"],
    )
    snapshot = {
        "name": "sync",
        "prefix": created["prefix"],
        "user_id": service.pk,
        "scopes": ["read", "write"],
        "expires_at": until.isoformat(),
        "revoked": False,
    }
    (made,) = await AuditEvent.filter(action="api_key.create")
    assert (made.actor_user_id, made.entity_type, made.entity_id, made.after) == (
        admin.pk, "api_key", created["id"], snapshot,
    )  # fmt: skip

    for _ in range(2):  # revoking again changes nothing and records nothing
        r = await client.delete(f"{KEYS}/{created['id']}", headers=bearer(admin))
        assert r.status_code == 200 and r.json()["revoked_at"] is not None
    (revoked,) = await AuditEvent.filter(action="api_key.revoke")
    assert (revoked.actor_user_id, revoked.entity_type, revoked.entity_id) == (
        admin.pk, "api_key", created["id"],
    )  # fmt: skip
    assert (revoked.before, revoked.after) == (snapshot, snapshot | {"revoked": True})
    assert (await ApiKey.get(id=created["id"])).revoked_at is not None

    r = await client.delete(f"{KEYS}/999999", headers=bearer(admin))
    assert (r.status_code, r.json()["detail"]) == (404, "API key 999999 does not exist")


async def test_keys_are_listed_by_user_a_page_at_a_time(client, admin, make_user):
    one, two = await make_user(Role.staff), await make_user(Role.staff)
    ids = [(await make_key(client, admin, user))["id"] for user in (one, two, one, one)]
    r = await client.get(KEYS, params={"user_id": one.pk, "limit": 2}, headers=bearer(admin))
    page = r.json()
    assert [k["id"] for k in page["data"]] == [ids[0], ids[2]]
    r = await client.get(
        KEYS,
        params={"user_id": one.pk, "limit": 2, "cursor": page["next_cursor"]},
        headers=bearer(admin),
    )
    assert [k["id"] for k in r.json()["data"]] == [ids[3]]
    r = await client.get(KEYS, params={"user_id": two.pk}, headers=bearer(admin))
    assert [k["id"] for k in r.json()["data"]] == [ids[1]]
