"""Password-guessing limits, for logins and password changes.

Three counters per window of ``login_rate_window`` seconds, each increased in one atomic step
(``Cache.hit``) *before* the password is checked, so that no number of parallel requests, on
any worker or host sharing the cache, gets more attempts than the limit:

- per client address, every attempt (``login_rate_limit_ip``): one address spraying many
  accounts;
- per account and client address, failed attempts (``login_rate_limit``): guessing one
  account's password from one place;
- per account, failed attempts from addresses that never logged in to it
  (``login_rate_limit_account``, higher): guessing one account from many places.

An address that logged in to an account successfully is remembered for that account (for
``refresh_token_ttl`` seconds), and the per-account ceiling does not apply to it: a stranger's
guesses, from anywhere, cannot lock the owner out from their own address. A successful attempt
gives its failure counts back. When the cache is down the counters live in each process
(``Cache.hit``), so the limits still hold, per process.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from ipaddress import IPv6Address, ip_address, ip_network

from compax_server import runtime
from compax_server.db.users import User
from compax_server.errors import RateLimited
from compax_server.services import security


def clock() -> float:
    """The wall clock (seconds since the epoch) that places an attempt in its window. Tests
    replace it, so that no window boundary falls in the middle of a test by chance."""
    return time.time()


def now() -> datetime:
    """``clock()`` as an aware UTC datetime: "now" wherever a booking decision hangs on it (the
    past, the rules, history, check-in, what of a series or term is still to come, a feed's
    window), so that a test can stand on its edge."""
    return datetime.fromtimestamp(clock(), UTC)


def address_key(client: str) -> str:
    """The client address as counted: an IPv6 client by its /64 (one subscriber's prefix)."""
    try:
        address = ip_address(client)
    except ValueError:
        return client[:64] or "unknown"
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass
class Attempt:
    """One password check under the limits: ``begin`` it before the check, then call
    ``succeeded`` when the password was right."""

    email: str
    client: str
    request_id: str = ""
    counted: list[str] = field(default_factory=list)  # failure counters to give back

    @property
    def _account(self) -> str:
        return hashlib.sha256(self.email.encode()).hexdigest()

    @property
    def _address(self) -> str:
        return address_key(self.client)

    def _known_key(self) -> str:
        return f"login:known:{self._account}:{self._address}"

    async def begin(self) -> None:
        """Count this attempt; raise ``RateLimited`` if it is one too many."""
        settings = runtime.settings()
        cache = runtime.cache()
        window = settings.login_rate_window
        slot = int(clock()) // window
        checks = [
            ("address", f"login:address:{self._address}:{slot}", settings.login_rate_limit_ip),
            (
                "account_address",
                f"login:pair:{self._account}:{self._address}:{slot}",
                settings.login_rate_limit,
            ),
        ]
        if await cache.get(self._known_key()) is None:
            checks.append(
                (
                    "account",
                    f"login:account:{self._account}:{slot}",
                    settings.login_rate_limit_account,
                )
            )
        for scope, key, limit in checks:
            value = await cache.hit(key, window)
            if scope != "address":
                self.counted.append(key)
            if value > limit:
                if value == limit + 1:  # the first refusal of this window: a lockout begins
                    await self._lockout(scope, limit)
                retry_after = window - int(clock()) % window
                raise RateLimited(
                    f"Too many login attempts; try again in {retry_after} seconds.",
                    retry_after=retry_after,
                )

    async def succeeded(self) -> None:
        """The password was right: give the failure counts back, remember the address."""
        settings = runtime.settings()
        cache = runtime.cache()
        for key in self.counted:
            await cache.hit(key, settings.login_rate_window, -1)
        self.counted.clear()
        await cache.set(self._known_key(), 1, ttl=settings.refresh_token_ttl)

    async def _lockout(self, scope: str, limit: int) -> None:
        user = await User.get_or_none(email=self.email) if scope != "address" else None
        await security.event(
            "auth.lockout",
            entity_type="user",
            entity_id=user.pk if user else None,
            request_id=self.request_id,
            client=self.client,
            email=self.email,
            limit=scope,
            attempts=limit,
            window_seconds=runtime.settings().login_rate_window,
        )
