"""The dispatcher's question: which subscriptions get which change-feed events.

``deliveries_for`` is called by ``services.notify`` with a batch of new events, in the
transaction that stores what it returns and moves the feed's cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from compax_server.db import webhooks as webhooks_db
from compax_server.db.audit import AuditEvent
from compax_server.db.notifications import PENDING, WebhookDelivery, WebhookSubscription
from compax_server.domain import webhooks as rules


def _facts(event: AuditEvent) -> tuple[int | None, int | None, str | None]:
    """``(room id, building id, import source)`` an event is about, where it says."""
    views = [v for v in (event.after, event.before) if isinstance(v, dict)]

    def first(key: str) -> Any:
        return next((v[key] for v in views if v.get(key) is not None), None)

    room = first("room_id")
    building = first("building_id")
    if event.entity_type == "room" and room is None:
        room = event.entity_id
    if event.entity_type == "building" and building is None:
        building = event.entity_id
    source = first("source")
    return (
        room if isinstance(room, int) else None,
        building if isinstance(building, int) else None,
        source if isinstance(source, str) else None,
    )


def _wants(
    sub: WebhookSubscription,
    event: AuditEvent,
    facts: tuple[int | None, int | None, str | None],
    since: int,
) -> bool:
    if event.pk <= since:
        return False  # it happened before the subscription was made
    if not rules.matches(sub.event_types, event.action):
        return False
    if event.entity_type == "webhook" and event.entity_id == sub.pk:
        return False  # never about itself (its secret, its own disabling)
    room, building, source = facts
    if sub.room_id is not None and room != sub.room_id:
        return False
    if sub.building_id is not None and building != sub.building_id:
        return False
    return sub.source is None or source == sub.source


async def deliveries_for(events: Sequence[AuditEvent]) -> list[WebhookDelivery]:
    """The deliveries these events make (unsaved): one per event and active subscription
    that wants it and was made before it (a new subscription hears what happens after it,
    even when the dispatcher is behind). Three queries at most: the subscriptions, where
    each begins in the feed, and the buildings of the rooms the events name (when a
    subscription filters by building)."""
    wanted = [e for e in events if rules.deliverable(e.action)]
    if not wanted:
        return []
    subs = await WebhookSubscription.filter(active=True).order_by("id")
    if not subs:
        return []
    begins = await webhooks_db.created_at_event([s.pk for s in subs])
    facts = {e.pk: _facts(e) for e in wanted}
    if any(s.building_id is not None for s in subs):
        rooms = {f[0] for f in facts.values() if f[0] is not None and f[1] is None}
        buildings = await webhooks_db.buildings_of_rooms(sorted(rooms)) if rooms else {}
        for key, (room, building, source) in facts.items():
            if building is None and room is not None:
                facts[key] = (room, buildings.get(room), source)
    now = datetime.now(UTC)
    return [
        WebhookDelivery(
            subscription_id=sub.pk,
            event_id=event.pk,
            event_type=event.action[:64],
            order_key=f"{event.entity_type}:{event.entity_id}"[:64],
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        for event in wanted
        for sub in subs
        if _wants(sub, event, facts[event.pk], begins.get(sub.pk, 0))
    ]
