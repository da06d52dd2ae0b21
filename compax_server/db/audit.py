"""The append-only audit log; it doubles as the change feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise import fields
from tortoise.models import Model
from tortoise.queryset import QuerySet

from compax_server.db import sql


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
        query = query.filter(at__gte=sql.instant(start))
    if end is not None:
        query = query.filter(at__lt=sql.instant(end))
    return query
