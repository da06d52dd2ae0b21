"""``/healthz`` and ``/readyz``: what a load balancer and an orchestrator read, without a
login. A database that stops answering is tested against a real server process in
``tests/e2e/test_postgres_restart.py``, and Redis going away in ``tests/e2e/test_faults.py``."""

from __future__ import annotations

import pytest

from compax_server.settings import Settings
from tests.conftest import test_settings as settings_for

NOTHING_LISTENS = "redis://127.0.0.1:1/0"


@pytest.fixture
def settings(database_url: str, request: pytest.FixtureRequest) -> Settings:
    return settings_for(database_url, cache_url=getattr(request, "param", "memory://"))


async def test_healthz_says_the_process_is_up(client):
    r = await client.get("/healthz")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"status": "ok"}


async def test_readyz_names_the_database_and_the_cache(client):
    r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.parametrize("settings", [NOTHING_LISTENS], indirect=True)
async def test_a_cache_that_does_not_answer_is_degraded_not_unready(client):
    """Compax answers uncached without its cache: still ready, and says so."""
    r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ok", "database": "ok", "cache": "degraded"}
