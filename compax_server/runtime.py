"""The one place where the process-wide dependencies are wired: settings and the cache.

``create_app`` (and the server-side CLI commands) call ``configure``; services read
``settings()`` and ``cache()``. Tests configure their own.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from compax_server.cache import Cache
from compax_server.settings import Settings

_settings: Settings | None = None
_cache: Cache | None = None
_memos: dict[str, dict[Any, Any]] = {}
MEMO_KEPT = 10_000  # answers a memo of ``remembered`` holds before it is emptied

T = TypeVar("T")


def configure(settings: Settings, cache: Cache | None = None) -> None:
    global _settings, _cache
    _settings = settings
    _cache = cache if cache is not None else Cache(settings.cache_url, settings.cache_namespace)
    _memos.clear()


def memo(name: str) -> dict[Any, Any]:
    """A process-local dict for small caches, emptied whenever the process is configured
    anew (so nothing survives a change of database or secret)."""
    return _memos.setdefault(name, {})


def looked_within(name: str, now: datetime, every: timedelta) -> bool:
    """Whether this process looked at ``name`` less than ``every`` before ``now`` (a clock
    going back counts as not); if not, ``now`` is noted as the look and False returned.
    For the worker's periodic steps, polled every second but needed once in a while."""
    looked = memo("looked")
    last = looked.get(name)
    if isinstance(last, datetime) and timedelta(0) <= now - last < every:
        return True
    looked[name] = now
    return False


def forget_look(name: str) -> None:
    """Forget the last look at ``name``: the next ``looked_within`` looks at once (a step
    that stopped at its batch limit, with more to do)."""
    memo("looked").pop(name, None)


async def remembered(
    name: str,
    key: Hashable,
    seconds: float,
    load: Callable[[], Awaitable[T]],
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """``load()``'s answer, kept in the memo ``name`` under ``key`` for ``seconds`` on
    ``clock`` (monotonic seconds; a module's own clock where tests hold time). A failing
    ``load`` keeps nothing; forgetting is ``memo(name).pop(key)`` or ``.clear()``."""
    kept = memo(name)
    entry = kept.get(key)
    if entry is not None and entry[0] > clock():
        found: T = entry[1]
        return found
    value = await load()
    if len(kept) >= MEMO_KEPT:
        kept.clear()
    kept[key] = (clock() + seconds, value)
    return value


def settings() -> Settings:
    if _settings is None:
        raise RuntimeError("compax_server.runtime.configure() has not been called")
    return _settings


def cache() -> Cache:
    if _cache is None:
        raise RuntimeError("compax_server.runtime.configure() has not been called")
    return _cache
