"""Every method that sends a request sends the caller's ``extra_headers`` with it and waits
``timeout`` for the answer, with both clients: a few methods forgot one, and a lookup by
code once dropped both, without a test noticing."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from compax_sdk import APIError, AsyncCompax, Compax, CompaxError
from tests.sdk.conftest import Twin, problem, public_methods

WHEN = datetime(2031, 3, 3, 9, tzinfo=UTC)

# A value for each required parameter, by name: enough for the SDK to build its request.
ARGUMENTS: dict[str, Any] = {
    "booking": 1,
    "booking_id": 1,
    "building": 1,
    "building_id": 1,
    "capacity": 10,
    "closure_id": 1,
    "code": "C1",
    "current_password": "old password 1",
    "date": date(2031, 3, 3),
    "day": date(2031, 3, 3),
    "delivery_id": 1,
    "device_code": "dc",
    "duration_minutes": 60,
    "email": "ann@campus.example",
    "email_opt_out": ["booking.cancelled"],
    "end": datetime(2031, 3, 3, 10, tzinfo=UTC),
    "end_date": date(2031, 3, 31),
    "entry_id": 1,
    "event_types": ["booking.*"],
    "full_name": "Ann",
    "import_id": 1,
    "items": [{"external_id": "L1", "kind": "booking", "room_id": 1}],
    "key_id": 1,
    "name": "A name",
    "new_password": "new password 1",
    "password": "a password 1",
    "provider": "campus",
    "reason": "works",
    "recurrence": {"freq": "weekly", "count": 3},
    "redirect_uri": "http://127.0.0.1:9/cb",
    "room": 1,
    "room_id": 1,
    "room_ids": [1],
    "scope": "room",
    "scope_id": 1,
    "scopes": ["read"],
    "sections": [{"id": "S1", "size": 10}],
    "series": 1,
    "series_id": 1,
    "since": WHEN,
    "source": "timetable",
    "start": WHEN,
    "start_date": date(2031, 3, 3),
    "start_time": "09:00",
    "term": 1,
    "term_id": 1,
    "timezone": "Europe/Berlin",
    "title": "Lecture",
    "url": "https://hooks.example/in",
    "user": 1,
    "user_id": 1,
    "webhook": 1,
    "webhook_id": 1,
}

# What some methods need beyond their required parameters to send a request at all.
EXTRA: dict[str, dict[str, Any]] = {
    "feeds.room_url": {"room": "M-101"},  # a code is looked up; an id needs no request
    "rooms.get": {"room": "M-101"},  # the lookups by code or email
    "buildings.get": {"building": "MAIN"},
    "users.get": {"user": "ann@campus.example"},
    "managers.add": {"building_id": 1, "user_id": 1},  # a room or a building; who
    "managers.list": {"building_id": 1},
    "managers.remove": {"building_id": 1},
}
CLIENT_OPTIONS: dict[str, dict[str, Any]] = {
    "auth.logout": {"refresh_token": "rt"},  # without a session nothing is sent
}

# What sends no request of its own or has its own reasons: ``auth.refresh`` presents the
# refresh token alone; ``sso.start_url`` builds a URL; ``sso.wait_for_device`` polls with
# ``sso.poll``; the optimizer's wait follows its ``time_limit``; a stream waits for ever.
NO_TIMEOUT = {"auth.refresh", "sso.start_url", "sso.wait_for_device", "optimizer.plan"}
NO_TIMEOUT |= {"optimizer.apply", "changes.stream"}
NO_HEADERS = {"auth.refresh", "sso.start_url", "sso.wait_for_device"}


def methods() -> list[str]:
    client = Compax(api_key="cpx_x", base_url="http://testserver")
    found = [
        f"{noun}.{name}"
        for noun, resource in vars(client).items()
        if not noun.startswith("_")
        for name in public_methods(resource)
    ]
    client.close()
    return sorted(found)


def arguments(c: Twin, method: str) -> tuple[Any, dict[str, Any]]:
    """The method's parameters, and the arguments that make it send its request."""
    noun, name = method.split(".")
    params = inspect.signature(getattr(getattr(c.client, noun), name)).parameters
    args: dict[str, Any] = {
        p.name: ARGUMENTS[p.name]
        for p in params.values()
        if p.default is inspect.Parameter.empty and p.kind is not p.VAR_KEYWORD
    }
    return params, args | EXTRA.get(method, {})


async def call(c: Twin, method: str, args: dict[str, Any]) -> Any:
    noun, name = method.split(".")
    return await getattr(getattr(c, noun), name)(**args)  # a list or a stream: iterated


def test_every_method_takes_both_options_but_the_few_named():
    for client_class in (Compax, AsyncCompax):
        client = client_class(api_key="cpx_x", base_url="http://testserver")
        for method in methods():
            noun, name = method.split(".")
            params = inspect.signature(getattr(getattr(client, noun), name)).parameters
            assert ("timeout" in params) == (method not in NO_TIMEOUT), method
            assert ("extra_headers" in params) == (method not in NO_HEADERS), method


@pytest.mark.parametrize("method", sorted(set(methods()) - NO_HEADERS))
async def test_each_request_carries_the_extra_headers_and_the_timeout(offline, method):
    def refuse(request: httpx.Request) -> httpx.Response:
        return problem(418, "probe")  # not retried: each call sends one request, then raises

    c: Twin = offline(refuse, **CLIENT_OPTIONS.get(method, {}))
    params, args = arguments(c, method)
    args["extra_headers"] = {"X-Probe": method}
    if "timeout" in params:
        args["timeout"] = 7.25
    with pytest.raises(APIError) as err:
        await call(c, method, args)
    assert err.value.status == 418
    assert c.sent, f"{method} sent nothing"
    for request in c.sent:
        assert request.headers["x-probe"] == method
        if "timeout" in params:
            assert request.extensions["timeout"]["read"] == 7.25


@pytest.mark.parametrize("method", sorted(set(methods()) - NO_HEADERS))
async def test_a_request_whose_connection_was_cut_is_resent_only_when_that_is_safe(offline, method):
    """A read, a delete, a create with its Idempotency-Key and a change guarded by If-Match
    are sent again after a connection cut mid-request (the server may have done it); any
    other write is not (it might happen twice), nor is a stream (it reconnects itself)."""
    cut = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    attempts: list[httpx.Request] = []

    def cut_once(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        if len(attempts) == 1:
            raise cut
        return problem(418, "probe")

    c: Twin = offline(cut_once, **CLIENT_OPTIONS.get(method, {}))
    _, args = arguments(c, method)
    if method == "changes.stream":
        args["reconnect"] = False
    with pytest.raises(CompaxError):
        await call(c, method, args)
    first = attempts[0]
    safe = (
        first.method in ("GET", "HEAD", "OPTIONS", "PUT", "DELETE")
        or "idempotency-key" in first.headers
        or "if-match" in first.headers
    ) and method != "changes.stream"
    assert len(attempts) == (2 if safe else 1), (first.method, dict(first.headers))
    if safe:
        assert attempts[1].method == first.method and attempts[1].url == first.url
