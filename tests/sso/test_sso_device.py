"""Device sign-on (RFC 8628) through Compax against the real provider: Compax starts it with
its client credentials, the person signs in at the provider on any device, and polling
Compax gives Compax's own tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx

from compax_server.db.audit import AuditEvent
from compax_server.db.sso import SsoFlow, UserIdentity
from compax_server.db.users import User
from compax_server.services import auth
from tests.sso.conftest import CLIENT, COMPAX, FRONTEND, Browser, Refusals

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


async def test_the_device_handle_is_ours_bounded_by_the_flow_time(
    browser: Browser, refusals: Refusals
) -> None:
    """The CLI polls with a handle of Compax's; the provider's device code stays on the
    server. A poll before the person answers says to wait (the provider's interval); an
    answer of the provider other than "pending" ends the sign-on, named in the log."""
    r = await browser.client.post(DEVICE)
    assert r.status_code == 200, r.text
    started = r.json()
    [flow] = await SsoFlow.filter(kind="device")
    assert flow.key_hash == auth.sha256(started["device_code"])
    assert flow.device_code and flow.device_code != started["device_code"]
    assert started["expires_in"] == 600  # the provider's and COMPAX_SSO_FLOW_TTL's least
    assert started["interval"] == 5
    assert started["verification_uri_complete"].startswith(started["verification_uri"])
    assert started["verification_uri_complete"].endswith(f"user_code={started['user_code']}")
    left = (flow.expires_at - datetime.now(UTC)).total_seconds()
    assert 590 < left <= 600
    pending = await browser.client.post(POLL, json={"device_code": started["device_code"]})
    assert pending.json()["detail"] == "Waiting for the person to sign in at the provider."
    assert pending.headers["retry-after"] == "5"
    assert refusals() == []  # waiting is no refusal

    await SsoFlow.filter(id=flow.pk).update(device_code="not-the-providers")
    r = await browser.client.post(POLL, json={"device_code": started["device_code"]})
    assert r.status_code == 401 and r.json()["code"] == "sso_denied", r.text
    assert r.json()["detail"].startswith(
        "The identity provider ended the device sign-on: invalid_grant"
    )
    [refused] = refusals()
    assert (refused["reason"], refused["error"]) == ("device_refused", "invalid_grant")
    assert (refused["provider"], refused["client"]) == ("campus", CLIENT)
    assert (await SsoFlow.get(id=flow.pk)).used_at is not None  # over: start again
    again = await browser.client.post(POLL, json={"device_code": started["device_code"]})
    assert again.json()["detail"] == (
        "This device sign-on is unknown, finished or expired; start again."
    )


async def test_a_device_flow_expires_and_a_browser_state_is_no_device_handle(
    browser: Browser,
) -> None:
    started = (await browser.client.post(DEVICE)).json()
    await SsoFlow.filter(kind="device").update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    r = await browser.client.post(POLL, json={"device_code": started["device_code"]})
    assert r.status_code == 400 and r.json()["code"] == "sso_state_invalid"
    callback = await browser.go(
        f"{COMPAX}/api/v1/auth/sso/campus/start?redirect_uri={FRONTEND}",
        login="bob",
        stop_before_callback=True,
    )
    assert isinstance(callback, str)
    state = parse_qs(urlsplit(callback).query)["state"][0]
    r = await browser.client.post(POLL, json={"device_code": state})
    assert r.status_code == 400 and r.json()["code"] == "sso_state_invalid"
    assert (await browser.client.get(callback)).status_code == 302  # still the browser's


async def test_a_device_sign_in_is_audited_as_a_login(browser: Browser) -> None:
    started = (await browser.client.post(DEVICE)).json()
    await browser.go(started["verification_uri_complete"], login="alice")
    r = await browser.client.post(
        POLL, json={"device_code": started["device_code"]}, headers={"X-Request-ID": "poll-42"}
    )
    assert r.status_code == 200, r.text
    user = await User.get(email="alice@campus.example")
    login = await AuditEvent.get(action="auth.login", entity_id=user.pk)
    assert login.after == {"method": "sso", "provider": "campus"}
    assert (login.actor_user_id, login.request_id) == (user.pk, "poll-42")
    assert login.entity_type == "user"
    linked = await AuditEvent.get(action="user.identity_link", entity_id=user.pk)
    assert linked.request_id == "poll-42"


async def test_starting_a_device_sign_on_drops_the_flows_that_expired(browser: Browser) -> None:
    old = datetime.now(UTC) - timedelta(seconds=1)
    live = datetime.now(UTC) + timedelta(minutes=5)
    for n, expires in enumerate((old, live)):
        await SsoFlow.create(
            kind="browser", provider="campus", key_hash=f"h{n}", nonce="x", expires_at=expires
        )
    assert (await browser.client.post(DEVICE)).status_code == 200
    kept = await SsoFlow.all().order_by("id").values_list("key_hash", flat=True)
    assert kept[0] == "h1" and len(kept) == 2  # the live one and the new device flow
