"""Two members, one slot, on PostgreSQL with concurrent requests (the pool gives each its own
connection): exactly one hold and one booking; the other keeps waiting."""

from __future__ import annotations

import asyncio

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.waitlist import WaitlistEntry
from compax_server.services import waitlist_offers
from tests.conftest import at, bearer, holding, waiting_on_a_lock
from tests.waitlist.test_waitlist_api import BK, WL, book, join, set_clock, taken_room

pytestmark = pytest.mark.parametrize("engine", ["postgres"], indirect=True)


async def test_two_members_one_slot_one_booking(client, make_user, room, login_clock):
    set_clock(login_clock, at(0, 8))
    holder, first, second, stranger = [await make_user() for _ in range(4)]
    taken = (await book(client, holder, room, at(0, 10), at(0, 11))).json()["id"]
    e1 = (await join(client, first, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    e2 = (await join(client, second, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]

    # The slot frees while every path that offers it runs at once: the cancel's own offer,
    # two sweeps (two worker processes), and the second member's join-time offer.
    entry2 = await WaitlistEntry.get(id=e2)
    await asyncio.gather(
        client.post(f"{BK}/{taken}/cancel", headers=bearer(holder) | {"If-Match": '"1"'}),
        waitlist_offers.sweep(at(0, 8), force=True),
        waitlist_offers.sweep(at(0, 8), force=True),
        waitlist_offers.offer_entry(entry2),
    )
    await waitlist_offers.sweep(at(0, 8), force=True)  # whatever ran first, now all settled
    holds = await Booking.filter(room_id=room.pk, status=Status.held)
    assert len(holds) == 1 and holds[0].owner_id == first.pk  # first come, first offered
    assert (await WaitlistEntry.get(id=e1)).state.value == "offered"
    assert (await WaitlistEntry.get(id=e2)).state.value == "waiting"

    # Both accept at once while a stranger books the slot: one booking, the first's.
    body = {
        "room_id": room.pk,
        "title": "Mine",
        "start": at(0, 10).isoformat(),
        "end": at(0, 11).isoformat(),
    }
    a1, a2, s = await asyncio.gather(
        client.post(f"{WL}/{e1}/accept", headers=bearer(first)),
        client.post(f"{WL}/{e2}/accept", headers=bearer(second)),
        client.post(BK, json=body, headers=bearer(stranger)),
    )
    assert a1.status_code == 200, a1.text
    assert a2.status_code == 409 and a2.json()["entry_state"] == "waiting"
    assert s.status_code == 409 and s.json()["code"] == "booking_conflict"
    live = await Booking.filter(room_id=room.pk, status__in=[Status.confirmed, Status.held])
    assert [(b.owner_id, b.status) for b in live] == [(first.pk, Status.confirmed)]
    assert (await WaitlistEntry.get(id=e2)).state.value == "waiting"


async def test_many_concurrent_joins_for_one_free_slot_make_one_hold(
    client, make_user, room, login_clock
):
    set_clock(login_clock, at(0, 8))
    members = [await make_user() for _ in range(6)]
    answers = await asyncio.gather(
        *(join(client, m, at(0, 10), at(0, 11), room_id=room.pk) for m in members)
    )
    assert all(r.status_code == 201 for r in answers), [r.text for r in answers]
    states = sorted(r.json()["state"] for r in answers)
    assert await Booking.filter(room_id=room.pk, status=Status.held).count() == 1
    assert states.count("offered") <= 1  # the answers may predate the offer
    entries = await WaitlistEntry.all()
    assert sorted(e.state.value for e in entries) == ["offered"] + ["waiting"] * 5


async def test_a_removal_closes_only_the_entries_still_open_when_it_locks_them(
    client, make_user, room, admin, login_clock, database_url
):
    """A room's removal reads its open entries, then locks each: one left meanwhile (its
    member's leave committed while the removal waited for its lock) is passed over, left
    as its member left it, and the removal goes on to close the next."""
    await taken_room(client, make_user, room, login_clock)
    leaving, staying = await make_user(), await make_user()
    gone = (await join(client, leaving, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    kept = (await join(client, staying, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    lock = "SELECT id FROM waitlist_entries WHERE id = $1 FOR UPDATE"
    async with holding(database_url, lock, gone) as (other, look):
        removal = asyncio.create_task(
            client.delete(f"/api/v1/rooms/{room.pk}?force=true", headers=bearer(admin))
        )
        await waiting_on_a_lock(look, task=removal)  # it read both entries, waits for the first
        await other.execute(
            "UPDATE waitlist_entries SET state = 'left', reason = 'plans changed',"
            " version = version + 1 WHERE id = $1",
            gone,
        )
        await other.execute("COMMIT")
        r = await removal
    assert r.status_code == 200, r.text
    assert r.json()["closed_waitlist_entry_ids"] == [kept]
    left = await WaitlistEntry.get(id=gone)
    assert (left.state.value, left.reason) == ("left", "plans changed")
    closed = await WaitlistEntry.get(id=kept)
    assert (closed.state.value, closed.reason) == ("closed", f"room {room.code} was removed")
    closes = await AuditEvent.filter(action="waitlist.close").values_list("entity_id", flat=True)
    assert closes == [kept]
