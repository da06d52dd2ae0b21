"""``/api/v1/rules``: booking limits, globally and per building or room."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.schemas import In, Int, Out, render
from compax_server.domain.bounds import CHECKIN_MAX_MINUTES
from compax_server.services import rules
from compax_server.services.actors import Actor

router = Router(
    "rules",
    "/api/v1/rules",
    tag="Rules",
    description="Limits on bookings; the most specific level that sets a limit wins.",
)

Limit = Field(None, ge=0, le=1_000_000)
Scoped = Literal["building", "room"]


class RulesIn(In):
    max_duration_minutes: Int | None = Limit
    horizon_days: Int | None = Limit
    min_notice_minutes: Int | None = Limit
    max_bookings_per_week: Int | None = Limit
    max_hours_per_week: Int | None = Limit
    requires_checkin: bool | None = Field(
        None, description="bookings here are released when nobody checks in (no-show)"
    )
    checkin_opens_minutes: Int | None = Field(
        None, ge=0, le=CHECKIN_MAX_MINUTES, description="check-in opens this long before the start"
    )
    checkin_closes_minutes: Int | None = Field(
        None, ge=0, le=CHECKIN_MAX_MINUTES, description="released this long after the start"
    )
    noshow_limit: Int | None = Field(None, ge=1, le=1000, description="no-shows that ban")
    noshow_days: Int | None = Field(None, ge=1, le=3650, description="... within these days")
    noshow_ban_days: Int | None = Field(None, ge=1, le=3650, description="days the ban lasts")


class RulesOut(Out):
    scope: Literal["global", "building", "room"]
    scope_id: int
    max_duration_minutes: int | None
    horizon_days: int | None
    min_notice_minutes: int | None
    max_bookings_per_week: int | None
    max_hours_per_week: int | None
    requires_checkin: bool | None = None
    checkin_opens_minutes: int | None = None
    checkin_closes_minutes: int | None = None
    checkin_since: datetime | None = Field(
        None, description="check-in binds the bookings that start after this"
    )
    noshow_limit: int | None = None
    noshow_days: int | None = None
    noshow_ban_days: int | None = None
    updated_at: datetime


class RulesList(Out):
    data: list[RulesOut]


@router.get("/", summary="List the rules", response=RulesList, errors=AUTH_ERRORS)
async def list_rules(request: Request, actor: Actor) -> HTTPResponse:
    return render(
        RulesList(data=[RulesOut.model_validate(r) for r in await rules.list_rules(actor)])
    )


@router.put(
    "/global", summary="Set the global rules", body=RulesIn, response=RulesOut, errors=AUTH_ERRORS
)
async def set_global(request: Request, actor: Actor, body: RulesIn) -> HTTPResponse:
    """``null`` (or a missing limit) means no limit at this level."""
    rule = await rules.set_rules(actor, "global", 0, rules.Limits(**body.model_dump()))
    return render(RulesOut.model_validate(rule))


@router.put(
    "/<scope>/<scope_id>",
    summary="Set the rules of a building or room",
    body=RulesIn,
    response=RulesOut,
    errors=(*AUTH_ERRORS, 404),
)
async def set_scoped(
    request: Request, actor: Actor, scope: Scoped, scope_id: int, body: RulesIn
) -> HTTPResponse:
    """``scope`` is ``building`` or ``room`` (the global rules are ``PUT /rules/global``)."""
    rule = await rules.set_rules(actor, scope, scope_id, rules.Limits(**body.model_dump()))
    return render(RulesOut.model_validate(rule))


@router.patch(
    "/global",
    summary="Change some of the global rules",
    body=RulesIn,
    response=RulesOut,
    errors=AUTH_ERRORS,
)
async def change_global(request: Request, actor: Actor, body: RulesIn) -> HTTPResponse:
    """Only the limits in the body change (``null`` clears one); the others keep their
    values, also those someone else changed meanwhile. ``{}`` is a 400."""
    rule = await rules.change_rules(actor, "global", 0, body.model_dump(exclude_unset=True))
    return render(RulesOut.model_validate(rule))


@router.patch(
    "/<scope>/<scope_id>",
    summary="Change some of the rules of a building or room",
    body=RulesIn,
    response=RulesOut,
    errors=(*AUTH_ERRORS, 404),
)
async def change_scoped(
    request: Request, actor: Actor, scope: Scoped, scope_id: int, body: RulesIn
) -> HTTPResponse:
    """Only the limits in the body change (``null`` clears one); the others keep their
    values, also those someone else changed meanwhile. The level is made when it has no
    rules yet. ``{}`` is a 400."""
    rule = await rules.change_rules(actor, scope, scope_id, body.model_dump(exclude_unset=True))
    return render(RulesOut.model_validate(rule))


@router.delete(
    "/<scope>/<scope_id>",
    summary="Remove the rules of a building or room",
    status=204,
    errors=(*AUTH_ERRORS, 404),
)
async def delete_scoped(
    request: Request, actor: Actor, scope: Scoped, scope_id: int
) -> HTTPResponse:
    await rules.delete_rules(actor, scope, scope_id)
    return render(None, 204)
