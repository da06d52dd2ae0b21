"""The base of every resource class: building requests and reading responses.

A resource method describes one call (method, path, parameters, body) and names the model
of the answer; the API client does the rest (credentials, retries, errors)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from compax_sdk._base import AsyncAPIClient, SyncAPIClient, parse, parse_page
from compax_sdk._config import APIRequest
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.errors import APIError, error_from_response
from compax_sdk.paging import AsyncPage, AsyncPager, SyncPage

M = TypeVar("M", bound=BaseModel)
Headers = Mapping[str, str] | None


def version_tag(version: int | str) -> str:
    """An ``If-Match`` value: a version number becomes the ETag ``"<version>"``; an ETag
    (``"3"``, ``W/"3"``) or ``*`` is sent as it is."""
    if isinstance(version, int):
        return f'"{version}"'
    if version == "*" or version.startswith(('"', 'W/"')):
        return version
    return f'"{version}"'


def versioned(resource: Any, version: int | str | None) -> tuple[int, dict[str, str]]:
    """The id of ``resource`` (a model with ``id`` and ``version``, or an id: ``7`` or
    ``"7"``) and its ``If-Match`` header. ``version`` overrides the model's. An id alone
    sends no header and the server answers ``PreconditionRequiredError``: read the object
    first."""
    if isinstance(resource, int | str):
        ident = int(resource)
    else:
        ident = int(resource.id)
        version = resource.version if version is None else version
    return ident, ({"If-Match": version_tag(version)} if version is not None else {})


def is_id(ref: int | str) -> bool:
    """An id (``3``, ``"3"``) rather than a code or an email (``"M-101"``); ``"²"`` is
    not one (``str.isdigit`` takes it, ``int`` does not)."""
    return isinstance(ref, int) or (ref.isascii() and ref.isdigit())


def lookup_params(field: str, value: str) -> dict[str, str]:
    return {field: value, "limit": "1"}


def nothing_found(response: httpx.Response, detail: str) -> APIError:
    """A ``NotFoundError`` for an exact lookup (by code or email) that matched nothing, as
    if the server had answered 404; it keeps the list answer's request id."""
    request_id = response.headers.get("x-request-id")
    problem = {"title": "Not found", "status": 404, "detail": detail, "code": "not_found"}
    if request_id:
        problem["request_id"] = request_id
    not_found = httpx.Response(
        404,
        json=problem,
        headers={"content-type": "application/problem+json"},
        request=response.request,
    )
    return error_from_response(not_found)


class SyncResource:
    def __init__(self, api: SyncAPIClient) -> None:
        self._api = api

    def _call(
        self,
        model: type[M],
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Headers = None,
        create: bool = False,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        authenticated: bool = True,
        content: bytes | None = None,
    ) -> M:
        req = APIRequest(
            method,
            path,
            params=params,
            json=json,
            headers=headers,
            timeout=timeout,
            create=create,
            idempotency_key=idempotency_key,
            authenticated=authenticated,
            content=content,
        )
        return parse(model, self._api.request(req))

    def _call_no_content(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: Headers = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        authenticated: bool = True,
    ) -> None:
        req = APIRequest(
            method, path, json=json, headers=headers, timeout=timeout, authenticated=authenticated
        )
        self._api.request(req)

    def _find(
        self,
        item: type[M],
        path: str,
        params: Mapping[str, str],
        missing: str,
        *,
        headers: Headers = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> M:
        """The one item of a list filtered by an exact key; ``NotFoundError`` when none."""
        req = APIRequest("GET", path, params=params, headers=headers, timeout=timeout)
        response = self._api.request(req)
        found, _ = parse_page(item, response)
        if not found:
            raise nothing_found(response, missing)
        return found[0]

    def _list(
        self,
        item: type[M],
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Headers = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> SyncPage[M]:
        def fetch(cursor: str | None) -> SyncPage[M]:
            query = dict(params or {}) | ({"cursor": cursor} if cursor else {})
            req = APIRequest("GET", path, params=query, headers=headers, timeout=timeout)
            data, next_cursor = parse_page(item, self._api.request(req))
            return SyncPage(data, next_cursor, fetch)

        return fetch(None)


class AsyncResource:
    def __init__(self, api: AsyncAPIClient) -> None:
        self._api = api

    async def _call(
        self,
        model: type[M],
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Headers = None,
        create: bool = False,
        idempotency_key: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        authenticated: bool = True,
        content: bytes | None = None,
    ) -> M:
        req = APIRequest(
            method,
            path,
            params=params,
            json=json,
            headers=headers,
            timeout=timeout,
            create=create,
            idempotency_key=idempotency_key,
            authenticated=authenticated,
            content=content,
        )
        return parse(model, await self._api.request(req))

    async def _call_no_content(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: Headers = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        authenticated: bool = True,
    ) -> None:
        req = APIRequest(
            method, path, json=json, headers=headers, timeout=timeout, authenticated=authenticated
        )
        await self._api.request(req)

    async def _find(
        self,
        item: type[M],
        path: str,
        params: Mapping[str, str],
        missing: str,
        *,
        headers: Headers = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> M:
        """The one item of a list filtered by an exact key; ``NotFoundError`` when none."""
        req = APIRequest("GET", path, params=params, headers=headers, timeout=timeout)
        response = await self._api.request(req)
        found, _ = parse_page(item, response)
        if not found:
            raise nothing_found(response, missing)
        return found[0]

    def _list(
        self,
        item: type[M],
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Headers = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[M]:
        async def fetch(cursor: str | None) -> AsyncPage[M]:
            query = dict(params or {}) | ({"cursor": cursor} if cursor else {})
            req = APIRequest("GET", path, params=query, headers=headers, timeout=timeout)
            data, next_cursor = parse_page(item, await self._api.request(req))
            return AsyncPage(data, next_cursor, fetch)

        return AsyncPager(lambda: fetch(None))
