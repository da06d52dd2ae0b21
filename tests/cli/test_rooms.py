"""``compax rooms`` and ``compax buildings``: the catalogue, the free-room search, one room's
availability."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from tests.cli.conftest import rows, tag, words
from tests.cli.test_output_widths import row_cells, run
from tests.dates import Y2031

pytestmark = pytest.mark.slow

MONDAY = f"{Y2031}-03-03"  # CET (UTC+1) in Berlin


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_buildings_add_show_edit_hours_and_remove(admin_cli):
    code = f"H{tag()}"
    made = admin_cli.json(
        "buildings", "add", "--code", code, "--name", "Hall", "--timezone", "Europe/Berlin",
        "--hours", "mon-fri 08:00-20:00",
    )  # fmt: skip
    assert made["opening_hours"] == {
        d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")
    }
    assert code in [b["code"] for b in admin_cli.json("buildings", "list")]
    table = admin_cli.ok("buildings", "show", code).stdout
    assert "mon-fri 08:00-20:00" in table and "Europe/Berlin" in table

    hours = admin_cli.json(
        "buildings", "hours", code, "mon-thu 08:00-12:00,13:00-18:00", "sat 10:00-14:00"
    )
    assert hours["opening_hours"]["mon"] == [["08:00", "12:00"], ["13:00", "18:00"]]
    assert "fri" not in hours["opening_hours"]
    shown = admin_cli.ok("buildings", "hours", code).stdout
    assert "mon-thu 08:00-12:00,13:00-18:00; sat 10:00-14:00" in shown
    assert admin_cli.json("buildings", "hours", code, "--always-open")["opening_hours"] is None

    renamed = admin_cli.json("buildings", "edit", code, "--name", "Old hall")
    assert renamed["name"] == "Old hall"
    admin_cli.ok("buildings", "remove", code)
    gone = admin_cli("buildings", "show", code)
    assert gone.exit_code == 3 and code in gone.stderr


def test_buildings_say_what_they_did_and_edit_code_and_zone(admin_cli, api):
    code = f"H{tag()}"
    added = admin_cli.ok(
        "buildings", "add", "--code", code, "--name", "Hall", "--timezone", "Europe/Berlin"
    )
    made = api.buildings.list(limit=200).data
    building = next(b for b in made if b.code == code)
    assert added.stderr == f"Added building {code} (id {building.id}).\n"
    assert building.opening_hours is None  # no --hours: always open
    row = next(
        line
        for line in admin_cli.ok("buildings", "list").stdout.splitlines()
        if f" {code} " in line
    )
    assert "Hall" in row and "Europe/Berlin" in row
    set_ = admin_cli.ok("buildings", "hours", code, "sat 09:00-13:00")
    assert set_.stderr == f"Opening hours of {code} set.\n"
    assert re.search(rf"^{code} +sat 09:00-13:00 *$", set_.stdout, re.M)
    assert re.search(r"^time zone +Europe/Berlin *$", set_.stdout, re.M)
    both = admin_cli("buildings", "hours", code, "sat 09:00-13:00", "--always-open")
    assert both.exit_code == 2
    assert "Invalid value for HOURS: give hours or --always-open, not both" in words(both)
    new_code = f"{code}X"
    changed = admin_cli.ok(
        "buildings", "edit", code, "--code", new_code, "--timezone", "Europe/Lisbon"
    )
    assert changed.stderr == f"Changed building {new_code}.\n"
    building = api.buildings.get(building.id)
    assert (building.code, building.timezone, building.name) == (new_code, "Europe/Lisbon", "Hall")
    wrong = admin_cli("buildings", "edit", new_code, "--timezone", "Mars/Olympus")
    assert (
        wrong.exit_code == 2
        and "Invalid value for --timezone: 'Mars/Olympus' is not an IANA" in words(wrong)
    )
    removed = admin_cli.ok("buildings", "remove", new_code)
    assert removed.stderr == f"Removed building {new_code}.\n"


def test_buildings_list_show_and_edit_in_full_and_as_json_after_the_command(admin_cli):
    code = f"H{tag()}"
    hours = ("--hours", "mon-fri 08:00-20:00", "--hours", "sat 09:00-13:00")
    add = ("buildings", "add", "--code", code, "--name", "Hall", "--timezone", "Europe/Berlin")
    made = json.loads(admin_cli.ok(*add, *hours, "--json").stdout)
    assert (made["code"], made["timezone"]) == (code, "Europe/Berlin")
    shown = admin_cli.ok("buildings", "show", code).stdout
    assert rows(shown) == [
        f"Building {code}",
        f"id {made['id']}",
        f"code {code}",
        "name Hall",
        "time zone Europe/Berlin",
        "opening hours mon-fri 08:00-20:00; sat 09:00-13:00",
        "version 1",
    ]
    assert json.loads(admin_cli.ok("buildings", "show", code, "--json").stdout) == made
    listed = json.loads(admin_cli.ok("buildings", "list", "--json").stdout)
    assert [b for b in listed if b["code"] == code] == [made]
    table = rows(admin_cli.ok("buildings", "list").stdout)
    assert table[1] == "code name time zone opening hours"
    assert f"{code} Hall Europe/Berlin mon-fri 08:00-20:00; sat 09:00-13:00" in table
    edited = json.loads(admin_cli.ok("buildings", "edit", code, "--name", "Aula", "--json").stdout)
    assert (edited["name"], edited["version"]) == ("Aula", 2)
    set_ = json.loads(admin_cli.ok("buildings", "hours", code, "sun 10:00-12:00", "--json").stdout)
    assert set_ == {"building": code, "opening_hours": {"sun": [["10:00", "12:00"]]}}
    admin_cli.ok("buildings", "remove", code)


def test_buildings_list_in_a_narrow_terminal_leaves_out_the_zone_and_wraps(admin_cli):
    code, name = f"H{tag()}", "The old library of the engineering faculty"
    zone = "America/Argentina/Buenos_Aires"
    hours = "mon-thu 08:00-12:00,13:00-18:00; fri 08:00-16:00; sat 09:00-13:00"
    add = ("buildings", "add", "--code", code, "--name", name, "--timezone", zone)
    admin_cli.ok(*add, *(a for spec in hours.split("; ") for a in ("--hours", spec)))
    for width, shown in ((60, [name, hours]), (80, [name, zone, hours])):
        out, err = run(admin_cli, width, "buildings", "list")
        assert row_cells(out, code) == ["".join(c.split()) for c in [code, *shown]]
        assert ("Left out to fit 60 columns: time zone" in " ".join(err.split())) is (width == 60)


def test_bad_hours_and_zones_are_usage_errors(admin_cli, campus):
    code = campus["building"].code
    bad = admin_cli("buildings", "hours", code, "monday 8-20")
    assert bad.exit_code == 2
    assert "Invalid value for HOURS: 'monday 8-20': give DAYS HH:MM-HH:MM" in words(bad)
    add = ("buildings", "add", "--code", f"X{tag()}", "--name", "X", "--timezone", "Europe/Berlin")
    unread = admin_cli(*add, "--hours", "funday 08:00-20:00")
    assert unread.exit_code == 2 and "Invalid value for --hours: 'funday'" in words(unread)
    # what only the server checks is named as the command takes it: --hours, or HOURS
    backwards = admin_cli(*add, "--hours", "mon 10:00-09:00")
    assert backwards.stderr == "error: --hours: 10:00-09:00 does not end after it starts\n"
    overlap = admin_cli("buildings", "hours", code, "mon 08:00-12:00,11:00-13:00")
    assert overlap.stderr == "error: HOURS: 08:00-12:00 and 11:00-13:00 overlap\n"
    zone = admin_cli(
        "buildings", "add", "--code", "X1", "--name", "X", "--timezone", "Mars/Olympus"
    )
    assert zone.exit_code == 2
    assert "Invalid value for --timezone: 'Mars/Olympus' is not an IANA time zone" in words(zone)


def test_closures_add_list_and_remove(admin_cli, campus):
    code, room = campus["building"].code, campus["mid"].code
    whole = admin_cli.json(
        "buildings", "closures", "add", code, "--reason", "Open day", "--date", f"{Y2031}-03-05"
    )
    assert utc(whole["start"]) == datetime(Y2031, 3, 4, 23, tzinfo=UTC)  # Berlin midnight
    one = admin_cli.json(
        "buildings", "closures", "add", code, "--reason", "Painting", "--room", room,
        "--start", f"{MONDAY} 08:00", "--end", f"{MONDAY} 12:00",
    )  # fmt: skip
    assert one["room_id"] == campus["mid"].id
    listed = admin_cli.ok("buildings", "closures", "list", code).stdout
    assert (
        f"Wed {Y2031}-03-05 00:00-24:00 CET" in listed
        and f"Mon {Y2031}-03-03 08:00-12:00 CET" in listed
    )
    assert room in listed and "Painting" in listed
    admin_cli.ok("buildings", "closures", "remove", code, str(whole["id"]))
    assert [c["id"] for c in admin_cli.json("buildings", "closures", "list", code)] == [one["id"]]
    missing = admin_cli("buildings", "closures", "add", code, "--reason", "x")
    assert missing.exit_code == 2
    # the server's refusals name the options given: --date and --until send start_date and
    # end_date, which are --start and --end elsewhere
    limit = "the accepted range, 1970-01-01 to 2200-01-01 (UTC)"
    days = ("buildings", "closures", "add", code, "--reason", "x", "--date")
    far = admin_cli(*days, "2300-01-01")
    assert (far.exit_code, words(far)) == (
        1, f"error: --date must lie in {limit} --date: 2300-01-01 is outside {limit}"
    )  # fmt: skip
    backwards = admin_cli(*days, f"{Y2031}-03-05", "--until", f"{Y2031}-03-01")
    assert (backwards.exit_code, words(backwards)) == (2, "error: --until: is before --date")
    assert [c["id"] for c in admin_cli.json("buildings", "closures", "list", code)] == [one["id"]]


def test_rooms_add_show_edit_list_and_remove(admin_cli, campus):
    code, building = f"R{tag()}", campus["building"].code
    made = json.loads(
        admin_cli.ok(
            "rooms", "add", "--code", code, "--name", "Lab", "-b", building, "-c", "20",
            "-f", "projector,whiteboard", "--floor", "2", "--requires-approval", "--json",
        ).stdout
    )  # fmt: skip
    assert (made["features"], made["floor"], made["requires_approval"]) == (
        ["projector", "whiteboard"],
        2,
        True,
    )
    shown = admin_cli.ok("rooms", "show", code).stdout
    assert rows(shown) == [
        f"Room {code}",
        f"id {made['id']}",
        f"code {code}",
        "name Lab",
        f"building {building} (Europe/Berlin)",
        "floor 2",
        "seats 20",
        "features projector, whiteboard",
        "bookable yes",
        "requires approval yes",
        "description",
        "version 1",
        "contact staff",
    ]
    assert admin_cli.json("rooms", "show", str(made["id"]))["code"] == code
    after = json.loads(admin_cli.ok("rooms", "show", code, "--json").stdout)  # after it
    assert after["id"] == made["id"]

    changed = admin_cli.json(
        "rooms", "edit", code, "--capacity", "25", "--floor", "none", "--feature", "none",
        "--no-approval", "--not-bookable",
    )  # fmt: skip
    assert (changed["capacity"], changed["floor"], changed["features"]) == (25, None, [])
    assert (changed["requires_approval"], changed["bookable"]) == (False, False)
    listed = admin_cli.json("rooms", "list", "-b", building)
    assert [r["code"] for r in listed] == sorted(
        [code, campus["small"].code, campus["mid"].code, campus["big"].code]
    )
    assert "not bookable" in admin_cli.ok("rooms", "list", "-b", building).stdout
    mid = campus["mid"].code
    for args in (("-c", "20", "-f", "projector"), ("-q", "mid")):
        narrowed = admin_cli.json("rooms", "list", "-b", building, *args)
        assert [r["code"] for r in narrowed] == [mid], args  # the filters, each of them
    assert [r["code"] for r in admin_cli.json("rooms", "list", "-c", "81", "-b", building)] == []
    empty = admin_cli.ok("rooms", "list", "-c", "81", "-b", building)
    assert empty.stderr == "No room matches.\n"
    first = admin_cli.ok("rooms", "list", "-b", building, "--limit", "1")
    assert "Showing the first 1 room; more exist" in words(first)
    assert first.stdout.count(f"{campus['tag']}-") == 1

    admin_cli.ok("rooms", "remove", code)
    assert admin_cli("rooms", "show", code).exit_code == 3


def test_every_option_of_rooms_add_and_edit_and_their_words(admin_cli, api, campus):
    """The options the first test leaves out reach the room; each command says what it did."""
    code, building = f"R{tag()}", campus["building"].code
    added = admin_cli.ok(
        "rooms", "add", "--code", code, "--name", "Lab", "-b", building, "-c", "20",
        "--not-bookable", "--description", "Second floor, left",
    )  # fmt: skip
    room = api.rooms.list(q=code).data[0]
    assert added.stderr == f"Added room {code} (id {room.id}).\n"
    assert (room.bookable, room.requires_approval, room.description) == (
        False, False, "Second floor, left"
    )  # fmt: skip
    assert re.search(rf"^code +{code} *$", added.stdout, re.M)
    elsewhere = api.buildings.create(code=f"O{tag()}", name="Other hall", timezone="Europe/London")
    new_code = f"{code}-B"
    changed = admin_cli.ok(
        "rooms", "edit", code, "--code", new_code, "--name", "Big lab", "-b", elsewhere.code,
        "--bookable", "--requires-approval", "--description", "Ground floor",
    )  # fmt: skip
    assert changed.stderr == f"Changed room {new_code}.\n"
    room = api.rooms.get(room.id)
    assert (room.code, room.name, room.building_id) == (new_code, "Big lab", elsewhere.id)
    assert (room.bookable, room.requires_approval, room.description) == (True, True, "Ground floor")
    assert f"{elsewhere.code} (Europe/London)" in changed.stdout
    assert admin_cli.json("rooms", "edit", new_code, "--floor", "-1")["floor"] == -1
    kept = json.loads(admin_cli.ok("rooms", "edit", new_code, "-c", "21", "--json").stdout)
    assert (kept["capacity"], kept["floor"]) == (21, -1)  # an edit without --floor keeps it
    featured = admin_cli.json("rooms", "edit", new_code, "-f", "whiteboard", "-f", "projector")
    assert featured["features"] == ["projector", "whiteboard"]
    wrong = admin_cli("rooms", "edit", new_code, "--floor", "second")
    assert wrong.exit_code == 2
    assert "Invalid value for --floor: a number, or 'none'" in words(wrong)
    gone = admin_cli.ok("rooms", "remove", new_code, "--json")
    assert json.loads(gone.stdout)["cancelled_booking_ids"] == [] and gone.stderr == ""
    assert admin_cli("rooms", "show", new_code).exit_code == 3


def test_removing_a_room_with_bookings_needs_force(admin_cli, api, campus):
    room = campus["small"]
    booking = api.bookings.create(
        room_id=room.id,
        title="Exam",
        start=utc(f"{Y2031}-03-03T09:00Z"),
        end=utc(f"{Y2031}-03-03T10:00Z"),
    )
    later = api.bookings.create(
        room_id=room.id,
        title="Resit exam",
        start=utc(f"{Y2031}-03-04T09:00Z"),
        end=utc(f"{Y2031}-03-04T10:00Z"),
    )
    waiting = api.waitlist.join(  # for this room alone: closed with it
        room_id=room.id, title="Resit", start=booking.start, end=booking.end
    )
    other = api.waitlist.join(room_id=room.id, title="Tutorial", start=later.start, end=later.end)
    assert (waiting.state, other.state) == ("waiting", "waiting")
    refused = admin_cli("rooms", "remove", room.code)
    assert refused.exit_code == 4
    removed = admin_cli.ok("rooms", "remove", room.code, "--force")
    assert " ".join(removed.output.split()) == (
        f"Removed room {room.code}; cancelled bookings {booking.id}, {later.id}; "
        f"closed waitlist entries {waiting.id}, {other.id} (their members were told)."
    )
    assert api.bookings.get(booking.id).status == "cancelled"
    assert api.waitlist.get(waiting.id).state == "closed"
    shown = admin_cli.ok("bookings", "show", str(booking.id)).stdout  # its room is gone
    assert f"(room {room.id})" in shown and f"room {room.code} was removed" in shown, shown


def test_features_list_and_add(admin_cli):
    code = f"f{tag().lower()}"
    admin_cli.ok("rooms", "features", "add", code, "Fancy feature")
    assert {"code": code, "name": "Fancy feature"}.items() <= next(
        f for f in admin_cli.json("rooms", "features", "list") if f["code"] == code
    ).items()
    again = admin_cli("rooms", "features", "add", code, "Again")
    assert again.exit_code == 4
    said = admin_cli.ok("rooms", "features", "add", f"{code}-2", "Second feature")
    assert said.stderr == f"Added feature {code}-2 (Second feature).\n"
    row = next(
        line
        for line in admin_cli.ok("rooms", "features", "list").stdout.splitlines()
        if f" {code}-2 " in line
    )
    assert "Second feature" in row
    header = admin_cli.ok("rooms", "features", "list").stdout.splitlines()[1]
    assert header.strip("┃ ").split() == ["code", "┃", "name"]
    third = json.loads(
        admin_cli.ok("rooms", "features", "add", f"{code}-3", "Third", "--json").stdout
    )
    assert (third["code"], third["name"]) == (f"{code}-3", "Third")
    after = json.loads(admin_cli.ok("rooms", "features", "list", "--json").stdout)  # after it
    assert {f["code"] for f in after} >= {code, f"{code}-2", f"{code}-3"}


def test_search_a_window_in_the_buildings_zone_with_reasons(admin_cli, api, campus):
    small, mid = campus["small"], campus["mid"]
    taken = api.bookings.create(
        room_id=small.id,
        title="Exam",
        start=utc(f"{Y2031}-03-03T09:00Z"),
        end=utc(f"{Y2031}-03-03T11:00Z"),
    )
    found = admin_cli.json(
        "rooms", "search", "-b", campus["building"].code, "-c", "10", "-f", "projector",
        "--from", f"{MONDAY} 10:00", "--duration", "1h", "--explain",
    )  # fmt: skip
    assert [r["code"] for r in found["data"]] == [mid.code]
    assert found["occurrences"] == 1
    [miss] = found["unavailable"]
    assert miss["code"] == small.code
    assert miss["reasons"][0]["booking_id"] == taken.id

    table = admin_cli.ok(
        "rooms", "search", "-b", campus["building"].code, "-f", "projector",
        "--from", f"{MONDAY} 10:00", "--to", f"{MONDAY} 11:00", "--explain",
    ).stdout  # fmt: skip
    assert f"Free Mon {Y2031}-03-03 10:00-11:00 CET" in table
    assert f"booking {taken.id} 'Exam' Mon {Y2031}-03-03 10:00-12:00 CET" in table
    in_utc = admin_cli.ok(
        "--tz", "UTC", "rooms", "search", "-b", campus["building"].code, "-f", "projector",
        "--from", f"{MONDAY}T09:00Z", "--to", f"{MONDAY}T10:00Z",
    ).stdout  # fmt: skip
    assert f"Free Mon {Y2031}-03-03 09:00-10:00 UTC" in in_utc

    outside = admin_cli.json(
        "rooms", "search", "-b", campus["building"].code,
        "--from", f"{MONDAY} 19:00 Europe/Berlin", "-d", "2h", "--explain",
    )  # fmt: skip
    assert outside["data"] == []
    assert {r["reasons"][0]["type"] for r in outside["unavailable"]} == {"outside_opening_hours"}


def test_rooms_in_the_order_asked_and_explain_when_every_room_is_free(admin_cli, campus):
    """The catalogue by code unless asked by capacity; a search by best fit (the fewest
    seats that fit first) unless asked; ``--explain`` with nothing in the way says so."""
    b = campus["building"].code
    small, mid, big = (campus[k].code for k in ("small", "mid", "big"))  # 12, 30, 80 seats

    def codes(*args: str) -> list[str]:
        return [r["code"] for r in admin_cli.json("rooms", "list", "-b", b, *args)]

    assert codes() == [big, mid, small]
    assert codes("--sort", "capacity") == [small, mid, big]
    assert codes("--sort", "capacity", "--limit", "1") == [small]
    window = ("rooms", "search", "-b", b, "--from", f"{MONDAY} 10:00", "-d", "1h")

    def free(*args: str) -> list[str]:
        return [r["code"] for r in admin_cli.json(*window, *args)["data"]]

    assert free() == [small, mid, big]
    assert free("--sort", "code") == [big, mid, small]
    assert free("-c", "20", "--sort", "capacity", "--limit", "1") == [mid]
    explained = admin_cli.ok(*window, "--explain")
    assert explained.stderr == "Every matching room is free.\n"
    assert admin_cli.json(*window, "--explain")["unavailable"] == []
    assert admin_cli.ok(*window).stderr == ""  # without --explain, nothing to say


def test_search_weekly_until_a_date_and_through_a_term(admin_cli, api, campus):
    code = campus["building"].code
    api.bookings.create(
        room_id=campus["mid"].id,
        title="Lab",
        start=utc(f"{Y2031}-03-17T09:00Z"),  # the third Monday, 10:00 Berlin
        end=utc(f"{Y2031}-03-17T10:00Z"),
    )
    weekly = admin_cli.json(
        "rooms", "search", "-b", code, "-f", "whiteboard", "--from", f"{MONDAY} 10:00",
        "-d", "1h", "--repeat", "weekly", "--until", f"{Y2031}-03-24",
    )  # fmt: skip
    assert ([r["code"] for r in weekly["data"]], weekly["occurrences"]) == (
        [campus["big"].code],
        4,
    )
    term = f"Term {tag()}"
    admin_cli.ok(
        "terms", "add", "--name", term, "--start", f"{Y2031}-03-03", "--end", f"{Y2031}-03-23",
        "--holiday", f"{Y2031}-03-17 Founders' day",
    )  # fmt: skip
    through = admin_cli.json(
        "rooms", "search", "-b", code, "-f", "whiteboard", "--from", f"{MONDAY} 10:00",
        "-d", "1h", "--term", term,
    )  # fmt: skip
    assert [r["code"] for r in through["data"]] == [campus["mid"].code, campus["big"].code]
    assert through["occurrences"] == 2


def test_search_as_a_table_says_the_window_the_misses_and_what_it_left_out(admin_cli, api, campus):
    code, small, mid, big = (campus[k] for k in ("building", "small", "mid", "big"))
    api.bookings.create(
        room_id=small.id,
        title="Seminar",
        start=utc(f"{Y2031}-03-10T09:00Z"),  # the second Monday, 10:00 Berlin
        end=utc(f"{Y2031}-03-10T10:00Z"),
    )
    weekly = admin_cli.ok(
        "rooms", "search", "-b", code.code, "--from", f"{MONDAY} 10:00", "-d", "1h",
        "--until", f"{Y2031}-03-17", "--explain", "--sort", "capacity", "--limit", "1",
    )  # fmt: skip
    out = " ".join(weekly.stdout.split())
    assert f"Free Mon {Y2031}-03-03 10:00-11:00 CET, weekly (3 times)" in out  # --until: weekly
    assert f"│ {mid.code} │" in out and big.code not in out  # the fewest seats first
    assert "Showing the first 1 room; more exist" in words(weekly)
    assert "Matching, but not free" in out
    assert f"│ {small.code} │ 12 │ 1/3 │ booking" in out
    free = admin_cli.ok(
        "rooms", "search", "-b", code.code, "-q", "mid", "--from", f"{MONDAY} 12:00", "-d", "1h",
        "--explain", "--sort", "code",
    )  # fmt: skip
    assert f"│ {mid.code} │" in free.stdout and small.code not in free.stdout
    assert "Every matching room is free." in free.stderr
    misses = next(line for line in weekly.stdout.split("Matching, but not free")[1].splitlines()
                  if line.startswith("┃"))  # fmt: skip
    assert [h.strip() for h in misses.split("┃")[1:-1]] == ["code", "seats", "blocked", "why"]
    none = admin_cli.ok(
        "rooms", "search", "-b", code.code, "-c", "500", "--from", f"{MONDAY} 12:00", "-d", "1h",
        "--json", "--tz", "UTC",
    )  # fmt: skip
    assert json.loads(none.stdout)["data"] == []  # --json and --tz after the command
    empty = admin_cli.ok("rooms", "search", "-b", code.code, "-c", "500")
    assert (empty.stdout, empty.stderr) == ("", "No room matches.\n")
    for option in ("--to", "--duration", "--until", "--term", "--repeat"):
        value = {"--repeat": "weekly", "--duration": "1h"}.get(option, f"{Y2031}-03-24")
        alone = admin_cli("rooms", "search", option, value)
        assert alone.exit_code == 2, option
        assert "a free-room search starts with --from" in alone.stderr


def test_search_mistakes_name_the_option(admin_cli, campus):
    backwards = admin_cli("rooms", "search", "--from", f"{MONDAY} 10:00", "--to", f"{MONDAY} 09:00")
    assert backwards.exit_code == 2 and "--to" in backwards.stderr
    unknown = admin_cli("rooms", "search", "-f", "teleporter")
    assert (
        unknown.exit_code == 2 and "--feature" in unknown.stderr and "teleporter" in unknown.stderr
    )
    garbled = admin_cli("rooms", "search", "--from", "next tuesday", "-d", "1h")
    assert garbled.exit_code == 2 and "--from" in garbled.stderr
    both = admin_cli(
        "rooms", "search", "--from", f"{MONDAY} 10:00", "-d", "1h",
        "--until", f"{Y2031}-03-24", "--term", "Spring",
    )  # fmt: skip
    assert both.exit_code == 2 and "--until" in both.stderr and "--term" in both.stderr
    no_end = admin_cli("rooms", "search", "--from", f"{MONDAY} 10:00")
    assert no_end.exit_code == 2
    for args, says in (
        (("--from", f"{MONDAY} 10:00"), "Invalid value for --to: give --to or --duration with --from"),
        (("--until", f"{Y2031}-03-24"), "Invalid value for --from: a free-room search starts with --from"),
        (("--from", f"{MONDAY} 10:00", "-d", "1h", "--until", f"{Y2031}-03-24", "--term", "Spring"),
         "Invalid value for --until: a term search ends with its term: give --term or --until"),
        (("--from", f"{MONDAY} 10:00", "-d", "1h", "--until", "soon"), "Invalid value for --until:"),
        (("--from", f"{MONDAY} 10:00", "--to", "soon"), "Invalid value for --to:"),
        (("--from", f"{MONDAY} 10:00", "-d", "soon"), "Invalid value for --duration:"),
        (("--from", "soon", "-d", "1h"), "Invalid value for --from:"),
    ):  # fmt: skip
        said = admin_cli("rooms", "search", *args)
        assert said.exit_code == 2 and says in " ".join(said.stderr.replace("│", "").split()), args
    dst_gap = admin_cli(
        "rooms",
        "search",
        "-b",
        campus["building"].code,
        "--from",
        f"{Y2031}-03-30 02:30",
        "-d",
        "1h",
    )
    assert dst_gap.exit_code == 2 and "does not exist" in dst_gap.stderr
    assert admin_cli("rooms", "show", "NO-SUCH-ROOM").exit_code == 3


def test_availability_in_the_rooms_zone(admin_cli, api, campus):
    room = campus["mid"]
    booking = api.bookings.create(
        room_id=room.id,
        title="Lecture",
        start=utc(f"{Y2031}-03-03T09:00Z"),
        end=utc(f"{Y2031}-03-03T11:00Z"),
    )
    table = admin_cli.ok("rooms", "availability", room.code, "--from", MONDAY).stdout
    assert f"Mon {Y2031}-03-03 08:00-10:00 CET" in table  # opening hours, in Berlin time
    assert (
        f"Mon {Y2031}-03-03 10:00-12:00 CET │ confirmed │ booking {booking.id} 'Lecture'" in table
    )
    assert f"Mon {Y2031}-03-03 12:00-20:00 CET" in table
    found = admin_cli.json(
        "rooms", "availability", room.code, "--from", f"{MONDAY} 00:00", "--days", "2"
    )
    assert utc(found["from"]) == datetime(Y2031, 3, 2, 23, tzinfo=UTC)
    assert utc(found["to"]) == datetime(Y2031, 3, 4, 23, tzinfo=UTC)
    assert [b["booking_id"] for b in found["busy"]] == [booking.id]
    assert len(found["free"]) == 3


def test_availability_reads_its_times_in_the_rooms_zone_and_shows_them_in_tz(admin_cli, api):
    """A room in Tokyo on a campus that also has Berlin: ``--from`` and ``--to`` are Tokyo
    times; one day by default; ``--tz`` shows another zone; ``--json`` after the command."""
    t = tag()
    hours = {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    building = api.buildings.create(
        code=f"T{t}", name="Tokyo hall", timezone="Asia/Tokyo", opening_hours=hours
    )
    room = api.rooms.create(code=f"T{t}-1", name="Tokyo room", building_id=building.id, capacity=9)
    api.buildings.create(code=f"G{t}", name="Berlin hall", timezone="Europe/Berlin")
    span = admin_cli.ok(
        "rooms", "availability", room.code, "--from", f"{MONDAY} 09:00", "--to", f"{MONDAY} 12:00",
        "--json",
    )  # fmt: skip
    found = json.loads(span.stdout)
    assert (utc(found["from"]), utc(found["to"])) == (
        datetime(Y2031, 3, 3, 0, tzinfo=UTC),
        datetime(Y2031, 3, 3, 3, tzinfo=UTC),
    )
    day = admin_cli.json("rooms", "availability", room.code, "--from", f"{MONDAY} 09:00")
    assert utc(day["to"]) == datetime(Y2031, 3, 4, 0, tzinfo=UTC)  # a day later
    table = admin_cli.ok(
        "rooms", "availability", room.code, "--from", MONDAY, "--tz", "Europe/Berlin"
    ).stdout
    title = f"{room.code}, Mon {Y2031}-03-03 00:00-24:00 CET (Europe/Berlin)"
    assert title in " ".join(table.split())  # --tz is the zone of --from too
    assert f"Mon {Y2031}-03-03 00:00-12:00 CET │ free" in table  # 08-20 in Tokyo
    for option, value in (("--from", "9:99"), ("--to", "someday")):
        args = ["--from", MONDAY, option, value] if option == "--to" else [option, value]
        refused = admin_cli("rooms", "availability", room.code, *args)
        assert refused.exit_code == 2 and f"Invalid value for {option}: {value!r}" in refused.stderr
    sunday = admin_cli.ok("rooms", "availability", room.code, "--from", f"{Y2031}-03-02")
    assert sunday.stdout == "" and sunday.stderr == "Closed all that time.\n"
    head = admin_cli.ok("rooms", "availability", room.code, "--from", MONDAY).stdout
    header = next(line for line in head.splitlines() if line.startswith("┃"))
    assert [h.strip() for h in header.split("┃")[1:-1]] == ["when", "state", "what"]
    found = admin_cli.ok(
        "rooms", "search", "-b", building.code, "--from", f"{MONDAY} 09:00", "-d", "1h"
    ).stdout  # a building's search reads --from in its zone, whatever the campus's
    assert f"Free Mon {Y2031}-03-03 09:00-10:00 JST" in found and room.code in found
    late = admin_cli("rooms", "availability", room.code, "--from", "9999-12-31")
    assert late.exit_code == 2 and "Invalid value for --from: 1 day after" in late.stderr
    assert "outside the calendar" in late.stderr


def test_a_number_python_cannot_take_is_refused_not_a_traceback(admin_cli, campus):
    """``²`` is a digit to ``str.isdigit`` and no number to ``int``: as an id, a floor, a
    length or a rule's limit it is a usage error or a room not found, never a traceback; so
    is a length that ends past the calendar."""
    code = campus["small"].code
    shown = admin_cli("rooms", "show", "\u00b2")
    assert (shown.exit_code, shown.stderr) == (
        3,
        "error: there is no room '\u00b2' (see `compax rooms list`)\n",
    )
    for args, says in (
        (("rooms", "edit", code, "--floor", "-\u00b2"), "a number, or 'none'"),
        (("rooms", "edit", code, "--floor", "--3"), "a number, or 'none'"),
        (
            (
                "bookings",
                "create",
                "-r",
                code,
                "-t",
                "x",
                "-s",
                f"{Y2031}-03-03 09:00",
                "-d",
                "\u00b2",
            ),
            "is not a duration",
        ),
        (("rules", "set", "--room", code, "--horizon", "\u00b2d"), "a number of days"),
        (  # the end of the calendar: Python's datetime overflowed
            ("bookings", "create", "-r", code, "-t", "x", "-s", "9999-12-31 23:00", "-d", "2h"),
            "is outside the calendar",
        ),
        (("rules", "set", "--room", code, "--max-per-week", "\u00b2"), "a whole number"),
    ):
        refused = admin_cli(*args)
        assert refused.exit_code == 2, (args, refused.output)
        assert says in refused.stderr and "Traceback" not in refused.output


def test_an_edit_to_the_values_there_already_changes_nothing_and_says_so(admin_cli, api, campus):
    """``rooms/buildings/terms/users edit`` given the values the object has: the server keeps
    its version (no one's copy turns stale) and the CLI says nothing changed, not "Changed"."""
    t = tag()
    room, building = campus["small"], campus["building"]
    term = api.terms.create(
        name=f"Term {t}", start_date=date(Y2031, 2, 1), end_date=date(Y2031, 6, 30)
    )
    email = f"same-{t.lower()}@campus.example"
    user = api.users.create(email=email, full_name="Sam Same", role="member")
    edits = [
        (
            ("rooms", "edit", room.code, "--capacity", str(room.capacity)),
            f"room {room.code}",
            lambda: api.rooms.get(room.id),
        ),
        (
            ("buildings", "edit", building.code, "--name", building.name),
            f"building {building.code}",
            lambda: api.buildings.get(building.id),
        ),
        (
            ("terms", "edit", term.name, "--end", f"{Y2031}-06-30"),
            f"term {term.name}",
            lambda: api.terms.get(term.id),
        ),
        (
            ("users", "edit", email, "--role", "member", "--name", "Sam Same"),
            f"user {email}",
            lambda: api.users.get(user.id),
        ),
    ]
    for args, what, read in edits:
        version = read().version
        same = admin_cli.ok(*args)
        assert words(same) == f"Nothing changed: {what} already had these values.", args
        assert read().version == version, args
    changed = admin_cli.ok("rooms", "edit", room.code, "--capacity", str(room.capacity + 1))
    assert words(changed) == f"Changed room {room.code}."
