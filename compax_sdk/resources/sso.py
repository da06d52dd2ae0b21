"""``/auth/sso``: single sign-on with the campus identity provider (OpenID Connect).

A terminal signs in with the device grant::

    device = client.sso.start_device("campus")
    print(f"Open {device.verification_uri} and enter {device.user_code}")
    token = client.sso.wait_for_device(device)       # polls; the client is then logged in

or, when the provider has no device grant, with the browser and a loopback redirect::

    url = client.sso.start_url("campus", redirect_uri="http://127.0.0.1:8765/")
    # open url in a browser; the browser comes back to the redirect URI with ?code=...
    token = client.sso.exchange(code)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from urllib.parse import quote, urlencode

from compax_sdk._config import API_PREFIX
from compax_sdk._models import Model, Token
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.errors import SsoPendingError
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = ["AsyncSso", "DeviceSignOn", "Sso", "SsoProvider"]


class SsoProvider(Model):
    """A configured identity provider: ``name`` goes in the calls, ``title`` on a button."""

    name: str
    title: str


class _ProviderList(Model):
    data: list[SsoProvider]


class DeviceSignOn(Model):
    """A device sign-on in progress: show ``user_code`` and ``verification_uri``."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None = None
    expires_in: int
    interval: int


def _start_path(provider: str) -> str:
    return f"/auth/sso/{quote(provider, safe='')}/start"


class Sso(SyncResource):
    def providers(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> list[SsoProvider]:
        """The configured identity providers (empty when single sign-on is off)."""
        answer = self._call(
            _ProviderList,
            "GET",
            "/auth/sso",
            headers=extra_headers,
            timeout=timeout,
            authenticated=False,
        )
        return answer.data

    def start_url(self, provider: str, *, redirect_uri: str) -> str:
        """The URL to open in a browser to sign in with ``provider``; the browser ends at
        ``redirect_uri`` with ``?code=...`` for ``exchange``. No request is made."""
        query = urlencode({"redirect_uri": redirect_uri})
        return f"{self._api.config.base_url}{API_PREFIX}{_start_path(provider)}?{query}"

    def exchange(
        self, code: str, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> Token:
        """Trade a browser sign-on's one-time code for a session (the client keeps it)."""
        token = self._call(
            Token,
            "POST",
            "/auth/sso/token",
            json={"code": code},
            headers=extra_headers,
            timeout=timeout,
            authenticated=False,
        )
        self._api.set_session(token)
        return token

    def start_device(
        self,
        provider: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> DeviceSignOn:
        """Begin a device sign-on (RFC 8628); when the provider has none,
        ``BadRequestError`` with the code ``sso_device_unsupported``."""
        return self._call(
            DeviceSignOn,
            "POST",
            f"/auth/sso/{quote(provider, safe='')}/device",
            headers=extra_headers,
            timeout=timeout,
            authenticated=False,
        )

    def poll_device(
        self,
        device_code: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Token:
        """The session once the person has signed in (the client keeps it); until then
        ``SsoPendingError`` with ``retry_after``."""
        token = self._call(
            Token,
            "POST",
            "/auth/sso/device/token",
            json={"device_code": device_code},
            headers=extra_headers,
            timeout=timeout,
            authenticated=False,
        )
        self._api.set_session(token)
        return token

    def wait_for_device(
        self, device: DeviceSignOn, *, sleep: Callable[[float], None] = time.sleep
    ) -> Token:
        """Poll until the person has signed in (or the sign-on is refused or expires)."""
        while True:
            try:
                return self.poll_device(device.device_code)
            except SsoPendingError as exc:
                sleep(exc.retry_after or device.interval)


class AsyncSso(AsyncResource):
    async def providers(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> list[SsoProvider]:
        """The configured identity providers (empty when single sign-on is off)."""
        answer = await self._call(
            _ProviderList,
            "GET",
            "/auth/sso",
            headers=extra_headers,
            timeout=timeout,
            authenticated=False,
        )
        return answer.data

    async def start_url(self, provider: str, *, redirect_uri: str) -> str:
        """The URL to open in a browser to sign in with ``provider``; the browser ends at
        ``redirect_uri`` with ``?code=...`` for ``exchange``. No request is made."""
        query = urlencode({"redirect_uri": redirect_uri})
        return f"{self._api.config.base_url}{API_PREFIX}{_start_path(provider)}?{query}"

    async def exchange(
        self, code: str, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> Token:
        """Trade a browser sign-on's one-time code for a session (the client keeps it)."""
        token = await self._call(
            Token,
            "POST",
            "/auth/sso/token",
            json={"code": code},
            headers=extra_headers,
            timeout=timeout,
            authenticated=False,
        )
        self._api.set_session(token)
        return token

    async def start_device(
        self,
        provider: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> DeviceSignOn:
        """Begin a device sign-on (RFC 8628); when the provider has none,
        ``BadRequestError`` with the code ``sso_device_unsupported``."""
        return await self._call(
            DeviceSignOn,
            "POST",
            f"/auth/sso/{quote(provider, safe='')}/device",
            headers=extra_headers,
            timeout=timeout,
            authenticated=False,
        )

    async def poll_device(
        self,
        device_code: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Token:
        """The session once the person has signed in (the client keeps it); until then
        ``SsoPendingError`` with ``retry_after``."""
        token = await self._call(
            Token,
            "POST",
            "/auth/sso/device/token",
            json={"device_code": device_code},
            headers=extra_headers,
            timeout=timeout,
            authenticated=False,
        )
        self._api.set_session(token)
        return token

    async def wait_for_device(self, device: DeviceSignOn) -> Token:
        """Poll until the person has signed in (or the sign-on is refused or expires)."""
        while True:
            try:
                return await self.poll_device(device.device_code)
            except SsoPendingError as exc:
                await asyncio.sleep(exc.retry_after or device.interval)
