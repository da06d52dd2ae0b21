"""How database failures are classified: retry, 503 (the database is away), or a real error."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest
from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError

from compax_server import db


def wrapped(cause: BaseException, outer: type[Exception] = OperationalError) -> Exception:
    """As Tortoise raises it: its own exception, the driver's as the cause."""
    try:
        raise outer(str(cause)) from cause
    except Exception as exc:
        return exc


@pytest.mark.parametrize(
    "cause",
    [
        asyncpg.exceptions.CannotConnectNowError("the database system is shutting down"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
        asyncpg.exceptions._base.InternalClientError(
            "cannot switch to state 15; another operation (2) is in progress"
        ),
        ConnectionRefusedError(111, "Connection refused"),
        sqlite3.OperationalError("unable to open database file"),
    ],
)
def test_the_database_being_away_is_unavailable(cause):
    assert db.is_unavailable(wrapped(cause, DBConnectionError))
    assert not db.is_transient(wrapped(cause))


@pytest.mark.parametrize(
    "cause",
    [
        asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
        sqlite3.OperationalError("database is locked"),
    ],
)
def test_lock_trouble_is_transient(cause):
    assert db.is_transient(wrapped(cause))
    assert not db.is_unavailable(wrapped(cause))


def test_a_real_error_is_neither():
    bad = wrapped(asyncpg.exceptions.UndefinedColumnError("column x does not exist"))
    assert not db.is_transient(bad) and not db.is_unavailable(bad)
    overlap = wrapped(
        asyncpg.exceptions.ExclusionViolationError(
            'conflicting key value violates "booking_overlap"'
        ),
        IntegrityError,
    )
    assert db.is_overlap_violation(overlap) and not db.is_unavailable(overlap)
