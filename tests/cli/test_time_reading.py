"""``compax_cli.times`` on its own (no server): every wall time in every zone is either read
as the one instant it names, or refused with both readings; durations are elapsed time."""

from __future__ import annotations

import re
import time as time_module
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from compax_cli import times
from compax_cli.times import (
    after,
    days_later,
    local_zone,
    minutes,
    parse_date,
    parse_duration,
    parse_hhmm,
    parse_length,
    parse_time,
    show_duration,
    show_span,
    show_time,
    start_of_day,
    zone,
)

BERLIN = ZoneInfo("Europe/Berlin")
ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",  # until 2019 the clocks skipped midnight
    "Australia/Lord_Howe",  # changes by 30 minutes
    "Asia/Kolkata",  # never changes (since 1945)
    "Pacific/Apia",  # skipped 2011-12-30 altogether
    "UTC",
]
READING = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?[+-]\d\d:\d\d(?::\d\d)?")


def transitions(zone: str, first: int = 2010, last: int = 2030) -> list[datetime]:
    """The UTC instants (to the minute) when ``zone`` changes its offset, found by the day."""
    tz = ZoneInfo(zone)
    found = []
    day = datetime(first, 1, 1, tzinfo=UTC)
    while day.year <= last:
        low, high = day, day + timedelta(days=1)
        if low.astimezone(tz).utcoffset() != high.astimezone(tz).utcoffset():
            while high - low > timedelta(seconds=1):
                mid = low + (high - low) / 2
                same = mid.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset()
                low, high = (mid, high) if same else (low, mid)
            found.append(high.replace(second=0, microsecond=0))  # changes are on the minute
        day += timedelta(days=1)
    return found


CHANGES = [(zone, moment) for zone in ZONES for moment in transitions(zone)]


@st.composite
def walls_near_changes(draw: st.DrawFn) -> tuple[str, datetime]:
    """A zone and a wall time at most three hours from one of its changes of the clocks."""
    zone, moment = draw(st.sampled_from(CHANGES))
    shift = timedelta(minutes=draw(st.integers(-180, 180)))
    return zone, moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None) + shift


@st.composite
def any_walls(draw: st.DrawFn) -> tuple[str, datetime]:
    wall = draw(st.datetimes(min_value=datetime(2010, 1, 1), max_value=datetime(2030, 12, 31)))
    return draw(st.sampled_from(ZONES)), wall.replace(microsecond=0)


def refusal(text: str, tz: ZoneInfo) -> str:
    with pytest.raises(typer.BadParameter) as caught:
        parse_time(text, tz, "--start")
    return caught.value.message


@settings(max_examples=300)
@given(case=st.one_of(walls_near_changes(), any_walls()))
def test_a_wall_time_is_one_instant_or_refused_with_both(case: tuple[str, datetime]) -> None:
    zone, wall = case
    tz = ZoneInfo(zone)
    candidates = {
        wall.replace(tzinfo=tz, fold=f).astimezone(UTC)
        for f in (0, 1)
        if wall.replace(tzinfo=tz, fold=f).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        == wall
    }
    text = wall.isoformat(sep=" ")
    if len(candidates) == 1:
        [only] = candidates
        assert parse_time(text, tz, "--start").astimezone(UTC) == only
        return
    message = refusal(text, tz)
    readings = [datetime.fromisoformat(r) for r in READING.findall(message)]
    assert len({r.astimezone(UTC) for r in readings}) == 2  # two instants, both shown
    assert all(r.replace(tzinfo=None) == wall for r in readings)  # as the time typed
    if candidates:  # it happens twice: the readings are exactly those two instants
        assert {r.astimezone(UTC) for r in readings} == candidates
        assert "happens twice" in message
    else:
        assert "does not exist" in message
    for reading in readings:  # each one is accepted as given
        assert parse_time(reading.isoformat(), tz, "--start") == reading


def test_a_repeated_hour_names_both_offsets_and_how_to_choose() -> None:
    message = refusal("2027-10-31 02:30", BERLIN)
    assert message == (
        "2027-10-31 02:30 happens twice in Europe/Berlin (the clocks go back from 03:00 to "
        "02:00 that night): first 2027-10-31T02:30+02:00 (CEST, 00:30 UTC), then "
        "2027-10-31T02:30+01:00 (CET, 01:30 UTC). Give the one you mean with its offset, "
        "e.g. 2027-10-31T02:30+02:00."
    )


def test_a_skipped_time_names_both_readings() -> None:
    message = refusal("2027-03-28 02:30", BERLIN)
    assert message == (
        "2027-03-28 02:30 does not exist in Europe/Berlin (the clocks go forward from 02:00 to "
        "03:00 that night). It could mean 2027-03-28T02:30+01:00 (CET, 01:30 UTC), which the "
        "clocks show as 03:30, or 2027-03-28T02:30+02:00 (CEST, 00:30 UTC), which they show "
        "as 01:30. Give the time you mean, or one of these with its offset."
    )
    half_hour = refusal("2027-10-03 02:15", ZoneInfo("Australia/Lord_Howe"))
    assert "forward from 02:00 to 02:30" in half_hour and "+10:30" in half_hour


def test_a_named_zone_is_checked_too() -> None:
    assert "happens twice" in refusal("2027-11-07T01:30 America/New_York", BERLIN)


@pytest.mark.parametrize(
    ("start", "hours", "ends"),
    [
        ("2027-10-31 01:30", 2, "2027-10-31T01:30:00+00:00"),  # 02:30 CET, not 03:30
        ("2027-03-28 01:00", 2, "2027-03-28T02:00:00+00:00"),  # 04:00 CEST, not 03:00
        ("2027-10-31T02:30+02:00", 1, "2027-10-31T01:30:00+00:00"),
        ("2027-07-01 10:00", 24 * 14, "2027-07-15T08:00:00+00:00"),
    ],
)
def test_a_duration_is_elapsed_time(start: str, hours: int, ends: str) -> None:
    begin = parse_time(start, BERLIN, "--start")
    end = after(begin, timedelta(hours=hours))
    assert end.astimezone(UTC) == datetime.fromisoformat(ends)
    assert end.astimezone(UTC) - begin.astimezone(UTC) == timedelta(hours=hours)


def test_a_span_across_a_change_of_the_clocks_names_both_zones() -> None:
    begin = parse_time("2027-10-31 01:30", BERLIN, "--start")
    assert show_span(begin, after(begin, timedelta(hours=2)), BERLIN) == (
        "Sun 2027-10-31 01:30 CEST-02:30 CET"
    )
    day = start_of_day(date(2027, 10, 31), BERLIN)
    assert show_span(day, start_of_day(date(2027, 11, 1), BERLIN), BERLIN) == (
        "Sun 2027-10-31 00:00 CEST-24:00 CET"
    )


def test_today_is_the_first_instant_of_the_day() -> None:
    sao_paulo = ZoneInfo("America/Sao_Paulo")  # 2018-11-04 began at 01:00 (-02)
    assert start_of_day(date(2018, 11, 4), sao_paulo) == datetime(2018, 11, 4, 3, tzinfo=UTC)
    assert start_of_day(date(2027, 10, 31), BERLIN) == datetime(2027, 10, 30, 22, tzinfo=UTC)


@pytest.mark.parametrize(("word", "days"), [("today", 0), ("tomorrow", 1), ("Tomorrow", 1)])
def test_today_and_tomorrow_take_a_time_of_day(word: str, days: int) -> None:
    for _ in range(2):  # the day is read once before and once in parse_time: retry at midnight
        day = datetime.now(BERLIN).date() + timedelta(days=days)
        got = parse_time(f"{word} 10:30", BERLIN, "--start")
        if got.date() == day:
            break
    assert got == datetime(day.year, day.month, day.day, 10, 30, tzinfo=BERLIN)
    assert got.utcoffset() == BERLIN.utcoffset(datetime(day.year, day.month, day.day, 10, 30))


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("2031-04-11 9:00", "2031-04-11 09:00"),
        ("2031-04-11T9:05", "2031-04-11T09:05"),
        ("2031-04-11 9:00 Europe/Berlin", "2031-04-11 09:00 Europe/Berlin"),
        ("2031-04-11T9:00:30+01:00", "2031-04-11T09:00:30+01:00"),
    ],
)
def test_an_hour_of_one_digit_is_read_as_people_write_it(text: str, meant: str) -> None:
    assert parse_time(text, BERLIN, "--start") == parse_time(meant, BERLIN, "--start")
    tomorrow = parse_time("tomorrow 9:00", BERLIN, "--start")
    assert (tomorrow.hour, tomorrow.minute) == (9, 0)
    for wrong in ("2031-04-11 9", "2031-04-11 9:0", "2031-04-11 123:00"):
        with pytest.raises(typer.BadParameter, match="is not a time"):
            parse_time(wrong, BERLIN, "--start")


class SpringForward(datetime):
    """The clock of ``compax_cli.times`` at 2031-03-30 00:30 UTC: 01:30 in Berlin on the night
    its clocks skip 02:00-03:00, still the 29th in Los Angeles, the 30th in the afternoon on
    this machine (the suite runs it in Pacific/Chatham)."""

    @classmethod
    def now(cls, tz: Any = None) -> Any:
        moment = datetime(2031, 3, 30, 0, 30, tzinfo=UTC)
        return moment.astimezone(tz) if tz else moment.astimezone().replace(tzinfo=None)


def test_today_is_the_day_in_the_zone_read_and_a_time_it_skips_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(times, "datetime", SpringForward)
    los_angeles = ZoneInfo("America/Los_Angeles")
    assert parse_time("today 10:00", los_angeles, "--start").date() == date(2031, 3, 29)
    assert parse_time("tomorrow", los_angeles, "--start").date() == date(2031, 3, 30)
    with pytest.raises(typer.BadParameter) as caught:
        parse_time("today 02:30", BERLIN, "--from")
    assert caught.value.param_hint == "--from"
    assert caught.value.message.startswith("2031-03-30 02:30 does not exist in Europe/Berlin")


@pytest.mark.parametrize("text", ["tomorrow 25:00", "today noon", "tomorrow 10:30x"])
def test_today_and_tomorrow_with_a_wrong_time_of_day_name_the_forms(text: str) -> None:
    with pytest.raises(typer.BadParameter, match="tomorrow 10:00"):
        parse_time(text, BERLIN, "--start")


@pytest.mark.parametrize(
    ("text", "zone", "message"),
    [
        (  # the clocks go back over midnight: the change is named with its own date
            "2019-02-16 23:30",
            "America/Sao_Paulo",
            "2019-02-16 23:30 happens twice in America/Sao_Paulo (the clocks go back from "
            "2019-02-17 00:00 to 23:00 that night): first 2019-02-16T23:30-02:00 (2019-02-17 "
            "01:30 UTC), then 2019-02-16T23:30-03:00 (2019-02-17 02:30 UTC). Give the one you "
            "mean with its offset, e.g. 2019-02-16T23:30-02:00.",
        ),
        (  # a zone whose abbreviations are numbers: none is repeated as a name
            "2018-11-04 00:30",
            "America/Sao_Paulo",
            "2018-11-04 00:30 does not exist in America/Sao_Paulo (the clocks go forward from "
            "00:00 to 01:00 that night). It could mean 2018-11-04T00:30-03:00 (03:30 UTC), "
            "which the clocks show as 01:30, or 2018-11-04T00:30-02:00 (02:30 UTC), which they "
            "show as 2018-11-03 23:30. Give the time you mean, or one of these with its offset.",
        ),
        (  # seconds typed are seconds shown; an offset of zero is +00:00
            "2027-10-31 01:30:10",
            "Europe/London",
            "2027-10-31 01:30:10 happens twice in Europe/London (the clocks go back from 02:00 "
            "to 01:00 that night): first 2027-10-31T01:30:10+01:00 (BST, 00:30:10 UTC), then "
            "2027-10-31T01:30:10+00:00 (GMT, 01:30:10 UTC). Give the one you mean with its "
            "offset, e.g. 2027-10-31T01:30:10+01:00.",
        ),
        (  # an offset with seconds (Amsterdam until 1937) is written with them
            "1937-07-01 00:00:10",
            "Europe/Amsterdam",
            "1937-07-01 00:00:10 does not exist in Europe/Amsterdam (the clocks go forward "
            "from 00:00 to 00:00:28 that night). It could mean 1937-07-01T00:00:10+01:19:32 "
            "(NST, 1937-06-30 22:40:38 UTC), which the clocks show as 00:00:38, or "
            "1937-07-01T00:00:10+01:20 (1937-06-30 22:40:10 UTC), which they show as "
            "1937-06-30 23:59:42. Give the time you mean, or one of these with its offset.",
        ),
    ],
)
def test_a_refusal_names_dates_offsets_and_seconds_exactly(text, zone, message) -> None:
    with pytest.raises(typer.BadParameter) as caught:
        parse_time(text, ZoneInfo(zone), "--start")
    assert (caught.value.message, caught.value.param_hint) == (message, "--start")


@pytest.mark.parametrize(("zone", "moment"), CHANGES[::7])
def test_the_change_of_the_clocks_is_named_to_the_minute(zone: str, moment: datetime) -> None:
    """Halving to the second finds the instant the clocks change: the refusal says it as the
    clocks show it just before and just after (checked against ``transitions`` above)."""
    tz = ZoneInfo(zone)
    before = (moment - timedelta(seconds=1)).astimezone(tz)
    after_ = moment.astimezone(tz)
    wall = (before if after_.utcoffset() > before.utcoffset() else after_).replace(tzinfo=None)
    wall = wall.replace(second=0) + timedelta(minutes=0 if wall.second == 0 else 1)
    message = refusal(wall.isoformat(sep=" ", timespec="minutes"), tz)
    old = (moment + before.utcoffset()).replace(tzinfo=None)
    new = (moment + after_.utcoffset()).replace(tzinfo=None)

    def shown(wall_clock: datetime) -> str:
        clock = f"{wall_clock:%H:%M}" + (f":{wall_clock:%S}" if wall_clock.second else "")
        return clock if wall_clock.date() == wall.date() else f"{wall_clock:%Y-%m-%d} {clock}"

    assert f" from {shown(old)} to {shown(new)} that night" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2027-03-02 10:00 Mars/Base",
            "'Mars/Base' is not an IANA time zone (e.g. Europe/Berlin, UTC)",
        ),
        ("2027-03-02T10:00+01:00 Europe/Berlin", "give an offset or a zone name, not both"),
        (
            "next tuesday",
            "'next tuesday' is not a time; use 2027-03-02T10:00:00+01:00, '2027-03-02 10:00' "
            "(local time), '2027-03-02 10:00 Europe/Berlin' or 'tomorrow 10:00'",
        ),
        (
            "today noon",
            "'today noon' is not a time; use 2027-03-02T10:00:00+01:00, '2027-03-02 10:00' "
            "(local time), '2027-03-02 10:00 Europe/Berlin' or 'tomorrow 10:00'",
        ),
        (
            "2027-03-28 02:30 Europe/Berlin",
            "2027-03-28 02:30 does not exist in Europe/Berlin (the clocks go forward from 02:00 "
            "to 03:00 that night). It could mean 2027-03-28T02:30+01:00 (CET, 01:30 UTC), which "
            "the clocks show as 03:30, or 2027-03-28T02:30+02:00 (CEST, 00:30 UTC), which they "
            "show as 01:30. Give the time you mean, or one of these with its offset.",
        ),
        (
            "2027-10-31 02:30 Europe/Berlin",
            "2027-10-31 02:30 happens twice in Europe/Berlin (the clocks go back from 03:00 to "
            "02:00 that night): first 2027-10-31T02:30+02:00 (CEST, 00:30 UTC), then "
            "2027-10-31T02:30+01:00 (CET, 01:30 UTC). Give the one you mean with its offset, "
            "e.g. 2027-10-31T02:30+02:00.",
        ),
    ],
)
def test_every_refusal_names_the_option_it_is_about(text: str, message: str) -> None:
    with pytest.raises(typer.BadParameter) as caught:
        parse_time(text, ZoneInfo("UTC"), "--until")
    assert (caught.value.message, caught.value.param_hint) == (message, "--until")


def test_a_zone_name_or_utc_in_any_case_follows_the_time() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    for text in ("2027-03-02 10:00 UTC", "2027-03-02 10:00 utc", "2027-03-02T10:00  Utc"):
        assert parse_time(text, tokyo, "--start") == datetime(2027, 3, 2, 10, tzinfo=UTC)
    berlin = parse_time("2027-03-02T10:00 Europe/Berlin", tokyo, "--start")
    assert berlin.isoformat() == "2027-03-02T10:00:00+01:00" and berlin.tzinfo == BERLIN
    with pytest.raises(typer.BadParameter, match="is not a time"):
        parse_time("2027-03-02 10:00 EST", tokyo, "--start")  # an abbreviation says no zone


def test_now_today_and_tomorrow_are_in_the_zone_meant() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # +05:30 all year, never this machine's (tests/conftest)
    for word in ("now", "Now", " NOW "):
        now = parse_time(word, kolkata, "--start")
        assert now.tzinfo is kolkata and abs(now - datetime.now(UTC)) < timedelta(minutes=5)
    for _ in range(2):  # the day is read once here and once in parse_time: retry at midnight
        day = datetime.now(kolkata).date()
        today = parse_time("today", kolkata, "--start")
        if today.date() == day:
            break
    assert today == start_of_day(day, kolkata) and today.tzinfo is kolkata
    assert today.isoformat() == f"{day.isoformat()}T00:00:00+05:30"
    assert parse_time("tomorrow  10:30", kolkata, "--start").time().isoformat() == "10:30:00"


def test_a_span_over_midnight_names_both_days() -> None:
    at = datetime(2027, 3, 2, 21, tzinfo=UTC)  # 22:00 in Berlin
    assert show_span(at, at + timedelta(hours=4), BERLIN) == (
        "Tue 2027-03-02 22:00 CET - Wed 2027-03-03 02:00 CET"
    )
    assert show_span(at, at + timedelta(hours=2), BERLIN) == "Tue 2027-03-02 22:00-24:00 CET"
    assert show_span(at, at + timedelta(hours=26), BERLIN) == (  # a day and more: both days
        "Tue 2027-03-02 22:00 CET - Thu 2027-03-04 00:00 CET"
    )
    assert show_time(None, BERLIN) == "" and show_time(at, BERLIN) == "2027-03-02 22:00"


def test_instants_are_kept_in_the_zone_they_are_about() -> None:
    sydney = ZoneInfo("Australia/Sydney")
    start = parse_time("2027-04-03 12:00", sydney, "--start")  # the clocks go back on the 4th
    end = after(start, timedelta(hours=24))
    assert end.isoformat() == "2027-04-04T11:00:00+10:00" and end.tzinfo is sydney
    day = start_of_day(date(2027, 4, 4), sydney)
    assert day.isoformat() == "2027-04-04T00:00:00+11:00" and day.tzinfo is sydney


@pytest.mark.parametrize(
    ("text", "minutes_"),
    [("90", 90), ("90m", 90), ("90min", 90), ("1h30m", 90), (" 2H ", 120), ("14d", 20160),
     ("1d2h3m", 1563), ("0", 0)],
)  # fmt: skip
def test_a_duration_in_its_forms(text: str, minutes_: int) -> None:
    assert parse_duration(text, "-d") == timedelta(minutes=minutes_)


@pytest.mark.parametrize("text", ["", " ", "1h30", "h", "90s", "1.5h", "\u00b2", "-5", "2h 30m"])
def test_a_duration_that_is_none_says_the_forms(text: str) -> None:
    with pytest.raises(typer.BadParameter) as caught:
        parse_duration(text, "--duration")
    assert caught.value.message == f"{text!r} is not a duration (e.g. 90m, 1h30m, 2h, 14d)"
    assert caught.value.param_hint == "--duration"


@pytest.mark.parametrize("text", ["99999999999h", "9999999999999d", "9" * 40])
def test_a_duration_past_any_calendar_is_too_long_not_a_traceback(text: str) -> None:
    with pytest.raises(typer.BadParameter) as caught:
        parse_duration(text, "--duration")
    assert caught.value.message == f"{text!r} is too long to be a duration"
    assert caught.value.param_hint == "--duration"


def test_dates_times_of_day_and_lengths_as_written() -> None:
    assert parse_date(" 2027-03-02 ", "--date") == date(2027, 3, 2)
    assert parse_hhmm(" 09:05 ", "--at") == "09:05" and parse_hhmm("09:05:59", "--at") == "09:05"
    for parse, text, words, hint in (
        (parse_date, "02/03/2027", "'02/03/2027' is not a date (YYYY-MM-DD)", "--date"),
        (parse_hhmm, "25:00", "'25:00' is not a time of day (HH:MM)", "--at"),
        (
            zone,
            "Mars/Base",
            "'Mars/Base' is not an IANA time zone (e.g. Europe/Berlin, UTC)",
            "--tz",
        ),
    ):
        with pytest.raises(typer.BadParameter) as caught:
            parse(text, hint)
        assert (caught.value.message, caught.value.param_hint) == (words, hint)
    with pytest.raises(typer.BadParameter) as caught:
        zone("Nowhere/City")
    assert caught.value.param_hint == "--tz"  # the option that takes a zone, unless told
    assert [show_duration(m) for m in (0, 45, 60, 90, 125)] == ["0m", "45m", "1h", "1h30m", "2h05m"]
    assert minutes(timedelta(seconds=119)) == 1 and minutes(timedelta(seconds=-30)) == -1
    assert minutes(timedelta(hours=2)) == 120


@pytest.mark.parametrize("machine", ["Pacific/Chatham", "Europe/Berlin", ":America/New_York"])
def test_this_machines_zone_keeps_its_changes_of_the_clocks(monkeypatch, machine) -> None:
    """The last resort (no --tz, no room, several zones on campus) is the machine's zone
    with its rules, not the offset of today: a July time read or shown in December keeps
    July's offset. The oracle: the C library's offset of each instant for that TZ."""
    monkeypatch.setenv("TZ", machine)
    time_module.tzset()
    try:
        local = local_zone()
        for month in range(1, 13):
            moment = datetime(2027, month, 15, 12, tzinfo=UTC)
            c_library = datetime.fromtimestamp(moment.timestamp()).astimezone().utcoffset()
            assert moment.astimezone(local).utcoffset() == c_library, month
    finally:
        monkeypatch.undo()
        time_module.tzset()


def test_without_tz_the_zone_is_etc_localtimes(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("TZ")
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/America/Sao_Paulo")
    monkeypatch.setattr("compax_cli.times.LOCALTIME", str(link))
    assert local_zone() == ZoneInfo("America/Sao_Paulo")
    copy = tmp_path / "copied"  # some systems copy the zone's file instead of linking it
    copy.write_bytes(Path("/usr/share/zoneinfo/Europe/Berlin").read_bytes())
    monkeypatch.setattr("compax_cli.times.LOCALTIME", str(copy))
    july = datetime(2027, 7, 1, 8, tzinfo=UTC).astimezone(local_zone())
    assert (july.hour, july.utcoffset()) == (10, timedelta(hours=2))
    monkeypatch.setattr("compax_cli.times.LOCALTIME", str(tmp_path / "none"))
    now = datetime.now().astimezone().utcoffset()  # the C library's (TZ as it was: tzset)
    assert local_zone().utcoffset(None) == now  # neither names a zone: this moment's offset
    for wrong in ("Nowhere/City", "/etc/passwd", "../zoneinfo/UTC"):  # not a zone's name
        monkeypatch.setenv("TZ", wrong)
        assert local_zone().utcoffset(None) == now


def test_an_end_past_the_calendar_is_a_usage_error_not_a_traceback() -> None:
    """The server refuses times outside its range in words; the CLI must get that far:
    adding a length at the ends of the calendar overflowed Python's datetime."""
    for start, length, said in (
        ("9999-12-31 23:00", timedelta(hours=2), "2h after 9999-12-31 23:00"),
        ("2031-03-03 09:00", timedelta(days=99_999_999), "2399999976h after 2031-03-03 09:00"),
    ):
        with pytest.raises(typer.BadParameter) as refused:
            after(parse_time(start, BERLIN, "--start"), length, "--for")
        assert refused.value.message == f"{said} is outside the calendar (years 1 to 9999)"
        assert refused.value.param_hint == "--for"
    with pytest.raises(typer.BadParameter) as refused:
        after(parse_time("9999-12-31 23:00", BERLIN, "--start"), timedelta(hours=2))
    assert refused.value.param_hint == "--duration"
    start = parse_time("9999-12-31 10:00", BERLIN, "--from")
    with pytest.raises(typer.BadParameter) as refused:
        days_later(start, 1, "--from")
    assert (
        refused.value.message == "1 day after 9999-12-31 is outside the calendar (years 1 to 9999)"
    )
    spring = days_later(parse_time("2027-03-27 10:00", BERLIN, "--from"), 1, "--from")
    assert spring.isoformat() == "2027-03-28T10:00:00+02:00"  # a calendar day: 23 hours here


@pytest.mark.parametrize(
    "text", ["0001-01-01", "0001-01-01 00:30", "0001-01-01T00:00+01:00", "9999-12-31T23:00-05:00"]
)
def test_a_time_utc_cannot_hold_is_outside_the_calendar(text: str) -> None:
    """Year 1 in Berlin (local mean time, +00:53:28) is year 0 in UTC: refused as typed, not
    a traceback from the SDK or a server's puzzled 400."""
    with pytest.raises(typer.BadParameter) as caught:
        parse_time(text, ZoneInfo("Europe/Berlin"), "--from")
    assert caught.value.message == f"{text!r} is outside the calendar (years 1 to 9999)"
    assert caught.value.param_hint == "--from"


@pytest.mark.parametrize("text", ["0", "0m", "0h0m"])
def test_a_booking_lasts_at_least_a_minute(text: str) -> None:
    """A length of nothing is refused naming the option given (the server would name
    ``end``, an option the user did not give)."""
    assert parse_length("1", "-d") == timedelta(minutes=1)
    with pytest.raises(typer.BadParameter) as caught:
        parse_length(text, "--duration")
    assert (caught.value.message, caught.value.param_hint) == (
        f"{text!r}: give at least a minute",
        "--duration",
    )
