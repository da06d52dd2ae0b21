"""Concurrency hygiene (integrity issue, item 9)."""

from __future__ import annotations

import pytest

from compax_server import db
from compax_server.errors import ServiceUnavailable
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
