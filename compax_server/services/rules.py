"""Booking rules: how long, how far ahead, how soon, how many per week.

Limits are set globally and per building or room; for each limit the most specific level
that sets it wins (room, then building, then global). They bind every booking and every
series occurrence; staff and admins may override (``override=true``, recorded in the audit
log). The weekly quota counts the owner's pending and confirmed bookings in the same week
(Monday to Sunday in the building's zone) and applies to members.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from compax_server import runtime
from compax_server.db import Space, serialize, transaction
from compax_server.db import rooms as rooms_db
from compax_server.db import rules as rules_db
from compax_server.db.room_locks import RoomForBooking
from compax_server.db.series import BookingRule
from compax_server.domain import hours
from compax_server.errors import InvalidInput, NotFound
from compax_server.services import audit, noshows, search
from compax_server.services.actors import (
    Actor,
    Scope,
    require_scope,
    require_staff_or_manager,
)
from compax_server.services.limits import now as clock_now

SCOPES = ("global", "building", "room")
RULES_TTL = 1.0  # seconds
NOTHING_GIVEN = "name at least one limit to change"


@dataclass(frozen=True)
class Limits:
    max_duration_minutes: int | None = None
    horizon_days: int | None = None
    min_notice_minutes: int | None = None
    max_bookings_per_week: int | None = None
    max_hours_per_week: int | None = None
    # check-in (services/checkin.py) and the no-show policy (services/noshows.py)
    requires_checkin: bool | None = None
    checkin_opens_minutes: int | None = None
    checkin_closes_minutes: int | None = None
    noshow_limit: int | None = None
    noshow_days: int | None = None
    noshow_ban_days: int | None = None

    @property
    def empty(self) -> bool:
        return all(v is None for v in asdict(self).values())


LIMIT_NAMES = [f.name for f in fields(Limits)]


def clock() -> float:
    """The clock the rules' memory is measured on (monotonic seconds); tests hold it."""
    return time.monotonic()


async def _all_rules() -> list[dict[str, Any]]:
    """Every rule row, remembered in the process for ``RULES_TTL`` seconds: a changed limit
    binds new bookings within a second everywhere (at once in the process that changed it).
    Availability answers do not depend on the rules, so read-your-writes is not at stake."""
    return await runtime.remembered(
        "rules", "rows", RULES_TTL, lambda: rules_db.rule_rows(LIMIT_NAMES), clock
    )


def forget_rules() -> None:
    runtime.memo("rules").clear()
    runtime.memo("checkin.summary").clear()  # services.checkin


async def limits_for(room_id: int, building_id: int) -> Limits:
    rows = await _all_rules()
    levels = {("global", 0): 0, ("building", building_id): 1, ("room", room_id): 2}
    chosen: dict[str, tuple[int, Any]] = {}
    for row in rows:
        level = levels.get((row["scope"], row["scope_id"]))
        if level is None:
            continue
        for name in LIMIT_NAMES:
            value = row[name]
            if value is not None and (name not in chosen or chosen[name][0] < level):
                chosen[name] = (level, value)
    return Limits(**{name: value for name, (_, value) in chosen.items()})


def duration_text(minutes: int) -> str:
    """``4h``, ``1h30m``, ``45m``: how every rule message (and ``compax rules show``) writes
    a length of time."""
    hours_, mins = divmod(minutes, 60)
    if hours_ and mins:
        return f"{hours_}h{mins:02d}m"
    return f"{hours_}h" if hours_ else f"{mins}m"


def _problem(rule: str, limit: int, detail: str) -> dict[str, Any]:
    return {"rule": rule, "limit": limit, "detail": detail}


def time_violations(
    limits: Limits, start: datetime, end: datetime, now: datetime
) -> list[dict[str, Any]]:
    out = []
    if limits.max_duration_minutes is not None and end - start > timedelta(
        minutes=limits.max_duration_minutes
    ):
        out.append(
            _problem(
                "max_duration_minutes",
                limits.max_duration_minutes,
                f"a booking may last at most {duration_text(limits.max_duration_minutes)}",
            )
        )
    if limits.horizon_days is not None and start > now + timedelta(days=limits.horizon_days):
        out.append(
            _problem(
                "horizon_days",
                limits.horizon_days,
                f"bookings open at most {limits.horizon_days} days ahead",
            )
        )
    if limits.min_notice_minutes is not None and start < now + timedelta(
        minutes=limits.min_notice_minutes
    ):
        out.append(
            _problem(
                "min_notice_minutes",
                limits.min_notice_minutes,
                f"book at least {duration_text(limits.min_notice_minutes)} ahead",
            )
        )
    return out


def week_of(moment: datetime, tz: Any) -> tuple[datetime, datetime]:
    local = moment.astimezone(tz).date()
    monday = local - timedelta(days=local.weekday())
    return hours.local_day_bounds(monday, tz)[0], hours.local_day_bounds(
        monday + timedelta(days=6), tz
    )[1]


async def quota_violations(
    limits: Limits,
    room: RoomForBooking,
    owner_id: int,
    windows: list[tuple[datetime, datetime]],
    exclude_ids: list[int] | None = None,
) -> list[dict[str, Any]]:
    """The owner's weekly quota, counting ``windows`` (the new bookings) with the owner's
    pending and confirmed bookings already in those weeks."""
    await noshows.check(limits, owner_id)  # 422 noshow_ban: the no-show policy
    if limits.max_bookings_per_week is None and limits.max_hours_per_week is None:
        return []
    tz = hours.zone(room.timezone)
    weeks: dict[tuple[datetime, datetime], list[tuple[datetime, datetime]]] = {}
    for window in windows:
        weeks.setdefault(week_of(window[0], tz), []).append(window)
    out = []
    for (week_start, week_end), new in sorted(weeks.items()):
        existing = await rules_db.counted_bookings(
            owner_id, week_start, week_end, exclude_ids or []
        )
        count = len(existing) + len(new)
        total_hours = sum((e - s).total_seconds() for s, e in existing + new) / 3600
        label = week_start.astimezone(tz).date().isoformat()
        if limits.max_bookings_per_week is not None and count > limits.max_bookings_per_week:
            out.append(
                _problem(
                    "max_bookings_per_week",
                    limits.max_bookings_per_week,
                    f"at most {limits.max_bookings_per_week} bookings a week "
                    f"(the week of {label} would have {count})",
                )
            )
        if limits.max_hours_per_week is not None and total_hours > limits.max_hours_per_week:
            out.append(
                _problem(
                    "max_hours_per_week",
                    limits.max_hours_per_week,
                    f"at most {limits.max_hours_per_week} hours a week "
                    f"(the week of {label} would have {total_hours:g})",
                )
            )
    return out


# -- managing the rules --------------------------------------------------------------------


async def list_rules(actor: Actor) -> list[BookingRule]:
    require_scope(actor, Scope.read)
    return await BookingRule.all().order_by("scope", "scope_id")


async def _check_target(scope: str, scope_id: int) -> None:
    if scope not in SCOPES:
        raise InvalidInput.field("path", "scope", f"one of {', '.join(SCOPES)}", "enum")
    if scope != "global" and not await rooms_db.exists(scope, scope_id):
        raise NotFound(f"{scope} {scope_id} does not exist")


def _require_carer(actor: Actor, scope: str, scope_id: int) -> None:
    """Staff set every level; a room's (building's) managers set that room's (building's)."""
    require_staff_or_manager(
        actor,
        room_id=scope_id if scope == "room" else None,
        building_id=scope_id if scope == "building" else None,
    )


async def set_rules(
    actor: Actor, scope: str, scope_id: int, limits: Limits, only: Collection[str] | None = None
) -> BookingRule:
    """Set the limits of one level: all of them (``null`` clears a limit at this level), or
    only those named in ``only`` (the others keep their values: two people changing
    different limits at once both keep their change)."""
    _require_carer(actor, scope, scope_id)
    scope_id = 0 if scope == "global" else scope_id
    await _check_target(scope, scope_id)
    async with transaction():
        await serialize(Space.rules)  # a level is read and written whole, one change at a time
        rule = await BookingRule.get_or_none(scope=scope, scope_id=scope_id)
        before = {n: getattr(rule, n) for n in LIMIT_NAMES} if rule else None
        after = {
            n: getattr(limits, n) if only is None or n in only else (before or {}).get(n)
            for n in LIMIT_NAMES
        }
        if rule is None:
            rule = await BookingRule.create(scope=scope, scope_id=scope_id, **after)
        else:
            for name, value in after.items():
                setattr(rule, name, value)
        if after["requires_checkin"] is None:
            rule.checkin_since = None
        elif before is None or before["requires_checkin"] != after["requires_checkin"]:
            rule.checkin_since = clock_now()  # bookings starting earlier are spared
        await rule.save()
        await audit.record(
            actor, "rules.set", f"rules.{scope}", scope_id or None, before=before, after=after
        )
    forget_rules()
    await search.changed()
    return rule


async def change_rules(
    actor: Actor, scope: str, scope_id: int, changes: dict[str, Any]
) -> BookingRule:
    """Change only the limits in ``changes`` (``None`` clears one); the others keep theirs."""
    _require_carer(actor, scope, scope_id)  # who may not change the level hears so first
    if not changes:
        error = {"location": "body", "pointer": "", "detail": NOTHING_GIVEN, "code": "empty"}
        raise InvalidInput(f"body: {NOTHING_GIVEN}", errors=[error])
    return await set_rules(actor, scope, scope_id, Limits(**changes), only=set(changes))


async def delete_rules(actor: Actor, scope: str, scope_id: int) -> None:
    _require_carer(actor, scope, scope_id)
    scope_id = 0 if scope == "global" else scope_id
    async with transaction():
        await serialize(Space.rules)
        rule = await BookingRule.get_or_none(scope=scope, scope_id=scope_id)
        if rule is None:
            raise NotFound(f"no rules are set for {scope} {scope_id or ''}".strip())
        before = {n: getattr(rule, n) for n in LIMIT_NAMES}
        await rule.delete()
        await audit.record(actor, "rules.delete", f"rules.{scope}", scope_id or None, before=before)
    forget_rules()
    await search.changed()
