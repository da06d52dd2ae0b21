"""Term room optimizer: a generated campus of 500 rooms and 3,500 weekly sections over 15
weeks (52,500 occurrences), against a greedy best-fit baseline on the same input.

    python benchmarks/optimizer.py --rooms 500 --sections 3500 --time-limit 60

Two parts. ``solver``: the decision alone (domain.optimizer_plan.plan, in process), for the
default weights and for seat fill alone, with the greedy best-fit script (input order, the
smallest free room that fits) as the baseline; also a tight campus (fewer rooms for the same
sections). ``http``: on each engine, a real server process with the same rooms (dataset.py),
``POST /api/v1/optimizer/plans`` with ``apply: true`` (solve, then book through the
import), then the same request again (a re-run: nothing moves). ``--svg`` writes the seat
fill histogram of the default run (docs/optimizer-fill.svg).

Targets (issue 17): placement >= the baseline's and >= 99 % where a full placement exists;
mean seat fill >= baseline + 10 points; preferred buildings met more often; solved in <= 60
s; planned and applied in <= 90 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dataset
from harness import ROOT, admin_headers, database, save, servers

from benchmarks.optimizer_campus import Campus, RoomSpec, sections
from compax_server.domain.optimizer import Room, Term, Weights
from compax_server.domain.optimizer_plan import plan, section_of

TERM = ("2031-09-01", "2031-12-14")  # 15 weeks from a Monday


def dataset_campus(rooms: int) -> Campus:
    """The rooms dataset.py loads (same seed), as the generator's campus."""
    buildings, room_rows, features, _ = dataset.campus(rooms, 0)
    codes = {b[0]: b[1] for b in buildings}
    feats: dict[int, list[str]] = {}
    for room_id, feature_id in features:
        feats.setdefault(room_id, []).append(dataset.FEATURES[feature_id - 1])
    return Campus(
        sorted(codes.values()),
        [RoomSpec(r[1], codes[r[3]], r[5], sorted(feats.get(r[0], []))) for r in room_rows],
    )


def domain_rooms(c: Campus) -> list[Room]:
    return [
        Room(
            n + 1,
            r.code,
            int(r.building[2:]) + 1,
            r.building,
            r.capacity,
            frozenset(r.features),
            "Europe/Berlin",
            dataset.OPENING,
        )
        for n, r in enumerate(c.rooms)
    ]


def solver_run(c: Campus, raw: list[dict[str, Any]], limit: float, weights: Weights) -> dict:
    term = Term(date.fromisoformat(TERM[0]), date.fromisoformat(TERM[1]), frozenset())
    t = time.perf_counter()
    result = plan(
        [section_of(s) for s in raw], domain_rooms(c), {}, term, 1, weights, time_limit=limit
    )
    wall = time.perf_counter() - t
    o = result.outcome
    fills = [i["seat_fill"] for i in result.items if i["action"] == "placed"]
    return {
        "optimizer": result.summary,
        "greedy": result.baseline,
        "solver": {
            "status": o.status,
            "gap": o.gap,
            "objective": o.objective,
            "bound": o.bound,
            "greedy_objective": o.greedy_objective,
            "parts": o.parts,
            "prepare_s": result.prepare_seconds,
            "solve_s": o.seconds,
            "wall_s": round(wall, 2),
        },
        "_fills": fills,
        "_greedy_fills": result.baseline.get("_fills", []),
    }


def stability(c: Campus, raw: list[dict[str, Any]], limit: float, share: float = 0.05) -> dict:
    """Place, then change ``share`` of the sections (a new start time) and re-run with every
    section's last room: how many keep their room."""
    import random

    term = Term(date.fromisoformat(TERM[0]), date.fromisoformat(TERM[1]), frozenset())
    rooms = domain_rooms(c)
    first = plan([section_of(s) for s in raw], rooms, {}, term, 1, Weights(), time_limit=limit)
    placed = {i["external_id"]: i["room"] for i in first.items if i["action"] == "placed"}
    rnd = random.Random(11)
    changed = [dict(s) | {"last_room": placed.get(s["external_id"])} for s in raw]
    moved = rnd.sample(range(len(changed)), int(len(changed) * share))
    for n in moved:
        hour = int(changed[n]["start_time"][:2])
        changed[n]["start_time"] = f"{(hour + 1) if hour < 17 else 8:02d}:30"
    t = time.perf_counter()
    second = plan([section_of(s) for s in changed], rooms, {}, term, 1, Weights(), time_limit=limit)
    after = {i["external_id"]: i["room"] for i in second.items if i["action"] == "placed"}
    kept = sum(1 for k, room in placed.items() if after.get(k) == room)
    unchanged_ids = {raw[n]["external_id"] for n in range(len(raw))} - {
        raw[n]["external_id"] for n in moved
    }
    kept_unchanged = sum(1 for k in unchanged_ids if k in placed and after.get(k) == placed[k])
    return {
        "changed_sections": len(moved),
        "kept_room_share": round(kept / max(1, len(placed)), 4),
        "kept_room_share_of_unchanged": round(kept_unchanged / max(1, len(unchanged_ids)), 4),
        "placed_after": second.summary["placed"],
        "rerun_wall_s": round(time.perf_counter() - t, 2),
    }


def svg(opt: list[float], greedy: list[float], path: Path) -> None:
    """Two histograms of seat fill (10 % bins), side by side per bin."""
    bins = 10

    def count(xs: list[float]) -> list[int]:
        return [sum(1 for x in xs if min(int(x * bins), bins - 1) == b) for b in range(bins)]

    a, g = count(opt), count(greedy)
    top = max(a + g) or 1
    w, h, left, bottom = 640, 320, 50, 40
    bw = (w - left - 20) / bins
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        'font-family="sans-serif" font-size="11">',
        f'<text x="{left}" y="16" font-size="13">Seat fill of placed sections '
        "(headcount / capacity)</text>",
    ]
    for b in range(bins):
        x = left + b * bw
        for k, (vals, color) in enumerate(((g, "#bbbbbb"), (a, "#2b6cb0"))):
            bh = (h - bottom - 30) * vals[b] / top
            parts.append(
                f'<rect x="{x + 4 + k * (bw - 8) / 2:.1f}" y="{h - bottom - bh:.1f}" '
                f'width="{(bw - 8) / 2:.1f}" height="{bh:.1f}" fill="{color}"/>'
            )
        parts.append(
            f'<text x="{x + bw / 2:.1f}" y="{h - bottom + 14}" text-anchor="middle">'
            f"{b * 10}-{b * 10 + 10}%</text>"
        )
    parts.append(
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - 20}" y2="{h - bottom}" stroke="black"/>'
    )
    parts.append(
        f'<text x="{left}" y="{h - 8}">sections: grey = greedy best fit, '
        f"blue = optimizer (max bin {top})</text>"
    )
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n")


def http_run(engine: str, c: Campus, raw: list[dict[str, Any]], limit: float) -> dict:
    with database(engine) as url:
        dataset.load(url, len(c.rooms), 0)
        with servers(url, workers=1, COMPAX_REQUEST_MAX_SIZE=str(16 * 1024 * 1024)) as cluster:
            base = cluster.urls[0]
            headers = admin_headers(base)
            term = httpx.post(
                f"{base}/api/v1/terms",
                headers=headers,
                json={"name": "Autumn 2031", "start_date": TERM[0], "end_date": TERM[1]},
            ).json()
            body = {"term_id": term["id"], "sections": raw, "time_limit": limit, "apply": True}
            out = {}
            for name in ("apply", "rerun"):
                t = time.perf_counter()
                r = httpx.post(
                    f"{base}/api/v1/optimizer/plans",
                    json=body,
                    headers=headers,
                    timeout=limit + 300,
                )
                wall = time.perf_counter() - t
                assert r.status_code == 200, r.text[:2000]
                answer = r.json()
                out[name] = {
                    "wall_s": round(wall, 2),
                    "placed": answer["summary"]["placed"],
                    "mean_seat_fill": answer["summary"]["mean_seat_fill"],
                    "import": answer["import_summary"],
                    "solver": {
                        k: answer["solver"][k]
                        for k in (
                            "status",
                            "gap",
                            "prepare_seconds",
                            "solve_seconds",
                            "import_seconds",
                        )
                    },
                }
                print(engine, name, out[name])
            return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rooms", type=int, default=500)
    parser.add_argument("--sections", type=int, default=3500)
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--tight-rooms", type=int, default=200)
    parser.add_argument("--svg", default=str(ROOT / "docs" / "optimizer-fill.svg"))
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--only-stability", action="store_true")
    parser.add_argument("--only-http", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {
        "rooms": args.rooms,
        "sections": args.sections,
        "time_limit": args.time_limit,
    }
    c = dataset_campus(args.rooms)
    raw = sections(c, args.sections)
    if args.only_stability or args.only_http:  # added to the last full run's results
        path = ROOT / "benchmarks" / "results" / "optimizer.json"
        report = json.loads(path.read_text()) if path.exists() else report
        report.pop("recorded_at", None)
        if args.only_stability:
            report["stability"] = stability(c, raw, args.time_limit)
            print("stability", report["stability"])
        else:
            for engine in args.engines.split(","):
                report[f"http_{engine}"] = http_run(engine, c, raw, args.time_limit)
        print(f"\nsaved {save('optimizer', report)}")
        return
    for name, weights in (
        ("default", Weights()),
        ("fill_only", Weights(preferred_building=0, threshold_bonus=0)),
    ):
        run = solver_run(c, raw, args.time_limit, weights)
        fills = run.pop("_fills")
        run.pop("_greedy_fills")
        report[f"solver_{name}"] = run
        print(name, run)
        if name == "default" and args.svg:
            from compax_server.domain.optimizer import (
                cliques,
                conflicts_of,
                expand,
                find_candidates,
                groups_of,
            )
            from compax_server.domain.optimizer_solve import greedy

            term = Term(date.fromisoformat(TERM[0]), date.fromisoformat(TERM[1]), frozenset())
            rooms = domain_rooms(c)
            groups = groups_of([section_of(s) for s in raw])
            expand(groups, term, {"Europe/Berlin"})
            find_candidates(groups, rooms, {}, weights)
            fit = greedy(groups, rooms, conflicts_of(cliques(groups, rooms)), by="fit")
            greedy_fills = [groups[gi].headcount / rooms[i].capacity for gi, i in fit.items()]
            svg(fills, greedy_fills, Path(args.svg))
            print("wrote", args.svg)
    tight = dataset_campus(args.tight_rooms)
    tight_raw = sections(tight, min(args.sections, args.tight_rooms * 25 * 9 // 10), seed=4)
    run = solver_run(tight, tight_raw, args.time_limit, Weights())
    run.pop("_fills"), run.pop("_greedy_fills")
    report["solver_tight"] = {"rooms": args.tight_rooms, "sections": len(tight_raw), **run}
    print("tight", report["solver_tight"])
    if not args.skip_http:
        for engine in args.engines.split(","):
            report[f"http_{engine}"] = http_run(engine, c, raw, args.time_limit)
    print(f"\nsaved {save('optimizer', report)}")


if __name__ == "__main__":
    main()
