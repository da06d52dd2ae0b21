"""The session: the client renews its access token by itself, once, and only when it may."""

from __future__ import annotations

import asyncio

import pytest

import compax_sdk._base
from compax_sdk import AuthenticationError, Compax, Token
from compax_server.services import auth
from tests.conftest import PASSWORD
from tests.sdk.conftest import expired_token


def paths(client) -> list[str]:
    return [f"{r.method} {r.url.path.removeprefix('/api/v1')}" for r in client.sent]


async def test_an_expired_access_token_is_refreshed_and_the_call_retried_once(connect, member):
    pair = await auth.new_session(member)
    saved: list[Token] = []
    c = connect(
        access_token=expired_token(member), refresh_token=pair.refresh_token, on_tokens=saved.append
    )
    me = await c.me.get()
    assert me.id == member.pk
    assert paths(c) == ["GET /me", "POST /auth/refresh", "GET /me"]
    assert c.sent[1].read() == f'{{"refresh_token":"{pair.refresh_token}"}}'.encode()
    assert "authorization" not in c.sent[1].headers
    assert c.refresh_token not in (None, pair.refresh_token)
    assert [t.access_token for t in saved] == [c.access_token]
    assert c.sent[2].headers["authorization"] == f"Bearer {c.access_token}"


async def test_the_token_is_refreshed_before_it_expires(connect, member, monkeypatch):
    c = connect()
    token = await c.auth.login(member.email, PASSWORD)
    await c.me.get()
    later = compax_sdk._base._now() + token.expires_in - 5  # inside the safety margin
    monkeypatch.setattr(compax_sdk._base, "_now", lambda: later)
    await c.me.get()
    assert paths(c) == ["POST /auth/token", "GET /me", "POST /auth/refresh", "GET /me"]
    assert c.access_token != token.access_token


async def test_a_refresh_token_alone_resumes_a_saved_session(connect, member):
    pair = await auth.new_session(member)
    c = connect(refresh_token=pair.refresh_token)
    assert (await c.me.get()).id == member.pk
    assert paths(c) == ["POST /auth/refresh", "GET /me"]


async def test_concurrent_calls_refresh_only_once(connect, member):
    pair = await auth.new_session(member)
    c = connect(access_token=expired_token(member), refresh_token=pair.refresh_token)
    results = await asyncio.gather(*(c.me.get() for _ in range(5)))
    assert {r.id for r in results} == {member.pk}
    assert paths(c).count("POST /auth/refresh") == 1  # a second one would end the session


async def test_a_failed_refresh_raises_and_forgets_the_session(connect, member):
    pair = await auth.new_session(member)
    await auth.logout(pair.refresh_token)
    c = connect(access_token=expired_token(member), refresh_token=pair.refresh_token)
    with pytest.raises(AuthenticationError) as err:
        await c.me.get()
    assert err.value.code == "invalid_token" and "refresh token" in err.value.detail
    assert c.access_token is None and c.refresh_token is None
    assert paths(c) == ["GET /me", "POST /auth/refresh"]


async def test_without_a_refresh_token_the_401_is_raised(connect, member):
    c = connect(access_token=expired_token(member))
    with pytest.raises(AuthenticationError):
        await c.me.get()
    assert paths(c) == ["GET /me"]


async def test_an_api_key_is_never_refreshed(connect, member):
    c = connect(api_key="cpx_deadbeef_not-a-real-key")
    with pytest.raises(AuthenticationError) as err:
        await c.me.get()
    assert err.value.code == "invalid_token"
    assert paths(c) == ["GET /me"]


async def test_refresh_without_a_session_is_a_clear_error(connect):
    with pytest.raises(ValueError, match=r"^there is no session to refresh: log in first$"):
        await connect().auth.refresh()


async def test_a_login_replaces_an_api_key_and_logout_returns_to_it(connect, admin, member):
    key = await connect(admin).api_keys.create(user_id=admin.pk, name="k", scopes=["read"])
    c = connect(api_key=key.secret)
    assert (await c.me.get()).id == admin.pk
    await c.auth.login(member.email, PASSWORD)
    assert (await c.me.get()).id == member.pk
    await c.auth.logout()
    assert (await c.me.get()).id == admin.pk


def test_a_short_token_is_refreshed_a_tenth_of_its_life_early(monkeypatch):
    """A token is renewed 30 seconds before it ends, or a tenth of its life before when that
    is shorter: a 100-second token at 90 s, not at 70."""
    api = Compax(api_key="cpx_x")._api
    monkeypatch.setattr(compax_sdk._base, "_now", lambda: 1000.0)
    api.set_session(Token(access_token="a", refresh_token="r", expires_in=100))
    for now, due in ((1089.9, False), (1090.0, True)):
        monkeypatch.setattr(compax_sdk._base, "_now", lambda now=now: now)
        assert api._refresh_due() is due, now
    api.set_session(Token(access_token="a", refresh_token="r", expires_in=3600))  # at 1090
    assert api._refresh_at == 1090.0 + 3600 - 30
