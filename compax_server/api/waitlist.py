"""``/api/v1/waitlist``: wait for a room (or any room that fits), answer offers."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field
from sanic import HTTPResponse, Request

from compax_server.api.bookings import BookingOut, booking_out
from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.rooms import FeatureCode
from compax_server.api.schemas import In, Int, Out, Page, PageQuery, any_of, render
from compax_server.db.waitlist import WaitlistEntry
from compax_server.domain.waitlist import EntryState
from compax_server.services import waitlist
from compax_server.services.actors import Actor

router = Router(
    "waitlist",
    "/api/v1/waitlist",
    tag="Waitlist",
    description="Wait for a room that is taken; when it comes free you get an offer, held "
    "for you for a while (COMPAX_WAITLIST_HOLD_MINUTES): accept it, or it passes on.",
)


class WaitlistEntryOut(Out):
    id: int
    user_id: int
    title: str
    room_id: int | None = Field(description="the room waited for; null: any room that fits")
    building_id: int | None = Field(description="criteria: in this building")
    min_capacity: int | None = Field(description="criteria: at least this many seats")
    features: list[str] = Field(description="criteria: with all these features")
    start: datetime
    end: datetime
    state: EntryState = Field(
        description="waiting, offered (a room is held for you until offer_expires_at), "
        "accepted, declined, expired (the offer lapsed), left, closed (the window began "
        "before a room came free, the room or building was removed, or the account was "
        "deactivated: see reason)"
    )
    booking_id: int | None = Field(
        description="offered: the held booking (status held); accepted: your booking"
    )
    offer_expires_at: datetime | None = Field(description="offered: accept before this")
    offers: int = Field(description="offers made to this entry so far")
    reason: str = Field(description="why it ended, or why an offer passed you over")
    joined_at: datetime = Field(description="first come, first offered")
    ended_at: datetime | None
    version: int


class WaitlistAccepted(WaitlistEntryOut):
    booking: BookingOut = Field(description="your booking (confirmed, or pending approval)")


class WaitlistJoin(In):
    title: str = Field(min_length=1, max_length=200, description="the booking's title")
    start: AwareDatetime
    end: AwareDatetime
    room_id: Int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="wait for this room; or leave it out and give criteria",
    )
    building_id: Int | None = Field(None, ge=1, le=2**31 - 1, description="criteria")
    min_capacity: Int | None = Field(None, ge=1, le=100_000, description="criteria: seats")
    features: list[FeatureCode] = Field(
        default_factory=list, max_length=20, description="criteria: feature codes, all required"
    )


class WaitlistQuery(PageQuery):
    state: str | None = Field(
        None,
        pattern=any_of([s.value for s in EntryState]),
        max_length=200,
        description="comma-separated states, e.g. waiting,offered",
    )
    user_id: int | None = Field(None, ge=1, le=2**31 - 1, description="staff: whose entries")
    room_id: int | None = Field(None, ge=1, le=2**31 - 1)


def entry_out(entry: WaitlistEntry) -> WaitlistEntryOut:
    return WaitlistEntryOut.model_validate(entry)


@router.post(
    "/",
    summary="Join a waitlist",
    body=WaitlistJoin,
    response=WaitlistEntryOut,
    status=201,
    errors=(*AUTH_ERRORS, 409, 422),
    response_headers=("Location",),
)
async def join_waitlist(request: Request, actor: Actor, body: WaitlistJoin) -> HTTPResponse:
    """Wait for ``room_id``, or for any room that fits ``building_id``, ``min_capacity``
    and ``features``, for a window in the future (at most as long as a booking). When the
    slot is free already, the answer is an entry in state ``offered``. At most
    COMPAX_WAITLIST_MAX_ENTRIES open entries per person (422 ``waitlist_limit``)."""
    entry = await waitlist.join(
        actor,
        waitlist.Join(
            title=body.title,
            start=body.start,
            end=body.end,
            room_id=body.room_id,
            building_id=body.building_id,
            min_capacity=body.min_capacity,
            features=tuple(body.features),
        ),
    )
    return render(
        entry_out(entry), status=201, headers={"Location": f"/api/v1/waitlist/{entry.pk}"}
    )


@router.get(
    "/",
    summary="List waitlist entries",
    query=WaitlistQuery,
    response=Page[WaitlistEntryOut],
    errors=AUTH_ERRORS,
)
async def list_waitlist(request: Request, actor: Actor, query: WaitlistQuery) -> HTTPResponse:
    """Yours, oldest first; staff see everyone's (``user_id`` narrows)."""
    rows, cursor = await waitlist.list_entries(
        actor,
        states=[EntryState(s) for s in query.state.split(",")] if query.state else [],
        user_id=query.user_id,
        room_id=query.room_id,
        limit=query.limit,
        cursor=query.cursor,
    )
    return render(Page[WaitlistEntryOut](data=[entry_out(e) for e in rows], next_cursor=cursor))


@router.get(
    "/<entry_id>",
    summary="Read a waitlist entry",
    response=WaitlistEntryOut,
    errors=(*AUTH_ERRORS, 404),
    operation_id="waitlist_read",
)
async def read_entry(request: Request, actor: Actor, entry_id: int) -> HTTPResponse:
    return render(entry_out(await waitlist.get_entry(actor, entry_id)))


@router.delete(
    "/<entry_id>",
    summary="Leave a waitlist",
    response=WaitlistEntryOut,
    errors=(*AUTH_ERRORS, 404, 409),
    operation_id="waitlist_leave",
)
async def leave_entry(request: Request, actor: Actor, entry_id: int) -> HTTPResponse:
    """Stop waiting. An offer the entry holds is withdrawn and passes to the next in line.
    Staff may remove anyone's entry."""
    return render(entry_out(await waitlist.leave(actor, entry_id)))


@router.post(
    "/<entry_id>/accept",
    summary="Accept a waitlist offer",
    response=WaitlistAccepted,
    errors=(*AUTH_ERRORS, 404, 409, 422),
    operation_id="waitlist_accept",
)
async def accept_offer(request: Request, actor: Actor, entry_id: int) -> HTTPResponse:
    """The held room becomes your booking, checked like any booking (your rules apply: 422
    when they refuse; a room that needs approval makes it a pending request). An offer that
    expired or was withdrawn is a 409."""
    entry, booking = await waitlist.accept(actor, entry_id)
    out = WaitlistAccepted(**entry_out(entry).model_dump(), booking=await booking_out(booking))
    return render(out)


@router.post(
    "/<entry_id>/decline",
    summary="Decline a waitlist offer",
    response=WaitlistEntryOut,
    errors=(*AUTH_ERRORS, 404, 409),
    operation_id="waitlist_decline",
)
async def decline_offer(request: Request, actor: Actor, entry_id: int) -> HTTPResponse:
    """The held room passes to the next in line; your entry ends (``declined``)."""
    return render(entry_out(await waitlist.decline(actor, entry_id)))
