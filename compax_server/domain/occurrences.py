"""Occurrence exceptions: what a person changed on one occurrence of a series stays changed.

Like RFC 5545's ``RECURRENCE-ID``, an occurrence keeps the date it belongs to and records
which of its fields were changed by hand (``EXCEPTION_FIELDS``): moved to another room
(``room_id``), retimed (``time``), renamed (``title``, which covers the description too),
given another head count (``attendees``) or cancelled (``status``). A later edit of the
series, or an import update, changes only the fields that are not exceptions, lists the ones
it kept, and overwrites them only when asked to reset. Pure functions: the services load the
occurrences and apply the answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

EXCEPTION_FIELDS = ("room_id", "time", "title", "attendees", "status")


@dataclass(frozen=True)
class Slot:
    """What a series says (or a person set) for one occurrence."""

    room_id: int
    start: datetime
    end: datetime
    title: str
    description: str
    attendees: int | None = None  # people expected (seat fit)


def fields_changed(old: Slot, new: Slot) -> set[str]:
    """The exception fields in which ``new`` differs from ``old``."""
    changed = set()
    if new.room_id != old.room_id:
        changed.add("room_id")
    if (new.start, new.end) != (old.start, old.end):
        changed.add("time")
    if (new.title, new.description) != (old.title, old.description):
        changed.add("title")
    if new.attendees != old.attendees:
        changed.add("attendees")
    return changed


def keeps_hand_changes(series_id: int | None, source: str | None) -> bool:
    """Whether what a person changes on a booking is an exception to keep: true of an
    occurrence of a series and of a booking an import owns (both are planned again later)."""
    return series_id is not None or source is not None


def mark(exception: Iterable[str], changed: Iterable[str]) -> list[str]:
    """The exception fields after a change by hand of ``changed``."""
    return sorted(set(exception) | set(changed))


def fields_set(*, title: bool, room: bool, time: bool, attendees: bool) -> set[str]:
    """The exception fields a series change sets (a description is part of ``title``)."""
    named = {"title": title, "room_id": room, "time": time, "attendees": attendees}
    return {field for field, asked in named.items() if asked}


def following_marks(
    exception: Iterable[str], own: Slot | None, result: Slot, moved: set[str], asked: set[str]
) -> list[str]:
    """The exception fields of an occurrence after a ``following`` change, which leaves the
    series as it is: each field the change sets (``asked``) becomes an exception where the
    result differs from the series' own value for that date (``own``), also where the
    occurrence already held it. An occurrence without a date of the series (``own`` None)
    is marked where it ``moved``."""
    unlike = fields_changed(own, result) if own is not None else moved
    return mark(exception, unlike & asked)


@dataclass(frozen=True)
class Merge:
    slot: Slot  # what the occurrence becomes
    kept: frozenset[str]  # exception fields the change would have overwritten, kept as they are
    exception: tuple[str, ...]  # its exception fields afterwards


def merge(current: Slot, wanted: Slot, exception: Iterable[str], *, reset: bool) -> Merge:
    """Apply a series-level change (``wanted``) to one occurrence (``current``): every field
    that is an exception keeps its value and is reported in ``kept``, unless ``reset``, which
    takes the series' value and clears the exception."""
    exception = set(exception)
    if reset:
        return Merge(wanted, frozenset(), ())
    would_change = fields_changed(current, wanted)
    kept = frozenset(would_change & exception)
    slot = Slot(
        room_id=current.room_id if "room_id" in kept else wanted.room_id,
        start=current.start if "time" in kept else wanted.start,
        end=current.end if "time" in kept else wanted.end,
        title=current.title if "title" in kept else wanted.title,
        description=current.description if "title" in kept else wanted.description,
        attendees=current.attendees if "attendees" in kept else wanted.attendees,
    )
    return Merge(slot, kept, tuple(sorted(exception)))


def kept_view(booking_id: int, day: date | None, kept: Iterable[str]) -> dict[str, object]:
    """How a plan or an answer names an exception it kept."""
    return {
        "booking_id": booking_id,
        "date": day.isoformat() if day else None,
        "fields": sorted(kept),
    }
