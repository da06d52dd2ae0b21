"""The shapes of ``/imports``: an item of a timetable, the plan and its entries, and the
options and encoded body ``Imports`` and ``AsyncImports`` send. Import them from ``compax_sdk``."""

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
from compax_sdk.resources._resource import Headers
from compax_sdk.resources.series import Recurrence

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


def options_body(
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


def encode(
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
