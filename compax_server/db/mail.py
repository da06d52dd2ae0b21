"""What the email notifications read and write: the facts a message shows (bookings with
their room, building and zone; recipients; preferences), the outbox rows (insert without
duplicates, claim, record the outcome of a send behind a fence) and the windows that
reminders and digests scan. Each read is one query for a whole batch."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from compax_server.db import notifications, sql
from compax_server.db.api_keys import ApiKey
from compax_server.db.bookings import Booking, Status
from compax_server.db.notifications import FAILED, PENDING, SENDING, SENT, EmailMessage
from compax_server.db.notifications import NotificationPreference as Preference
from compax_server.db.rooms import Room
from compax_server.db.users import Role, User

TABLE = "email_messages"


@dataclass(frozen=True)
class RoomFacts:
    id: int
    code: str
    name: str
    building_name: str
    timezone: str


@dataclass(frozen=True)
class BookingFacts:
    id: int
    owner_id: int
    room_id: int
    title: str
    start: datetime
    end: datetime
    status: str
    version: int
    reason: str
    series_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class Recipient:
    id: int
    email: str
    full_name: str
    role: str


def _booking(b: Booking) -> BookingFacts:
    return BookingFacts(
        id=b.pk,
        owner_id=b.owner_id,
        room_id=b.room_id,
        title=b.title,
        start=b.start,
        end=b.end,
        status=b.status.value,
        version=b.version,
        reason=b.reason,
        series_id=b.series_id,
        created_at=b.created_at,
    )


async def bookings_by_id(ids: Iterable[int]) -> dict[int, BookingFacts]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {b.pk: _booking(b) for b in await Booking.filter(id__in=wanted)}


async def rooms_by_id(ids: Iterable[int]) -> dict[int, RoomFacts]:
    """Rooms (removed ones too: a message may be about a booking of a removed room) with
    their building's name and zone."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = await Room.filter(id__in=wanted).select_related("building")
    return {
        r.pk: RoomFacts(r.pk, r.code, r.name, r.building.name, r.building.timezone) for r in rows
    }


def _recipient(u: User) -> Recipient:
    return Recipient(u.pk, u.email, u.full_name, u.role.value)


async def active_users(ids: Iterable[int]) -> dict[int, Recipient]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = await User.filter(id__in=wanted, is_active=True)
    return {u.pk: _recipient(u) for u in rows}


async def api_key_users(key_ids: Iterable[int]) -> dict[int, int]:
    """The user each API key belongs to."""
    wanted = sorted(set(key_ids))
    if not wanted:
        return {}
    rows = await ApiKey.filter(id__in=wanted).values_list("id", "user_id")
    return {int(key): int(user) for key, user in rows}


async def active_staff() -> list[Recipient]:
    """Every active staff member and administrator, by id."""
    rows = await User.filter(is_active=True, role__in=[Role.staff, Role.admin]).order_by("id")
    return [_recipient(u) for u in rows]


async def opt_outs(user_ids: Iterable[int]) -> dict[int, set[str]]:
    """The kinds each user turned off (users without a row turned nothing off)."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    rows = await Preference.filter(user_id__in=wanted)
    return {p.user_id: set(p.email_opt_out or []) for p in rows}


async def opt_out_of(user_id: int) -> list[str]:
    found = await Preference.get_or_none(user_id=user_id)
    return list(found.email_opt_out or []) if found else []


async def set_opt_out(user_id: int, kinds: list[str]) -> None:
    updated = await Preference.filter(user_id=user_id).update(email_opt_out=kinds)
    if not updated:
        await Preference.create(user_id=user_id, email_opt_out=kinds)


async def existing_keys(keys: Iterable[str]) -> set[str]:
    wanted = sorted(set(keys))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        rows = await EmailMessage.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True)
        found |= {str(key) for key in rows}
    return found


async def insert_messages(messages: list[EmailMessage]) -> int:
    """Insert the messages whose ``dedupe_key`` is new; returns how many were new. A key
    inserted at the same moment by another worker is ignored by the database."""
    if not messages:
        return 0
    unique = {m.dedupe_key: m for m in messages}
    seen = await existing_keys(unique)
    new = [m for key, m in unique.items() if key not in seen]
    if new:
        await EmailMessage.bulk_create(new, ignore_conflicts=True)
    return len(new)


@dataclass(frozen=True)
class Claimed:
    """A message claimed for sending; ``attempts`` (this attempt) is the fence."""

    id: int
    attempts: int
    to_address: str
    kind: str
    subject: str
    text_body: str
    html_body: str
    ics: str
    created_at: datetime


async def claim(*, limit: int, lease_seconds: int) -> list[Claimed]:
    """Due messages (and those whose sender's lease ran out), now ``sending`` and leased to
    this worker, attempts counted; in id order."""
    rows = await notifications.claim(TABLE, limit=limit, lease_seconds=lease_seconds)
    claimed = [
        Claimed(
            id=int(r["id"]),
            attempts=int(r["attempts"]),
            to_address=str(r["to_address"]),
            kind=str(r["kind"]),
            subject=str(r["subject"]),
            text_body=str(r["text_body"]),
            html_body=str(r["html_body"]),
            ics=str(r["ics"] or ""),
            created_at=sql.decode_time(r["created_at"]),
        )
        for r in rows
    ]
    return sorted(claimed, key=lambda c: c.id)


async def mark_sent(message_id: int, attempts: int, now: datetime) -> bool:
    """Record a send, if the message is still this worker's (the fence: its attempt)."""
    changed = await EmailMessage.filter(id=message_id, attempts=attempts, status=SENDING).update(
        status=SENT, sent_at=now, lease_until=None, last_error=""
    )
    return changed > 0


async def mark_retry(message_id: int, attempts: int, at: datetime, error: str) -> bool:
    changed = await EmailMessage.filter(id=message_id, attempts=attempts, status=SENDING).update(
        status=PENDING, next_attempt_at=at, lease_until=None, last_error=error[:500]
    )
    return changed > 0


async def mark_failed(message_id: int, attempts: int, error: str) -> bool:
    changed = await EmailMessage.filter(id=message_id, attempts=attempts, status=SENDING).update(
        status=FAILED, lease_until=None, last_error=error[:500]
    )
    return changed > 0


async def confirmed_starting(start_after: datetime, start_until: datetime) -> list[BookingFacts]:
    """Confirmed bookings starting in ``(start_after, start_until]``: a window of the index
    on ``start``, never the whole table."""
    rows = await Booking.filter(
        status=Status.confirmed, start__gt=start_after, start__lte=start_until
    ).order_by("start", "id")
    return [_booking(b) for b in rows]


async def pending_requests(
    now: datetime, limit: int, room_ids: Collection[int]
) -> tuple[list[BookingFacts], int]:
    """The pending requests of these rooms that have not ended, soonest first (at most
    ``limit``), and how many there are in all."""
    if not room_ids:
        return [], 0
    waiting = Booking.filter(status=Status.pending, end__gt=now, room_id__in=sorted(room_ids))
    rows = await waiting.order_by("start", "id").limit(limit)
    return [_booking(b) for b in rows], await waiting.count()
