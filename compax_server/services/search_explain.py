"""Why a room that matches a search is not free: the near misses of ``explain=true``, each
with its reasons (bookings, closures, opening hours, not bookable), as ``search`` lists them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from compax_server.db import search as search_db
from compax_server.domain.words import counted
from compax_server.services.actors import Actor


async def near_misses(
    actor: Actor,
    misses: list[dict[str, Any]],
    all_windows: search_db.Windows,
    outside: dict[int, frozenset[datetime]],
    count: int,
) -> list[dict[str, Any]]:
    """Each room of ``misses`` (matching, not free) with its reasons and the number of the
    ``count`` occurrences it is blocked at (``outside``: the window starts at which its
    building is closed); booking ids and titles only where ``actor`` may see them."""
    bookings, closures = await search_db.blocking([r["id"] for r in misses], all_windows)
    out = []
    for room in misses:
        reasons: list[dict[str, Any]] = []
        blocked: set[datetime] = set()
        if not room["bookable"]:
            reasons.append({"type": "not_bookable", "detail": "the room is not bookable"})
        if room["building_id"] in outside:
            closed = outside[room["building_id"]]
            blocked |= closed
            n = len(closed)
            reasons.append(
                {
                    "type": "outside_opening_hours",
                    "detail": f"{room['building_code']} is closed at {n} of "
                    f"{counted(count, 'occurrence')}",
                    "occurrences": n,
                }
            )
        for b in bookings:
            if b["room_id"] != room["id"]:
                continue
            blocked.add(b["ws"])
            visible = actor.sees_booking_of(b["owner_id"], b["room_id"])
            reasons.append(
                {
                    "type": "booking",
                    "booking_id": b["id"] if visible else None,
                    "start": b["start"],
                    "end": b["end"],
                    "status": b["status"],
                    "title": b["title"] if visible else None,
                }
            )
        for cl in closures:
            if cl["room_id"] != room["id"]:
                continue
            blocked.add(cl["ws"])
            reasons.append(
                {
                    "type": "closure",
                    "closure_id": cl["id"],
                    "start": cl["start"],
                    "end": cl["end"],
                    "detail": cl["reason"],
                }
            )
        out.append(
            room
            | {
                "reasons": dedupe(reasons),
                "blocked_occurrences": len(blocked) if room["bookable"] else count,
                "occurrences": count,
            }
        )
    return out


def dedupe(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for r in reasons:
        key = json.dumps(r, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out
