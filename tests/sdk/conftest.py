"""SDK test fixtures: both clients against the in-process app.

``connect(user)`` gives a client signed in as ``user`` (an access token), wrapped in a
``Twin`` so that one test body drives ``Compax`` and ``AsyncCompax`` alike: every call is
awaited (the sync client's in a worker thread, its requests served on the test's event
loop), and lists come back as plain lists of every item of every page. The ``kind``
parameter runs each test with both.
"""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import jwt
import pytest

from compax_sdk import AsyncCompax, AsyncPager, Compax, SyncPage
from compax_sdk.resources._resource import AsyncResource, SyncResource
from compax_server import runtime
from compax_server.db.users import User
from compax_server.services import auth

BASE_URL = "http://testserver"
CLIENT_ADDRESS = ("10.0.0.1", 40000)


class RecordingASGITransport(httpx.ASGITransport):
    """The in-process app, for ``AsyncCompax``; keeps every request it was sent."""

    def __init__(self, app: Any, sent: list[httpx.Request]) -> None:
        super().__init__(app=app, client=CLIENT_ADDRESS)
        self.sent = sent

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return await super().handle_async_request(request)


class ThreadBridgeTransport(httpx.BaseTransport):
    """The in-process app, for ``Compax``: the sync client runs in a worker thread and each
    request is served by the app on the test's event loop."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop, sent: list[httpx.Request]):
        self.asgi = httpx.ASGITransport(app=app, client=CLIENT_ADDRESS)
        self.loop = loop
        self.sent = sent

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            raise RuntimeError("call the sync client from a worker thread (see Twin)")
        request.read()
        self.sent.append(request)
        return asyncio.run_coroutine_threadsafe(self._send(request), self.loop).result()

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self.asgi.handle_async_request(request)
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
        return httpx.Response(response.status_code, headers=response.headers, content=raw)


def _collect_sync(result: Any) -> Any:
    if isinstance(result, SyncPage | Iterator):
        return list(result)
    return result


async def _collect_async(result: Any) -> Any:
    if isinstance(result, AsyncPager | AsyncIterator):
        return [item async for item in result]
    if inspect.isawaitable(result):
        return await result
    return result


class Twin:
    """A ``Compax`` or an ``AsyncCompax`` called the same way (see the module docstring)."""

    def __init__(self, target: Any, kind: str, sent: list[httpx.Request]) -> None:
        self._target = target
        self.kind = kind
        self.sent = sent

    @property
    def client(self) -> Any:
        return self._target

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if isinstance(value, SyncResource | AsyncResource):
            return Twin(value, self.kind, self.sent)
        if not callable(value):
            return value

        async def call(*args: Any, **kwargs: Any) -> Any:
            if self.kind == "sync":
                return await asyncio.to_thread(lambda: _collect_sync(value(*args, **kwargs)))
            return await _collect_async(value(*args, **kwargs))

        return call

    def last(self, method: str, path_end: str = "") -> httpx.Request:
        """The last request sent with ``method`` whose path ends with ``path_end``."""
        return next(
            r for r in reversed(self.sent) if r.method == method and r.url.path.endswith(path_end)
        )


def public_methods(resource: object) -> set[str]:
    """The methods of a resource a caller may call (not mutmut's copies of them, named
    ``xǁClassǁmethod__mutmut_...``, when a mutation run has rewritten the module)."""
    return {
        name
        for name in dir(resource)
        if not name.startswith("_") and "ǁ" not in name and callable(getattr(resource, name))
    }


def access_token(user: User) -> str:
    token, _ = auth.issue_access_token(user)
    return token


def expired_token(user: User) -> str:
    """An access token of ``user`` that expired a minute ago, signed like the server's."""
    settings = runtime.settings()
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user.pk),
        "iat": now - 1000,
        "exp": now - 60,
        "jti": uuid.uuid4().hex,
        "tv": user.token_version,
        "role": user.role.value,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=auth.JWT_ALGORITHM)


@pytest.fixture(autouse=True)
def no_client_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clients read COMPAX_URL, COMPAX_API_KEY and COMPAX_TOKEN: none from the shell
    running the tests."""
    for name in ("COMPAX_URL", "COMPAX_API_KEY", "COMPAX_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


Connect = Callable[..., Twin]


@pytest.fixture
async def connect(app: Any, kind: str) -> AsyncIterator[Connect]:
    loop = asyncio.get_running_loop()
    made: list[Any] = []

    def make(user: User | None = None, **options: Any) -> Twin:
        if user is not None:
            options.setdefault("access_token", access_token(user))
        options.setdefault("base_url", BASE_URL)
        sent: list[httpx.Request] = []
        client: Any
        if kind == "sync":
            client = Compax(transport=ThreadBridgeTransport(app, loop, sent), **options)
        else:
            client = AsyncCompax(transport=RecordingASGITransport(app, sent), **options)
        made.append(client)
        return Twin(client, kind, sent)

    yield make
    for client in made:
        if isinstance(client, AsyncCompax):
            await client.close()
        else:
            client.close()


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff in milliseconds instead of seconds."""
    import compax_sdk._base

    monkeypatch.setattr(compax_sdk._base, "INITIAL_RETRY_DELAY", 0.001)


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
async def offline(kind: str, fast_retries: None) -> AsyncIterator[Callable[..., Twin]]:
    """``offline(handler, **options)``: a client whose requests ``handler`` answers (an
    ``httpx.MockTransport``), for what the real server does not do on demand."""
    made: list[Any] = []

    def make(handler: Handler, **options: Any) -> Twin:
        options.setdefault("base_url", BASE_URL)
        options.setdefault("api_key", "cpx_test_key")
        sent: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            request.read()
            sent.append(request)
            return handler(request)

        client: Any
        if kind == "sync":
            client = Compax(transport=httpx.MockTransport(record), **options)
        else:
            client = AsyncCompax(transport=httpx.MockTransport(record), **options)
        made.append(client)
        return Twin(client, kind, sent)

    yield make
    for client in made:
        if isinstance(client, AsyncCompax):
            await client.close()
        else:
            client.close()


def answers(*responses: httpx.Response | Exception) -> Handler:
    """A handler for ``offline`` that answers with ``responses`` in turn (raising the
    exceptions)."""
    queue = list(responses)

    def handle(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handle


def tokens(access: str = "a", refresh: str = "r", **extra: Any) -> httpx.Response:
    """A login's or a refresh's answer: a token pair."""
    pair = {"access_token": access, "refresh_token": refresh, "token_type": "bearer"}
    return httpx.Response(200, json={**pair, **extra})


def problem(status: int, code: str, **extra: Any) -> httpx.Response:
    body = {
        "type": f"https://compax.example/problems/{code}",
        "title": code.replace("_", " "),
        "status": status,
        "detail": f"detail of {code}",
        "code": code,
        "request_id": "req-1",
        **extra,
    }
    headers = {"content-type": "application/problem+json", "x-request-id": "req-1"}
    return httpx.Response(status, json=body, headers=headers)
