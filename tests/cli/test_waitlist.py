"""``compax waitlist`` against a real ``compax serve``: a member waits for a taken room, gets
the offer when staff cancel the booking in the way, accepts it; waits for any room that
fits, declines, leaves."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from compax_sdk import Booking, Compax, Room
from tests.cli.conftest import Cli, rows, tag, words
from tests.dates import Y2031

pytestmark = pytest.mark.slow
PASSWORD = "waiting-pass-123"


def wait_for(api: Compax, cli: Cli, room: Room, name: str, start: str) -> tuple[Cli, str, Booking]:
    """A new member called ``name``, signed in, with their email; and the hour from ``start``
    (RFC 3339) in ``room``, booked by staff: what they will wait for."""
    email = f"{name.split()[0].lower()}-{tag().lower()}@campus.example"
    api.users.create(email=email, full_name=name, role="member", password=PASSWORD)
    begin = datetime.fromisoformat(start)
    hour = api.bookings.create(
        room_id=room.id, title="Faculty meeting", start=begin, end=begin + timedelta(hours=1)
    )
    return cli.login(email, PASSWORD), email, hour


def test_wait_get_the_offer_accept_decline_and_leave(
    admin_cli: Cli, cli: Cli, api: Compax, campus: dict[str, Any]
) -> None:
    room = campus["mid"]
    me, email, taken = wait_for(api, cli, room, "Walt Waiting", f"{Y2031}-03-04T10:00:00+01:00")
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
    booking_id = me.json("waitlist", "show", str(entry["id"]))["booking_id"]
    accepted = me.ok("waitlist", "accept", str(entry["id"]))  # on the room's clock
    assert words(accepted) == (
        f"Booked: booking {booking_id}, {room.code}, Tue {Y2031}-03-04 10:00-11:00 CET (confirmed)."
    )
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
    fits = api.rooms.get(held.room_id)  # this campus's mid room, or another test's: any fits
    assert held.status == "held" and fits.capacity >= 30
    assert {"projector", "whiteboard"} <= set(fits.features)
    any_room = me.ok("waitlist", "show", str(offer["id"])).output
    assert "any, >= 30 seats, projector, whiteboard" in any_room and f"in {fits.code}" in any_room
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
    assert bad.exit_code == 2
    assert "Invalid value for --state: 'nope' is not one of waiting, offered" in words(bad)
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


def test_each_command_says_what_it_did(
    admin_cli: Cli, cli: Cli, api: Compax, campus: dict[str, Any]
) -> None:
    """What each command prints for a person, whole, in ``--tz UTC`` (the room's clock is
    CEST): the entry waiting, then offered (the booking held and until when), the member's
    list and staff's (who), an accepted, a declined and a left entry, an offer at once."""
    room, building = campus["mid"], campus["building"]
    me, email, taken = wait_for(api, cli, room, "Wanda Words", f"{Y2031}-04-08T10:00:00+02:00")
    none = me.ok("waitlist", "list")
    assert (none.stdout, words(none)) == ("", "No waitlist entries.")
    when = ("-s", f"{Y2031}-04-08 08:00", "-d", "1h")  # --tz UTC: typed in UTC too
    joined = me.ok("waitlist", "join", "-r", room.code, "-t", "Study group", *when, "--tz", "UTC")
    entry = me.json("waitlist", "show", rows(joined.stdout)[1].removeprefix("id "))

    def at(moment: str) -> str:
        return f"{datetime.fromisoformat(moment).astimezone(UTC):%Y-%m-%d %H:%M}"

    waiting = [
        "Waitlist entry",
        f"id {entry['id']}",
        "state waiting",
        "title Study group",
        f"room {room.code}",
        f"when Tue {Y2031}-04-08 08:00-09:00 UTC",
        f"joined {at(entry['joined_at'])}",
    ]
    assert rows(joined.stdout) == waiting
    assert words(joined) == (
        f"You are waiting (entry {entry['id']}); you will get an offer when it comes free."
    )
    assert rows(me.ok("waitlist", "show", str(entry["id"]), "--tz", "UTC").stdout) == waiting

    api.bookings.cancel(taken.id, version=taken.version)
    offered = me.json("waitlist", "show", str(entry["id"]))
    until = at(offered["offer_expires_at"])
    assert rows(me.ok("waitlist", "show", str(entry["id"]), "--tz", "UTC").stdout) == [
        *waiting[:2], "state offered", *waiting[3:],
        f"booking {offered['booking_id']} in {room.code}", f"offer until {until}",
    ]  # fmt: skip
    row = f"{entry['id']} offered Study group {room.code} Tue {Y2031}-04-08 08:00-09:00 UTC {until}"
    mine = rows(me.ok("waitlist", "list", "--tz", "UTC").stdout)
    assert mine[1::2] == ["id state title room when offer until", row]
    everyone = rows(admin_cli.ok("waitlist", "list", "--user", email, "--tz", "UTC").stdout)
    assert everyone[1::2] == [
        "id state title room when offer until who", f"{row} Wanda Words <{email}>"
    ]  # fmt: skip
    accepted = me.ok("waitlist", "accept", str(entry["id"]), "--tz", "UTC")
    assert (accepted.stdout, words(accepted)) == (
        "",
        f"Booked: booking {offered['booking_id']}, {room.code}, "
        f"Tue {Y2031}-04-08 08:00-09:00 UTC (confirmed).",
    )

    any_room = me.ok(
        "waitlist", "join", "-c", "30", "-f", "projector", "-b", building.code, "-t", "Seminar",
        "-s", f"{Y2031}-04-09 14:00", "-e", f"{Y2031}-04-09 15:00", "--tz", "UTC",
    )  # fmt: skip
    seminar = me.json("waitlist", "show", rows(any_room.stdout)[1].removeprefix("id "))
    held = api.bookings.get(seminar["booking_id"])
    assert held.room_id == room.id  # the one room of 30 seats with a projector
    until = at(seminar["offer_expires_at"])
    assert rows(any_room.stdout) == [
        "Waitlist entry",
        f"id {seminar['id']}",
        "state offered",
        "title Seminar",
        f"room any, >= 30 seats, projector, in {building.code}",
        f"when Wed {Y2031}-04-09 14:00-15:00 UTC",  # --tz: typed and shown in UTC
        f"joined {at(seminar['joined_at'])}",
        f"booking {held.id} in {room.code}",
        f"offer until {until}",
    ]
    assert words(any_room) == (
        f"Free already: {room.code} is held for you until {until}. "
        f"Accept: compax waitlist accept {seminar['id']}"
    )
    declined = me.ok("waitlist", "decline", str(seminar["id"]))
    assert (declined.stdout, words(declined)) == (
        "",
        f"Declined; the room passes on (entry {seminar['id']}).",
    )
    later = me.json(
        "waitlist", "join", "-r", room.code, "-t", "x", "-s", f"{Y2031}-04-10 09:00", "-d", "30m"
    )
    left = me.ok("waitlist", "leave", str(later["id"]))
    assert (left.stdout, words(left)) == ("", f"Left the waitlist (entry {later['id']}).")
    assert rows(me.ok("waitlist", "list").stdout)[3:-1] == [
        f"{entry['id']} accepted Study group {room.code} Tue {Y2031}-04-08 10:00-11:00 CEST",
        f"{seminar['id']} declined Seminar any, >= 30 seats, projector, in {building.code} "
        f"Wed {Y2031}-04-09 16:00-17:00 CEST",
        f"{later['id']} left x {room.code} Thu {Y2031}-04-10 09:00-09:30 CEST",
    ]  # the room's clock without --tz; no offer once it is taken up

    # what cannot be asked: neither an end nor a duration; a room and criteria of any room
    for args, option, says in (
        (("-r", room.code), "--end", "give --end or --duration"),
        (("-r", room.code, "-d", "1h", "-e", f"{Y2031}-04-10 10:00"), "--end", "give --end or --duration"),
        (("-r", room.code, "-d", "1h", "-f", "projector"), "--room", "give --room, or the criteria (--capacity, --feature, --building)"),
        (("-r", room.code, "-d", "1h", "-b", building.code), "--room", "give --room, or the criteria (--capacity, --feature, --building)"),
        (("-r", room.code, "-e", "soon"), "--end", "'soon' is not a time"),
        (("-r", room.code, "-d", "forever"), "--duration", "'forever' is not a duration"),
    ):  # fmt: skip
        refused = me("waitlist", "join", "-t", "x", "-s", f"{Y2031}-04-10 09:00", *args)
        assert refused.exit_code == 2, args
        assert f"Invalid value for {option}: {says}" in words(refused), args
    late = me("waitlist", "join", "-r", room.code, "-t", "x", "-s", "soon", "-d", "1h")
    assert "Invalid value for --start: 'soon' is not a time" in words(late)

    # --json after the command, as before it
    def after(*args: str) -> Any:
        return json.loads(me.ok("waitlist", *args, "--json").stdout)

    assert [e["id"] for e in after("list")] == [entry["id"], seminar["id"], later["id"]]
    assert after("show", str(later["id"]))["state"] == "left"
    free = ("-r", room.code, "-t", "y", "-d", "30m", "-s")  # free: offered at once
    offers = [after("join", *free, f"{Y2031}-04-11 {hour}:00") for hour in (9, 10, 11)]
    assert [o["state"] for o in offers] == ["offered"] * 3
    assert after("decline", str(offers[0]["id"]))["state"] == "declined"
    taken_up = after("accept", str(offers[1]["id"]))["booking"]
    assert (taken_up["id"], taken_up["status"]) == (offers[1]["booking_id"], "confirmed")
    assert after("leave", str(offers[2]["id"]))["state"] == "left"
