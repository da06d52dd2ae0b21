"""Authentication: passwords, login, access tokens (JWT), refresh tokens, API keys.

- Access tokens are short-lived JWTs (HS256 pinned) with ``iss aud sub iat exp jti`` and the
  user's ``tv`` (token version): bumping a user's token version ends every session at once.
- Refresh tokens are opaque, stored as SHA-256, rotated on every use. Presenting a rotated
  one again means it was copied: the whole family is revoked.
- API keys (``cpx_<prefix>_<secret>``) authenticate like a token, within their scopes.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
import jwt

from compax_server import runtime
from compax_server.db import sql, transaction
from compax_server.db.api_keys import ApiKey
from compax_server.db.users import RefreshToken, Role, User
from compax_server.errors import (
    InvalidCredentials,
    InvalidToken,
    PasswordPolicy,
    RateLimited,
    RefreshTokenReused,
)
from compax_server.services import audit
from compax_server.services.actors import Actor

JWT_ALGORITHM = "HS256"
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_BYTES = 72  # bcrypt's limit: longer passwords are refused, never truncated
API_KEY_PREFIX = "cpx_"
LAST_USED_RESOLUTION = timedelta(minutes=1)
USER_STATE_SECONDS = 2.0
VERIFIED_TOKENS_KEPT = 10_000

_dummy_hashes: dict[int, bytes] = {}


def _dummy_hash() -> bytes:
    """A real hash at the configured cost, compared against when the email is unknown, so
    that a login takes the same time whether or not the account exists."""
    rounds = runtime.settings().bcrypt_rounds
    if rounds not in _dummy_hashes:
        _dummy_hashes[rounds] = bcrypt.hashpw(b"compax-timing-equaliser", bcrypt.gensalt(rounds))
    return _dummy_hashes[rounds]


def now() -> datetime:
    return datetime.now(UTC)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().casefold()


# -- passwords ---------------------------------------------------------------------------


def check_password_policy(password: str, pointer: str = "/password") -> None:
    problems = []
    if len(password) < MIN_PASSWORD_CHARS:
        problems.append(f"must be at least {MIN_PASSWORD_CHARS} characters long")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        problems.append(
            f"must be at most {MAX_PASSWORD_BYTES} bytes in UTF-8 (bcrypt's limit; it is "
            f"{len(password.encode())} bytes)"
        )
    if problems:
        raise PasswordPolicy(
            "The password " + " and ".join(problems) + ".",
            errors=[
                {"location": "body", "pointer": pointer, "detail": p, "code": "password_policy"}
                for p in problems
            ],
        )


async def hash_password(password: str, pointer: str = "/password") -> str:
    check_password_policy(password, pointer)
    rounds = runtime.settings().bcrypt_rounds
    hashed = await asyncio.to_thread(bcrypt.hashpw, password.encode(), bcrypt.gensalt(rounds))
    return hashed.decode()


async def verify_password(password: str, hashed: str | None) -> bool:
    encoded = password.encode()
    if len(encoded) > MAX_PASSWORD_BYTES:  # bcrypt 5 raises on these, in checkpw too
        await asyncio.to_thread(bcrypt.checkpw, b"x", _dummy_hash())
        return False
    target = hashed.encode() if hashed else _dummy_hash()
    ok = await asyncio.to_thread(bcrypt.checkpw, encoded, target)
    return ok and hashed is not None


# -- tokens ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105


def issue_access_token(user: User) -> tuple[str, int]:
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
    return jwt.encode(claims, settings.secret_key, algorithm=JWT_ALGORITHM), ttl


async def _issue_pair(user: User, family: str | None = None) -> TokenPair:
    """A new access token and a new refresh token (in ``family``, or a new family)."""
    access, ttl = issue_access_token(user)
    refresh = secrets.token_urlsafe(32)
    await RefreshToken.create(
        user=user,
        family=family or str(uuid.uuid4()),
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


async def authenticate(credential: str, request_id: str = "") -> Actor:
    """The actor behind a bearer credential: an access token or an API key."""
    if credential.startswith(API_KEY_PREFIX):
        return await _authenticate_api_key(credential, request_id)
    claims = _decode_access_token(credential)
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.isdigit():
        raise InvalidToken("The access token is not valid: bad subject.")
    user = await _user_state(int(sub))
    if user is None or not user["is_active"] or claims.get("tv") != user["token_version"]:
        raise InvalidToken("The session has ended; log in again.")
    return Actor(
        user_id=user["id"], email=user["email"], role=Role(user["role"]), request_id=request_id
    )


async def _user_state(user_id: int) -> dict[str, Any] | None:
    """Who the user is now (active? which token version?), remembered for a moment.

    Deactivation, a role change or a password change is seen at once by the process that
    made it (``forget_user``) and within ``USER_STATE_SECONDS`` by every other process.
    """
    states = runtime.memo("user_states")
    cached = states.get(user_id)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]  # type: ignore[no-any-return]
    row = await sql.fetch_one(
        "SELECT id, email, role, is_active, token_version FROM users WHERE id = ?", user_id
    )
    if len(states) >= VERIFIED_TOKENS_KEPT:
        states.clear()
    states[user_id] = (time.monotonic() + USER_STATE_SECONDS, row)
    return row


def forget_user(user_id: int) -> None:
    runtime.memo("user_states").pop(user_id, None)


async def _authenticate_api_key(credential: str, request_id: str) -> Actor:
    parts = credential[len(API_KEY_PREFIX) :].split("_", 1)
    key = await ApiKey.get_or_none(prefix=parts[0]).select_related("user") if parts[0] else None
    if key is None or not hmac.compare_digest(key.key_hash, sha256(credential)):
        raise InvalidToken("The API key is not valid.")
    moment = now()
    if key.revoked_at is not None:
        raise InvalidToken("The API key has been revoked.")
    if key.expires_at is not None and key.expires_at <= moment:
        raise InvalidToken("The API key has expired.")
    if not key.user.is_active:
        raise InvalidToken("The API key's user is deactivated.")
    if key.last_used_at is None or moment - key.last_used_at > LAST_USED_RESOLUTION:
        await ApiKey.filter(id=key.pk).update(last_used_at=moment)
    return Actor(
        user_id=key.user.pk,
        email=key.user.email,
        role=key.user.role,
        api_key_id=key.pk,
        scopes=frozenset(key.scopes),
        request_id=request_id,
    )


# -- login, refresh, logout ---------------------------------------------------------------


async def _check_rate(keys: list[tuple[str, int]]) -> None:
    """Refuse when any counter has reached its limit in the current window."""
    settings = runtime.settings()
    window = settings.login_rate_window
    values = await runtime.cache().counters([k for k, _ in keys])
    for (_, limit), value in zip(keys, values, strict=True):
        if value >= limit:
            retry_after = window - int(time.time()) % window
            raise RateLimited(
                f"Too many login attempts; try again in {retry_after} seconds.",
                retry_after=retry_after,
            )


def _rate_keys(email: str, client: str) -> tuple[tuple[str, int], tuple[str, int]]:
    settings = runtime.settings()
    slot = int(time.time()) // settings.login_rate_window
    account = (f"login:account:{sha256(email)}:{slot}", settings.login_rate_limit)
    address = (f"login:address:{client}:{slot}", settings.login_rate_limit_ip)
    return account, address


async def login(email: str, password: str, client: str, request_id: str = "") -> TokenPair:
    email = normalize_email(email)
    account, address = _rate_keys(email, client)
    await _check_rate([account, address])
    cache = runtime.cache()
    window = runtime.settings().login_rate_window
    await cache.incr(address[0], window)
    user = await User.get_or_none(email=email)
    ok = await verify_password(password, user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        await cache.incr(account[0], window)
        raise InvalidCredentials("The email or the password is wrong, or the account is inactive.")
    async with transaction():
        pair = await _issue_pair(user)
        actor = Actor(user_id=user.pk, email=user.email, role=user.role, request_id=request_id)
        await audit.record(actor, "auth.login", "user", user.pk)
    return pair


async def refresh(token: str) -> TokenPair:
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
            await RefreshToken.filter(family=stored.family, revoked_at=None).update(
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
        # Raised after the commit: the revocation of the family must stay.
        raise RefreshTokenReused(
            "This refresh token was already used. Every session started from it has been "
            "ended; log in again."
        )
    return pair


async def logout(token: str) -> None:
    """Revoke the refresh token's family. Unknown tokens are ignored (logout is idempotent)."""
    stored = await RefreshToken.get_or_none(token_hash=sha256(token))
    if stored is not None:
        await RefreshToken.filter(family=stored.family, revoked_at=None).update(revoked_at=now())


async def end_all_sessions(user: User) -> None:
    """Revoke every refresh token of the user and invalidate their access tokens."""
    await RefreshToken.filter(user_id=user.pk, revoked_at=None).update(revoked_at=now())
    user.token_version += 1
    await user.save(update_fields=["token_version", "updated_at"])
    forget_user(user.pk)


async def new_session(user: User) -> TokenPair:
    return await _issue_pair(user)


# -- API key secrets ----------------------------------------------------------------------


def new_api_key_secret() -> tuple[str, str]:
    """``(prefix, full key)``. The full key is shown once; store only ``sha256(full key)``."""
    prefix = secrets.token_hex(4)
    return prefix, f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
