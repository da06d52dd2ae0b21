"""The database layer's own helpers, asked directly: connection settings, lock keys, the
retry loop, raw SQL on either engine and its decoders (``compax_server/db/__init__.py``,
``db/sql.py``, ``db/postgres.py``)."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta, timezone

import asyncpg
import pytest

from compax_server import db
from compax_server.db import postgres, sql

# --- connection settings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "dialect"),
    [
        ("sqlite:///srv/compax.sqlite3", "sqlite"),
        ("sqlite://:memory:", "sqlite"),
        ("postgres://u@db/compax", "postgres"),
        ("postgresql://u@db/compax", "postgres"),
    ],
)
def test_the_dialect_and_connection_name_of_a_url(url, dialect):
    assert db.dialect_of(url) == dialect
    assert db.connection_name(url) == dialect


def test_sqlite_waits_for_the_write_lock_unless_told_otherwise():
    config = db.tortoise_config("sqlite:///srv/compax.sqlite3?journal_mode=wal")
    assert config["connections"] == {
        "sqlite": "sqlite:///srv/compax.sqlite3?journal_mode=wal&busy_timeout=10000"
    }
    own = db.tortoise_config("sqlite:///srv/compax.sqlite3?busy_timeout=50")
    assert own["connections"] == {"sqlite": "sqlite:///srv/compax.sqlite3?busy_timeout=50"}


def test_postgres_goes_through_the_bounded_pool():
    config = db.tortoise_config("postgres://compax:secret@db.example:6543/campus?maxsize=7")
    connection = config["connections"]["postgres"]
    assert connection["engine"] == "compax_server.db.postgres"
    assert connection["credentials"] == {
        "host": "db.example",
        "port": 6543,
        "user": "compax",
        "password": "secret",
        "database": "campus",
        "maxsize": "7",
    }  # no busy_timeout: that is SQLite's
    assert config["apps"] == {
        "models": {
            "models": [*db.MODEL_MODULES, "aerich.models"],
            "default_connection": "postgres",
        }
    }
    assert config["use_tz"] is True and config["timezone"] == "UTC"


@pytest.mark.parametrize("value", ["0", "-1", "nan", 0.0])
def test_a_pool_that_never_waits_is_refused(value):
    with pytest.raises(ValueError, match=r"^acquire_timeout must be a positive number of seconds$"):
        postgres.BoundedAsyncpgClient(
            connection_name="postgres",
            host="h",
            port=5432,
            user="u",
            password="",
            database="d",
            acquire_timeout=value,
        )


def test_the_pool_waits_its_own_time_unless_a_caller_names_one():
    asked: list[float | None] = []

    class Pool:
        size = 3

        def acquire(self, *, timeout: float | None = None) -> str:
            asked.append(timeout)
            return "connection"

    bounded = postgres.BoundedPool(Pool(), 0.25)  # type: ignore[arg-type]
    assert bounded.acquire() == "connection"
    assert bounded.acquire(timeout=2.0) == "connection"
    assert asked == [0.25, 2.0]
    assert bounded.size == 3  # everything else is the pool's own


@pytest.mark.parametrize("engine", ["postgres"])
async def test_a_postgres_session_starts_without_jit_and_with_its_wait(database, database_url):
    client = db.conn()
    assert isinstance(client, postgres.BoundedAsyncpgClient)
    assert client.acquire_timeout == postgres.ACQUIRE_TIMEOUT
    rows = await client.execute_query_dict("SHOW jit")
    assert rows == [{"jit": "off"}]


# --- lock keys -----------------------------------------------------------------------------


def test_a_lock_key_is_its_space_above_its_ident():
    assert db.lock_key(db.Space.change_feed) == 0
    assert db.lock_key(db.Space.building, 5) == 4 * 2**48 + 5
    assert db.lock_key(db.Space.admins, 2**48 - 1) == 3 * 2**48 - 1  # the last of its space
    assert db.COMMIT_ORDER < 2**48  # the change feed's key stays in its space


@pytest.mark.parametrize("ident", [-1, 2**48])
def test_a_lock_ident_outside_its_space_is_refused(ident):
    with pytest.raises(ValueError, match=f"lock ident out of range: {ident}"):
        db.lock_key(db.Space.building, ident)


async def held_advisory_locks(other: asyncpg.Connection) -> list[int]:
    rows = await other.fetch(
        "SELECT (classid::bigint << 32) | objid::bigint AS key FROM pg_locks"
        " WHERE locktype = 'advisory' AND granted"
    )
    return sorted(int(r["key"]) for r in rows)


@pytest.mark.parametrize("engine", ["postgres"])
async def test_serialize_holds_its_key_until_the_transaction_ends(database, database_url):
    from compax_server.db.migrate import _admin_dsn

    other = await asyncpg.connect(_admin_dsn(database_url))
    try:
        async with db.transaction():
            await db.serialize(db.Space.building, 7)
            assert await held_advisory_locks(other) == [db.lock_key(db.Space.building, 7)]
        assert await held_advisory_locks(other) == []
    finally:
        await other.close()


@pytest.mark.parametrize("engine", ["sqlite"])
async def test_serialize_on_sqlite_asks_nothing_of_the_database(database, monkeypatch):
    """SQLite has one writer (``BEGIN IMMEDIATE``) already; there is no advisory lock to take."""
    asked: list[str] = []
    client = db.conn()

    async def execute_query(query, values=None):  # pragma: no cover - must not be called
        asked.append(query)
        return 0, []

    monkeypatch.setattr(client, "execute_query", execute_query)
    await db.serialize(db.Space.building, 7)
    assert asked == []


# --- failures: which are retried, which mean the database is away --------------------------


def chained(*errors: BaseException, context: bool = False) -> BaseException:
    """``errors[0]`` raised from ``errors[1]`` raised from ... (``__context__`` instead of
    ``__cause__`` with ``context=True``)."""
    for outer, inner in itertools.pairwise(errors):
        if context:
            outer.__context__ = inner
        else:
            outer.__cause__ = inner
    return errors[0]


def test_a_cause_deep_in_the_chain_counts():
    locked = chained(RuntimeError("a"), RuntimeError("b"), RuntimeError("database is busy"))
    assert db.is_transient(locked)
    implicit = chained(RuntimeError("a"), RuntimeError("database is locked"), context=True)
    assert db.is_transient(implicit)
    overlap = chained(RuntimeError("a"), RuntimeError('violates "booking_overlap"'))
    assert db.is_overlap_violation(overlap)
    away = chained(RuntimeError("a"), ConnectionResetError("reset by peer"))
    assert db.is_unavailable(away)


def test_a_chain_that_loops_ends():
    first, second = RuntimeError("a"), RuntimeError("b")
    first.__cause__, second.__cause__ = second, first
    assert db._causes(first) == [first, second]
    assert not db.is_transient(first) and not db.is_unavailable(first)
    assert not db.is_overlap_violation(first)


class Coded(Exception):
    def __init__(self, sqlstate: object) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "transient", "overlap", "away"),
    [
        ("40001", True, False, False),  # serialization failure
        ("40P01", True, False, False),  # deadlock
        ("23P01", False, True, False),  # exclusion constraint
        ("23505", False, False, False),  # unique: a real error
        ("08006", False, False, True),  # connection failure
        ("57P01", False, False, True),  # admin shutdown
        ("57014", False, False, False),  # query cancelled: not "57P"
        (None, False, False, False),
        (8006, False, False, False),  # not a string: no prefix to match
    ],
)
def test_what_a_sqlstate_means(sqlstate, transient, overlap, away):
    error = Coded(sqlstate)
    assert db.is_transient(error) is transient
    assert db.is_overlap_violation(error) is overlap
    assert db.is_unavailable(error) is away


@pytest.mark.parametrize(
    "error",
    [
        TimeoutError(),
        BrokenPipeError(),
        type("InterfaceError", (Exception,), {})("closed"),
        type("DBConnectionError", (Exception,), {})("down"),
        type("ConnectionDoesNotExistError", (Exception,), {})("gone"),
        type("CannotConnectNowError", (Exception,), {})("starting"),
        type("ConnectionRefusedError", (Exception,), {})("refused"),
        type("ConnectionResetError", (Exception,), {})("reset"),
        type("InternalClientError", (Exception,), {})("cannot switch to state 15"),
    ],
)
def test_the_database_away_by_the_kind_of_error(error):
    assert db.is_unavailable(error)
    assert not db.is_transient(error)


def test_sqlite_that_cannot_open_its_file_is_the_database_away():
    """Whatever wraps it: the words are all SQLite gives (a missing folder, a lost mount)."""
    assert db.is_unavailable(RuntimeError("unable to open database file"))
    assert not db.is_transient(RuntimeError("unable to open database file"))


def test_a_plain_error_is_not_the_database_away():
    assert not db.is_unavailable(ValueError("unable to open the door"))
    assert not db.is_transient(ValueError("the database is fine"))


class Flaky:
    """Work that fails with ``errors`` in turn, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


@pytest.fixture
def pauses(monkeypatch) -> list[float]:
    """The back-off pauses of ``with_retries``, recorded instead of slept."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(db.asyncio, "sleep", sleep)
    return slept


async def test_a_transient_failure_is_retried_with_a_growing_pause(pauses):
    work = Flaky(Coded("40P01"), Coded("40001"), RuntimeError("database is locked"))
    assert await db.with_retries(work) == "done"
    assert work.calls == 4
    assert len(pauses) == 3
    for attempt, pause in enumerate(pauses, start=1):
        assert 0.005 * attempt <= pause <= 0.03 * attempt


async def test_a_failure_that_lasts_is_given_up_after_four_attempts(pauses):
    work = Flaky(*[Coded("40P01") for _ in range(10)])
    with pytest.raises(Coded):
        await db.with_retries(work)
    assert work.calls == 4 and len(pauses) == 3


async def test_a_real_error_is_not_retried(pauses):
    work = Flaky(ValueError("bad"))
    with pytest.raises(ValueError, match="bad"):
        await db.with_retries(work)
    assert work.calls == 1 and pauses == []


async def test_the_last_failure_is_raised_when_every_attempt_failed(pauses):
    last = Coded("40P01")
    work = Flaky(Coded("40001"), last)
    with pytest.raises(Coded) as raised:
        await db.with_retries(work, attempts=2)
    assert raised.value is last
    assert work.calls == 2 and len(pauses) == 1


async def test_exhausted_retries_raise_the_callers_error_from_the_last(pauses):
    last = Coded("40P01")
    work = Flaky(Coded("40001"), Coded("40001"), last)

    with pytest.raises(LookupError, match="busy, try again") as raised:
        await db.with_retries(work, attempts=3, on_exhausted=lambda: LookupError("busy, try again"))
    assert raised.value.__cause__ is last
    assert work.calls == 3 and len(pauses) == 2


@pytest.mark.parametrize("attempts", [0, -1])
async def test_fewer_than_one_attempt_is_refused_before_any_work(pauses, attempts):
    work = Flaky()
    with pytest.raises(ValueError, match=f"attempts={attempts}: at least one attempt"):
        await db.with_retries(work, attempts=attempts)
    assert work.calls == 0 and pauses == []


# --- raw SQL -------------------------------------------------------------------------------


def test_placeholders_are_numbered_for_asyncpg():
    assert sql._numbered("SELECT 1") == "SELECT 1"
    assert sql._numbered("a = ? AND b IN (?, ?)") == "a = $1 AND b IN ($2, $3)"
    assert sql._numbered("?") == "$1"


async def test_raw_sql_reads_and_writes_on_either_engine(database):
    """The same ``?`` text runs on both engines; ``execute`` counts the rows an update or a
    delete changed (an insert's count is not read: PostgreSQL's tag puts an OID first)."""
    await sql.execute("CREATE TABLE probe (n INTEGER, label TEXT)")
    await sql.execute("INSERT INTO probe VALUES (?, ?), (?, ?)", 1, "one", 2, "two")
    assert await sql.execute("UPDATE probe SET label = ? WHERE n > ?", "big", 0) == 2
    assert await sql.execute("DELETE FROM probe WHERE n = ?", 5) == 0
    assert await sql.execute("DELETE FROM probe WHERE n = ?", 2) == 1
    rows = await sql.fetch("SELECT n, label FROM probe WHERE n >= ? ORDER BY n", 1)
    assert rows == [{"n": 1, "label": "big"}]
    assert await sql.fetch_one("SELECT n FROM probe WHERE n >= ? ORDER BY n", 0) == {"n": 1}
    assert await sql.fetch_one("SELECT n FROM probe WHERE n = ?", 3) is None
    await sql.execute("DROP TABLE probe")


async def earliest(dialect: str, time: datetime, span: int) -> datetime | None:
    if dialect == "postgres":
        bound = sql.start_bound(dialect, "?::timestamptz", "?::bigint")
        row = await sql.fetch_one(f"SELECT ({bound})::text AS b", time, span)
    else:
        bound = sql.start_bound(dialect, "?", "?")
        row = await sql.fetch_one(f"SELECT {bound} AS b", time.strftime("%Y-%m-%d %H:%M:%S"), span)
    assert row is not None
    value = row["b"]
    if value in ("", "-infinity"):
        return None  # no bound: the whole history
    return sql.decode_time(value.replace(" ", "T").removesuffix("+00"))


async def test_the_start_bound_is_the_time_less_the_span(database):
    at = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
    assert await earliest(database, at, 0) == at
    assert await earliest(database, at, 5400) == at - timedelta(minutes=90)
    assert await earliest(database, at, 366 * 86400) == at - timedelta(days=366)


async def test_a_span_past_the_calendar_leaves_no_bound(database):
    at = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
    if database == "sqlite":  # past SQLite's calendar (4714 BC) datetime() gives NULL
        exact = await earliest(database, at, sql.SPAN_UNBOUNDED)
        assert exact == at - timedelta(seconds=sql.SPAN_UNBOUNDED)
        assert await earliest(database, at, 10**12) is None  # 31,700 years
    else:  # a span at or past SPAN_UNBOUNDED (a saturated one) is no bound at all
        assert await earliest(database, at, sql.SPAN_UNBOUNDED - 1) == at - timedelta(
            seconds=sql.SPAN_UNBOUNDED - 1
        )
        assert await earliest(database, at, sql.SPAN_UNBOUNDED) is None
        assert await earliest(database, at, 2**31 - 1) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2031-03-04T09:00:00", datetime(2031, 3, 4, 9, tzinfo=UTC)),
        ("2031-03-04 09:00:00.250000", datetime(2031, 3, 4, 9, 0, 0, 250000, tzinfo=UTC)),
        (
            "2031-03-04T10:00:00+01:00",
            datetime(2031, 3, 4, 10, tzinfo=timezone(timedelta(hours=1))),
        ),
        (datetime(2031, 3, 4, 9), datetime(2031, 3, 4, 9, tzinfo=UTC)),
        (
            datetime(2031, 3, 4, 10, tzinfo=timezone(timedelta(hours=1))),
            datetime(2031, 3, 4, 10, tzinfo=timezone(timedelta(hours=1))),
        ),
    ],
)
def test_a_stored_time_decodes_to_an_aware_one(value, expected):
    decoded = sql.decode_time(value)
    assert decoded == expected
    assert decoded.utcoffset() == expected.utcoffset()


def test_json_decodes_from_text_or_bytes_and_passes_the_rest():
    assert sql.decode_json('{"a": [1, 2]}') == {"a": [1, 2]}
    assert sql.decode_json(b'["x"]') == ["x"]
    assert sql.decode_json({"a": 1}) == {"a": 1}
    assert sql.decode_json(None) is None
    assert sql.encode_json(None) is None
    assert json.loads(sql.encode_json({"a": [1, "ü"]}) or "") == {"a": [1, "ü"]}
    assert sql.encode_json([]) == "[]"
