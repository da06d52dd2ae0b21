"""Refusals: each hostile or broken sign-on is refused with a precise problem, and nothing
(no user, no identity, no session) is created."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.sso import SsoFlow, UserIdentity
from compax_server.db.users import RefreshToken, Role, User
from tests.sso.conftest import CLIENT, COMPAX, FRONTEND, Browser, Refusals, reasons, tamper

START = f"{COMPAX}/api/v1/auth/sso/campus/start?redirect_uri={FRONTEND}"


async def nothing_created(users_before: int) -> None:
    assert await User.all().count() == users_before
    assert await UserIdentity.all().count() == 0
    assert await RefreshToken.all().count() == 0


UNKNOWN_STATE = "This sign-on is unknown, was already completed or took too long; start again."


def with_param(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(query)))


async def at_callback(browser: Browser, login: str = "bob") -> str:
    """A sign-on walked up to the provider's answer: the callback URL it sends back."""
    callback = await browser.go(START, login=login, stop_before_callback=True)
    assert isinstance(callback, str)
    return callback


def answered(callback: str, keep: str, **params: str) -> str:
    """The callback URL with only its ``keep`` parameter and ``params``: another answer."""
    parts = urlsplit(callback)
    query = {keep: parse_qs(parts.query)[keep][0], **params}
    return urlunsplit(parts._replace(query=urlencode(query)))


def problem(response: httpx.Response | str, status: int, code: str) -> dict[str, object]:
    assert isinstance(response, httpx.Response), f"the sign-on went on to {response}"
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["code"] == code, body
    return body


@pytest.mark.parametrize(
    ("mode", "why"),
    [
        ("issuer", "iss"),
        ("audience", "aud"),
        ("expired", "expired"),
        ("unsigned", ""),
        ("stranger", ""),
        ("nonce", "nonce"),
    ],
)
async def test_a_doctored_id_token_is_refused(
    browser: Browser, refusals: Refusals, mode: str, why: str
) -> None:
    before = await User.all().count()
    await tamper(browser.issuer, mode)
    body = problem(await browser.go(START, login="bob"), 401, "sso_id_token_invalid")
    assert why in str(body["detail"])
    await nothing_created(before)
    [refused] = refusals()
    assert refused == {
        "entity": "user:None",
        "provider": "campus",
        "reason": "id_token",
        "why": body["detail"],
        "client": CLIENT,
        "request_id": body["request_id"],  # the callback's
    }


async def test_a_wrong_state_is_refused(browser: Browser, refusals: Refusals) -> None:
    before = await User.all().count()
    callback = await at_callback(browser)
    r = await browser.client.get(with_param(callback, state="forged-state"))
    assert problem(r, 400, "sso_state_invalid")["detail"] == UNKNOWN_STATE
    await nothing_created(before)
    assert reasons(refusals) == ["state"]
    assert refusals()[0]["request_id"] == r.headers["x-request-id"]
    r = await browser.client.get(with_param(callback, state=""))  # none at all
    assert problem(r, 400, "sso_state_invalid")["detail"] == UNKNOWN_STATE
    assert reasons(refusals) == ["state", "state"]
    assert (await browser.client.get(callback)).status_code == 302  # the real one still works


async def test_a_callback_in_another_browser_is_refused(
    browser: Browser, app, refusals: Refusals
) -> None:
    """Login CSRF: an attacker signs in at the provider and sends the callback URL to a
    victim; the victim's browser lacks the cookie of the sign-on's start."""
    before = await User.all().count()
    callback = await at_callback(browser)
    victim = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=COMPAX)
    async with victim:
        body = problem(await victim.get(callback), 400, "sso_state_invalid")
    assert body["detail"] == (
        "This sign-on was started in another browser (or its cookie was refused); start again here."
    )
    await nothing_created(before)
    assert reasons(refusals) == ["browser"]
    r = await browser.client.get(callback)  # used up by the victim's try: start again
    assert problem(r, 400, "sso_state_invalid")["detail"] == UNKNOWN_STATE


async def test_a_callback_works_once(browser: Browser) -> None:
    callback = await at_callback(browser)
    first = await browser.client.get(callback)
    assert first.status_code == 302 and first.headers["location"].startswith(FRONTEND)
    again = await browser.client.get(callback)
    assert problem(again, 400, "sso_state_invalid")["detail"] == UNKNOWN_STATE
    assert await UserIdentity.all().count() == 1


async def test_a_replayed_code_is_refused_by_the_provider(
    browser: Browser, refusals: Refusals
) -> None:
    used = await at_callback(browser)
    assert (await browser.client.get(used)).status_code == 302
    await User.all().delete()
    fresh = await at_callback(browser)
    old_code = parse_qs(urlsplit(used).query)["code"][0]
    r = await browser.client.get(with_param(fresh, code=old_code))
    detail = str(problem(r, 401, "sso_denied")["detail"])
    assert detail.startswith("The identity provider refused the code: invalid_grant"), detail
    await nothing_created(0)
    [refused] = refusals()
    assert (refused["reason"], refused["error"]) == ("code_refused", "invalid_grant")


async def test_an_answer_naming_another_issuer_is_refused(
    browser: Browser, refusals: Refusals
) -> None:
    callback = await at_callback(browser)
    r = await browser.client.get(with_param(callback, iss="https://evil.example"))
    assert problem(r, 401, "sso_denied")["detail"] == (
        f"The answer came from the issuer 'https://evil.example', not {browser.issuer!r}."
    )
    await nothing_created(0)
    assert reasons(refusals) == ["issuer_mix_up"]


async def test_an_unverified_email_never_reaches_the_admin_account(
    browser: Browser, make_user, refusals: Refusals
) -> None:
    admin = await make_user(Role.admin, email="admin@campus.example")
    before = await User.all().count()
    problem(await browser.go(START, login="mallory"), 403, "sso_email_unverified")
    await nothing_created(before)
    [audited] = await AuditEvent.filter(action="auth.sso_refused", entity_id=admin.pk)
    assert audited.after == {
        "provider": "campus",
        "reason": "email_unverified",
        "email": "admin@campus.example",
        "subject": "mallory",
        "client": CLIENT,
    }
    assert reasons(refusals) == ["email_unverified"]
    assert (await User.get(id=admin.pk)).role == Role.admin


async def test_a_person_without_an_email_is_refused(browser: Browser, refusals: Refusals) -> None:
    body = problem(await browser.go(START, login="noemail"), 401, "sso_id_token_invalid")
    assert body["detail"] == (
        "The provider sent no email for this person; ask the administrator to release the "
        "email claim (scope `email`) to Compax."
    )
    await nothing_created(0)
    [refused] = refusals()
    assert (refused["reason"], refused["subject"]) == ("no_email", "noemail")


async def test_a_verified_email_that_is_no_address_is_refused_and_logged(
    browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    """A provider may verify anything it likes: Compax stores only what its own check of an
    address accepts (the same one an admin's new user passes). No account is concerned, so
    the refusal is logged, not audited."""
    with caplog.at_level(logging.WARNING, logger="compax.security"):
        body = problem(await browser.go(START, login="oddmail"), 401, "sso_id_token_invalid")
    assert body["detail"] == "The provider's email 'room 101 at campus' is not an email address."
    await nothing_created(0)
    [line] = [r.getMessage() for r in caplog.records if r.name == "compax.security"]
    assert line.startswith("auth.sso_refused entity='user:None' provider='campus' ")
    assert "reason='bad_email' subject='oddmail'" in line


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/signed-in",
        FRONTEND + "/../../evil",
        FRONTEND + "?next=https://evil.example",
        "https://rooms.campus.example.evil.example/signed-in",
        "javascript:alert(1)",
        "http://127.0.0.1.evil.example/cb",
    ],
)
async def test_a_redirect_uri_not_configured_is_refused(
    client: httpx.AsyncClient, refusals: Refusals, target: str
) -> None:
    r = await client.get("/api/v1/auth/sso/campus/start", params={"redirect_uri": target})
    body = problem(r, 400, "sso_redirect_uri_not_allowed")
    assert body["detail"] == (
        f"{target!r} is not a redirect URI configured for 'campus'; a login may end only at "
        "one of them (or a loopback address, for the CLI)."
    )
    assert await SsoFlow.all().count() == 0
    [refused] = refusals()
    assert (refused["reason"], refused["redirect_uri"]) == ("redirect_uri", target)
    assert refused["provider"] == "campus" and refused["client"]
    assert refused["request_id"] == r.headers["x-request-id"]


async def test_a_long_redirect_uri_is_logged_cut(client: httpx.AsyncClient, refusals: Refusals):
    target = "https://evil.example/" + "x" * 400
    r = await client.get("/api/v1/auth/sso/campus/start", params={"redirect_uri": target})
    problem(r, 400, "sso_redirect_uri_not_allowed")
    assert refusals()[0]["redirect_uri"] == target[:300]


async def test_an_unknown_provider_is_404(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/auth/sso/nope/start", params={"redirect_uri": FRONTEND})
    assert problem(r, 404, "sso_provider_unknown")["detail"] == (
        "No sign-on provider is called 'nope'."
    )


async def test_a_person_who_cancels_at_the_provider_is_refused(
    browser: Browser, refusals: Refusals
) -> None:
    callback = await at_callback(browser)
    denied = answered(callback, "state", error="access_denied")
    body = problem(await browser.client.get(denied), 401, "sso_denied")
    assert body["detail"] == "The identity provider said access_denied."
    await nothing_created(0)
    [refused] = refusals()
    assert (refused["reason"], refused["error"]) == ("provider_error", "access_denied")


async def test_a_provider_error_is_shown_with_its_description_and_bounded(
    browser: Browser, refusals: Refusals
) -> None:
    callback = await at_callback(browser)
    denied = answered(callback, "state", error="e" * 150, error_description="d" * 400)
    body = problem(await browser.client.get(denied), 401, "sso_denied")
    assert body["detail"] == f"The identity provider said {'e' * 100}: {'d' * 300}"
    [refused] = refusals()
    assert (refused["reason"], refused["error"]) == ("provider_error", "e" * 100)


async def test_a_provider_error_without_a_description_is_bounded(browser: Browser) -> None:
    denied = answered(await at_callback(browser), "state", error="e" * 150)
    body = problem(await browser.client.get(denied), 401, "sso_denied")
    assert body["detail"] == f"The identity provider said {'e' * 100}."


async def test_a_callback_without_a_code_is_refused(browser: Browser, refusals: Refusals) -> None:
    callback = await at_callback(browser)
    r = await browser.client.get(answered(callback, "state"))
    assert problem(r, 401, "sso_denied")["detail"] == (
        "The identity provider sent no authorization code."
    )
    assert reasons(refusals) == ["no_code"]
    await nothing_created(0)


async def test_a_forged_handover_code_is_refused(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/auth/sso/token", json={"code": "made-up"})
    assert problem(r, 401, "sso_handover_invalid")["detail"] == (
        "This sign-on code is unknown, was already used or expired."
    )


async def test_a_rotated_key_is_fetched_but_not_on_every_unknown_kid(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The provider publishes a new key and signs with it: Compax fetches the key set again
    (at most every KEYS_REFRESH_SECONDS, so unknown key ids cannot make it fetch on every
    request) and then accepts the new key."""
    from compax_server.services import oidc_client

    now = [1000.0]
    monkeypatch.setattr(oidc_client, "clock", lambda: now[0])
    first = await browser.go(START, login="bob")
    assert isinstance(first, str)  # signed with k1; the key set (k1) is now kept
    browser.client.cookies.clear()
    await tamper(browser.issuer, "rotate")
    problem(await browser.go(START, login="bob"), 401, "sso_id_token_invalid")  # too soon
    now[0] += oidc_client.KEYS_REFRESH_SECONDS + 1
    browser.client.cookies.clear()
    await tamper(browser.issuer, "rotate")  # another new key
    assert isinstance(await browser.go(START, login="bob"), str)


async def test_a_subject_longer_than_openid_allows_is_refused(
    browser: Browser, refusals: Refusals
) -> None:
    body = problem(await browser.go(START, login="s" * 300), 401, "sso_id_token_invalid")
    assert body["detail"] == (
        "The ID token is not valid: its subject is longer than 255 characters."
    )
    await nothing_created(0)
    assert reasons(refusals) == ["id_token"]


async def test_a_callback_without_a_state_or_from_another_providers_flow_is_refused(
    browser: Browser, refusals: Refusals
) -> None:
    callback = await at_callback(browser)
    r = await browser.client.get(answered(callback, "code"))
    assert problem(r, 400, "sso_state_invalid")["detail"] == UNKNOWN_STATE
    await SsoFlow.all().update(provider="elsewhere")  # started at another provider
    assert problem(await browser.client.get(callback), 400, "sso_state_invalid")
    assert reasons(refusals) == ["state", "state"]
    await nothing_created(0)


async def test_a_handover_of_an_account_deactivated_meanwhile_gives_no_session(
    browser: Browser,
) -> None:
    landed = await browser.go(START, login="bob")
    assert isinstance(landed, str)
    code = parse_qs(urlsplit(landed).query)["code"][0]
    await User.filter(email="bob@campus.example").update(is_active=False)
    r = await browser.client.post(f"{COMPAX}/api/v1/auth/sso/token", json={"code": code})
    assert problem(r, 403, "sso_account_inactive")["detail"] == (
        "The account bob@campus.example is deactivated."
    )
    assert await RefreshToken.all().count() == 0


async def test_finishing_one_sign_on_leaves_the_others_open(browser: Browser) -> None:
    """Two sign-ons started (two tabs): finishing one uses up that one alone; a device
    handle is no browser state."""
    first = await at_callback(browser)
    second = await at_callback(browser)
    device = (await browser.client.post(f"{COMPAX}/api/v1/auth/sso/campus/device")).json()
    assert (await browser.client.get(first)).status_code == 302
    r = await browser.client.get(with_param(second, state=device["device_code"]))
    assert problem(r, 400, "sso_state_invalid")["detail"] == UNKNOWN_STATE
    assert (await browser.client.get(second)).status_code == 302
