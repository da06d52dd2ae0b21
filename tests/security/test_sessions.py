"""Issue 12, item 8: a session ends when it ends, everywhere, and credentials that outlive a
password change or a deactivation are dealt with."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import pytest

from compax_server.db.api_keys import ApiKey
from compax_server.db.users import RefreshToken, User
from compax_server.services import auth, sessions
from tests.conftest import PASSWORD, bearer, login, make_key, with_token

NEW_PASSWORD = "a brand new password"


async def me(client: Any, headers: dict[str, str]) -> int:
    return int((await client.get("/api/v1/me", headers=headers)).status_code)


async def test_logout_ends_the_sessions_access_tokens(client, member):
    """Reproduction: log in, ``POST /auth/logout`` with the refresh token, then ``GET /me``
    with the access token: 200 for up to 15 minutes. Now 401."""
    pair = await login(client, member.email)
    other = await login(client, member.email)  # another device stays signed in
    assert await me(client, with_token(pair)) == 200
    r = await client.post("/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 204
    r = await client.get("/api/v1/me", headers=with_token(pair))
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await me(client, with_token(other)) == 200


async def test_refresh_token_reuse_ends_the_families_access_tokens(client, member):
    """Reproduction: refresh once, present the first refresh token again (401
    ``refresh_token_reused``), then use the access token the refresh gave: 200 for up to 15
    minutes although the family was revoked. Now 401, for every access token of it."""
    first = await login(client, member.email)
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    second = r.json()
    assert await me(client, with_token(second)) == 200
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.json()["code"] == "refresh_token_reused"
    assert await me(client, with_token(second)) == 401
    assert await me(client, with_token(first)) == 401


async def test_a_logout_in_another_process_is_seen_by_the_next_check(client, member, monkeypatch):
    """Every worker reads the session's revocation from the database (at most every
    ``SESSION_STATE_SECONDS``; here 0): a logout written by another process ends the token
    here too, without this process having seen the logout request."""
    monkeypatch.setattr(sessions, "SESSION_STATE_SECONDS", 0.0)
    pair = await login(client, member.email)
    assert await me(client, with_token(pair)) == 200
    # What another worker's logout writes:
    await RefreshToken.filter(user_id=member.pk).update(revoked_at=auth.now())
    assert await me(client, with_token(pair)) == 401


async def test_a_password_change_rotates_the_feed_token_and_counts_the_api_keys(
    client, admin, member
):
    """Reproduction: get a feed URL, change the password (e.g. after a theft), then read the
    old feed URL: 200, and nothing says that the API keys still work. Now the old feed token
    is dead, the answer carries the new one and ``api_keys_active``."""
    old_feed = (await client.post("/api/v1/me/feed-token", headers=bearer(member))).json()
    keys = [await make_key(client, admin, member, name=f"k{i}") for i in range(5)]
    await client.delete(f"/api/v1/api-keys/{keys[0]['id']}", headers=bearer(admin))
    # one expired, and someone else's: neither counts; one that expires tomorrow does
    await ApiKey.filter(id=keys[3]["id"]).update(expires_at=auth.now() - timedelta(minutes=1))
    await ApiKey.filter(id=keys[4]["id"]).update(expires_at=auth.now() + timedelta(days=1))
    await make_key(client, admin, admin, name="theirs")
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(member),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["api_keys_active"] == 3
    new_feed = body["feed_token"]
    assert new_feed and new_feed != old_feed["token"]
    feed = "/api/v1/me/calendar.ics"
    assert (await client.get(feed, params={"token": old_feed["token"]})).status_code == 401
    assert (await client.get(feed, params={"token": new_feed})).status_code == 200
    assert await me(client, {"Authorization": f"Bearer {keys[1]['secret']}"}) == 200


async def test_an_expiry_given_in_any_offset_is_kept_as_the_instant_it_names(client, admin, member):
    """An API key's ``expires_at`` is stored in UTC: SQLite compares stored times as text,
    and an hour ahead written at -12:00 (the day before, as text) counted as expired. An
    expiry past the accepted range is refused."""
    ahead = (auth.now() + timedelta(hours=1)).astimezone(timezone(timedelta(hours=-12)))
    made = await make_key(client, admin, member, expires_at=ahead.isoformat())
    stored = await ApiKey.get(id=made["id"])
    assert stored.expires_at == ahead and stored.expires_at.utcoffset() == timedelta(0)
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(member),
    )
    assert r.json()["api_keys_active"] == 1
    for far in ("2300-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00"):
        r = await client.post(
            "/api/v1/api-keys",
            json={"user_id": member.pk, "name": "far", "scopes": ["read"], "expires_at": far},
            headers=bearer(admin),
        )
        assert (r.status_code, r.json()["errors"][0]["pointer"]) == (422, "/expires_at"), far
        assert r.json()["errors"][0]["rule"] == "time_range"
    assert await ApiKey.filter(name="far").count() == 0


async def test_a_password_change_without_a_feed_token_makes_none(client, member):
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(member),
    )
    assert r.json()["feed_token"] is None
    assert r.json()["api_keys_active"] == 0


@pytest.mark.parametrize("how", ["delete", "patch"])
async def test_deactivation_revokes_feed_token_and_api_keys_for_good(client, admin, member, how):
    """Reproduction: a user with an API key and a feed URL is deactivated (both stop
    working), then reactivated: both work again. Now they are revoked at deactivation and
    stay revoked."""
    key = await make_key(client, admin, member)
    feed = (await client.post("/api/v1/me/feed-token", headers=bearer(member))).json()["token"]
    if how == "delete":
        r = await client.delete(f"/api/v1/users/{member.pk}", headers=bearer(admin))
    else:
        r = await client.patch(
            f"/api/v1/users/{member.pk}",
            json={"is_active": False},
            headers=bearer(admin) | {"If-Match": "*"},
        )
    assert r.status_code == 200, r.text
    r = await client.patch(
        f"/api/v1/users/{member.pk}",
        json={"is_active": True},
        headers=bearer(admin) | {"If-Match": f'"{r.json()["version"]}"'},
    )
    assert r.json()["is_active"] is True
    assert await me(client, {"Authorization": f"Bearer {key['secret']}"}) == 401
    calendar = await client.get("/api/v1/me/calendar.ics", params={"token": feed})
    assert calendar.status_code == 401
    listed = await client.get(f"/api/v1/api-keys/{key['id']}", headers=bearer(admin))
    assert listed.json()["revoked_at"] is not None
    assert (await User.get(id=member.pk)).is_active
    assert await me(client, with_token(await login(client, member.email))) == 200


@pytest.mark.parametrize(
    "header",
    [
        {"Authorization": b"Bearer \xff"},
        {"Authorization": b"Bearer cpx_\xffab_secret"},
        {"X-API-Key": b"\xff"},
        {"X-API-Key": b"cpx_\xff_abc"},
        {"Authorization": b"Bearer abc\x7f"},
    ],
    ids=["bearer", "bearer-key", "x-api-key", "x-api-key-prefix", "control"],
)
async def test_non_ascii_credentials_are_401_not_500(client, database, header):
    """Issue 12, item 14. Reproduction: ``GET /api/v1/me`` with ``Authorization: Bearer
    \\xff`` or ``X-API-Key: \\xff``: 500 (the byte reached the database as a lone surrogate).
    Now a 401 problem."""
    r = await client.get("/api/v1/me", headers=header)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "invalid_token"
    # Refused for what it is, before any decoding or lookup (an ASCII control character too).
    assert r.json()["detail"] == "The credentials are not valid: expected printable ASCII."


async def test_what_another_process_ends_is_seen_once_the_moment_has_passed(
    client, member, monkeypatch
):
    """Each process remembers a live session and a user's state for a moment
    (``SESSION_STATE_SECONDS``, ``USER_STATE_SECONDS``), so a request costs no query for
    them; a logout or a deactivation written by another process is seen when the moment
    has passed, not sooner and not later."""
    from tests.conftest import Clock

    clock = Clock(1000.0)
    monkeypatch.setattr(sessions, "clock", clock)
    pair = await login(client, member.email)
    assert await me(client, with_token(pair)) == 200
    await RefreshToken.filter(user_id=member.pk).update(revoked_at=auth.now())  # elsewhere
    assert await me(client, with_token(pair)) == 200  # remembered: no query
    clock.advance(sessions.SESSION_STATE_SECONDS)
    assert await me(client, with_token(pair)) == 401

    clock.advance(sessions.USER_STATE_SECONDS)
    headers = bearer(member)  # a token without a session: only the user's state is checked
    assert await me(client, headers) == 200
    await User.filter(id=member.pk).update(is_active=False)  # elsewhere
    assert await me(client, headers) == 200
    clock.advance(sessions.USER_STATE_SECONDS)
    assert await me(client, headers) == 401


async def test_an_api_key_cannot_change_its_users_password(client, admin, member):
    key = await make_key(client, admin, member)
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"X-API-Key": key["secret"]},
    )
    assert r.status_code == 422
    assert r.json()["detail"] == (
        "An API key cannot change its user's password; log in as the user."
    )
    assert r.json()["errors"] == [
        {"rule": "password_needs_session", "detail": "use a login session"}
    ]
    assert (await User.get(id=member.pk)).password_hash == member.password_hash
