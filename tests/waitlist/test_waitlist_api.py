"""Waitlists through the API on both engines, with the controlled clock
(``services.limits.clock``): joining, offers when a booking in the way ends, the hold
blocking everyone else, accepting, declining, expiry passing the offer down the line, and
the refusals that write nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tortoise.exceptions import IntegrityError

from compax_server import runtime
from compax_server.db import transaction
from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.rooms import Room
from compax_server.db.users import User
from compax_server.db.waitlist import WaitlistEntry
from compax_server.domain.waitlist import Slot
from compax_server.services import api_keys, booking_checks, search, users, waitlist_offers
from tests.conftest import actor_of, at, bearer
from tests.dates import Y2031

BK = "/api/v1/bookings"
WL = "/api/v1/waitlist"


def set_clock(clock, moment) -> None:
    clock.now = moment.timestamp()


async def book(client, user, room, start, end, **extra):
    body = {
        "room_id": room.pk,
        "title": "Seminar",
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    r = await client.post(BK, json=body | extra, headers=bearer(user))
    return r


async def join(client, user, start, end, **extra):
    body = {"title": "Waiting", "start": start.isoformat(), "end": end.isoformat(), **extra}
    return await client.post(WL, json=body, headers=bearer(user))


async def cancel(client, user, booking_id):
    b = await Booking.get(id=booking_id)
    r = await client.post(
        f"{BK}/{booking_id}/cancel", headers=bearer(user) | {"If-Match": f'"{b.version}"'}
    )
    assert r.status_code == 200, r.text
    return r


async def entry(client, user, entry_id):
    r = await client.get(f"{WL}/{entry_id}", headers=bearer(user))
    assert r.status_code == 200, r.text
    return r.json()


async def new_building(client, staff, code: str, name: str) -> int:
    r = await client.post(
        "/api/v1/buildings",
        json={"code": code, "name": name, "timezone": "UTC"},
        headers=bearer(staff),
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def taken_room(client, make_user, room, login_clock):
    """A room booked 10-11 on day 0 by someone; the clock at 08:00 that day."""
    set_clock(login_clock, at(0, 8))
    holder = await make_user()
    r = await book(client, holder, room, at(0, 10), at(0, 11))
    assert r.status_code == 201, r.text
    return holder, r.json()["id"]


async def test_join_offer_hold_blocks_others_and_accept_books(client, make_user, room, login_clock):
    holder, taken = await taken_room(client, make_user, room, login_clock)
    waiter, stranger = await make_user(), await make_user()
    r = await join(client, waiter, at(0, 10), at(0, 11), room_id=room.pk)
    assert r.status_code == 201, r.text
    joined = r.json()
    assert joined["state"] == "waiting" and joined["booking_id"] is None
    assert r.headers["location"] == f"{WL}/{joined['id']}"

    await cancel(client, holder, taken)  # the booking in the way ends: the offer comes
    offered = await entry(client, waiter, joined["id"])
    assert offered["state"] == "offered" and offered["offers"] == 1
    assert offered["offer_expires_at"].startswith(at(0, 8, 15).isoformat()[:19])
    hold = await Booking.get(id=offered["booking_id"])
    assert (hold.status, hold.owner_id, hold.room_id) == (Status.held, waiter.pk, room.pk)

    # The hold blocks everyone else: a 409 naming it (privacy view), availability shows it.
    r = await book(client, stranger, room, at(0, 10, 30), at(0, 11, 30))
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["code"] == "booking_conflict"
    assert problem["detail"] == (
        f"room {room.code} is held for a waiting member from {at(0, 10).isoformat()} "
        f"to {at(0, 11).isoformat()}"
    )
    assert problem["conflicts"] == [
        {
            "room_id": room.pk,
            "start": at(0, 10).isoformat(),
            "end": at(0, 11).isoformat(),
            "status": "held",
        }
    ]
    r = await client.get(
        f"/api/v1/rooms/{room.pk}/availability",
        params={"from": at(0, 9).isoformat(), "to": at(0, 12).isoformat()},
        headers=bearer(stranger),
    )
    assert [b["status"] for b in r.json()["busy"]] == ["held"]
    r = await client.get(
        "/api/v1/rooms",
        params={"free_from": at(0, 10).isoformat(), "free_to": at(0, 11).isoformat()},
        headers=bearer(stranger),
    )
    assert room.pk not in [x["id"] for x in r.json()["data"]]

    r = await client.post(f"{WL}/{joined['id']}/accept", headers=bearer(waiter))
    assert r.status_code == 200, r.text
    accepted = r.json()
    assert accepted["state"] == "accepted"
    assert accepted["booking"]["id"] == hold.pk and accepted["booking"]["status"] == "confirmed"
    assert (await Booking.get(id=hold.pk)).status == Status.confirmed
    r = await client.post(f"{WL}/{joined['id']}/accept", headers=bearer(waiter))
    assert r.status_code == 409 and r.json()["entry_state"] == "accepted"
    assert r.json()["detail"] == (
        f"waitlist entry {joined['id']} is accepted; only offered entries can do this"
    )
    r = await client.delete(f"{WL}/{joined['id']}", headers=bearer(waiter))
    assert r.status_code == 409 and r.json()["detail"] == (
        f"waitlist entry {joined['id']} is accepted; only waiting or offered entries can do this"
    )
    actions = (
        await AuditEvent.filter(entity_type="waitlist_entry", entity_id=joined["id"])
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["waitlist.join", "waitlist.offer", "waitlist.accept"]
    created = await AuditEvent.get(
        entity_type="booking", entity_id=hold.pk, action="booking.create"
    )
    assert created.before["status"] == "held" and created.after["status"] == "confirmed"


async def test_a_member_waiting_leaves_every_cached_search_good(
    client, make_user, room, login_clock
):
    """An entry that waits holds no room: joining, and a sweep that finds nothing free,
    keep the cached searches (their stamp stays; the sweep runs every minute while anyone
    waits). The offer it gets once the room comes free is a hold, which moves the stamp (else
    a search cached since would show the held room free)."""
    _, taken = await taken_room(client, make_user, room, login_clock)
    cache = runtime.cache()
    before = await cache.stamp(search.STAMP)
    waiter = await make_user()
    r = await join(client, waiter, at(0, 10), at(0, 11), room_id=room.pk)
    assert r.json()["state"] == "waiting", r.text
    assert await waitlist_offers.sweep(at(0, 8), force=True) == 0
    assert await cache.stamp(search.STAMP) == before
    await Booking.filter(id=taken).update(status=Status.cancelled)  # freed behind its back
    assert await waitlist_offers.sweep(at(0, 8), force=True) == 1
    assert (await entry(client, waiter, r.json()["id"]))["state"] == "offered"
    assert await cache.stamp(search.STAMP) == before + 1  # the hold, once


@pytest.mark.parametrize("why", ["rules refuse", "owner deactivated", "not bookable", "removed"])
async def test_a_freed_slot_offered_to_no_one_leaves_every_cached_search_good(
    client, make_user, room, staff, login_clock, why
):
    """A slot comes free and the offer finds no one to give it to: the one member waiting is
    passed over (the room's rules refuse them) or no longer has an account, or the room is no
    longer bookable, or was removed. Nothing is held, so the cached searches stay good (the stamp stays), and the
    member keeps waiting."""
    _, taken = await taken_room(client, make_user, room, login_clock)
    waiter = await make_user()
    if why == "rules refuse":
        rule = {"max_bookings_per_week": 1}
        r = await client.put(f"/api/v1/rules/room/{room.pk}", json=rule, headers=bearer(staff))
        assert r.status_code == 200, r.text
        assert (await book(client, waiter, room, at(1, 10), at(1, 11))).status_code == 201
    joined = (await join(client, waiter, at(0, 10), at(0, 11), room_id=room.pk)).json()
    assert joined["state"] == "waiting", joined
    await Booking.filter(id=taken).update(status=Status.cancelled)  # freed behind its back
    if why == "owner deactivated":
        await User.filter(id=waiter.pk).update(is_active=False)
    if why == "not bookable":
        await Room.filter(id=room.pk).update(bookable=False)
    if why == "removed":
        await Room.filter(id=room.pk).update(deleted_at=at(0, 8))
    cache = runtime.cache()
    before = await cache.stamp(search.STAMP)
    await waitlist_offers.offer_slot(Slot(room.pk, at(0, 10), at(0, 11)))
    assert await cache.stamp(search.STAMP) == before
    assert (await WaitlistEntry.get(id=joined["id"])).state.value == "waiting"
    assert await Booking.filter(status=Status.held).count() == 0


async def test_three_waiting_members_cascade_through_expiring_offers(
    client, make_user, room, login_clock
):
    holder, taken = await taken_room(client, make_user, room, login_clock)
    first, second, third = [await make_user() for _ in range(3)]
    ids = []
    for user in (first, second, third):
        set_clock(login_clock, at(0, 8) + timedelta(minutes=len(ids)))
        r = await join(client, user, at(0, 10), at(0, 11), room_id=room.pk)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    set_clock(login_clock, at(0, 8))
    await cancel(client, holder, taken)
    states = lambda: [WaitlistEntry.get(id=i) for i in ids]  # noqa: E731
    assert [(await e).state.value for e in states()] == ["offered", "waiting", "waiting"]

    # Nothing is due before the hold ends; then the first offer expires and passes on.
    set_clock(login_clock, at(0, 8, 14))
    assert await waitlist_offers.tick() == 0
    set_clock(login_clock, at(0, 8, 16))
    assert await waitlist_offers.tick() >= 1
    assert [(await e).state.value for e in states()] == ["expired", "offered", "waiting"]
    # The second declines: the third gets it at once.
    r = await client.post(f"{WL}/{ids[1]}/decline", headers=bearer(second))
    assert r.status_code == 200 and r.json()["state"] == "declined"
    got = [await e for e in states()]
    assert [e.state.value for e in got] == ["expired", "declined", "offered"]
    # The first cannot accept any more: its offer expired (409), nothing written.
    r = await client.post(f"{WL}/{ids[0]}/accept", headers=bearer(first))
    assert r.status_code == 409 and r.json()["entry_state"] == "expired"
    # The third's hold expires too after its own 15 minutes (caught up on a late tick).
    set_clock(login_clock, at(0, 9, 30))
    await waitlist_offers.tick()
    assert (await WaitlistEntry.get(id=ids[2])).state.value == "expired"
    holds = await Booking.filter(room_id=room.pk, start=at(0, 10)).order_by("id")
    assert [b.status for b in holds] == [Status.cancelled] * 4  # the first booking, 3 holds
    assert [b.reason for b in holds[1:]] == [
        "waitlist offer expired",
        "waitlist offer declined",
        "waitlist offer expired",
    ]
    expired = await AuditEvent.filter(action="waitlist.expire").count()
    assert expired == 2 and await AuditEvent.filter(action="booking.lapse").count() == 3
    # The room is free again, for anyone.
    r = await book(client, first, room, at(0, 10), at(0, 11))
    assert r.status_code == 201, r.text


async def test_an_offer_expiring_just_as_the_member_accepts_is_a_409(
    client, make_user, room, login_clock
):
    holder, taken = await taken_room(client, make_user, room, login_clock)
    waiter = await make_user()
    entry_id = (await join(client, waiter, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    await cancel(client, holder, taken)
    set_clock(login_clock, at(0, 8, 15))  # the hold ends now; the worker has not run yet
    r = await client.post(f"{WL}/{entry_id}/accept", headers=bearer(waiter))
    assert r.status_code == 409 and "expired" in r.json()["detail"]
    assert (await WaitlistEntry.get(id=entry_id)).state.value == "offered"
    assert await Booking.filter(owner_id=waiter.pk, status=Status.confirmed).count() == 0


async def test_any_room_with_30_seats_and_a_projector(
    client, make_user, make_room, staff, login_clock
):
    set_clock(login_clock, at(0, 8))
    small = await make_room(capacity=20, features=["projector"])
    bare = await make_room(capacity=40)
    fits = await make_room(capacity=35, features=["projector", "whiteboard"])
    holder, waiter = await make_user(), await make_user()
    for r in (small, bare, fits):
        assert (await book(client, holder, r, at(0, 10), at(0, 11))).status_code == 201
    r = await join(client, waiter, at(0, 10), at(0, 11), min_capacity=30, features=["projector"])
    assert r.status_code == 201 and r.json()["state"] == "waiting", r.text
    entry_id = r.json()["id"]
    # Rooms that do not fit come free: nothing happens.
    for r_ in (small, bare):
        b = await Booking.get(room_id=r_.pk, status=Status.confirmed)
        await cancel(client, holder, b.pk)
    assert (await WaitlistEntry.get(id=entry_id)).state.value == "waiting"
    b = await Booking.get(room_id=fits.pk, status=Status.confirmed)
    await cancel(client, holder, b.pk)
    got = await entry(client, waiter, entry_id)
    assert got["state"] == "offered"
    assert (await Booking.get(id=got["booking_id"])).room_id == fits.pk


async def test_any_room_of_a_building_is_offered_from_that_building_only(
    client, make_user, make_room, staff, building, login_clock
):
    set_clock(login_clock, at(0, 8))
    annex = await new_building(client, staff, "ANX", "Annex")
    here = await make_room(capacity=30)
    there = await make_room(code="ANX-1", capacity=30, building_id=annex)
    holder, waiter = await make_user(), await make_user()
    for room in (here, there):
        assert (await book(client, holder, room, at(0, 10), at(0, 11))).status_code == 201
    r = await join(client, waiter, at(0, 10), at(0, 11), building_id=building.pk)
    assert r.status_code == 201 and r.json()["state"] == "waiting", r.text
    entry_id = r.json()["id"]
    await cancel(client, holder, (await Booking.get(room_id=there.pk)).pk)
    assert (await entry(client, waiter, entry_id))["state"] == "waiting"  # another building
    await cancel(client, holder, (await Booking.get(room_id=here.pk)).pk)
    got = await entry(client, waiter, entry_id)
    assert got["state"] == "offered"
    assert (await Booking.get(id=got["booking_id"])).room_id == here.pk


async def test_joining_when_a_fitting_room_is_free_offers_it_at_once(
    client, make_user, make_room, login_clock
):
    set_clock(login_clock, at(0, 8))
    await make_room(capacity=10)
    big = await make_room(capacity=50)
    waiter = await make_user()
    r = await join(client, waiter, at(0, 10), at(0, 11), min_capacity=30)
    assert r.status_code == 201 and r.json()["state"] == "offered", r.text
    assert (await Booking.get(id=r.json()["booking_id"])).room_id == big.pk


async def test_a_member_whose_rules_refuse_is_passed_over(
    client, make_user, room, staff, login_clock
):
    holder, taken = await taken_room(client, make_user, room, login_clock)
    r = await client.put(
        f"/api/v1/rules/room/{room.pk}", json={"max_bookings_per_week": 1}, headers=bearer(staff)
    )
    assert r.status_code == 200, r.text
    busy, patient = await make_user(), await make_user()
    assert (await book(client, busy, room, at(1, 10), at(1, 11))).status_code == 201
    first = (await join(client, busy, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    second = (await join(client, patient, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    await cancel(client, holder, taken)
    skipped = await WaitlistEntry.get(id=first)
    assert skipped.state.value == "waiting"  # keeps waiting, with the reason
    assert "passed over" in skipped.reason and "week" in skipped.reason
    assert (await WaitlistEntry.get(id=second)).state.value == "offered"


async def test_leaving_with_an_offer_passes_it_on_and_others_get_404(
    client, make_user, room, login_clock
):
    holder, taken = await taken_room(client, make_user, room, login_clock)
    a, b = await make_user(), await make_user()
    ea = (await join(client, a, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    eb = (await join(client, b, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    await cancel(client, holder, taken)
    for method, path in (("GET", ""), ("DELETE", ""), ("POST", "/accept"), ("POST", "/decline")):
        r = await client.request(method, f"{WL}/{ea}{path}", headers=bearer(b))
        assert r.status_code == 404 and r.json()["code"] == "not_found", (method, path)
        assert r.json()["detail"] == f"waitlist entry {ea} does not exist", (method, path)
    r = await client.delete(f"{WL}/{ea}", headers=bearer(a))
    assert r.status_code == 200 and r.json()["state"] == "left"
    assert (await WaitlistEntry.get(id=eb)).state.value == "offered"
    mine = await client.get(WL, headers=bearer(a))
    assert [e["id"] for e in mine.json()["data"]] == [ea]


async def test_bad_joins_write_nothing(client, make_user, room, staff, login_clock, admin):
    set_clock(login_clock, at(0, 8))
    member = await make_user()
    good = {"title": "x", "start": at(0, 10).isoformat(), "end": at(0, 11).isoformat()}
    cases = [
        (good | {"room_id": room.pk, "colour": "red"}, 400, "validation_failed"),
        (good | {"room_id": room.pk, "min_capacity": 5}, 400, "validation_failed"),
        (good | {"room_id": 999_999}, 400, "validation_failed"),
        (good | {"building_id": 999_999}, 400, "validation_failed"),
        (good | {"features": ["no-such-thing"]}, 400, "validation_failed"),
        (good | {"features": ["Bad Code!"]}, 400, "validation_failed"),
        (good | {"features": ["f"] * 21}, 400, "validation_failed"),
        (good | {"title": "t" * 201, "room_id": room.pk}, 400, "validation_failed"),
        (good | {"room_id": room.pk, "start": at(0, 7).isoformat()}, 400, "validation_failed"),
        (good | {"room_id": room.pk, "end": at(0, 9).isoformat()}, 400, "validation_failed"),
        (good | {"room_id": room.pk, "end": at(400, 9).isoformat()}, 422, "rule_violation"),
        (good | {"room_id": room.pk, "start": f"{Y2031}-03-03T10:00:00"}, 400, "validation_failed"),
        (
            good
            | {
                "room_id": room.pk,
                "start": "9999-12-31T23:00:00+00:00",
                "end": "9999-12-31T23:30:00+00:00",
            },
            422,
            "rule_violation",
        ),
        (good | {"room_id": room.pk, "title": "a\u0000b"}, 400, "validation_failed"),
        (good | {"features": ["x"] * 5000}, 400, "validation_failed"),
    ]
    cases += [
        (good | {"room_id": room.pk, "start": at(0, 8).isoformat()}, 400, "validation_failed"),
        (good | {"room_id": room.pk, "end": at(20, 9).isoformat()}, 422, "rule_violation"),
    ]
    for body, status, code in cases:
        r = await client.post(WL, json=body, headers=bearer(member))
        assert (r.status_code, r.json()["code"]) == (status, code), (body, r.text)
        assert len(r.content) < 5000
    r = await client.post(WL, json=good | {"room_id": room.pk, "start": at(0, 8).isoformat()},
                          headers=bearer(member))  # fmt: skip
    detail = f"the window must start in the future (it is {at(0, 8).isoformat()})"
    assert r.json()["detail"] == f"start: {detail}"
    assert r.json()["errors"] == [
        {"location": "body", "pointer": "/start", "detail": detail, "code": "invalid"}
    ]
    r = await client.post(WL, json=good | {"room_id": room.pk, "min_capacity": 5},
                          headers=bearer(member))  # fmt: skip
    both = "give room_id, or the criteria (building_id, min_capacity, features), not both"
    assert r.json()["errors"] == [
        {"location": "body", "pointer": "/room_id", "detail": both, "code": "exclusive"}
    ]
    assert await WaitlistEntry.all().count() == 0
    assert await AuditEvent.filter(action="waitlist.join").count() == 0


async def test_open_entries_are_bounded_and_duplicates_refused(
    client, make_user, make_room, login_clock, monkeypatch
):
    from compax_server import runtime

    monkeypatch.setattr(runtime.settings(), "waitlist_max_entries", 2)
    holder, _ = await taken_room(client, make_user, await make_room(), login_clock)
    rooms = [await make_room() for _ in range(3)]
    member = await make_user()
    for r_ in rooms:
        assert (await book(client, holder, r_, at(0, 10), at(0, 11))).status_code == 201
    r = await join(client, member, at(0, 10), at(0, 11), room_id=rooms[0].pk)
    assert r.status_code == 201
    first = r.json()["id"]
    r = await join(client, member, at(0, 10), at(0, 11), room_id=rooms[0].pk)
    assert r.status_code == 409 and r.json()["entry_id"] > 0
    assert (
        await join(client, member, at(0, 10), at(0, 11), room_id=rooms[1].pk)
    ).status_code == 201
    r = await join(client, member, at(0, 10), at(0, 11), room_id=rooms[2].pk)
    limit = "at most 2 open waitlist entries per person; leave one first"
    assert r.status_code == 422 and r.json()["detail"] == limit
    assert r.json()["errors"] == [{"rule": "waitlist_limit", "detail": limit}]
    assert await WaitlistEntry.filter(user_id=member.pk).count() == 2
    # the bound is each person's, over their open entries only
    other = await make_user()
    r = await join(client, other, at(0, 10), at(0, 11), room_id=rooms[2].pk)
    assert r.status_code == 201, r.text
    r = await client.delete(f"{WL}/{first}", headers=bearer(member))
    assert r.status_code in (200, 204), r.text
    r = await join(client, member, at(0, 10), at(0, 11), room_id=rooms[2].pk)
    assert r.status_code == 201, r.text


async def test_staff_list_everyone_and_windows_that_begin_close_the_entry(
    client, make_user, room, staff, login_clock
):
    _holder, _ = await taken_room(client, make_user, room, login_clock)
    a, b = await make_user(), await make_user()
    await join(client, a, at(0, 10), at(0, 11), room_id=room.pk)
    await join(client, b, at(0, 10), at(0, 11), room_id=room.pk)
    r = await client.get(WL, params={"state": "waiting"}, headers=bearer(staff))
    assert len(r.json()["data"]) == 2
    r = await client.get(WL, params={"user_id": b.pk}, headers=bearer(staff))
    assert [e["user_id"] for e in r.json()["data"]] == [b.pk]
    r = await client.get(WL, params={"user_id": b.pk}, headers=bearer(a))  # ignored: own only
    assert [e["user_id"] for e in r.json()["data"]] == [a.pk]
    r = await client.get(WL, params={"state": "nope"}, headers=bearer(a))
    assert r.status_code == 400
    set_clock(login_clock, at(0, 10))
    await waitlist_offers.tick()
    assert {e.state.value for e in await WaitlistEntry.all()} == {"closed"}
    for state, listed in [("waiting", 0), ("closed", 2), ("waiting,closed", 2)]:
        r = await client.get(WL, params={"state": state}, headers=bearer(staff))
        assert len(r.json()["data"]) == listed, state
    closed = (await client.get(WL, params={"user_id": b.pk}, headers=bearer(staff))).json()
    assert [(e["state"], e["ended_at"]) for e in closed["data"]] == [
        ("closed", f"{Y2031}-03-03T10:00:00Z")
    ]


async def test_the_refusals_of_an_offer_and_of_a_second_join_are_in_words(
    client, make_user, staff, room, building, login_clock
):
    """Joining twice for the same wish (features in any order) names the entry already
    open; other features are another wish. An expired offer says when it expired; an
    offer whose held booking staff cancelled says it was withdrawn."""
    for code in ("projector", "whiteboard"):  # the room has neither: no offer for these wishes
        made = await client.post("/api/v1/features", json={"code": code, "name": code},
                                 headers=bearer(staff))  # fmt: skip
        assert made.status_code == 201, made.text
    holder, taken = await taken_room(client, make_user, room, login_clock)
    waiter = await make_user()
    wish = {"building_id": building.pk, "min_capacity": 10}
    first = await join(
        client, waiter, at(0, 10), at(0, 11), **wish, features=["projector", "whiteboard"]
    )
    assert first.status_code == 201, first.text
    again = await join(
        client,
        waiter,
        at(0, 10),
        at(0, 11),
        **wish,
        features=["whiteboard", "projector", "projector"],
    )
    assert again.status_code == 409, again.text
    assert (
        again.json()["detail"] == f"you already wait for this (waitlist entry {first.json()['id']})"
    )
    assert again.json()["entry_id"] == first.json()["id"]
    other = await join(client, waiter, at(0, 10), at(0, 11), **wish, features=["projector"])
    assert other.status_code == 201, other.text

    mine = await join(client, waiter, at(0, 10), at(0, 11), room_id=room.pk)
    assert mine.status_code == 201, mine.text
    entry_id = mine.json()["id"]
    await cancel(client, holder, taken)
    offered = await entry(client, waiter, entry_id)
    assert offered["state"] == "offered", offered
    set_clock(login_clock, at(0, 8, 15))
    r = await client.post(f"{WL}/{entry_id}/accept", headers=bearer(waiter))
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == (
        f"the offer of waitlist entry {entry_id} expired at {at(0, 8, 15).isoformat()}; "
        "it passes to the next in line"
    )
    assert r.json()["entry_state"] == "offered"
    assert r.json()["offer_expires_at"] == at(0, 8, 15).isoformat()
    set_clock(login_clock, at(0, 8, 10))
    hold = await Booking.get(id=offered["booking_id"])
    await Booking.filter(id=hold.pk).update(status=Status.cancelled)  # as if staff cancelled it
    r = await client.post(f"{WL}/{entry_id}/accept", headers=bearer(waiter))
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == (
        f"the offer of waitlist entry {entry_id} was withdrawn (booking {hold.pk} is cancelled)"
    )
    assert r.json()["booking_status"] == "cancelled"
    assert await Booking.filter(owner_id=waiter.pk, status=Status.confirmed).count() == 0


async def test_the_sweep_offers_slots_freed_behind_the_offer_path_page_by_page(
    client, make_user, make_room, login_clock, monkeypatch
):
    """Slots freed where no offer followed (the process died between the cancel's commit and
    its offer) are offered by the sweep: once a minute among all processes, paging through
    the waiting entries by id, past one whose room is still taken."""
    set_clock(login_clock, at(0, 8))
    holder = await make_user()
    rooms = [await make_room() for _ in range(3)]
    taken = [(await book(client, holder, r, at(0, 10), at(0, 11))).json()["id"] for r in rooms]
    waiters = [await make_user() for _ in rooms]
    entries = []
    for waiter, r in zip(waiters, rooms, strict=True):
        made = await join(client, waiter, at(0, 10), at(0, 11), room_id=r.pk)
        assert made.status_code == 201 and made.json()["state"] == "waiting", made.text
        entries.append(made.json()["id"])
    monkeypatch.setattr(waitlist_offers, "SWEEP_BATCH", 1)

    async def sweep(moment):
        return await asyncio.wait_for(waitlist_offers.sweep(moment), 10)

    await Booking.filter(id=taken[1]).update(status=Status.cancelled)
    assert await sweep(at(0, 8, 30)) == 1
    await Booking.filter(id=taken[2]).update(status=Status.cancelled)
    assert await sweep(at(0, 8, 30) + timedelta(seconds=59)) == 0  # not a minute yet
    assert await sweep(at(0, 8, 31)) == 1
    states = [(await WaitlistEntry.get(id=e)).state.value for e in entries]
    assert states == ["waiting", "offered", "offered"]
    holds = await Booking.filter(status=Status.held).order_by("room_id")
    assert [(b.room_id, b.owner_id) for b in holds] == [
        (rooms[1].pk, waiters[1].pk),
        (rooms[2].pk, waiters[2].pk),
    ]
    # the first entry's room comes free too: the sweep starts at the first entry, not after it
    await Booking.filter(id=taken[0]).update(status=Status.cancelled)
    assert await sweep(at(0, 8, 32)) == 1
    assert (await WaitlistEntry.get(id=entries[0])).state.value == "offered"
    assert await sweep(at(0, 8, 33)) == 0  # nobody waits any more


async def test_a_tick_expires_offers_in_batches_by_expiry_and_closes_begun_windows(
    client, make_user, make_room, login_clock, monkeypatch
):
    """Three offers fall due together, handled two at a time: every batch until one is not
    full, in the order they expired (not the order of joining); the entries whose window
    began are closed the same way, by start, each with its reason and a ``waitlist.close``
    event carrying the entry and what it waited for. The tick counts all of it."""
    set_clock(login_clock, at(0, 8))
    holder = await make_user()
    x, y, z, w = [await make_room() for _ in range(4)]
    taken = {
        r.pk: (await book(client, holder, r, at(0, 10), at(0, 11))).json()["id"] for r in (x, y, z)
    }
    late = (await book(client, holder, w, at(0, 8, 40), at(0, 9))).json()["id"]
    assert late > 0
    ids = {}
    for name, r in (("b", y), ("a", x), ("c", z)):  # b joins first, a is offered first
        made = await join(client, await make_user(), at(0, 10), at(0, 11), room_id=r.pk)
        ids[name] = made.json()["id"]
    for name, start in (("f", at(0, 8, 45)), ("d", at(0, 8, 40)), ("e", at(0, 8, 40))):
        made = await join(client, await make_user(), start, at(0, 9), room_id=w.pk)
        ids[name] = made.json()["id"]
    for minute, r in ((0, x), (5, y), (10, z)):
        set_clock(login_clock, at(0, 8, minute))
        await cancel(client, holder, taken[r.pk])
    states = [(await WaitlistEntry.get(id=ids[n])).state.value for n in "abcdef"]
    assert states == ["offered", "offered", "offered", "waiting", "waiting", "waiting"]
    monkeypatch.setattr(waitlist_offers, "EXPIRE_BATCH", 2)

    set_clock(login_clock, at(0, 8, 45))
    assert await waitlist_offers.tick() == 6  # three offers expired, three windows begun
    states = [(await WaitlistEntry.get(id=ids[n])).state.value for n in "abcdef"]
    assert states == ["expired"] * 3 + ["closed"] * 3
    expired = await AuditEvent.filter(action="waitlist.expire").order_by("id")
    assert [e.entity_id for e in expired] == [ids["a"], ids["b"], ids["c"]]
    closed = await AuditEvent.filter(action="waitlist.close").order_by("id")
    assert [e.entity_id for e in closed] == [ids["d"], ids["e"], ids["f"]]  # by start, id
    for event in closed:
        assert event.entity_type == "waitlist_entry"
        entry = await WaitlistEntry.get(id=event.entity_id)
        assert entry.reason == "the window began before a room came free"
        assert event.before["state"] == "waiting"
        assert event.after == waitlist_offers.entry_view(entry) | {
            "where": f"{w.code} {w.name}, Main building",
            "timezone": "Europe/Berlin",
        }


async def test_the_tick_sweeps_once_a_minute_and_one_failing_entry_stops_no_other(
    client, make_user, make_room, login_clock, monkeypatch, caplog
):
    """Each process tries a sweep turn at most once a minute (its first tick, then a minute
    later, not sooner); what a sweep offers counts in the tick. An entry whose offer fails
    is logged by id and the sweep goes on to the next."""
    set_clock(login_clock, at(0, 8))
    holder = await make_user()
    rooms = [await make_room() for _ in range(2)]
    taken = [(await book(client, holder, r, at(0, 10), at(0, 11))).json()["id"] for r in rooms]
    entries = []
    for r in rooms:
        made = await join(client, await make_user(), at(0, 10), at(0, 11), room_id=r.pk)
        entries.append(made.json()["id"])
    await Booking.filter(id__in=taken).update(status=Status.cancelled)  # no offer followed

    swept = []
    real_sweep, real_offer = waitlist_offers.sweep, waitlist_offers.offer_entry

    async def counted(moment, **kw):
        swept.append(moment)
        return await real_sweep(moment, **kw)

    async def failing_first(entry):
        if entry.pk == entries[0]:
            raise RuntimeError("the database went away")
        return await real_offer(entry)

    monkeypatch.setattr(waitlist_offers, "sweep", counted)
    monkeypatch.setattr(waitlist_offers, "offer_entry", failing_first)
    first = at(0, 8, 30)
    set_clock(login_clock, first)
    with caplog.at_level("ERROR", logger="compax.waitlist"):
        assert await waitlist_offers.tick() == 1
    assert [r.getMessage() for r in caplog.records] == [
        f"sweeping waitlist entry {entries[0]} failed"
    ]
    states = [(await WaitlistEntry.get(id=e)).state.value for e in entries]
    assert states == ["waiting", "offered"]

    monkeypatch.setattr(waitlist_offers, "offer_entry", real_offer)
    set_clock(login_clock, first + timedelta(seconds=59))
    assert await waitlist_offers.tick() == 0
    set_clock(login_clock, first + timedelta(seconds=60))
    assert await waitlist_offers.tick() == 1
    assert swept == [first, first + timedelta(seconds=60)]
    assert (await WaitlistEntry.get(id=entries[0])).state.value == "offered"


async def test_leaving_and_declining_are_recorded_whole_and_spare_a_hold_staff_ended(
    client, make_user, room, staff, login_clock
):
    """Leaving or declining ends the entry at that moment, one version on, with an event by
    the member (before and after); the hold it had is cancelled with its reason, one version
    on, in a ``booking.lapse`` event. A hold staff cancelled already is left as staff left
    it."""
    holder, taken = await taken_room(client, make_user, room, login_clock)
    a, b, c = [await make_user() for _ in range(3)]
    ids = [
        (await join(client, u, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
        for u in (a, b, c)
    ]
    await cancel(client, holder, taken)

    async def end(user, entry_id, how, minute):
        set_clock(login_clock, at(0, 8, minute))
        offered = await WaitlistEntry.get(id=entry_id)
        assert offered.state.value == "offered"
        hold = await Booking.get(id=offered.booking_id)
        if how == "leave":
            r = await client.delete(f"{WL}/{entry_id}", headers=bearer(user))
        else:
            r = await client.post(f"{WL}/{entry_id}/decline", headers=bearer(user))
        assert r.status_code == 200, r.text
        assert r.json()["ended_at"] == at(0, 8, minute).isoformat().replace("+00:00", "Z")
        assert r.json()["version"] == offered.version + 1
        ended = await AuditEvent.get(entity_type="waitlist_entry", entity_id=entry_id,
                                     action=f"waitlist.{how}")  # fmt: skip
        assert ended.actor_user_id == user.pk
        assert (ended.before["state"], ended.after["state"]) == ("offered", r.json()["state"])
        assert ended.after["version"] == offered.version + 1
        return hold

    hold = await end(a, ids[0], "leave", 5)
    lapsed = await Booking.get(id=hold.pk)
    assert (lapsed.status, lapsed.reason) == (Status.cancelled, "waitlist offer left")
    assert lapsed.version == hold.version + 1
    event = await AuditEvent.get(action="booking.lapse", entity_id=hold.pk)
    assert (event.entity_type, event.actor_user_id) == ("booking", a.pk)
    assert (event.before["status"], event.after["status"]) == ("held", "cancelled")
    assert event.after["version"] == hold.version + 1

    hold = await end(b, ids[1], "decline", 6)
    assert (await Booking.get(id=hold.pk)).reason == "waitlist offer declined"

    third = await WaitlistEntry.get(id=ids[2])
    await Booking.filter(id=third.booking_id).update(status=Status.cancelled, reason="closed")
    hold = await end(c, ids[2], "leave", 7)
    kept = await Booking.get(id=hold.pk)
    assert (kept.status, kept.reason, kept.version) == (Status.cancelled, "closed", hold.version)
    assert await AuditEvent.filter(action="booking.lapse", entity_id=hold.pk).count() == 0


async def test_staff_list_by_room_page_by_page(client, make_user, make_room, staff, login_clock):
    set_clock(login_clock, at(0, 8))
    holder = await make_user()
    rooms = [await make_room() for _ in range(2)]
    for r_ in rooms:
        assert (await book(client, holder, r_, at(0, 10), at(0, 11))).status_code == 201
    made = []
    for r_ in (rooms[0], rooms[1], rooms[0], rooms[0]):
        made.append(
            (await join(client, await make_user(), at(0, 10), at(0, 11), room_id=r_.pk)).json()[
                "id"
            ]
        )
    seen, cursor = [], None
    for _ in range(2):
        params = {"room_id": rooms[0].pk, "limit": 2} | ({"cursor": cursor} if cursor else {})
        r = await client.get(WL, params=params, headers=bearer(staff))
        assert r.status_code == 200, r.text
        seen.append([e["id"] for e in r.json()["data"]])
        cursor = r.json()["next_cursor"]
    assert seen == [[made[0], made[2]], [made[3]]] and cursor is None


async def test_accepting_is_recorded_whole_and_the_members_rules_apply_again(
    client, make_user, room, staff, login_clock
):
    """Accepting ends the entry at that moment, one version on; the hold becomes the
    member's booking one version on, in a ``booking.create`` event by the member that names
    the entry. Every snapshot of the entry is whole. A rule set after the offer (the
    member's weekly quota) refuses the accept with a 422 and changes nothing."""
    holder, taken = await taken_room(client, make_user, room, login_clock)
    member, other = await make_user(), await make_user()
    ids = {}
    for who, u in (("member", member), ("other", other)):
        made = await join(client, u, at(0, 10), at(0, 11), room_id=room.pk)
        ids[who] = made.json()["id"]
    joined = await AuditEvent.get(action="waitlist.join", entity_id=ids["member"])
    assert (joined.actor_user_id, joined.entity_type) == (member.pk, "waitlist_entry")
    assert joined.after == {
        "user_id": member.pk,
        "title": "Waiting",
        "room_id": room.pk,
        "building_id": None,
        "min_capacity": None,
        "features": [],
        "start": at(0, 10).isoformat(),
        "end": at(0, 11).isoformat(),
        "state": "waiting",
        "booking_id": None,
        "offer_expires_at": None,
        "reason": None,
        "version": 1,
    }
    await cancel(client, holder, taken)

    # the member booked that week meanwhile, and a quota of one came in: the accept is refused
    assert (await book(client, member, room, at(1, 14), at(1, 15))).status_code == 201
    r = await client.put(
        f"/api/v1/rules/room/{room.pk}", json={"max_bookings_per_week": 1}, headers=bearer(staff)
    )
    assert r.status_code == 200, r.text
    offered = await WaitlistEntry.get(id=ids["member"])
    r = await client.post(f"{WL}/{offered.pk}/accept", headers=bearer(member))
    assert r.status_code == 422, r.text
    assert [e["rule"] for e in r.json()["errors"]] == ["max_bookings_per_week"]
    after = await WaitlistEntry.get(id=offered.pk)
    assert (after.state.value, after.version) == ("offered", offered.version)
    assert (await Booking.get(id=offered.booking_id)).status == Status.held
    r = await client.put(f"/api/v1/rules/room/{room.pk}", json={}, headers=bearer(staff))
    assert r.status_code == 200, r.text

    set_clock(login_clock, at(0, 8, 5))
    hold = await Booking.get(id=offered.booking_id)
    r = await client.post(f"{WL}/{offered.pk}/accept", headers=bearer(member))
    assert r.status_code == 200, r.text
    assert r.json()["ended_at"] == f"{Y2031}-03-03T08:05:00Z"
    assert r.json()["version"] == offered.version + 1
    booked = await Booking.get(id=hold.pk)
    assert (booked.status, booked.version) == (Status.confirmed, hold.version + 1)
    created = await AuditEvent.get(action="booking.create", entity_id=hold.pk)
    assert created.actor_user_id == member.pk
    assert created.after["waitlist_entry_id"] == offered.pk
    assert created.after["version"] == hold.version + 1
    accepted = await AuditEvent.get(action="waitlist.accept", entity_id=offered.pk)
    assert (accepted.actor_user_id, accepted.entity_type) == (member.pk, "waitlist_entry")
    assert accepted.before | {"state": "accepted", "version": offered.version + 1} == (
        accepted.after
    )
    assert accepted.before["state"] == "offered"
    assert accepted.before["booking_id"] == hold.pk
    assert accepted.before["offer_expires_at"] == at(0, 8, 15).isoformat()
    # leaving records the reason in the entry's snapshot
    r = await client.delete(f"{WL}/{ids['other']}", headers=bearer(other))
    assert r.status_code == 200, r.text
    left = await AuditEvent.get(action="waitlist.leave", entity_id=ids["other"])
    assert (left.before["reason"], left.after["reason"]) == (None, "left")


async def test_in_a_room_that_needs_approval_a_member_accepts_a_request_and_its_managers_a_booking(
    client, make_user, make_room, staff, login_clock
):
    set_clock(login_clock, at(0, 8))
    room = await make_room(requires_approval=True)
    member, manager, keeper = await make_user(), await make_user(), await make_user()
    r = await client.post(
        f"/api/v1/rooms/{room.pk}/managers", json={"user_id": manager.pk}, headers=bearer(staff)
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/v1/buildings/{room.building_id}/managers",
        json={"user_id": keeper.pk},
        headers=bearer(staff),
    )
    assert r.status_code == 201, r.text
    got = {}
    for day, who in ((0, member), (1, manager), (2, keeper)):
        taken = await book(client, staff, room, at(day, 10), at(day, 11))
        assert taken.status_code == 201 and taken.json()["status"] == "confirmed", taken.text
        made = await join(client, who, at(day, 10), at(day, 11), room_id=room.pk)
        assert made.json()["state"] == "waiting", made.text
        await cancel(client, staff, taken.json()["id"])
        r = await client.post(f"{WL}/{made.json()['id']}/accept", headers=bearer(who))
        assert r.status_code == 200, r.text
        got[who.pk] = r.json()["booking"]["status"]
    assert got == {member.pk: "pending", manager.pk: "confirmed", keeper.pk: "confirmed"}


async def test_an_offer_accepted_after_its_check_in_window_closed_counts_as_checked_in(
    client, make_user, room, building, staff, login_clock
):
    """A building's rule requires a check-in that closes five minutes after the start; the
    offer came two minutes before it and is accepted eight minutes after: nobody could
    check in, so the booking counts as checked in when it was accepted."""
    holder, taken = await taken_room(client, make_user, room, login_clock)
    r = await client.put(
        f"/api/v1/rules/building/{building.pk}",
        json={"requires_checkin": True, "checkin_closes_minutes": 5},
        headers=bearer(staff),
    )
    assert r.status_code == 200, r.text
    member = await make_user()
    made = (await join(client, member, at(0, 10), at(0, 11), room_id=room.pk)).json()
    set_clock(login_clock, at(0, 9, 58))
    await cancel(client, holder, taken)
    set_clock(login_clock, at(0, 10, 8))
    r = await client.post(f"{WL}/{made['id']}/accept", headers=bearer(member))
    assert r.status_code == 200, r.text
    booking = await Booking.get(id=r.json()["booking"]["id"])
    assert booking.status == Status.confirmed and booking.checked_in_at == at(0, 10, 8)


async def test_a_waitlist_failure_never_fails_the_cancel_that_freed_the_slot(
    client, make_user, room, login_clock, monkeypatch, caplog
):
    """Reading the waitlists or offering a freed slot may fail (the database went away
    between the cancel's commit and its offer): the cancel stands, the failure is logged,
    and the sweep offers the slot later."""
    holder, taken = await taken_room(client, make_user, room, login_clock)
    member = await make_user()
    made = (await join(client, member, at(0, 10), at(0, 11), room_id=room.pk)).json()
    second = (await book(client, holder, room, at(0, 12), at(0, 13))).json()["id"]
    real_waiting, real_slot = waitlist_offers.waitlist_db.any_waiting, waitlist_offers.offer_slot

    async def gone(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(waitlist_offers.waitlist_db, "any_waiting", gone)
    with caplog.at_level("ERROR", logger="compax.waitlist"):
        await cancel(client, holder, taken)
    monkeypatch.setattr(waitlist_offers.waitlist_db, "any_waiting", real_waiting)
    monkeypatch.setattr(waitlist_offers, "offer_slot", gone)
    with caplog.at_level("ERROR", logger="compax.waitlist"):
        await cancel(client, holder, second)
    slot = f"Slot(room_id={room.pk}, start={at(0, 12)!r}, end={at(0, 13)!r})"
    assert [r.getMessage() for r in caplog.records] == [
        "reading the waitlists failed; the sweep tries again",
        f"offering the freed slot {slot} failed; the sweep tries again",
    ]
    assert (await WaitlistEntry.get(id=made["id"])).state.value == "waiting"
    monkeypatch.setattr(waitlist_offers, "offer_slot", real_slot)
    assert await waitlist_offers.sweep(at(0, 8, 30)) == 1
    assert (await WaitlistEntry.get(id=made["id"])).state.value == "offered"


async def test_the_line_passes_over_who_cannot_have_the_slot_without_a_reason(
    client, make_user, room, login_clock
):
    """A freed slot goes past the entries it cannot serve, saying nothing to them: one whose
    window is still partly taken, one whose member's account was closed; the next in line
    gets it."""
    set_clock(login_clock, at(0, 8))
    holder = await make_user()
    first = (await book(client, holder, room, at(0, 10), at(0, 11))).json()["id"]
    assert (await book(client, holder, room, at(0, 11), at(0, 12))).status_code == 201
    wide, closed, patient = [await make_user() for _ in range(3)]
    ids = [
        (await join(client, wide, at(0, 10), at(0, 12), room_id=room.pk)).json()["id"],
        (await join(client, closed, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"],
        (await join(client, patient, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"],
    ]
    await User.filter(id=closed.pk).update(is_active=False)
    await cancel(client, holder, first)
    got = [await WaitlistEntry.get(id=i) for i in ids]
    assert [(e.state.value, e.reason) for e in got] == [
        ("waiting", ""),
        ("waiting", ""),
        ("offered", ""),
    ]


async def test_an_unbookable_room_or_a_window_begun_gets_no_offer(
    client, make_user, room, login_clock
):
    set_clock(login_clock, at(0, 8))
    holder, member = await make_user(), await make_user()
    taken = [
        (await book(client, holder, room, at(0, h), at(0, h + 1))).json()["id"] for h in (10, 12)
    ]
    made = [
        (await join(client, member, at(0, h), at(0, h + 1), room_id=room.pk)).json()["id"]
        for h in (10, 12)
    ]
    await Room.filter(id=room.pk).update(bookable=False)
    await cancel(client, holder, taken[1])
    await Room.filter(id=room.pk).update(bookable=True)
    set_clock(login_clock, at(0, 10))  # the first window begins as its slot comes free
    await cancel(client, holder, taken[0])
    got = [await WaitlistEntry.get(id=i) for i in made]
    assert [(e.state.value, e.reason) for e in got] == [("waiting", ""), ("waiting", "")]
    assert await Booking.filter(status=Status.held).count() == 0


async def test_a_freed_slot_serves_everyone_in_line_it_has_room_for(
    client, make_user, room, login_clock
):
    """Two hours freed, two members waiting for one hour each: both are offered at once,
    each their hour, in one ``waitlist.offer`` event each (before: waiting; after: the room
    and the offer's number). The hold is a plain booking of the member."""
    set_clock(login_clock, at(0, 8))
    holder, early, late = [await make_user() for _ in range(3)]
    taken = (await book(client, holder, room, at(0, 10), at(0, 12))).json()["id"]
    ids = [
        (await join(client, early, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"],
        (await join(client, late, at(0, 11), at(0, 12), room_id=room.pk)).json()["id"],
    ]
    set_clock(login_clock, at(0, 8, 3))
    await cancel(client, holder, taken)
    got = [await WaitlistEntry.get(id=i) for i in ids]
    assert [e.state.value for e in got] == ["offered", "offered"]
    assert [e.offered_at for e in got] == [at(0, 8, 3)] * 2
    holds = [await Booking.get(id=e.booking_id) for e in got]
    assert [(b.owner_id, b.start, b.end) for b in holds] == [
        (early.pk, at(0, 10), at(0, 11)),
        (late.pk, at(0, 11), at(0, 12)),
    ]
    assert [(b.title, b.description, b.status) for b in holds] == [("Waiting", "", Status.held)] * 2
    for e in got:
        offer = await AuditEvent.get(action="waitlist.offer", entity_id=e.pk)
        assert (offer.actor_user_id, offer.before["state"]) == (None, "waiting")
        assert (offer.after["state"], offer.after["room_id"], offer.after["offer"]) == (
            "offered",
            room.pk,
            1,
        )
        assert offer.after["booking_id"] == e.booking_id


async def test_a_hold_the_database_refuses_costs_the_others_in_line_nothing(
    client, make_user, room, staff, login_clock, monkeypatch
):
    """The offer's check is blinded for the first in line (as if another writer committed
    in between), so the database refuses that hold; the offer to the next in line, made in
    the same transaction, stands, and the first stays waiting with no hold."""
    set_clock(login_clock, at(0, 8))
    holder, early, late = [await make_user() for _ in range(3)]
    taken = (await book(client, holder, room, at(0, 10, 30), at(0, 12))).json()["id"]
    first = (await join(client, early, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    second = (await join(client, late, at(0, 11), at(0, 12), room_id=room.pk)).json()["id"]
    r = await book(client, staff, room, at(0, 10), at(0, 10, 30))  # in the first's way
    assert r.status_code == 201, r.text
    seeing = waitlist_offers.blockers

    async def blind_to_the_first(building_id, room_id, start, end, *rest):
        if start == at(0, 10):
            return [], []
        return await seeing(building_id, room_id, start, end, *rest)

    monkeypatch.setattr(waitlist_offers, "blockers", blind_to_the_first)
    monkeypatch.setattr(booking_checks, "blockers", blind_to_the_first)
    inserting, refused = waitlist_offers.insert_booking, []

    async def noting_refusals(booking):
        try:
            return await inserting(booking)
        except IntegrityError:
            refused.append((booking.owner_id, booking.start))
            raise

    monkeypatch.setattr(waitlist_offers, "insert_booking", noting_refusals)
    await cancel(client, holder, taken)
    assert refused == [(early.pk, at(0, 10))]  # the database, not a check, refused the hold
    waiting, offered = await WaitlistEntry.get(id=first), await WaitlistEntry.get(id=second)
    assert (waiting.state.value, waiting.booking_id, waiting.offers) == ("waiting", None, 0)
    assert (offered.state.value, offered.offers) == ("offered", 1)
    hold = await Booking.get(id=offered.booking_id)
    assert (hold.owner_id, hold.start, hold.end, hold.status) == (
        late.pk,
        at(0, 11),
        at(0, 12),
        Status.held,
    )
    assert not await Booking.filter(owner_id=early.pk).exists()
    assert await AuditEvent.filter(action="waitlist.offer").count() == 1


async def test_joining_for_any_fitting_room_is_offered_the_best_fit_of_the_fitting_free_rooms(
    client, make_user, make_room, staff, login_clock, monkeypatch
):
    """Each decoy fits better (fewer seats) but fails one criterion: too small, another
    building, not bookable, without the feature, taken. Looking at one room only, the
    offer is still the room that fits."""
    set_clock(login_clock, at(0, 8))
    annex = await new_building(client, staff, "ANX", "Annex")
    beamer = ["projector"]
    await make_room(capacity=10, features=beamer)
    await make_room(code="ANX-1", capacity=31, features=beamer, building_id=annex)
    await make_room(capacity=32, features=beamer, bookable=False)
    await make_room(capacity=33)
    busy = await make_room(capacity=34, features=beamer)
    right = await make_room(capacity=40, features=beamer)
    holder, waiter = await make_user(), await make_user()
    assert (await book(client, holder, busy, at(0, 9), at(0, 12))).status_code == 201
    monkeypatch.setattr(waitlist_offers, "SWEEP_ROOMS", 1)
    building_id = right.building_id
    r = await join(
        client, waiter, at(0, 10), at(0, 11), building_id=building_id, min_capacity=30,
        features=beamer,
    )  # fmt: skip
    assert r.status_code == 201 and r.json()["state"] == "offered", r.text
    assert (await Booking.get(id=r.json()["booking_id"])).room_id == right.pk
    joined = await AuditEvent.get(action="waitlist.join", entity_id=r.json()["id"])
    assert (joined.after["room_id"], joined.after["features"]) == (None, ["projector"])
    offer = await AuditEvent.get(action="waitlist.offer", entity_id=r.json()["id"])
    assert (offer.after["room_id"], offer.after["building_id"]) == (right.pk, building_id)


async def test_each_refused_join_names_its_field_and_why(
    client, make_user, make_room, staff, login_clock
):
    set_clock(login_clock, at(0, 8))
    member = await make_user()
    closed = await make_room(bookable=False)
    gone = await new_building(client, staff, "OLD", "Old wing")
    assert (
        await client.delete(f"/api/v1/buildings/{gone}", headers=bearer(staff))
    ).status_code == 204
    window = {"title": "x", "start": at(0, 10).isoformat(), "end": at(0, 11).isoformat()}

    def field(name, detail, code="unknown"):
        return [{"location": "body", "pointer": f"/{name}", "detail": detail, "code": code}]

    cases = [
        ({"room_id": 999_999}, field("room_id", "room 999999 does not exist")),
        ({"building_id": gone}, field("building_id", f"building {gone} does not exist")),
        (
            {"features": ["zeta", "alpha", "zeta"]},
            field("features", "unknown features alpha, zeta"),
        ),
        (
            {"room_id": closed.pk},
            [{"rule": "not_bookable", "detail": f"room {closed.code} is not bookable"}],
        ),
    ]
    for extra, errors in cases:
        r = await client.post(WL, json=window | extra, headers=bearer(member))
        assert r.json()["errors"] == errors, (extra, r.text)
        detail = errors[0]["detail"]
        assert r.json()["detail"] == (
            f"{extra.popitem()[0]}: {detail}" if "pointer" in errors[0] else detail
        )
    # A wish longer than a booking may be: no override is offered (a wish has none).
    long = window | {"end": at(20, 11).isoformat()}
    r = await client.post(WL, json=long, headers=bearer(member))
    assert r.status_code == 422 and r.json()["detail"] == (
        "a booking may last at most 336 hours (14 days)"
    ), r.text
    assert await WaitlistEntry.all().count() == 0


async def test_only_the_same_wish_still_open_is_a_second_join(
    client, make_user, building, login_clock
):
    """A wish differs by its building, its seats, its start or its end; one that ended
    (left) may be made again."""
    set_clock(login_clock, at(0, 8))
    member = await make_user()
    wish = {"building_id": building.pk, "min_capacity": 500}  # no room has 500 seats
    first = await join(client, member, at(0, 10), at(0, 11), **wish)
    assert first.status_code == 201 and first.json()["state"] == "waiting", first.text
    others = [
        (at(0, 10), at(0, 11), {"min_capacity": 500}),
        (at(0, 10), at(0, 11), wish | {"min_capacity": 400}),
        (at(0, 10, 30), at(0, 11), wish),
        (at(0, 10), at(0, 11, 30), wish),
    ]
    for start, end, extra in others:
        r = await join(client, member, start, end, **extra)
        assert r.status_code == 201, (extra, start, end, r.text)
    r = await client.delete(f"{WL}/{first.json()['id']}", headers=bearer(member))
    assert r.status_code == 200, r.text
    again = await join(client, member, at(0, 10), at(0, 11), **wish)
    assert again.status_code == 201, again.text


async def test_staff_cannot_accept_for_a_member_whose_account_was_closed(
    client, make_user, room, staff, login_clock
):
    holder, taken = await taken_room(client, make_user, room, login_clock)
    member = await make_user()
    made = (await join(client, member, at(0, 10), at(0, 11), room_id=room.pk)).json()
    await cancel(client, holder, taken)
    await User.filter(id=member.pk).update(is_active=False)
    r = await client.post(f"{WL}/{made['id']}/accept", headers=bearer(staff))
    assert r.status_code == 404, r.text
    assert r.json()["detail"] == f"waitlist entry {made['id']} does not exist"
    entry = await WaitlistEntry.get(id=made["id"])
    assert entry.state.value == "offered"
    assert (await Booking.get(id=entry.booking_id)).status == Status.held


async def test_an_api_key_waits_reads_and_answers_only_within_its_scopes(
    client, make_user, room, admin, login_clock
):
    """A read key joins, leaves, accepts and declines nothing; a write key reads no entry.
    Each refusal is a 403 naming the scope, and writes nothing."""
    holder, taken = await taken_room(client, make_user, room, login_clock)
    member = await make_user()
    keys = {}
    for scope in ("read", "write"):
        _, keys[scope] = await api_keys.create_api_key(
            actor_of(admin), user_id=member.pk, name=scope, scopes=[scope]
        )
    entry_id = (await join(client, member, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    await cancel(client, holder, taken)
    window = {"title": "x", "start": at(0, 12).isoformat(), "end": at(0, 13).isoformat()}
    refused = {
        "read": [
            ("POST", WL, window | {"room_id": room.pk}),
            ("DELETE", f"{WL}/{entry_id}", None),
            ("POST", f"{WL}/{entry_id}/accept", None),
            ("POST", f"{WL}/{entry_id}/decline", None),
        ],
        "write": [("GET", WL, None), ("GET", f"{WL}/{entry_id}", None)],
    }
    lacking = {"read": "write", "write": "read"}
    for scope, calls in refused.items():
        auth = {"Authorization": f"Bearer {keys[scope]}"}
        for method, path, body in calls:
            r = await client.request(method, path, json=body, headers=auth)
            assert r.status_code == 403, (scope, method, path, r.text)
            assert r.json()["detail"] == f"this API key lacks the {lacking[scope]!r} scope"
    assert await WaitlistEntry.filter(user_id=member.pk).count() == 1
    assert (await WaitlistEntry.get(id=entry_id)).state.value == "offered"


async def offered_one_of_two(client, make_user, make_room, building, login_clock):
    """Two rooms of 30 booked 10-11 on day 0 (the clock at 08:00) and a member waiting for
    any room of 30 in the building. The first room comes free and is offered to them; then
    the other comes free too, and their offer stays the first (one offer at a time).
    Returns both rooms, the member and their entry."""
    set_clock(login_clock, at(0, 8))
    first, other = await make_room(capacity=30), await make_room(capacity=30)
    holder, waiter = await make_user(), await make_user()
    for r_ in (first, other):
        assert (await book(client, holder, r_, at(0, 10), at(0, 11))).status_code == 201
    r = await join(client, waiter, at(0, 10), at(0, 11), building_id=building.pk, min_capacity=30)
    entry_id = r.json()["id"]
    await cancel(client, holder, (await Booking.get(room_id=first.pk, owner_id=holder.pk)).pk)
    offered = await entry(client, waiter, entry_id)
    assert offered["state"] == "offered"
    assert (await Booking.get(id=offered["booking_id"])).room_id == first.pk
    await cancel(client, holder, (await Booking.get(room_id=other.pk, owner_id=holder.pk)).pk)
    assert await entry(client, waiter, entry_id) == offered  # one offer at a time
    return first, other, waiter, offered


async def test_an_offer_withdrawn_by_a_closure_waits_again_and_gets_another_room(
    client, make_user, make_room, staff, building, login_clock
):
    """Staff closing the room of an offer cancel its hold: the offer is withdrawn, not left
    standing until it expires (which would end the entry). The member waits again, in their
    place, and as the closure commits is offered the other room that fits (not at the next
    sweep, up to a minute later, with the other room free to anyone meanwhile). Another
    member waiting for the closed room alone keeps waiting; another's offer elsewhere
    stands."""
    first, other, waiter, offered = await offered_one_of_two(
        client, make_user, make_room, building, login_clock
    )
    entry_id, hold = offered["id"], offered["booking_id"]
    bystander, lucky, holder = await make_user(), await make_user(), await make_user()
    r = await join(client, bystander, at(0, 10), at(0, 11), room_id=first.pk)
    bystander_id = r.json()["id"]
    taken = (await book(client, holder, other, at(0, 13), at(0, 14))).json()["id"]
    lucky_id = (await join(client, lucky, at(0, 13), at(0, 14), room_id=other.pk)).json()["id"]
    await cancel(client, holder, taken)
    lucky_offer = await entry(client, lucky, lucky_id)
    assert lucky_offer["state"] == "offered", lucky_offer

    body = {"room_id": first.pk, "reason": "Burst pipe", "on_bookings": "cancel"}
    body |= {"start": at(0, 9).isoformat(), "end": at(0, 12).isoformat()}
    r = await client.post(
        f"/api/v1/buildings/{building.pk}/closures", json=body, headers=bearer(staff)
    )
    assert r.status_code == 201, r.text
    assert r.json()["booking_ids"] == [hold]
    assert (await Booking.get(id=hold)).status == Status.cancelled
    withdrawn = await AuditEvent.get(action="waitlist.withdraw", entity_id=entry_id)
    assert (withdrawn.actor_user_id, withdrawn.entity_type) == (staff.pk, "waitlist_entry")
    assert withdrawn.after["version"] == withdrawn.before["version"] + 1
    assert withdrawn.before["state"] == "offered" and withdrawn.after["state"] == "waiting"
    assert withdrawn.after["booking_id"] is None and withdrawn.after["offer_expires_at"] is None
    assert withdrawn.after["reason"] == "the offer was withdrawn: closed: Burst pipe"
    assert (withdrawn.after["room_id"], withdrawn.after["withdrawn"]) == (first.pk, hold)
    assert withdrawn.after["because"] == "closed: Burst pipe"

    again = await entry(client, waiter, entry_id)  # no sweep ran
    assert again["state"] == "offered", again
    assert again["offers"] == offered["offers"] + 1
    assert (await Booking.get(id=again["booking_id"])).room_id == other.pk
    offers = AuditEvent.filter(action="waitlist.offer", entity_id=entry_id).order_by("id")
    assert [e.after["room_id"] for e in await offers] == [first.pk, other.pk]
    assert (await offers.last()).id > withdrawn.id  # made after the withdrawal, not before
    still = await entry(client, bystander, bystander_id)
    assert (still["state"], still["booking_id"]) == ("waiting", None), still
    assert await entry(client, lucky, lucky_id) == lucky_offer
    assert not await AuditEvent.filter(action="waitlist.withdraw", entity_id=lucky_id).exists()
    r = await client.post(f"{WL}/{entry_id}/accept", headers=bearer(waiter))
    assert r.status_code == 200, r.text
    assert (await Booking.get(id=again["booking_id"])).status == Status.confirmed


async def test_a_withdrawn_offer_that_fails_to_move_leaves_the_closure_standing(
    client, make_user, make_room, staff, building, login_clock, monkeypatch, caplog
):
    """Offering a withdrawn entry another room may fail (the database went away after the
    closure's commit): the closure stands, the failure is logged naming the entry, the
    entry waits, and the sweep offers it the other room later."""
    first, other, waiter, offered = await offered_one_of_two(
        client, make_user, make_room, building, login_clock
    )
    entry_id = offered["id"]
    real_offer_entry = waitlist_offers.offer_entry

    async def gone(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(waitlist_offers, "offer_entry", gone)
    body = {"room_id": first.pk, "reason": "Burst pipe", "on_bookings": "cancel"}
    body |= {"start": at(0, 9).isoformat(), "end": at(0, 12).isoformat()}
    with caplog.at_level("ERROR", logger="compax.waitlist"):
        r = await client.post(
            f"/api/v1/buildings/{building.pk}/closures", json=body, headers=bearer(staff)
        )
    assert r.status_code == 201, r.text
    assert [r.getMessage() for r in caplog.records] == [
        f"offering entry {entry_id} another room failed; the sweep tries again"
    ]
    waiting = await entry(client, waiter, entry_id)
    assert (waiting["state"], waiting["booking_id"]) == ("waiting", None), waiting
    monkeypatch.setattr(waitlist_offers, "offer_entry", real_offer_entry)
    assert await waitlist_offers.sweep(at(0, 8, 30), force=True) == 1
    again = await entry(client, waiter, entry_id)
    assert (await Booking.get(id=again["booking_id"])).room_id == other.pk


async def test_a_room_removed_closes_the_entries_that_wait_for_it_and_withdraws_other_offers(
    client, make_user, room, admin, login_clock
):
    """An admin removing a room with force cancels its holds. Entries that wait for that
    room alone can never be served: they are closed, the one holding an offer too (its hold
    cancelled, not withdrawn). An entry that waits for any room that fits and held an offer
    there waits again, its place kept."""
    holder, taken = await taken_room(client, make_user, room, login_clock)
    first, second, anyone = await make_user(), await make_user(), await make_user()
    offered_id = (await join(client, first, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    waiting_id = (await join(client, second, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    await cancel(client, holder, taken)
    hold = (await entry(client, first, offered_id))["booking_id"]
    r = await join(client, anyone, at(0, 14), at(0, 15), min_capacity=1)
    fitting_id = r.json()["id"]
    fitting_hold = (await entry(client, anyone, fitting_id))["booking_id"]
    assert (await Booking.get(id=fitting_hold)).room_id == room.pk

    r = await client.delete(f"/api/v1/rooms/{room.pk}?force=true", headers=bearer(admin))
    assert r.status_code == 200, r.text
    assert r.json() == {
        "id": room.pk,
        "cancelled_booking_ids": [hold, fitting_hold],
        "closed_waitlist_entry_ids": [offered_id, waiting_id],
    }
    because = f"room {room.code} was removed"
    for user, entry_id in ((first, offered_id), (second, waiting_id)):
        closed = await entry(client, user, entry_id)
        assert (closed["state"], closed["reason"]) == ("closed", because), closed
        event = await AuditEvent.get(action="waitlist.close", entity_id=entry_id)
        assert event.actor_user_id == admin.pk
        assert event.after["where"].startswith(f"{room.code} ")
        assert event.after["timezone"] == "Europe/Berlin"
    ended = await Booking.get(id=hold)
    assert (ended.status, ended.reason) == (Status.cancelled, f"waitlist offer closed: {because}")
    assert not await AuditEvent.filter(action="waitlist.withdraw", entity_id=offered_id).exists()
    r = await client.post(f"{WL}/{offered_id}/accept", headers=bearer(first))
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == (
        f"waitlist entry {offered_id} is closed; only offered entries can do this"
    )

    assert (await Booking.get(id=fitting_hold)).status == Status.cancelled
    again = await entry(client, anyone, fitting_id)
    assert (again["state"], again["booking_id"]) == ("waiting", None), again
    assert again["reason"] == f"the offer was withdrawn: {because}"


async def test_an_offer_a_room_removal_withdrew_is_made_again_in_another_room_at_once(
    client, make_user, make_room, admin, building, login_clock
):
    """A removal is one write like a closure: the member whose offer was in the removed
    room, waiting for any room that fits, is offered the other one as the removal commits;
    nothing is offered in the removed room, though its slots were freed."""
    gone, kept, waiter, offered = await offered_one_of_two(
        client, make_user, make_room, building, login_clock
    )
    entry_id, hold = offered["id"], offered["booking_id"]

    r = await client.delete(f"/api/v1/rooms/{gone.pk}?force=true", headers=bearer(admin))
    assert r.status_code == 200, r.text
    assert r.json()["cancelled_booking_ids"] == [hold]
    assert r.json()["closed_waitlist_entry_ids"] == []
    again = await entry(client, waiter, entry_id)  # no sweep ran
    assert again["state"] == "offered", again
    assert (await Booking.get(id=again["booking_id"])).room_id == kept.pk
    assert not await Booking.filter(room_id=gone.pk, status=Status.held).exists()


async def test_a_room_nobody_booked_is_removed_without_force_and_its_waitlist_closes(
    client, make_user, building, room, staff, login_clock
):
    """Waiting is not a booking: staff remove a room that only a closure keeps from its
    waiting members without force, and their entries close; an entry that ended before
    keeps its state, and entries for other rooms keep waiting."""
    set_clock(login_clock, at(0, 8))
    other = await Room.create(
        building_id=building.pk, code="B1-OTHER", name="Other", capacity=10, bookable=True
    )
    body = {"room_id": room.pk, "start": at(0, 9).isoformat(), "end": at(0, 12).isoformat()}
    r = await client.post(
        f"/api/v1/buildings/{building.pk}/closures",
        json=body | {"reason": "Burst pipe", "on_bookings": "refuse"},
        headers=bearer(staff),
    )
    assert r.status_code == 201, r.text
    waiter, gone, elsewhere = await make_user(), await make_user(), await make_user()
    waiting_id = (await join(client, waiter, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    left_id = (await join(client, gone, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    r = await client.delete(f"{WL}/{left_id}", headers=bearer(gone))
    assert r.status_code == 200, r.text
    holder = await make_user()
    assert (await book(client, holder, other, at(0, 10), at(0, 11))).status_code == 201
    r = await join(client, elsewhere, at(0, 10), at(0, 11), room_id=other.pk)
    other_id = r.json()["id"]
    assert (await entry(client, waiter, waiting_id))["state"] == "waiting"

    r = await client.delete(f"/api/v1/rooms/{room.pk}", headers=bearer(staff))
    assert r.status_code == 200, r.text
    assert (r.json()["cancelled_booking_ids"], r.json()["closed_waitlist_entry_ids"]) == (
        [],
        [waiting_id],
    )
    closed = await entry(client, waiter, waiting_id)
    assert (closed["state"], closed["reason"]) == ("closed", f"room {room.code} was removed")
    assert (await entry(client, gone, left_id))["state"] == "left"
    assert (await entry(client, elsewhere, other_id))["state"] == "waiting"
    assert await AuditEvent.filter(action="waitlist.close").count() == 1


async def test_a_building_removed_closes_the_entries_whose_criteria_name_it(
    client, make_user, staff, login_clock
):
    set_clock(login_clock, at(0, 8))
    empty = await new_building(client, staff, "EMPTY", "Empty hall")
    waiter, anywhere = await make_user(), await make_user()
    r = await join(client, waiter, at(0, 10), at(0, 11), building_id=empty, min_capacity=5)
    assert r.status_code == 201, r.text
    named_id = r.json()["id"]
    anywhere_id = (await join(client, anywhere, at(0, 10), at(0, 11), min_capacity=500)).json()[
        "id"
    ]
    r = await client.delete(f"/api/v1/buildings/{empty}", headers=bearer(staff))
    assert r.status_code in (200, 204), r.text
    closed = await entry(client, waiter, named_id)
    assert (closed["state"], closed["reason"]) == ("closed", "building EMPTY was removed")
    event = await AuditEvent.get(action="waitlist.close", entity_id=named_id)
    assert (event.after["where"], event.after["timezone"]) == ("Empty hall", "UTC")
    assert event.actor_user_id == staff.pk  # the removal's author, not the system
    assert (await entry(client, anywhere, anywhere_id))["state"] == "waiting"


async def test_a_hold_that_expired_while_staff_read_it_is_not_ended_twice(
    client, make_user, room, admin, login_clock
):
    """Expiry ends holds without the room's lock: a closure or a room's removal that read
    the hold before it expired finds it ended, and leaves it (its version, its reason) as
    expiry wrote it."""
    holder, taken = await taken_room(client, make_user, room, login_clock)
    waiter = await make_user()
    entry_id = (await join(client, waiter, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    await cancel(client, holder, taken)
    read_by_staff = await Booking.get(id=(await entry(client, waiter, entry_id))["booking_id"])
    set_clock(login_clock, at(0, 8, 16))  # the hold ran out at 08:15
    assert await waitlist_offers.tick() >= 1
    expired = await Booking.get(id=read_by_staff.pk)
    assert (expired.status, expired.reason) == (Status.cancelled, "waitlist offer expired")
    async with transaction():
        await booking_checks.end_because(actor_of(admin), read_by_staff, "closed: Burst pipe")
    after = await Booking.get(id=read_by_staff.pk)
    assert (after.reason, after.version) == ("waitlist offer expired", expired.version)
    assert not await AuditEvent.filter(action="booking.cancel", entity_id=after.pk).exists()
    assert (await entry(client, waiter, entry_id))["state"] == "expired"


async def test_a_deactivation_that_ends_the_last_offer_shows_its_slot_free_to_search_at_once(
    client, make_user, room, admin, member, login_clock
):
    """The hold a deactivation cancels, with no one else waiting, is free for the next
    search at once: the deactivation is a calendar write, so a search cached before it is
    not served after."""
    holder, taken = await taken_room(client, make_user, room, login_clock)
    gone = await make_user()
    offered_id = (await join(client, gone, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    await cancel(client, holder, taken)
    assert (await entry(client, gone, offered_id))["booking_id"] is not None

    async def free_rooms() -> list[int]:
        window = {"free_from": at(0, 10).isoformat(), "free_to": at(0, 11).isoformat()}
        r = await client.get("/api/v1/rooms", params=window, headers=bearer(member))
        assert r.status_code == 200, r.text
        return [found["id"] for found in r.json()["data"]]

    assert room.pk not in await free_rooms()  # held for the waiting member; now cached
    await users.deactivate_user(actor_of(admin), gone.pk)
    assert room.pk in await free_rooms()


async def test_a_deactivated_member_waits_no_more_and_their_offer_passes_on(
    client, make_user, room, admin, login_clock
):
    """Nothing can be offered to an account that is off: its open entries close at once,
    an offer it holds too (its hold cancelled), and the slot is offered to the next in line
    as the deactivation commits (no sweep needed); the entries of others are untouched."""
    holder, taken = await taken_room(client, make_user, room, login_clock)
    gone, next_in_line = await make_user(), await make_user()
    offered_id = (await join(client, gone, at(0, 10), at(0, 11), room_id=room.pk)).json()["id"]
    behind_id = (await join(client, next_in_line, at(0, 10), at(0, 11), room_id=room.pk)).json()[
        "id"
    ]
    later_id = (await join(client, gone, at(1, 10), at(1, 11), min_capacity=1)).json()["id"]
    await cancel(client, holder, taken)
    hold = (await entry(client, gone, offered_id))["booking_id"]
    assert hold is not None

    await users.deactivate_user(actor_of(admin), gone.pk)
    for entry_id in (offered_id, later_id):
        closed = await WaitlistEntry.get(id=entry_id)
        assert (closed.state.value, closed.reason) == ("closed", "the account was deactivated")
    ended = await Booking.get(id=hold)
    assert (ended.status, ended.reason) == (
        Status.cancelled,
        "waitlist offer closed: the account was deactivated",
    )
    event = await AuditEvent.get(action="waitlist.close", entity_id=offered_id)
    assert event.actor_user_id == admin.pk
    assert (await entry(client, next_in_line, behind_id))["state"] == "offered"


async def test_a_closure_removed_offers_the_time_it_closed_at_once(
    client, staff, make_user, make_room, building, login_clock
):
    """Who waits for a closed room, or for any room of a closed building, is offered it as
    the closure is removed (the room's line, first come first), not a minute later by the
    sweep; an entry whose room stays closed by another closure keeps waiting."""
    set_clock(login_clock, at(0, 8))
    x, y = await make_room(), await make_room()
    closures = f"/api/v1/buildings/{building.pk}/closures"

    async def close(**where):
        body = {"reason": "Inspection", "start": at(0, 9).isoformat(), "end": at(0, 12).isoformat()}
        r = await client.post(closures, json=body | where, headers=bearer(staff))
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def removed(closure_id):
        return client.delete(f"{closures}/{closure_id}", headers=bearer(staff))

    room_closure = await close(room_id=x.pk)
    first, second = await make_user(), await make_user()
    for user in (first, second):
        assert (await join(client, user, at(0, 10), at(0, 11), room_id=x.pk)).status_code == 201
    entries = await WaitlistEntry.all().order_by("id")
    assert [e.state.value for e in entries] == ["waiting", "waiting"]
    assert (await removed(room_closure)).status_code == 204
    entries = await WaitlistEntry.all().order_by("id")
    assert [e.state.value for e in entries] == ["offered", "waiting"]  # first come first
    held = await Booking.get(id=entries[0].booking_id)
    assert (held.room_id, held.start, held.end, held.status) == (x.pk, at(0, 10), at(0, 11), "held")

    whole = await close(on_bookings="keep")  # the building (x's offer kept), and y twice
    again = await close(room_id=y.pk)
    third = await make_user()
    made = await join(client, third, at(0, 10), at(0, 11), building_id=building.pk)
    assert made.status_code == 201, made.text
    entry = made.json()["id"]
    assert (await removed(again)).status_code == 204
    assert (await WaitlistEntry.get(id=entry)).state.value == "waiting"  # the building's stays
    assert (await removed(whole)).status_code == 204  # x is held: y
    offered = await WaitlistEntry.get(id=entry)
    assert offered.state.value == "offered"
    assert (await Booking.get(id=offered.booking_id)).room_id == y.pk


async def test_two_ticks_at_once_end_each_due_entry_once(client, make_user, make_room, login_clock):
    """Several server instances tick together: the offers that ran out and the windows that
    began are each ended by one of them (the other skips the rows it holds), so each has
    one event, and its member one email, not two."""
    set_clock(login_clock, at(0, 8))
    holder = await make_user()
    rooms = [await make_room() for _ in range(6)]
    taken = [(await book(client, holder, r, at(0, 10), at(0, 11))).json()["id"] for r in rooms]
    for r in rooms[:3]:  # offered (their holder cancels), then they run out
        assert (
            await join(client, await make_user(), at(0, 10), at(0, 11), room_id=r.pk)
        ).is_success
    for r in rooms[3:]:  # still waiting when their window begins
        assert (await join(client, await make_user(), at(0, 9), at(0, 11), room_id=r.pk)).is_success
    for booking_id in taken[:3]:
        await cancel(client, holder, booking_id)
    assert await WaitlistEntry.filter(state="offered").count() == 3

    set_clock(login_clock, at(0, 9, 30))
    done = await asyncio.gather(waitlist_offers.tick(), waitlist_offers.tick())
    assert sum(done) == 6  # counted once too
    states = await WaitlistEntry.all().order_by("id").values_list("state", flat=True)
    assert list(states) == ["expired"] * 3 + ["closed"] * 3
    for action in ("waitlist.expire", "waitlist.close"):
        ended = await AuditEvent.filter(action=action).values_list("entity_id", flat=True)
        assert len(ended) == len(set(ended)) == 3, (action, ended)
    lapsed = await AuditEvent.filter(action="booking.lapse").values_list("entity_id", flat=True)
    assert len(lapsed) == len(set(lapsed)) == 3


async def test_an_entry_is_claimed_for_one_offer_only(client, make_user, room, login_clock):
    """Two offers of different rooms for one entry claim it in turn (each under its own
    room's lock): the first takes it, the second finds it no longer waiting and makes no
    hold."""
    from compax_server.db import waitlist as waitlist_db

    await taken_room(client, make_user, room, login_clock)
    r = await join(client, await make_user(), at(0, 10), at(0, 11), room_id=room.pk)
    entry_id = r.json()["id"]
    version = (await WaitlistEntry.get(id=entry_id)).version
    claims = []
    for _ in range(2):
        async with transaction():
            claims.append(await waitlist_db.take_for_offer(entry_id))
    assert claims == [True, False]
    claimed = await WaitlistEntry.get(id=entry_id)
    assert (claimed.state.value, claimed.version) == ("offered", version + 1)
