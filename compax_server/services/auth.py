"""Authentication: login, access tokens (JWT), refresh tokens, API keys (the passwords
themselves, their policy and hashing, are ``passwords``).

- Access tokens are short-lived JWTs (HS256 pinned) with ``iss aud sub iat exp jti``, the
  user's ``tv`` (token version): bumping a user's token version ends every session at once,
  and ``sid``, the session (the refresh-token family): when a session ends (logout, reuse of
  a rotated refresh token) its access tokens stop working within seconds on every worker and
  host, because the revocation is read from the database (``sessions``).
- Refresh tokens are opaque, stored as SHA-256, rotated on every use. Presenting a rotated
  one again means it was copied: the whole family is revoked.
- API keys (``cpx_<prefix>_<secret>``) authenticate like a token, within their scopes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from compax_server import runtime
from compax_server.db import transaction
from compax_server.db.api_keys import PREFIX_MAX, ApiKey
from compax_server.db.users import RefreshToken, Role, User
from compax_server.errors import (
    InvalidCredentials,
    InvalidToken,
    LocalLoginDisabled,
    RefreshTokenReused,
)
from compax_server.services import audit, limits, security, sessions
from compax_server.services.actors import Actor
from compax_server.services.passwords import verify_password

JWT_ALGORITHM = "HS256"
API_KEY_PREFIX = "cpx_"
LAST_USED_RESOLUTION = timedelta(minutes=1)
REJECTED_KEY_EVENT_SECONDS = 60.0  # one security event per key and reason and minute
VERIFIED_TOKENS_KEPT = 10_000


def now() -> datetime:
    return datetime.now(UTC)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().casefold()


# -- tokens ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105


def issue_access_token(user: User, session: str | None = None) -> tuple[str, int]:
    """A signed access token for ``user``; ``session`` is the refresh-token family it
    belongs to (its ``sid``)."""
    settings = runtime.settings()
    issued = int(time.time())
    ttl = settings.access_token_ttl
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user.pk),
        "iat": issued,
        "exp": issued + ttl,
        "jti": uuid.uuid4().hex,
        "tv": user.token_version,
        "role": user.role.value,
    }
    if session is not None:
        claims["sid"] = session
    return jwt.encode(claims, settings.secret_key, algorithm=JWT_ALGORITHM), ttl


async def _issue_pair(user: User, family: str | None = None) -> TokenPair:
    """A new access token and a new refresh token (in ``family``, or a new family)."""
    family = family or str(uuid.uuid4())
    access, ttl = issue_access_token(user, family)
    refresh = secrets.token_urlsafe(32)
    await RefreshToken.create(
        user=user,
        family=family,
        token_hash=sha256(refresh),
        expires_at=now() + timedelta(seconds=runtime.settings().refresh_token_ttl),
    )
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=ttl)


def _decode_access_token(token: str) -> dict[str, object]:
    """Verified claims. A token verified before is not verified again (its expiry is)."""
    verified = runtime.memo("verified_tokens")
    claims = verified.get(token)
    if claims is not None:
        if int(claims["exp"]) > time.time():
            return claims  # type: ignore[no-any-return]
        verified.pop(token, None)
    claims = _verify(token)
    if len(verified) >= VERIFIED_TOKENS_KEPT:
        verified.clear()
    verified[token] = claims
    return claims


def _verify(token: str) -> dict[str, object]:
    settings = runtime.settings()
    try:
        claims: dict[str, object] = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[JWT_ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidToken("The access token has expired; refresh it or log in again.") from None
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"The access token is not valid: {exc}.") from None
    return claims


async def authenticate(credential: str, request_id: str) -> Actor:
    """The actor behind a bearer credential: an access token or an API key."""
    if not credential.isascii() or not credential.isprintable():
        # Headers arrive as latin-1 with surrogate escapes; no token or key of ours is that.
        raise InvalidToken("The credentials are not valid: expected printable ASCII.")
    if credential.startswith(API_KEY_PREFIX):
        return await _authenticate_api_key(credential, request_id)
    claims = _decode_access_token(credential)
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.isdigit():
        raise InvalidToken("The access token is not valid: bad subject.")
    user = await sessions.user_state(int(sub))
    if user is None or not user["is_active"] or claims.get("tv") != user["token_version"]:
        raise InvalidToken("The session has ended; log in again.")
    session = claims.get("sid")
    if session is not None and (
        not isinstance(session, str) or await sessions.session_ended(session)
    ):
        raise InvalidToken("The session has ended; log in again.")
    managed = await sessions.managed(user["id"])
    return Actor(
        user_id=user["id"],
        email=user["email"],
        role=Role(user["role"]),
        request_id=request_id,
        managed_rooms=managed.rooms,
        managed_buildings=managed.buildings,
    )


async def _reject_api_key(
    key: ApiKey | None, prefix: str, reason: str, detail: str, request_id: str
) -> InvalidToken:
    """Record a refused API key (once per key, reason and minute in this process, so that a
    forgotten script cannot flood the log) and return the error to raise."""
    seen = runtime.memo("rejected_api_keys")
    mark = (key.pk if key else prefix[:PREFIX_MAX], reason)
    if seen.get(mark, 0.0) <= time.monotonic():
        if len(seen) >= VERIFIED_TOKENS_KEPT:
            seen.clear()
        seen[mark] = time.monotonic() + REJECTED_KEY_EVENT_SECONDS
        await security.event(
            "api_key.rejected",
            entity_type="api_key",
            entity_id=key.pk if key else None,
            request_id=request_id,
            prefix=prefix[:PREFIX_MAX],
            reason=reason,
        )
    return InvalidToken(detail)


async def _authenticate_api_key(credential: str, request_id: str) -> Actor:
    parts = credential[len(API_KEY_PREFIX) :].split("_", 1)
    known_shape = 0 < len(parts[0]) <= PREFIX_MAX  # a longer one cannot be looked up
    key = await ApiKey.get_or_none(prefix=parts[0]).select_related("user") if known_shape else None
    if key is None:
        raise await _reject_api_key(
            None, parts[0], "unknown", "The API key is not valid.", request_id
        )
    if not hmac.compare_digest(key.key_hash, sha256(credential)):
        raise await _reject_api_key(
            key, parts[0], "wrong_secret", "The API key is not valid.", request_id
        )
    moment = now()
    if key.revoked_at is not None:
        raise await _reject_api_key(
            key, parts[0], "revoked", "The API key has been revoked.", request_id
        )
    if key.expires_at is not None and key.expires_at <= moment:
        raise await _reject_api_key(
            key, parts[0], "expired", "The API key has expired.", request_id
        )
    if not key.user.is_active:
        raise await _reject_api_key(
            key, parts[0], "user_inactive", "The API key's user is deactivated.", request_id
        )
    if key.last_used_at is None or moment - key.last_used_at > LAST_USED_RESOLUTION:
        await ApiKey.filter(id=key.pk).update(last_used_at=moment)
    managed = await sessions.managed(key.user.pk)
    return Actor(
        user_id=key.user.pk,
        email=key.user.email,
        role=key.user.role,
        api_key_id=key.pk,
        scopes=frozenset(key.scopes),
        request_id=request_id,
        managed_rooms=managed.rooms,
        managed_buildings=managed.buildings,
    )


# -- login, refresh, logout ---------------------------------------------------------------


async def login(email: str, password: str, client: str, request_id: str = "") -> TokenPair:
    """A new session for the right email and password. Every attempt is counted before the
    password is checked (``limits.Attempt``); a refused one is a security event."""
    email = normalize_email(email)
    attempt = limits.Attempt(email, client, request_id)
    await attempt.begin()
    user = await User.get_or_none(email=email)
    if not _passwords_allowed(email, user):
        await security.event(
            "auth.login_failed",
            entity_type="user",
            entity_id=user.pk if user else None,
            request_id=request_id,
            client=client,
            email=email,
            reason="local_passwords_off",
        )
        raise LocalLoginDisabled(
            "This server accepts only single sign-on: log in through the campus identity "
            "provider (`compax login --sso`)."
        )
    ok = await verify_password(password, user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        reason = "unknown_account" if user is None else "wrong_password" if not ok else "inactive"
        await security.event(
            "auth.login_failed",
            entity_type="user",
            entity_id=user.pk if user else None,
            request_id=request_id,
            client=client,
            email=email,
            reason=reason,
        )
        raise InvalidCredentials("The email or the password is wrong, or the account is inactive.")
    await attempt.succeeded()
    async with transaction():
        pair = await _issue_pair(user)
        actor = Actor(user_id=user.pk, email=user.email, role=user.role, request_id=request_id)
        await audit.record(actor, "auth.login", "user", user.pk)
    return pair


def _passwords_allowed(email: str, user: User | None) -> bool:
    """Local passwords are on, or this is the break-glass admin (``COMPAX_BREAK_GLASS_ADMIN``,
    an admin account) while they are off."""
    settings = runtime.settings()
    if settings.local_passwords:
        return True
    glass = normalize_email(settings.break_glass_admin)
    return bool(glass) and email == glass and (user is None or user.role == Role.admin)


async def refresh(token: str, request_id: str = "", client: str = "") -> TokenPair:
    moment = now()
    async with transaction():
        stored = await RefreshToken.get_or_none(token_hash=sha256(token)).select_related("user")
        if stored is None or stored.expires_at <= moment:
            raise InvalidToken("The refresh token is not valid or has expired; log in again.")
        if stored.revoked_at is not None:
            raise InvalidToken("The refresh token has been revoked; log in again.")
        # Compare-and-set, so that two concurrent uses cannot both win.
        rotated = await RefreshToken.filter(id=stored.pk, rotated_at=None).update(rotated_at=moment)
        if stored.rotated_at is not None or rotated == 0:
            revoked = await RefreshToken.filter(family=stored.family, revoked_at=None).update(
                revoked_at=moment
            )
            reused = True
        else:
            reused = False
            user = stored.user
            if not user.is_active:
                raise InvalidToken("The account is deactivated.")
            pair = await _issue_pair(user, family=stored.family)
    if reused:
        # After the commit: the revocation of the family must stay.
        sessions.end_session_here(stored.family)
        await security.event(
            "auth.refresh_token_reused",
            entity_type="user",
            entity_id=stored.user_id,
            request_id=request_id,
            client=client,
            session=stored.family,
            tokens_revoked=revoked,
        )
        raise RefreshTokenReused(
            "This refresh token was already used. Every session started from it has been "
            "ended; log in again."
        )
    return pair


async def logout(token: str, request_id: str = "", client: str = "") -> None:
    """End the refresh token's session: its refresh tokens are revoked and its access tokens
    stop working. Unknown tokens are ignored (logout is idempotent)."""
    stored = await RefreshToken.get_or_none(token_hash=sha256(token)).select_related("user")
    if stored is None:
        return
    async with transaction():
        revoked = await RefreshToken.filter(family=stored.family, revoked_at=None).update(
            revoked_at=now()
        )
        if revoked:
            user = stored.user
            actor = Actor(user_id=user.pk, email=user.email, role=user.role, request_id=request_id)
            await security.event(
                "auth.logout",
                actor=actor,
                entity_type="user",
                entity_id=user.pk,
                client=client,
                in_transaction=True,
                session=stored.family,
            )
    sessions.end_session_here(stored.family)


async def end_all_sessions(user: User) -> None:
    """Revoke every refresh token of the user and invalidate their access tokens."""
    await RefreshToken.filter(user_id=user.pk, revoked_at=None).update(revoked_at=now())
    user.token_version += 1
    await user.save(update_fields=["token_version", "updated_at"])
    sessions.forget_user(user.pk)


async def new_session(user: User) -> TokenPair:
    return await _issue_pair(user)


# -- API key secrets ----------------------------------------------------------------------


def new_api_key_secret() -> tuple[str, str]:
    """``(prefix, full key)``. The full key is shown once; store only ``sha256(full key)``."""
    prefix = secrets.token_hex(4)
    return prefix, f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
