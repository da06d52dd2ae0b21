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
