"""Issue 12, item 15: security events reach the audit log and the ``compax.security`` log.

Reproduction (before): fail a login, get locked out, reuse a refresh token, log out, change
the password, present a revoked or wrong API key; then ``GET /api/v1/audit-events`` as an
admin: only ``auth.login`` and ``user.password_change`` were there, and the log had nothing
but access lines.
"""

from __future__ import annotations

from typing import Any

from compax_server.db.users import User
from tests.conftest import PASSWORD, bearer

WRONG = "not the password"


async def events(client: Any, admin: Any, action: str) -> list[dict[str, Any]]:
    r = await client.get("/api/v1/audit-events", params={"action": action}, headers=bearer(admin))
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


async def login(client: Any, email: str, password: str = PASSWORD) -> Any:
    return await client.post("/api/v1/auth/token", json={"email": email, "password": password})


async def test_failed_logins_and_the_lockout_are_recorded(
    client, admin, member, settings, security_log
):
    for _ in range(settings.login_rate_limit + 2):
        await login(client, member.email, WRONG)
    failed = await events(client, admin, "auth.login_failed")
    assert len(failed) == settings.login_rate_limit
    assert {e["entity_id"] for e in failed} == {member.pk}
    assert failed[0]["after"]["reason"] == "wrong_password"
    assert failed[0]["after"]["client"] == "10.0.0.1"
    [lockout] = await events(client, admin, "auth.lockout")  # once, not per refusal
    assert lockout["entity_id"] == member.pk
    assert lockout["after"]["limit"] == "account_address"
    assert (lockout["after"]["client"], lockout["after"]["email"]) == ("10.0.0.1", member.email)
    assert lockout["after"]["attempts"] == settings.login_rate_limit
    assert lockout["after"]["window_seconds"] == settings.login_rate_window
    assert len(security_log.of("auth.login_failed")) == settings.login_rate_limit
    assert len(security_log.of("auth.lockout")) == 1


async def test_a_refused_login_is_audited_with_its_request_id(client, admin, member, settings):
    """There is no actor to carry the request id of a refused login: the event takes it from
    the request (the lockout from the attempt that began it)."""
    for n in range(settings.login_rate_limit + 2):
        await client.post(
            "/api/v1/auth/token",
            json={"email": member.email, "password": WRONG},
            headers={"X-Request-ID": f"req-{n}"},
        )
    failed = await events(client, admin, "auth.login_failed")
    assert sorted(e["request_id"] for e in failed) == sorted(
        f"req-{n}" for n in range(settings.login_rate_limit)
    )
    [lockout] = await events(client, admin, "auth.lockout")
    assert lockout["request_id"] == f"req-{settings.login_rate_limit}"
    assert "request_id" not in lockout["after"]  # one place for it: the event's own field


async def test_a_lockout_by_password_change_guesses_carries_its_request_id(
    client, admin, member, settings
):
    headers = bearer(member)
    body = {"current_password": WRONG, "new_password": "a brand new password"}
    for n in range(settings.login_rate_limit + 1):
        await client.post(
            "/api/v1/me/password", json=body, headers=headers | {"X-Request-ID": f"pw-{n}"}
        )
    [lockout] = await events(client, admin, "auth.lockout")
    assert (lockout["entity_id"], lockout["request_id"]) == (
        member.pk,
        f"pw-{settings.login_rate_limit}",
    )


async def test_a_guess_at_an_unknown_email_is_logged_but_not_audited(client, admin, security_log):
    assert (await login(client, "nobody@campus.example", WRONG)).status_code == 401
    assert await events(client, admin, "auth.login_failed") == []
    [line] = security_log.of("auth.login_failed")
    assert "nobody@campus.example" in line
    assert "unknown_account" in line


async def test_refresh_token_reuse_and_logout_are_recorded(client, admin, member, security_log):
    first = (await login(client, member.email)).json()
    await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    [reuse] = await events(client, admin, "auth.refresh_token_reused")
    assert reuse["entity_id"] == member.pk
    assert reuse["after"]["tokens_revoked"] >= 1
    other = (await login(client, member.email)).json()
    await client.post("/api/v1/auth/logout", json={"refresh_token": other["refresh_token"]})
    await client.post("/api/v1/auth/logout", json={"refresh_token": other["refresh_token"]})
    [logout] = await events(client, admin, "auth.logout")  # the repeated logout ends nothing
    assert logout["actor_user_id"] == member.pk
    assert security_log.of("auth.refresh_token_reused")
    assert len(security_log.of("auth.logout")) == 1


async def test_password_changes_right_and_wrong_are_recorded(client, admin, member, security_log):
    headers = bearer(member)
    body = {"current_password": WRONG, "new_password": "a brand new password"}
    wrong = await client.post("/api/v1/me/password", json=body, headers=headers)
    assert wrong.status_code == 422
    assert wrong.json()["detail"] == "The current password is wrong."
    assert wrong.json()["errors"] == [
        {
            "location": "body",
            "pointer": "/current_password",
            "detail": "is not your current password",
            "code": "wrong_password",
        }
    ]
    body["current_password"] = PASSWORD
    assert (await client.post("/api/v1/me/password", json=body, headers=headers)).status_code == 200
    [failed] = await events(client, admin, "user.password_change_failed")
    [changed] = await events(client, admin, "user.password_change")
    assert failed["actor_user_id"] == changed["actor_user_id"] == member.pk
    assert (failed["entity_type"], failed["entity_id"]) == ("user", member.pk)
    assert failed["after"] == {"client": "10.0.0.1", "reason": "wrong_password"}
    assert (changed["entity_type"], changed["entity_id"]) == ("user", member.pk)
    assert changed["after"] == {
        "client": "10.0.0.1", "api_keys_active": 0, "feed_token_rotated": False,
    }  # fmt: skip
    assert (await User.get(id=member.pk)).version == member.version + 1
    assert security_log.of("user.password_change")


async def test_revoked_and_wrong_api_keys_are_recorded_once_a_minute(
    client, admin, member, security_log
):
    r = await client.post(
        "/api/v1/api-keys",
        json={"user_id": member.pk, "name": "sync", "scopes": ["read"]},
        headers=bearer(admin),
    )
    key = r.json()
    wrong = key["secret"][:-4] + "AAAA"
    for _ in range(3):  # a script retrying with a wrong key: one event, not three
        r = await client.get("/api/v1/me", headers={"X-API-Key": wrong})
        assert r.status_code == 401
    await client.delete(f"/api/v1/api-keys/{key['id']}", headers=bearer(admin))
    await client.get("/api/v1/me", headers={"Authorization": f"Bearer {key['secret']}"})
    await client.get("/api/v1/me", headers={"X-API-Key": "cpx_00000000_unknown"})
    rejected = await events(client, admin, "api_key.rejected")
    assert [(e["entity_id"], e["after"]["reason"]) for e in rejected] == [
        (key["id"], "wrong_secret"),
        (key["id"], "revoked"),
    ]
    lines = security_log.of("api_key.rejected")
    assert len(lines) == 3
    assert "unknown" in lines[-1]
    assert key["secret"] not in "".join(lines)
