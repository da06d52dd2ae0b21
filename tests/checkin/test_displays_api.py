"""Room display tokens and the display's state and check-in, through the app, on both
engines, with the controlled clock."""

from __future__ import annotations

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking
from compax_server.db.checkin import DisplayToken
from tests.conftest import at, bearer
from tests.dates import Y2031


async def new_token(client, staff, room):
    r = await client.post(f"/api/v1/rooms/{room.pk}/display-tokens", headers=bearer(staff))
    assert r.status_code == 201, r.text
    return r.json()


async def test_the_display_shows_the_day_without_titles_and_checks_in(
    client, staff, member, room, book, login_clock
):
    await client.put(
        f"/api/v1/rules/room/{room.pk}", json={"requires_checkin": True}, headers=bearer(staff)
    )
    first = await book(member, room, at(0, 9), at(0, 10), title="Secret board meeting")
    second = await book(member, room, at(0, 11), at(0, 12))
    made = await new_token(client, staff, room)
    token = made["token"]
    assert made["url_path"] == f"/display/{token}"
    stored = await DisplayToken.get(id=made["id"])
    assert stored.token_hash != token and token not in stored.token_hash  # only the hash

    login_clock.now = at(0, 9, 5).timestamp()
    page = await client.get(f"/display/{token}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert room.code in page.text and "Secret board meeting" not in page.text
    assert "http://" not in page.text.replace("http://testserver", "")  # nothing fetched
    state = (await client.get(f"/display/{token}/state")).json()
    assert state["busy"] is True and state["until"].startswith(f"{Y2031}-03-03T10:00:00")
    assert [b["start"][:16] for b in state["bookings"]] == [
        f"{Y2031}-03-03T09:00",
        f"{Y2031}-03-03T11:00",
    ]
    assert all(set(b) == {"start", "end", "status", "checked_in", "now"} for b in state["bookings"])
    assert state["checkin"]["start"].startswith(f"{Y2031}-03-03T09:00")

    r = await client.post(f"/display/{token}/check-in")
    assert r.status_code == 200, r.text
    assert r.json()["bookings"][0]["checked_in"] is True
    assert r.json()["checkin"] is None
    assert (await Booking.get(id=first.pk)).checked_in_at is not None
    assert (await Booking.get(id=second.pk)).checked_in_at is None
    again = await client.post(f"/display/{token}/check-in")
    assert again.status_code == 409 and again.json()["code"] == "checkin_closed"

    login_clock.now = at(0, 10, 30).timestamp()
    state = (await client.get(f"/display/{token}/state")).json()
    assert state["busy"] is False and state["until"].startswith(f"{Y2031}-03-03T11:00:00")


async def test_a_display_token_is_403_elsewhere_and_401_once_revoked(client, staff, member, room):
    token = (await new_token(client, staff, room))["token"]
    for path in ("/api/v1/rooms", f"/api/v1/rooms/{room.pk}", "/api/v1/bookings"):
        r = await client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 403, (path, r.text)
        assert r.json()["code"] == "forbidden"
    r = await client.delete(f"/api/v1/rooms/{room.pk}/display-tokens", headers=bearer(member))
    assert r.status_code == 403
    r = await client.delete(f"/api/v1/rooms/{room.pk}/display-tokens", headers=bearer(staff))
    assert r.status_code == 200 and r.json()["revoked"] == 1
    for method, path in (("GET", ""), ("GET", "/state"), ("POST", "/check-in")):
        r = await client.request(method, f"/display/{token}{path}")
        assert r.status_code == 401, (path, r.text)
        assert r.json()["code"] == "unauthenticated"
    assert (await client.get("/display/cxd_not-a-token/state")).status_code == 401


async def test_display_tokens_are_audited_counted_and_refused_in_words(
    client, staff, member, room, book, login_clock
):
    """Two tokens for a room, each audited by its prefix; a revocation counts the tokens
    still in use (two, then none) and is audited; the refusals say why: used as an API
    credential, revoked or unknown, its room removed, an unknown room, nothing to check in
    to."""
    first, second = await new_token(client, staff, room), await new_token(client, staff, room)
    assert first["token"] != second["token"]
    made = await AuditEvent.filter(action="room.display_token").order_by("id")
    assert [(e.entity_id, e.actor_user_id, e.after) for e in made] == [
        (room.pk, staff.pk, {"prefix": first["token"][:10]}),
        (room.pk, staff.pk, {"prefix": second["token"][:10]}),
    ]
    r = await client.get("/api/v1/rooms", headers={"Authorization": f"Bearer {first['token']}"})
    assert r.json()["detail"] == "a room display token may only show its room and check in there"

    login_clock.now = at(0, 8).timestamp()
    r = await client.post(f"/display/{first['token']}/check-in")
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == f"no booking of room {room.code} is open for check-in now"

    path = f"/api/v1/rooms/{room.pk}/display-tokens"
    assert (await client.delete(path, headers=bearer(staff))).json()["revoked"] == 2
    assert (await client.delete(path, headers=bearer(staff))).json()["revoked"] == 0
    revoked = await AuditEvent.filter(action="room.display_token_revoke").order_by("id")
    assert [e.after for e in revoked] == [{"revoked": 2}, {"revoked": 0}]
    r = await client.get(f"/display/{first['token']}/state")
    assert r.json()["detail"] == "this display token is not valid (revoked or unknown)"

    third = await new_token(client, staff, room)
    r = await client.delete(f"/api/v1/rooms/{room.pk}", headers=bearer(staff))
    assert r.status_code == 200, r.text
    r = await client.get(f"/display/{third['token']}/state")
    assert r.status_code == 401, r.text
    assert r.json()["detail"] == "this display token's room was removed"
    for method in ("POST", "DELETE"):
        r = await client.request(method, path, headers=bearer(staff))
        assert r.status_code == 404, r.text
        assert r.json()["detail"] == f"room {room.pk} does not exist"


async def test_a_check_in_open_across_midnight_is_offered_on_the_display(
    client, staff, member, make_room, book, login_clock
):
    """At 23:58 (the building's time), a booking at 00:03 has its check-in open: the display
    offers it and its button checks in, though the booking belongs to tomorrow's list."""
    room = await make_room()  # Europe/Berlin: 23:58 on 3 March is 22:58 UTC
    await client.put(
        f"/api/v1/rules/room/{room.pk}", json={"requires_checkin": True}, headers=bearer(staff)
    )
    b = await book(member, room, at(0, 23, 3), at(0, 23, 33))
    token = (await new_token(client, staff, room))["token"]
    login_clock.now = at(0, 22, 58).timestamp()
    state = (await client.get(f"/display/{token}/state")).json()
    assert state["bookings"] == []  # today's list ends at midnight
    assert state["checkin"] == {
        "start": f"{Y2031}-03-03T23:03:00+00:00",
        "end": f"{Y2031}-03-03T23:33:00+00:00",
        "required": True,
        "closes_at": f"{Y2031}-03-03T23:18:00+00:00",
    }
    r = await client.post(f"/display/{token}/check-in")
    assert r.status_code == 200, r.text
    assert (await Booking.get(id=b.pk)).checked_in_at is not None
