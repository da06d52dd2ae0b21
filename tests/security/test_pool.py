"""A dry connection pool (issue 12, item 3): a request that cannot get a PostgreSQL
connection soon gets a 503 with Retry-After instead of waiting forever."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import connections

from compax_server import db
from tests.conftest import bearer


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """The test database with a pool of one connection and a short wait for it."""
    return f"{postgres_url}?minsize=1&maxsize=1&acquire_timeout=0.2"


async def test_a_dry_pool_answers_503_with_retry_after(client, member, database_url):
    """Item 3. asyncpg's ``Pool.acquire()`` had no timeout: with every connection of the
    pool taken (here the only one, held by the test), ``GET /api/v1/rooms`` waited until
    Sanic's response timeout while its shielded handler kept waiting. Now the wait is
    bounded (``?acquire_timeout=`` in the database URL, 5 s by default): a 503 with
    ``Retry-After``. Once the connection is back, the same request succeeds."""
    pool = connections.get(db.connection_name(database_url))._pool
    held = await pool.acquire()
    try:
        r = await asyncio.wait_for(client.get("/api/v1/rooms", headers=bearer(member)), 60)
    finally:
        await pool.release(held)
    assert r.status_code == 503, r.text
    assert r.json()["code"] == "service_unavailable"
    assert int(r.headers["retry-after"]) >= 1
    again = await client.get("/api/v1/rooms", headers=bearer(member))
    assert again.status_code == 200


async def test_a_transaction_that_gets_no_connection_times_out_and_leaves_the_pool_whole(
    database, database_url
):
    """Tortoise's pooled transaction fails in ``acquire()`` before it has a connection or a
    context token: what surfaces is the ``TimeoutError`` (the API's 503), not an error of
    the clean-up, and the pool still hands out its one connection afterwards."""
    pool = connections.get(db.connection_name(database_url))._pool
    held = await pool.acquire()
    try:
        with pytest.raises(TimeoutError):
            async with db.transaction():
                pass  # pragma: no cover - never entered
    finally:
        await pool.release(held)
    async with db.transaction() as tx:
        rows = await tx.execute_query_dict("SELECT 41 + 1 AS answer")
    assert rows == [{"answer": 42}]
    assert pool.get_size() - pool.get_idle_size() == 0
