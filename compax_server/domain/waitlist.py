"""Waitlist rules without I/O: the states of an entry, which rooms an entry would take,
which slots a change freed, and the link that accepts an offer.

States of an entry::

    waiting ──offer──▶ offered ──accept──▶ accepted (its booking is a real booking now)
       │                  ├──decline──▶ declined
       │                  ├──(the hold time passed)──▶ expired
       ├──leave───────────┴──leave──▶ left
       └──(its window began and nothing came free; its room or building was removed;
           its member was deactivated)──▶ closed

An offer is a ``held`` booking (``domain.bookings``) owned by the waiting member; when an
offer lapses its hold is cancelled, which frees the slot again, and the next in line gets
it through the same path as any other freed slot.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from compax_server.domain.bookings import OCCUPYING
from compax_server.errors import Conflict


class EntryState(StrEnum):
    waiting = "waiting"
    offered = "offered"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"
    left = "left"
    closed = "closed"


OPEN = (EntryState.waiting, EntryState.offered)
OCCUPYING_VALUES = frozenset(s.value for s in OCCUPYING)


def check_open(entry_id: int, state: EntryState, *, wanted: tuple[EntryState, ...]) -> None:
    """A 409 naming the state when the entry is not in one of ``wanted``."""
    if state not in wanted:
        raise Conflict(
            f"waitlist entry {entry_id} is {state.value}; only "
            f"{' or '.join(s.value for s in wanted)} entries can do this",
            entry_state=state.value,
        )


@dataclass(frozen=True)
class Criteria:
    """What an entry waits for: one room, or any room that fits."""

    room_id: int | None
    building_id: int | None
    min_capacity: int | None
    features: frozenset[str]


@dataclass(frozen=True)
class RoomFacts:
    id: int
    building_id: int
    capacity: int
    bookable: bool
    features: frozenset[str]


def fits(criteria: Criteria, room: RoomFacts) -> bool:
    """Whether the room is one the entry waits for."""
    if not room.bookable:
        return False
    if criteria.room_id is not None:
        return criteria.room_id == room.id
    if criteria.building_id is not None and criteria.building_id != room.building_id:
        return False
    if criteria.min_capacity is not None and room.capacity < criteria.min_capacity:
        return False
    return criteria.features <= room.features


@dataclass(frozen=True)
class Slot:
    room_id: int
    start: datetime
    end: datetime


def _slot(view: Mapping[str, Any] | None) -> Slot | None:
    """The occupied slot of a booking snapshot (``services.booking_views.snapshot``)."""
    if not view or view.get("status") not in OCCUPYING_VALUES:
        return None
    room, start, end = view.get("room_id"), view.get("start"), view.get("end")
    if not isinstance(room, int) or not isinstance(start, str) or not isinstance(end, str):
        return None
    try:
        return Slot(room, datetime.fromisoformat(start), datetime.fromisoformat(end))
    except ValueError:
        return None


def freed_slots(
    events: Iterable[tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]],
) -> list[Slot]:
    """The slots that booking changes freed: a booking that occupied a slot (pending,
    confirmed or held) and no longer does, or no longer that one (cancelled, rejected,
    released, lapsed, moved). Each ``(entity_type, before, after)``; in first-seen order."""
    out: list[Slot] = []
    seen: set[Slot] = set()  # a write may free thousands (a closure, a release of no-shows)
    for entity_type, before, after in events:
        if entity_type != "booking":
            continue
        was = _slot(before)
        if was is None or was in seen or was == _slot(after):
            continue
        seen.add(was)
        out.append(was)
    return out


def offer_token(secret: str, entry_id: int, offer_number: int) -> str:
    """The secret part of the link in an offer's email: it accepts or declines that one
    offer of that entry, nothing else (a later offer of the entry has another)."""
    message = f"waitlist-offer:{entry_id}:{offer_number}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def token_matches(secret: str, entry_id: int, offer_number: int, token: str) -> bool:
    return hmac.compare_digest(offer_token(secret, entry_id, offer_number), token)
