"""Free-room search: "30 seats, a projector, free Tuesday 10-12", on 500 rooms x 50,000
bookings and 1,000 rooms x 500,000 bookings, SQLite and PostgreSQL, in one run.

For each: the raw SQL of the same query straight to the database (the floor), one client
over HTTP uncached (p50/p95), wrk at 32 connections uncached and cached, and a recurring
search (a term of 15 weekly occurrences).

The one-client latencies are taken with a lean client (the standard library's
``http.client`` on one keep-alive connection), so they measure the server; the request
kinds are also timed through httpx (the SDK's transport), which adds about 1 ms of its own.

    python benchmarks/search.py
    python benchmarks/search.py --sizes 500x50000 --engines sqlite --seconds 5
    python benchmarks/search.py --kinds-only --profile --engines postgres --sizes 500x50000

``--profile`` (with ``--kinds-only``) then samples the server with py-spy while one client
sends each of the narrow and the broad kind again, in a pass of its own so the figures above
are not disturbed (benchmarks/sampling.py), and prints the top frames.

Targets (issue 4): HTTP p50 <= 3 ms uncached and <= 2.5x the floor; >= 1,500 req/s
uncached on PostgreSQL with 2 workers; cost flat from 50,000 to 500,000 bookings.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import dataset
from harness import (
    RESULTS,
    LeanClient,
    admin_headers,
    database,
    percentiles,
    raw_connection,
    save,
    servers,
    timed_gets,
    wrk,
)
from sampling import print_top, sampled

from compax_server.db import search as search_db
from compax_server.db.sql import _numbered

ZONE = ZoneInfo("Europe/Berlin")
PROJECTOR = 1  # feature id in the generated campus


def tuesdays(n: int, seed: int = 3) -> list[datetime]:
    """Tuesdays 10:00 local within the generated data, chosen at random."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        day = dataset.FIRST_DAY + timedelta(days=rng.randrange(dataset.DAYS - 7))
        day += timedelta(days=(1 - day.weekday()) % 7)
        out.append(datetime(day.year, day.month, day.day, 10, tzinfo=ZONE).astimezone(UTC))
    return out


def params_for(start: datetime, **extra: str) -> dict[str, str]:
    return {
        "min_capacity": "30",
        "features": "projector",
        "free_from": start.isoformat().replace("+00:00", "Z"),
        "free_to": (start + timedelta(hours=2)).isoformat().replace("+00:00", "Z"),
        "limit": "20",
        **extra,
    }


def floor(engine: str, db_url: str, starts: list[datetime]) -> dict[str, float]:
    """The service's SQL for the same search, run directly (prepared on PostgreSQL)."""
    room_filter = search_db.RoomFilter(min_capacity=30, feature_ids=[PROJECTOR])
    dialect = "sqlite" if engine == "sqlite" else "postgres"

    def query(start: datetime) -> tuple[str, list]:
        windows = search_db.Windows(
            {b: [(start, start + timedelta(hours=2))] for b in range(1, 11)}
        )
        return search_db.find_rooms_query(
            room_filter, windows, sort="best_fit", limit=21, dialect=dialect
        )

    return raw_sql(engine, db_url, query, starts)


def http_latency(
    url: str, headers: dict[str, str], starts: list[datetime], weeks: int = 0, client: str = "lean"
) -> dict[str, float]:
    """One client, one search after the other; ``weeks``: a weekly recurring search."""
    requests = []
    for start in starts:
        extra = (
            {"repeat": "weekly", "until": (start + timedelta(weeks=weeks)).date().isoformat()}
            if weeks
            else {}
        )
        requests.append(("/api/v1/rooms", params_for(start, **extra)))
    samples, _ = timed_gets(url, headers, requests, client)
    return percentiles(samples[10:])


def client_floor(url: str, headers: dict[str, str]) -> dict[str, float]:
    """p50 of a request that does nothing (``/healthz``) through each client: what the
    client and the HTTP layer cost before any search."""
    requests = [("/healthz", {})] * 110
    return {
        client: percentiles(timed_gets(url, headers, requests, client)[0][10:])["p50"]
        for client in ("lean", "httpx")
    }


WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Authorization"] = "%(auth)s"})
end
"""


def load_test(
    url: str, headers: dict[str, str], starts: list[datetime], seconds: int, connections: int
) -> dict:
    paths = ",".join(f'"/api/v1/rooms?{urlencode(params_for(s))}"' for s in starts)
    return wrk(
        url, WRK_SCRIPT % {"paths": paths, "auth": headers["Authorization"]}, connections, seconds
    )


# The request kinds the peer comparison used (issue 19): a broad answer (a full page of 200
# rooms), the narrow search, and weekly searches through a term (18 weeks) and over 8 weeks.
KINDS = {
    "broad 2 h, 200 rooms": ({"limit": "200"}, 0, search_db.RoomFilter(), 201),
    "2 h + 30 seats + projector": (
        {"min_capacity": "30", "features": "projector", "limit": "50"},
        0,
        search_db.RoomFilter(min_capacity=30, feature_ids=[PROJECTOR]),
        51,
    ),
    "weekly x 18 + 30 seats": (
        {"min_capacity": "30", "limit": "50"},
        18,
        search_db.RoomFilter(min_capacity=30),
        51,
    ),
    "weekly x 8 + 30 seats": (
        {"min_capacity": "30", "limit": "50"},
        8,
        search_db.RoomFilter(min_capacity=30),
        51,
    ),
}


def kind_windows(start: datetime, weeks: int) -> list[tuple[datetime, datetime]]:
    """The service's windows: the same local time each week (DST-aware), in UTC."""
    local = start.astimezone(ZONE)
    return [
        (
            (local + timedelta(weeks=k)).astimezone(UTC),
            (local + timedelta(weeks=k, hours=2)).astimezone(UTC),
        )
        for k in range(max(weeks, 1))
    ]


def kind_params(start: datetime, query: dict[str, str], weeks: int) -> dict[str, str]:
    params = {
        "free_from": start.isoformat().replace("+00:00", "Z"),
        "free_to": (start + timedelta(hours=2)).isoformat().replace("+00:00", "Z"),
        **query,
    }
    if weeks:
        last = start.astimezone(ZONE) + timedelta(weeks=weeks - 1)
        params |= {"repeat": "weekly", "until": last.date().isoformat()}
    return params


def kinds(
    engine: str, db_url: str, url: str, headers: dict[str, str], starts: list[datetime]
) -> dict:
    """Per kind: the raw SQL of the service's query (the floor) and one HTTP client, uncached."""
    dialect = "sqlite" if engine == "sqlite" else "postgres"
    out = {}
    for name, (query, weeks, room_filter, limit) in KINDS.items():

        def sql_of(
            start: datetime,
            weeks: int = weeks,
            room_filter: search_db.RoomFilter = room_filter,
            limit: int = limit,
        ) -> tuple[str, list]:
            spans = kind_windows(start, weeks)
            windows = search_db.Windows(dict.fromkeys(range(1, 11), spans))
            return search_db.find_rooms_query(
                room_filter, windows, sort="best_fit", limit=limit, dialect=dialect
            )

        # Paired: each search's raw SQL, then the same search over HTTP, so both see the
        # machine in the same state (a shared 2-core machine drifts within a run).
        raws, https, sizes = [], [], []
        with raw_timer(engine, db_url, sql_of) as raw_one, LeanClient(url, headers) as lean:
            for start in starts:
                raws.append(raw_one(start))
                elapsed, body = lean.get("/api/v1/rooms", kind_params(start, query, weeks))
                https.append(elapsed)
                sizes.append(len(body["data"]))
        requests = [("/api/v1/rooms", kind_params(start, query, weeks)) for start in starts]
        via_httpx = percentiles(timed_gets(url, headers, requests, "httpx")[0][10:])
        raw, http = percentiles(raws[10:]), percentiles(https[10:])
        added = sorted(h - r for h, r in zip(https[10:], raws[10:], strict=True))
        sizes.sort()
        out[name] = {
            "raw_sql_ms": raw,
            "http_ms": http,
            "httpx_ms": via_httpx,
            "server_adds_p50_ms": round(added[len(added) // 2], 3),
            "ratio_p50": round(http["p50"] / raw["p50"], 2),
            "rooms_in_answer_p50": sizes[len(sizes) // 2],
        }
    return out


@contextmanager
def raw_timer(engine: str, db_url: str, sql_of) -> Iterator[Callable[[datetime], float]]:
    """A function timing the raw SQL of one search (ms) on a direct connection (statements
    prepared on PostgreSQL, as the server's driver caches them)."""
    if engine == "sqlite":
        lite = sqlite3.connect(db_url.removeprefix("sqlite://"))

        def one_sqlite(start: datetime) -> float:
            text, params = sql_of(start)
            params = [p.isoformat(" ") if isinstance(p, datetime) else p for p in params]
            t = time.perf_counter()
            lite.execute(text, params).fetchall()
            return (time.perf_counter() - t) * 1000

        try:
            yield one_sqlite
        finally:
            lite.close()
        return

    loop = asyncio.new_event_loop()
    conn = loop.run_until_complete(raw_connection(db_url))
    prepared: dict[str, Any] = {}

    def one_postgres(start: datetime) -> float:
        text, params = sql_of(start)
        text = _numbered(text)
        if text not in prepared:
            prepared[text] = loop.run_until_complete(conn.prepare(text))
        t = time.perf_counter()
        loop.run_until_complete(prepared[text].fetch(*params))
        return (time.perf_counter() - t) * 1000

    try:
        yield one_postgres
    finally:
        loop.run_until_complete(conn.close())
        loop.close()


PROFILED = ("2 h + 30 seats + projector", "broad 2 h, 200 rooms")


def profile_kinds(
    pid: int, key: str, url: str, headers: dict[str, str], starts: list[datetime]
) -> list[Path]:
    """py-spy's samples of the server while one client sends each ``PROFILED`` kind, one
    raw file per kind (benchmarks/results/search_<engine-size>_<kind>.raw)."""
    files = []
    for name in PROFILED:
        query, weeks, _, _ = KINDS[name]
        raw_file = RESULTS / f"search_{key}_{name.split(',')[0].replace(' ', '_')}.raw"
        with LeanClient(url, headers) as lean, sampled(pid, raw_file):
            for start in starts:
                lean.get("/api/v1/rooms", kind_params(start, query, weeks))
        files.append(raw_file)
    return files


def raw_sql(engine: str, db_url: str, sql_of, starts: list[datetime]) -> dict[str, float]:
    with raw_timer(engine, db_url, sql_of) as one:
        samples = [one(start) for start in starts]
    return percentiles(samples[10:])


def print_kinds(by_kind: dict) -> None:
    for name, k in by_kind.items():
        print(
            f"  {name:28} raw p50 {k['raw_sql_ms']['p50']:6.2f} ms  "
            f"HTTP p50 {k['http_ms']['p50']:6.2f} ms  "
            f"({k['ratio_p50']}x; adds {k['server_adds_p50_ms']:.2f} ms; "
            f"{k['rooms_in_answer_p50']} rooms)  "
            f"httpx p50 {k['httpx_ms']['p50']:6.2f} ms"
        )


def print_clients(clients: dict[str, float]) -> None:
    print(
        f"  GET /healthz p50: lean client {clients['lean']:.2f} ms, httpx {clients['httpx']:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--sizes", default="500x50000,1000x500000")
    parser.add_argument("--n", type=int, default=300, help="searches for the latency")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--kinds-only", action="store_true", help="only the request kinds: floor and one client"
    )
    parser.add_argument(
        "--profile", action="store_true", help="with --kinds-only: sample the server (py-spy)"
    )
    args = parser.parse_args()
    report: dict = {}
    starts = tuesdays(args.n + 10)
    for size in args.sizes.split(","):
        rooms, bookings = (int(x) for x in size.split("x"))
        for engine in args.engines.split(","):
            workers = 1 if engine == "sqlite" else 2
            key = f"{engine}-{rooms}x{bookings}"
            with database(engine) as db_url:
                loaded = dataset.load(db_url, rooms, bookings)
                raw = floor(engine, db_url, starts)
                if args.kinds_only:
                    with servers(db_url, workers=workers, COMPAX_RESULT_CACHE="false") as cluster:
                        url = cluster.urls[0]
                        headers = admin_headers(url)
                        by_kind = kinds(engine, db_url, url, headers, starts[:200])
                        clients = client_floor(url, headers)
                        if args.profile:
                            pid = cluster.servers[0].process.pid  # type: ignore[union-attr]
                            profiles = profile_kinds(pid, key, url, headers, starts[:200])
                    report[key] = {"raw_sql_ms": raw, "kinds": by_kind, "health_p50_ms": clients}
                    print(f"\n== {key} ({workers} worker(s))")
                    print_kinds(by_kind)
                    print_clients(clients)
                    if args.profile:
                        for raw_file in profiles:
                            print_top(raw_file, 25)
                    continue
                with servers(db_url, workers=workers, COMPAX_RESULT_CACHE="false") as cluster:
                    url = cluster.urls[0]
                    headers = admin_headers(url)
                    uncached = http_latency(url, headers, starts)
                    term = http_latency(url, headers, starts[:60], weeks=14)
                    by_kind = kinds(engine, db_url, url, headers, starts[:200])
                    clients = client_floor(url, headers)
                    load_uncached = load_test(url, headers, starts, args.seconds, args.connections)
                with servers(db_url, workers=workers, COMPAX_RESULT_CACHE="true") as cluster:
                    url = cluster.urls[0]
                    headers = admin_headers(url)
                    hot = starts[:50]
                    http_latency(url, headers, hot)  # warm the cache
                    cached = http_latency(url, headers, hot * 3)
                    load_cached = load_test(url, headers, hot, args.seconds, args.connections)
            report[key] = {
                "workers": workers,
                "load_seconds": round(loaded, 1),
                "raw_sql_ms": raw,
                "http_uncached_ms": uncached,
                "ratio_p50": round(uncached["p50"] / raw["p50"], 2),
                "http_cached_ms": cached,
                "recurring_15_weeks_ms": term,
                "kinds": by_kind,
                "health_p50_ms": clients,
                "throughput_uncached": load_uncached,
                "throughput_cached": load_cached,
            }
            print(f"\n== {key} ({workers} worker(s); data loaded in {loaded:.0f}s)")
            print(f"raw SQL      p50 {raw['p50']:.2f} ms  p95 {raw['p95']:.2f} ms")
            print(
                f"HTTP         p50 {uncached['p50']:.2f} ms  p95 {uncached['p95']:.2f} ms  ({report[key]['ratio_p50']}x the floor)"
            )
            print(f"HTTP cached  p50 {cached['p50']:.2f} ms  p95 {cached['p95']:.2f} ms")
            print(f"15 weekly    p50 {term['p50']:.2f} ms  p95 {term['p95']:.2f} ms")
            print_kinds(by_kind)
            print_clients(clients)
            print(
                f"wrk @{args.connections}     uncached {load_uncached['requests_per_s']:.0f} req/s (p99 {load_uncached['latency_ms'].get('p99')} ms, non-2xx {load_uncached['non_2xx']}), "
                f"cached {load_cached['requests_per_s']:.0f} req/s (p99 {load_cached['latency_ms'].get('p99')} ms, non-2xx {load_cached['non_2xx']})"
            )
    print(f"\nsaved {save('search', report)}")


if __name__ == "__main__":
    main()
