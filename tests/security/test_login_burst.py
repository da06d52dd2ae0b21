"""Issue 12, item 4 across processes: 40 parallel wrong logins spread over two server
instances with two workers each, sharing PostgreSQL and Redis, get no more tries than the
limit. Reproduction (before): 40 of 40 got 401 on PostgreSQL + Redis with 2 workers."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import httpx
import pytest

from compax_server.db import migrate
from tests.conftest import POSTGRES_URL, REDIS_URL
from tests.e2e.servers import Cluster, LiveServer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (POSTGRES_URL and REDIS_URL),
        reason="COMPAX_TEST_POSTGRES_URL and COMPAX_TEST_REDIS_URL are not set",
    ),
]

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@campus.example", "first admin pw"
LIMIT = 10


@pytest.fixture
def cluster(tmp_path):
    name = f"compax_sec_{uuid.uuid4().hex[:10]}"
    url = asyncio.run(migrate.create_postgres_database(POSTGRES_URL, name))
    env = {
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "COMPAX_LOG_LEVEL": "ERROR",
        "COMPAX_SECRET_KEY": "s" * 48,
        "COMPAX_DATABASE_URL": url,
        "COMPAX_MIGRATE_ON_START": "false",
        "COMPAX_CACHE_URL": REDIS_URL,
        "COMPAX_CACHE_NAMESPACE": name,
        "COMPAX_LOGIN_RATE_LIMIT": str(LIMIT),
    }
    try:
        asyncio.run(migrate.upgrade(url))
        servers = [LiveServer(tmp_path, env, workers=2), LiveServer(tmp_path, env, workers=2)]
        with Cluster(servers) as c:
            yield c
    finally:
        asyncio.run(migrate.drop_postgres_database(POSTGRES_URL, name))


async def test_a_burst_of_wrong_logins_over_every_worker_gets_at_most_the_limit(cluster):
    urls = cluster.urls
    async with httpx.AsyncClient(timeout=30) as client:

        async def attempt(i: int) -> int:
            r = await client.post(
                f"{urls[i % len(urls)]}/api/v1/auth/token",
                json={"email": ADMIN_EMAIL, "password": "not the password"},
            )
            return r.status_code

        counts = Counter(await asyncio.gather(*(attempt(i) for i in range(40))))
        assert counts[401] <= LIMIT, counts
        assert counts[401] + counts[429] == 40, counts
        right = await client.post(
            f"{urls[0]}/api/v1/auth/token",
            json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        )
        assert right.status_code == 429  # from the guessing address, even the right one
