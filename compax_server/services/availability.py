"""One room's availability (busy and free intervals of a window) and the alternatives offered
when a booking conflicts (other free rooms that fit)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from compax_server.db import rooms as rooms_db
from compax_server.db import search as search_db
from compax_server.domain import bounds, hours
from compax_server.errors import InvalidInput, NotFound
from compax_server.services.actors import Actor, Scope, require_scope
from compax_server.services.search import Criteria, all_buildings, windows_of

MAX_AVAILABILITY_DAYS = 62


# -- one room's availability --------------------------------------------------------------


async def availability(
    actor: Actor, room_id: int, start: datetime, end: datetime
) -> dict[str, Any]:
    """Busy intervals (bookings, closures) and free intervals within opening hours."""
    require_scope(actor, Scope.read)
    start, end = bounds.check_window(start, end, names=("from", "to"), location="query")
    if end - start > timedelta(days=MAX_AVAILABILITY_DAYS):
        raise InvalidInput.field(
            "query", "to", f"the window is at most {MAX_AVAILABILITY_DAYS} days", "too_long"
        )
    room = await rooms_db.room_info(room_id)
    if room is None:
        raise NotFound(f"room {room_id} does not exist")
    tz = hours.zone(room.timezone)
    windows = search_db.Windows({room.building_id: [(start, end)]})
    bookings, closures = await search_db.blocking([room_id], windows)
    busy: list[dict[str, Any]] = []
    for b in bookings:
        visible = actor.sees_booking_of(b["owner_id"], room_id)
        busy.append(
            {
                "kind": "booking",
                "start": b["start"],
                "end": b["end"],
                "status": b["status"],
                "booking_id": b["id"] if visible else None,
                "title": b["title"] if visible else None,
            }
        )
    for cl in closures:
        busy.append(
            {"kind": "closure", "start": cl["start"], "end": cl["end"], "reason": cl["reason"]}
        )
    busy.sort(key=lambda x: (x["start"], x["end"]))
    opening = hours.open_intervals(room.opening_hours, tz, start, end)
    taken = [(x["start"], x["end"]) for x in busy]
    free: list[dict[str, Any]] = []
    if room.bookable:
        for s, e in opening:
            for fs, fe in hours.subtract((max(s, start), min(e, end)), taken):
                free.append({"start": fs, "end": fe})
    return {
        "room_id": room_id,
        "from": start,
        "to": end,
        "timezone": room.timezone,
        "busy": busy,
        "free": free,
    }


# -- alternatives --------------------------------------------------------------------------


async def alternatives(
    room_id: int, start: datetime, end: datetime, how_many: int = 3
) -> list[dict[str, Any]]:
    """Up to ``how_many`` other rooms free for ``[start, end)`` with at least the capacity and
    all the features of ``room_id``: in the same building first, then the smallest. Anyone
    may see them: a free search shows the same rooms to everyone (only bookable ones)."""
    room = await rooms_db.room_info(room_id, removed_too=True)
    if room is None:
        return []
    room_filter = search_db.RoomFilter(
        min_capacity=room.capacity,
        feature_ids=await rooms_db.feature_ids(room_id),
        exclude_room_ids=[room_id],
    )
    c = Criteria(free_from=start, free_to=end)
    windows, _, _, _ = windows_of(c, await all_buildings())
    rows = await search_db.find_rooms(room_filter, windows, sort="best_fit", limit=how_many * 5)
    # The same building first (people walk there), then the smallest that fits.
    rows.sort(key=lambda r: (r["building_id"] != room.building_id, r["capacity"], r["code"]))
    return [
        {"id": r["id"], "code": r["code"], "name": r["name"], "capacity": r["capacity"]}
        for r in rows[:how_many]
    ]
