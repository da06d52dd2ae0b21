"""Room displays: staff make and revoke display tokens (``/api/v1/rooms/{id}/display-tokens``),
and the tablet at the door opens ``/display/<token>`` (outside the API: a page, its state
and its check-in button; see ``display_page``)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from sanic import Blueprint, HTTPResponse, Request
from sanic.response import html as html_response
from sanic.response import json as json_response

from compax_server.api.display_page import page
from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.schemas import Out, render
from compax_server.services import displays
from compax_server.services.actors import Actor

router = Router(
    "display_tokens",
    "/api/v1/rooms",
    tag="Rooms",
    description="Tokens for the display at a room's door (/display/<token>).",
)

PAGE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
NO_STORE = {"Cache-Control": "no-store"}


class DisplayTokenCreated(Out):
    id: int
    room_id: int
    prefix: str = Field(description="the token's first characters, to recognise it")
    token: str = Field(description="shown once: open /display/<token> on the room's tablet")
    url_path: str = Field(description="the display page: /display/<token>")
    created_at: datetime


class DisplayTokensRevoked(Out):
    room_id: int
    revoked: int = Field(description="how many tokens were in use")


@router.post(
    "/<room_id>/display-tokens",
    summary="Create a room display token",
    response=DisplayTokenCreated,
    status=201,
    errors=(*AUTH_ERRORS, 404),
)
async def create_display_token(request: Request, actor: Actor, room_id: int) -> HTTPResponse:
    """Staff: a token for the tablet at the room's door. It may show the room's day and
    check in there, nothing else (anywhere in the API it is a 403)."""
    row, token = await displays.create_token(actor, room_id)
    out = DisplayTokenCreated(
        id=row.pk,
        room_id=row.room_id,
        prefix=row.prefix,
        token=token,
        url_path=f"/display/{token}",
        created_at=row.created_at,
    )
    return render(out, 201)


@router.delete(
    "/<room_id>/display-tokens",
    summary="Revoke the room's display tokens",
    response=DisplayTokensRevoked,
    errors=(*AUTH_ERRORS, 404),
)
async def revoke_display_tokens(request: Request, actor: Actor, room_id: int) -> HTTPResponse:
    """Staff: every display token of the room stops working (401)."""
    count = await displays.revoke_tokens(actor, room_id)
    return render(DisplayTokensRevoked(room_id=room_id, revoked=count))


def display_blueprint() -> Blueprint:
    bp = Blueprint("display")

    @bp.get("/display/<token>", name="display_page")
    async def display_page(request: Request, token: str) -> HTTPResponse:
        state = await displays.state(token)
        headers = NO_STORE | {"Content-Security-Policy": PAGE_CSP}
        return html_response(page(state.view()), headers=headers)

    @bp.get("/display/<token>/state", name="display_state")
    async def display_state(request: Request, token: str) -> HTTPResponse:
        return json_response((await displays.state(token)).view(), headers=NO_STORE)

    @bp.post("/display/<token>/check-in", name="display_check_in")
    async def display_check_in(request: Request, token: str) -> HTTPResponse:
        return json_response((await displays.check_in(token)).view(), headers=NO_STORE)

    return bp
