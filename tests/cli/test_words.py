"""The CLI's words for the API's (without a server): options instead of request parameters,
commands instead of endpoints, local times instead of UTC instants, limits as ``rules show``
writes them; and how a table chooses its columns for the terminal's width."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx

from compax_cli.errors import explain
from compax_cli.output import counted, fit
from compax_cli.rules import LIMIT_COLUMNS
from compax_cli.session import State
from compax_cli.words import LIMITS, cli_words, for_people, limit_text, local_times
from compax_sdk import BookingRules, error_from_response
from tests.dates import Y2031

BERLIN = ZoneInfo("Europe/Berlin")


def problem(status: int, code: str, detail: str, **extra: object) -> httpx.Response:
    body = {"type": "about:blank", "title": code, "status": status, "detail": detail}
    return httpx.Response(status, json={**body, "code": code, "request_id": "r", **extra})


def test_request_parameters_and_endpoints_become_options_and_commands():
    assert cli_words("remove the room with force=true (admins)") == (
        "remove the room with --force (admins)"
    )
    assert cli_words("send on_bookings=cancel to cancel them, or on_bookings=keep") == (
        "add --on-bookings cancel to cancel them, or --on-bookings keep"
    )
    assert cli_words("apply with `atomic=false` to apply the rest") == (
        "apply with --partial to apply the rest"
    )
    assert cli_words("known: none yet (staff add features at POST /api/v1/features)") == (
        "known: none yet (staff add features at `compax rooms features add`)"
    )
    assert cli_words("a booking may last at most 4h (staff may override)") == (
        "a booking may last at most 4h"
    )
    assert cli_words("title: a=b stays") == "title: a=b stays"


def test_utc_instants_become_the_buildings_wall_time():
    text = (
        f"room B1-204 is booked from {Y2031}-03-03T09:00:00+00:00 to {Y2031}-03-03T11:00:00+00:00"
    )
    assert local_times(text, BERLIN) == f"room B1-204 is booked Mon {Y2031}-03-03 10:00-12:00 CET"
    assert local_times(f"booking 4 ended at {Y2031}-07-01T08:30:00Z; it is history", BERLIN) == (
        f"booking 4 ended at {Y2031}-07-01 10:30 CEST; it is history"
    )


def test_a_409_names_the_option_not_the_parameter():
    response = problem(
        409,
        "conflict",
        "room B1-204 has 2 upcoming bookings; cancel or move them, or remove the room with "
        "force=true (admins), which cancels them",
    )
    message, code = explain(error_from_response(response), State(zone_hint=BERLIN))
    assert code == 4
    assert "--force" in message and "force=true" not in message


def test_a_rule_error_reads_like_rules_show():
    response = problem(
        422,
        "rule_violation",
        "a booking may last at most 4h; book at least 1h30m ahead (staff may override)",
        errors=[
            {
                "rule": "max_duration_minutes",
                "limit": 240,
                "detail": "a booking may last at most 4h",
            },
            {"rule": "min_notice_minutes", "limit": 90, "detail": "book at least 1h30m ahead"},
        ],
    )
    message, code = explain(error_from_response(response), State(zone_hint=BERLIN))
    assert code == 1
    assert message.splitlines()[0] == "a booking may last at most 4h; book at least 1h30m ahead"
    assert "max length 4h, notice at least 1h30m" in message
    assert "minutes" not in message and "240" not in message
    now = datetime(Y2031, 1, 1, tzinfo=UTC)
    rules = BookingRules.model_validate(
        {
            "scope": "room",
            "scope_id": 3,
            "max_duration_minutes": 240,
            "min_notice_minutes": 90,
            "created_at": now,
            "updated_at": now,
        }
    )
    shown = {label: get(rules) for label, get in LIMIT_COLUMNS}
    assert shown["max length"] == "4h" and shown["notice at least"] == "1h30m"
    assert limit_text("max_duration_minutes", 240) == "max length 4h"
    assert limit_text("horizon_days", 90) == "book ahead at most 90 days"
    assert limit_text("horizon_days", 1) == "book ahead at most 1 day"


def test_a_table_leaves_out_the_least_useful_columns_first():
    columns = [
        ("id", None, 0),
        ("when", None, 0),
        ("status", None, 2),
        ("owner", None, 1),
        ("series", None, 3),
        ("title", None, 0),
    ]
    row = ["12", f"Tue {Y2031}-03-04 10:00-11:30 CET", "confirmed", "Ada Lovelace <ada@x.example>"]
    cells = [[*row, "7", "Linear algebra for first years"]]
    wrap = {"when": 15, "owner": 16, "title": 12}
    assert fit(columns, cells, 200, wrap) == ([0, 1, 2, 3, 4, 5], {})
    assert fit(columns, cells, 80, wrap)[0] == [0, 1, 2, 3, 4, 5]  # all fit, some wrap
    shown, widths = fit(columns, cells, 70, wrap)
    assert shown == [0, 1, 2, 3, 5]  # the series goes first
    assert widths is not None and sum(widths.values()) + 2 + 9 + 3 * 5 + 1 <= 70
    assert widths[1] >= 15 and widths[3] >= 16 and widths[5] >= 12
    assert fit(columns, cells, 60, wrap)[0] == [0, 1, 3, 5]  # then the status
    assert fit(columns, cells, 50, wrap)[0] == [0, 1, 5]  # then the owner
    assert fit(columns, cells, 30, wrap) == ([0, 1, 5], None)  # too narrow: everything folds


def test_a_count_names_its_noun_in_the_singular_for_one_only():
    assert [counted(n, "room") for n in (0, 1, 2)] == ["0 rooms", "1 room", "2 rooms"]


def test_words_outside_a_zone_and_options_in_backticks():
    instant = f"closed from {Y2031}-03-04T08:00:00Z"
    assert for_people(instant, None) == instant  # no zone known: the instant as sent
    assert for_people(instant, BERLIN) == f"closed from {Y2031}-03-04 09:00 CET"
    assert cli_words("then `send force=true`") == "then add --force"


def test_a_limit_not_set_is_a_dash_as_in_rules_show():
    assert [show(None) for _, show in LIMITS.values()] == ["-"] * len(LIMITS)
    assert limit_text("max_duration_minutes", None) == "max length -"
    assert limit_text("max_duration_minutes", "4h") is None  # not a number: not a limit
    assert limit_text("max_bookings_per_week", 3) == "bookings per week 3"
