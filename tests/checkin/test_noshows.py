"""The no-show policy: N no-shows within D days keep a member from booking for E days; the
refusal names them; staff may still book for the member and may lift the ban."""

from __future__ import annotations

from datetime import UTC, datetime

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


async def test_two_no_shows_ban_a_member_naming_them_until_staff_lift_it(
    client, staff, member, room, login_clock
):
    r = await client.put(
        "/api/v1/rules/global",
        json={"requires_checkin": True, "noshow_limit": 2, "noshow_days": 7, "noshow_ban_days": 14},
        headers=bearer(staff),
    )
    assert r.status_code == 200, r.text
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
    await client.put(
        "/api/v1/rules/global",
        json={"requires_checkin": True, "noshow_limit": 1, "noshow_days": 7, "noshow_ban_days": 2},
        headers=bearer(staff),
    )
    await booking(client, member, room, 0, 10)
    assert await checkin.release_due(at(1, 0)) == 1
    login_clock.now = at(1, 0).timestamp()
    assert (await booking(client, member, room, 6, 10)).status_code == 422
    login_clock.now = at(2, 10, 1).timestamp()  # two days after the no-show
    assert (await booking(client, member, room, 6, 10)).status_code == 201
