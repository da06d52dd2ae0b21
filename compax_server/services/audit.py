"""The audit log: every change, with its actor, in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from compax_server.db.audit import AuditEvent
from compax_server.services.actors import Actor


async def record(
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it describes."""
    return await AuditEvent.create(
        actor_user_id=actor.user_id if actor else None,
        actor_api_key_id=actor.api_key_id if actor else None,
        actor_label=actor.label if actor else "system",
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
        request_id=actor.request_id if actor else "",
    )
