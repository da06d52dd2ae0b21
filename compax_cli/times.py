"""Reading and showing times.

The server speaks UTC instants; people speak wall-clock time in a building. A time on the
command line is either RFC 3339 with an offset (``2027-03-02T10:00:00+01:00``, ``...Z``), or
a local wall time: ``2027-03-02 10:00`` (in ``--tz``, else the zone of the room or building
in question), or ``2027-03-02T10:00 Europe/Berlin`` (in the zone given). ``now``, ``today``
and ``tomorrow`` work too. Times are shown in the same zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

DURATION = re.compile(r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?:in)?)?$")


def zone(name: str, option: str = "--tz") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise typer.BadParameter(
            f"{name!r} is not an IANA time zone (e.g. Europe/Berlin, UTC)", param_hint=option
        ) from None


def local_zone() -> tzinfo:
    """This machine's zone: the last resort when nothing says which zone is meant."""
    return datetime.now().astimezone().tzinfo or UTC


def _split_zone(text: str) -> tuple[str, str | None]:
    """``"2027-03-02T10:00 Europe/Berlin"`` -> ``("2027-03-02T10:00", "Europe/Berlin")``."""
    head, _, last = text.rpartition(" ")
    if head and last[:1].isalpha() and ("/" in last or last.upper() == "UTC"):
        return head.strip(), last
    return text, None


def wall_time(naive: datetime, tz: tzinfo, option: str) -> datetime:
    """``naive`` as a wall-clock time in ``tz``; a time skipped by a daylight saving change
    is refused rather than shifted."""
    aware = naive.replace(tzinfo=tz)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise typer.BadParameter(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {tz} (the clocks go forward then)",
            param_hint=option,
        )
    return aware


def parse_time(text: str, default: tzinfo, option: str) -> datetime:
    """An aware datetime from the command line (see the module docstring)."""
    value, zone_name = _split_zone(text.strip())
    tz = zone(zone_name, option) if zone_name else default
    word = value.lower()
    if word == "now":
        return datetime.now(tz)
    if word in ("today", "tomorrow"):
        day = datetime.now(tz).date() + timedelta(days=word == "tomorrow")
        return wall_time(datetime.combine(day, time()), tz, option)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a time; use 2027-03-02T10:00:00+01:00, '2027-03-02 10:00' "
            "(local time) or '2027-03-02 10:00 Europe/Berlin'",
            param_hint=option,
        ) from None
    if parsed.tzinfo is not None:
        if zone_name:
            raise typer.BadParameter("give an offset or a zone name, not both", param_hint=option)
        return parsed
    return wall_time(parsed, tz, option)


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


def parse_duration(text: str, option: str) -> timedelta:
    """``90`` (minutes), ``90m``, ``1h30m``, ``2h``, ``14d``."""
    value = text.strip().lower()
    if value.isdigit():
        return timedelta(minutes=int(value))
    match = DURATION.match(value)
    if not value or match is None:
        raise typer.BadParameter(
            f"{text!r} is not a duration (e.g. 90m, 1h30m, 2h, 14d)", param_hint=option
        )
    parts = {k: int(v) for k, v in match.groupdict(default="0").items()}
    return timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"])


def parse_hhmm(text: str, option: str) -> str:
    try:
        return time.fromisoformat(text.strip()).strftime("%H:%M")
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a time of day (HH:MM)", param_hint=option
        ) from None


def minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def show_duration(total_minutes: int) -> str:
    hours, mins = divmod(total_minutes, 60)
    if hours and mins:
        return f"{hours}h{mins:02d}m"
    return f"{hours}h" if hours else f"{mins}m"


def show_time(moment: datetime | None, tz: tzinfo) -> str:
    """``2031-03-04 10:00``, in ``tz``."""
    if moment is None:
        return ""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def show_span(start: datetime, end: datetime, tz: tzinfo) -> str:
    """``Tue 2031-03-04 10:00-11:30 CET``, in ``tz``."""
    s, e = start.astimezone(tz), end.astimezone(tz)
    if s.date() == e.date() or (e - s <= timedelta(days=1) and e.time() == time()):
        until = "24:00" if e.date() != s.date() else e.strftime("%H:%M")
        return f"{s:%a %Y-%m-%d %H:%M}-{until} {s:%Z}"
    return f"{s:%a %Y-%m-%d %H:%M %Z} - {e:%a %Y-%m-%d %H:%M %Z}"
