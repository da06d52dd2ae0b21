"""The append-only audit log; it doubles as the change feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise import fields
from tortoise.models import Model
from tortoise.queryset import QuerySet


class AuditEvent(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor_user_id = fields.IntField(null=True, db_index=True)
    actor_api_key_id = fields.IntField(null=True)
    actor_label = fields.CharField(max_length=254, default="")
    action = fields.CharField(max_length=64, db_index=True)
    entity_type = fields.CharField(max_length=32)
    entity_id = fields.IntField(null=True)
    before: fields.Field[dict[str, Any] | None] = fields.JSONField(null=True)
    after: fields.Field[dict[str, Any] | None] = fields.JSONField(null=True)
    request_id = fields.CharField(max_length=128, default="")

    class Meta:
        table = "audit_events"
        indexes = (("entity_type", "entity_id"),)


def instant(value: datetime) -> datetime:
    """``value`` as the same instant in UTC, the only form a time may take in a filter.

    SQLite keeps times as text and compares them as text: ``20:14+01:00`` sorts after
    ``19:30+00:00`` though it is the earlier instant. Stored times are UTC, so a bound in UTC
    compares right on both engines. An aware time beyond Python's range once in UTC
    (``0001-01-01T00:30+01:00``) is clamped to the range's end: no event's
    time (always now) lies beyond it, so the comparison stays exact.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: give a time with an offset")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # the offset pushed it past year 1 or year 9999
        edge = datetime.min if value.year == datetime.min.year else datetime.max
        return edge.replace(tzinfo=UTC)


def matching(
    *,
    entity_type: str | None = None,
    entity_id: int | None = None,
    actor_user_id: int | None = None,
    action: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The events that match every filter given; ``start`` and ``end`` bound ``at`` as
    ``[start, end)``, compared as instants whatever their offset."""
    query = AuditEvent.all()
    equal = {
        "entity_type": entity_type,
        "entity_id": entity_id,
        "actor_user_id": actor_user_id,
        "action": action,
    }
    query = query.filter(**{name: value for name, value in equal.items() if value is not None})
    if start is not None:
        query = query.filter(at__gte=instant(start))
    if end is not None:
        query = query.filter(at__lt=instant(end))
    return query
