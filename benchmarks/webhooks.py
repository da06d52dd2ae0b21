"""Webhook delivery throughput: N change-feed events for one subscription, dispatched, then
sent by ``deliver_due`` (one worker, batches of ``--batch``) to a fast local receiver in
another process (a minimal keep-alive HTTP server answering 204).

    .venv/bin/python benchmarks/webhooks.py --engine sqlite --events 5000
    .venv/bin/python benchmarks/webhooks.py --engine postgres --events 5000

Prints deliveries per second (sending and writing back, after dispatch), the worker's CPU
time per delivery (steadier than the rate on a shared machine: the receiver and the
database use the other core), and the dispatch rate (events turned into deliveries per
second). Next to them, in the same run, the two floors a delivery stands on: the same
number of POSTs of the same body straight from httpx (``http_floor_per_s``: no database, no
signing) and the claim-and-mark statements alone (``sql_floor_per_s``: no HTTP).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import database
from compax_server import db, runtime
from compax_server.db import audit as audit_db
from compax_server.db import webhooks as webhooks_db
from compax_server.db.audit import AuditEvent
from compax_server.db.notifications import (
    DELIVERED,
    WebhookDelivery,
    WebhookSubscription,
    claim,
)
from compax_server.services import webhooks
from compax_server.services.webhook_delivery import PER_ORIGIN, payload
from tests.conftest import actor_of, test_settings

ANSWER = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"


def receiver(port: int, ready: multiprocessing.synchronize.Event) -> None:
    """A keep-alive HTTP/1.1 server that reads each request and answers 204."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                writer.write(ANSWER)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=1024)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(main())


async def raw_http(url: str, body: bytes, n: int, connections: int = PER_ORIGIN) -> float:
    """POSTs per second of ``body`` from one keep-alive client over ``connections``
    connections, as many as the worker opens to one receiver (httpx slows down with many
    waiters on one pool: the senders wait on a semaphore instead, as the worker's do)."""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    gate = asyncio.Semaphore(connections)
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(limits=limits) as client:

        async def post() -> None:
            async with gate:
                answer = await client.post(url, content=body, headers=headers)
                assert answer.status_code < 300

        start = time.perf_counter()
        await asyncio.gather(*(post() for _ in range(n)))
        return n / (time.perf_counter() - start)


async def raw_sql(n: int, batch: int) -> float:
    """Deliveries per second through the claim and the write-back alone (no HTTP): ``n``
    fresh rows of another subscription, claimed ``batch`` at a time and marked delivered."""
    [sub] = await WebhookSubscription.all().limit(1)
    other = await WebhookSubscription.create(
        url=sub.url, event_types=sub.event_types, secret=sub.secret
    )
    now = datetime.now(UTC)
    await WebhookDelivery.bulk_create(
        [
            WebhookDelivery(
                subscription_id=other.pk,
                event_id=i + 1,
                event_type="booking.create",
                order_key=f"booking:{i}",
                next_attempt_at=now,
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    start = time.perf_counter()
    while rows := await claim(
        webhooks_db.TABLE, limit=batch, lease_seconds=60, where=webhooks_db.IN_ORDER
    ):
        done = [(int(r["id"]), int(r["attempts"]), 204) for r in rows]
        await webhooks_db.mark_delivered(done, datetime.now(UTC))
    return n / (time.perf_counter() - start)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run(url: str, events: int, batch: int, port: int) -> dict[str, float]:
    settings = test_settings(url, webhook_allow_private=True)
    runtime.configure(settings)
    await db.init(url)
    try:
        from compax_server.db.users import Role
        from compax_server.services import users

        admin = await users.create_user(
            None, email="bench@campus.example", full_name="B", role=Role.admin, password="x" * 12
        )
        await webhooks.create_subscription(
            actor_of(admin), url=f"http://127.0.0.1:{port}/hook", event_types=["booking.*"]
        )
        async with db.transaction():
            await audit_db.insert_many(
                [
                    audit_db.NewEvent(
                        admin.pk,
                        None,
                        admin.email,
                        "booking.create",
                        "booking",
                        i,
                        None,
                        {"room_id": 1, "title": f"b{i}"},
                        "",
                    )
                    for i in range(events)
                ]
            )
        start = time.perf_counter()
        rows = await AuditEvent.filter(action="booking.create").order_by("id")
        found = await webhooks.deliveries_for(rows)
        await WebhookDelivery.bulk_create(found, ignore_conflicts=True, batch_size=1000)
        dispatched = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        while await webhooks.deliver_due(batch):
            pass
        await webhooks.drain()
        sent = time.perf_counter() - start
        cpu = time.process_time() - cpu
        done = await WebhookDelivery.filter(status=DELIVERED).count()
        if done != events:
            bad = (
                await WebhookDelivery.exclude(status=DELIVERED)
                .limit(3)
                .values("status", "last_error", "attempts")
            )
            raise AssertionError((done, events, bad))
        await webhooks.close()
        body = payload(rows[0])
        http_floor = await raw_http(f"http://127.0.0.1:{port}/hook", body, events)
        sql_floor = await raw_sql(events, batch)
        return {
            "events": events,
            "batch": batch,
            "dispatch_per_s": round(events / dispatched),
            "deliveries_per_s": round(events / sent),
            "send_seconds": round(sent, 2),
            "worker_cpu_ms_per_delivery": round(cpu * 1000 / events, 3),
            "http_floor_per_s": round(http_floor),
            "sql_floor_per_s": round(sql_floor),
        }
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    port = free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=receiver, args=(port, ready), daemon=True)
    server.start()
    try:
        ready.wait(10)
        with database(args.engine) as url:
            result = asyncio.run(run(url, args.events, args.batch, port))
        print(json.dumps({"engine": args.engine, **result}))
    finally:
        server.terminate()
        server.join(5)


if __name__ == "__main__":
    main()
