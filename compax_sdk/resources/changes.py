"""``/changes``: the change feed for integrators (staff and administrators).

Keep the cursor of the last page you handled and ask again from it later: every change
comes exactly once, in commit order::

    for page in client.changes.iter_pages(since=saved_cursor):
        for event in page.data:
            handle(event)
        saved_cursor = page.next_cursor          # store it after handling the page

Or live, as it happens (anyone signed in; members see others' bookings as busy time)::

    for change in client.changes.stream(room_id=[3, 4], last_event_id=saved_id):
        handle(change.data)
        saved_id = change.id                     # resume from here after a restart
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass

import httpx

from compax_sdk._base import BaseAPIClient
from compax_sdk._config import APIRequest
from compax_sdk._models import Model
from compax_sdk._params import query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.errors import error_from_response
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource
from compax_sdk.resources.audit_events import AuditEvent

__all__ = ["AsyncChanges", "ChangeEvent", "Changes", "ChangesPage"]

STREAM_PATH = "/changes/stream"
# The server sends a comment every 15 s: a longer silence means the connection is dead.
STREAM_TIMEOUT = httpx.Timeout(5.0, read=45.0)
RECONNECT_DELAY = 2.0  # seconds, until the server says otherwise (``retry:``)


class ChangesPage(Model):
    data: list[AuditEvent]
    next_cursor: str
    """Where to continue: pass it as ``since=`` (never ``None``, even when nothing is new)."""


class ChangeEvent(Model):
    """One message of the change stream."""

    id: str
    """Where this event is in the feed: pass it as ``last_event_id=`` (or as ``since=`` of
    ``changes.list``) to continue after it."""
    event: str
    """The action: ``booking.create``, ``booking.cancel``, ``room.update``, ..."""
    data: AuditEvent
    """The event as you may see it: others' bookings (unless you are staff) without id,
    title, description, owner or actor."""


@dataclass
class _Message:
    id: str | None = None
    event: str = "message"
    data: str | None = None
    retry: float | None = None  # seconds


class _SSE:
    """Server-Sent Events from lines (WHATWG rules, the parts this API uses)."""

    def __init__(self) -> None:
        self.message = _Message()
        self.data: list[str] = []

    def feed(self, line: str) -> _Message | None:
        """The message a blank line ends; ``None`` for any other line. A comment (the
        heartbeat, ``: ping``) is a field without a name, which nothing reads."""
        if not line:
            message, self.message = self.message, _Message()
            if self.data:
                message.data = "\n".join(self.data)
            self.data = []
            return message
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self.data.append(value)
        elif name == "id" and "\x00" not in value:
            self.message.id = value
        elif name == "event":
            self.message.event = value
        elif name == "retry" and value.isascii() and value.isdigit():  # ASCII digits only
            self.message.retry = int(value) / 1000
        return None


def _ids(value: int | Iterable[int] | None) -> str | None:
    if value is None:
        return None
    return str(value) if isinstance(value, int) else ",".join(str(int(v)) for v in value)


def _stream_request(
    api: BaseAPIClient,
    building_id: int | Iterable[int] | None,
    room_id: int | Iterable[int] | None,
    last_event_id: str | None,
    extra_headers: Headers,
) -> tuple[APIRequest, dict[str, str], str | None]:
    params = query({"building_id": _ids(building_id), "room_id": _ids(room_id)})
    req = APIRequest("GET", STREAM_PATH, params=params, headers=extra_headers)
    headers = api._headers(req) | {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
    if last_event_id:
        headers["Last-Event-ID"] = last_event_id
    sent = api._with_credential(headers, req)
    return req, headers, sent


def _change(message: _Message) -> ChangeEvent | None:
    if message.data is None or message.id is None:
        return None
    return ChangeEvent.model_validate(
        {
            "id": message.id,
            "event": message.event,
            "data": AuditEvent.model_validate_json(message.data),
        }
    )


class Changes(SyncResource):
    def list(
        self,
        *,
        since: str | None = None,
        limit: int | None = None,
        tail: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ChangesPage:
        """One page of changes after ``since`` (from the beginning without it). ``tail``,
        instead of ``since``: the newest ``tail`` changes (0: none) and the cursor after
        them, to start reading now."""
        params = query({"since": since, "limit": limit, "tail": tail})
        return self._call(
            ChangesPage, "GET", "/changes", params=params, headers=extra_headers, timeout=timeout
        )

    def iter_pages(
        self,
        *,
        since: str | None = None,
        limit: int = 100,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Iterator[ChangesPage]:
        """Pages of changes after ``since`` until caught up: the last page is the first one
        with fewer events than asked for (perhaps none); its ``next_cursor`` is where to
        continue next time."""
        while True:
            page = self.list(since=since, limit=limit, timeout=timeout, extra_headers=extra_headers)
            yield page
            if len(page.data) < limit:
                return
            since = page.next_cursor

    def stream(
        self,
        *,
        building_id: int | Iterable[int] | None = None,
        room_id: int | Iterable[int] | None = None,
        last_event_id: str | None = None,
        reconnect: bool = True,
        extra_headers: Headers = None,
    ) -> Iterator[ChangeEvent]:
        """Changes as they happen, for ever: after ``last_event_id`` first (the ``id`` of
        the last event you handled, or a ``next_cursor`` of ``list``), else from now.
        When the connection drops or the server ends the stream, it reconnects from the
        last event it gave you (``reconnect=False``: it stops instead). Errors the server
        answers (401, 429, ...) are raised. Break out of the loop to close it."""
        api = self._api
        delay = RECONNECT_DELAY
        refreshed = False
        while True:
            if api._refresh_due():
                api.refresh_session(replacing=api.access_token)
            req, headers, sent = _stream_request(
                api, building_id, room_id, last_event_id, extra_headers
            )
            try:
                with api.http.stream(
                    "GET", api._url(req), params=req.params, headers=headers, timeout=STREAM_TIMEOUT
                ) as response:
                    if not response.is_success:
                        response.read()
                        if not refreshed and api._should_refresh(response, sent):
                            refreshed = True
                            api.refresh_session(replacing=sent)
                            continue
                        raise error_from_response(response)
                    refreshed = False
                    parser = _SSE()
                    for line in response.iter_lines():
                        message = parser.feed(line)
                        if message is None:
                            continue
                        if message.retry is not None:
                            delay = message.retry
                        if (change := _change(message)) is not None:
                            last_event_id = change.id
                            yield change
            except httpx.TransportError as exc:
                if not reconnect:
                    raise api._connection_error(exc, exc.request) from exc
            if not reconnect:
                return
            time.sleep(delay)


class AsyncChanges(AsyncResource):
    async def list(
        self,
        *,
        since: str | None = None,
        limit: int | None = None,
        tail: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ChangesPage:
        """One page of changes after ``since`` (from the beginning without it). ``tail``,
        instead of ``since``: the newest ``tail`` changes (0: none) and the cursor after
        them, to start reading now."""
        params = query({"since": since, "limit": limit, "tail": tail})
        return await self._call(
            ChangesPage, "GET", "/changes", params=params, headers=extra_headers, timeout=timeout
        )

    async def iter_pages(
        self,
        *,
        since: str | None = None,
        limit: int = 100,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncIterator[ChangesPage]:
        """Pages of changes after ``since`` until caught up: the last page is the first one
        with fewer events than asked for (perhaps none); its ``next_cursor`` is where to
        continue next time."""
        while True:
            page = await self.list(
                since=since, limit=limit, timeout=timeout, extra_headers=extra_headers
            )
            yield page
            if len(page.data) < limit:
                return
            since = page.next_cursor

    async def stream(
        self,
        *,
        building_id: int | Iterable[int] | None = None,
        room_id: int | Iterable[int] | None = None,
        last_event_id: str | None = None,
        reconnect: bool = True,
        extra_headers: Headers = None,
    ) -> AsyncIterator[ChangeEvent]:
        """Changes as they happen, for ever: after ``last_event_id`` first (the ``id`` of
        the last event you handled, or a ``next_cursor`` of ``list``), else from now.
        When the connection drops or the server ends the stream, it reconnects from the
        last event it gave you (``reconnect=False``: it stops instead). Errors the server
        answers (401, 429, ...) are raised. Break out of the loop to close it."""
        api = self._api
        delay = RECONNECT_DELAY
        refreshed = False
        while True:
            if api._refresh_due():
                await api.refresh_session(replacing=api.access_token)
            req, headers, sent = _stream_request(
                api, building_id, room_id, last_event_id, extra_headers
            )
            try:
                async with api.http.stream(
                    "GET", api._url(req), params=req.params, headers=headers, timeout=STREAM_TIMEOUT
                ) as response:
                    if not response.is_success:
                        await response.aread()
                        if not refreshed and api._should_refresh(response, sent):
                            refreshed = True
                            await api.refresh_session(replacing=sent)
                            continue
                        raise error_from_response(response)
                    refreshed = False
                    parser = _SSE()
                    async for line in response.aiter_lines():
                        message = parser.feed(line)
                        if message is None:
                            continue
                        if message.retry is not None:
                            delay = message.retry
                        if (change := _change(message)) is not None:
                            last_event_id = change.id
                            yield change
            except httpx.TransportError as exc:
                if not reconnect:
                    raise api._connection_error(exc, exc.request) from exc
            if not reconnect:
                return
            await asyncio.sleep(delay)
