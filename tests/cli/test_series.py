"""``compax terms`` and ``compax series``: a weekly lecture through a term, moved from a date
on, cancelled, and a date added."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.cli.conftest import ADMIN_EMAIL, rows, tag, words
from tests.cli.test_output_widths import row_cells, run
from tests.dates import Y2031

pytestmark = pytest.mark.slow

BERLIN = ZoneInfo("Europe/Berlin")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def lab(admin_cli, room, at: str, duration: str, count: int) -> dict:
    """A weekly series "Lab" in ``room`` from Wednesday 5 March at ``at``: its JSON."""
    return admin_cli.json(
        "series", "create", "-r", room.code, "-t", "Lab", "--start", f"{Y2031}-03-05",
        "--time", at, "-d", duration, "--count", str(count),
    )  # fmt: skip


@pytest.fixture
def term(admin_cli):
    name = f"Spring {tag()}"
    admin_cli.ok(
        "terms", "add", "--name", name, "--start", f"{Y2031}-03-03", "--end", f"{Y2031}-03-30",
        "--holiday", f"{Y2031}-03-17..{Y2031}-03-21 Spring break",
    )  # fmt: skip
    return name


def test_terms_add_show_edit_list_remove(admin_cli, term):
    shown = admin_cli.json("terms", "show", term)
    assert shown["holidays"] == [
        {"start": f"{Y2031}-03-17", "end": f"{Y2031}-03-21", "name": "Spring break"}
    ]
    assert (
        f"{Y2031}-03-17..{Y2031}-03-21 Spring break" in admin_cli.ok("terms", "show", term).stdout
    )
    assert term in [t["name"] for t in admin_cli.json("terms", "list")]
    changed = admin_cli.json(
        "terms",
        "edit",
        term,
        "--end",
        f"{Y2031}-04-06",
        "--holiday",
        f"{Y2031}-04-01 Founders' day",
    )
    assert changed["end_date"] == f"{Y2031}-04-06"
    assert [h["name"] for h in changed["holidays"]] == ["Founders' day"]
    assert admin_cli.json("terms", "edit", term, "--no-holidays")["holidays"] == []
    admin_cli.ok("terms", "remove", term)
    assert admin_cli("terms", "show", term).exit_code == 3
    bad = admin_cli("terms", "add", "--name", "x", "--start", f"{Y2031}-03-03", "--end", "soon")
    assert bad.exit_code == 2 and "--end" in bad.stderr


def test_terms_list_show_add_and_remove_say_what_they_did(admin_cli, term):
    """The list as a table (and ``--json`` after the command), a term's details, and the
    words of ``add`` and ``remove``."""
    made = admin_cli.json("terms", "show", term)
    listed = rows(admin_cli.ok("terms", "list").stdout)
    assert listed[1] == "id name campus from to holidays"
    assert f"{made['id']} {term} {Y2031}-03-03 {Y2031}-03-30 1" in listed
    as_json = json.loads(admin_cli.ok("terms", "list", "--json").stdout)
    assert made in as_json
    shown = admin_cli.ok("terms", "show", term)
    assert rows(shown.stdout)[:7] == [
        f"Term {term}", f"id {made['id']}", f"name {term}", "campus",
        f"from {Y2031}-03-03", f"to {Y2031}-03-30",
        f"holidays {Y2031}-03-17..{Y2031}-03-21 Spring break",
    ]  # fmt: skip
    autumn = f"Autumn {tag()}"
    added = admin_cli.ok(
        "terms", "add", "--name", autumn, "--start", f"{Y2031}-09-01", "--end", f"{Y2031}-12-20",
        "--holiday", f"{Y2031}-10-01 Open day", "--holiday", f"{Y2031}-11-02..{Y2031}-11-03",
        "--campus", "North",
    )  # fmt: skip
    new = json.loads(admin_cli.ok("terms", "show", autumn, "--json").stdout)
    assert added.stderr == f"Added term {autumn} (id {new['id']}).\n"
    assert new["campus"] == "North"
    assert f"{new['id']} {autumn} North {Y2031}-09-01 {Y2031}-12-20 2" in rows(
        admin_cli.ok("terms", "list").stdout
    )
    assert f"holidays {Y2031}-10-01 Open day; {Y2031}-11-02..{Y2031}-11-03" in rows(added.stdout)
    removed = admin_cli.ok("terms", "remove", autumn)
    assert (removed.stderr, removed.stdout) == (f"Removed term {autumn}.\n", "")
    assert admin_cli("terms", "show", autumn).exit_code == 3


def test_terms_edit_refuses_holidays_it_cannot_read_and_says_what_it_did(admin_cli, api, term):
    """``--holiday`` with ``--no-holidays`` (which would win unsaid), and a span without its
    end, are usage errors before anything is sent; an edit says what changed, or that
    nothing did."""
    before = admin_cli.json("terms", "show", term)
    both = admin_cli("terms", "edit", term, "--holiday", f"{Y2031}-03-10 Day", "--no-holidays")
    assert both.exit_code == 2, both.output
    assert "Invalid value for --no-holidays: give --holiday or --no-holidays, not both" in words(
        both
    )
    open_ended = admin_cli("terms", "edit", term, "--holiday", f"{Y2031}-03-10.. Day")
    assert open_ended.exit_code == 2 and "Invalid value for --holiday" in words(open_ended)
    for option in ("--start", "--end"):
        bad = admin_cli("terms", "edit", term, option, "soon")
        assert bad.exit_code == 2
        assert f"Invalid value for {option}: 'soon' is not a date (YYYY-MM-DD)" in words(bad)
        dates = {"--start": f"{Y2031}-09-01", "--end": f"{Y2031}-12-20"} | {option: "soon"}
        given = [word for pair in dates.items() for word in pair]
        not_added = admin_cli("terms", "add", "--name", "Never", *given)
        assert not_added.exit_code == 2
        assert f"Invalid value for {option}: 'soon' is not a date (YYYY-MM-DD)" in words(not_added)
    undated = admin_cli("terms", "edit", term, "--holiday", "soon Day")
    assert undated.exit_code == 2
    assert "Invalid value for --holiday: 'soon' is not a date (YYYY-MM-DD)" in words(undated)
    assert admin_cli.json("terms", "show", term) == before
    renamed = admin_cli.ok("terms", "edit", term, "--name", f"{term} (new)")
    assert words(renamed).startswith(f"Changed term {term} (new).")
    same = admin_cli.ok("terms", "edit", f"{term} (new)", "--end", f"{Y2031}-03-30")
    assert words(same).startswith(f"Nothing changed: term {term} (new) already had these values.")
    cleared = admin_cli.ok("terms", "edit", f"{term} (new)", "--no-holidays")
    assert words(cleared).startswith(f"Changed term {term} (new).")
    assert "holidays none" in rows(cleared.stdout)
    assert admin_cli.json("terms", "show", f"{term} (new)")["version"] == before["version"] + 2


def test_a_term_is_found_by_id_by_name_in_any_case_and_by_a_name_that_is_a_number(admin_cli, term):
    """``terms show 7`` is the term with the id 7; a term named ``2031`` (no term has that
    id) is found by its name; a name in another case is the same term."""
    made = admin_cli.json("terms", "show", term)
    assert admin_cli.json("terms", "show", str(made["id"]))["name"] == term
    assert admin_cli.json("terms", "show", term.upper())["id"] == made["id"]
    number = str(900000 + int(tag(), 16) % 99999)
    added = admin_cli.ok(
        "terms", "add", "--name", number, "--start", f"{Y2031}-09-01", "--end", f"{Y2031}-12-20",
        "--json",
    )  # fmt: skip
    assert json.loads(added.stdout) == admin_cli.json("terms", "show", number)  # --json after
    assert admin_cli.json("terms", "show", number)["name"] == number
    missing = admin_cli("terms", "show", "2147483647")
    assert missing.exit_code == 3, missing.output
    assert "there is no term '2147483647'" in words(missing)


def test_a_weekly_series_through_a_term_skips_its_holidays(admin_cli, campus, term):
    room = campus["mid"]
    made = admin_cli.json(
        "series", "create", "-r", room.code, "-t", "Algorithms", "--start", f"{Y2031}-03-04",
        "--time", "10:00", "-d", "90m", "--term", term,
    )  # fmt: skip
    assert made["skipped_holidays"] == [f"{Y2031}-03-18"]
    assert len(made["booking_ids"]) == 3
    detail = admin_cli.json("series", "show", str(made["id"]))
    starts = [utc(b["start"]) for b in detail["occurrences"]]
    assert starts == [
        datetime(Y2031, 3, 4, 9, tzinfo=UTC),
        datetime(Y2031, 3, 11, 9, tzinfo=UTC),
        datetime(Y2031, 3, 25, 9, tzinfo=UTC),
    ]
    table = admin_cli.ok("series", "show", str(made["id"])).stdout
    assert "weekly through term" in table and "10:00 for 1h30m (Europe/Berlin)" in table
    assert f"Tue {Y2031}-03-25 10:00-11:30 CET" in table
    assert made["id"] in [s["id"] for s in admin_cli.json("series", "list")]

    added = admin_cli.json("series", "add-date", str(made["id"]), f"{Y2031}-03-18")
    assert added["added_dates"] == [f"{Y2031}-03-18"] and len(added["booking_ids"]) == 1


def test_series_show_and_list_whole_in_tz_and_as_json_after_the_command(admin_cli, campus):
    room = campus["mid"].code
    made = lab(admin_cli, campus["mid"], "10:00", "90m", 2)
    sid = str(made["id"])
    admin = f"Administrator <{ADMIN_EMAIL}>"
    shown = rows(admin_cli.ok("series", "show", sid, "--tz", "UTC").stdout)
    assert shown[:12] == [
        f"Series {sid}",
        f"id {sid}",
        "title Lab",
        f"room {room}",
        "repeats weekly, 2 times",
        "time 10:00 for 1h30m (Europe/Berlin)",
        "skips holidays yes",
        "excluded",
        "added",
        "status active",
        f"owner {admin}",
        "version 1",
    ]
    ids = made["booking_ids"]
    assert shown[12] == "Occurrences" and shown[14] == "id room when status owner series title"
    assert shown[16:18] == [
        f"{ids[0]} {room} Wed {Y2031}-03-05 09:00-10:30 UTC confirmed {admin} {sid} Lab",
        f"{ids[1]} {room} Wed {Y2031}-03-12 09:00-10:30 UTC confirmed {admin} {sid} Lab",
    ]
    assert f"Wed {Y2031}-03-05 10:00-11:30 CET" in admin_cli.ok("series", "show", sid).stdout
    detail = json.loads(admin_cli.ok("series", "show", sid, "--json").stdout)
    assert detail == admin_cli.json("series", "show", sid) and detail["id"] == made["id"]
    listed = rows(admin_cli.ok("series", "list").stdout)
    assert listed[1] == "id title room repeats time status"
    assert f"{sid} Lab {room} weekly, 2 times 10:00 1h30m active" in listed
    as_json = json.loads(admin_cli.ok("series", "list", "--json").stdout)
    assert [s["title"] for s in as_json if s["id"] == made["id"]] == ["Lab"]


def test_series_list_in_a_narrow_terminal_wraps_the_title_and_leaves_out_the_status(
    admin_cli, campus
):
    title = "Introduction to the theory of computation (group B)"
    made = admin_cli.json(
        "series", "create", "-r", campus["mid"].code, "-t", title, "--start", f"{Y2031}-03-05",
        "--time", "10:00", "-d", "90m", "--until", f"{Y2031}-06-25", "--on", "mon,wed,fri",
    )  # fmt: skip
    sid, repeats = str(made["id"]), f"weekly on mon,wed,fri until {Y2031}-06-25"
    whole = [sid, title, campus["mid"].code, repeats, "10:00 1h30m", "active"]
    for width, shown in ((80, whole), (60, whole[:-1])):
        out, err = run(admin_cli, width, "series", "list")
        assert row_cells(out, sid) == ["".join(c.split()) for c in shown]
        assert ("Left out to fit 60 columns: status" in " ".join(err.split())) is (width == 60)


def test_a_series_with_every_date_taken_is_refused_without_offering_override(admin_cli, campus):
    lab(admin_cli, campus["mid"], "10:00", "90m", 1)
    taken = admin_cli(
        "series", "create", "-r", campus["mid"].code, "-t", "Other", "--start", f"{Y2031}-03-05",
        "--time", "10:00", "-d", "1h", "--count", "1", "--skip-conflicts",
    )  # fmt: skip
    assert taken.exit_code == 1 and words(taken) == (
        "error: No occurrence of this series can be booked. "
        "no occurrences: every date is skipped or taken"
    )  # --override books past rules, never over another booking


def test_move_the_following_occurrences_then_cancel_from_a_date(admin_cli, campus):
    room, other = campus["mid"], campus["big"]
    made = lab(admin_cli, room, "14:00", "2h", 4)
    moved = admin_cli.json(
        "series", "move", str(made["id"]), "--from", f"{Y2031}-03-19", "--room", other.code,
        "--time", "15:00",
    )  # fmt: skip
    assert len(moved["booking_ids"]) == 2
    occurrences = admin_cli.json("series", "show", str(made["id"]))["occurrences"]
    assert [b["room_id"] for b in occurrences] == [room.id, room.id, other.id, other.id]
    assert utc(occurrences[-1]["start"]) == datetime(Y2031, 3, 26, 14, tzinfo=UTC)

    renamed = admin_cli.json("series", "edit", str(made["id"]), "--title", "Lab (group B)")
    assert renamed["title"] == "Lab (group B)"
    wrong = admin_cli("series", "edit", str(made["id"]), "--scope", "following", "--title", "x")
    assert wrong.exit_code == 2 and "--from" in wrong.stderr
    every = admin_cli(
        "series", "edit", str(made["id"]), "--scope", "all", "--from", f"{Y2031}-03-26",
        "--title", "x",
    )  # fmt: skip
    assert every.exit_code == 2 and (
        "Invalid value for --from: --from goes with --scope following (--scope all changes "
        "every date)"
    ) in words(every)

    cancelled = admin_cli.json("series", "cancel", str(made["id"]), "--from", f"{Y2031}-03-26")
    assert (cancelled["status"], len(cancelled["booking_ids"])) == ("active", 1)
    whole = admin_cli.ok("series", "cancel", str(made["id"]), "--reason", "course moved")
    assert "Cancelled in series" in whole.stderr and "cancelled" in whole.stdout


def test_a_taken_date_stops_the_series_with_exit_code_4(admin_cli, api, campus, member):
    """The booking in the way by its room, its local time (the room's zone: this machine's
    is another) and its owner by name."""
    room = campus["small"]
    in_way = member.bookings.create(
        room_id=room.id,
        title="Exam",
        start=utc(f"{Y2031}-03-13T09:00Z"),
        end=utc(f"{Y2031}-03-13T10:00Z"),
    )
    result = admin_cli(
        "series", "create", "-r", room.code, "-t", "Tutorial", "--start", f"{Y2031}-03-06",
        "--time", "10:00", "-d", "1h", "--count", "3",
    )  # fmt: skip
    assert result.exit_code == 4
    assert result.stderr == (
        f"error: 1 occurrence is taken (nothing was booked): {Y2031}-03-13\n"
        f"  in the way: booking {in_way.id} 'Exam' in {room.code}, Thu {Y2031}-03-13 "
        f"10:00-11:00 CET, confirmed, booked by Mia Member <{member.me.get().email}>\n"
    )
    skipping = admin_cli.json(
        "series", "create", "-r", room.code, "-t", "Tutorial", "--start", f"{Y2031}-03-06",
        "--time", "10:00", "-d", "1h", "--count", "3", "--skip-conflicts",
    )  # fmt: skip
    assert len(skipping["booking_ids"]) == 2
    assert [s["date"] for s in skipping["skipped"]] == [f"{Y2031}-03-13"]
    two_ends = admin_cli(
        "series", "create", "-r", room.code, "-t", "x", "--start", f"{Y2031}-03-06", "--time", "10:00",
        "-d", "1h", "--count", "3", "--until", f"{Y2031}-04-01",
    )  # fmt: skip
    assert two_ends.exit_code == 2


def test_a_new_holiday_over_lectures_lists_them_in_their_rooms_time(admin_cli, campus):
    """A term's new holiday over a lecture of a series that skips holidays is refused, and
    the lecture is shown in its room's zone (the command names no room; this machine's zone
    is another)."""
    room, name = campus["small"], f"Spring {tag()}"
    admin_cli.ok(
        "terms", "add", "--name", name, "--start", f"{Y2031}-03-03", "--end", f"{Y2031}-03-30"
    )
    made = admin_cli.json(
        "series", "create", "-r", room.code, "-t", "Tutorial", "--start", f"{Y2031}-03-06",
        "--time", "10:00", "-d", "1h", "--term", name,
    )  # fmt: skip
    refused = admin_cli("terms", "edit", name, "--holiday", f"{Y2031}-03-13 Founders day")
    assert refused.exit_code == 4
    assert refused.stderr == (
        "error: the new holidays would cover 1 booking; nothing was changed:\n"
        f"  booking {made['booking_ids'][1]} 'Tutorial' in {room.code}, Thu {Y2031}-03-13 "
        f"10:00-11:00 CET, confirmed, booked by Administrator <{ADMIN_EMAIL}>\n"
        "  add --on-bookings cancel to cancel it (its owner sees why), or --on-bookings "
        "keep to keep it\n"
    )
    alone = admin_cli("terms", "edit", name, "--on-bookings", "keep")  # says how, not what
    assert (alone.exit_code, words(alone)) == (
        2,
        "error: nothing to change: give --name, --start, --end, --holiday or --no-holidays",
    )
    kept = admin_cli.ok(
        "terms", "edit", name, "--holiday", f"{Y2031}-03-13 Founders day", "--on-bookings", "keep"
    )
    assert words(kept).startswith(
        f"Changed term {name}. 1 occurrence on the new holidays kept: [{made['booking_ids'][1]}]"
    )
    earlier = json.loads(
        admin_cli.ok("terms", "edit", name, "--start", f"{Y2031}-03-02", "--json").stdout
    )  # --json after the command
    assert (earlier["start_date"], earlier["end_date"]) == (f"{Y2031}-03-02", f"{Y2031}-03-30")
    assert [h["name"] for h in earlier["holidays"]] == ["Founders day"]
    sports = admin_cli.ok(
        "terms", "edit", name, "--holiday", f"{Y2031}-03-13 Founders day",
        "--holiday", f"{Y2031}-03-20 Sports day", "--on-bookings", "cancel",
    )  # fmt: skip
    third = made["booking_ids"][2]
    assert words(sports).startswith(
        f"Changed term {name}. 1 occurrence on the new holidays cancelled: [{third}]"
    )


def local_days(api, series_id: int) -> list[str]:
    """The local dates of a series' occurrences that are not cancelled (Berlin)."""
    return [
        b.start.astimezone(BERLIN).date().isoformat()
        for b in api.series.get(series_id).occurrences
        if b.status != "cancelled"
    ]


def test_create_sends_every_rule_and_option(admin_cli, api, campus, member):
    """``--on``, ``--every``, ``--until``, ``--exclude``, ``--add-date``, ``--owner`` and
    ``--description`` reach the series; ``--repeat daily`` with ``--count``; the words."""
    room, me = campus["mid"], member.me.get()
    made = admin_cli.ok(
        "series", "create", "-r", room.code, "-t", "Seminar", "--start", f"{Y2031}-03-03",
        "--time", "09:00", "-d", "1h", "--on", "mon,wed", "--every", "2",
        "--until", f"{Y2031}-03-31", "--exclude", f"{Y2031}-03-17", "--add-date", f"{Y2031}-03-12",
        "--owner", me.email, "--description", "Bring laptops",
    )  # fmt: skip
    series = api.series.list(limit=200).data[-1]
    assert words(made) == f"Booked series {series.id}: 5 occurrences."
    assert series.rule["freq"] == "weekly" and series.rule["interval"] == 2
    assert (series.rule["weekdays"], series.rule["until"]) == (["mon", "wed"], f"{Y2031}-03-31")
    assert (series.excluded_dates, series.added_dates) == ([f"{Y2031}-03-17"], [f"{Y2031}-03-12"])
    assert (series.owner_id, series.description) == (me.id, "Bring laptops")
    assert re.search(r"^owner +Mia Member <", made.stdout, re.M)
    assert f"room {room.code}" in rows(made.stdout)
    assert local_days(api, series.id) == [f"{Y2031}-03-{d}" for d in ("03", "05", "12", "19", "31")]
    daily_said = admin_cli.ok(
        "series", "create", "-r", room.code, "-t", "Block", "--start", f"{Y2031}-03-04",
        "--time", "14:00", "-d", "30m", "--repeat", "daily", "--count", "3", "--json",
    )  # fmt: skip
    daily = json.loads(daily_said.stdout)  # --json after the command
    assert local_days(api, daily["id"]) == [f"{Y2031}-03-0{d}" for d in (4, 5, 6)]
    assert daily["duration_minutes"] == 30 and daily["start_time"] == "14:00"


def test_holidays_closures_and_opening_hours_on_create(admin_cli, api, campus, term):
    """``--keep-holidays`` books the term's holidays too; ``--skip-closures`` leaves out a
    closed day (without it the series is refused); ``--override`` books past the hours."""
    room = campus["small"]
    start = ("series", "create", "-r", room.code, "-t", "Tutorial", "--start", f"{Y2031}-03-04")
    kept = admin_cli.json(*start, "--time", "10:00", "-d", "1h", "--term", term, "--keep-holidays")
    assert kept["skipped_holidays"] == [] and len(kept["booking_ids"]) == 4
    api.buildings.create_closure(
        campus["building"].id, reason="Works", start_date=date(Y2031, 3, 11),
        end_date=date(Y2031, 3, 11), room_id=room.id,
        on_bookings="keep",
    )  # fmt: skip
    weekly = (*start, "-d", "1h", "--count", "3")
    refused = admin_cli(*weekly, "--time", "12:00")
    assert (refused.exit_code, refused.stderr) == (  # in the room's zone, not this machine's
        1,
        "error: 1 occurrence breaks a rule (nothing was booked): closed: Works "
        f"(Tue {Y2031}-03-11 00:00-24:00 CET)\n"
        "  Staff may book past opening hours, closures and rules with --override.\n",
    )
    skipping = admin_cli.ok(*weekly, "--time", "12:00", "--skip-closures")
    assert f"skipped {Y2031}-03-11: " in skipping.stderr
    as_json = admin_cli.json(*weekly, "--time", "13:00", "--skip-closures")
    assert len(as_json["booking_ids"]) == 2
    assert [(s["date"], s["reason"]) for s in as_json["skipped"]] == [(f"{Y2031}-03-11", "closure")]
    late = (*start, "--time", "21:00", "-d", "1h", "--count", "1")
    assert admin_cli(*late).exit_code == 1
    assert len(admin_cli.json(*late, "--override")["booking_ids"]) == 1


def test_edit_time_length_and_description_and_the_list(admin_cli, api, campus):
    room = campus["big"]
    made = lab(admin_cli, room, "14:00", "2h", 2)
    sid = str(made["id"])
    nothing = admin_cli("series", "edit", sid)
    assert nothing.exit_code == 2 and words(nothing) == (
        "error: nothing to change: give --room, --time, --duration, --title, --description or "
        "--attendees"
    )
    changed = admin_cli.ok(
        "series", "edit", sid, "--time", "15:00", "-d", "90m", "--description", "Goggles"
    )
    assert words(changed) == f"Changed series {sid}: 2 occurrences."
    same = admin_cli.ok("series", "edit", sid, "--time", "15:00", "--description", "Goggles")
    assert words(same) == f"Nothing changed: series {sid} already had these values."
    assert api.series.get(made["id"]).version == 2
    assert re.search(rf"^room +{room.code} *$", changed.stdout, re.M), changed.stdout
    series = api.series.get(made["id"])
    assert (series.start_time, series.duration_minutes, series.description) == (
        "15:00", 90, "Goggles"
    )  # fmt: skip
    first = series.occurrences[0]
    assert (first.start, first.end) == (
        utc(f"{Y2031}-03-05T14:00Z"), utc(f"{Y2031}-03-05T15:30Z")
    )  # fmt: skip
    row = next(
        line for line in admin_cli.ok("series", "list").stdout.splitlines() if f"│ {sid} " in line
    )
    assert "Lab" in row and room.code in row and "15:00 1h30m" in row and "active" in row
    cancelled = admin_cli.ok("series", "cancel", sid, "--reason", "course moved")
    assert words(cancelled) == f"Cancelled in series {sid}: 2 occurrences."
    assert {b.reason for b in api.series.get(made["id"]).occurrences} == {"course moved"}


def test_add_date_says_so_and_staff_may_override_the_hours(admin_cli, api, campus):
    made = lab(admin_cli, campus["mid"], "10:00", "1h", 1)
    sid = str(made["id"])
    added = admin_cli.ok("series", "add-date", sid, f"{Y2031}-03-07")
    assert words(added) == f"Added a date to series {sid}: 1 occurrence."
    saturday = ("series", "add-date", sid, f"{Y2031}-03-08")
    assert admin_cli(*saturday).exit_code == 1  # closed at weekends
    assert len(admin_cli.json(*saturday, "--override")["booking_ids"]) == 1
    assert local_days(api, made["id"]) == [f"{Y2031}-03-0{d}" for d in (5, 7, 8)]


def test_each_mistyped_option_is_named_and_nothing_is_booked(admin_cli, api, campus):
    """A mistyped date, time, length, weekday or end names its option in the usage error
    (exit 2); an unknown room, term or owner is exit 3; nothing is written."""
    room = campus["small"]
    made = lab(admin_cli, room, "10:00", "1h", 2)
    sid = str(made["id"])
    series_before = [s.id for s in api.series.list(limit=200)]
    args = {
        "--start": f"{Y2031}-03-05", "--time": "10:00", "-d": "1h", "--count": "2",
    }  # fmt: skip

    for option, value, says in (
        ("--start", "soon", "Invalid value for --start: 'soon' is not a date (YYYY-MM-DD)"),
        ("--time", "25:00", "Invalid value for --time: '25:00' is not a time of day (HH:MM)"),
        ("-d", "0m", "Invalid value for --duration: '0m': give at least a minute"),
        ("-d", "long", "Invalid value for --duration: 'long' is not a duration"),
        ("--on", "mon,funday", "Invalid value for --on: 'funday' is not mon, tue, ... sun"),
        ("--exclude", "x", "Invalid value for --exclude: 'x' is not a date (YYYY-MM-DD)"),
        ("--add-date", "x", "Invalid value for --add-date: 'x' is not a date (YYYY-MM-DD)"),
    ):
        refused = admin_cli(*create_args(room, args, option, value))
        assert refused.exit_code == 2 and says in words(refused), (option, refused.stderr)
    until = admin_cli(*create_args(room, {**args, "--count": "-"}, "--until", "x"))
    assert until.exit_code == 2
    assert "Invalid value for --until: 'x' is not a date (YYYY-MM-DD)" in words(until)
    for extra in (("--until", f"{Y2031}-04-01"), ("--term", "Spring")):
        two_ends = admin_cli(*create_args(room, args, *extra))
        assert two_ends.exit_code == 2, two_ends.stderr
        assert "Invalid value for --until: give one of --until, --count or --term" in words(
            two_ends
        )
    nowhere = admin_cli(*create_args(room, {**args, "--count": "-"}, "--term", f"No {tag()}"))
    stranger = admin_cli(*create_args(room, args, "--owner", "nobody@campus.example"))
    for unknown in (nowhere, stranger):
        assert unknown.exit_code == 3, unknown.stderr
    for option, value, says in (
        ("--from", "x", "Invalid value for --from: 'x' is not a date (YYYY-MM-DD)"),
        ("--time", "x", "Invalid value for --time: 'x' is not a time of day (HH:MM)"),
        ("-d", "0m", "Invalid value for --duration: '0m': give at least a minute"),
    ):
        refused = admin_cli("series", "edit", sid, option, value, "--title", "Changed")
        assert refused.exit_code == 2 and says in words(refused), (option, refused.stderr)
    wrong = admin_cli("series", "edit", sid, "--scope", "following", "--title", "x")
    assert "Invalid value for --from: --scope following needs --from DATE" in words(wrong)
    bad_from = admin_cli("series", "cancel", sid, "--from", "x")
    bad_day = admin_cli("series", "add-date", sid, "x")
    assert "Invalid value for --from: 'x' is not a date (YYYY-MM-DD)" in words(bad_from)
    assert "Invalid value for DAY: 'x' is not a date (YYYY-MM-DD)" in words(bad_day)
    assert [s.id for s in api.series.list(limit=200)] == series_before
    kept = api.series.get(made["id"])
    assert (kept.title, kept.version, len(kept.occurrences)) == ("Lab", 1, 2)
    assert {b.status for b in kept.occurrences} == {"confirmed"}


def create_args(room, args: dict[str, str], option: str, value: str) -> list[str]:
    """``series create`` in ``room`` with ``args`` ("-" leaves an option out) and one more."""
    given = {**args, option: value}
    options = [part for key, said in given.items() if said != "-" for part in (key, said)]
    return ["series", "create", "-r", room.code, "-t", "Lab", *options]


def test_cancel_add_date_and_edit_show_the_room_and_read_json_after_the_command(
    admin_cli, api, campus
):
    """What ``series cancel``, ``add-date`` and ``edit`` print names the series' room by
    its code; ``--json`` after the command is JSON; a closed day added is refused in the
    room's zone (this machine's is another)."""
    room = campus["big"]
    made = lab(admin_cli, room, "10:00", "1h", 1)
    sid = str(made["id"])
    added = admin_cli.ok("series", "add-date", sid, f"{Y2031}-03-06")
    assert re.search(rf"^room +{room.code} *$", added.stdout, re.M), added.stdout
    as_json = json.loads(admin_cli.ok("series", "add-date", sid, f"{Y2031}-03-07", "--json").stdout)
    assert (as_json["id"], len(as_json["booking_ids"])) == (made["id"], 1)
    api.buildings.create_closure(
        campus["building"].id, reason="Works", start_date=date(Y2031, 3, 13),
        end_date=date(Y2031, 3, 13), room_id=room.id, on_bookings="keep",
    )  # fmt: skip
    closed = admin_cli("series", "add-date", sid, f"{Y2031}-03-13")
    assert (closed.exit_code, closed.stderr.splitlines()[0]) == (
        1, f"error: 1 occurrence breaks a rule (nothing was booked): closed: Works "
        f"(Thu {Y2031}-03-13 00:00-24:00 CET)",
    )  # fmt: skip
    edited = json.loads(admin_cli.ok("series", "edit", sid, "--title", "Lab 2", "--json").stdout)
    assert edited["title"] == "Lab 2"
    cancelled = admin_cli.ok("series", "cancel", sid)
    assert re.search(rf"^room +{room.code} *$", cancelled.stdout, re.M), cancelled.stdout
    again = json.loads(admin_cli.ok("series", "cancel", sid, "--json").stdout)
    assert (again["id"], again["status"]) == (made["id"], "cancelled")


def test_attendees_and_override_reach_the_series_on_create_and_edit(admin_cli, api, campus):
    """``--attendees`` on create and edit (``0`` clears it; more than the seats is refused
    and nothing is booked); ``edit --override`` moves past the opening hours, which
    without it is refused."""
    room, title = campus["mid"], f"Seminar {tag()}"  # 30 seats, open 08-20
    start = ("series", "create", "-r", room.code, "-t", title, "--start", f"{Y2031}-03-05")
    weekly = (*start, "--time", "10:00", "-d", "1h", "--count", "2")
    too_many = admin_cli(*weekly, "--attendees", "31")
    assert too_many.exit_code == 1, too_many.stderr
    made = admin_cli.json(*weekly, "--attendees", "25")
    assert made["attendees"] == 25
    assert {b.attendees for b in api.series.get(made["id"]).occurrences} == {25}
    sid = str(made["id"])
    assert admin_cli.json("series", "edit", sid, "--attendees", "28")["attendees"] == 28
    kept = admin_cli.json("series", "edit", sid, "--description", "Bring a pen")
    assert kept["attendees"] == 28  # an edit without --attendees leaves it as it is
    assert admin_cli.json("series", "edit", sid, "--attendees", "0")["attendees"] is None
    assert {b.attendees for b in api.series.get(made["id"]).occurrences} == {None}
    late = admin_cli("series", "edit", sid, "--time", "21:00")
    assert late.exit_code == 1 and "--override" in words(late), late.stderr
    moved = admin_cli.json("series", "edit", sid, "--time", "21:00", "--override")
    assert moved["start_time"] == "21:00"
    assert [s.id for s in api.series.list(limit=200) if s.title == title] == [made["id"]]
