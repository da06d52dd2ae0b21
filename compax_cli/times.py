"""Reading and showing times.

The server speaks UTC instants; people speak wall-clock time in a building. A time on the
command line is either RFC 3339 with an offset (``2027-03-02T10:00:00+01:00``, ``...Z``), or
a local wall time: ``2027-03-02 10:00`` (in ``--tz``, else the zone of the room or building
in question), or ``2027-03-02T10:00 Europe/Berlin`` (in the zone given). ``now``, ``today``
and ``tomorrow`` work too, alone or with a time of day (``tomorrow 10:00``; an hour may have
one digit: ``9:00``). Times are shown in the same zone.

A wall time the clocks skip (spring forward) or show twice (fall back) is refused with both
readings, as offsets and UTC instants, so the person picks one by giving its offset; it is
never shifted or guessed. ``today`` and ``tomorrow`` alone mean the first instant of that
day.

A duration (``-d 1h``) is elapsed time: ``after(start, duration)`` adds it to the instant,
so an hour is an hour across a daylight saving change, whatever the clock on the wall says.
"""

from __future__ import annotations

import contextlib
import os
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from compax_cli.numbers import is_whole
from compax_cli.output import counted, quoted

LOCALTIME = "/etc/localtime"
DURATION = re.compile(r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?:in)?)?$")


def zone(name: str, option: str = "--tz") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        raise typer.BadParameter(
            f"{quoted(name)} is not an IANA time zone (e.g. Europe/Berlin, UTC)", param_hint=option
        ) from None


def local_zone() -> tzinfo:
    """This machine's zone, the last resort when nothing says which zone is meant: ``TZ``,
    else ``/etc/localtime``, with their changes of the clocks (a time in July read or shown
    in December keeps July's offset). Only where neither names a zone (Windows) is it the
    offset of this moment."""
    name = os.environ.get("TZ", "").removeprefix(":")
    name = name or os.path.realpath(LOCALTIME).partition("/zoneinfo/")[2]
    with contextlib.suppress(ZoneInfoNotFoundError, ValueError, OSError):
        if name:
            return ZoneInfo(name)
        with open(LOCALTIME, "rb") as rules:  # a copy of a zone's file, not a link to it
            return ZoneInfo.from_file(rules)
    return datetime.now().astimezone().tzinfo or UTC


def _split_zone(text: str) -> tuple[str, str | None]:
    """``"2027-03-02T10:00 Europe/Berlin"`` -> ``("2027-03-02T10:00", "Europe/Berlin")``."""
    head, _, last = text.rpartition(" ")
    if head and last.upper() == "UTC":
        return head.strip(), "UTC"  # as people write it: utc, Utc
    if head and last[:1].isalpha() and "/" in last:
        return head.strip(), last
    return text, None


def _utc_offset(moment: datetime) -> str:
    """``+01:00``, ``-03:30``, ``+00:00``: the offset as RFC 3339 writes it."""
    offset = moment.utcoffset() or timedelta()
    sign, seconds = ("-", -offset) if offset < timedelta() else ("+", offset)
    hours, rest = divmod(int(seconds.total_seconds()), 3600)
    mins, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{mins:02d}" + (f":{secs:02d}" if secs else "")


def _clock(moment: datetime) -> str:
    """``02:30``, or ``02:30:10`` when there are seconds."""
    return f"{moment:%H:%M:%S}" if moment.second or moment.microsecond else f"{moment:%H:%M}"


def _on(moment: datetime, day: date) -> str:
    """``00:30``, or ``2027-10-30 23:30`` when ``moment`` is not on ``day``."""
    return _clock(moment) if moment.date() == day else f"{moment:%Y-%m-%d} {_clock(moment)}"


def _reading(naive: datetime, reading: datetime) -> str:
    """``2027-10-31T02:30+02:00 (CEST, 00:30 UTC)``."""
    name = reading.tzname() or ""
    label = "" if name[:1] in ("+", "-", "") else f"{name}, "
    utc = _on(reading.astimezone(UTC), naive.date())
    return f"{naive:%Y-%m-%d}T{_clock(naive)}{_utc_offset(reading)} ({label}{utc} UTC)"


def _change(before: datetime, after: datetime, tz: tzinfo) -> tuple[datetime, timedelta, timedelta]:
    """The instant between two UTC instants where ``tz`` changes its offset, and the offsets
    before and after it (by halving: one change lies between them)."""
    low, high = before, after
    first = low.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        if mid.astimezone(tz).utcoffset() == first:
            low = mid
        else:
            high = mid
    last = high.astimezone(tz).utcoffset()
    assert first is not None and last is not None
    return high.replace(microsecond=0), first, last


def wall_time(naive: datetime, tz: tzinfo, option: str) -> datetime:
    """``naive`` as a wall-clock time in ``tz``. A time the clocks skip (spring forward) or
    show twice (fall back) is refused with both readings and how to choose one."""
    naive = naive.replace(tzinfo=None, fold=0)
    early, late = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early
    first, second = sorted((early, late), key=lambda m: m.astimezone(UTC))
    change, old, new = _change(first.astimezone(UTC), second.astimezone(UTC), tz)
    clocks = (
        f"the clocks go {'forward' if new > old else 'back'} from "
        f"{_on((change + old).replace(tzinfo=None), naive.date())} to "
        f"{_on((change + new).replace(tzinfo=None), naive.date())} that night"
    )
    if new > old:  # a gap: no such time on the wall

        def shown(reading: datetime) -> str:
            return _on(reading.astimezone(UTC).astimezone(tz), naive.date())

        raise typer.BadParameter(
            f"{naive:%Y-%m-%d} {_clock(naive)} does not exist in {tz} ({clocks}). It could mean "
            f"{_reading(naive, early)}, which the clocks show as {shown(early)}, or "
            f"{_reading(naive, late)}, which they show as {shown(late)}. "
            "Give the time you mean, or one of these with its offset.",
            param_hint=option,
        )
    raise typer.BadParameter(
        f"{naive:%Y-%m-%d} {_clock(naive)} happens twice in {tz} ({clocks}): first "
        f"{_reading(naive, early)}, then {_reading(naive, late)}. "
        f"Give the one you mean with its offset, e.g. {naive:%Y-%m-%d}T{_clock(naive)}"
        f"{_utc_offset(early)}.",
        param_hint=option,
    )


def start_of_day(day: date, tz: tzinfo) -> datetime:
    """The first instant of ``day`` in ``tz`` (midnight, or the end of a change of the
    clocks that skips midnight; the first midnight when the clocks show it twice)."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC).astimezone(tz)


OUTSIDE_CALENDAR = "is outside the calendar (years 1 to 9999)"


def outside_calendar(what: str, option: str) -> typer.BadParameter:
    """The usage error of a time that Python's datetime cannot hold."""
    return typer.BadParameter(f"{what} {OUTSIDE_CALENDAR}", param_hint=option)


def after(start: datetime, duration: timedelta, option: str = "--duration") -> datetime:
    """``duration`` of elapsed time after ``start``, in ``start``'s zone: an hour from
    02:30 on the night the clocks go back ends at 02:30 again, the second time. An end
    past the calendar's (years 1 to 9999) is a usage error of ``option``."""
    tz = start.tzinfo
    assert tz is not None
    try:
        return (start.astimezone(UTC) + duration).astimezone(tz)
    except OverflowError:
        raise outside_calendar(
            f"{show_duration(minutes(duration))} after {start.date().isoformat()} {start:%H:%M}",
            option,
        ) from None


def days_later(start: datetime, days: int, option: str) -> datetime:
    """The same wall time ``days`` later (a day across a change of the clocks is 23 or 25
    hours); past the calendar's end (year 9999) a usage error of ``option``."""
    try:
        return start + timedelta(days=days)
    except OverflowError:
        later = f"{counted(days, 'day')} after {start.date().isoformat()}"
        raise outside_calendar(later, option) from None


ONE_DIGIT_HOUR = re.compile(r"(?<![\d:+-])(\d)(?=:\d\d)")


def parse_time(text: str, default: tzinfo, option: str) -> datetime:
    """An aware datetime from the command line (see the module docstring)."""
    value, zone_name = _split_zone(text.strip())
    tz = zone(zone_name, option) if zone_name else default
    value = ONE_DIGIT_HOUR.sub(r"0\1", value)  # 9:00 is 09:00
    word = value.lower()
    if word == "now":
        return datetime.now(tz)
    relative, _, clock = word.partition(" ")
    if relative in ("today", "tomorrow"):
        day = datetime.now(tz).date() + timedelta(days=relative == "tomorrow")
        if not clock.strip():
            return start_of_day(day, tz)
        try:
            return wall_time(datetime.combine(day, time.fromisoformat(clock.strip())), tz, option)
        except ValueError:
            raise _not_a_time(text, option) from None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _not_a_time(text, option) from None
    if parsed.tzinfo is not None and zone_name:
        raise typer.BadParameter("give an offset or a zone name, not both", param_hint=option)
    moment = parsed if parsed.tzinfo is not None else wall_time(parsed, tz, option)
    try:  # every instant is sent in a form the server reads: UTC must hold it
        moment.astimezone(UTC)
    except OverflowError:
        raise outside_calendar(repr(text), option) from None
    return moment


def _not_a_time(text: str, option: str) -> typer.BadParameter:
    return typer.BadParameter(
        f"{quoted(text)} is not a time; use 2027-03-02T10:00:00+01:00, '2027-03-02 10:00' "
        "(local time), '2027-03-02 10:00 Europe/Berlin' or 'tomorrow 10:00'",
        param_hint=option,
    )


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{quoted(text)} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


def parse_duration(text: str, option: str) -> timedelta:
    """``90`` (minutes), ``90m``, ``1h30m``, ``2h``, ``14d``."""
    value = text.strip().lower()
    match = DURATION.match(value)
    if is_whole(value):
        total = int(value)
    elif value and match is not None:
        parts = {k: int(v) for k, v in match.groupdict(default="0").items()}
        total = parts["d"] * 1440 + parts["h"] * 60 + parts["m"]
    else:
        raise typer.BadParameter(
            f"{quoted(text)} is not a duration (e.g. 90m, 1h30m, 2h, 14d)", param_hint=option
        )
    try:
        return timedelta(minutes=total)
    except OverflowError:  # past a million years
        raise typer.BadParameter(
            f"{quoted(text)} is too long to be a duration", param_hint=option
        ) from None


def parse_length(text: str, option: str) -> timedelta:
    """How long a booking or a search window lasts: a duration of at least a minute (``0m``
    is refused here, naming the option given, not the end the server would name)."""
    length = parse_duration(text, option)
    if length < timedelta(minutes=1):
        raise typer.BadParameter(f"{quoted(text)}: give at least a minute", param_hint=option)
    return length


def parse_hhmm(text: str, option: str) -> str:
    try:
        return time.fromisoformat(text.strip()).strftime("%H:%M")
    except ValueError:
        raise typer.BadParameter(
            f"{quoted(text)} is not a time of day (HH:MM)", param_hint=option
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
    """``Tue 2031-03-04 10:00-11:30 CET``, in ``tz``; across a change of the clocks both
    ends name their zone: ``Sun 2027-10-31 01:30 CEST-02:30 CET`` (two hours)."""
    s, e = start.astimezone(tz), end.astimezone(tz)
    if s.date() == e.date() or (e - s <= timedelta(days=1) and e.time() == time()):
        until = "24:00" if e.date() != s.date() else e.strftime("%H:%M")
        if s.utcoffset() != e.utcoffset():
            return f"{s:%a %Y-%m-%d %H:%M %Z}-{until} {e:%Z}"
        return f"{s:%a %Y-%m-%d %H:%M}-{until} {s:%Z}"
    return f"{s:%a %Y-%m-%d %H:%M %Z} - {e:%a %Y-%m-%d %H:%M %Z}"
