"""Bookings and idempotency records."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from tortoise import fields
from tortoise.expressions import F
from tortoise.models import Model
from tortoise.queryset import QuerySet

from compax_server.db.rooms import Room
from compax_server.db.users import User


class Status(StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    rejected = "rejected"
    cancelled = "cancelled"


class Booking(Model):
    """A room for ``[start, end)`` (UTC). Two confirmed bookings of one room never overlap:
    the database refuses it (exclusion constraint / trigger, see the migrations)."""

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField(
        "models.Room", related_name="bookings", on_delete=fields.RESTRICT
    )
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="bookings", on_delete=fields.RESTRICT
    )
    room_id: int
    owner_id: int
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    start = fields.DatetimeField()
    end = fields.DatetimeField()
    status = fields.CharEnumField(Status, max_length=16)
    series_id = fields.IntField(null=True, db_index=True)
    source = fields.CharField(max_length=100, null=True)
    external_id = fields.CharField(max_length=200, null=True)
    reason = fields.CharField(max_length=500, default="", description="why rejected/cancelled")
    version = fields.IntField(default=1)
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "bookings"
        indexes = (("room_id", "start"), ("owner_id", "start"), ("start",))
        unique_together = (("source", "external_id"),)


class IdempotencyKey(Model):
    """A retried write with the same key returns the first result instead of a second one."""

    id = fields.IntField(primary_key=True)
    user_id = fields.IntField()
    scope = fields.CharField(max_length=64, description="which operation, e.g. booking.create")
    key = fields.CharField(max_length=200)
    request_hash = fields.CharField(max_length=64)
    resource_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "idempotency_keys"
        unique_together = (("user_id", "scope", "key"),)


async def lock_rooms(room_ids: list[int]) -> None:
    """Take the booking lock of each room, in id order (so two writers never deadlock).

    The lock is a write to the room row: on PostgreSQL it holds the row until commit, so
    writers of one room queue up and each sees the one before it; on SQLite the transaction
    already holds the database's write lock (``BEGIN IMMEDIATE``).
    """
    for room_id in sorted(set(room_ids)):
        await Room.filter(id=room_id).update(booking_seq=F("booking_seq") + 1)


def overlapping(
    room_id: int,
    start: datetime,
    end: datetime,
    statuses: list[Status],
    exclude_id: int | None = None,
) -> QuerySet[Booking]:
    """Bookings of the room in ``statuses`` that overlap ``[start, end)`` (half-open)."""
    query = Booking.filter(room_id=room_id, status__in=statuses, start__lt=end, end__gt=start)
    if exclude_id is not None:
        query = query.exclude(id=exclude_id)
    return query.order_by("start", "id")
