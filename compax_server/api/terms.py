"""``/api/v1/terms``: semesters with holidays."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.etags import etag, if_match
from compax_server.api.schemas import In, Out, Page, PageQuery, Patch, page_of, render
from compax_server.services import terms
from compax_server.services.actors import Actor

router = Router("terms", "/api/v1/terms", tag="Terms", description="Semesters and their holidays.")


class Holiday(In):
    start: date
    end: date | None = Field(None, description="inclusive; omit for one day")
    name: str = Field("", max_length=100)


class HolidayOut(Out):
    start: date
    end: date
    name: str


class TermOut(Out):
    id: int
    name: str
    campus: str
    start_date: date
    end_date: date
    holidays: list[HolidayOut]
    version: int
    created_at: datetime
    updated_at: datetime


class TermCreate(In):
    name: str = Field(min_length=1, max_length=100)
    campus: str = Field("", max_length=100)
    start_date: date
    end_date: date = Field(description="inclusive; a term lasts at most 731 days")
    holidays: list[Holiday] = Field(default_factory=list, max_length=100)


class TermUpdate(Patch):
    name: str | None = Field(None, min_length=1, max_length=100)
    campus: str | None = Field(None, max_length=100)
    start_date: date | None = None
    end_date: date | None = None
    holidays: list[Holiday] | None = Field(None, max_length=100)
    on_bookings: Literal["refuse", "cancel", "keep"] = Field(
        "refuse",
        description="new holidays over occurrences of series that skip the term's holidays: "
        "refuse (409 closure_hits_bookings listing them), cancel them, or keep them",
    )


class TermUpdated(TermOut):
    booking_ids: list[int] = Field(
        default_factory=list, description="occurrences on the new holidays (cancelled or kept)"
    )


@router.get("/", summary="List terms", query=PageQuery, response=Page[TermOut], errors=AUTH_ERRORS)
async def list_terms(request: Request, actor: Actor, query: PageQuery) -> HTTPResponse:
    rows, cursor = await terms.list_terms(actor, limit=query.limit, cursor=query.cursor)
    return render(page_of(rows, cursor, TermOut))


@router.post(
    "/",
    summary="Create a term",
    idempotent=True,
    body=TermCreate,
    response=TermOut,
    status=201,
    errors=(*AUTH_ERRORS, 409, 422),
)
async def create_term(request: Request, actor: Actor, body: TermCreate) -> HTTPResponse:
    term = await terms.create_term(
        actor,
        name=body.name,
        campus=body.campus,
        start_date=body.start_date,
        end_date=body.end_date,
        holidays=[h.model_dump() for h in body.holidays],  # the service checks and fills them
    )
    return render(TermOut.model_validate(term), 201, {"Location": f"/api/v1/terms/{term.pk}"})


@router.get("/<term_id>", summary="Read a term", response=TermOut, errors=(*AUTH_ERRORS, 404))
async def read_term(request: Request, actor: Actor, term_id: int) -> HTTPResponse:
    return render(TermOut.model_validate(await terms.get_term(actor, term_id)))


@router.patch(
    "/<term_id>",
    summary="Update a term",
    body=TermUpdate,
    response=TermUpdated,
    errors=(*AUTH_ERRORS, 404, 409, 412, 422, 428),
    request_headers=("If-Match",),
    response_headers=("ETag",),
)
async def update_term(
    request: Request, actor: Actor, term_id: int, body: TermUpdate
) -> HTTPResponse:
    """New holidays act on the occurrences of series that skip the term's holidays, as
    ``on_bookings`` says (default ``refuse``: 409 ``closure_hits_bookings`` listing them);
    other changes apply to what is booked next. Needs ``If-Match``."""
    changes = body.changes()
    changes.pop("on_bookings", None)
    outcome = await terms.update_term(
        actor, term_id, expected=if_match(request), on_bookings=body.on_bookings, **changes
    )
    out = TermOut.model_validate(outcome.term).model_dump()
    return render(TermUpdated(**out, booking_ids=outcome.hit), headers={"ETag": etag(outcome.term)})


@router.delete("/<term_id>", summary="Delete a term", status=204, errors=(*AUTH_ERRORS, 404))
async def delete_term(request: Request, actor: Actor, term_id: int) -> HTTPResponse:
    await terms.delete_term(actor, term_id)
    return render(None, 204)
