"""A small integration script, as a user writes it; ``test_typing`` checks it with
``mypy --strict`` (it is never run by pytest)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any, assert_type

from compax_sdk import (
    AlternativeRoom,
    ApprovedBooking,
    AsyncCompax,
    AsyncPage,
    AsyncRoomSearchPage,
    Booking,
    BookingConflictError,
    Compax,
    ConflictingBooking,
    FeedURL,
    ImportBatch,
    ImportItem,
    ImportItemResult,
    ImportRejectedError,
    NotFoundError,
    PreconditionFailedError,
    RawResponse,
    Room,
    RoomSearchPage,
    SeriesResult,
    SyncPage,
    Token,
    UnavailableRoom,
)


def nightly_sync(client: Compax, room_id: int) -> list[int]:
    start = datetime(2031, 3, 3, 9, tzinfo=UTC)
    try:
        booking = client.bookings.create(
            room_id=room_id,
            title="Lecture",
            start=start,
            end=start + timedelta(hours=2),
            idempotency_key="term-2031/lecture-17",
        )
    except BookingConflictError as exc:
        assert_type(exc.conflicts, list[ConflictingBooking])
        assert_type(exc.alternatives, list[AlternativeRoom])
        return [c.id for c in exc.conflicts if c.id is not None]  # others' ids are hidden
    assert_type(booking, Booking)
    assert_type(booking.start, datetime)
    try:
        booking = client.bookings.update(booking, title="Lecture (moved)")
    except PreconditionFailedError as exc:
        assert_type(exc.current_version, int | None)
    page = client.bookings.list(room_id=room_id, status=["confirmed", "pending"])
    assert_type(page, SyncPage[Booking])
    approved = client.bookings.approve(booking.id, version=booking.version)
    assert_type(approved.rejected_booking_ids, list[int])
    return [b.id for b in page]


def find_and_book_weekly(client: Compax, term_id: int) -> SeriesResult | None:
    start = datetime(2031, 3, 4, 9, tzinfo=UTC)
    found = client.rooms.list(
        min_capacity=30,
        features=["projector"],
        free_from=start,
        free_to=start + timedelta(hours=2),
        repeat="weekly",
        term=term_id,
        explain=True,
    )
    assert_type(found, RoomSearchPage)
    assert_type(found.unavailable, list[UnavailableRoom] | None)
    rooms: list[Room] = list(found)
    if not rooms:
        return None
    free = client.rooms.availability(rooms[0].id, start=start, end=start + timedelta(days=1))
    assert_type(free.from_, datetime)
    return client.series.create(
        room_id=rooms[0].id,
        title="Lecture",
        start_date=date(2031, 3, 4),
        start_time="10:00",
        duration_minutes=120,
        recurrence={"freq": "weekly", "term_id": term_id, "weekdays": ["tue"]},
    )


def timetable_import(client: Compax) -> int:
    items = [
        ImportItem.series(
            "LEC-1",
            room="B1-204",
            title="Lecture",
            start_date=date(2031, 3, 4),
            start_time="10:00",
            duration_minutes=90,
            recurrence={"freq": "weekly", "until": date(2031, 7, 15), "weekdays": ["tue"]},
            excluded_dates=[date(2031, 4, 15)],
        ),
        ImportItem.booking(
            "EXAM-1",
            room="B1-204",
            title="Exam",
            start=datetime(2031, 7, 22, 8, tzinfo=UTC),
            end=datetime(2031, 7, 22, 10, tzinfo=UTC),
        ),
    ]
    plan = client.imports.plan(source="sis", items=items, cancel_missing=True)
    assert_type(plan, ImportBatch)
    assert_type(plan.items_with("conflict", "invalid"), list[ImportItemResult])
    try:
        done = client.imports.apply(source="sis", items=items)
    except ImportRejectedError as exc:
        assert_type(exc.items, list[ImportItemResult])
        assert_type(exc.import_id, int | None)
        return len(exc.items)
    return done.count("create")


async def nightly_async(client: AsyncCompax, room_id: int) -> int:
    token = await client.auth.login("robot@campus.example", "a long password")
    assert_type(token, Token)
    first = await client.bookings.list(room_id=room_id, limit=10)
    assert_type(first, AsyncPage[Booking])
    titles = [b.title async for b in client.bookings.list(room_id=room_id)]
    approved = await client.bookings.approve(first.data[0])
    assert_type(approved, ApprovedBooking)
    async for page in client.changes.iter_pages(since=None):
        print(page.next_cursor, len(page.data))
    search = await client.rooms.list(min_capacity=10)
    assert_type(search, AsyncRoomSearchPage)
    print(search.occurrences, [r.code async for r in client.rooms.list(q="B1")])
    return len(titles)


def lookups_and_metadata(client: Compax) -> str:
    room = client.rooms.get("M-101")
    assert_type(room, Room)
    building = client.buildings.get("MAIN")
    try:
        user = client.users.get("ada@campus.example")
    except NotFoundError:
        user = None
    raw = client.with_raw_response.bookings.create(
        room_id=room.id,
        title="Lecture",
        start=datetime(2031, 3, 3, 9, tzinfo=UTC),
        end=datetime(2031, 3, 3, 11, tzinfo=UTC),
        idempotency_key="k-1",
    )
    assert_type(raw, RawResponse[Any])
    booking: Booking = raw.parse()
    replayed: bool = raw.replayed
    request_id: str | None = raw.request_id
    try:
        feed = client.feeds.url()
    except PreconditionFailedError:
        feed = client.feeds.rotate()
    assert_type(feed, FeedURL)
    room_feed = client.feeds.room_url(room, token=feed.token)
    assert_type(room_feed, str)
    print(building.code, user, booking.id, replayed, request_id, raw.status_code)
    return room_feed


async def feeds_async(client: AsyncCompax) -> str:
    raw = await client.with_raw_response.rooms.get("M-101")
    room: Room = raw.parse()
    feed = await client.feeds.rotate()
    await client.feeds.revoke()
    return await client.feeds.room_url(room.code, token=feed.token)


def main() -> None:
    with Compax(api_key="cpx_example") as client:
        print(nightly_sync(client, 3))

    async def run() -> None:
        async with AsyncCompax() as client:
            print(await nightly_async(client, 3))
            batch = await client.imports.get(1)
            assert_type(batch, ImportBatch)

    asyncio.run(run())
