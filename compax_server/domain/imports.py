"""The timetable import diff, as pure functions: what each item of a batch is (its content and
hash, its occurrences and their rule problems), how it compares with what the source imported
before (``unchanged``, or the changed fields), and what is in its way (closures, bookings,
another item of the batch). The services load the facts and carry out the plan.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from compax_server.domain import bounds, hours, occurrences, recurrence, slots
from compax_server.domain.bookings import ACTIVE
from compax_server.errors import CompaxError


def as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass(frozen=True)
class Options:
    """How a batch meets the rules: ``override`` (staff, audited) books past opening hours,
    closures, ``bookable: false`` and the booking rules, as ``POST /bookings`` does;
    ``skip_closures`` leaves out just the dates a closure covers (reported per item) instead
    of refusing the whole series; ``priority`` bumps members' bookings in the way."""

    cancel_missing: bool = False
    priority: bool = False
    override: bool = False
    skip_closures: bool = False


@dataclass
class Window:
    day: date | None  # the occurrence date of a series; None for a single booking
    start: datetime
    end: datetime


@dataclass
class ItemPlan:
    external_id: str
    kind: str  # booking | series
    action: str
    item: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""  # a series item's (``content_hash``); "" for a booking item
    room_id: int | None = None
    owner_id: int | None = None
    windows: list[Window] = field(default_factory=list)
    existing_id: int | None = None  # booking id or series id of this source's item
    timezone: str = ""
    position: int = 0  # in the batch: of two items that meet, the later one conflicts
    changes: list[str] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    bumps: list[int] = field(default_factory=list)
    rejects: list[int] = field(default_factory=list)
    booking_ids: list[int] = field(default_factory=list)
    series_id: int | None = None
    # What a person changed on an updated item: occurrence date (None for a single booking)
    # -> (booking id, fields). Those fields stay as they are (an occurrence moved or
    # cancelled by hand is left alone entirely).
    exceptions: dict[date | None, tuple[int, list[str]]] = field(default_factory=dict)
    skipped: list[dict[str, Any]] = field(default_factory=list)  # dates left out (closures)

    @property
    def full(self) -> bool:
        """Its list of what is in its way holds ``MAX_CONFLICTS``: it takes no more."""
        return len(self.conflicts) >= MAX_CONFLICTS

    def left_alone(self) -> set[date | None]:
        """The dates of occurrences moved, retimed or cancelled by hand: an update of the
        series neither books, moves nor cancels them (a renamed one follows it, keeping its
        title)."""
        return {
            day
            for day, (_, fields) in self.exceptions.items()
            if {"room_id", "time", "status"} & set(fields)
        }

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "external_id": self.external_id,
            "kind": self.kind,
            "action": self.action,
        }
        for name in ("changes", "conflicts", "errors", "bumps", "booking_ids", "skipped"):
            value = getattr(self, name)
            if value:
                out[name if name != "bumps" else "bumped_booking_ids"] = value
        if self.series_id is not None:
            out["series_id"] = self.series_id
        if self.windows and self.action in ("create", "update"):
            out["occurrences"] = len(self.windows)
        if self.exceptions and self.action == "update":
            out["exceptions_kept"] = [
                occurrences.kept_view(booking_id, day, fields)
                for day, (booking_id, fields) in sorted(
                    self.exceptions.items(), key=lambda e: e[0] or date.min
                )
            ]
        return out


# An occurrence of an item in one room: its start, its end and its item.
Span = tuple[datetime, datetime, ItemPlan]

MAX_CONFLICTS = 20
"""What an item lists as in its way (bookings, other items of the batch), at most: it
conflicts either way, and a list of thousands helps nobody (and made the plan of a batch
all at one hour quadratic)."""

# What a series item's content hash covers. A single booking's item has no hash: it is
# compared field by field with the booking (``changed_fields``), which keeps the fields a
# person changed by hand.
CONTENT_FIELDS = (
    "room",
    "title",
    "description",
    "owner",
    "start_date",
    "start_time",
    "duration_minutes",
    "recurrence",
    "excluded_dates",
    "skip_holidays",
)


def content(item: dict[str, Any]) -> dict[str, Any]:
    """A series item's fields that its content hash covers."""
    out = {k: item.get(k) for k in CONTENT_FIELDS}
    if out["owner"]:  # emails are matched without case: a change of case changes nothing
        out["owner"] = out["owner"].strip().casefold()
    # A head count is content only when given: an item without one hashes as it did before
    # items had it, so a source's next run after an upgrade is not all updates.
    if item.get("attendees") is not None:
        out["attendees"] = item["attendees"]
    return out


def content_hash(item: dict[str, Any]) -> str:
    raw = json.dumps(content(item), sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def expand(
    p: ItemPlan,
    building: dict[str, Any],
    terms: dict[int, dict[str, Any]],
    *,
    check_hours: bool,
    override: bool,
    max_length: timedelta,
) -> None:
    """The item's occurrences (UTC), and the rule problems of each."""
    item = p.item
    tz = hours.zone(building["timezone"])
    p.timezone = building["timezone"]
    if p.kind == "booking":
        try:  # the range and the length limits of any booking, before anything walks it
            start, end = bounds.check_window(
                item["start"], item["end"], max_length=max_length, override=override
            )
        except CompaxError as exc:  # each error of check_window points at its field
            field_ = exc.extra["errors"][0]["pointer"].removeprefix("/")
            p.errors.append({"field": field_, "detail": exc.detail})
            return
        p.windows = [Window(None, start, end)]
    else:
        try:
            bounds.check_date(item["start_date"], "start_date")
        except CompaxError as exc:
            p.errors.append({"field": "start_date", "detail": exc.detail})
            return
        rule = dict(item["recurrence"])
        ends = [k for k in ("until", "count", "term_id") if rule.get(k) is not None]
        if len(ends) != 1:
            p.errors.append(
                {"field": "recurrence", "detail": "give exactly one of until, count or term_id"}
            )
            return
        until = as_date(rule["until"]) if rule.get("until") else None
        start_date = item["start_date"]
        holidays: set[date] = set()
        if rule.get("term_id") is not None:
            term = terms.get(rule["term_id"])
            if term is None:
                p.errors.append(
                    {
                        "field": "recurrence.term_id",
                        "detail": f"term {rule['term_id']} does not exist",
                    }
                )
                return
            start_date = max(start_date, term["start_date"])
            until = term["end_date"]
            holidays = term["holidays"] if item.get("skip_holidays", True) else set()
        try:
            expansion = recurrence.expand(
                rule,
                start_date=start_date,
                until=until,
                count=rule.get("count"),
                start_time=recurrence.parse_time(item["start_time"]),
                duration=timedelta(minutes=item["duration_minutes"]),
                tz=tz,
                excluded={as_date(d) for d in item.get("excluded_dates") or []},
                added=set(),
                holidays=holidays,
            )
        except CompaxError as exc:  # the recurrence's own 400/422, on the field it names
            named = [e["pointer"] for e in exc.extra.get("errors", []) if e.get("pointer")]
            field_ = named[0].removeprefix("/").replace("/", ".") if named else "recurrence"
            detail = exc.detail.removeprefix(f"{field_}: ")
            p.errors.append({"field": field_, "detail": detail})
            return
        except Exception as exc:  # not ours: one odd item must not fail the whole import
            p.errors.append({"field": "recurrence", "detail": str(exc)})
            return
        p.windows = [Window(o.date, o.start, o.end) for o in expansion.occurrences]
        if not p.windows:
            p.errors.append({"field": "recurrence", "detail": "the series has no occurrence"})
            return
    if not check_hours:
        return
    opening = slots.OpeningHours(building["opening_hours"], building["timezone"])
    for w in p.windows:
        if not opening.cover(w.start, w.end):
            problem = slots.outside_hours(building["code"], building["opening_hours"])
            p.errors.append({"date": (w.day or w.start.date()).isoformat(), **problem})
            break


def unchanged(p: ItemPlan, existing: dict[str, Any]) -> bool:
    """Whether the source's stored item (decoded, as ``db.imports`` reads it) is this one."""
    if p.kind == "series":
        return bool(existing["status"] == "active" and existing["content_hash"] == p.content_hash)
    return changed_fields(p, existing) == []


def changed_fields(p: ItemPlan, existing: dict[str, Any]) -> list[str]:
    """The fields of the item that differ from what the source imported before. For a single
    booking, those changed by hand (its ``exception_fields``) do not count: they stay, and
    one cancelled by hand is left alone entirely."""
    if p.kind == "series":
        item = p.item
        stored = {
            "room": existing["room_id"] == p.room_id,
            "owner": existing["owner_id"] == p.owner_id,
            "title": existing["title"] == item["title"],
            "description": existing["description"] == (item.get("description") or ""),
            "start_time": existing["start_time"] == item["start_time"],
            "duration_minutes": existing["duration_minutes"] == item["duration_minutes"],
            "attendees": existing["attendees"] == item.get("attendees"),
            "recurrence": existing["rule"] == recurrence.check_rule(item["recurrence"]),
            "excluded_dates": existing["excluded_dates"]
            == sorted(str(d) for d in item.get("excluded_dates") or []),
            "skip_holidays": bool(existing["skip_holidays"]) == item.get("skip_holidays", True),
            "status": existing["status"] == "active",
        }
        changed = [name for name, same in stored.items() if not same]
        return changed or ["start_date"]  # the one field a series does not keep
    if "status" in existing["exception_fields"]:
        return []
    old, new = _stored(existing), _as_booked(p, existing)
    differs = {
        "room": old.room_id != new.room_id,
        "owner": existing["owner_id"] != p.owner_id,
        "title": old.title != new.title,
        "description": old.description != new.description,
        "attendees": old.attendees != new.attendees,
        "start": old.start != new.start,
        "end": old.end != new.end,
        "status": existing["status"] not in ACTIVE,
    }
    return [name for name, differ in differs.items() if differ]


def _stored(existing: dict[str, Any]) -> occurrences.Slot:
    """A single booking of the source as it is stored."""
    return occurrences.Slot(
        existing["room_id"],
        existing["start"],
        existing["end"],
        existing["title"],
        existing["description"],
        existing["attendees"],
    )


def _as_booked(p: ItemPlan, existing: dict[str, Any]) -> occurrences.Slot:
    """What a single booking of the source becomes: the item, except the fields a person
    changed (its ``exception_fields``), which keep their values, as on an occurrence."""
    assert p.room_id is not None
    item = p.item
    wanted = occurrences.Slot(
        p.room_id,
        hours.utc(item["start"]),
        hours.utc(item["end"]),
        item["title"],
        item.get("description") or "",
        item.get("attendees"),
    )
    return occurrences.merge(
        _stored(existing), wanted, existing["exception_fields"], reset=False
    ).slot


def keep_hand_changes(p: ItemPlan, existing: dict[str, Any]) -> None:
    """An update of a single booking changed by hand keeps the fields changed: ``room_id``,
    ``windows`` and the item's title, description and head count become what the booking
    will be (``_as_booked``; what ``import_apply`` writes), and the plan lists the fields
    kept."""
    by_hand = existing["exception_fields"]
    if not by_hand or not p.windows:
        return
    slot = _as_booked(p, existing)
    p.room_id, p.windows = slot.room_id, [Window(None, slot.start, slot.end)]
    p.item = p.item | {
        "title": slot.title,
        "description": slot.description,
        "attendees": slot.attendees,
    }
    p.exceptions[None] = (existing["id"], sorted(by_hand))


def meet_closures(
    spans: list[Span],
    closed: list[tuple[datetime, datetime, dict[str, Any]]],
    *,
    skip: bool,
) -> list[Span]:
    """Windows that meet a closure: an error of their item, or with ``skip`` (series only)
    a date left out and reported. Returns the windows still to book."""
    if not closed:
        return spans
    kept = []
    for start, end, p in spans:
        hit = next((c for s, e, c in closed if s < end and start < e), None)
        if hit is None:
            kept.append((start, end, p))
            continue
        day = next((w.day for w in p.windows if w.start == start), None) or start.date()
        problem = slots.closed(hit)
        if skip and p.kind == "series":
            p.windows = [w for w in p.windows if w.start != start]
            del problem["rule"]
            p.skipped.append({"reason": "closure", "date": day.isoformat(), **problem})
        else:
            p.errors.append({"date": day.isoformat(), **problem})
            kept.append((start, end, p))
    return kept


def sweep(
    spans: list[Span],
    existing: list[tuple[datetime, datetime, dict[str, Any]]],
    priority: bool,
) -> None:
    """Both lists sorted by start: walk them together (bounded by the longest existing one)."""
    longest = max((e - s for s, e, _ in existing), default=timedelta(0))
    j = 0
    for start, end, p in spans:
        while j < len(existing) and existing[j][0] < start - longest:
            j += 1
        k = j
        while k < len(existing) and existing[k][0] < end:
            s, e, row = existing[k]
            if s < end and start < e:
                _meet(p, row, priority)
            k += 1


def _meet(p: ItemPlan, row: dict[str, Any], priority: bool) -> None:
    if row["status"] == "pending":
        if row["id"] not in p.rejects:
            p.rejects.append(row["id"])
        return
    bumpable = row["status"] == "confirmed" and row["series_id"] is None  # a hold is not
    if priority and row["role"] == "member" and bumpable:
        if row["id"] not in p.bumps:
            p.bumps.append(row["id"])
        return
    if not p.full and not any(c.get("id") == row["id"] for c in p.conflicts):
        p.conflicts.append(
            {
                "id": row["id"],
                "start": row["start"].isoformat(),
                "end": row["end"].isoformat(),
                "title": row["title"],
                "owner_id": row["owner_id"],
            }
        )


def batch_overlaps(spans: list[Span]) -> None:
    """Two items of the batch in one room at once: the later one in the batch conflicts.

    ``spans`` sorted by start. One walk, with the spans still running kept by their items'
    places in the batch: a span takes its notes from the earliest items running (at most
    ``MAX_CONFLICTS``), and gives one to each later item running that can still take one.
    An item stops being looked at once its list is full, so a batch of 20 000 items all at
    one hour costs 20 000 x ``MAX_CONFLICTS`` steps, not 20 000 squared (which took the
    worker minutes and gigabytes)."""
    ends: list[tuple[datetime, int]] = []  # running spans by end: (end, span number)
    running: list[tuple[int, int]] = []  # running spans by (item position, span number)
    open_: list[tuple[int, int]] = []  # the same, of items whose list is not full
    item_of: dict[int, ItemPlan] = {}
    for number, (start, end, p) in enumerate(spans):
        while ends and ends[0][0] <= start:
            _, gone = heapq.heappop(ends)
            key = (item_of.pop(gone).position, gone)
            del running[bisect.bisect_left(running, key)]
            at = bisect.bisect_left(open_, key)
            if at < len(open_) and open_[at] == key:
                del open_[at]
        here, when = (p.position, number), start.isoformat()
        for _, other in islice(running, bisect.bisect_left(running, (p.position, -1))):
            if p.full:
                break
            _batch_note(p, item_of[other], when)
        first_later = bisect.bisect_right(open_, (p.position, len(spans)))
        full = []
        for key in open_[first_later:]:
            later = item_of[key[1]]
            if not later.full:
                _batch_note(later, p, when)
            if later.full:
                full.append(key)
        for key in full:
            del open_[bisect.bisect_left(open_, key)]
        item_of[number] = p
        heapq.heappush(ends, (end, number))
        bisect.insort(running, here)
        if not p.full:
            bisect.insort(open_, here)


def _batch_note(later: ItemPlan, earlier: ItemPlan, start: str) -> None:
    if later is earlier:
        return
    note = {
        "external_id": earlier.external_id,
        "start": start,
        "detail": "another item of this batch",
    }
    if note not in later.conflicts:
        later.conflicts.append(note)


def summarize(plans: list[ItemPlan]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for p in plans:
        counts[p.action] += 1
    counts["occurrences"] = sum(len(p.windows) for p in plans if p.action in ("create", "update"))
    counts["bumped"] = sum(len(p.bumps) for p in plans)
    return dict(counts)
