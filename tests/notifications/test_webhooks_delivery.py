"""Webhook delivery against a real HTTP receiver that verifies every signature with the
``standardwebhooks`` library: every event arrives, in order per booking, retried with
jittered backoff, given up (and the subscription disabled) after the retry window,
redelivered with the same ``webhook-id``, signed with both secrets during a rotation."""

from __future__ import annotations

import asyncio
import random
import socket
from datetime import UTC, datetime, timedelta

from compax_server import runtime
from compax_server.db import webhooks as webhooks_db
from compax_server.db.audit import AuditEvent
from compax_server.db.notifications import (
    DELIVERED,
    FAILED,
    PENDING,
    WebhookDelivery,
    WebhookSubscription,
    claim,
)
from compax_server.domain import webhooks as rules
from compax_server.domain.versions import Expected
from compax_server.services import bookings, webhooks
from tests.conftest import actor_of, at
from tests.notifications.conftest import allow, subscribe

ANY = Expected(any=True)


async def test_each_event_reaches_the_receiver_signed(pump, receiver, staff, member, room):
    sub = await subscribe(actor_of(staff), receiver, event_types=["booking.*"])
    created = await bookings.create_booking(
        actor_of(member), room_id=room.pk, title="Seminar", start=at(1, 9), end=at(1, 10)
    )
    b = created.booking
    await bookings.cancel_booking(actor_of(member), b.pk, expected=ANY)
    await pump()
    assert receiver.rejected == []
    events = receiver.events()
    assert [(e["action"], e["entity_id"]) for e in events] == [
        ("booking.create", b.pk),
        ("booking.cancel", b.pk),
    ]
    first = receiver.received[0]
    audit_row = await AuditEvent.get(id=events[0]["id"])
    assert first.msg_id == f"evt_{audit_row.pk}"
    assert first.json["type"] == "booking.create"
    assert first.json["data"]["after"]["title"] == "Seminar"
    assert first.json["data"]["actor_user_id"] == member.pk
    assert first.headers["user-agent"] == "Compax-Webhooks"
    assert first.headers["content-type"] == "application/json"
    rows = await WebhookDelivery.filter(subscription_id=sub.pk)
    assert {(r.status, r.attempts, r.last_status) for r in rows} == {(DELIVERED, 1, 204)}


async def test_which_subscription_gets_what(pump, receiver, staff, make_room, building):
    """The same as above, counted from the delivery log of each subscription."""
    room_a, room_b = await make_room(), await make_room()
    subs = {
        "room": await subscribe(actor_of(staff), receiver, room_id=room_a.pk),
        "building": await subscribe(actor_of(staff), receiver, building_id=building.pk),
        "cancel": await subscribe(actor_of(staff), receiver, event_types=["booking.cancel"]),
        "source": await subscribe(actor_of(staff), receiver, source="timetable"),
        "rooms": await subscribe(actor_of(staff), receiver, event_types=["room.*"]),
    }
    await pump()
    start = await AuditEvent.all().count()
    for r in (room_a, room_b):
        await bookings.create_booking(
            actor_of(staff), room_id=r.pk, title="x", start=at(2, 9), end=at(2, 10)
        )
    await pump()
    got = {}
    for name, sub in subs.items():
        rows = await WebhookDelivery.filter(subscription_id=sub.pk, event_id__gt=start)
        events = await AuditEvent.filter(id__in=[r.event_id for r in rows]).order_by("id")
        got[name] = [(e.action, (e.after or {}).get("room_id")) for e in events]
    assert got == {
        "room": [("booking.create", room_a.pk)],
        "building": [("booking.create", room_a.pk), ("booking.create", room_b.pk)],
        "cancel": [],
        "source": [],
        "rooms": [],
    }
    # no subscription hears of its own changes (its secret, its disabling)
    for sub in subs.values():
        own = await AuditEvent.filter(entity_type="webhook", entity_id=sub.pk)
        assert not await WebhookDelivery.filter(
            subscription_id=sub.pk, event_id__in=[e.pk for e in own]
        ).exists()


async def test_sign_ins_and_test_pings_are_never_dispatched(database):
    assert not rules.deliverable("auth.login")
    assert not rules.deliverable("webhook.test")
    assert rules.deliverable("booking.create")
    assert rules.matches(["booking.*"], "booking.auto_reject")
    assert rules.matches(["import.*"], "import.update.series")
    assert not rules.matches(["booking.*"], "bookings.x")


async def test_order_per_booking_with_a_receiver_that_fails_first(
    pump, receiver, staff, room, make_room
):
    other = await make_room()
    await subscribe(actor_of(staff), receiver, event_types=["booking.*"])
    receiver.fail_first = 2  # every webhook-id is refused twice before it is accepted
    a = (
        await bookings.create_booking(
            actor_of(staff), room_id=room.pk, title="a", start=at(1, 9), end=at(1, 10)
        )
    ).booking
    b = (
        await bookings.create_booking(
            actor_of(staff), room_id=other.pk, title="b", start=at(1, 9), end=at(1, 10)
        )
    ).booking
    a = await bookings.update_booking(actor_of(staff), a.pk, expected=ANY, title="a2")
    await bookings.cancel_booking(actor_of(staff), a.pk, expected=ANY)
    await pump(due_now=True)
    per_booking: dict[int, list[str]] = {}
    for e in receiver.events():
        per_booking.setdefault(e["entity_id"], []).append(e["action"])
    assert per_booking == {
        a.pk: ["booking.create", "booking.update", "booking.cancel"],
        b.pk: ["booking.create"],
    }
    assert set(receiver.attempts.values()) == {3}
    # a later event of a booking was never sent while an earlier one was still retried
    seen: dict[int, int] = {}
    order = [(r.json["data"]["entity_id"], r.json["data"]["id"]) for r in receiver.received]
    for entity, event_id in order:
        assert event_id > seen.get(entity, 0)
        seen[entity] = event_id


async def test_a_refused_attempt_is_retried_after_a_jittered_delay(pump, receiver, staff, room):
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    receiver.fail_first = 1
    await bookings.create_booking(
        actor_of(staff), room_id=room.pk, title="x", start=at(1, 9), end=at(1, 10)
    )
    await pump()  # one attempt, refused; the retry is not due yet
    [row] = await WebhookDelivery.filter(event_type="booking.create")
    assert (row.status, row.attempts, row.last_status) == (PENDING, 1, 503)
    assert row.last_error.startswith("HTTP 503")
    assert row.last_attempt_at is not None
    wait = (row.next_attempt_at - row.last_attempt_at).total_seconds()
    assert 0 <= wait <= runtime.settings().retry_schedule[0] + 1


def test_the_retry_schedule_is_jittered_within_its_bounds():
    rng = random.Random(13)
    for attempts, base in enumerate(rules.SCHEDULE, start=1):
        draws = [rules.retry_delay(attempts, rules.SCHEDULE, rng) for _ in range(200)]
        assert all(0 <= d <= base for d in draws)
        assert len({round(d, 3) for d in draws}) > 150  # jittered, not a fixed step
        assert min(draws) < base / 4 and max(draws) > base * 3 / 4  # over the whole range
    assert rules.retry_delay(40, rules.SCHEDULE, rng) <= rules.SCHEDULE[-1]
    assert rules.retry_delay(2, (1.0, 2.0, 3.0), rng) <= 2.0


async def test_failing_past_the_retry_window_disables_and_tells_the_owner(
    pump, receiver, staff, room
):
    sub = await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    receiver.status = 500
    await bookings.create_booking(
        actor_of(staff), room_id=room.pk, title="x", start=at(1, 9), end=at(1, 10)
    )
    await pump()
    [row] = await WebhookDelivery.filter(subscription_id=sub.pk)
    assert row.status == PENDING
    # a day later: the retry window has passed
    await WebhookDelivery.filter(id=row.pk).update(
        created_at=datetime.now(UTC) - timedelta(seconds=runtime.settings().webhook_retry_for + 1)
    )
    await pump(due_now=True)
    row = await WebhookDelivery.get(id=row.pk)
    assert (row.status, row.attempts, row.last_status) == (FAILED, 2, 500)
    sub = await WebhookSubscription.get(id=sub.pk)
    assert not sub.active
    assert "failed" in sub.disabled_reason and f"delivery {row.pk}" in sub.disabled_reason
    [event] = await AuditEvent.filter(action="webhook.disable", entity_id=sub.pk)
    assert event.after is not None and event.after["owner_user_id"] == staff.pk
    assert event.after["active"] is False and event.actor_user_id is None
    assert sub.secret not in str(event.after)


async def test_redeliver_one_and_everything_since(pump, receiver, staff, room):
    sub = await subscribe(actor_of(staff), receiver, event_types=["booking.*"])
    for hour in (9, 11):
        await bookings.create_booking(
            actor_of(staff), room_id=room.pk, title="x", start=at(1, hour), end=at(1, hour + 1)
        )
    await pump()
    first, second = await WebhookDelivery.filter(subscription_id=sub.pk).order_by("id")
    ids = [r.msg_id for r in receiver.received]
    await webhooks.redeliver(actor_of(staff), sub.pk, second.pk)
    await pump()
    assert [r.msg_id for r in receiver.received] == [*ids, f"evt_{second.event_id}"]
    assert await webhooks.redeliver_since(actor_of(staff), sub.pk, first.created_at) == 2
    await pump()
    again = [r.msg_id for r in receiver.received[3:]]
    assert sorted(again) == sorted(ids)  # two bookings: each in its own order
    rows = await WebhookDelivery.filter(subscription_id=sub.pk)
    assert {(r.status, r.attempts) for r in rows} == {(DELIVERED, 1)}
    actions = await AuditEvent.filter(action="webhook.redeliver").count()
    assert actions == 2


async def test_rotation_signs_with_both_secrets_during_the_grace(pump, receiver, staff, room):
    sub = await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    old = receiver.secrets[0]
    sub, new = await webhooks.rotate_secret(actor_of(staff), sub.pk)
    receiver.secrets.append(new)
    await bookings.create_booking(
        actor_of(staff), room_id=room.pk, title="x", start=at(1, 9), end=at(1, 10)
    )
    await pump()
    assert receiver.received[-1].verified_with == [old, new]
    assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 2
    # the grace period ends
    await WebhookSubscription.filter(id=sub.pk).update(
        previous_secret_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    await bookings.create_booking(
        actor_of(staff), room_id=room.pk, title="y", start=at(1, 11), end=at(1, 12)
    )
    await pump()
    assert receiver.received[-1].verified_with == [new]
    assert [e.after for e in await AuditEvent.filter(action="webhook.rotate_secret")] != []
    for e in await AuditEvent.filter(entity_type="webhook"):
        assert old not in str(e.after) + str(e.before) and new not in str(e.after)


async def test_a_late_worker_cannot_overwrite_a_newer_claim(pump, receiver, staff, room):
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    await bookings.create_booking(
        actor_of(staff), room_id=room.pk, title="x", start=at(1, 9), end=at(1, 10)
    )
    await pump.dispatch()
    [first] = await claim(webhooks_db.TABLE, limit=10, lease_seconds=1, where=webhooks_db.IN_ORDER)
    await WebhookDelivery.filter(id=first["id"]).update(
        lease_until=datetime.now(UTC) - timedelta(seconds=1)
    )  # the first worker's lease ran out
    [second] = await claim(
        webhooks_db.TABLE, limit=10, lease_seconds=60, where=webhooks_db.IN_ORDER
    )
    assert second["attempts"] == first["attempts"] + 1
    now = datetime.now(UTC)
    assert await webhooks_db.mark_delivered([(first["id"], first["attempts"], 200)], now) == 0
    assert not await webhooks_db.mark_retry(
        first["id"], first["attempts"], next_attempt_at=now, http_status=500, error="late"
    )
    assert (await WebhookDelivery.get(id=first["id"])).status == "sending"
    assert await webhooks_db.mark_delivered([(second["id"], second["attempts"], 200)], now) == 1


async def test_the_target_is_checked_again_at_send_time(pump, receiver, staff, room):
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    allow(webhook_allow_private=False)  # e.g. the name now resolves to a private address
    await bookings.create_booking(
        actor_of(staff), room_id=room.pk, title="x", start=at(1, 9), end=at(1, 10)
    )
    await pump()
    [row] = await WebhookDelivery.filter(event_type="booking.create")
    assert row.status == PENDING and row.attempts == 1
    assert "refused" in row.last_error and "loopback" in row.last_error
    assert receiver.received == []


async def test_a_test_ping_is_queued_for_its_subscription_only(pump, receiver, staff):
    sub = await subscribe(actor_of(staff), receiver, event_types=["*"])
    other = await subscribe(actor_of(staff), receiver, event_types=["*"])
    await pump()
    receiver.received.clear()
    delivery = await webhooks.send_test(actor_of(staff), sub.pk)
    assert delivery.event_type == "webhook.test"
    await pump()
    [got] = receiver.received
    assert got.json["type"] == "webhook.test" and got.json["data"]["entity_id"] == sub.pk
    assert not await WebhookDelivery.filter(subscription_id=other.pk, event_type="webhook.test")


async def test_a_receiver_that_never_answers_holds_up_nobody(pump, receiver, staff, room):
    allow(webhook_timeout=0.5)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    try:
        host, port = silent.getsockname()
        sub = await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
        stuck, _ = await webhooks.create_subscription(
            actor_of(staff), url=f"http://{host}:{port}/", event_types=["booking.create"]
        )
        await bookings.create_booking(
            actor_of(staff), room_id=room.pk, title="x", start=at(1, 9), end=at(1, 10)
        )
        await pump.dispatch()
        assert await webhooks.deliver_due() == 2
        assert len(receiver.received) == 1  # the good receiver got its event
        await webhooks.drain()
        fine = await WebhookDelivery.get(subscription_id=sub.pk)
        late = await WebhookDelivery.get(subscription_id=stuck.pk)
        assert fine.status == DELIVERED
        assert (late.status, late.attempts) == (PENDING, 1)
        assert "no answer" in late.last_error or "Timeout" in late.last_error
    finally:
        silent.close()
    await asyncio.sleep(0)


async def test_a_disabled_subscription_waits_and_resumes_in_order(pump, receiver, staff, room):
    sub = await subscribe(actor_of(staff), receiver, event_types=["booking.*"])
    b = (
        await bookings.create_booking(
            actor_of(staff), room_id=room.pk, title="x", start=at(1, 9), end=at(1, 10)
        )
    ).booking
    await pump.dispatch()  # queued, not sent yet
    sub = await webhooks.update_subscription(actor_of(staff), sub.pk, expected=ANY, active=False)
    await bookings.cancel_booking(actor_of(staff), b.pk, expected=ANY)
    await pump()
    assert receiver.received == []  # what was queued waits
    assert await WebhookDelivery.filter(subscription_id=sub.pk).count() == 1  # no new ones
    await webhooks.update_subscription(actor_of(staff), sub.pk, expected=ANY, active=True)
    await pump()
    assert [e["action"] for e in receiver.events()] == ["booking.create"]


async def test_a_new_subscription_hears_only_what_happens_after_it(pump, receiver, staff, room):
    await bookings.create_booking(
        actor_of(staff), room_id=room.pk, title="before", start=at(1, 9), end=at(1, 10)
    )  # not yet dispatched when the subscription is made
    await subscribe(actor_of(staff), receiver, event_types=["booking.*"])
    await bookings.create_booking(
        actor_of(staff), room_id=room.pk, title="after", start=at(1, 11), end=at(1, 12)
    )
    await pump()
    assert [e["after"]["title"] for e in receiver.events()] == ["after"]


async def test_plain_http_is_sent_to_the_address_that_was_checked(database):
    from compax_server.services.webhook_targets import target_for

    allow(webhook_allow_private=False)
    plain = await target_for("http://93.184.215.14:8080/hooks")
    assert (plain.problem, plain.pinned) == (None, "93.184.215.14")
    v6 = await target_for("http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hooks")
    assert v6.pinned == "[2606:2800:21f:cb07:6820:80da:af6b:8b2c]"
    tls = await target_for("https://93.184.215.14/hooks")  # the certificate guards https
    assert (tls.problem, tls.pinned) == (None, None)
    inside = await target_for("http://10.0.0.7/hooks")
    assert inside.problem is not None and "private" in inside.problem
    mapped = await target_for("http://[::ffff:169.254.169.254]/latest")
    assert mapped.problem is not None and "link-local" in mapped.problem
