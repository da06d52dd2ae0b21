"""The audit log: every change, with its actor, in the same transaction as the change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from compax_server import db
from compax_server.db import audit as audit_db
from compax_server.db import sql
from compax_server.db.audit import AuditEvent
from compax_server.errors import InvalidInput
from compax_server.services.actors import Actor, Scope, require_staff
from compax_server.services.paging import check_limit, decode_cursor, encode_cursor, page_by_id

AUDIT_LOCK = 0x636F6D706178  # "compax": orders the change feed by commit


def _values(
    at: datetime,
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> tuple[Any, ...]:
    """One event's column values, in the order of the INSERTs below."""
    return (
        at,
        actor.user_id if actor else None,
        actor.api_key_id if actor else None,
        actor.label if actor else "system",
        action,
        entity_type,
        entity_id,
        sql.encode_json(before),
        sql.encode_json(after),
        actor.request_id if actor else "",
    )


async def record(
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> int:
    """Append one event; returns its id. Call it inside the transaction of the change it
    describes, as its last statement.

    On PostgreSQL the insert first takes a transaction-level advisory lock, so events get
    their ids in commit order (the lock is held only from here to the commit): a reader of
    the change feed that has seen id N never later finds a smaller id appear.
    """
    values = _values(datetime.now(UTC), actor, action, entity_type, entity_id, before, after)
    columns = (
        "at, actor_user_id, actor_api_key_id, actor_label, action, entity_type, entity_id, "
        "before, after, request_id"
    )
    if db.dialect() == "postgres":
        row = await sql.fetch_one(
            f"INSERT INTO audit_events ({columns}) "
            "SELECT ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ? "
            "FROM (SELECT pg_advisory_xact_lock(?)) AS commit_order RETURNING id",
            *values,
            AUDIT_LOCK,
        )
    else:
        row = await sql.fetch_one(
            f"INSERT INTO audit_events ({columns}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            *values,
        )
    assert row is not None
    return int(row["id"])


async def record_many(
    actor: Actor | None,
    events: list[tuple[str, str, int | None, dict[str, Any] | None, dict[str, Any] | None]],
) -> None:
    """Append many events ``(action, entity_type, entity_id, before, after)`` in a few
    statements (imports). Same commit-order rule as ``record``."""
    if not events:
        return
    if db.dialect() == "postgres":
        await sql.fetch("SELECT pg_advisory_xact_lock(?)", AUDIT_LOCK)
    at = datetime.now(UTC)
    columns = (
        "at, actor_user_id, actor_api_key_id, actor_label, action, entity_type, entity_id, "
        "before, after, request_id"
    )
    cast = "?::jsonb" if db.dialect() == "postgres" else "?"
    for i in range(0, len(events), 500):
        chunk = events[i : i + 500]
        params: list[Any] = []
        for action, entity_type, entity_id, before, after in chunk:
            params += _values(at, actor, action, entity_type, entity_id, before, after)
        row = f"(?, ?, ?, ?, ?, ?, ?, {cast}, {cast}, ?)"
        await sql.execute(
            f"INSERT INTO audit_events ({columns}) VALUES {', '.join([row] * len(chunk))}", *params
        )


@dataclass
class AuditFilter:
    entity_type: str | None = None
    entity_id: int | None = None
    actor_user_id: int | None = None
    action: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    newest_first: bool = False


async def list_events(
    actor: Actor, filters: AuditFilter, *, limit: int, cursor: str | None
) -> tuple[list[AuditEvent], str | None]:
    """The audit log, oldest first, for staff and admins."""
    require_staff(actor, Scope.read)
    query = audit_db.matching(
        entity_type=filters.entity_type,
        entity_id=filters.entity_id,
        actor_user_id=filters.actor_user_id,
        action=filters.action,
        start=filters.start,
        end=filters.end,
    )
    return await page_by_id(query, limit, cursor, newest_first=filters.newest_first)


async def changes_since(
    actor: Actor, since: str | None, *, limit: int
) -> tuple[list[AuditEvent], str]:
    """The change feed: events after ``since`` in commit order, and the cursor to poll with
    next (returned even when nothing is new)."""
    require_staff(actor, Scope.read)
    check_limit(limit)
    after = 0
    if since:
        position = decode_cursor(since, "since").get("id")
        if not isinstance(position, int):
            raise InvalidInput.field("query", "since", "is not a cursor this server issued")
        after = position
    rows = await AuditEvent.filter(id__gt=after).order_by("id").limit(limit)
    last = rows[-1].pk if rows else after
    return rows, encode_cursor({"id": last})
