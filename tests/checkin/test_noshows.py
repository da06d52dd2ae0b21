"""The no-show policy: N no-shows within D days keep a member from booking for E days; the
refusal names them; staff may still book for the member and may lift the ban."""

from __future__ import annotations

from datetime import UTC, datetime

from compax_server.db.audit import AuditEvent
from compax_server.db.checkin import NoshowLift
from compax_server.services import checkin
from compax_server.services.noshows import ban_until
from tests.conftest import at, bearer
from tests.dates import Y2031

BK = "/api/v1/bookings"


def test_a_ban_needs_the_no_shows_close_together():
    day = [datetime(Y2031, 3, d, 10, tzinfo=UTC) for d in (3, 4, 20)]
    assert ban_until(day[:1], 2, 7, 14) is None
    assert ban_until(day[:2], 2, 7, 14) == datetime(Y2031, 3, 18, 10, tzinfo=UTC)
    assert ban_until([day[0], day[2]], 2, 7, 14) is None  # 17 days apart


async def booking(client, user, room, day, hour, **extra):
    body = {
        "room_id": room.pk,
        "title": "Study",
        "start": at(day, hour).isoformat(),
        "end": at(day, hour + 1).isoformat(),
        **extra,
    }
    return await client.post(BK, json=body, headers=bearer(user))


async def noshow_policy(client, staff, **numbers: int) -> None:
    """Check-in required everywhere, and this no-show policy (the global rule)."""
    r = await client.put(
        "/api/v1/rules/global", json={"requires_checkin": True, **numbers}, headers=bearer(staff)
    )
    assert r.status_code == 200, r.text


async def test_two_no_shows_ban_a_member_naming_them_until_staff_lift_it(
    client, staff, member, room, login_clock
):
    await noshow_policy(client, staff, noshow_limit=2, noshow_days=7, noshow_ban_days=14)
    missed = [(await booking(client, member, room, d, 10)).json()["id"] for d in (0, 1)]
    assert await checkin.release_due(at(2, 0)) == 2
    login_clock.now = at(2, 0).timestamp()

    r = await booking(client, member, room, 5, 10)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "noshow_ban"
    assert sorted(n["id"] for n in problem["noshows"]) == sorted(missed)
    assert problem["until"].startswith(f"{Y2031}-03-18T10:00:00")  # 14 days after the second
    assert all(f"#{i}" in problem["detail"] for i in missed)
    series = {  # a series is held to the ban as well, before any of its dates is counted
        "room_id": room.pk,
        "title": "Weekly",
        "start_date": at(5, 0).date().isoformat(),
        "start_time": "15:00",
        "duration_minutes": 60,
        "recurrence": {"freq": "weekly", "count": 2},
    }
    r = await client.post("/api/v1/series", json=series, headers=bearer(member))
    assert r.status_code == 422 and r.json()["code"] == "noshow_ban", r.text

    # staff may still book for the member, overriding the rules (audited)
    r = await booking(client, staff, room, 5, 12, owner_id=member.pk)
    assert r.status_code == 422 and r.json()["code"] == "noshow_ban"
    r = await booking(client, staff, room, 5, 12, owner_id=member.pk, override=True)
    assert r.status_code == 201, r.text
    # members may not lift it; staff may
    r = await client.post(f"/api/v1/users/{member.pk}/lift-noshows", headers=bearer(member))
    assert r.status_code == 403
    r = await client.post(f"/api/v1/users/{member.pk}/lift-noshows", headers=bearer(staff))
    assert r.status_code == 200, r.text
    r = await booking(client, member, room, 5, 14)
    assert r.status_code == 201, r.text


async def test_the_ban_ends_by_itself(client, staff, member, room, login_clock):
    await noshow_policy(client, staff, noshow_limit=1, noshow_days=7, noshow_ban_days=2)
    await booking(client, member, room, 0, 10)
    assert await checkin.release_due(at(1, 0)) == 1
    login_clock.now = at(1, 0).timestamp()
    assert (await booking(client, member, room, 6, 10)).status_code == 422
    login_clock.now = at(2, 9, 59).timestamp()
    assert (await booking(client, member, room, 6, 10)).status_code == 422
    login_clock.now = at(2, 10).timestamp()  # two days after the no-show: over
    assert (await booking(client, member, room, 6, 10)).status_code == 201


def test_the_latest_ban_of_no_shows_close_enough_counts():
    """A ban needs ``limit`` no-shows within ``days`` (the edge included); of several, the
    latest ends last; the order they come in does not matter."""
    d = [datetime(Y2031, 3, day, 10, tzinfo=UTC) for day in (1, 8, 9, 20, 21, 22)]
    assert ban_until([d[1], d[0]], 2, 7, 14) == datetime(Y2031, 3, 22, 10, tzinfo=UTC)
    assert ban_until([d[0], d[2]], 2, 7, 14) is None  # 8 days apart
    assert ban_until([d[0], d[1], d[2]], 3, 7, 1) is None  # 3 within 8 days
    assert ban_until([d[1], d[0], d[2]], 3, 8, 1) == datetime(Y2031, 3, 10, 10, tzinfo=UTC)
    assert ban_until(d, 3, 2, 5) == datetime(Y2031, 3, 27, 10, tzinfo=UTC)
    assert ban_until(d, 2, 1, 5) == datetime(Y2031, 3, 27, 10, tzinfo=UTC)


async def test_the_ban_in_words_the_lift_audited_and_no_shows_after_it_count_again(
    client, staff, member, room, login_clock
):
    await noshow_policy(client, staff, noshow_limit=2, noshow_days=7, noshow_ban_days=14)
    first, second = [(await booking(client, member, room, d, 10)).json()["id"] for d in (0, 1)]
    assert await checkin.release_due(at(2, 0)) == 2
    login_clock.now = at(2, 0).timestamp()
    r = await booking(client, member, room, 5, 10)
    assert r.status_code == 422, r.text
    day = f"{Y2031}-03"
    assert r.json()["detail"] == (
        "2 missed bookings (no check-in) within 7 days: no new bookings until "
        f"{day}-18T10:00:00+00:00 (staff can lift this); missed: "
        f"#{second} {day}-04T10:00:00+00:00, #{first} {day}-03T10:00:00+00:00"
    )
    assert r.json()["noshows"] == [
        {"id": second, "room_id": room.pk, "start": f"{day}-04T10:00:00+00:00"},
        {"id": first, "room_id": room.pk, "start": f"{day}-03T10:00:00+00:00"},
    ]
    assert r.json()["until"] == f"{day}-18T10:00:00+00:00"

    lift = f"/api/v1/users/{member.pk}/lift-noshows"
    r = await client.post("/api/v1/users/999999/lift-noshows", headers=bearer(staff))
    assert (r.status_code, r.json()["detail"]) == (404, "user 999999 does not exist")
    r = await client.post(lift, headers=bearer(staff))
    assert r.status_code == 200, r.text
    assert r.json() == {"user_id": member.pk, "lifted_at": f"{day}-05T00:00:00Z"}
    (event,) = await AuditEvent.filter(action="user.lift_noshows")
    assert (event.entity_type, event.entity_id, event.actor_user_id) == (
        "user",
        member.pk,
        staff.pk,
    )
    assert (event.before, event.after) == (None, {"lifted_at": f"{day}-05T00:00:00+00:00"})
    row = await NoshowLift.get(user_id=member.pk)
    assert (row.lifted_at, row.lifted_by_id) == (at(2, 0), staff.pk)

    # one no-show after the lift is not two: the ones before it no longer count
    third = (await booking(client, member, room, 3, 10)).json()["id"]
    assert await checkin.release_due(at(4, 0)) == 1
    login_clock.now = at(4, 0).timestamp()
    assert (await booking(client, member, room, 6, 10)).status_code == 201
    fourth = (await booking(client, member, room, 4, 12)).json()["id"]
    assert await checkin.release_due(at(4, 13)) == 1
    login_clock.now = at(4, 13).timestamp()
    r = await booking(client, member, room, 6, 12)
    assert r.status_code == 422, r.text
    assert [n["id"] for n in r.json()["noshows"]] == [fourth, third]

    login_clock.now = at(5, 0).timestamp()
    r = await client.post(lift, headers=bearer(staff))  # lifted again: the first lift before
    assert r.status_code == 200, r.text
    event = await AuditEvent.filter(action="user.lift_noshows").order_by("-id").first()
    assert event is not None
    assert (event.before, event.after) == (
        {"lifted_at": f"{day}-05T00:00:00+00:00"},
        {"lifted_at": f"{day}-08T00:00:00+00:00"},
    )
    assert (await booking(client, member, room, 6, 14)).status_code == 201
    row = await NoshowLift.get(user_id=member.pk)
    assert (row.lifted_at, row.lifted_by_id) == (at(5, 0), staff.pk)


async def test_a_policy_missing_one_of_its_three_numbers_bans_nobody(
    client, staff, member, room, login_clock
):
    """The policy needs the count, the days and the ban's length; without the days it is
    off (and nothing fails): the member's no-show does not stop the next booking."""
    await noshow_policy(client, staff, noshow_limit=1, noshow_ban_days=2)
    await booking(client, member, room, 0, 10)
    assert await checkin.release_due(at(1, 0)) == 1
    login_clock.now = at(1, 0).timestamp()
    r = await booking(client, member, room, 3, 10)
    assert r.status_code == 201, r.text


async def test_the_ban_s_words_list_the_ten_latest_no_shows_and_its_body_all(
    client, staff, member, make_room, login_clock
):
    await noshow_policy(client, staff, noshow_limit=11, noshow_days=30, noshow_ban_days=7)
    room = await make_room()
    missed = [(await booking(client, member, room, d, 10)).json()["id"] for d in range(11)]
    assert await checkin.release_due(at(11, 0)) == 11
    login_clock.now = at(11, 0).timestamp()
    r = await booking(client, member, room, 12, 10)
    assert r.status_code == 422, r.text
    newest_first = missed[::-1]
    assert [n["id"] for n in r.json()["noshows"]] == newest_first
    listed = r.json()["detail"].split("; missed: ")[1].split(", ")
    assert [item.split()[0] for item in listed] == [f"#{i}" for i in newest_first[:10]]
