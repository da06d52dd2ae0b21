"""Calendar feeds read back with a real iCalendar parser."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

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
    assert feed.headers["content-type"].startswith("text/calendar")
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
