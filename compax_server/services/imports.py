"""Timetable imports: a source's whole schedule, planned item by item, then applied in one
transaction. Re-running the same batch changes nothing.

Each item has a stable ``external_id`` within its ``source`` and is a single booking or a
series (room by code, owner by email). The plan says per item: ``create``, ``update`` (with the
changed fields), ``unchanged`` (same content hash), ``cancel`` (items of this source missing
from the batch, with ``cancel_missing``), ``conflict`` (with the bookings in the way, or the
other item of the batch) or ``invalid`` (with the reasons).

``apply`` recomputes the plan inside one transaction that holds the lock of every room
involved, then, ``atomic`` (default), applies all of it or nothing, or, ``partial``, applies
what is valid and reports the rest. A room swap moves the occurrences to the new room in
place, checked first, so a lecture is never left without a room. With ``priority`` (staff
must ask for it), members' bookings in the way are cancelled ("bumped") and reported.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from compax_server import db, runtime
from compax_server.db import sql
from compax_server.db.bookings import (
    Status,
    copy_occurrences,
    exceptions_of,
    insert_booking,
    lock_rooms,
    set_status,
)
from compax_server.db.series import ImportBatch
from compax_server.domain import bounds, hours, occurrences, recurrence
from compax_server.errors import CompaxError, Conflict, Forbidden, InvalidInput, NotFound
from compax_server.services import audit, rules, search, writes
from compax_server.services.actors import Actor, Scope, require_scope, require_staff

MAX_ITEMS = 20_000
MAX_OCCURRENCES = 200_000
ACTIVE = ("pending", "confirmed")


class ImportRejected(Conflict):
    code, title = "import_rejected", "The import was not applied"


# -- the plan ---------------------------------------------------------------------------------


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
    content_hash: str = ""
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
    # Occurrences of an updated series changed by hand: date -> (booking id, fields). Their
    # changed fields stay as they are (a moved or cancelled one is left alone entirely).
    exceptions: dict[date, tuple[int, list[str]]] = field(default_factory=dict)
    skipped: list[dict[str, Any]] = field(default_factory=list)  # dates left out (closures)

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
                for day, (booking_id, fields) in sorted(self.exceptions.items())
            ]
        return out


CONTENT_FIELDS = {
    "booking": ("room", "title", "description", "owner", "start", "end"),
    "series": (
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
    ),
}


def content(item: dict[str, Any]) -> dict[str, Any]:
    out = {k: item.get(k) for k in CONTENT_FIELDS[item["kind"]]}
    if out["owner"]:  # emails are matched without case: a change of case changes nothing
        out["owner"] = out["owner"].strip().casefold()
    return out


def content_hash(item: dict[str, Any]) -> str:
    raw = json.dumps(content(item), sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class Context:
    rooms: dict[str, dict[str, Any]]
    users: dict[str, int]
    buildings: dict[int, dict[str, Any]]
    terms: dict[int, dict[str, Any]]
    existing_series: dict[str, dict[str, Any]]
    existing_bookings: dict[str, dict[str, Any]]


async def _context(source: str, items: list[dict[str, Any]]) -> Context:
    codes = sorted({i["room"] for i in items})
    emails = sorted({i["owner"].strip().casefold() for i in items if i.get("owner")})
    rooms: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(codes):
        marks = ", ".join("?" for _ in chunk)
        for r in await sql.fetch(
            "SELECT id, code, building_id, bookable FROM rooms "
            f"WHERE deleted_at IS NULL AND code IN ({marks})",
            *chunk,
        ):
            rooms[r["code"]] = r
    users: dict[str, int] = {}
    for chunk in _chunks(emails):
        marks = ", ".join("?" for _ in chunk)
        for u in await sql.fetch(
            f"SELECT id, email FROM users WHERE is_active = ? AND email IN ({marks})", True, *chunk
        ):
            users[u["email"]] = u["id"]
    buildings = {b["id"]: b for b in await search.all_buildings()}
    terms = {}
    for t in await sql.fetch("SELECT id, start_date, end_date, holidays FROM terms"):
        t["holidays"] = recurrence.holiday_dates(sql.decode_json(t["holidays"]))
        t["start_date"] = _as_date(t["start_date"])
        t["end_date"] = _as_date(t["end_date"])
        terms[t["id"]] = t
    existing_series = {
        s["external_id"]: s
        for s in await sql.fetch(
            """SELECT id, external_id, content_hash, room_id, owner_id, title, description, rule,
                      start_time, duration_minutes, skip_holidays, excluded_dates, status
               FROM series WHERE source = ?""",
            source,
        )
    }
    existing_bookings = {
        b["external_id"]: b
        for b in await sql.fetch(
            """SELECT id, external_id, room_id, owner_id, title, description, "start", "end", status
               FROM bookings WHERE source = ? AND series_id IS NULL""",
            source,
        )
    }
    return Context(rooms, users, buildings, terms, existing_series, existing_bookings)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _chunks(values: list[Any], size: int = 500) -> list[list[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _expand(
    ctx: Context,
    p: ItemPlan,
    room: dict[str, Any],
    *,
    check_hours: bool,
    override: bool,
    max_length: timedelta,
) -> None:
    """The item's occurrences (UTC), and the rule problems of each."""
    item = p.item
    building = ctx.buildings[room["building_id"]]
    tz = hours.zone(building["timezone"])
    p.timezone = building["timezone"]
    if p.kind == "booking":
        try:  # the range and the length limits of any booking, before anything walks it
            start, end = bounds.check_window(
                item["start"], item["end"], max_length=max_length, override=override
            )
        except CompaxError as exc:
            p.errors.append({"field": "end", "detail": exc.detail})
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
        until = _as_date(rule["until"]) if rule.get("until") else None
        start_date = item["start_date"]
        holidays: set[date] = set()
        if rule.get("term_id") is not None:
            term = ctx.terms.get(rule["term_id"])
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
                excluded={_as_date(d) for d in item.get("excluded_dates") or []},
                added=set(),
                holidays=holidays,
            )
        except Exception as exc:  # the recurrence's own 400/422, reported per item
            p.errors.append({"field": "recurrence", "detail": getattr(exc, "detail", str(exc))})
            return
        p.windows = [Window(o.date, o.start, o.end) for o in expansion.occurrences]
        if not p.windows:
            p.errors.append({"field": "recurrence", "detail": "the series has no occurrence"})
            return
    if not check_hours:
        return
    opening = building["opening_hours"]
    known: dict[tuple[int, time, time], bool] = {}  # weekly series repeat the same question
    for w in p.windows:
        local_start, local_end = w.start.astimezone(tz), w.end.astimezone(tz)
        if local_start.date() == local_end.date():  # answered on the wall clock
            key = (local_start.weekday(), local_start.time(), local_end.time())
            if key not in known:
                known[key] = hours.within_wall_hours(
                    opening, local_start.date(), local_start.time(), local_end.time()
                )
            inside = known[key]
        else:
            inside = hours.within_opening_hours(opening, tz, w.start, w.end)
        if not inside:
            p.errors.append(
                {
                    "rule": "outside_opening_hours",
                    "date": (w.day or w.start.date()).isoformat(),
                    "detail": f"{building['code']} is not open for the whole of that time",
                }
            )
            break


async def plan_items(
    actor: Actor, source: str, items: list[dict[str, Any]], options: Options
) -> list[ItemPlan]:
    ctx = await _context(source, items)
    plans: list[ItemPlan] = []
    seen: set[str] = set()
    for item in items:
        p = ItemPlan(item["external_id"], item["kind"], "create", item=item, position=len(plans))
        plans.append(p)
        if item["external_id"] in seen:
            p.action = "invalid"
            p.errors.append({"field": "external_id", "detail": "appears twice in the batch"})
            continue
        seen.add(item["external_id"])
        p.content_hash = content_hash(item)
        room = ctx.rooms.get(item["room"])
        if room is None:
            p.errors.append({"field": "room", "detail": f"there is no room {item['room']}"})
        owner = actor.user_id
        if item.get("owner"):
            email = item["owner"].strip().casefold()
            if email not in ctx.users:
                p.errors.append(
                    {"field": "owner", "detail": f"there is no active user {item['owner']}"}
                )
            else:
                owner = ctx.users[email]
        p.owner_id = owner
        if room is not None and not room["bookable"] and not options.override:
            p.errors.append(
                {"rule": "room_not_bookable", "detail": f"room {item['room']} is not bookable"}
            )
        if p.errors or room is None:
            p.action = "invalid"
            continue
        p.room_id = room["id"]
        existing: dict[str, Any] | None
        if p.kind == "series":
            existing = ctx.existing_series.get(p.external_id)
            other = ctx.existing_bookings.get(p.external_id)
        else:
            existing = ctx.existing_bookings.get(p.external_id)
            other = ctx.existing_series.get(p.external_id)
        if other is not None:
            p.action = "invalid"
            p.errors.append(
                {
                    "field": "kind",
                    "detail": f"{p.external_id} was imported as a {'series' if p.kind == 'booking' else 'booking'}",  # noqa: E501
                }
            )
            continue
        if existing is not None:
            p.existing_id = existing["id"]
            if _unchanged(p, existing):
                p.action = "unchanged"
                continue
            p.action = "update"
            p.changes = _changed_fields(p, existing)
        _expand(
            ctx,
            p,
            room,
            check_hours=not options.override,
            override=options.override,
            max_length=timedelta(hours=runtime.settings().max_booking_hours),
        )
        if not options.override and not p.errors:
            await _check_limits(p, room)
        if p.errors:
            p.action = "invalid"
    await _keep_exceptions([p for p in plans if p.action == "update" and p.kind == "series"])
    if options.cancel_missing:
        for ext, s in ctx.existing_series.items():
            if ext not in seen and s["status"] == "active":
                plans.append(
                    ItemPlan(ext, "series", "cancel", existing_id=s["id"], room_id=s["room_id"])
                )
        for ext, b in ctx.existing_bookings.items():
            if ext not in seen and b["status"] in ACTIVE:
                plans.append(
                    ItemPlan(ext, "booking", "cancel", existing_id=b["id"], room_id=b["room_id"])
                )
    await _find_conflicts(actor, plans, options)
    return plans


async def _check_limits(p: ItemPlan, room: dict[str, Any]) -> None:
    """The booking rules (duration, horizon, notice) bind imports as they bind
    ``POST /bookings`` for the same user; ``override`` lifts them."""
    limits = await rules.limits_for(room["id"], room["building_id"])
    if limits.empty:
        return
    now = datetime.now(UTC)
    for w in p.windows:
        for problem in rules.time_violations(limits, w.start, w.end, now):
            p.errors.append({"date": (w.day or w.start.date()).isoformat(), **problem})
            return


async def _keep_exceptions(plans: list[ItemPlan]) -> None:
    """Find the occurrences of the updated series that a person changed, and take the
    moved, retimed and cancelled ones out of the windows to book: an import never undoes a
    change made by hand (a renamed one still moves with the series, keeping its title)."""
    if not plans:
        return
    by_series = {p.existing_id: p for p in plans}
    days = {p.existing_id: {w.day for w in p.windows} for p in plans}
    for row in await exceptions_of([sid for sid in by_series if sid is not None]):
        day = _as_date(row["occurrence_date"])
        if day in days[row["series_id"]]:  # a date the timetable dropped is cancelled anyway
            p = by_series[row["series_id"]]
            p.exceptions[day] = (row["id"], row["exception_fields"])
    for p in plans:
        left_alone = {
            day
            for day, (_, fields) in p.exceptions.items()
            if {"room_id", "time", "status"} & set(fields)
        }
        p.windows = [w for w in p.windows if w.day not in left_alone]


def _unchanged(p: ItemPlan, existing: dict[str, Any]) -> bool:
    if p.kind == "series":
        return bool(existing["status"] == "active" and existing["content_hash"] == p.content_hash)
    return existing["status"] in ACTIVE and _changed_fields(p, existing) == []


def _changed_fields(p: ItemPlan, existing: dict[str, Any]) -> list[str]:
    item = p.item
    changed = []
    if p.kind == "series":
        stored = {
            "room": existing["room_id"] == p.room_id,
            "owner": existing["owner_id"] == p.owner_id,
            "title": existing["title"] == item["title"],
            "description": existing["description"] == (item.get("description") or ""),
            "start_time": existing["start_time"] == item["start_time"],
            "duration_minutes": existing["duration_minutes"] == item["duration_minutes"],
            "recurrence": sql.decode_json(existing["rule"])
            == recurrence.check_rule(item["recurrence"]),
            "excluded_dates": sql.decode_json(existing["excluded_dates"])
            == sorted(str(d) for d in item.get("excluded_dates") or []),
            "skip_holidays": bool(existing["skip_holidays"]) == item.get("skip_holidays", True),
            "status": existing["status"] == "active",
        }
        changed = [name for name, same in stored.items() if not same]
        return changed or ["start_date"]  # the one field a series does not keep
    if existing["room_id"] != p.room_id:
        changed.append("room")
    if existing["owner_id"] != p.owner_id:
        changed.append("owner")
    if existing["title"] != item["title"]:
        changed.append("title")
    if existing["description"] != (item.get("description") or ""):
        changed.append("description")
    if sql.decode_time(existing["start"]) != hours.utc(item["start"]):
        changed.append("start")
    if sql.decode_time(existing["end"]) != hours.utc(item["end"]):
        changed.append("end")
    if existing["status"] not in ACTIVE:
        changed.append("status")
    return changed


async def _find_conflicts(actor: Actor, plans: list[ItemPlan], options: Options) -> None:
    """Mark items whose occurrences meet a confirmed booking (or a closure, or another item
    of the batch). Bookings of items this batch updates or cancels are not in the way."""
    targets = [p for p in plans if p.action in ("create", "update")]
    if not targets:
        return
    freed_series = {
        p.existing_id for p in plans if p.kind == "series" and p.action in ("update", "cancel")
    }
    freed_bookings = {
        p.existing_id for p in plans if p.kind == "booking" and p.action in ("update", "cancel")
    }
    by_room: dict[int, list[tuple[datetime, datetime, ItemPlan]]] = defaultdict(list)
    for p in targets:
        assert p.room_id is not None
        for w in p.windows:
            by_room[p.room_id].append((w.start, w.end, p))
    for room_id, spans in by_room.items():
        spans.sort(key=lambda s: s[0])
        first, last = spans[0][0], max(s[1] for s in spans)
        rows = await sql.fetch(
            """SELECT b.id, b.owner_id, b."start", b."end", b.status, b.title, b.series_id, u.role
               FROM bookings b JOIN users u ON u.id = b.owner_id
               WHERE b.room_id = ? AND b.status IN ('pending', 'confirmed')
                 AND b."start" < ? AND b."end" > ?
               ORDER BY b."start" """,
            room_id,
            last,
            first,
        )
        existing = [
            (sql.decode_time(r["start"]), sql.decode_time(r["end"]), r)
            for r in rows
            if r["series_id"] not in freed_series and r["id"] not in freed_bookings
        ]
        closures = await sql.fetch(
            """SELECT c.id, c."start", c."end", c.reason
               FROM closures c JOIN rooms r ON r.building_id = c.building_id
               WHERE r.id = ? AND (c.room_id IS NULL OR c.room_id = ?)
                 AND c."start" < ? AND c."end" > ?""",
            room_id,
            room_id,
            last,
            first,
        )
        closed = [(sql.decode_time(c["start"]), sql.decode_time(c["end"]), c) for c in closures]
        if not options.override:
            spans = _meet_closures(spans, closed, skip=options.skip_closures)
        _sweep(actor, spans, existing, options.priority)
        _batch_overlaps(spans)
    for p in targets:
        if p.errors:
            p.action = "invalid"
        elif p.conflicts:
            p.action = "conflict"


def _meet_closures(
    spans: list[tuple[datetime, datetime, ItemPlan]],
    closed: list[tuple[datetime, datetime, dict[str, Any]]],
    *,
    skip: bool,
) -> list[tuple[datetime, datetime, ItemPlan]]:
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
        note = {
            "date": day.isoformat(),
            "closure_id": hit["id"],
            "detail": f"closed: {hit['reason']}",
        }
        if skip and p.kind == "series":
            p.windows = [w for w in p.windows if w.start != start]
            p.skipped.append({"reason": "closure", **note})
        else:
            p.errors.append({"rule": "closure", **note})
            kept.append((start, end, p))
    return kept


def _sweep(
    actor: Actor,
    spans: list[tuple[datetime, datetime, ItemPlan]],
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
                _meet(actor, p, row, priority)
            k += 1


def _meet(actor: Actor, p: ItemPlan, row: dict[str, Any], priority: bool) -> None:
    if row["status"] == "pending":
        if row["id"] not in p.rejects:
            p.rejects.append(row["id"])
        return
    if priority and row["role"] == "member" and row["series_id"] is None:
        if row["id"] not in p.bumps:
            p.bumps.append(row["id"])
        return
    if not any(c.get("id") == row["id"] for c in p.conflicts):
        p.conflicts.append(
            {
                "id": row["id"],
                "start": sql.decode_time(row["start"]).isoformat(),
                "end": sql.decode_time(row["end"]).isoformat(),
                "title": row["title"],
                "owner_id": row["owner_id"],
            }
        )


def _batch_overlaps(spans: list[tuple[datetime, datetime, ItemPlan]]) -> None:
    """Two items of the batch in one room at once: the later one in the batch conflicts."""
    active: list[tuple[datetime, ItemPlan]] = []
    for start, end, p in spans:
        active = [(e, q) for e, q in active if e > start]
        for _, q in active:
            if q is not p:
                later, earlier = (p, q) if p.position > q.position else (q, p)
                note = {
                    "external_id": earlier.external_id,
                    "start": start.isoformat(),
                    "detail": "another item of this batch",
                }
                if note not in later.conflicts:
                    later.conflicts.append(note)
        active.append((end, p))


def summarize(plans: list[ItemPlan]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for p in plans:
        counts[p.action] += 1
    counts["occurrences"] = sum(len(p.windows) for p in plans if p.action in ("create", "update"))
    counts["bumped"] = sum(len(p.bumps) for p in plans)
    return dict(counts)


# -- applying ---------------------------------------------------------------------------------


async def _apply(actor: Actor, source: str, plans: list[ItemPlan]) -> None:
    """Carry out the create/update/cancel items (the others are left as they are)."""
    now = datetime.now(UTC)
    events: list[tuple[str, str, int | None, dict[str, Any] | None, dict[str, Any] | None]] = []
    bumped: set[int] = set()
    for p in plans:
        for bid in p.bumps:
            if bid not in bumped:
                bumped.add(bid)
                await set_status(
                    [bid],
                    Status.cancelled,
                    f"bumped by the {source} timetable ({p.external_id})",
                    only_from=(Status.confirmed,),
                )
                events.append(
                    (
                        "booking.cancel",
                        "booking",
                        bid,
                        {"status": "confirmed"},
                        {"status": "cancelled", "reason": "bumped", "source": source},
                    )
                )
    for p in plans:
        if p.action == "cancel":
            await _cancel(p, source, now)
            events.append(
                (
                    f"import.cancel.{p.kind}",
                    p.kind,
                    p.existing_id,
                    None,
                    {"source": source, "external_id": p.external_id},
                )
            )
    new_series = [p for p in plans if p.action == "create" and p.kind == "series"]
    if new_series:
        await _insert_series(actor, source, new_series)
    occurrence_rows: list[dict[str, Any]] = []
    for p in plans:
        if p.action not in ("create", "update"):
            continue
        if p.kind == "booking":
            if p.action == "create":
                assert p.room_id is not None and p.owner_id is not None
                booking = await insert_booking(
                    room_id=p.room_id,
                    owner_id=p.owner_id,
                    title=p.item["title"],
                    description=p.item.get("description") or "",
                    start=p.windows[0].start,
                    end=p.windows[0].end,
                    status=Status.confirmed,
                    created_by_id=actor.user_id,
                    source=source,
                    external_id=p.external_id,
                )
                p.booking_ids = [booking.pk]
            else:
                w = p.windows[0]
                await sql.execute(
                    """UPDATE bookings SET room_id = ?, owner_id = ?, title = ?, description = ?,
                           "start" = ?, "end" = ?, status = 'confirmed', version = version + 1,
                           updated_at = ?
                       WHERE id = ?""",
                    p.room_id,
                    p.owner_id,
                    p.item["title"],
                    p.item.get("description") or "",
                    w.start,
                    w.end,
                    now,
                    p.existing_id,
                )
                p.booking_ids = [p.existing_id] if p.existing_id else []
        elif p.action == "update":
            await _update_series(actor, source, p, now, occurrence_rows)
        else:
            occurrence_rows += _occurrences_of(p)
        events.append(
            (
                f"import.{p.action}.{p.kind}",
                p.kind,
                p.series_id or (p.booking_ids[0] if p.booking_ids else p.existing_id),
                None,
                {"source": source, "external_id": p.external_id, "changes": p.changes or None},
            )
        )
    await copy_occurrences(occurrence_rows, created_by_id=actor.user_id)
    rejects = sorted({r for p in plans for r in p.rejects})
    await set_status(
        rejects,
        Status.rejected,
        f"the room is taken by the {source} timetable",
        only_from=(Status.pending,),
    )
    events += [
        ("booking.auto_reject", "booking", rid, {"status": "pending"}, {"status": "rejected"})
        for rid in rejects
    ]
    await audit.record_many(actor, events)


def _occurrences_of(p: ItemPlan) -> list[dict[str, Any]]:
    return [
        {
            "room_id": p.room_id,
            "owner_id": p.owner_id,
            "title": p.item["title"],
            "description": p.item.get("description") or "",
            "start": w.start,
            "end": w.end,
            "status": Status.confirmed,
            "series_id": p.series_id,
            "occurrence_date": w.day,
        }
        for w in p.windows
    ]


async def _insert_series(actor: Actor, source: str, plans: list[ItemPlan]) -> None:
    now = datetime.now(UTC)
    json_cast = "?::jsonb" if db.dialect() == "postgres" else "?"
    for chunk in _chunks(plans, 300):
        values, params = [], []
        for p in chunk:
            item = p.item
            rule = recurrence.check_rule(item["recurrence"])
            values.append(
                f"(?, ?, ?, ?, {json_cast}, ?, ?, ?, ?, {json_cast}, {json_cast}, 'active', "
                "?, ?, ?, 1, ?, ?, ?)"
            )
            params += [
                p.room_id,
                p.owner_id,
                item["title"],
                item.get("description") or "",
                json.dumps(rule),
                item["start_time"],
                item["duration_minutes"],
                p.timezone,
                bool(item.get("skip_holidays", True)),
                json.dumps(sorted(str(d) for d in item.get("excluded_dates") or [])),
                json.dumps([]),
                source,
                p.external_id,
                p.content_hash,
                actor.user_id,
                now,
                now,
            ]
        rows = await sql.fetch(
            f"""INSERT INTO series (room_id, owner_id, title, description, rule, start_time,
                   duration_minutes, timezone, skip_holidays, excluded_dates, added_dates, status,
                   source, external_id, content_hash, version, created_by_id, created_at,
                   updated_at)
                VALUES {", ".join(values)} RETURNING id, external_id""",
            *params,
        )
        ids = {r["external_id"]: r["id"] for r in rows}
        for p in chunk:
            p.series_id = ids[p.external_id]


async def _update_series(
    actor: Actor, source: str, p: ItemPlan, now: datetime, new_rows: list[dict[str, Any]]
) -> None:
    """Match the series' occurrences by date: move the ones that remain (in place, also to a
    new room), cancel the dates that went away, add the new dates."""
    assert p.existing_id is not None
    p.series_id = p.existing_id
    item = p.item
    rule = recurrence.check_rule(item["recurrence"])
    json_cast = "?::jsonb" if db.dialect() == "postgres" else "?"
    await sql.execute(
        f"""UPDATE series SET room_id = ?, owner_id = ?, title = ?, description = ?,
               rule = {json_cast}, start_time = ?, duration_minutes = ?, timezone = ?,
               skip_holidays = ?, excluded_dates = {json_cast}, status = 'active', content_hash = ?,
               version = version + 1, updated_at = ?
           WHERE id = ?""",
        p.room_id,
        p.owner_id,
        item["title"],
        item.get("description") or "",
        json.dumps(rule),
        item["start_time"],
        item["duration_minutes"],
        p.timezone,
        bool(item.get("skip_holidays", True)),
        json.dumps(sorted(str(d) for d in item.get("excluded_dates") or [])),
        p.content_hash,
        now,
        p.existing_id,
    )
    current = await sql.fetch(
        """SELECT id, occurrence_date, room_id, "start", "end", title, owner_id FROM bookings
           WHERE series_id = ? AND status IN ('pending', 'confirmed')""",
        p.existing_id,
    )
    by_day = {
        _as_date(r["occurrence_date"]): r for r in current if r["occurrence_date"] is not None
    }
    wanted = {w.day: w for w in p.windows if w.day is not None}
    renamed = {day for day, (_, fields) in p.exceptions.items() if "title" in fields}
    await set_status(
        [row["id"] for day, row in by_day.items() if day not in wanted and day not in p.exceptions],
        Status.cancelled,
        f"removed from the {source} timetable",
        only_from=(Status.pending, Status.confirmed),
    )
    for day, w in wanted.items():
        found = by_day.get(day)
        if found is None:
            new_rows.append(
                {
                    "room_id": p.room_id,
                    "owner_id": p.owner_id,
                    "title": item["title"],
                    "description": item.get("description") or "",
                    "start": w.start,
                    "end": w.end,
                    "status": Status.confirmed,
                    "series_id": p.existing_id,
                    "occurrence_date": day,
                }
            )
        elif (
            found["room_id"] != p.room_id
            or sql.decode_time(found["start"]) != w.start
            or sql.decode_time(found["end"]) != w.end
            or (found["title"] != item["title"] and day not in renamed)
            or found["owner_id"] != p.owner_id
        ):
            await sql.execute(
                """UPDATE bookings SET room_id = ?, owner_id = ?, title = ?, "start" = ?, "end" = ?,
                       status = 'confirmed', version = version + 1, updated_at = ?
                   WHERE id = ?""",
                p.room_id,
                p.owner_id,
                found["title"] if day in renamed else item["title"],
                w.start,
                w.end,
                now,
                found["id"],
            )


async def _cancel(p: ItemPlan, source: str, now: datetime) -> None:
    reason = f"no longer in the {source} timetable"
    if p.kind == "series":
        await sql.execute(
            "UPDATE series SET status = 'cancelled', version = version + 1, updated_at = ? "
            "WHERE id = ?",
            now,
            p.existing_id,
        )
        await sql.execute(
            """UPDATE bookings SET status = 'cancelled', reason = ?, version = version + 1,
                   updated_at = ?
               WHERE series_id = ? AND status IN ('pending', 'confirmed') AND "end" > ?""",
            reason,
            now,
            p.existing_id,
            now,
        )
    elif p.existing_id is not None:
        await set_status(
            [p.existing_id], Status.cancelled, reason, only_from=(Status.pending, Status.confirmed)
        )


# -- the entry points -----------------------------------------------------------------------------


async def run_import(
    actor: Actor,
    *,
    source: str,
    items: list[dict[str, Any]],
    mode: str = "plan",
    atomic: bool = True,
    cancel_missing: bool = False,
    priority: bool = False,
    override: bool = False,
    skip_closures: bool = False,
) -> ImportBatch:
    """Plan (``mode="plan"``) or apply a batch. The batch is stored either way; an atomic apply
    with conflicts or invalid items applies nothing and raises ``ImportRejected``."""
    require_scope(actor, Scope.import_)
    require_staff(actor, Scope.import_)
    if len(items) > MAX_ITEMS:
        raise InvalidInput.field(
            "body", "items", f"at most {MAX_ITEMS} items per batch", "too_many"
        )
    if cancel_missing and not items:  # an empty export is far likelier a fault than intent
        raise InvalidInput.field(
            "body",
            "items",
            f"an empty batch with cancel_missing would cancel everything {source} imported; "
            "cancel those bookings and series one by one if that is the intent",
            "empty",
        )
    if override:
        require_staff(actor)
    if cancel_missing:
        await _check_source_owner(actor, source)
    opts = Options(cancel_missing, priority, override, skip_closures)
    options = {
        "mode": mode,
        "atomic": atomic,
        "cancel_missing": cancel_missing,
        "priority": priority,
        "override": override,
        "skip_closures": skip_closures,
    }
    if mode == "plan":
        async with db.transaction():
            plans = await plan_items(actor, source, items, opts)
            batch = await _store(actor, source, "plan", "planned", options, plans)
        return batch

    async def attempt() -> tuple[ImportBatch, bool]:
        async with db.transaction():
            room_ids = sorted({r["id"] for r in await _rooms_of(items, source)})
            await lock_rooms(room_ids)
            plans = await plan_items(actor, source, items, opts)
            bad = [p for p in plans if p.action in ("conflict", "invalid")]
            if bad and atomic:
                return await _store(actor, source, "apply", "rejected", options, plans), False
            total = sum(len(p.windows) for p in plans if p.action in ("create", "update"))
            if total > MAX_OCCURRENCES:
                raise InvalidInput.field(
                    "body", "items", f"at most {MAX_OCCURRENCES} occurrences per batch", "too_many"
                )
            await _apply(actor, source, plans)
            batch = await _store(actor, source, "apply", "applied", options, plans)
            await audit.record(
                actor,
                "import.apply",
                "import",
                batch.pk,
                after={"source": source, "summary": batch.summary}
                | ({"override": True} if override else {}),
            )
            return batch, True

    batch, applied = await writes.run(attempt, changed=lambda result: result[1])
    if not applied:
        # Keep the record of the rejected plan (the transaction above stored it and committed
        # nothing else), then tell the caller.
        raise ImportRejected(
            f"{batch.summary.get('conflict', 0)} conflicting and {batch.summary.get('invalid', 0)} "
            "invalid item(s); nothing was applied (atomic). See the plan in 'items', or apply with "
            "atomic=false to apply the rest.",
            import_id=batch.pk,
            summary=batch.summary,
            items=[i for i in batch.items if i["action"] in ("conflict", "invalid")][:200],
        )
    return batch


async def _check_source_owner(actor: Actor, source: str) -> None:
    """A source belongs to whoever first applied a batch of it (through their session or
    one of their API keys) and to admins: only they may cancel its missing items."""
    if actor.is_admin:
        return
    first = await ImportBatch.filter(source=source, mode="apply").order_by("id").first()
    if first is not None and first.created_by_id != actor.user_id:
        raise Forbidden(
            f"source {source} belongs to user {first.created_by_id}; only they or an "
            "administrator may cancel its items (cancel_missing)"
        )


async def _rooms_of(items: list[dict[str, Any]], source: str) -> list[dict[str, Any]]:
    """Every room a batch touches: those named in it and those of the source's items."""
    codes = sorted({i["room"] for i in items})
    rows: list[dict[str, Any]] = []
    for chunk in _chunks(codes):
        marks = ", ".join("?" for _ in chunk)
        rows += await sql.fetch(f"SELECT id FROM rooms WHERE code IN ({marks})", *chunk)
    rows += await sql.fetch("SELECT DISTINCT room_id AS id FROM series WHERE source = ?", source)
    rows += await sql.fetch(
        "SELECT DISTINCT room_id AS id FROM bookings WHERE source = ? AND series_id IS NULL", source
    )
    return rows


async def _store(
    actor: Actor,
    source: str,
    mode: str,
    status: str,
    options: dict[str, Any],
    plans: list[ItemPlan],
) -> ImportBatch:
    return await ImportBatch.create(
        source=source,
        mode=mode,
        status=status,
        options=options,
        summary=summarize(plans),
        items=[p.view() for p in plans],
        created_by_id=actor.user_id,
    )


async def get_import(actor: Actor, import_id: int) -> ImportBatch:
    require_scope(actor, Scope.read)
    require_staff(actor, Scope.read)
    batch = await ImportBatch.get_or_none(id=import_id)
    if batch is None:
        raise NotFound(f"import {import_id} does not exist")
    return batch
