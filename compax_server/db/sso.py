"""Single sign-on: who a user is at an identity provider, flows in flight, handover codes.

A flow (``SsoFlow``) lives in the database, not in a worker's memory, so that the callback
or the device poll may reach any worker of any instance; it is used once (``used_at`` is set
by a compare-and-set) and expires in minutes. Secrets (state, handover code, device handle)
are stored as SHA-256 only.
"""

from __future__ import annotations

from datetime import datetime

from tortoise import fields
from tortoise.models import Model

from compax_server.db.users import User


class UserIdentity(Model):
    """A user's account at an identity provider: ``(provider, subject)`` is unique."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="identities", on_delete=fields.CASCADE
    )
    user_id: int
    provider = fields.CharField(max_length=64, description="the configured provider's name")
    subject = fields.CharField(max_length=255, description="the provider's `sub` claim")
    email = fields.CharField(max_length=254, description="the email when it was linked")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "user_identities"
        unique_together = (("provider", "subject"),)


class SsoFlow(Model):
    """One login in flight: a browser redirect (``kind='browser'``, keyed by the hash of its
    ``state``) or a device grant (``kind='device'``, keyed by the hash of the handle the CLI
    polls with)."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=16)
    provider = fields.CharField(max_length=64)
    key_hash = fields.CharField(max_length=64, unique=True)
    nonce = fields.CharField(max_length=128, null=True)
    code_verifier = fields.CharField(max_length=128, null=True)
    redirect_uri = fields.CharField(max_length=2048, null=True, description="the frontend's")
    browser_hash = fields.CharField(
        max_length=64, null=True, description="the starting browser's cookie, hashed"
    )
    device_code = fields.CharField(max_length=2048, null=True, description="the provider's")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sso_flows"


class SsoHandover(Model):
    """A one-time code handed to the frontend after a browser login, exchanged for tokens."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sso_handovers", on_delete=fields.CASCADE
    )
    user_id: int
    provider = fields.CharField(max_length=64)
    code_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sso_handovers"


async def flow_by_key(key_hash: str, kind: str) -> SsoFlow | None:
    return await SsoFlow.get_or_none(key_hash=key_hash, kind=kind)


async def use_flow(flow_id: int, moment: datetime) -> bool:
    """Mark the flow used; ``False`` when another request did first (compare-and-set)."""
    return bool(await SsoFlow.filter(id=flow_id, used_at=None).update(used_at=moment))


async def use_handover(code_hash: str, moment: datetime) -> SsoHandover | None:
    """The handover for ``code_hash``, marked used, if it was live; ``None`` otherwise."""
    handover = await SsoHandover.get_or_none(code_hash=code_hash).select_related("user")
    if handover is None or handover.used_at is not None or handover.expires_at <= moment:
        return None
    taken = await SsoHandover.filter(id=handover.pk, used_at=None).update(used_at=moment)
    return handover if taken else None


async def identity_of(provider: str, subject: str) -> UserIdentity | None:
    return await UserIdentity.get_or_none(provider=provider, subject=subject).select_related("user")


async def forget_expired(moment: datetime) -> None:
    """Drop flows and handovers that can no longer be used."""
    await SsoFlow.filter(expires_at__lt=moment).delete()
    await SsoHandover.filter(expires_at__lt=moment).delete()
