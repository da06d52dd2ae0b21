"""``/me``: the signed-in user's own profile and password."""

from __future__ import annotations

from compax_sdk._models import PasswordChanged
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource
from compax_sdk.resources.users import User

__all__ = ["AsyncMe", "Me"]


class Me(SyncResource):
    def get(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> User:
        return self._call(User, "GET", "/me", headers=extra_headers, timeout=timeout)

    def update(
        self,
        *,
        full_name: str,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> User:
        json = {"full_name": full_name}
        return self._call(User, "PATCH", "/me", json=json, headers=extra_headers, timeout=timeout)

    def change_password(
        self,
        *,
        current_password: str,
        new_password: str,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> PasswordChanged:
        """Every other session ends; a signed-in client continues with the returned one. The
        answer also says how many API keys stay active and carries the new calendar feed
        token (the old feed URL stops working)."""
        json = {"current_password": current_password, "new_password": new_password}
        token = self._call(
            PasswordChanged,
            "POST",
            "/me/password",
            json=json,
            headers=extra_headers,
            timeout=timeout,
        )
        if self._api.has_session():
            self._api.set_session(token)
        return token


class AsyncMe(AsyncResource):
    async def get(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> User:
        return await self._call(User, "GET", "/me", headers=extra_headers, timeout=timeout)

    async def update(
        self,
        *,
        full_name: str,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> User:
        json = {"full_name": full_name}
        return await self._call(
            User, "PATCH", "/me", json=json, headers=extra_headers, timeout=timeout
        )

    async def change_password(
        self,
        *,
        current_password: str,
        new_password: str,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> PasswordChanged:
        """Every other session ends; a signed-in client continues with the returned one. The
        answer also says how many API keys stay active and carries the new calendar feed
        token (the old feed URL stops working)."""
        json = {"current_password": current_password, "new_password": new_password}
        token = await self._call(
            PasswordChanged,
            "POST",
            "/me/password",
            json=json,
            headers=extra_headers,
            timeout=timeout,
        )
        if self._api.has_session():
            self._api.set_session(token)
        return token
