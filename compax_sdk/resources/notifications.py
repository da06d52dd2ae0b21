"""``/notifications``."""

from __future__ import annotations

from compax_sdk.resources._resource import AsyncResource, SyncResource

__all__ = ["AsyncNotifications", "Notifications"]


class Notifications(SyncResource):
    pass


class AsyncNotifications(AsyncResource):
    pass
