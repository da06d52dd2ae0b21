"""One test per deliberate bug of issue 21: each was made by hand, this test failed on it, and
the code was put back. The docstring of each test names the mutation it kills.

Times are relative to today (a Monday some weeks ahead), so no test expires.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tortoise.exceptions import IntegrityError

from compax_server import db
from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking, Status
from compax_server.db.users import RefreshToken
from compax_server.errors import RefreshTokenReused
from compax_server.services import auth, booking_checks, buildings, checkin
from compax_server.settings import Settings
from tests import conftest as shared
from tests.conftest import PASSWORD, WEEKDAYS_8_TO_20, actor_of, bearer, version_of

BK = "/api/v1/bookings"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The search cache on for every engine (by default PostgreSQL with an in-memory cache
    leaves it off), so that a stale cached answer can show."""
    return shared.test_settings(database_url, result_cache=True)


def monday(weeks_ahead: int = 8) -> date:
    """The Monday ``weeks_ahead`` weeks after this week's."""
    today = datetime.now(UTC).date()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A UTC instant ``day`` days after that Monday."""
    base = datetime.combine(monday(), time(0), tzinfo=UTC)
    return base + timedelta(days=day, hours=hour, minutes=minute)


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def body(room: Any, start: datetime, end: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "room_id": room.pk,
        "title": "Seminar",
        "start": start.isoformat(),
        "end": end.isoformat(),
        **extra,
    }


async def test_a_pending_request_is_refused_over_a_shorter_confirmed_booking(
    client, staff, member, make_room
):
    """Kills: ``db/bookings.py`` ``blockers`` bounding the lookup by ``end - longest booking``
    instead of ``start - longest booking`` (the confirmed hour starts before that bound, so
    the lookup missed it and the pending request was accepted over it)."""
    room = await make_room(requires_approval=True)
    first = await client.post(BK, json=body(room, at(0, 9), at(0, 10)), headers=bearer(staff))
    assert first.status_code == 201 and first.json()["status"] == "confirmed", first.text
    r = await client.post(BK, json=body(room, at(0, 9, 30), at(0, 12)), headers=bearer(member))
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "booking_conflict"
    assert [when(c["start"]) for c in r.json()["conflicts"]] == [when(first.json()["start"])]
    assert await Booking.filter(owner_id=member.pk).count() == 0


async def test_the_database_refuses_confirming_an_overlapping_pending_booking(
    database, member, room
):
    """Goes around the services, straight at the database. Kills: migration 11's SQLite update
    trigger no longer firing on a change of ``status`` (``BEFORE UPDATE OF room_id, start,
    end``): a pending booking turned confirmed over a confirmed one was stored. On PostgreSQL
    the exclusion constraint (migration 2) must refuse the same."""
    confirmed = await Booking.create(
        room_id=room.pk,
        owner_id=member.pk,
        title="a",
        start=at(0, 9),
        end=at(0, 11),
        status=Status.confirmed,
    )
    pending = await Booking.create(
        room_id=room.pk,
        owner_id=member.pk,
        title="b",
        start=at(0, 10),
        end=at(0, 12),
        status=Status.pending,
    )
    with pytest.raises(IntegrityError) as refused:
        await Booking.filter(id=pending.pk).update(status=Status.confirmed)
    assert db.is_overlap_violation(refused.value)
    statuses = dict(await Booking.all().values_list("id", "status"))
    assert statuses == {confirmed.pk: Status.confirmed, pending.pk: Status.pending}


async def test_a_staff_booking_rejects_the_pending_requests_it_overrides(
    client, staff, member, make_room
):
    """Kills: ``services/bookings.py`` ``create_booking`` no longer calling
    ``reject_overridden`` (the answer still listed the request, but it stayed pending)."""
    room = await make_room(requires_approval=True)
    request = await client.post(BK, json=body(room, at(1, 9), at(1, 10)), headers=bearer(member))
    assert request.status_code == 201 and request.json()["status"] == "pending", request.text
    r = await client.post(BK, json=body(room, at(1, 8), at(1, 11)), headers=bearer(staff))
    assert r.status_code == 201, r.text
    stored = await Booking.get(id=request.json()["id"])
    assert stored.status == Status.rejected
    assert stored.reason == f"the room was given to booking {r.json()['id']}"
    event = await AuditEvent.get(entity_id=stored.pk, action="booking.auto_reject")
    assert event.actor_user_id == staff.pk  # the one whose booking overrode it
    assert (event.before or {})["status"] == "pending"
    assert (event.after or {})["status"] == "rejected"


async def test_a_weak_etag_in_if_match_is_accepted(client, member, room):
    """Kills: ``api/etags.py`` ``_opaque`` no longer dropping ``W/`` (``If-Match: W/"1"``
    was a 412 although version 1 is current)."""
    made = await client.post(BK, json=body(room, at(2, 9), at(2, 10)), headers=bearer(member))
    url = f"{BK}/{made.json()['id']}"
    stale = await client.patch(
        url, json={"title": "x"}, headers=bearer(member) | {"If-Match": 'W/"2"'}
    )
    assert stale.status_code == 412, stale.text
    r = await client.patch(url, json={"title": "y"}, headers=bearer(member) | {"If-Match": 'W/"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "y"
    assert version_of(r.headers["etag"]) == 2


class _StaleRead:
    """``RefreshToken.get_or_none(...).select_related(...)`` answering a row read before
    another request rotated it (what a concurrent refresh sees)."""

    def __init__(self, row: RefreshToken) -> None:
        self.row = row

    def select_related(self, *_: str) -> _StaleRead:
        return self

    def __await__(self):  # type: ignore[no-untyped-def]
        async def row() -> RefreshToken:
            return self.row

        return row().__await__()


async def test_a_refresh_on_a_stale_read_issues_no_second_session(database, member, monkeypatch):
    """Kills: ``services/auth.py`` ``refresh`` rotating without its compare-and-set
    (``filter(id=...)`` instead of ``filter(id=..., rotated_at=None)``): a request that read
    the token before another rotated it got a second session of the same family."""
    pair = await auth.login(member.email, PASSWORD, client="10.0.0.1")
    stale = await RefreshToken.get(token_hash=auth.sha256(pair.refresh_token)).select_related(
        "user"
    )
    await auth.refresh(pair.refresh_token)  # the other request wins the rotation
    with monkeypatch.context() as patch:
        patch.setattr(RefreshToken, "get_or_none", lambda **_: _StaleRead(stale))
        with pytest.raises(RefreshTokenReused):
            await auth.refresh(pair.refresh_token)
    live = await RefreshToken.filter(family=stale.family, revoked_at=None).count()
    assert live == 0  # the reuse ended the whole session


def lecture(room: Any, **extra: Any) -> dict[str, Any]:
    return {
        "external_id": "L1",
        "kind": "series",
        "room": room.code,
        "title": "Lecture",
        "start_date": (monday() + timedelta(days=1)).isoformat(),
        "start_time": "09:00",
        "duration_minutes": 90,
        "recurrence": {"freq": "weekly", "count": 3},
        **extra,
    }


async def test_an_import_plans_a_changed_duration_as_an_update(client, staff, room):
    """Kills: ``domain/imports.py`` ``CONTENT_FIELDS`` (the content hash) leaving out
    ``duration_minutes``: a re-import with a new duration was planned as ``unchanged``."""
    src = {"source": "sis"}
    applied = await client.post(
        "/api/v1/imports",
        json=src | {"items": [lecture(room)], "mode": "apply"},
        headers=bearer(staff),
    )
    assert applied.status_code == 201, applied.text
    plan = await client.post(
        "/api/v1/imports",
        json=src | {"items": [lecture(room, duration_minutes=120)]},
        headers=bearer(staff),
    )
    assert plan.status_code == 201, plan.text
    assert plan.json()["items"][0]["action"] == "update"


async def free_codes(client, user, start: datetime, end: datetime) -> list[str]:
    params = {"free_from": start.isoformat(), "free_to": end.isoformat(), "sort": "code"}
    r = await client.get("/api/v1/rooms", params=params, headers=bearer(user))
    assert r.status_code == 200, r.text
    return [room["code"] for room in r.json()["data"]]


async def test_moving_a_booking_shows_in_the_next_search(client, staff, member, room):
    """Kills: ``services/bookings.py`` ``update_booking`` not bumping the search cache stamp
    (``writes.run(..., changed=lambda _: False)``): the cached answer showed the room free
    after a booking was moved into that window."""
    made = await client.post(BK, json=body(room, at(3, 9), at(3, 10)), headers=bearer(staff))
    assert made.status_code == 201, made.text
    assert await free_codes(client, member, at(3, 14), at(3, 15)) == [room.code]
    moved = await client.patch(
        f"{BK}/{made.json()['id']}",
        json={"start": at(3, 14).isoformat(), "end": at(3, 15).isoformat()},
        headers=bearer(staff) | {"If-Match": '"1"'},
    )
    assert moved.status_code == 200, moved.text
    assert await free_codes(client, member, at(3, 14), at(3, 15)) == []
    assert await free_codes(client, member, at(3, 9), at(3, 10)) == [room.code]


async def test_a_released_no_show_shows_free_in_the_next_search(client, staff, member, room):
    """Kills: ``services/checkin.py`` ``release_due`` telling ``writes.run`` that a batch
    releasing one booking changed nothing (``changed=lambda r: r[0] > 1``, or ``None``): the
    cached answer still showed the room taken after its no-show was released."""
    r = await client.put(
        f"/api/v1/rules/room/{room.pk}", json={"requires_checkin": True}, headers=bearer(staff)
    )
    assert r.status_code == 200, r.text
    made = await client.post(BK, json=body(room, at(3, 9), at(3, 10)), headers=bearer(member))
    assert made.status_code == 201, made.text
    assert await free_codes(client, member, at(3, 9), at(3, 10)) == []
    assert await checkin.release_due(at(3, 9, 30)) == 1
    assert await free_codes(client, member, at(3, 9), at(3, 10)) == [room.code]


async def test_a_member_cannot_book_in_the_past(client, member, room):
    """Kills: ``services/bookings.py`` ``limit_violations`` without its ``in_the_past``
    check (a member's booking that ended an hour ago was confirmed)."""
    now = datetime.now(UTC).replace(microsecond=0)
    r = await client.post(
        BK,
        json=body(room, now - timedelta(hours=2), now - timedelta(hours=1)),
        headers=bearer(member),
    )
    assert r.status_code == 422, r.text
    assert [e["rule"] for e in r.json()["errors"]] == ["in_the_past"]
    assert await Booking.all().count() == 0


async def test_max_hours_per_week_is_enforced(client, staff, member, make_room):
    """Kills: ``services/rules.py`` ``quota_violations`` ignoring ``max_hours_per_week``
    (a member past the weekly hours, but not the weekly count, was accepted)."""
    r = await client.put(
        "/api/v1/rules/global", json={"max_hours_per_week": 3}, headers=bearer(staff)
    )
    assert r.status_code == 200, r.text
    a, b = await make_room(), await make_room()
    ok = await client.post(BK, json=body(a, at(1, 9), at(1, 11)), headers=bearer(member))
    assert ok.status_code == 201, ok.text
    over = await client.post(BK, json=body(b, at(2, 9), at(2, 11)), headers=bearer(member))
    assert over.status_code == 422, over.text
    assert [e["rule"] for e in over.json()["errors"]] == ["max_hours_per_week"]
    fits = await client.post(BK, json=body(b, at(2, 9), at(2, 10)), headers=bearer(member))
    assert fits.status_code == 201, fits.text


async def test_an_import_refuses_a_booking_partly_outside_opening_hours(
    client, staff, admin, make_room
):
    """Kills: ``domain/hours.py`` ``within_wall_hours`` accepting a window that only overlaps
    an opening span (``a < hi and lo < b``): an imported 19:00-21:00 in a building open
    08:00-20:00 was planned as a create."""
    hall = await buildings.create_building(
        actor_of(admin),
        code="H",
        name="Hall",
        timezone="Europe/Berlin",
        opening_hours=WEEKDAYS_8_TO_20,
    )
    room = await make_room(code="H-1", building_id=hall.pk)
    day = monday() + timedelta(days=2)

    def item(ext: str, start: int, end: int) -> dict[str, Any]:
        return {
            "external_id": ext,
            "kind": "booking",
            "room": room.code,
            "title": "Exam",
            "start": datetime.combine(day, time(start), tzinfo=BERLIN).isoformat(),
            "end": datetime.combine(day, time(end), tzinfo=BERLIN).isoformat(),
        }

    items = [item("late", 19, 21), item("early", 7, 9), item("inside", 9, 11)]
    plan = await client.post(
        "/api/v1/imports", json={"source": "sis", "items": items}, headers=bearer(staff)
    )
    assert plan.status_code == 201, plan.text
    actions = {i["external_id"]: i["action"] for i in plan.json()["items"]}
    assert actions == {"late": "invalid", "early": "invalid", "inside": "create"}


async def test_a_cancelled_booking_cannot_be_edited(client, member, room):
    """Kills: ``services/bookings.py`` ``update_booking`` without
    ``states.check_changeable`` (a cancelled booking was renamed and moved)."""
    made = await client.post(BK, json=body(room, at(4, 9), at(4, 10)), headers=bearer(member))
    url = f"{BK}/{made.json()['id']}"
    cancelled = await client.post(f"{url}/cancel", headers=bearer(member) | {"If-Match": '"1"'})
    assert cancelled.status_code == 200, cancelled.text
    version = cancelled.headers["etag"]
    r = await client.patch(
        url, json={"title": "again"}, headers=bearer(member) | {"If-Match": version}
    )
    assert r.status_code == 409, r.text
    assert r.json()["booking_status"] == "cancelled"
    stored = await Booking.get(id=made.json()["id"])
    assert (stored.title, stored.status) == ("Seminar", Status.cancelled)


async def test_an_overlap_only_the_database_sees_is_a_409(client, staff, member, room, monkeypatch):
    """The service's own check is blinded (as if another writer committed between the check
    and the insert), so the database's constraint or trigger is what refuses. Kills:
    ``services/writes.py`` ``run`` no longer turning the database's overlap refusal into a
    ``BookingConflict`` (it became a 500)."""
    first = await client.post(BK, json=body(room, at(0, 9), at(0, 11)), headers=bearer(staff))
    assert first.status_code == 201, first.text
    later = await client.post(BK, json=body(room, at(0, 14), at(0, 15)), headers=bearer(staff))
    assert later.status_code == 201, later.text  # not in the way: not named

    # The create reads what is in the way with the room's lock (``locked_slot``) and decides
    # with ``in_the_way``: blinding ``blockers`` alone left the service's check seeing it.
    monkeypatch.setattr(booking_checks, "in_the_way", lambda *args: [])
    r = await client.post(BK, json=body(room, at(0, 10), at(0, 12)), headers=bearer(member))
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "booking_conflict"
    assert r.json()["detail"] == "the room was booked for that time a moment ago"
    assert [when(c["start"]) for c in r.json()["conflicts"]] == [when(first.json()["start"])]
    assert await Booking.filter(room_id=room.pk).count() == 2
