"""The waiting member is told of an offer: an email (through the outbox, to a real SMTP
server in the test process) whose link opens a page that accepts or declines that offer;
the webhook event is ``waitlist.offer``."""

from __future__ import annotations

import re

import httpx
import pytest

from compax_server import runtime
from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.rooms import Room
from compax_server.db.users import User
from compax_server.db.waitlist import WaitlistEntry
from compax_server.domain import waitlist as waitlist_rules
from compax_server.domain import webhooks
from compax_server.domain.versions import Expected
from compax_server.errors import InvalidInput, NotFound
from compax_server.services import bookings, buildings, rooms, waitlist, waitlist_offers
from tests.conftest import actor_of, at
from tests.dates import Y2031
from tests.html_page import Page
from tests.notifications.test_email import (  # noqa: F401  (fixtures)
    PUBLIC,
    outbox,
    part,
    smtp,
    subject,
    to,
)


async def waiting_for(room, make_user, book, login_clock):
    """At 08:00, ``room`` taken 10-11 by a holder, and a member waiting for it: the holder,
    the member, the booking, the entry."""
    login_clock.now = at(0, 8).timestamp()
    holder, member = await make_user(), await make_user()
    taken = await book(holder, room, at(0, 10), at(0, 11), title="Faculty")
    entry = await waitlist.join(
        actor_of(member),
        waitlist.Join(title="Reading group", start=at(0, 10), end=at(0, 11), room_id=room.pk),
    )
    return holder, member, taken, entry


async def test_the_offer_email_links_to_a_page_that_accepts_it(
    app,  # before the outbox: it configures the mail on top of the app's settings
    outbox,  # noqa: F811
    make_user,
    room,
    book,
    login_clock,
):
    login_clock.now = at(0, 8).timestamp()
    holder, first, second = [await make_user() for _ in range(3)]
    taken = await book(holder, room, at(0, 10), at(0, 11), title="Faculty")
    entries = []
    for user in (first, second):
        entries.append(
            await waitlist.join(
                actor_of(user),
                waitlist.Join(
                    title="Reading group", start=at(0, 10), end=at(0, 11), room_id=room.pk
                ),
            )
        )
    await outbox.deliver()
    await bookings.cancel_booking(actor_of(holder), taken.pk, expected=Expected(any=True))
    received = to(await outbox.deliver(), first)
    assert len(received) == 1 and to(received, second) == []
    assert subject(received[0]).startswith("Free for you: Reading group")
    text = part(received[0], "text/plain")
    assert "held for you until 09:15" in text  # 08:15 UTC in the building's zone (Berlin)
    link = re.search(rf"{re.escape(PUBLIC)}(/waitlist/offers/\S+)", text)
    assert link is not None, text
    assert "webhook" not in text and webhooks.valid_pattern("waitlist.offer")

    transport = httpx.ASGITransport(app=app, client=("10.0.0.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as page:
        shown = await page.get(link.group(1))
        assert shown.status_code == 200 and "Accept" in shown.text and "Reading group" in shown.text
        assert "script" not in shown.text.lower()
        wrong = await page.get(link.group(1)[:-4] + "0000")
        assert wrong.status_code == 404
        bad = await page.post(link.group(1), data={"answer": "maybe"})
        assert bad.status_code == 400
        done = await page.post(link.group(1), data={"answer": "accept"})
        assert done.status_code == 200 and "booked for you" in done.text
        again = await page.post(link.group(1), data={"answer": "decline"})
        assert again.status_code == 409
    entry = await WaitlistEntry.get(id=entries[0].pk)
    assert entry.state.value == "accepted"
    assert (await Booking.get(id=entry.booking_id)).status == Status.confirmed
    assert (await WaitlistEntry.get(id=entries[1].pk)).state.value == "waiting"


async def test_the_offer_page_says_what_is_held_until_when_and_what_became_of_it(
    app, make_user, room, book, login_clock
):
    """The page shows the title, the room and both times in the building's zone, the
    offer's end and two buttons that post the answer; once answered, what became of it (no
    buttons). Never cached: the page is the link's credential at work."""
    holder, _member, taken, joined = await waiting_for(room, make_user, book, login_clock)
    other = await waitlist.join(
        actor_of(await make_user()),
        waitlist.Join(title="Chess club", start=at(0, 10), end=at(0, 11), room_id=room.pk),
    )
    secret = runtime.settings().secret_key
    await bookings.cancel_booking(actor_of(holder), taken.pk, expected=Expected(any=True))
    path = f"/waitlist/offers/{joined.pk}/1/{waitlist_rules.offer_token(secret, joined.pk, 1)}"
    day = f"Mon 03 Mar {Y2031}"
    facts = (
        "p",
        f"Reading group\n{room.code} {room.name}\n"
        f"{day} 11:00 (Europe/Berlin) to {day} 12:00 (Europe/Berlin)",
    )
    transport = httpx.ASGITransport(app=app, client=("10.0.0.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        shown = await client.get(path)
        assert shown.status_code == 200
        assert shown.headers["cache-control"] == "no-store"
        assert "form-action 'self'" in shown.headers["content-security-policy"]
        read = Page(shown.text)
        assert read.blocks == [
            ("title", "A room is held for you"),
            ("h1", "A room is held for you"),
            facts,
            (
                "p",
                f"Accept before {day} 09:15 (Europe/Berlin), or it passes to the next in line.",
            ),
        ]
        assert [form.method for form in read.forms] == ["post"]
        assert read.buttons == [("answer", "accept", "Accept"), ("answer", "decline", "Decline")]

        declined = Page((await client.post(path, data={"answer": "decline"})).text)
        assert declined.blocks == [
            ("title", "Waitlist offer"),
            ("h1", "Waitlist offer"),
            facts,
            ("p", "This offer is declined."),
        ]
        assert declined.forms == [] and declined.buttons == []
        assert Page((await client.get(path)).text).blocks == declined.blocks

        offered = await WaitlistEntry.get(id=other.pk)  # the next in line
        path = f"/waitlist/offers/{other.pk}/1/{waitlist_rules.offer_token(secret, other.pk, 1)}"
        accepted = Page((await client.post(path, data={"answer": "accept"})).text)
        assert offered.state.value == "offered"
        assert accepted.blocks[0] == ("title", "Waitlist offer")
        assert accepted.blocks[-1] == ("p", "You accepted: the room is booked for you.")


async def test_an_offer_link_that_is_stale_orphaned_or_answered_wrongly_is_refused_in_words(
    app, make_user, room, book, login_clock
):
    """The link of offer *n* is a 404 once the entry is past it (in words that say a newer
    offer has its own link), and while no offer was made it names no room; the member's
    account closed, the link acts for nobody; an answer other than accept or decline is a
    400 on the field. A room removed after its offer still shows on the offer's page."""
    holder, member, taken, joined = await waiting_for(room, make_user, book, login_clock)
    secret = runtime.settings().secret_key

    def link(n: int) -> tuple[int, int, str]:
        return joined.pk, n, waitlist_rules.offer_token(secret, joined.pk, n)

    with pytest.raises(NotFound) as nothing_offered:
        await waitlist.offer_by_link(*link(0))  # authentic, but nothing is offered yet
    assert nothing_offered.value.detail == "this offer link is not valid"

    await bookings.cancel_booking(actor_of(holder), taken.pk, expected=Expected(any=True))
    for stale in (link(0), link(2)):
        with pytest.raises(NotFound) as refused:
            await waitlist.offer_by_link(*stale)
        assert refused.value.detail == (
            "this offer link is not valid (a newer offer has its own link)"
        )
    await Room.filter(id=room.pk).update(deleted_at=at(0, 8))  # removed after the offer
    shown = await waitlist.offer_by_link(*link(1))
    assert (shown.entry.pk, shown.room_code, shown.room_name) == (joined.pk, room.code, room.name)

    with pytest.raises(InvalidInput) as wrong:
        await waitlist.answer_by_link(*link(1), "maybe")
    assert wrong.value.detail == "answer: accept or decline"
    assert wrong.value.extra["errors"] == [
        {"location": "body", "pointer": "/answer", "detail": "accept or decline", "code": "enum"}
    ]
    await User.filter(id=member.pk).update(is_active=False)
    for call in (
        lambda: waitlist.offer_by_link(*link(1)),
        lambda: waitlist.answer_by_link(*link(1), "accept"),
    ):
        with pytest.raises(NotFound) as closed:
            await call()
        assert closed.value.detail == "this offer link is not valid"
    assert (await WaitlistEntry.get(id=joined.pk)).state.value == "offered"


async def test_an_offer_withdrawn_by_a_closure_is_told_as_such_not_as_a_cancelled_booking(
    app,
    outbox,  # noqa: F811
    make_user,
    staff,
    building,
    room,
    book,
    login_clock,
):
    """The member never had a booking to cancel: the email says the room held for them was
    withdrawn, why, and that they keep their place; no "Cancelled" message, no calendar."""
    holder, waiter, taken, entry = await waiting_for(room, make_user, book, login_clock)
    await bookings.cancel_booking(actor_of(holder), taken.pk, expected=Expected(any=True))
    assert subject(to(await outbox.deliver(), waiter)[0]).startswith("Free for you:")
    await buildings.add_closure(
        actor_of(staff),
        building.pk,
        room_id=room.pk,
        start=at(0, 9),
        end=at(0, 12),
        reason="Burst pipe",
        on_bookings="cancel",
    )
    received = to(await outbox.deliver(), waiter)
    assert len(received) == 1, [subject(m) for m in received]
    assert subject(received[0]).startswith(f"Offer withdrawn: Reading group, {room.code}, ")
    assert subject(received[0]).endswith(" 11:00-12:00 (Europe/Berlin)")
    text = part(received[0], "text/plain")
    assert (
        f"The room held for you was withdrawn by {staff.email}. Reason: closed: Burst pipe. "
        in " ".join(text.split())
    ), text
    assert "You keep your place on the waitlist" in " ".join(text.split())
    assert not any(p.get_content_type() == "text/calendar" for p in received[0].walk())
    assert (await WaitlistEntry.get(id=entry.pk)).state.value == "waiting"


async def test_a_room_removed_tells_its_waiting_members_they_wait_no_more(
    app,
    outbox,  # noqa: F811
    make_user,
    admin,
    room,
    book,
    login_clock,
):
    """The member holding the offer and the one behind them are each told, once, that the
    room they waited for was removed and that nothing more comes of it: no "Offer withdrawn"
    (it says they keep their place), no "Cancelled" for the hold, no calendar."""
    holder, first, taken, offered = await waiting_for(room, make_user, book, login_clock)
    second = await make_user()
    behind = await waitlist.join(
        actor_of(second),
        waitlist.Join(title="Chess club", start=at(0, 10), end=at(0, 11), room_id=room.pk),
    )
    await bookings.cancel_booking(actor_of(holder), taken.pk, expected=Expected(any=True))
    assert subject(to(await outbox.deliver(), first)[0]).startswith("Free for you:")
    await rooms.delete_room(actor_of(admin), room.pk, force=True)
    sent = await outbox.deliver()
    assert to(sent, admin) == []
    for user, title in ((first, "Reading group"), (second, "Chess club")):
        [message] = to(sent, user)
        assert subject(message) == (
            f"Waitlist closed: {title}, Mon 3 Mar {at(0, 0).year}, 11:00-12:00 (Europe/Berlin)"
        )
        text = " ".join(part(message, "text/plain").split())
        assert (
            f"You no longer wait for a room: your waitlist entry was closed by {admin.email}. "
            f"Reason: room {room.code} was removed. Nothing more will be offered for it."
        ) in text, text
        assert f"You waited for: {room.code} {room.name}, " in text
        assert "keep your place" not in text
        assert not any(p.get_content_type() == "text/calendar" for p in message.walk())
    for entry in (offered, behind):
        assert (await WaitlistEntry.get(id=entry.pk)).state.value == "closed"


async def test_a_window_that_began_before_anything_came_free_tells_each_member_what_they_waited_for(
    app,
    outbox,  # noqa: F811
    make_user,
    admin,
    make_room,
    book,
    login_clock,
):
    """The tick that closes the entries whose window began emails each member: what they
    waited for (the room, or "any room" with their criteria), when, in their building's zone
    (any building: the campus's one zone; with two zones, UTC), and that nothing more comes
    of it. The change feed carries the whole entry, as for any other close."""
    login_clock.now = at(0, 8).timestamp()
    room = await make_room(features=["projector", "whiteboard"])
    holder = await make_user()
    await book(holder, room, at(0, 9), at(0, 11), title="Faculty")
    members = [await make_user() for _ in range(3)]
    wishes = [
        waitlist.Join(title="Reading group", start=at(0, 10), end=at(0, 11), room_id=room.pk),
        waitlist.Join(
            title="Chess club",
            start=at(0, 10),
            end=at(0, 11),
            building_id=room.building_id,
            min_capacity=30,
        ),
        waitlist.Join(
            title="Choir", start=at(0, 9), end=at(0, 10), features=["projector", "whiteboard"]
        ),
    ]
    entries = [await waitlist.join(actor_of(m), w) for m, w in zip(members, wishes, strict=True)]
    assert [e.state.value for e in entries] == ["waiting"] * 3
    assert await outbox.deliver() == []

    assert await waitlist_offers.tick(at(0, 9)) == 1  # alone: the campus's zone is looked up
    [choir] = await outbox.deliver()
    nine = f"Mon 3 Mar {at(0, 0).year}, 10:00-11:00 (Europe/Berlin)"
    assert (choir["To"], subject(choir)) == (members[2].email, f"Waitlist closed: Choir, {nine}")
    text = " ".join(part(choir, "text/plain").split())
    assert f"You waited for: any room, with projector, whiteboard, {nine}." in text, text
    assert await waitlist_offers.tick(at(0, 10)) == 2
    sent = await outbox.deliver()
    assert to(sent, holder) == to(sent, admin) == to(sent, members[2]) == []
    day = f"Mon 3 Mar {at(0, 0).year}, 11:00-12:00 (Europe/Berlin)"
    waited = [
        f"{room.code} {room.name}, Main building",
        "any room, at least 30 seats, in Main building",
        "any room, with projector, whiteboard",
    ]
    for member, wish, where in zip(members[:2], wishes, waited, strict=False):
        [message] = to(sent, member)
        assert subject(message) == f"Waitlist closed: {wish.title}, {day}"
        text = " ".join(part(message, "text/plain").split())
        assert (
            "You no longer wait for a room: your waitlist entry was closed. Reason: the window "
            "began before a room came free. Nothing more will be offered for it."
        ) in text, text
        assert f"You waited for: {where}, {day}." in text, text
        assert not any(p.get_content_type() == "text/calendar" for p in message.walk())
    for entry in entries:
        event = await AuditEvent.get(action="waitlist.close", entity_id=entry.pk)
        closed = await WaitlistEntry.get(id=entry.pk)
        assert (closed.state.value, closed.reason) == ("closed", waitlist_offers.BEGUN)
        assert event.actor_user_id is None
        assert event.before == waitlist_offers.entry_view(entry)
        assert event.after == waitlist_offers.entry_view(closed) | {
            "where": waited[entries.index(entry)],
            "timezone": "Europe/Berlin",
        }

    await buildings.create_building(
        actor_of(admin), code="T1", name="Tokyo annex", timezone="Asia/Tokyo"
    )
    later = waitlist.Join(title="Choir", start=at(0, 12), end=at(0, 13), features=["projector"])
    await book(holder, room, at(0, 12), at(0, 13), title="Faculty")
    await waitlist.join(actor_of(members[2]), later)
    assert await waitlist_offers.tick(at(0, 12)) == 1
    [message] = to(await outbox.deliver(), members[2])
    assert (
        subject(message) == f"Waitlist closed: Choir, Mon 3 Mar {at(0, 0).year}, 12:00-13:00 (UTC)"
    )
