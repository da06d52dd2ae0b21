"""One weekly section for the optimizer's domain tests: in its JSON shape (``raw_section``)
or read (``section_at``). Its title is "<external id> title" unless given, so a test sees
which of the two an answer shows."""

from __future__ import annotations

from typing import Any

from compax_server.domain.optimizer import Section
from compax_server.domain.optimizer_plan import section_of


def raw_section(
    ext: str,
    day: str = "mon",
    start: str = "09:00",
    minutes: int = 60,
    headcount: int = 10,
    *,
    title: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "external_id": ext,
        "title": title or f"{ext} title",
        "weekdays": [day],
        "start_time": start,
        "duration_minutes": minutes,
        "headcount": headcount,
        **extra,
    }


def section_at(
    ext: str,
    day: str = "mon",
    start: str = "09:00",
    minutes: int = 60,
    headcount: int = 10,
    **extra: Any,
) -> Section:
    return section_of(raw_section(ext, day, start, minutes, headcount, **extra))
