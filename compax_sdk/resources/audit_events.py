"""``/audit-events``: who changed what, when (staff and administrators)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._params import query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = ["AsyncAuditEvents", "AuditEvent", "AuditEvents"]


class AuditEvent(Model):
    id: int
    at: AwareDatetime
    actor_user_id: int | None = None
    actor_api_key_id: int | None = None
    actor_label: str = ""
    action: str  # booking.create, booking.cancel, room.update, ...
    entity_type: str
    entity_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    request_id: str = ""


def _params(
    entity_type: str | None,
    entity_id: int | None,
    actor_user_id: int | None,
    action: str | None,
    from_: datetime | None,
    to: datetime | None,
    limit: int | None,
    order: Literal["asc", "desc"] | None,
) -> dict[str, str]:
    return query(
        {
            "entity_type": entity_type,
            "entity_id": entity_id,
            "actor_user_id": actor_user_id,
            "action": action,
            "from": from_,
            "to": to,
            "limit": limit,
            "order": order,
        }
    )


class AuditEvents(SyncResource):
    def list(
        self,
        *,
        entity_type: str | None = None,
        entity_id: int | None = None,
        actor_user_id: int | None = None,
        action: str | None = None,
        from_: datetime | None = None,
        to: datetime | None = None,
        limit: int | None = None,
        order: Literal["asc", "desc"] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[AuditEvent]:
        """Oldest first (``order="desc"``: the newest first); ``from_`` inclusive, ``to``
        exclusive."""
        params = _params(entity_type, entity_id, actor_user_id, action, from_, to, limit, order)
        return self._list(
            AuditEvent, "/audit-events", params=params, headers=extra_headers, timeout=timeout
        )


class AsyncAuditEvents(AsyncResource):
    def list(
        self,
        *,
        entity_type: str | None = None,
        entity_id: int | None = None,
        actor_user_id: int | None = None,
        action: str | None = None,
        from_: datetime | None = None,
        to: datetime | None = None,
        limit: int | None = None,
        order: Literal["asc", "desc"] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[AuditEvent]:
        """Oldest first (``order="desc"``: the newest first); ``from_`` inclusive, ``to``
        exclusive."""
        params = _params(entity_type, entity_id, actor_user_id, action, from_, to, limit, order)
        return self._list(
            AuditEvent, "/audit-events", params=params, headers=extra_headers, timeout=timeout
        )
