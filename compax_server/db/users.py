"""Users and their refresh tokens."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model
from tortoise.queryset import QuerySet

from compax_server import db
from compax_server.db import sql


class Role(StrEnum):
    admin = "admin"
    staff = "staff"
    member = "member"


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True, description="case-folded")
    full_name = fields.CharField(max_length=200)
    role = fields.CharEnumField(Role, max_length=16, default=Role.member)
    is_active = fields.BooleanField(default=True)
    password_hash = fields.CharField(
        max_length=100, null=True, description="bcrypt; null: no login"
    )
    token_version = fields.IntField(default=0, description="bumped to end every session at once")
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "users"


class RefreshToken(Model):
    """An opaque refresh token, stored as its SHA-256. Rotation keeps the family; reuse of a
    rotated token revokes the whole family."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    user_id: int
    family = fields.CharField(max_length=36, db_index=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    rotated_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_tokens"


class FeedToken(Model):
    """A secret in a calendar subscription URL (calendar apps cannot send headers). Stored as
    its SHA-256; one per user; rotating it revokes the old URL."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="feed_token", on_delete=fields.CASCADE
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "feed_tokens"


def active_admins() -> QuerySet[User]:
    """The administrators who can sign in (at least one must remain)."""
    return User.filter(role=Role.admin, is_active=True)


async def other_active_admins(user_id: int) -> int:
    """How many active admins there are besides ``user_id``, counted under the admins lock:
    call it inside the write transaction that demotes or deactivates, so that two admins
    demoting each other at once cannot both count the other and leave none."""
    await db.serialize(db.Space.admins)
    return await active_admins().exclude(id=user_id).count()


async def state_of(user_id: int) -> dict[str, Any] | None:
    """What a request needs to know of its user now: id, email, role, is_active,
    token_version; ``None`` when there is no such user."""
    return await sql.fetch_one(
        "SELECT id, email, role, is_active, token_version FROM users WHERE id = ?", user_id
    )


async def role_of(user_id: int) -> str | None:
    """The user's role as stored (a ``Role`` value); ``None`` when there is no such user."""
    row = await sql.fetch_one("SELECT role FROM users WHERE id = ?", user_id)
    return None if row is None else str(row["role"])
