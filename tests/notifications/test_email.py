"""Email notifications end to end: changes made through the services write audit events;
``mail.messages_for`` turns them into outbox rows; ``mail.send_due`` sends them to a real
SMTP server (aiosmtpd) in the test process; the tests read the received messages with
``email`` and their calendars with ``icalendar``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage as Mime
from typing import Any

import pytest
from icalendar import Calendar

from compax_server import runtime
from compax_server.db import mail as mail_db
from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking
from compax_server.db.notifications import EmailMessage
from compax_server.db.users import Role, User
from compax_server.domain.versions import Expected
from compax_server.errors import RuleViolation
from compax_server.services import (
    bookings,
    buildings,
    mail,
    mail_smtp,
    series,
    series_changes,
    users,
)
from compax_server.settings import Settings
from tests.conftest import actor_of, at
from tests.dates import Y2031
from tests.notifications.smtp import Server, smtp_server

PUBLIC = "https://rooms.campus.example"
ANY = Expected(any=True)


def configure(settings: Settings, **changes: Any) -> None:
    runtime.configure(settings.model_copy(update=changes))


@pytest.fixture
def smtp() -> Iterator[Server]:
    with smtp_server() as server:
        yield server


@pytest.fixture
async def outbox(database: str, settings: Settings, smtp: Server) -> Outbox:
    configure(
        settings,
        smtp_url=smtp.url(),
        public_url=PUBLIC,
        mail_from="Compax <rooms@campus.example>",
    )
    return Outbox(smtp)


class Outbox:
    """Plays the dispatcher (events after a cursor → messages) and the worker (send)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.cursor = 0
        self.seen = 0

    async def dispatch(self) -> list[EmailMessage]:
        events = await AuditEvent.filter(id__gt=self.cursor).order_by("id")
        if events:
            self.cursor = events[-1].pk
        messages = await mail.messages_for(events)
        await mail_db.insert_messages(messages)
        return messages

    async def deliver(self) -> list[Mime]:
        """Dispatch, send, and return the messages the SMTP server received since last."""
        await self.dispatch()
        await mail.send_due(limit=500)
        received = self.server.messages[self.seen :]
        self.seen = len(self.server.messages)
        return received


def to(messages: list[Mime], user: User) -> list[Mime]:
    return [m for m in messages if m["To"] == user.email]


def subject(msg: Mime) -> str:
    """The subject as a mail client shows it (a long one is folded onto the next line)."""
    return " ".join(str(msg["Subject"]).split())


def part(msg: Mime, content_type: str) -> str:
    for p in msg.walk():
        if p.get_content_type() == content_type and not p.is_attachment():
            return str(p.get_content())
    raise AssertionError(f"no {content_type} part")


def calendar_of(msg: Mime) -> Calendar:
    return Calendar.from_ical(part(msg, "text/calendar"))


def events_of(cal: Calendar) -> list[Any]:
    return [c for c in cal.walk() if c.name == "VEVENT"]


async def approval_room(make_room: Any) -> Any:
    return await make_room(requires_approval=True)


async def weekly(
    by: User, room: Any, title: str, *, owner: User | None = None, count: int = 3
) -> series.Outcome:
    """A weekly series made by ``by`` (for ``owner``): ``count`` Tuesdays from 4 March,
    09:00-10:30."""
    return await series.create_series(
        actor_of(by),
        room_id=room.pk,
        owner_id=owner.pk if owner else None,
        title=title,
        start_date=date(Y2031, 3, 4),
        start_time="09:00",
        duration_minutes=90,
        recurrence_rule={"freq": "weekly", "count": count},
    )


async def algebra(staff: User, member: User, room: Any) -> series.Outcome:
    """Staff's weekly series for the member: Tuesdays 4, 11 and 18 March, 09:00-10:30."""
    return await weekly(staff, room, "Algebra", owner=member)


# -- what each change sends, and to whom --------------------------------------------------


async def test_a_request_reaches_the_approvers_with_an_invitation_in_the_building_zone(
    outbox, make_user, staff, admin, member, make_room
):
    room = await approval_room(make_room)
    inactive = await make_user(Role.staff)
    await users.deactivate_user(actor_of(admin), inactive.pk)
    # Monday 2031-03-03 10:00-11:30 UTC is 11:00-12:30 in Berlin (CET)
    created = await bookings.create_booking(
        actor_of(member),
        room_id=room.pk,
        title="Thesis defence",
        start=at(0, 10),
        end=at(0, 11, 30),
    )
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([staff.email, admin.email])
    msg = to(received, staff)[0]
    assert subject(msg).startswith("Booking request: Thesis defence")
    text = part(msg, "text/plain")
    assert f"Mon 3 Mar {Y2031}, 11:00-12:30 (Europe/Berlin)" in text
    assert room.code in text and room.name in text
    assert f"{PUBLIC}/api/v1/bookings/{created.booking.pk}" in text
    assert member.full_name in text
    cal = calendar_of(msg)
    assert cal["METHOD"] == "REQUEST"
    [event] = events_of(cal)
    assert str(event["UID"]) == f"booking-{created.booking.pk}@rooms.campus.example"
    assert event["SEQUENCE"] == created.booking.version == 1
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTSTART"].dt == at(0, 10)
    assert event["DTSTART"].dt.hour == 11  # local wall-clock time
    assert event["STATUS"] == "TENTATIVE"
    assert "rooms@campus.example" in str(event["ORGANIZER"])
    assert str(event["ATTENDEE"]) == f"mailto:{member.email}"
    assert any(c.name == "VTIMEZONE" for c in cal.walk())


async def test_the_message_is_text_html_and_a_calendar_part_with_its_method_and_an_attachment(
    outbox, staff, member, room, book
):
    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY, reason="exam week")
    [msg] = await outbox.deliver()
    assert msg.get_content_type() == "multipart/mixed"
    alternative = next(p for p in msg.walk() if p.get_content_type() == "multipart/alternative")
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    calendar_part = list(alternative.iter_parts())[2]
    assert calendar_part.get_param("method") == "CANCEL"
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "cancel.ics"
    assert b"METHOD:CANCEL" in attachment.get_content()
    assert msg["Message-ID"] and msg["Date"] and msg["Auto-Submitted"] == "auto-generated"


async def test_approved_and_rejected_tell_the_owner_with_the_reason(
    outbox, staff, admin, member, make_room
):
    room = await approval_room(make_room)
    one = await bookings.create_booking(
        actor_of(member), room_id=room.pk, title="Seminar", start=at(2, 9), end=at(2, 10)
    )
    two = await bookings.create_booking(
        actor_of(member), room_id=room.pk, title="Workshop", start=at(3, 9), end=at(3, 10)
    )
    await outbox.deliver()  # the requests, to the approvers
    await bookings.approve_booking(actor_of(staff), one.booking.pk, expected=ANY)
    await bookings.reject_booking(
        actor_of(staff), two.booking.pk, expected=ANY, reason="the room is being painted"
    )
    received = await outbox.deliver()
    approved, rejected = to(received, member)
    assert to(received, staff) == []  # who decided knows
    # the other approvers' invitations are withdrawn, saying how each request ended
    closed = to(received, admin)
    assert [subject(m).split(",")[0] for m in closed] == [
        "Request closed: Seminar",
        "Request closed: Workshop",
    ]
    for msg, outcome, pk in zip(closed, ("approved", "rejected"), (one, two), strict=True):
        assert (
            f"The request of {member.full_name} no longer waits for you: {outcome} by "
            f"{staff.email}." in part(msg, "text/plain")
        )
        cal = calendar_of(msg)
        [event] = events_of(cal)
        assert (cal["METHOD"], event["STATUS"], event["SEQUENCE"]) == ("CANCEL", "CANCELLED", 2)
        assert str(event["UID"]).startswith(f"booking-{pk.booking.pk}@")
    assert len(received) == 4
    assert subject(approved).startswith("Approved: Seminar")
    assert f"approved by {staff.email}" in part(approved, "text/plain")
    cal = calendar_of(approved)
    assert cal["METHOD"] == "REQUEST"
    [event] = events_of(cal)
    assert event["SEQUENCE"] == 2 and event["STATUS"] == "CONFIRMED"
    assert subject(rejected).startswith("Rejected: Workshop")
    assert "Reason: the room is being painted" in part(rejected, "text/plain")
    cal = calendar_of(rejected)
    assert cal["METHOD"] == "CANCEL"
    [event] = events_of(cal)
    assert str(event["UID"]) == f"booking-{two.booking.pk}@rooms.campus.example"
    assert event["SEQUENCE"] == 2 and event["STATUS"] == "CANCELLED"


async def test_changes_the_owner_made_are_not_mailed_to_the_owner(outbox, member, room, book):
    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.update_booking(
        actor_of(member), b.pk, expected=ANY, start=at(1, 11), end=at(1, 12)
    )
    await bookings.cancel_booking(actor_of(member), b.pk, expected=ANY)
    assert await outbox.deliver() == []


async def test_a_move_by_staff_says_where_and_when_it_was_and_is(
    outbox, staff, member, make_room, book
):
    room, other = await make_room(), await make_room(name="Lecture hall")
    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.update_booking(
        actor_of(staff), b.pk, expected=ANY, room_id=other.pk, start=at(1, 13), end=at(1, 14)
    )
    [msg] = await outbox.deliver()
    assert msg["To"] == member.email and subject(msg).startswith("Moved: Lecture")
    text = part(msg, "text/plain")
    assert f"Tue 4 Mar {Y2031}, 14:00-15:00 (Europe/Berlin)" in text
    assert f"{other.code} Lecture hall" in text
    assert f"It was: Tue 4 Mar {Y2031}, 10:00-11:00 (Europe/Berlin), {room.code}" in text
    [event] = events_of(calendar_of(msg))
    assert event["SEQUENCE"] == 2 and other.code in str(event["LOCATION"])


async def test_a_closure_that_cancels_bookings_tells_each_owner_why(
    outbox, staff, member, make_user, building, room, book
):
    other = await make_user()
    await book(member, room, at(1, 9), at(1, 10))
    await book(other, room, at(1, 11), at(1, 12))
    await buildings.add_closure(
        actor_of(staff),
        building.pk,
        reason="burst pipe",
        start_date=date(Y2031, 3, 4),
        on_bookings="cancel",
    )
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([member.email, other.email])
    for msg in received:
        assert subject(msg).startswith("Cancelled: Lecture")
        assert "Reason: closed: burst pipe" in part(msg, "text/plain")
        assert calendar_of(msg)["METHOD"] == "CANCEL"


async def test_a_request_overridden_by_a_confirmed_booking_is_rejected_by_email(
    outbox, staff, admin, member, make_room, book
):
    room = await approval_room(make_room)
    await bookings.create_booking(
        actor_of(member), room_id=room.pk, title="Request", start=at(1, 9), end=at(1, 10)
    )
    await outbox.deliver()
    await book(staff, room, at(1, 9), at(1, 10), title="Board meeting")
    received = await outbox.deliver()
    [msg] = to(received, member)
    assert subject(msg).startswith("Rejected: Request")
    [closed] = to(received, admin)  # staff made the booking: they know
    assert f"no longer waits for you: rejected by {staff.email}." in part(closed, "text/plain")
    assert len(received) == 2
    assert "the room was given to booking" in part(msg, "text/plain")


async def test_a_series_change_is_one_message_per_owner_listing_each_date(
    outbox, staff, member, room
):
    made = await algebra(staff, member, room)
    assert await outbox.deliver() == []  # confirmed at once: nothing to tell
    await series_changes.update_series(
        actor_of(staff), made.series.pk, expected=ANY, start_time="10:00"
    )
    [msg] = await outbox.deliver()
    assert msg["To"] == member.email
    assert subject(msg) == "Moved: 3 dates of Algebra"
    text = part(msg, "text/plain")
    assert f"Tue 4 Mar {Y2031}, 10:00-11:30 (Europe/Berlin)" in text
    assert f"Tue 18 Mar {Y2031}, 10:00-11:30 (Europe/Berlin)" in text
    events = events_of(calendar_of(msg))
    assert sorted(str(e["UID"]) for e in events) == sorted(
        f"booking-{i}@rooms.campus.example" for i in made.booking_ids
    )
    await series_changes.cancel_series(
        actor_of(staff), made.series.pk, expected=ANY, reason="course dropped"
    )
    [msg] = await outbox.deliver()
    assert subject(msg) == "Cancelled: 3 dates of Algebra"
    assert "Reason: course dropped" in part(msg, "text/plain")
    assert calendar_of(msg)["METHOD"] == "CANCEL"


async def test_a_malicious_title_is_escaped_in_html_and_flattened_in_the_subject(
    outbox, staff, member, room, book
):
    title = '<script>alert("x")</script> & <img src=x onerror=alert(1)>\r\nBcc: evil@x.example'
    b = await book(member, room, at(1, 9), at(1, 10), title=title)
    await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY, reason="<b>bold</b>")
    [msg] = await outbox.deliver()
    assert msg["Bcc"] is None
    assert "\n" not in subject(msg) and "<script>" in subject(msg)
    html = part(msg, "text/html")
    assert "<script>" not in html and "<img" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    [event] = events_of(calendar_of(msg))
    assert str(event["SUMMARY"]).replace("\r", "") == title.replace("\r", "")


async def test_each_kind_can_be_turned_off_and_inactive_users_get_nothing(
    outbox, staff, admin, member, make_user, room, book
):
    quiet = await make_user()
    gone = await make_user()
    await mail.update_preferences(actor_of(quiet), ["cancelled", "reminder"])
    for owner in (member, quiet, gone):
        b = await book(
            owner,
            room,
            at(1 + owner.pk % 3, 9 + owner.pk % 5),
            at(1 + owner.pk % 3, 10 + owner.pk % 5),
        )
        await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
    await users.deactivate_user(actor_of(admin), gone.pk)
    received = await outbox.deliver()
    assert [m["To"] for m in received] == [member.email]


async def test_preferences_keep_known_kinds_and_name_unknown_ones(database, member):
    prefs = await mail.get_preferences(actor_of(member))
    assert prefs.email_opt_out == [] and set(prefs.kinds) == set(mail.KINDS)
    assert not prefs.email_enabled  # no SMTP configured in this test
    prefs = await mail.update_preferences(actor_of(member), ["reminder", "digest", "reminder"])
    assert prefs.email_opt_out == ["reminder", "digest"]
    with pytest.raises(RuleViolation) as refused:
        await mail.update_preferences(actor_of(member), ["reminder", "spam", "newsletter"])
    known = ", ".join(mail.KINDS)
    assert refused.value.detail == f"unknown kinds of email: 'spam', 'newsletter'; known: {known}"
    assert refused.value.extra["errors"] == [
        {
            "location": "body",
            "pointer": f"/email_opt_out/{n}",
            "detail": f"{kind!r} is not a kind of email; one of {known}",
            "code": "unknown_kind",
        }
        for n, kind in ((1, "spam"), (2, "newsletter"))
    ]
    assert (await mail.get_preferences(actor_of(member))).email_opt_out == ["reminder", "digest"]
    await mail.update_preferences(actor_of(member), ["moved"])
    [first, second] = await AuditEvent.filter(action="notifications.update").order_by("id")
    assert (second.entity_type, second.entity_id, second.actor_user_id) == (
        "user",
        member.pk,
        member.pk,
    )
    assert (first.before, first.after) == (
        {"email_opt_out": []},
        {"email_opt_out": ["reminder", "digest"]},
    )
    assert (second.before, second.after) == (
        {"email_opt_out": ["reminder", "digest"]},
        {"email_opt_out": ["moved"]},
    )


async def test_a_disabled_webhook_tells_its_owner_or_the_user_of_its_api_key(
    outbox, admin, staff, member, room, book
):
    from compax_server.services import api_keys, audit

    _, secret = await api_keys.create_api_key(
        actor_of(admin), user_id=member.pk, name="sis", scopes=["read", "write"]
    )
    from compax_server.db.api_keys import ApiKey

    key = await ApiKey.get(user_id=member.pk)
    why = f"disabled {Y2031}-03-03T10:00:00Z: delivery 9 (event 4) failed for a day: HTTP 500"
    owners = (
        {"owner_user_id": staff.pk, "disabled_reason": why},
        {"owner_user_id": None, "owner_api_key_id": key.pk, "reason": "an older event's words"},
    )
    for owner in owners:
        await audit.record(
            None,
            "webhook.disable",
            "webhook",
            7,
            after={"url": "https://hooks.example/x", "active": False} | owner,
        )
    # in the same batch: a booking's message, not lost beside the API key's
    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
    first, second, third = await outbox.deliver()
    assert (first["To"], second["To"], third["To"]) == (staff.email, member.email, member.email)
    assert subject(first) == "Webhook disabled: https://hooks.example/x"
    assert "HTTP 500" in part(first, "text/plain")
    assert "Last error: an older event's words" in part(second, "text/plain")
    assert subject(third).startswith("Cancelled: Lecture")
    assert not list(first.iter_attachments())
    assert secret


async def test_moving_ones_own_booking_into_a_room_that_needs_approval_asks_the_approvers(
    outbox, staff, admin, member, room, make_room, book
):
    approval = await approval_room(make_room)
    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.update_booking(actor_of(member), b.pk, expected=ANY, room_id=approval.pk)
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([staff.email, admin.email])
    msg = received[0]
    assert subject(msg).startswith("Booking request: Lecture")
    assert approval.code in part(msg, "text/plain")


async def test_building_a_batch_twice_queues_each_message_once(outbox, staff, member, room, book):
    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
    events = await AuditEvent.all().order_by("id")
    first = await mail.messages_for(events)
    assert await mail_db.insert_messages(first) == 1
    assert await mail_db.insert_messages(await mail.messages_for(events)) == 0
    assert await EmailMessage.all().count() == 1


# -- SMTP off -------------------------------------------------------------------------------


async def test_without_smtp_nothing_is_queued_or_sent(
    database, staff, member, room, book, make_room
):
    assert not runtime.settings().smtp_url
    approval = await approval_room(make_room)
    await bookings.create_booking(
        actor_of(member), room_id=approval.pk, title="R", start=at(1, 9), end=at(1, 10)
    )
    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
    assert await mail.messages_for(await AuditEvent.all()) == []
    assert await mail.queue_reminders(at(0, 9)) == 0
    assert await mail.queue_digests(at(0, 9)) == 0
    assert await mail.send_due() == 0
    assert await EmailMessage.all().count() == 0


# -- reminders and the digest ---------------------------------------------------------------


async def test_reminders_24_hours_and_1_hour_ahead_once_each(outbox, member, room, book):
    b = await book(member, room, at(2, 9), at(2, 10))
    start = b.start
    assert await mail.queue_reminders(start - timedelta(hours=25)) == 0
    assert await mail.queue_reminders(start - timedelta(hours=24)) == 1
    assert await mail.queue_reminders(start - timedelta(hours=22)) == 0  # once
    assert await mail.queue_reminders(start - timedelta(minutes=60)) == 1
    assert await mail.queue_reminders(start - timedelta(minutes=10)) == 0
    assert await mail.queue_reminders(start + timedelta(minutes=1)) == 0
    await mail.send_due()
    day, hour = outbox.server.messages
    assert subject(day).startswith("Reminder: Lecture") and "starts in 24 hours" in part(
        day, "text/plain"
    )
    assert "starts in 1 hour." in part(hour, "text/plain")
    assert calendar_of(hour)["METHOD"] == "REQUEST"


async def test_reminders_are_looked_for_once_a_minute_and_say_how_soon(
    outbox, member, room, make_room, book
):
    first = await book(member, room, at(2, 9), at(2, 10))
    now = first.start - timedelta(minutes=30)
    assert await mail.queue_reminders(now) == 1
    await book(member, await make_room(), at(2, 9, 10), at(2, 10))
    assert await mail.queue_reminders(now + timedelta(seconds=59)) == 0  # not looked
    assert await mail.queue_reminders(now + timedelta(seconds=60)) == 1
    await mail.send_due()
    texts = [part(m, "text/plain") for m in outbox.server.messages]
    assert "starts in 30 minutes." in texts[0] and "starts in 39 minutes." in texts[1]


async def test_no_day_ahead_reminder_for_a_booking_made_two_hours_ahead(outbox, member, room, book):
    b = await book(member, room, at(2, 9), at(2, 10))
    await Booking.filter(id=b.pk).update(created_at=b.start - timedelta(hours=2))
    assert await mail.queue_reminders(b.start - timedelta(hours=23)) == 0
    assert await mail.queue_reminders(b.start - timedelta(hours=1, minutes=30)) == 0
    assert await mail.queue_reminders(b.start - timedelta(minutes=30)) == 1
    # made exactly a day ahead: the day-ahead reminder too
    c = await book(member, room, at(3, 9), at(3, 10))
    await Booking.filter(id=c.pk).update(created_at=c.start - timedelta(hours=24))
    assert await mail.queue_reminders(c.start - timedelta(hours=23)) == 1


async def test_each_booking_gets_the_reminder_of_the_lead_it_is_within(
    outbox, settings, smtp, member, room, make_room, book
):
    """Leads 24 h, 1 h and 10 min (written with spaces): a booking 30 minutes ahead gets
    only the hour's reminder, one 30 seconds ahead the 10 minutes' one."""
    configure(settings, smtp_url=smtp.url(), reminder_leads="1440, 60, 10")
    soon = await book(member, room, at(2, 9), at(2, 10))
    assert await mail.queue_reminders(soon.start - timedelta(minutes=30)) == 1
    now = soon.start - timedelta(seconds=30)
    assert await mail.queue_reminders(now) == 1
    keys = sorted(m.dedupe_key.split(":")[2] for m in await EmailMessage.all())
    assert keys == ["10", "60"]


async def test_a_moved_booking_is_reminded_again_and_opted_out_owners_never(
    outbox, staff, member, make_user, room, book
):
    quiet = await make_user()
    await mail.update_preferences(actor_of(quiet), ["reminder"])
    b = await book(member, room, at(2, 9), at(2, 10))
    await book(quiet, room, at(2, 11), at(2, 12))
    assert await mail.queue_reminders(at(2, 9) - timedelta(minutes=30)) == 1
    await bookings.update_booking(
        actor_of(staff), b.pk, expected=ANY, start=at(2, 10), end=at(2, 11)
    )
    assert await mail.queue_reminders(at(2, 10) - timedelta(minutes=30)) == 1
    assert await mail.queue_reminders(at(2, 11) - timedelta(minutes=30)) == 0


async def test_the_digest_goes_once_a_day_after_its_hour_and_only_when_requests_wait(
    outbox, settings, smtp, staff, admin, member, make_room, make_user
):
    configure(settings, smtp_url=smtp.url(), digest_hour=7)
    room = await approval_room(make_room)
    morning = datetime(Y2031, 3, 1, 6, 30, tzinfo=UTC)
    assert await mail.queue_digests(morning.replace(hour=8)) == 0  # nothing waits
    for day in (1, 2):
        await bookings.create_booking(
            actor_of(member),
            room_id=room.pk,
            title=f"Request {day}",
            start=at(day, 9),
            end=at(day, 10),
        )
    assert await mail.queue_digests(morning) == 0  # before 07:00 UTC
    assert await mail.queue_digests(morning.replace(hour=7)) == 2  # staff and admin
    newcomer = await make_user(Role.staff)  # not seen until the next look
    assert await mail.queue_digests(morning.replace(hour=7, second=30)) == 0  # not looked
    assert await mail.queue_digests(morning.replace(hour=18)) == 1  # once a day: theirs
    await mail.update_preferences(actor_of(newcomer), ["digest"])
    await mail.update_preferences(actor_of(admin), ["digest"])
    assert await mail.queue_digests(morning + timedelta(days=1, hours=1)) == 1
    await mail.update_preferences(actor_of(staff), ["digest"])
    assert await mail.queue_digests(morning + timedelta(days=2, hours=1)) == 0  # nobody wants it
    await mail.send_due()
    received = smtp.messages
    assert [m["To"] for m in received] == [staff.email, admin.email, newcomer.email, staff.email]
    assert received[0]["Subject"] == "2 booking requests waiting for approval"
    text = part(received[0], "text/plain")
    assert "Request 1" in text and "Request 2" in text and member.full_name in text


# -- sending: failures, retries, limits, auth -----------------------------------------------


async def test_a_server_down_is_retried_and_the_message_sent_when_it_is_back(
    outbox, staff, member, room, book, caplog
):
    port = outbox.server.port
    outbox.server.stop()
    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
    assert len(await outbox.dispatch()) == 1
    with caplog.at_level("INFO", logger="compax.mail"):
        assert await mail.send_due() == 0
    [row] = await EmailMessage.all()
    assert row.status == "pending" and row.attempts == 1
    assert row.last_error.startswith("SMTPConnectError: ")
    [said] = [r.getMessage() for r in caplog.records if r.name == "compax.mail"]
    assert said == f"SMTP 127.0.0.1:{port}: {row.last_error}; 1 email later"
    assert row.next_attempt_at > datetime.now(UTC) + timedelta(seconds=25)
    assert await mail.send_due() == 0  # not due yet: no second attempt
    await EmailMessage.filter(id=row.pk).update(
        next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    with smtp_server(port) as back:
        before = datetime.now(UTC)
        assert await mail.send_due() == 1
        after = datetime.now(UTC)
        [msg] = back.messages
    assert subject(msg).startswith("Cancelled: Lecture")
    row = await EmailMessage.get(id=row.pk)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert row.sent_at is not None and before <= row.sent_at <= after  # the moment, in UTC


async def test_a_message_still_failing_after_a_day_is_given_up(outbox, staff, member, room, book):
    outbox.server.stop()
    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
    await outbox.dispatch()
    await EmailMessage.all().update(created_at=datetime.now(UTC) - timedelta(hours=24))
    assert await mail.send_due() == 0
    [row] = await EmailMessage.all()
    assert row.status == "failed" and "Connect" in row.last_error


async def test_a_permanent_refusal_fails_at_once(outbox, staff, member, room, book):
    outbox.server.handler.refuse = "554 no such mailbox"
    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
    await outbox.dispatch()
    assert await mail.send_due() == 0
    [row] = await EmailMessage.all()
    assert row.status == "failed" and row.last_error.startswith("554")


async def test_a_temporary_refusal_is_retried(outbox, staff, member, room, book):
    outbox.server.handler.refuse = "451 try again later"
    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
    await outbox.dispatch()
    assert await mail.send_due() == 0
    [row] = await EmailMessage.all()
    assert row.status == "pending" and row.last_error.startswith("451")


async def test_at_most_mail_per_minute_are_sent(outbox, settings, smtp, staff, member, room, book):
    configure(settings, smtp_url=smtp.url(), mail_per_minute=2)
    for day in range(3):
        b = await book(member, room, at(day, 9), at(day, 10))
        await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
    assert len(await outbox.dispatch()) == 3
    assert await mail.send_due() == 2
    assert await mail.send_due() == 0  # the minute's tokens are spent
    assert await EmailMessage.filter(status="pending").count() == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_smtp_auth_when_the_server_offers_no_starttls(
    database, settings, staff, member, room, book
):
    with smtp_server(auth=("mailer", "s3cret:pass")) as server:
        # no ?starttls: STARTTLS only when offered (this server does not), then AUTH
        url = f"smtp://mailer:s3cret%3Apass@127.0.0.1:{server.port}?timeout=5"
        configure(settings, smtp_url=url)
        b = await book(member, room, at(1, 9), at(1, 10))
        await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
        await mail_db.insert_messages(await mail.messages_for(await AuditEvent.all()))
        assert await mail.send_due() == 1
        assert len(server.messages) == 1
        # (this test server answers a failed AUTH slowly: a short timeout)
        configure(settings, smtp_url=f"smtp://mailer:wrong@127.0.0.1:{server.port}?timeout=1")
        b = await book(member, room, at(2, 9), at(2, 10))
        await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
        await mail_db.insert_messages(await mail.messages_for(await AuditEvent.all()))
        assert await mail.send_due() == 0
        assert await EmailMessage.filter(status="pending").count() == 1
        assert len(server.messages) == 1


async def test_starttls_when_offered_and_smtps(
    database, settings, tmp_path, staff, member, room, book
):
    from tests.notifications.smtp import certificate

    cert, key = certificate(tmp_path)
    day = iter(range(1, 10))

    async def send_one() -> int:
        n = next(day)
        b = await book(member, room, at(n, 9), at(n, 10))
        await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
        await mail_db.insert_messages(await mail.messages_for(await AuditEvent.all()))
        return await mail.send_due()

    with smtp_server(starttls=(cert, key), auth=("mailer", "pw")) as server:
        configure(settings, smtp_url=f"smtp://mailer:pw@127.0.0.1:{server.port}?cafile={cert}")
        assert await send_one() == 1
        assert server.handler.encrypted == [True]  # upgraded, then logged in, then sent
        # a certificate nobody vouches for: not sent, retried later
        configure(settings, smtp_url=f"smtp://mailer:pw@127.0.0.1:{server.port}?timeout=5")
        assert await send_one() == 0
        [row] = await EmailMessage.filter(status="pending")
        assert "CERTIFICATE_VERIFY_FAILED" in row.last_error
        await EmailMessage.filter(id=row.pk).update(status="failed")  # out of the way
    with smtp_server(implicit_tls=(cert, key)) as server:
        configure(settings, smtp_url=f"smtps://127.0.0.1:{server.port}?cafile={cert}")
        assert await send_one() == 1
        # the same server in plain text answers nothing a client understands
        configure(settings, smtp_url=f"smtp://127.0.0.1:{server.port}?starttls=false&timeout=1")
        assert await send_one() == 0
        assert len(server.messages) == 1


async def test_starttls_is_used_exactly_as_the_url_says(
    database, settings, tmp_path, staff, member, room, book
):
    """``starttls=true`` never falls back to plain text with a server that offers no
    STARTTLS; ``starttls=false`` never upgrades (a server that requires it refuses)."""
    from tests.notifications.smtp import certificate

    cert, key = certificate(tmp_path)
    with smtp_server() as server:
        configure(settings, smtp_url=f"smtp://127.0.0.1:{server.port}?starttls=true&timeout=5")
        b = await book(member, room, at(1, 9), at(1, 10))
        await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
        await mail_db.insert_messages(await mail.messages_for(await AuditEvent.all()))
        assert await mail.send_due() == 0
        [row] = await EmailMessage.filter(status="pending")
        assert "STARTTLS" in row.last_error, row.last_error
        assert server.messages == []
    await EmailMessage.filter(id=row.pk).update(next_attempt_at=datetime.now(UTC))
    with smtp_server(starttls=(cert, key)) as server:
        url = f"smtp://127.0.0.1:{server.port}?starttls=false&cafile={cert}&timeout=5"
        configure(settings, smtp_url=url)
        assert await mail.send_due() == 0
        [row] = await EmailMessage.filter(status="failed")  # refused for good: 530
        assert "Must issue a STARTTLS command first" in row.last_error, row.last_error
        assert server.messages == []


async def test_no_smtp_or_no_room_in_the_batch_sends_nothing(
    outbox, settings, smtp, staff, member, room, book
):
    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
    await outbox.dispatch()
    assert await mail_smtp.send_batch(0) == 0
    configure(settings, smtp_url="")
    assert await mail_smtp.send_batch(10) == 0
    assert smtp.messages == []
    assert await EmailMessage.filter(status="pending").count() == 1


def test_every_kind_has_a_description():
    assert set(mail.KINDS) == {
        "request_received",
        "request_closed",
        "approved",
        "rejected",
        "moved",
        "cancelled",
        "released",
        "reminder",
        "digest",
        "webhook_disabled",
        "waitlist_offer",
        "waitlist_withdrawn",
        "waitlist_closed",
    }
    assert all(re.match(r"^[a-z].{10,}$", d) for d in mail.KINDS.values())


# -- through the worker ---------------------------------------------------------------------


async def test_the_worker_dispatches_the_events_and_sends_the_emails(
    outbox, staff, member, room, book
):
    from compax_server.worker import Worker

    b = await book(member, room, at(1, 9), at(1, 10))
    await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY, reason="exam week")
    worker = Worker()
    assert await worker.run_once() > 0
    [msg] = outbox.server.messages
    assert msg["To"] == member.email and "Reason: exam week" in part(msg, "text/plain")
    [row] = await EmailMessage.all()
    assert row.status == "sent" and row.event_id is not None and row.booking_id == b.pk
    await worker.run_once()
    assert len(outbox.server.messages) == 1  # once


def transitions(cal: Calendar) -> list[datetime]:
    """Every change of offset the calendar's VTIMEZONE lists (DTSTART and RDATE)."""
    out = []
    for tz in cal.walk("VTIMEZONE"):
        for c in tz.subcomponents:
            out.append(c["DTSTART"].dt)
            rdates = c.get("RDATE") or []
            for r in rdates if isinstance(rdates, list) else [rdates]:
                out += [p.dt for p in r.dts]
    return sorted(out)


async def test_the_calendar_part_is_a_whole_invitation_and_cancellation(
    outbox, staff, member, building, make_room
):
    """Every property a calendar client reads, exactly: the calendar's header, the event's
    times in the building's zone, its stamp in UTC, the organizer and the owner as attendee
    (accepted when confirmed, tentative while pending), and the zone's offsets around the
    booking (a change before it and after it), not its whole history."""
    room = await approval_room(make_room)
    created = await bookings.create_booking(
        actor_of(member), room_id=room.pk, title="Viva", start=at(0, 10), end=at(0, 11, 30)
    )
    pk = created.booking.pk
    request = to(await outbox.deliver(), staff)[0]
    await bookings.approve_booking(actor_of(staff), pk, expected=ANY)
    [approved] = to(await outbox.deliver(), member)
    await bookings.cancel_booking(actor_of(staff), pk, expected=ANY, reason="exams")
    [cancelled] = await outbox.deliver()
    expected = [("REQUEST", "TENTATIVE", "TENTATIVE", 1), ("REQUEST", "CONFIRMED", "ACCEPTED", 2)]
    expected.append(("CANCEL", "CANCELLED", "TENTATIVE", 3))
    for msg, (method, status, partstat, version) in zip(
        (request, approved, cancelled), expected, strict=True
    ):
        cal = calendar_of(msg)
        header = {k: str(cal[k]) for k in ("PRODID", "VERSION", "CALSCALE", "METHOD")}
        assert header == {
            "PRODID": "-//Compax//Classroom booking//EN",
            "VERSION": "2.0",
            "CALSCALE": "GREGORIAN",
            "METHOD": method,
        }
        [event] = events_of(cal)
        assert str(event["UID"]) == f"booking-{pk}@rooms.campus.example"
        assert (event["SUMMARY"], event["STATUS"], event["SEQUENCE"]) == ("Viva", status, version)
        assert str(event["LOCATION"]) == f"{room.code} {room.name}, {building.name}"
        for key, moment in (("DTSTART", at(0, 10)), ("DTEND", at(0, 11, 30))):
            assert event[key].params["TZID"] == "Europe/Berlin"
            assert event[key].dt == moment and event[key].dt.utcoffset() == timedelta(hours=1)
        stamp = event["DTSTAMP"].dt
        assert stamp.tzinfo is not None and stamp.utcoffset() == timedelta(0)
        assert abs(stamp - datetime.now(UTC)) < timedelta(minutes=10)
        organizer = event["ORGANIZER"]
        assert str(organizer) == "mailto:rooms@campus.example"
        assert organizer.params["CN"] == "Compax"
        attendee = event["ATTENDEE"]
        assert str(attendee) == f"mailto:{member.email}"
        assert dict(attendee.params) == {
            "CN": member.full_name,
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": partstat,
        }
        changes = [t.date() for t in transitions(cal)]
        assert [c for c in changes if c < date(Y2031, 3, 3)][-1] == date(Y2031 - 1, 10, 27)
        assert next(c for c in changes if c > date(Y2031, 3, 3)) == date(Y2031, 3, 30)
        assert min(changes) >= date(Y2031 - 1, 3, 1) and max(changes) <= date(Y2031 + 1, 3, 4)


async def test_a_request_moved_before_a_decision_reaches_the_approvers_again(
    outbox, staff, admin, member, make_room
):
    """The approvers' invitation follows a request they have not decided yet: moved, it is a
    "changed" request saying when it was; renamed only, nothing. A booking moved into a
    room that needs approval is a new request, not a changed one."""
    room, plain = await approval_room(make_room), await make_room()
    made = await bookings.create_booking(
        actor_of(member), room_id=room.pk, title="Viva", start=at(0, 10), end=at(0, 11)
    )
    pk = made.booking.pk
    assert len(await outbox.deliver()) == 2
    await bookings.update_booking(actor_of(member), pk, expected=ANY, title="Viva voce")
    assert await outbox.deliver() == []
    await bookings.update_booking(
        actor_of(member), pk, expected=ANY, start=at(0, 12), end=at(0, 13)
    )
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([staff.email, admin.email])
    msg = to(received, staff)[0]
    assert subject(msg) == (
        f"Booking request changed: Viva voce, {room.code}, Mon 3 Mar {Y2031}, 13:00-14:00 "
        "(Europe/Berlin)"
    )
    text = part(msg, "text/plain")
    assert f"The request of {member.full_name} was changed by {member.email}; it waits" in text
    assert f"It was: Mon 3 Mar {Y2031}, 11:00-12:00 (Europe/Berlin), {room.code}" in text
    [event] = events_of(calendar_of(msg))
    assert (event["SEQUENCE"], event["DTSTART"].dt) == (3, at(0, 12))
    # a confirmed booking moved into the room: a request, new
    other = await bookings.create_booking(
        actor_of(member), room_id=plain.pk, title="Tutorial", start=at(1, 9), end=at(1, 10)
    )
    await bookings.update_booking(actor_of(member), other.booking.pk, expected=ANY, room_id=room.pk)
    msg = to(await outbox.deliver(), staff)[0]
    assert subject(msg).startswith("Booking request: Tutorial, ")
    assert "It was:" not in part(msg, "text/plain")
    assert f"{member.full_name} asks for this room" in part(msg, "text/plain")


async def test_each_message_shows_the_booking_as_its_event_saw_it(outbox, staff, member, make_room):
    """Approved, then moved before the dispatcher ran: the approval shows the time it
    approved (its version), the move the new one; a change of the end alone is a move."""
    room = await approval_room(make_room)
    made = await bookings.create_booking(
        actor_of(member), room_id=room.pk, title="Viva", start=at(0, 10), end=at(0, 11)
    )
    pk = made.booking.pk
    await outbox.deliver()
    await bookings.approve_booking(actor_of(staff), pk, expected=ANY)
    await bookings.update_booking(actor_of(staff), pk, expected=ANY, start=at(0, 12), end=at(0, 13))
    approved, moved = to(await outbox.deliver(), member)
    assert f"Mon 3 Mar {Y2031}, 11:00-12:00 (Europe/Berlin)" in subject(approved)
    [event] = events_of(calendar_of(approved))
    assert (event["SEQUENCE"], event["DTSTART"].dt, event["STATUS"]) == (2, at(0, 10), "CONFIRMED")
    assert f"Mon 3 Mar {Y2031}, 13:00-14:00 (Europe/Berlin)" in subject(moved)
    [event] = events_of(calendar_of(moved))
    assert (event["SEQUENCE"], event["DTSTART"].dt) == (3, at(0, 12))
    await bookings.update_booking(actor_of(staff), pk, expected=ANY, end=at(0, 14))
    [longer] = await outbox.deliver()
    assert subject(longer) == (
        f"Moved: Viva, {room.code}, Mon 3 Mar {Y2031}, 13:00-15:00 (Europe/Berlin)"
    )
    assert f"It was: Mon 3 Mar {Y2031}, 13:00-14:00 (Europe/Berlin)" in part(longer, "text/plain")


async def test_a_series_edit_from_a_date_on_moves_those_dates_and_a_new_title_moves_none(
    outbox, staff, member, room
):
    made = await algebra(staff, member, room)
    await series_changes.update_series(
        actor_of(staff), made.series.pk, expected=ANY, title="Linear algebra"
    )
    assert await outbox.deliver() == []  # the same times and room: nothing to act on
    await series_changes.update_series(
        actor_of(staff),
        made.series.pk,
        expected=ANY,
        scope="following",
        from_date=date(Y2031, 3, 11),
        start_time="11:00",
    )
    [msg] = await outbox.deliver()
    assert subject(msg) == "Moved: 2 dates of Linear algebra"
    text = part(msg, "text/plain")
    assert f"Tue 11 Mar {Y2031}, 11:00-12:30" in text and f"Tue 18 Mar {Y2031}, 11:00" in text
    assert f"4 Mar {Y2031}" not in text
    # one date left to move: still a series change, shown as the booking is (its version)
    await series_changes.update_series(
        actor_of(staff),
        made.series.pk,
        expected=ANY,
        scope="following",
        from_date=date(Y2031, 3, 18),
        start_time="12:00",
        reset_exceptions=True,  # the date moved above is an exception of the series now
    )
    [msg] = await outbox.deliver()
    [event] = events_of(calendar_of(msg))
    last = await Booking.get(id=made.booking_ids[-1])
    assert (event["SEQUENCE"], event["DTSTART"].dt) == (last.version, last.start)
    assert str(event["UID"]).startswith(f"booking-{last.pk}@")
    assert "Status:    confirmed" in part(msg, "text/plain")  # the booking's, not the series'


async def test_series_requests_moved_confirmed_or_cancelled_follow_the_approvers_calendar(
    outbox, staff, admin, member, make_room
):
    """A member's series waiting for approval: moved in time, the approvers' invitations move
    (one request listing the dates); moved to a room that needs no approval (confirmed
    there) or cancelled, their entries are withdrawn (one CANCEL per room, saying how),
    listing only the dates that were still waiting."""
    room, plain = await approval_room(make_room), await make_room()
    made = await weekly(member, room, "Algebra")
    assert len(await outbox.deliver()) == 2  # the request, to staff and admin
    await series_changes.update_series(
        actor_of(member), made.series.pk, expected=ANY, start_time="11:00"
    )
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([staff.email, admin.email])
    msg = to(received, admin)[0]
    assert subject(msg) == "Booking request: 3 dates of Algebra"
    cal = calendar_of(msg)
    assert cal["METHOD"] == "REQUEST"
    starts = [e["DTSTART"].dt for e in events_of(cal)]
    assert starts == [at(d, 10) for d in (1, 8, 15)]  # 11:00 in Berlin
    assert {e["SEQUENCE"] for e in events_of(cal)} == {2}

    await series_changes.update_series(
        actor_of(member), made.series.pk, expected=ANY, room_id=plain.pk
    )
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([staff.email, admin.email])
    msg = to(received, staff)[0]
    assert subject(msg) == "Request closed: 3 dates of Algebra"
    text = " ".join(part(msg, "text/plain").split())
    assert (
        f"The request of {member.full_name} no longer waits for you: moved to a room that "
        f"needs no approval by {member.email}."
    ) in text
    cal = calendar_of(msg)
    assert cal["METHOD"] == "CANCEL" and len(events_of(cal)) == 3
    assert {b.status for b in await Booking.filter(series_id=made.series.pk)} == {"confirmed"}

    other = await weekly(member, room, "Geometry")
    await outbox.deliver()
    first = sorted(other.booking_ids)[0]
    await bookings.approve_booking(actor_of(staff), first, expected=ANY)
    await outbox.deliver()  # approved (the member), closed (admin)
    await series_changes.cancel_series(
        actor_of(member), other.series.pk, expected=ANY, reason="course dropped"
    )
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([staff.email, admin.email])
    msg = to(received, admin)[0]
    assert subject(msg) == "Request closed: 2 dates of Geometry"
    assert "no longer waits for you: cancelled by" in " ".join(part(msg, "text/plain").split())
    uids = {str(e["UID"]) for e in events_of(calendar_of(msg))}
    assert uids == {f"booking-{b}@rooms.campus.example" for b in sorted(other.booking_ids)[1:]}

    # moved to another room that needs approval: those who decide both are asked again,
    # not told it closed
    third = await weekly(member, room, "Topology")
    await outbox.deliver()
    elsewhere = await approval_room(make_room)
    await series_changes.update_series(
        actor_of(member), third.series.pk, expected=ANY, room_id=elsewhere.pk
    )
    received = await outbox.deliver()
    assert sorted(subject(m) for m in received) == ["Booking request: 3 dates of Topology"] * 2


@pytest.mark.parametrize("batches", ["one batch", "two batches"])
async def test_series_dates_decided_before_the_request_was_sent_are_asked_then_closed(
    outbox, staff, admin, member, make_room, batches
):
    """The dispatcher may read a new series only after some of its dates were decided (a
    backlog: in the same batch, or the series in one batch and the decisions in the next).
    Each approver is still asked about every date that waited, as it waited (pending, a
    tentative entry), and then told how each decided one ended: never a "Request closed"
    for a date they were not asked about, the same in either case."""
    room = await approval_room(make_room)
    made = await weekly(member, room, "Algebra")
    created = await AuditEvent.get(action="series.create")
    assert created.after["requests"] == made.booking_ids
    first, second, third = sorted(made.booking_ids)
    await bookings.approve_booking(actor_of(staff), first, expected=ANY)
    await bookings.cancel_booking(actor_of(member), second, expected=ANY)
    if batches == "two batches":
        await mail_db.insert_messages(await mail.messages_for([created]))
        outbox.cursor = created.pk
    received = await outbox.deliver()

    asked = [m for m in received if subject(m) == "Booking request: 3 dates of Algebra"]
    assert sorted(m["To"] for m in asked) == sorted([staff.email, admin.email])
    for msg in asked:
        assert part(msg, "text/plain").count("Status:    pending") == 3
        cal = calendar_of(msg)
        assert cal["METHOD"] == "REQUEST"
        assert [str(e["STATUS"]) for e in events_of(cal)] == ["TENTATIVE"] * 3
    closed = sorted(
        (m["To"], subject(m).split(",")[0], str(events_of(calendar_of(m))[0]["UID"]))
        for m in received
        if subject(m).startswith("Request closed:")
    )
    uid = "booking-{}@rooms.campus.example".format
    assert closed == sorted(
        [
            (admin.email, "Request closed: Algebra", uid(first)),  # approved by staff
            (admin.email, "Request closed: Algebra", uid(second)),  # withdrawn
            (staff.email, "Request closed: Algebra", uid(second)),
        ]
    )
    [approved] = to(received, member)  # nothing of their own series and withdrawal
    assert subject(approved).startswith("Approved: Algebra, ")
    assert (await Booking.get(id=third)).status == "pending"

    # a series staff made for the member (confirmed at once) asks nobody
    await weekly(staff, await approval_room(make_room), "Geometry", owner=member)
    assert (await AuditEvent.filter(action="series.create").order_by("-id").first()).after[
        "requests"
    ] == []
    assert [subject(m) for m in await outbox.deliver()] == []


async def test_a_series_message_names_the_series_and_a_single_date_its_own_title(
    outbox, staff, member, room
):
    """Several dates are "N dates of <series>", whatever the first date is called now; one
    date of a series is named as that booking is (a date renamed by hand keeps its name)."""
    made = await weekly(staff, room, "Choir", owner=member, count=3)
    first, _, last = made.booking_ids
    for renamed, title in ((first, "Warm-up"), (last, "Dress rehearsal")):
        await bookings.update_booking(actor_of(staff), renamed, expected=ANY, title=title)
    await outbox.deliver()
    await series_changes.cancel_series(
        actor_of(staff), made.series.pk, expected=ANY, from_date=date(Y2031, 3, 18)
    )
    [msg] = await outbox.deliver()
    assert subject(msg) == (
        f"Cancelled: Dress rehearsal, {room.code}, Tue 18 Mar {Y2031}, 09:00-10:30 (Europe/Berlin)"
    )
    await series_changes.cancel_series(actor_of(staff), made.series.pk, expected=ANY)
    [msg] = await outbox.deliver()
    assert subject(msg) == "Cancelled: 2 dates of Choir"
    assert "What:      Warm-up" in part(msg, "text/plain").splitlines()


async def test_an_approver_who_opted_out_keeps_the_message_from_no_other_approver(
    outbox, admin, staff, member, make_room
):
    room = await approval_room(make_room)
    for day, (quiet, told) in enumerate(((admin, staff), (staff, admin)), start=1):
        await mail.update_preferences(actor_of(quiet), ["request_received"])
        await mail.update_preferences(actor_of(told), [])
        await bookings.create_booking(
            actor_of(member), room_id=room.pk, title="Choir", start=at(day, 9), end=at(day, 10)
        )
        assert [m["To"] for m in await outbox.deliver()] == [told.email]
