"""Every resource method, through the in-process app, with both clients (``kind``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from compax_sdk import (
    ApiKeyCreated,
    ApprovedBooking,
    AuditEvent,
    AuthenticationError,
    Booking,
    Building,
    ChangesPage,
    Closure,
    ConflictError,
    Feature,
    PreconditionFailedError,
    PreconditionRequiredError,
    Room,
    Token,
    User,
)
from tests.conftest import PASSWORD, at
from tests.dates import Y2031

# -- auth and me ---------------------------------------------------------------------------


async def test_login_signs_the_client_in_and_logout_ends_the_session(connect, member):
    c = connect()
    token = await c.auth.login(member.email, PASSWORD)
    assert isinstance(token, Token) and token.expires_in > 0
    assert c.access_token == token.access_token
    me = await c.me.get()
    assert isinstance(me, User)
    assert (me.id, me.email, me.role) == (member.pk, member.email, "member")
    assert me.created_at.tzinfo is not None
    assert c.last("GET", "/me").headers["authorization"] == f"Bearer {token.access_token}"

    await c.auth.logout()
    assert c.access_token is None and c.refresh_token is None
    with pytest.raises(AuthenticationError) as err:
        await c.me.get()
    assert err.value.code == "unauthenticated"
    again = connect(refresh_token=token.refresh_token)
    with pytest.raises(AuthenticationError):  # the server revoked it too
        await again.auth.refresh()


async def test_wrong_password_is_an_authentication_error(connect, member):
    with pytest.raises(AuthenticationError) as err:
        await connect().auth.login(member.email, "not the password")
    assert err.value.status == 401 and err.value.code == "invalid_credentials"
    assert err.value.request_id


async def test_me_update_and_change_password_keep_the_session(connect, member):
    c = connect()
    await c.auth.login(member.email, PASSWORD)
    updated = await c.me.update(full_name="Ada Lovelace")
    assert updated.full_name == "Ada Lovelace"
    token = await c.me.change_password(current_password=PASSWORD, new_password="a new password!")
    assert c.access_token == token.access_token
    assert (await c.me.get()).full_name == "Ada Lovelace"
    with pytest.raises(AuthenticationError):
        await connect().auth.login(member.email, PASSWORD)
    await connect().auth.login(member.email, "a new password!")


async def test_a_password_change_with_an_access_token_alone_keeps_it_working(connect, member):
    c = connect(member)  # an access token, no refresh token
    before = c.access_token
    token = await c.me.change_password(current_password=PASSWORD, new_password="a new password!")
    assert c.access_token == token.access_token and c.refresh_token == token.refresh_token
    assert (await c.me.get()).id == member.pk
    with pytest.raises(AuthenticationError):
        await connect(access_token=before).me.get()  # a password change ends other sessions


# -- users ---------------------------------------------------------------------------------


async def test_users_create_get_list_update_deactivate(connect, admin, member):
    c = connect(admin)
    made = await c.users.create(
        email="New.Teacher@Campus.example", full_name="New Teacher", role="staff", password=PASSWORD
    )
    assert made.email == "new.teacher@campus.example" and made.role == "staff"
    assert (await c.users.get(made.id)) == made
    staff_only = await c.users.list(role="staff")
    assert [u.id for u in staff_only] == [made.id]
    assert {u.id for u in await c.users.list(limit=1)} == {admin.pk, member.pk, made.id}
    assert [u.id for u in await c.users.list(q="teacher")] == [made.id]

    renamed = await c.users.update(made, full_name="Renamed", role="member")
    assert c.last("PATCH").headers["if-match"] == f'"{made.version}"'
    assert renamed.version == made.version + 1
    assert (renamed.full_name, renamed.role) == ("Renamed", "member")
    gone = await c.users.deactivate(made.id)
    assert gone.is_active is False
    assert [u.id for u in await c.users.list(is_active=False)] == [made.id]
    service = await c.users.create(email="robot@campus.example", full_name="Timetable robot")
    assert service.role == "member"


# -- api keys ------------------------------------------------------------------------------


async def test_api_keys_authenticate_until_revoked(connect, admin, staff):
    c = connect(admin)
    expires = datetime.now(UTC) + timedelta(days=30)
    key = await c.api_keys.create(
        user_id=staff.pk, name="timetable", scopes=["read", "write"], expires_at=expires
    )
    assert isinstance(key, ApiKeyCreated)
    assert key.secret.startswith("cpx_") and key.secret.startswith(f"cpx_{key.prefix}")
    assert key.expires_at is not None and abs(key.expires_at - expires) < timedelta(seconds=1)

    robot = connect(api_key=key.secret)
    assert (await robot.me.get()).id == staff.pk
    assert robot.last("GET", "/me").headers["authorization"] == f"Bearer {key.secret}"

    listed = await c.api_keys.list(user_id=staff.pk)
    assert [k.id for k in listed] == [key.id]
    assert not hasattr(listed[0], "secret")
    assert (await c.api_keys.get(key.id)).last_used_at is not None
    revoked = await c.api_keys.revoke(key.id)
    assert revoked.revoked_at is not None
    with pytest.raises(AuthenticationError) as err:
        await robot.me.get()
    assert err.value.code == "invalid_token"


# -- buildings, closures, features, rooms ----------------------------------------------------


async def test_buildings_create_get_list_update_delete(connect, admin):
    c = connect(admin)
    hours = {"mon": [["08:00", "20:00"]]}
    b = await c.buildings.create(
        code="LIB", name="Library", timezone="Europe/Berlin", opening_hours=hours
    )
    assert isinstance(b, Building) and b.opening_hours == hours
    assert (await c.buildings.get(b.id)).code == "LIB"
    await c.buildings.create(code="GYM", name="Gym", timezone="Europe/Berlin")
    assert [x.code for x in await c.buildings.list(limit=1)] == ["LIB", "GYM"]

    always_open = await c.buildings.update(b, name="Main library", opening_hours=None)
    assert (always_open.name, always_open.opening_hours) == ("Main library", None)
    assert c.last("PATCH").read() == b'{"name":"Main library","opening_hours":null}'
    assert c.last("PATCH").headers["if-match"] == f'"{b.version}"'
    with pytest.raises(PreconditionFailedError):
        await c.buildings.update(b, name="Stale")  # b is the version before the change
    with pytest.raises(PreconditionRequiredError):
        await c.buildings.update(b.id, name="Unread")
    assert (await c.buildings.update(b.id, version=always_open.version, name="Lib")).name == "Lib"
    await c.buildings.delete(b.id)
    assert [x.code for x in await c.buildings.list()] == ["GYM"]


async def test_closures_add_list_remove(connect, admin, building, room):
    c = connect(admin)
    whole = await c.buildings.create_closure(
        building.pk, reason="Maintenance", start=at(0, 8), end=at(0, 12)
    )
    assert isinstance(whole, Closure) and whole.room_id is None and whole.start == at(0, 8)
    days = await c.buildings.create_closure(
        building.pk,
        reason="Holiday",
        room_id=room.pk,
        start_date=date(Y2031, 3, 10),
        end_date=date(Y2031, 3, 11),
    )
    assert days.room_id == room.pk
    assert days.start == datetime(Y2031, 3, 9, 23, tzinfo=UTC)  # Berlin midnight
    listed = await c.buildings.list_closures(building.pk)
    assert [x.id for x in listed] == [whole.id, days.id]
    later = await c.buildings.list_closures(building.pk, from_=at(5, 0), to=at(10, 0))
    assert [x.id for x in later] == [days.id]
    await c.buildings.delete_closure(building.pk, whole.id)
    assert [x.id for x in await c.buildings.list_closures(building.pk)] == [days.id]


async def test_features_create_and_list(connect, admin):
    c = connect(admin)
    made = await c.features.create(code="projector", name="Projector")
    assert isinstance(made, Feature)
    await c.features.create(code="audio", name="Audio")
    assert [f.code for f in await c.features.list()] == ["audio", "projector"]


async def test_rooms_create_get_update_delete(connect, admin, building):
    c = connect(admin)
    await c.features.create(code="projector", name="Projector")
    r = await c.rooms.create(
        code="B1-204",
        name="Seminar room",
        building_id=building.pk,
        capacity=30,
        floor=2,
        features=["projector"],
        requires_approval=True,
    )
    assert isinstance(r, Room)
    assert (r.building_code, r.timezone, r.features) == ("B1", "Europe/Berlin", ["projector"])
    assert r.requires_approval and r.bookable
    assert (await c.rooms.get(r.id)).code == "B1-204"
    moved = await c.rooms.update(r, capacity=40, floor=None, features=[])
    assert (moved.capacity, moved.floor, moved.features) == (40, None, [])
    assert c.last("PATCH").headers["if-match"] == f'"{r.version}"'
    assert moved.version == r.version + 1
    with pytest.raises(PreconditionFailedError) as stale:
        await c.rooms.update(r, capacity=50)
    assert stale.value.body["current_version"] == moved.version
    with pytest.raises(PreconditionRequiredError):
        await c.rooms.update(r.id, capacity=50)
    deleted = await c.rooms.delete(r.id)
    assert (deleted.id, deleted.cancelled_booking_ids) == (r.id, [])


async def test_rooms_list_filters_and_sorts(connect, member, make_room):
    small = await make_room(capacity=12, features=["projector"])
    big = await make_room(capacity=80, features=["projector", "audio"])
    await make_room(capacity=40)
    c = connect(member)
    assert [r.id for r in await c.rooms.list(min_capacity=10, features=["projector"])] == [
        small.id,
        big.id,
    ]
    assert c.last("GET", "/rooms").url.params["features"] == "projector"
    assert [r.capacity for r in await c.rooms.list(sort="capacity", limit=1)] == [12, 40, 80]
    assert [r.id for r in await c.rooms.list(building="B1", q=big.code)] == [big.id]


async def test_deleting_a_room_with_bookings_needs_force(connect, admin, room, book):
    c = connect(admin)
    booking = await book(admin, room, at(0, 9), at(0, 10))
    with pytest.raises(ConflictError) as err:
        await c.rooms.delete(room.pk)
    assert err.value.status == 409
    deleted = await c.rooms.delete(room.pk, force=True)
    assert deleted.cancelled_booking_ids == [booking.pk]
    assert c.last("DELETE").url.params["force"] == "true"


# -- bookings ------------------------------------------------------------------------------


async def test_bookings_create_get_and_list_with_filters(connect, member, staff, make_room):
    room, other = await make_room(), await make_room()
    c = connect(member)
    first = await c.bookings.create(
        room_id=room.pk, title="Seminar", start=at(0, 9), end=at(0, 11), description="weekly"
    )
    assert isinstance(first, Booking)
    assert (first.status, first.version, first.owner_id) == ("confirmed", 1, member.pk)
    assert first.start == at(0, 9) and first.start.tzinfo is not None
    second = await c.bookings.create(room_id=other.pk, title="Lab", start=at(1, 9), end=at(1, 10))
    assert (await c.bookings.get(first.id)) == first

    assert [b.id for b in await c.bookings.list()] == [first.id, second.id]
    assert [b.id for b in await c.bookings.list(room_id=other.pk)] == [second.id]
    assert [b.id for b in await c.bookings.list(from_=at(1, 0), to=at(2, 0))] == [second.id]
    assert c.last("GET", "/bookings").url.params["from"] == f"{Y2031}-03-04T00:00:00+00:00"
    assert await c.bookings.list(status=["pending", "cancelled"]) == []
    assert c.last("GET", "/bookings").url.params["status"] == "pending,cancelled"
    on_behalf = await connect(staff).bookings.create(
        room_id=room.pk, title="For a member", start=at(2, 9), end=at(2, 10), owner_id=member.pk
    )
    assert on_behalf.owner_id == member.pk and on_behalf.created_by_id == staff.pk
    assert [b.id for b in await c.bookings.list(owner_id=member.pk, status="confirmed")] == [
        first.id,
        second.id,
        on_behalf.id,
    ]


async def test_update_sends_the_version_as_if_match(connect, member, make_room):
    room, other = await make_room(), await make_room()
    c = connect(member)
    booking = await c.bookings.create(room_id=room.pk, title="A", start=at(0, 9), end=at(0, 10))
    moved = await c.bookings.update(booking, room_id=other.pk, start=at(0, 13), end=at(0, 14))
    assert c.last("PATCH").headers["if-match"] == '"1"'
    assert (moved.room_id, moved.start, moved.version) == (other.pk, at(0, 13), 2)
    renamed = await c.bookings.update(booking.id, version=moved.version, title="B")
    assert c.last("PATCH").headers["if-match"] == '"2"'
    assert (renamed.title, renamed.version) == ("B", 3)
    by_etag = await c.bookings.update(booking.id, version=renamed.etag, description="x")
    assert c.last("PATCH").headers["if-match"] == '"3"'
    assert by_etag.description == "x"


async def test_cancel_keeps_the_booking_with_its_reason(connect, member, room):
    c = connect(member)
    booking = await c.bookings.create(room_id=room.pk, title="A", start=at(0, 9), end=at(0, 10))
    cancelled = await c.bookings.cancel(booking, reason="ill")
    assert (cancelled.status, cancelled.reason, cancelled.version) == ("cancelled", "ill", 2)
    assert c.last("POST", "/cancel").headers["if-match"] == '"1"'
    assert [b.status for b in await c.bookings.list(room_id=room.pk)] == ["cancelled"]


async def test_staff_approve_and_reject_requests(connect, member, make_user, staff, make_room):
    room = await make_room(requires_approval=True)
    other = await make_user()
    asks = connect(member)
    first = await asks.bookings.create(room_id=room.pk, title="A", start=at(0, 9), end=at(0, 10))
    rival = await connect(other).bookings.create(
        room_id=room.pk, title="B", start=at(0, 9), end=at(0, 11)
    )
    later = await asks.bookings.create(room_id=room.pk, title="C", start=at(1, 9), end=at(1, 10))
    assert {first.status, rival.status, later.status} == {"pending"}

    decides = connect(staff)
    approved = await decides.bookings.approve(first)
    assert isinstance(approved, ApprovedBooking)
    assert (approved.status, approved.rejected_booking_ids) == ("confirmed", [rival.id])
    rejected = await decides.bookings.reject(later.id, version=later.version, reason="exam week")
    assert (rejected.status, rejected.reason) == ("rejected", "exam week")
    assert (await decides.bookings.get(rival.id)).status == "rejected"


# -- audit log and change feed ---------------------------------------------------------------


async def test_audit_events_list_with_filters(connect, staff, room, book):
    c = connect(staff)
    booking = await book(staff, room, at(0, 9), at(0, 10))
    events = await c.audit_events.list(entity_type="booking", limit=1)
    assert [e.action for e in events] == ["booking.create"]
    assert isinstance(events[0], AuditEvent)
    assert events[0].entity_id == booking.pk and events[0].after["status"] == "confirmed"
    assert events[0].at.tzinfo is not None
    assert await c.audit_events.list(action="booking.cancel") == []
    assert await c.audit_events.list(from_=datetime.now(UTC) + timedelta(hours=1)) == []
    mine = await c.audit_events.list(actor_user_id=staff.pk, entity_id=booking.pk)
    assert [e.id for e in mine] == [events[0].id]
    await book(staff, room, at(0, 11), at(0, 12))
    oldest = await c.audit_events.list(entity_type="booking")
    newest = await c.audit_events.list(entity_type="booking", order="desc")
    assert [e.id for e in newest] == [e.id for e in reversed(oldest)] and len(newest) == 2


async def test_changes_list_and_iterate_from_a_cursor(connect, staff, room, book):
    c = connect(staff)
    start = await c.changes.list()
    assert isinstance(start, ChangesPage)
    cursor = start.next_cursor
    for day in range(3):
        await book(staff, room, at(day, 9), at(day, 10))
    pages = await c.changes.iter_pages(since=cursor, limit=2)
    assert [len(p.data) for p in pages] == [2, 1]
    assert [e.action for p in pages for e in p.data] == ["booking.create"] * 3
    caught_up = await c.changes.list(since=pages[-1].next_cursor)
    assert caught_up.data == [] and caught_up.next_cursor == pages[-1].next_cursor
    nothing_new = await c.changes.iter_pages(since=pages[-1].next_cursor)
    assert [p.data for p in nothing_new] == [[]]
    assert c.last("GET", "/changes").url.params["limit"] == "100"  # the default page
    newest = await c.changes.list(tail=2)
    assert [e.id for e in newest.data] == [e.id for p in pages for e in p.data][-2:]
    assert newest.next_cursor == caught_up.next_cursor  # read on from the newest
