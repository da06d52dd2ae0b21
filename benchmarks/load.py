"""Bounded load (and soak, and faults) against a running deployment, e.g. deploy/local.sh.

    deploy/local.sh start
    python benchmarks/load.py --seconds 60                       # load
    python benchmarks/load.py --seconds 600 --name soak          # soak: watches server memory
    python benchmarks/load.py --seconds 60 --fault postgres-restart --name fault-postgres
    python benchmarks/load.py --seconds 60 --fault redis-stop --name fault-redis

Clients mix searches (single and recurring), availability, booking creates and cancels and
small timetable imports. The report: throughput, p50/p95/p99 per kind, errors (5xx or no
answer), refusals (a 4xx other than 409: the run then exits 1, since a load of refusals
measures nothing), the servers' resident memory (all processes, and the largest one). With a
fault, also a verdict: the service answered again afterwards, no booking that was confirmed
to a client is lost, none is doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import httpx
from harness import percentiles, save

ADMIN = (
    os.environ.get("COMPAX_BOOTSTRAP_ADMIN_EMAIL", "admin@campus.example"),
    os.environ.get("COMPAX_BOOTSTRAP_ADMIN_PASSWORD", "change-me-please"),
)
BASE = datetime(2033, 1, 3, tzinfo=UTC)
WEIGHTS = {
    "search": 45,
    "search_weekly": 10,
    "availability": 10,
    "create": 22,
    "cancel": 10,
    "import": 3,
}


class Run:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.errors = 0
        self.created: dict[int, tuple[int, str]] = {}  # booking id -> (room, start)
        self.cancelled: set[int] = set()
        self.cancel_tried: set[int] = set()  # sent, whatever the answer (it may have committed)
        self.slot = 0
        # Each run books its own 1,000 days (a 10-minute soak fills about 900 at 100 rooms),
        # so runs against one database seldom meet; all of them before 2200, the last instant
        # Compax accepts (domain/bounds.py), or every create is a 422.
        self.first_day = 400 + random.randrange(40) * 1_000


async def setup(c: httpx.AsyncClient, rooms: int) -> tuple[dict[str, str], list[dict]]:
    r = await c.post("/api/v1/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]})
    r.raise_for_status()
    h = {"Authorization": f"Bearer {r.json()['access_token']}"}
    existing = (
        await c.get("/api/v1/rooms", params={"q": "LOAD-", "limit": 200}, headers=h)
    ).json()["data"]
    if len(existing) < rooms:
        b = await c.post(
            "/api/v1/buildings",
            json={
                "code": f"LOAD{random.randrange(10**6)}",
                "name": "Load",
                "timezone": "Europe/Berlin",
            },
            headers=h,
        )
        for i in range(len(existing), rooms):
            await c.post(
                "/api/v1/rooms",
                json={
                    "code": f"LOAD-{i:03d}",
                    "name": f"Load {i}",
                    "building_id": b.json()["id"],
                    "capacity": 10 + i % 90,
                },
                headers=h,
            )
        existing = (
            await c.get("/api/v1/rooms", params={"q": "LOAD-", "limit": 200}, headers=h)
        ).json()["data"]
    return h, existing


async def one(
    c: httpx.AsyncClient, h: dict[str, str], rooms: list[dict], run: Run, rng: random.Random
) -> None:
    kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    day = BASE + timedelta(days=rng.randrange(300), hours=rng.randrange(8, 18))
    t = time.perf_counter()
    try:
        if kind == "search":
            r = await c.get(
                "/api/v1/rooms",
                params={
                    "min_capacity": rng.choice([10, 30, 60]),
                    "free_from": day.isoformat(),
                    "free_to": (day + timedelta(hours=2)).isoformat(),
                    "limit": 20,
                },
                headers=h,
            )
        elif kind == "search_weekly":
            r = await c.get(
                "/api/v1/rooms",
                params={
                    "min_capacity": 30,
                    "free_from": day.isoformat(),
                    "free_to": (day + timedelta(hours=2)).isoformat(),
                    "repeat": "weekly",
                    "until": (day + timedelta(weeks=14)).date().isoformat(),
                    "limit": 20,
                },
                headers=h,
            )
        elif kind == "availability":
            room = rng.choice(rooms)
            r = await c.get(
                f"/api/v1/rooms/{room['id']}/availability",
                params={"from": day.isoformat(), "to": (day + timedelta(days=7)).isoformat()},
                headers=h,
            )
        elif kind == "create":
            run.slot += 1
            room = rooms[run.slot % len(rooms)]
            start = BASE + timedelta(days=run.first_day + run.slot // len(rooms), hours=8)
            r = await c.post(
                "/api/v1/bookings",
                json={
                    "room_id": room["id"],
                    "title": "load",
                    "start": start.isoformat(),
                    "end": (start + timedelta(minutes=50)).isoformat(),
                },
                headers=h | {"Idempotency-Key": f"load-{os.getpid()}-{run.slot}"},
            )
            if r.status_code == 201:
                run.created[r.json()["id"]] = (room["id"], start.isoformat())
        elif kind == "cancel":
            live = [b for b in run.created if b not in run.cancelled]
            if not live:
                return
            bid = rng.choice(live)
            run.cancel_tried.add(bid)
            r = await c.post(f"/api/v1/bookings/{bid}/cancel", headers=h | {"If-Match": "*"})
            if r.status_code == 200:
                run.cancelled.add(bid)
        else:
            items = [
                {
                    "external_id": f"L{i}",
                    "kind": "series",
                    "room": rooms[i]["code"],
                    "title": f"L{i}",
                    "start_date": "2034-09-04",
                    "start_time": "10:00",
                    "duration_minutes": 60,
                    "recurrence": {"freq": "weekly", "count": 15},
                }
                for i in range(min(20, len(rooms)))
            ]
            r = await c.post(
                "/api/v1/imports",
                json={"source": "load", "mode": rng.choice(["plan", "apply"]), "items": items},
                headers=h,
            )
    except httpx.HTTPError:
        run.errors += 1
        run.statuses[kind][0] += 1
        return
    run.samples[kind].append((time.perf_counter() - t) * 1000)
    run.statuses[kind][r.status_code] += 1
    if r.status_code >= 500:
        run.errors += 1


def server_memory_mb() -> tuple[float, float]:
    """Resident memory of the deployed instances and their workers (deploy/run/*.pid): the
    total and the largest single process, in MB."""
    run_dir = os.environ.get(
        "COMPAX_DEPLOY_DIR", os.path.join(os.path.dirname(__file__), "..", "deploy", "run")
    )
    pids = []
    for name in os.listdir(run_dir) if os.path.isdir(run_dir) else []:
        if name.startswith("compax-") and name.endswith(".pid"):
            with open(os.path.join(run_dir, name)) as fh:
                pids.append(fh.read().strip())
    sizes = []
    for pid in pids:
        out = subprocess.run(
            ["ps", "-o", "rss=", "--pid", pid, "--ppid", pid], capture_output=True, text=True
        ).stdout
        sizes += [int(x) for x in out.split()]
    return round(sum(sizes) / 1024, 1), round(max(sizes, default=0) / 1024, 1)


def fault(kind: str) -> None:
    if kind == "postgres-restart":
        cluster = sorted(os.listdir("/etc/postgresql"))[0]
        subprocess.run(
            [
                "pg_ctlcluster",
                "--skip-systemctl-redirect",
                cluster,
                "main",
                "restart",
                "-m",
                "fast",
            ],
            check=True,
        )
    elif kind == "redis-stop":
        subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], check=False)


def fault_end(kind: str) -> None:
    if kind == "redis-stop":
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "-::1",
                "--port",
                "6379",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=True,
        )


async def main_async(args: argparse.Namespace) -> dict:
    limits = httpx.Limits(max_connections=args.clients + 4)
    async with httpx.AsyncClient(base_url=args.url, verify=False, timeout=30, limits=limits) as c:
        h, rooms = await setup(c, args.rooms)
        run = Run()
        deadline = time.monotonic() + args.seconds
        memory: list[tuple[float, tuple[float, float]]] = []
        ready: list[tuple[float, int]] = []
        started = time.monotonic()

        async def client(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() < deadline:
                await one(c, h, rooms, run, rng)

        async def watch() -> None:
            fault_done = False
            while time.monotonic() < deadline:
                now = time.monotonic() - started
                memory.append((round(now), server_memory_mb()))
                try:
                    ready.append((round(now, 1), (await c.get("/readyz")).status_code))
                except httpx.HTTPError:
                    ready.append((round(now, 1), 0))
                if args.fault and not fault_done and now >= args.fault_at:
                    await asyncio.to_thread(fault, args.fault)
                    if args.fault == "redis-stop":
                        await asyncio.sleep(args.fault_for)
                        await asyncio.to_thread(fault_end, args.fault)
                    fault_done = True
                await asyncio.sleep(1 if args.fault else 10)

        await asyncio.gather(watch(), *[client(i) for i in range(args.clients)])
        elapsed = time.monotonic() - started
        report: dict = {
            "url": args.url,
            "clients": args.clients,
            "seconds": round(elapsed, 1),
            "requests": sum(len(v) for v in run.samples.values()),
            "errors": run.errors,
            # Refusals the mix does not expect (a 409 is a cancel that lost a race, or a slot
            # an earlier run booked): a load of 422s measures nothing.
            "refused": sum(
                n
                for v in run.statuses.values()
                for code, n in v.items()
                if 400 <= code < 500 and code != 409
            ),
            "throughput_per_s": round(sum(len(v) for v in run.samples.values()) / elapsed, 1),
            "latency_ms": {k: percentiles(v) for k, v in run.samples.items() if v},
            "statuses": {k: dict(v) for k, v in run.statuses.items()},
            "memory_mb": {
                "first": memory[0][1][0] if memory else None,
                "last": memory[-1][1][0] if memory else None,
                "max": max(m for _, (m, _) in memory) if memory else None,
                "largest_process_first": memory[0][1][1] if memory else None,
                "largest_process_last": memory[-1][1][1] if memory else None,
                "largest_process_max": max(m for _, (_, m) in memory) if memory else None,
            },
        }
        if args.fault:
            await asyncio.sleep(3)
            after = (await c.get("/readyz")).status_code
            listed = []
            cursor = None
            while True:
                params = {
                    "status": "confirmed",
                    "from": (BASE + timedelta(days=run.first_day - 1)).isoformat(),
                    "limit": 200,
                } | ({"cursor": cursor} if cursor else {})
                page = (await c.get("/api/v1/bookings", params=params, headers=h)).json()
                listed += page["data"]
                cursor = page["next_cursor"]
                if not cursor:
                    break
            confirmed = {b["id"]: (b["room_id"], b["start"]) for b in listed}
            expected = {bid for bid in run.created if bid not in run.cancel_tried}
            lost = [bid for bid in expected if bid not in confirmed]
            slots = defaultdict(int)
            for room, start in confirmed.values():
                slots[(room, start)] += 1
            doubled = [k for k, n in slots.items() if n > 1]
            went_unready = any(status != 200 for _, status in ready)
            report["fault"] = {
                "kind": args.fault,
                "at_s": args.fault_at,
                "readiness": ready,
                "ready_after": after == 200,
                "went_unready": went_unready,
                "lost_confirmed": lost[:20],
                "doubled_slots": [list(k) for k in doubled[:20]],
                "verdict": "pass" if after == 200 and not lost and not doubled else "fail",
            }
        return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="https://127.0.0.1:8443")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--fault", choices=["postgres-restart", "redis-stop"])
    parser.add_argument("--fault-at", type=float, default=20)
    parser.add_argument("--fault-for", type=float, default=10, help="seconds Redis stays down")
    parser.add_argument("--name", default="load")
    args = parser.parse_args()
    report = asyncio.run(main_async(args))
    print(
        f"{report['requests']} requests in {report['seconds']} s: {report['throughput_per_s']} req/s, errors {report['errors']}"
    )
    for kind, p in sorted(report["latency_ms"].items()):
        print(
            f"  {kind:14} n={p['n']:6}  p50 {p['p50']:7.1f} ms  p95 {p['p95']:7.1f} ms  p99 {p['p99']:7.1f} ms  {dict(report['statuses'][kind])}"
        )
    print(f"  server memory (MB): {report['memory_mb']}")
    if "fault" in report:
        f = report["fault"]
        print(
            f"  fault {f['kind']} at {f['at_s']} s: went unready {f['went_unready']}, ready after {f['ready_after']}, "
            f"lost {len(f['lost_confirmed'])}, doubled {len(f['doubled_slots'])} -> {f['verdict'].upper()}"
        )
    print(f"saved {save(args.name, report)}")
    if report["refused"]:
        raise SystemExit(f"{report['refused']} requests were refused (4xx): see the statuses above")


if __name__ == "__main__":
    main()
