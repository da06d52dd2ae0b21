"""Reading an error response's RFC 9457 problem body: the shapes of its members
(``FieldError``, ``ConflictingBooking``, ``AlternativeRoom``, exported by ``errors``) and
the helpers that read them without ever failing on an unexpected shape."""

from __future__ import annotations

import email.utils
import time
from datetime import datetime
from typing import Any, TypeVar

import httpx
from pydantic import ConfigDict
from pydantic import ValidationError as PydanticValidationError

from compax_sdk._models import Model

_M = TypeVar("_M", bound=Model)


class FieldError(Model):
    """One entry of a problem's ``errors``: a bad field (``pointer``) or a broken ``rule``."""

    model_config = ConfigDict(extra="allow")

    location: str | None = None
    pointer: str | None = None
    detail: str = ""
    code: str | None = None
    rule: str | None = None
    limit: Any = None


class ConflictingBooking(Model):
    """A booking in the way, as a 409 ``booking_conflict`` describes it. ``id``, ``title`` and
    ``owner_id`` are only there when the caller may see the booking (their own, or any for
    staff): others' bookings show just their times and state. ``date`` (the local date of
    the occurrence) only for a series, whose conflicts are all in its own room."""

    id: int | None = None
    room_id: int | None = None
    start: datetime
    end: datetime
    title: str | None = ""  # the server's schema allows null: a conflict is never dropped
    status: str = ""
    owner_id: int | None = None
    date: str | None = None


class AlternativeRoom(Model):
    """A room the server suggests when the one asked for is taken: free for the same time,
    with at least the capacity and every feature of the room asked for."""

    id: int
    code: str
    name: str = ""
    capacity: int = 0


def problem_body(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a response, or ``{}`` (an HTML page from a proxy, say)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def parse_retry_after(response: httpx.Response, body: dict[str, Any] | None = None) -> float | None:
    """Seconds to wait, from ``Retry-After`` (seconds or an HTTP date) or the problem's
    ``retry_after`` member; ``None`` when neither says."""
    header = response.headers.get("retry-after")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            parsed = email.utils.parsedate_tz(header)
            if parsed is not None:
                return max(0.0, email.utils.mktime_tz(parsed) - time.time())
    value = (body or {}).get("retry_after")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return max(0.0, float(value))
    return None


def read_all(model: type[_M], items: object) -> list[_M]:
    """The entries of a problem member that read as ``model``; others are skipped (an error
    is never lost because a detail of it has an unexpected shape)."""
    out: list[_M] = []
    for item in items if isinstance(items, list) else []:
        try:
            out.append(model.model_validate(item))
        except PydanticValidationError:
            continue
    return out


def str_or_none(value: object) -> str | None:
    """A problem member that is a non-empty string, else ``None``."""
    return value if isinstance(value, str) and value else None


def response_text(response: httpx.Response) -> str:
    """The start of a body that is not a problem (a proxy's page, say), or ``""``."""
    try:
        return response.text.strip()[:500]
    except (UnicodeDecodeError, httpx.ResponseNotRead):
        return ""


def time_or_none(value: Any) -> datetime | None:
    """A problem member that is an ISO 8601 time, else ``None``."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
