"""API keys for integrations."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from compax_server.db.users import User

PREFIX_MAX = 16  # the longest prefix a key can have; a longer one is no key of ours


class ApiKey(Model):
    """The secret is shown once; only its SHA-256 is kept. ``prefix`` identifies it in lists."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_keys", on_delete=fields.CASCADE
    )
    user_id: int
    name = fields.CharField(max_length=100)
    prefix = fields.CharField(max_length=PREFIX_MAX, unique=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    scopes: fields.Field[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    created_by_id = fields.IntField(null=True)
    expires_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_keys"
