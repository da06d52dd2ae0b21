"""``Compax`` and ``AsyncCompax``: the clients. Same constructor, same resources; the async
one's methods are coroutines and its lists are ``async for``-able.

Configuration, each from the argument, else the environment, else the default:

==============  ==================  =========================
argument        environment         default
==============  ==================  =========================
base_url        COMPAX_URL          http://127.0.0.1:8000
api_key         COMPAX_API_KEY      none
access_token    COMPAX_TOKEN        none
==============  ==================  =========================

After ``client.auth.login(email, password)`` the client sends the session's access token
and renews it with the refresh token before it expires (or when the server says it has).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

import httpx

from compax_sdk._base import AsyncAPIClient, OnTokens, SyncAPIClient
from compax_sdk._config import DEFAULT_MAX_RETRIES, ClientConfig
from compax_sdk._response import AsyncRawResponses, SyncRawResponses
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources import (
    ApiKeys,
    AsyncApiKeys,
    AsyncAuditEvents,
    AsyncAuth,
    AsyncBookings,
    AsyncBuildings,
    AsyncChanges,
    AsyncFavourites,
    AsyncFeatures,
    AsyncFeeds,
    AsyncImports,
    AsyncManagers,
    AsyncMe,
    AsyncNotifications,
    AsyncOptimizer,
    AsyncReports,
    AsyncRooms,
    AsyncRules,
    AsyncSchedules,
    AsyncSeries,
    AsyncSso,
    AsyncTerms,
    AsyncUsers,
    AsyncWaitlist,
    AsyncWebhooks,
    AuditEvents,
    Auth,
    Bookings,
    Buildings,
    Changes,
    Favourites,
    Features,
    Feeds,
    Imports,
    Managers,
    Me,
    Notifications,
    Optimizer,
    Reports,
    Rooms,
    Rules,
    Schedules,
    Series,
    Sso,
    Terms,
    Users,
    Waitlist,
    Webhooks,
)


class Compax:
    """The Compax API, synchronously::

        with Compax(base_url="https://compax.campus.example") as client:
            client.auth.login("me@campus.example", "my password")
            for booking in client.bookings.list(room_id=3):
                print(booking.title, booking.start)

    ``api_key`` (``cpx_...``) or ``access_token`` authenticate without logging in;
    ``refresh_token`` resumes a saved session; ``on_tokens`` is called with every new token
    pair (to save it: refresh tokens work once). ``timeout`` is in seconds (or an
    ``httpx.Timeout``); failed calls are retried ``max_retries`` times. ``http_client`` or
    ``transport`` replace the HTTP layer (proxies, tests).
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        on_tokens: OnTokens | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        config = ClientConfig.resolve(
            base_url=base_url,
            api_key=api_key,
            access_token=access_token,
            refresh_token=refresh_token,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._api = SyncAPIClient(
            config, http_client=http_client, transport=transport, on_tokens=on_tokens
        )
        self.auth = Auth(self._api)
        self.sso = Sso(self._api)
        self.me = Me(self._api)
        self.users = Users(self._api)
        self.api_keys = ApiKeys(self._api)
        self.buildings = Buildings(self._api)
        self.features = Features(self._api)
        self.rooms = Rooms(self._api)
        self.schedule = Schedules(self._api)
        self.reports = Reports(self._api)
        self.bookings = Bookings(self._api)
        self.terms = Terms(self._api)
        self.series = Series(self._api)
        self.imports = Imports(self._api)
        self.optimizer = Optimizer(self._api)
        self.rules = Rules(self._api)
        self.audit_events = AuditEvents(self._api)
        self.changes = Changes(self._api)
        self.webhooks = Webhooks(self._api)
        self.notifications = Notifications(self._api)
        self.managers = Managers(self._api)
        self.favourites = Favourites(self._api)
        self.waitlist = Waitlist(self._api)
        self.feeds = Feeds(self._api)

    @property
    def with_raw_response(self) -> SyncRawResponses:
        """The same calls, answering a ``RawResponse`` (status, headers, ``request_id``,
        ``replayed``; ``.parse()`` for the usual result)::

            raw = client.with_raw_response.bookings.create(...)
        """
        return SyncRawResponses(self)

    @property
    def base_url(self) -> str:
        return self._api.config.base_url

    @property
    def timeout(self) -> Timeout:
        return self._api.config.timeout

    @property
    def max_retries(self) -> int:
        return self._api.config.max_retries

    @property
    def access_token(self) -> str | None:
        """The session's current access token (``None`` when not logged in)."""
        return self._api.access_token

    @property
    def refresh_token(self) -> str | None:
        return self._api.refresh_token

    def close(self) -> None:
        """Close the connections (unless ``http_client`` was given: its owner closes it)."""
        self._api.close()

    def __enter__(self) -> Compax:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Compax(base_url={self.base_url!r})"


class AsyncCompax:
    """The Compax API, asynchronously; the twin of ``Compax``::

    async with AsyncCompax(api_key="cpx_...") as client:
        booking = await client.bookings.create(room_id=3, title="Lecture", start=s, end=e)
        async for b in client.bookings.list(room_id=3):
            ...
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        on_tokens: OnTokens | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        config = ClientConfig.resolve(
            base_url=base_url,
            api_key=api_key,
            access_token=access_token,
            refresh_token=refresh_token,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._api = AsyncAPIClient(
            config, http_client=http_client, transport=transport, on_tokens=on_tokens
        )
        self.auth = AsyncAuth(self._api)
        self.sso = AsyncSso(self._api)
        self.me = AsyncMe(self._api)
        self.users = AsyncUsers(self._api)
        self.api_keys = AsyncApiKeys(self._api)
        self.buildings = AsyncBuildings(self._api)
        self.features = AsyncFeatures(self._api)
        self.rooms = AsyncRooms(self._api)
        self.schedule = AsyncSchedules(self._api)
        self.reports = AsyncReports(self._api)
        self.bookings = AsyncBookings(self._api)
        self.terms = AsyncTerms(self._api)
        self.series = AsyncSeries(self._api)
        self.imports = AsyncImports(self._api)
        self.optimizer = AsyncOptimizer(self._api)
        self.rules = AsyncRules(self._api)
        self.audit_events = AsyncAuditEvents(self._api)
        self.changes = AsyncChanges(self._api)
        self.webhooks = AsyncWebhooks(self._api)
        self.notifications = AsyncNotifications(self._api)
        self.managers = AsyncManagers(self._api)
        self.favourites = AsyncFavourites(self._api)
        self.waitlist = AsyncWaitlist(self._api)
        self.feeds = AsyncFeeds(self._api)

    @property
    def with_raw_response(self) -> AsyncRawResponses:
        """The same calls, answering a ``RawResponse``::

        raw = await client.with_raw_response.bookings.create(...)
        """
        return AsyncRawResponses(self)

    @property
    def base_url(self) -> str:
        return self._api.config.base_url

    @property
    def timeout(self) -> Timeout:
        return self._api.config.timeout

    @property
    def max_retries(self) -> int:
        return self._api.config.max_retries

    @property
    def access_token(self) -> str | None:
        """The session's current access token (``None`` when not logged in)."""
        return self._api.access_token

    @property
    def refresh_token(self) -> str | None:
        return self._api.refresh_token

    async def close(self) -> None:
        """Close the connections (unless ``http_client`` was given: its owner closes it)."""
        await self._api.close()

    async def __aenter__(self) -> AsyncCompax:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"AsyncCompax(base_url={self.base_url!r})"
