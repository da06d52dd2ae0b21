"""The optimizer's bounds, checked before it reads anything: how many sections, and how many
meetings they ask for in the term (each section's own dates, cut to the term), counted
without walking the days, against a count that walks them."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest

from compax_server.domain.optimizer import WEEKDAYS
from compax_server.errors import InvalidInput, RuleViolation
from compax_server.services import optimizer

TERM = {"start_date": date(2031, 3, 3), "end_date": date(2031, 3, 30)}  # four weeks, Mon-Sun


def walked(weekdays: list[str], first: date, last: date) -> int:
    days = (last - first).days + 1
    return sum(
        1 for n in range(max(days, 0)) if WEEKDAYS[(first + timedelta(n)).weekday()] in weekdays
    )


def test_the_meetings_of_a_weekly_pattern_are_counted_as_walking_the_days_would():
    start = date(2031, 3, 5)  # a Wednesday
    patterns = [[], ["mon"], ["wed"], ["sun", "mon"], ["tue", "thu", "sat"], list(WEEKDAYS)]
    for weekdays, shift, length in itertools.product(patterns, range(7), range(-1, 23)):
        first = start + timedelta(shift)
        last = first + timedelta(length)
        assert optimizer._count(weekdays, first, last) == walked(weekdays, first, last), (
            weekdays,
            first,
            last,
        )


def section(n: int, **extra: Any) -> dict[str, Any]:
    return {"external_id": f"S{n}", "weekdays": ["mon"]} | extra


def test_too_many_sections_is_a_422_naming_the_limit(monkeypatch):
    monkeypatch.setattr(optimizer, "MAX_SECTIONS", 3)
    optimizer._check([section(n) for n in range(3)], TERM)  # the limit itself is allowed
    with pytest.raises(RuleViolation) as refused:
        optimizer._check([section(n) for n in range(4)], TERM)
    detail = "at most 3 sections per optimizer run"
    assert refused.value.detail == detail
    assert refused.value.extra["errors"] == [{"rule": "max_sections", "limit": 3, "detail": detail}]


def test_the_meetings_asked_for_count_each_section_within_its_own_dates_and_the_term(
    monkeypatch,
):
    """Mondays of the term: 3, 10, 17, 24 March. A section from the 10th (4 → 3), one until
    the 16th (→ 2), one from before the term until after it (the term's 4): 9 meetings."""
    sections = [
        section(1, start_date=date(2031, 3, 10)),
        section(2, until=date(2031, 3, 16)),
        section(3, start_date=date(2031, 2, 1), until=date(2031, 6, 1)),
    ]
    monkeypatch.setattr(optimizer, "MAX_OCCURRENCES", 9)
    optimizer._check(sections, TERM)
    monkeypatch.setattr(optimizer, "MAX_OCCURRENCES", 8)
    with pytest.raises(RuleViolation) as refused:
        optimizer._check(sections, TERM)
    assert refused.value.detail.startswith("the sections have 9 occurrences in the term; at most 8")
    assert refused.value.extra["errors"][0]["rule"] == "max_occurrences"


def test_an_external_id_twice_is_a_400_at_the_second():
    with pytest.raises(InvalidInput) as refused:
        optimizer._check([section(1), section(2), section(1)], TERM)
    [error] = refused.value.extra["errors"]
    assert (error["pointer"], error["code"]) == ("/sections/2/external_id", "duplicate")
