"""``compax bookings``: book in the building's local time, conflicts (exit 4, with the booking
in the way and alternatives), the queue of pending requests, approve and reject."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from compax_cli.bookings import CSV_FIELDS
from compax_sdk import Booking, Compax, Room
from tests.cli.conftest import ADMIN_EMAIL, MEMBER_PASSWORD, tag, words
from tests.dates import Y2031

pytestmark = pytest.mark.slow


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def book(client: Compax, room: Room, title: str, day: str, hours: str) -> Booking:
    """``book(api, room, "Exam", "03-04", "09:00-11:00")``: a booking that day of 2031, in UTC."""
    start, end = hours.split("-")
    return client.bookings.create(
        room_id=room.id,
        title=title,
        start=utc(f"{Y2031}-{day}T{start}Z"),
        end=utc(f"{Y2031}-{day}T{end}Z"),
    )


def test_create_reads_local_time_in_the_buildings_zone(admin_cli, campus):
    room = campus["mid"]
    made = admin_cli.json(
        "bookings", "create", "-r", room.code, "-t", "Linear algebra",
        "-s", f"{Y2031}-03-04 10:00", "-d", "90m",
    )  # fmt: skip
    assert utc(made["start"]) == datetime(Y2031, 3, 4, 9, tzinfo=UTC)  # CET is UTC+1
    assert utc(made["end"]) == datetime(Y2031, 3, 4, 10, 30, tzinfo=UTC)
    assert made["status"] == "confirmed"

    summer = admin_cli.json(
        "bookings", "create", "-r", room.code, "-t", "Summer school",
        "-s", f"{Y2031}-07-01 10:00", "-e", f"{Y2031}-07-01 12:00",
    )  # fmt: skip
    assert utc(summer["start"]) == datetime(Y2031, 7, 1, 8, tzinfo=UTC)  # CEST is UTC+2

    explicit = admin_cli.json(
        "bookings",
        "create",
        "-r",
        room.code,
        "-t",
        "Zoned",
        "-s",
        f"{Y2031}-03-05T10:00 UTC",
        "-d",
        "1h",
    )
    assert utc(explicit["start"]) == datetime(Y2031, 3, 5, 10, tzinfo=UTC)
    offset = admin_cli.json(
        "bookings", "create", "-r", room.code, "-t", "Offset", "-s", f"{Y2031}-03-06T10:00:00+01:00",
        "-d", "1h",
    )  # fmt: skip
    assert utc(offset["start"]) == datetime(Y2031, 3, 6, 9, tzinfo=UTC)


def test_times_are_shown_in_the_buildings_zone_or_tz(admin_cli, api, campus):
    room = campus["big"]
    booking = book(api, room, "Seminar", "03-04", "09:00-11:00")
    shown = admin_cli.ok("bookings", "show", str(booking.id)).stdout
    assert f"Tue {Y2031}-03-04 10:00-12:00 CET" in shown
    in_utc = admin_cli.ok("bookings", "show", str(booking.id), "--tz", "UTC").stdout
    assert f"Tue {Y2031}-03-04 09:00-11:00 UTC" in in_utc
    new_york = admin_cli.ok("--tz", "America/New_York", "bookings", "list", "-r", room.code).stdout
    assert f"Tue {Y2031}-03-04 04:00-06:00 EST" in new_york
    raw = json.loads(admin_cli.ok("bookings", "show", str(booking.id), "--json").stdout)
    assert raw["start"] == f"{Y2031}-03-04T09:00:00Z"  # JSON keeps the server's UTC instants


def test_list_filters_and_json(admin_cli, api, campus):
    small, mid = campus["small"], campus["mid"]
    first = book(api, small, "A", "03-03", "09:00-10:00")
    second = book(api, mid, "B", "03-04", "09:00-10:00")
    api.bookings.cancel(second)
    assert [b["id"] for b in admin_cli.json("bookings", "list", "-r", small.code)] == [first.id]
    in_week = admin_cli.json(
        "bookings", "list", "-r", mid.code, "--from", f"{Y2031}-03-04", "--to", f"{Y2031}-03-05",
        "--status", "cancelled",
    )  # fmt: skip
    assert [(b["id"], b["status"]) for b in in_week] == [(second.id, "cancelled")]
    assert admin_cli.json("bookings", "list", "-r", mid.code, "--status", "confirmed") == []
    bad = admin_cli("bookings", "list", "--status", "done")
    assert bad.exit_code == 2 and "--status" in bad.stderr


def test_a_conflict_is_exit_code_4_with_the_booking_in_the_way_and_alternatives(
    admin_cli, api, campus, member
):
    small, mid = campus["small"], campus["mid"]
    in_way = book(member, small, "Exam", "03-03", "09:00-11:00")
    result = admin_cli(
        "bookings",
        "create",
        "-r",
        small.code,
        "-t",
        "Seminar",
        "-s",
        f"{Y2031}-03-03 11:00",
        "-d",
        "1h",
    )
    assert result.exit_code == 4
    assert result.stdout == ""
    said, offered = result.stderr.split("  free at that time and fitting:\n")
    assert said == (  # the room's code is in the first line: not again in the second
        f"error: room {small.code} is booked Mon {Y2031}-03-03 10:00-12:00 CET\n"
        f"  in the way: booking {in_way.id} 'Exam', Mon {Y2031}-03-03 10:00-12:00 CET, "
        f"confirmed, booked by Mia Member <{member.me.get().email}>\n"
    )
    # Up to three rooms free then with at least its seats and features: those of its own
    # building first (ours has one such room: mid), then any of the shared test server's.
    offered = offered.splitlines()
    assert 1 <= len(offered) <= 3 and all(line.endswith("seats)") for line in offered)
    assert offered[0].split()[0] == mid.code, offered
    assert "Traceback" not in result.output


def test_move_rename_and_cancel(admin_cli, api, campus):
    small, big = campus["small"], campus["big"]
    booking = book(api, small, "Draft", "03-05", "09:00-10:30")
    moved = admin_cli.json("bookings", "move", str(booking.id), "--start", f"{Y2031}-03-05 14:00")
    assert utc(moved["start"]) == datetime(Y2031, 3, 5, 13, tzinfo=UTC)
    assert utc(moved["end"]) == datetime(Y2031, 3, 5, 14, 30, tzinfo=UTC)  # length kept
    other_room = admin_cli.json("bookings", "move", str(booking.id), "--room", big.code)
    assert (other_room["room_id"], other_room["start"]) == (big.id, moved["start"])
    renamed = admin_cli.ok("bookings", "rename", str(booking.id), "Final", "--json")
    assert json.loads(renamed.stdout)["title"] == "Final"  # --json after the command
    said = admin_cli.ok("bookings", "rename", str(booking.id), "Final exam")
    assert said.stderr == f"Renamed booking {booking.id}.\n"
    again = admin_cli.ok("bookings", "rename", str(booking.id), "Final exam")
    assert again.stderr == f"Nothing changed: booking {booking.id} already had this title.\n"
    there = admin_cli.ok("bookings", "move", str(booking.id), "--room", big.code)
    assert words(there) == (
        f"Nothing changed: booking {booking.id} is already in {big.code} "
        f"Wed {Y2031}-03-05 14:00-15:30 CET."
    )
    assert api.bookings.get(booking.id).version == 5  # made, moved twice, renamed twice
    assert re.search(rf"^room +{big.code} ", said.stdout, re.M) and "Final exam" in said.stdout
    long = admin_cli("bookings", "rename", str(booking.id), "t" * 201)
    assert (long.exit_code, long.stderr) == (
        2, "error: TITLE: String should have at most 200 characters\n"
    )  # fmt: skip
    assert api.bookings.get(booking.id).version == 5
    cancelled = admin_cli.ok("bookings", "cancel", str(booking.id), "--reason", "ill")
    assert cancelled.stderr == f"Cancelled booking {booking.id}.\n"
    assert re.search(rf"^room +{big.code} ", cancelled.stdout, re.M) and "ill" in cancelled.stdout
    other = book(api, small, "Other", "03-05", "12:00-13:00")
    as_json = admin_cli.ok("bookings", "cancel", str(other.id), "--json")  # after the command
    assert (json.loads(as_json.stdout)["status"], as_json.stderr) == (
        "cancelled", f"Cancelled booking {other.id}.\n"
    )  # fmt: skip
    again = admin_cli("bookings", "cancel", str(booking.id))
    assert again.exit_code == 4
    assert admin_cli("bookings", "show", "999999").exit_code == 3
    nothing = admin_cli("bookings", "move", str(booking.id))
    assert nothing.exit_code == 2
    assert words(nothing) == "error: nothing to change: give --start, --end, --duration or --room"


def test_outside_opening_hours_is_an_error_that_staff_may_override(admin_cli, campus):
    room = campus["mid"].code
    late = admin_cli(
        "bookings", "create", "-r", room, "-t", "Late", "-s", f"{Y2031}-03-03 21:00", "-d", "1h"
    )
    assert late.exit_code == 1
    assert "not open" in late.stderr and "--override" in late.stderr
    forced = admin_cli.json(
        "bookings", "create", "-r", room, "-t", "Late", "-s", f"{Y2031}-03-03 21:00", "-d", "1h",
        "--override",
    )  # fmt: skip
    assert forced["status"] == "confirmed"


def test_the_pending_queue_approve_and_reject(admin_cli, api, campus, member):
    room = api.rooms.update(campus["mid"], requires_approval=True)
    first = book(member, room, "Defence", "03-06", "09:00-10:00")
    rival = book(member, room, "Reading", "03-06", "09:30-10:30")
    later = book(member, room, "Later", "03-07", "09:00-10:00")
    elsewhere = api.rooms.update(campus["big"], requires_approval=True)
    other = book(member, elsewhere, "Elsewhere", "03-06", "09:00-10:00")
    queue = admin_cli.json("bookings", "pending", "-r", room.code)
    assert [b["id"] for b in queue] == [first.id, rival.id, later.id]
    assert [b["competes_with"] for b in queue] == [[rival.id], [first.id], []]
    everywhere = admin_cli.ok("bookings", "pending", "--json", "--tz", "UTC")  # after it
    assert {first.id, rival.id, later.id, other.id} <= {
        b["id"] for b in json.loads(everywhere.stdout)
    }
    table = admin_cli.ok("bookings", "pending", "-r", room.code).stdout
    assert f"Thu {Y2031}-03-06 10:00-11:00 CET" in table and "Defence" in table
    in_utc = admin_cli.ok("bookings", "pending", "-r", room.code, "--tz", "UTC").stdout
    assert f"Thu {Y2031}-03-06 09:00-10:00 UTC" in in_utc
    admin_cli.ok("bookings", "reject", str(other.id))

    approved = admin_cli.ok("bookings", "approve", str(first.id))
    assert approved.stderr == (
        f"Approved booking {first.id}; rejected the overlapping {rival.id}.\n"
    )
    assert (
        re.search(rf"^room +{room.code} ", approved.stdout, re.M) and "confirmed" in approved.stdout
    )
    assert api.bookings.get(rival.id).status == "rejected"
    rejected = admin_cli.ok("bookings", "reject", str(later.id), "--reason", "exam week")
    assert rejected.stderr == f"Rejected booking {later.id}.\n"
    assert (
        re.search(rf"^room +{room.code} ", rejected.stdout, re.M) and "exam week" in rejected.stdout
    )
    alone = book(member, room, "Alone", "03-10", "09:00-10:00")
    alone_json = book(member, room, "Alone too", "03-11", "09:00-10:00")
    as_json = admin_cli.ok("bookings", "approve", str(alone_json.id), "--json")  # after it
    assert json.loads(as_json.stdout)["rejected_booking_ids"] == [] and as_json.stderr == ""
    approved_alone = admin_cli.ok("bookings", "approve", str(alone.id))
    assert approved_alone.stderr == f"Approved booking {alone.id}.\n"  # nothing rejected, not said
    assert admin_cli.json("bookings", "pending", "-r", room.code) == []
    assert "No pending requests" in admin_cli.ok("bookings", "pending", "-r", room.code).stderr


def test_a_move_says_when_it_changes_whether_the_booking_waits(admin_cli, api, campus, member):
    """A request moved to a room that needs no approval is confirmed there: the move says so."""
    asked = api.rooms.update(campus["mid"], requires_approval=True)
    request = book(member, asked, "Defence", "03-06", "09:00-10:00")
    assert request.status == "pending"
    moved = admin_cli.ok("bookings", "move", str(request.id), "--room", campus["big"].code)
    assert (
        f"Moved booking {request.id} to {campus['big'].code} Thu {Y2031}-03-06 10:00-11:00 CET. "
        "It is confirmed: the room needs no approval."
    ) in words(moved)
    assert api.bookings.get(request.id).status == "confirmed"
    again = admin_cli.ok("bookings", "move", str(request.id), "--start", f"{Y2031}-03-06 12:00")
    assert "It is" not in again.stderr and "waits" not in again.stderr


def test_staff_book_for_a_member(admin_cli, api, campus, member):
    me = member.me.get()
    made = admin_cli.json(
        "bookings", "create", "-r", campus["big"].code, "-t", f"For {tag()}", "-s", f"{Y2031}-03-07 09:00",
        "-d", "1h", "--owner", me.email,
    )  # fmt: skip
    assert made["owner_id"] == me.id
    assert [b["id"] for b in admin_cli.json("bookings", "list", "--owner", me.email)] == [
        made["id"]
    ]
    shown = admin_cli.ok(
        "bookings", "create", "-r", campus["big"].code, "-t", f"For {tag()}", "-s", f"{Y2031}-03-07 11:00",
        "-d", "1h", "--owner", me.email,
    ).stdout  # fmt: skip
    owner = next(line for line in shown.splitlines() if line.startswith("owner"))
    assert owner.split(maxsplit=1)[1].rstrip().endswith(f"<{me.email}>")  # both by name
    booked = next(line for line in shown.splitlines() if line.startswith("booked"))
    assert ADMIN_EMAIL in booked.split(" by ")[1]  # not "user 1"


def test_the_queue_puts_yours_first_and_says_when_there_are_more(admin_cli, api, campus, member):
    """For staff, requests in rooms nobody manages are theirs to decide and come first;
    those of a room someone else manages follow (``--mine`` leaves them out); ``--limit``
    cuts the queue and says more exist."""
    yours_room = api.rooms.update(campus["mid"], requires_approval=True)
    their_room = api.rooms.update(campus["big"], requires_approval=True)
    manager = f"mgr-{tag().lower()}@campus.example"
    api.users.create(email=manager, full_name="Mo Manager", role="staff", password=MEMBER_PASSWORD)
    api.managers.add(room_id=their_room.id, email=manager)
    theirs = book(member, their_room, "Theirs", "03-06", "08:00-09:00")
    yours = book(member, yours_room, "Yours", "03-07", "09:00-10:00")
    queue = admin_cli.json("bookings", "pending")
    ids = [b["id"] for b in queue]
    assert ids.index(yours.id) < ids.index(theirs.id)  # the later one first: it is yours
    flags = {b["id"]: b["yours_to_decide"] for b in queue}
    assert (flags[yours.id], flags[theirs.id]) == (True, False)
    mine = {b["id"] for b in admin_cli.json("bookings", "pending", "--mine")}
    assert yours.id in mine and theirs.id not in mine
    table = admin_cli.ok("bookings", "pending", "-r", their_room.code).stdout
    row = next(line for line in table.splitlines() if f"│ {theirs.id} " in line)
    assert "Theirs" in row and "yes" not in row  # not yours
    cut = admin_cli.ok("bookings", "pending", "--limit", "1")
    assert "Showing the first 1 request; more exist" in words(cut)
    assert len(admin_cli.json("bookings", "pending", "--limit", "1")) == 1
    for request in (theirs, yours):
        admin_cli.ok("bookings", "reject", str(request.id))


def test_the_queue_leaves_out_requests_whose_time_has_passed(admin_cli, api, campus, member):
    """A request moved into the past by staff stays pending; the queue shows it only with
    ``--include-past``. A queue of exactly ``--limit`` requests says no more exist, and a
    ``--limit`` above the server's page size is read in pages."""
    room = api.rooms.update(campus["mid"], requires_approval=True)
    past = book(member, room, "Past", "03-06", "09:00-10:00")
    soon = book(member, room, "Soon", "03-07", "09:00-10:00")
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=1)
    api.bookings.update(past, start=start, end=start + timedelta(hours=1), override=True)
    assert api.bookings.get(past.id).status == "pending"

    def ids(*args: str) -> list[int]:
        return [b["id"] for b in admin_cli.json("bookings", "pending", "-r", room.code, *args)]

    assert ids() == [soon.id]
    assert ids("--include-past") == [past.id, soon.id]
    assert ids("--include-past", "--limit", "1000") == [past.id, soon.id]
    exactly = admin_cli.ok("bookings", "pending", "-r", room.code, "--include-past", "--limit", "2")
    assert "more exist" not in exactly.stderr
    table = exactly.stdout.splitlines()
    assert table[0].strip() == "Pending requests"
    header = next(line for line in table if "id" in line.split())
    assert [cell.strip() for cell in header.split("┃")[1:-1]] == [
        "id", "room", "when", "asked by", "competes with", "yours", "title"
    ]  # fmt: skip
    assert exactly.stderr.strip().endswith(
        "Decide with `compax bookings approve ID` or `compax bookings reject ID`."
    )
    admin_cli.ok("bookings", "reject", str(past.id))
    as_json = admin_cli.ok("bookings", "reject", str(soon.id), "--json")  # after the command
    assert json.loads(as_json.stdout)["status"] == "rejected"


def test_create_says_what_it_booked_and_sends_every_option(admin_cli, api, campus):
    """The words of a booking; ``--end``; ``--description``, ``--attendees`` and
    ``--idempotency-key`` reach the server (the same key again is the same booking); exactly
    one of ``--end`` and ``--duration``; times typed and refused in the room's zone, whatever
    other zones the campus has."""
    room = campus["mid"]
    api.buildings.create(code=f"L{tag()}", name="London hall", timezone="Europe/London")
    args = (
        "bookings", "create", "-r", room.code, "-t", "Seminar", "-s", f"{Y2031}-03-10 10:00",
        "-e", f"{Y2031}-03-10 11:30", "--description", "Bring chalk", "--attendees", "12",
        "--idempotency-key", f"seminar-{tag()}",
    )  # fmt: skip
    made = admin_cli.ok(*args)
    booking = api.bookings.list(room_id=room.id).data[0]
    assert (
        words(made)
        == f"Booked {room.code} Mon {Y2031}-03-10 10:00-11:30 CET: booking {booking.id}."
    )
    assert (booking.start, booking.end) == (
        utc(f"{Y2031}-03-10T09:00Z"),
        utc(f"{Y2031}-03-10T10:30Z"),
    )
    assert (booking.title, booking.description, booking.attendees) == ("Seminar", "Bring chalk", 12)
    assert admin_cli.json(*args)["id"] == booking.id
    assert [b.id for b in api.bookings.list(room_id=room.id).data] == [booking.id]
    start = ("bookings", "create", "-r", room.code, "-t", "X", "-s", f"{Y2031}-03-11 10:00")
    for extra in ((), ("-e", f"{Y2031}-03-11 11:00", "-d", "1h")):
        refused = admin_cli(*start, *extra)
        assert refused.exit_code == 2
        assert "Invalid value for --end: give --end or --duration" in words(refused)
    zero = admin_cli(*start, "-d", "0m")
    assert (
        zero.exit_code == 2
        and "Invalid value for --duration: '0m': give at least a minute" in words(zero)
    )
    for option, value in (("-s", "soon"), ("-e", "later")):
        bad = admin_cli(
            *start[:-2], "-s", f"{Y2031}-03-11 10:00", "-e", f"{Y2031}-03-11 11:00", option, value
        )
        name = {"-s": "--start", "-e": "--end"}[option]
        assert bad.exit_code == 2 and f"Invalid value for {name}: {value!r} is not a time" in words(
            bad
        )
    assert [b.id for b in api.bookings.list(room_id=room.id).data] == [booking.id]
    in_utc = admin_cli.ok(*args[:7], f"{Y2031}-03-10 14:00", "-d", "1h", "--json", "--tz", "UTC")
    made_utc = json.loads(in_utc.stdout)  # --json and --tz after the command
    assert utc(made_utc["start"]) == utc(f"{Y2031}-03-10T14:00Z")
    api.buildings.create_closure(
        campus["building"].id, reason="Works", start_date=date(Y2031, 3, 12),
        end_date=date(Y2031, 3, 12), room_id=room.id,
    )  # fmt: skip
    closed = admin_cli(*start[:-1], f"{Y2031}-03-12 10:00", "-d", "1h")
    assert (closed.exit_code, closed.stderr.splitlines()[0]) == (
        1, f"error: closed: Works (Wed {Y2031}-03-12 00:00-24:00 CET)"
    )  # fmt: skip


def test_a_members_request_says_it_waits_and_whom_to_ask(cli, api, campus, member):
    asked = api.rooms.update(campus["small"], requires_approval=True)
    cli.login(member.me.get().email, MEMBER_PASSWORD)
    made = cli.ok(
        "bookings", "create", "-r", asked.code, "-t", "Defence", "-s", f"{Y2031}-03-10 10:00",
        "-d", "1h",
    )  # fmt: skip
    request = api.bookings.list(room_id=asked.id).data[0]
    assert request.status == "pending"
    assert words(made) == (
        f"Booked {asked.code} Mon {Y2031}-03-10 10:00-11:00 CET: booking {request.id} "
        f"(waiting for approval; whom to ask: compax rooms show {asked.code})."
    )
    mine = book(member, campus["big"], "Mine", "03-11", "09:00-10:00")
    moved = cli.ok("bookings", "move", str(mine.id), "--room", asked.code)
    assert words(moved) == (
        f"Moved booking {mine.id} to {asked.code} Tue {Y2031}-03-11 10:00-11:00 CET. "
        "It waits for approval there."
    )
    assert api.bookings.get(mine.id).status == "pending"
    for each in (request, mine):
        api.bookings.reject(api.bookings.get(each.id))


def test_move_by_end_or_duration_keeps_the_start(admin_cli, api, campus):
    """``--end`` alone or ``--duration`` alone moves the end only; both are refused;
    ``--override`` lets staff move past the opening hours."""
    room = campus["small"]
    booking = book(api, room, "Draft", "03-12", "09:00-10:00")
    ended = admin_cli.ok("bookings", "move", str(booking.id), "--end", f"{Y2031}-03-12 12:00")
    assert words(ended).startswith(
        f"Moved booking {booking.id} to {room.code} Wed {Y2031}-03-12 10:00-12:00 CET."
    )
    stored = api.bookings.get(booking.id)
    assert (stored.start, stored.end) == (
        utc(f"{Y2031}-03-12T09:00Z"),
        utc(f"{Y2031}-03-12T11:00Z"),
    )
    shorter = admin_cli.json("bookings", "move", str(booking.id), "-d", "30m")
    assert (utc(shorter["start"]), utc(shorter["end"])) == (
        utc(f"{Y2031}-03-12T09:00Z"), utc(f"{Y2031}-03-12T09:30Z")
    )  # fmt: skip
    later = admin_cli.json(
        "bookings", "move", str(booking.id), "-s", f"{Y2031}-03-12 13:00", "-d", "2h"
    )
    assert (utc(later["start"]), utc(later["end"])) == (
        utc(f"{Y2031}-03-12T12:00Z"), utc(f"{Y2031}-03-12T14:00Z")
    )  # fmt: skip
    both = admin_cli("bookings", "move", str(booking.id), "-e", f"{Y2031}-03-12 15:00", "-d", "1h")
    assert both.exit_code == 2
    assert "Invalid value for --end: give --end or --duration, not both" in words(both)
    in_utc = admin_cli.ok(
        "bookings", "move", str(booking.id), "-s", f"{Y2031}-03-12 12:00", "--json", "--tz", "UTC"
    )  # --json and --tz after the command
    assert utc(json.loads(in_utc.stdout)["start"]) == utc(f"{Y2031}-03-12T12:00Z")
    late = ("bookings", "move", str(booking.id), "-s", f"{Y2031}-03-12 21:00")
    assert admin_cli(*late).exit_code == 1
    assert utc(admin_cli.json(*late, "--override")["start"]) == utc(f"{Y2031}-03-12T20:00Z")
    assert api.bookings.get(booking.id).version == 5  # the refusals and the move to 12:00 UTC
    # (where it was) changed nothing


def test_list_by_owner_series_and_building_as_a_table_and_csv(admin_cli, api, campus, member):
    small, big = campus["small"], campus["big"]
    ours = book(api, small, "Ours", "03-13", "09:00-10:00")
    theirs = book(member, big, "Theirs", "03-13", "11:00-12:00")
    series = api.series.create(
        room_id=small.id, title="Weekly", start_date=date(Y2031, 3, 14),
        start_time="09:00", duration_minutes=60, recurrence={"freq": "weekly", "count": 2},
    )  # fmt: skip
    building = campus["building"].code
    in_building = admin_cli.json("bookings", "list", "-b", building)
    occurrences = [b["id"] for b in admin_cli.json("bookings", "list", "--series", str(series.id))]
    assert len(occurrences) == 2 and set(occurrences) < {b["id"] for b in in_building}
    assert [b["id"] for b in in_building][:2] == [ours.id, theirs.id]
    email = member.me.get().email
    assert [b["id"] for b in admin_cli.json("bookings", "list", "--owner", email)] == [theirs.id]
    after = admin_cli.ok("bookings", "list", "--owner", email, "--json")  # after the command
    assert [b["id"] for b in json.loads(after.stdout)] == [theirs.id]
    in_utc = admin_cli.ok("bookings", "list", "--owner", email, "--tz", "UTC").stdout
    assert f"Thu {Y2031}-03-13 11:00-12:00 UTC" in in_utc
    # With buildings in two zones, a time without one is read in the room's or building's:
    api.buildings.create(code=f"L{tag()}", name="London hall", timezone="Europe/London")
    before = admin_cli.json("bookings", "list", "-b", building, "--to", f"{Y2031}-03-13 10:30")
    assert [b["id"] for b in before] == [ours.id]
    room_before = admin_cli.json(
        "bookings", "list", "-r", small.code, "--to", f"{Y2031}-03-13 10:30"
    )
    assert [b["id"] for b in room_before] == [ours.id]
    table = admin_cli.ok("bookings", "list", "-b", building, "--limit", "2")
    row = next(line for line in table.stdout.splitlines() if "Theirs" in line)
    assert big.code in row and "Mia Member" in row
    assert "Showing the first 2 bookings; more exist" in words(table)
    rows = list(
        csv.DictReader(
            io.StringIO(admin_cli.ok("bookings", "list", "-b", building, "--csv").stdout)
        )
    )
    assert tuple(rows[0]) == CSV_FIELDS
    assert (rows[0]["id"], rows[0]["local_start"]) == (
        str(ours.id),
        f"{Y2031}-03-13T10:00:00+01:00",
    )
    assert (rows[0]["series_id"], rows[2]["series_id"]) == ("", str(series.id))
    none = admin_cli.ok("bookings", "list", "-b", building, "--from", f"{Y2031}-12-01")
    assert (none.stdout, none.stderr) == ("", "No bookings match.\n")
    wide = admin_cli.json("bookings", "list", "-b", building, "--limit", "1000")  # in pages
    assert [b["id"] for b in wide] == [b["id"] for b in in_building]
    for option in ("--from", "--to"):
        bad = admin_cli("bookings", "list", "-b", building, option, "soon")
        assert bad.exit_code == 2 and f"Invalid value for {option}: 'soon' is not a time" in words(
            bad
        ), bad.stderr


def test_move_reads_times_in_the_new_rooms_zone_and_names_each_mistyped_option(
    admin_cli, api, campus
):
    """A move to a room in another zone reads the new time there and says so, in exactly
    those words when the booking's state stays; each mistyped option is named; a length
    kept past the calendar's end names --start. Nothing refused is written."""
    room = campus["small"]
    london = api.buildings.create(code=f"L{tag()}", name="London hall", timezone="Europe/London")
    there = api.rooms.create(code=f"L{tag()}-1", name="Lab", building_id=london.id, capacity=20)
    booking = book(api, room, "Draft", "03-14", "09:00-10:00")
    moved = admin_cli.ok(
        "bookings", "move", str(booking.id), "-r", there.code, "-s", f"{Y2031}-03-14 09:00"
    )
    assert words(moved) == (
        f"Moved booking {booking.id} to {there.code} Fri {Y2031}-03-14 09:00-10:00 GMT."
    )
    stored = api.bookings.get(booking.id)
    assert (stored.room_id, stored.start, stored.end) == (
        there.id, utc(f"{Y2031}-03-14T09:00Z"), utc(f"{Y2031}-03-14T10:00Z")
    )  # fmt: skip
    later = admin_cli.ok("bookings", "move", str(booking.id), "-s", f"{Y2031}-03-14 11:00")
    assert words(later) == (  # no --room: the zone is the booking's room's
        f"Moved booking {booking.id} to {there.code} Fri {Y2031}-03-14 11:00-12:00 GMT."
    )
    for option, value, says in (
        ("-s", "soon", "Invalid value for --start: 'soon' is not a time"),
        ("-e", "later", "Invalid value for --end: 'later' is not a time"),
        ("-d", "long", "Invalid value for --duration: 'long' is not a duration"),
        ("-d", "0m", "Invalid value for --duration: '0m': give at least a minute"),
        ("-s", "9999-12-31 23:30", "Invalid value for --start: 1h after 9999-12-31 23:30 is"),
    ):
        refused = admin_cli("bookings", "move", str(booking.id), option, value)
        assert refused.exit_code == 2 and says in words(refused), (value, refused.stderr)
    unknown = admin_cli("bookings", "move", str(booking.id), "-r", "NO-SUCH-ROOM")
    assert unknown.exit_code == 3 and "NO-SUCH-ROOM" in words(unknown), unknown.stderr
    assert api.bookings.get(booking.id).version == stored.version + 1  # the later move only
