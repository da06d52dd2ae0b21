"""Calendar feeds (issue 12, items 10 and 17): scopes hold for feeds as for every read, and
what a feed publishes does not depend on the Host header nor carry the user's email."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from icalendar import Calendar

from compax_server.services import api_keys
from compax_server.settings import Settings
from tests import conftest
from tests.conftest import actor_of, bearer

PUBLIC_URL = "https://rooms.campus.example"


@pytest.fixture
def settings(database_url):
    return conftest.test_settings(database_url, public_url=PUBLIC_URL + "/")


# Read once, in UTC: two reads of the local date (one per end of a booking) may straddle
# midnight. Three days ahead is inside a feed's window (a month back to a year ahead).
DAY = datetime.now(UTC).date() + timedelta(days=3)


def soon(hour: int) -> datetime:
    return datetime.combine(DAY, time(hour), tzinfo=UTC)


def calendar(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


async def test_an_import_only_key_cannot_read_my_calendar(client, admin, member, room, book):
    """Item 10. An API key with only the ``import`` scope read ``/me/calendar.ics`` (its
    owner's bookings, titles and all): ``GET /api/v1/me/calendar.ics`` with
    ``Authorization: Bearer <import-only key>`` answered 200. Now 403, as for any read; the
    room feed already said so."""
    await book(member, room, soon(9), soon(10), title="Private meeting")
    _, secret = await api_keys.create_api_key(
        actor_of(admin), user_id=member.pk, name="timetable", scopes=["import"]
    )
    key = {"Authorization": f"Bearer {secret}"}
    mine = await client.get("/api/v1/me/calendar.ics", headers=key)
    assert mine.status_code == 403, mine.text
    assert mine.json()["required_scope"] == "read"
    assert b"Private meeting" not in mine.content
    theirs = await client.get(f"/api/v1/rooms/{room.pk}/calendar.ics", headers=key)
    assert theirs.status_code == 403
    _, reader = await api_keys.create_api_key(
        actor_of(admin), user_id=member.pk, name="reader", scopes=["read"]
    )
    ok = await client.get("/api/v1/me/calendar.ics", headers={"X-API-Key": reader})
    assert ok.status_code == 200


async def test_feed_urls_and_uids_come_from_the_public_url(client, member, room, book):
    """Item 17. The feed URL and every event UID were built from the request's Host header:
    subscribing through ``rooms.campus.example`` and ``10.0.0.5`` gave each event two UIDs
    (every booking twice in the calendar), and a forged Host went into the feed URL. The
    calendar was named ``Compax: <the user's email>``. Now both come from
    ``COMPAX_PUBLIC_URL`` whatever the Host, and the name carries no email."""
    booking = await book(member, room, soon(9), soon(10))
    r = await client.post(
        "/api/v1/me/feed-token", headers={**bearer(member), "Host": "evil.example"}
    )
    assert r.status_code == 201
    token = r.json()["token"]
    assert r.json()["url"] == f"{PUBLIC_URL}/api/v1/me/calendar.ics?token={token}"
    uids = set()
    for host in ("rooms.campus.example", "10.0.0.5:8000"):
        feed = await client.get(
            "/api/v1/me/calendar.ics", params={"token": token}, headers={"Host": host}
        )
        assert feed.status_code == 200
        cal = calendar(feed.content)
        assert member.email not in feed.text
        assert str(cal["x-wr-calname"]) == "Compax: my bookings"
        uids |= {str(e["uid"]) for e in cal.walk("VEVENT")}
        room_feed = await client.get(
            f"/api/v1/rooms/{room.pk}/calendar.ics", headers={**bearer(member), "Host": host}
        )
        uids |= {str(e["uid"]) for e in calendar(room_feed.content).walk("VEVENT")}
    assert uids == {f"booking-{booking.pk}@rooms.campus.example"}


@pytest.mark.parametrize(
    "value", ["rooms.campus.example", "ftp://rooms.campus.example", "https://x.example/?a=1"]
)
def test_the_public_url_is_a_base_url(value):
    """Item 17. ``COMPAX_PUBLIC_URL`` is checked at start: an http(s) base URL."""
    with pytest.raises(ValueError, match="URL"):
        Settings(public_url=value)
    assert Settings(public_url=PUBLIC_URL + "/").public_url == PUBLIC_URL
