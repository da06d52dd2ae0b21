"""One room's availability (busy and free intervals of a window) and the alternatives offered
when a booking conflicts (other free rooms that fit)."""

from __future__ import annotations

from dataclasses import replace
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
    all the features of ``room_id``: those in the same building first (people walk there),
    then those elsewhere; each group smallest first. Anyone may see them: a free search
    shows the same rooms to everyone (only bookable ones). The room may have been removed
    meanwhile: rooms like it are offered all the same."""
    room = await rooms_db.room_info(room_id, removed_too=True)
    if room is None:
        return []
    like_it = search_db.RoomFilter(
        min_capacity=room.capacity,
        feature_ids=await rooms_db.feature_ids(room_id),
        exclude_room_ids=[room_id],
    )
    windows, _, _, _ = windows_of(Criteria(free_from=start, free_to=end), await all_buildings())
    found = await search_db.find_rooms(
        replace(like_it, building_id=room.building_id), windows, sort="best_fit", limit=how_many
    )
    if len(found) < how_many:  # every free one of the same building is in ``found``
        elsewhere = replace(like_it, exclude_room_ids=[room_id, *(r["id"] for r in found)])
        found += await search_db.find_rooms(
            elsewhere, windows, sort="best_fit", limit=how_many - len(found)
        )
    return [
        {"id": r["id"], "code": r["code"], "name": r["name"], "capacity": r["capacity"]}
        for r in found
    ]
