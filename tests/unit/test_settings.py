"""Configuration: production refuses a weak secret; development keeps one beside the data."""

from __future__ import annotations

import re
import stat

import pytest

from compax_server import runtime
from compax_server.services import mail
from compax_server.settings import ConfigurationError, Settings, smtp_config


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


def test_smtp_urls():
    plain = smtp_config("smtp://mail.campus.example")
    assert (plain.port, plain.use_tls, plain.start_tls, plain.username) == (25, False, None, None)
    tls = smtp_config("smtps://u%40x:p%2Fw@mail.campus.example?timeout=5")
    assert (tls.port, tls.use_tls, tls.start_tls) == (465, True, False)
    assert (tls.username, tls.password, tls.timeout) == ("u@x", "p/w", 5.0)
    assert tls.cafile is None
    assert smtp_config("smtp://h?cafile=/etc/ca.pem").cafile == "/etc/ca.pem"
    for word in ("false", "0", "no", "off", "False", "NO"):
        assert smtp_config(f"smtp://h:587?starttls={word}").start_tls is False
    for word in ("true", "1", "yes", "on", "required", "TRUE", "Required"):
        assert smtp_config(f"smtp://h:587?starttls={word}").start_tls is True
    assert smtp_config("smtp://h:587?starttls=").start_tls is None
    with pytest.raises(ValueError, match="smtp://"):
        smtp_config("http://h")
    with pytest.raises(ValueError, match=r"^starttls='ture': expected true or false$"):
        smtp_config("smtp://h:587?starttls=ture")
    assert smtp_config("smtp://h:2525?timeout=600").port == 2525


@pytest.mark.parametrize(
    ("url", "said"),
    [("smtp:/no-host", "'smtp:/no-host': expected smtp://host[:port] or smtps://host[:port]"),
     ("mail.campus.example:587", "expected smtp://host[:port]"),
     ("smtp://h:587?starttls=ture", "starttls='ture': expected true or false"),
     ("smtp://h:99999", "'smtp://h:99999': the port is not a number from 1 to 65535"),
     ("smtp://h:port", "the port is not a number from 1 to 65535"),
     ("smtp://h?timeout=abc", "timeout='abc': expected whole seconds from 1 to 600"),
     ("smtp://h?timeout=0", "timeout='0': expected whole seconds from 1 to 600"),
     ("smtp://h?timeout=601", "timeout='601'"),
     ("smtp://h?timeout=-5", "timeout='-5'")],
)  # fmt: skip
def test_a_bad_smtp_url_stops_the_start_and_says_what_is_wrong(url, said):
    with pytest.raises(ValueError, match=re.escape(said)):
        Settings(smtp_url=url)


def test_email_is_off_without_an_smtp_url():
    assert Settings(smtp_url="").smtp is None
    assert Settings(smtp_url="smtp://mail.campus.example").smtp == smtp_config(
        "smtp://mail.campus.example"
    )
