"""Logging in, refreshing, logging out, and the attacks on tokens."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from compax_server.db.users import RefreshToken, Role
from tests.conftest import PASSWORD, bearer

TOKEN = "/api/v1/auth/token"


async def login(client, email, password=PASSWORD):
    return await client.post(TOKEN, json={"email": email, "password": password})


async def test_login_with_json_returns_a_token_pair(client, member):
    r = await login(client, member.email)
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["email"] == member.email


async def test_login_with_the_oauth2_password_form(client, member):
    r = await client.post(
        TOKEN, data={"grant_type": "password", "username": member.email, "password": PASSWORD}
    )
    assert r.status_code == 200
    assert r.json()["access_token"]


async def test_email_is_case_insensitive(client, member):
    r = await login(client, member.email.upper())
    assert r.status_code == 200


@pytest.mark.parametrize("password", ["wrong password!", "x" * 100, "ü" * 40])
async def test_wrong_or_overlong_password_is_401_never_500(client, member, password):
    r = await login(client, member.email, password)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "invalid_credentials"
    assert r.headers["www-authenticate"].startswith("Bearer")


async def test_unknown_email_gives_the_same_answer_as_a_wrong_password(client, member):
    unknown = await login(client, "nobody@campus.example")
    wrong = await login(client, member.email, "not the password")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json()["detail"] == wrong.json()["detail"]


async def test_deactivated_user_cannot_log_in(client, member):
    member.is_active = False
    await member.save()
    r = await login(client, member.email)
    assert r.status_code == 401


async def test_failed_logins_are_rate_limited_per_account(client, member, settings):
    for _ in range(settings.login_rate_limit):
        assert (await login(client, member.email, "wrong password")).status_code == 401
    r = await login(client, member.email)  # even the right password is refused now
    assert r.status_code == 429
    assert r.json()["code"] == "rate_limited"
    retry_after = int(r.headers["retry-after"])
    assert 0 < retry_after <= settings.login_rate_window
    assert r.json()["retry_after"] == retry_after


async def test_logins_are_rate_limited_per_client_address(client, make_user, settings, app):
    settings_ip = settings.model_copy(update={"login_rate_limit_ip": 3})
    from compax_server import runtime

    runtime.configure(settings_ip, runtime.cache())
    user = await make_user()
    for _ in range(3):
        assert (await login(client, user.email)).status_code == 200
    assert (await login(client, user.email)).status_code == 429


async def test_refresh_rotates_the_refresh_token(client, member):
    first = (await login(client, member.email)).json()
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]


async def test_reusing_a_rotated_refresh_token_revokes_the_family(client, member):
    first = (await login(client, member.email)).json()
    second = (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    # An attacker replays the first token: detected, and the legitimate chain ends too.
    replay = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 401
    assert replay.json()["code"] == "refresh_token_reused"
    legit = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}
    )
    assert legit.status_code == 401
    assert await RefreshToken.filter(user_id=member.pk, revoked_at=None).count() == 0


async def test_other_sessions_survive_a_reuse_in_one_family(client, member):
    one = (await login(client, member.email)).json()
    other = (await login(client, member.email)).json()
    await client.post("/api/v1/auth/refresh", json={"refresh_token": one["refresh_token"]})
    await client.post("/api/v1/auth/refresh", json={"refresh_token": one["refresh_token"]})
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]})
    assert r.status_code == 200


async def test_logout_revokes_the_refresh_token(client, member):
    pair = (await login(client, member.email)).json()
    r = await client.post("/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 204
    again = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401
    assert again.json()["code"] == "invalid_token"


async def test_unknown_refresh_token_is_401(client, database):
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": "made-up"})
    assert r.status_code == 401


# -- attacks on the access token -------------------------------------------------------------


def b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def claims_for(user, settings, **changes):
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user.pk),
        "iat": now,
        "exp": now + 600,
        "jti": "abc",
        "tv": user.token_version,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


async def get_me(client, token):
    return await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


async def test_a_well_formed_token_works(client, member, settings):
    token = jwt.encode(claims_for(member, settings), settings.secret_key, algorithm="HS256")
    assert (await get_me(client, token)).status_code == 200


ENDED = "The session has ended; log in again."


@pytest.mark.parametrize(
    ("name", "changes", "detail"),
    [
        ("wrong audience", {"aud": "someone-else"}, "The access token is not valid: Audience "),
        ("wrong issuer", {"iss": "evil"}, "The access token is not valid: Invalid issuer."),
        ("expired", {"exp": int(time.time()) - 10}, "The access token has expired; refresh "),
        ("no jti", {"jti": None}, 'The access token is not valid: Token is missing the "jti"'),
        ("no exp", {"exp": None}, 'The access token is not valid: Token is missing the "exp"'),
        ("no sub", {"sub": None}, 'The access token is not valid: Token is missing the "sub"'),
        ("non-numeric sub", {"sub": "admin"}, "The access token is not valid: bad subject."),
        ("negative sub", {"sub": "-1"}, "The access token is not valid: bad subject."),
        ("old token version", {"tv": -1}, ENDED),
        ("no token version", {"tv": None}, ENDED),
        ("nobody's sub", {"sub": "999999"}, ENDED),
        ("a session id that is not text", {"sid": 5}, ENDED),
    ],
)
async def test_bad_claims_are_401(client, member, settings, name, changes, detail):
    token = jwt.encode(
        claims_for(member, settings, **changes), settings.secret_key, algorithm="HS256"
    )
    r = await get_me(client, token)
    assert r.status_code == 401, name
    assert r.json()["code"] == "invalid_token"
    assert r.json()["detail"].startswith(detail), r.json()["detail"]


async def test_alg_none_is_401(client, member, settings):
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims_for(member, settings))}."
    assert (await get_me(client, token)).status_code == 401


async def test_another_algorithm_is_401(client, member, settings):
    token = jwt.encode(claims_for(member, settings), settings.secret_key, algorithm="HS512")
    assert (await get_me(client, token)).status_code == 401


async def test_another_key_is_401(client, member, settings):
    token = jwt.encode(claims_for(member, settings), "not-the-secret-" * 3, algorithm="HS256")
    assert (await get_me(client, token)).status_code == 401


async def test_tampered_payload_is_401(client, member, admin, settings):
    token = jwt.encode(claims_for(member, settings), settings.secret_key, algorithm="HS256")
    header, _, signature = token.split(".")
    forged = f"{header}.{b64(claims_for(admin, settings))}.{signature}"
    assert (await get_me(client, forged)).status_code == 401


USE_BEARER = "Use 'Authorization: Bearer <access token or API key>'."


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("Basic abc", USE_BEARER),
        ("Bearer", USE_BEARER),
        ("Bearer   ", USE_BEARER),
        ("garbage", USE_BEARER),
        ("Bearer a.b.c", "The access token is not valid: Invalid header padding."),
        ("Bearer a b", "The access token is not valid: Not enough segments."),
    ],
)
async def test_malformed_authorization_headers_are_401(client, database, value, detail):
    r = await client.get("/api/v1/me", headers={"Authorization": value})
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == detail
    assert r.headers["www-authenticate"] == 'Bearer realm="compax"'


async def test_the_scheme_is_read_in_any_case_and_spaces_around_the_token_are_not(client, member):
    token = bearer(member)["Authorization"].removeprefix("Bearer ")
    r = await client.get("/api/v1/me", headers={"Authorization": f"bearer  {token} "})
    assert r.status_code == 200, r.text
    assert r.json()["id"] == member.pk


async def test_no_credentials_is_401(client, database):
    r = await client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"
    assert r.json()["detail"] == (
        "This endpoint needs a bearer token: log in at POST /api/v1/auth/token."
    )


async def test_a_trailing_slash_is_the_same_operation(client, member):
    r = await client.get("/api/v1/me/", headers=bearer(member))
    assert (r.status_code, r.json()["id"]) == (200, member.pk)


async def test_token_of_a_deactivated_user_stops_working(client, make_user, admin):
    user = await make_user(Role.member)
    headers = bearer(user)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    r = await client.delete(f"/api/v1/users/{user.pk}", headers=bearer(admin))
    assert r.status_code == 200
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_rate_limits_are_shared_through_redis_across_processes(
    client, member, settings, redis_url, cache_namespace
):
    """Two app processes sharing Redis count failed logins together."""
    from compax_server import runtime
    from compax_server.cache import Cache

    shared = settings.model_copy(
        update={"cache_url": redis_url, "cache_namespace": cache_namespace}
    )
    worker_a, worker_b = Cache(redis_url, cache_namespace), Cache(redis_url, cache_namespace)
    for i in range(settings.login_rate_limit):
        runtime.configure(shared, worker_a if i % 2 else worker_b)
        assert (await login(client, member.email, "wrong password")).status_code == 401
    runtime.configure(shared, Cache(redis_url, cache_namespace))
    assert (await login(client, member.email)).status_code == 429
    await worker_a.close()
    await worker_b.close()


async def test_login_still_works_when_the_cache_is_down(client, member, settings):
    from compax_server import runtime
    from compax_server.cache import Cache

    runtime.configure(settings, Cache("redis://127.0.0.1:1/0"))
    assert (await login(client, member.email)).status_code == 200
