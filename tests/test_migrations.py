"""Every migration applies to an empty database of each engine, and no model change is left
without a migration."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from compax_server.db import migrate
from tests.conftest import POSTGRES_URL


async def check(url: str) -> None:
    applied = await migrate.upgrade(url)
    assert applied, "no migrations were applied"
    assert await migrate.pending(url) == []
    upgrade, _ = await migrate.model_changes(url)
    assert upgrade == [], (
        "models changed without a migration; run `compax db make-migration <name>`:\n"
        + "\n".join(upgrade)
    )
    assert await migrate.upgrade(url) == []  # idempotent


def test_migrations_build_the_models_on_sqlite(tmp_path):
    asyncio.run(check(f"sqlite://{tmp_path}/empty.sqlite3"))


@pytest.mark.skipif(not POSTGRES_URL, reason="COMPAX_TEST_POSTGRES_URL is not set")
def test_migrations_build_the_models_on_postgres():
    name = f"compax_mig_{uuid.uuid4().hex[:10]}"
    url = asyncio.run(migrate.create_postgres_database(POSTGRES_URL, name))
    try:
        asyncio.run(check(url))
    finally:
        asyncio.run(migrate.drop_postgres_database(POSTGRES_URL, name))


def test_every_migration_file_has_sql_for_both_engines():
    folder = migrate.migrations_dir() / "models"
    files = sorted(folder.glob("[0-9]*_*.py"))
    assert files
    for path in files:
        text = path.read_text()
        assert '"sqlite"' in text and '"postgres"' in text, path.name
        assert "MODELS_STATE" in text, path.name
