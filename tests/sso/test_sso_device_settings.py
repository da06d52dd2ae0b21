"""Device sign-on under settings of its own: a flow time longer than the provider's (the
provider's bounds it), and a provider configured without the device grant."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from compax_server.db.sso import SsoFlow
from tests.sso.conftest import COMPAX, provider_config


@pytest.fixture
def sso_overrides(oidc_issuer: str) -> dict[str, Any]:
    both = [provider_config(oidc_issuer), provider_config(oidc_issuer, name="web", device=False)]
    return {"sso_flow_ttl": 900, "oidc_providers": json.dumps(both)}


async def test_the_providers_device_time_bounds_the_flow(client: httpx.AsyncClient) -> None:
    r = await client.post(f"{COMPAX}/api/v1/auth/sso/campus/device")
    assert r.status_code == 200, r.text
    assert r.json()["expires_in"] == 600  # the provider's, under COMPAX_SSO_FLOW_TTL's 900


async def test_a_provider_configured_without_the_device_grant_refuses_it(
    client: httpx.AsyncClient,
) -> None:
    r = await client.post(f"{COMPAX}/api/v1/auth/sso/web/device")
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["code"] == "sso_device_unsupported"
    assert (
        body["detail"] == "'web' offers no device sign-on; use the browser (a loopback redirect)."
    )
    assert await SsoFlow.all().count() == 0
