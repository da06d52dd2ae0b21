"""The test suite's fixed dates (tests/dates.py) move by whole 28-year cycles, which keep
every weekday and every daylight-saving change of the zones the tests use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.dates import future_year


def test_a_year_far_enough_ahead_stays_and_a_near_one_moves_by_28():
    assert future_year(2031, today=datetime(2026, 11, 30, tzinfo=UTC)) == 2031
    assert future_year(2031, today=datetime(2029, 12, 31, tzinfo=UTC)) == 2031
    assert future_year(2031, today=datetime(2030, 1, 1, tzinfo=UTC)) == 2059
    assert future_year(2031, today=datetime(2058, 1, 1, tzinfo=UTC)) == 2087
    with pytest.raises(RuntimeError):
        future_year(2031, today=datetime(2086, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
def test_the_moved_year_has_the_same_weekdays_and_clock_changes(zone):
    tz = ZoneInfo(zone)
    for year in (2027, 2031):
        moved = year + 28
        day = date(year, 1, 1)
        while day.year == year:
            there = date(moved, day.month, day.day)
            assert there.weekday() == day.weekday()
            for hour in (0, 12):
                a = datetime(year, day.month, day.day, hour, tzinfo=tz)
                b = datetime(moved, day.month, day.day, hour, tzinfo=tz)
                assert a.utcoffset() == b.utcoffset(), (a, b)
            day += timedelta(days=1)
