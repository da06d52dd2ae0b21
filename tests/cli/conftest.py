"""CLI test fixtures: a real ``compax serve`` per test module (a fresh SQLite file, a
bootstrap admin), and ``Cli``, which runs ``compax`` commands in-process with Typer's
CliRunner against it, with its own config directory.

Tests share their module's server, so each one makes its own buildings and rooms (codes with
a random tag) and never counts on another's leftovers.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from compax_cli.main import app
from compax_sdk import Compax, Room
from tests.cli.screen import Screen
from tests.e2e.servers import LiveServer

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@campus.example", "first admin pw"
MEMBER_PASSWORD = "member password 1"
BERLIN = "Europe/Berlin"
WEEKDAYS_8_TO_20 = {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}

# Variables of the shell running the tests that would change what the CLI does.
CLEAN_ENV: dict[str, str | None] = {
    name: None
    for name in (
        "COMPAX_URL",
        "COMPAX_API_KEY",
        "COMPAX_TOKEN",
        "COMPAX_PROFILE",
        "COMPAX_TZ",
        "XDG_CONFIG_HOME",
    )
}


class Cli:
    """``cli("rooms", "list")`` runs ``compax rooms list`` against the server, with this
    config directory; ``cli.json(...)`` adds ``--json``, checks exit code 0 and parses."""

    def __init__(self, url: str, config_dir: Path, **env: str | None) -> None:
        self.url = url
        self.config_dir = config_dir
        self.env: dict[str, str | None] = {
            **CLEAN_ENV,
            "COMPAX_URL": url,
            "COMPAX_CONFIG_DIR": str(config_dir),
            "COLUMNS": "200",
            **env,
        }
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, **env: str | None) -> Result:
        result = self.runner.invoke(app, list(args), input=input, env={**self.env, **env})
        # A refusal names an option or argument of the command, never an API field it
        # could not place (``errors.option_for`` falls back to the field's name).
        unplaced = re.search(r"^(?:error: |  )([a-z]+_[a-z_.]+):", result.stderr, re.M)
        assert unplaced is None, f"{unplaced.group(1)} named in:\n{result.stderr}"
        return result

    def ok(self, *args: str, input: str | None = None, **env: str | None) -> Result:
        result = self(*args, input=input, **env)
        assert result.exit_code == 0, f"exit {result.exit_code}\n{result.output}"
        assert "Traceback" not in result.output
        return result

    def json(self, *args: str, **env: str | None) -> Any:
        result = self.ok("--json", *args, **env)
        return json.loads(result.stdout)

    def login(self, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> Cli:
        self.ok("login", "--email", email, "--password", password)
        return self


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing here reads or writes the profiles of whoever runs the tests."""
    monkeypatch.setenv("COMPAX_CONFIG_DIR", str(tmp_path / "user-config"))


@pytest.fixture
def screen(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Screen]:
    """The CLI's consoles at a width, read back as text (``tests.cli.screen``)."""
    return lambda width: Screen(monkeypatch, width)


def tag() -> str:
    return uuid.uuid4().hex[:6].upper()


def words(result: Result) -> str:
    """What a command said on stderr, its line breaks (the terminal's width) undone."""
    return " ".join(result.stderr.split())


def rows(text: str) -> list[str]:
    """Each line of what a command printed, a table's borders dropped and its spaces
    squeezed: ``"id 7"``, ``"7 Lab M-101 weekly, 2 times"``."""
    return [" ".join(re.sub("[┃│]", " ", line).split()) for line in text.splitlines()]


def serve(tmp_path_factory: pytest.TempPathFactory, **env: str) -> Iterator[LiveServer]:
    """A server with the bootstrap admin and ``env``, for a module's ``server`` fixture."""
    env = {
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        **env,
    }
    with LiveServer(tmp_path_factory.mktemp("server"), env) as live:
        yield live


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve(tmp_path_factory)


@pytest.fixture(scope="module")
def admin_cli(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """Logged in as the bootstrap admin (once per module)."""
    return Cli(server.url, tmp_path_factory.mktemp("admin-config")).login()


@pytest.fixture
def cli(server: LiveServer, tmp_path: Path) -> Cli:
    """Not logged in, with a config directory of its own."""
    return Cli(server.url, tmp_path / "config")


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[Compax]:
    """The SDK as the admin, to set up what a test needs quickly."""
    with Compax(base_url=server.url, api_key="", access_token="") as client:
        client.auth.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        yield client


@pytest.fixture
def campus(api: Compax) -> dict[str, Any]:
    """A building of its own (Berlin, open weekdays 08-20) with three rooms: ``small`` (12
    seats, projector), ``mid`` (30, projector + whiteboard) and ``big`` (80, whiteboard)."""
    t = tag()
    for code, name in (("projector", "Projector"), ("whiteboard", "Whiteboard")):
        if code not in {f.code for f in api.features.list()}:
            api.features.create(code=code, name=name)
    building = api.buildings.create(
        code=f"B{t}", name=f"Hall {t}", timezone=BERLIN, opening_hours=WEEKDAYS_8_TO_20
    )
    rooms: dict[str, Room] = {}
    for key, seats, features in (
        ("small", 12, ["projector"]),
        ("mid", 30, ["projector", "whiteboard"]),
        ("big", 80, ["whiteboard"]),
    ):
        rooms[key] = api.rooms.create(
            code=f"{t}-{key}",
            name=f"{key.title()} room",
            building_id=building.id,
            capacity=seats,
            features=features,
        )
    return {"tag": t, "building": building, **rooms}


@pytest.fixture
def member(api: Compax, server: LiveServer) -> Iterator[Compax]:
    """An SDK client logged in as a new member (for requests that wait for approval)."""
    email = f"member-{tag().lower()}@campus.example"
    api.users.create(email=email, full_name="Mia Member", role="member", password=MEMBER_PASSWORD)
    with Compax(base_url=server.url, api_key="", access_token="") as client:
        client.auth.login(email, MEMBER_PASSWORD)
        yield client
