"""Room display tokens and the display's state and check-in, through the app, on both
engines, with the controlled clock."""

from __future__ import annotations

import json
import re

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking
from compax_server.db.checkin import DisplayToken
from tests.conftest import at, bearer
from tests.dates import Y2031
from tests.html_page import Page


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


async def test_the_display_page_shows_its_room_and_state_and_no_name_breaks_out(
    client, staff, member, make_room, book, login_clock
):
    """The page names the room and says Free or Busy before its script runs; the state the
    script starts from is the state endpoint's, written so that a room name holding
    ``</script>`` stays data."""
    room = await make_room(name="Lab </script><script>alert(1)</script>")
    path = (await new_token(client, staff, room))["url_path"]
    login_clock.now = at(0, 9, 5).timestamp()

    def script_state(page: str) -> str:
        found = re.search(r'<script id="state" type="application/json">(.*?)</script>', page)
        assert found is not None, page
        return found.group(1)

    for busy in (False, True):
        page = await client.get(path)
        read = Page(page.text)
        assert read.blocks[0] == ("title", f"{room.code} {room.name}")
        assert read.blocks[1] == ("h1", f"{room.code} · {room.name}")
        shown = "Busy" if busy else "Free"
        assert f'<div id="status" class="{shown.lower()}">{shown}</div>' in page.text
        raw = script_state(page.text)
        assert "<" not in raw
        assert json.loads(raw) == (await client.get(f"{path}/state")).json()
        if not busy:
            await book(member, room, at(0, 9), at(0, 10))


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


def iso(moment) -> str:
    return moment.isoformat()


async def test_the_display_shows_its_rooms_day_by_the_building_rule_and_checks_in_there_only(
    client, staff, member, building, make_room, book, login_clock
):
    """The building's rule (not the room's) opens check-in 30 minutes ahead. The display
    lists its room's bookings of the local day by start (not another room's, a cancelled
    one, yesterday's); offers the first booking whose window is open and not checked in to,
    from the window's first instant to before its last; checks in to that one (not another
    room's booking open earlier); says which booking is on now, up to before its end."""
    rule = {"requires_checkin": True, "checkin_opens_minutes": 30}
    r = await client.put(f"/api/v1/rules/building/{building.pk}", json=rule, headers=bearer(staff))
    assert r.status_code == 200, r.text
    room, other = await make_room(), await make_room()
    await book(member, room, at(0, 9), at(0, 10))  # the day before
    later = await book(member, room, at(1, 9, 5), at(1, 10))  # made first: the smaller id
    first = await book(member, room, at(1, 9), at(1, 9, 5))
    await book(member, other, at(1, 8, 55), at(1, 9))  # another room's, open as early
    gone = await book(member, room, at(1, 12), at(1, 13))
    r = await client.post(
        f"/api/v1/bookings/{gone.pk}/cancel", headers=bearer(member) | {"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    after_midnight = await book(member, room, at(1, 23), at(1, 23, 30))  # Berlin's next day
    made = await new_token(client, staff, room)
    token, path = made["token"], f"/display/{made['token']}"

    login_clock.now = at(1, 8, 35).timestamp()  # first's window opened at 08:30, later's now
    state = (await client.get(f"{path}/state")).json()
    assert state["now"] == iso(at(1, 8, 35))
    assert state["room"] == {
        "id": room.pk,
        "code": room.code,
        "name": room.name,
        "building": building.name,
        "timezone": "Europe/Berlin",
        "capacity": room.capacity,
    }
    assert [(b["start"], b["now"]) for b in state["bookings"]] == [
        (iso(at(1, 9)), False),
        (iso(at(1, 9, 5)), False),
    ]
    assert (state["busy"], state["until"]) == (False, iso(at(1, 9)))
    assert state["checkin"] == {
        "start": iso(at(1, 9)),
        "end": iso(at(1, 9, 5)),
        "required": True,
        "closes_at": iso(at(1, 9, 15)),
    }
    r = await client.post(f"{path}/check-in")
    assert r.status_code == 200, r.text
    assert (await Booking.get(id=first.pk)).checked_in_at is not None
    assert (await Booking.get(id=later.pk)).checked_in_at is None
    event = await AuditEvent.get(action="booking.check_in", entity_id=first.pk)
    assert event.after["via"] == f"display {token[:10]}"
    assert r.json()["checkin"]["start"] == iso(at(1, 9, 5))  # later's window opened now

    login_clock.now = at(1, 9, 20).timestamp()  # later's window has just closed
    assert (await client.get(f"{path}/state")).json()["checkin"] is None
    assert (await client.post(f"{path}/check-in")).status_code == 409
    login_clock.now = at(1, 8, 35).timestamp()
    assert (await client.post(f"{path}/check-in")).status_code == 200
    assert (await Booking.get(id=later.pk)).checked_in_at is not None

    login_clock.now = at(1, 9, 5).timestamp()  # first ends as later starts
    state = (await client.get(f"{path}/state")).json()
    assert [b["now"] for b in state["bookings"]] == [False, True]
    assert (state["busy"], state["until"]) == (True, iso(at(1, 10)))

    login_clock.now = at(1, 23, 10).timestamp()  # 00:10 in Berlin: the next local day
    state = (await client.get(f"{path}/state")).json()
    assert [b["start"] for b in state["bookings"]] == [iso(after_midnight.start)]


async def test_display_tokens_are_made_by_their_creator_for_their_room_alone(
    client, staff, member, make_room, login_clock
):
    """A token is long and random, stored with who made it; revoking a room's tokens leaves
    another room's working and is audited on that room by whoever revoked; an unknown room
    has no tokens, and a token whose room was removed shows nothing, however many rooms
    remain."""
    room, other, spare = await make_room(), await make_room(), await make_room()
    made, kept = await new_token(client, staff, room), await new_token(client, staff, other)
    assert made["token"].startswith("cxd_") and len(made["token"]) == 4 + 32
    stored = await DisplayToken.get(id=made["id"])
    assert (stored.room_id, stored.created_by_id) == (room.pk, staff.pk)
    event = await AuditEvent.filter(action="room.display_token").order_by("id").first()
    assert event is not None and (event.entity_type, event.entity_id) == ("room", room.pk)

    r = await client.delete(f"/api/v1/rooms/{room.pk}/display-tokens", headers=bearer(staff))
    assert r.json()["revoked"] == 1
    assert (await client.get(f"/display/{kept['token']}/state")).status_code == 200
    revoked = await AuditEvent.get(action="room.display_token_revoke")
    assert (revoked.entity_type, revoked.entity_id, revoked.actor_user_id) == (
        "room",
        room.pk,
        staff.pk,
    )
    r = await client.post("/api/v1/rooms/999999/display-tokens", headers=bearer(staff))
    assert r.status_code == 404, r.text

    r = await client.delete(f"/api/v1/rooms/{other.pk}", headers=bearer(staff))
    assert r.status_code == 200, r.text
    assert spare.pk  # still there
    r = await client.get(f"/display/{kept['token']}/state")
    assert r.status_code == 401 and r.json()["detail"] == "this display token's room was removed"


async def test_the_display_checks_in_by_the_rooms_own_window_past_a_pending_request(
    client, staff, member, make_room, book, login_clock
):
    """The room's rule opens check-in 20 minutes ahead; a request still waiting for approval
    just before, whose window is open too, is passed over: it cannot be checked in to."""
    room = await make_room(requires_approval=True)
    rule = {"requires_checkin": True, "checkin_opens_minutes": 20}
    r = await client.put(f"/api/v1/rules/room/{room.pk}", json=rule, headers=bearer(staff))
    assert r.status_code == 200, r.text
    request = await book(member, room, at(1, 8, 50), at(1, 9))
    lecture = await book(staff, room, at(1, 9), at(1, 10))
    assert (request.status.value, lecture.status.value) == ("pending", "confirmed")
    token = (await new_token(client, staff, room))["token"]
    login_clock.now = at(1, 8, 42).timestamp()  # the lecture's window opened at 08:40
    r = await client.post(f"/display/{token}/check-in")
    assert r.status_code == 200, r.text
    assert (await Booking.get(id=lecture.pk)).checked_in_at is not None
