"""Calendar feeds: ``/api/v1/me/calendar.ics`` and ``/api/v1/rooms/{id}/calendar.ics``."""

from __future__ import annotations

from pydantic import Field
from sanic import HTTPResponse, Request

from compax_server.api import etags
from compax_server.api.endpoint import AUTH_ERRORS, Router, bearer_credential, require_actor
from compax_server.api.middleware import public_base
from compax_server.api.schemas import Out, Query, render
from compax_server.errors import Unauthenticated
from compax_server.services import feeds
from compax_server.services.actors import Actor

me_router = Router(
    "feeds", "/api/v1/me", tag="Calendar feeds", description="iCalendar subscriptions."
)
room_router = Router(
    "room_feeds", "/api/v1/rooms", tag="Calendar feeds", description="iCalendar subscriptions."
)

ICS = {"type": "string", "description": "an RFC 5545 calendar"}


class FeedQuery(Query):
    token: str | None = Field(
        None, max_length=200, description="your feed token (for calendar apps)"
    )


class FeedToken(Out):
    token: str = Field(description="shown once; rotating it revokes the previous URL")
    url: str = Field(description="subscribe to this URL in your calendar app")


def ics(body: bytes) -> HTTPResponse:
    return HTTPResponse(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


async def feed_actor(request: Request, token: str | None) -> Actor:
    """A bearer credential if sent, else the feed token of the query string."""
    if bearer_credential(request) is not None:
        return await require_actor(request)
    if not token:
        raise Unauthenticated("Send a bearer token, or add ?token=<your feed token> to the URL.")
    actor = await feeds.actor_from_feed_token(token, request.ctx.request_id)
    request.ctx.actor = actor
    return actor


@me_router.post(
    "/feed-token",
    summary="Get a calendar feed URL",
    response=FeedToken,
    status=201,
    errors=(*AUTH_ERRORS, 400, 412),
    request_headers=("If-None-Match",),
)
async def rotate(request: Request, actor: Actor) -> HTTPResponse:
    """A new secret URL for your own bookings (Google Calendar, Outlook, Apple Calendar).
    The previous URL stops working. With ``If-None-Match: *`` only when you have none yet:
    a URL you already have stays, and the answer is 412 (the URL is shown only once)."""
    only_if_none = etags.none_match_star(request)
    token = await feeds.rotate_feed_token(actor, only_if_none=only_if_none)
    url = f"{public_base(request)}/api/v1/me/calendar.ics?token={token}"
    return render(FeedToken(token=token, url=url), 201)


@me_router.delete(
    "/feed-token", summary="Revoke the calendar feed URL", status=204, errors=(*AUTH_ERRORS, 404)
)
async def revoke(request: Request, actor: Actor) -> HTTPResponse:
    await feeds.revoke_feed_token(actor)
    return render(None, 204)


@me_router.get(
    "/calendar.ics",
    summary="My bookings as a calendar",
    query=FeedQuery,
    response=ICS,
    response_content_type="text/calendar",
    auth=False,
    errors=(401, 403),
)
async def my_calendar(request: Request, query: FeedQuery) -> HTTPResponse:
    """Your bookings from a month ago to a year ahead; cancelled ones as STATUS:CANCELLED."""
    actor = await feed_actor(request, query.token)
    return ics(await feeds.user_calendar(actor))


@room_router.get(
    "/<room_id>/calendar.ics",
    summary="A room's calendar",
    query=FeedQuery,
    response=ICS,
    response_content_type="text/calendar",
    auth=False,
    errors=(401, 403, 404),
)
async def room_calendar(request: Request, room_id: int, query: FeedQuery) -> HTTPResponse:
    """Others' bookings show as "Booked" unless you are staff."""
    actor = await feed_actor(request, query.token)
    return ics(await feeds.room_calendar(actor, room_id))
