"""The CLI shows what the integrity issue changed: occurrences changed by hand stay changed
through series edits (and say so), and a closure over bookings lists them and asks what to
do with them."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from tests.cli.conftest import rows, words
from tests.dates import Y2031

pytestmark = pytest.mark.slow


def test_a_series_edit_keeps_a_moved_occurrence_and_says_so(admin_cli, campus):
    room, other, third = campus["small"], campus["mid"], campus["big"]
    made = admin_cli.json(
        "series", "create", "-r", room.code, "-t", "Statistics", "--start", f"{Y2031}-03-06",
        "--time", "14:00", "-d", "90m", "--count", "3",
    )  # fmt: skip
    second = made["booking_ids"][1]
    admin_cli.ok("bookings", "move", str(second), "--room", other.code)
    shown = admin_cli.ok("bookings", "show", str(second)).stdout
    assert "changed by hand" in shown and "room" in shown

    edited = admin_cli.ok("series", "move", str(made["id"]), "--room", third.code)
    assert f"kept as changed by hand: booking {second} on {Y2031}-03-13 (room)" in edited.stderr
    rooms = [b["room_id"] for b in admin_cli.json("series", "show", str(made["id"]))["occurrences"]]
    assert rooms == [third.id, other.id, third.id]

    reset = admin_cli.json(
        "series", "move", str(made["id"]), "--room", third.code, "--reset-exceptions"
    )
    assert reset["exceptions_kept"] == []
    rooms = [b["room_id"] for b in admin_cli.json("series", "show", str(made["id"]))["occurrences"]]
    assert rooms == [third.id] * 3


def test_a_closure_over_a_booking_lists_it_then_cancels_it_when_told(
    admin_cli, api, campus, member
):
    room = campus["small"]
    made = member.bookings.create(
        room_id=room.id,
        title="Exam",
        start=datetime.fromisoformat(f"{Y2031}-03-14T08:00:00+00:00"),
        end=datetime.fromisoformat(f"{Y2031}-03-14T10:00:00+00:00"),
    )
    code = campus["building"].code
    refused = admin_cli(
        "buildings", "closures", "add", code, "--reason", "Power cut", "--date", f"{Y2031}-03-14"
    )
    assert refused.exit_code == 4
    assert refused.stderr == (
        "error: the closure would cover 1 booking; nothing was changed:\n"
        f"  booking {made.id} 'Exam' in {room.code}, Fri {Y2031}-03-14 09:00-11:00 CET, "
        f"confirmed, booked by Mia Member <{member.me.get().email}>\n"
        "  add --on-bookings cancel to cancel it (its owner sees why), or --on-bookings "
        "keep to keep it\n"
    )
    assert api.bookings.get(made.id).status == "confirmed"

    done = admin_cli.ok(
        "buildings", "closures", "add", code, "--reason", "Power cut", "--date", f"{Y2031}-03-14",
        "--on-bookings", "cancel",
    )  # fmt: skip
    assert f"1 booking in that time cancelled: [{made.id}]" in done.stderr
    cancelled = api.bookings.get(made.id)
    assert (cancelled.status, cancelled.reason) == ("cancelled", "closed: Power cut")


def test_an_import_with_skip_closures_shows_the_dates_it_leaves_out(
    admin_cli, api, campus, tmp_path
):
    room = campus["mid"].code
    admin_cli.ok(
        "buildings", "closures", "add", campus["building"].code, "--reason", "Open day",
        "--date", f"{Y2031}-03-11",
    )  # fmt: skip
    path = tmp_path / "timetable.csv"
    path.write_text(
        "external_id,kind,room,title,start_date,start_time,duration_minutes,weekdays,count\n"
        f"LEC-1,series,{room},Linear algebra,{Y2031}-03-04,10:00,90,tue,3\n"
    )
    source = f"sis-{campus['tag'].lower()}"
    refused = admin_cli("import", str(path), "--source", source, "--dry-run")
    # the closure's times in the building's zone, not the server's UTC instants
    assert f"closure on {Y2031}-03-11: closed: Open day (Tue {Y2031}-03-11 00:00-24:00 CET)" in (
        " ".join(refused.stdout.replace("│", " ").split())
    )
    done = admin_cli.ok("import", str(path), "--source", source, "--skip-closures", "--yes")
    assert f"leaves out {Y2031}-03-11: closed: Open day" in done.stdout
    starts = [b.start.date().isoformat() for b in api.bookings.list(room_id=campus["mid"].id)]
    assert starts == [f"{Y2031}-03-04", f"{Y2031}-03-18"]


def test_bookings_reset_hands_an_occurrence_back_to_its_series(admin_cli, campus):
    """``compax bookings reset``: the occurrence follows its series again (the next series
    edit sets every field); a booking with nothing changed by hand is left as it is."""
    room, other, third = campus["small"], campus["mid"], campus["big"]
    made = admin_cli.json(
        "series", "create", "-r", room.code, "-t", "Statistics", "--start", f"{Y2031}-03-06",
        "--time", "14:00", "-d", "90m", "--count", "2",
    )  # fmt: skip
    first, second = made["booking_ids"]
    admin_cli.ok("bookings", "move", str(second), "--room", other.code)
    reset = admin_cli.ok("bookings", "reset", str(second))
    assert reset.stderr == (
        f"Booking {second} follows its series again: its next change sets every field.\n"
    )
    assert re.search(r"^changed by hand *$", reset.stdout, re.M)  # nothing any more
    assert re.search(rf"^room +{other.code} ", reset.stdout, re.M)  # until the series moves it
    as_json = admin_cli.ok("bookings", "reset", str(first), "--json")
    assert as_json.stderr == f"Booking {first} has no change made by hand; nothing to reset.\n"
    assert json.loads(as_json.stdout)["id"] == first  # the booking, as it is
    as_words = admin_cli.ok("bookings", "reset", str(first)).stdout
    assert re.search(rf"^room +{room.code} ", as_words, re.M)
    admin_cli.ok("series", "move", str(made["id"]), "--room", third.code)
    rooms = [b["room_id"] for b in admin_cli.json("series", "show", str(made["id"]))["occurrences"]]
    assert rooms == [third.id, third.id]


def test_closures_list_reads_its_window_in_the_buildings_zone(admin_cli, campus):
    """``--from``/``--to`` are the building's local times (Berlin, UTC+1 in March): a
    closure ending at midnight is after ``--from 23:30`` local (22:30 UTC), one starting at
    09:00 is not before ``--to 08:30``; ``--tz UTC`` shows the times in UTC."""
    code, room = campus["building"].code, campus["small"].code
    add = ("buildings", "closures", "add", code)
    none = admin_cli.ok("buildings", "closures", "list", code)
    assert (none.stdout, none.stderr) == ("", "No closures.\n")
    day = admin_cli.json(*add, "--reason", "Open day", "--date", f"{Y2031}-03-10")
    morning = admin_cli.json(
        *add, "--reason", "Painting", "--room", room,
        "--start", f"{Y2031}-03-12 09:00", "--end", f"{Y2031}-03-12 12:00",
    )  # fmt: skip
    later = admin_cli.json(*add, "--reason", "Exams", "--date", f"{Y2031}-03-20")
    listing = ("buildings", "closures", "list", code)

    def ids(*window: str) -> list[int]:
        return [c["id"] for c in json.loads(admin_cli.ok(*listing, *window, "--json").stdout)]

    assert ids() == [day["id"], morning["id"], later["id"]]
    assert ids("--from", f"{Y2031}-03-10 23:30", "--to", f"{Y2031}-03-12 08:30") == [day["id"]]
    assert ids("--from", f"{Y2031}-03-11 00:00", "--to", f"{Y2031}-03-12 09:30") == [morning["id"]]
    assert ids("--from", f"{Y2031}-03-13") == [later["id"]]
    assert ids("--to", f"{Y2031}-03-11") == [day["id"]]
    shown = admin_cli.ok(
        *listing, "--from", f"{Y2031}-03-12", "--to", f"{Y2031}-03-13", "--tz", "UTC"
    )
    assert "08:00-11:00 UTC" in " ".join(shown.stdout.split()), shown.stdout
    cells = [
        [cell.strip() for cell in line.strip("│┃").split("│" if "│" in line else "┃")]
        for line in admin_cli.ok(*listing).stdout.splitlines()
        if line.startswith(("│", "┃"))
    ]
    assert cells[0] == ["id", "when", "room", "reason"]
    assert admin_cli.ok(*listing).stdout.lstrip().startswith(f"Closures of {code}")
    firsts = [(r[0], r[2], r[3]) for r in cells[1:] if r[0]]  # a wrapped cell's next line: no id
    assert firsts == [
        (str(day["id"]), "all", "Open day"),
        (str(morning["id"]), room, "Painting"),
        (str(later["id"]), "all", "Exams"),
    ]
    for option in ("--from", "--to"):
        bad = admin_cli(*listing, option, "soon")
        assert bad.exit_code == 2 and f"Invalid value for {option}: 'soon'" in words(bad)
    for c in (day, morning, later):
        admin_cli.ok("buildings", "closures", "remove", code, str(c["id"]))


def test_closures_add_takes_days_or_times_and_says_what_it_did(admin_cli, api, campus):
    """``--date``/``--until`` close whole local days; ``--start``/``--end`` a time; the
    command says what it closed and, with ``--on-bookings keep``, the bookings it kept."""
    code, room = campus["building"], campus["mid"]
    add = ("buildings", "closures", "add", code.code, "--reason", "Works")
    days = admin_cli.ok(*add, "--date", f"{Y2031}-04-07", "--until", f"{Y2031}-04-08")
    made = api.buildings.list_closures(code.id).data[-1]
    assert (made.start.isoformat(), made.end.isoformat()) == (
        f"{Y2031}-04-06T22:00:00+00:00", f"{Y2031}-04-08T22:00:00+00:00"
    )  # fmt: skip
    assert " ".join(days.stderr.split()) == (
        f"Closed {code.code} Mon {Y2031}-04-07 00:00 CEST - Wed {Y2031}-04-09 00:00 CEST "
        f"(closure {made.id})."
    )
    booked = api.bookings.create(
        room_id=room.id, title="Seminar", start=datetime.fromisoformat(f"{Y2031}-04-10T08:00Z"),
        end=datetime.fromisoformat(f"{Y2031}-04-10T09:00Z"),
    )  # fmt: skip
    kept = admin_cli.ok(
        *add, "--room", room.code, "--start", f"{Y2031}-04-10 09:30", "--end",
        f"{Y2031}-04-10 10:30", "--on-bookings", "keep",
    )  # fmt: skip
    closure = api.buildings.list_closures(code.id).data[-1]
    assert rows(kept.stderr) == [
        f"Closed {room.code} Thu {Y2031}-04-10 09:30-10:30 CEST (closure {closure.id}).",
        f"1 booking in that time kept: [{booked.id}]",
    ]
    assert api.bookings.get(booked.id).status == "confirmed"
    both = admin_cli(*add, "--date", f"{Y2031}-04-20", "--start", f"{Y2031}-04-20 09:00")
    assert both.exit_code == 2
    assert "Invalid value for --date: give --start and --end, or --date" in words(both)
    half = admin_cli(*add, "--start", f"{Y2031}-04-20 09:00")
    assert half.exit_code == 2
    assert "Invalid value for --end: give both --start and --end" in words(half)
    bad_until = admin_cli(*add, "--date", f"{Y2031}-04-21", "--until", "later")
    assert bad_until.exit_code == 2
    assert "Invalid value for --until: 'later' is not a date (YYYY-MM-DD)" in words(bad_until)
    room_day = admin_cli.json(*add, "--date", f"{Y2031}-04-22", "--room", room.code)
    assert room_day["room_id"] == room.id  # a whole day of one room
    admin_cli.ok("buildings", "closures", "remove", code.code, str(room_day["id"]))
    bad_day = admin_cli(*add, "--date", "soon")
    assert bad_day.exit_code == 2
    assert "Invalid value for --date: 'soon' is not a date (YYYY-MM-DD)" in words(bad_day)
    in_utc = json.loads(
        admin_cli.ok(
            *add,
            "--start",
            f"{Y2031}-04-15 09:00",
            "--end",
            f"{Y2031}-04-15 10:00",
            "--tz",
            "UTC",
            "--json",
        ).stdout
    )  # fmt: skip  (--tz and --json after the command)
    assert in_utc["start"] == f"{Y2031}-04-15T09:00:00Z"
    for c in (made.id, closure.id, in_utc["id"]):
        admin_cli.ok("buildings", "closures", "remove", code.code, str(c))
