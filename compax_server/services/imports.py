"""Timetable imports: a source's whole schedule, planned item by item, then applied in one
transaction. Re-running the same batch changes nothing.

Each item has a stable ``external_id`` within its ``source`` and is a single booking or a
series (room by code, owner by email, optionally ``attendees``: more than the room's seats
makes the item invalid unless the batch has ``override``). The plan says per item:
``create``, ``update`` (with the changed fields), ``unchanged`` (same content hash),
``cancel`` (items of this source missing from the batch, with ``cancel_missing``),
``conflict`` (with the bookings in the way, or the other item of the batch) or ``invalid``
(with the reasons).

``apply`` recomputes the plan inside one transaction that holds the lock of every room
involved, then, ``atomic`` (default), applies all of it or nothing, or, ``partial``, applies
what is valid and reports the rest. A room swap moves the occurrences to the new room in
place, checked first, so a lecture is never left without a room. With ``priority`` (staff
must ask for it), members' bookings in the way are cancelled ("bumped") and reported.

This module loads the facts and runs the use cases; the diff itself (content hashes, changed
fields, occurrences, what meets what) is ``domain.imports``, its SQL ``db.imports``, and
carrying out a plan ``services.import_apply``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from compax_server import db, runtime
from compax_server.db import imports as imports_db
from compax_server.db.bookings import exceptions_of
from compax_server.db.room_locks import lock_rooms
from compax_server.db.series import ImportBatch
from compax_server.domain import recurrence, slots
from compax_server.domain.bookings import ACTIVE
from compax_server.domain.imports import (
    ItemPlan,
    Options,
    Span,
    as_date,
    batch_overlaps,
    changed_fields,
    content_hash,
    expand,
    keep_hand_changes,
    meet_closures,
    summarize,
    sweep,
    unchanged,
)
from compax_server.domain.words import counted
from compax_server.errors import Conflict, Forbidden, InvalidInput, NotFound
from compax_server.services import audit, limits, rules, search, writes
from compax_server.services.actors import Actor, Scope, require_scope, require_staff
from compax_server.services.import_apply import apply

MAX_ITEMS = 20_000
MAX_OCCURRENCES = 200_000


class ImportRejected(Conflict):
    code, title = "import_rejected", "The import was not applied"


# -- the plan ---------------------------------------------------------------------------------


@dataclass
class Context:
    rooms: dict[str, dict[str, Any]]
    users: dict[str, int]
    buildings: dict[int, dict[str, Any]]
    terms: dict[int, dict[str, Any]]
    existing_series: dict[str, dict[str, Any]]
    existing_bookings: dict[str, dict[str, Any]]


async def _context(source: str, items: list[dict[str, Any]]) -> Context:
    codes = sorted({i["room"] for i in items})
    emails = sorted({i["owner"].strip().casefold() for i in items if i.get("owner")})
    rooms = await imports_db.rooms_by_code(codes)
    users = await imports_db.active_users(emails)
    buildings = {b["id"]: b for b in await search.all_buildings()}
    terms = {
        t["id"]: t | {"holidays": recurrence.holiday_dates(t["holidays"])}
        for t in await imports_db.terms()
    }
    existing_series = await imports_db.series_of_source(source)
    existing_bookings = await imports_db.bookings_of_source(source)
    return Context(rooms, users, buildings, terms, existing_series, existing_bookings)


async def plan_items(
    actor: Actor, source: str, items: list[dict[str, Any]], options: Options
) -> list[ItemPlan]:
    ctx = await _context(source, items)
    plans: list[ItemPlan] = []
    seen: set[str] = set()
    for item in items:
        p = ItemPlan(item["external_id"], item["kind"], "create", item=item, position=len(plans))
        plans.append(p)
        if item["external_id"] in seen:
            p.action = "invalid"
            p.errors.append({"field": "external_id", "detail": "appears twice in the batch"})
            continue
        seen.add(item["external_id"])
        if p.kind == "series":
            p.content_hash = content_hash(item)
        room = ctx.rooms.get(item["room"])
        if room is None:
            p.errors.append({"field": "room", "detail": f"there is no room {item['room']}"})
        owner = actor.user_id
        if item.get("owner"):
            email = item["owner"].strip().casefold()
            if email not in ctx.users:
                p.errors.append(
                    {"field": "owner", "detail": f"there is no active user {item['owner']}"}
                )
            else:
                owner = ctx.users[email]
        p.owner_id = owner
        if room is not None and not room["bookable"] and not options.override:
            p.errors.append(slots.not_bookable(item["room"]))
        if room is not None and not options.override:  # seat fit, as for POST /bookings
            seats = slots.over_capacity(item["room"], room["capacity"], item.get("attendees"))
            if seats is not None:
                p.errors.append({"field": "attendees", **seats})
        if p.errors or room is None:
            p.action = "invalid"
            continue
        p.room_id = room["id"]
        existing: dict[str, Any] | None
        if p.kind == "series":
            existing = ctx.existing_series.get(p.external_id)
            other = ctx.existing_bookings.get(p.external_id)
        else:
            existing = ctx.existing_bookings.get(p.external_id)
            other = ctx.existing_series.get(p.external_id)
        if other is not None:
            p.action = "invalid"
            p.errors.append(
                {
                    "field": "kind",
                    "detail": f"{p.external_id} was imported as a {'series' if p.kind == 'booking' else 'booking'}",  # noqa: E501
                }
            )
            continue
        if existing is not None:
            p.existing_id = existing["id"]
            if unchanged(p, existing):
                p.action = "unchanged"
                continue
            p.action = "update"
            p.changes = changed_fields(p, existing)
        expand(
            p,
            ctx.buildings[room["building_id"]],
            ctx.terms,
            check_hours=not options.override,
            override=options.override,
            max_length=timedelta(hours=runtime.settings().max_booking_hours),
        )
        if p.kind == "booking" and existing is not None:
            keep_hand_changes(p, existing)
        if not options.override and not p.errors:
            await _check_limits(p, room)
        if p.errors:
            p.action = "invalid"
    await _keep_exceptions([p for p in plans if p.action == "update" and p.kind == "series"])
    if options.cancel_missing:
        for ext, s in ctx.existing_series.items():
            if ext not in seen and s["status"] == "active":
                plans.append(
                    ItemPlan(ext, "series", "cancel", existing_id=s["id"], room_id=s["room_id"])
                )
        for ext, b in ctx.existing_bookings.items():
            if ext not in seen and b["status"] in ACTIVE:
                plans.append(
                    ItemPlan(ext, "booking", "cancel", existing_id=b["id"], room_id=b["room_id"])
                )
    await _find_conflicts(plans, options)
    return plans


async def _check_limits(p: ItemPlan, room: dict[str, Any]) -> None:
    """The booking rules (duration, horizon, notice) bind imports as they bind
    ``POST /bookings`` for the same user; ``override`` lifts them."""
    rule = await rules.limits_for(room["id"], room["building_id"])
    if rule.empty:
        return
    now = limits.now()
    for w in p.windows:
        for problem in rules.time_violations(rule, w.start, w.end, now):
            p.errors.append({"date": (w.day or w.start.date()).isoformat(), **problem})
            return


async def _keep_exceptions(plans: list[ItemPlan]) -> None:
    """Find the occurrences of the updated series that a person changed, and take the
    moved, retimed and cancelled ones out of the windows to book: an import never undoes a
    change made by hand (a renamed one still moves with the series, keeping its title)."""
    if not plans:
        return
    by_series = {p.existing_id: p for p in plans}
    days = {p.existing_id: {w.day for w in p.windows} for p in plans}
    for row in await exceptions_of([sid for sid in by_series if sid is not None]):
        day = as_date(row["occurrence_date"])
        if day in days[row["series_id"]]:  # a date the timetable dropped is cancelled anyway
            p = by_series[row["series_id"]]
            p.exceptions[day] = (row["id"], row["exception_fields"])
    for p in plans:
        left_alone = p.left_alone()
        p.windows = [w for w in p.windows if w.day not in left_alone]


async def _find_conflicts(plans: list[ItemPlan], options: Options) -> None:
    """Mark items whose occurrences meet a confirmed booking (or a closure, or another item
    of the batch). Bookings of items this batch updates or cancels are not in the way, except
    the occurrences an update leaves alone (moved, retimed or cancelled by hand)."""
    targets = [p for p in plans if p.action in ("create", "update")]
    if not targets:
        return
    freed_series = {
        p.existing_id for p in plans if p.kind == "series" and p.action in ("update", "cancel")
    }
    kept = {
        booking_id
        for p in plans
        if p.kind == "series" and p.action == "update"
        for day, (booking_id, _) in p.exceptions.items()
        if day in p.left_alone()
    }
    freed_bookings = {
        p.existing_id for p in plans if p.kind == "booking" and p.action in ("update", "cancel")
    }
    by_room: dict[int, list[Span]] = defaultdict(list)
    for p in targets:
        assert p.room_id is not None
        for w in p.windows:
            by_room[p.room_id].append((w.start, w.end, p))
    for room_id, spans in by_room.items():
        spans.sort(key=lambda s: s[0])
        first, last = spans[0][0], max(s[1] for s in spans)
        rows, closures = await imports_db.in_the_way(room_id, first, last)
        existing = [
            (r["start"], r["end"], r)
            for r in rows
            if (r["series_id"] not in freed_series or r["id"] in kept)
            and r["id"] not in freed_bookings
        ]
        closed = [(c["start"], c["end"], c) for c in closures]
        if not options.override:
            spans = meet_closures(spans, closed, skip=options.skip_closures)
        sweep(spans, existing, options.priority)
        batch_overlaps(spans)
    for p in targets:
        if p.errors:
            p.action = "invalid"
        elif p.conflicts:
            p.action = "conflict"


# -- the entry points -----------------------------------------------------------------------------


async def run_import(
    actor: Actor,
    *,
    source: str,
    items: list[dict[str, Any]],
    mode: str = "plan",
    atomic: bool = True,
    cancel_missing: bool = False,
    priority: bool = False,
    override: bool = False,
    skip_closures: bool = False,
) -> ImportBatch:
    """Plan (``mode="plan"``) or apply a batch. The batch is stored either way; an atomic apply
    with conflicts or invalid items applies nothing and raises ``ImportRejected``."""
    require_scope(actor, Scope.import_)
    require_staff(actor, Scope.import_)
    if len(items) > MAX_ITEMS:
        raise InvalidInput.field(
            "body", "items", f"at most {MAX_ITEMS} items per batch", "too_many"
        )
    if cancel_missing and not items:  # an empty export is far likelier a fault than intent
        raise InvalidInput.field(
            "body",
            "items",
            f"an empty batch with cancel_missing would cancel everything {source} imported; "
            "cancel those bookings and series one by one if that is the intent",
            "empty",
        )
    if override:
        require_staff(actor)
    if cancel_missing:
        await _check_source_owner(actor, source)
    opts = Options(cancel_missing, priority, override, skip_closures)
    options = {
        "mode": mode,
        "atomic": atomic,
        "cancel_missing": cancel_missing,
        "priority": priority,
        "override": override,
        "skip_closures": skip_closures,
    }
    if mode == "plan":
        async with db.transaction():
            plans = await plan_items(actor, source, items, opts)
            batch = await _store(actor, source, "plan", "planned", options, plans)
        return batch

    async def attempt() -> tuple[ImportBatch, bool]:
        async with db.transaction():
            room_ids = sorted(set(await _rooms_of(items, source)))
            await lock_rooms(room_ids)
            plans = await plan_items(actor, source, items, opts)
            bad = [p for p in plans if p.action in ("conflict", "invalid")]
            if bad and atomic:
                return await _store(actor, source, "apply", "rejected", options, plans), False
            total = sum(len(p.windows) for p in plans if p.action in ("create", "update"))
            if total > MAX_OCCURRENCES:
                raise InvalidInput.field(
                    "body", "items", f"at most {MAX_OCCURRENCES} occurrences per batch", "too_many"
                )
            await apply(actor, source, plans)
            batch = await _store(actor, source, "apply", "applied", options, plans)
            await audit.record(
                actor,
                "import.apply",
                "import",
                batch.pk,
                after={"source": source, "summary": batch.summary}
                | ({"override": True} if override else {}),
            )
            return batch, True

    batch, applied = await writes.run(attempt, changed=lambda result: result[1])
    if not applied:
        # Keep the record of the rejected plan (the transaction above stored it and committed
        # nothing else), then tell the caller.
        raise ImportRejected(
            f"{counted(batch.summary.get('conflict', 0), 'conflicting item')} and "
            f"{counted(batch.summary.get('invalid', 0), 'invalid item')}; nothing was applied "
            "(atomic). See the plan in 'items', or apply with "
            "atomic=false to apply the rest.",
            import_id=batch.pk,
            summary=batch.summary,
            items=[i for i in batch.items if i["action"] in ("conflict", "invalid")][:200],
        )
    return batch


async def _check_source_owner(actor: Actor, source: str) -> None:
    """A source belongs to whoever first applied a batch of it (through their session or
    one of their API keys) and to admins: only they may cancel its missing items."""
    if actor.is_admin:
        return
    first = await ImportBatch.filter(source=source, mode="apply").order_by("id").first()
    if first is not None and first.created_by_id != actor.user_id:
        raise Forbidden(
            f"source {source} belongs to user {first.created_by_id}; only they or an "
            "administrator may cancel its items (cancel_missing)"
        )


async def _rooms_of(items: list[dict[str, Any]], source: str) -> list[int]:
    """Every room a batch touches: those named in it and those of the source's items."""
    return await imports_db.room_ids_of(sorted({i["room"] for i in items}), source)


async def _store(
    actor: Actor,
    source: str,
    mode: str,
    status: str,
    options: dict[str, Any],
    plans: list[ItemPlan],
) -> ImportBatch:
    return await ImportBatch.create(
        source=source,
        mode=mode,
        status=status,
        options=options,
        summary=summarize(plans),
        items=[p.view() for p in plans],
        created_by_id=actor.user_id,
    )


async def get_import(actor: Actor, import_id: int) -> ImportBatch:
    require_scope(actor, Scope.read)
    require_staff(actor, Scope.read)
    batch = await ImportBatch.get_or_none(id=import_id)
    if batch is None:
        raise NotFound(f"import {import_id} does not exist")
    return batch
