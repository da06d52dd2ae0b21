"""Room display tokens (staff): ``client.rooms.create_display_token(room_id)`` and
``client.rooms.revoke_display_tokens(room_id)``.

A display token opens ``/display/<token>`` on the tablet at the room's door: the room's day,
free or busy, and a check-in button. It may do nothing else (anywhere in the API it is a
``PermissionDeniedError``); revoked, the page answers 401.
"""

from __future__ import annotations

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = [
    "AsyncDisplayTokenMethods",
    "DisplayTokenCreated",
    "DisplayTokenMethods",
    "DisplayTokensRevoked",
]


class DisplayTokenCreated(Model):
    id: int
    room_id: int
    prefix: str
    token: str
    """Shown once: open ``url_path`` on the room's tablet."""
    url_path: str
    created_at: AwareDatetime


class DisplayTokensRevoked(Model):
    room_id: int
    revoked: int


def _path(room_id: int) -> str:
    return f"/rooms/{room_id}/display-tokens"


class DisplayTokenMethods(SyncResource):
    def create_display_token(
        self,
        room_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> DisplayTokenCreated:
        """A new display token for the room (the token is in the answer once)."""
        return self._call(
            DisplayTokenCreated, "POST", _path(room_id), headers=extra_headers, timeout=timeout
        )

    def revoke_display_tokens(
        self,
        room_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> DisplayTokensRevoked:
        """Every display token of the room stops working."""
        return self._call(
            DisplayTokensRevoked, "DELETE", _path(room_id), headers=extra_headers, timeout=timeout
        )


class AsyncDisplayTokenMethods(AsyncResource):
    async def create_display_token(
        self,
        room_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> DisplayTokenCreated:
        """A new display token for the room (the token is in the answer once)."""
        return await self._call(
            DisplayTokenCreated, "POST", _path(room_id), headers=extra_headers, timeout=timeout
        )

    async def revoke_display_tokens(
        self,
        room_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> DisplayTokensRevoked:
        """Every display token of the room stops working."""
        return await self._call(
            DisplayTokensRevoked, "DELETE", _path(room_id), headers=extra_headers, timeout=timeout
        )
