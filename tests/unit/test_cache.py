"""The cache answers the same on memory and Redis, and an outage is never an error."""

from __future__ import annotations

import asyncio
import time

import pytest

from compax_server.cache import Cache


@pytest.fixture(params=["memory", "redis"])
async def cache(request, cache_namespace):
    url = "memory://" if request.param == "memory" else request.getfixturevalue("redis_url")
    c = Cache(url, namespace=cache_namespace)
    yield c
    await c.close()


async def test_set_get_delete(cache):
    assert await cache.get("k") is None
    await cache.set("k", {"rooms": [1, 2]}, ttl=60)
    assert await cache.get("k") == {"rooms": [1, 2]}
    await cache.delete("k")
    assert await cache.get("k") is None


async def test_counters_count_and_expire(cache):
    assert await cache.counters(["c"]) == [0]
    assert await cache.incr("c", ttl=1) == 1
    assert await cache.incr("c", ttl=1) == 2
    assert await cache.counters(["c", "other"]) == [2, 0]
    await asyncio.sleep(1.2)
    assert await cache.counters(["c"]) == [0]


async def test_namespaces_do_not_see_each_other(redis_url, cache_namespace):
    a, b = (
        Cache(redis_url, namespace=cache_namespace + "a"),
        Cache(redis_url, namespace=cache_namespace + "b"),
    )
    await a.set("k", 1)
    assert await b.get("k") is None
    await a.close()
    await b.close()


async def test_a_dead_redis_answers_uncached_quickly():
    dead = Cache("redis://127.0.0.1:1/0")
    started = time.monotonic()
    assert await dead.get("k") is None
    await dead.set("k", 1)
    assert await dead.incr("k", 10) is None
    assert await dead.counters(["k"]) == [0]
    assert not await dead.ping()
    assert time.monotonic() - started < 2
    assert not dead.available  # backs off instead of retrying on every call
    await dead.close()
