"""``client.waitlist``, with both clients (sync and async) and the controlled clock."""

from __future__ import annotations

import pytest

from compax_sdk import (
    BookingConflictError,
    ConflictError,
    NotFoundError,
    WaitlistAccepted,
    WaitlistEntry,
)
from tests.conftest import at


async def test_join_offer_accept_decline_leave(connect, make_user, room, book, login_clock):
    login_clock.now = at(0, 8).timestamp()
    holder, first, second = [await make_user() for _ in range(3)]
    taken = await book(holder, room, at(0, 10), at(0, 11))
    c1, c2 = connect(first), connect(second)
    e1 = await c1.waitlist.join(title="Study", room_id=room.pk, start=at(0, 10), end=at(0, 11))
    assert isinstance(e1, WaitlistEntry) and e1.state == "waiting" and e1.room_id == room.pk
    e2 = await c2.waitlist.join(title="Any", min_capacity=10, start=at(0, 10), end=at(0, 11))
    assert e2.state == "waiting" and e2.room_id is None and e2.min_capacity == 10
    await connect(holder).bookings.cancel(taken.pk, version=taken.version)
    offered = await c1.waitlist.get(e1.id)
    assert offered.state == "offered" and offered.offer_expires_at == at(0, 8, 15)
    with pytest.raises(BookingConflictError):
        await c2.bookings.create(room_id=room.pk, title="x", start=at(0, 10), end=at(0, 11))
    with pytest.raises(NotFoundError):
        await c2.waitlist.accept(e1.id)
    declined = await c1.waitlist.decline(e1.id)
    assert declined.state == "declined"
    accepted = await c2.waitlist.accept(e2.id)  # passed on to the second
    assert isinstance(accepted, WaitlistAccepted)
    assert accepted.state == "accepted" and accepted.booking.status == "confirmed"
    assert accepted.booking.owner_id == second.pk and accepted.booking.room_id == room.pk
    with pytest.raises(ConflictError):
        await c2.waitlist.accept(e2.id)
    again = await c1.waitlist.join(title="Later", room_id=room.pk, start=at(0, 12), end=at(0, 13))
    assert again.state == "offered"  # free already: offered at once
    left = await c1.waitlist.leave(again.id)
    assert left.state == "left"
    mine = await c1.waitlist.list(state=["declined", "left"])
    assert [e.id for e in mine] == [e1.id, again.id]
