"""Series create: a weekly term (15 occurrences) and a daily year (250 occurrences), p50 on
SQLite and PostgreSQL, next to the raw-SQL insert of the same occurrence rows.

    python benchmarks/series.py --n 60

Target (issue 5): a term series <= 10 ms.
"""

from __future__ import annotations

import argparse
import time

import httpx
from harness import admin_headers, database, percentiles, save, servers


def run(
    url: str, headers: dict[str, str], rooms: list[int], n: int, recurrence: dict, start_date: str
) -> dict[str, float]:
    samples = []
    with httpx.Client(base_url=url, headers=headers, timeout=60) as c:
        for i in range(n + 5):
            body = {
                "room_id": rooms[i],
                "title": f"s{i}",
                "start_date": start_date,
                "start_time": "09:00",
                "duration_minutes": 90,
                "recurrence": recurrence,
            }
            t = time.perf_counter()
            r = c.post("/api/v1/series", json=body)
            elapsed = (time.perf_counter() - t) * 1000
            assert r.status_code == 201, r.text
            if i >= 5:
                samples.append(elapsed)
    return percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--n", type=int, default=60)
    args = parser.parse_args()
    report = {}
    for engine in args.engines.split(","):
        with database(engine) as db_url, servers(db_url, workers=1) as cluster:
            url = cluster.urls[0]
            headers = admin_headers(url)
            with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
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
                    for i in range(2 * (args.n + 5))
                ]
            term = run(
                url,
                headers,
                rooms[: args.n + 5],
                args.n,
                {"freq": "weekly", "count": 15},
                "2031-09-02",
            )
            year = run(
                url,
                headers,
                rooms[args.n + 5 :],
                args.n,
                {"freq": "daily", "count": 250},
                "2031-09-01",
            )
        report[engine] = {"term_15_weekly_ms": term, "year_250_daily_ms": year}
        print(f"\n== {engine}")
        print(f"term series (15)  p50 {term['p50']:.2f} ms  p95 {term['p95']:.2f} ms")
        print(f"year series (250) p50 {year['p50']:.2f} ms  p95 {year['p95']:.2f} ms")
    print(f"\nsaved {save('series', report)}")


if __name__ == "__main__":
    main()
