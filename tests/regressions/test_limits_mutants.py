"""What the login limits (``services/limits.py``) record when they lock someone out, written
to kill the mutants that survived ``tests/security/test_auth_limits.py`` (docs/testing.md
lists them): an account lockout is audited against the user with the request that caused
it; an address lockout names no account (it is about the address, whichever email it tried
last), so it is logged but not audited against anyone.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from compax_server import runtime
from compax_server.db.audit import AuditEvent
from compax_server.services.limits import address_key
from tests.conftest import PASSWORD

TOKEN = "/api/v1/auth/token"
WRONG = "not the password"


@pytest.fixture
def security_lines() -> Iterator[list[logging.LogRecord]]:
    """The records of the ``compax.security`` logger."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("compax.security")
    handler = Keep(logging.INFO)
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


@asynccontextmanager
async def client_at(app: Any, address: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def login(client: httpx.AsyncClient, email: str, password: str, **headers: str) -> int:
    r = await client.post(TOKEN, json={"email": email, "password": password}, headers=headers)
    return r.status_code


async def test_an_account_lockout_is_audited_against_the_user_with_its_request(
    app, member, settings, security_lines
):
    async with client_at(app, "10.3.3.3") as c:
        statuses = [
            await login(c, member.email, WRONG, **{"X-Request-ID": f"guess-{n}"})
            for n in range(settings.login_rate_limit + 2)
        ]
    assert statuses == [401] * settings.login_rate_limit + [429, 429]
    [event] = await AuditEvent.filter(action="auth.lockout")
    assert (event.entity_type, event.entity_id, event.actor_user_id) == ("user", member.pk, None)
    assert event.after is not None
    first_refused = f"guess-{settings.login_rate_limit}"
    assert (event.request_id, event.after["limit"]) == (first_refused, "account_address")
    assert (event.after["client"], event.after["email"]) == ("10.3.3.3", member.email)
    assert (event.after["attempts"], event.after["window_seconds"]) == (
        settings.login_rate_limit,
        settings.login_rate_window,
    )
    [line] = [r for r in security_lines if r.getMessage().startswith("auth.lockout ")]
    assert f"entity='user:{member.pk}'" in line.getMessage()
    assert getattr(line, "request_id", None) == first_refused


async def test_an_address_lockout_is_logged_but_audited_against_nobody(
    app, make_user, settings, security_lines
):
    runtime.configure(settings.model_copy(update={"login_rate_limit_ip": 3}), runtime.cache())
    people = [await make_user() for _ in range(4)]
    async with client_at(app, "10.9.9.9") as c:
        statuses = [await login(c, p.email, WRONG) for p in people]
        assert await login(c, people[0].email, PASSWORD) == 429  # the address, whoever it is
    assert statuses == [401, 401, 401, 429]
    assert await AuditEvent.filter(action="auth.lockout").count() == 0
    [line] = [r.getMessage() for r in security_lines if r.getMessage().startswith("auth.lockout ")]
    assert "entity='user:None'" in line
    assert "limit='address'" in line and "attempts=3" in line
    async with client_at(app, "10.9.9.10") as elsewhere:
        assert await login(elsewhere, people[3].email, PASSWORD) == 200


def test_a_client_is_counted_by_its_address_an_ipv6_one_by_its_64_prefix():
    """One subscriber gets a whole IPv6 /64, so its addresses share one count; an IPv4 client
    seen through IPv6 is its IPv4 address; anything else (a proxy's odd header) is kept as
    given, cut to 64 characters."""
    assert address_key("10.1.2.3") == "10.1.2.3"
    assert address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("::ffff:10.1.2.3") == "10.1.2.3"
    assert address_key("proxy-7") == "proxy-7"
    assert address_key("p" * 100) == "p" * 64
    assert address_key("") == "unknown"


async def test_a_lockout_lasts_to_the_end_of_its_window_and_says_when_that_is(
    app, member, settings, login_clock
):
    window = settings.login_rate_window
    login_clock.now = (int(login_clock.now) // window + 1) * window  # a window's first second
    async with client_at(app, "10.4.4.4") as c:
        for _ in range(settings.login_rate_limit):
            assert await login(c, member.email, WRONG) == 401
        login_clock.advance(window - 61)  # a minute before the window ends
        r = await c.post(TOKEN, json={"email": member.email, "password": PASSWORD})
    assert r.status_code == 429, r.text
    assert r.json()["detail"] == "Too many login attempts; try again in 61 seconds."
    assert r.headers["retry-after"] == "61"


async def test_guesses_from_many_addresses_lock_the_account_audited_as_such(app, member, settings):
    runtime.configure(settings.model_copy(update={"login_rate_limit_account": 3}), runtime.cache())
    statuses = []
    for n in range(4):
        async with client_at(app, f"10.5.5.{n}") as c:
            statuses.append(await login(c, member.email, WRONG))
    assert statuses == [401, 401, 401, 429]
    [event] = await AuditEvent.filter(action="auth.lockout")
    assert event.after is not None
    assert (event.entity_id, event.after["limit"], event.after["attempts"]) == (
        member.pk,
        "account",
        3,
    )


async def test_what_a_successful_login_leaves_behind_expires(
    database, settings, redis_url, cache_namespace
):
    """The counters a success gives back and the "known address" marker it sets all expire:
    also when the counters' window ended between the attempt and its success (the give-back
    then creates the counter anew). Read from Redis itself, so no clock is needed. Kills
    ``xǁAttemptǁsucceeded__mutmut_4``, ``_13`` and ``_16`` (a time-to-live of ``None``)."""
    import redis

    from compax_server.cache import Cache
    from compax_server.services.limits import Attempt

    cache = Cache(redis_url, namespace=cache_namespace)
    runtime.configure(settings, cache)
    r = redis.Redis.from_url(redis_url)
    try:
        attempt = Attempt(email="someone@campus.example", client="10.7.7.7")
        await attempt.begin()
        counters = list(r.scan_iter(match=f"{cache_namespace}*login:*"))
        assert len(counters) == 3  # the address, the account at the address, the account
        r.delete(*counters)  # the window ends: the counters expire
        await attempt.succeeded()
        left = {key.decode(): r.ttl(key) for key in r.scan_iter(match=f"{cache_namespace}*")}
        given_back = {k: ttl for k, ttl in left.items() if ":login:known:" not in k}
        known = {k: ttl for k, ttl in left.items() if ":login:known:" in k}
        assert len(given_back) == 2 and len(known) == 1, left
        assert all(0 < ttl <= settings.login_rate_window for ttl in given_back.values()), left
        assert all(
            settings.login_rate_window < ttl <= settings.refresh_token_ttl for ttl in known.values()
        ), left
    finally:
        r.close()
        await cache.close()
