"""``/api/v1/audit-events`` (the log, filtered) and ``/api/v1/changes`` (the feed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, model_validator
from sanic import HTTPResponse, Request

from compax_server.api.csv_export import csv_response, fields_of, wants_csv
from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.schemas import Out, Page, PageQuery, Query, QueryTime, page_of, render
from compax_server.services import audit
from compax_server.services.actors import Actor
from compax_server.services.paging import DEFAULT_LIMIT, MAX_LIMIT

router = Router("audit", "/api/v1/audit-events", tag="Audit", description="Who changed what, when.")
changes_router = Router("changes", "/api/v1/changes", tag="Audit", description="The change feed.")


class AuditEventOut(Out):
    id: int
    at: datetime
    actor_user_id: int | None
    actor_api_key_id: int | None
    actor_label: str
    action: str = Field(description="e.g. booking.create, booking.cancel, room.update")
    entity_type: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str


class AuditQuery(PageQuery):
    entity_type: str | None = Field(None, max_length=32)
    entity_id: int | None = Field(None, ge=1, le=2**31 - 1)
    actor_user_id: int | None = Field(None, ge=1, le=2**31 - 1)
    action: str | None = Field(None, max_length=64)
    from_: QueryTime | None = Field(None, alias="from")
    to: QueryTime | None = None
    order: Literal["asc", "desc"] = Field("asc", description="desc: the newest first")


class ChangesQuery(Query):
    since: str | None = Field(
        None,
        max_length=512,
        description="next_cursor of the previous call; omit to start at the beginning",
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    tail: int | None = Field(
        None,
        ge=0,
        le=MAX_LIMIT,
        description="instead of since: the newest N changes (0: none) and the cursor after "
        "them, to start reading now",
    )

    @model_validator(mode="after")
    def _one_start(self) -> ChangesQuery:
        if self.since is not None and self.tail is not None:
            raise ValueError("give since or tail, not both")
        return self


class ChangesPage(Out):
    data: list[AuditEventOut]
    next_cursor: str = Field(description="poll again with since=<this>; never null")


@router.get(
    "/",
    summary="List audit events",
    query=AuditQuery,
    response=Page[AuditEventOut],
    errors=AUTH_ERRORS,
    csv=True,
)
async def list_events(request: Request, actor: Actor, query: AuditQuery) -> HTTPResponse:
    """Staff and admins. Oldest first."""
    filters = audit.AuditFilter(
        entity_type=query.entity_type,
        entity_id=query.entity_id,
        actor_user_id=query.actor_user_id,
        action=query.action,
        start=query.from_,
        end=query.to,
        newest_first=query.order == "desc",
    )
    rows, cursor = await audit.list_events(actor, filters, limit=query.limit, cursor=query.cursor)
    if wants_csv(request):
        out = [AuditEventOut.model_validate(r) for r in rows]
        return csv_response(
            request, out, fields_of(AuditEventOut), name="audit-events", next_cursor=cursor
        )
    return render(page_of(rows, cursor, AuditEventOut))


@changes_router.get(
    "/",
    summary="Changes since a cursor",
    operation_id="changes_list",
    query=ChangesQuery,
    response=ChangesPage,
    errors=AUTH_ERRORS,
)
async def changes(request: Request, actor: Actor, query: ChangesQuery) -> HTTPResponse:
    """Every change in commit order, for integrators: keep the returned ``next_cursor`` and
    ask again with ``since=`` to get only what is new. No event is skipped or repeated."""
    rows, cursor = await audit.changes_since(actor, query.since, limit=query.limit, tail=query.tail)
    return render(
        ChangesPage(data=[AuditEventOut.model_validate(r) for r in rows], next_cursor=cursor)
    )
