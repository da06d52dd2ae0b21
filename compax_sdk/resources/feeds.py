"""Calendar feeds: secret ``.ics`` URLs that calendar apps (Google Calendar, Outlook, Apple
Calendar) subscribe to. ``/me/feed-token`` makes, rotates and revokes yours; the server keeps
only a hash, so a URL is shown once, when it is made::

    feed = client.feeds.url()          # your URL, made now (PreconditionFailedError: you
    print(feed.url)                    # have one already: rotate() for a new one)
    client.feeds.room_url("M-101", token=feed.token)   # a room's calendar
"""

from __future__ import annotations

from urllib.parse import quote

from compax_sdk._models import Model
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource, is_id
from compax_sdk.resources.rooms import AsyncRooms, Room, Rooms

__all__ = ["AsyncFeeds", "FeedURL", "Feeds"]

_IF_NONE = {"If-None-Match": "*"}


class FeedURL(Model):
    """Your personal feed: ``url`` to subscribe to, and its ``token`` (also good for room
    feeds). Keep both secret: anyone with the URL sees your bookings."""

    token: str
    url: str


def _room_feed(base_url: str, room_id: int, token: str | None) -> str:
    url = f"{base_url}/api/v1/rooms/{room_id}/calendar.ics"
    return f"{url}?token={quote(token, safe='')}" if token else url


def _headers(extra: Headers, only_new: bool) -> dict[str, str]:
    return {**(_IF_NONE if only_new else {}), **(extra or {})}


class Feeds(SyncResource):
    def url(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> FeedURL:
        """Your calendar feed URL, made now. When you already have one this is a
        ``PreconditionFailedError`` and the URL you have keeps working (it was shown once):
        ``rotate()`` makes a new one."""
        headers = _headers(extra_headers, True)
        return self._call(FeedURL, "POST", "/me/feed-token", headers=headers, timeout=timeout)

    def rotate(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> FeedURL:
        """A new feed URL; the previous one stops working."""
        headers = _headers(extra_headers, False)
        return self._call(FeedURL, "POST", "/me/feed-token", headers=headers, timeout=timeout)

    def revoke(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> None:
        """Your feed URL stops working (``NotFoundError`` when you have none)."""
        self._call_no_content("DELETE", "/me/feed-token", headers=extra_headers, timeout=timeout)

    def room_url(
        self,
        room: Room | int | str,
        *,
        token: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> str:
        """The calendar URL of ``room`` (a Room, an id, or a code, which is looked up).
        Calendar apps cannot send a login: pass your feed ``token`` to put it in the URL."""
        if isinstance(room, Room):
            room_id = room.id
        elif is_id(room):
            room_id = int(room)
        else:
            found = Rooms(self._api).get(room, timeout=timeout, extra_headers=extra_headers)
            room_id = found.id
        return _room_feed(self._api.config.base_url, room_id, token)


class AsyncFeeds(AsyncResource):
    async def url(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> FeedURL:
        """Your calendar feed URL, made now. When you already have one this is a
        ``PreconditionFailedError`` and the URL you have keeps working (it was shown once):
        ``rotate()`` makes a new one."""
        headers = _headers(extra_headers, True)
        return await self._call(FeedURL, "POST", "/me/feed-token", headers=headers, timeout=timeout)

    async def rotate(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> FeedURL:
        """A new feed URL; the previous one stops working."""
        headers = _headers(extra_headers, False)
        return await self._call(FeedURL, "POST", "/me/feed-token", headers=headers, timeout=timeout)

    async def revoke(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> None:
        """Your feed URL stops working (``NotFoundError`` when you have none)."""
        await self._call_no_content(
            "DELETE", "/me/feed-token", headers=extra_headers, timeout=timeout
        )

    async def room_url(
        self,
        room: Room | int | str,
        *,
        token: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> str:
        """The calendar URL of ``room`` (a Room, an id, or a code, which is looked up).
        Calendar apps cannot send a login: pass your feed ``token`` to put it in the URL."""
        if isinstance(room, Room):
            room_id = room.id
        elif is_id(room):
            room_id = int(room)
        else:
            rooms = AsyncRooms(self._api)
            found = await rooms.get(room, timeout=timeout, extra_headers=extra_headers)
            room_id = found.id
        return _room_feed(self._api.config.base_url, room_id, token)
