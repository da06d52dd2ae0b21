"""The PostgreSQL pool takes connections back without asyncpg's session reset (a round trip
after every use; ``compax_server/db/postgres.py`` says why). That is safe only while two
things hold: a transaction left open is still rolled back before the connection is reused,
and no code sets session state that the reset would have cleared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compax_server import db
from compax_server.db.postgres import keep_session

ROOT = Path(__file__).resolve().parents[2]

# SQL (or asyncpg calls) that leave state on the session, which nothing would clear now.
SESSION_STATE = {
    "session advisory lock": r"pg_(try_)?advisory_lock(_shared)?\s*\(",
    "LISTEN": r"\bLISTEN\s+\w",
    "session setting": r"\bSET\s+(SESSION\b|ROLE\b|search_path\b|TIME\s+ZONE\b|\w+_timeout\b)",
    "set_config": r"\bset_config\s*\(",
    "SQL cursor": r"\bDECLARE\s+\w+\s+[\w\s]*CURSOR\b",
    "temporary table": r"\bCREATE\s+(TEMP|TEMPORARY)\s+TABLE\b",
    "SQL PREPARE": r"\bPREPARE\s+\w+\s*(\(|AS\b)",
    "listener": r"\.add_listener\s*\(",
}


def test_no_code_leaves_state_on_a_pooled_session():
    found = []
    for folder in ("compax_server", "migrations"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text()
            for what, pattern in SESSION_STATE.items():
                for match in re.finditer(pattern, text, re.IGNORECASE):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def test_the_patterns_find_what_they_are_for():
    samples = {
        "session advisory lock": "SELECT pg_advisory_lock(42)",
        "LISTEN": "LISTEN bookings",
        "session setting": "SET statement_timeout = 0",
        "set_config": "SELECT set_config('x.y', '1', false)",
        "SQL cursor": "DECLARE c NO SCROLL CURSOR FOR SELECT 1",
        "temporary table": "CREATE TEMP TABLE t (n int)",
        "SQL PREPARE": "PREPARE q AS SELECT 1",
        "listener": "await conn.add_listener('x', f)",
    }
    for what, sample in samples.items():
        assert re.search(SESSION_STATE[what], sample, re.IGNORECASE), what
    for harmless in (
        "SELECT pg_advisory_xact_lock(?)",
        "UPDATE rooms SET version = version + 1",
        "SET LOCAL lock_timeout = '1s'",  # ends with the transaction
    ):
        assert not any(re.search(p, harmless, re.IGNORECASE) for p in SESSION_STATE.values())


@pytest.mark.parametrize("engine", ["postgres"])
async def test_a_transaction_left_open_is_rolled_back_before_reuse(database):
    pool = db.conn()._pool  # type: ignore[attr-defined]
    assert pool._reset is keep_session  # the pool skips asyncpg's reset query
    async with pool.acquire() as proxy:
        await proxy.execute("CREATE TABLE pool_reset_probe (n int)")
        await proxy.execute("BEGIN")
        await proxy.execute("INSERT INTO pool_reset_probe VALUES (1)")
        connection = proxy._con  # the pooled connection itself, idle once given back
    try:
        # Given back mid-transaction: asyncpg rolled it back (and logged that it did).
        assert not connection.is_in_transaction()
        assert await connection.fetchval("SELECT count(*) FROM pool_reset_probe") == 0
    finally:
        await db.conn().execute_script("DROP TABLE pool_reset_probe")


@pytest.mark.parametrize("engine", ["postgres"])
async def test_every_pooled_connection_runs_without_jit(database):
    """Compiling a query whose estimate passes ``jit_above_cost`` took 40-50 ms of a 2 ms
    search on the large campus (compax_server/db/postgres.py)."""
    pool = db.conn()._pool  # type: ignore[attr-defined]
    async with pool.acquire() as first, pool.acquire() as second:
        assert [await c.fetchval("SHOW jit") for c in (first, second)] == ["off", "off"]
    assert await db.conn().execute_query_dict("SHOW jit") == [{"jit": "off"}]
