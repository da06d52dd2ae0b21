"""``/api/v1/changes/stream``: the change feed as Server-Sent Events."""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field, field_validator
from sanic import HTTPResponse, Request

from compax_server.api.audit import AuditEventOut
from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.schemas import Query, pattern
from compax_server.services import stream
from compax_server.services.actors import Actor

router = Router(
    "changes_stream", "/api/v1/changes", tag="Audit", description="The change feed, live."
)

RETRY_MS = 2000  # the client's reconnection delay, sent first
IDS = pattern(r"^\d{1,10}(,\d{1,10})*$", "must be ids separated by commas")

SSE = {
    "type": "string",
    "description": (
        "text/event-stream: `retry: 2000`, then one message per change (`id:` its change-feed "
        "cursor, `event:` its action, `data:` the AuditEvent as JSON) and a `: ping` comment "
        "every 15 s when idle"
    ),
}


class StreamQuery(Query):
    building_id: str | None = Field(
        None, pattern=IDS, max_length=400, description="comma-separated building ids"
    )
    room_id: str | None = Field(
        None, pattern=IDS, max_length=400, description="comma-separated room ids"
    )

    @field_validator("building_id", "room_id")
    @classmethod
    def _ids(cls, value: str | None) -> str | None:
        if value is not None and any(int(p) > 2**31 - 1 for p in value.split(",")):
            raise ValueError("an id is too large")
        return value


def ids(value: str | None) -> frozenset[int]:
    return frozenset(int(p) for p in value.split(",")) if value else frozenset()


def hub_of(request: Request) -> stream.Hub:
    ctx = request.app.ctx
    if getattr(ctx, "stream_hub", None) is None:
        ctx.stream_hub = stream.Hub()
    hub: stream.Hub = ctx.stream_hub
    return hub


def message(event_id: int, view: dict[str, Any]) -> str:
    data = AuditEventOut.model_validate(view).model_dump(mode="json")
    return (
        f"id: {stream.cursor_of(event_id)}\nevent: {view['action']}\n"
        f"data: {json.dumps(data, separators=(',', ':'))}\n\n"
    )


@router.get(
    "/stream",
    summary="Changes as they happen (Server-Sent Events)",
    operation_id="changes_stream",
    query=StreamQuery,
    response=SSE,
    response_content_type="text/event-stream",
    request_headers=("Last-Event-ID",),
    errors=(*AUTH_ERRORS, 429),
    stream=True,
)
async def changes_stream(request: Request, actor: Actor, query: StreamQuery) -> HTTPResponse:
    """Every change you may see, pushed as it commits, on any instance. Members see
    bookings and series (others' as busy time: times, room and state only) and the
    catalogue; staff see the whole change feed. Filter with `building_id` and `room_id`.
    Reconnect with `Last-Event-ID` (browsers do) to get what you missed first, with no gap
    and nothing twice; without it the stream starts now. At most 5 streams per user and server
    process (429 beyond)."""
    header = request.headers.get("last-event-id")
    after = stream.position_of(header.strip()) if header and header.strip() else None
    filters = stream.StreamFilter(ids(query.building_id), ids(query.room_id))
    hub = hub_of(request)
    sub = await hub.subscribe(actor)
    try:
        response: HTTPResponse = await request.respond(
            content_type="text/event-stream; charset=utf-8",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
        await response.send(f"retry: {RETRY_MS}\n\n")
        async for item in stream.follow(sub, actor, filters, after):
            await response.send(": ping\n\n" if item is None else message(*item))
    finally:
        hub.unsubscribe(sub)
    return response  # Sanic ends the stream when the handler returns
