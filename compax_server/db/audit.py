"""The append-only audit log; it doubles as the change feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import fields
from tortoise.models import Model
from tortoise.queryset import QuerySet

from compax_server import db
from compax_server.db import sql
from compax_server.domain.bounds import instant


class AuditEvent(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor_user_id = fields.IntField(null=True, db_index=True)
    actor_api_key_id = fields.IntField(null=True)
    actor_label = fields.CharField(max_length=254, default="")
    action = fields.CharField(max_length=64, db_index=True)
    entity_type = fields.CharField(max_length=32)
    entity_id = fields.IntField(null=True)
    before: fields.Field[dict[str, Any] | None] = fields.JSONField(null=True)
    after: fields.Field[dict[str, Any] | None] = fields.JSONField(null=True)
    request_id = fields.CharField(max_length=128, default="")

    class Meta:
        table = "audit_events"
        indexes = (("entity_type", "entity_id"),)


def matching(
    *,
    entity_type: str | None = None,
    entity_id: int | None = None,
    actor_user_id: int | None = None,
    action: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The events that match every filter given; ``start`` and ``end`` bound ``at`` as
    ``[start, end)``, compared as instants whatever their offset."""
    query = AuditEvent.all()
    equal = {
        "entity_type": entity_type,
        "entity_id": entity_id,
        "actor_user_id": actor_user_id,
        "action": action,
    }
    query = query.filter(**{name: value for name, value in equal.items() if value is not None})
    if start is not None:
        query = query.filter(at__gte=instant(start))
    if end is not None:
        query = query.filter(at__lt=instant(end))
    return query


AUDIT_LOCK = db.lock_key(db.Space.change_feed, db.COMMIT_ORDER)  # orders the feed by commit
COLUMNS = (
    "at, actor_user_id, actor_api_key_id, actor_label, action, entity_type, entity_id, "
    "before, after, request_id"
)


@dataclass(frozen=True)
class NewEvent:
    """One event to append (its time is the moment it is written), its fields in the order
    of ``COLUMNS``."""

    actor_user_id: int | None
    actor_api_key_id: int | None
    actor_label: str
    action: str
    entity_type: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str


def _params(at: datetime, e: NewEvent) -> tuple[Any, ...]:
    return (
        at,
        e.actor_user_id,
        e.actor_api_key_id,
        e.actor_label,
        e.action,
        e.entity_type,
        e.entity_id,
        sql.encode_json(e.before),
        sql.encode_json(e.after),
        e.request_id,
    )


async def insert(event: NewEvent) -> int:
    """Append one event; returns its id.

    On PostgreSQL the insert first takes a transaction-level advisory lock, so events get
    their ids in commit order (the lock is held only from here to the commit): a reader of
    the change feed that has seen id N never later finds a smaller id appear.
    """
    at = datetime.now(UTC)
    if db.dialect() == "postgres":
        row = await sql.fetch_one(
            f"INSERT INTO audit_events ({COLUMNS}) "
            "SELECT ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ? "
            "FROM (SELECT pg_advisory_xact_lock(?)) AS commit_order RETURNING id",
            *_params(at, event),
            AUDIT_LOCK,
        )
    else:
        row = await sql.fetch_one(
            f"INSERT INTO audit_events ({COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            *_params(at, event),
        )
    assert row is not None
    return int(row["id"])


def appended(
    statement: str, params: list[Any], event: NewEvent, lead: str = ""
) -> tuple[str, list[Any]]:
    """PostgreSQL: ``statement`` (an ``INSERT ... RETURNING id`` of one row) and the event
    about that row (its id is the event's ``entity_id``) as one statement, which returns
    ``id``, the row's (no row when nothing was inserted). ``lead`` names queries that come
    first (``"guard AS (...), "``; their parameters lead ``params``). Same commit-order rule
    as ``insert``: one round trip instead of two."""
    values = list(_params(datetime.now(UTC), event))
    del values[6]  # entity_id: the new row's
    return (
        f"WITH {lead}new_row AS ({statement}) "
        f"INSERT INTO audit_events ({COLUMNS}) "
        "SELECT ?, ?, ?, ?, ?, ?, new_row.id, ?::jsonb, ?::jsonb, ? "
        "FROM new_row, (SELECT pg_advisory_xact_lock(?)) AS commit_order "
        "RETURNING entity_id AS id",
        [*params, *values, AUDIT_LOCK],
    )


async def insert_many(events: list[NewEvent]) -> None:
    """Append many events in a few statements (imports). Same commit-order rule as
    ``insert``."""
    if not events:
        return
    await db.serialize(db.Space.change_feed, db.COMMIT_ORDER)
    postgres = db.dialect() == "postgres"
    at = datetime.now(UTC)
    cast = "?::jsonb" if postgres else "?"
    row = f"(?, ?, ?, ?, ?, ?, ?, {cast}, {cast}, ?)"
    for i in range(0, len(events), 500):
        chunk = events[i : i + 500]
        params: list[Any] = []
        for event in chunk:
            params += _params(at, event)
        await sql.execute(
            f"INSERT INTO audit_events ({COLUMNS}) VALUES {', '.join([row] * len(chunk))}", *params
        )
