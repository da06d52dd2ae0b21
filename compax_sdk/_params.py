"""Turning Python arguments into query strings and JSON bodies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from compax_sdk._types import NotGiven


def rfc3339(value: datetime, name: str) -> str:
    """An aware datetime as RFC 3339. A naive one is refused before anything is sent: the
    server cannot know which zone it meant. An offset of seconds (a zone's local mean time
    before its standard time, ``+00:53:28`` in Berlin before 1893) has no RFC 3339 form: the
    same instant goes in UTC."""
    offset = value.tzinfo.utcoffset(value) if value.tzinfo is not None else None
    if offset is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime, e.g. "
            f"datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo('Europe/Berlin')) or tzinfo=UTC; "
            f"got the naive {value.isoformat()}"
        )
    if offset % timedelta(minutes=1):
        try:
            value = value.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"{name} {value.isoformat()} is outside the calendar") from None
    return value.isoformat()


def _value(value: Any, name: str) -> Any:
    if isinstance(value, datetime):
        return rfc3339(value, name)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _value(v, f"{name}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v, name) for v in value]
    return value


def query(params: Mapping[str, Any]) -> dict[str, str]:
    """Query parameters: ``None`` and NOT_GIVEN left out, booleans as ``true``/``false``,
    times as RFC 3339, sequences comma-separated."""
    out: dict[str, str] = {}
    for name, value in params.items():
        if value is None or isinstance(value, NotGiven):
            continue
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, str):
            out[name] = value
        elif isinstance(value, Sequence):
            out[name] = ",".join(str(_value(v, name)) for v in value)
        else:
            out[name] = str(_value(value, name))
    return out


def body(fields: Mapping[str, Any], *, keep_none: bool = False, prefix: str = "") -> dict[str, Any]:
    """A JSON body. NOT_GIVEN is always left out; ``None`` too unless ``keep_none`` (in
    updates, where ``None`` clears a value). ``prefix`` goes before the names in errors
    (``items[3].start``)."""
    return {
        name: _value(value, prefix + name)
        for name, value in fields.items()
        if not isinstance(value, NotGiven) and (keep_none or value is not None)
    }
