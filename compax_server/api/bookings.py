"""``/api/v1/bookings``: create, read, list, move, cancel, approve, reject."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import AwareDatetime, Field
from sanic import HTTPResponse, Request

from compax_server.api.csv_export import csv_response, fields_of, wants_csv
from compax_server.api.endpoint import AUTH_ERRORS, Router, idempotency_key
from compax_server.api.etags import etag as etag
from compax_server.api.etags import if_match as if_match
from compax_server.api.schemas import (
    In,
    Int,
    Out,
    Page,
    PageQuery,
    Patch,
    QueryTime,
    RoomIds,
    any_of,
    render,
)
from compax_server.db.bookings import Booking, Status
from compax_server.domain import hours
from compax_server.services import booking_reads, bookings, rooms
from compax_server.services.actors import Actor
from compax_server.services.seats import MAX_ATTENDEES

router = Router(
    "bookings",
    "/api/v1/bookings",
    tag="Bookings",
    description="Room bookings. Changes need If-Match with the ETag you read.",
)


class BookingFields(Out):
    """A booking's own fields, as stored."""

    id: int
    room_id: int
    owner_id: int
    title: str
    description: str
    start: datetime
    end: datetime
    status: Status
    reason: str = Field(description="why it was rejected or cancelled")
    attendees: int | None = Field(None, description="people expected (seat fit)")
    series_id: int | None
    exception_fields: list[str] = Field(
        default_factory=list,
        description="an occurrence of a series or a booking of an import changed by hand: "
        "which of room_id, time, title, attendees, status (series edits and imports keep "
        "these; PATCH with reset_exceptions clears them)",
    )
    source: str | None
    external_id: str | None
    version: int = Field(description="also the ETag; send it back in If-Match")
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime
    checked_in_at: datetime | None = Field(None, description="when someone checked in")


class BookingOut(BookingFields):
    timezone: str = Field(description="the IANA zone of the room's building")
    local_start: datetime = Field(description="start in that zone (RFC 3339, its offset)")
    local_end: datetime = Field(description="end in that zone")

    @classmethod
    def of(cls, booking: Booking, zone: str) -> BookingOut:
        tz = hours.zone(zone)
        return cls(
            **BookingFields.model_validate(booking).model_dump(),
            timezone=zone,
            local_start=booking.start.astimezone(tz),
            local_end=booking.end.astimezone(tz),
        )


async def bookings_out(rows: Sequence[Booking]) -> list[BookingOut]:
    """Bookings as answers, with their local times: one query for the zones of them all."""
    zones = await rooms.zones_of([b.room_id for b in rows])
    return [BookingOut.of(b, zones[b.room_id]) for b in rows]


async def booking_out(booking: Booking) -> BookingOut:
    return (await bookings_out([booking]))[0]


class Approved(BookingOut):
    rejected_booking_ids: list[int] = Field(description="pending requests this approval overrode")


ATTENDEES_DOC = "people expected; more than the room's seats is a 422 unless staff override"


class BookingCreate(In):
    room_id: Int = Field(ge=1, le=2**31 - 1)
    title: str = Field(min_length=1, max_length=200)
    start: AwareDatetime
    end: AwareDatetime
    description: str = Field("", max_length=5000)
    owner_id: Int | None = Field(
        None, ge=1, le=2**31 - 1, description="staff: book for someone else"
    )
    override: bool = Field(
        False, description="staff: ignore opening hours, closures and booking rules"
    )
    attendees: Int | None = Field(None, ge=1, le=MAX_ATTENDEES, description=ATTENDEES_DOC)


class BookingUpdate(Patch):
    NULLABLE = frozenset({"attendees"})

    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    room_id: Int | None = Field(None, ge=1, le=2**31 - 1)
    start: AwareDatetime | None = Field(None)
    end: AwareDatetime | None = Field(None)
    override: bool = Field(
        False, description="staff: ignore opening hours, closures and booking rules"
    )
    attendees: Int | None = Field(
        None, ge=1, le=MAX_ATTENDEES, description=ATTENDEES_DOC + "; null clears it"
    )
    reset_exceptions: bool = Field(
        False,
        description="clear exception_fields (what was changed by hand on an occurrence or an "
        "imported booking): the next series edit or import sets every field again",
    )


class Reason(In):
    reason: str = Field("", max_length=500)


class BookingQuery(PageQuery):
    room_id: RoomIds | None = Field(None, description="a room id, or several, comma-separated")
    building_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="bookings of this building's rooms"
    )
    owner_id: int | None = Field(None, ge=1, le=2**31 - 1)
    from_: QueryTime | None = Field(None, alias="from", description="bookings ending after this")
    to: QueryTime | None = Field(None, description="bookings starting before this")
    status: str | None = Field(
        None,
        pattern=any_of([s.value for s in Status]),
        description="comma-separated: pending,confirmed,rejected,cancelled,released,held "
        "(held: a waitlist offer kept for you until you accept it)",
    )
    series_id: int | None = Field(None, ge=1, le=2**31 - 1)
    to_decide: bool = Field(
        False,
        description="only the pending requests that are yours to decide: of the rooms you "
        "manage, and (staff) of the rooms nobody manages",
    )


def with_etag(booking: Booking) -> dict[str, str]:
    return {"ETag": etag(booking)}


@router.get(
    "/",
    summary="List bookings",
    query=BookingQuery,
    response=Page[BookingOut],
    errors=AUTH_ERRORS,
    csv=True,
)
async def list_bookings(request: Request, actor: Actor, query: BookingQuery) -> HTTPResponse:
    """In start order. Members see their own bookings, and all those of the rooms they
    manage."""
    filters = booking_reads.BookingFilter(
        room_ids=[int(i) for i in query.room_id.split(",")] if query.room_id else [],
        building_id=query.building_id,
        owner_id=query.owner_id,
        start=query.from_,
        end=query.to,
        statuses=[Status(s) for s in query.status.split(",")] if query.status else [],
        series_id=query.series_id,
        to_decide=query.to_decide,
    )
    rows, cursor = await booking_reads.list_bookings(
        actor, filters, limit=query.limit, cursor=query.cursor
    )
    if wants_csv(request):
        fields = fields_of(BookingOut, skip=("description", "exception_fields"))
        out = await bookings_out(rows)
        return csv_response(request, out, fields, name="bookings", next_cursor=cursor)
    return render(Page[BookingOut](data=await bookings_out(rows), next_cursor=cursor))


@router.post(
    "/",
    summary="Book a room",
    body=BookingCreate,
    response=BookingOut,
    status=201,
    errors=(*AUTH_ERRORS, 409, 422),
    request_headers=("Idempotency-Key",),
    response_headers=("ETag", "Location"),
)
async def create_booking(request: Request, actor: Actor, body: BookingCreate) -> HTTPResponse:
    """Confirmed at once, or ``pending`` when a member books a room that requires approval.
    A 409 ``booking_conflict`` lists the bookings in the way (``conflicts``). With an
    ``Idempotency-Key``, a retry returns the first result instead of booking twice."""
    created = await bookings.create_booking(
        actor,
        room_id=body.room_id,
        title=body.title,
        start=body.start,
        end=body.end,
        description=body.description,
        owner_id=body.owner_id,
        override=body.override,
        idempotency_key=idempotency_key(request),
        attendees=body.attendees,
    )
    headers = with_etag(created.booking) | {"Location": f"/api/v1/bookings/{created.booking.pk}"}
    if created.replayed:
        headers["Idempotent-Replayed"] = "true"
    out = (
        BookingOut.of(created.booking, created.timezone)
        if created.timezone
        else await booking_out(created.booking)
    )
    return render(out, 201, headers)


@router.get(
    "/<booking_id>",
    summary="Read a booking",
    response=BookingOut,
    errors=(*AUTH_ERRORS, 404),
    response_headers=("ETag",),
)
async def read_booking(request: Request, actor: Actor, booking_id: int) -> HTTPResponse:
    booking = await booking_reads.get_booking(actor, booking_id)
    return render(await booking_out(booking), headers=with_etag(booking))


@router.patch(
    "/<booking_id>",
    summary="Move or rename a booking",
    body=BookingUpdate,
    response=BookingOut,
    errors=(*AUTH_ERRORS, 404, 409, 412, 422, 428),
    request_headers=("If-Match",),
    response_headers=("ETag",),
)
async def update_booking(
    request: Request, actor: Actor, booking_id: int, body: BookingUpdate
) -> HTTPResponse:
    """Change title, description, time or room in one step. Needs ``If-Match``."""
    changes = body.changes()
    booking = await bookings.update_booking(
        actor, booking_id, expected=if_match(request), **changes
    )
    return render(await booking_out(booking), headers=with_etag(booking))


@router.post(
    "/<booking_id>/cancel",
    summary="Cancel a booking",
    body=Reason,
    body_optional=True,
    response=BookingOut,
    errors=(*AUTH_ERRORS, 404, 409, 412, 428),
    request_headers=("If-Match",),
    response_headers=("ETag",),
)
async def cancel_booking(
    request: Request, actor: Actor, booking_id: int, body: Reason
) -> HTTPResponse:
    """The booking is kept, with status ``cancelled``."""
    booking = await bookings.cancel_booking(
        actor, booking_id, expected=if_match(request), reason=body.reason
    )
    return render(await booking_out(booking), headers=with_etag(booking))


@router.post(
    "/<booking_id>/approve",
    summary="Approve a request",
    response=Approved,
    errors=(*AUTH_ERRORS, 404, 409, 412, 428),
    request_headers=("If-Match",),
    response_headers=("ETag",),
)
async def approve_booking(request: Request, actor: Actor, booking_id: int) -> HTTPResponse:
    """Staff: confirm a pending request; every pending request it overlaps is rejected in the
    same transaction."""
    booking, rejected = await bookings.approve_booking(
        actor, booking_id, expected=if_match(request)
    )
    out = Approved(**(await booking_out(booking)).model_dump(), rejected_booking_ids=rejected)
    return render(out, headers=with_etag(booking))


@router.post(
    "/<booking_id>/reject",
    summary="Reject a request",
    body=Reason,
    body_optional=True,
    response=BookingOut,
    errors=(*AUTH_ERRORS, 404, 409, 412, 428),
    request_headers=("If-Match",),
    response_headers=("ETag",),
)
async def reject_booking(
    request: Request, actor: Actor, booking_id: int, body: Reason
) -> HTTPResponse:
    booking = await bookings.reject_booking(
        actor, booking_id, expected=if_match(request), reason=body.reason
    )
    return render(await booking_out(booking), headers=with_etag(booking))
