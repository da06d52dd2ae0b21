"""Starting sign-ons is limited per client address, like password logins."""

from __future__ import annotations

import httpx
import pytest

from compax_server.db.sso import SsoFlow
from tests.sso.conftest import FRONTEND


@pytest.fixture
def sso_overrides() -> dict[str, object]:
    return {"login_rate_limit_ip": 2}


async def test_too_many_starts_from_one_address_are_refused(
    client: httpx.AsyncClient, login_clock, settings
) -> None:
    params = {"redirect_uri": FRONTEND}
    for _ in range(2):
        r = await client.get("/api/v1/auth/sso/campus/start", params=params)
        assert r.status_code == 302
    r = await client.get("/api/v1/auth/sso/campus/start", params=params)
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) >= 1
    r = await client.post("/api/v1/auth/sso/campus/device")
    assert r.status_code == 429
    assert await SsoFlow.all().count() == 2
    window = settings.login_rate_window
    assert int(r.headers["retry-after"]) == window - int(login_clock.now) % window
    assert r.json()["detail"] == (
        f"Too many sign-ons started; try again in {r.headers['retry-after']} seconds."
    )
    login_clock.advance(window - int(login_clock.now) % window)  # the next window begins
    r = await client.get("/api/v1/auth/sso/campus/start", params=params)
    assert r.status_code == 302
