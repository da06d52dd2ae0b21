"""The CLI's words for what the API says in its own: times in the building's zone instead of
UTC RFC 3339 instants, the CLI's options instead of request parameters (``force=true`` is
``--force``), commands instead of endpoints, and booking limits the way ``rules show`` writes
them (``4h``, ``90 days``), so that a rule reads the same in the table and in an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from compax_cli.times import show_duration, show_span, show_time

# -- booking limits ------------------------------------------------------------------------


def _mins(value: int | None) -> str:
    return show_duration(value) if value is not None else "-"


def _plain(value: int | None, unit: str = "") -> str:
    return f"{value}{unit}" if value is not None else "-"


LIMITS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "max_duration_minutes": ("max length", _mins),
    "horizon_days": ("book ahead at most", lambda v: _plain(v, " day" if v == 1 else " days")),
    "min_notice_minutes": ("notice at least", _mins),
    "max_bookings_per_week": ("bookings per week", _plain),
    "max_hours_per_week": ("hours per week", _plain),
}
"""Each booking limit: its label in ``rules show`` and how its value is written."""


def limit_text(rule: str, value: Any) -> str | None:
    """``max length 4h``: a limit as ``rules show`` writes it; ``None`` for other rules."""
    if rule not in LIMITS or not isinstance(value, int | None):
        return None
    label, show = LIMITS[rule]
    return f"{label} {show(value)}"


UNITS = {"minutes": "minute", "days": "day"}
"""The units a field's name ends in (``duration_minutes``), and each one's singular."""


def in_units(pointer: str | None, text: str) -> str:
    """``Input should be less than or equal to 1440`` about ``/duration_minutes`` reads
    ``... 1440 minutes``: the option took a length (``25h``), the field counts in a unit."""
    unit = (pointer or "").rsplit("_", 1)[-1]
    number = re.search(r"\b(\d+)$", text)
    if unit not in UNITS or number is None:
        return text
    return f"{text} {UNITS[unit] if number.group(1) == '1' else unit}"


# -- times ---------------------------------------------------------------------------------

INSTANT = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})"
SPAN = re.compile(rf"(?:from )?({INSTANT}) (?:to|-) ({INSTANT})")
ONE = re.compile(INSTANT)


def local_times(text: str, tz: tzinfo) -> str:
    """Every RFC 3339 instant in ``text`` as a wall time in ``tz``: ``from A to B`` becomes
    ``Tue 2031-03-04 10:00-11:30 CET``, a lone instant ``2031-03-04 10:00 CET``."""

    def span(match: re.Match[str]) -> str:
        return show_span(
            datetime.fromisoformat(match.group(1)), datetime.fromisoformat(match.group(2)), tz
        )

    def one(match: re.Match[str]) -> str:
        moment = datetime.fromisoformat(match.group(0)).astimezone(tz)
        return f"{show_time(moment, tz)} {moment.tzname()}"

    return ONE.sub(one, SPAN.sub(span, text))


# -- request parameters and endpoints ------------------------------------------------------

PARAMETERS = {
    "force=true": "--force",
    "on_bookings=cancel": "--on-bookings cancel",
    "on_bookings=keep": "--on-bookings keep",
    "reset_exceptions=true": "--reset-exceptions",
    "atomic=false": "--partial",
    "override=true": "--override",
    "explain=true": "--explain",
    "skip_closures=true": "--skip-closures",
    "conflict_policy=skip_conflicts": "--skip-conflicts",
}
"""Request parameters that server messages suggest, and the options that send them."""

ENDPOINTS = {
    "POST /api/v1/features": "`compax rooms features add`",
    "POST /api/v1/auth/token": "`compax login`",
    "/api/v1/api-keys": "`compax api-keys`",
    "/api/v1/me/calendar.ics": "`compax feeds url`",
}
"""Endpoints that server messages name, and the commands that call them."""

WORDS = re.compile(
    r"`?(?:send )?\b("
    + "|".join(re.escape(k) for k in sorted([*PARAMETERS, *ENDPOINTS], key=len, reverse=True))
    + r")\b`?"
)


def cli_words(text: str) -> str:
    """``send on_bookings=cancel`` -> ``add --on-bookings cancel``; endpoints -> commands."""

    def swap(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in ENDPOINTS:
            return ENDPOINTS[key]
        send = "add " if match.group(0).lstrip("`").startswith("send ") else ""
        return send + PARAMETERS[key]

    return WORDS.sub(swap, text).replace("(staff may override)", "").rstrip()


def for_people(text: str, tz: tzinfo | None) -> str:
    """A server message in the CLI's words (see the module docstring)."""
    return cli_words(local_times(text, tz) if tz else text)
