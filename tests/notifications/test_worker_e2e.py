"""The notification worker in real server processes: every event reaches the receiver,
once in the normal path and in order per booking, across instances and workers; a receiver
that is down for a while gets everything when it is back; a server killed mid-delivery
leaves the delivery to another worker, which sends it again with the same ``webhook-id``.

The servers run the worker inside ``compax serve`` (the default shape). Waits are on what
the receiver has seen (with a generous deadline), never on the clock.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import REDIS_URL, forget_redis_namespace, fresh_postgres
from tests.dates import Y2031
from tests.e2e.servers import Cluster, LiveServer
from tests.notifications.receiver import Receiver

pytestmark = pytest.mark.slow

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@campus.example", "first admin pw"
DAY0 = datetime(Y2031, 6, 2, 9, tzinfo=UTC)
DEADLINE = 60.0  # seconds to wait for what must arrive; a pass takes a few

BASE_ENV = {
    "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
    "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
    "COMPAX_LOG_LEVEL": "WARNING",
    "COMPAX_SECRET_KEY": "s" * 48,
    "COMPAX_LOGIN_RATE_LIMIT_IP": "100000",
    "COMPAX_RUN_WORKERS": "true",
    "COMPAX_WORKER_POLL_INTERVAL": "0.2",
    "COMPAX_WEBHOOK_ALLOW_PRIVATE": "true",  # the receiver is on loopback
    "COMPAX_WEBHOOK_RETRY_SCHEDULE": "0.2,0.5,1",
    "COMPAX_WEBHOOK_LEASE": "3",
    "COMPAX_WEBHOOK_TIMEOUT": "30",
}


def wait_for(what: str, condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what} after {DEADLINE} s")
        time.sleep(0.05)


@pytest.fixture
def postgres_database() -> Iterator[str]:
    with fresh_postgres("compax_e2e") as (url, name):
        try:
            yield url
        finally:
            forget_redis_namespace(name)  # postgres_env's cache namespace


def postgres_env(url: str) -> dict[str, str]:
    env = {**BASE_ENV, "COMPAX_DATABASE_URL": url, "COMPAX_MIGRATE_ON_START": "false"}
    if REDIS_URL:
        env |= {"COMPAX_CACHE_URL": REDIS_URL, "COMPAX_CACHE_NAMESPACE": url.rsplit("/", 1)[1]}
    return env


class Api:
    """The few calls these tests make, as the admin."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)
        r = self.http.post(
            "/api/v1/auth/token", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        r.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def call(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        r = self.http.request(method, path, **kw)
        assert r.status_code < 300, r.text
        return r.json() if r.content else {}

    def room(self) -> int:
        b = self.call(
            "POST",
            "/api/v1/buildings",
            json={"code": f"B{uuid.uuid4().hex[:6]}", "name": "B", "timezone": "UTC"},
        )
        r = self.call(
            "POST",
            "/api/v1/rooms",
            json={
                "code": f"R{uuid.uuid4().hex[:6]}",
                "name": "R",
                "building_id": b["id"],
                "capacity": 30,
            },
        )
        return int(r["id"])

    def subscribe(self, url: str) -> dict[str, Any]:
        return self.call(
            "POST", "/api/v1/webhooks", json={"url": url, "event_types": ["booking.*"]}
        )

    def book(self, room: int, slot: int) -> dict[str, Any]:
        start = DAY0 + timedelta(days=slot // 8, hours=slot % 8)
        return self.call(
            "POST",
            "/api/v1/bookings",
            json={
                "room_id": room,
                "title": f"Booking {slot}",
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=50)).isoformat(),
            },
        )

    def rename(self, booking: dict[str, Any], title: str) -> dict[str, Any]:
        return self.call(
            "PATCH",
            f"/api/v1/bookings/{booking['id']}",
            json={"title": title},
            headers={"If-Match": f'"{booking["version"]}"'},
        )

    def cancel(self, booking: dict[str, Any]) -> dict[str, Any]:
        return self.call(
            "POST",
            f"/api/v1/bookings/{booking['id']}/cancel",
            headers={"If-Match": f'"{booking["version"]}"'},
        )

    def booking_events(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 200}
        while True:
            page = self.call("GET", "/api/v1/changes", params=params)
            out += [e for e in page["data"] if e["action"].startswith("booking.")]
            if not page["data"]:
                return out
            params["since"] = page["next_cursor"]


def check_in_order(receiver: Receiver, expected: list[dict[str, Any]]) -> None:
    """Each expected event arrived, exactly once; per booking in commit order."""
    got = receiver.events()
    ids = Counter(e["id"] for e in got)
    assert set(ids) == {e["id"] for e in expected}
    assert max(ids.values()) == 1, [i for i, n in ids.items() if n > 1]
    per_booking: dict[int, list[int]] = {}
    for e in got:
        per_booking.setdefault(e["entity_id"], []).append(e["id"])
    assert all(seq == sorted(seq) for seq in per_booking.values()), per_booking


def churn(api: Api, room: int, n: int) -> None:
    """Book ``n`` slots, rename every booking and cancel every third: three events for
    some bookings, two for the rest, interleaved between bookings."""
    made = [api.book(room, i) for i in range(n)]
    renamed = [api.rename(b, b["title"] + " (moved)") for b in made]
    for b in renamed[::3]:
        api.cancel(b)


def test_every_event_once_in_order_on_two_instances_of_two_workers(postgres_database, tmp_path):
    """Two instances of two workers each on PostgreSQL: every worker dispatches and
    delivers, and still each event reaches the receiver once."""
    env = postgres_env(postgres_database)
    servers = [LiveServer(tmp_path, env, workers=2), LiveServer(tmp_path, env, workers=2)]
    with Cluster(servers) as cluster, Receiver() as receiver:
        apis = [Api(url) for url in cluster.urls]
        receiver.secrets.append(apis[0].subscribe(receiver.url)["secret"])
        threads = [  # both instances write at once, each its own room
            threading.Thread(target=churn, args=(api, api.room(), 30)) for api in apis
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        expected = apis[0].booking_events()
        wait_for("every event", lambda: len(receiver.events()) >= len(expected))
        time.sleep(1)  # not a synchronisation: room for a duplicate to show, if any came
        check_in_order(receiver, expected)
        assert receiver.rejected == []


def test_a_receiver_down_for_a_while_gets_everything_when_it_is_back(tmp_path):
    with LiveServer(tmp_path, BASE_ENV) as server, Receiver() as receiver:
        api = Api(server.url)
        receiver.secrets.append(api.subscribe(receiver.url)["secret"])
        receiver.fail_first = 3  # each webhook-id: three refusals (503) before it is taken
        room = api.room()
        churn(api, room, 12)
        expected = api.booking_events()
        wait_for("every event", lambda: len(receiver.events()) >= len(expected))
        check_in_order(receiver, expected)
        assert all(n == 4 for n in receiver.attempts.values())


def test_a_server_killed_mid_delivery_leaves_it_to_another_with_the_same_id(tmp_path):
    """The receiver holds the first delivery open; the server delivering it is killed
    (SIGKILL: no graceful stop); a new server takes over once the lease has run out and
    delivers it again with the same webhook-id; the receiver counts it twice and can
    drop the second by its id."""
    hold = threading.Event()
    held: list[str] = []

    class Holding(Receiver):
        def handle(self, headers: dict[str, str], body: bytes) -> int:
            if not hold.is_set():
                held.append({k.lower(): v for k, v in headers.items()}["webhook-id"])
                hold.set()
                time.sleep(8)  # a hung receiver; its server is killed meanwhile
                return 503
            return super().handle(headers, body)

    with Holding() as receiver:
        first = LiveServer(tmp_path, BASE_ENV).start()
        try:
            api = Api(first.url)
            receiver.secrets.append(api.subscribe(receiver.url)["secret"])
            booking = api.book(api.room(), 0)
            wait_for("the delivery to start", hold.is_set)
            assert first.process is not None
            os.killpg(first.process.pid, signal.SIGKILL)
            first.process.wait(10)
        finally:
            first.stop()
        with LiveServer(tmp_path, BASE_ENV):
            wait_for("the redelivery", lambda: len(receiver.events()) >= 1)
        [event] = receiver.events()
        assert event["entity_id"] == booking["id"] and event["action"] == "booking.create"
        [received] = receiver.received
        assert held == [received.msg_id]  # the same webhook-id: the receiver can drop it
