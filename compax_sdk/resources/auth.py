"""``/auth``: log in, refresh, log out. The client keeps the session and renews it."""

from __future__ import annotations

from compax_sdk._models import Token
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk.resources._resource import AsyncResource, Headers, SyncResource

__all__ = ["AsyncAuth", "Auth", "Token"]


class Auth(SyncResource):
    def login(
        self,
        email: str,
        password: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Token:
        """Log in; the client then sends the access token and refreshes it by itself."""
        token = self._call(
            Token,
            "POST",
            "/auth/token",
            json={"email": email, "password": password},
            headers=extra_headers,
            timeout=timeout,
            authenticated=False,
        )
        self._api.set_session(token)
        return token

    def refresh(self) -> Token:
        """Renew the session now (the client also does it by itself when needed)."""
        return self._api.refresh_session(force=True)

    def logout(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> None:
        """End the session on the server (every token of this login) and forget it here."""
        if self._api.refresh_token is not None:
            self._call_no_content(
                "POST",
                "/auth/logout",
                json={"refresh_token": self._api.refresh_token},
                headers=extra_headers,
                timeout=timeout,
                authenticated=False,
            )
        self._api.clear_session()


class AsyncAuth(AsyncResource):
    async def login(
        self,
        email: str,
        password: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers = None,
    ) -> Token:
        """Log in; the client then sends the access token and refreshes it by itself."""
        token = await self._call(
            Token,
            "POST",
            "/auth/token",
            json={"email": email, "password": password},
            headers=extra_headers,
            timeout=timeout,
            authenticated=False,
        )
        self._api.set_session(token)
        return token

    async def refresh(self) -> Token:
        """Renew the session now (the client also does it by itself when needed)."""
        return await self._api.refresh_session(force=True)

    async def logout(
        self, *, timeout: Timeout | NotGiven = NOT_GIVEN, extra_headers: Headers = None
    ) -> None:
        """End the session on the server (every token of this login) and forget it here."""
        if self._api.refresh_token is not None:
            await self._call_no_content(
                "POST",
                "/auth/logout",
                json={"refresh_token": self._api.refresh_token},
                headers=extra_headers,
                timeout=timeout,
                authenticated=False,
            )
        self._api.clear_session()
