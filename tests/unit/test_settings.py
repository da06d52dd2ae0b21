"""Configuration: production refuses a weak secret; development keeps one beside the data."""

from __future__ import annotations

import stat

import pytest

from compax_server import runtime
from compax_server.services import mail
from compax_server.settings import ConfigurationError, Settings


@pytest.mark.parametrize("secret", ["", "change-me", "short-secret"])
def test_production_refuses_a_missing_default_or_short_secret(secret):
    with pytest.raises(ConfigurationError, match="COMPAX_SECRET_KEY"):
        Settings(env="production", secret_key=secret).checked()


def test_production_accepts_a_long_secret():
    s = Settings(env="production", secret_key="k" * 48).checked()
    assert s.secret_key == "k" * 48


def test_development_creates_a_private_secret_file_once(tmp_path):
    url = f"sqlite://{tmp_path}/data/compax.sqlite3"
    first = Settings(database_url=url).checked().secret_key
    second = Settings(database_url=url).checked().secret_key
    assert first == second and len(first) >= 48
    mode = (tmp_path / "data" / ".compax-secret").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_environment_variables_configure_the_server(monkeypatch):
    monkeypatch.setenv("COMPAX_DATABASE_URL", "postgres://u@db/compax")
    monkeypatch.setenv("COMPAX_CACHE_URL", "redis://cache:6379/1")
    monkeypatch.setenv("COMPAX_ACCESS_TOKEN_TTL", "300")
    monkeypatch.setenv("COMPAX_CORS_ORIGINS", "https://rooms.campus.example, https://x.example")
    s = Settings()
    assert not s.is_sqlite
    assert s.access_token_ttl == 300
    assert s.cors_origin_list == ["https://rooms.campus.example", "https://x.example"]
    assert not s.should_migrate_on_start


@pytest.mark.parametrize(
    ("name", "value"), [("database_url", "mysql://x"), ("cache_url", "memcached://x")]
)
def test_unknown_backends_are_refused(name, value):
    with pytest.raises(ValueError, match="unsupported"):
        Settings(**{name: value})


@pytest.mark.parametrize("leads", ["0", "60,abc", "-5", "10081", "1440;60", "1.5"])
def test_a_reminder_lead_that_is_no_whole_minute_within_a_week_stops_the_start(leads):
    with pytest.raises(ValueError, match="is not a lead time: whole minutes from 1 to 10080"):
        Settings(reminder_leads=leads)


@pytest.mark.parametrize(
    ("leads", "longest_first"),
    [("", []), ("1440,60", [1440, 60]), (" 60 , 1440 ", [1440, 60]), ("10080", [10080]),
     ("1", [1]), ("60,60,", [60])],
)  # fmt: skip
def test_reminder_leads_within_a_week_are_taken(tmp_path, leads, longest_first):
    settings = Settings(reminder_leads=leads, database_url=f"sqlite://{tmp_path}/c.sqlite3")
    runtime.configure(settings)
    assert mail.reminder_leads() == longest_first
