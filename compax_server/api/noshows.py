"""``/api/v1/users/{id}/lift-noshows``: staff lift a member's no-show ban."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.schemas import Out, render
from compax_server.services import noshows
from compax_server.services.actors import Actor

router = Router(
    "noshows",
    "/api/v1/users",
    tag="Users",
    description="The no-show policy: missed check-ins keep a member from booking for a while.",
)


class NoshowsLifted(Out):
    user_id: int
    lifted_at: datetime = Field(description="no-shows before this no longer count")


@router.post(
    "/<user_id>/lift-noshows",
    summary="Lift a member's no-show ban",
    response=NoshowsLifted,
    errors=(*AUTH_ERRORS, 404),
)
async def lift_noshows(request: Request, actor: Actor, user_id: int) -> HTTPResponse:
    """Staff: the member's no-shows so far no longer count, so they may book again."""
    moment = await noshows.lift(actor, user_id)
    return render(NoshowsLifted(user_id=user_id, lifted_at=moment))
