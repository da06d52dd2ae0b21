"""Cursor paging: lists return ``(items, next_cursor)``; a cursor is opaque to clients."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from compax_server.errors import InvalidInput

MAX_LIMIT = 200
DEFAULT_LIMIT = 50

M = TypeVar("M", bound=Model)


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, name: str = "cursor") -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        value = None
    if not isinstance(value, dict):
        raise InvalidInput.field("query", name, "is not a cursor this server issued")
    return value


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput.field(
            "query", "limit", f"must be between 1 and {MAX_LIMIT}", code="out_of_range"
        )
    return limit


async def page_by_id(
    query: QuerySet[M], limit: int, cursor: str | None, *, newest_first: bool = False
) -> tuple[list[M], str | None]:
    """One page of ``query`` in id order (descending with ``newest_first``), and the cursor
    of the next page."""
    check_limit(limit)
    if cursor:
        after = decode_cursor(cursor).get("id")
        if not isinstance(after, int):
            raise InvalidInput.field("query", "cursor", "is not a cursor this server issued")
        query = query.filter(id__lt=after) if newest_first else query.filter(id__gt=after)
    rows = await query.order_by("-id" if newest_first else "id").limit(limit + 1)
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor({"id": rows[-1].pk})
    return rows, None
