"""A small integration script, as a user writes it; ``test_typing`` checks it with
``mypy --strict`` (it is never run by pytest)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import assert_type

from compax_sdk import (
    ApprovedBooking,
    AsyncCompax,
    AsyncPage,
    Booking,
    BookingConflictError,
    Compax,
    ConflictingBooking,
    PreconditionFailedError,
    SyncPage,
    Token,
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
        return [c.id for c in exc.conflicts]
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
    return len(titles)


def main() -> None:
    with Compax(api_key="cpx_example") as client:
        print(nightly_sync(client, 3))

    async def run() -> None:
        async with AsyncCompax() as client:
            print(await nightly_async(client, 3))

    asyncio.run(run())
