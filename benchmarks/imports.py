"""Timetable import: plan, apply and re-apply (unchanged) a term of about 50,000
occurrences (3,500 weekly series of 15 weeks) over HTTP, on SQLite and PostgreSQL.

    python benchmarks/imports.py --series 3500

Targets (issue 6) on PostgreSQL: apply <= 5 s, unchanged re-apply <= 2 s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time

import dataset
import httpx
from harness import admin_headers, database, save, servers

DAYS = ["mon", "tue", "wed", "thu", "fri"]


def batch(n: int, rooms: int) -> dict:
    items = []
    for i in range(n):
        room = i % rooms
        slot = i // rooms  # 0..4: one weekday each, so no two series of a room meet
        items.append(
            {
                "external_id": f"C{i:05d}",
                "kind": "series",
                "room": f"R{room:04d}",
                "title": f"Course {i}",
                "start_date": "2031-09-01",
                "start_time": f"{8 + slot % 5 * 2:02d}:00",
                "duration_minutes": 90,
                "recurrence": {"freq": "weekly", "weekdays": [DAYS[slot % 5]], "count": 15},
            }
        )
    return {"source": "sis-bench", "items": items}


def post(url: str, headers: dict[str, str], body: dict) -> tuple[float, dict]:
    raw = gzip.compress(json.dumps(body).encode())
    t = time.perf_counter()
    r = httpx.post(
        f"{url}/api/v1/imports",
        content=raw,
        timeout=600,
        headers=headers | {"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    elapsed = time.perf_counter() - t
    assert r.status_code == 201, r.text[:2000]
    return elapsed, r.json()["summary"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--series", type=int, default=3500)
    args = parser.parse_args()
    rooms = (args.series + 4) // 5
    report = {}
    body = batch(args.series, rooms)
    for engine in args.engines.split(","):
        with database(engine) as db_url:
            dataset.load(db_url, rooms, 0)
            with servers(
                db_url, workers=1, COMPAX_REQUEST_MAX_SIZE=str(8 * 1024 * 1024)
            ) as cluster:
                url = cluster.urls[0]
                headers = admin_headers(url)
                plan_s, _ = post(url, headers, body)
                apply_s, applied = post(url, headers, {**body, "mode": "apply"})
                again_s, again = post(url, headers, {**body, "mode": "apply"})
        assert applied.get("create") == args.series and again.get("unchanged") == args.series, (
            applied,
            again,
        )
        report[engine] = {
            "series": args.series,
            "occurrences": applied["occurrences"],
            "plan_s": round(plan_s, 2),
            "apply_s": round(apply_s, 2),
            "reapply_unchanged_s": round(again_s, 2),
        }
        print(f"\n== {engine}: {args.series} series, {applied['occurrences']} occurrences")
        print(f"plan {plan_s:.2f} s   apply {apply_s:.2f} s   re-apply unchanged {again_s:.2f} s")
    print(f"\nsaved {save('imports', report)}")


if __name__ == "__main__":
    main()
