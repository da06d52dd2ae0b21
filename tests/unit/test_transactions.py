"""Transactions give their connection back to the pool whatever happens, BEGIN failing
included (PostgreSQL restarting: the pooled connection it closed fails on its first use)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from tortoise.backends.asyncpg.client import TransactionWrapper

from compax_server import db


def in_use(pool: asyncpg.Pool) -> int:
    return sum(1 for holder in pool._holders if holder._in_use is not None)


@pytest.mark.parametrize("engine", ["postgres"])
async def test_a_failed_begin_gives_the_connection_back(database, monkeypatch):
    pool = db.conn()._pool  # type: ignore[attr-defined]
    size = len(pool._holders)
    real_begin = TransactionWrapper.begin

    async def broken_begin(self: TransactionWrapper) -> None:
        raise asyncpg.exceptions._base.InternalClientError(
            "cannot switch to state 15; another operation (2) is in progress"
        )

    monkeypatch.setattr(TransactionWrapper, "begin", broken_begin)
    for _ in range(size + 3):  # more failures than the pool has connections
        with pytest.raises(asyncpg.exceptions._base.InternalClientError):
            async with db.transaction():
                pass
    assert in_use(pool) == 0

    monkeypatch.setattr(TransactionWrapper, "begin", real_begin)

    async def still_works() -> int:
        async with db.transaction() as tx:
            return int((await tx.execute_query_dict("SELECT 41 + 1 AS answer"))[0]["answer"])

    assert await asyncio.wait_for(still_works(), timeout=10) == 42
    assert in_use(pool) == 0


@pytest.mark.parametrize("engine", ["postgres"])
async def test_a_failed_body_rolls_back_and_gives_the_connection_back(database):
    pool = db.conn()._pool  # type: ignore[attr-defined]

    async def create_then_fail() -> None:
        async with db.transaction() as tx:
            await tx.execute_script("CREATE TABLE rolled_back (n int)")
            raise RuntimeError("the work failed")

    with pytest.raises(RuntimeError, match="the work failed"):
        await create_then_fail()
    assert in_use(pool) == 0
    async with db.transaction() as tx:
        tables = await tx.execute_query_dict("SELECT to_regclass('public.rolled_back') AS t")
    assert tables[0]["t"] is None  # rolled back
