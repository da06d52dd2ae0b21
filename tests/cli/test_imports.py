"""``compax import FILE``: CSV and iCalendar timetables planned, shown, confirmed and applied;
re-importing changes nothing; conflicts exit 4 naming the booking in the way; bad lines exit
1 naming the line."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime

import pytest

from tests.cli.conftest import tag, words
from tests.dates import Y2031

pytestmark = pytest.mark.slow

HEADER = (
    "external_id,kind,room,title,owner,start,end,start_date,start_time,duration_minutes,"
    "freq,interval,weekdays,until,count,term,excluded_dates"
)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def source() -> str:
    return f"sis-{tag().lower()}"


def timetable(tmp_path, campus, *extra: str, name: str = "timetable.csv"):
    """Two weekly lectures (mid: Tue+Thu 10:00, 4 times; big: Wed 14:00 until 2031-03-19,
    without 2031-03-12) and an exam (small, Fri 2031-03-07 09:00-11:00 local)."""
    mid, big, small = campus["mid"].code, campus["big"].code, campus["small"].code
    lines = [
        HEADER,
        f"LEC-1,series,{mid},Linear algebra,,,,{Y2031}-03-04,10:00,90,weekly,1,tue thu,,4,,",
        f"LEC-2,series,{big},Statistics,,,,{Y2031}-03-05,14:00,1h30m,,,wed,{Y2031}-03-19,,,{Y2031}-03-12",
        f"EXAM-1,booking,{small},Algebra exam,,{Y2031}-03-07 09:00,{Y2031}-03-07 11:00,,,,,,,,,,",
        *extra,
    ]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def titles(api, room) -> list[tuple[str, datetime]]:
    return sorted(
        (b.title, b.start)
        for b in api.bookings.list(room_id=room.id, status="confirmed", limit=200)
    )


def test_plan_confirm_apply_then_reimport_changes_nothing(admin_cli, api, campus, tmp_path, source):
    path = timetable(tmp_path, campus)
    dry = admin_cli("import", str(path), "--source", source, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Plan: " + source in dry.stdout and "Read 3 items" in dry.stderr
    assert "Dry run: nothing was applied. Plan: 3 to create; 7 occurrences." in dry.stderr
    assert titles(api, campus["mid"]) == []  # a dry run changes nothing

    declined = admin_cli("import", str(path), "--source", source, input="n\n")
    assert declined.exit_code == 1 and "Nothing was applied." in declined.stderr
    assert titles(api, campus["mid"]) == []

    applied = admin_cli("import", str(path), "--source", source, input="y\n")
    assert applied.exit_code == 0, applied.output
    assert "Apply this plan to" in applied.stderr
    assert "Applied import" in applied.stderr and "3 created; 7 occurrences" in applied.stderr
    assert [start for _, start in titles(api, campus["mid"])] == [
        utc(f"{Y2031}-03-04T09:00Z"),  # 10:00 in Berlin
        utc(f"{Y2031}-03-06T09:00Z"),
        utc(f"{Y2031}-03-11T09:00Z"),
        utc(f"{Y2031}-03-13T09:00Z"),
    ]
    assert [start.day for _, start in titles(api, campus["big"])] == [5, 19]
    assert titles(api, campus["small"]) == [("Algebra exam", utc(f"{Y2031}-03-07T08:00Z"))]

    again = admin_cli.json("import", str(path), "--source", source, "--yes")
    assert {i["action"] for i in again["items"]} == {"unchanged"}
    assert again["summary"]["unchanged"] == 3
    assert len(titles(api, campus["mid"])) == 4


def test_changes_and_cancel_missing_are_shown_then_applied(
    admin_cli, api, campus, tmp_path, source
):
    admin_cli.ok("import", str(timetable(tmp_path, campus)), "--source", source, "--yes")
    mid = campus["mid"].code
    changed = tmp_path / "changed.csv"
    changed.write_text(
        f"{HEADER}\nLEC-1,series,{mid},Linear algebra,,,,{Y2031}-03-04,11:00,90,weekly,1,tue thu,,4,,\n"
    )
    plan = admin_cli("import", str(changed), "--source", source, "--cancel-missing", "--dry-run")
    assert plan.exit_code == 0, plan.output
    assert "line 2" in plan.stdout and "changes start_time" in plan.stdout
    assert "(not in the file)" in plan.stdout and "no longer in the file" in plan.stdout
    done = admin_cli.json("import", str(changed), "--source", source, "--cancel-missing", "-y")
    assert {i["external_id"]: i["action"] for i in done["items"]} == {
        "LEC-1": "update",
        "LEC-2": "cancel",
        "EXAM-1": "cancel",
    }
    assert titles(api, campus["big"]) == []
    assert titles(api, campus["mid"])[0][1] == utc(f"{Y2031}-03-04T10:00Z")


def test_a_conflict_exits_4_and_shows_the_booking_in_the_way(
    admin_cli, api, campus, tmp_path, source
):
    in_way = api.bookings.create(
        room_id=campus["mid"].id,
        title="Faculty board",
        start=utc(f"{Y2031}-03-11T09:30Z"),
        end=utc(f"{Y2031}-03-11T10:30Z"),
    )
    path = timetable(tmp_path, campus)
    refused = admin_cli("import", str(path), "--source", source, "--yes")
    assert refused.exit_code == 4, refused.output
    assert f"booking {in_way.id} 'Faculty board'" in refused.stdout
    assert f"Tue {Y2031}-03-11 10:30-11:30 CET" in refused.stdout
    assert "not applied: 1 conflicting item" in refused.stderr
    assert "--partial" in refused.stderr
    assert titles(api, campus["big"]) == []  # all or nothing

    as_json = admin_cli("--json", "import", str(path), "--source", source, "--yes")
    assert as_json.exit_code == 4
    plan = json.loads(as_json.stdout)
    conflict = next(i for i in plan["items"] if i["action"] == "conflict")
    assert conflict["external_id"] == "LEC-1" and conflict["conflicts"][0]["id"] == in_way.id

    partial = admin_cli.json("import", str(path), "--source", source, "--partial", "--yes")
    assert partial["status"] == "applied"
    assert [i["action"] for i in partial["items"]] == ["conflict", "create", "create"]
    assert len(titles(api, campus["big"])) == 2


def test_bad_lines_are_named_and_nothing_is_sent(admin_cli, campus, tmp_path, source):
    small = campus["small"].code
    path = timetable(
        tmp_path,
        campus,
        f"BAD-1,booking,{small},Exam,,{Y2031}-03-07 9 o'clock,{Y2031}-03-07 11:00,,,,,,,,,,",
        f"BAD-2,series,{small},Lab,,,,{Y2031}-03-04,10:00,90,weekly,1,tue,{Y2031}-04-01,3,,",
        f"BAD-3,lecture,{small},Lab,,,,,,,,,,,,,",
        f"BAD-4,booking,{small},Exam,,{Y2031}-03-07 09:00,{Y2031}-03-07 11:00,,,,,,,,,,,spare",
        f"BAD-5,series,{small},Lab,,,,{Y2031}-03-04,10:00,90,weekly,1,monkey,,3,,",
        # "²" is a digit to str.isdigit, but no number to int: named, not a traceback
        f"BAD-6,series,{small},Lab,,,,{Y2031}-03-04,10:00,90,weekly,\u00b2,tue,,3,,",
        f"BAD-7,series,{small},Lab,,,,{Y2031}-03-04,10:00,\u00b2,weekly,1,tue,,3,,",
    )
    result = admin_cli("import", str(path), "--source", source, "--yes")
    assert result.exit_code == 1, result.output
    assert f'line 5: start: "{Y2031}-03-07 9 o\'clock" is not a time' in result.stderr
    assert "line 6: give one of until, count or term (not until and count)" in result.stderr
    assert "line 7: kind: 'lecture' is not booking or series" in result.stderr
    assert "line 8: 18 values for 17 columns" in result.stderr
    assert "line 9: weekdays: 'monkey' is not mon, tue, ... sun" in result.stderr
    assert "line 10: interval: '\u00b2' is not a whole number of 1 or more" in result.stderr
    assert "line 11: duration_minutes: '\u00b2' is not a duration" in result.stderr
    assert "7 lines of timetable.csv cannot be imported; nothing was sent" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output

    unknown = tmp_path / "typo.csv"
    unknown.write_text("external_id,kind,room,title,exclude_dates\n")
    typo = admin_cli("import", str(unknown), "--source", source)
    assert typo.exit_code == 1 and "line 1: unknown column 'exclude_dates'" in typo.stderr
    # A column given twice would have one of its values silently lost.
    unknown.write_text("external_id,kind,room,title,start,end,title\n")
    twice = admin_cli("import", str(unknown), "--source", source)
    assert twice.exit_code == 1 and "line 1: the column 'title' is given twice" in twice.stderr


def test_an_unknown_room_is_an_invalid_item_of_the_plan(admin_cli, campus, tmp_path, source):
    path = timetable(
        tmp_path,
        campus,
        f"X-1,booking,NOWHERE-1,Lost,,{Y2031}-03-07 09:00,{Y2031}-03-07 10:00,,,,,,,,,,",
    )
    result = admin_cli("import", str(path), "--source", source, "--yes")
    assert result.exit_code == 4
    assert "line 5" in result.stdout and "there is no room NOWHERE-1" in result.stdout
    assert words(result).endswith(
        "error: not applied: 1 invalid item, and an import applies all or nothing. Fix them "
        "(see above), or apply the rest with --partial."
    )  # refused after the plan, not sent to be refused by the apply


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Campus SIS//EN
BEGIN:VEVENT
UID:stat-101@sis
SUMMARY:Statistics (lecture)
LOCATION:{mid}
DTSTART;TZID=Europe/Berlin:{year}0304T081500
DTEND;TZID=Europe/Berlin:{year}0304T094500
RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL={year}0325T225959Z
EXDATE;TZID=Europe/Berlin:{year}0311T081500
END:VEVENT
BEGIN:VEVENT
UID:stat-101@sis
RECURRENCE-ID;TZID=Europe/Berlin:{year}0318T081500
SUMMARY:Statistics (lecture, moved)
LOCATION:{big}
DTSTART;TZID=Europe/Berlin:{year}0318T130000
DTEND;TZID=Europe/Berlin:{year}0318T143000
END:VEVENT
BEGIN:VEVENT
UID:stat-101-exam@sis
SUMMARY:Statistics exam
LOCATION:{small}
DTSTART:{year}0328T080000Z
DURATION:PT2H
END:VEVENT
END:VCALENDAR
"""


def test_an_icalendar_file(admin_cli, api, campus, tmp_path, source):
    path = tmp_path / "timetable.ics"
    codes = {k: campus[k].code for k in ("small", "mid", "big")}
    path.write_text(ICS.format(year=Y2031, **codes).replace("\n", "\r\n"))
    plan = admin_cli("import", str(path), "--source", source, "--dry-run")
    assert plan.exit_code == 0, plan.output
    assert "Read 3 items from timetable.ics: 1 series, 2 bookings." in plan.stderr

    done = admin_cli.json("import", str(path), "--source", source, "--yes")
    assert {i["external_id"]: i["action"] for i in done["items"]} == {
        "stat-101@sis": "create",
        f"stat-101@sis/{Y2031}-03-18": "create",
        "stat-101-exam@sis": "create",
    }
    # Tuesdays 4, 11 (EXDATE), 18 (moved), 25 March: two left in the series' room
    assert [s for _, s in titles(api, campus["mid"])] == [
        utc(f"{Y2031}-03-04T07:15Z"),
        utc(f"{Y2031}-03-25T07:15Z"),
    ]
    assert titles(api, campus["big"]) == [
        ("Statistics (lecture, moved)", utc(f"{Y2031}-03-18T12:00Z"))
    ]
    assert titles(api, campus["small"]) == [("Statistics exam", utc(f"{Y2031}-03-28T08:00Z"))]

    again = admin_cli.json("import", str(path), "--source", source, "--yes")
    assert {i["action"] for i in again["items"]} == {"unchanged"}


def test_a_bad_event_is_named_by_its_line(admin_cli, campus, tmp_path, source):
    path = tmp_path / "bad.ics"
    text = ICS.format(year=Y2031, mid=campus["mid"].code, big=campus["big"].code, small="")
    path.write_text(text.replace("FREQ=WEEKLY;BYDAY=TU;", "FREQ=YEARLY;"))
    result = admin_cli("import", str(path), "--source", source, "--yes")
    assert result.exit_code == 1
    assert "line 4 (stat-101@sis): RRULE: FREQ must be DAILY, WEEKLY or MONTHLY" in result.stderr
    assert "line 21 (stat-101-exam@sis): LOCATION (the room code) is empty" in result.stderr


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("DTSTART:garbage", "DTSTART: 'garbage' cannot be read (Expected time, got: garbage)"),
        ("DURATION:PXYZ", "DURATION: 'PXYZ' cannot be read (Invalid iCalendar duration: PXYZ)"),
        (
            "RRULE:FREQ=WEEKLY;INTERVAL=x;COUNT=3",
            "RRULE: 'FREQ=WEEKLY;INTERVAL=x;COUNT=3' cannot be read (Expected int, got: x)",
        ),
        ("EXDATE:nonsense", "EXDATE: 'nonsense' cannot be read (Wrong date format nonsense)"),
    ],
)
def test_an_event_whose_times_cannot_be_read_is_named(
    admin_cli, campus, tmp_path, source, broken, message
):
    """icalendar keeps a value it cannot read and raises only when it is used: the event is
    named with the value, not a traceback."""
    event = {
        "DTSTART": f"{Y2031}0304T090000Z",
        "DTEND": f"{Y2031}0304T100000Z",
        "EXDATE": f"{Y2031}0311T090000Z",
        "RRULE": "FREQ=WEEKLY;COUNT=3",
    }
    name, value = broken.split(":", 1)
    if name == "DURATION":
        del event["DTEND"]
    event[name] = value
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "UID:lec-1@sis",
        "SUMMARY:Lecture",
        f"LOCATION:{campus['mid'].code}",
        *(f"{k}:{v}" for k, v in event.items()),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    path = tmp_path / "broken.ics"
    path.write_text("\r\n".join(lines) + "\r\n")
    result = admin_cli("import", str(path), "--source", source, "--yes")
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"error: line 3 (lec-1@sis): {message}\n"
        "error: 1 line of broken.ics cannot be imported; nothing was sent\n"
    )


def test_without_icalendar_the_message_says_what_to_install(
    admin_cli, campus, tmp_path, source, monkeypatch
):
    monkeypatch.setitem(sys.modules, "icalendar", None)  # import icalendar -> ImportError
    path = tmp_path / "timetable.ics"
    path.write_text(ICS)
    result = admin_cli("import", str(path), "--source", source)
    assert result.exit_code == 1
    assert "needs the icalendar package: pip install icalendar" in result.stderr


def test_an_exam_moved_by_hand_stays_moved_until_staff_reset_it(
    admin_cli, api, campus, tmp_path, source
):
    """Staff move an imported exam to another room: the next import keeps it there and the
    plan says so; ``compax bookings reset`` hands it back, and the import after that moves
    it to the timetable's room again."""
    path = timetable(tmp_path, campus)
    admin_cli.ok("import", str(path), "--source", source, "--yes")
    small, mid = campus["small"], campus["mid"]
    (exam,) = api.bookings.list(room_id=small.id, status="confirmed", limit=10)
    admin_cli.ok("bookings", "move", str(exam.id), "--room", mid.code)
    shown = admin_cli.ok("bookings", "show", str(exam.id))
    assert "changed by hand" in shown.stdout and "room" in shown.stdout

    retitled = timetable(tmp_path, campus, name="retitled.csv")
    retitled.write_text(retitled.read_text().replace("Algebra exam", "Algebra exam (resit)"))
    plan = admin_cli("import", str(retitled), "--source", source, "--dry-run")
    assert plan.exit_code == 0, plan.output
    assert "changes title" in plan.stdout
    assert f"keeps booking {exam.id} as changed by hand (room)" in plan.stdout
    admin_cli.ok("import", str(retitled), "--source", source, "--yes")
    kept = api.bookings.get(exam.id)
    assert (kept.room_id, kept.title) == (mid.id, "Algebra exam (resit)")

    reset = admin_cli.ok("bookings", "reset", str(exam.id))
    assert f"Booking {exam.id} follows its import again" in reset.stderr
    assert api.bookings.get(exam.id).exception_fields == []
    again = admin_cli.ok("bookings", "reset", str(exam.id))
    assert "has no change made by hand; nothing to reset" in again.stderr

    admin_cli.ok("import", str(retitled), "--source", source, "--yes")
    assert api.bookings.get(exam.id).room_id == small.id


def test_a_plan_in_words_json_and_tz_after_the_command_and_an_empty_file(
    admin_cli, api, campus, tmp_path, source
):
    """The dry run's words: the items to look at under their title, what an apply would do
    (refused, unless --partial); ``--json``/``--tz`` after the command; a file with no items
    sends nothing."""
    api.bookings.create(
        room_id=campus["mid"].id,
        title="Faculty board",
        start=utc(f"{Y2031}-03-11T09:30Z"),
        end=utc(f"{Y2031}-03-11T10:30Z"),
    )
    path = timetable(tmp_path, campus)
    dry = admin_cli.ok("import", str(path), "--source", source, "--dry-run")
    assert "Items to look at" in [line.rstrip() for line in dry.stdout.splitlines()]
    assert words(dry).endswith(
        "Dry run: nothing was applied. Plan: 2 to create, 1 conflict; 3 occurrences "
        "(an apply would be refused)."
    )
    partial = admin_cli.ok("import", str(path), "--source", source, "--dry-run", "--partial")
    assert words(partial).endswith("Plan: 2 to create, 1 conflict; 3 occurrences.")
    as_json = admin_cli.ok(
        "import", str(path), "--source", source, "--dry-run", "--json", "--tz", "Asia/Tokyo"
    )
    plan = json.loads(as_json.stdout)
    assert (plan["status"], plan["summary"]["conflict"]) == ("planned", 1)
    in_tokyo = admin_cli.ok("import", str(path), "--source", source, "--dry-run", "--tz", "UTC")
    assert f"Tue {Y2031}-03-11 09:30-10:30 UTC" in in_tokyo.stdout  # the board, in UTC

    empty = tmp_path / "empty.csv"
    empty.write_text(HEADER + "\n")
    nothing = admin_cli("import", str(empty), "--source", source)
    assert (nothing.exit_code, nothing.stderr) == (
        1,
        "error: empty.csv has no items; nothing was sent\n",
    )


def test_conflicting_and_invalid_items_are_counted_in_one_refusal(
    admin_cli, api, campus, tmp_path, source
):
    api.bookings.create(
        room_id=campus["mid"].id,
        title="Faculty board",
        start=utc(f"{Y2031}-03-11T09:30Z"),
        end=utc(f"{Y2031}-03-11T10:30Z"),
    )
    lost = f"X-1,booking,NOWHERE-1,Lost,,{Y2031}-03-07 09:00,{Y2031}-03-07 10:00,,,,,,,,,,"
    refused = admin_cli("import", str(timetable(tmp_path, campus, lost)), "--source", source, "-y")
    assert refused.exit_code == 4, refused.output
    assert words(refused).endswith(
        "error: not applied: 1 conflicting item and 1 invalid item, and an import "
        "applies all or nothing. Fix them (see above), or apply the rest with --partial."
    )
    assert titles(api, campus["big"]) == []


def test_a_partial_apply_lists_what_it_left_out_and_a_second_run_has_nothing_to_do(
    admin_cli, api, campus, tmp_path, source
):
    lost = f"X-1,booking,NOWHERE-1,Lost,,{Y2031}-03-07 09:00,{Y2031}-03-07 10:00,,,,,,,,,,"
    path = timetable(tmp_path, campus, lost)
    done = admin_cli.ok("import", str(path), "--source", source, "--partial", "--yes")
    assert done.stdout.splitlines()[-6].rstrip() == "Left out (--partial)"
    assert "there is no room NOWHERE-1" in done.stdout
    last = words(done)
    assert re.search(
        rf"Applied import \d+ from {source}: 3 created, 1 invalid; 7 occurrences\.$", last
    ), last
    again = admin_cli("import", str(timetable(tmp_path, campus)), "--source", source)
    assert again.exit_code == 0, again.output
    assert again.stderr.splitlines()[-1] == "Nothing to change: 3 unchanged."


def test_override_priority_and_skip_closures_reach_the_plan_and_the_apply(
    admin_cli, api, campus, member, tmp_path, source
):
    """A Saturday exam (the building is open on weekdays) only with --override; a member's
    booking in the way cancelled only with --priority; a closed Tuesday left out of a
    series only with --skip-closures."""
    small, big = campus["small"], campus["big"]
    saturday = f"SAT-1,booking,{small.code},Make-up exam,,{Y2031}-03-08 09:00,{Y2031}-03-08 10:00,,,,,,,,,,"
    path = tmp_path / "extra.csv"
    path.write_text(f"{HEADER}\n{saturday}\n")
    for args, action in ((), "invalid"), (("--override",), "create"):
        plan = admin_cli.json("import", str(path), "--source", source, "--dry-run", *args)
        assert plan["items"][0]["action"] == action, args
    admin_cli.ok("import", str(path), "--source", source, "--override", "--yes")
    assert [t for t, _ in titles(api, small)] == ["Make-up exam"]

    theirs = member.bookings.create(
        room_id=big.id,
        title="Study group",
        start=utc(f"{Y2031}-03-12T12:00Z"),
        end=utc(f"{Y2031}-03-12T14:00Z"),
    )
    weekly = f"WED-1,series,{big.code},Seminar,,,,{Y2031}-03-05,14:00,60,weekly,1,wed,,3,,"
    path.write_text(f"{HEADER}\n{saturday}\n{weekly}\n")
    plan = admin_cli.json("import", str(path), "--source", source, "--override", "--dry-run")
    assert plan["items"][1]["action"] == "conflict"
    bumped = admin_cli.ok(
        "import", str(path), "--source", source, "--override", "--priority", "--yes"
    )
    assert f"cancels member booking {theirs.id}" in bumped.stdout
    assert api.bookings.get(theirs.id).status == "cancelled"

    api.buildings.create_closure(
        campus["building"].id,
        reason="Open day",
        start=utc(f"{Y2031}-03-25T00:00Z"),
        end=utc(f"{Y2031}-03-26T00:00Z"),
    )
    tuesdays = f"TUE-1,series,{small.code},Tutorial,,,,{Y2031}-03-18,10:00,60,weekly,1,tue,,2,,"
    path.write_text(f"{HEADER}\n{saturday}\n{weekly}\n{tuesdays}\n")
    # the two above are unchanged now: only the new series meets the rules
    closed = admin_cli.json("import", str(path), "--source", source, "--dry-run")
    assert [i["action"] for i in closed["items"]] == ["unchanged", "unchanged", "invalid"]
    skipping = admin_cli.ok("import", str(path), "--source", source, "--skip-closures", "--yes")
    assert f"leaves out {Y2031}-03-25: closed: Open day" in " ".join(skipping.stdout.split())
    assert [s.day for t, s in titles(api, small) if t == "Tutorial"] == [18]


def test_a_title_the_server_refuses_is_named_by_its_line(admin_cli, campus, tmp_path, source):
    """A 400 about an item (a title too long, an escape sequence in it) is the file's line."""
    small = campus["small"].code
    for title, says in (
        ("x" * 201, "String should have at most 200 characters"),
        (
            "Exam\x1b[2J",
            "must not contain control characters (U+0001 to U+001F but tab and line breaks, "
            "U+007F to U+009F)",
        ),
    ):
        line = f"X-1,booking,{small},{title},,{Y2031}-03-07 12:00,{Y2031}-03-07 13:00,,,,,,,,,,"
        refused = admin_cli("import", str(timetable(tmp_path, campus, line)), "--source", source)
        assert refused.exit_code == 1, refused.output
        said = words(refused)
        assert said.endswith(
            f"error: line 5: title: {says} "
            "error: 1 line of timetable.csv cannot be imported; nothing was sent"
        ), said


def test_a_timetable_changed_between_plan_and_apply_is_refused_with_what_is_in_the_way(
    admin_cli, api, campus, tmp_path, source, monkeypatch
):
    """A booking made while the plan waits for its yes: the apply finds it and applies
    nothing, and the CLI shows the rejected batch."""
    from compax_cli import imports

    sneaked = []

    def book_meanwhile(plan, counts, st):
        sneaked.append(
            api.bookings.create(
                room_id=campus["small"].id,
                title="Sneaked in",
                start=utc(f"{Y2031}-03-07T08:30Z"),
                end=utc(f"{Y2031}-03-07T09:30Z"),
            )
        )

    monkeypatch.setattr(imports, "_confirm", book_meanwhile)
    refused = admin_cli("import", str(timetable(tmp_path, campus)), "--source", source)
    assert refused.exit_code == 4, refused.output
    lines = refused.stdout.splitlines()
    assert any(re.fullmatch(r"Rejected \(import \d+\)\s*", line) for line in lines), lines
    assert any(line.startswith("In the way") for line in lines), lines
    assert "'Sneaked in'" in refused.stdout
    assert refused.stderr.splitlines()[-1].startswith("error: not applied: ")
    assert titles(api, campus["mid"]) == []  # nothing applied
    api.bookings.cancel(sneaked[0])  # out of the plan's way; the next one sneaks in again
    again = admin_cli("import", str(timetable(tmp_path, campus)), "--source", source, "--json")
    assert again.exit_code == 4, again.output
    assert json.loads(again.stdout)["status"] == "rejected"  # the stored batch, read back
