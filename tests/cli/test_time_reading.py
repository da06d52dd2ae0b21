"""``compax_cli.times`` on its own (no server): every wall time in every zone is either read
as the one instant it names, or refused with both readings; durations are elapsed time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from compax_cli.times import after, parse_time, show_span, start_of_day

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


@pytest.mark.parametrize("text", ["tomorrow 25:00", "today noon", "tomorrow 10:30x"])
def test_today_and_tomorrow_with_a_wrong_time_of_day_name_the_forms(text: str) -> None:
    with pytest.raises(typer.BadParameter, match="tomorrow 10:00"):
        parse_time(text, BERLIN, "--start")
