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

import gzip
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, ConfigDict

from compax_sdk._models import Model
from compax_sdk._params import body
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource
from compax_sdk.resources.series import Recurrence

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

GZIP_MIN_BYTES = 64 * 1024
"""A batch whose JSON is at least this long is sent with ``Content-Encoding: gzip``."""

ImportKind = Literal["booking", "series"]
ImportAction = Literal["create", "update", "unchanged", "cancel", "conflict", "invalid"]
ImportStatus = Literal["planned", "applied", "rejected"]


@dataclass(frozen=True)
class ImportItem:
    """One item of a batch. Build it with ``ImportItem.booking(...)`` or
    ``ImportItem.series(...)``; a plain ``dict`` in the API's shape works too."""

    external_id: str
    kind: ImportKind
    room: str
    title: str
    description: str | None = None
    owner: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    start_date: date | None = None
    start_time: str | None = None
    duration_minutes: int | None = None
    recurrence: Recurrence | None = None
    excluded_dates: Sequence[date] = field(default_factory=tuple)
    skip_holidays: bool | None = None
    attendees: int | None = None
    """People expected (at each occurrence of a series); more than the room's seats makes
    the item ``invalid`` unless the batch is sent with ``override``."""

    @classmethod
    def booking(
        cls,
        external_id: str,
        *,
        room: str,
        title: str,
        start: datetime,
        end: datetime,
        owner: str | None = None,
        description: str | None = None,
        attendees: int | None = None,
    ) -> ImportItem:
        """A single booking of ``room`` (its code) from ``start`` to ``end`` (aware
        datetimes). ``owner`` is an email; by default the caller owns it. ``attendees``:
        people expected."""
        return cls(
            external_id,
            "booking",
            room,
            title,
            description=description,
            owner=owner,
            start=start,
            end=end,
            attendees=attendees,
        )

    @classmethod
    def series(
        cls,
        external_id: str,
        *,
        room: str,
        title: str,
        start_date: date,
        start_time: str,
        duration_minutes: int,
        recurrence: Recurrence,
        excluded_dates: Sequence[date] = (),
        skip_holidays: bool | None = None,
        owner: str | None = None,
        description: str | None = None,
        attendees: int | None = None,
    ) -> ImportItem:
        """A recurring booking from ``start_date`` at ``start_time`` (``HH:MM``, wall clock
        in the room's building) for ``duration_minutes``. ``recurrence`` needs exactly one
        of ``until``, ``count`` or ``term_id``; a term's holidays are skipped unless
        ``skip_holidays=False``. ``attendees``: people expected at each occurrence."""
        return cls(
            external_id,
            "series",
            room,
            title,
            description=description,
            owner=owner,
            start_date=start_date,
            start_time=start_time,
            duration_minutes=duration_minutes,
            recurrence=recurrence,
            excluded_dates=tuple(excluded_dates),
            skip_holidays=skip_holidays,
            attendees=attendees,
        )

    def to_json(self, name: str = "item") -> dict[str, Any]:
        """The item as the API takes it. A naive ``start`` or ``end`` is refused here
        (``ValueError``), before anything is sent."""
        return body(
            {
                "external_id": self.external_id,
                "kind": self.kind,
                "room": self.room,
                "title": self.title,
                "description": self.description,
                "owner": self.owner,
                "start": self.start,
                "end": self.end,
                "start_date": self.start_date,
                "start_time": self.start_time,
                "duration_minutes": self.duration_minutes,
                "recurrence": dict(self.recurrence) if self.recurrence is not None else None,
                # sorted: the same dates in another order are the same item
                "excluded_dates": sorted(set(self.excluded_dates)) or None,
                "skip_holidays": self.skip_holidays,
                "attendees": self.attendees,
            },
            prefix=f"{name}.",
        )


class ImportConflict(Model):
    """What is in an item's way: a booking (``id``, ``start``, ``end``, ``title``,
    ``owner_id``) or another item of the same batch (``external_id``, ``detail``)."""

    model_config = ConfigDict(extra="allow")

    id: int | None = None
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    title: str | None = None
    owner_id: int | None = None
    external_id: str | None = None
    detail: str | None = None


class ImportProblem(Model):
    """Why an item is invalid: a bad ``field`` (``room``, ``owner``, ``recurrence``, ...) or
    a broken ``rule`` on a ``date`` (``outside_opening_hours``, ``closure``)."""

    model_config = ConfigDict(extra="allow")

    field: str | None = None
    rule: str | None = None
    date: str | None = None
    detail: str = ""


class ImportItemResult(Model):
    """What the batch does (a plan) or did (an apply) with one item. ``action`` is one of
    ``ImportAction``; a newer server may add others."""

    external_id: str
    kind: str
    action: str
    changes: list[str] | None = None
    """``update``: the fields that change (``room``, ``start``, ``attendees``, ...)."""
    conflicts: list[ImportConflict] | None = None
    errors: list[ImportProblem] | None = None
    bumped_booking_ids: list[int] | None = None
    """``priority``: members' bookings in the way, cancelled by the apply."""
    booking_ids: list[int] | None = None
    series_id: int | None = None
    occurrences: int | None = None
    """``create``/``update``: how many bookings the item makes."""
    skipped: list[dict[str, Any]] | None = None
    """``skip_closures``: the dates left out, each with its closure."""
    exceptions_kept: list[dict[str, Any]] | None = None
    """``update``: occurrences changed by hand that the update leaves as they are."""


class ImportBatch(Model):
    """A stored batch: a plan (``status="planned"``) or an apply (``applied``, or
    ``rejected`` when an atomic apply found conflicts or invalid items)."""

    id: int
    source: str
    mode: str
    status: str
    options: dict[str, Any] = {}
    summary: dict[str, int] = {}
    """Items per action, plus ``occurrences`` (bookings made) and ``bumped``."""
    items: list[ImportItemResult] = []
    created_at: AwareDatetime

    def count(self, action: ImportAction) -> int:
        """How many items have ``action``."""
        return self.summary.get(action, 0)

    def items_with(self, *actions: ImportAction) -> list[ImportItemResult]:
        """The items with one of ``actions``, e.g. ``items_with("conflict", "invalid")``."""
        return [i for i in self.items if i.action in actions]


Items = Iterable[ImportItem | Mapping[str, Any]]


def _options(
    cancel_missing: bool, priority: bool, override: bool, skip_closures: bool
) -> dict[str, bool]:
    """The batch options as the server names them. ``override`` (staff): book past opening
    hours, closures, ``bookable: false`` and the booking rules; ``skip_closures``: leave out
    the dates a closure covers (reported per item) instead of refusing the item."""
    return {
        "cancel_missing": cancel_missing,
        "priority": priority,
        "override": override,
        "skip_closures": skip_closures,
    }


def _encode(
    source: str,
    items: Items,
    mode: Literal["plan", "apply"],
    atomic: bool,
    options: dict[str, bool],
    extra_headers: Headers,
) -> tuple[bytes, dict[str, str]]:
    """The request body (gzip-compressed when large) and its headers."""
    payload = {
        "source": source,
        "mode": mode,
        "atomic": atomic,
        **options,
        "items": [
            item.to_json(f"items[{n}]")
            if isinstance(item, ImportItem)
            else body(item, prefix=f"items[{n}].")
            for n, item in enumerate(items)
        ],
    }
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    if len(raw) >= GZIP_MIN_BYTES:
        raw = gzip.compress(raw, compresslevel=6)
        headers["Content-Encoding"] = "gzip"
    return raw, headers | dict(extra_headers or {})


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
            _options(cancel_missing, priority, override, skip_closures),
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
            _options(cancel_missing, priority, override, skip_closures),
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
        raw, headers = _encode(source, items, mode, atomic, options, extra_headers)
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
            _options(cancel_missing, priority, override, skip_closures),
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
            _options(cancel_missing, priority, override, skip_closures),
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
        raw, headers = _encode(source, items, mode, atomic, options, extra_headers)
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
