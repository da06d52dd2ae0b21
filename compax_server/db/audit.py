"""The append-only audit log; it doubles as the change feed."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


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
