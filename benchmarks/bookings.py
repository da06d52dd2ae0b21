"""Booking create: latency (one client) and throughput (32 connections), on SQLite and
PostgreSQL, next to the raw-SQL insert of the same row measured in the same run.

    python benchmarks/bookings.py                 # both engines
    python benchmarks/bookings.py --engines sqlite --n 300 --seconds 5

Targets (issue 3): HTTP p50 <= 3 ms; >= 1,000 creates/s on PostgreSQL with 2 workers.
Throughput needs ``wrk`` (Debian: apt install wrk).

``--notify`` runs the notification worker inside the servers with a webhook subscription to
every booking event (a receiver in this process answers 204): the cost of the outbox and
its delivery next to the same run without (issue 13: at most about 10 %).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import httpx
from harness import admin_headers, database, percentiles, raw_connection, save, servers, wrk

from tests.notifications.receiver import Receiver

BASE = datetime(2032, 1, 5, tzinfo=UTC)
ROOMS = 200


def setup_rooms(url: str, headers: dict[str, str]) -> list[int]:
    with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
        b = c.post("/api/v1/buildings", json={"code": "BENCH", "name": "Bench", "timezone": "UTC"})
        b.raise_for_status()
        ids = []
        for i in range(ROOMS):
            r = c.post(
                "/api/v1/rooms",
                json={
                    "code": f"BR-{i}",
                    "name": f"Room {i}",
                    "building_id": b.json()["id"],
                    "capacity": 20 + i % 100,
                },
            )
            r.raise_for_status()
            ids.append(r.json()["id"])
        return ids


def http_latency(url: str, headers: dict[str, str], rooms: list[int], n: int) -> dict[str, float]:
    samples = []
    with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
        for i in range(n + 20):
            start = BASE + timedelta(hours=i // len(rooms))
            body = {
                "room_id": rooms[i % len(rooms)],
                "title": f"lat {i}",
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=50)).isoformat(),
            }
            t = time.perf_counter()
            r = c.post("/api/v1/bookings", json=body)
            elapsed = (time.perf_counter() - t) * 1000
            assert r.status_code == 201, r.text
            if i >= 20:  # warm-up
                samples.append(elapsed)
    return percentiles(samples)


def raw_floor(
    engine: str, db_url: str, rooms: list[int], owner_id: int, n: int
) -> dict[str, float]:
    """The same INSERT, straight to the database (autocommit, one statement each)."""
    rows = []
    for i in range(n):
        start = BASE + timedelta(days=3000, hours=i // len(rooms))
        rows.append(
            (
                rooms[i % len(rooms)],
                owner_id,
                f"raw {i}",
                "",
                start,
                start + timedelta(minutes=50),
                "confirmed",
                "",
                1,
                start,
                start,
            )
        )
    samples = []
    if engine == "sqlite":
        conn = sqlite3.connect(db_url.removeprefix("sqlite://"), isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        sql = 'INSERT INTO bookings (room_id, owner_id, title, description, "start", "end", status, reason, version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)'
        for row in rows:
            params = [v.isoformat(" ") if isinstance(v, datetime) else v for v in row]
            t = time.perf_counter()
            conn.execute(sql, params)
            samples.append((time.perf_counter() - t) * 1000)
        conn.close()
        return percentiles(samples)

    async def run() -> None:

        conn = await raw_connection(db_url)
        stmt = await conn.prepare(
            'INSERT INTO bookings (room_id, owner_id, title, description, "start", "end", status, reason, version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)'
        )
        for row in rows:
            t = time.perf_counter()
            await stmt.fetch(*row)
            samples.append((time.perf_counter() - t) * 1000)
        await conn.close()

    asyncio.run(run())
    return percentiles(samples)


WRK_SCRIPT = """
local rooms = {%(rooms)s}
local counter = 0
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function request()
  counter = counter + 1
  local room = rooms[(counter %% #rooms) + 1]
  local hour = (tid + 1) * 200000 + math.floor(counter / #rooms)
  local t = %(base)d + hour * 3600
  local body = string.format('{"room_id": %%d, "title": "load", "start": "%%s", "end": "%%s"}',
    room, os.date("!%%Y-%%m-%%dT%%H:%%M:%%SZ", t), os.date("!%%Y-%%m-%%dT%%H:%%M:%%SZ", t + 3000))
  return wrk.format("POST", "/api/v1/bookings", {["Content-Type"] = "application/json", ["Authorization"] = "%(auth)s"}, body)
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--n", type=int, default=500, help="sequential creates for the latency")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--notify", action="store_true", help="worker on, a webhook for every booking event"
    )
    args = parser.parse_args()
    report = {}
    env = {"COMPAX_RUN_WORKERS": "true", "COMPAX_WEBHOOK_ALLOW_PRIVATE": "true"}
    receiver = Receiver(status=204)
    receiver.handle = lambda headers, body: 204  # type: ignore[method-assign] # count-free, fast
    receiver.__enter__()
    for engine in args.engines.split(","):
        workers = 1 if engine == "sqlite" else 2
        with (
            database(engine) as db_url,
            servers(db_url, workers=workers, **(env if args.notify else {})) as cluster,
        ):
            url = cluster.urls[0]
            headers = admin_headers(url)
            if args.notify:
                httpx.post(
                    f"{url}/api/v1/webhooks",
                    json={"url": receiver.url, "event_types": ["booking.*"]},
                    headers=headers,
                ).raise_for_status()
            rooms = setup_rooms(url, headers)
            latency = http_latency(url, headers, rooms, args.n)
            floor = raw_floor(engine, db_url, rooms, owner_id=1, n=args.n)
            script = WRK_SCRIPT % {
                "rooms": ",".join(map(str, rooms)),
                "base": int(BASE.timestamp()),
                "auth": headers["Authorization"],
            }
            load = wrk(url, script, args.connections, args.seconds)
        report[engine] = {
            "workers": workers,
            "notify": args.notify,
            "http_create_latency_ms": latency,
            "raw_insert_latency_ms": floor,
            "ratio_p50": round(latency["p50"] / floor["p50"], 1),
            "throughput": load,
        }
        print(f"\n== {engine} ({workers} worker(s){', webhooks on' if args.notify else ''})")
        print(
            f"HTTP create  p50 {latency['p50']:.2f} ms  p95 {latency['p95']:.2f} ms  p99 {latency['p99']:.2f} ms"
        )
        print(
            f"raw INSERT   p50 {floor['p50']:.3f} ms  p95 {floor['p95']:.3f} ms   (HTTP/raw p50 = {report[engine]['ratio_p50']}x)"
        )
        print(
            f"throughput   {load['requests_per_s']:.0f} creates/s at {args.connections} connections "
            f"(p50 {load['latency_ms'].get('p50')} ms, p99 {load['latency_ms'].get('p99')} ms, non-2xx {load['non_2xx']})"
        )
    receiver.__exit__()
    path = save("bookings-notify" if args.notify else "bookings", report)
    print(f"\nsaved {path}")
    print(json.dumps(report, indent=1)[:0])


if __name__ == "__main__":
    main()
