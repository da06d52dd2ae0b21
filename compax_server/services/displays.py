"""Room displays: the tablet at a room's door (``GET /display/<token>``).

A display token belongs to one room. It may show that room's day (through the privacy view:
times and states, never titles or owners) and check in to the booking whose window is open
now, and nothing else: used as a bearer credential anywhere in the API it is a 403; revoked,
it is a 401. Staff create and revoke tokens; only the SHA-256 of a token is stored, and the
token itself is shown once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from compax_server.db import transaction
from compax_server.db.bookings import Booking, Status
from compax_server.db.checkin import DisplayToken
from compax_server.db.rooms import Building, Room
from compax_server.domain import hours
from compax_server.domain.bounds import CHECKIN_MAX_MINUTES
from compax_server.errors import CheckinClosed, Forbidden, NotFound, Unauthenticated
from compax_server.services import audit, checkin
from compax_server.services.actors import Actor, require_staff

PREFIX = "cxd_"
# a check-in window opens at most this long before its booking's start, closes at most this
# long after it
CHECKIN_REACH = timedelta(minutes=CHECKIN_MAX_MINUTES)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def refuse_elsewhere(credential: str) -> None:
    """A display token used as an API credential: 403 (it may only show and check in)."""
    if credential.startswith(PREFIX):
        raise Forbidden("a room display token may only show its room and check in there")


async def _room(room_id: int) -> Room:
    room = await Room.get_or_none(id=room_id, deleted_at=None)
    if room is None:
        raise NotFound(f"room {room_id} does not exist")
    return room


async def create_token(actor: Actor, room_id: int) -> tuple[DisplayToken, str]:
    """A new display token for the room; the token is returned once."""
    require_staff(actor)
    await _room(room_id)
    token = PREFIX + secrets.token_urlsafe(24)
    async with transaction():
        row = await DisplayToken.create(
            room_id=room_id,
            token_hash=_hash(token),
            prefix=token[:10],
            created_by_id=actor.user_id,
        )
        await audit.record(
            actor, "room.display_token", "room", room_id, after={"prefix": row.prefix}
        )
    return row, token


async def revoke_tokens(actor: Actor, room_id: int) -> int:
    """Revoke every display token of the room; how many were in use."""
    require_staff(actor)
    await _room(room_id)
    async with transaction():
        moment = checkin.now()
        count = await DisplayToken.filter(room_id=room_id, revoked_at=None).update(
            revoked_at=moment
        )
        await audit.record(
            actor, "room.display_token_revoke", "room", room_id, after={"revoked": count}
        )
    return int(count)


async def room_of(token: str) -> tuple[Room, DisplayToken]:
    row = await DisplayToken.get_or_none(token_hash=_hash(token))
    if row is None or row.revoked_at is not None:
        raise Unauthenticated("this display token is not valid (revoked or unknown)")
    room = await Room.get_or_none(id=row.room_id, deleted_at=None)
    if room is None:
        raise Unauthenticated("this display token's room was removed")
    return room, row


@dataclass(frozen=True)
class DisplayState:
    room: dict[str, Any]
    now: datetime
    busy: bool
    until: datetime | None  # busy until / free until (None: free for the rest of the day)
    bookings: list[dict[str, Any]]
    checkin: dict[str, Any] | None  # the booking whose window is open now

    def view(self) -> dict[str, Any]:
        return {
            "room": self.room,
            "now": self.now.isoformat(),
            "busy": self.busy,
            "until": self.until.isoformat() if self.until else None,
            "bookings": self.bookings,
            "checkin": self.checkin,
        }


async def state(token: str) -> DisplayState:
    """What the display shows now: the room, free or busy and until when, today's bookings
    (privacy view) and the booking one may check in to."""
    room, _ = await room_of(token)
    building = await Building.get(id=room.building_id)
    tz = hours.zone(building.timezone)
    moment = checkin.now()
    day_start, day_end = hours.local_day_bounds(moment.astimezone(tz).date(), tz)
    # today's bookings, and past midnight those whose check-in window may be open already
    found = await Booking.filter(
        room_id=room.pk,
        status__in=[Status.confirmed, Status.pending, Status.held],
        start__lt=max(day_end, moment + CHECKIN_REACH),
        end__gt=day_start,
    ).order_by("start", "id")
    rows = [b for b in found if b.start < day_end]
    confirmed = [b for b in rows if b.status in (Status.confirmed, Status.held)]  # blocking
    current = next((b for b in confirmed if b.start <= moment < b.end), None)
    upcoming = [b for b in confirmed if b.start > moment]
    until = current.end if current else (upcoming[0].start if upcoming else None)
    target = None
    rule = await checkin.window_rule(room.pk, room.building_id)
    for b in found:
        if b.status != Status.confirmed or b.checked_in_at is not None:
            continue
        window = rule.at(b.start)
        if window.opens_at <= moment < window.closes_at:
            target = {
                "start": b.start.isoformat(),
                "end": b.end.isoformat(),
                "required": window.required,
                "closes_at": window.closes_at.isoformat(),
            }
            break
    shown = [
        {
            "start": b.start.isoformat(),
            "end": b.end.isoformat(),
            "status": b.status.value,
            "checked_in": b.checked_in_at is not None,
            "now": b is current,
        }
        for b in rows
    ]
    return DisplayState(
        room={
            "id": room.pk,
            "code": room.code,
            "name": room.name,
            "building": building.name,
            "timezone": building.timezone,
            "capacity": room.capacity,
        },
        now=moment,
        busy=current is not None,
        until=until,
        bookings=shown,
        checkin=target,
    )


async def check_in(token: str) -> DisplayState:
    """Check in to the booking of the display's room whose window is open now."""
    room, row = await room_of(token)
    moment = checkin.now()
    candidates = await Booking.filter(
        room_id=room.pk,
        status=Status.confirmed,
        checked_in_at=None,
        start__lte=moment + CHECKIN_REACH,
        end__gt=moment - CHECKIN_REACH,
    ).order_by("start", "id")
    rule = await checkin.window_rule(room.pk, room.building_id)
    for b in candidates:
        window = rule.at(b.start)
        if window.opens_at <= moment < window.closes_at:
            await checkin.check_in_at_room(room.pk, b.pk, label=f"display {row.prefix}")
            return await state(token)
    raise CheckinClosed(f"no booking of room {room.code} is open for check-in now")
