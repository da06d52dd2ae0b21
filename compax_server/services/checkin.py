"""Check-in and the release of no-shows.

**Which bookings need a check-in.** A booking rule (global, a building or a room; the most
specific level that says wins) sets ``requires_checkin``, with a window from
``checkin_opens_minutes`` before the start to ``checkin_closes_minutes`` after it
(defaults: ``COMPAX_CHECKIN_OPENS_MINUTES``, ``COMPAX_CHECKIN_CLOSES_MINUTES``). The
requirement is read from the rules when the window closes, not copied onto each booking,
but it binds only bookings that start after it was set (the rule's ``checkin_since``): a
rule switched on never releases bookings made under the old terms in its first minutes,
nor rewrites history; switched off, it spares every booking not released yet.

**Check-in.** The owner (or staff for anyone, or the room's display) checks in between the
window's opening and its close; outside it the answer is a 409 naming the window.

**Late bookings.** A booking that becomes confirmed while its window is open (booked at
the door or on the display) needs a check-in like any other and is released at the
window's close without one. A booking that becomes confirmed only after its window closed
(staff recording what happened, a request approved late, a waitlist offer accepted late, a
booking moved into the past) counts as checked in at that moment (``late_checkin``):
nobody could check in to it, and the release cursor is past its close, so it would stay
"waiting for a check-in" for good.

**Release.** ``release_due`` runs in the worker loop of every server process. One process
at a time holds the release cursor (``outbox_cursors`` row ``checkin_release``: the time up
to which every due booking was handled; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write
lock on SQLite), so each booking is released once. Each batch is one transaction: the
bookings become ``released`` (their slot is free at once: only confirmed bookings block), a
series occurrence records ``status`` among its exception fields, and each gets a
``booking.release`` audit event with its ``due_at`` (also after downtime: the cursor stays
where it was, so the first tick after a start releases what fell due meanwhile). A process
killed mid-batch rolls back; the next holder of the cursor does the batch again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from compax_server import runtime
from compax_server.db import checkin as checkin_db
from compax_server.db import notifications as cursor_db
from compax_server.db import transaction
from compax_server.db.bookings import Booking, Status
from compax_server.db.rooms import Room
from compax_server.db.series import BookingRule
from compax_server.domain import occurrences
from compax_server.errors import CheckinClosed, NotFound
from compax_server.services import audit, limits, rules, writes
from compax_server.services.actors import Actor, Scope, require_scope
from compax_server.services.booking_views import can_see, snapshot

CURSOR = "checkin_release"
REASON = "no-show: nobody checked in"
SUMMARY_TTL = 1.0  # seconds the rules' summary is remembered in a process


def now() -> datetime:
    """The controlled clock (``services.limits.clock``): tests move it, nothing sleeps."""
    return limits.now()


@dataclass(frozen=True)
class Window:
    required: bool
    opens_at: datetime
    closes_at: datetime

    def view(self) -> dict[str, Any]:
        return {
            "required": self.required,
            "opens_at": self.opens_at.isoformat(),
            "closes_at": self.closes_at.isoformat(),
        }


@dataclass(frozen=True)
class WindowRule:
    """A room's check-in rule, read once: whether it requires a check-in and how long before
    and after a booking's start its window opens and closes."""

    required: bool
    opens_before: timedelta
    closes_after: timedelta

    def at(self, start: datetime) -> Window:
        """The window of a booking of the room starting at ``start``."""
        return Window(self.required, start - self.opens_before, start + self.closes_after)


async def window_rule(room_id: int, building_id: int) -> WindowRule:
    """The check-in rule of a room (the most specific rule that says, else the settings)."""
    lim = await rules.limits_for(room_id, building_id)
    settings = runtime.settings()
    opens = lim.checkin_opens_minutes
    closes = lim.checkin_closes_minutes
    opens = settings.checkin_opens_minutes if opens is None else opens
    closes = settings.checkin_closes_minutes if closes is None else closes
    return WindowRule(
        required=bool(lim.requires_checkin),
        opens_before=timedelta(minutes=opens),
        closes_after=timedelta(minutes=closes),
    )


async def window_of(room_id: int, building_id: int, start: datetime) -> Window:
    """The check-in window of a booking of this room starting at ``start``."""
    return (await window_rule(room_id, building_id)).at(start)


async def booking_window(booking: Booking) -> Window:
    room = await Room.get(id=booking.room_id)
    return await window_of(room.pk, room.building_id, booking.start)


async def window_for(actor: Actor, booking_id: int) -> Window:
    """The check-in window of a booking the actor may see (404 otherwise)."""
    require_scope(actor, Scope.read)
    booking = await Booking.get_or_none(id=booking_id)
    if booking is None or not can_see(actor, booking):
        raise NotFound(f"booking {booking_id} does not exist")
    return await booking_window(booking)


async def late_checkin(booking: Booking, building_id: int) -> datetime | None:
    """Inside the write that confirms (creates, approves, moves, accepts) ``booking``: when
    its room requires a check-in and the window closed already, record the check-in now
    (see "Late bookings" above). Returns the time recorded, else ``None``. Costs nothing for
    a booking that starts in the future."""
    moment = now()
    if booking.status != Status.confirmed or booking.checked_in_at is not None:
        return None
    if booking.start > moment:  # a window closes at the start or later
        return None
    window = await window_of(booking.room_id, building_id, booking.start)
    if not window.required or window.closes_at > moment:
        return None
    if not await checkin_db.check_in(booking.pk, moment):
        return None
    booking.checked_in_at = moment
    booking.version += 1  # as the statement did
    return moment


# -- checking in ---------------------------------------------------------------------------


async def check_in(actor: Actor, booking_id: int) -> Booking:
    """The owner, or staff for someone, checks in to a booking (409 outside its window)."""
    require_scope(actor, Scope.write)
    return await _check_in(booking_id, actor=actor, room_id=None)


async def check_in_at_room(room_id: int, booking_id: int, *, label: str) -> Booking:
    """Check in through the room's display (which may only check in to its room)."""
    return await _check_in(booking_id, actor=None, room_id=room_id, via=label)


async def _check_in(
    booking_id: int, *, actor: Actor | None, room_id: int | None, via: str = ""
) -> Booking:
    async def attempt() -> Booking:
        async with transaction():
            booking = await Booking.get_or_none(id=booking_id)
            hidden = actor is not None and booking is not None and not can_see(actor, booking)
            if booking is None or hidden or (room_id is not None and booking.room_id != room_id):
                raise NotFound(f"booking {booking_id} does not exist")
            if booking.status != Status.confirmed:
                raise CheckinClosed(
                    f"booking {booking_id} is {booking.status.value}; only confirmed "
                    "bookings can be checked in to",
                    booking_status=booking.status.value,
                )
            if booking.checked_in_at is not None:
                raise CheckinClosed(
                    f"booking {booking_id} was checked in to at "
                    f"{booking.checked_in_at.isoformat()}",
                    booking_status=booking.status.value,
                    checked_in_at=booking.checked_in_at.isoformat(),
                )
            window = await booking_window(booking)
            moment = now()
            if not window.opens_at <= moment < window.closes_at:
                raise CheckinClosed(
                    f"check-in for booking {booking_id} is open from "
                    f"{window.opens_at.isoformat()} to {window.closes_at.isoformat()}; "
                    f"it is {moment.isoformat()}",
                    opens_at=window.opens_at.isoformat(),
                    closes_at=window.closes_at.isoformat(),
                )
            if not await checkin_db.check_in(booking.pk, moment):  # released meanwhile
                raise CheckinClosed(
                    f"booking {booking_id} is no longer open for check-in",
                    booking_status=Status.released.value,
                )
            before = snapshot(booking)
            booking = await Booking.get(id=booking_id)
            after = snapshot(booking) | {"checked_in_at": moment.isoformat()}
            if via:
                after["via"] = via
            await audit.record(
                actor, "booking.check_in", "booking", booking.pk, before=before, after=after
            )
            return booking

    return await writes.run(attempt, changed=lambda _: False)


# -- releasing no-shows --------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    since: datetime | None  # the earliest checkin_since of a rule requiring check-in
    longest_close: int  # minutes: the longest window after a start


async def _summary() -> Summary:
    """What the rules say about check-in, remembered for ``SUMMARY_TTL`` in the process."""
    return await runtime.remembered("checkin.summary", "summary", SUMMARY_TTL, _read_summary)


async def _read_summary() -> Summary:
    rows = await BookingRule.all().values(
        "requires_checkin", "checkin_since", "checkin_closes_minutes"
    )
    since = [r["checkin_since"] for r in rows if r["requires_checkin"] and r["checkin_since"]]
    closes = [r["checkin_closes_minutes"] or 0 for r in rows]
    summary = Summary(
        since=min(since) if since else None,
        longest_close=max([*closes, runtime.settings().checkin_closes_minutes]),
    )
    return summary


def _lower_bound(cursor: int, summary: Summary) -> datetime:
    handled = datetime.fromtimestamp(cursor, UTC) - timedelta(minutes=summary.longest_close)
    assert summary.since is not None
    return max(handled, summary.since - timedelta(microseconds=1))


async def release_due(moment: datetime | None = None) -> int:
    """Release every booking whose check-in window closed by ``moment`` (default: now) with
    nobody checked in. Returns how many this process released (0 when another holds the
    cursor). Costs one indexed query when nothing is due."""
    moment = moment or now()
    summary = await _summary()
    if summary.since is None:
        return 0  # no rule requires check-in
    settings = runtime.settings()
    seen = runtime.memo("checkin.cursor")
    probe_from = _lower_bound(int(seen.get("position", 0)), summary)
    recent = moment.timestamp() - seen.get("position", 0) < 60  # else: move the cursor on
    if recent and not await checkin_db.due(probe_from, moment, settings.checkin_closes_minutes, 1):
        return 0
    total = 0
    while True:
        done, more = await writes.run(
            lambda: _release_batch(moment, summary), changed=lambda r: r[0] > 0
        )
        total += done
        if not more:
            return total


async def _release_batch(moment: datetime, summary: Summary) -> tuple[int, bool]:
    settings = runtime.settings()
    batch = settings.checkin_release_batch
    async with transaction():
        position = await cursor_db.cursor_position(CURSOR)
        if position is None:
            return 0, False  # another process is releasing
        lower = _lower_bound(position, summary)
        rows = await checkin_db.due(lower, moment, settings.checkin_closes_minutes, batch)
        released = set(await checkin_db.release([r.id for r in rows], REASON, moment))
        events: list[tuple[str, str, int | None, dict[str, Any] | None, dict[str, Any] | None]]
        events = []
        for r in rows:
            if r.id not in released:
                continue
            marks: dict[str, Any] = {}
            if occurrences.keeps_hand_changes(r.series_id, r.source):
                marks["exception_fields"] = occurrences.mark(r.exception_fields, ["status"])
                if "status" not in r.exception_fields:
                    await checkin_db.set_exception_fields(r.id, marks["exception_fields"])
            view = {
                "room_id": r.room_id,
                "owner_id": r.owner_id,
                "title": r.title,
                "start": r.start.isoformat(),
                "end": r.end.isoformat(),
            }
            due_at = r.start + timedelta(minutes=r.closes_minutes)
            events.append(
                (
                    "booking.release",
                    "booking",
                    r.id,
                    view | {"status": "confirmed", "version": r.version},
                    view
                    | {
                        "status": Status.released.value,
                        "version": r.version + 1,
                        "reason": REASON,
                        "due_at": due_at.isoformat(),
                        "released_at": moment.isoformat(),
                        **marks,
                    },
                )
            )
        more = len(rows) >= batch
        if not more:
            await cursor_db.move_cursor(CURSOR, int(moment.timestamp()))
        if events:
            await audit.record_many(None, events)
    runtime.memo("checkin.cursor")["position"] = position if more else int(moment.timestamp())
    return len(events), more
