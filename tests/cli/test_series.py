"""``compax terms`` and ``compax series``: a weekly lecture through a term, moved from a date
on, cancelled, and a date added."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.cli.conftest import ADMIN_EMAIL, tag
from tests.dates import Y2031

pytestmark = pytest.mark.slow


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


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


def test_move_the_following_occurrences_then_cancel_from_a_date(admin_cli, campus):
    room, other = campus["mid"], campus["big"]
    made = admin_cli.json(
        "series", "create", "-r", room.code, "-t", "Lab", "--start", f"{Y2031}-03-05",
        "--time", "14:00", "-d", "2h", "--count", "4",
    )  # fmt: skip
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
    assert every.exit_code == 2 and "--scope following" in every.stderr

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
        f"error: 1 occurrence(s) are taken (nothing was booked): {Y2031}-03-13\n"
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
        "error: the new holidays would cover 1 booking(s); nothing was changed:\n"
        f"  booking {made['booking_ids'][1]} 'Tutorial' in {room.code}, Thu {Y2031}-03-13 "
        f"10:00-11:00 CET, confirmed, booked by Administrator <{ADMIN_EMAIL}>\n"
        "  add --on-bookings cancel to cancel them (their owners see why), or --on-bookings "
        "keep to keep them\n"
    )
