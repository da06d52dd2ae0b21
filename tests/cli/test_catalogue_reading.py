"""The catalogue's options read and shown without a server: a building's opening hours, a
term's holidays, and the limits of ``compax rules``."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import typer

from compax_cli import buildings, rules, terms
from compax_sdk import BookingRules, Building, Holiday, Term

STAMP = "2031-01-06T09:00:00+01:00"
NINE_TO_FIVE = [["09:00", "17:00"]]
TERM: dict[str, Any] = {"id": 2, "name": "Spring", "campus": "North", "start_date": "2031-03-03",
                        "end_date": "2031-06-27", "created_at": STAMP, "updated_at": STAMP}  # fmt: skip


@pytest.mark.parametrize(
    ("specs", "hours"),
    [
        (
            ["mon-fri 08:00-20:00"],
            {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        ),
        (["sat 09:00-13:00,14:00-16:00"], {"sat": [["09:00", "13:00"], ["14:00", "16:00"]]}),
        (["fri-mon 09:00-17:00"], {d: NINE_TO_FIVE for d in ("fri", "sat", "sun", "mon")}),
        (["Monday-Wednesday 09:00 - 17:00"], {d: NINE_TO_FIVE for d in ("mon", "tue", "wed")}),
        (["sat,SUN 09:00-17:00"], {"sat": NINE_TO_FIVE, "sun": NINE_TO_FIVE}),
        (
            ["mon-sun 09:00-17:00", "sat-sun closed"],
            {d: NINE_TO_FIVE for d in ("mon", "tue", "wed", "thu", "fri")},
        ),
        (
            ["mon-tue 09:00-17:00", "tue 00:00-24:00"],
            {"mon": NINE_TO_FIVE, "tue": [["00:00", "24:00"]]},
        ),
        (["  wed 09:00-17:00  "], {"wed": NINE_TO_FIVE}),
        (["sun closed"], {}),  # closing a day that was not open
        ([], {}),
    ],
)
def test_opening_hours_from_the_command_line(specs, hours):
    assert buildings.parse_hours(specs, "--hours") == hours


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("mon-fri", "'mon-fri': give DAYS HH:MM-HH:MM[,HH:MM-HH:MM]"),
        ("mon-fri 8:00-20:00", "'mon-fri 8:00-20:00': give DAYS HH:MM-HH:MM[,HH:MM-HH:MM]"),
        ("mon 08:00-24:01", "'mon 08:00-24:01': give DAYS HH:MM-HH:MM[,HH:MM-HH:MM]"),
        ("mon 08:60-10:00", "'mon 08:60-10:00': give DAYS HH:MM-HH:MM[,HH:MM-HH:MM]"),
        ("mon 08:00", "'mon 08:00': give DAYS HH:MM-HH:MM[,HH:MM-HH:MM]"),
        ("mon 08:00-10:00,", "'mon 08:00-10:00,': give DAYS HH:MM-HH:MM[,HH:MM-HH:MM]"),
        *[
            (
                f"{days} 08:00-10:00",
                f"{days!r}: days are mon, tue, ... sun, a range mon-fri, or a list mon,wed",
            )
            for days in ("xyz", "mon-", "-fri", "t", "mon,,wed", "mon-fri-sun")
        ],
    ],
)
def test_opening_hours_that_cannot_be_read_say_how_to_write_them(spec, words):
    with pytest.raises(typer.BadParameter) as refused:
        buildings.parse_hours([spec], "--hours")
    assert (refused.value.message, refused.value.param_hint) == (words, "--hours")


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (None, "always open"),
        ({}, "always closed"),
        (
            {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
            "mon-fri 08:00-20:00",
        ),
        ({"mon": NINE_TO_FIVE, "wed": NINE_TO_FIVE}, "mon 09:00-17:00; wed 09:00-17:00"),
        (
            {
                "mon": NINE_TO_FIVE,
                "tue": NINE_TO_FIVE,
                "wed": [["10:00", "12:00"], ["13:00", "15:00"]],
                "thu": NINE_TO_FIVE,
            },
            "mon-tue 09:00-17:00; wed 10:00-12:00,13:00-15:00; thu 09:00-17:00",
        ),
        (
            {"sat": NINE_TO_FIVE, "sun": NINE_TO_FIVE, "mon": NINE_TO_FIVE},
            "mon 09:00-17:00; sat-sun 09:00-17:00",
        ),
    ],
)
def test_opening_hours_in_words(hours, text):
    assert buildings.show_hours(hours) == text


def test_hours_read_back_are_the_hours_shown():
    given = ["mon-thu 08:00-12:00,13:00-18:00", "fri 08:00-16:00", "sat 10:00-14:00"]
    shown = buildings.show_hours(buildings.parse_hours(given, "--hours"))
    assert shown == "; ".join(given)
    assert buildings.parse_hours(shown.split("; "), "--hours") == buildings.parse_hours(
        given, "--hours"
    )


def test_a_building_in_details(screen, capsys):
    s = screen(80)
    found = Building.model_validate(
        {
            "id": 4,
            "code": "M",
            "name": "Main",
            "timezone": "Europe/Berlin",
            "version": 3,
            "opening_hours": {"sat": NINE_TO_FIVE},
            "created_at": STAMP,
            "updated_at": STAMP,
        }
    )
    buildings.show_building(buildings.State(), found)
    assert s.out.splitlines() == [
        "Building M",
        "id             4",
        "code           M",
        "name           Main",
        "time zone      Europe/Berlin",
        "opening hours  sat 09:00-17:00",
        "version        3",
    ]
    buildings.show_building(buildings.State(json=True), found)
    assert '"code": "M"' in capsys.readouterr().out
    terms.show_term(terms.State(json=True), Term.model_validate(TERM))
    assert '"name": "Spring"' in capsys.readouterr().out


# -- terms -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "holiday"),
    [
        ("2031-04-05..2031-04-09 Easter", (date(2031, 4, 5), date(2031, 4, 9), "Easter")),
        ("2031-12-25 Christmas Day", (date(2031, 12, 25), date(2031, 12, 25), "Christmas Day")),
        ("  2031-12-26   Boxing Day  ", (date(2031, 12, 26), date(2031, 12, 26), "Boxing Day")),
        ("2031-05-01", (date(2031, 5, 1), date(2031, 5, 1), "")),
    ],
)
def test_a_holiday_from_the_command_line(text, holiday):
    read = terms.parse_holiday(text)
    assert (read["start"], read["end"], read["name"]) == holiday


@pytest.mark.parametrize("text", ["25/12/2031 Christmas", "2031-04-05..Easter", "..2031-04-09 x"])
def test_a_holiday_that_is_not_dates_names_the_option(text):
    with pytest.raises(typer.BadParameter) as refused:
        terms.parse_holiday(text)
    assert refused.value.param_hint == "--holiday"


def holiday(start: str, end: str, name: str = "") -> Holiday:
    return Holiday.model_validate({"start": start, "end": end, "name": name})


def test_holidays_and_a_term_in_words(screen):
    assert terms.show_holiday(holiday("2031-12-25", "2031-12-25", "Christmas")) == (
        "2031-12-25 Christmas"
    )
    assert terms.show_holiday(holiday("2031-04-05", "2031-04-09", "Easter")) == (
        "2031-04-05..2031-04-09 Easter"
    )
    assert terms.show_holiday(holiday("2031-05-01", "2031-05-01")) == "2031-05-01"
    s = screen(100)
    term = TERM
    both = [holiday("2031-04-05", "2031-04-09", "Easter"), holiday("2031-05-01", "2031-05-01")]
    terms.show_term(terms.State(), Term.model_validate(term | {"holidays": both}))
    terms.show_term(terms.State(), Term.model_validate(term))
    assert s.out.splitlines()[:7] == [
        "Term Spring",
        "id        2",
        "name      Spring",
        "campus    North",
        "from      2031-03-03",
        "to        2031-06-27",
        "holidays  2031-04-05..2031-04-09 Easter; 2031-05-01",
    ]
    assert s.out.splitlines()[-1] == "holidays  none"


# -- rules -----------------------------------------------------------------------------------


def test_a_length_a_number_of_days_or_a_count_or_none():
    assert rules._minutes("90m", "--max-duration") == 90
    assert rules._minutes("2h", "--max-duration") == 120
    assert rules._minutes("NONE", "--max-duration") is None
    assert [rules._days(t, "--horizon") for t in ("90d", "90", "90D", "none")] == [90, 90, 90, None]
    assert [rules._count(t, "--max-per-week") for t in ("3", "0", "None")] == [3, 0, None]
    with pytest.raises(typer.BadParameter) as refused:
        rules._minutes("forever", "--min-notice")
    assert refused.value.param_hint == "--min-notice"


@pytest.mark.parametrize(
    ("read", "text", "option", "words"),
    [
        (rules._days, "x", "--horizon", "'x': a number of days, e.g. 90d"),
        (rules._days, "-1d", "--horizon", "'-1d': a number of days, e.g. 90d"),
        (rules._days, "9dd", "--horizon", "'9dd': a number of days, e.g. 90d"),
        (rules._count, "three", "--max-per-week", "'three': a whole number, or 'none'"),
        (rules._count, "1.5", "--max-hours", "'1.5': a whole number, or 'none'"),
    ],
)
def test_a_limit_that_is_not_a_number_names_its_option(read, text, option, words):
    with pytest.raises(typer.BadParameter) as refused:
        read(text, option)
    assert (refused.value.message, refused.value.param_hint) == (words, option)


def test_checkin_is_yes_no_or_none():
    assert [rules._checkin(t) for t in ("yes", "NO", "None")] == [True, False, None]
    with pytest.raises(typer.BadParameter) as refused:
        rules._checkin("maybe")
    assert (refused.value.message, refused.value.param_hint) == (
        "'maybe': yes, no or none",
        "--checkin",
    )


def booking_rules(**fields: Any) -> BookingRules:
    return BookingRules.model_validate({"scope": "global", "updated_at": STAMP, **fields})


def test_the_limits_of_a_level_in_words():
    assert rules.limits_text(booking_rules()) == [
        ("max length", "-"),
        ("book ahead at most", "-"),
        ("notice at least", "-"),
        ("bookings per week", "-"),
        ("hours per week", "-"),
        ("check-in", "-"),
        ("no-show ban", "-"),
    ]
    set_ = booking_rules(
        max_duration_minutes=240,
        horizon_days=90,
        min_notice_minutes=30,
        max_bookings_per_week=5,
        max_hours_per_week=10,
        requires_checkin=True,
        noshow_limit=3,
        noshow_days=30,
        noshow_ban_days=14,
    )
    assert dict(rules.limits_text(set_)) == {
        "max length": "4h",
        "book ahead at most": "90 days",
        "notice at least": "30m",
        "bookings per week": "5",
        "hours per week": "10",
        "check-in": "required",
        "no-show ban": "3 in 30d: 14d",
    }
    assert dict(rules.limits_text(booking_rules(requires_checkin=False)))["check-in"] == "no"
    for partial in (
        {"noshow_limit": 3, "noshow_days": 30},
        {"noshow_days": 30, "noshow_ban_days": 1},
        {"noshow_limit": 3, "noshow_ban_days": 1},
    ):
        assert dict(rules.limits_text(booking_rules(**partial)))["no-show ban"] == "-"


def test_the_rules_read_one_level_a_row_and_a_narrow_terminal_leaves_out_check_in_first(screen):
    found = [
        booking_rules(max_duration_minutes=240, horizon_days=1),
        booking_rules(
            scope="room",
            scope_id=7,
            min_notice_minutes=90,
            max_bookings_per_week=3,
            max_hours_per_week=6,
            requires_checkin=True,
            noshow_limit=3,
            noshow_days=30,
            noshow_ban_days=14,
        ),
    ]
    half = {"scope": "building", "requires_checkin": False}  # a no-show policy half set
    found += [
        booking_rules(scope_id=2, noshow_limit=3, noshow_days=30, **half),
        booking_rules(scope_id=3, noshow_days=30, noshow_ban_days=14, **half),
        booking_rules(scope_id=4, noshow_limit=3, noshow_ban_days=14, **half),
    ]
    names = {("global", 0): "global", ("room", 7): "room B1-204"}
    names |= {("building", n): f"building B{n}" for n in (2, 3, 4)}
    wide = screen(140)
    rules.rules_table(found, names)
    assert [[c.strip() for c in line.split("│")[1:-1]] for line in wide.out.splitlines()[3:8]] == [
        ["global", "4h", "1 day", "-", "-", "-", "-", "-"],
        ["room B1-204", "-", "-", "1h30m", "3", "6", "required", "3 in 30d: 14d"],
        *(["building B" + n, "-", "-", "-", "-", "-", "no", "-"] for n in "234"),
    ]
    assert "┃ level " in wide.out and "┃ hours per week ┃ check-in ┃ no-show ban" in wide.out
    assert wide.err == ""
    narrow = screen(80)
    rules.rules_table(found, names)
    assert "check-in" not in narrow.out and "no-show" not in narrow.out
    assert "hours per" in narrow.out and "│ 1h30m " in narrow.out
    assert narrow.err.replace("\n", " ").startswith(
        "Left out to fit 80 columns: check-in, no-show ban "
    )
    narrowest = screen(60)  # the limits are squeezed, never left out
    rules.rules_table(found, names)
    assert narrowest.err.replace("\n", " ").startswith(
        "Left out to fit 60 columns: check-in, no-show ban "
    )
    none = screen(80)
    rules.rules_table([], {})
    assert (none.out, none.err) == (
        "",
        "No booking rules: bookings are limited only by opening hours and closures.\n",
    )
