"""Password checks take the same work whether or not the account has a password: a check
against no hash, or with a password longer than bcrypt takes, compares against a real hash
at the configured cost (and still fails)."""

from __future__ import annotations

import bcrypt

from compax_server import runtime
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
