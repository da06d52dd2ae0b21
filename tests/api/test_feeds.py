"""Calendar feeds read back with a real iCalendar parser."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking
from tests.conftest import bearer

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: int, hour: int) -> datetime:
    """Feeds cover a month back to a year ahead: use a week that is always soon."""
    today = datetime.now(UTC).date()  # read once: two reads may straddle midnight
    monday = today + timedelta(days=14 - today.weekday())
    return datetime.combine(monday + timedelta(days=day), time(hour), tzinfo=UTC)


def events(body: bytes) -> list:
    cal = Calendar.from_ical(body)
    return [c for c in cal.walk("VEVENT")]


async def test_a_personal_feed_by_token_with_stable_uids_and_cancellations(
    client, member, room, book
):
    mine = await book(member, room, at(0, 9), at(0, 10), title="Study group")
    r = await client.post("/api/v1/me/feed-token", headers=bearer(member))
    assert r.status_code == 201
    token, url = r.json()["token"], r.json()["url"]
    assert url.endswith(f"/api/v1/me/calendar.ics?token={token}")
    feed = await client.get("/api/v1/me/calendar.ics", params={"token": token})
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    # a calendar app may keep it five minutes; a shared cache never (it is someone's)
    assert feed.headers["cache-control"] == "private, max-age=300"
    [event] = events(feed.content)
    assert str(event["uid"]) == f"booking-{mine.pk}@compax"
    assert event.decoded("dtstart") == at(0, 9)
    assert str(event["summary"]) == "Study group"
    assert str(event["status"]) == "CONFIRMED"
    await client.post(
        f"/api/v1/bookings/{mine.pk}/cancel", headers=bearer(member) | {"If-Match": '"1"'}
    )
    [event] = events((await client.get("/api/v1/me/calendar.ics", params={"token": token})).content)
    assert str(event["uid"]) == f"booking-{mine.pk}@compax"
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 2


async def test_a_feed_without_a_token_says_how_to_give_one_and_one_with_it_is_logged_as_its_user(
    client, member, room, caplog
):
    for path in ("/api/v1/me/calendar.ics", f"/api/v1/rooms/{room.pk}/calendar.ics"):
        r = await client.get(path)
        assert (r.status_code, r.json()["detail"]) == (
            401, "Send a bearer token, or add ?token=<your feed token> to the URL.",
        )  # fmt: skip
    token = (await client.post("/api/v1/me/feed-token", headers=bearer(member))).json()["token"]
    with caplog.at_level(logging.INFO, logger="compax.access"):
        r = await client.get("/api/v1/me/calendar.ics", params={"token": token})
    assert r.status_code == 200, r.text
    [logged] = [rec for rec in caplog.records if rec.name == "compax.access"]
    assert logged.user_id == member.pk


async def test_rotating_or_revoking_the_token_ends_the_old_url(client, member):
    first = (await client.post("/api/v1/me/feed-token", headers=bearer(member))).json()["token"]
    second = (await client.post("/api/v1/me/feed-token", headers=bearer(member))).json()["token"]
    assert (await client.get("/api/v1/me/calendar.ics", params={"token": first})).status_code == 401
    assert (
        await client.get("/api/v1/me/calendar.ics", params={"token": second})
    ).status_code == 200
    assert (await client.delete("/api/v1/me/feed-token", headers=bearer(member))).status_code == 204
    assert (
        await client.get("/api/v1/me/calendar.ics", params={"token": second})
    ).status_code == 401
    assert (await client.get("/api/v1/me/calendar.ics")).status_code == 401


async def test_only_if_none_gives_a_url_once_and_refuses_an_oversized_header(client, member):
    url = "/api/v1/me/feed-token"
    star = bearer(member) | {"If-None-Match": "*"}
    assert (await client.post(url, headers=star)).status_code == 201
    assert (await client.post(url, headers=star)).status_code == 412  # the URL is shown once
    long = await client.post(url, headers=bearer(member) | {"If-None-Match": "x" * 201})
    assert long.status_code == 400, long.text
    assert long.json()["errors"][0]["pointer"] == "/If-None-Match"
    assert (await client.post(url, headers=star)).status_code == 412  # and nothing was rotated


async def test_a_feed_token_cannot_write(client, member, room):
    token = (await client.post("/api/v1/me/feed-token", headers=bearer(member))).json()["token"]
    r = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.pk,
            "title": "x",
            "start": at(0, 9).isoformat(),
            "end": at(0, 10).isoformat(),
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 401


async def test_a_room_feed_hides_others_titles_from_members(client, member, staff, room, book):
    await book(member, room, at(0, 9), at(0, 10), title="Mine")
    await book(staff, room, at(0, 11), at(0, 12), title="Faculty meeting")
    member_view = {
        str(e["summary"])
        for e in events(
            (
                await client.get(f"/api/v1/rooms/{room.pk}/calendar.ics", headers=bearer(member))
            ).content
        )
    }
    assert member_view == {"Mine", "Booked"}
    staff_view = {
        str(e["summary"])
        for e in events(
            (
                await client.get(f"/api/v1/rooms/{room.pk}/calendar.ics", headers=bearer(staff))
            ).content
        )
    }
    assert staff_view == {"Mine", "Faculty meeting"}
    token = (await client.post("/api/v1/me/feed-token", headers=bearer(member))).json()["token"]
    assert (
        await client.get(f"/api/v1/rooms/{room.pk}/calendar.ics", params={"token": token})
    ).status_code == 200


async def test_series_occurrences_keep_their_uids_when_moved(client, staff, room):
    first = at(1, 0).date()
    r = await client.post(
        "/api/v1/series",
        json={
            "room_id": room.pk,
            "title": "Lecture",
            "start_date": first.isoformat(),
            "start_time": "09:00",
            "duration_minutes": 60,
            "recurrence": {"freq": "weekly", "count": 3},
        },
        headers=bearer(staff),
    )
    before = {
        str(e["uid"])
        for e in events(
            (
                await client.get(f"/api/v1/rooms/{room.pk}/calendar.ics", headers=bearer(staff))
            ).content
        )
    }
    await client.patch(
        f"/api/v1/series/{r.json()['id']}",
        json={"start_time": "15:00"},
        headers=bearer(staff) | {"If-Match": r.headers["etag"]},
    )
    moved = events(
        (await client.get(f"/api/v1/rooms/{room.pk}/calendar.ics", headers=bearer(staff))).content
    )
    assert {str(e["uid"]) for e in moved} == before
    assert {e.decoded("dtstart").astimezone(BERLIN).hour for e in moved} == {15}


async def test_a_feed_says_what_it_is_and_what_each_booking_is(
    client, admin, member, staff, make_room, book
):
    """The calendar's own lines, and per booking its place, its state (a request awaiting
    approval is tentative) and its description, which only those who see the title see."""
    room = await make_room(requires_approval=True)
    await book(member, room, at(0, 9), at(0, 10), title="Asked", description="Bring laptops")
    await book(staff, room, at(0, 11), at(0, 12), title="Faculty", description="Budget")
    token = (await client.post("/api/v1/me/feed-token", headers=bearer(member))).json()["token"]
    mine = Calendar.from_ical(
        (await client.get("/api/v1/me/calendar.ics", params={"token": token})).content
    )
    assert {k: str(mine[k]) for k in ("PRODID", "VERSION", "CALSCALE", "METHOD")} == {
        "PRODID": "-//Compax//Classroom booking//EN",
        "VERSION": "2.0",
        "CALSCALE": "GREGORIAN",
        "METHOD": "PUBLISH",
    }
    assert str(mine["X-WR-CALNAME"]) == "Compax: my bookings"  # no email address in it
    [asked] = mine.walk("VEVENT")
    assert (str(asked["location"]), str(asked["status"])) == (room.code, "TENTATIVE")
    assert str(asked["description"]) == "Bring laptops"
    assert asked.decoded("dtend") == at(0, 10)
    stored = await Booking.get(title="Asked")
    assert asked.decoded("dtstamp") == stored.updated_at.replace(
        microsecond=0
    )  # RFC 5545: required

    def room_feed(who):
        return client.get(f"/api/v1/rooms/{room.pk}/calendar.ics", headers=bearer(who))

    seen = Calendar.from_ical((await room_feed(member)).content)
    assert str(seen["X-WR-CALNAME"]) == f"{room.code} {room.name}"
    others = {str(e["summary"]): e for e in seen.walk("VEVENT")}
    assert "description" not in others["Booked"]  # another's booking: no title, no description
    assert str(others["Asked"]["description"]) == "Bring laptops"
    # The room's manager sees every title there, as staff does.
    r = await client.post(
        f"/api/v1/rooms/{room.pk}/managers", json={"user_id": member.pk}, headers=bearer(admin)
    )
    assert r.status_code in (200, 201), r.text
    managed = Calendar.from_ical((await room_feed(member)).content)
    assert {str(e["summary"]) for e in managed.walk("VEVENT")} == {"Asked", "Faculty"}


async def test_feed_tokens_are_recorded_and_each_refusal_says_why(client, member):
    url = "/api/v1/me/feed-token"
    gone = await client.delete(url, headers=bearer(member))
    assert (gone.status_code, gone.json()["detail"]) == (404, "you have no calendar feed token")
    token = (await client.post(url, headers=bearer(member))).json()["token"]
    assert re.fullmatch(r"feed_[A-Za-z0-9_-]{32}", token)  # 24 random bytes
    again = await client.post(url, headers=bearer(member) | {"If-None-Match": "*"})
    assert again.status_code == 412
    assert again.json()["detail"] == (
        "you already have a calendar feed URL (it was shown once, when it was made); "
        "rotate it for a new one (the old URL stops working)"
    )
    assert (await client.delete(url, headers=bearer(member))).status_code == 204
    stale = await client.get("/api/v1/me/calendar.ics", params={"token": token})
    assert (stale.status_code, stale.json()["detail"]) == (
        401, "The calendar feed token is not valid (it may have been rotated).",
    )  # fmt: skip
    recorded = await AuditEvent.filter(action__startswith="feed_token.").order_by("id")
    assert [(e.action, e.actor_user_id, e.entity_type, e.entity_id) for e in recorded] == [
        ("feed_token.rotate", member.pk, "user", member.pk),
        ("feed_token.revoke", member.pk, "user", member.pk),
    ]


async def test_a_feed_token_sees_a_room_as_its_user_does(client, admin, member, staff, room, book):
    """Staff, and a room's manager, read every title of the room's feed by token too."""
    await book(admin, room, at(0, 11), at(0, 12), title="Faculty")  # no one else's own

    async def titles(user) -> set[str]:
        r = await client.post("/api/v1/me/feed-token", headers=bearer(user))
        feed = await client.get(
            f"/api/v1/rooms/{room.pk}/calendar.ics", params={"token": r.json()["token"]}
        )
        assert feed.status_code == 200, feed.text
        return {str(e["summary"]) for e in events(feed.content)}

    assert await titles(member) == {"Booked"}
    assert await titles(staff) == {"Faculty"}
    r = await client.post(
        f"/api/v1/rooms/{room.pk}/managers", json={"user_id": member.pk}, headers=bearer(admin)
    )
    assert r.status_code == 201, r.text
    assert await titles(member) == {"Faculty"}


async def test_a_waitlist_hold_is_tentative_in_the_feed_until_accepted(
    client, make_user, member, room, book
):
    """A freed slot offered to a waiting member is held for them: their calendar shows it
    as tentative (it is not theirs until they accept), then as confirmed."""
    holder = await make_user()
    taken = await book(holder, room, at(1, 10), at(1, 11))
    joined = await client.post(
        "/api/v1/waitlist",
        json={
            "title": "Waiting",
            "start": at(1, 10).isoformat(),
            "end": at(1, 11).isoformat(),
            "room_id": room.pk,
        },
        headers=bearer(member),
    )
    assert joined.status_code == 201, joined.text
    token = (await client.post("/api/v1/me/feed-token", headers=bearer(member))).json()["token"]

    async def my_events() -> list:
        return events(
            (await client.get("/api/v1/me/calendar.ics", params={"token": token})).content
        )

    assert await my_events() == []  # waiting holds nothing
    r = await client.post(
        f"/api/v1/bookings/{taken.pk}/cancel",
        headers=bearer(holder) | {"If-Match": f'"{taken.version}"'},
    )
    assert r.status_code == 200, r.text
    [held] = await my_events()
    hold = await Booking.get(id=int(str(held["uid"]).split("@")[0].removeprefix("booking-")))
    assert (hold.owner_id, hold.status.value) == (member.pk, "held")
    assert (str(held["status"]), held.decoded("dtstart"), str(held["summary"])) == (
        "TENTATIVE",
        at(1, 10),
        hold.title,
    )
    r = await client.post(f"/api/v1/waitlist/{joined.json()['id']}/accept", headers=bearer(member))
    assert r.status_code == 200, r.text
    [accepted] = await my_events()
    assert (str(accepted["uid"]), str(accepted["status"])) == (str(held["uid"]), "CONFIRMED")
