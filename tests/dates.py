"""Fixed dates that stay in the future, whenever the suite runs.

Many tests are written for one fixed week (Monday 2031-03-03, Berlin on winter time; the
spring-forward night of 2031-03-30 ...): their expected values are easiest to read and check
as dates. Once such a date is in the past the test breaks (members cannot book in the past,
series skip past dates, rules count from today), so the tests take the year from here.

The Gregorian calendar repeats every 28 years from 1901 to 2099: the same date falls on the same
weekday, leap days included. The daylight-saving rules of the zones the tests use are stated
in weekdays (EU: the last Sundays of March and October; US: the second Sunday of March and the
first of November), so the clocks change on the same dates too. ``future_year(2031)`` is 2031
while that is at least ``MARGIN_YEARS`` ahead, else 2059, then 2087: a test written for 2031
reads the same in that year, with every weekday, offset and DST change in place.
"""

from __future__ import annotations

from datetime import UTC, datetime

MARGIN_YEARS = 2  # a written year must be at least this far ahead of today
CYCLE_YEARS = 28  # the Gregorian calendar's period from 1901 to 2099


def future_year(year: int, *, today: datetime | None = None) -> int:
    """``year``, or ``year`` plus the fewest 28-year cycles that put it ``MARGIN_YEARS`` or
    more after today's year: the same calendar, in the future."""
    this_year = (today or datetime.now(UTC)).year
    while year < this_year + MARGIN_YEARS:
        year += CYCLE_YEARS
    if year > 2099:  # 2100 is no leap year: the cycle breaks there
        raise RuntimeError(f"no year with the calendar of {year} before 2100: rewrite the dates")
    return year


Y2031 = future_year(2031)
