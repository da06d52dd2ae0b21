"""``/reports``: how well rooms were used (staff)::

report = client.reports.utilisation(term=3, building=2)
print(report.totals.utilisation, report.peak)
for room in report.rooms:
    print(room.code, room.booked_hours, "of", room.open_hours)
for cell in report.heatmap:          # local weekday x hour
    print(cell.weekday, cell.hour, cell.occupancy)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from pydantic import Field

from compax_sdk._models import Model
from compax_sdk._params import query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = [
    "AsyncReports",
    "HeatCell",
    "ReportRoom",
    "ReportScope",
    "ReportTotals",
    "Reports",
    "UtilisationReport",
]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class ReportScope(Model):
    building_id: int | None = None
    room_ids: list[int] | None = None
    feature: str | None = None
    min_capacity: int | None = None
    max_capacity: int | None = None


class ReportTotals(Model):
    rooms: int = 0
    open_hours: float = 0
    booked_hours: float = 0
    utilisation: float | None = None
    confirmed: int = 0
    pending: int = 0
    cancelled: int = 0
    rejected: int = 0
    released: int = 0
    """No-shows: bookings released because nobody checked in."""
    seat_fit: float | None = None
    """Attendees / seats over the confirmed bookings that give attendees."""
    over_capacity: int = 0


class ReportRoom(Model):
    room_id: int
    code: str
    name: str = ""
    building_code: str = ""
    capacity: int = 0
    open_hours: float = 0
    booked_hours: float = 0
    utilisation: float | None = None
    confirmed: int = 0
    pending: int = 0
    cancelled: int = 0
    rejected: int = 0
    released: int = 0
    """No-shows: bookings released because nobody checked in."""
    seat_fit: float | None = None
    """Attendees / seats over the confirmed bookings that give attendees."""
    over_capacity: int = 0


class HeatCell(Model):
    weekday: Weekday
    hour: int
    open_hours: float = 0
    booked_hours: float = 0
    occupancy: float | None = None


class UtilisationReport(Model):
    from_: date = Field(alias="from")
    to: date
    term: str | None = None
    holidays_left_out: int = 0
    scope: ReportScope
    totals: ReportTotals
    peak: HeatCell | None = None
    heatmap: list[HeatCell] = []
    rooms: list[ReportRoom] = []


def _params(
    from_: date | None,
    to: date | None,
    term: int | None,
    building: int | None,
    room_ids: Sequence[int] | None,
    feature: str | None,
    min_capacity: int | None,
    max_capacity: int | None,
) -> dict[str, str]:
    return query(
        {
            "from": from_.isoformat() if from_ else None,
            "to": to.isoformat() if to else None,
            "term": term,
            "building": building,
            "room_id": room_ids,
            "feature": feature,
            "min_capacity": min_capacity,
            "max_capacity": max_capacity,
        }
    )


class Reports(SyncResource):
    def utilisation(
        self,
        *,
        from_: date | None = None,
        to: date | None = None,
        term: int | None = None,
        building: int | None = None,
        room_ids: Sequence[int] | None = None,
        feature: str | None = None,
        min_capacity: int | None = None,
        max_capacity: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> UtilisationReport:
        """Utilisation over ``from_``-``to`` (local days, at most 366) or a ``term`` (its
        holidays left out), for all rooms or a ``building`` (id), ``room_ids``, a
        ``feature`` code or a capacity band."""
        return self._call(
            UtilisationReport,
            "GET",
            "/reports/utilisation",
            params=_params(
                from_, to, term, building, room_ids, feature, min_capacity, max_capacity
            ),
            headers=extra_headers,
            timeout=timeout,
        )


class AsyncReports(AsyncResource):
    async def utilisation(
        self,
        *,
        from_: date | None = None,
        to: date | None = None,
        term: int | None = None,
        building: int | None = None,
        room_ids: Sequence[int] | None = None,
        feature: str | None = None,
        min_capacity: int | None = None,
        max_capacity: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> UtilisationReport:
        """Utilisation over ``from_``-``to`` (local days, at most 366) or a ``term`` (its
        holidays left out), for all rooms or a ``building`` (id), ``room_ids``, a
        ``feature`` code or a capacity band."""
        return await self._call(
            UtilisationReport,
            "GET",
            "/reports/utilisation",
            params=_params(
                from_, to, term, building, room_ids, feature, min_capacity, max_capacity
            ),
            headers=extra_headers,
            timeout=timeout,
        )
