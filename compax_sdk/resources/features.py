"""``/features``: the vocabulary of room features (projector, whiteboard, ...)."""

from __future__ import annotations

from compax_sdk._models import Model
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.paging import AsyncPager, SyncPage
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = ["AsyncFeatures", "Feature", "Features"]


class Feature(Model):
    id: int
    code: str
    name: str


class Features(SyncResource):
    def list(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> SyncPage[Feature]:
        return self._list(Feature, "/features", headers=extra_headers, timeout=timeout)

    def create(
        self,
        *,
        code: str,
        name: str,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Feature:
        """``code`` is lowercase: ``projector``, ``wheelchair-access``."""
        return self._call(
            Feature,
            "POST",
            "/features",
            json={"code": code, "name": name},
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )


class AsyncFeatures(AsyncResource):
    def list(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> AsyncPager[Feature]:
        return self._list(Feature, "/features", headers=extra_headers, timeout=timeout)

    async def create(
        self,
        *,
        code: str,
        name: str,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Feature:
        """``code`` is lowercase: ``projector``, ``wheelchair-access``."""
        return await self._call(
            Feature,
            "POST",
            "/features",
            json={"code": code, "name": name},
            create=True,
            idempotency_key=idempotency_key,
            headers=extra_headers,
            timeout=timeout,
        )
