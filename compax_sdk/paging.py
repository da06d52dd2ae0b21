"""Pages of a list, and iteration over every item of every page.

A list method fetches the first page; iterating over what it returns fetches the following
pages as they are needed::

    for booking in client.bookings.list(room_id=3):          # every booking, page by page
        ...
    page = client.bookings.list(room_id=3, limit=20)
    page.data, page.next_cursor                               # just this page
    for page in page.iter_pages(): ...

    async for booking in client.bookings.list(room_id=3):     # AsyncCompax: no await needed
        ...
    page = await client.bookings.list(room_id=3)              # the first AsyncPage
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class SyncPage(Generic[T]):
    """One page: ``data`` and ``next_cursor`` (``None`` on the last page). Iterating over it
    yields every item from this page to the end of the list."""

    def __init__(
        self,
        data: list[T],
        next_cursor: str | None,
        fetch: Callable[[str], SyncPage[T]] | None = None,
    ) -> None:
        self.data = data
        self.next_cursor = next_cursor
        self._fetch = fetch

    def has_next_page(self) -> bool:
        return self.next_cursor is not None and self._fetch is not None

    def next_page(self) -> SyncPage[T] | None:
        if self.next_cursor is None or self._fetch is None:
            return None
        return self._fetch(self.next_cursor)

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        page: SyncPage[T] | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data

    def __repr__(self) -> str:
        return f"SyncPage(data=<{len(self.data)} items>, next_cursor={self.next_cursor!r})"


class AsyncPage(Generic[T]):
    """One page of an async list: ``data`` and ``next_cursor``; ``async for`` yields every
    item from this page to the end of the list."""

    def __init__(
        self,
        data: list[T],
        next_cursor: str | None,
        fetch: Callable[[str], Awaitable[AsyncPage[T]]] | None = None,
    ) -> None:
        self.data = data
        self.next_cursor = next_cursor
        self._fetch = fetch

    def has_next_page(self) -> bool:
        return self.next_cursor is not None and self._fetch is not None

    async def next_page(self) -> AsyncPage[T] | None:
        if self.next_cursor is None or self._fetch is None:
            return None
        return await self._fetch(self.next_cursor)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        page: AsyncPage[T] | None = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item

    def __repr__(self) -> str:
        return f"AsyncPage(data=<{len(self.data)} items>, next_cursor={self.next_cursor!r})"


class AsyncPager(Generic[T]):
    """What an async list method returns, before anything is fetched: ``await`` it for the
    first page, or ``async for`` over every item of every page."""

    def __init__(self, first: Callable[[], Awaitable[AsyncPage[T]]]) -> None:
        self._first = first

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._first().__await__()

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        first = await self._first()
        async for page in first.iter_pages():
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item
