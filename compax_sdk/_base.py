"""The HTTP core shared by every resource: authentication (API key or a session that
refreshes itself), retries with backoff, and turning error responses into exceptions (the
configuration and the description of a call are ``_config``). ``SyncAPIClient`` and
``AsyncAPIClient`` are twins; what they share lives in ``BaseAPIClient``.

Retries: connection errors, timeouts, 408, 429 and 5xx are retried up to ``max_retries``
times with exponential backoff and jitter, honouring ``Retry-After``. Other 4xx answers (409,
412, 422, ...) are never retried. A request that may have been carried out (the connection
was cut while waiting for the answer; a 500, 502 or 504) is only sent again when that is
safe: reads, creates (which carry one ``Idempotency-Key`` for all their attempts), changes
guarded by ``If-Match``, and import batches (applying one twice changes nothing more).
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from compax_sdk._config import API_PREFIX, APIRequest, ClientConfig
from compax_sdk._models import Token
from compax_sdk._problem import parse_retry_after, problem_body
from compax_sdk._response import record
from compax_sdk._types import NotGiven, Timeout
from compax_sdk._version import __version__
from compax_sdk.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    error_from_response,
)

M = TypeVar("M", bound=BaseModel)

INITIAL_RETRY_DELAY = 0.5  # seconds; doubled on every retry
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not waited for: the error is raised
REFRESH_MARGIN = 30.0  # refresh the access token this long before it expires
# The server says it did not do it (timed out reading, rate limited, unavailable): retry.
NOT_DONE_STATUSES = frozenset({408, 429, 503})
# It may have been done (a failure in the middle, a gateway giving up): retry what is safe.
MAYBE_DONE_STATUSES = frozenset({500, 502, 504})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Raised before the request left: always safe to send again.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

OnTokens = Callable[[Token], None]


def _now() -> float:
    return time.monotonic()


def retry_delay(attempt: int) -> float:
    """Exponential backoff with jitter: about 0.5 s, 1 s, 2 s, ... at most 8 s."""
    delay: float = min(INITIAL_RETRY_DELAY * 2.0**attempt, MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())


def parse(model: type[M], response: httpx.Response) -> M:
    """The response body read as ``model``."""
    try:
        return model.model_validate_json(response.content)
    except PydanticValidationError as exc:
        raise APIResponseValidationError(
            response, f"The response is not a valid {model.__name__}: {exc}"
        ) from None


class BaseAPIClient:
    """What the sync and async clients share: headers, credentials, retry decisions."""

    def __init__(self, config: ClientConfig, on_tokens: OnTokens | None = None) -> None:
        self.config = config
        self.api_key = config.api_key
        self.access_token = config.access_token
        self.refresh_token = config.refresh_token
        self._refresh_at: float | None = None  # unknown expiry: refresh on a 401
        self._on_tokens = on_tokens

    # -- session ---------------------------------------------------------------------

    def set_session(self, token: Token) -> None:
        self.access_token = token.access_token
        self.refresh_token = token.refresh_token
        margin = min(REFRESH_MARGIN, token.expires_in / 10)
        self._refresh_at = _now() + token.expires_in - margin if token.expires_in else None
        if self._on_tokens is not None:
            self._on_tokens(token)

    def clear_session(self) -> None:
        self.access_token = self.refresh_token = None
        self._refresh_at = None

    def has_session(self) -> bool:
        return self.access_token is not None or self.refresh_token is not None

    def _current_token(self) -> Token:
        return Token(access_token=self.access_token or "", refresh_token=self.refresh_token or "")

    def _refresh_due(self) -> bool:
        if self.refresh_token is None:
            return False
        if self.access_token is None:
            return True
        return self._refresh_at is not None and _now() >= self._refresh_at

    def _credential(self) -> str | None:
        return self.access_token or self.api_key

    def _should_refresh(self, response: httpx.Response, sent: str | None) -> bool:
        """A 401 ``invalid_token`` for a session's access token, with a refresh token at
        hand: the access token has (probably) expired."""
        return (
            response.status_code == 401
            and sent is not None
            and sent != self.api_key
            and self.refresh_token is not None
            and problem_body(response).get("code") == "invalid_token"
        )

    def _refresh_request(self) -> APIRequest:
        # Never resent: a refresh token works once, and presenting it twice ends the session.
        return APIRequest(
            "POST",
            "/auth/refresh",
            json={"refresh_token": self.refresh_token},
            authenticated=False,
            max_retries=0,
        )

    # -- requests --------------------------------------------------------------------

    def _headers(self, req: APIRequest) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "User-Agent": f"compax-sdk-python/{__version__}",
            **self.config.default_headers,
        }
        if req.create:
            headers["Idempotency-Key"] = req.idempotency_key or str(uuid.uuid4())
        headers.update(req.headers or {})
        return headers

    def _with_credential(self, headers: dict[str, str], req: APIRequest) -> str | None:
        """Adds ``Authorization`` (unless the caller set one); returns the credential sent."""
        if not req.authenticated or any(k.lower() == "authorization" for k in headers):
            return None
        credential = self._credential()
        if credential is not None:
            headers["Authorization"] = f"Bearer {credential}"
        return credential

    def _url(self, req: APIRequest) -> str:
        return self.config.base_url + API_PREFIX + req.path

    def _timeout(self, req: APIRequest) -> Timeout:
        return self.config.timeout if isinstance(req.timeout, NotGiven) else req.timeout

    def _max_retries(self, req: APIRequest) -> int:
        return self.config.max_retries if req.max_retries is None else req.max_retries

    @staticmethod
    def _replay_safe(req: APIRequest, headers: Mapping[str, str]) -> bool:
        """Sending it twice does no more than sending it once: reads, deletes, creates with
        an Idempotency-Key, changes guarded by If-Match."""
        keys = {k.lower() for k in headers}
        return req.method in SAFE_METHODS or "idempotency-key" in keys or "if-match" in keys

    def _may_resend(
        self, exc: httpx.TransportError, req: APIRequest, headers: Mapping[str, str]
    ) -> bool:
        if isinstance(exc, httpx.UnsupportedProtocol):
            return False
        return isinstance(exc, NOT_SENT) or self._replay_safe(req, headers)

    def _response_delay(
        self, response: httpx.Response, req: APIRequest, headers: Mapping[str, str], attempt: int
    ) -> float | None:
        """How long to wait before retrying this response; ``None``: do not retry."""
        status = response.status_code
        problem = problem_body(response)
        still_running = status == 409 and problem.get("code") == "request_in_progress"
        if (
            status not in NOT_DONE_STATUSES
            and not still_running
            and not (status in MAYBE_DONE_STATUSES and self._replay_safe(req, headers))
        ):
            return None
        wait = parse_retry_after(response, problem)
        if wait is None:
            return retry_delay(attempt)
        return wait if wait <= MAX_RETRY_AFTER else None

    @staticmethod
    def _connection_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(request)
        return APIConnectionError(request, f"Connection error: {str(exc) or type(exc).__name__}.")


class SyncAPIClient(BaseAPIClient):
    def __init__(
        self,
        config: ClientConfig,
        *,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        on_tokens: OnTokens | None = None,
    ) -> None:
        super().__init__(config, on_tokens)
        if http_client is not None and transport is not None:
            raise ValueError("pass http_client or transport, not both")
        self._owns_http = http_client is None
        self.http = http_client or httpx.Client(transport=transport, timeout=config.timeout)
        self._lock = threading.Lock()

    def close(self) -> None:
        if self._owns_http:
            self.http.close()

    def request(self, req: APIRequest) -> httpx.Response:
        """Send ``req``, retrying and refreshing the session as needed; raise on errors."""
        headers = self._headers(req)
        retries = self._max_retries(req)
        attempt = 0
        refreshed = False
        while True:
            if req.authenticated and self._refresh_due():
                self.refresh_session(replacing=self.access_token)
            attempt_headers = dict(headers)
            sent = self._with_credential(attempt_headers, req)
            request = self.http.build_request(
                req.method,
                self._url(req),
                params=req.params,
                json=req.json,
                content=req.content,
                headers=attempt_headers,
                timeout=self._timeout(req),
            )
            try:
                response = self.http.send(request)
            except httpx.TransportError as exc:
                if attempt < retries and self._may_resend(exc, req, headers):
                    time.sleep(retry_delay(attempt))
                    attempt += 1
                    continue
                raise self._connection_error(exc, request) from exc
            if response.is_success:
                record(response)
                return response
            if not refreshed and self._should_refresh(response, sent):
                refreshed = True
                self.refresh_session(replacing=sent)
                continue
            delay = (
                self._response_delay(response, req, headers, attempt) if attempt < retries else None
            )
            if delay is None:
                raise error_from_response(response)
            time.sleep(delay)
            attempt += 1

    def refresh_session(self, *, replacing: str | None = None, force: bool = False) -> Token:
        """Trade the refresh token for a new pair. Unless ``force``, only when the access
        token is still ``replacing`` (another thread may have refreshed it meanwhile)."""
        with self._lock:
            if not force and self.access_token is not None and self.access_token != replacing:
                return self._current_token()
            if self.refresh_token is None:
                raise ValueError("there is no session to refresh: log in first")
            try:
                response = self.request(self._refresh_request())
            except APIError as exc:
                if exc.status == 401:
                    self.clear_session()
                raise
            token = parse(Token, response)
            self.set_session(token)
            return token


class AsyncAPIClient(BaseAPIClient):
    def __init__(
        self,
        config: ClientConfig,
        *,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        on_tokens: OnTokens | None = None,
    ) -> None:
        super().__init__(config, on_tokens)
        if http_client is not None and transport is not None:
            raise ValueError("pass http_client or transport, not both")
        self._owns_http = http_client is None
        self.http = http_client or httpx.AsyncClient(transport=transport, timeout=config.timeout)
        self._lock = asyncio.Lock()

    async def close(self) -> None:
        if self._owns_http:
            await self.http.aclose()

    async def request(self, req: APIRequest) -> httpx.Response:
        """Send ``req``, retrying and refreshing the session as needed; raise on errors."""
        headers = self._headers(req)
        retries = self._max_retries(req)
        attempt = 0
        refreshed = False
        while True:
            if req.authenticated and self._refresh_due():
                await self.refresh_session(replacing=self.access_token)
            attempt_headers = dict(headers)
            sent = self._with_credential(attempt_headers, req)
            request = self.http.build_request(
                req.method,
                self._url(req),
                params=req.params,
                json=req.json,
                content=req.content,
                headers=attempt_headers,
                timeout=self._timeout(req),
            )
            try:
                response = await self.http.send(request)
            except httpx.TransportError as exc:
                if attempt < retries and self._may_resend(exc, req, headers):
                    await asyncio.sleep(retry_delay(attempt))
                    attempt += 1
                    continue
                raise self._connection_error(exc, request) from exc
            if response.is_success:
                record(response)
                return response
            if not refreshed and self._should_refresh(response, sent):
                refreshed = True
                await self.refresh_session(replacing=sent)
                continue
            delay = (
                self._response_delay(response, req, headers, attempt) if attempt < retries else None
            )
            if delay is None:
                raise error_from_response(response)
            await asyncio.sleep(delay)
            attempt += 1

    async def refresh_session(self, *, replacing: str | None = None, force: bool = False) -> Token:
        """Trade the refresh token for a new pair. Unless ``force``, only when the access
        token is still ``replacing`` (another task may have refreshed it meanwhile)."""
        async with self._lock:
            if not force and self.access_token is not None and self.access_token != replacing:
                return self._current_token()
            if self.refresh_token is None:
                raise ValueError("there is no session to refresh: log in first")
            try:
                response = await self.request(self._refresh_request())
            except APIError as exc:
                if exc.status == 401:
                    self.clear_session()
                raise
            token = parse(Token, response)
            self.set_session(token)
            return token


class PageBody(BaseModel):
    data: list[Any]
    next_cursor: str | None = None


def parse_page(item: type[M], response: httpx.Response) -> tuple[list[M], str | None]:
    """The items and the next cursor of a ``{"data": [...], "next_cursor": ...}`` body."""
    try:
        page = PageBody.model_validate_json(response.content)
        return [item.model_validate(x) for x in page.data], page.next_cursor
    except PydanticValidationError as exc:
        raise APIResponseValidationError(
            response, f"The response is not a page of {item.__name__}: {exc}"
        ) from None
