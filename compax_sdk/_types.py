"""Small shared types: the "not given" marker and per-call options."""

from __future__ import annotations

from typing import Final, Literal

import httpx

Timeout = float | httpx.Timeout | None
"""Seconds for the whole request, an ``httpx.Timeout``, or ``None`` for no limit."""


class NotGiven:
    """Marks a parameter the caller left out, where ``None`` has a meaning of its own
    (``floor=None`` clears a room's floor; leaving ``floor`` out keeps it)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()
