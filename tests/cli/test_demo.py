"""``compax demo``: a sample campus in one command, and never twice.

What the demo does depends on what the server holds already, so every test here has a server
of its own (the other CLI modules share one per module): no test sees another's campus,
whatever the order they run in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from compax_sdk import Compax
from tests.cli.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Cli
from tests.e2e.servers import LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    env = {
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    folder = tmp_path / "server"
    folder.mkdir()
    with LiveServer(folder, env) as live:
        yield live


@pytest.fixture
def admin_cli(server: LiveServer, tmp_path: Path) -> Cli:
    return Cli(server.url, tmp_path / "admin-config").login()


@pytest.fixture
def api(server: LiveServer) -> Iterator[Compax]:
    with Compax(base_url=server.url, api_key="", access_token="") as client:
        client.auth.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        yield client


def test_demo_loads_a_campus_once(admin_cli):
    first = admin_cli.json("demo")
    assert first["created"] == {
        "buildings": 2,
        "features": 5,
        "rooms": 12,
        "terms": 1,
        "bookings": 5,
        "closures": 1,
        "series": 1,
        "requests": 2,
    }
    counts = {
        noun: len(admin_cli.json(noun, "list"))
        for noun in ("buildings", "rooms", "terms", "series")
    }
    bookings = admin_cli.json("bookings", "list")

    again = admin_cli.json("demo")
    assert again["created"] == {}
    assert again["existing"] == first["created"]
    assert {
        noun: len(admin_cli.json(noun, "list"))
        for noun in ("buildings", "rooms", "terms", "series")
    } == counts
    assert admin_cli.json("bookings", "list") == bookings

    queue = admin_cli.json("bookings", "pending")
    assert sorted(b["title"] for b in queue) == ["Reading group", "Thesis defence rehearsal"]
    assert all(b["competes_with"] for b in queue)
    found = admin_cli.json("rooms", "search", "-c", "100", "-f", "projector")
    assert [r["code"] for r in found["data"]] == ["M-002", "S-120", "M-001"]


def test_an_empty_campus_says_how_to_start(admin_cli):
    """What a new server's lists say (on stderr, with nothing on stdout): the way on."""
    for args, said in (
        (("buildings", "list"), "No buildings yet: `compax buildings add` (or `compax demo`)."),
        (("terms", "list"), "No terms yet: `compax terms add`."),
        (("rooms", "list"), "No room matches."),
        (("series", "list"), "No series."),
    ):
        empty = admin_cli.ok(*args)
        assert (empty.stdout, empty.stderr) == ("", said + "\n"), args


def test_demo_tells_what_to_try_next(admin_cli):
    result = admin_cli.ok("demo")
    assert "sample campus" in result.stderr.lower()
    assert "compax rooms search" in result.stderr
    assert result.stdout == ""


def test_the_demo_needs_staff(cli, member):
    cli.login(member.me.get().email, "member password 1")
    denied = cli("demo")
    assert denied.exit_code == 5 and "staff or admin" in denied.stderr


def test_the_demo_keeps_away_from_a_campus_of_its_own(admin_cli, api):
    admin_cli.ok("demo")
    api.buildings.create(code="LIB", name="Library", timezone="Europe/Berlin")
    refused = admin_cli("demo")
    assert refused.exit_code == 1 and "LIB" in refused.stderr and "--anyway" in refused.stderr
    assert admin_cli.json("demo", "--anyway")["created"] == {}
