"""iCalendar (RFC 5545) feeds: a room's calendar and a user's own bookings.

Calendar apps (Google Calendar, Outlook, Apple) subscribe to a URL and cannot send headers,
so a user's feed takes a revocable feed token in the query string. Events carry stable UIDs
(``booking-<id>@<host>``, the host of ``COMPAX_PUBLIC_URL``, never the request's: a feed
subscribed through two host names names each event once; series occurrences keep their
booking ids when moved), times in UTC, ``SEQUENCE`` = the booking's version, and cancelled
or rejected bookings stay in the feed as ``STATUS:CANCELLED`` so subscribed calendars remove
them. Feeds read calendars: a bearer credential needs the ``read`` scope, like every read.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from compax_server import runtime
from compax_server.db import feeds as feeds_db
from compax_server.db import rooms as rooms_db
from compax_server.db import transaction
from compax_server.db.users import FeedToken, User
from compax_server.errors import InvalidToken, NotFound, PreconditionFailed
from compax_server.services import audit, auth, limits, sessions
from compax_server.services.actors import Actor, Scope, require_scope

PAST = timedelta(days=31)
AHEAD = timedelta(days=400)
PRODID = "-//Compax//Classroom booking//EN"
UID_HOST = "compax"  # event UIDs without a configured COMPAX_PUBLIC_URL


async def rotate_feed_token(actor: Actor, *, only_if_none: bool = False) -> str:
    """A new feed token for the actor (the previous URL stops working). Shown once. With
    ``only_if_none``, a token that already exists stays and this is ``PreconditionFailed``."""
    require_scope(actor, Scope.write)
    token = "feed_" + secrets.token_urlsafe(24)
    async with transaction():
        if only_if_none and await FeedToken.filter(user_id=actor.user_id).exists():
            raise PreconditionFailed(
                "you already have a calendar feed URL (it was shown once, when it was made); "
                "rotate it for a new one (the old URL stops working)"
            )
        await FeedToken.filter(user_id=actor.user_id).delete()
        await FeedToken.create(user_id=actor.user_id, token_hash=auth.sha256(token))
        await audit.record(actor, "feed_token.rotate", "user", actor.user_id)
    return token


async def revoke_feed_token(actor: Actor) -> None:
    require_scope(actor, Scope.write)
    async with transaction():
        deleted = await FeedToken.filter(user_id=actor.user_id).delete()
        if not deleted:
            raise NotFound("you have no calendar feed token")
        await audit.record(actor, "feed_token.revoke", "user", actor.user_id)


async def actor_from_feed_token(token: str, request_id: str = "") -> Actor:
    found = await FeedToken.get_or_none(token_hash=auth.sha256(token)).select_related("user")
    if found is None or not found.user.is_active:
        raise InvalidToken("The calendar feed token is not valid (it may have been rotated).")
    user: User = found.user
    # A feed token only reads calendars: no write, import or admin scope.
    managed = await sessions.managed(user.pk)
    return Actor(
        user_id=user.pk,
        email=user.email,
        role=user.role,
        scopes=frozenset({Scope.read}),
        request_id=request_id,
        managed_rooms=managed.rooms,
        managed_buildings=managed.buildings,
    )


def uid_host() -> str:
    """The domain part of event UIDs: the host of ``COMPAX_PUBLIC_URL``. It must not change
    once people subscribe (a new UID is a new event to their calendar)."""
    return urlsplit(runtime.settings().public_url).hostname or UID_HOST


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def _event(row: feeds_db.FeedRow, host: str, visible: bool) -> Event:
    event = Event()
    event.add("uid", f"booking-{row.id}@{host}")
    event.add("dtstamp", row.updated_at)
    event.add("dtstart", row.start)
    event.add("dtend", row.end)
    event.add("sequence", row.version)
    event.add("summary", row.title if visible else "Booked")
    event.add("location", row.room_code)
    event.add(
        "status",
        {"confirmed": "CONFIRMED", "pending": "TENTATIVE", "held": "TENTATIVE"}.get(
            row.status, "CANCELLED"
        ),
    )
    if visible and row.description:
        event.add("description", row.description)
    return event


def _window() -> tuple[datetime, datetime]:
    now = limits.now()
    return now - PAST, now + AHEAD


async def room_calendar(actor: Actor, room_id: int) -> bytes:
    """The room's bookings from a month ago to a year ahead. Others' bookings show as
    "Booked" unless the caller is staff."""
    require_scope(actor, Scope.read)
    room = await rooms_db.room_info(room_id)
    if room is None:
        raise NotFound(f"room {room_id} does not exist")
    cal = _calendar(f"{room.code} {room.name}")
    host = uid_host()
    start, end = _window()
    for row in await feeds_db.bookings_in(room_id=room_id, start=start, end=end):
        cal.add_component(_event(row, host, actor.sees_booking_of(row.owner_id, room_id)))
    return bytes(cal.to_ical())


async def user_calendar(actor: Actor) -> bytes:
    """The actor's own bookings from a month ago to a year ahead. The calendar's name does
    not carry the email address (calendar apps show and share it)."""
    require_scope(actor, Scope.read)
    cal = _calendar("Compax: my bookings")
    host = uid_host()
    start, end = _window()
    for row in await feeds_db.bookings_in(owner_id=actor.user_id, start=start, end=end):
        cal.add_component(_event(row, host, True))
    return bytes(cal.to_ical())
