"""Utilisation reports: how well a scope of rooms (campus, building, rooms, a feature, a
capacity band) was used over a period (dates, or a term without its holidays).

- **open hours**: each building's opening hours on the period's local days, less the
  closures of the room or its building (and a term's holidays);
- **booked hours**: confirmed bookings, clipped to the period (SQL, ``db.reports``);
- **heatmap**: booked against open room-hours per local weekday x hour; **peak**: its
  fullest cell;
- **counts**: confirmed, pending, cancelled, rejected and released (no-shows) bookings;
- **seat fit**: of the confirmed bookings that say how many come, attendees against seats
  (the mean share of seats taken), and how many had more people than seats.

Days are each building's local days; an hour of the heatmap is a local wall-clock hour, so
a 09:00 lecture is in the 9 o'clock row on both sides of a DST change. Staff only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from compax_server.db import reports as reports_db
from compax_server.db import rooms as rooms_db
from compax_server.domain import bounds, hours
from compax_server.errors import InvalidInput, RuleViolation
from compax_server.services.actors import Actor, Scope, require_staff
from compax_server.services.terms import get_term

COUNTS = ("confirmed", "pending", "cancelled", "rejected", "released")
MAX_DAYS = 366
MAX_ROOMS = 5000
WEEKDAYS = hours.WEEKDAYS
Cells = Counter[tuple[int, int]]  # (weekday, hour) -> seconds


@dataclass
class ReportQuery:
    start: date | None = None
    end: date | None = None  # inclusive
    term_id: int | None = None
    building_id: int | None = None
    room_ids: list[int] | None = None
    feature: str | None = None
    min_capacity: int | None = None
    max_capacity: int | None = None


def _limit(rule: str, limit: int, pointer: str, detail: str) -> RuleViolation:
    return RuleViolation(
        f"{pointer.strip('/')}: {detail}",
        errors=[{"rule": rule, "limit": limit, "pointer": pointer, "detail": detail}],
    )


async def _period(actor: Actor, q: ReportQuery) -> tuple[date, date, list[date], str | None]:
    """First and last local day, the holidays to leave out, the term's name."""
    holidays: list[date] = []
    name = None
    if q.term_id is not None:
        term = await get_term(actor, q.term_id)
        start, end, name = q.start or term.start_date, q.end or term.end_date, term.name
        for h in term.holidays:
            first, last = date.fromisoformat(h["start"]), date.fromisoformat(h["end"])
            holidays.extend(hours.iter_days(first, last))
    elif q.start is None or q.end is None:
        missing = "from" if q.start is None else "to"
        raise InvalidInput.field("query", missing, "give from and to (dates), or a term", "missing")
    else:
        start, end = q.start, q.end
    bounds.check_date(start, "from")
    bounds.check_date(end, "to")
    if end < start:
        raise InvalidInput.field(
            "query", "to", f"must not be before the first day ({start})", "invalid_interval"
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise _limit("max_report_days", MAX_DAYS, "/to", f"a report covers at most {MAX_DAYS} days")
    return start, end, holidays, name


def offset_periods(
    tz: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, int]]:
    """``[start, end)`` cut where the zone's UTC offset changes: ``(from, to, seconds)``."""

    def offset(t: datetime) -> int:
        delta = t.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    out: list[tuple[datetime, datetime, int]] = []
    cur, off = start, offset(start)
    probe = start
    while probe < end:
        nxt = min(probe + timedelta(days=1), end)
        if offset(nxt) == off:
            probe = nxt
            continue
        # The change lies in (lo, hi]: find its second (zones change on whole seconds).
        lo, hi = int(probe.timestamp()), int(nxt.timestamp())
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if offset(datetime.fromtimestamp(mid, UTC)) == off else (lo, mid)
        change = datetime.fromtimestamp(hi, UTC)
        out.append((cur, change, off))
        cur, off, probe = change, offset(change), change
    if cur < end:
        out.append((cur, end, off))
    return out


def cells_of(intervals: list[hours.Interval], tz: ZoneInfo) -> Cells:
    """Seconds of the intervals per local (weekday, hour)."""
    out: Cells = Counter()
    for s, e in intervals:
        cur = s
        while cur < e:
            local = cur.astimezone(tz)
            to_next = 3600 - local.minute * 60 - local.second
            nxt = min(e, cur + timedelta(seconds=to_next, microseconds=-local.microsecond))
            out[(local.weekday(), local.hour)] += int((nxt - cur).total_seconds())
            cur = nxt
    return out


def _seconds(intervals: list[hours.Interval]) -> int:
    return int(sum((e - s).total_seconds() for s, e in intervals))


def _intersect(a: list[hours.Interval], b: list[hours.Interval]) -> list[hours.Interval]:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if s < e:
                out.append((s, e))
    return hours.merge(out)


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _h(seconds: float) -> float:
    return round(seconds / 3600, 3)


async def _scope(q: ReportQuery) -> reports_db.RoomScope:
    low, high = q.min_capacity, q.max_capacity
    if low is not None and high is not None and high < low:
        raise InvalidInput.field(
            "query", "max_capacity", f"must not be below min_capacity ({low})", "invalid_interval"
        )
    feature_id = None
    if q.feature is not None:
        found = await rooms_db.features_by_code([q.feature])
        if q.feature not in found:
            raise InvalidInput.field(
                "query", "feature", f"there is no feature {q.feature!r}", "unknown_feature"
            )
        feature_id = found[q.feature]
    return reports_db.RoomScope(
        building_id=q.building_id,
        room_ids=q.room_ids,
        feature_id=feature_id,
        min_capacity=q.min_capacity,
        max_capacity=q.max_capacity,
    )


async def utilisation(actor: Actor, q: ReportQuery) -> dict[str, Any]:
    require_staff(actor, Scope.read)
    start, end, holidays, term_name = await _period(actor, q)
    scope = await _scope(q)
    rooms = await reports_db.rooms_in_scope(scope, MAX_ROOMS + 1)
    if len(rooms) > MAX_ROOMS:
        raise _limit("max_report_rooms", MAX_ROOMS, "/building", "narrow the scope")

    # Per building: its window, offset periods and open intervals (less holidays).
    buildings: dict[int, dict[str, Any]] = {}
    for r in rooms:
        if r["building_id"] in buildings:
            continue
        tz = hours.zone(r["timezone"])
        s = hours.local_instant(start, 0, tz)
        e = hours.local_instant(end + timedelta(days=1), 0, tz)
        opened = [
            (max(a, s), min(b, e)) for a, b in hours.open_intervals(r["opening_hours"], tz, s, e)
        ]
        for day in holidays:
            if start <= day <= end:
                opened = [
                    piece
                    for span in opened
                    for piece in hours.subtract(span, [hours.local_day_bounds(day, tz)])
                ]
        buildings[r["building_id"]] = {
            "tz": tz,
            "window": (s, e),
            "open": [(a, b) for a, b in opened if a < b],
            "offsets": offset_periods(tz, s, e),
        }
    periods = reports_db.Periods(
        windows={b: v["window"] for b, v in buildings.items()},
        offsets={b: v["offsets"] for b, v in buildings.items()},
    )
    totals = {row["room_id"]: row for row in await reports_db.room_totals(scope, periods)}
    booked_cells = {
        (c["weekday"], c["hour"]): c["seconds"] for c in await reports_db.heatmap(scope, periods)
    }
    lo = min((v["window"][0] for v in buildings.values()), default=datetime.now(UTC))
    hi = max((v["window"][1] for v in buildings.values()), default=lo)
    closed: dict[int, list[hours.Interval]] = {}
    for c in await reports_db.closures_of([r["id"] for r in rooms], lo, hi):
        closed.setdefault(c["room_id"], []).append((c["start"], c["end"]))

    open_cells: Cells = Counter()
    per_building = Counter(r["building_id"] for r in rooms)
    for building_id, v in buildings.items():  # every room of a building: its open hours
        for cell, seconds in cells_of(v["open"], v["tz"]).items():
            open_cells[cell] += seconds * per_building[building_id]
        v["seconds"] = _seconds(v["open"])
    out_rooms = []
    for r in rooms:
        b = buildings[r["building_id"]]
        shut = _intersect(b["open"], hours.merge(closed[r["id"]])) if r["id"] in closed else []
        open_seconds = b["seconds"] - _seconds(shut)
        if shut:
            open_cells.subtract(cells_of(shut, b["tz"]))
        t = totals.get(r["id"], {})
        booked = t.get("booked_seconds", 0)
        out_rooms.append(
            {
                "room_id": r["id"],
                "code": r["code"],
                "name": r["name"],
                "building_code": r["building_code"],
                "capacity": r["capacity"],
                "open_hours": _h(open_seconds),
                "booked_hours": _h(booked),
                "utilisation": _ratio(booked, open_seconds),
                **{k: t.get(k, 0) for k in COUNTS},
                "seat_fit": _ratio(
                    t.get("attendees", 0), t.get("with_attendees", 0) * r["capacity"]
                ),
                "over_capacity": t.get("over_capacity", 0),
                "_open": open_seconds,
                "_booked": booked,
                "_people": t.get("attendees", 0),
                "_seats": t.get("with_attendees", 0) * r["capacity"],
            }
        )
    heat: list[dict[str, Any]] = []
    for weekday, hour in sorted(set(open_cells) | set(booked_cells)):
        o, bk = max(open_cells.get((weekday, hour), 0), 0), booked_cells.get((weekday, hour), 0)
        if o or bk:
            heat.append(
                {
                    "weekday": WEEKDAYS[weekday],
                    "hour": hour,
                    "open_hours": _h(o),
                    "booked_hours": _h(bk),
                    "occupancy": _ratio(bk, o),
                }
            )
    open_total = sum(r.pop("_open") for r in out_rooms)
    booked_total = sum(r.pop("_booked") for r in out_rooms)
    people, seats = (
        sum(r.pop("_people") for r in out_rooms),
        sum(r.pop("_seats") for r in out_rooms),
    )
    peak = max(
        (c for c in heat if c["occupancy"] is not None),
        key=lambda c: (float(c["occupancy"]), -WEEKDAYS.index(str(c["weekday"])), -int(c["hour"])),
        default=None,
    )
    return {
        "from": start,
        "to": end,
        "term": term_name,
        "holidays_left_out": len([d for d in holidays if start <= d <= end]),
        "scope": {
            "building_id": q.building_id,
            "room_ids": q.room_ids,
            "feature": q.feature,
            "min_capacity": q.min_capacity,
            "max_capacity": q.max_capacity,
        },
        "totals": {
            "rooms": len(out_rooms),
            "open_hours": _h(open_total),
            "booked_hours": _h(booked_total),
            "utilisation": _ratio(booked_total, open_total),
            **{k: sum(r[k] for r in out_rooms) for k in (*COUNTS, "over_capacity")},
            "seat_fit": _ratio(people, seats),
        },
        "peak": peak,
        "heatmap": heat,
        "rooms": out_rooms,
    }
