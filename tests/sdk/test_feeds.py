"""Calendar feeds through the SDK: my URL (made once), rotate, revoke, a room's URL; with
both clients (``kind``)."""

from __future__ import annotations

import httpx
import pytest

from compax_sdk import FeedURL, NotFoundError, PreconditionFailedError
from tests.sdk.conftest import BASE_URL


async def calendar(app, url: str) -> httpx.Response:
    """``url`` fetched as a calendar app does: no login, the token in the query."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        return await http.get(url)


async def test_my_url_is_made_once_then_rotate_replaces_it_and_revoke_ends_it(app, connect, member):
    c = connect(member)
    feed = await c.feeds.url()
    assert isinstance(feed, FeedURL)
    assert feed.url.endswith(f"/api/v1/me/calendar.ics?token={feed.token}")
    assert (await calendar(app, feed.url)).status_code == 200

    with pytest.raises(PreconditionFailedError) as err:
        await c.feeds.url()  # the one I have keeps working: the server cannot show it again
    assert "rotate" in err.value.detail
    assert (await calendar(app, feed.url)).status_code == 200

    new = await c.feeds.rotate()
    assert new.token != feed.token
    assert (await calendar(app, feed.url)).status_code == 401
    assert (await calendar(app, new.url)).status_code == 200

    await c.feeds.revoke()
    assert (await calendar(app, new.url)).status_code == 401
    with pytest.raises(NotFoundError):
        await c.feeds.revoke()
    assert (await c.feeds.url()).token  # none left: a new one is made


async def test_a_rooms_url_by_room_id_or_code_with_my_token(app, connect, member, room):
    c = connect(member)
    feed = await c.feeds.rotate()
    expected = f"{BASE_URL}/api/v1/rooms/{room.pk}/calendar.ics"
    assert await c.feeds.room_url(room.pk) == expected
    by_code = await c.feeds.room_url(room.code, token=feed.token)
    assert by_code == f"{expected}?token={feed.token}"
    answer = await calendar(app, by_code)
    assert answer.status_code == 200 and answer.text.startswith("BEGIN:VCALENDAR")
    with pytest.raises(NotFoundError):
        await c.feeds.room_url("NO-SUCH-ROOM")
