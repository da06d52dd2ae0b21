"""``/imports``: a timetable system's whole schedule, as one batch from one ``source``.

Each item has an ``external_id``, stable within its source, and is a single booking or a
series (the room by code, the owner by email). ``plan`` says item by item what applying the
batch would do (``create``, ``update`` with the changed fields, ``unchanged``, ``cancel``,
``conflict`` with the bookings in the way, ``invalid`` with the reasons) and changes nothing.
``apply`` does it in one transaction: all or nothing (``atomic=True``, the default; a conflict
or an invalid item raises ``ImportRejectedError`` and nothing is applied), or, with
``atomic=False``, what is valid. Applying the same batch again changes nothing (every item
``unchanged``), so an apply is retried like a read when the connection fails::

    items = [
        ImportItem.series(
            "LA-101", room="M-101", title="Linear algebra", start_date=date(2027, 4, 13),
            start_time="10:15", duration_minutes=90,
            recurrence={"freq": "weekly", "until": date(2027, 7, 20)},
        ),
        ImportItem.booking(
            "LA-101-exam", room="M-001", title="Linear algebra exam",
            start=datetime(2027, 7, 27, 9, tzinfo=BERLIN),
            end=datetime(2027, 7, 27, 11, tzinfo=BERLIN),
        ),
    ]
    plan = client.imports.plan(source="sis-2027-summer", items=items)
    print(plan.summary)  # {'create': 2, 'occurrences': 16, 'bumped': 0}
    done = client.imports.apply(source="sis-2027-summer", items=items)

A batch larger than ``GZIP_MIN_BYTES`` of JSON is sent gzip-compressed.
"""

from __future__ import annotations

from typing import Literal

from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource
from compax_sdk.resources.imports_models import (
    GZIP_MIN_BYTES,
    ImportAction,
    ImportBatch,
    ImportConflict,
    ImportItem,
    ImportItemResult,
    ImportKind,
    ImportProblem,
    ImportStatus,
    Items,
    encode,
    options_body,
)

__all__ = [
    "GZIP_MIN_BYTES",
    "AsyncImports",
    "ImportAction",
    "ImportBatch",
    "ImportConflict",
    "ImportItem",
    "ImportItemResult",
    "ImportKind",
    "ImportProblem",
    "ImportStatus",
    "Imports",
]


class Imports(SyncResource):
    def plan(
        self,
        *,
        source: str,
        items: Items,
        cancel_missing: bool = False,
        priority: bool = False,
        override: bool = False,
        skip_closures: bool = False,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ImportBatch:
        """What applying the batch would do, item by item; changes nothing. Staff, or an
        API key with the ``import`` scope. ``cancel_missing`` adds a ``cancel`` for each
        item of ``source`` that is not in the batch; ``priority`` plans to cancel
        members' bookings in the way instead of conflicting with them."""
        return self._run(
            source,
            items,
            "plan",
            True,
            options_body(cancel_missing, priority, override, skip_closures),
            timeout,
            extra_headers,
        )

    def apply(
        self,
        *,
        source: str,
        items: Items,
        atomic: bool = True,
        cancel_missing: bool = False,
        priority: bool = False,
        override: bool = False,
        skip_closures: bool = False,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ImportBatch:
        """Apply the batch in one transaction. ``atomic`` (default): all of it, or, when an
        item conflicts or is invalid, nothing (``ImportRejectedError``, which has the
        import id, the summary and those items). ``atomic=False`` applies what is valid
        and reports the rest in the answer. A retry (the SDK's, or yours with the same
        ``idempotency_key``) gets the first outcome again."""
        return self._run(
            source,
            items,
            "apply",
            atomic,
            options_body(cancel_missing, priority, override, skip_closures),
            timeout,
            extra_headers,
            idempotency_key,
        )

    def get(
        self,
        import_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ImportBatch:
        """A stored plan or apply, with every item (a rejected one too)."""
        return self._call(
            ImportBatch, "GET", f"/imports/{import_id}", headers=extra_headers, timeout=timeout
        )

    def _run(
        self,
        source: str,
        items: Items,
        mode: Literal["plan", "apply"],
        atomic: bool,
        options: dict[str, bool],
        timeout: Timeout | NotGiven,
        extra_headers: Headers,
        idempotency_key: str | None = None,
    ) -> ImportBatch:
        raw, headers = encode(source, items, mode, atomic, options, extra_headers)
        return self._call(
            ImportBatch,
            "POST",
            "/imports",
            content=raw,
            headers=headers,
            timeout=timeout,
            create=True,
            idempotency_key=idempotency_key,
        )


class AsyncImports(AsyncResource):
    async def plan(
        self,
        *,
        source: str,
        items: Items,
        cancel_missing: bool = False,
        priority: bool = False,
        override: bool = False,
        skip_closures: bool = False,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ImportBatch:
        """What applying the batch would do, item by item; changes nothing. Staff, or an
        API key with the ``import`` scope. ``cancel_missing`` adds a ``cancel`` for each
        item of ``source`` that is not in the batch; ``priority`` plans to cancel
        members' bookings in the way instead of conflicting with them."""
        return await self._run(
            source,
            items,
            "plan",
            True,
            options_body(cancel_missing, priority, override, skip_closures),
            timeout,
            extra_headers,
        )

    async def apply(
        self,
        *,
        source: str,
        items: Items,
        atomic: bool = True,
        cancel_missing: bool = False,
        priority: bool = False,
        override: bool = False,
        skip_closures: bool = False,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ImportBatch:
        """Apply the batch in one transaction. ``atomic`` (default): all of it, or, when an
        item conflicts or is invalid, nothing (``ImportRejectedError``, which has the
        import id, the summary and those items). ``atomic=False`` applies what is valid
        and reports the rest in the answer. A retry (the SDK's, or yours with the same
        ``idempotency_key``) gets the first outcome again."""
        return await self._run(
            source,
            items,
            "apply",
            atomic,
            options_body(cancel_missing, priority, override, skip_closures),
            timeout,
            extra_headers,
            idempotency_key,
        )

    async def get(
        self,
        import_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ImportBatch:
        """A stored plan or apply, with every item (a rejected one too)."""
        return await self._call(
            ImportBatch, "GET", f"/imports/{import_id}", headers=extra_headers, timeout=timeout
        )

    async def _run(
        self,
        source: str,
        items: Items,
        mode: Literal["plan", "apply"],
        atomic: bool,
        options: dict[str, bool],
        timeout: Timeout | NotGiven,
        extra_headers: Headers,
        idempotency_key: str | None = None,
    ) -> ImportBatch:
        raw, headers = encode(source, items, mode, atomic, options, extra_headers)
        return await self._call(
            ImportBatch,
            "POST",
            "/imports",
            content=raw,
            headers=headers,
            timeout=timeout,
            create=True,
            idempotency_key=idempotency_key,
        )
