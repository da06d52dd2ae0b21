"""The migration tooling asked directly (``compax_server/db/migrate.py``): where the files
are, which file a URL names, a new database file's mode, the pending list, scratch
databases, and a new migration file written, numbered and applied."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import re
import shutil
import sqlite3
import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from compax_server import db
from compax_server.db import migrate
from tests.conftest import POSTGRES_URL

SOURCE_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_the_migrations_are_in_the_source_tree_unless_configured(monkeypatch, tmp_path):
    monkeypatch.delenv("COMPAX_MIGRATIONS_DIR", raising=False)
    assert migrate.migrations_dir() == SOURCE_MIGRATIONS
    assert (SOURCE_MIGRATIONS / "models").is_dir()
    monkeypatch.setenv("COMPAX_MIGRATIONS_DIR", str(tmp_path))
    assert migrate.migrations_dir() == tmp_path
    monkeypatch.setenv("COMPAX_MIGRATIONS_DIR", "")
    assert migrate.migrations_dir() == SOURCE_MIGRATIONS


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///srv/compax.sqlite3", Path("/srv/compax.sqlite3")),
        ("sqlite:///srv/compax.sqlite3?busy_timeout=50", Path("/srv/compax.sqlite3")),
        ("sqlite:///srv/compax.sqlite3?note=why?&busy_timeout=50", Path("/srv/compax.sqlite3")),
        ("sqlite://compax.sqlite3", Path("compax.sqlite3")),
        ("sqlite://:memory:", None),
        ("sqlite://", None),
        ("sqlite://?busy_timeout=50", None),
        ("postgres://u@db/compax", None),
    ],
)
def test_the_file_of_a_database_url(url, path):
    assert migrate.sqlite_file(url) == path


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_database_file_is_its_owners_alone(tmp_path, caplog):
    path = tmp_path / "new.sqlite3"
    old = os.umask(0o022)
    try:
        migrate.create_private(f"sqlite://{path}")
    finally:
        os.umask(old)
    assert path.read_bytes() == b""  # created empty, for SQLite to fill
    assert mode(path) == 0o600
    migrate.create_private(f"sqlite://{path}")  # again: kept as it is, nothing to say
    assert mode(path) == 0o600
    assert caplog.records == []


def test_an_existing_file_others_may_read_is_named_in_a_warning(tmp_path, caplog):
    path = tmp_path / "shared.sqlite3"
    path.write_bytes(b"kept")
    os.chmod(path, 0o604)
    with caplog.at_level(logging.WARNING, logger="compax.db"):
        migrate.create_private(f"sqlite://{path}")
    assert path.read_bytes() == b"kept" and mode(path) == 0o604
    assert [r.getMessage() for r in caplog.records] == [
        f"{path} may be read by other users: chmod 600 {path}"
    ]


def test_nothing_is_created_without_a_folder_or_a_file(tmp_path):
    migrate.create_private(f"sqlite://{tmp_path}/missing/compax.sqlite3")
    assert not (tmp_path / "missing").exists()
    migrate.create_private("sqlite://:memory:")
    migrate.create_private("postgres://u@127.0.0.1:1/none")  # not a file: nothing to do
    assert list(tmp_path.iterdir()) == []


def migration_files(folder: Path) -> list[str]:
    return sorted((p.name for p in (folder / "models").glob("[0-9]*_*.py")), key=number)


def number(name: str) -> int:
    return int(name.split("_", 1)[0])


async def test_a_new_database_has_every_migration_pending_and_none_once_upgraded(tmp_path):
    url = f"sqlite://{tmp_path}/compax.sqlite3"
    files = migration_files(SOURCE_MIGRATIONS)
    assert sorted(await migrate.pending(url), key=number) == files
    applied = await migrate.upgrade(url)
    assert sorted(applied, key=number) == files
    assert await migrate.pending(url) == []


async def test_the_tooling_reads_its_own_database_after_another_was_closed(
    sqlite_template, tmp_path
):
    """A process that opened and closed a database (the CLI's commands, the tests) keeps
    Tortoise's closed state in its context, which aerich would take for its own: it runs in a
    state of its own, and asks the database it was given."""
    await db.init(f"sqlite://{sqlite_template}")
    await db.close()
    new = f"sqlite://{tmp_path}/new.sqlite3"
    assert sorted(await migrate.pending(new), key=number) == migration_files(SOURCE_MIGRATIONS)
    assert await migrate.upgrade(new)
    assert await migrate.pending(new) == []


@pytest.mark.parametrize("name", ["", "Compax", "a-b", "x; DROP DATABASE postgres", "a" * 61])
async def test_an_unsafe_database_name_is_refused_before_connecting(name):
    unreachable = "postgres://postgres@127.0.0.1:1/postgres"  # nothing listens on port 1
    with pytest.raises(ValueError, match="unsafe database name"):
        await migrate.create_postgres_database(unreachable, name)
    with pytest.raises(ValueError, match="unsafe database name"):
        await migrate.drop_postgres_database(unreachable, name)


async def database_names() -> set[str]:
    conn = await asyncpg.connect(migrate._admin_dsn(POSTGRES_URL))
    try:
        return {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
    finally:
        await conn.close()


@pytest.mark.skipif(not POSTGRES_URL, reason="COMPAX_TEST_POSTGRES_URL is not set")
async def test_a_scratch_database_is_dropped_also_when_its_work_fails():
    name = f"compax_probe_{uuid.uuid4().hex[:10]}"
    seen: list[str] = []

    async def work() -> None:
        async with migrate.postgres_database(POSTGRES_URL, name) as url:
            seen.append(url)
            seen.extend(sorted(await database_names() & {name}))
            conn = await asyncpg.connect(migrate._admin_dsn(url))
            await conn.close()
            raise RuntimeError("the work failed")

    with pytest.raises(RuntimeError, match="the work failed"):
        await work()
    assert seen == [POSTGRES_URL.rsplit("/", 1)[0] + "/" + name, name]
    assert name not in await database_names()


async def test_a_scratch_sqlite_database_is_a_file_in_a_folder_removed_after():
    async with migrate.scratch_database("sqlite", None) as url:
        path = migrate.sqlite_file(url)
        assert path is not None and path.name == "scratch.sqlite3"
        assert path.parent.is_dir() and not path.exists()
    assert not path.parent.exists()


async def test_a_postgres_scratch_database_needs_a_server():
    with pytest.raises(RuntimeError, match="a PostgreSQL URL is needed"):
        async with migrate.scratch_database("postgres", None):
            pass  # pragma: no cover


def test_statements_are_written_one_per_line_ending_in_a_semicolon():
    statements = ["  CREATE TABLE a (n int);  ", "", "   ", "DROP TABLE b", "DROP INDEX IDX;"]
    assert migrate._indent_sql(statements) == (
        "CREATE TABLE a (n int);\nDROP TABLE b;\nDROP INDEX IDX;"
    )
    assert migrate._indent_sql([]) == ""


@pytest.fixture
def own_migrations(tmp_path, monkeypatch) -> Path:
    """A copy of the migrations that new files may be written to."""
    folder = tmp_path / "migrations"
    shutil.copytree(SOURCE_MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setenv("COMPAX_MIGRATIONS_DIR", str(folder))
    return folder


@pytest.mark.parametrize("name", ["", "Add_rooms", "add-rooms", "a" * 41, "../x"])
async def test_a_migration_name_is_checked_before_anything_is_written(own_migrations, name):
    before = migration_files(own_migrations)
    with pytest.raises(
        ValueError, match=r"^a migration name is 1-40 lowercase letters, digits or underscores$"
    ):
        await migrate.make_migration(name, None)
    assert migration_files(own_migrations) == before


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def last_models_state(folder: Path) -> str:
    return "".join(load(folder / "models" / migration_files(folder)[-1]).MODELS_STATE)


async def test_an_empty_migration_is_the_next_file_and_applies(own_migrations, tmp_path):
    before = migration_files(own_migrations)
    began = datetime.now(UTC).replace(microsecond=0)
    path = await migrate.make_migration("hand_written_trigger", None, empty=True)
    stamp = datetime.strptime(path.name.split("_")[1], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    assert began <= stamp <= datetime.now(UTC)  # in UTC, not the machine's zone
    after = number(before[-1]) + 1
    assert path.parent == own_migrations / "models"
    assert path.name.startswith(f"{after}_") and path.name.endswith("_hand_written_trigger.py")
    assert migration_files(own_migrations) == [*before, path.name]
    module = load(path)
    assert module.__doc__ == f"Migration {after}: hand written trigger."
    assert module.RUN_IN_TRANSACTION is True
    assert {
        dialect: {"upgrade": "\n\n", "downgrade": "\n\n"} for dialect in ("sqlite", "postgres")
    } == module.SQL
    # the models as they are now, as the last migration left them
    assert "".join(module.MODELS_STATE) == "".join(
        load(SOURCE_MIGRATIONS / "models" / before[-1]).MODELS_STATE
    )

    url = f"sqlite://{tmp_path}/compax.sqlite3"
    assert path.name in await migrate.pending(url)
    applied = await migrate.upgrade(url)
    assert applied[-1] == path.name and len(applied) == len(before) + 1


@pytest.mark.skipif(not POSTGRES_URL, reason="COMPAX_TEST_POSTGRES_URL is not set")
async def test_a_migration_of_unchanged_models_has_no_sql_and_leaves_no_database(
    own_migrations,
):
    """Both halves are diffed against scratch databases (SQLite, PostgreSQL), dropped after."""

    def scratch(names: set[str]) -> set[str]:  # other test runs may make databases meanwhile
        return {n for n in names if n.startswith("compax_scratch_")}

    databases = scratch(await database_names())
    path = await migrate.make_migration("nothing_new", POSTGRES_URL)
    module = load(path)
    assert {
        dialect: {"upgrade": "\n\n", "downgrade": "\n\n"} for dialect in ("sqlite", "postgres")
    } == module.SQL
    assert last_models_state(own_migrations) == "".join(module.MODELS_STATE)
    assert scratch(await database_names()) == databases


def test_with_no_migration_yet_the_change_is_the_whole_schema(
    tmp_path, monkeypatch, sqlite_template
):
    """The first migration of a history: every table of the models (aerich's own too), as
    one script, and the same tables as the migrations build today."""
    (tmp_path / "migrations" / "models").mkdir(parents=True)
    monkeypatch.setenv("COMPAX_MIGRATIONS_DIR", str(tmp_path / "migrations"))
    upgrade, downgrade = asyncio.run(migrate.model_changes(f"sqlite://{tmp_path}/new.sqlite3"))
    assert downgrade == [] and len(upgrade) == 1
    created = set(re.findall(r'CREATE TABLE "(\w+)"', upgrade[0]))
    with sqlite3.connect(sqlite_template) as conn:
        built = {
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name != "sqlite_sequence"
        }
    assert created == built and "aerich" in built  # aerich's own table among them


@pytest.mark.skipif(not POSTGRES_URL, reason="COMPAX_TEST_POSTGRES_URL is not set")
async def test_the_last_migration_made_again_is_the_same(own_migrations):
    """Without its file, the last migration (a column added to ``series``) is a model change
    again: made anew, its SQL for both engines, both ways, and the models' state are those of
    the file in the repository."""
    last = own_migrations / "models" / migration_files(own_migrations)[-1]
    kept = load(last)
    last.unlink()
    name = last.stem.split("_", 2)[2]
    path = await migrate.make_migration(name, POSTGRES_URL)
    assert path.name.split("_", 1)[0] == last.name.split("_", 1)[0]  # the same number
    made = load(path)
    assert made.SQL == kept.SQL
    assert "ADD" in made.SQL["postgres"]["upgrade"] and "DROP" in made.SQL["sqlite"]["downgrade"]
    assert "".join(made.MODELS_STATE) == "".join(kept.MODELS_STATE)


async def test_the_first_migration_of_a_new_folder_is_number_0(tmp_path, monkeypatch):
    folder = tmp_path / "new" / "migrations"  # not there yet, nor its parent
    monkeypatch.setenv("COMPAX_MIGRATIONS_DIR", str(folder))
    path = await migrate.make_migration("start", None, empty=True)
    assert path.parent == folder / "models"
    assert path.name.startswith("0_") and path.name.endswith("_start.py")
    assert load(path).__doc__ == "Migration 0: start."
