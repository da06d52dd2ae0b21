"""What each refused credential says and records, field by field (the mutation run of
``services/auth.py``, ``services/api_keys.py`` and ``services/sessions.py`` showed that no
test read them): every reason an API key is refused, each refresh-token refusal, a reuse and
a logout with their request id, client and session; and that a session's access token keeps
working from one request to the next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from compax_server.db.api_keys import ApiKey
from compax_server.db.audit import AuditEvent
from compax_server.db.users import RefreshToken, User
from compax_server.services import auth
from tests.conftest import PASSWORD, login, make_key, with_token

CLIENT = "10.0.0.1"  # the test client's address (tests/conftest.py)


async def me(client: Any, key: str, request_id: str) -> Any:
    return await client.get("/api/v1/me", headers={"X-API-Key": key, "X-Request-ID": request_id})


async def rejected() -> list[AuditEvent]:
    return list(await AuditEvent.filter(action="api_key.rejected").order_by("id"))


async def test_each_refusal_of_an_api_key_says_why_and_is_recorded_with_its_request(
    client,
    admin,
    member,
    security_log,
):
    key = await make_key(client, admin, member)
    prefix, secret = key["prefix"], key["secret"]
    assert secret.startswith(f"cpx_{prefix}_") and len(prefix) == 8
    assert len(secret.split("_", 2)[2]) == 43  # 32 random bytes, URL-safe base64

    cases = []
    r = await me(client, secret[:-4] + "AAAA", "req-wrong")
    cases.append((r, "The API key is not valid.", "wrong_secret", "req-wrong"))
    await ApiKey.filter(id=key["id"]).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    r = await me(client, secret, "req-expired")
    cases.append((r, "The API key has expired.", "expired", "req-expired"))
    await ApiKey.filter(id=key["id"]).update(expires_at=None)
    await User.filter(id=member.pk).update(is_active=False)
    r = await me(client, secret, "req-inactive")
    cases.append((r, "The API key's user is deactivated.", "user_inactive", "req-inactive"))
    await ApiKey.filter(id=key["id"]).update(revoked_at=auth.now())
    r = await me(client, secret, "req-revoked")
    cases.append((r, "The API key has been revoked.", "revoked", "req-revoked"))
    for r, detail, _, _ in cases:
        assert (r.status_code, r.json()["code"], r.json()["detail"]) == (
            401, "invalid_token", detail,
        )  # fmt: skip

    events = await rejected()
    assert [(e.entity_type, e.entity_id, e.after, e.request_id) for e in events] == [
        ("api_key", key["id"], {"prefix": prefix, "reason": reason}, rid)
        for _, _, reason, rid in cases
    ]
    assert [e.actor_user_id for e in events] == [None] * 4

    r = await me(client, f"cpx_{'f' * 20}_{'x' * 43}", "req-unknown")  # longer than a prefix
    assert (r.status_code, r.json()["detail"]) == (401, "The API key is not valid.")
    r = await me(client, f"cpx_{'f' * 8}_{'x' * 43}", "req-unknown")
    assert (r.status_code, r.json()["detail"]) == (401, "The API key is not valid.")
    assert len(await rejected()) == 4  # an unknown prefix is logged, not audited
    lines = [x for x in security_log.of("api_key.rejected") if "reason='unknown'" in x]
    assert len(lines) == 2  # two prefixes, an event each
    assert f"prefix='{'f' * 16}'" in lines[0]  # cut to 16 characters, whatever was sent
    assert f"prefix='{'f' * 8}'" in lines[1]
    assert "entity='api_key:None'" in lines[0]


async def test_a_key_refused_again_within_the_minute_is_recorded_once_per_reason(
    client, admin, member
):
    """The same key and reason within ``REJECTED_KEY_EVENT_SECONDS``: one event; another
    reason, or another key, is an event of its own."""
    key, other = await make_key(client, admin, member), await make_key(client, admin, member)
    for _ in range(2):
        await me(client, key["secret"][:-4] + "AAAA", "a")
        await me(client, other["secret"][:-4] + "AAAA", "b")
    await ApiKey.filter(id=key["id"]).update(revoked_at=auth.now())
    await me(client, key["secret"], "c")
    await me(client, key["secret"], "d")
    assert [(e.entity_id, e.after["reason"]) for e in await rejected()] == [
        (key["id"], "wrong_secret"), (other["id"], "wrong_secret"), (key["id"], "revoked"),
    ]  # fmt: skip


async def refresh(client: Any, token: str, request_id: str = "") -> Any:
    return await client.post(
        "/api/v1/auth/refresh",
        json={"refresh_token": token},
        headers={"X-Request-ID": request_id} if request_id else {},
    )


async def test_each_refused_refresh_says_why(client, member):
    r = await refresh(client, "not a token of ours")
    assert (r.status_code, r.json()["detail"]) == (
        401, "The refresh token is not valid or has expired; log in again.",
    )  # fmt: skip
    expired = await login(client, member.email)
    await RefreshToken.filter(token_hash=auth.sha256(expired["refresh_token"])).update(
        expires_at=auth.now() - timedelta(seconds=1)
    )
    r = await refresh(client, expired["refresh_token"])
    assert r.json()["detail"] == "The refresh token is not valid or has expired; log in again."

    revoked = await login(client, member.email)
    await RefreshToken.filter(token_hash=auth.sha256(revoked["refresh_token"])).update(
        revoked_at=auth.now()
    )
    r = await refresh(client, revoked["refresh_token"])
    assert (r.status_code, r.json()["detail"]) == (
        401, "The refresh token has been revoked; log in again.",
    )  # fmt: skip

    inactive = await login(client, member.email)
    await User.filter(id=member.pk).update(is_active=False)
    r = await refresh(client, inactive["refresh_token"])
    assert (r.status_code, r.json()["detail"]) == (401, "The account is deactivated.")
    stored = await RefreshToken.get(token_hash=auth.sha256(inactive["refresh_token"]))
    assert stored.rotated_at is None  # the refusal rolled the rotation back


async def test_a_reused_refresh_token_ends_its_family_only_and_is_recorded(client, member):
    first = await login(client, member.email)
    other = await login(client, member.email)  # another session of the same user
    second = (await refresh(client, first["refresh_token"])).json()
    r = await refresh(client, first["refresh_token"], "req-reuse")
    assert (r.status_code, r.json()["code"], r.json()["detail"]) == (
        401,
        "refresh_token_reused",
        "This refresh token was already used. Every session started from it has been ended; "
        "log in again.",
    )
    family = (await RefreshToken.get(token_hash=auth.sha256(first["refresh_token"]))).family
    tokens = await RefreshToken.filter(user_id=member.pk)
    assert {t.family for t in tokens if t.revoked_at is not None} == {family}
    assert (await refresh(client, second["refresh_token"])).status_code == 401
    assert (await refresh(client, other["refresh_token"])).status_code == 200

    (event,) = await AuditEvent.filter(action="auth.refresh_token_reused")
    assert (event.entity_type, event.entity_id, event.request_id) == (
        "user",
        member.pk,
        "req-reuse",
    )
    assert event.after == {"session": family, "tokens_revoked": 2, "client": CLIENT}


async def test_a_logout_is_recorded_with_its_session_client_and_request(
    client, member, security_log
):
    pair = await login(client, member.email)
    r = await client.post(
        "/api/v1/auth/logout",
        json={"refresh_token": pair["refresh_token"]},
        headers={"X-Request-ID": "req-out"},
    )
    assert r.status_code == 204
    family = (await RefreshToken.get(token_hash=auth.sha256(pair["refresh_token"]))).family
    (event,) = await AuditEvent.filter(action="auth.logout")
    assert (event.actor_user_id, event.entity_type, event.entity_id, event.request_id) == (
        member.pk, "user", member.pk, "req-out",
    )  # fmt: skip
    assert event.after == {"session": family, "client": CLIENT}
    [record] = [r for r in security_log.records if r.getMessage().startswith("auth.logout ")]
    assert record.getMessage() == (
        f"auth.logout entity='user:{member.pk}' session={family!r} client={CLIENT!r}"
    )
    assert (record.request_id, record.user_id, record.client) == ("req-out", member.pk, CLIENT)
    after = await client.get("/api/v1/me", headers=with_token(pair))  # its access token too
    assert (after.status_code, after.json()["detail"]) == (
        401,
        "The session has ended; log in again.",
    )


async def test_a_sessions_access_token_works_from_one_request_to_the_next(client, member):
    """The process remembers a live session for a moment: the second request within it is
    accepted as the first was."""
    pair = await login(client, member.email)
    assert len(pair["refresh_token"]) == 43  # 32 random bytes, URL-safe base64
    headers = with_token(pair)
    for _ in range(3):
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200


async def test_ending_a_users_sessions_leaves_everyone_elses(client, member, staff):
    """A password change ends every session of its user, and only theirs."""
    mine, theirs = await login(client, member.email), await login(client, staff.email)
    body = {"current_password": PASSWORD, "new_password": "a brand new password"}
    r = await client.post(
        "/api/v1/me/password",
        json=body,
        headers=with_token(mine),
    )
    assert r.status_code == 200, r.text
    assert (await refresh(client, mine["refresh_token"])).status_code == 401
    assert (await refresh(client, theirs["refresh_token"])).status_code == 200
    user = await User.get(id=member.pk)
    assert user.token_version == member.token_version + 1

    between = await login(client, member.email, "a brand new password")  # ended by the next
    body = {"current_password": "a brand new password", "new_password": "a third password!"}
    headers = with_token(between)
    assert (await client.post("/api/v1/me/password", json=body, headers=headers)).status_code == 200
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    assert (await User.get(id=member.pk)).token_version == member.token_version + 2


async def test_each_refused_login_says_the_same_and_records_why(
    client, member, make_user, security_log
):
    """To the client, a wrong password, an inactive account and an unknown email are one
    answer; the security events tell them apart."""
    from compax_server.db.users import Role

    inactive = await make_user(Role.member)
    await User.filter(id=inactive.pk).update(is_active=False)
    attempts = [
        (member.email, "not the password"),
        (inactive.email, PASSWORD),
        ("nobody@campus.example", PASSWORD),
    ]
    for email, password in attempts:
        r = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
        assert (r.status_code, r.json()["code"], r.json()["detail"]) == (
            401,
            "invalid_credentials",
            "The email or the password is wrong, or the account is inactive.",
        )
    events = await AuditEvent.filter(action="auth.login_failed").order_by("id")
    assert [(e.entity_type, e.entity_id, e.after["reason"]) for e in events] == [
        ("user", member.pk, "wrong_password"),
        ("user", inactive.pk, "inactive"),
    ]
    [unknown] = [x for x in security_log.of("auth.login_failed") if "nobody@" in x]
    assert "reason='unknown_account'" in unknown


async def test_a_login_is_audited_as_the_user(client, member):
    await login(client, member.email)
    (event,) = await AuditEvent.filter(action="auth.login")
    assert (event.actor_user_id, event.entity_type, event.entity_id, event.actor_label) == (
        member.pk, "user", member.pk, member.email,
    )  # fmt: skip
