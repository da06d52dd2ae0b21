"""domain.recurrence: rules, their dates, and occurrences at a wall-clock time.

Calendar facts used below (checkable in any calendar): 2031-03-03 is a Monday, 2031-03-11 the
2nd Tuesday of March; the last Mondays of March, April and May 2031 are the 31st, 28th and
26th; Berlin is UTC+1 in winter, UTC+2 in summer, and skips 02:00-03:00 on 2031-03-30.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from compax_server.domain import recurrence
from compax_server.errors import InvalidInput, RuleViolation

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2031, 3, 3)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# -- parse_time and check_rule -----------------------------------------------------------------


def test_parse_time_reads_hh_mm():
    assert recurrence.parse_time("09:15") == time(9, 15)
    assert recurrence.parse_time("00:00") == time(0, 0)
    assert recurrence.parse_time("23:59") == time(23, 59)


@pytest.mark.parametrize("value", ["24:00", "9:15", "09:60", "noon"])
def test_parse_time_refuses_what_is_not_a_time_of_day(value):
    with pytest.raises(InvalidInput) as caught:
        recurrence.parse_time(value)
    assert caught.value.detail == "start_time: a local time HH:MM, e.g. 09:15"
    assert caught.value.errors == [
        {
            "location": "body",
            "pointer": "/start_time",
            "detail": "a local time HH:MM, e.g. 09:15",
            "code": "invalid_time",
        }
    ]


def test_parse_time_names_the_field_it_was_given():
    with pytest.raises(InvalidInput) as caught:
        recurrence.parse_time("24:00", "items/3/start_time")
    assert caught.value.errors[0]["pointer"] == "/items/3/start_time"


def bad_rule(rule: dict[str, Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        recurrence.check_rule(rule)
    return caught.value


@pytest.mark.parametrize(
    "ends",
    [
        {},
        {"until": None, "count": None, "term_id": None},
        {"until": "2031-06-30", "count": 3},
        {"count": 3, "term_id": 1},
        {"until": "2031-06-30", "term_id": 1},
    ],
)
def test_a_rule_has_exactly_one_end(ends):
    exc = bad_rule({"freq": "daily", **ends})
    assert exc.detail == "recurrence: give exactly one of until, count or term_id"
    assert exc.errors == [
        {
            "location": "body",
            "pointer": "/recurrence",
            "detail": "give exactly one of until, count or term_id",
            "code": "invalid_end",
        }
    ]


def test_a_rule_has_a_known_frequency():
    exc = bad_rule({"freq": "yearly", "count": 2})
    assert exc.detail == "recurrence.freq: daily, weekly or monthly"
    assert exc.errors == [
        {
            "location": "body",
            "pointer": "/recurrence/freq",
            "detail": "daily, weekly or monthly",
            "code": "enum",
        }
    ]


def test_a_rule_is_normalised():
    assert recurrence.check_rule(
        {"freq": "weekly", "interval": 2, "until": "2031-06-30", "count": None, "weekdays": None}
    ) == {"freq": "weekly", "interval": 2, "until": "2031-06-30"}
    assert recurrence.check_rule({"freq": "daily", "until": date(2031, 6, 30)}) == {
        "freq": "daily",
        "until": "2031-06-30",
    }
    # A count of 0 is an end (the check is "given", not "truthy").
    assert recurrence.check_rule({"freq": "monthly", "count": 0}) == {
        "freq": "monthly",
        "count": 0,
    }
    assert recurrence.check_rule({"freq": "daily", "term_id": 4}) == {
        "freq": "daily",
        "term_id": 4,
    }


def test_a_rules_until_lies_in_the_accepted_range():
    for until in ("2200-01-01", date(1969, 12, 31)):
        with pytest.raises(RuleViolation) as caught:
            recurrence.check_rule({"freq": "daily", "until": until})
        assert caught.value.detail.startswith("recurrence.until must lie in the accepted range")
        assert caught.value.extra["errors"][0]["field"] == "recurrence.until"
    assert recurrence.check_rule({"freq": "daily", "until": "2199-12-31"})["until"] == "2199-12-31"


def test_holiday_dates_cover_each_holiday_from_start_to_end():
    got = recurrence.holiday_dates(
        [
            {"start": "2031-03-03", "end": "2031-03-05"},
            {"start": "2031-04-01"},
            {"start": "2031-05-01", "end": None},
            {"start": "2031-03-04", "end": "2031-03-04"},
        ]
    )
    assert got == {
        date(2031, 3, 3),
        date(2031, 3, 4),
        date(2031, 3, 5),
        date(2031, 4, 1),
        date(2031, 5, 1),
    }
    assert recurrence.holiday_dates([]) == set()


# -- dates -------------------------------------------------------------------------------------


def test_daily_dates_with_an_interval_and_a_count():
    assert recurrence.dates({"freq": "daily", "interval": 2}, MONDAY, None, 3) == [
        date(2031, 3, 3),
        date(2031, 3, 5),
        date(2031, 3, 7),
    ]
    assert recurrence.dates({"freq": "daily"}, MONDAY, None, 2) == [
        date(2031, 3, 3),
        date(2031, 3, 4),
    ]


def test_until_is_the_last_date_included():
    assert recurrence.dates({"freq": "daily"}, MONDAY, date(2031, 3, 5), None) == [
        date(2031, 3, 3),
        date(2031, 3, 4),
        date(2031, 3, 5),
    ]


def test_weekly_dates_on_named_weekdays():
    rule = {"freq": "weekly", "weekdays": ["wed", "mon"]}
    assert recurrence.dates(rule, MONDAY, None, 4) == [
        date(2031, 3, 3),
        date(2031, 3, 5),
        date(2031, 3, 10),
        date(2031, 3, 12),
    ]
    every_day = {"freq": "weekly", "weekdays": list(recurrence.WEEKDAYS)}
    assert recurrence.dates(every_day, MONDAY, None, 7) == [
        MONDAY + timedelta(days=n) for n in range(7)
    ]
    fortnightly = {"freq": "weekly", "interval": 2, "weekdays": ["fri"]}
    assert recurrence.dates(fortnightly, MONDAY, None, 2) == [date(2031, 3, 7), date(2031, 3, 21)]


def test_weekly_dates_default_to_the_start_dates_weekday():
    for rule in ({"freq": "weekly"}, {"freq": "weekly", "weekdays": []}):
        assert recurrence.dates(rule, date(2031, 3, 6), None, 3) == [  # a Thursday
            date(2031, 3, 6),
            date(2031, 3, 13),
            date(2031, 3, 20),
        ]
    assert recurrence.dates({"freq": "weekly"}, date(2031, 3, 9), None, 1) == [date(2031, 3, 9)]


def test_monthly_dates_by_date_skip_months_without_that_day():
    rule = {"freq": "monthly"}
    assert recurrence.dates(rule, date(2031, 1, 31), None, 3) == [
        date(2031, 1, 31),
        date(2031, 3, 31),
        date(2031, 5, 31),
    ]
    by_date = {"freq": "monthly", "monthly_by": "date", "interval": 2}
    assert recurrence.dates(by_date, date(2031, 1, 15), None, 2) == [
        date(2031, 1, 15),
        date(2031, 3, 15),
    ]


def test_monthly_dates_on_the_nth_weekday_of_the_start_date():
    rule = {"freq": "monthly", "monthly_by": "nth_weekday"}
    assert recurrence.dates(rule, date(2031, 3, 11), None, 3) == [  # 2nd Tuesday
        date(2031, 3, 11),
        date(2031, 4, 8),
        date(2031, 5, 13),
    ]
    assert recurrence.dates(rule, date(2031, 3, 4), None, 2) == [  # 1st Tuesday
        date(2031, 3, 4),
        date(2031, 4, 1),
    ]
    # The n-th comes from the day of the month: days 1-7 are the 1st, 8-14 the 2nd.
    assert recurrence.dates(rule, date(2031, 3, 1), None, 2) == [  # 1st Saturday
        date(2031, 3, 1),
        date(2031, 4, 5),
    ]
    assert recurrence.dates(rule, date(2031, 3, 7), None, 2) == [  # 1st Friday
        date(2031, 3, 7),
        date(2031, 4, 4),
    ]
    assert recurrence.dates(rule, date(2031, 3, 8), None, 2) == [  # 2nd Saturday
        date(2031, 3, 8),
        date(2031, 4, 12),
    ]
    # The 5th Monday of March means the last Monday of each month.
    assert recurrence.dates(rule, date(2031, 3, 31), None, 3) == [
        date(2031, 3, 31),
        date(2031, 4, 28),
        date(2031, 5, 26),
    ]
    # An explicit nth wins over the start date's.
    explicit = {"freq": "monthly", "monthly_by": "nth_weekday", "nth": 1}
    assert recurrence.dates(explicit, date(2031, 3, 11), None, 2) == [
        date(2031, 4, 1),
        date(2031, 5, 6),
    ]


def test_dates_stop_one_past_the_maximum():
    got = recurrence.dates({"freq": "daily"}, MONDAY, date(2040, 1, 1), None)
    assert len(got) == 1001
    assert got[-1] == MONDAY + timedelta(days=1000)
    assert recurrence.MAX_OCCURRENCES == 1000


# -- expand ------------------------------------------------------------------------------------


def expand(rule: dict[str, Any], **kw: Any) -> recurrence.Expansion:
    args: dict[str, Any] = {
        "start_date": MONDAY,
        "until": None,
        "count": None,
        "start_time": time(9),
        "duration": timedelta(hours=2),
        "tz": BERLIN,
        "excluded": set(),
        "added": set(),
        "holidays": set(),
    }
    args.update(kw)
    return recurrence.expand(rule, **args)


def test_expand_gives_wall_clock_occurrences_in_utc():
    got = expand({"freq": "weekly"}, until=date(2031, 4, 7))
    assert [o.date for o in got.occurrences] == [
        date(2031, 3, 3),
        date(2031, 3, 10),
        date(2031, 3, 17),
        date(2031, 3, 24),
        date(2031, 3, 31),
        date(2031, 4, 7),
    ]
    # 09:00 in Berlin: 08:00 UTC in winter, 07:00 UTC from 30 March.
    assert got.occurrences[0] == recurrence.Occurrence(
        date(2031, 3, 3), utc(2031, 3, 3, 8), utc(2031, 3, 3, 10)
    )
    assert got.occurrences[4] == recurrence.Occurrence(
        date(2031, 3, 31), utc(2031, 3, 31, 7), utc(2031, 3, 31, 9)
    )
    assert got.adjustments == []
    assert got.skipped_holidays == []


def test_expand_removes_excluded_dates_and_holidays_and_adds_dates():
    got = expand(
        {"freq": "daily"},
        count=5,
        excluded={date(2031, 3, 4), date(2031, 3, 20)},
        holidays={date(2031, 3, 6), date(2031, 3, 5), date(2031, 3, 21)},
        added={date(2031, 3, 1), date(2031, 3, 5)},
    )
    assert [o.date for o in got.occurrences] == [
        date(2031, 3, 1),
        date(2031, 3, 3),
        date(2031, 3, 5),  # a holiday, but added by hand
        date(2031, 3, 7),
    ]
    assert got.skipped_holidays == [date(2031, 3, 5), date(2031, 3, 6)]
    # An excluded date that is also a holiday is excluded, not reported as skipped.
    both = expand({"freq": "daily"}, count=2, excluded={MONDAY}, holidays={MONDAY})
    assert [o.date for o in both.occurrences] == [date(2031, 3, 4)]
    assert both.skipped_holidays == []


def test_expand_allows_exactly_the_maximum_of_occurrences():
    got = expand({"freq": "daily"}, count=1000)
    assert len(got.occurrences) == 1000
    assert expand({"freq": "daily"}, count=999, added={date(2030, 1, 1)}).occurrences[0].date == (
        date(2030, 1, 1)
    )


def assert_too_many(exc: RuleViolation) -> None:
    detail = "A series may have at most 1000 occurrences; shorten it or split it."
    assert exc.detail == detail
    assert exc.extra == {
        "errors": [{"rule": "max_occurrences", "limit": 1000, "detail": "at most 1000 occurrences"}]
    }


def test_expand_refuses_more_than_the_maximum():
    with pytest.raises(RuleViolation) as caught:
        expand({"freq": "daily"}, count=1001)
    assert_too_many(caught.value)
    with pytest.raises(RuleViolation) as caught:  # an added date makes one too many
        expand({"freq": "daily"}, count=1000, added={date(2030, 1, 1)})
    assert_too_many(caught.value)
    # Generated dates count even when exclusions would bring the total under it.
    many = {MONDAY + timedelta(days=n) for n in range(10)}
    with pytest.raises(RuleViolation):
        expand({"freq": "daily"}, until=date(2040, 1, 1), excluded=many)


def test_an_occurrence_in_the_spring_gap_starts_at_its_end_and_says_so():
    got = expand(
        {"freq": "daily"},
        start_date=date(2031, 3, 29),
        count=3,
        start_time=time(2, 30),
        duration=timedelta(hours=1),
    )
    assert got.occurrences == [
        recurrence.Occurrence(date(2031, 3, 29), utc(2031, 3, 29, 1, 30), utc(2031, 3, 29, 2, 30)),
        recurrence.Occurrence(date(2031, 3, 30), utc(2031, 3, 30, 1), utc(2031, 3, 30, 2)),
        recurrence.Occurrence(date(2031, 3, 31), utc(2031, 3, 31, 0, 30), utc(2031, 3, 31, 1, 30)),
    ]
    assert got.adjustments == [
        {
            "date": "2031-03-30",
            "rule": "dst_gap",
            "detail": "02:30 does not exist on 2031-03-30 in Europe/Berlin; the occurrence "
            "starts at 03:00",
        }
    ]


def test_an_occurrence_lasts_its_duration_across_a_change_of_the_clocks():
    got = recurrence.occurrence_on(date(2031, 3, 30), time(1), timedelta(hours=3), BERLIN)
    assert got == recurrence.Occurrence(date(2031, 3, 30), utc(2031, 3, 30, 0), utc(2031, 3, 30, 3))
    assert got.end.astimezone(BERLIN).hour == 5  # 01:00 + 3 h elapsed is 05:00 local


def test_an_occurrence_ending_past_the_range_is_refused_though_it_starts_in_it():
    """2199-12-31 23:00 in Berlin is 22:00 UTC: three hours end past 2200-01-01."""
    berlin = ZoneInfo("Europe/Berlin")
    fits = recurrence.occurrence_on(date(2199, 12, 31), time(23), timedelta(hours=2), berlin)
    assert fits.end == datetime(2200, 1, 1, tzinfo=UTC)  # ends at the range's end: in it
    with pytest.raises(RuleViolation) as refused:
        recurrence.occurrence_on(date(2199, 12, 31), time(23), timedelta(hours=3), berlin)
    assert refused.value.extra["errors"][0]["pointer"] == "/recurrence"
    with pytest.raises(RuleViolation):
        recurrence.occurrence_on(date(9999, 12, 31), time(23), timedelta(hours=3), berlin)
