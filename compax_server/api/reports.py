"""``/api/v1/reports/utilisation``: how well rooms were used over a period (staff)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field
from sanic import HTTPResponse, Request

from compax_server.api.csv_export import csv_response, fields_of, wants_csv
from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.rooms import FEATURE_CODE
from compax_server.api.schemas import Out, Query, QueryDate, RoomIds, Weekday, render
from compax_server.services import reports
from compax_server.services.actors import Actor

router = Router(
    "reports",
    "/api/v1/reports",
    tag="Reports",
    description="Utilisation of rooms over a period: booked against open hours, a weekday x "
    "hour heatmap, peak occupancy, cancellations and no-shows. Staff only.",
)


class UtilisationQuery(Query):
    from_: QueryDate | None = Field(None, alias="from", description="first day (local)")
    to: QueryDate | None = Field(None, description="last day (local, inclusive)")
    term: int | None = Field(
        None, ge=1, le=2**31 - 1, description="the term's dates, without its holidays"
    )
    building: int | None = Field(None, ge=1, le=2**31 - 1, description="a building's id")
    room_id: RoomIds | None = Field(None, description="room ids, comma-separated")
    feature: str | None = Field(None, pattern=FEATURE_CODE, description="rooms with this feature")
    min_capacity: int | None = Field(None, ge=1, le=100_000, description="capacity band")
    max_capacity: int | None = Field(None, ge=1, le=100_000)
    part: Literal["rooms", "heatmap"] = Field(
        "rooms", description="CSV answers (Accept: text/csv): which table"
    )


class ReportScope(Out):
    building_id: int | None
    room_ids: list[int] | None
    feature: str | None
    min_capacity: int | None
    max_capacity: int | None


class Counts(Out):
    confirmed: int
    pending: int
    cancelled: int
    rejected: int
    released: int = Field(description="no-shows: bookings released for nobody checking in")
    seat_fit: float | None = Field(
        description="attendees / seats over the confirmed bookings that give attendees; null: "
        "none does"
    )
    over_capacity: int = Field(description="confirmed bookings with more attendees than seats")


class ReportTotals(Counts):
    rooms: int
    open_hours: float = Field(description="room-hours open (opening hours less closures)")
    booked_hours: float = Field(description="room-hours of confirmed bookings")
    utilisation: float | None = Field(description="booked / open; null when never open")


class ReportRoom(Counts):
    room_id: int
    code: str
    name: str
    building_code: str
    capacity: int
    open_hours: float
    booked_hours: float
    utilisation: float | None


class HeatCell(Out):
    weekday: Weekday
    hour: int = Field(description="local hour, 0-23")
    open_hours: float = Field(description="room-hours open in this weekday and hour")
    booked_hours: float
    occupancy: float | None = Field(description="booked / open; null when never open")


class UtilisationReport(Out):
    model_config = ConfigDict(from_attributes=True, serialize_by_alias=True, populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    term: str | None = Field(description="the term's name, when by term")
    holidays_left_out: int = Field(description="holiday days not counted as open")
    scope: ReportScope
    totals: ReportTotals
    peak: HeatCell | None = Field(description="the fullest weekday and hour")
    heatmap: list[HeatCell] = Field(description="the weekday x hour cells open or booked")
    rooms: list[ReportRoom] = Field(description="in building and code order")


ROOM_FIELDS = (
    *("room_id", "code", "name", "building_code", "capacity", "open_hours", "booked_hours"),
    *("utilisation", "confirmed", "pending", "cancelled", "rejected", "released"),
    *("seat_fit", "over_capacity"),
)


@router.get(
    "/utilisation",
    summary="Utilisation report",
    query=UtilisationQuery,
    response=UtilisationReport,
    errors=(*AUTH_ERRORS, 404, 422),
    csv=True,
)
async def utilisation_report(
    request: Request, actor: Actor, query: UtilisationQuery
) -> HTTPResponse:
    """Staff: for the days ``from``-``to`` (or a ``term``), at most 366, and a scope (all
    rooms, a ``building``, ``room_id``s, a ``feature``, a capacity band): open and booked
    room-hours, utilisation, a weekday x hour heatmap in each building's local time, its
    peak, and the bookings by state. ``Accept: text/csv``: the rooms (or ``part=heatmap``)."""
    found = await reports.utilisation(
        actor,
        reports.ReportQuery(
            start=query.from_,
            end=query.to,
            term_id=query.term,
            building_id=query.building,
            room_ids=[int(i) for i in query.room_id.split(",")] if query.room_id else None,
            feature=query.feature,
            min_capacity=query.min_capacity,
            max_capacity=query.max_capacity,
        ),
    )
    report = UtilisationReport.model_validate(found)
    if wants_csv(request):
        if query.part == "heatmap":
            return csv_response(request, report.heatmap, fields_of(HeatCell), name="heatmap")
        return csv_response(request, report.rooms, ROOM_FIELDS, name="utilisation")
    return render(report)
