"""Response metadata: ``client.with_raw_response.<noun>.<method>(...)`` makes the same call
as ``client.<noun>.<method>(...)`` and answers a ``RawResponse``, the HTTP answer (status,
headers, request id, idempotent replay) with the usual result behind ``.parse()``::

    raw = client.with_raw_response.bookings.create(room_id=3, title="Lecture", start=s, end=e)
    print(raw.status_code, raw.request_id, raw.replayed)
    booking = raw.parse()

Errors are raised as usual (``ConflictError``, ...; each carries its ``response``). The
answer is that of the final attempt (after retries and a session refresh); for a list, that
of its first page.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")

# The successful answers of the calls made under ``capture`` (per thread, per task).
_sink: ContextVar[list[httpx.Response] | None] = ContextVar("compax_raw_responses", default=None)


def record(response: httpx.Response) -> None:
    """Called by the API clients with every successful answer."""
    sink = _sink.get()
    if sink is not None:
        sink.append(response)


class RawResponse(Generic[T]):
    """One call's HTTP answer and its result (``parse()``)."""

    def __init__(self, http_response: httpx.Response, parsed: T) -> None:
        self.http_response = http_response
        self._parsed = parsed

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's ``X-Request-Id``: quote it when you report a problem."""
        value: str | None = self.http_response.headers.get("x-request-id")
        return value

    @property
    def replayed(self) -> bool:
        """True when the server answered a create from its idempotency record (the same
        ``Idempotency-Key`` was sent before): nothing new was made."""
        value: str = self.http_response.headers.get("idempotent-replayed", "")
        return value.lower() == "true"

    def parse(self) -> T:
        """The result the plain call answers (a model, a page, or ``None``)."""
        return self._parsed

    def __repr__(self) -> str:
        return f"<RawResponse {self.status_code} request_id={self.request_id!r}>"


def _last(sink: list[httpx.Response], name: str) -> httpx.Response:
    if not sink:
        raise TypeError(f"{name} sends no request: it has no raw response")
    return sink[-1]


class _SyncRawNoun:
    def __init__(self, resource: object, noun: str) -> None:
        self._resource = resource
        self._noun = noun

    def __getattr__(self, name: str) -> Callable[..., RawResponse[Any]]:
        method = getattr(self._resource, name)
        if name.startswith("_") or not callable(method):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> RawResponse[Any]:
            sink: list[httpx.Response] = []
            token = _sink.set(sink)
            try:
                result = method(*args, **kwargs)
            finally:
                _sink.reset(token)
            return RawResponse(_last(sink, f"{self._noun}.{name}"), result)

        return call


class _AsyncRawNoun:
    def __init__(self, resource: object, noun: str) -> None:
        self._resource = resource
        self._noun = noun

    def __getattr__(self, name: str) -> Callable[..., Awaitable[RawResponse[Any]]]:
        method = getattr(self._resource, name)
        if name.startswith("_") or not callable(method):
            raise AttributeError(name)

        async def call(*args: Any, **kwargs: Any) -> RawResponse[Any]:
            sink: list[httpx.Response] = []
            token = _sink.set(sink)
            try:
                result = method(*args, **kwargs)
                if inspect.isawaitable(result):  # a coroutine, or a pager's first page
                    result = await result
            finally:
                _sink.reset(token)
            return RawResponse(_last(sink, f"{self._noun}.{name}"), result)

        return call


class SyncRawResponses:
    """``client.with_raw_response``: every resource of ``Compax``, answering
    ``RawResponse``s."""

    def __init__(self, client: object) -> None:
        self._client = client

    def __getattr__(self, noun: str) -> _SyncRawNoun:
        if noun.startswith("_"):
            raise AttributeError(noun)
        return _SyncRawNoun(getattr(self._client, noun), noun)


class AsyncRawResponses:
    """``client.with_raw_response`` of ``AsyncCompax``: each method is a coroutine
    answering a ``RawResponse``."""

    def __init__(self, client: object) -> None:
        self._client = client

    def __getattr__(self, noun: str) -> _AsyncRawNoun:
        if noun.startswith("_"):
            raise AttributeError(noun)
        return _AsyncRawNoun(getattr(self._client, noun), noun)
