"""Password checks take the same work whether or not the account has a password: a check
against no hash, or with a password longer than bcrypt takes, compares against a real hash
at the configured cost (and still fails)."""

from __future__ import annotations

import bcrypt

from compax_server import runtime
from compax_server.errors import PasswordPolicy
from compax_server.services import passwords


async def test_a_check_without_a_hash_compares_with_a_real_one_at_the_configured_cost(
    database, monkeypatch
):
    monkeypatch.setattr(passwords, "_dummy_hashes", {})
    rounds = runtime.settings().bcrypt_rounds
    assert await passwords.verify_password("a long enough password", None) is False
    dummy = passwords._dummy_hash()
    assert dummy.startswith(f"$2b${rounds:02d}$".encode())
    assert bcrypt.checkpw(b"anything", dummy) is False
    assert passwords._dummy_hash() is dummy  # made once per cost
    assert passwords._dummy_hashes == {rounds: dummy}
    assert await passwords.verify_password("x" * 73, None) is False  # over bcrypt's 72 bytes


async def test_the_right_password_and_only_it_matches(database):
    hashed = await passwords.hash_password("a long enough password")
    assert await passwords.verify_password("a long enough password", hashed) is True
    assert await passwords.verify_password("a long enough passwore", hashed) is False
    assert await passwords.verify_password("a long enough password" + "x" * 60, hashed) is False
    longest = "x" * passwords.MAX_PASSWORD_BYTES  # bcrypt's limit is allowed, not cut
    hashed = await passwords.hash_password(longest)
    assert await passwords.verify_password(longest, hashed) is True
    assert await passwords.verify_password(longest[:-1], hashed) is False


def refusal(password: str, pointer: str = "/password") -> PasswordPolicy | None:
    try:
        passwords.check_password_policy(password, pointer)
    except PasswordPolicy as exc:
        return exc
    return None


def test_the_policy_takes_exactly_10_characters_to_72_bytes():
    assert refusal("x" * 10) is None
    assert refusal("ü" * 36) is None  # 36 characters, 72 bytes
    short = refusal("x" * 9)
    assert short is not None and short.detail == "The password must be at least 10 characters long."
    assert short.extra["errors"] == [
        {
            "location": "body",
            "pointer": "/password",
            "detail": "must be at least 10 characters long",
            "code": "password_policy",
        }
    ]
    long = refusal("ü" * 36 + "x", "/new_password")  # 73 bytes
    assert long is not None and long.detail == (
        "The password must be at most 72 bytes in UTF-8 (bcrypt's limit; it is 73 bytes)."
    )
    assert [e["pointer"] for e in long.extra["errors"]] == ["/new_password"]
