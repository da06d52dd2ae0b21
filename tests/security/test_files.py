"""Files on disk (issue 12, item 16): the embedded server's SQLite database and its secret
are readable by their owner only, whatever the umask."""

from __future__ import annotations

import os
import stat

import pytest

from compax_server.db import migrate
from compax_server.settings import Settings


@pytest.fixture
def permissive_umask():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_the_database_file_and_the_secret_are_created_0600(tmp_path, permissive_umask):
    """Item 16. ``compax serve`` in an empty folder (umask 022) created ``compax.sqlite3``
    with mode 0644: any local user could read every password hash and booking. Now the
    database file is created 0600 before SQLite opens it, and so is ``.compax-secret``."""
    url = f"sqlite://{tmp_path}/compax.sqlite3"
    settings = Settings(env="development", database_url=url, secret_key="").checked()
    assert settings.secret_key
    assert mode(tmp_path / ".compax-secret") == 0o600
    await migrate.upgrade(url)
    assert mode(tmp_path / "compax.sqlite3") == 0o600
    assert await migrate.pending(url) == []


async def test_an_existing_database_keeps_its_mode(tmp_path, permissive_umask, caplog):
    """An existing file is not changed behind the administrator's back; a warning names it."""
    path = tmp_path / "shared.sqlite3"
    path.touch(mode=0o640)
    os.chmod(path, 0o640)
    await migrate.upgrade(f"sqlite://{path}")
    assert mode(path) == 0o640
    assert "chmod 600" in caplog.text
