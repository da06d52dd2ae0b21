"""Which change-feed events ask for which emails, and to whom (a pure reading of each
event; ``services.mail`` gathers the facts and addresses the messages).

Single-booking events carry the booking as it was then (their ``after``); a series or an
import change names the bookings it touched (``after.booking_ids``), and the message lists
the ones it moved (still active) under ``moved`` and the ones it ended under
``cancelled``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compax_server.db.audit import AuditEvent
from compax_server.db.mail import BookingFacts

ENDED = ("cancelled", "rejected", "released")
IMPORT_MOVES = {"room", "start", "end", "start_time", "duration_minutes", "recurrence"}
IMPORT_MOVES |= {"excluded_dates", "start_date", "skip_holidays"}
SERIES_MOVES = ("room_id", "rule", "start_time", "duration_minutes", "excluded_dates")
BOOKING_MOVES = ("room_id", "start", "end")
CONFIRMED_IN_PLACE = "moved and confirmed (its room needs no approval now)"  # a request retimed


def moved_between(before: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    """Whether a booking's time or room differs between two snapshots of it."""
    b, a = before or {}, after or {}
    return any(b.get(k) != a.get(k) for k in BOOKING_MOVES)


@dataclass
class Intent:
    """One message (per recipient) that an event asks for."""

    event: AuditEvent
    kind: str
    booking_ids: list[int]
    approvers: bool = False  # to the rooms' approvers, else to the bookings' owners
    room_id: int | None = None  # approvers: of this room (where the request was), not its own
    spare_room: int | None = None  # approvers: except those who decide this room too
    to_user: int | None = None  # a named recipient (webhook_disabled)
    to_key: int | None = None  # ... or the user of a named API key
    reason: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def _ids(value: Any) -> list[int]:
    return [int(i) for i in value or [] if isinstance(i, int)]


def intents_of(e: AuditEvent) -> list[Intent]:
    """What an event asks for (a pure reading of the event)."""
    action, before, after = e.action, e.before or {}, e.after or {}
    one = [e.entity_id] if e.entity_id is not None else []
    reason = str(after.get("reason") or "")
    if action == "booking.create":
        pending = after.get("status") == "pending"
        return [Intent(e, "request_received", one, approvers=True)] if pending else []
    if action == "booking.approve":
        return [Intent(e, "approved", one), *_closed(e, before, one, "approved")]
    if action in ("booking.reject", "booking.auto_reject"):
        return [Intent(e, "rejected", one, reason=reason), *_closed(e, before, one, "rejected")]
    if action == "booking.cancel":
        if before.get("status") == "held":  # an offer withdrawn: waitlist.withdraw tells
            return []
        return [Intent(e, "cancelled", one, reason=reason), *_closed(e, before, one, "cancelled")]
    if action == "booking.release":
        return [Intent(e, "released", one, reason=reason)]
    if action == "waitlist.offer":
        held = after.get("booking_id")
        if not isinstance(held, int):
            return []
        extra = {
            "entry_id": str(e.entity_id),
            "offer": str(after.get("offer") or 0),
            "expires_at": str(after.get("offer_expires_at") or ""),
        }
        return [Intent(e, "waitlist_offer", [held], extra=extra)]
    if action == "waitlist.withdraw":
        held = after.get("withdrawn")
        if not isinstance(held, int):
            return []
        because = str(after.get("because") or "")
        return [Intent(e, "waitlist_withdrawn", [held], reason=because)]
    if action == "waitlist.close":
        member = after.get("user_id")
        if not isinstance(member, int) or not after.get("where"):
            return []  # a deactivated member's entries: they get no email
        keys = ("title", "start", "end", "where", "timezone")
        extra = {k: str(after.get(k) or "") for k in keys}
        return [Intent(e, "waitlist_closed", [], to_user=member, reason=reason, extra=extra)]
    if action == "booking.update":
        out = []
        changed = moved_between(before, after)
        if changed:
            out.append(Intent(e, "moved", one))
        # a request to decide: a new one (moved into a room that needs approval), or one
        # waiting for a decision that moved (the approvers' invitation moves with it)
        if after.get("status") == "pending" and (before.get("status") != "pending" or changed):
            out.append(Intent(e, "request_received", one, approvers=True))
        waits = after.get("status") == "pending"
        same_room = before.get("room_id") == after.get("room_id")
        if before.get("status") == "pending" and not (waits and same_room):
            # the old room's approvers are asked no more (unless they decide the new one), or
            # the request was confirmed where it is (its room stopped needing approval)
            if waits:
                outcome = "moved to another room"
            elif same_room:
                outcome = CONFIRMED_IN_PLACE
            else:
                outcome = "moved to a room that needs no approval"
            for i in _closed(e, before, one, outcome):
                i.room_id = _int(before.get("room_id"))
                i.spare_room = _int(after.get("room_id")) if waits else None
                out.append(i)
        return out
    ids = _ids(after.get("booking_ids"))
    if action in ("series.create", "series.add_date"):
        # the dates that waited for approval then (older events: those still waiting)
        asked = _ids(after["requests"]) if "requests" in after else ids
        return [Intent(e, "request_received", asked, approvers=True)]
    if action == "series.update":
        moved = after.get("scope", "all") != "all" or any(
            before.get(k) != after.get(k) for k in SERIES_MOVES
        )
        out = ([Intent(e, "moved", ids)] if moved else []) + [Intent(e, "cancelled", ids)]
        # requests moved (the approvers' invitations move with them), or made by the move
        requests = _ids(after.get("requests"))
        out += [Intent(e, "request_received", requests, approvers=True)] if requests else []
        return out + _series_closed(e, after, "")
    if action == "series.cancel":
        return [Intent(e, "cancelled", ids, reason=reason), *_series_closed(e, after, "cancelled")]
    if action.startswith(("import.update.", "import.cancel.")):
        if not ids and action.endswith(".booking"):
            ids = one
        if action.startswith("import.cancel."):
            return [Intent(e, "cancelled", ids)]
        moved = bool(IMPORT_MOVES & set(after.get("changes") or []))
        return ([Intent(e, "moved", ids)] if moved else []) + [Intent(e, "cancelled", ids)]
    if action == "webhook.disable":
        owner, key = after.get("owner_user_id"), after.get("owner_api_key_id")
        why = after.get("disabled_reason") or after.get("reason") or ""
        extra = {"url": str(after.get("url") or ""), "reason": str(why)}
        if isinstance(owner, int):
            return [Intent(e, "webhook_disabled", [], to_user=owner, extra=extra)]
        if isinstance(key, int):  # made by an integration: tell the key's user
            return [Intent(e, "webhook_disabled", [], to_key=key, extra=extra)]
    return []


def _closed(e: AuditEvent, before: dict[str, Any], one: list[int], outcome: str) -> list[Intent]:
    """A request that waited is decided, withdrawn or moved away: its approvers' calendar
    entry is cancelled, and they are told how it ended."""
    if before.get("status") != "pending":
        return []
    return [Intent(e, "request_closed", one, approvers=True, extra={"outcome": outcome})]


def _series_closed(e: AuditEvent, after: dict[str, Any], outcome: str) -> list[Intent]:
    """The requests a series change ended or moved away from their approvers
    (``after.requests_closed``, by the room they waited in): one ``request_closed`` per
    room; ``outcome`` "" says where they went."""
    out = []
    for group in after.get("requests_closed") or []:
        if not isinstance(group, dict):
            continue
        to = _int(group.get("to_room_id"))
        if outcome:
            how = outcome
        elif to is not None:
            how = "moved to another room"
        elif group.get("in_place"):
            how = CONFIRMED_IN_PLACE
        else:
            how = "moved to a room that needs no approval"
        out.append(
            Intent(
                e,
                "request_closed",
                _ids(group.get("booking_ids")),
                approvers=True,
                room_id=_int(group.get("room_id")),
                spare_room=to,  # who decides the new room too is asked again instead
                extra={"outcome": how},
            )
        )
    return out


def kept(intent: Intent, b: BookingFacts) -> bool:
    """Whether a booking of a multi-booking event belongs in the message: a series or an
    import change lists what it moved (still active) or what it ended, each in its kind."""
    multi = intent.event.action.startswith(("series.", "import."))
    if not multi:
        return True
    if intent.kind == "request_received":
        # the requests the event names, as they were then (another event tells what became
        # of them), else those that still wait
        return "requests" in (intent.event.after or {}) or b.status == "pending"
    if intent.kind == "request_closed":
        return True  # the event names them: ended, confirmed or waiting elsewhere
    if intent.kind == "cancelled":
        return b.status in ENDED
    return b.status not in ENDED  # moved
