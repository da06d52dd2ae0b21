"""Manager views: the schedule grid of a building for a week, and the utilisation report of
a 15-week term (campus and one building), over HTTP and as raw SQL, PostgreSQL.

    python benchmarks/reports.py
    python benchmarks/reports.py --size 1000x500000 --n 200

The campus is benchmarks/dataset.py's (10 buildings of 100 rooms, Europe/Berlin). The grid
is measured for 60 rooms of a building (``room_id=``) and for the whole building (100
rooms); the term runs from 2030-09-02 to 2030-12-15 and crosses the autumn DST change.

Targets (issue 14): grid of a 60-room building for a week p50 <= 15 ms over HTTP; the
report of a term <= 1 s for the campus, <= 100 ms for one building.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import date, timedelta

import dataset
from harness import (
    admin_headers,
    database,
    percentiles,
    raw_connection,
    save,
    servers,
    timed_gets,
)

from compax_server.db import reports as reports_db
from compax_server.db import schedule as schedule_db
from compax_server.db.sql import _numbered
from compax_server.domain import hours
from compax_server.services.reports import offset_periods
from compax_server.services.schedule import window_of

TERM = (date(2030, 9, 2), date(2030, 12, 15))


def mondays(n: int, seed: int = 5) -> list[date]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        day = dataset.FIRST_DAY + timedelta(days=rng.randrange(dataset.DAYS - 14))
        out.append(day - timedelta(days=day.weekday()))
    return out


def sixty_rooms(building: int, rooms: int) -> list[int]:
    """Room ids of ``building`` in the generated campus (room i is in building i % 10 + 1)."""
    return [i + 1 for i in range(rooms) if i % 10 + 1 == building][:60]


def term_periods(building_ids: list[int]) -> reports_db.Periods:
    tz = hours.zone("Europe/Berlin")
    s = hours.local_instant(TERM[0], 0, tz)
    e = hours.local_instant(TERM[1] + timedelta(days=1), 0, tz)
    return reports_db.Periods(
        windows={b: (s, e) for b in building_ids},
        offsets={b: offset_periods(tz, s, e) for b in building_ids},
    )


async def _floor(url: str, text: str, params: list[list], repeat: int) -> dict[str, float]:
    """One prepared statement run with each parameter list in turn."""

    conn = await raw_connection(url)
    stmt = await conn.prepare(_numbered(text))
    samples = []
    for i in range(repeat):
        t = time.perf_counter()
        await stmt.fetch(*params[i % len(params)])
        samples.append((time.perf_counter() - t) * 1000)
    await conn.close()
    return percentiles(samples[max(1, repeat // 10) :])


def floor_grid(url: str, weeks: list[date], count: int) -> dict[str, float]:
    rooms = sixty_rooms(3, count)
    queries = []
    for monday in weeks:
        s, e = window_of("Europe/Berlin", monday, 7)
        queries.append(schedule_db.calendar_query(rooms, s, e, "postgres"))
    return asyncio.run(_floor(url, queries[0][0], [p for _, p in queries], len(queries)))


def floor_report(url: str, building: int | None, repeat: int) -> dict[str, float]:
    """Both queries of the report (room totals and heatmap), one after the other."""
    scope = reports_db.RoomScope(building_id=building)
    periods = term_periods([building] if building else list(range(1, 11)))
    totals = reports_db.room_totals_query(scope, periods, "postgres")
    heat = reports_db.heatmap_query(scope, periods, "postgres")

    async def run() -> dict[str, float]:

        conn = await raw_connection(url)
        a, b = await conn.prepare(_numbered(totals[0])), await conn.prepare(_numbered(heat[0]))
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            await a.fetch(*totals[1])
            await b.fetch(*heat[1])
            samples.append((time.perf_counter() - t) * 1000)
        await conn.close()
        return percentiles(samples[1:])

    return asyncio.run(run())


def http(url: str, headers: dict[str, str], requests: list[tuple[str, dict]]) -> dict[str, float]:
    samples, _ = timed_gets(url, headers, requests, "httpx")
    return percentiles(samples[max(1, len(samples) // 10) :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="1000x500000")
    parser.add_argument("--n", type=int, default=200, help="grid requests")
    parser.add_argument("--reports", type=int, default=12, help="campus reports")
    args = parser.parse_args()
    rooms, bookings = (int(x) for x in args.size.split("x"))
    weeks = mondays(args.n)
    room_ids = ",".join(map(str, sixty_rooms(3, rooms)))
    with database("postgres") as db_url:
        loaded = dataset.load(db_url, rooms, bookings)
        raw_grid = floor_grid(db_url, weeks, rooms)
        raw_campus = floor_report(db_url, None, args.reports)
        raw_building = floor_report(db_url, 3, args.reports * 3)
        with servers(db_url, workers=1, COMPAX_RESULT_CACHE="false") as cluster:
            url = cluster.urls[0]
            headers = admin_headers(url)
            grid60 = http(
                url,
                headers,
                [
                    (
                        "/api/v1/buildings/3/schedule",
                        {"date": w.isoformat(), "days": 7, "room_id": room_ids},
                    )
                    for w in weeks
                ],
            )
            grid100 = http(
                url,
                headers,
                [
                    ("/api/v1/buildings/3/schedule", {"date": w.isoformat(), "days": 7})
                    for w in weeks[:100]
                ],
            )
            term = {"from": TERM[0].isoformat(), "to": TERM[1].isoformat()}
            campus = http(url, headers, [("/api/v1/reports/utilisation", term)] * args.reports)
            building = http(
                url,
                headers,
                [("/api/v1/reports/utilisation", term | {"building": 3})] * (args.reports * 3),
            )
    result = {
        "engine": "postgres",
        "size": args.size,
        "workers": 1,
        "load_seconds": round(loaded, 1),
        "grid_60_rooms_week": {"http_ms": grid60, "raw_sql_ms": raw_grid},
        "grid_100_rooms_week_http_ms": grid100,
        "report_term_campus": {"http_ms": campus, "raw_sql_ms": raw_campus},
        "report_term_building": {"http_ms": building, "raw_sql_ms": raw_building},
    }
    print(f"== PostgreSQL, {args.size} (loaded in {loaded:.0f}s), one server process")
    print(
        f"grid, 60 rooms, a week     HTTP p50 {grid60['p50']:.1f} ms p95 {grid60['p95']:.1f}"
        f"  | raw SQL p50 {raw_grid['p50']:.2f} ms"
    )
    print(f"grid, 100 rooms, a week    HTTP p50 {grid100['p50']:.1f} ms p95 {grid100['p95']:.1f}")
    print(
        f"report, term, campus       HTTP p50 {campus['p50']:.0f} ms p95 {campus['p95']:.0f}"
        f"  | raw SQL p50 {raw_campus['p50']:.0f} ms"
    )
    print(
        f"report, term, building     HTTP p50 {building['p50']:.1f} ms p95 {building['p95']:.1f}"
        f"  | raw SQL p50 {raw_building['p50']:.1f} ms"
    )
    print(f"\nsaved {save('reports', result)}")


if __name__ == "__main__":
    main()
