"""``/me/notifications``: which emails the signed-in user gets.

prefs = client.notifications.get()
client.notifications.update(email_opt_out=[*prefs.email_opt_out, "reminder"])
"""

from __future__ import annotations

from collections.abc import Iterable

from compax_sdk._models import Model
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = ["AsyncNotifications", "NotificationKind", "NotificationPreferences", "Notifications"]

PATH = "/me/notifications"


class NotificationKind(Model):
    kind: str
    """The name to use in ``email_opt_out`` (``reminder``, ``cancelled``, ...)."""
    description: str = ""


class NotificationPreferences(Model):
    email_opt_out: list[str] = []
    """The kinds of email the user does not get; every other kind is on."""
    kinds: list[NotificationKind] = []
    """Every kind of email the server sends, with what it is about."""
    email_enabled: bool = False
    """Whether the server sends email at all (it has an SMTP server configured)."""


class Notifications(SyncResource):
    def get(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> NotificationPreferences:
        return self._call(
            NotificationPreferences, "GET", PATH, headers=extra_headers, timeout=timeout
        )

    def update(
        self,
        *,
        email_opt_out: Iterable[str],
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> NotificationPreferences:
        """Replace the kinds of email the user does not want (``[]``: every kind on). An
        unknown kind raises ``UnprocessableError`` naming it."""
        json = {"email_opt_out": list(email_opt_out)}
        return self._call(
            NotificationPreferences, "PUT", PATH, json=json, headers=extra_headers, timeout=timeout
        )


class AsyncNotifications(AsyncResource):
    async def get(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> NotificationPreferences:
        return await self._call(
            NotificationPreferences, "GET", PATH, headers=extra_headers, timeout=timeout
        )

    async def update(
        self,
        *,
        email_opt_out: Iterable[str],
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> NotificationPreferences:
        """Replace the kinds of email the user does not want (``[]``: every kind on). An
        unknown kind raises ``UnprocessableError`` naming it."""
        json = {"email_opt_out": list(email_opt_out)}
        return await self._call(
            NotificationPreferences, "PUT", PATH, json=json, headers=extra_headers, timeout=timeout
        )
