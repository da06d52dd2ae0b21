"""``/changes``: the change feed for integrators (staff and administrators).

Keep the cursor of the last page you handled and ask again from it later: every change
comes exactly once, in commit order::

    for page in client.changes.iter_pages(since=saved_cursor):
        for event in page.data:
            handle(event)
        saved_cursor = page.next_cursor          # store it after handling the page
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from compax_sdk._models import Model
from compax_sdk._params import query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource
from compax_sdk.resources.audit_events import AuditEvent

__all__ = ["AsyncChanges", "Changes", "ChangesPage"]


class ChangesPage(Model):
    data: list[AuditEvent]
    next_cursor: str
    """Where to continue: pass it as ``since=`` (never ``None``, even when nothing is new)."""


class Changes(SyncResource):
    def list(
        self,
        *,
        since: str | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ChangesPage:
        """One page of changes after ``since`` (from the beginning without it)."""
        params = query({"since": since, "limit": limit})
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


class AsyncChanges(AsyncResource):
    async def list(
        self,
        *,
        since: str | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ChangesPage:
        """One page of changes after ``since`` (from the beginning without it)."""
        params = query({"since": since, "limit": limit})
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
