"""Free-room search: "30 seats, a projector, free Tuesday 10-12", on 500 rooms x 50,000
bookings and 1,000 rooms x 500,000 bookings, SQLite and PostgreSQL, in one run.

For each: the raw SQL of the same query straight to the database (the floor), one client
over HTTP uncached (p50/p95), wrk at 32 connections uncached and cached, and a recurring
search (a term of 15 weekly occurrences).

    python benchmarks/search.py
    python benchmarks/search.py --sizes 500x50000 --engines sqlite --seconds 5

Targets (issue 4): HTTP p50 <= 3 ms uncached and <= 2.5x the floor; >= 1,500 req/s
uncached on PostgreSQL with 2 workers; cost flat from 50,000 to 500,000 bookings.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import dataset
import httpx
from harness import admin_headers, database, percentiles, save, servers, wrk

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
    url: str, headers: dict[str, str], starts: list[datetime], weeks: int = 0
) -> dict[str, float]:
    """One client, one search after the other; ``weeks``: a weekly recurring search."""
    samples = []
    with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
        for start in starts:
            extra = (
                {"repeat": "weekly", "until": (start + timedelta(weeks=weeks)).date().isoformat()}
                if weeks
                else {}
            )
            t = time.perf_counter()
            r = c.get("/api/v1/rooms", params=params_for(start, **extra))
            samples.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.text
    return percentiles(samples[10:])


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

        raw = raw_sql(engine, db_url, sql_of, starts)
        samples, sizes = [], []
        with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
            for start in starts:
                t = time.perf_counter()
                r = c.get("/api/v1/rooms", params=kind_params(start, query, weeks))
                samples.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.text
                sizes.append(len(r.json()["data"]))
        http = percentiles(samples[10:])
        out[name] = {
            "raw_sql_ms": raw,
            "http_ms": http,
            "ratio_p50": round(http["p50"] / raw["p50"], 2),
            "rooms_in_answer_p50": sorted(sizes)[len(sizes) // 2],
        }
    return out


def raw_sql(engine: str, db_url: str, sql_of, starts: list[datetime]) -> dict[str, float]:
    samples: list[float] = []
    if engine == "sqlite":
        conn = sqlite3.connect(db_url.removeprefix("sqlite://"))
        for start in starts:
            text, params = sql_of(start)
            params = [p.isoformat(" ") if isinstance(p, datetime) else p for p in params]
            t = time.perf_counter()
            conn.execute(text, params).fetchall()
            samples.append((time.perf_counter() - t) * 1000)
        conn.close()
        return percentiles(samples[10:])

    async def run() -> None:
        import asyncpg

        conn = await asyncpg.connect(db_url.replace("postgres://", "postgresql://", 1))
        text, _ = sql_of(starts[0])
        stmt = await conn.prepare(_numbered(text))
        for start in starts:
            _, params = sql_of(start)
            t = time.perf_counter()
            await stmt.fetch(*params)
            samples.append((time.perf_counter() - t) * 1000)
        await conn.close()

    asyncio.run(run())
    return percentiles(samples[10:])


def print_kinds(by_kind: dict) -> None:
    for name, k in by_kind.items():
        print(
            f"  {name:28} raw p50 {k['raw_sql_ms']['p50']:6.2f} ms  "
            f"HTTP p50 {k['http_ms']['p50']:6.2f} ms  "
            f"({k['ratio_p50']}x; {k['rooms_in_answer_p50']} rooms)"
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
                        by_kind = kinds(engine, db_url, url, admin_headers(url), starts[:80])
                    report[key] = {"raw_sql_ms": raw, "kinds": by_kind}
                    print(f"\n== {key} ({workers} worker(s))")
                    print_kinds(by_kind)
                    continue
                with servers(db_url, workers=workers, COMPAX_RESULT_CACHE="false") as cluster:
                    url = cluster.urls[0]
                    headers = admin_headers(url)
                    uncached = http_latency(url, headers, starts)
                    term = http_latency(url, headers, starts[:60], weeks=14)
                    by_kind = kinds(engine, db_url, url, headers, starts[:80])
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
            print(
                f"wrk @{args.connections}     uncached {load_uncached['requests_per_s']:.0f} req/s (p99 {load_uncached['latency_ms'].get('p99')} ms, non-2xx {load_uncached['non_2xx']}), "
                f"cached {load_cached['requests_per_s']:.0f} req/s (p99 {load_cached['latency_ms'].get('p99')} ms, non-2xx {load_cached['non_2xx']})"
            )
    print(f"\nsaved {save('search', report)}")


if __name__ == "__main__":
    main()
