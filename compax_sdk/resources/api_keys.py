"""``/api-keys``: keys for integrations (administrators). Send a key as ``api_key=``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._params import body, query
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = ["ApiKey", "ApiKeyCreated", "ApiKeys", "AsyncApiKeys", "Scope"]

Scope = Literal["read", "write", "import", "admin"]


class ApiKey(Model):
    id: int
    name: str
    prefix: str
    user_id: int
    scopes: list[str]
    created_at: AwareDatetime
    expires_at: AwareDatetime | None = None
    last_used_at: AwareDatetime | None = None
    revoked_at: AwareDatetime | None = None


class ApiKeyCreated(ApiKey):
    secret: str
    """The key itself (``cpx_...``). Shown only in this response: store it now."""


def _create_body(
    user_id: int, name: str, scopes: Sequence[Scope], expires_at: datetime | None
) -> dict[str, object]:
    return body(
        {"user_id": user_id, "name": name, "scopes": list(scopes), "expires_at": expires_at}
    )


class ApiKeys(SyncResource):
    def list(
        self,
        *,
        user_id: int | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> SyncPage[ApiKey]:
        params = query({"user_id": user_id, "limit": limit})
        return self._list(
            ApiKey, "/api-keys", params=params, headers=extra_headers, timeout=timeout
        )

    def create(
        self,
        *,
        user_id: int,
        name: str,
        scopes: Sequence[Scope],
        expires_at: datetime | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ApiKeyCreated:
        """The key's secret is in this answer only; the server keeps no copy, so a create
        whose answer was lost is not resent: list the keys and revoke the stray one."""
        return self._call(
            ApiKeyCreated,
            "POST",
            "/api-keys",
            json=_create_body(user_id, name, scopes, expires_at),
            headers=extra_headers,
            timeout=timeout,
        )

    def get(
        self, key_id: int, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> ApiKey:
        return self._call(
            ApiKey, "GET", f"/api-keys/{key_id}", headers=extra_headers, timeout=timeout
        )

    def revoke(
        self, key_id: int, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> ApiKey:
        """The key stops working at once; it stays listed with ``revoked_at``."""
        return self._call(
            ApiKey, "DELETE", f"/api-keys/{key_id}", headers=extra_headers, timeout=timeout
        )


class AsyncApiKeys(AsyncResource):
    def list(
        self,
        *,
        user_id: int | None = None,
        limit: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> AsyncPager[ApiKey]:
        params = query({"user_id": user_id, "limit": limit})
        return self._list(
            ApiKey, "/api-keys", params=params, headers=extra_headers, timeout=timeout
        )

    async def create(
        self,
        *,
        user_id: int,
        name: str,
        scopes: Sequence[Scope],
        expires_at: datetime | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> ApiKeyCreated:
        """The key's secret is in this answer only; the server keeps no copy, so a create
        whose answer was lost is not resent: list the keys and revoke the stray one."""
        return await self._call(
            ApiKeyCreated,
            "POST",
            "/api-keys",
            json=_create_body(user_id, name, scopes, expires_at),
            headers=extra_headers,
            timeout=timeout,
        )

    async def get(
        self, key_id: int, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> ApiKey:
        return await self._call(
            ApiKey, "GET", f"/api-keys/{key_id}", headers=extra_headers, timeout=timeout
        )

    async def revoke(
        self, key_id: int, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> ApiKey:
        """The key stops working at once; it stays listed with ``revoked_at``."""
        return await self._call(
            ApiKey, "DELETE", f"/api-keys/{key_id}", headers=extra_headers, timeout=timeout
        )
