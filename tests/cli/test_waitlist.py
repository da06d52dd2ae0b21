"""``compax waitlist`` against a real ``compax serve``: a member waits for a taken room, gets
the offer when staff cancel the booking in the way, accepts it; waits for any room that
fits, declines, leaves."""

from __future__ import annotations

from typing import Any

import pytest

from compax_sdk import Compax
from tests.cli.conftest import Cli, tag
from tests.dates import Y2031

pytestmark = pytest.mark.slow
PASSWORD = "waiting-pass-123"


def test_wait_get_the_offer_accept_decline_and_leave(
    admin_cli: Cli, cli: Cli, api: Compax, campus: dict[str, Any]
) -> None:
    room = campus["mid"]
    email = f"wait-{tag().lower()}@campus.example"
    api.users.create(email=email, full_name="Walt Waiting", role="member", password=PASSWORD)
    me = cli.login(email, PASSWORD)
    taken = api.bookings.create(
        room_id=room.id,
        title="Faculty meeting",
        start=f"{Y2031}-03-04T10:00:00+01:00",
        end=f"{Y2031}-03-04T11:00:00+01:00",
    )
    joined = me.ok(
        "waitlist",
        "join",
        "-r",
        room.code,
        "-t",
        "Study group",
        "-s",
        f"{Y2031}-03-04 10:00",
        "-d",
        "1h",
    )
    assert "You are waiting" in joined.output and "waiting" in joined.output
    entry = me.json("waitlist", "list")[0]
    assert entry["state"] == "waiting" and entry["room_id"] == room.id

    api.bookings.cancel(taken.id, version=taken.version)
    shown = me.ok("waitlist", "show", str(entry["id"])).output
    assert "offered" in shown and "offer until" in shown
    assert room.code in shown and "10:00-11:00 CET" in shown  # the room's code, its zone
    listed = me.ok("waitlist", "list").output
    assert room.code in listed and "who" not in listed  # a member's own entries: no owner column
    everyone = admin_cli.ok("waitlist", "list").output
    assert "Walt Waiting" in everyone  # staff see whose entry it is, by name
    accepted = me.ok("waitlist", "accept", str(entry["id"]))
    assert "Booked: booking" in accepted.output and "(confirmed)" in accepted.output
    assert f", {room.code}," in accepted.output
    again = me("waitlist", "accept", str(entry["id"]))
    assert again.exit_code == 4 and "accepted" in again.output

    # Any room with 30 seats and a projector, free already: offered at once, then declined.
    offer = me.json(
        "waitlist",
        "join",
        "-c",
        "30",
        "-f",
        "projector,whiteboard",  # both, as for rooms search
        "-t",
        "Seminar",
        "-s",
        f"{Y2031}-03-05 14:00",
        "-e",
        f"{Y2031}-03-05 15:00",
    )
    assert offer["state"] == "offered" and offer["room_id"] is None
    held = api.bookings.get(offer["booking_id"])
    assert (held.status, held.room_id) == ("held", room.id)
    any_room = me.ok("waitlist", "show", str(offer["id"])).output
    assert "any, >= 30 seats, projector, whiteboard" in any_room and f"in {room.code}" in any_room
    # any room anywhere: read in the campus's zone, as typed (it showed this machine's)
    assert "14:00-15:00 CET" in any_room
    assert "14:00-15:00 CET" in me.ok("waitlist", "list").output
    declined = me.ok("waitlist", "decline", str(offer["id"]))
    assert "Declined" in declined.output
    assert api.bookings.get(offer["booking_id"]).status == "cancelled"

    later = me.json(
        "waitlist", "join", "-r", str(room.id), "-t", "x", "-s", f"{Y2031}-03-06 09:00", "-d", "30m"
    )
    me.ok("waitlist", "leave", str(later["id"]))
    listed = me.json("waitlist", "list", "--state", "Left,declined")  # any case, a,b
    assert [e["id"] for e in listed] == [offer["id"], later["id"]]
    bad = me("waitlist", "list", "--state", "nope")
    assert bad.exit_code == 2 and "'nope' is not one of waiting, offered" in bad.stderr
    both = me(
        "waitlist",
        "join",
        "-r",
        room.code,
        "-c",
        "3",
        "-t",
        "x",
        "-s",
        f"{Y2031}-03-06 09:00",
        "-d",
        "1h",
    )
    assert both.exit_code == 2 and "--room" in both.output
    staff_view = admin_cli.json("waitlist", "list", "--user", email)
    assert len(staff_view) == 3
