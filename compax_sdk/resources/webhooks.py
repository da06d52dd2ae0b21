"""``/webhooks``."""

from __future__ import annotations

from compax_sdk.resources._resource import AsyncResource, SyncResource

__all__ = ["AsyncWebhooks", "Webhooks"]


class Webhooks(SyncResource):
    pass


class AsyncWebhooks(AsyncResource):
    pass
