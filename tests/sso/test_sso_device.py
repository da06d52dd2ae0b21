"""Device sign-on (RFC 8628) through Compax against the real provider: Compax starts it with
its client credentials, the person signs in at the provider on any device, and polling
Compax gives Compax's own tokens."""

from __future__ import annotations

import httpx

from compax_server.db.sso import UserIdentity
from compax_server.db.users import User
from tests.sso.conftest import COMPAX, Browser

DEVICE = f"{COMPAX}/api/v1/auth/sso/campus/device"
POLL = f"{COMPAX}/api/v1/auth/sso/device/token"


async def test_device_sign_in(browser: Browser) -> None:
    r = await browser.client.post(DEVICE)
    assert r.status_code == 200, r.text
    started = r.json()
    assert started["user_code"] and started["verification_uri"].startswith(browser.issuer)
    pending = await browser.client.post(POLL, json={"device_code": started["device_code"]})
    assert pending.status_code == 400
    assert pending.json()["code"] == "sso_authorization_pending"
    assert int(pending.headers["retry-after"]) >= 1
    assert await User.filter(email="alice@campus.example").count() == 0

    # the person types the code at the provider, signs in and confirms
    page = await browser.go(
        started["verification_uri"], login="alice", user_code=started["user_code"]
    )
    assert isinstance(page, httpx.Response) and page.status_code == 200, page

    r = await browser.client.post(POLL, json={"device_code": started["device_code"]})
    assert r.status_code == 200, r.text
    me = await browser.client.get(
        f"{COMPAX}/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}
    )
    assert me.json()["email"] == "alice@campus.example" and me.json()["role"] == "staff"
    assert await UserIdentity.filter(provider="campus", subject="alice").count() == 1

    again = await browser.client.post(POLL, json={"device_code": started["device_code"]})
    assert again.status_code == 400 and again.json()["code"] == "sso_state_invalid"


async def test_a_refused_device_sign_in_creates_nothing(browser: Browser, make_user) -> None:
    from compax_server.db.users import Role

    await make_user(Role.admin, email="admin@campus.example")
    before = await User.all().count()
    started = (await browser.client.post(DEVICE)).json()
    await browser.go(started["verification_uri_complete"], login="mallory")
    r = await browser.client.post(POLL, json={"device_code": started["device_code"]})
    assert r.status_code == 403 and r.json()["code"] == "sso_email_unverified"
    assert await User.all().count() == before
    assert await UserIdentity.all().count() == 0


async def test_an_unknown_device_code_is_refused(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/auth/sso/device/token", json={"device_code": "made-up"})
    assert r.status_code == 400 and r.json()["code"] == "sso_state_invalid"
