"""Which subscriptions get which events (``webhook_dispatch.deliveries_for``), straight on
the database: the room, building and source filters read from what the event says (its
``after``, else its ``before``, else the entity it is about), a room's building looked up,
nothing about a subscription sent to itself, and only what happened after it was made."""

from __future__ import annotations

from typing import Any

from compax_server.db.audit import AuditEvent
from compax_server.db.notifications import WebhookSubscription
from compax_server.services.webhook_dispatch import deliveries_for


async def subscribe(**filters: Any) -> WebhookSubscription:
    sub = await WebhookSubscription.create(
        url="https://93.184.215.14/hooks",
        event_types=filters.pop("event_types", ["*"]),
        secret="whsec_test",
        **filters,
    )
    await AuditEvent.create(action="webhook.create", entity_type="webhook", entity_id=sub.pk)
    return sub


async def event(action: str, entity_type: str, entity_id: int | None, **views: Any) -> AuditEvent:
    return await AuditEvent.create(
        action=action, entity_type=entity_type, entity_id=entity_id, **views
    )


async def test_each_filter_reads_what_the_event_is_about(database, make_room, building):
    here, there = await make_room(), await make_room()
    by_room = await subscribe(room_id=here.pk)
    by_building = await subscribe(building_id=building.pk)
    by_source = await subscribe(source="sis")
    about_webhooks = await subscribe(event_types=["webhook.*"])
    events = {
        "booked here": await event(
            "booking.create", "booking", 1, after={"room_id": here.pk, "source": None}
        ),
        "cancelled there": await event(
            "booking.cancel", "booking", 2, before={"room_id": there.pk}, after={"room_id": None}
        ),
        "room here renamed": await event("room.update", "room", here.pk, after={"code": "X"}),
        "building renamed": await event(
            "building.update", "building", building.pk, after={"name": "Y"}
        ),
        "closed": await event(
            "closure.create", "closure", 6, after={"building_id": building.pk, "room_id": None}
        ),
        "other building": await event(
            "building.update", "building", building.pk + 1000, before={"name": "Z"}
        ),
        "imported": await event("import.apply", "import", 3, after={"source": "sis"}),
        "imported elsewhere": await event("import.apply", "import", 4, after={"source": "lms"}),
        "not a room": await event("booking.update", "booking", 5, after={"room_id": "here"}),
        "a hook changed": await event("webhook.update", "webhook", by_room.pk, after={}),
        "itself changed": await event("webhook.update", "webhook", about_webhooks.pk, after={}),
    }
    names = {e.pk: name for name, e in events.items()}
    made = await deliveries_for(list(events.values()))
    got: dict[int, set[str]] = {}
    for d in made:
        got.setdefault(d.subscription_id, set()).add(names[d.event_id])
    assert got == {
        by_room.pk: {"booked here", "room here renamed"},
        by_building.pk: {
            "booked here",
            "cancelled there",
            "room here renamed",
            "building renamed",
            "closed",
        },
        by_source.pk: {"imported"},
        about_webhooks.pk: {"a hook changed"},
    }
    assert {(d.event_type, d.order_key) for d in made if names[d.event_id] == "imported"} == {
        ("import.apply", "import:3")
    }


async def test_a_subscription_hears_only_what_happened_after_it(database):
    before = await event("building.create", "building", 1, after={"name": "Old"})
    sub = await subscribe()
    after = await event("building.create", "building", 2, after={"name": "New"})
    made = await deliveries_for([before, after])
    assert [(d.subscription_id, d.event_id) for d in made] == [(sub.pk, after.pk)]


async def test_a_building_filter_alone_still_looks_rooms_up(database, make_room, building):
    """The rooms' buildings are looked up whenever some subscription filters by building,
    also when it is the only subscription, and for events that name a source too."""
    here = await make_room()
    by_building = await subscribe(building_id=building.pk)
    after = {"room_id": here.pk, "source": "sis"}
    imported = await event("booking.create", "booking", 1, after=after)
    elsewhere = await event("booking.create", "booking", 2, after={"room_id": here.pk + 999})
    there = await make_room()
    closed = await event(
        "closure.create", "closure", 3, after={"building_id": building.pk, "room_id": there.pk}
    )  # names both: the building it says is kept, its room need not be looked up
    made = await deliveries_for([imported, elsewhere, closed])
    assert [(d.subscription_id, d.event_id) for d in made] == [
        (by_building.pk, imported.pk),
        (by_building.pk, closed.pk),
    ]
