"""Waitlist entries and the statements of offering, expiring and sweeping them.

An offer is a ``held`` booking (see ``domain.waitlist``): the overlap rule of the bookings
table guards it, so nothing here checks overlaps.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model

from compax_server import db
from compax_server.db import notifications, sql
from compax_server.domain.waitlist import EntryState


class WaitlistEntry(Model):
    """A member waiting for a room, or for any room that fits, for a window."""

    # ``room_id`` null: any room of ``building_id`` (or any building) with at least
    # ``min_capacity`` seats and all ``features``. First come, first offered (``joined_at``).

    id = fields.IntField(primary_key=True)
    user_id = fields.IntField()
    title = fields.CharField(max_length=200)
    room_id = fields.IntField(null=True, description="the room; null: any room that fits")
    building_id = fields.IntField(null=True)
    min_capacity = fields.IntField(null=True)
    features: fields.Field[list[str]] = fields.JSONField(default=list)
    start = fields.DatetimeField()
    end = fields.DatetimeField()
    state = fields.CharEnumField(EntryState, max_length=16)
    booking_id = fields.IntField(null=True, description="the held booking of the offer")
    offers = fields.IntField(default=0, description="offers made so far")
    offered_at = fields.DatetimeField(null=True)
    offer_expires_at = fields.DatetimeField(null=True)
    reason = fields.CharField(max_length=500, default="")
    joined_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "waitlist_entries"
        indexes = (("state", "start"), ("state", "offer_expires_at"), ("user_id", "state"))


OPEN_STATES = (EntryState.waiting.value, EntryState.offered.value)


async def open_count(user_id: int) -> int:
    """The person's open entries, counted under their join lock: call it inside the
    joining transaction, so that two joins at once can neither both pass the limit nor both
    miss the other's identical entry."""
    await db.serialize(db.Space.waitlist_joins, user_id)
    return await WaitlistEntry.filter(user_id=user_id, state__in=OPEN_STATES).count()


async def lock_entry(entry_id: int) -> WaitlistEntry | None:
    """Inside a transaction: the entry, locked until commit (SQLite: the write lock)."""
    if db.dialect() == "postgres":
        row = await sql.fetch_one(
            "SELECT id FROM waitlist_entries WHERE id = ? FOR UPDATE", entry_id
        )
        if row is None:
            return None
    return await WaitlistEntry.get_or_none(id=entry_id)


async def waiting_for(
    room_id: int, building_id: int, capacity: int, start: datetime, end: datetime, limit: int
) -> list[WaitlistEntry]:
    """Waiting entries whose window meets ``[start, end)`` and that might take this room
    (the room itself, or criteria its building and seats meet; features are checked by the
    caller), first come first."""
    return (
        await WaitlistEntry.filter(state=EntryState.waiting, start__lt=end, end__gt=start)
        .filter(
            Q(room_id=room_id)
            | (
                Q(room_id=None)
                & (Q(building_id=None) | Q(building_id=building_id))
                & (Q(min_capacity=None) | Q(min_capacity__lte=capacity))
            )
        )
        .order_by("joined_at", "id")
        .limit(limit)
    )


async def take_for_offer(entry_id: int) -> bool:
    """Claim a waiting entry for an offer (the caller then writes the offer); ``False``
    when it is no longer waiting (another offer took it first)."""
    count = await sql.execute(
        "UPDATE waitlist_entries SET state = 'offered', version = version + 1 "
        "WHERE id = ? AND state = 'waiting'",
        entry_id,
    )
    return count > 0


DUE_BY = {EntryState.offered: "offer_expires_at", EntryState.waiting: '"start"'}


async def due(state: EntryState, moment: datetime, limit: int) -> list[int]:
    """Inside a transaction: the ids of the entries due by ``moment``, oldest first, locked:
    offers whose hold ran out (``offered``), or waiting entries whose window began
    (``waiting``). Rows another process holds are skipped (it is ending them) on
    PostgreSQL."""
    column = DUE_BY[state]
    skip = " FOR UPDATE SKIP LOCKED" if db.dialect() == "postgres" else ""
    rows = await sql.fetch(
        f"SELECT id FROM waitlist_entries WHERE state = ? AND {column} <= ? "
        f"ORDER BY {column}, id LIMIT ?{skip}",
        state.value,
        moment,
        limit,
    )
    return [int(r["id"]) for r in rows]


async def any_due(moment: datetime) -> bool:
    """One indexed probe: is any offer due, or any waiting entry's window begun?"""
    row = await sql.fetch_one(
        "SELECT 1 AS one FROM waitlist_entries WHERE (state = 'offered' AND offer_expires_at <= ?)"
        " OR (state = 'waiting' AND \"start\" <= ?) LIMIT 1",
        moment,
        moment,
    )
    return row is not None


async def any_waiting(moment: datetime) -> bool:
    return await WaitlistEntry.filter(state=EntryState.waiting, start__gt=moment).exists()


async def waiting_page(moment: datetime, after_id: int, limit: int) -> list[WaitlistEntry]:
    """Waiting entries whose window is still ahead, by id after ``after_id`` (the sweep)."""
    return (
        await WaitlistEntry.filter(state=EntryState.waiting, start__gt=moment, id__gt=after_id)
        .order_by("id")
        .limit(limit)
    )


async def take_turn(name: str, now: int, every: int) -> bool:
    """A turn of a periodic job among all processes: ``True`` for exactly one caller per
    ``every`` seconds (one conditional update of the job's cursor row)."""
    await notifications.ensure_cursor(name)
    count = await sql.execute(
        "UPDATE outbox_cursors SET position = ?, updated_at = ? WHERE name = ? AND position <= ?",
        now,
        datetime.now(UTC),
        name,
        now - every,
    )
    return count > 0
