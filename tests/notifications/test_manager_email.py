"""Approval routing by email, end to end (services → change feed → outbox → a real SMTP
server): a request for a managed room goes to its managers only; a room nobody manages
falls back to staff; a deactivated manager is skipped (staff again when none is left); the
daily digest lists each approver's own rooms."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from compax_server.db.users import Role
from compax_server.services import bookings, managers, rooms, series_changes, users
from tests.conftest import actor_of, at
from tests.dates import Y2031
from tests.notifications.test_email import ANY, Outbox, subject, weekly
from tests.notifications.test_email import outbox as outbox
from tests.notifications.test_email import smtp as smtp


async def ask(member, room, day: int, title: str = "Rehearsal") -> int:
    created = await bookings.create_booking(
        actor_of(member), room_id=room.pk, title=title, start=at(day, 9), end=at(day, 10)
    )
    return created.booking.pk


async def test_requests_go_to_the_rooms_managers_and_else_to_staff(
    outbox: Outbox, make_user, admin, staff, member, make_room, building
):
    managed = await make_room(requires_approval=True)
    plain = await make_room(requires_approval=True)
    room_office = await make_user(Role.member)
    building_office = await make_user(Role.member)
    await managers.add_manager(actor_of(admin), managers.Target("room", managed.pk), room_office.pk)

    await ask(member, managed, 1, "Quartet")
    received = await outbox.deliver()
    assert [m["To"] for m in received] == [room_office.email]
    assert subject(received[0]).startswith("Booking request: Quartet")

    await ask(member, plain, 2, "Choir")
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([staff.email, admin.email])

    # a building's managers decide for every room of it, with the room's own
    await managers.add_manager(
        actor_of(admin), managers.Target("building", building.pk), building_office.pk
    )
    await ask(member, plain, 3, "Orchestra")
    await ask(member, managed, 4, "Duo")
    received = await outbox.deliver()

    def to_of(title: str) -> list[str]:
        return sorted(m["To"] for m in received if title in subject(m))

    assert to_of("Orchestra") == [building_office.email], [subject(m) for m in received]
    assert to_of("Duo") == sorted([room_office.email, building_office.email])

    # deactivated managers get nothing; with none left, staff decide again
    await users.deactivate_user(actor_of(admin), building_office.pk)
    await ask(member, plain, 5, "Band")
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([staff.email, admin.email])


async def test_the_digest_reaches_managers_with_their_rooms_only(
    outbox: Outbox, make_user, admin, staff, member, make_room
):
    managed = await make_room(requires_approval=True)
    plain = await make_room(requires_approval=True)
    office = await make_user(Role.member)
    await managers.add_manager(actor_of(admin), managers.Target("room", managed.pk), office.pk)
    await ask(member, managed, 1, "Quartet")
    await ask(member, plain, 2, "Choir")
    await outbox.deliver()  # the requests themselves
    from compax_server.services import mail

    evening = datetime(Y2031, 3, 2, 23, 0, tzinfo=UTC)
    await mail.queue_digests(evening)
    received = await outbox.deliver()
    digests = {m["To"]: m for m in received}
    assert set(digests) == {office.email, staff.email, admin.email}
    text = digests[office.email].get_body(preferencelist=("plain",)).get_content()
    assert "Quartet" in text and "Choir" not in text
    staff_text = digests[staff.email].get_body(preferencelist=("plain",)).get_content()
    assert "Choir" in staff_text and "Quartet" not in staff_text
    # each counts the requests that are theirs, not all that wait
    assert str(digests[office.email]["Subject"]) == "1 booking request waiting for approval"
    assert str(digests[staff.email]["Subject"]) == "1 booking request waiting for approval"


async def test_a_digest_finds_an_approvers_requests_behind_a_long_list_of_others(
    outbox: Outbox, make_user, admin, staff, member, make_room, monkeypatch
):
    """Each digest lists the first of its approver's own requests and counts them all,
    however many others wait before them (here the list is cut at 2, not 100)."""
    from compax_server.services import mail

    monkeypatch.setattr(mail, "DIGEST_LISTED", 2)
    managed = await make_room(requires_approval=True)
    plain = await make_room(requires_approval=True)
    office = await make_user(Role.member)
    await managers.add_manager(actor_of(admin), managers.Target("room", managed.pk), office.pk)
    for day, title in ((1, "Choir"), (2, "Band"), (3, "Orchestra")):
        await ask(member, plain, day, title)
    await ask(member, managed, 4, "Quartet")  # the room's manager decides this one alone
    await ask(member, managed, 5, "Duo")
    await ask(member, managed, 6, "Trio")
    await outbox.deliver()  # the requests themselves

    await mail.queue_digests(datetime(Y2031, 3, 2, 23, 0, tzinfo=UTC))
    digests = {m["To"]: m for m in await outbox.deliver()}
    assert set(digests) == {office.email, staff.email, admin.email}
    mine = digests[office.email].get_body(preferencelist=("plain",)).get_content()
    assert str(digests[office.email]["Subject"]) == "3 booking requests waiting for approval"
    assert "Quartet" in mine and "Duo" in mine and "Trio" not in mine
    assert "... and 1 more." in mine and "Choir" not in mine
    for to in (staff.email, admin.email):
        theirs = digests[to].get_body(preferencelist=("plain",)).get_content()
        assert str(digests[to]["Subject"]) == "3 booking requests waiting for approval"
        assert "Choir" in theirs and "Band" in theirs and "... and 1 more." in theirs
        assert "Quartet" not in theirs and "Orchestra" not in theirs


async def test_a_staff_member_who_manages_a_room_gets_its_requests_and_the_unmanaged_ones(
    outbox: Outbox, admin, staff, member, make_room
):
    from compax_server.services import mail

    managed = await make_room(requires_approval=True)
    plain = await make_room(requires_approval=True)
    await managers.add_manager(actor_of(admin), managers.Target("room", managed.pk), staff.pk)
    await ask(member, managed, 1, "Quartet")
    await ask(member, plain, 2, "Choir")
    await outbox.deliver()
    await mail.queue_digests(datetime(Y2031, 3, 2, 23, 0, tzinfo=UTC))
    digests = {m["To"]: m for m in await outbox.deliver()}
    both = digests[staff.email].get_body(preferencelist=("plain",)).get_content()
    assert "Quartet" in both and "Choir" in both
    assert str(digests[staff.email]["Subject"]) == "2 booking requests waiting for approval"
    only = digests[admin.email].get_body(preferencelist=("plain",)).get_content()
    assert "Choir" in only and "Quartet" not in only


def text_of(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def closed_to(received, approvers: list[str], subject_start: str, outcome: str) -> list[Any]:
    """The "Request closed" messages among ``received``: one to each of ``approvers``, about
    ``subject_start``, saying ``outcome``."""
    closed = [m for m in received if subject(m).startswith("Request closed")]
    assert sorted(m["To"] for m in closed) == sorted(approvers)
    for msg in closed:
        assert subject(msg).startswith(subject_start)
        assert f"no longer waits for you: {outcome}." in text_of(msg)
    return closed


async def test_a_request_that_stops_waiting_withdraws_the_approvers_invitation(
    outbox: Outbox, make_user, admin, staff, member, make_room
):
    """Withdrawn by its owner, moved to a room others decide, moved where no approval is
    needed (confirmed there): the approvers who were asked get a cancellation of their
    calendar entry, where and when they were asked, saying how it ended; a new room's
    approvers are asked."""
    plain = await make_room(requires_approval=True)
    managed = await make_room(requires_approval=True)
    office = await make_user(Role.member)
    await managers.add_manager(actor_of(admin), managers.Target("room", managed.pk), office.pk)
    withdrawn = await ask(member, plain, 1, "Choir")
    moved = await ask(member, plain, 2, "Quartet")
    await outbox.deliver()  # the requests, to staff and admin

    await bookings.cancel_booking(actor_of(member), withdrawn, expected=ANY)
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([staff.email, admin.email])
    for msg in received:
        assert subject(msg).startswith(f"Request closed: Choir, {plain.code}")
        assert (
            f"The request of {member.full_name} no longer waits for you: cancelled by "
            f"{member.email}." in text_of(msg)
        )

    await bookings.update_booking(actor_of(member), moved, expected=ANY, room_id=managed.pk)
    received = await outbox.deliver()
    [asked] = [m for m in received if m["To"] == office.email]
    assert subject(asked).startswith(f"Booking request changed: Quartet, {managed.code}")
    closed = [m for m in received if m["To"] != office.email]
    assert sorted(m["To"] for m in closed) == sorted([staff.email, admin.email])
    for msg in closed:  # where they were asked: the old room
        assert subject(msg).startswith(f"Request closed: Quartet, {plain.code}")
        assert "no longer waits for you: moved to another room by" in text_of(msg)

    free = await make_room()  # needs no approval: the request is confirmed there
    freed = await ask(member, plain, 3, "Band")
    await outbox.deliver()
    updated = await bookings.update_booking(actor_of(member), freed, expected=ANY, room_id=free.pk)
    assert updated.status.value == "confirmed"
    received = await outbox.deliver()
    closed = closed_to(
        received,
        [staff.email, admin.email],
        f"Request closed: Band, {plain.code}",
        f"moved to a room that needs no approval by {member.email}",
    )
    assert closed == received


async def test_a_request_retimed_where_approval_is_no_longer_needed_closes_it_for_its_approvers(
    outbox: Outbox, admin, staff, member, make_room
):
    """A request whose room stopped needing approval is confirmed when it is moved in time
    there: the approvers who were asked get their entry withdrawn, saying why; a series'
    dates alike."""
    room = await make_room(requires_approval=True)
    request = await ask(member, room, 1, "Choir")
    await outbox.deliver()
    await rooms.update_room(actor_of(admin), room.pk, requires_approval=False)
    updated = await bookings.update_booking(
        actor_of(member), request, expected=ANY, start=at(1, 11), end=at(1, 12)
    )
    assert updated.status.value == "confirmed"
    confirmed_here = f"moved and confirmed (its room needs no approval now) by {member.email}"
    closed_to(
        await outbox.deliver(),
        [staff.email, admin.email],
        f"Request closed: Choir, {room.code}",
        confirmed_here,
    )

    series_room = await make_room(requires_approval=True)  # a series' dates, the same way
    made = await weekly(member, series_room, "Quartet", count=2)
    await outbox.deliver()
    await rooms.update_room(actor_of(admin), series_room.pk, requires_approval=False)
    await series_changes.update_series(
        actor_of(member), made.series.pk, expected=ANY, start_time="11:00"
    )
    closed_to(
        await outbox.deliver(),
        [staff.email, admin.email],
        "Request closed: 2 dates of Quartet",
        confirmed_here,
    )


async def test_a_request_moved_between_rooms_of_the_same_approvers_is_only_changed(
    outbox: Outbox, make_user, admin, staff, member, make_room
):
    one = await make_room(requires_approval=True)
    two = await make_room(requires_approval=True)
    request = await ask(member, one, 1, "Choir")
    await outbox.deliver()
    await bookings.update_booking(actor_of(member), request, expected=ANY, room_id=two.pk)
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([staff.email, admin.email])
    assert {subject(m).split(",")[0] for m in received} == {"Booking request changed: Choir"}


async def test_a_series_of_requests_moved_to_a_room_others_decide_leaves_the_first_approvers(
    outbox: Outbox, make_user, admin, staff, member, make_room
):
    """A series change moves the requests to a room its managers decide: they are asked;
    staff, who were asked in the old room, get their entries withdrawn (one message)."""
    plain = await make_room(requires_approval=True)
    managed = await make_room(requires_approval=True)
    office = await make_user(Role.member)
    await managers.add_manager(actor_of(admin), managers.Target("room", managed.pk), office.pk)
    made = await weekly(member, plain, "Choir", count=2)
    await outbox.deliver()  # the requests, to staff and admin
    await series_changes.update_series(
        actor_of(member), made.series.pk, expected=ANY, room_id=managed.pk
    )
    received = await outbox.deliver()
    [asked] = [m for m in received if m["To"] == office.email]
    assert subject(asked) == "Booking request: 2 dates of Choir"
    closed = [m for m in received if m["To"] != office.email]
    assert sorted(m["To"] for m in closed) == sorted([staff.email, admin.email])
    for msg in closed:
        assert subject(msg) == "Request closed: 2 dates of Choir"
        assert "no longer waits for you: moved to another room by" in text_of(msg)


async def test_a_series_cancelled_with_requests_in_two_rooms_closes_each_rooms_entries(
    outbox: Outbox, admin, staff, member, make_room
):
    """Dates waiting in two rooms that the same approvers decide: the cancel withdraws both
    rooms' entries, one message per room (the second is not lost as a repeat of the first)."""
    first = await make_room(requires_approval=True)
    second = await make_room(requires_approval=True)
    made = await weekly(member, first, "Choir", count=3)
    await series_changes.update_series(
        actor_of(member),
        made.series.pk,
        expected=ANY,
        scope="following",
        from_date=date(Y2031, 3, 11),
        room_id=second.pk,
    )
    await outbox.deliver()
    await series_changes.cancel_series(actor_of(member), made.series.pk, expected=ANY)
    received = await outbox.deliver()
    closed = [m for m in received if subject(m).startswith("Request closed")]
    for approver in (staff, admin):
        theirs = sorted(subject(m) for m in closed if m["To"] == approver.email)
        assert theirs == [
            "Request closed: 2 dates of Choir",  # the two in the second room
            f"Request closed: Choir, {first.code}, Tue 4 Mar {Y2031}, 09:00-10:30 (Europe/Berlin)",
        ]
