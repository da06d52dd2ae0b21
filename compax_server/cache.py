"""The shared cache: aiocache, in memory by default, Redis when ``COMPAX_CACHE_URL=redis://``.

A cache outage never becomes an error: every call answers "nothing cached" (``None``) when
the backend fails or is slow, and after a failure the backend is left alone for a short
pause so that a dead Redis does not add its timeout to every request. Keys are namespaced
(``COMPAX_CACHE_NAMESPACE``, default ``compax``); invalidation is by version-stamped keys,
never by ``KEYS`` or ``FLUSHDB``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiocache import RedisCache, SimpleMemoryCache
from aiocache.base import BaseCache
from aiocache.serializers import JsonSerializer

log = logging.getLogger("compax.cache")

OPERATION_TIMEOUT = 0.25  # seconds; a slower cache counts as down
PAUSE_AFTER_FAILURE = 2.0  # seconds without trying the backend after it failed
LOCAL_COUNTERS_KEPT = 100_000  # fallback counters of one process, while the backend is down


def _text(value: Any) -> Any:
    """Stored and read as it is (counters, stamps and rendered answers are text already)."""
    return value


class Cache:
    def __init__(self, url: str = "memory://", namespace: str = "compax") -> None:
        self.url = url
        parts = urlsplit(url)
        self.shared = parts.scheme in {"redis", "rediss"}
        backend: BaseCache
        if self.shared:
            backend = RedisCache(
                serializer=JsonSerializer(),
                namespace=namespace,
                endpoint=parts.hostname or "127.0.0.1",
                port=parts.port or 6379,
                db=int((parts.path or "/0").lstrip("/") or 0),
                password=parts.password,
                ssl=parts.scheme == "rediss",
                timeout=OPERATION_TIMEOUT,
                create_connection_timeout=OPERATION_TIMEOUT,
            )
        else:
            backend = SimpleMemoryCache(
                serializer=JsonSerializer(), namespace=namespace, timeout=OPERATION_TIMEOUT
            )
        self.backend = backend
        self._down_until = 0.0
        self._owed: set[str] = set()
        self._local_counters: dict[str, tuple[float, int]] = {}

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, operation: str, exc: BaseException) -> None:
        if self.available:
            log.warning(
                "cache %s failed (%s: %s); answering uncached for %.0fs",
                operation,
                type(exc).__name__,
                exc,
                PAUSE_AFTER_FAILURE,
            )
        self._down_until = time.monotonic() + PAUSE_AFTER_FAILURE

    async def get(self, key: str) -> Any:
        if not self.available:
            return None
        try:
            return await self.backend.get(key)
        except Exception as exc:
            self._failed("get", exc)
            return None

    async def counters(self, keys: list[str]) -> list[int]:
        """The values of ``incr`` counters (0 when absent or when the cache is unavailable)."""
        if not self.available:
            return [0] * len(keys)
        try:
            # Counters are stored raw (INCR), not through the JSON serializer.
            values = await self.backend.multi_get(keys, loads_fn=_text)
        except Exception as exc:
            self._failed("counters", exc)
            return [0] * len(keys)
        return [int(v) if v is not None else 0 for v in values]

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        if not self.available:
            return
        try:
            await self.backend.set(key, value, ttl=ttl)
        except Exception as exc:
            self._failed("set", exc)

    async def delete(self, key: str) -> None:
        if not self.available:
            return
        try:
            await self.backend.delete(key)
        except Exception as exc:
            self._failed("delete", exc)

    async def incr(self, key: str, ttl: int | None) -> int | None:
        """Add one to a counter; with ``ttl``, it expires that many seconds after it was
        created. Returns ``None`` when the cache is unavailable."""
        if not self.available:
            return None
        try:
            value = int(await self.backend.increment(key, 1))
            if value == 1 and ttl:
                await self.backend.expire(key, ttl)
            return value
        except Exception as exc:
            self._failed("incr", exc)
            return None

    # -- counters for limits: atomic, and still counting when the backend is down ------------

    async def hit(self, key: str, ttl: int, delta: int = 1) -> int:
        """Add ``delta`` to a counter in one atomic step (``INCRBY`` on Redis) and return the
        new value; the counter expires ``ttl`` seconds after it was created.

        Limits call this *before* the work they limit, so that any number of concurrent
        requests, on any worker or host sharing the backend, see distinct values. While the
        backend is unavailable the counter lives in this process instead (limits then hold
        per process, never not at all).
        """
        if self.available:
            try:
                value = int(await self.backend.increment(key, delta))
                if value == delta:  # created by this call (Redis INCRBY of a missing key)
                    await self.backend.expire(key, ttl)
                return value
            except Exception as exc:
                self._failed("hit", exc)
        return self._local_hit(key, ttl, delta)

    def _local_hit(self, key: str, ttl: int, delta: int) -> int:
        moment = time.monotonic()
        counters = self._local_counters
        expires, value = counters.get(key, (0.0, 0))
        if expires <= moment:
            expires, value = moment + ttl, 0
        value += delta
        if len(counters) >= LOCAL_COUNTERS_KEPT and key not in counters:
            for stale in [k for k, (until, _) in counters.items() if until <= moment]:
                del counters[stale]
            if len(counters) >= LOCAL_COUNTERS_KEPT:  # bounded memory: drop the oldest
                del counters[next(iter(counters))]
        counters[key] = (expires, value)
        return value

    # -- version stamps: read-your-writes for cached answers ---------------------------------

    async def stamp(self, name: str) -> int | None:
        """The current version of ``name`` (0 before the first bump); ``None`` when the cache
        cannot be trusted now (unavailable, or a bump is still owed after an outage)."""
        if not await self._trusted():
            return None
        try:
            value = await self.backend.get(f"stamp:{name}", loads_fn=_text)
        except Exception as exc:
            self._failed("stamp", exc)
            return None
        return int(value) if value is not None else 0

    async def bump(self, name: str) -> None:
        """Make every answer cached under the previous version of ``name`` unreachable.
        Call it after the change committed. If the cache is down, the bump is owed and paid
        before this process trusts the cache again."""
        if await self.incr(f"stamp:{name}", None) is None:
            self._owed.add(name)

    async def _trusted(self) -> bool:
        """Whether cached answers may be used now: the backend is available and no bump is
        owed (an owed one is paid first)."""
        if self._owed:
            await self._pay_owed()
            if self._owed:
                return False
        return self.available

    async def _pay_owed(self) -> None:
        for name in sorted(self._owed):
            if not self.available or await self.incr(f"stamp:{name}", None) is None:
                return
            self._owed.discard(name)

    async def remember(
        self, key: str, stamp: str, ttl: float, compute: Callable[[], Awaitable[str]]
    ) -> str:
        """The answer cached for ``key`` under the current version of ``stamp``, or
        ``compute()`` (stored for ``ttl`` seconds). Without a usable cache: ``compute()``.

        The answer is stored as text, ``v<version>:<answer>``, and read together with the
        stamp in one round trip (``MGET``); it is served only when its version is the
        stamp's. An answer computed while a change bumped the stamp carries the older
        version, so nobody is served it."""
        if not await self._trusted():
            return await compute()
        try:
            version, hit = await self.backend.multi_get([f"stamp:{stamp}", key], loads_fn=_text)
        except Exception as exc:
            self._failed("remember", exc)
            return await compute()
        tag = f"v{int(version) if version is not None else 0}:"
        if isinstance(hit, str) and hit.startswith(tag):
            return hit[len(tag) :]
        value = await compute()
        if not self.available:
            return value
        try:
            await self.backend.set(key, tag + value, ttl=ttl, dumps_fn=_text)
        except Exception as exc:
            self._failed("set", exc)
        return value

    async def ping(self) -> bool:
        try:
            await self.backend.exists("ping")
        except Exception:
            return False
        return True

    async def close(self) -> None:
        try:
            await self.backend.close()
        except Exception as exc:  # closing a dead connection is not worth an error
            log.debug("cache close failed: %s", exc)
