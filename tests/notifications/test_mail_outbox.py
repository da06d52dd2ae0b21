"""The outbox's own rules, each read exactly: a send, a retry and a failure are recorded
only by the attempt that claimed the message, and only on its row; reminders and the
digest read only the bookings they are about; a recipient refused at RCPT; the backoff;
the rate; a reminder's lead as a person says it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from compax_server.db import mail as mail_db
from compax_server.db.notifications import FAILED, PENDING, SENDING, SENT, EmailMessage
from compax_server.services import bookings, mail, mail_smtp, users
from compax_server.services.mail_messages import _lead
from compax_server.services.mail_smtp import TokenBucket, _retry_at
from tests.conftest import actor_of, at
from tests.notifications.test_email import ANY, outbox, smtp  # noqa: F401 (fixtures)


async def queued(n: int) -> list[int]:
    now = datetime.now(UTC)
    rows = [
        await EmailMessage.create(
            dedupe_key=f"test:{i}",
            to_address=f"user{i}@campus.example",
            kind="cancelled",
            subject=f"Cancelled {i}",
            text_body="text",
            html_body="<p>html</p>",
            next_attempt_at=now - timedelta(seconds=1),
        )
        for i in range(n)
    ]
    return [r.pk for r in rows]


async def test_a_mark_changes_only_its_row_and_only_for_the_attempt_that_claimed_it(database):
    a, b, c = await queued(3)
    claimed = await mail_db.claim(limit=10, lease_seconds=60)
    assert [(r.id, r.attempts) for r in claimed] == [(a, 1), (b, 1), (c, 1)]
    now = datetime.now(UTC)
    assert not await mail_db.mark_sent(a, 2, now)  # another attempt's fence
    assert (await EmailMessage.get(id=a)).status == SENDING
    assert await mail_db.mark_sent(a, 1, now)
    assert not await mail_db.mark_sent(a, 1, now)  # sent already: not sending any more
    later = now + timedelta(minutes=5)
    assert not await mail_db.mark_retry(b, 0, later, "no")
    assert await mail_db.mark_retry(b, 1, later, "4" * 600)
    assert not await mail_db.mark_failed(c, 2, "no")
    assert await mail_db.mark_failed(c, 1, "5" * 600)
    assert not await mail_db.mark_failed(c, 1, "again")
    rows = {r.pk: r for r in await EmailMessage.all()}
    assert (rows[a].status, rows[a].sent_at, rows[a].lease_until) == (SENT, now, None)
    assert (rows[b].status, rows[b].next_attempt_at, rows[b].lease_until) == (PENDING, later, None)
    assert rows[b].last_error == "4" * 500
    assert (rows[c].status, rows[c].lease_until, rows[c].last_error) == (FAILED, None, "5" * 500)
    assert rows[c].sent_at is None and rows[b].sent_at is None


async def test_reminders_and_the_digest_read_only_the_bookings_they_are_about(
    database, admin, staff, member, room, make_room, book
):
    """Reminders: confirmed bookings starting in the window, by start then id. The
    digest: pending requests not ended yet, soonest first; active staff only."""
    approval = await make_room(requires_approval=True)
    late = await book(member, room, at(0, 11), at(0, 12))
    first = await book(member, room, at(0, 9), at(0, 10))
    tie = await book(staff, approval, at(0, 9), at(0, 10), title="Staff")
    gone = await book(member, room, at(0, 13), at(0, 14))
    await bookings.cancel_booking(actor_of(member), gone.pk, expected=ANY)
    asked = await book(member, approval, at(0, 15), at(0, 16))
    earlier = await book(member, approval, at(0, 7), at(0, 8))
    assert tie.status.value == "confirmed" and asked.status.value == "pending"
    found = await mail_db.confirmed_starting(at(0, 0), at(0, 23))
    assert [b.id for b in found] == [first.pk, tie.pk, late.pk]
    assert [b.id for b in await mail_db.confirmed_starting(at(0, 9), at(0, 11))] == [late.pk]
    other = await make_room(requires_approval=True)
    elsewhere = await book(member, other, at(0, 8), at(0, 9))

    async def waiting(now, limit, *rooms):
        found, count = await mail_db.pending_requests(now, limit, rooms)
        return [b.id for b in found], count

    assert await waiting(at(0, 0), 10, approval.pk) == ([earlier.pk, asked.pk], 2)
    assert await waiting(at(0, 0), 1, approval.pk, room.pk) == ([earlier.pk], 2)
    assert await waiting(at(0, 0), 10, approval.pk, other.pk) == (
        [earlier.pk, elsewhere.pk, asked.pk],
        3,
    )
    twin = await book(member, approval, at(0, 8), at(0, 9))  # as soon: after it, by id
    assert await waiting(at(0, 0), 10, other.pk, approval.pk) == (
        [earlier.pk, elsewhere.pk, twin.pk, asked.pk],
        4,
    )
    assert await waiting(at(0, 8), 10, approval.pk) == ([twin.pk, asked.pk], 2)
    assert await waiting(at(0, 16), 10, approval.pk) == ([], 0)
    assert await waiting(at(0, 0), 10) == ([], 0)
    await users.deactivate_user(actor_of(admin), staff.pk)
    assert [r.id for r in await mail_db.active_staff()] == [admin.pk]


async def test_a_recipient_refused_at_rcpt_fails_or_waits_by_its_code_and_the_rest_go(
    outbox,  # noqa: F811
    smtp,  # noqa: F811
    staff,
    member,
    make_user,
    room,
    book,
):
    gone, busy, wrong = await make_user(), await make_user(), await make_user()
    smtp.handler.refuse_rcpt = {
        gone.email: "550 no such user",
        busy.email: "452 mailbox full",
        wrong.email: "500 syntax error",  # the lowest permanent reply
    }
    for n, user in enumerate((gone, busy, wrong, member)):
        b = await book(user, room, at(n, 9), at(n, 10))
        await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
    await outbox.dispatch()
    assert await mail.send_due() == 1
    rows = {r.to_address: r for r in await EmailMessage.all()}
    assert rows[gone.email].status == FAILED and rows[gone.email].last_error.startswith("550")
    assert rows[busy.email].status == PENDING and rows[busy.email].last_error.startswith("452")
    assert rows[wrong.email].status == FAILED and rows[wrong.email].last_error.startswith("500")
    assert rows[member.email].status == SENT
    assert [m["To"] for m in smtp.messages] == [member.email]


def test_a_retry_waits_twice_as_long_each_time_up_to_an_hour_for_a_day(monkeypatch):
    monkeypatch.setattr(mail_smtp.random, "random", lambda: 0.5)  # no jitter: x 1.0
    now = datetime(2031, 3, 3, 12, tzinfo=UTC)

    def row(attempts: int, age: timedelta = timedelta(0)) -> mail_db.Claimed:
        return mail_db.Claimed(1, attempts, "a@b.example", "cancelled", "", "", "", "", now - age)

    waits = [_retry_at(row(n), now) for n in (0, 1, 2, 3, 7, 8, 30)]
    assert [(w - now).total_seconds() for w in waits if w] == [60, 60, 120, 240, 3600, 3600, 3600]
    monkeypatch.setattr(mail_smtp.random, "random", lambda: 0.0)  # the shortest: half
    assert _retry_at(row(3), now) == now + timedelta(seconds=120)
    assert _retry_at(row(1, timedelta(hours=24) - timedelta(seconds=60)), now) is not None
    assert _retry_at(row(1, timedelta(hours=24) - timedelta(seconds=29)), now) is None


def test_the_rate_refills_evenly_up_to_a_minute_s_worth():
    clock = [100.0]
    bucket = TokenBucket(120, clock=lambda: clock[0])  # 2 a second
    assert bucket.take(500) == 120
    assert bucket.take(1) == 0
    clock[0] += 1.5
    assert bucket.take(10) == 3
    clock[0] += 3600
    assert bucket.take(500) == 120
    bucket.give_back(1000)
    assert bucket.take(500) == 120


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (0, "1 minute"),
        (1, "1 minute"),
        (2, "2 minutes"),
        (59, "59 minutes"),
        (60, "1 hour"),
        (89, "1 hour"),
        (90, "2 hours"),
        (150, "2 hours"),
        (151, "3 hours"),
        (36 * 60, "36 hours"),
        (36 * 60 + 1, "2 days"),
        (3 * 1440 + 700, "3 days"),
        (3 * 1440 + 721, "4 days"),
    ],
)
def test_a_reminder_s_lead_is_said_as_a_person_says_it(minutes, said):
    assert _lead(minutes) == said


@pytest.mark.parametrize(
    ("actor", "said"),
    [
        ("staff1@campus.example", "Your booking was cancelled by staff1@campus.example."),
        ("system", "Your booking was cancelled."),
        ("", "Your booking was cancelled."),
    ],
)
async def test_a_change_names_who_made_it_unless_nobody_in_particular_did(database, actor, said):
    from compax_server.services.mail_messages import Draft, Shown, render

    start = datetime(2031, 3, 3, 9, tzinfo=UTC)
    shown = Shown(
        1, "Lecture", start, start + timedelta(hours=1), "cancelled", 2, "B1-101", "Room",
        "Main", "Europe/Berlin", "a@campus.example", "Ann",
    )  # fmt: skip
    parts = render(
        Draft("cancelled", [shown], actor=actor), public_url="", mail_from="", to_name="Ann"
    )
    assert parts.text.splitlines()[2] == said


MESSAGES = Path(__file__).parent / "messages"


def lesson(week: int, hours: int = 0, room: str = "B1-101") -> Any:
    """Ann's Algebra, Tuesdays 10:00-11:30 Berlin, ``hours`` later, week ``week``."""
    from compax_server.services.mail_messages import Shown

    start = datetime(2031, 3, 4, 9, tzinfo=UTC) + timedelta(days=7 * week, hours=hours)
    return Shown(
        week, "Algebra", start, start + timedelta(minutes=90), "confirmed", 2, room,
        "Seminar room", "Main building", "Europe/Berlin", "ann@campus.example", "Ann Lee",
    )  # fmt: skip


def drafts() -> dict[str, Any]:
    from compax_server.services.mail_messages import Draft

    offer = {
        "entry_id": "7",
        "link": "https://rooms.campus.example/waitlist/7?t=x",
        "expires_at": "2031-03-11T08:00:00+00:00",
    }
    return {
        "moved": Draft(
            "moved", [lesson(1, 2, "B1-102")], actor="staff1@campus.example", before=lesson(1)
        ),
        "request_received": Draft(
            "request_received", [lesson(1), lesson(2)], series_title="Algebra", total=3
        ),
        "waitlist_offer": Draft("waitlist_offer", [lesson(1)], extra=offer),
        "webhook_disabled": Draft(
            "webhook_disabled", [], extra={"url": "https://hooks.example/x", "reason": "HTTP 500"}
        ),
        "rejected": Draft(
            "rejected", [replace(lesson(1), status="rejected")], actor="staff1@campus.example"
        ),
        "released": Draft("released", [replace(lesson(1), status="released")]),
        "digest": Draft(
            "digest",
            [
                replace(lesson(1), status="pending"),
                replace(lesson(2, room="B1-102"), status="pending"),
            ],
            total=3,
        ),
        "waitlist_withdrawn": Draft(
            "waitlist_withdrawn",
            [replace(lesson(1), status="cancelled")],
            reason="room B1-101 closed for repairs.",
            actor="staff1@campus.example",
        ),
        "request_closed": Draft(
            "request_closed",
            [lesson(1)],
            actor="staff1@campus.example",
            extra={"outcome": "approved"},
        ),
        "waitlist_closed": Draft(
            "waitlist_closed",
            [],
            reason="room B1-101 was removed.",
            actor="admin@campus.example",
            extra={
                "title": "Chess club",
                "start": "2031-03-11T09:00:00+00:00",
                "end": "2031-03-11T10:30:00+00:00",
                "where": "B1-101 Seminar room, Main building",
                "timezone": "Europe/Berlin",
            },
        ),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "moved",
        "request_received",
        "waitlist_offer",
        "webhook_disabled",
        "request_closed",
        "waitlist_closed",
        "rejected",
        "released",
        "digest",
        "waitlist_withdrawn",
    ],
)
async def test_a_message_reads_whole_as_its_reader_gets_it(database, kind):
    """Subject, text and HTML letter by letter against tests/notifications/messages/ (read
    them there as a person gets them; change them when the words change on purpose)."""
    from compax_server.services.mail_messages import render

    parts = render(
        drafts()[kind],
        public_url="https://rooms.campus.example",
        mail_from="Compax <rooms@campus.example>",
        to_name="Bob",
    )
    assert f"Subject: {parts.subject}\n\n{parts.text}" == (MESSAGES / f"{kind}.txt").read_text()
    assert parts.html == (MESSAGES / f"{kind}.html").read_text()


@pytest.mark.parametrize(
    ("kind", "method"),
    [
        ("moved", "REQUEST"),
        ("request_received", "REQUEST"),
        ("waitlist_offer", ""),
        ("webhook_disabled", ""),
        ("request_closed", "CANCEL"),  # the approvers' entry for the request is removed
        ("waitlist_closed", ""),
        ("rejected", "CANCEL"),
        ("released", "CANCEL"),
        ("digest", ""),
        ("waitlist_withdrawn", ""),
    ],
)
async def test_a_message_carries_the_calendar_change_its_kind_makes(database, kind, method):
    from compax_server.services.mail_messages import render

    parts = render(drafts()[kind], public_url="", mail_from="rooms@campus.example", to_name="Bob")
    if not method:
        assert parts.ics == ""
        return
    lines = parts.ics.splitlines()
    assert f"METHOD:{method}" in lines
    assert ("STATUS:CANCELLED" in lines) == (method == "CANCEL")


@pytest.mark.parametrize(
    ("window", "subject", "waited"),
    [
        (
            {"start": "2031-03-11T09:00:00+00:00", "end": "2031-03-11T10:30:00+00:00"},
            "Waitlist closed: Chess club, Tue 11 Mar 2031, 09:00-10:30 (UTC)",
            "You waited for: B1-101, Tue 11 Mar 2031, 09:00-10:30 (UTC).",
        ),  # an entry recorded without its zone is shown in UTC
        (
            {"start": "soon", "end": "2031-03-11T10:30:00+00:00"},
            "Waitlist closed: Chess club",
            "You waited for: B1-101.",
        ),
        (
            {"end": "2031-03-11T10:30:00+00:00"},
            "Waitlist closed: Chess club",
            "You waited for: B1-101.",
        ),
    ],
)
async def test_a_closed_waitlist_entry_without_a_readable_window_still_reads_well(
    database, window, subject, waited
):
    from compax_server.services.mail_messages import Draft, render

    extra = {"title": "Chess club", "where": "B1-101"} | window
    parts = render(
        Draft("waitlist_closed", [], extra=extra), public_url="", mail_from="", to_name="Bob"
    )
    assert parts.subject == subject
    assert waited in parts.text.splitlines()


async def test_a_long_title_is_cut_in_the_subject_and_whole_in_the_body(database):
    from compax_server.services.mail_messages import Draft, render

    title = "Seminar " + "x" * 92  # 100 characters
    long = replace(lesson(1), title=title)
    parts = render(Draft("cancelled", [long]), public_url="", mail_from="", to_name="Bob")
    assert parts.subject.startswith(f"Cancelled: {title[:79]}…, B1-101, ")
    assert f"What:      {title}" in parts.text.splitlines()
    closed = Draft("waitlist_closed", [], extra={"title": title, "where": "B1-101"})
    parts = render(closed, public_url="", mail_from="", to_name="Bob")
    assert parts.subject == f"Waitlist closed: {title[:79]}…"
    url = "https://hooks.campus.example/" + "y" * 100
    hook = Draft("webhook_disabled", [], extra={"url": url})
    parts = render(hook, public_url="", mail_from="", to_name="Bob")
    assert parts.subject == f"Webhook disabled: {url[:99]}…"


@pytest.mark.parametrize(
    ("total", "subject", "said"),
    [
        (1, "1 booking request waiting for approval", "1 booking request waits for a decision."),
        (2, "2 booking requests waiting for approval", "2 booking requests wait for a decision."),
    ],
)
async def test_the_digest_counts_its_requests_in_words_that_agree(database, total, subject, said):
    from compax_server.services.mail_messages import Draft, render

    listed = [lesson(week) for week in range(total)]
    parts = render(Draft("digest", listed, total=total), public_url="", mail_from="", to_name="Bob")
    assert parts.subject == subject
    assert parts.text.splitlines()[2] == said


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        (
            "waitlist_withdrawn",
            "The room held for you was withdrawn. You keep your place on the waitlist: the "
            "next room that fits and comes free is offered to you.",
        ),
        (
            "waitlist_closed",
            "You no longer wait for a room: your waitlist entry was closed. Nothing more will be "
            "offered for it.",
        ),
    ],
)
async def test_a_waitlist_message_without_a_reason_says_none(database, kind, said):
    from compax_server.services.mail_messages import render

    draft = replace(drafts()[kind], reason="", actor="system")
    parts = render(draft, public_url="", mail_from="", to_name="Bob")
    assert parts.text.splitlines()[2] == said


async def test_a_calendar_without_a_sender_address_is_organized_by_compax_at_localhost(database):
    """COMPAX_MAIL_FROM without an address still makes an organizer calendars accept. The
    zone is described for a year (366 days) either side of the booking, no more."""
    from compax_server.services.mail_messages import calendar

    for mail_from in ("", "Compax <>"):
        lines = calendar(drafts()["moved"], mail_from=mail_from).splitlines()
        assert "ORGANIZER;CN=Compax:mailto:compax@localhost" in lines, lines
        assert "COMMENT:This timezone only works from 2030-03-10 to 2032-03-11." in lines
