"""Email notifications: which change-feed events become which emails and to whom
(``messages_for``, called by the dispatcher of ``services.notify``), reminders and the
approvers' daily digest, each user's choices, and sending the outbox over SMTP.

Off when ``COMPAX_SMTP_URL`` is empty: nothing is queued, nothing is sent.

Who gets what:

- ``request_received``: a pending request (a new booking, a series, a date added, a move
  into a room that requires approval, a request not decided yet that moved: "changed") to
  the room's approvers (``approvers_for``).
- ``approved``, ``rejected`` (with the reason), ``moved`` (time or room), ``cancelled``
  (by whom and why: closures, holidays, timetable bumps): to the booking's owner, only
  when someone else (or the system) made the change. A change of a series or by an import
  is one message per owner, listing the occurrences it touched.
- ``webhook_disabled``: to the subscription's owner.
- ``reminder`` (``queue_reminders``) and ``digest`` (``queue_digests``), from the clock.

Inactive users get nothing; every kind can be turned off per user (``email_opt_out``).
Each message has a ``dedupe_key`` (one per event, recipient and kind; per booking, lead
and start time; per approver and day), so building it twice inserts it once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from compax_server import runtime
from compax_server.db import mail as mail_db
from compax_server.db import managers as managers_db
from compax_server.db import transaction
from compax_server.db.audit import AuditEvent
from compax_server.db.mail import BookingFacts, Recipient, RoomFacts
from compax_server.db.notifications import PENDING, EmailMessage
from compax_server.domain import waitlist as waitlist_rules
from compax_server.domain.words import agree
from compax_server.errors import RuleViolation
from compax_server.services import audit
from compax_server.services.actors import Actor, Scope, require_scope
from compax_server.services.mail_events import (
    BOOKING_MOVES,
    ENDED,
    intents_of,
    kept,
    moved_between,
)
from compax_server.services.mail_messages import KINDS, Draft, Shown, render
from compax_server.services.mail_smtp import send_batch

log = logging.getLogger("compax.mail")

__all__ = [
    "KINDS",
    "Preferences",
    "approvers_for",
    "get_preferences",
    "messages_for",
    "queue_digests",
    "queue_reminders",
    "send_due",
    "update_preferences",
]


def enabled() -> bool:
    return bool(runtime.settings().smtp_url)


async def approvers_for(room_ids: Sequence[int]) -> dict[int, list[Recipient]]:
    """Who decides the requests of each room: its active managers (named on the room or on
    its building), else every active staff member and administrator."""
    if not room_ids:
        return {}
    deciders = await managers_db.deciders_of(list(room_ids))
    users = await mail_db.active_users({u for ids in deciders.values() for u in ids})
    staff = await mail_db.active_staff()
    out = {}
    for room_id in room_ids:
        managers = [users[u] for u in deciders.get(room_id, []) if u in users]
        out[room_id] = managers or staff
    return out


def _shown(
    b: BookingFacts,
    rooms: dict[int, RoomFacts],
    users: dict[int, Recipient],
    snap: dict[str, Any] | None = None,
) -> Shown:
    """A booking as the message shows it: as the event saw it (its snapshot), else now."""
    s = snap or {}
    room = rooms.get(int(s.get("room_id") or b.room_id)) or rooms.get(b.room_id)
    owner = users.get(b.owner_id)
    return Shown(
        id=b.id,
        title=str(s.get("title") or b.title),
        start=datetime.fromisoformat(s["start"]) if s.get("start") else b.start,
        end=datetime.fromisoformat(s["end"]) if s.get("end") else b.end,
        status=str(s.get("status") or b.status),
        version=int(s.get("version") or b.version),
        room_code=room.code if room else f"room {b.room_id}",
        room_name=room.name if room else "",
        building_name=room.building_name if room else "",
        timezone=room.timezone if room else "UTC",
        owner_email=owner.email if owner else "",
        owner_name=owner.full_name if owner else f"user {b.owner_id}",
    )


def _message(
    key: str,
    to: Recipient,
    draft: Draft,
    *,
    event_id: int | None,
    calendars: dict[tuple[Any, ...], str] | None = None,
) -> EmailMessage:
    """The row of one message. ``calendars`` keeps the attachments made so far in a batch:
    the approvers of one request get the same one, made once."""
    s = runtime.settings()
    same = (event_id, draft.kind, tuple((b.id, b.version) for b in draft.bookings))
    ics = calendars.get(same) if calendars is not None and event_id is not None else None
    parts = render(
        draft, public_url=s.public_url, mail_from=s.mail_from, to_name=to.full_name, ics=ics
    )
    if calendars is not None and event_id is not None:
        calendars[same] = parts.ics
    return EmailMessage(
        dedupe_key=key,
        to_address=to.email,
        user_id=to.id,
        kind=draft.kind,
        subject=parts.subject,
        text_body=parts.text,
        html_body=parts.html,
        ics=parts.ics,
        event_id=event_id,
        booking_id=draft.bookings[0].id if len(draft.bookings) == 1 else None,
        status=PENDING,
        attempts=0,
        next_attempt_at=datetime.now(UTC),  # `now` decides what is due; send at once
    )


async def messages_for(events: Sequence[AuditEvent]) -> list[EmailMessage]:
    """The emails these change-feed events ask for (unsaved; the dispatcher inserts them,
    ignoring keys already there). A handful of queries per batch, not per event."""
    if not enabled() or not events:
        return []
    intents = [i for e in events for i in intents_of(e)]
    if not intents:
        return []
    keys = {i.to_key for i in intents if i.to_key is not None}
    if keys:
        key_users = await mail_db.api_key_users(keys)
        for i in intents:
            if i.to_key is not None:
                i.to_user = key_users.get(i.to_key)
        intents = [i for i in intents if i.to_key is None or i.to_user is not None]
    bookings = await mail_db.bookings_by_id(b for i in intents for b in i.booking_ids)
    room_ids = {b.room_id for b in bookings.values()}
    for i in intents:
        for snap in (i.event.before, i.event.after):
            if snap and isinstance(snap.get("room_id"), int):
                room_ids.add(snap["room_id"])
    room_ids |= {r for i in intents for r in (i.room_id, i.spare_room) if r is not None}
    rooms = await mail_db.rooms_by_id(room_ids)
    asks_approvers = any(i.approvers for i in intents)
    approvers = await approvers_for(sorted(room_ids)) if asks_approvers else {}
    people = {b.owner_id for b in bookings.values()}
    people |= {i.to_user for i in intents if i.to_user is not None}
    people |= {a.id for staff in approvers.values() for a in staff}
    users = await mail_db.active_users(people)
    opted_out = await mail_db.opt_outs(users)
    calendars: dict[tuple[Any, ...], str] = {}
    out: list[EmailMessage] = []
    for i in intents:
        e = i.event
        found = [bookings[b] for b in i.booking_ids if b in bookings]
        found = [b for b in found if kept(i, b)]
        single = len(i.booking_ids) == 1 and not e.action.startswith(("series.", "import."))
        # who gets which bookings
        addressed: dict[int, list[BookingFacts]] = {}
        if i.to_user is not None:
            addressed[i.to_user] = []
        elif i.approvers:
            spared = {a.id for a in approvers.get(i.spare_room or 0, [])}
            for b in found:
                for a in approvers.get(i.room_id or b.room_id, []):
                    if a.id not in spared:
                        addressed.setdefault(a.id, []).append(b)
        else:
            for b in found:
                addressed.setdefault(b.owner_id, []).append(b)
        for user_id, theirs in addressed.items():
            to = users.get(user_id)
            if to is None or user_id == e.actor_user_id or i.kind in opted_out.get(user_id, ()):
                continue
            snap = e.after if single else None
            if i.kind == "request_received" and not single:
                snap = {"status": "pending"}  # asked as it was then, whatever became of it
            if snap is not None and i.kind == "request_closed" and e.before:
                # where and when the approvers were asked: their calendar entry
                snap = snap | {k: e.before[k] for k in BOOKING_MOVES if k in e.before}
            shown = [_shown(b, rooms, users, snap) for b in theirs]
            before = None
            if single and e.before and moved_between(e.before, e.after):
                # where and when it was: a booking moved, or a request moved undecided
                was_pending = e.before.get("status") == "pending"
                if i.kind == "moved" or (i.kind == "request_received" and was_pending):
                    before = _shown(theirs[0], rooms, users, e.before)
            reason = i.reason
            if theirs and theirs[0].status in ENDED and theirs[0].reason:
                # an ended booking stays ended: its reason is the one of this event, in full
                # (an import's event says only "bumped")
                reason = theirs[0].reason
            series_title = ""
            if e.action.startswith("series.") and e.after:
                series_title = str(e.after.get("title") or "")
            draft = Draft(
                kind=i.kind,
                bookings=shown,
                reason=reason,
                actor=e.actor_label,
                before=before,
                series_title=series_title if len(shown) > 1 else "",
                extra=offer_link(i.extra) if i.kind == "waitlist_offer" else i.extra,
            )
            key = f"event:{e.pk}:{user_id}:{i.kind}"
            if i.room_id is not None:  # a series' requests closed room by room: one each
                key += f":room:{i.room_id}"
            out.append(_message(key, to, draft, event_id=e.pk, calendars=calendars))
    return out


def offer_link(extra: dict[str, str]) -> dict[str, str]:
    """The link of a waitlist offer's email (``/waitlist/offers/...``): it answers that one
    offer (``domain.waitlist.offer_token``); without COMPAX_PUBLIC_URL there is none."""
    s = runtime.settings()
    entry, offer = int(extra["entry_id"]), int(extra["offer"])
    token = waitlist_rules.offer_token(s.secret_key, entry, offer)
    if not s.public_url:
        return extra
    return extra | {"link": f"{s.public_url}/waitlist/offers/{entry}/{offer}/{token}"}


# -- from the clock: reminders and the digest ----------------------------------------------


# The worker polls every second or so; the clock's messages need a look once a minute per
# process (many processes only repeat a cheap look: the dedupe keys decide).
CLOCK_EVERY = timedelta(seconds=60)


def reminder_leads() -> list[int]:
    """The configured lead times in minutes, longest first."""
    raw = runtime.settings().reminder_leads
    leads = {int(p) for p in raw.split(",") if p.strip()}  # checked at start-up
    return sorted(leads, reverse=True)


async def queue_reminders(now: datetime) -> int:
    """Queue the reminders that are due at ``now``; returns how many were new.

    For a lead L (minutes) a confirmed booking gets a reminder when it starts within
    ``(now + the next shorter lead, now + L]`` and already existed at ``start - L`` (no
    "in 24 hours" for a booking made 2 hours ahead; it gets the 1-hour one). One per
    booking, lead and start time: a moved booking is reminded again. Looked at once a
    minute at most (per process)."""
    if not enabled() or runtime.looked_within("mail.reminders", now, CLOCK_EVERY):
        return 0
    leads = reminder_leads()
    due: list[tuple[int, BookingFacts]] = []
    for n, lead in enumerate(leads):
        shorter = leads[n + 1] if n + 1 < len(leads) else 0
        window = await mail_db.confirmed_starting(
            now + timedelta(minutes=shorter), now + timedelta(minutes=lead)
        )
        due += [(lead, b) for b in window if b.created_at <= b.start - timedelta(minutes=lead)]
    keys = {f"reminder:{b.id}:{lead}:{b.start.isoformat()}": (lead, b) for lead, b in due}
    if not keys:
        return 0
    done = await mail_db.existing_keys(keys)
    todo = {k: v for k, v in keys.items() if k not in done}
    if not todo:
        return 0
    found = [b for _, b in todo.values()]
    rooms = await mail_db.rooms_by_id(b.room_id for b in found)
    users = await mail_db.active_users(b.owner_id for b in found)
    opted_out = await mail_db.opt_outs(users)
    messages = []
    for key, (_, b) in todo.items():
        to = users.get(b.owner_id)
        if to is None or "reminder" in opted_out.get(to.id, ()):
            continue
        left = round((b.start - now).total_seconds() / 60)  # late after a pause: say so
        draft = Draft(kind="reminder", bookings=[_shown(b, rooms, users)], lead_minutes=left)
        messages.append(_message(key, to, draft, event_id=None))
    return await mail_db.insert_messages(messages)


DIGEST_LISTED = 100


async def queue_digests(now: datetime) -> int:
    """Once per UTC day, at or after ``COMPAX_DIGEST_HOUR``: one digest per approver of the
    pending requests of their rooms (none when nothing waits). Returns how many were new.
    Looked at once a minute at most (per process)."""
    if not enabled() or now.astimezone(UTC).hour < runtime.settings().digest_hour:
        return 0
    if runtime.looked_within("mail.digests", now, CLOCK_EVERY):
        return 0
    day = now.astimezone(UTC).date().isoformat()
    staff = await mail_db.active_staff()
    is_staff = {a.id for a in staff}
    managers = await mail_db.active_users(await managers_db.manager_user_ids())
    approvers = staff + [m for m in managers.values() if m.id not in is_staff]
    keys = {f"digest:{a.id}:{day}": a for a in approvers}
    done = await mail_db.existing_keys(keys)
    todo = {k: a for k, a in keys.items() if k not in done}
    if not todo:
        return 0
    opted_out = await mail_db.opt_outs(a.id for a in todo.values())
    todo = {k: a for k, a in todo.items() if "digest" not in opted_out.get(a.id, ())}
    if not todo:
        return 0
    unmanaged = frozenset(await managers_db.unmanaged_rooms())  # staff decide these
    waiting: dict[frozenset[int], tuple[list[BookingFacts], int]] = {}
    theirs: dict[str, frozenset[int]] = {}
    managed = await managers_db.managed_by_each(a.id for a in todo.values())
    for key, a in todo.items():  # the rooms each decides, as approvers_for sends requests
        rooms = managed.get(a.id, managers_db.NOTHING).rooms
        theirs[key] = rooms | unmanaged if a.id in is_staff else rooms
        if theirs[key] not in waiting:  # staff share one list
            waiting[theirs[key]] = await mail_db.pending_requests(now, DIGEST_LISTED, theirs[key])
    listed = [b for found, _ in waiting.values() for b in found]
    room_facts = await mail_db.rooms_by_id(b.room_id for b in listed)
    owners = await mail_db.active_users(b.owner_id for b in listed)
    messages = []
    for key, a in todo.items():
        found, count = waiting[theirs[key]]
        if found:
            shown = [_shown(b, room_facts, owners) for b in found]
            draft = Draft(kind="digest", bookings=shown, total=count)
            messages.append(_message(key, a, draft, event_id=None))
    return await mail_db.insert_messages(messages)


# -- sending -------------------------------------------------------------------------------


async def send_due(limit: int = 50, *, now: datetime | None = None) -> int:
    """Send what is due (at most ``limit``, and what the rate limit allows) over one SMTP
    connection; returns how many were sent. See ``services.mail_smtp``."""
    if not enabled():
        return 0
    return await send_batch(limit, now=now)


# -- preferences ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    email_opt_out: list[str]
    kinds: dict[str, str]
    email_enabled: bool


async def get_preferences(actor: Actor) -> Preferences:
    require_scope(actor, Scope.read)
    opt_out = await mail_db.opt_out_of(actor.user_id)
    return Preferences([k for k in opt_out if k in KINDS], dict(KINDS), enabled())


async def update_preferences(actor: Actor, email_opt_out: list[str]) -> Preferences:
    """Replace the kinds of email the actor does not want (422 naming unknown kinds)."""
    require_scope(actor, Scope.write)
    unknown = [(n, k) for n, k in enumerate(email_opt_out) if k not in KINDS]
    if unknown:
        names = ", ".join(repr(k) for _, k in unknown)
        raise RuleViolation(
            f"unknown {agree(len(unknown), 'kind', 'kinds')} of email: {names}; "
            f"known: {', '.join(KINDS)}",
            errors=[
                {
                    "location": "body",
                    "pointer": f"/email_opt_out/{n}",
                    "detail": f"{k!r} is not a kind of email; one of {', '.join(KINDS)}",
                    "code": "unknown_kind",
                }
                for n, k in unknown
            ],
        )
    kinds = [k for k in KINDS if k in set(email_opt_out)]  # known order, no duplicates
    async with transaction():
        before = await mail_db.opt_out_of(actor.user_id)
        await mail_db.set_opt_out(actor.user_id, kinds)
        await audit.record(
            actor,
            "notifications.update",
            "user",
            actor.user_id,
            before={"email_opt_out": before},
            after={"email_opt_out": kinds},
        )
    return Preferences(kinds, dict(KINDS), enabled())
