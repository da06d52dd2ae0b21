"""Data access: Tortoise models, the connection, transactions and the queries that need care.

No HTTP and no business rules here.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from enum import IntEnum
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper
from tortoise.transactions import in_transaction

MODEL_MODULES = [
    "compax_server.db.users",
    "compax_server.db.api_keys",
    "compax_server.db.audit",
    "compax_server.db.rooms",
    "compax_server.db.bookings",
    "compax_server.db.idempotency",
    "compax_server.db.terms",
    "compax_server.db.series",
    "compax_server.db.notifications",
    "compax_server.db.sso",
    "compax_server.db.managers",
    "compax_server.db.checkin",
    "compax_server.db.waitlist",
]
APP = "models"
SQLITE_BUSY_TIMEOUT_MS = 10_000

T = TypeVar("T")


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


def _connection(url: str) -> str | dict[str, Any]:
    """SQLite by URL; PostgreSQL through ``compax_server.db.postgres``, whose pool waits a
    bounded time for a connection (``?acquire_timeout=`` seconds)."""
    url = _with_defaults(url)
    if dialect_of(url) == "sqlite":
        return url
    info: dict[str, Any] = expand_db_url(url)
    info["engine"] = "compax_server.db.postgres"
    return info


def tortoise_config(url: str) -> dict[str, Any]:
    name = connection_name(url)
    return {
        "connections": {name: _connection(url)},
        "apps": {APP: {"models": [*MODEL_MODULES, "aerich.models"], "default_connection": name}},
        "use_tz": True,
        "timezone": "UTC",
    }


async def init(url: str) -> None:
    """Open the database for this process (the connection itself opens lazily).

    As the global fallback: Sanic's request tasks do not inherit the context of the listener
    that calls this, and would find no database (``tests/e2e/test_serve.py``)."""
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


class Space(IntEnum):
    """The spaces of the keys ``serialize`` holds: one per thing whose writers must take
    turns, the id of what is held (a user, a building) within it. A key is ``space << 48 |
    ident``; every key of ours is named here, so that no two uses meet by accident."""

    change_feed = 0  # its one key, COMMIT_ORDER: audit events get their ids in commit order
    webhook_creates = 1  # the subscription count stays under its limit
    admins = 2  # at least one active administrator remains
    waitlist_joins = 3  # + user id: one join of a person at a time
    building = 4  # + building id: a room placed in it, its removal
    rules = 5  # its one key: a change of a level's booking rules reads and writes it whole


COMMIT_ORDER = 0x636F6D706178  # "compax", the change feed's key (Space.change_feed)


def lock_key(space: Space, ident: int = 0) -> int:
    """The advisory-lock key of ``ident`` in ``space``."""
    if not 0 <= ident < 1 << 48:
        raise ValueError(f"lock ident out of range: {ident}")
    return space << 48 | ident


async def serialize(space: Space, ident: int = 0) -> None:
    """Inside a write transaction: wait for every other transaction that serialised on
    (``space``, ``ident``) to end, and hold it until this one ends (a count-then-insert
    bound stays exact under concurrent writers). PostgreSQL: a transaction-level advisory
    lock. SQLite: nothing to do, its single writer (``BEGIN IMMEDIATE``) already serialises
    them."""
    if dialect() == "postgres":
        await conn().execute_query("SELECT pg_advisory_xact_lock($1)", [lock_key(space, ident)])


@asynccontextmanager
async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """A write transaction.

    On SQLite it is ``BEGIN IMMEDIATE``: the write lock is taken before the first read, so a
    transaction that reads and then writes never fails with "database is locked" when another
    process committed in between (the lock is waited for, up to the busy timeout). SQLite
    allows one writer at a time, so this also serialises the writers of every room.
    """
    name = Tortoise._require_context().default_connection
    client = connections.get(name)
    if client.capabilities.dialect != "sqlite" or isinstance(client, SqliteTransactionWrapper):
        context = in_transaction(name)
        try:
            tx = await context.__aenter__()
        except BaseException:
            await _give_back_connection(context)
            raise
        try:
            yield tx
        except BaseException as exc:
            await context.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        await context.__aexit__(None, None, None)
        return
    # Tortoise's own SQLite transaction issues a plain BEGIN; this is the same context with
    # BEGIN IMMEDIATE (one round trip instead of re-beginning inside Tortoise's).
    sqlite_client = cast(SqliteClient, client)
    async with sqlite_client._lock:
        await sqlite_client.create_connection(with_db=True)
        tx = SqliteTransactionWrapper(sqlite_client)
        token = connections.set(name, tx)
        try:
            await tx._connection.execute("BEGIN IMMEDIATE")
            try:
                yield tx
            except BaseException:
                await tx.rollback()
                raise
            await tx.commit()
        finally:
            connections.reset(token)


async def _give_back_connection(context: Any) -> None:
    """Tortoise's pooled transaction takes a connection from the pool and then sends BEGIN;
    when BEGIN fails (a connection PostgreSQL closed while restarting) it keeps the
    connection for good. The pool would shrink by one on every such failure until every
    request waits forever, so give it back (asyncpg discards it when it is broken)."""
    client = getattr(context, "client", None)
    connection = getattr(client, "_connection", None)
    pool = getattr(getattr(client, "_parent", None), "_pool", None)
    if connection is not None and pool is not None:
        with contextlib.suppress(Exception):
            await pool.release(connection)
    token = getattr(context, "token", None)
    if token is not None:
        connections.reset(token)


TRANSIENT_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def is_transient(exc: BaseException) -> bool:
    """A failure that a retry of the whole transaction can cure: a PostgreSQL deadlock or
    serialization failure, or SQLite's busy timeout running out."""
    for e in _causes(exc):
        if getattr(e, "sqlstate", None) in TRANSIENT_SQLSTATES:
            return True
        text = str(e)
        if "database is locked" in text or "database is busy" in text:
            return True
    return False


def is_overlap_violation(exc: BaseException) -> bool:
    """The database refused two overlapping confirmed bookings of one room."""
    for e in _causes(exc):
        if getattr(e, "sqlstate", None) == "23P01" or "booking_overlap" in str(e):
            return True
    return False


async def with_retries(
    work: Callable[[], Awaitable[T]],
    attempts: int = 4,
    on_exhausted: Callable[[], Exception] | None = None,
) -> T:
    """Run ``work`` (which opens its own transaction) again after a transient failure, with
    a short randomised back-off. When every attempt failed, raise a fresh ``on_exhausted()``
    (or the last error). ``attempts`` counts the first run: at least 1."""
    if attempts < 1:
        raise ValueError(f"attempts={attempts}: at least one attempt is needed")
    for attempt in range(1, attempts + 1):
        try:
            return await work()
        except Exception as exc:
            if not is_transient(exc):
                raise
            if attempt == attempts:
                if on_exhausted is not None:
                    raise on_exhausted() from exc
                raise
            await asyncio.sleep(random.uniform(0.005, 0.03) * attempt)
    raise AssertionError("unreachable")


UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "57P")  # connection exceptions, operator intervention


def is_unavailable(exc: BaseException) -> bool:
    """The database is down, restarting or unreachable (not a fault of the request)."""
    for e in _causes(exc):
        state = getattr(e, "sqlstate", None)
        if isinstance(state, str) and state.startswith(UNAVAILABLE_SQLSTATE_PREFIXES):
            return True
        name = type(e).__name__
        if name in {
            "ConnectionDoesNotExistError",
            "CannotConnectNowError",
            "InterfaceError",
            "DBConnectionError",
            "ConnectionRefusedError",
            "ConnectionResetError",
            # asyncpg, when a connection the server closed is reset on its way back to the
            # pool: "cannot switch to state 15; another operation (2) is in progress"
            "InternalClientError",
        }:
            return True
        if isinstance(e, ConnectionError | TimeoutError):
            return True
        if "unable to open database file" in str(e):
            return True
    return False
