"""Recurring bookings: a rule whose occurrences are materialised as bookings."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from compax_server.db.rooms import Room
from compax_server.db.users import User


class SeriesStatus(StrEnum):
    active = "active"
    cancelled = "cancelled"


class Series(Model):
    """A recurrence (RRULE subset) at a wall-clock time in the building's zone. Each
    occurrence is a booking with ``series_id`` and ``occurrence_date``, so the database's
    no-overlap rule guards every one of them."""

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField(
        "models.Room", related_name="series", on_delete=fields.RESTRICT
    )
    room_id: int
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="series", on_delete=fields.RESTRICT
    )
    owner_id: int
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    rule: fields.Field[dict[str, Any]] = fields.JSONField(
        description="freq, interval, weekdays, monthly_by, start_date, until | count | term_id"
    )
    start_time = fields.CharField(max_length=5, description="HH:MM, local")
    duration_minutes = fields.IntField()
    attendees = fields.IntField(null=True, description="people expected at each occurrence")
    timezone = fields.CharField(max_length=64)
    skip_holidays = fields.BooleanField(default=True)
    excluded_dates: fields.Field[list[str]] = fields.JSONField(default=list)
    added_dates: fields.Field[list[str]] = fields.JSONField(default=list)
    status = fields.CharEnumField(SeriesStatus, max_length=16, default=SeriesStatus.active)
    source = fields.CharField(max_length=100, null=True)
    external_id = fields.CharField(max_length=200, null=True)
    content_hash = fields.CharField(max_length=64, default="")
    version = fields.IntField(default=1)
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "series"
        unique_together = (("source", "external_id"),)


class BookingRule(Model):
    """Limits for members' bookings, globally (``scope=global``) or for one building or
    room; the most specific set value wins. ``null`` means no limit at that level."""

    id = fields.IntField(primary_key=True)
    scope = fields.CharField(max_length=16, description="global | building | room")
    scope_id = fields.IntField(default=0)
    max_duration_minutes = fields.IntField(null=True)
    horizon_days = fields.IntField(null=True)
    min_notice_minutes = fields.IntField(null=True)
    max_bookings_per_week = fields.IntField(null=True)
    max_hours_per_week = fields.IntField(null=True)
    # check-in and no-shows (services/checkin.py, services/noshows.py)
    requires_checkin = fields.BooleanField(null=True)
    checkin_opens_minutes = fields.IntField(null=True, description="window opens before start")
    checkin_closes_minutes = fields.IntField(null=True, description="released after start")
    checkin_since = fields.DatetimeField(
        null=True, description="when check-in was required here (earlier bookings are spared)"
    )
    noshow_limit = fields.IntField(null=True)
    noshow_days = fields.IntField(null=True)
    noshow_ban_days = fields.IntField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "booking_rules"
        unique_together = (("scope", "scope_id"),)


class ImportBatch(Model):
    """One timetable batch from a source: its plan, and (when applied) its outcome."""

    id = fields.IntField(primary_key=True)
    source = fields.CharField(max_length=100, db_index=True)
    mode = fields.CharField(max_length=8, description="plan | apply")
    status = fields.CharField(max_length=16, description="planned | applied | rejected")
    options: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    summary: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    items: fields.Field[list[dict[str, Any]]] = fields.JSONField(default=list)
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "imports"
