"""The no-show policy: after ``noshow_limit`` no-shows (released bookings) within
``noshow_days`` days, a member may not book for ``noshow_ban_days`` days, where a booking
rule (global, building or room) sets all three. Staff may book for them with ``override`` and
may lift the ban: the no-shows before the lift no longer count. The refusal
(``noshow_ban``, 422) names the no-shows and the end of the ban.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from compax_server.db import checkin as checkin_db
from compax_server.db import transaction
from compax_server.db.checkin import NoshowLift
from compax_server.db.users import User
from compax_server.errors import NoshowBan, NotFound
from compax_server.services import audit
from compax_server.services.actors import Actor, require_staff
from compax_server.services.limits import now as clock_now

if TYPE_CHECKING:
    from compax_server.services.rules import Limits


def ban_until(noshows: list[datetime], limit: int, days: int, ban_days: int) -> datetime | None:
    """When the latest ban these no-shows (their start times) earn ends; ``None``: none."""
    ordered = sorted(noshows)
    until = None
    for i in range(limit - 1, len(ordered)):
        if ordered[i] - ordered[i - limit + 1] <= timedelta(days=days):
            until = ordered[i] + timedelta(days=ban_days)
    return until


async def check(limits: Limits, owner_id: int) -> None:
    """Raise ``NoshowBan`` when the owner is banned now under these limits."""
    limit, days, ban = limits.noshow_limit, limits.noshow_days, limits.noshow_ban_days
    if not (limit and days and ban):
        return
    moment = clock_now()
    since = moment - timedelta(days=days + ban)
    lift = await NoshowLift.get_or_none(user_id=owner_id)
    if lift is not None and lift.lifted_at > since:
        since = lift.lifted_at
    found = await checkin_db.noshows(owner_id, since)
    until = ban_until([n["start"] for n in found], limit, days, ban)
    if until is None or until <= moment:
        return
    listed: list[dict[str, Any]] = [
        {"id": n["id"], "room_id": n["room_id"], "start": n["start"].isoformat()} for n in found
    ]
    raise NoshowBan(
        f"{len(found)} missed bookings (no check-in) within {days} days: no new bookings "
        f"until {until.isoformat()} (staff can lift this); missed: "
        + ", ".join(f"#{n['id']} {n['start']}" for n in listed[:10]),
        noshows=listed,
        until=until.isoformat(),
    )


async def lift(actor: Actor, user_id: int) -> datetime:
    """Staff: the member's no-shows so far no longer count."""
    require_staff(actor)
    if not await User.filter(id=user_id).exists():
        raise NotFound(f"user {user_id} does not exist")
    moment = clock_now()
    async with transaction():
        row = await NoshowLift.get_or_none(user_id=user_id)
        before = {"lifted_at": row.lifted_at.isoformat()} if row else None
        if row is None:
            await NoshowLift.create(user_id=user_id, lifted_at=moment, lifted_by_id=actor.user_id)
        else:
            row.lifted_at, row.lifted_by_id = moment, actor.user_id
            await row.save()
        await audit.record(
            actor,
            "user.lift_noshows",
            "user",
            user_id,
            before=before,
            after={"lifted_at": moment.isoformat()},
        )
    return moment
