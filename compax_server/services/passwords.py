"""Passwords: the policy (length in characters and in bcrypt's bytes), hashing with bcrypt
at the configured cost, and checking one in the same time whether or not the account has a
password."""

from __future__ import annotations

import asyncio

import bcrypt

from compax_server import runtime
from compax_server.errors import PasswordPolicy

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_BYTES = 72  # bcrypt's limit: longer passwords are refused, never truncated

_dummy_hashes: dict[int, bytes] = {}


def _dummy_hash() -> bytes:
    """A real hash at the configured cost, compared against when the email is unknown, so
    that a login takes the same time whether or not the account exists."""
    rounds = runtime.settings().bcrypt_rounds
    if rounds not in _dummy_hashes:
        _dummy_hashes[rounds] = bcrypt.hashpw(b"compax-timing-equaliser", bcrypt.gensalt(rounds))
    return _dummy_hashes[rounds]


def check_password_policy(password: str, pointer: str) -> None:
    """At least ``MIN_PASSWORD_CHARS`` characters, at most ``MAX_PASSWORD_BYTES`` bytes in
    UTF-8 (a password short enough for the first is never too long for the second)."""
    size = len(password.encode())
    if len(password) < MIN_PASSWORD_CHARS:
        problem = f"must be at least {MIN_PASSWORD_CHARS} characters long"
    elif size > MAX_PASSWORD_BYTES:
        problem = (
            f"must be at most {MAX_PASSWORD_BYTES} bytes in UTF-8 (bcrypt's limit; it is "
            f"{size} bytes)"
        )
    else:
        return
    raise PasswordPolicy(
        f"The password {problem}.",
        errors=[
            {"location": "body", "pointer": pointer, "detail": problem, "code": "password_policy"}
        ],
    )


async def hash_password(password: str) -> str:
    check_password_policy(password, "/password")
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
