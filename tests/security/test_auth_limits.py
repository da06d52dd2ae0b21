"""Issue 12, items 4-7: password guessing is limited under any concurrency, with the cache
down, without letting a stranger lock the owner out, and on ``POST /me/password`` too."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from compax_server import runtime
from compax_server.cache import Cache
from compax_server.db.users import User
from tests.conftest import PASSWORD, bearer

TOKEN = "/api/v1/auth/token"
WRONG = "not the password"

ClientAt = Callable[[str], Any]


@pytest.fixture
def client_at(app: Any) -> ClientAt:
    """A client of the app whose requests come from ``address``."""

    @asynccontextmanager
    async def make(address: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c

    return make


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> int:
    r = await client.post(TOKEN, json={"email": email, "password": password})
    assert r.status_code in (200, 401, 429), r.text
    return r.status_code


async def burst(client: httpx.AsyncClient, email: str, n: int = 40) -> Counter[int]:
    return Counter(await asyncio.gather(*(login(client, email, WRONG) for _ in range(n))))


async def test_parallel_wrong_logins_get_no_more_tries_than_the_limit(client, member, settings):
    """Item 4. Reproduction: 30 parallel ``POST /auth/token`` with a wrong password for one
    account (limit 10). The counter was read, bcrypt ran, and only then was it incremented:
    all 30 got 401. Now each attempt is counted atomically before the password check."""
    counts = await burst(client, member.email)
    assert counts[401] <= settings.login_rate_limit, counts
    assert counts[429] >= 40 - settings.login_rate_limit, counts


async def test_parallel_wrong_logins_are_limited_through_redis(
    client, member, settings, redis_url, cache_namespace
):
    """Item 4 on a shared Redis (and PostgreSQL when the engine is postgres): 40 parallel
    wrong logins, half of them through a second cache connection (another worker)."""
    shared = settings.model_copy(
        update={"cache_url": redis_url, "cache_namespace": cache_namespace}
    )
    worker_a, worker_b = Cache(redis_url, cache_namespace), Cache(redis_url, cache_namespace)
    try:
        runtime.configure(shared, worker_a)
        first = asyncio.gather(*(login(client, member.email, WRONG) for _ in range(20)))
        runtime.configure(shared, worker_b)  # the second half counts through another client
        second = asyncio.gather(*(login(client, member.email, WRONG) for _ in range(20)))
        counts = Counter([*await first, *await second])
    finally:
        await worker_a.close()
        await worker_b.close()
    assert counts[401] <= settings.login_rate_limit, counts


async def test_the_address_limit_holds_under_concurrency(client_at, make_user, settings):
    """Item 4, per address: 57 of 60 parallel logins from one address (limit 50) got past.
    Now at most ``login_rate_limit_ip`` of them reach the password check."""
    runtime.configure(settings.model_copy(update={"login_rate_limit_ip": 5}), runtime.cache())
    people = [await make_user() for _ in range(4)]
    async with client_at("10.9.9.9") as c:
        statuses = await asyncio.gather(*(login(c, p.email, WRONG) for p in people * 3))
    assert Counter(statuses)[401] <= 5, statuses


async def test_with_the_cache_down_logins_are_still_limited(client, member, settings):
    """Item 5. Reproduction: stop Redis (``/readyz`` says ``cache: degraded``) and send 25
    wrong logins: all 25 got 401. Now a per-process counter takes over."""
    runtime.configure(settings, Cache("redis://127.0.0.1:1/0"))
    statuses = [await login(client, member.email, WRONG) for _ in range(25)]
    assert statuses.count(401) == settings.login_rate_limit, statuses
    assert statuses[settings.login_rate_limit :] == [429] * (25 - settings.login_rate_limit)
    assert await login(client, member.email) == 429  # even the right password, from here


async def test_a_stranger_cannot_lock_the_owner_out_of_their_own_address(
    client_at, member, settings
):
    """Item 6. Reproduction: ten wrong passwords for alice@ from anywhere, then alice logs
    in from her own address with the right password: 429 for 15 minutes. Now the limit is per
    account and address; the attacker is the one refused."""
    async with client_at("10.1.1.1") as attacker, client_at("10.2.2.2") as owner:
        for _ in range(settings.login_rate_limit):
            assert await login(attacker, member.email, WRONG) == 401
        assert await login(attacker, member.email) == 429
        assert await login(owner, member.email) == 200


async def test_guesses_from_many_addresses_hit_the_account_ceiling_but_not_the_owner(
    client_at, member, settings
):
    """Item 6, distributed guessing: past ``login_rate_limit_account`` failures from any
    addresses, addresses that never logged in to the account are refused; the owner's
    address, where they logged in before, is not."""
    runtime.configure(settings.model_copy(update={"login_rate_limit_account": 6}), runtime.cache())
    async with client_at("10.2.2.2") as owner:
        assert await login(owner, member.email) == 200  # the owner's usual address
    for i in range(3):
        async with client_at(f"10.1.1.{i}") as attacker:
            assert [await login(attacker, member.email, WRONG) for _ in range(2)] == [401, 401]
    async with client_at("10.1.1.200") as attacker:
        assert await login(attacker, member.email, WRONG) == 429
    async with client_at("10.2.2.2") as owner:
        assert await login(owner, member.email) == 200


async def test_a_successful_login_does_not_count_as_a_failure(client, member, settings):
    """Item 6: the owner's typos are forgiven by the right password (it gives its count
    back), so logging in often never locks anyone out."""
    for _ in range(settings.login_rate_limit - 1):
        assert await login(client, member.email, WRONG) == 401
    for _ in range(3):
        assert await login(client, member.email) == 200
    assert await login(client, member.email, WRONG) == 401


async def test_password_change_guesses_are_limited(client, member, settings):
    """Item 7. Reproduction: with a stolen 15-minute access token, ``POST /me/password`` with
    30 wrong ``current_password`` values: 30 times 422, never a 429. Now the login limits
    apply, and a parallel burst gets no more tries than the limit either."""
    headers = bearer(member)

    async def change(current: str) -> int:
        r = await client.post(
            "/api/v1/me/password",
            json={"current_password": current, "new_password": "a brand new password"},
            headers=headers,
        )
        return r.status_code

    statuses = Counter(await asyncio.gather(*(change(WRONG) for _ in range(30))))
    assert statuses[422] <= settings.login_rate_limit, statuses
    assert statuses[429] >= 30 - settings.login_rate_limit, statuses
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new password"},
        headers=headers,
    )
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    assert (await User.get(id=member.pk)).password_hash == member.password_hash
