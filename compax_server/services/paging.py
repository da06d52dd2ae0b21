"""Cursor paging: lists return ``(items, next_cursor)``; a cursor is opaque to clients."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from compax_server.domain import bounds
from compax_server.errors import InvalidInput, RuleViolation

MAX_LIMIT = 200
DEFAULT_LIMIT = 50

M = TypeVar("M", bound=Model)


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


MAX_CURSOR_INT = 2**63 - 1  # the largest id of any table (a bigint)


def _plain(value: Any) -> bool:
    """A value a cursor of ours holds: a string, or an integer a database column can take."""
    if isinstance(value, str):
        return True
    return type(value) is int and -MAX_CURSOR_INT <= value <= MAX_CURSOR_INT


def decode_cursor(cursor: str, name: str = "cursor", location: str = "query") -> dict[str, Any]:
    """The position in a cursor: an object of strings and integers (a forged cursor with
    floats, huge numbers, nested objects or lists is a 400, before any query sees it)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        value = None
    if not isinstance(value, dict) or not all(_plain(v) for v in value.values()):
        raise InvalidInput.field(location, name, "is not a cursor this server issued")
    return value


def cursor_int(
    position: dict[str, Any], key: str, maximum: int, name: str = "cursor", location: str = "query"
) -> int:
    """``position[key]`` when it is an integer from 0 to ``maximum`` (the column's range)."""
    value = position.get(key)
    if type(value) is not int or not 0 <= value <= maximum:
        raise InvalidInput.field(location, name, "is not a cursor this server issued")
    return value


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput.out_of_range("query", "limit", limit, 1, MAX_LIMIT)
    return limit


async def page_by_id(
    query: QuerySet[M], limit: int, cursor: str | None, *, newest_first: bool = False
) -> tuple[list[M], str | None]:
    """One page of ``query`` in id order (descending with ``newest_first``), and the cursor
    of the next page."""
    check_limit(limit)
    if cursor:
        pk_max = query.model._meta.pk.constraints.get("le", MAX_CURSOR_INT)
        after = cursor_int(decode_cursor(cursor), "id", pk_max)
        query = query.filter(id__lt=after) if newest_first else query.filter(id__gt=after)
    rows = await query.order_by("-id" if newest_first else "id").limit(limit + 1)
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor({"id": rows[-1].pk})
    return rows, None


async def page_by_start(
    query: QuerySet[M], limit: int, cursor: str | None
) -> tuple[list[M], str | None]:
    """One page of ``query`` (of a model with ``start`` and ``id``) in (start, id) order,
    and the cursor of the next page."""
    check_limit(limit)
    if cursor:
        position = decode_cursor(cursor)
        pk_max = query.model._meta.pk.constraints.get("le", MAX_CURSOR_INT)
        after_id = cursor_int(position, "id", pk_max)
        try:
            after_start = bounds.check_instant(datetime.fromisoformat(position["s"]), "cursor")
        except (KeyError, TypeError, ValueError, RuleViolation):
            raise InvalidInput.field(
                "query", "cursor", "is not a cursor this server issued"
            ) from None
        # (start, id) > (after_start, after_id). Not .exclude(start=.., id__lte=..): Tortoise
        # makes that NOT a AND NOT b, which skips every row sharing the start.
        query = query.filter(Q(start__gt=after_start) | Q(start=after_start, id__gt=after_id))
    rows = await query.order_by("start", "id").limit(limit + 1)
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        start: datetime = getattr(last, "start")  # noqa: B009 (M names no start)
        return rows, encode_cursor({"s": start.isoformat(), "id": last.pk})
    return rows, None
