"""Auto-paging: a list iterates over every item of every page, fetching pages lazily."""

from __future__ import annotations

import asyncio

import httpx

from compax_sdk import AsyncCompax, AsyncPage, Compax, SyncPage
from tests.conftest import at
from tests.sdk.conftest import BASE_URL, RecordingASGITransport, ThreadBridgeTransport, access_token


async def five_bookings(book, user, room):
    return [(await book(user, room, at(day, 9), at(day, 10))).pk for day in range(5)]


async def test_sync_pages(app, staff, room, book):
    ids = await five_bookings(book, staff, room)
    sent: list[httpx.Request] = []
    transport = ThreadBridgeTransport(app, asyncio.get_running_loop(), sent)

    def run() -> None:
        with Compax(base_url=BASE_URL, access_token=access_token(staff), transport=transport) as c:
            page = c.bookings.list(room_id=room.pk, limit=2)
            assert isinstance(page, SyncPage)
            assert [b.id for b in page.data] == ids[:2]
            assert page.next_cursor is not None and page.has_next_page()
            assert len(sent) == 1  # nothing more fetched yet
            assert [b.id for b in page] == ids
            assert [len(p.data) for p in page.iter_pages()] == [2, 2, 1]
            second = page.next_page()
            assert second is not None and [b.id for b in second.data] == ids[2:4]
            assert sent[-1].url.params["cursor"] == page.next_cursor
            assert sent[-1].url.params["room_id"] == str(room.pk)
            last = c.bookings.list(room_id=room.pk, limit=5)
            assert last.next_cursor is None and not last.has_next_page()
            assert last.next_page() is None

    await asyncio.to_thread(run)


async def test_async_pages(app, staff, room, book):
    ids = await five_bookings(book, staff, room)
    sent: list[httpx.Request] = []
    async with AsyncCompax(
        base_url=BASE_URL,
        access_token=access_token(staff),
        transport=RecordingASGITransport(app, sent),
    ) as c:
        pager = c.bookings.list(room_id=room.pk, limit=2)
        assert sent == []  # lazy until awaited or iterated
        assert [b.id async for b in pager] == ids
        assert len(sent) == 3

        page = await c.bookings.list(room_id=room.pk, limit=2)
        assert isinstance(page, AsyncPage)
        assert "cursor" not in sent[-1].url.params  # the first page
        assert [b.id for b in page.data] == ids[:2] and page.has_next_page()
        assert [b.id async for b in page] == ids
        assert [len(p.data) async for p in page.iter_pages()] == [2, 2, 1]
        assert [len(p.data) async for p in c.bookings.list(limit=4).iter_pages()] == [4, 1]
        second = await page.next_page()
        assert second is not None and [b.id for b in second.data] == ids[2:4]
        last = await c.bookings.list(room_id=room.pk, limit=5)
        assert last.next_cursor is None and not last.has_next_page()
        assert await last.next_page() is None


async def test_every_list_is_a_page(connect, admin, room):
    c = connect(admin)
    await c.features.create(code="projector", name="Projector")
    pages = [
        c.client.users.list,
        c.client.api_keys.list,
        c.client.buildings.list,
        c.client.features.list,
        c.client.rooms.list,
        c.client.bookings.list,
        c.client.audit_events.list,
    ]
    for make_page in pages:
        if c.kind == "sync":
            page = await asyncio.to_thread(make_page)
            assert isinstance(page, SyncPage)
        else:
            page = await make_page()
            assert isinstance(page, AsyncPage)
    assert [f.code for f in await c.features.list()] == ["projector"]
