"""The PostgreSQL engine: Tortoise's asyncpg client with a bounded wait for a connection,
and no session reset when a connection goes back to the pool.

asyncpg's ``Pool.acquire()`` waits forever by default: when every connection of a worker's
pool is busy (a slow query, a lock queue, a burst), requests would queue until Sanic's
response timeout while their shielded handlers go on waiting. Here a request waits at most
``acquire_timeout`` seconds (``?acquire_timeout=`` in the database URL, default
``ACQUIRE_TIMEOUT``); then ``TimeoutError``, which the API answers with a 503 and
``Retry-After``.

By default asyncpg resets every connection it takes back (``SELECT
pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``): one more round trip after
every query outside a transaction and after every transaction, which on a busy machine costs
as much as a small query. Compax leaves no session state behind (its advisory locks are
transaction-level; it sets no session settings, keeps no cursors and listens to nothing;
``tests/unit/test_pool_reset.py`` holds the code to that), and asyncpg itself still rolls
back a transaction left open before the connection is reused, so the pool skips the reset.

Every connection starts with ``jit = off``. PostgreSQL compiles a query to machine code when
its estimated cost passes ``jit_above_cost``; on a campus of 1,000 rooms and 500,000 bookings
the search's estimate does, and compiling took 40-50 ms of a query that runs in 2 ms
(EXPLAIN ANALYZE: "JIT: Timing ... Total 41.6 ms"). Compax's queries are short index lookups,
which JIT never pays back (benchmarks/README.md, 2026-12-01).
"""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient

ACQUIRE_TIMEOUT = 5.0  # seconds


class BoundedPool:
    """An asyncpg pool whose ``acquire()`` gives up after ``timeout`` seconds."""

    def __init__(self, pool: asyncpg.Pool, timeout: float) -> None:
        self._pool = pool
        self._timeout = timeout

    def acquire(self, *, timeout: float | None = None) -> Any:
        return self._pool.acquire(timeout=self._timeout if timeout is None else timeout)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


class BoundedAsyncpgClient(AsyncpgDBClient):
    def __init__(
        self, *args: Any, acquire_timeout: float | str = ACQUIRE_TIMEOUT, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.server_settings["jit"] = "off"  # a startup parameter: the session's default
        self.acquire_timeout = float(acquire_timeout)
        if not self.acquire_timeout > 0:
            raise ValueError("acquire_timeout must be a positive number of seconds")

    async def create_pool(self, **kwargs: Any) -> Any:
        pool = await super().create_pool(reset=keep_session, **kwargs)
        return BoundedPool(pool, self.acquire_timeout)


async def keep_session(connection: asyncpg.Connection) -> None:
    """The reset of a connection given back to the pool, after asyncpg's own (which rolls
    back an open transaction and drops listeners): nothing more, as no session state is set."""


client_class = BoundedAsyncpgClient
