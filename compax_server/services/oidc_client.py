"""Talking OpenID Connect to an identity provider (the relying party's side), with Authlib.

- Discovery (``/.well-known/openid-configuration``) is fetched once per process and kept
  for ``DISCOVERY_SECONDS``; its ``issuer`` must be the configured one (OIDC Discovery 4.3).
- The provider's keys (``jwks_uri``) are kept too, and fetched again when an ID token names
  a key we do not have (key rotation), at most once per ``KEYS_REFRESH_SECONDS``.
- Authorization requests always carry PKCE (S256), ``state`` and ``nonce``.
- ID tokens are checked by Authlib (joserfc + ``authlib.oidc.core.CodeIDToken``): signature
  with an asymmetric algorithm the provider announces (never ``none``), ``iss``, ``aud``,
  ``exp``, ``iat``, ``nonce``, ``azp`` and ``at_hash``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from compax_server import runtime
from compax_server.errors import SsoIdTokenInvalid, SsoProviderUnavailable
from compax_server.oidc import OidcProvider

DISCOVERY_SECONDS = 3600.0
KEYS_SECONDS = 3600.0
KEYS_REFRESH_SECONDS = 30.0
HTTP_TIMEOUT = 10.0
CLOCK_SKEW = 60  # seconds of leeway for exp/iat between us and the provider
SUBJECT_MAX = 255  # the `sub` claim, as OpenID Connect bounds it (db.sso.UserIdentity.subject)
MAX_RESPONSE = 256 * 1024
# Asymmetric signatures only: HS* would make the client secret a signing key.
SIGNING_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                      "ES512", "EdDSA"}  # fmt: skip
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass(frozen=True)
class Metadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    device_authorization_endpoint: str | None
    algorithms: tuple[str, ...]


def clock() -> float:
    """Monotonic seconds for the caches' ages (tests move it)."""
    return time.monotonic()


class ProviderRefused(Exception):
    """The token or device endpoint answered with an OAuth error (RFC 6749 5.2)."""

    def __init__(self, error: str, description: str, interval: int | None = None) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error, self.description, self.interval = error, description, interval


async def _get_json(url: str, what: str) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
            response = await client.get(url, headers={"Accept": "application/json"})
        if response.status_code != 200 or len(response.content) > MAX_RESPONSE:
            raise SsoProviderUnavailable(
                f"The identity provider's {what} ({url}) answered {response.status_code}."
            )
        data = response.json()
    except httpx.HTTPError as exc:
        raise SsoProviderUnavailable(
            f"The identity provider's {what} ({url}) does not answer: {type(exc).__name__}."
        ) from None
    except ValueError:
        raise SsoProviderUnavailable(f"The identity provider's {what} is not JSON.") from None
    if not isinstance(data, dict):
        raise SsoProviderUnavailable(f"The identity provider's {what} is not a JSON object.")
    return data


async def metadata(provider: OidcProvider) -> Metadata:
    """The provider's discovery document, kept for an hour per process."""
    return await runtime.remembered(
        "oidc_metadata", provider.issuer, DISCOVERY_SECONDS, lambda: _discover(provider), clock
    )


async def _discover(provider: OidcProvider) -> Metadata:
    url = provider.issuer + "/.well-known/openid-configuration"
    doc = await _get_json(url, "discovery document")
    if doc.get("issuer") != provider.issuer:
        raise SsoProviderUnavailable(
            f"The discovery document at {url} names the issuer {doc.get('issuer')!r}, not the "
            f"configured {provider.issuer!r}."
        )
    try:
        announced = doc.get("id_token_signing_alg_values_supported") or ["RS256"]
        meta = Metadata(
            issuer=doc["issuer"],
            authorization_endpoint=str(doc["authorization_endpoint"]),
            token_endpoint=str(doc["token_endpoint"]),
            jwks_uri=str(doc["jwks_uri"]),
            device_authorization_endpoint=doc.get("device_authorization_endpoint"),
            algorithms=tuple(a for a in announced if a in SIGNING_ALGORITHMS),
        )
    except KeyError as exc:
        raise SsoProviderUnavailable(f"The discovery document at {url} lacks {exc}.") from None
    return meta


async def _keys(meta: Metadata, *, refresh: bool = False) -> KeySet:
    kept = runtime.memo("oidc_keys")
    entry = kept.get(meta.jwks_uri)
    moment = clock()
    if entry is not None:
        fetched, keys = entry
        if moment - fetched < (KEYS_REFRESH_SECONDS if refresh else KEYS_SECONDS):
            return keys  # type: ignore[no-any-return]
    doc = await _get_json(meta.jwks_uri, "key set")
    try:
        keys = KeySet.import_key_set(doc)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise SsoProviderUnavailable(f"The provider's key set is not valid: {exc}.") from None
    kept[meta.jwks_uri] = (moment, keys)
    return keys


def authorization_url(
    provider: OidcProvider,
    meta: Metadata,
    *,
    redirect_uri: str,
    state: str,
    nonce: str,
    code_verifier: str,
) -> str:
    """Where to send the browser: the code flow with PKCE (S256), state and nonce."""
    return str(
        prepare_grant_uri(
            meta.authorization_endpoint,
            provider.client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=provider.scopes,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(code_verifier),
            code_challenge_method="S256",
        )
    )


async def _post(provider: OidcProvider, url: str, form: dict[str, str]) -> dict[str, Any]:
    """POST a form to the token or device endpoint with the client's credentials
    (client_secret_basic; a public client sends its ``client_id``)."""
    auth: httpx.Auth | None = None
    if provider.client_secret:
        auth = httpx.BasicAuth(provider.client_id, provider.client_secret)
    else:
        form = {**form, "client_id": provider.client_id}
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
            response = await client.post(
                url,
                data=form,
                auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                headers={"Accept": "application/json"},
            )
        data = response.json() if len(response.content) <= MAX_RESPONSE else None
    except httpx.HTTPError as exc:
        raise SsoProviderUnavailable(
            f"The identity provider ({url}) does not answer: {type(exc).__name__}."
        ) from None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise SsoProviderUnavailable(
            f"The identity provider ({url}) answered {response.status_code} without JSON."
        )
    if response.status_code != 200 or "error" in data:
        interval = data.get("interval")
        raise ProviderRefused(
            str(data.get("error", "error"))[:100],
            str(data.get("error_description", ""))[:300],
            interval if isinstance(interval, int) else None,
        )
    return data


async def exchange_code(
    provider: OidcProvider, meta: Metadata, *, code: str, redirect_uri: str, code_verifier: str
) -> dict[str, Any]:
    return await _post(
        provider,
        meta.token_endpoint,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        },
    )


async def start_device(provider: OidcProvider, meta: Metadata) -> dict[str, Any]:
    assert meta.device_authorization_endpoint is not None
    return await _post(provider, meta.device_authorization_endpoint, {"scope": provider.scopes})


async def poll_device(provider: OidcProvider, meta: Metadata, device_code: str) -> dict[str, Any]:
    return await _post(
        provider, meta.token_endpoint, {"grant_type": DEVICE_GRANT, "device_code": device_code}
    )


async def id_token_claims(
    provider: OidcProvider, meta: Metadata, tokens: dict[str, Any], *, nonce: str | None
) -> dict[str, Any]:
    """The verified claims of the token response's ID token, or ``SsoIdTokenInvalid``."""
    raw = tokens.get("id_token")
    if not isinstance(raw, str) or not raw:
        raise SsoIdTokenInvalid("The provider's token response carries no ID token.")
    algorithms = list(meta.algorithms) or ["RS256"]
    try:
        try:
            token = jwt.decode(raw, await _keys(meta), algorithms=algorithms)
        except InvalidKeyIdError:  # a key we have not seen yet: the provider rotated
            token = jwt.decode(raw, await _keys(meta, refresh=True), algorithms=algorithms)
        claims = CodeIDToken(
            token.claims,
            token.header,
            {
                "iss": {"essential": True, "value": provider.issuer},
                "aud": {"essential": True, "value": provider.client_id},
                "sub": {"essential": True},
            },
            {
                "nonce": nonce,
                "client_id": provider.client_id,
                "access_token": tokens.get("access_token"),
            },
        )
        claims.validate(leeway=CLOCK_SKEW)
    except ExpiredTokenError:
        raise SsoIdTokenInvalid("The ID token has expired.") from None
    except JoseError as exc:
        raise SsoIdTokenInvalid(f"The ID token is not valid: {exc}.") from None
    if nonce is not None and claims.get("nonce") != nonce:  # not every Authlib checks it
        raise SsoIdTokenInvalid("The ID token is not valid: its nonce is not this login's.")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise SsoIdTokenInvalid("The ID token is not valid: it has no subject.")
    if len(claims["sub"]) > SUBJECT_MAX:  # OpenID Connect Core 2: at most 255 ASCII characters
        raise SsoIdTokenInvalid(
            f"The ID token is not valid: its subject is longer than {SUBJECT_MAX} characters."
        )
    return dict(claims)
