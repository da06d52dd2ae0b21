"""``changes.stream`` read offline, with both clients: the SSE lines as the server writes
them, reconnecting from the last event, the server's ``retry:``, a session refreshed once,
and errors raised. ``tests/e2e/test_stream.py`` streams from real servers."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from compax_sdk import (
    APIConnectionError,
    AuthenticationError,
    ChangeEvent,
    RateLimitError,
    Token,
)
from tests.sdk.conftest import Twin, answers, problem, tokens


def event(n: int, action: str = "booking.create") -> str:
    """One change as the server writes it: ``id``, ``event``, one ``data`` line, a blank."""
    data = {"id": n, "at": "2031-03-03T09:00:00Z", "action": action, "entity_type": "booking"}
    return f"id: c{n}\nevent: {action}\ndata: {json.dumps(data)}\n\n"


def sse(*parts: str, retry: str = "retry: 1\n\n") -> httpx.Response:
    """A stream's answer; it first asks to reconnect after a millisecond, not two seconds."""
    body = retry + "".join(parts)
    return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})


async def take(c: Twin, n: int, **options: Any) -> list[ChangeEvent]:
    """The first ``n`` changes of a stream (all of it when it ends sooner), then close it."""
    if c.kind == "sync":

        def run() -> list[ChangeEvent]:
            stream = c.client.changes.stream(**options)
            got = [change for _, change in zip(range(n), stream, strict=False)]
            stream.close()
            return got

        return await asyncio.to_thread(run)
    stream = c.client.changes.stream(**options)
    got = []
    async for change in stream:
        got.append(change)
        if len(got) == n:
            break
    await stream.aclose()
    return got


async def test_each_message_is_a_change_and_the_stream_resumes_after_the_last(offline):
    c = offline(answers(sse(event(1), ": ping\n\n", event(2)), sse(event(3, "booking.cancel"))))
    got = await take(c, 3, room_id=[3, 4], last_event_id="c0")
    assert [(g.id, g.event, g.data.id) for g in got] == [
        ("c1", "booking.create", 1),
        ("c2", "booking.create", 2),
        ("c3", "booking.cancel", 3),
    ]
    first, again = c.sent
    assert (first.method, first.url.path) == ("GET", "/api/v1/changes/stream")
    # a silence of 45 s is a dead connection: the server beats every 15 s
    assert first.extensions["timeout"] == {"connect": 5.0, "read": 45.0, "write": 5.0, "pool": 5.0}
    assert first.url.params["room_id"] == "3,4" and "building_id" not in first.url.params
    assert first.headers["accept"] == "text/event-stream"
    assert first.headers["cache-control"] == "no-cache"
    assert first.headers["authorization"] == "Bearer cpx_test_key"
    assert (first.headers["last-event-id"], again.headers["last-event-id"]) == ("c0", "c2")


async def test_without_reconnect_the_stream_ends_with_the_answer(offline):
    c = offline(answers(sse(event(1), event(2))))
    got = await take(c, 10, building_id=5, reconnect=False)
    assert [g.id for g in got] == ["c1", "c2"] and len(c.sent) == 1
    assert c.sent[0].url.params["building_id"] == "5" and "last-event-id" not in c.sent[0].headers


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # data over two lines is one message, joined by a newline
        (
            'id: c7\ndata: {"id": 7, "at": "2031-03-03T09:00:00Z",\n'
            'data: "action": "room.update", "entity_type": "room"}\n\n',
            [("c7", "message", 7)],
        ),
        # no space after the colon; an event name of its own
        (
            'id:c8\nevent:room.update\ndata:{"id": 8, "at": "2031-03-03T09:00:00Z", '
            '"action": "room.update", "entity_type": "room"}\n\n',
            [("c8", "room.update", 8)],
        ),
        # without an id a message is not a change; an id holding NUL is ignored (WHATWG)
        ('data: {"id": 9}\n\n' + "id: c\x0010\n" + event(10).split("\n", 1)[1], []),
        # comments and unknown fields change nothing; a retry that is not ASCII digits neither
        (
            ": hello\nfoo: bar\nretry: soon\nretry: \u00b2\n" + event(11),
            [("c11", "booking.create", 11)],
        ),
    ],
)
async def test_the_server_sent_event_lines_are_read_as_whatwg_says(offline, lines, expected):
    c = offline(answers(sse(lines, retry="")))
    got = await take(c, 10, reconnect=False)
    assert [(g.id, g.event, g.data.id) for g in got] == expected


async def test_the_servers_retry_is_the_wait_before_reconnecting(offline, monkeypatch):
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr("compax_sdk.resources.changes.asyncio.sleep", no_wait)
    monkeypatch.setattr("compax_sdk.resources.changes.time.sleep", no_sleep)
    quiet = httpx.Response(200, text="", headers={"content-type": "text/event-stream"})
    c = offline(answers(quiet, sse("retry: 2500\n\n"), sse(event(1))))
    assert [g.id for g in await take(c, 1)] == ["c1"]
    assert waits == [2.0, 2.5]  # the default first, then what the server said


async def test_a_dropped_connection_reconnects_unless_told_not_to(offline, monkeypatch):
    monkeypatch.setattr("compax_sdk.resources.changes.RECONNECT_DELAY", 0.001)
    cut = httpx.RemoteProtocolError("peer closed connection")
    c = offline(answers(cut, sse(event(1))))
    assert [g.id for g in await take(c, 1)] == ["c1"] and len(c.sent) == 2

    once = offline(answers(cut))
    with pytest.raises(APIConnectionError) as err:
        await take(once, 1, reconnect=False)
    assert str(err.value) == "Connection error: peer closed connection."
    assert err.value.request.url.path == "/api/v1/changes/stream"


async def test_an_expired_session_is_refreshed_once_then_the_error_is_raised(offline):
    expired = problem(401, "invalid_token")
    new = tokens("new", "r2")
    c = offline(answers(expired, new, sse(event(1))), access_token="old", refresh_token="r1")
    assert [g.id for g in await take(c, 1)] == ["c1"]
    assert [r.headers.get("authorization") for r in c.sent] == [
        "Bearer old",
        None,
        "Bearer new",
    ]
    again = offline(
        answers(expired, new, problem(401, "invalid_token")),
        access_token="old",
        refresh_token="r1",
    )
    with pytest.raises(AuthenticationError):
        await take(again, 1)
    assert len(again.sent) == 3  # one refresh, not a loop


async def test_an_error_answer_is_raised_not_retried(offline):
    c = offline(answers(problem(429, "too_many_streams", retry_after=30)))
    with pytest.raises(RateLimitError) as err:
        await take(c, 1)
    assert err.value.code == "too_many_streams" and len(c.sent) == 1


async def test_a_session_that_expires_while_streaming_is_refreshed_each_time(offline):
    """A refresh is allowed once per connection: a stream that ran for an hour refreshes
    again when its next connection meets an expired token."""
    expired = problem(401, "invalid_token")
    c = offline(
        answers(
            expired, tokens("a1", "r1"), sse(event(1)), expired, tokens("a2", "r2"), sse(event(2))
        ),
        access_token="a0",
        refresh_token="r0",
    )
    assert [g.id for g in await take(c, 2)] == ["c1", "c2"]
    assert [r.headers.get("authorization") for r in c.sent] == [
        "Bearer a0",
        None,
        "Bearer a1",
        "Bearer a1",
        None,
        "Bearer a2",
    ]


async def test_a_token_about_to_expire_is_refreshed_before_connecting(offline, monkeypatch):
    c = offline(answers(tokens("a1", "r1"), sse(event(1))))
    api = c.client._api
    api.set_session(Token(access_token="a0", refresh_token="r0", expires_in=600))
    monkeypatch.setattr("compax_sdk._base._now", lambda: api._refresh_at)  # due from then
    assert [g.id for g in await take(c, 1)] == ["c1"]
    assert [r.url.path for r in c.sent] == ["/api/v1/auth/refresh", "/api/v1/changes/stream"]
    assert c.sent[1].headers["authorization"] == "Bearer a1"
