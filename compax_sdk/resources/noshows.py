"""The no-show policy (staff): ``client.users.lift_noshows(user_id)``.

After too many missed check-ins a member's bookings are refused (``RuleViolationError``
with code ``noshow_ban``; its ``body`` lists ``noshows`` and says ``until`` when). Lifting
makes the no-shows so far no longer count."""

from __future__ import annotations

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = ["AsyncNoshowMethods", "NoshowMethods", "NoshowsLifted"]


class NoshowsLifted(Model):
    user_id: int
    lifted_at: AwareDatetime
    """No-shows before this no longer count."""


class NoshowMethods(SyncResource):
    def lift_noshows(
        self,
        user_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> NoshowsLifted:
        """Staff: lift the member's no-show ban."""
        path = f"/users/{user_id}/lift-noshows"
        return self._call(NoshowsLifted, "POST", path, headers=extra_headers, timeout=timeout)


class AsyncNoshowMethods(AsyncResource):
    async def lift_noshows(
        self,
        user_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> NoshowsLifted:
        """Staff: lift the member's no-show ban."""
        path = f"/users/{user_id}/lift-noshows"
        return await self._call(NoshowsLifted, "POST", path, headers=extra_headers, timeout=timeout)
