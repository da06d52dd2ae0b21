"""The cache answers the same on memory and Redis, and an outage is never an error."""

from __future__ import annotations

import asyncio

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


def count_backend_calls(cache: Cache) -> list[str]:
    """The names of the backend operations ``cache`` makes from now on."""
    calls: list[str] = []
    for name in ("get", "set", "increment", "expire", "multi_get", "delete"):
        original = getattr(cache.backend, name)

        async def counted(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return await _original(*args, **kwargs)

        setattr(cache.backend, name, counted)
    return calls


async def test_a_dead_redis_answers_uncached_and_backs_off():
    dead = Cache("redis://127.0.0.1:1/0")
    calls = count_backend_calls(dead)
    async with asyncio.timeout(60):  # a hang guard, not a measurement
        assert await dead.get("k") is None
        await dead.set("k", 1)
        assert await dead.incr("k", 10) is None
        assert await dead.counters(["k"]) == [0]
        assert not await dead.ping()
    assert calls == ["get"]  # one failed try, then no call reaches the backend for a while
    assert not dead.available
    await dead.close()


async def test_a_redis_that_never_answers_is_given_up_on():
    """A cache that accepts connections and then says nothing (a hung server, a black hole)
    does not hang a request: the operation gives up on its own and the answer is uncached."""
    accepted: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # keep it open, answer nothing

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    hung = Cache(f"redis://127.0.0.1:{port}/0")
    try:
        async with asyncio.timeout(60):  # a hang guard: the cache's own timeout must act first
            assert await hung.get("k") is None
        assert accepted  # it did reach the silent server
        assert not hung.available
    finally:
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()
        await hung.close()


async def test_an_answer_is_served_until_its_stamp_moves(cache):
    answers = iter(['{"a": "1 \\"quoted\\" ü"}', '{"a": 2}'])
    computed: list[str] = []

    async def compute() -> str:
        computed.append(next(answers))
        return computed[-1]

    first = await cache.remember("q", "s", 60, compute)
    assert first == '{"a": "1 \\"quoted\\" ü"}'
    assert await cache.remember("q", "s", 60, compute) == first  # served, not computed
    assert len(computed) == 1
    await cache.bump("s")
    assert await cache.remember("q", "s", 60, compute) == '{"a": 2}'
    assert await cache.remember("q", "s", 60, compute) == '{"a": 2}'
    assert len(computed) == 2


async def test_an_answer_computed_across_a_change_is_served_to_nobody_else(cache):
    async def racing() -> str:
        await cache.bump("s")  # a change commits while the answer is being computed
        return "before the change"

    async def fresh() -> str:
        return "after the change"

    assert await cache.remember("q", "s", 60, racing) == "before the change"
    assert await cache.remember("q", "s", 60, fresh) == "after the change"
    assert await cache.remember("q", "s", 60, racing) == "after the change"


async def test_a_dead_redis_computes_every_answer():
    dead = Cache("redis://127.0.0.1:1/0")
    computed: list[int] = []

    async def compute() -> str:
        computed.append(1)
        return "answer"

    async with asyncio.timeout(60):  # a hang guard, not a measurement
        assert await dead.remember("q", "s", 60, compute) == "answer"
        assert await dead.remember("q", "s", 60, compute) == "answer"
    assert len(computed) == 2 and not dead.available
    await dead.close()
