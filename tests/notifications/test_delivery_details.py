"""What one webhook attempt sends and writes down, byte for byte: the body as the change
feed shows the event, what a refusal, a dead or a drip-feeding receiver leaves in the log,
no redirect followed and no proxy taken from the environment, how a batch is bounded and
what finishes after it, and the subscription recorded whole when it is disabled."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from compax_server import runtime
from compax_server.db import webhooks as webhooks_db
from compax_server.db.audit import AuditEvent
from compax_server.db.notifications import (
    DELIVERED,
    FAILED,
    PENDING,
    SENDING,
    WebhookDelivery,
    WebhookSubscription,
    claim,
)
from compax_server.errors import Conflict
from compax_server.services import bookings, webhook_delivery, webhooks
from compax_server.services.webhook_targets import Target
from tests.conftest import actor_of, at
from tests.notifications.conftest import allow, subscribe
from tests.notifications.receiver import Receiver


async def book(staff, room, title: str = "x", hour: int = 9):
    created = await bookings.create_booking(
        actor_of(staff), room_id=room.pk, title=title, start=at(1, hour), end=at(1, hour + 1)
    )
    return created.booking


async def again() -> WebhookDelivery:
    """The one pending delivery made due and tried once more; its row afterwards."""
    [row] = await WebhookDelivery.filter(status=PENDING)
    await WebhookDelivery.filter(id=row.pk).update(
        next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert await webhooks.deliver_due() == 1
    await webhooks.drain()
    return await WebhookDelivery.get(id=row.pk)


def utc_z(value: datetime) -> str:
    text = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{value.microsecond:06d}" if value.microsecond else "") + "Z"


async def test_the_body_is_the_change_feed_entry_in_compact_utf8(pump, receiver, staff, room):
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    before = int(time.time())
    await book(staff, room, title="Séminaire ✓")
    await pump()
    [got] = receiver.received
    row = await AuditEvent.get(id=int(got.msg_id.removeprefix("evt_")))
    data = {
        "id": row.pk,
        "at": utc_z(row.at),
        "actor_user_id": staff.pk,
        "actor_api_key_id": None,
        "actor_label": row.actor_label,
        "action": "booking.create",
        "entity_type": "booking",
        "entity_id": row.entity_id,
        "before": None,
        "after": row.after,
        "request_id": row.request_id,
    }
    expected = {"type": "booking.create", "timestamp": utc_z(row.at), "data": data}
    # Compact, key order kept, UTF-8 as it is (no \\u escapes): what the signature covers.
    assert got.body == json.dumps(expected, separators=(",", ":"), ensure_ascii=False).encode()
    assert "Séminaire ✓".encode() in got.body
    assert got.headers["content-type"] == "application/json"
    assert got.msg_id == f"evt_{row.pk}"
    assert before <= int(got.headers["webhook-timestamp"]) <= int(time.time())


async def test_a_refusal_keeps_the_start_of_what_the_receiver_said(pump, receiver, staff, room):
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    receiver.status, receiver.reply = 500, b"  \n nope, not today \n"
    await book(staff, room)
    await pump()
    [row] = await WebhookDelivery.all()
    assert (row.status, row.last_status, row.last_error) == (
        PENDING,
        500,
        "HTTP 500: nope, not today",
    )
    receiver.status, receiver.reply = 422, b"x" * 5000  # nobody reads megabytes back
    row = await again()
    assert (row.last_status, row.last_error) == (422, "HTTP 422: " + "x" * 300)
    receiver.status, receiver.reply = 503, b""
    row = await again()
    assert (row.status, row.attempts, row.last_error) == (PENDING, 3, "HTTP 503")
    receiver.status, receiver.reply = 300, b""  # not a 2xx: not delivered
    row = await again()
    assert (row.status, row.attempts, row.last_error) == (PENDING, 4, "HTTP 300")
    receiver.status, receiver.reply = 299, b"fine"  # any 2xx is accepted
    row = await again()
    assert (row.status, row.attempts, row.last_status) == (DELIVERED, 5, 299)


async def test_a_plain_200_is_accepted(pump, receiver, staff, room):
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    receiver.status = 200
    await book(staff, room)
    await pump()
    assert [(r.status, r.last_status) for r in await WebhookDelivery.all()] == [(DELIVERED, 200)]


async def test_plain_http_goes_to_the_pinned_address_with_the_name_as_host(
    pump, receiver, staff, room, monkeypatch
):
    sub = await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    port = receiver.url.split(":")[2].split("/")[0]
    named = f"http://receiver.test:{port}/hooks"  # a name this machine cannot look up
    await WebhookSubscription.filter(id=sub.pk).update(url=named)

    async def checked(url: str) -> Target:
        assert url == named
        return Target(pinned="127.0.0.1")  # what the check found the name to be

    monkeypatch.setattr(webhook_delivery, "target_for", checked)
    await book(staff, room)
    await pump()
    [got] = receiver.received
    assert got.headers["host"] == f"receiver.test:{port}"
    assert [r.status for r in await WebhookDelivery.all()] == [DELIVERED]


async def test_a_bug_in_an_attempt_is_logged_and_the_delivery_tried_again(
    pump, receiver, staff, room, monkeypatch, caplog
):
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])

    def broken(event: AuditEvent) -> bytes:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(webhook_delivery, "payload", broken)
    await book(staff, room)
    with caplog.at_level(logging.ERROR, logger="compax.webhooks"):
        await pump()
    [row] = await WebhookDelivery.all()
    assert (row.status, row.attempts, row.last_status) == (PENDING, 1, None)
    assert row.last_error == "internal error (RuntimeError)"
    [logged] = [r for r in caplog.records if r.name == "compax.webhooks"]
    assert logged.getMessage() == f"webhook delivery {row.pk}: attempt failed"
    assert logged.exc_info is not None and "a bug of ours" in str(logged.exc_info[1])
    assert receiver.requests == 0


async def test_a_redirect_is_not_followed(pump, receiver, staff, room):
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    receiver.status, receiver.location = 307, receiver.url + "/elsewhere"
    await book(staff, room)
    await pump()
    [row] = await WebhookDelivery.all()
    assert (row.status, row.last_status, row.last_error) == (PENDING, 307, "HTTP 307")
    assert receiver.requests == 1  # the location was not asked


async def test_no_proxy_is_taken_from_the_environment(pump, receiver, staff, room, monkeypatch):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, dead)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    await webhooks.close()  # the next client is made with this environment
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    await book(staff, room)
    await pump()
    assert [r.status for r in await WebhookDelivery.all()] == [DELIVERED]


async def test_a_receiver_that_is_not_there_is_named(pump, staff, room):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/hooks"
    await webhooks.create_subscription(actor_of(staff), url=url, event_types=["booking.create"])
    await book(staff, room)
    await pump()
    [row] = await WebhookDelivery.all()
    assert (row.status, row.attempts, row.last_status) == (PENDING, 1, None)
    assert row.last_error.startswith("ConnectError: ") and len(row.last_error) <= 500


@pytest.fixture
def drip() -> Iterator[str]:
    """A receiver that answers 200 at once, then sends its body a byte every 0.1 s: each
    read succeeds, so only the whole attempt's bound stops it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop = threading.Event()

    def feed(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n")
            while not stop.wait(0.1):
                try:
                    conn.sendall(b".")
                except OSError:
                    return

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=feed, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/hooks"
    finally:
        stop.set()
        server.close()
        thread.join(5)


async def test_a_receiver_that_drips_its_answer_is_cut_off(pump, drip, staff, room):
    allow(webhook_timeout=0.3)
    await webhooks.create_subscription(actor_of(staff), url=drip, event_types=["booking.create"])
    await book(staff, room)
    await pump()
    [row] = await WebhookDelivery.all()
    assert (row.status, row.attempts, row.last_error) == (PENDING, 1, "no answer within 0.3 s")


async def test_a_batch_takes_at_most_its_limit(pump, receiver, staff, room):
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    for hour in (8, 10, 12):
        await book(staff, room, hour=hour)
    await pump.dispatch()
    assert await webhooks.deliver_due(limit=2) == 2
    assert await webhooks.deliver_due(limit=2) == 1
    assert await webhooks.deliver_due(limit=2) == 0
    await webhooks.drain()
    assert len(receiver.received) == 3


async def test_a_process_with_too_much_in_flight_claims_nothing(
    pump, receiver, staff, make_room, monkeypatch
):
    monkeypatch.setattr(webhook_delivery, "BATCH_WAIT", 0.05)
    monkeypatch.setattr(webhook_delivery, "MAX_IN_FLIGHT", 2)
    receiver.delay = 0.5
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    for _ in range(4):
        await book(staff, await make_room())
    await pump.dispatch()
    assert await webhooks.deliver_due() == 2  # as many as may be in flight
    assert await webhooks.deliver_due() == 0  # both still with the receiver: room for none
    assert await WebhookDelivery.filter(status=PENDING, attempts=0).count() == 2
    await webhooks.drain()
    assert await webhooks.deliver_due(limit=1) == 1  # room again; the limit still counts
    await webhooks.drain()
    assert len(receiver.received) == 3


async def test_what_a_receiver_answers_after_the_batch_is_written_down_later(
    pump, receiver, staff, room, monkeypatch
):
    monkeypatch.setattr(webhook_delivery, "BATCH_WAIT", 0.05)
    receiver.delay = 0.5
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    await book(staff, room)
    await pump.dispatch()
    assert await webhooks.deliver_due() == 1  # back before the receiver answered
    [row] = await WebhookDelivery.all()
    assert row.status == SENDING
    await webhooks.drain()
    row = await WebhookDelivery.get(id=row.pk)
    assert (row.status, row.attempts, row.last_status) == (DELIVERED, 1, 204)


async def test_one_slow_receiver_holds_at_most_its_share_of_connections(
    pump, receiver, staff, make_room
):
    receiver.delay = 1.0
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    for _ in range(webhook_delivery.PER_ORIGIN + 4):  # each its own booking: no ordering
        await book(staff, await make_room())
    await pump()
    assert len(receiver.received) == webhook_delivery.PER_ORIGIN + 4
    assert receiver.most_at_once == webhook_delivery.PER_ORIGIN


async def test_a_slow_receiver_does_not_hold_up_another(pump, receiver, staff, make_room):
    receiver.delay = 3.0  # longer than a batch waits
    await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    rooms = [await make_room() for _ in range(webhook_delivery.PER_ORIGIN + 2)]
    with Receiver() as quick:
        await subscribe(
            actor_of(staff), quick, event_types=["booking.create"], room_id=rooms[-1].pk
        )
        for r in rooms:
            await book(staff, r)
        await pump.dispatch()
        assert await webhooks.deliver_due() == len(rooms) + 1
        # The slow one holds all its connections; the quick one had its own.
        assert len(quick.received) == 1 and receiver.received == []
        await webhooks.drain()
    assert len(receiver.received) == len(rooms)


async def test_one_client_per_receiver_origin(loopback):
    pool = webhook_delivery.senders()
    first = pool.origin("http://127.0.0.1:9001/a")
    assert pool.origin("http://127.0.0.1:9001/b?x=1") is first  # same scheme, host, port
    assert pool.origin("http://127.0.0.1:9002/a") is not first
    assert pool.origin("https://127.0.0.1:9001/a") is not first
    client = first.client
    assert client.follow_redirects is False and client.trust_env is False
    assert client.headers["user-agent"] == "Compax-Webhooks"
    assert client.timeout == httpx.Timeout(runtime.settings().webhook_timeout)
    await client.aclose()
    assert pool.origin("http://127.0.0.1:9001/a") is not first  # a closed client is replaced


async def test_giving_up_records_the_subscription_whole(pump, receiver, staff, room):
    sub = await subscribe(
        actor_of(staff), receiver, event_types=["booking.create"], description="mirror"
    )
    receiver.status = 500
    await book(staff, room)
    await pump()
    [row] = await WebhookDelivery.all()
    retry_for = runtime.settings().webhook_retry_for
    await WebhookDelivery.filter(id=row.pk).update(
        created_at=datetime.now(UTC) - timedelta(seconds=retry_for + 1)
    )
    row = await again()
    assert (row.status, row.attempts, row.last_status) == (FAILED, 2, 500)
    sub = await WebhookSubscription.get(id=sub.pk)
    assert (sub.active, sub.version) == (False, 2)
    assert re.fullmatch(
        rf"disabled \d{{4}}-\d\d-\d\dT[\d:.]+Z: delivery {row.pk} \(event {row.event_id}\) "
        rf"failed for {retry_for} s after 2 attempts; last: HTTP 500",
        sub.disabled_reason,
    ), sub.disabled_reason
    [event] = await AuditEvent.filter(action="webhook.disable", entity_id=sub.pk)
    whole = {
        "url": receiver.url,
        "description": "mirror",
        "event_types": ["booking.create"],
        "building_id": None,
        "room_id": None,
        "source": None,
        "active": True,
        "disabled_reason": None,
        "owner_user_id": staff.pk,
        "owner_api_key_id": None,
        "version": 1,
    }
    assert event.before == whole
    assert event.after == whole | {
        "active": False,
        "disabled_reason": sub.disabled_reason,
        "version": 2,
        "delivery_id": row.pk,
        "event_id": row.event_id,
    }


async def test_a_delivery_whose_event_or_subscription_is_gone_fails_quietly(
    pump, receiver, staff, room, monkeypatch
):
    kept = await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    dropped = await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    await book(staff, room)
    await pump.dispatch()
    claim = webhook_delivery.claim

    async def claim_then_lose_one(*args, **kwargs):
        rows = await claim(*args, **kwargs)
        await WebhookSubscription.filter(id=dropped.pk).delete()  # gone under the worker
        return rows

    monkeypatch.setattr(webhook_delivery, "claim", claim_then_lose_one)
    assert await webhooks.deliver_due() == 2
    await webhooks.drain()
    monkeypatch.setattr(webhook_delivery, "claim", claim)
    gone = await WebhookDelivery.get(subscription_id=dropped.pk)
    assert (gone.status, gone.attempts, gone.last_error) == (
        FAILED,
        1,
        "the subscription no longer exists",
    )
    assert (await WebhookDelivery.get(subscription_id=kept.pk)).status == DELIVERED

    await book(staff, room, hour=13)
    await pump.dispatch()
    [due] = await WebhookDelivery.filter(status=PENDING)
    await AuditEvent.filter(id=due.event_id).delete()
    assert await webhooks.deliver_due() == 1
    await webhooks.drain()
    due = await WebhookDelivery.get(id=due.pk)
    assert (due.status, due.last_error) == (FAILED, "the event no longer exists")
    kept = await WebhookSubscription.get(id=kept.pk)
    assert kept.active and kept.version == 1  # not the receiver's fault: not disabled
    assert not await AuditEvent.filter(action="webhook.disable")


async def test_a_delivery_being_sent_is_not_started_again_under_its_worker(
    pump, receiver, staff, room
):
    sub = await subscribe(actor_of(staff), receiver, event_types=["booking.create"])
    await book(staff, room)
    await pump.dispatch()
    [held] = await claim(webhooks_db.TABLE, limit=5, lease_seconds=60, where=webhooks_db.IN_ORDER)
    with pytest.raises(Conflict, match=f"delivery {held['id']} is being sent right now"):
        await webhooks.redeliver(actor_of(staff), sub.pk, held["id"])
    queued = (await WebhookDelivery.get(id=held["id"])).created_at
    assert await webhooks.redeliver_since(actor_of(staff), sub.pk, queued) == 0
    row = await WebhookDelivery.get(id=held["id"])
    assert (row.status, row.attempts) == (SENDING, 1)  # the worker's fence still holds
    # Its worker answers; a second worker that claimed it again after a reset would have
    # held attempts 1 too, and this answer would have landed on that claim.
    assert await webhooks_db.mark_delivered([(held["id"], 1, 200)], datetime.now(UTC)) == 1
    again_row = await webhooks.redeliver(actor_of(staff), sub.pk, held["id"])
    assert (again_row.status, again_row.attempts) == (PENDING, 0)
    # A worker that died: its lease ran out, the delivery may be started again.
    [held] = await claim(webhooks_db.TABLE, limit=5, lease_seconds=60, where=webhooks_db.IN_ORDER)
    await WebhookDelivery.filter(id=held["id"]).update(
        lease_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    queued = (await WebhookDelivery.get(id=held["id"])).created_at
    assert await webhooks.redeliver_since(actor_of(staff), sub.pk, queued) == 1


async def test_every_delivery_of_a_batch_past_its_window_is_given_up(pump, staff, room):
    with Receiver(status=500) as first, Receiver(status=500) as second:
        for r in (first, second):
            await subscribe(actor_of(staff), r, event_types=["booking.create"])
        await book(staff, room)
        await pump()
        retry_for = runtime.settings().webhook_retry_for
        await WebhookDelivery.all().update(
            created_at=datetime.now(UTC) - timedelta(seconds=retry_for + 1),
            next_attempt_at=datetime.now(UTC) - timedelta(seconds=1),
        )
        assert await webhooks.deliver_due() == 2  # one batch, both refused again
        await webhooks.drain()
    assert [(r.status, r.attempts) for r in await WebhookDelivery.all().order_by("id")] == [
        (FAILED, 2),
        (FAILED, 2),
    ]
    assert await AuditEvent.filter(action="webhook.disable").count() == 2
