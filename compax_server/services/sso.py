"""Single sign-on with OpenID Connect: browser logins (code flow with PKCE) and device
logins (RFC 8628, for the CLI), ending in Compax's own tokens, as ``auth.login`` does.

Browser::

    start_browser(provider, redirect_uri)  -> the provider's authorization URL
        (a flow row: hash of state, nonce, PKCE verifier, the frontend's redirect URI)
    finish_browser(provider, state, code)  -> the frontend's redirect URI?code=<handover>
        (the flow is used once; code exchanged, ID token checked, user found/linked/created)
    exchange(handover)                     -> access + refresh token (the handover works once)

Device::

    start_device(provider) -> handle, user_code, verification_uri (the handle is ours: the
                              provider's device code never leaves the server)
    poll_device(handle)    -> access + refresh token, or SsoAuthorizationPending

Flows live in the database (any worker or instance may finish them), expire after
``COMPAX_SSO_FLOW_TTL`` seconds and work once.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri

from compax_server import runtime
from compax_server.db import sso as sso_db
from compax_server.db import transaction
from compax_server.db.users import User
from compax_server.errors import (
    RateLimited,
    SsoAccountInactive,
    SsoAuthorizationPending,
    SsoDenied,
    SsoDeviceUnsupported,
    SsoHandoverInvalid,
    SsoIdTokenInvalid,
    SsoProviderUnknown,
    SsoRedirectNotAllowed,
    SsoStateInvalid,
)
from compax_server.oidc import OidcProvider, parse_providers
from compax_server.services import audit, auth, limits, oidc_client, sso_accounts
from compax_server.services.actors import Actor
from compax_server.services.oidc_client import ProviderRefused

HANDOVER_SECONDS = 120
DEVICE_INTERVAL = 5
PENDING = {"authorization_pending", "slow_down"}


def now() -> datetime:
    return datetime.now(UTC)


def configured() -> list[OidcProvider]:
    text = runtime.settings().oidc_providers
    kept = runtime.memo("oidc_providers")
    if text not in kept:
        kept.clear()
        kept[text] = parse_providers(text)
    return kept[text]  # type: ignore[no-any-return]


def provider(name: str) -> OidcProvider:
    for candidate in configured():
        if candidate.name == name:
            return candidate
    raise SsoProviderUnknown(f"No sign-on provider is called {name!r}.")


async def _count_start(client: str) -> None:
    """Starting a sign-on writes a row and may call the provider: as many per client
    address and window as password logins (``login_rate_limit_ip``), on every worker."""
    settings = runtime.settings()
    window = settings.login_rate_window
    slot = int(limits.clock()) // window
    key = f"sso:start:{limits.address_key(client)}:{slot}"
    if await runtime.cache().hit(key, window) > settings.login_rate_limit_ip:
        retry_after = window - int(limits.clock()) % window
        raise RateLimited(
            f"Too many sign-ons started; try again in {retry_after} seconds.",
            retry_after=retry_after,
        )


def callback_path(name: str) -> str:
    return f"/api/v1/auth/sso/{name}/callback"


async def _session(user: User, provider_name: str, request_id: str) -> auth.TokenPair:
    """A new Compax session for ``user``, audited like a password login."""
    if not user.is_active:
        raise SsoAccountInactive(f"The account {user.email} is deactivated.")
    async with transaction():
        pair = await auth.new_session(user)
        actor = Actor(user_id=user.pk, email=user.email, role=user.role, request_id=request_id)
        await audit.record(
            actor, "auth.login", "user", user.pk, after={"method": "sso", "provider": provider_name}
        )
    return pair


# -- browser -------------------------------------------------------------------------------


async def start_browser(
    name: str,
    *,
    redirect_uri: str,
    callback_url: str,
    browser_key: str,
    client: str = "",
    request_id: str = "",
) -> str:
    """Begin a browser login; returns the provider's authorization URL. ``browser_key`` is
    a secret the browser keeps (a cookie): the callback must bring it back, so that a
    callback URL sent to someone else's browser signs nobody in there (login CSRF)."""
    chosen = provider(name)
    await _count_start(client)
    if not chosen.allows_redirect(redirect_uri):
        raise await sso_accounts.refuse(
            SsoRedirectNotAllowed(
                f"{redirect_uri!r} is not a redirect URI configured for {name!r}; a login may "
                "end only at one of them (or a loopback address, for the CLI)."
            ),
            "redirect_uri",
            name,
            client,
            request_id,
            redirect_uri=redirect_uri[:300],
        )
    meta = await oidc_client.metadata(chosen)
    state, nonce, verifier = (
        secrets.token_urlsafe(32),
        secrets.token_urlsafe(32),
        generate_token(64),
    )
    await sso_db.SsoFlow.create(
        kind="browser",
        provider=name,
        key_hash=auth.sha256(state),
        nonce=nonce,
        code_verifier=verifier,
        redirect_uri=redirect_uri,
        browser_hash=auth.sha256(browser_key),
        expires_at=now() + timedelta(seconds=runtime.settings().sso_flow_ttl),
    )
    return oidc_client.authorization_url(
        chosen, meta, redirect_uri=callback_url, state=state, nonce=nonce, code_verifier=verifier
    )


async def finish_browser(
    name: str,
    *,
    state: str | None,
    code: str | None,
    error: str | None,
    error_description: str | None,
    iss: str | None,
    callback_url: str,
    browser_key: str | None,
    client: str = "",
    request_id: str = "",
) -> str:
    """The provider sent the browser back: check, exchange, sign in. Returns where to send
    the browser next: the frontend's redirect URI with a one-time ``code``."""
    chosen = provider(name)
    where = (name, client, request_id)
    moment = now()
    flow = await sso_db.flow_by_key(auth.sha256(state), "browser") if state else None
    if (
        flow is None
        or flow.provider != name
        or flow.used_at is not None
        or flow.expires_at <= moment
        or not await sso_db.use_flow(flow.pk, moment)
    ):
        raise await sso_accounts.refuse(
            SsoStateInvalid(
                "This sign-on is unknown, was already completed or took too long; start again."
            ),
            "state",
            *where,
        )
    if browser_key is None or not hmac.compare_digest(
        flow.browser_hash or "", auth.sha256(browser_key)
    ):
        raise await sso_accounts.refuse(
            SsoStateInvalid(
                "This sign-on was started in another browser (or its cookie was refused); "
                "start again here."
            ),
            "browser",
            *where,
        )
    if error:
        raise await sso_accounts.refuse(
            SsoDenied(
                f"The identity provider said {error[:100]}: {error_description[:300]}"
                if error_description
                else f"The identity provider said {error[:100]}."
            ),
            "provider_error",
            *where,
            error=error[:100],
        )
    if iss is not None and iss != chosen.issuer:  # RFC 9207: the answer is from another issuer
        raise await sso_accounts.refuse(
            SsoDenied(f"The answer came from the issuer {iss[:200]!r}, not {chosen.issuer!r}."),
            "issuer_mix_up",
            *where,
        )
    if not code:
        raise await sso_accounts.refuse(
            SsoDenied("The identity provider sent no authorization code."),
            "no_code",
            *where,
        )
    meta = await oidc_client.metadata(chosen)
    try:
        tokens = await oidc_client.exchange_code(
            chosen,
            meta,
            code=code,
            redirect_uri=callback_url,
            code_verifier=flow.code_verifier or "",
        )
    except ProviderRefused as exc:
        raise await sso_accounts.refuse(
            SsoDenied(f"The identity provider refused the code: {exc}."),
            "code_refused",
            *where,
            error=exc.error,
        ) from None
    claims = await _claims(chosen, meta, tokens, flow.nonce, client, request_id)
    user = await sso_accounts.sign_in(chosen, claims, client=client, request_id=request_id)
    handover = secrets.token_urlsafe(32)
    await sso_db.SsoHandover.create(
        user=user,
        provider=name,
        code_hash=auth.sha256(handover),
        expires_at=now() + timedelta(seconds=HANDOVER_SECONDS),
    )
    return str(add_params_to_uri(flow.redirect_uri or "", [("code", handover)]))


async def _claims(
    chosen: OidcProvider,
    meta: oidc_client.Metadata,
    tokens: dict[str, Any],
    nonce: str | None,
    client: str,
    request_id: str,
) -> dict[str, Any]:
    try:
        return await oidc_client.id_token_claims(chosen, meta, tokens, nonce=nonce)
    except SsoIdTokenInvalid as exc:
        raise await sso_accounts.refuse(
            exc, "id_token", chosen.name, client, request_id, why=exc.detail
        ) from None


async def exchange(code: str, *, request_id: str = "") -> auth.TokenPair:
    """Trade the one-time code of a browser login for Compax's tokens."""
    handover = await sso_db.use_handover(auth.sha256(code), now())
    if handover is None:
        raise SsoHandoverInvalid("This sign-on code is unknown, was already used or expired.")
    return await _session(handover.user, handover.provider, request_id)


# -- device ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceStart:
    device_code: str  # ours, for polling Compax; the provider's stays on the server
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: int
    interval: int


async def start_device(name: str, *, client: str = "") -> DeviceStart:
    chosen = provider(name)
    await _count_start(client)
    meta = await oidc_client.metadata(chosen)
    if chosen.device is False or not meta.device_authorization_endpoint:
        raise SsoDeviceUnsupported(
            f"{name!r} offers no device sign-on; use the browser (a loopback redirect)."
        )
    try:
        answer = await oidc_client.start_device(chosen, meta)
    except ProviderRefused as exc:
        raise SsoDeviceUnsupported(
            f"The identity provider refused a device sign-on: {exc}."
        ) from None
    await sso_db.forget_expired(now())
    ttl = runtime.settings().sso_flow_ttl
    expires_in = min(int(answer.get("expires_in") or ttl), ttl)
    handle = secrets.token_urlsafe(32)
    await sso_db.SsoFlow.create(
        kind="device",
        provider=name,
        key_hash=auth.sha256(handle),
        device_code=str(answer["device_code"]),
        expires_at=now() + timedelta(seconds=expires_in),
    )
    return DeviceStart(
        device_code=handle,
        user_code=str(answer["user_code"]),
        verification_uri=str(answer["verification_uri"]),
        verification_uri_complete=answer.get("verification_uri_complete"),
        expires_in=expires_in,
        interval=int(answer.get("interval") or DEVICE_INTERVAL),
    )


async def poll_device(handle: str, *, client: str = "", request_id: str = "") -> auth.TokenPair:
    moment = now()
    flow = await sso_db.flow_by_key(auth.sha256(handle), "device")
    if flow is None or flow.used_at is not None or flow.expires_at <= moment:
        raise SsoStateInvalid("This device sign-on is unknown, finished or expired; start again.")
    chosen = provider(flow.provider)
    meta = await oidc_client.metadata(chosen)
    try:
        tokens = await oidc_client.poll_device(chosen, meta, flow.device_code or "")
    except ProviderRefused as exc:
        if exc.error in PENDING:
            raise SsoAuthorizationPending(
                "Waiting for the person to sign in at the provider.",
                retry_after=exc.interval or DEVICE_INTERVAL,
            ) from None
        await sso_db.use_flow(flow.pk, moment)
        raise await sso_accounts.refuse(
            SsoDenied(f"The identity provider ended the device sign-on: {exc}."),
            "device_refused",
            chosen.name,
            client,
            request_id,
            error=exc.error,
        ) from None
    if not await sso_db.use_flow(flow.pk, moment):
        raise SsoStateInvalid("This device sign-on was already completed.")
    claims = await _claims(chosen, meta, tokens, None, client, request_id)
    user = await sso_accounts.sign_in(chosen, claims, client=client, request_id=request_id)
    return await _session(user, chosen.name, request_id)
