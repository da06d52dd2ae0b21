"""``compax demo``: a sample campus in one command, and never twice."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


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
