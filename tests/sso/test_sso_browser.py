"""Browser sign-on end to end against a real OpenID provider: start, the provider's login
and consent forms, the callback, the one-time code, Compax's own tokens."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.sso import SsoHandover, UserIdentity
from compax_server.db.users import Role, User
from tests.sso.conftest import COMPAX, FRONTEND, Browser

START = f"{COMPAX}/api/v1/auth/sso/campus/start?redirect_uri={FRONTEND}"


async def sign_in(browser: Browser, login: str) -> dict[str, str]:
    """The whole browser sign-on, in a fresh browser (no session at the provider yet);
    returns Compax's token pair."""
    browser.client.cookies.clear()
    landed = await browser.go(START, login=login)
    assert isinstance(landed, str), landed.text if isinstance(landed, httpx.Response) else ""
    assert landed.startswith(FRONTEND + "?")
    code = parse_qs(urlsplit(landed).query)["code"][0]
    r = await browser.client.post(
        f"{COMPAX}/api/v1/auth/sso/token",
        json={"code": code},
        headers={"X-Request-ID": f"sign-in-{login}"},
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def me(browser: Browser, access_token: str) -> dict[str, str]:
    r = await browser.client.get(
        f"{COMPAX}/api/v1/me", headers={"Authorization": f"Bearer {access_token}"}
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_providers_are_listed(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/auth/sso")
    assert r.status_code == 200
    assert r.json() == {"data": [{"name": "campus", "title": "Campus login"}]}


async def test_start_redirects_with_pkce_state_and_nonce(client: httpx.AsyncClient) -> None:
    r = await client.get(f"/api/v1/auth/sso/campus/start?redirect_uri={FRONTEND}")
    assert r.status_code == 302
    params = parse_qs(urlsplit(r.headers["location"]).query)
    assert params["code_challenge_method"] == ["S256"]
    assert params["redirect_uri"] == [f"{COMPAX}/api/v1/auth/sso/campus/callback"]
    assert params["client_id"] == ["compax"]
    assert len(params["state"][0]) >= 40 and len(params["nonce"][0]) >= 40
    # the cookie that ties the sign-on to this browser: script cannot read it, it goes only
    # to the sign-on's paths and on the provider's top-level redirect back, and lasts as
    # long as a sign-on may; Secure only where Compax is served over https
    cookie = r.headers["set-cookie"]
    assert re.fullmatch(
        r"compax_sso=[A-Za-z0-9_-]{43}; Path=/api/v1/auth/sso; Max-Age=600; SameSite=Lax; "
        r"HttpOnly",
        cookie,
    ), cookie


@pytest.mark.parametrize("sso_overrides", [{"public_url": "https://rooms.example"}], indirect=True)
async def test_the_browser_cookie_is_secure_where_compax_is_served_over_https(
    client: httpx.AsyncClient,
) -> None:
    r = await client.get(f"/api/v1/auth/sso/campus/start?redirect_uri={FRONTEND}")
    assert r.status_code == 302, r.text
    assert "; Secure" in r.headers["set-cookie"]
    params = parse_qs(urlsplit(r.headers["location"]).query)
    assert params["redirect_uri"] == ["https://rooms.example/api/v1/auth/sso/campus/callback"]


async def test_first_sign_in_creates_the_user_with_the_mapped_role(browser: Browser) -> None:
    pair = await sign_in(browser, "alice")
    assert pair["token_type"] == "bearer" and pair["refresh_token"]
    profile = await me(browser, pair["access_token"])
    assert profile["email"] == "alice@campus.example"
    assert profile["full_name"] == "Alice Staff"
    assert profile["role"] == "staff"
    identity = await UserIdentity.get(provider="campus", subject="alice")
    assert identity.user_id == int(profile["id"])
    user = await User.get(id=identity.user_id)
    assert user.password_hash is None
    actions = await AuditEvent.filter(entity_id=user.pk).values_list("action", flat=True)
    assert {"user.create", "user.identity_link", "auth.login"} <= set(actions)
    login = await AuditEvent.get(action="auth.login", entity_id=user.pk)
    assert login.after == {"method": "sso", "provider": "campus"}
    assert login.request_id == "sign-in-alice"  # the code's exchange, as for a password login
    # the session is Compax's own: it refreshes like a password login's
    r = await browser.client.post(
        f"{COMPAX}/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert r.status_code == 200


async def test_second_sign_in_finds_the_same_user(browser: Browser) -> None:
    first = await me(browser, (await sign_in(browser, "root"))["access_token"])
    second = await me(browser, (await sign_in(browser, "root"))["access_token"])
    assert first["id"] == second["id"] and second["role"] == "admin"
    assert await User.filter(email="root@campus.example").count() == 1
    assert await UserIdentity.filter(provider="campus").count() == 1


async def test_a_person_without_a_mapped_group_is_a_member(browser: Browser) -> None:
    profile = await me(browser, (await sign_in(browser, "bob"))["access_token"])
    assert profile["role"] == "member"


async def test_verified_email_links_the_existing_local_account(browser: Browser, make_user) -> None:
    local = await make_user(Role.member, email="linda@campus.example")
    profile = await me(browser, (await sign_in(browser, "linda"))["access_token"])
    assert int(profile["id"]) == local.pk
    assert await UserIdentity.filter(user_id=local.pk, subject="linda").exists()


async def test_a_deactivated_user_stays_out(browser: Browser) -> None:
    await sign_in(browser, "bob")
    await User.filter(email="bob@campus.example").update(is_active=False)
    landed = await browser.go(START, login="bob")
    assert isinstance(landed, httpx.Response)
    assert landed.status_code == 403
    assert landed.headers["content-type"].startswith("application/problem+json")
    assert landed.json()["code"] == "sso_account_inactive"


async def test_the_handover_code_works_once(browser: Browser) -> None:
    landed = await browser.go(START, login="alice")
    assert isinstance(landed, str)
    code = parse_qs(urlsplit(landed).query)["code"][0]
    url = f"{COMPAX}/api/v1/auth/sso/token"
    assert (await browser.client.post(url, json={"code": code})).status_code == 200
    again = await browser.client.post(url, json={"code": code})
    assert again.status_code == 401
    assert again.json()["code"] == "sso_handover_invalid"


async def test_roles_follow_the_provider_but_the_last_admin_stays(browser: Browser) -> None:
    # linda has no mapped group: a member. Made admin locally, the provider demotes her at
    # her next sign-on, unless she is the last admin.
    first = await me(browser, (await sign_in(browser, "linda"))["access_token"])
    await User.filter(id=int(first["id"])).update(role=Role.admin)
    again = await me(browser, (await sign_in(browser, "linda"))["access_token"])
    assert again["role"] == "admin"  # the last admin
    await me(browser, (await sign_in(browser, "root"))["access_token"])  # another admin
    third = await me(browser, (await sign_in(browser, "linda"))["access_token"])
    assert third["role"] == "member"


async def test_two_handovers_are_each_their_own_and_an_expired_one_is_refused(
    browser: Browser,
) -> None:
    codes = []
    for login in ("alice", "bob", "root"):
        browser.client.cookies.clear()
        landed = await browser.go(START, login=login)
        assert isinstance(landed, str)
        codes.append(parse_qs(urlsplit(landed).query)["code"][0])
    url = f"{COMPAX}/api/v1/auth/sso/token"
    first = await browser.client.post(url, json={"code": codes[0]})
    assert first.status_code == 200
    second = await browser.client.post(url, json={"code": codes[1]})
    assert second.status_code == 200, second.text  # the first used only its own
    assert (await me(browser, second.json()["access_token"]))["email"] == "bob@campus.example"
    await SsoHandover.filter(used_at=None).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    late = await browser.client.post(url, json={"code": codes[2]})
    assert late.status_code == 401 and late.json()["code"] == "sso_handover_invalid"
