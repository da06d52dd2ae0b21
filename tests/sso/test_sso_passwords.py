"""Local passwords switched off: only the break-glass admin logs in with a password."""

from __future__ import annotations

import httpx
import pytest

from compax_server.db.users import Role
from tests.conftest import PASSWORD


@pytest.fixture
def sso_overrides() -> dict[str, object]:
    return {"local_passwords": False, "break_glass_admin": "glass@campus.example"}


async def test_passwords_off_except_for_the_break_glass_admin(
    client: httpx.AsyncClient, make_user
) -> None:
    await make_user(Role.admin, email="glass@campus.example")
    await make_user(Role.admin, email="other-admin@campus.example")
    r = await client.post(
        "/api/v1/auth/token", json={"email": "other-admin@campus.example", "password": PASSWORD}
    )
    assert r.status_code == 403
    assert r.json()["code"] == "local_login_disabled"
    r = await client.post(
        "/api/v1/auth/token", json={"email": "glass@campus.example", "password": PASSWORD}
    )
    assert r.status_code == 200


async def test_the_break_glass_email_must_be_an_admin(client: httpx.AsyncClient, make_user) -> None:
    await make_user(Role.member, email="glass@campus.example")
    r = await client.post(
        "/api/v1/auth/token", json={"email": "glass@campus.example", "password": PASSWORD}
    )
    assert r.status_code == 403
    assert r.json()["code"] == "local_login_disabled"


async def test_a_password_refused_because_passwords_are_off_is_recorded(
    client: httpx.AsyncClient, make_user
) -> None:
    """The refusal is a security event of the account (with the request and the client),
    and the break-glass address is matched as any email is: trimmed, in any case."""
    from compax_server.db.audit import AuditEvent

    other = await make_user(Role.admin, email="other-admin@campus.example")
    r = await client.post(
        "/api/v1/auth/token",
        json={"email": " Other-Admin@campus.example", "password": PASSWORD},
        headers={"X-Request-ID": "req-off"},
    )
    assert (r.status_code, r.json()["detail"]) == (
        403,
        "This server accepts only single sign-on: log in through the campus identity provider "
        "(`compax login --sso`).",
    )
    r = await client.post(
        "/api/v1/auth/token", json={"email": "nobody@campus.example", "password": PASSWORD}
    )
    assert r.status_code == 403  # no account: logged, not audited
    (event,) = await AuditEvent.filter(action="auth.login_failed")
    assert (event.entity_type, event.entity_id, event.request_id, event.after) == (
        "user",
        other.pk,
        "req-off",
        {
            "email": "other-admin@campus.example",
            "reason": "local_passwords_off",
            "client": "10.0.0.1",
        },
    )
    await make_user(Role.admin, email="glass@campus.example")
    r = await client.post(
        "/api/v1/auth/token", json={"email": "GLASS@campus.example ", "password": PASSWORD}
    )
    assert r.status_code == 200
