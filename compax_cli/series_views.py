"""How the CLI shows series: the recurrence in words, one series' details, the outcome of a
write (what was booked, skipped, moved or kept); and reading ``--on`` weekdays. Used by
``compax series``; the timetable readers share ``WEEKDAYS``."""

from __future__ import annotations

import typer

from compax_cli.booking_views import exception_text
from compax_cli.options import listed
from compax_cli.output import counted, details, note, print_json, quoted
from compax_cli.session import State
from compax_cli.times import show_duration
from compax_sdk import BookingSeries, SeriesResult, SkippedDate, Weekday

WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
EVERY = {"daily": "days", "weekly": "weeks", "monthly": "months"}


def weekday(word: str) -> Weekday | None:
    """The weekday a word names: ``mon``, ``Tue``, ``wednesday``, ``th`` (the start of the
    day's name, two letters at least); ``None`` for anything else (``t``, ``monkey``)."""
    word = word.strip().lower()
    named = zip(WEEKDAYS, DAY_NAMES, strict=True)
    return next((d for d, name in named if len(word) > 1 and name.startswith(word)), None)


def weekdays(values: list[str] | None) -> list[Weekday] | None:
    """``--on mon,wed --on fri``: the weekdays, or ``None`` when none were given."""
    out: list[Weekday] = []
    for part in listed(values):
        day = weekday(part)
        if day is None:
            raise typer.BadParameter(f"{quoted(part)} is not mon, tue, ... sun", param_hint="--on")
        out.append(day)
    return out or None


def rule_text(s: BookingSeries) -> str:
    rule = s.rule
    every, freq = rule.get("interval", 1), str(rule.get("freq", "?"))
    text = freq if every == 1 else f"every {every} {EVERY.get(freq, freq)}"
    if rule.get("weekdays"):
        text += " on " + ",".join(rule["weekdays"])
    if rule.get("until"):
        text += f" until {rule['until']}"
    elif rule.get("count"):
        text += f", {rule['count']} times"
    elif rule.get("term_id"):
        text += f" through term {rule['term_id']}"
    return text


def series_pairs(
    s: BookingSeries, room_code: str, owner: str | None = None
) -> list[tuple[str, object]]:
    return [
        ("id", s.id),
        ("title", s.title),
        ("room", room_code),
        ("repeats", rule_text(s)),
        ("time", f"{s.start_time} for {show_duration(s.duration_minutes)} ({s.timezone})"),
        *([("attendees", s.attendees)] if s.attendees is not None else []),
        ("skips holidays", s.skip_holidays),
        ("excluded", s.excluded_dates),
        ("added", s.added_dates),
        ("status", s.status),
        ("owner", owner or s.owner_id),
        ("version", s.version),
    ]


def show_result(
    st: State, result: SeriesResult, room_code: str, action: str, *, unchanged: bool = False
) -> None:
    """What a write did to a series: ``Changed series 7: 4 occurrences.``, or, when the
    server kept the series' version (``unchanged``: the values given were there), that
    nothing changed; then the series and what was skipped, moved or kept."""
    if st.json:
        print_json(result)
        return
    if unchanged:
        note(f"Nothing changed: series {result.id} already had these values.")
    else:
        occurrences = counted(len(result.booking_ids), "occurrence")
        note(f"{action} series {result.id}: {occurrences}.")
    owner = st.names.person(result.owner_id)
    details(series_pairs(result, room_code, owner), title=f"Series {result.id}")
    for skipped in result.skipped:
        note(f"  skipped {skipped.date}: {_why(skipped)}")
    if result.skipped_holidays:
        days = ", ".join(d.isoformat() for d in result.skipped_holidays)
        note(f"  holidays left out: {days}")
    for moved in result.adjustments:
        note(f"  moved {moved.get('date')}: {moved.get('detail') or 'off a daylight saving gap'}")
    if result.rejected_booking_ids:
        note(f"  rejected overlapping requests: {result.rejected_booking_ids}")
    for kept in result.exceptions_kept:
        fields = exception_text([str(f) for f in kept.get("fields") or []])
        note(
            f"  kept as changed by hand: booking {kept.get('booking_id')} on {kept.get('date')}"
            f"{f' ({fields})' if fields else ''}; --reset-exceptions overwrites it"
        )


def _why(skipped: SkippedDate) -> str:
    """Why a series left a date out: the bookings in the way, or what the rules or a closure
    said."""
    if skipped.reason == "conflict":
        taken = ", ".join(_taken(c) for c in skipped.conflicts or [])
        return f"taken: {taken}" if taken else "taken"
    broken = "; ".join(str(e.get("detail")) for e in skipped.errors or [])
    return broken or f"{skipped.reason} (no detail given)"


def _taken(conflict: dict[str, object]) -> str:
    """A booking in the way, as much of it as we may see (others' show only their times)."""
    if conflict.get("id") is not None:
        return f"booking {conflict['id']}"
    return f"busy {conflict.get('start')} to {conflict.get('end')}"
