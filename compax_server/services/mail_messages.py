"""The words and the calendar of each email: subject, text and HTML parts, and the
iCalendar attachment (RFC 5545/5546) that puts the booking in Outlook, Google and Apple
calendars. Pure functions of what ``services.mail`` gathered; the finished parts are
stored in the outbox row, so sending is dumb.

Times are shown in the building's zone. The attachment names the booking as the calendar
feeds do (UID ``booking-<id>@<host>``, SEQUENCE = the booking's version), so an invitation
and a feed subscription update one and the same event. Its DTSTART/DTEND carry the
building's TZID with a VTIMEZONE generated from the zone database: the event shows at its
local wall-clock time in every client, and Outlook (which needs a VTIMEZONE for a TZID)
reads it too.
"""

from __future__ import annotations

import contextlib
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress, vText

from compax_server.services import feeds

KINDS: dict[str, str] = {
    "request_received": "a booking request waits for your approval (approvers)",
    "request_closed": "a request you were asked to decide was decided by someone else, "
    "withdrawn or moved to other approvers: its calendar entry is removed (approvers)",
    "approved": "your booking request was approved",
    "rejected": "your booking request was rejected, with the reason",
    "moved": "someone else moved your booking to another time or room",
    "cancelled": "someone else cancelled your booking (also closures, holidays, timetable)",
    "released": "nobody checked in to your booking, so it was released (no-show)",
    "reminder": "your booking starts soon (lead times set by the server)",
    "digest": "daily list of the requests waiting for approval (approvers)",
    "webhook_disabled": "a webhook subscription of yours kept failing and was disabled",
    "waitlist_offer": "a room you waited for came free and is held for you: accept it in time",
    "waitlist_withdrawn": "a room held for you was withdrawn (a closure); you keep your place",
    "waitlist_closed": "you wait no more: nothing came free before your window began, or "
    "the room or building you waited for was removed",
}

REQUEST, CANCEL = "REQUEST", "CANCEL"
METHOD = {
    "request_received": REQUEST,
    "approved": REQUEST,
    "moved": REQUEST,
    "reminder": REQUEST,
    "rejected": CANCEL,
    "cancelled": CANCEL,
    "released": CANCEL,
    "request_closed": CANCEL,
}
MAX_LISTED = 100  # bookings listed (and attached) in one message


@dataclass(frozen=True)
class Shown:
    """One booking as a message shows it."""

    id: int
    title: str
    start: datetime
    end: datetime
    status: str
    version: int
    room_code: str
    room_name: str
    building_name: str
    timezone: str
    owner_email: str
    owner_name: str


@dataclass(frozen=True)
class Draft:
    """What one message says, before it is addressed."""

    kind: str
    bookings: list[Shown] = field(default_factory=list)
    reason: str = ""
    actor: str = ""  # who made the change ("" or "system": nobody in particular)
    before: Shown | None = None  # where a moved booking was
    series_title: str = ""
    lead_minutes: int = 0  # reminder: minutes until the start
    total: int = 0  # digest: requests waiting in all
    extra: dict[str, str] = field(default_factory=dict)  # webhook_disabled: url, reason


@dataclass(frozen=True)
class Parts:
    subject: str
    text: str
    html: str
    ics: str


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when(b: Shown) -> str:
    """``Tue 4 Mar 2031, 10:00-12:00 (Europe/Berlin)`` in the building's zone."""
    return span(b.start, b.end, b.timezone)


def span(start: datetime, end: datetime, timezone: str) -> str:
    """A time span as ``when`` shows it, in the zone ``timezone``."""
    tz = zone(timezone)
    start, end = start.astimezone(tz), end.astimezone(tz)
    day = f"{start:%a} {start.day} {start:%b %Y}"
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}-{end:%H:%M} ({timezone})"
    return f"{day} {start:%H:%M} - {end:%a} {end.day} {end:%b %Y} {end:%H:%M} ({timezone})"


def _window(extra: dict[str, str]) -> str:
    """A waitlist entry's window (``waitlist_closed``: start, end, timezone), or ""."""
    try:
        start, end = datetime.fromisoformat(extra["start"]), datetime.fromisoformat(extra["end"])
    except (KeyError, ValueError):
        return ""
    return span(start, end, extra.get("timezone") or "UTC")


def where(b: Shown) -> str:
    return f"{b.room_code} {b.room_name}, {b.building_name}"


def link(public_url: str, booking_id: int) -> str:
    return f"{public_url}/api/v1/bookings/{booking_id}" if public_url else ""


def one_line(text: str, limit: int = 120) -> str:
    """User-written text for a header: no line breaks or control characters, bounded."""
    flat = re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _by(actor: str) -> str:
    return f" by {actor}" if actor and actor != "system" else ""


def _headline(d: Draft) -> tuple[str, str]:
    """(subject, first sentence)."""
    n = len(d.bookings)
    b = d.bookings[0] if d.bookings else None
    label = one_line(d.series_title or (b.title if b else ""), 80)
    many = n > 1
    what = f"{n} dates of {label}" if many else label
    place = "" if b is None or many else f", {b.room_code}, {when(b)}"
    if d.kind == "request_received":
        owner = b.owner_name if b else ""
        if d.before is not None:  # a request not decided yet, moved
            return (
                f"Booking request changed: {what}{place}",
                f"The request of {owner} was changed{_by(d.actor)}; it waits for approval.",
            )
        return (
            f"Booking request: {what}{place}",
            f"{owner} asks for {'these rooms' if many else 'this room'}; it waits for approval.",
        )
    if d.kind == "request_closed":
        owner = b.owner_name if b else ""
        outcome = d.extra.get("outcome", "")
        return (
            f"Request closed: {what}{place}",
            f"The request of {owner} no longer waits for you: {outcome}{_by(d.actor)}.",
        )
    if d.kind == "approved":
        return f"Approved: {what}{place}", f"Your booking request was approved{_by(d.actor)}."
    if d.kind == "rejected":
        because = f" Reason: {d.reason}" if d.reason else ""
        return (
            f"Rejected: {what}{place}",
            f"Your booking request was rejected{_by(d.actor)}.{because}",
        )
    if d.kind == "moved":
        return f"Moved: {what}{place}", f"Your booking was changed{_by(d.actor)}."
    if d.kind == "cancelled":
        because = f" Reason: {d.reason}" if d.reason else ""
        return f"Cancelled: {what}{place}", f"Your booking was cancelled{_by(d.actor)}.{because}"
    if d.kind == "released":
        return (
            f"Released: {what}{place}",
            "Nobody checked in to your booking in time, so the room was released for others.",
        )
    if d.kind == "reminder":
        lead = _lead(d.lead_minutes)
        return f"Reminder: {what}{place}", f"Your booking starts in {lead}."
    if d.kind == "digest":
        requests = f"{d.total} booking request{'s' if d.total != 1 else ''}"
        return (
            f"{requests} waiting for approval",
            f"{requests} {'wait' if d.total != 1 else 'waits'} for a decision.",
        )
    if d.kind == "waitlist_offer":
        until = d.extra.get("expires_at", "")
        if b is not None and until:
            with contextlib.suppress(ValueError):
                until = f"{datetime.fromisoformat(until).astimezone(zone(b.timezone)):%H:%M}"
        return (
            f"Free for you: {what}{place}",
            f"A room you waited for came free. It is held for you until {until}: accept it "
            "before then, or it passes to the next in line.",
        )
    if d.kind == "waitlist_withdrawn":
        because = f" Reason: {d.reason.rstrip('.')}." if d.reason else ""
        return (
            f"Offer withdrawn: {what}{place}",
            f"The room held for you was withdrawn{_by(d.actor)}.{because} You keep your place "
            "on the waitlist: the next room that fits and comes free is offered to you.",
        )
    if d.kind == "waitlist_closed":
        title = one_line(d.extra.get("title", ""), 80)
        window = _window(d.extra)
        because = f" Reason: {d.reason.rstrip('.')}." if d.reason else ""
        return (
            f"Waitlist closed: {title}" + (f", {window}" if window else ""),
            f"You no longer wait for a room: your waitlist entry was closed{_by(d.actor)}."
            f"{because} Nothing more will be offered for it.",
        )
    url = one_line(d.extra.get("url", ""), 100)
    return (
        f"Webhook disabled: {url}",
        f"Your webhook subscription to {url} kept failing and was disabled.",
    )


def _lead(minutes: int) -> str:
    """How long until the start, as a person says it: 50 minutes, 1 hour, 23 hours, 2 days."""
    if minutes < 60:
        return f"{max(minutes, 1)} minute{'s' if minutes > 1 else ''}"
    if minutes < 90:
        return "1 hour"
    if minutes <= 36 * 60:
        return f"{round(minutes / 60)} hours"
    return f"{round(minutes / 1440)} days"


def _rows(b: Shown, public_url: str, *, owner: bool) -> list[tuple[str, str, str]]:
    """(label, text, url) lines describing one booking."""
    rows = [("What", b.title, ""), ("When", when(b), ""), ("Where", where(b), "")]
    if owner:
        rows.append(("Booked by", f"{b.owner_name} <{b.owner_email}>", ""))
    rows.append(("Status", b.status, ""))
    url = link(public_url, b.id)
    if url:
        rows.append(("Booking", f"#{b.id}", url))
    return rows


def render(
    d: Draft, *, public_url: str, mail_from: str, to_name: str, ics: str | None = None
) -> Parts:
    """The parts of the message to ``to_name``; ``ics``: the calendar already made for the
    same draft to someone else (the calendar does not depend on the recipient)."""
    subject, first = _headline(d)
    show_owner = d.kind in ("request_received", "request_closed", "digest")
    blocks: list[list[tuple[str, str, str]]] = [
        _rows(b, public_url, owner=show_owner) for b in d.bookings[:MAX_LISTED]
    ]
    notes: list[tuple[str, str]] = []  # a sentence, and the link it ends with (or "")
    if d.before is not None and d.bookings:
        notes.append((f"It was: {when(d.before)}, {where(d.before)}.", ""))
    hidden = max(len(d.bookings), d.total) - min(len(d.bookings), MAX_LISTED)
    if hidden > 0:
        notes.append((f"... and {hidden} more.", ""))
    if d.kind == "waitlist_offer":
        link = d.extra.get("link")
        if link:
            notes.append(("Accept or decline here:", link))
        notes.append((f"Or: compax waitlist accept {d.extra.get('entry_id', '')}", ""))
    if d.kind == "waitlist_closed":
        waited = [one_line(d.extra.get("where", "")), _window(d.extra)]
        notes.append((f"You waited for: {', '.join(w for w in waited if w)}.", ""))
        notes.append(("To wait for another room or time: compax waitlist join (--help)", ""))
    if d.kind == "webhook_disabled":
        if d.extra.get("reason"):
            notes.append((f"Last error: {d.extra['reason']}", ""))
        notes.append(
            ("Fix the receiver, then enable the subscription again (compax webhooks).", "")
        )
    footer = "You get this email from Compax. Choose which emails you get: compax notifications."

    text_lines = [f"Hello {to_name},", "", first, ""]
    for rows in blocks:
        for label, value, url in rows:
            text_lines.append(f"{label + ':':<10} {value}" + (f" <{url}>" if url else ""))
        text_lines.append("")
    text_lines += [f"{n} {url}" if url else n for n, url in notes]
    text_lines += [*([""] if notes else []), "-- ", footer]
    text = "\n".join(text_lines) + "\n"

    e = html.escape
    parts = [
        '<!DOCTYPE html><html><body style="font-family: sans-serif">',
        f"<p>Hello {e(to_name)},</p>",
        f"<p>{e(first)}</p>",
    ]
    for rows in blocks:
        parts.append('<table cellpadding="4" style="border-collapse: collapse; margin: 1em 0">')
        for label, value, url in rows:
            shown = f'<a href="{e(url)}">{e(value)}</a>' if url else e(value)
            parts.append(f'<tr><th align="left">{e(label)}</th><td>{shown}</td></tr>')
        parts.append("</table>")
    parts += [
        f'<p>{e(n)} <a href="{e(url)}">{e(url)}</a></p>' if url else f"<p>{e(n)}</p>"
        for n, url in notes
    ]
    parts.append(f'<p style="color: #666; font-size: small">{e(footer)}</p></body></html>')
    if ics is None:
        ics = calendar(d, mail_from=mail_from) if d.kind in METHOD and d.bookings else ""
    return Parts(one_line(subject, 300), text, "\n".join(parts) + "\n", ics)


def calendar(d: Draft, *, mail_from: str) -> str:
    """The iCalendar object of the message: one VEVENT per booking (each keeps the UID the
    feeds give it), METHOD:REQUEST or CANCEL."""
    method = METHOD[d.kind]
    cal = Calendar()
    cal.add("prodid", feeds.PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    host = feeds.uid_host()
    _, organizer_address = parseaddr(mail_from)
    stamp = datetime.now(UTC)
    for b in d.bookings[:MAX_LISTED]:
        tz = zone(b.timezone)
        event = Event()
        event.add("uid", f"booking-{b.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", b.start.astimezone(tz))
        event.add("dtend", b.end.astimezone(tz))
        event.add("sequence", b.version)
        event.add("summary", b.title)
        event.add("location", where(b))
        if method == CANCEL:
            status = "CANCELLED"
        else:
            status = "TENTATIVE" if b.status == "pending" else "CONFIRMED"
        event.add("status", status)
        organizer = vCalAddress(f"mailto:{organizer_address or 'compax@localhost'}")
        organizer.params["cn"] = vText("Compax")
        event.add("organizer", organizer)
        attendee = vCalAddress(f"mailto:{b.owner_email}")
        attendee.params["cn"] = vText(b.owner_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("ACCEPTED" if status == "CONFIRMED" else "TENTATIVE")
        event.add("attendee", attendee)
        cal.add_component(event)
    listed = d.bookings[:MAX_LISTED]
    first = min(b.start for b in listed).date() - timedelta(days=366)
    last = max(b.end for b in listed).date() + timedelta(days=366)
    # only the transitions around the events: a whole zone's history costs milliseconds
    cal.add_missing_timezones(first_date=first, last_date=last)
    return bytes(cal.to_ical()).decode()
