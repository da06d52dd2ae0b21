"""``compax bookings check-in`` against a real server (its real clock: the booking starts
in a few minutes, so its window is open now)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.cli.conftest import tag

pytestmark = pytest.mark.slow


def test_check_in_shows_the_window_and_refuses_a_second_time(admin_cli, api):
    t = tag()
    building = api.buildings.create(code=f"C{t}", name=f"Check-in {t}", timezone="UTC")
    room = api.rooms.create(code=f"{t}-ci", name="Door", building_id=building.id, capacity=8)
    admin_cli.ok("rules", "set", "--room", room.code, "--checkin", "yes", "--checkin-closes", "20m")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
    booking = api.bookings.create(
        room_id=room.id, title="Stand-up", start=start, end=start + timedelta(minutes=30)
    )
    window = admin_cli.json("bookings", "check-in", str(booking.id), "--window")
    assert window["required"] is True
    assert datetime.fromisoformat(window["closes_at"]) == start + timedelta(minutes=20)

    done = admin_cli.ok("bookings", "check-in", str(booking.id))
    assert f"Checked in to booking {booking.id}" in done.output
    assert "check-in required" in done.output and "yes" in done.output

    again = admin_cli("bookings", "check-in", str(booking.id))
    assert again.exit_code != 0
    assert "checked in to at" in again.output
    assert api.bookings.get(booking.id).checked_in_at is not None


def test_display_token_prints_the_page_once_and_revoke_ends_it(admin_cli, api, server):
    t = tag()
    building = api.buildings.create(code=f"D{t}", name=f"Display {t}", timezone="UTC")
    room = api.rooms.create(code=f"{t}-dp", name="Door", building_id=building.id, capacity=8)
    made = admin_cli.ok("rooms", "display-token", room.code)
    assert "not shown again" in made.output
    page = next(word for word in made.output.split() if "/display/cxd_" in word)
    assert page.startswith(server.url)
    assert httpx.get(page).status_code == 200
    revoked = admin_cli.json("rooms", "display-token", room.code, "--revoke")
    assert revoked == {"room_id": room.id, "revoked": 1}
    assert httpx.get(page).status_code == 401
    admin_cli.ok("rooms", "display-token", room.code, "--json")  # --json after the command
    one = admin_cli.ok("rooms", "display-token", room.code, "--revoke")
    assert one.stderr == f"Revoked 1 display token of {room.code}.\n"
    none = admin_cli.ok("rooms", "display-token", room.code, "--revoke")
    assert none.stderr == f"Revoked 0 display tokens of {room.code}.\n"
