"""The schedule grid: a building's rooms (or a list of rooms) with their bookings, closures
and opening hours for a day or a week, each building in its own zone.

Bookings are shown through the one privacy view (``booking_views.conflict_view``): time and
state to everyone; id, title and owner only to those who may see the booking (its owner,
staff). Days are local days of each building: a day with a DST change is 23 or 25 hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from compax_server.db import schedule as schedule_db

# The one reading of a booking row (private to db.bookings, which other work is changing now).
from compax_server.db.bookings import booking_row
from compax_server.domain import bounds, hours
from compax_server.errors import NotFound, RuleViolation
from compax_server.services.actors import Actor, Scope, require_scope
from compax_server.services.booking_views import conflict_view
from compax_server.services.buildings import get_building

MAX_DAYS = 7
MAX_ROOMS = 200


@dataclass(frozen=True)
class GridScope:
    """Which rooms: those of ``building_id``, or those with these ids (or both: the ids
    inside the building)."""

    building_id: int | None = None
    room_ids: list[int] | None = None


def _too_many(count: int | None) -> RuleViolation:
    """``count``: the rooms asked for by id; None: a building's rooms, more than the most."""
    asked = f"not {count}" if count is not None else "and this building has more"
    detail = f"a schedule shows at most {MAX_ROOMS} rooms, {asked}; pick some with room_id"
    return RuleViolation(
        detail,
        errors=[
            {
                "rule": "max_schedule_rooms",
                "limit": MAX_ROOMS,
                "pointer": "/room_id",
                "detail": detail,
            }
        ],
    )


def _check(day: date, days: int) -> None:
    bounds.check_date(day, "date")
    if not 1 <= days <= MAX_DAYS:
        raise RuleViolation(
            f"days: a schedule covers 1 to {MAX_DAYS} days",
            errors=[
                {
                    "rule": "max_schedule_days",
                    "limit": MAX_DAYS,
                    "pointer": "/days",
                    "detail": f"at most {MAX_DAYS} days",
                }
            ],
        )
    bounds.check_date(day + timedelta(days=days), "date")


def window_of(timezone: str, day: date, days: int) -> tuple[datetime, datetime]:
    """Local midnight of ``day`` to local midnight ``days`` later, as UTC instants."""
    tz = hours.zone(timezone)
    return hours.local_instant(day, 0, tz), hours.local_instant(day + timedelta(days=days), 0, tz)


async def schedule(actor: Actor, which: GridScope, *, day: date, days: int = 1) -> dict[str, Any]:
    """The grid: ``buildings`` (zone, window, open intervals) and ``rooms`` (bookings and
    closures overlapping their building's window), rooms in code order."""
    require_scope(actor, Scope.read)
    _check(day, days)
    if which.room_ids is not None and len(which.room_ids) > MAX_ROOMS:
        raise _too_many(len(which.room_ids))
    rooms = await schedule_db.rooms_for_grid(
        building_id=which.building_id, room_ids=which.room_ids, limit=MAX_ROOMS + 1
    )
    if len(rooms) > MAX_ROOMS:  # the ids were counted above: these are a building's
        raise _too_many(None)
    if which.room_ids is not None:
        missing = sorted(set(which.room_ids) - {r["id"] for r in rooms})
        if missing:
            shown = ", ".join(map(str, missing[:5])) + (", ..." if len(missing) > 5 else "")
            raise NotFound(f"{len(missing)} of the rooms do not exist: {shown}")
    if which.building_id is not None and not rooms:
        await get_building(actor, which.building_id)  # its 404

    buildings: dict[int, dict[str, Any]] = {}
    for r in rooms:
        if r["building_id"] in buildings:
            continue
        start, end = window_of(r["timezone"], day, days)
        tz = hours.zone(r["timezone"])
        opening = hours.open_intervals(r["opening_hours"], tz, start, end)
        buildings[r["building_id"]] = {
            "id": r["building_id"],
            "code": r["building_code"],
            "name": r["building_name"],
            "timezone": r["timezone"],
            "opening_hours": r["opening_hours"],
            "from": start,
            "to": end,
            "open": [{"start": max(s, start), "end": min(e, end)} for s, e in opening if s < e],
        }
    out_rooms: dict[int, dict[str, Any]] = {
        r["id"]: {
            "id": r["id"],
            "code": r["code"],
            "name": r["name"],
            "capacity": r["capacity"],
            "floor": r["floor"],
            "bookable": r["bookable"],
            "building_id": r["building_id"],
            "bookings": [],
            "closures": [],
        }
        for r in rooms
    }
    if rooms:
        start = min(b["from"] for b in buildings.values())
        end = max(b["to"] for b in buildings.values())
        for row in await schedule_db.calendar(list(out_rooms), start, end):
            room = out_rooms[row["room_id"]]
            window = buildings[room["building_id"]]
            if not (row["start"] < window["to"] and window["from"] < row["end"]):
                continue  # another building's window, wider than this one's
            if row["kind"] == "closure":
                room["closures"].append(
                    {
                        "id": row["id"],
                        "start": row["start"],
                        "end": row["end"],
                        "reason": row["reason"],
                    }
                )
            else:
                room["bookings"].append(conflict_view(actor, booking_row(row), grid=True))
    return {
        "date": day,
        "days": days,
        "buildings": list(buildings.values()),
        "rooms": list(out_rooms.values()),
    }
