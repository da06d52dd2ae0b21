"""The one place where the process-wide dependencies are wired: settings and the cache.

``create_app`` (and the server-side CLI commands) call ``configure``; services read
``settings()`` and ``cache()``. Tests configure their own.
"""

from __future__ import annotations

from typing import Any

from compax_server.cache import Cache
from compax_server.settings import Settings

_settings: Settings | None = None
_cache: Cache | None = None
_memos: dict[str, dict[Any, Any]] = {}


def configure(settings: Settings, cache: Cache | None = None) -> None:
    global _settings, _cache
    _settings = settings
    _cache = cache if cache is not None else Cache(settings.cache_url, settings.cache_namespace)
    _memos.clear()


def memo(name: str) -> dict[Any, Any]:
    """A process-local dict for small caches, emptied whenever the process is configured
    anew (so nothing survives a change of database or secret)."""
    return _memos.setdefault(name, {})


def settings() -> Settings:
    if _settings is None:
        raise RuntimeError("compax_server.runtime.configure() has not been called")
    return _settings


def cache() -> Cache:
    if _cache is None:
        raise RuntimeError("compax_server.runtime.configure() has not been called")
    return _cache
