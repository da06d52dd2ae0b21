"""``client.with_raw_response``: the HTTP answer (status, headers, request id, idempotent
replay) behind any call, with the usual result from ``parse()``; both clients (``kind``)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from compax_sdk import AsyncCompax, Booking, BookingConflictError, Compax, RawResponse, Room
from tests.conftest import at
from tests.sdk.conftest import Twin


async def raw(c: Twin, noun: str, method: str, *args: Any, **kwargs: Any) -> RawResponse[Any]:
    call = getattr(getattr(c.client.with_raw_response, noun), method)
    if c.kind == "sync":
        return await asyncio.to_thread(lambda: call(*args, **kwargs))
    return await call(*args, **kwargs)


async def test_a_create_answers_its_status_request_id_and_whether_it_was_replayed(
    connect, member, room
):
    c = connect(member)
    fields = {"room_id": room.pk, "title": "Lecture", "start": at(0, 9), "end": at(0, 11)}

    first = await raw(c, "bookings", "create", idempotency_key="k-1", **fields)
    assert first.status_code == 201
    assert first.request_id and first.request_id == first.headers["x-request-id"]
    assert first.replayed is False
    booking = first.parse()
    assert isinstance(booking, Booking) and booking.title == "Lecture"

    again = await raw(c, "bookings", "create", idempotency_key="k-1", **fields)
    assert again.replayed is True
    assert again.parse().id == booking.id
    assert again.request_id != first.request_id


async def test_reads_lists_and_lookups_have_their_answer_too(connect, member, room):
    c = connect(member)
    got = await raw(c, "rooms", "get", "B1-101")
    assert got.status_code == 200 and isinstance(got.parse(), Room)
    assert got.parse().id == room.pk
    page = await raw(c, "bookings", "list", room_id=room.pk)
    assert page.status_code == 200 and list(page.parse().data) == []


async def test_errors_are_raised_as_usual(connect, member, staff, room, book):
    await book(staff, room, at(0, 9), at(0, 11))
    c = connect(member)
    with pytest.raises(BookingConflictError) as err:
        await raw(
            c, "bookings", "create", room_id=room.pk, title="X", start=at(0, 10), end=at(0, 12)
        )
    assert err.value.response.headers["x-request-id"] == err.value.request_id


@pytest.mark.parametrize("client_class", [Compax, AsyncCompax])
def test_private_names_are_not_reachable(client_class):
    client = client_class(api_key="cpx_x")
    with pytest.raises(AttributeError) as err:
        client.with_raw_response._api  # noqa: B018
    assert err.value.args == ("_api",)
    with pytest.raises(AttributeError) as err:
        client.with_raw_response.bookings._call  # noqa: B018
    assert err.value.args == ("_call",)


async def test_a_call_that_sends_nothing_has_no_raw_response(connect, member):
    c = connect(member)
    with pytest.raises(TypeError) as err:
        await raw(c, "changes", "iter_pages")
    assert str(err.value) == "changes.iter_pages sends no request: it has no raw response"
