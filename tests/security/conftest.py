"""Fixtures of the security tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())
        self.records.append(record)

    def of(self, action: str) -> list[str]:
        """The lines of one event, e.g. ``of("auth.login_failed")``."""
        return [line for line in self.lines if line.startswith(action + " ")]


@pytest.fixture
def security_log() -> Iterator[Lines]:
    """What the ``compax.security`` logger writes."""
    logger = logging.getLogger("compax.security")
    handler = Lines()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
