"""Response timeouts per operation, with a real server process: an ordinary operation is
cut off after ``COMPAX_RESPONSE_TIMEOUT`` with a 503 problem, the optimizer's plan (which
declares a longer timeout) is not, on the same server at the same time.

No sleeps and no timing assertions: both requests are held by a lock the test takes on the
bookings table (PostgreSQL waits for a lock as long as it is held). The optimizer request is
waiting on the lock before the ordinary one is sent, so once the ordinary one has been cut
off, the optimizer's has run longer than the ordinary timeout; then the lock goes.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from compax_server.api import optimizer as optimizer_api
from compax_server.app import create_app
from compax_server.db import migrate
from compax_server.settings import Settings
from tests.conftest import POSTGRES_URL, holding, waiting_on_a_lock
from tests.dates import Y2031
from tests.e2e.servers import LiveServer

ADMIN = ("admin@campus.example", "first admin pw")
TERM = {"name": "Spring 2031", "start_date": f"{Y2031}-03-03", "end_date": f"{Y2031}-04-13"}
SECTION = {
    "external_id": "T-1",
    "title": "Timeout lecture",
    "weekdays": ["mon"],
    "start_time": "10:00",
    "duration_minutes": 90,
    "headcount": 20,
}


def test_only_the_optimizer_declares_a_longer_timeout():
    """The app's timeout is the setting (Sanic's 60 s by default), for every route; the
    optimizer's plan is the one operation that asks for more (its longest solve, then the
    booking)."""
    app = create_app(Settings(secret_key="k" * 48), manage_db=False)
    assert app.config.RESPONSE_TIMEOUT == 60
    longer = {
        r.name.rsplit(".", 1)[-1]: r.ctx.response_timeout
        for r in app.router.routes
        if getattr(r.ctx, "response_timeout", 0)
    }
    assert longer == {"optimizer_plan": optimizer_api.RESPONSE_TIMEOUT}
    assert optimizer_api.RESPONSE_TIMEOUT > 60


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="COMPAX_TEST_POSTGRES_URL is not set")
def test_an_ordinary_request_times_out_and_the_optimizer_does_not(tmp_path):
    name = f"compax_e2e_{uuid.uuid4().hex[:10]}"
    url = asyncio.run(migrate.create_postgres_database(POSTGRES_URL, name))
    try:
        asyncio.run(migrate.upgrade(url))
        env = {
            "COMPAX_DATABASE_URL": url,
            "COMPAX_MIGRATE_ON_START": "false",
            "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN[0],
            "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
            "COMPAX_SECRET_KEY": "t" * 48,
            "COMPAX_RESPONSE_TIMEOUT": "1",
        }
        with LiveServer(tmp_path, env) as server:
            asyncio.run(_scenario(server.url, url))
    finally:
        asyncio.run(migrate.drop_postgres_database(POSTGRES_URL, name))


async def _scenario(base: str, database: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        r = await client.post("/api/v1/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]})
        h = {"Authorization": f"Bearer {r.json()['access_token']}"}
        b = await client.post(
            "/api/v1/buildings", json={"code": "T", "name": "T", "timezone": "UTC"}, headers=h
        )
        room = {"code": "T-101", "name": "T-101", "building_id": b.json()["id"], "capacity": 30}
        assert (await client.post("/api/v1/rooms", json=room, headers=h)).status_code == 201
        term = await client.post("/api/v1/terms", json=TERM, headers=h)
        body = {"term_id": term.json()["id"], "sections": [SECTION], "time_limit": 5}

        exclusive = "LOCK TABLE bookings IN ACCESS EXCLUSIVE MODE"
        async with holding(database, exclusive) as (lock, look):
            solving = asyncio.create_task(
                client.post("/api/v1/optimizer/plans", json=body, headers=h)
            )
            # the optimizer reads the bookings in its way
            await waiting_on_a_lock(look, task=solving)

            cut = await client.get("/api/v1/bookings", headers=h)  # waits on the lock too
            assert cut.status_code == 503, cut.text
            problem = cut.json()
            assert problem["code"] == "service_unavailable"
            assert "longer than the server allows (1 s)" in problem["detail"]
            assert not solving.done()  # held as long, and still waiting: not cut off

            await lock.execute("ROLLBACK")
            done = await solving
        assert done.status_code == 200, done.text
        assert done.json()["summary"]["placed"] == 1
        assert (await client.get("/api/v1/bookings", headers=h)).status_code == 200
