"""Schema migrations with aerich, one history for SQLite and PostgreSQL.

aerich writes the SQL of one dialect per file. Compax migration files carry both: a module
``migrations/models/<n>_<timestamp>_<name>.py`` holds ``SQL = {"sqlite": {...}, "postgres":
{...}}`` and its ``upgrade(db)`` picks the dialect of the connection, with one ``MODELS_STATE``
for both. ``make_migration`` builds such a file by letting aerich diff the models against a
scratch database of each dialect, so both engines always migrate from the same model history.
Hand-written SQL (triggers, exclusion constraints) goes into files made with ``empty=True``.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import re
import tempfile
import uuid
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from aerich import Command
from aerich.migrate import Migrate
from aerich.utils import get_formatted_compressed_data, get_models_describe
from tortoise import Tortoise, connections
from tortoise.exceptions import OperationalError
from tortoise.utils import get_schema_sql

from compax_server import db

T = TypeVar("T")
log = logging.getLogger("compax.db")

MIGRATION_FILE = '''"""{title}"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {{
    "sqlite": {{
        "upgrade": r"""
{sqlite_up}
""",
        "downgrade": r"""
{sqlite_down}
""",
    }},
    "postgres": {{
        "upgrade": r"""
{postgres_up}
""",
        "downgrade": r"""
{postgres_down}
""",
    }},
}}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    {models_state}
)
'''


def migrations_dir() -> Path:
    """``COMPAX_MIGRATIONS_DIR``, else the ``migrations/`` folder of the source tree."""
    configured = os.environ.get("COMPAX_MIGRATIONS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "migrations"


def _command(url: str) -> Command:
    return Command(
        tortoise_config=db.tortoise_config(url), app=db.APP, location=str(migrations_dir())
    )


async def _isolated(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` with a Tortoise state of its own (Tortoise keeps it in a context variable,
    and aerich skips initialising when it finds one, even a closed one). Not while this
    process has the database open: ``db.init`` makes its state the global fallback, which a
    fresh context still sees. Every caller migrates before ``db.init``."""
    return await asyncio.create_task(coro, context=contextvars.Context())


def sqlite_file(url: str) -> Path | None:
    """The database file of a ``sqlite://`` URL (None for PostgreSQL and ``:memory:``)."""
    if db.dialect_of(url) != "sqlite":
        return None
    rest = url[len("sqlite://") :].split("?", 1)[0]
    return Path(rest) if rest and rest != ":memory:" else None


def create_private(url: str) -> None:
    """Create a missing SQLite database file readable by its owner only (0600, whatever the
    umask): it holds password hashes and everyone's bookings. SQLite gives its journal and
    WAL files the mode of the database file. An existing file keeps its mode; a warning
    says when others may read it."""
    path = sqlite_file(url)
    if path is None:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            log.warning("%s may be read by other users: chmod 600 %s", path, path)
        return
    except FileNotFoundError:
        return  # no such folder: SQLite says so when it opens the file
    os.close(fd)


async def upgrade(url: str) -> list[str]:
    """Apply every migration not yet applied; returns the files applied."""
    create_private(url)

    async def run() -> list[str]:
        async with _command(url) as command:
            applied: list[str] = await command.upgrade(run_in_transaction=True)
        return applied

    return await _isolated(run())


async def pending(url: str) -> list[str]:
    """Migration files not applied to this database yet."""

    async def run() -> list[str]:
        async with _command(url) as command:
            try:
                heads: list[str] = await command.heads()
            except OperationalError:  # a new database: not even aerich's table exists
                heads = list(Migrate.get_all_version_files())
        return heads

    return await _isolated(run())


def _reset_operators() -> None:
    Migrate.upgrade_operators = []
    Migrate.downgrade_operators = []
    Migrate._upgrade_fk_m2m_index_operators = []
    Migrate._downgrade_fk_m2m_index_operators = []
    Migrate._upgrade_m2m = []
    Migrate._downgrade_m2m = []


async def model_changes(url: str) -> tuple[list[str], list[str]]:
    return await _isolated(_model_changes(url))


async def _model_changes(url: str) -> tuple[list[str], list[str]]:
    """SQL that aerich would generate for model changes not covered by a migration yet.

    The database at ``url`` must be fully migrated. Returns ``(upgrade, downgrade)``
    statements; both are empty when the migrations describe the models exactly.
    """
    config = db.tortoise_config(url)
    await Tortoise.init(config=config)
    try:
        Migrate._last_version_content = None
        await Migrate.init(config, db.APP, str(migrations_dir()))
        _reset_operators()
        old = Migrate._last_version_content
        new = get_models_describe(db.APP)
        if old is None:
            return [get_schema_sql(connections.get(db.connection_name(url)), safe=False)], []
        old, new = Migrate._exclude_model_name_changes(old, new)
        Migrate.diff_models(old, new, no_input=True)
        Migrate.diff_models(new, old, False, no_input=True)
        Migrate._merge_operators()
        return list(Migrate.upgrade_operators), list(Migrate.downgrade_operators)
    finally:
        _reset_operators()
        await Tortoise.close_connections()


@asynccontextmanager
async def scratch_database(dialect: str, postgres_url: str | None) -> AsyncIterator[str]:
    """An empty database of the dialect, dropped afterwards."""
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite://{folder}/scratch.sqlite3"
        return
    if not postgres_url:
        raise RuntimeError("a PostgreSQL URL is needed to write the PostgreSQL half of a migration")
    async with postgres_database(postgres_url, f"compax_scratch_{uuid.uuid4().hex[:12]}") as url:
        yield url


def _admin_dsn(server_url: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(scheme="postgresql"))


async def create_postgres_database(server_url: str, name: str) -> str:
    """Create database ``name`` on the server of ``server_url``; returns its URL."""
    import asyncpg

    if not re.fullmatch(r"[a-z0-9_]{1,60}", name):
        raise ValueError(f"unsafe database name {name!r}")
    conn = await asyncpg.connect(_admin_dsn(server_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return urlunsplit(urlsplit(server_url)._replace(path="/" + name))


async def drop_postgres_database(server_url: str, name: str) -> None:
    import asyncpg

    if not re.fullmatch(r"[a-z0-9_]{1,60}", name):
        raise ValueError(f"unsafe database name {name!r}")
    conn = await asyncpg.connect(_admin_dsn(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@asynccontextmanager
async def postgres_database(server_url: str, name: str) -> AsyncIterator[str]:
    """Create database ``name`` on the server of ``server_url``; drop it on exit."""
    url = await create_postgres_database(server_url, name)
    try:
        yield url
    finally:
        await drop_postgres_database(server_url, name)


def _indent_sql(statements: list[str]) -> str:
    return "\n".join(s.strip().rstrip(";") + ";" for s in statements if s.strip())


async def make_migration(name: str, postgres_url: str | None, empty: bool = False) -> Path:
    """Write the next migration file, with the SQL of both dialects.

    ``empty=True`` writes a file with no SQL, to fill in by hand (triggers, constraints).
    """
    if not re.fullmatch(r"[a-z0-9_]{1,40}", name):
        raise ValueError("a migration name is 1-40 lowercase letters, digits or underscores")
    sql: dict[str, tuple[list[str], list[str]]] = {}
    for dialect in ("postgres", "sqlite"):  # PostgreSQL first: no server, no work done
        if empty:
            sql[dialect] = ([], [])
            continue
        async with scratch_database(dialect, postgres_url) as url:
            await upgrade(url)
            sql[dialect] = await model_changes(url)
    folder = migrations_dir() / db.APP
    folder.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name.split("_", 1)[0]) for p in folder.glob("[0-9]*_*.py")]
    number = max(numbers, default=-1) + 1
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")  # UTC, like every time we keep
    path = folder / f"{number}_{stamp}_{name}.py"
    state = await _models_state()
    path.write_text(
        MIGRATION_FILE.format(
            title=f"Migration {number}: {name.replace('_', ' ')}.",
            sqlite_up=_indent_sql(sql["sqlite"][0]),
            sqlite_down=_indent_sql(sql["sqlite"][1]),
            postgres_up=_indent_sql(sql["postgres"][0]),
            postgres_down=_indent_sql(sql["postgres"][1]),
            models_state=state,
        )
    )
    return path


async def _models_state() -> str:
    return await _isolated(_describe())


async def _describe() -> str:
    await Tortoise.init(config=db.tortoise_config("sqlite://:memory:"))
    try:
        describe: dict[str, Any] = get_models_describe(db.APP)
        return str(get_formatted_compressed_data(describe))
    finally:
        await Tortoise.close_connections()
