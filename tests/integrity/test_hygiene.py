"""Concurrency hygiene (integrity issue, item 9)."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError

from compax_server import db
from compax_server.errors import BookingConflict, ServiceUnavailable
from compax_server.services import writes


async def test_a_busy_database_gives_each_request_its_own_503():
    """Repro: ``BUSY`` was one exception instance raised by every request; its traceback
    grew and its ``__cause__`` was shared between requests."""

    def failing(n: int):
        async def work() -> None:
            raise RuntimeError(f"database is locked ({n})")

        return work

    raised = []
    for n in range(2):
        with pytest.raises(ServiceUnavailable) as caught:
            await db.with_retries(failing(n), attempts=1, on_exhausted=writes.busy)
        raised.append(caught.value)
    assert raised[0] is not raised[1]
    assert str(raised[0].__cause__) == "database is locked (0)"
    assert str(raised[1].__cause__) == "database is locked (1)"
    assert raised[1].extra["retry_after"] == 1
    assert raised[1].detail == "The database is busy; retry in a moment."


async def test_a_write_that_finds_the_database_busy_every_time_is_a_503_after_four_tries():
    """``writes.run``, the one write path: a transient failure is tried again (four attempts
    in all), then the caller gets the 503 that tells it to retry, never the raw error."""
    tries = 0

    async def always_locked() -> None:
        nonlocal tries
        tries += 1
        raise RuntimeError("database is locked")

    with pytest.raises(ServiceUnavailable) as caught:
        await writes.run(always_locked)
    assert tries == 4
    assert (caught.value.detail, caught.value.extra["retry_after"]) == (
        "The database is busy; retry in a moment.",
        1,
    )
    assert str(caught.value.__cause__) == "database is locked"


async def test_an_overlap_the_database_refuses_is_a_409_other_refusals_stay_what_they_are():
    """``writes.run`` turns the database's overlap refusal (a race the service's check could
    not see) into a 409: the caller's own conflict when it names one, else a plain one. Any
    other integrity error is not an overlap and is not dressed up as one."""

    def refusing(message: str):
        async def attempt() -> None:
            raise IntegrityError(message)

        return attempt

    overlap = 'conflicting key value violates exclusion constraint "booking_overlap"'
    with pytest.raises(BookingConflict) as plain:
        await writes.run(refusing(overlap))
    assert plain.value.detail == "the room was booked for one of these times a moment ago"

    async def named() -> BookingConflict:
        return BookingConflict("room B1-204 was booked a moment ago", conflicts=[{"id": 7}])

    with pytest.raises(BookingConflict) as caller_s:
        await writes.run(refusing(overlap), on_overlap=named)
    assert caller_s.value.detail == "room B1-204 was booked a moment ago"
    assert caller_s.value.extra["conflicts"] == [{"id": 7}]
    with pytest.raises(IntegrityError, match=r"UNIQUE constraint failed: users\.email"):
        await writes.run(refusing("UNIQUE constraint failed: users.email"))
