"""domain.hours: zones, opening hours and the interval arithmetic built on them.

Expected instants come from facts about the zones, not from the code: Berlin is UTC+1 in
winter and UTC+2 in summer; in 2031 its clocks go forward on 30 March (02:00 -> 03:00) and
back on 26 October (03:00 -> 02:00).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from compax_server.domain import hours
from compax_server.errors import InvalidInput

BERLIN = ZoneInfo("Europe/Berlin")
SPRING = date(2031, 3, 30)  # a Sunday: 02:00-03:00 does not exist
AUTUMN = date(2031, 10, 26)  # a Sunday: 02:00-03:00 happens twice
MONDAY = date(2031, 3, 3)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# -- zones -------------------------------------------------------------------------------------


def test_a_known_zone_is_loaded():
    assert hours.zone("Europe/Berlin") == BERLIN
    assert hours.zone("UTC").key == "UTC"
    assert "Europe/Berlin" in hours._zone_names()
    assert "Mars/Olympus" not in hours._zone_names()


def test_an_unknown_zone_is_a_400_on_timezone():
    with pytest.raises(InvalidInput) as caught:
        hours.zone("Mars/Olympus")
    detail = "'Mars/Olympus' is not an IANA time zone (e.g. Europe/Berlin)"
    assert caught.value.detail == f"timezone: {detail}"
    assert caught.value.errors == [
        {"location": "body", "pointer": "/timezone", "detail": detail, "code": "unknown_zone"}
    ]


@pytest.mark.parametrize("name", ["Nowhere/Bogus", "../etc/passwd"])
def test_a_listed_zone_that_cannot_be_loaded_is_a_400_too(monkeypatch, name):
    # The list of zones and the zone files disagree (a broken tzdata): still a 400.
    monkeypatch.setattr(hours, "_ZONES", {name})
    with pytest.raises(InvalidInput) as caught:
        hours.zone(name)
    detail = f"{name!r} is not an IANA time zone"
    assert caught.value.detail == f"timezone: {detail}"
    assert caught.value.errors == [
        {"location": "body", "pointer": "/timezone", "detail": detail, "code": "unknown_zone"}
    ]


def test_utc_converts_and_refuses_naive_times():
    got = hours.utc(datetime(2031, 7, 1, 9, 15, tzinfo=BERLIN))
    assert got == utc(2031, 7, 1, 7, 15)
    assert got.tzinfo is UTC
    with pytest.raises(ValueError, match=r"^naive datetime$"):
        hours.utc(datetime(2031, 7, 1, 9, 15))


# -- opening hours -----------------------------------------------------------------------------


def test_hhmm_accepts_times_of_day_and_midnight_at_the_end():
    for good in ("00:00", "09:05", "19:59", "23:59", "24:00"):
        assert hours.HHMM.match(good), good
    for bad in ("9:00", "24:01", "25:00", "09:60", "09:000", "x09:00", "09:00x", "0900"):
        assert not hours.HHMM.match(bad), bad


def test_minutes_since_midnight():
    assert hours._minutes("00:00") == 0
    assert hours._minutes("09:15") == 555
    assert hours._minutes("24:00") == 1440


def test_opening_hours_are_normalised():
    assert hours.check_opening_hours(None) is None
    assert hours.check_opening_hours({}) == {}
    given = {
        "mon": [("12:00", "14:00"), ["08:00", "12:00"]],  # tuples accepted, sorted, touching
        "sun": [],
        "fri": [["00:00", "24:00"]],
    }
    assert hours.check_opening_hours(given) == {
        "mon": [["08:00", "12:00"], ["12:00", "14:00"]],
        "sun": [],
        "fri": [["00:00", "24:00"]],
    }
    assert hours.WEEKDAYS == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def refusal(value: object) -> tuple[str, dict[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        hours.check_opening_hours(value)
    (error,) = caught.value.errors
    return caught.value.detail, error


def test_opening_hours_must_be_an_object():
    assert refusal([["08:00", "12:00"]]) == (
        "opening_hours: must be an object keyed by weekday",
        {
            "location": "body",
            "pointer": "/opening_hours",
            "detail": "must be an object keyed by weekday",
            "code": "invalid",
        },
    )


def test_opening_hours_are_keyed_by_weekday():
    detail = "weekdays are mon, tue, wed, thu, fri, sat, sun"
    assert refusal({"monday": []}) == (
        f"opening_hours.monday: {detail}",
        {
            "location": "body",
            "pointer": "/opening_hours/monday",
            "detail": detail,
            "code": "unknown_weekday",
        },
    )


def test_a_day_is_a_list_of_pairs():
    detail = 'must be a list of ["HH:MM", "HH:MM"] pairs'
    assert refusal({"tue": "08:00-12:00"}) == (
        f"opening_hours.tue: {detail}",
        {"location": "body", "pointer": "/opening_hours/tue", "detail": detail, "code": "invalid"},
    )


@pytest.mark.parametrize(
    ("span", "shown"),
    [
        ("08:00-12:00", "'08:00-12:00'"),
        (["08:00"], "['08:00']"),
        (["08:00", "10:00", "12:00"], "['08:00', '10:00', '12:00']"),
        (["08:00", 1200], "['08:00', 1200]"),
        ([800, "12:00"], "[800, '12:00']"),
        (["8:00", "12:00"], "['8:00', '12:00']"),
        (["08:00", "24:30"], "['08:00', '24:30']"),
    ],
)
def test_a_span_is_two_hhmm_times(span, shown):
    detail = f'{shown} is not a ["HH:MM", "HH:MM"] pair'
    assert refusal({"wed": [span]}) == (
        f"opening_hours.wed: {detail}",
        {"location": "body", "pointer": "/opening_hours/wed", "detail": detail, "code": "invalid"},
    )


@pytest.mark.parametrize("span", [["10:00", "10:00"], ["10:00", "09:59"]])
def test_a_span_ends_after_it_starts(span):
    detail = f"{span[0]}-{span[1]} does not end after it starts"
    assert refusal({"thu": [span]})[1]["detail"] == detail
    assert refusal({"thu": [span]})[0] == f"opening_hours.thu: {detail}"


def test_a_span_of_one_minute_is_enough():
    assert hours.check_opening_hours({"thu": [["10:00", "10:01"]]}) == {"thu": [["10:00", "10:01"]]}


def test_spans_of_a_day_do_not_overlap():
    detail = "08:00-10:00 and 09:59-11:00 overlap"
    assert refusal({"sat": [["09:59", "11:00"], ["08:00", "10:00"]]}) == (
        f"opening_hours.sat: {detail}",
        {"location": "body", "pointer": "/opening_hours/sat", "detail": detail, "code": "invalid"},
    )


# -- wall clock to UTC -------------------------------------------------------------------------


def test_a_local_time_is_an_instant_in_the_zones_offset_of_that_day():
    assert hours.local_instant(MONDAY, 8 * 60, BERLIN) == utc(2031, 3, 3, 7)
    assert hours.local_instant(MONDAY, 9 * 60 + 45, BERLIN) == utc(2031, 3, 3, 8, 45)
    assert hours.local_instant(date(2031, 7, 1), 8 * 60, BERLIN) == utc(2031, 7, 1, 6)
    # 24:00 is the next midnight
    assert hours.local_instant(MONDAY, 1440, BERLIN) == utc(2031, 3, 3, 23)
    assert hours.local_instant(MONDAY, 0, BERLIN) == utc(2031, 3, 2, 23)


def test_a_time_in_the_spring_gap_moves_to_the_end_of_the_gap():
    for minutes in (120, 150, 165, 179):
        assert hours.local_instant(SPRING, minutes, BERLIN) == utc(2031, 3, 30, 1), minutes
    assert hours.local_instant(SPRING, 180, BERLIN) == utc(2031, 3, 30, 1)
    assert hours.local_instant(SPRING, 119, BERLIN) == utc(2031, 3, 30, 0, 59)


def test_the_end_of_a_gap_of_half_an_hour():
    # Lord Howe Island moves its clocks by 30 minutes: 02:00 -> 02:30 on 2031-10-05.
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    expected = datetime(2031, 10, 5, 2, 30, tzinfo=lord_howe).astimezone(UTC)
    assert expected == utc(2031, 10, 4, 15, 30)
    for wall in (time(2, 0), time(2, 7), time(2, 29)):
        got = hours.wall_to_utc(datetime.combine(date(2031, 10, 5), wall), lord_howe)
        assert got == expected, wall


def test_the_end_of_a_gap_of_odd_length():
    # Kiribati skipped a whole day: 1994-12-31 never happened on Kanton, which went from
    # UTC-11 to UTC+13 at 1995-01-01 00:00 local, that is 1994-12-31 11:00 UTC.
    kanton = ZoneInfo("Pacific/Kanton")
    got = hours.wall_to_utc(datetime(1994, 12, 31, 13, 17, 29), kanton)
    assert got == utc(1994, 12, 31, 11)
    assert (got.second, got.microsecond) == (0, 0)


def test_an_ambiguous_time_is_its_first_occurrence():
    assert hours.local_instant(AUTUMN, 150, BERLIN) == utc(2031, 10, 26, 0, 30)
    assert hours.wall_to_utc(datetime(2031, 10, 26, 2, 30), BERLIN) == utc(2031, 10, 26, 0, 30)


def test_which_wall_times_exist():
    assert hours.is_wall_time_valid(datetime(2031, 3, 30, 2, 30), BERLIN) is False
    assert hours.is_wall_time_valid(datetime(2031, 3, 30, 3, 0), BERLIN) is True
    assert hours.is_wall_time_valid(datetime(2031, 3, 30, 1, 59), BERLIN) is True
    assert hours.is_wall_time_valid(datetime(2031, 10, 26, 2, 30), BERLIN) is True


def test_local_days_last_23_or_25_hours_at_the_changes():
    assert hours.local_day_bounds(MONDAY, BERLIN) == (utc(2031, 3, 2, 23), utc(2031, 3, 3, 23))
    assert hours.local_day_bounds(SPRING, BERLIN) == (utc(2031, 3, 29, 23), utc(2031, 3, 30, 22))
    assert hours.local_day_bounds(AUTUMN, BERLIN) == (utc(2031, 10, 25, 22), utc(2031, 10, 26, 23))


def test_iter_days_includes_both_ends():
    assert list(hours.iter_days(date(2031, 2, 27), date(2031, 3, 2))) == [
        date(2031, 2, 27),
        date(2031, 2, 28),
        date(2031, 3, 1),
        date(2031, 3, 2),
    ]
    assert list(hours.iter_days(MONDAY, MONDAY)) == [MONDAY]
    assert list(hours.iter_days(MONDAY, date(2031, 3, 2))) == []


# -- open intervals ----------------------------------------------------------------------------

WEEK = {
    "mon": [["08:00", "12:00"], ["12:00", "14:00"], ["16:00", "24:00"]],
    "tue": [["00:00", "02:00"], ["09:00", "10:00"]],
    "sun": [["02:00", "03:00"], ["10:00", "11:00"]],
}


def test_always_open_is_the_window_itself():
    assert hours.open_intervals(None, BERLIN, utc(2031, 3, 3, 5), utc(2031, 3, 3, 6)) == [
        (utc(2031, 3, 3, 5), utc(2031, 3, 3, 6))
    ]


def test_open_intervals_are_merged_across_spans_and_midnight():
    got = hours.open_intervals(WEEK, BERLIN, utc(2031, 3, 3, 0), utc(2031, 3, 4, 12))
    assert got == [
        (utc(2031, 3, 3, 7), utc(2031, 3, 3, 13)),  # 08-12 and 12-14 local are one
        (utc(2031, 3, 3, 15), utc(2031, 3, 4, 1)),  # Monday 16:00 to Tuesday 02:00
        (utc(2031, 3, 4, 8), utc(2031, 3, 4, 9)),
    ]


def test_open_intervals_keep_only_spans_that_meet_the_window():
    # [09:00, 10:00) local on Tuesday, from 07:00 UTC: the 00-02 span ended before it.
    assert hours.open_intervals(WEEK, BERLIN, utc(2031, 3, 4, 7), utc(2031, 3, 4, 8)) == []
    # A span touching the window at either end does not meet it.
    assert hours.open_intervals(WEEK, BERLIN, utc(2031, 3, 4, 1), utc(2031, 3, 4, 8)) == []
    # The window's last local day counts.
    assert hours.open_intervals(WEEK, BERLIN, utc(2031, 3, 4, 1), utc(2031, 3, 4, 8, 30)) == [
        (utc(2031, 3, 4, 8), utc(2031, 3, 4, 9))
    ]
    # A window inside a span meets it (and not the 12-14 span after it).
    assert hours.open_intervals(WEEK, BERLIN, utc(2031, 3, 3, 8), utc(2031, 3, 3, 9)) == [
        (utc(2031, 3, 3, 7), utc(2031, 3, 3, 11))
    ]


def test_a_span_that_falls_in_the_spring_gap_is_empty_and_left_out():
    got = hours.open_intervals(WEEK, BERLIN, utc(2031, 3, 29, 22), utc(2031, 3, 30, 12))
    assert got == [(utc(2031, 3, 30, 8), utc(2031, 3, 30, 9))]


def test_within_opening_hours_needs_one_opening_covering_the_window():
    assert hours.within_opening_hours(WEEK, BERLIN, utc(2031, 3, 3, 7), utc(2031, 3, 3, 13))
    assert hours.within_opening_hours(WEEK, BERLIN, utc(2031, 3, 3, 22), utc(2031, 3, 4, 1))
    assert not hours.within_opening_hours(WEEK, BERLIN, utc(2031, 3, 3, 6), utc(2031, 3, 3, 8))
    assert not hours.within_opening_hours(WEEK, BERLIN, utc(2031, 3, 3, 12), utc(2031, 3, 3, 13, 1))
    assert not hours.within_opening_hours(WEEK, BERLIN, utc(2031, 3, 3, 12), utc(2031, 3, 3, 16))
    assert hours.within_opening_hours(None, BERLIN, utc(2031, 3, 3, 1), utc(2031, 3, 3, 2))


def test_within_wall_hours_merges_touching_and_nested_spans():
    day = MONDAY
    spans = {"mon": [["12:00", "14:00"], ["08:00", "12:00"]]}
    assert hours.within_wall_hours(spans, day, time(9), time(13, 30))
    assert hours.within_wall_hours(spans, day, time(8), time(14))
    assert not hours.within_wall_hours(spans, day, time(7, 59), time(9))
    assert not hours.within_wall_hours(spans, day, time(13), time(14, 1))
    nested = {"mon": [["08:00", "18:00"], ["09:00", "10:00"]]}
    assert hours.within_wall_hours(nested, day, time(8), time(17))
    gap = {"mon": [["08:00", "11:00"], ["11:01", "14:00"]]}
    assert not hours.within_wall_hours(gap, day, time(10), time(12))
    assert hours.within_wall_hours(gap, day, time(11, 1), time(12))
    assert not hours.within_wall_hours(gap, date(2031, 3, 4), time(9), time(10))  # Tuesday
    assert hours.within_wall_hours(None, day, time(0), time(1))


# -- interval arithmetic -----------------------------------------------------------------------


def h(hour: int) -> datetime:
    return utc(2031, 3, 3, hour)


def test_merge_joins_overlapping_touching_and_nested_intervals():
    assert hours.merge([]) == []
    assert hours.merge([(h(5), h(7)), (h(1), h(3)), (h(2), h(4))]) == [(h(1), h(4)), (h(5), h(7))]
    assert hours.merge([(h(1), h(3)), (h(3), h(4))]) == [(h(1), h(4))]
    assert hours.merge([(h(1), h(9)), (h(2), h(3))]) == [(h(1), h(9))]
    assert hours.merge([(h(1), h(2)), (h(3), h(4))]) == [(h(1), h(2)), (h(3), h(4))]


def test_subtract_leaves_the_free_parts_of_the_window():
    window = (h(8), h(18))
    assert hours.subtract(window, []) == [window]
    assert hours.subtract(window, [(h(10), h(12)), (h(11), h(13)), (h(16), h(20))]) == [
        (h(8), h(10)),
        (h(13), h(16)),
    ]
    # Busy from before the window and ending inside it; busy touching the window's ends.
    assert hours.subtract(window, [(h(6), h(9)), (h(12), h(14))]) == [
        (h(9), h(12)),
        (h(14), h(18)),
    ]
    assert hours.subtract(window, [(h(4), h(8)), (h(18), h(20))]) == [window]
    assert hours.subtract(window, [(h(8), h(18))]) == []
    assert hours.subtract(window, [(h(8), h(9))]) == [(h(9), h(18))]
    assert hours.subtract(window, [(h(17), h(18))]) == [(h(8), h(17))]


def test_a_window_with_an_offset_is_compared_as_an_instant():
    plus_two = timezone(timedelta(hours=2))
    start = datetime(2031, 3, 3, 9, tzinfo=plus_two)  # 07:00 UTC, 08:00 in Berlin
    assert hours.within_opening_hours(WEEK, BERLIN, start, start + timedelta(hours=6))
    assert not hours.within_opening_hours(
        WEEK, BERLIN, start, start + timedelta(hours=6, minutes=1)
    )


# -- edges found by mutation testing -----------------------------------------------------------


def test_the_list_of_zones_is_loaded_on_first_use(monkeypatch):
    monkeypatch.setattr(hours, "_ZONES", None)
    names = hours._zone_names()
    assert "Europe/Berlin" in names
    assert hours._ZONES is names
    assert hours.zone("Asia/Tokyo").key == "Asia/Tokyo"


def test_the_error_of_a_span_that_does_not_end_after_it_starts_names_its_place():
    detail = "10:00-09:00 does not end after it starts"
    assert refusal({"thu": [["10:00", "09:00"]]}) == (
        f"opening_hours.thu: {detail}",
        {"location": "body", "pointer": "/opening_hours/thu", "detail": detail, "code": "invalid"},
    )


def test_overlapping_spans_are_named_in_order_of_their_start():
    # Same start: the order given is kept (a stable sort by start alone).
    assert refusal({"mon": [["08:00", "12:00"], ["08:00", "10:00"]]})[1]["detail"] == (
        "08:00-12:00 and 08:00-10:00 overlap"
    )
    # One inside the other: the earlier start comes first, whatever the ends.
    assert refusal({"mon": [["09:00", "10:00"], ["08:00", "12:00"]]})[1]["detail"] == (
        "08:00-12:00 and 09:00-10:00 overlap"
    )


def test_instants_come_back_in_utc_itself():
    assert hours.local_instant(MONDAY, 8 * 60, BERLIN).tzinfo is UTC
    assert hours.local_instant(SPRING, 150, BERLIN).tzinfo is UTC  # in the gap
    assert hours.wall_to_utc(datetime(2031, 10, 26, 2, 30), BERLIN).tzinfo is UTC


def test_every_minute_of_an_ordinary_day():
    # On a day without a change of the clocks, minute m is m minutes after 23:00 UTC.
    midnight = utc(2031, 3, 2, 23)
    for minutes in range(0, 1441):
        got = hours.local_instant(MONDAY, minutes, BERLIN)
        assert got == midnight + timedelta(minutes=minutes), minutes


def test_an_ambiguous_time_is_its_first_occurrence_whatever_fold_it_carries():
    wall = datetime(2031, 10, 26, 2, 30, fold=1)
    assert hours.wall_to_utc(wall, BERLIN) == utc(2031, 10, 26, 0, 30)
    # Seconds are kept outside a gap.
    assert hours.wall_to_utc(datetime(2031, 10, 26, 2, 30, 15), BERLIN) == datetime(
        2031, 10, 26, 0, 30, 15, tzinfo=UTC
    )
    assert hours.wall_to_utc(datetime(2031, 3, 3, 9, 0, 15), BERLIN) == datetime(
        2031, 3, 3, 8, 0, 15, tzinfo=UTC
    )


def test_a_time_with_seconds_in_the_gap_moves_to_the_end_of_the_gap():
    got = hours.wall_to_utc(datetime(2031, 3, 30, 2, 30, 30), BERLIN)
    assert got == utc(2031, 3, 30, 1)
    assert (got.second, got.microsecond) == (0, 0)


def test_the_last_local_day_of_a_window_east_of_utc():
    # Kiritimati is UTC+14: Tuesday 07:00-08:00 there is Monday 17:00-18:00 UTC.
    kiritimati = ZoneInfo("Pacific/Kiritimati")
    tuesday = {"tue": [["06:00", "09:00"]]}
    start, end = utc(2031, 3, 3, 17), utc(2031, 3, 3, 18)
    assert hours.open_intervals(tuesday, kiritimati, start, end) == [
        (utc(2031, 3, 3, 16), utc(2031, 3, 3, 19))
    ]
    assert hours.within_opening_hours(tuesday, kiritimati, start, end)


def test_subtract_reads_every_busy_interval_and_ignores_those_after_the_window():
    window = (h(8), h(18))
    assert hours.subtract(window, [(h(4), h(6)), (h(10), h(12))]) == [
        (h(8), h(10)),
        (h(12), h(18)),
    ]
    assert hours.subtract(window, [(h(19), h(20))]) == [window]
