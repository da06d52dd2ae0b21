"""One weekly section in the optimizer's JSON shape, for the optimizer's domain tests."""

from __future__ import annotations

from typing import Any


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
        "title": title or ext,
        "weekdays": [day],
        "start_time": start,
        "duration_minutes": minutes,
        "headcount": headcount,
        **extra,
    }
