"""Security events: failed logins, lockouts, refresh-token reuse, logouts, password changes,
rejected API keys.

Each event is one line in the ``compax.security`` log (always) and one audit event (when it
concerns an account or key that exists: a guess at an unknown email or key prefix is only
logged, so that hostile traffic cannot grow the audit log at will). Events about refusals are
written in their own short transaction, because the request that caused them fails.
"""

from __future__ import annotations

import logging
from typing import Any

from compax_server.db import transaction
from compax_server.services import audit
from compax_server.services.actors import Actor

log = logging.getLogger("compax.security")


def _line(action: str, details: dict[str, Any]) -> str:
    # repr() keeps whatever a client sent (newlines, control characters) on one line.
    return " ".join([action, *(f"{k}={v!r}" for k, v in details.items())])


async def event(
    action: str,
    *,
    entity_type: str,
    entity_id: int | None,
    actor: Actor | None = None,
    request_id: str = "",
    client: str = "",
    in_transaction: bool = False,
    **details: Any,
) -> None:
    """Log ``action`` and, when ``entity_id`` is known, append it to the audit log.

    ``in_transaction``: the caller's transaction is open and the event belongs to it.
    """
    rid = request_id or (actor.request_id if actor else "")
    fields = {"entity": f"{entity_type}:{entity_id}", **details}
    if client:
        fields["client"] = client
    log.warning(
        "%s",
        _line(action, fields),
        extra={
            "request_id": rid,
            "user_id": actor.user_id if actor else None,
            "client": client or None,
        },
    )
    if entity_id is None:
        return
    after = {**details, **({"client": client} if client else {})}
    if in_transaction:
        await audit.record(
            actor, action, entity_type, entity_id, after=after or None, request_id=rid
        )
        return
    async with transaction():
        await audit.record(
            actor, action, entity_type, entity_id, after=after or None, request_id=rid
        )
