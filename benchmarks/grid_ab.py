"""The schedule grid before and after a change, in the same run: two servers on one database,
one serving the code of a git revision (``--before``, exported with ``git archive``), one the
working tree, asked in turn (blocks of ``--block`` requests, A B A B ...), so both see the
same load on a shared machine. PostgreSQL, the campus of benchmarks/dataset.py.

    python benchmarks/grid_ab.py --before HEAD~3 --blocks 40

Per side: the client's p50/p95 (as benchmarks/reports.py measures it), the server's own p50
(the access log's ``duration_ms``), and the CPU per request of the server process and of the
database's backends (from /proc, as benchmarks/write_cpu.py counts it: a busy machine
disturbs CPU time far less than wall time); the raw SQL floor of the grid's calendar query,
prepared on asyncpg, in the same run. Both sides must give the same answers.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import dataset
import httpx
from harness import ADMIN, ROOT, database, percentiles, save, servers
from reports import floor_grid, mondays, sixty_rooms
from write_cpu import backends, cpu_ms, process_group

SIDES = ("before", "after")


def export(revision: str) -> Path:
    """The server code of ``revision`` in a folder of its own (for ``PYTHONPATH``)."""
    folder = Path(tempfile.mkdtemp(prefix="compax-bench-rev-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "compax_server", "compax_cli", "compax_sdk"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, help="git revision of the 'before' side")
    parser.add_argument("--size", default="1000x500000")
    parser.add_argument("--blocks", type=int, default=40, help="blocks per side")
    parser.add_argument("--block", type=int, default=10, help="requests per block")
    parser.add_argument("--name", default="grid_ab", help="results/<name>.json")
    args = parser.parse_args()
    rooms, bookings = (int(x) for x in args.size.split("x"))
    weeks = mondays(args.blocks * args.block)
    ids = ",".join(map(str, sixty_rooms(3, rooms)))
    old = export(args.before)
    log = {"COMPAX_RESULT_CACHE": "false", "COMPAX_LOG_LEVEL": "INFO"}
    try:
        with database("postgres") as url:
            dbname = url.rsplit("/", 1)[1].split("?")[0]
            dataset.load(url, rooms, bookings)
            raw = floor_grid(url, weeks, rooms)
            with (
                servers(url, workers=1, PYTHONPATH=str(old), **log) as a,
                servers(url, workers=1, **log) as b,
            ):
                cluster = dict(zip(SIDES, (a, b), strict=True))
                clients = {}
                for side, c in cluster.items():
                    token = httpx.post(
                        f"{c.urls[0]}/api/v1/auth/token",
                        json={"email": ADMIN[0], "password": ADMIN[1]},
                    ).json()["access_token"]
                    clients[side] = httpx.Client(
                        base_url=c.urls[0], headers={"Authorization": f"Bearer {token}"}
                    )

                def grid(side: str, week: int) -> tuple[float, dict]:
                    params = {"date": weeks[week].isoformat(), "days": 7, "room_id": ids}
                    t = time.perf_counter()
                    r = clients[side].get("/api/v1/buildings/3/schedule", params=params)
                    elapsed = (time.perf_counter() - t) * 1000
                    assert r.status_code == 200, r.text
                    return elapsed, r.json()

                for week in range(20):  # warm both (prepared statements, caches)
                    answers = [grid(side, week)[1] for side in SIDES]
                    assert answers[0] == answers[1], f"the answers differ for {weeks[week]}"
                pids = {s: process_group(c.servers[0].process.pid) for s, c in cluster.items()}
                pg = backends(dbname)
                wall: dict[str, list[float]] = {s: [] for s in SIDES}
                cpu = {s: {"server": 0.0, "postgres": 0.0} for s in SIDES}
                for block in range(args.blocks):
                    order = SIDES if block % 2 == 0 else SIDES[::-1]
                    for side in order:
                        s0, p0 = cpu_ms(pids[side]), cpu_ms(pg)
                        for i in range(args.block):
                            wall[side].append(grid(side, block * args.block + i)[0])
                        cpu[side]["server"] += cpu_ms(pids[side]) - s0
                        cpu[side]["postgres"] += cpu_ms(pg) - p0
                logs = {s: c.servers[0].log() for s, c in cluster.items()}
    finally:
        shutil.rmtree(old, ignore_errors=True)
    n = args.blocks * args.block
    result: dict = {"engine": "postgres", "size": args.size, "revision": args.before, "n": n}
    result["raw_sql_ms"] = raw
    for side in SIDES:
        took = [float(m) for m in re.findall(r"/schedule 200 ([\d.]+)ms", logs[side])]
        result[side] = {
            "http_ms": percentiles(wall[side]),
            "server_ms": percentiles(took[20:]),
            "server_cpu_ms": round(cpu[side]["server"] / n, 2),
            "postgres_cpu_ms": round(cpu[side]["postgres"] / n, 2),
        }
    print(f"== grid, 60 rooms, a week: {args.before} against the working tree, {n} each")
    print(f"raw SQL p50 {raw['p50']:.2f} ms")
    for side in SIDES:
        r = result[side]
        print(
            f"{side:7} HTTP p50 {r['http_ms']['p50']:.1f} ms (p95 {r['http_ms']['p95']:.1f})"
            f"  server p50 {r['server_ms']['p50']:.1f} ms"
            f"  CPU/request: server {r['server_cpu_ms']} ms, postgres {r['postgres_cpu_ms']} ms"
        )
    print(f"\nsaved {save(args.name, result)}")


if __name__ == "__main__":
    main()
