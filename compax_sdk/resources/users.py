"""``/users``: user management (administrators). Your own profile is ``me``."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._params import body, query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import (
    AsyncResource,
    Headers,
    SyncResource,
    is_id,
    lookup_params,
    versioned,
)
from compax_sdk.resources.noshows import AsyncNoshowMethods, NoshowMethods

__all__ = ["AsyncUsers", "Role", "User", "Users"]

Role = Literal["admin", "staff", "member"]


class User(Model):
    id: int
    email: str
    full_name: str
    role: str  # admin, staff or member
    is_active: bool
    version: int = 0
    created_at: AwareDatetime
    updated_at: AwareDatetime


class Users(NoshowMethods, SyncResource):
    def list(
        self,
        *,
        role: Role | None = None,
        is_active: bool | None = None,
        q: str | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[User]:
        params = query({"role": role, "is_active": is_active, "q": q, "limit": limit})
        return self._list(User, "/users", params=params, headers=extra_headers, timeout=timeout)

    def create(
        self,
        *,
        email: str,
        full_name: str,
        role: Role | None = None,
        password: str | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> User:
        """Without ``password``: a service account that only uses API keys."""
        json = body({"email": email, "full_name": full_name, "role": role, "password": password})
        return self._call(
            User,
            "POST",
            "/users",
            json=json,
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    def get(
        self,
        user: int | str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> User:
        """A user by id (``7``) or by email (``"ada@campus.example"``, exact, any case);
        ``NotFoundError`` when there is none. A string of digits is an id."""
        if is_id(user):
            path = f"/users/{int(user)}"
            return self._call(User, "GET", path, headers=extra_headers, timeout=timeout)
        params, missing = lookup_params("email", str(user)), f"there is no user {user!r}"
        return self._find(User, "/users", params, missing, headers=extra_headers, timeout=timeout)

    def update(
        self,
        user: User | int,
        *,
        version: int | str | None = None,
        email: str | NotGiven = NOT_GIVEN,
        full_name: str | NotGiven = NOT_GIVEN,
        role: Role | NotGiven = NOT_GIVEN,
        is_active: bool | NotGiven = NOT_GIVEN,
        password: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> User:
        """A role change, a deactivation or a password reset ends the user's sessions. Pass
        the ``User`` you read (its version goes in ``If-Match``), or an id and ``version=``."""
        user_id, headers = versioned(user, version)
        json = body(
            {
                "email": email,
                "full_name": full_name,
                "role": role,
                "is_active": is_active,
                "password": password,
            }
        )
        return self._call(
            User,
            "PATCH",
            f"/users/{user_id}",
            json=json,
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    def deactivate(
        self,
        user_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> User:
        """Users are never deleted: they can no longer log in, their keys stop working."""
        return self._call(
            User, "DELETE", f"/users/{user_id}", headers=extra_headers, timeout=timeout
        )


class AsyncUsers(AsyncNoshowMethods, AsyncResource):
    def list(
        self,
        *,
        role: Role | None = None,
        is_active: bool | None = None,
        q: str | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[User]:
        params = query({"role": role, "is_active": is_active, "q": q, "limit": limit})
        return self._list(User, "/users", params=params, headers=extra_headers, timeout=timeout)

    async def create(
        self,
        *,
        email: str,
        full_name: str,
        role: Role | None = None,
        password: str | None = None,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> User:
        """Without ``password``: a service account that only uses API keys."""
        json = body({"email": email, "full_name": full_name, "role": role, "password": password})
        return await self._call(
            User,
            "POST",
            "/users",
            json=json,
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )

    async def get(
        self,
        user: int | str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> User:
        """A user by id (``7``) or by email (``"ada@campus.example"``, exact, any case);
        ``NotFoundError`` when there is none. A string of digits is an id."""
        if is_id(user):
            path = f"/users/{int(user)}"
            return await self._call(User, "GET", path, headers=extra_headers, timeout=timeout)
        params, missing = lookup_params("email", str(user)), f"there is no user {user!r}"
        return await self._find(
            User, "/users", params, missing, headers=extra_headers, timeout=timeout
        )

    async def update(
        self,
        user: User | int,
        *,
        version: int | str | None = None,
        email: str | NotGiven = NOT_GIVEN,
        full_name: str | NotGiven = NOT_GIVEN,
        role: Role | NotGiven = NOT_GIVEN,
        is_active: bool | NotGiven = NOT_GIVEN,
        password: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> User:
        """A role change, a deactivation or a password reset ends the user's sessions. Pass
        the ``User`` you read (its version goes in ``If-Match``), or an id and ``version=``."""
        user_id, headers = versioned(user, version)
        json = body(
            {
                "email": email,
                "full_name": full_name,
                "role": role,
                "is_active": is_active,
                "password": password,
            }
        )
        return await self._call(
            User,
            "PATCH",
            f"/users/{user_id}",
            json=json,
            headers=headers | dict(extra_headers or {}),
            timeout=timeout,
        )

    async def deactivate(
        self,
        user_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> User:
        """Users are never deleted: they can no longer log in, their keys stop working."""
        return await self._call(
            User, "DELETE", f"/users/{user_id}", headers=extra_headers, timeout=timeout
        )
