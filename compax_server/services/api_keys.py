"""API keys: created by admins for a user (usually a service account), shown once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from compax_server.db import transaction
from compax_server.db.api_keys import ApiKey
from compax_server.db.users import User
from compax_server.domain import bounds
from compax_server.domain.words import listed
from compax_server.errors import InvalidInput, NotFound
from compax_server.services import audit, auth
from compax_server.services.actors import Actor, Scope, require_admin
from compax_server.services.paging import page_by_id


def snapshot(key: ApiKey) -> dict[str, Any]:
    return {
        "name": key.name,
        "prefix": key.prefix,
        "user_id": key.user_id,
        "scopes": key.scopes,
        "expires_at": key.expires_at.isoformat() if key.expires_at else None,
        "revoked": key.revoked_at is not None,
    }


async def create_api_key(
    actor: Actor,
    *,
    user_id: int,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Returns the key and its secret; the secret is not stored and cannot be shown again."""
    require_admin(actor)
    unknown = sorted(set(scopes) - Scope.ALL)
    if unknown or not scopes:
        raise InvalidInput.field(
            "body",
            "scopes",
            f"unknown {listed('scope', unknown)}; choose from {', '.join(sorted(Scope.ALL))}"
            if unknown
            else "give at least one scope",
            code="invalid_scope",
        )
    if expires_at is not None:
        expires_at = bounds.check_instant(expires_at, "expires_at")  # UTC, 1970-2200
        if expires_at <= auth.now():
            raise InvalidInput.field(
                "body", "expires_at", "must be in the future", code="in_the_past"
            )
    async with transaction():
        user = await User.get_or_none(id=user_id)
        if user is None:
            raise InvalidInput.field("body", "user_id", f"user {user_id} does not exist", "unknown")
        prefix, secret = auth.new_api_key_secret()
        key = await ApiKey.create(
            user=user,
            name=name,
            prefix=prefix,
            key_hash=auth.sha256(secret),
            scopes=sorted(set(scopes)),
            created_by_id=actor.user_id,
            expires_at=expires_at,
        )
        await audit.record(actor, "api_key.create", "api_key", key.pk, after=snapshot(key))
    return key, secret


async def list_api_keys(
    actor: Actor, *, limit: int, cursor: str | None, user_id: int | None = None
) -> tuple[list[ApiKey], str | None]:
    require_admin(actor)
    query = ApiKey.all()
    if user_id is not None:
        query = query.filter(user_id=user_id)
    return await page_by_id(query, limit, cursor)


async def get_api_key(actor: Actor, key_id: int) -> ApiKey:
    require_admin(actor)
    key = await ApiKey.get_or_none(id=key_id)
    if key is None:
        raise NotFound(f"API key {key_id} does not exist")
    return key


async def revoke_api_key(actor: Actor, key_id: int) -> ApiKey:
    require_admin(actor)
    async with transaction():
        key = await get_api_key(actor, key_id)
        if key.revoked_at is None:
            before = snapshot(key)
            key.revoked_at = auth.now()
            await key.save(update_fields=["revoked_at"])
            await audit.record(
                actor, "api_key.revoke", "api_key", key.pk, before=before, after=snapshot(key)
            )
    return key
