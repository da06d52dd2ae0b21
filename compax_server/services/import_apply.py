"""Applying a timetable import's plan (``services.imports`` plans it, under the lock of every
room involved): bump and reject what is in the way, cancel the items missing from the batch,
create and update the bookings and series (an updated series' occurrences are matched by
date and moved in place), and audit every change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from compax_server.db import imports as imports_db
from compax_server.db.bookings import (
    Status,
    copy_occurrences,
    insert_booking,
    new_booking,
    set_status,
)
from compax_server.domain import recurrence
from compax_server.domain.imports import ItemPlan, Window
from compax_server.services import audit, limits
from compax_server.services.actors import Actor


async def apply(actor: Actor, source: str, plans: list[ItemPlan]) -> None:
    """Carry out the create/update/cancel items (the others are left as they are)."""
    now = limits.now()  # what of a cancelled series is over, and the rows' stamps
    events: list[tuple[str, str, int | None, dict[str, Any] | None, dict[str, Any] | None]] = []
    bumped: set[int] = set()
    for p in plans:
        for bid in p.bumps:
            if bid not in bumped:
                bumped.add(bid)
                await set_status(
                    [bid],
                    Status.cancelled,
                    f"bumped by the {source} timetable ({p.external_id})",
                    only_from=(Status.confirmed,),
                )
                events.append(
                    (
                        "booking.cancel",
                        "booking",
                        bid,
                        {"status": "confirmed"},
                        {"status": "cancelled", "reason": "bumped", "source": source},
                    )
                )
    for p in plans:
        if p.action == "cancel":
            await _cancel(p, source, now)
            events.append(
                (
                    f"import.cancel.{p.kind}",
                    p.kind,
                    p.existing_id,
                    None,
                    {"source": source, "external_id": p.external_id, "booking_ids": p.booking_ids},
                )
            )
    new_series = [p for p in plans if p.action == "create" and p.kind == "series"]
    if new_series:
        await _insert_series(actor, source, new_series)
    occurrence_rows: list[dict[str, Any]] = []
    for p in plans:
        if p.action not in ("create", "update"):
            continue
        if p.kind == "booking":
            if p.action == "create":
                assert p.room_id is not None and p.owner_id is not None
                booking = await insert_booking(
                    new_booking(
                        room_id=p.room_id,
                        owner_id=p.owner_id,
                        title=p.item["title"],
                        description=p.item.get("description") or "",
                        start=p.windows[0].start,
                        end=p.windows[0].end,
                        status=Status.confirmed,
                        created_by_id=actor.user_id,
                        source=source,
                        external_id=p.external_id,
                        attendees=p.item.get("attendees"),
                    )
                )
                p.booking_ids = [booking.pk]
            else:
                assert p.existing_id is not None
                w = p.windows[0]
                await imports_db.update_booking(
                    p.existing_id,
                    room_id=p.room_id,
                    owner_id=p.owner_id,
                    title=p.item["title"],
                    description=p.item.get("description") or "",
                    start=w.start,
                    end=w.end,
                    attendees=p.item.get("attendees"),
                    now=now,
                )
                p.booking_ids = [p.existing_id] if p.existing_id else []
        elif p.action == "update":
            await _update_series(actor, source, p, now, occurrence_rows)
        else:
            occurrence_rows += [_occurrence_row(p, w) for w in p.windows]
        events.append(
            (
                f"import.{p.action}.{p.kind}",
                p.kind,
                p.series_id or (p.booking_ids[0] if p.booking_ids else p.existing_id),
                None,
                {
                    "source": source,
                    "external_id": p.external_id,
                    "changes": p.changes or None,
                    "booking_ids": p.booking_ids,  # the list is completed below
                },
            )
        )
    await copy_occurrences(occurrence_rows, created_by_id=actor.user_id)
    await _name_new_occurrences(plans, occurrence_rows)
    rejects = sorted({r for p in plans for r in p.rejects})
    await set_status(
        rejects,
        Status.rejected,
        f"the room is taken by the {source} timetable",
        only_from=(Status.pending,),
    )
    events += [
        ("booking.auto_reject", "booking", rid, {"status": "pending"}, {"status": "rejected"})
        for rid in rejects
    ]
    await audit.record_many(actor, events)


async def _name_new_occurrences(plans: list[ItemPlan], rows: list[dict[str, Any]]) -> None:
    """Add the ids of the occurrences just inserted (without returning ids) to the
    ``booking_ids`` of their item, so the change feed names every booking an item touched."""
    keys = {(r["series_id"], r["occurrence_date"]) for r in rows}
    if not keys:
        return
    ids = await imports_db.occurrence_ids(keys)
    by_series: dict[int, list[int]] = {}
    for (series_id, _), booking_id in ids.items():
        by_series.setdefault(series_id, []).append(booking_id)
    for p in plans:
        if p.kind == "series" and p.series_id in by_series:
            p.booking_ids.extend(by_series[p.series_id])
            p.booking_ids.sort()


def _occurrence_row(p: ItemPlan, w: Window) -> dict[str, Any]:
    """A new occurrence of the item's series (``p.series_id``) at the window."""
    return {
        "room_id": p.room_id,
        "owner_id": p.owner_id,
        "title": p.item["title"],
        "description": p.item.get("description") or "",
        "start": w.start,
        "end": w.end,
        "status": Status.confirmed,
        "series_id": p.series_id,
        "occurrence_date": w.day,
        "attendees": p.item.get("attendees"),
    }


def _series_fields(p: ItemPlan) -> imports_db.SeriesFields:
    item = p.item
    return imports_db.SeriesFields(
        room_id=p.room_id,
        owner_id=p.owner_id,
        title=item["title"],
        description=item.get("description") or "",
        rule=recurrence.check_rule(item["recurrence"]),
        start_time=item["start_time"],
        duration_minutes=item["duration_minutes"],
        attendees=item.get("attendees"),
        timezone=p.timezone,
        skip_holidays=bool(item.get("skip_holidays", True)),
        excluded_dates=sorted(str(d) for d in item.get("excluded_dates") or []),
        content_hash=p.content_hash,
    )


async def _insert_series(actor: Actor, source: str, plans: list[ItemPlan]) -> None:
    ids = await imports_db.insert_series(
        [(p.external_id, _series_fields(p)) for p in plans],
        source=source,
        created_by_id=actor.user_id,
    )
    for p in plans:
        p.series_id = ids[p.external_id]


async def _update_series(
    actor: Actor, source: str, p: ItemPlan, now: datetime, new_rows: list[dict[str, Any]]
) -> None:
    """Match the series' occurrences by date: move the ones that remain (in place, also to a
    new room), cancel the dates that went away, add the new dates. An occurrence renamed or
    given another head count by hand keeps its title and description, or head count."""
    assert p.existing_id is not None
    p.series_id = p.existing_id
    item = p.item
    await imports_db.update_series(p.existing_id, _series_fields(p), now)
    current = await imports_db.active_occurrences(p.existing_id)
    by_day = {r["occurrence_date"]: r for r in current if r["occurrence_date"] is not None}
    wanted = {w.day: w for w in p.windows if w.day is not None}
    renamed = {day for day, (_, fields) in p.exceptions.items() if "title" in fields}
    recounted = {day for day, (_, fields) in p.exceptions.items() if "attendees" in fields}
    left_alone = p.left_alone()
    gone = [row["id"] for day, row in by_day.items() if day not in wanted and day not in left_alone]
    await set_status(
        gone,
        Status.cancelled,
        f"removed from the {source} timetable",
        only_from=(Status.pending, Status.confirmed),
    )
    p.booking_ids = list(gone)
    for day, w in wanted.items():
        found = by_day.get(day)
        if found is None:
            new_rows.append(_occurrence_row(p, w))
            continue
        title, description = (
            (found["title"], found["description"])
            if day in renamed
            else (item["title"], item.get("description") or "")
        )
        attendees = found["attendees"] if day in recounted else item.get("attendees")
        if (
            found["room_id"] != p.room_id
            or found["start"] != w.start
            or found["end"] != w.end
            or found["title"] != title
            or found["description"] != description
            or found["attendees"] != attendees
            or found["owner_id"] != p.owner_id
        ):
            await imports_db.update_booking(
                found["id"],
                room_id=p.room_id,
                owner_id=p.owner_id,
                title=title,
                description=description,
                start=w.start,
                end=w.end,
                attendees=attendees,
                now=now,
            )
            p.booking_ids.append(found["id"])


async def _cancel(p: ItemPlan, source: str, now: datetime) -> None:
    reason = f"no longer in the {source} timetable"
    if p.kind == "series":
        assert p.existing_id is not None
        p.booking_ids = await imports_db.cancel_series(p.existing_id, reason, now)
    elif p.existing_id is not None:
        p.booking_ids = [p.existing_id]
        await set_status(
            [p.existing_id], Status.cancelled, reason, only_from=(Status.pending, Status.confirmed)
        )
