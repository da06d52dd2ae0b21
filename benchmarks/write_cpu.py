"""CPU time per write: booking creates, term series (15 weekly) and year series (250 daily),
one client one after another, on PostgreSQL with one worker. Counts the CPU the server
processes and the database's backends spent (from /proc, Linux only), which a machine shared
with other work disturbs far less than wall time; the wall time is printed too.

    python benchmarks/write_cpu.py --name write_cpu
    python benchmarks/write_cpu.py --notify --name write_cpu_notify

``--profile`` samples the server with py-spy during each kind (benchmarks/sampling.py) and
prints the functions that hold the most CPU; the samples are kept in results/.

``--notify`` runs the notification worker in the server process with a webhook
subscribed to every event (a receiver in this process answers 204), and counts each
write's CPU until its deliveries are done: the cost of the outbox, its dispatch and its
delivery, next to the same writes without.

Needs psql on the PATH and the database on this machine (its backends' CPU is read here).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from harness import RESULTS, admin_headers, database, save, servers
from sampling import print_top, sampled

from tests.notifications.receiver import Receiver

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
BASE = datetime(2032, 1, 5, tzinfo=UTC)


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_ms(pids: list[int]) -> float:
    """User and system CPU of these processes, in ms (clock-tick resolution)."""
    return sum(int(f[11]) + int(f[12]) for p in pids if (f := _stat(p))) * TICK_MS


def process_group(pgid: int) -> list[int]:
    return [
        int(p)
        for p in os.listdir("/proc")
        if p.isdigit() and (f := _stat(int(p))) and int(f[2]) == pgid
    ]


def psql(dbname: str, query: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", dbname, "-Atc", query],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def backends(dbname: str) -> list[int]:
    """The server's PostgreSQL backends (this script's own psql sessions come later)."""
    found = psql(
        dbname,
        f"SELECT pid FROM pg_stat_activity WHERE datname = '{dbname}' AND pid <> pg_backend_pid()",
    )
    return [int(x) for x in found.split()]


def measure(
    send: Callable[[int], httpx.Response],
    n: int,
    warm: int,
    server: int,
    dbname: str,
    settled: Callable[[], None] = lambda: None,
) -> dict[str, float]:
    for i in range(warm):
        assert send(i).status_code == 201
    settled()
    pids, pg = process_group(server), backends(dbname)
    s0, b0, t0 = cpu_ms(pids), cpu_ms(pg), time.perf_counter()
    for i in range(warm, warm + n):
        r = send(i)
        assert r.status_code == 201, r.text
    settled()
    s1, b1, t1 = cpu_ms(pids), cpu_ms(pg), time.perf_counter()
    return {
        "n": n,
        "server_cpu_ms": round((s1 - s0) / n, 3),
        "postgres_cpu_ms": round((b1 - b0) / n, 3),
        "wall_ms": round((t1 - t0) * 1000 / n, 3),
    }


def nothing() -> None:
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bookings", type=int, default=400)
    parser.add_argument("--series", type=int, default=70)
    parser.add_argument("--name", default="write_cpu", help="results/<name>.json")
    parser.add_argument("--notify", action="store_true", help="worker on, a webhook for all")
    parser.add_argument("--profile", action="store_true", help="sample the server with py-spy")
    args = parser.parse_args()
    env = {"COMPAX_RUN_WORKERS": "true", "COMPAX_WEBHOOK_ALLOW_PRIVATE": "true"}
    receiver = Receiver()
    receiver.handle = lambda headers, body: 204  # type: ignore[method-assign] # just answer
    warm = 5
    n_rooms = 100 + 2 * (args.series + warm)
    with database("postgres") as url:
        dbname = url.rsplit("/", 1)[1].split("?")[0]
        with (
            servers(url, workers=1, **(env if args.notify else {})) as cluster,
            receiver,
            httpx.Client(base_url=cluster.urls[0], timeout=60) as c,
        ):
            server = cluster.servers[0].process.pid  # type: ignore[union-attr]
            c.headers.update(admin_headers(cluster.urls[0]))
            settled = nothing
            if args.notify:
                c.post(
                    "/api/v1/webhooks", json={"url": receiver.url, "event_types": ["*"]}
                ).raise_for_status()

                def settled() -> None:
                    """Wait until every delivery so far is done (asked of the database
                    over a connection of its own: the server's CPU is not disturbed)."""
                    while (
                        psql(
                            dbname,
                            "SELECT count(*) FROM webhook_deliveries "
                            "WHERE status IN ('pending', 'sending')",
                        )
                        != "0"
                    ):
                        time.sleep(0.05)

            b = c.post(
                "/api/v1/buildings",
                json={"code": "S", "name": "S", "timezone": "Europe/Berlin"},
            ).json()
            rooms = [
                c.post(
                    "/api/v1/rooms",
                    json={
                        "code": f"S-{i}",
                        "name": "r",
                        "building_id": b["id"],
                        "capacity": 30,
                    },
                ).json()["id"]
                for i in range(n_rooms)
            ]

            def booking(i: int) -> httpx.Response:
                start = BASE + timedelta(hours=i // 100)
                end = start + timedelta(minutes=50)
                return c.post(
                    "/api/v1/bookings",
                    json={
                        "room_id": rooms[i % 100],
                        "title": "b",
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                    },
                )

            def series(
                offset: int, recurrence: dict, start_date: str
            ) -> Callable[[int], httpx.Response]:
                return lambda i: c.post(
                    "/api/v1/series",
                    json={
                        "room_id": rooms[offset + i],
                        "title": "s",
                        "start_date": start_date,
                        "start_time": "09:00",
                        "duration_minutes": 90,
                        "recurrence": recurrence,
                    },
                )

            term = series(100, {"freq": "weekly", "count": 15}, "2031-09-02")
            year = series(100 + args.series + warm, {"freq": "daily", "count": 250}, "2031-09-01")
            report = {
                "booking": measure(booking, args.bookings, 20, server, dbname, settled),
                "term_15_weekly": measure(term, args.series, warm, server, dbname, settled),
                "year_250_daily": measure(year, args.series, warm, server, dbname, settled),
            }
            if args.profile:  # a pass of its own, so the figures above are not disturbed
                raw = RESULTS / f"{args.name}_booking.raw"
                with sampled(server, raw):
                    first = 20 + args.bookings
                    for i in range(first, first + args.bookings):
                        assert booking(i).status_code == 201
    for kind, r in report.items():
        print(
            f"{kind:15} server CPU {r['server_cpu_ms']:7.2f} ms  PostgreSQL CPU "
            f"{r['postgres_cpu_ms']:7.2f} ms  wall {r['wall_ms']:7.2f} ms  (n {r['n']})"
        )
    if args.profile:
        print_top(RESULTS / f"{args.name}_booking.raw", 25)
    print(f"\nsaved {save(args.name, report)}")


if __name__ == "__main__":
    main()
