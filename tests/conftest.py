"""Shared fixtures: a migrated database per test (SQLite file, and PostgreSQL when
``COMPAX_TEST_POSTGRES_URL`` is set), the app behind an httpx client, and factories.

Every database test runs once per engine (``engine`` parameter). The schema comes from the
migrations (never ``generate_schemas``): SQLite tests copy a migrated template file; the
PostgreSQL tests share one migrated database created for this run and emptied per test.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from compax_server import db, runtime
from compax_server.app import create_app
from compax_server.cache import Cache
from compax_server.db import migrate
from compax_server.db.bookings import Booking
from compax_server.db.rooms import Building, Feature, Room
from compax_server.db.users import Role, User
from compax_server.services import audit, auth, bookings, buildings, limits, rooms, users
from compax_server.services.actors import Actor
from compax_server.settings import Settings
from tests.dates import Y2031

# Every test, and every server process a test starts (it inherits the environment), runs in
# a zone far from UTC with a DST change of its own (Pacific/Chatham: UTC+12:45, +13:45 in
# its summer): code that reads the host's local time where it means UTC (``datetime.now()``
# without a zone, ``date.today()``) fails here, not on a campus server whose clock is set
# to local time. The code keeps every instant in UTC; nothing should notice.
os.environ["TZ"] = "Pacific/Chatham"
time.tzset()

POSTGRES_URL = os.environ.get("COMPAX_TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("COMPAX_TEST_REDIS_URL", "")
PASSWORD = "correct horse battery"
# In CI every test must run: a missing program or service fails instead of skipping.
REQUIRE_SERVICES = os.environ.get("COMPAX_TEST_REQUIRE_SERVICES", "") not in ("", "0")

ENGINES = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason="COMPAX_TEST_POSTGRES_URL is not set"),
    ),
]


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI (``COMPAX_TEST_REQUIRE_SERVICES=1``) the PostgreSQL and Redis tests must run."""
    if not REQUIRE_SERVICES:
        return
    if not POSTGRES_URL or not REDIS_URL:
        pytest.exit("COMPAX_TEST_POSTGRES_URL and COMPAX_TEST_REDIS_URL must be set", returncode=1)

    async def ping() -> None:
        import asyncpg

        from compax_server.db.migrate import _admin_dsn

        conn = await asyncpg.connect(_admin_dsn(POSTGRES_URL), timeout=10)
        await conn.close()
        if not await Cache(REDIS_URL).ping():
            raise ConnectionError(f"Redis does not answer at {REDIS_URL}")

    try:
        asyncio.run(ping())
    except Exception as exc:
        pytest.exit(f"test services do not answer: {exc}", returncode=1)


def require_program(name: str, *dirs: str | Path) -> str:
    """The path of the program ``name`` (looked up in ``dirs``, the test's virtualenv, then
    ``PATH``). When it is missing the test skips, or fails under
    ``COMPAX_TEST_REQUIRE_SERVICES=1`` (CI), so a missing program is never a quiet skip there.
    """
    for folder in (*dirs, Path(sys.executable).parent):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (COMPAX_TEST_REQUIRE_SERVICES is set: this test must run)")
    pytest.skip(message)


@asynccontextmanager
async def holding(url: str, statement: str, *args: Any) -> AsyncIterator[tuple[Any, Any]]:
    """Two asyncpg connections to the PostgreSQL database of ``url``: one whose open
    transaction ran ``statement`` (with ``args``) and so holds the locks it took (execute
    ``COMMIT`` or ``ROLLBACK`` on it to let go), and one to watch the server's activity with
    (``waiting_on_a_lock``). Both are closed on the way out, which lets go of what is held."""
    import asyncpg

    holder = await asyncpg.connect(migrate._admin_dsn(url))
    look = await asyncpg.connect(migrate._admin_dsn(url))
    try:
        await holder.execute("BEGIN")
        await holder.execute(statement, *args)
        yield holder, look
    finally:
        await holder.close()
        await look.close()


async def waiting_on_a_lock(
    look: Any, count: int = 1, *, query: str = "%", task: asyncio.Task[Any] | None = None
) -> None:
    """Until ``count`` sessions of ``look``'s database (``look`` an asyncpg connection) wait
    for a lock in a statement whose text is LIKE ``query``. Fails if ``task`` (the work that
    should wait) ends first, or if nothing waits within 60 s (a hang guard, not a
    measurement). Within a transaction PostgreSQL answers from the statistics it read first,
    so each look clears them."""
    async with asyncio.timeout(60):
        while True:
            await look.execute("SELECT pg_stat_clear_snapshot()")
            waiting = await look.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND query LIKE $1",
                query,
            )
            if waiting >= count:
                return
            assert task is None or not task.done(), "the statement did not wait for the lock"
            await asyncio.sleep(0.01)


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def login_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The clock of the login limits (``services.limits.clock``), held still: the counters of
    a window never start again in the middle of a test because a real window boundary (every
    15 minutes) passed. A test about windows moves it (``login_clock.advance``)."""
    clock = Clock(float(int(time.time())))
    monkeypatch.setattr(limits, "clock", clock)
    return clock


def login_window_without_edge() -> str:
    """For a server process (``COMPAX_LOGIN_RATE_WINDOW``): a window so long that the current
    one ends decades from now, so that a test's burst of logins never straddles two."""
    return str(2 * int(time.time()))


def test_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "database_url": database_url,
        "cache_url": "memory://",
        "secret_key": "test-secret-" + "x" * 60,
        "bcrypt_rounds": 4,
        "log_level": "WARNING",
        "run_workers": False,  # tests that need the notification worker run it themselves
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "compax.sqlite3"
    asyncio.run(migrate.upgrade(f"sqlite://{path}"))
    return path


@contextmanager
def fresh_postgres(prefix: str = "compax_test") -> Iterator[tuple[str, str]]:
    """A migrated PostgreSQL database of its own: ``(url, name)``; dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("COMPAX_TEST_POSTGRES_URL is not set")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = asyncio.run(migrate.create_postgres_database(POSTGRES_URL, name))
    try:
        asyncio.run(migrate.upgrade(url))
        yield url, name
    finally:
        asyncio.run(migrate.drop_postgres_database(POSTGRES_URL, name))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of its own for this test run, migrated once, dropped at the end."""
    with fresh_postgres() as (url, _):
        yield url


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("COMPAX_TEST_REDIS_URL is not set")
    return REDIS_URL


def forget_redis_namespace(namespace: str, url: str = REDIS_URL) -> None:
    """Delete every key under ``namespace`` (a test's own, e.g. ``compax_e2e_<hex>``) from the
    test Redis: nothing is left behind, and nobody else's keys are touched (never FLUSHDB).
    Version stamps, for one, never expire on their own."""
    if not url:
        return
    import redis

    with redis.Redis.from_url(url, socket_timeout=10) as r:
        keys = list(r.scan_iter(match=f"{namespace}*", count=1000))
        for i in range(0, len(keys), 500):
            r.delete(*keys[i : i + 500])


@pytest.fixture
def cache_namespace() -> Iterator[str]:
    """A namespace of its own, so tests sharing one Redis never see each other's keys; its
    keys are deleted afterwards."""
    namespace = f"test{uuid.uuid4().hex[:12]}"
    try:
        yield namespace
    finally:
        forget_redis_namespace(namespace)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if engine == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    path = tmp_path / "compax.sqlite3"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite://{path}"


async def empty_postgres() -> None:
    rows = await db.conn().execute_query_dict(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'aerich'"
    )
    tables = ", ".join(f'"{r["tablename"]}"' for r in rows)
    if tables:
        await db.conn().execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return test_settings(database_url)


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[str]:
    """Tortoise open on the test database, runtime configured; yields the engine name."""
    runtime.configure(settings, Cache(settings.cache_url, settings.cache_namespace))
    await db.init(settings.database_url)
    try:
        if db.dialect() == "postgres":
            await empty_postgres()
        yield db.dialect()
    finally:
        await db.close()


@pytest.fixture
async def app(database: str, settings: Settings) -> AsyncIterator[Any]:
    """The Sanic app with its start-up run once (as an ASGI server would)."""
    application = create_app(settings, manage_db=False)
    application.asgi = True
    application.config.TOUCHUP = False  # Sanic rewrites its own methods once per process
    await application._startup()
    await application._server_event("init", "before")
    await application._server_event("init", "after")
    try:
        yield application
    finally:
        await application._server_event("shutdown", "before")
        await application._server_event("shutdown", "after")


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("10.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


MakeUser = Callable[..., Awaitable[User]]


@pytest.fixture
def make_user(database: str) -> MakeUser:
    counter = iter(range(1, 10_000))

    async def make(
        role: Role = Role.member, email: str | None = None, password: str = PASSWORD
    ) -> User:
        n = next(counter)
        return await users.create_user(
            None,
            email=email or f"{role.value}{n}@campus.example",
            full_name=f"{role.value.title()} {n}",
            role=role,
            password=password,
        )

    return make


def version_of(tag: str) -> int:
    """The version an ETag of a versioned answer names: ``"<version>-<12 hex digits>"``."""
    assert re.fullmatch(r'"\d+-[0-9a-f]{12}"', tag), tag
    return int(tag.strip('"').partition("-")[0])


async def login(client: Any, email: str, password: str = PASSWORD) -> dict[str, Any]:
    """A new session's token pair (access and refresh), through the API."""
    r = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return dict(r.json())


def with_token(pair: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


def bearer(user: User) -> dict[str, str]:
    token, _ = auth.issue_access_token(user)
    return {"Authorization": f"Bearer {token}"}


async def make_key(
    client: Any, admin: User, user: User, scopes: Any = ("read", "write"), **extra: Any
) -> dict[str, Any]:
    """A new API key of ``user`` made by ``admin`` through the API: its answer, with the
    ``secret`` shown once (``extra``: more fields of the request, e.g. ``name``)."""
    r = await client.post(
        "/api/v1/api-keys",
        json={"user_id": user.pk, "name": "sync", "scopes": list(scopes)} | extra,
        headers=bearer(admin),
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def key_header(
    client: Any, admin: User, user: User, scopes: Any = ("read", "write")
) -> dict[str, str]:
    """The ``X-API-Key`` header of a new key of ``user`` (``make_key``)."""
    return {"X-API-Key": (await make_key(client, admin, user, scopes))["secret"]}


def series_body(
    room: Any, recurrence: dict[str, Any] | None = None, **fields: Any
) -> dict[str, Any]:
    """The request body of a weekly series in ``room``: "Algorithms", Tuesdays at 09:00 for
    90 minutes from 4 March 2031, four times. ``fields`` replace fields of the body;
    ``recurrence`` replaces the rule's fields but ``freq`` (weekly unless given)."""
    rule = {"freq": "weekly", **(recurrence if recurrence is not None else {"count": 4})}
    return {
        "room_id": room.pk,
        "title": "Algorithms",
        "start_date": f"{Y2031}-03-04",
        "start_time": "09:00",
        "duration_minutes": 90,
        "recurrence": rule,
        **fields,
    }


async def follow_pages(
    client: Any, url: str, headers: dict[str, str], **params: Any
) -> list[list[int]]:
    """The ids on every page of a cursor-paged list, following ``next_cursor`` (at most 20
    pages, so a cursor that never ends fails instead of looping)."""
    seen: list[list[int]] = []
    cursor = None
    for _ in range(20):
        query = params | ({"cursor": cursor} if cursor else {})
        r = await client.get(url, params=query, headers=headers)
        assert r.status_code == 200, r.text
        seen.append([x["id"] for x in r.json()["data"]])
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError(f"the cursors never end: {seen}")


def refused_field(r: Any, pointer: str, detail: str, code: str, *, location: str = "body") -> None:
    """``r`` is a 400 naming exactly this one field, in these words."""
    assert r.status_code == 400, r.text
    assert r.json()["errors"] == [
        {"location": location, "pointer": pointer, "detail": detail, "code": code}
    ], r.text


@pytest.fixture
async def admin(make_user: MakeUser) -> User:
    return await make_user(Role.admin)


@pytest.fixture
async def staff(make_user: MakeUser) -> User:
    return await make_user(Role.staff)


@pytest.fixture
async def member(make_user: MakeUser) -> User:
    return await make_user(Role.member)


# -- catalogue and booking factories ---------------------------------------------------------

OPEN_ALWAYS = None
WEEKDAYS_8_TO_20 = {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.pk, email=user.email, role=user.role)


@pytest.fixture
async def building(admin: User) -> Building:
    return await buildings.create_building(
        actor_of(admin), code="B1", name="Main building", timezone="Europe/Berlin"
    )


MakeRoom = Callable[..., Awaitable[Room]]


@pytest.fixture
def make_room(admin: User, building: Building) -> MakeRoom:
    counter = iter(range(1, 10_000))

    async def make(**fields: Any) -> Room:
        n = next(counter)
        values: dict[str, Any] = {
            "code": f"B1-{100 + n}",
            "name": f"Room {100 + n}",
            "building_id": building.pk,
            "capacity": 30,
        }
        values.update(fields)
        features = values.get("features") or []
        for code in features:
            if not await Feature.filter(code=code).exists():
                await Feature.create(code=code, name=code.title())
        return await rooms.create_room(actor_of(admin), **values)

    return make


@pytest.fixture
async def room(make_room: MakeRoom) -> Room:
    return await make_room()


def monday_ahead(years: int = 5) -> date:
    """The Monday of this week, ``years`` years (of 52 weeks) ahead: a date that is always in
    the future, whenever the tests run, and always a Monday."""
    today = datetime.now(UTC).date()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=52 * years)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A UTC instant in a week far enough ahead: Monday 2031-03-03 is ``day=0`` (the year
    moves by whole 28-year cycles once 2031 comes near, see tests/dates.py)."""
    return datetime(Y2031, 3, 3, tzinfo=UTC) + timedelta(days=day, hours=hour, minutes=minute)


Book = Callable[..., Awaitable[Booking]]


@pytest.fixture
def book(database: str) -> Book:
    async def make(user: User, room: Room, start: datetime, end: datetime, **extra: Any) -> Booking:
        created = await bookings.create_booking(
            actor_of(user),
            room_id=room.pk,
            title=extra.pop("title", "Lecture"),
            start=start,
            end=end,
            **extra,
        )
        return created.booking

    return make


async def waiting_for_the_writer(engine: str, database_url: str, task: asyncio.Task[Any]) -> None:
    """Until ``task`` waits for a write transaction another task holds open: on PostgreSQL
    for a lock (a row, ``db.serialize``), on SQLite for the one writer's turn (the client's
    lock, taken by ``db.transaction`` and by every statement outside one). Fails if ``task``
    ends first: it did not wait."""
    if engine == "postgres":
        import asyncpg

        look = await asyncpg.connect(migrate._admin_dsn(database_url))
        try:
            await waiting_on_a_lock(look, task=task)
        finally:
            await look.close()
        return
    turn = db.conn()._lock  # type: ignore[attr-defined]
    async with asyncio.timeout(60):
        while not any(not waiter.done() for waiter in turn._waiters or ()):
            assert not task.done(), "the statement did not wait for the writer"
            await asyncio.sleep(0.01)


@pytest.fixture
def first_held(
    monkeypatch: pytest.MonkeyPatch, engine: str, database_url: str
) -> Callable[..., Awaitable[list[Any]]]:
    """Two writes at once: run ``first``, hold it open at its audit record (a change's last
    step before its commit), start ``second``, let the first go once the second waits for it
    (``waiting_for_the_writer``); the outcomes of both, exceptions included. The second then
    reads what the first wrote. A first that ends before its audit record, or a second that
    does not wait for it, fails the test, naming how it ended."""

    async def run(first: Awaitable[Any], second: Callable[[], Awaitable[Any]]) -> list[Any]:
        reached, release = asyncio.Event(), asyncio.Event()
        record = audit.record

        async def held(*args: Any, **kwargs: Any) -> Any:
            if not reached.is_set():
                reached.set()
                await release.wait()
            return await record(*args, **kwargs)

        monkeypatch.setattr(audit, "record", held)
        one = asyncio.ensure_future(first)
        at_record = asyncio.ensure_future(reached.wait())
        await asyncio.wait([one, at_record], return_when=asyncio.FIRST_COMPLETED)
        if not reached.is_set():  # else it would wait for ever
            at_record.cancel()
            outcome = one.exception() or one.result()
            pytest.fail(f"the first write ended before its audit record: {outcome!r}")
        two = asyncio.ensure_future(second())
        try:
            await waiting_for_the_writer(engine, database_url, two)
        finally:
            release.set()
        return list(await asyncio.gather(one, two, return_exceptions=True))

    return run
