"""Data access: Tortoise models, the connection, transactions and the queries that need care.

No HTTP and no business rules here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

MODEL_MODULES = [
    "compax_server.db.users",
    "compax_server.db.api_keys",
    "compax_server.db.audit",
]
APP = "models"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def dialect_of(url: str) -> str:
    return "sqlite" if urlsplit(url).scheme == "sqlite" else "postgres"


def connection_name(url: str) -> str:
    """Tortoise caches INSERT statements per connection name, so each dialect gets its own."""
    return dialect_of(url)


def _with_defaults(url: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        # Wait for the write lock instead of failing at once with "database is locked".
        query.setdefault("busy_timeout", str(SQLITE_BUSY_TIMEOUT_MS))
    return urlunsplit(parts._replace(query=urlencode(query)))


def tortoise_config(url: str) -> dict[str, Any]:
    name = connection_name(url)
    return {
        "connections": {name: _with_defaults(url)},
        "apps": {APP: {"models": [*MODEL_MODULES, "aerich.models"], "default_connection": name}},
        "use_tz": True,
        "timezone": "UTC",
    }


async def init(url: str) -> None:
    """Open the database for this process (the connection itself opens lazily)."""
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)


async def close() -> None:
    await Tortoise.close_connections()


def conn() -> BaseDBAsyncClient:
    """The connection of the current context (the transaction, inside one)."""
    ctx = Tortoise._require_context()
    name = ctx.default_connection
    assert name is not None
    client: BaseDBAsyncClient = connections.get(name)
    return client


def dialect() -> str:
    return str(conn().capabilities.dialect)


@asynccontextmanager
async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """A write transaction.

    On SQLite it is ``BEGIN IMMEDIATE``: the write lock is taken before the first read, so a
    transaction that reads and then writes never fails with "database is locked" when another
    process committed in between (the lock is waited for, up to the busy timeout).
    """
    async with in_transaction(Tortoise._require_context().default_connection) as tx:
        if tx.capabilities.dialect == "sqlite":
            await tx.execute_query("ROLLBACK")
            await tx.execute_query("BEGIN IMMEDIATE")
        yield tx
