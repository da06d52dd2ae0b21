"""``/webhooks``: signed HTTP callbacks for every change (staff and admins; an API key
manages the subscriptions it made).

The signing secret (``whsec_...``) is shown on create and on ``rotate_secret`` only; check
each delivery with ``compax_sdk.webhooks.verify``. Updates carry the version you read
(``If-Match``): pass the ``Webhook`` you have, or an id and ``version=``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from compax_sdk._params import body, query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource
from compax_sdk.resources.webhooks_models import (
    Redelivered,
    Webhook,
    WebhookCreated,
    WebhookDelivery,
    WebhookDeliveryStatus,
    create_body,
    target,
    update_body,
)

__all__ = [
    "AsyncWebhooks",
    "Redelivered",
    "Webhook",
    "WebhookCreated",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "Webhooks",
]


class Webhooks(SyncResource):
    def list(
        self,
        *,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[Webhook]:
        return self._list(
            Webhook,
            "/webhooks",
            params=query({"limit": limit}),
            headers=extra_headers,
            timeout=timeout,
        )

    def create(
        self,
        *,
        url: str,
        event_types: Sequence[str],
        description: str | None = None,
        building_id: int | None = None,
        room_id: int | None = None,
        source: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WebhookCreated:
        """Subscribe ``url`` (http(s), a public address) to ``event_types``. The answer
        holds the signing secret, shown only now. Raises ``RuleViolationError`` for a
        private or unresolvable target."""
        return self._call(
            WebhookCreated,
            "POST",
            "/webhooks",
            json=create_body(url, event_types, description, building_id, room_id, source),
            headers=extra_headers,
            timeout=timeout,
        )

    def get(
        self,
        webhook_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Webhook:
        return self._call(
            Webhook, "GET", f"/webhooks/{webhook_id}", headers=extra_headers, timeout=timeout
        )

    def update(
        self,
        webhook: Webhook | int,
        *,
        version: int | str | None = None,
        url: str | NotGiven = NOT_GIVEN,
        event_types: Sequence[str] | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        building_id: int | NotGiven | None = NOT_GIVEN,
        room_id: int | NotGiven | None = NOT_GIVEN,
        source: str | NotGiven | None = NOT_GIVEN,
        active: bool | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Webhook:
        """Change what is given (``None`` clears a filter). ``active=True`` re-enables a
        subscription disabled after failures."""
        path, headers = target(webhook, version)
        return self._call(
            Webhook,
            "PATCH",
            path,
            json=update_body(url, event_types, description, building_id, room_id, source, active),
            headers={**headers, **(extra_headers or {})},
            timeout=timeout,
        )

    def delete(
        self,
        webhook_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        self._call_no_content(
            "DELETE", f"/webhooks/{webhook_id}", headers=extra_headers, timeout=timeout
        )

    def rotate_secret(
        self,
        webhook_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WebhookCreated:
        """A new secret, shown once; the old one also signs until ``previous_secret_until``."""
        return self._call(
            WebhookCreated,
            "POST",
            f"/webhooks/{webhook_id}/rotate-secret",
            headers=extra_headers,
            timeout=timeout,
        )

    def test(
        self,
        webhook_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WebhookDelivery:
        """Queue a ``webhook.test`` event; ``list_deliveries()`` shows how the receiver answered."""
        return self._call(
            WebhookDelivery,
            "POST",
            f"/webhooks/{webhook_id}/test",
            headers=extra_headers,
            timeout=timeout,
        )

    def list_deliveries(
        self,
        webhook_id: int,
        *,
        status: WebhookDeliveryStatus | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[WebhookDelivery]:
        """The delivery log, the newest first."""
        return self._list(
            WebhookDelivery,
            f"/webhooks/{webhook_id}/deliveries",
            params=query({"status": status, "limit": limit}),
            headers=extra_headers,
            timeout=timeout,
        )

    def redeliver(
        self,
        webhook_id: int,
        delivery_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WebhookDelivery:
        """Send one delivery again from the start, with the same ``webhook-id``."""
        return self._call(
            WebhookDelivery,
            "POST",
            f"/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
            headers=extra_headers,
            timeout=timeout,
        )

    def redeliver_since(
        self,
        webhook_id: int,
        since: datetime,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Redelivered:
        """Send again every delivery queued at or after ``since`` (an aware datetime)."""
        return self._call(
            Redelivered,
            "POST",
            f"/webhooks/{webhook_id}/redeliver",
            json=body({"since": since}),
            headers=extra_headers,
            timeout=timeout,
        )


class AsyncWebhooks(AsyncResource):
    def list(
        self,
        *,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[Webhook]:
        return self._list(
            Webhook,
            "/webhooks",
            params=query({"limit": limit}),
            headers=extra_headers,
            timeout=timeout,
        )

    async def create(
        self,
        *,
        url: str,
        event_types: Sequence[str],
        description: str | None = None,
        building_id: int | None = None,
        room_id: int | None = None,
        source: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WebhookCreated:
        """Subscribe ``url`` (http(s), a public address) to ``event_types``. The answer
        holds the signing secret, shown only now. Raises ``RuleViolationError`` for a
        private or unresolvable target."""
        return await self._call(
            WebhookCreated,
            "POST",
            "/webhooks",
            json=create_body(url, event_types, description, building_id, room_id, source),
            headers=extra_headers,
            timeout=timeout,
        )

    async def get(
        self,
        webhook_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Webhook:
        return await self._call(
            Webhook, "GET", f"/webhooks/{webhook_id}", headers=extra_headers, timeout=timeout
        )

    async def update(
        self,
        webhook: Webhook | int,
        *,
        version: int | str | None = None,
        url: str | NotGiven = NOT_GIVEN,
        event_types: Sequence[str] | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        building_id: int | NotGiven | None = NOT_GIVEN,
        room_id: int | NotGiven | None = NOT_GIVEN,
        source: str | NotGiven | None = NOT_GIVEN,
        active: bool | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Webhook:
        """Change what is given (``None`` clears a filter). ``active=True`` re-enables a
        subscription disabled after failures."""
        path, headers = target(webhook, version)
        return await self._call(
            Webhook,
            "PATCH",
            path,
            json=update_body(url, event_types, description, building_id, room_id, source, active),
            headers={**headers, **(extra_headers or {})},
            timeout=timeout,
        )

    async def delete(
        self,
        webhook_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> None:
        await self._call_no_content(
            "DELETE", f"/webhooks/{webhook_id}", headers=extra_headers, timeout=timeout
        )

    async def rotate_secret(
        self,
        webhook_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WebhookCreated:
        """A new secret, shown once; the old one also signs until ``previous_secret_until``."""
        return await self._call(
            WebhookCreated,
            "POST",
            f"/webhooks/{webhook_id}/rotate-secret",
            headers=extra_headers,
            timeout=timeout,
        )

    async def test(
        self,
        webhook_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WebhookDelivery:
        """Queue a ``webhook.test`` event; ``list_deliveries()`` shows how the receiver answered."""
        return await self._call(
            WebhookDelivery,
            "POST",
            f"/webhooks/{webhook_id}/test",
            headers=extra_headers,
            timeout=timeout,
        )

    def list_deliveries(
        self,
        webhook_id: int,
        *,
        status: WebhookDeliveryStatus | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[WebhookDelivery]:
        """The delivery log, the newest first."""
        return self._list(
            WebhookDelivery,
            f"/webhooks/{webhook_id}/deliveries",
            params=query({"status": status, "limit": limit}),
            headers=extra_headers,
            timeout=timeout,
        )

    async def redeliver(
        self,
        webhook_id: int,
        delivery_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> WebhookDelivery:
        """Send one delivery again from the start, with the same ``webhook-id``."""
        return await self._call(
            WebhookDelivery,
            "POST",
            f"/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
            headers=extra_headers,
            timeout=timeout,
        )

    async def redeliver_since(
        self,
        webhook_id: int,
        since: datetime,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Redelivered:
        """Send again every delivery queued at or after ``since`` (an aware datetime)."""
        return await self._call(
            Redelivered,
            "POST",
            f"/webhooks/{webhook_id}/redeliver",
            json=body({"since": since}),
            headers=extra_headers,
            timeout=timeout,
        )
