"""domain.bounds: the accepted range of instants and dates, and the length of a booking.

Every expected value is written out: the range is 1970-01-01 to 2200-01-01 (UTC), the hard
cap 366 days (8784 hours), and a 422 names the rule, the limit and the field.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

import pytest

from compax_server.domain import bounds
from compax_server.errors import InvalidInput, RuleViolation

PLUS_ONE = timezone(timedelta(hours=1))
MINUS_ONE = timezone(timedelta(hours=-1))
TICK = timedelta(microseconds=1)
RANGE_LIMIT = {"from": "1970-01-01T00:00:00+00:00", "to": "2200-01-01T00:00:00+00:00"}


def test_the_range_and_the_hard_cap_are_the_documented_ones():
    assert datetime(1970, 1, 1, tzinfo=UTC) == bounds.EARLIEST
    assert datetime(2200, 1, 1, tzinfo=UTC) == bounds.LATEST
    assert date(1970, 1, 1) == bounds.EARLIEST_DATE
    assert date(2199, 12, 31) == bounds.LATEST_DATE
    assert timedelta(days=366) == bounds.HARD_MAX_LENGTH
    assert bounds.RANGE_TEXT == "1970-01-01 to 2200-01-01 (UTC)"


def test_an_instant_in_range_comes_back_in_utc():
    got = bounds.check_instant(datetime(2030, 6, 1, 10, 30, tzinfo=PLUS_ONE))
    assert got == datetime(2030, 6, 1, 9, 30, tzinfo=UTC)
    assert got.tzinfo is UTC
    assert got.hour == 9


def test_both_ends_of_the_range_are_accepted():
    assert bounds.check_instant(datetime(1970, 1, 1, tzinfo=UTC)) == bounds.EARLIEST
    assert bounds.check_instant(datetime(2200, 1, 1, tzinfo=UTC)) == bounds.LATEST
    # The same instants written with an offset are in range too.
    early = datetime(1970, 1, 1, 1, tzinfo=PLUS_ONE)
    assert bounds.check_instant(early) == datetime(1970, 1, 1, tzinfo=UTC)


def test_an_instant_just_before_the_range_is_a_422_naming_it():
    with pytest.raises(RuleViolation) as caught:
        bounds.check_instant(datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC))
    exc = caught.value
    assert exc.detail == "start must lie in the accepted range, 1970-01-01 to 2200-01-01 (UTC)"
    assert exc.extra == {
        "errors": [
            {
                "rule": "time_range",
                "limit": RANGE_LIMIT,
                "field": "start",
                "pointer": "/start",
                "detail": "start 1969-12-31T23:59:59+00:00 is outside the accepted range, "
                "1970-01-01 to 2200-01-01 (UTC)",
            }
        ]
    }


def test_an_instant_just_after_the_range_is_a_422_with_its_field_name():
    with pytest.raises(RuleViolation) as caught:
        bounds.check_instant(datetime(2200, 1, 1, tzinfo=UTC) + TICK, "end")
    assert caught.value.detail == (
        "end must lie in the accepted range, 1970-01-01 to 2200-01-01 (UTC)"
    )
    (problem,) = caught.value.extra["errors"]
    assert problem["field"] == "end"
    assert problem["detail"].startswith("end 2200-01-01T00:00:00.000001+00:00 is outside")


def test_an_offset_that_moves_an_instant_out_of_range_is_refused():
    # 00:30 at +01:00 on 1970-01-01 is 23:30 UTC the day before.
    with pytest.raises(RuleViolation):
        bounds.check_instant(datetime(1970, 1, 1, 0, 30, tzinfo=PLUS_ONE))
    # 23:30 at -01:00 on 2199-12-31 is 00:30 UTC on 2200-01-01.
    with pytest.raises(RuleViolation):
        bounds.check_instant(datetime(2199, 12, 31, 23, 30, tzinfo=MINUS_ONE))


def test_a_naive_instant_is_a_programming_error():
    with pytest.raises(ValueError, match=r"^naive datetime$"):
        bounds.check_instant(datetime(2030, 1, 1))


def test_dates_are_checked_against_the_range_of_dates():
    assert bounds.check_date(date(1970, 1, 1)) == date(1970, 1, 1)
    assert bounds.check_date(date(2199, 12, 31)) == date(2199, 12, 31)
    with pytest.raises(RuleViolation) as caught:
        bounds.check_date(date(1969, 12, 31))
    assert caught.value.detail == (
        "date must lie in the accepted range, 1970-01-01 to 2200-01-01 (UTC)"
    )
    assert caught.value.extra["errors"] == [
        {
            "rule": "time_range",
            "limit": RANGE_LIMIT,
            "field": "date",
            "pointer": "/date",
            "detail": "date 1969-12-31 is outside the accepted range, "
            "1970-01-01 to 2200-01-01 (UTC)",
        }
    ]
    with pytest.raises(RuleViolation) as caught:
        bounds.check_date(date(2200, 1, 1), "until")
    assert caught.value.detail.startswith("until must lie")
    assert caught.value.extra["errors"][0]["field"] == "until"
    with pytest.raises(RuleViolation) as caught:
        bounds.check_date(date(2200, 1, 1), "recurrence.until")
    assert caught.value.extra["errors"][0]["pointer"] == "/recurrence/until"


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2031, 3, day, hour, tzinfo=UTC)


def test_a_window_comes_back_in_utc():
    start = datetime(2031, 3, 3, 10, tzinfo=PLUS_ONE)
    end = datetime(2031, 3, 3, 12, tzinfo=PLUS_ONE)
    assert bounds.check_window(start, end) == (at(3, 9), at(3, 11))


def test_a_window_that_does_not_end_after_it_starts_is_a_400_on_its_end():
    for end in (at(3, 9), at(3, 8)):
        with pytest.raises(InvalidInput) as caught:
            bounds.check_window(at(3, 9), end)
        assert caught.value.detail == "end: must be after start"
        assert caught.value.errors == [
            {
                "location": "body",
                "pointer": "/end",
                "detail": "must be after start",
                "code": "invalid_interval",
            }
        ]


def test_a_window_names_its_own_fields_and_location():
    with pytest.raises(InvalidInput) as caught:
        bounds.check_window(at(4), at(3), names=("from", "to"), location="query")
    assert caught.value.errors == [
        {
            "location": "query",
            "pointer": "/to",
            "detail": "must be after from",
            "code": "invalid_interval",
        }
    ]
    with pytest.raises(RuleViolation) as range_error:
        bounds.check_window(datetime(1969, 1, 1, tzinfo=UTC), at(3), names=("from", "to"))
    assert range_error.value.extra["errors"][0]["field"] == "from"
    with pytest.raises(RuleViolation) as range_error:
        bounds.check_window(at(3), datetime(2300, 1, 1, tzinfo=UTC), names=("from", "to"))
    assert range_error.value.extra["errors"][0]["field"] == "to"


def test_without_a_maximum_length_any_window_in_range_is_accepted():
    assert bounds.check_window(bounds.EARLIEST, bounds.LATEST) == (bounds.EARLIEST, bounds.LATEST)


def test_a_booking_may_last_exactly_its_maximum_and_not_a_microsecond_more():
    fortnight = timedelta(days=14)
    start = at(1)
    assert bounds.check_window(start, start + fortnight, max_length=fortnight) == (
        start,
        start + fortnight,
    )
    with pytest.raises(RuleViolation) as caught:
        bounds.check_window(start, start + fortnight + TICK, max_length=fortnight)
    detail = "a booking may last at most 336 hours (14 days); staff may override up to 366 days"
    assert caught.value.detail == detail
    assert caught.value.extra == {
        "errors": [
            {"rule": "max_booking_length", "limit": 336, "pointer": "/end", "detail": detail}
        ]
    }
    with pytest.raises(RuleViolation) as wish:  # a waitlist entry: nobody may override
        bounds.check_window(
            start, start + fortnight + TICK, max_length=fortnight, overridable=False
        )
    assert wish.value.detail == "a booking may last at most 336 hours (14 days)"


def test_staff_may_override_the_maximum_up_to_the_hard_cap():
    start = at(1)
    year = timedelta(days=366)
    assert bounds.check_window(
        start, start + year, max_length=timedelta(days=14), override=True
    ) == (start, start + year)
    with pytest.raises(RuleViolation) as caught:
        bounds.check_window(
            start, start + year + TICK, max_length=timedelta(days=14), override=True
        )
    detail = "a booking may last at most 8784 hours (366 days)"
    assert caught.value.detail == detail
    assert caught.value.extra == {
        "errors": [
            {"rule": "max_booking_length_hard", "limit": 8784, "pointer": "/end", "detail": detail}
        ]
    }


def test_a_configured_maximum_above_the_hard_cap_is_capped_and_offers_no_override():
    start = at(1)
    with pytest.raises(RuleViolation) as caught:
        bounds.check_window(start, start + timedelta(days=367), max_length=timedelta(days=400))
    detail = "a booking may last at most 8784 hours (366 days)"
    assert caught.value.detail == detail
    assert caught.value.extra["errors"] == [
        {"rule": "max_booking_length", "limit": 8784, "pointer": "/end", "detail": detail}
    ]
    # Equal to the hard cap: nothing to override to either.
    with pytest.raises(RuleViolation) as caught:
        bounds.check_window(start, start + timedelta(days=367), max_length=timedelta(days=366))
    assert caught.value.detail == detail


def test_a_maximum_of_a_fraction_of_an_hour_is_named_in_whole_hours():
    start = at(1)
    with pytest.raises(RuleViolation) as caught:
        bounds.check_window(
            start, start + timedelta(hours=3), max_length=timedelta(hours=2, minutes=59)
        )
    assert caught.value.extra["errors"][0]["limit"] == 2
    assert caught.value.detail.startswith("a booking may last at most 2 hours (0 days)")


def test_instant_converts_to_utc():
    got = bounds.instant(datetime(2030, 1, 1, 20, 14, tzinfo=PLUS_ONE))
    assert got == datetime(2030, 1, 1, 19, 14, tzinfo=UTC)
    assert got.tzinfo is UTC


class NoOffset(tzinfo):
    """A zone that does not know its offset: as good as naive."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None


def test_instant_refuses_naive_times_and_zones_without_an_offset():
    with pytest.raises(ValueError, match="give a time with an offset") as caught:
        bounds.instant(datetime(2030, 1, 1))
    assert str(caught.value) == (
        "naive datetime datetime.datetime(2030, 1, 1, 0, 0): give a time with an offset"
    )
    with pytest.raises(ValueError, match=r"^naive datetime"):
        bounds.instant(datetime(2030, 1, 1, tzinfo=NoOffset()))


def test_instant_clamps_an_overflow_to_the_end_of_pythons_range():
    low = bounds.instant(datetime(1, 1, 1, 0, 30, tzinfo=PLUS_ONE))
    assert low == datetime(1, 1, 1, tzinfo=UTC)
    assert low.tzinfo is UTC
    high = bounds.instant(datetime(9999, 12, 31, 23, 30, tzinfo=MINUS_ONE))
    assert high == datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert high.tzinfo is UTC


def test_an_occurrence_lies_in_the_range_by_its_date_and_its_end():
    last = datetime(2199, 12, 31, 23, tzinfo=UTC)
    bounds.check_occurrence(date(1970, 1, 1), datetime(1970, 1, 1, 1, tzinfo=UTC))
    bounds.check_occurrence(date(2199, 12, 31), bounds.LATEST)  # ends at the range's end
    bounds.check_occurrence(date(2199, 12, 31))  # its end not known yet
    for day, end in [
        (date(1969, 12, 31), None),  # the date before it
        (date(2200, 1, 1), None),  # the date after it
        (date(9999, 12, 31), None),
        (date(2199, 12, 31), last + timedelta(hours=1, microseconds=1)),  # ends past it
    ]:
        with pytest.raises(RuleViolation) as refused:
            bounds.check_occurrence(day, end)
        assert refused.value.detail == (
            f"the series would have an occurrence on {day}, outside the accepted range, "
            "1970-01-01 to 2200-01-01 (UTC)"
        )
        assert refused.value.extra["errors"] == [
            {
                "rule": "time_range",
                "limit": RANGE_LIMIT,
                "field": "recurrence",
                "pointer": "/recurrence",
                "detail": f"recurrence {day} is outside the accepted range, "
                "1970-01-01 to 2200-01-01 (UTC)",
            }
        ]
