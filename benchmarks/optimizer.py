"""Term room optimizer: 500 rooms and 3,500 weekly sections over 15 weeks (52,500
occurrences), two instance families, against a greedy best-fit baseline on the same input.

    python benchmarks/optimizer.py --rooms 500 --sections 3500 --time-limit 60

Families (benchmarks/optimizer_campus.py, optimizer_realistic.py): ``generated``,
dataset.py's rooms with each section drawn for a free hour of a room (55-100 % of its
seats): a full placement exists, and best fit already fills rooms well; ``realistic``, room sizes and class sizes from two
different distributions, a busy late morning, a term already half booked (standing weekly
bookings), the registrar's export order, and a hidden full placement.

Parts. ``solver``: the decision alone (domain.optimizer_plan.plan, in process) with the
default weights and with seat fill alone; the baseline is the greedy best-fit script
(input order, the smallest free room that fits). For ``generated`` also a tight campus
(fewer rooms); for ``realistic`` also greedy on a shuffled order and an upper bound of the
mean seat fill of any plan. ``http``: on each engine, a real server process with the same
rooms (and bookings), ``POST /api/v1/optimizer/plans`` with ``apply: true`` (solve, then
book through the import), then the same request again (a re-run: nothing moves).
``stability`` (generated): change 5 % of the sections, re-run with last term's rooms.
``headroom`` (realistic): greedy's fill and the bound of every plan, with the campus more
or less booked already.
``--chart`` writes the seat-fill histograms (docs/optimizer-fill.svg, with matplotlib).

Targets (issue 17): placement >= the baseline's and >= 99 % where a full placement exists;
mean seat fill >= baseline + 10 points; preferred buildings met more often; solved in <= 60
s; planned and applied in <= 90 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dataset
from harness import ROOT, admin_headers, database, save, servers

from benchmarks.optimizer_campus import DAYS, Campus, RoomSpec, sections
from benchmarks.optimizer_realistic import STANDING_PER_ROOM, realistic_campus, realistic_term
from compax_server.domain.optimizer import (
    Busy,
    Room,
    Term,
    Weights,
    cliques,
    conflicts_of,
    expand,
    find_candidates,
    groups_of,
)
from compax_server.domain.optimizer_plan import plan, section_of
from compax_server.domain.optimizer_solve import greedy, relaxed_bound

TERM = ("2031-09-01", "2031-12-14")  # 15 weeks from a Monday
WEEKS = 15
ZONE = "Europe/Berlin"
FILL_ONLY = Weights(preferred_building=0, threshold_bonus=0)


class Instance:
    """One family's input: rooms, sections and the bookings already in the term."""

    def __init__(self, name: str, c: Campus, raw: list[dict[str, Any]], standing: list) -> None:
        self.name, self.campus, self.raw, self.standing = name, c, raw, standing
        self.moved = 0  # realistic: sections the timetabler moved from the slot asked for
        self.slot_load: dict[str, float] = {}
        self.rooms = [
            Room(
                n + 1,
                r.code,
                c.buildings.index(r.building) + 1,
                r.building,
                r.capacity,
                frozenset(r.features),
                ZONE,
                dataset.OPENING,
            )
            for n, r in enumerate(c.rooms)
        ]
        self.busy: dict[int, list[Busy]] = {}
        ids = {r.code: r.id for r in self.rooms}
        for n, (room, start, end, title) in enumerate(self.bookings()):
            self.busy.setdefault(ids[room], []).append(Busy(start, end, n, title, "confirmed"))
        for rows in self.busy.values():
            rows.sort(key=lambda b: b.start)

    def bookings(self) -> list[tuple[str, datetime, datetime, str]]:
        """The standing weekly bookings, every week of the term (UTC)."""
        zone, first = ZoneInfo(ZONE), date.fromisoformat(TERM[0])
        out = []
        for s in self.standing:
            hour, minute = map(int, s.start_time.split(":"))
            for week in range(WEEKS):
                d = first + timedelta(days=DAYS.index(s.day), weeks=week)
                start = datetime(d.year, d.month, d.day, hour, minute, tzinfo=zone).astimezone(UTC)
                out.append((s.room, start, start + timedelta(minutes=s.minutes), s.title))
        return out


def term() -> Term:
    return Term(date.fromisoformat(TERM[0]), date.fromisoformat(TERM[1]), frozenset())


def generated(rooms: int, count: int, seed: int = 2) -> Instance:
    """dataset.py's rooms (same seed as the server's), sections drawn for free room hours."""
    buildings, room_rows, features, _ = dataset.campus(rooms, 0)
    codes = {b[0]: b[1] for b in buildings}
    feats: dict[int, list[str]] = {}
    for room_id, feature_id in features:
        feats.setdefault(room_id, []).append(dataset.FEATURES[feature_id - 1])
    c = Campus(
        sorted(codes.values()),
        [RoomSpec(r[1], codes[r[3]], r[5], sorted(feats.get(r[0], []))) for r in room_rows],
    )
    return Instance("generated", c, sections(c, count, seed=seed), [])


def realistic(rooms: int, count: int, standing: int = STANDING_PER_ROOM) -> Instance:
    c = realistic_campus(rooms)
    t = realistic_term(c, count, standing_per_room=standing)
    inst = Instance("realistic", c, t.sections, t.standing)
    inst.moved, inst.slot_load = t.moved, t.slot_load
    return inst


def fills_of(inst: Instance, assignment: dict[int, int], groups: list) -> list[float]:
    return [groups[gi].headcount / inst.rooms[i].capacity for gi, i in assignment.items()]


def greedy_run(inst: Instance, raw: list[dict[str, Any]]) -> tuple[int, list[float]]:
    """The best-fit script on the sections in the given order: placed, the fills."""
    groups = groups_of([section_of(s) for s in raw])
    expand(groups, term(), {ZONE})
    find_candidates(groups, inst.rooms, inst.busy, Weights())
    fit = greedy(groups, inst.rooms, conflicts_of(cliques(groups, inst.rooms)), by="fit")
    return len(fit), fills_of(inst, fit, groups)


def fill_bound(inst: Instance, placed_at_least: int) -> float:
    """No plan placing at least ``placed_at_least`` sections has a higher mean seat fill:
    the matching bound of the total fill (``relaxed_bound`` with fill as the only points)
    divided by that many sections."""
    only_fill = Weights(
        placement=0,
        seat_fill=10_000,
        threshold_bonus=0,
        preferred_building=0,
        room_wish=0,
        keep_room=0,
    )
    groups = groups_of([section_of(s) for s in inst.raw])
    expand(groups, term(), {ZONE})
    find_candidates(groups, inst.rooms, inst.busy, only_fill)
    total = sum(relaxed_bound(groups, inst.rooms, cliques(groups, inst.rooms)).values())
    return round(total / 10_000 / placed_at_least, 4)


def headroom(rooms: int, count: int) -> list[dict[str, Any]]:
    """How much better than greedy any plan could fill the seats, as the campus is more or
    less booked already: greedy's mean seat fill, and the bound of every plan placing at
    least as many sections (the realistic family with 0-12 standing bookings per room)."""
    out = []
    for standing in (0, 4, STANDING_PER_ROOM, 12):
        inst = realistic(rooms, count, standing)
        placed, fills = greedy_run(inst, inst.raw)
        bound = fill_bound(inst, placed)
        out.append(
            {
                "standing_per_room": standing,
                "busiest_slot": max(inst.slot_load.values()),
                "greedy_placed": placed,
                "greedy_fill": round(mean(fills), 4),
                "bound_fill": bound,
                "headroom_points": round(100 * (bound - mean(fills)), 1),
            }
        )
        print("headroom", out[-1], flush=True)
    return out


def solver_run(inst: Instance, limit: float, weights: Weights) -> dict[str, Any]:
    t = time.perf_counter()
    sections_ = [section_of(s) for s in inst.raw]
    result = plan(sections_, inst.rooms, inst.busy, term(), 1, weights, time_limit=limit)
    wall = time.perf_counter() - t
    o = result.outcome
    return {
        "optimizer": result.summary,
        "greedy": result.baseline,
        "solver": {
            "status": o.status,
            "gap": o.gap,
            "objective": o.objective,
            "bound": o.bound,
            "greedy_objective": o.greedy_objective,
            "start_objective": o.start_objective,
            "parts": o.parts,
            "solved_parts": o.solved_parts,
            "prepare_s": result.prepare_seconds,
            "solve_s": o.seconds,
            "wall_s": round(wall, 2),
        },
        "_fills": [i["seat_fill"] for i in result.items if i["action"] == "placed"],
    }


def stability(inst: Instance, limit: float, share: float = 0.05) -> dict[str, Any]:
    """Place, then change ``share`` of the sections (a new start time) and re-run with every
    section's last room: how many keep their room."""
    before = [section_of(s) for s in inst.raw]
    first = plan(before, inst.rooms, {}, term(), 1, Weights(), time_limit=limit)
    placed = {i["external_id"]: i["room"] for i in first.items if i["action"] == "placed"}
    rnd = random.Random(11)
    changed = [dict(s) | {"last_room": placed.get(s["external_id"])} for s in inst.raw]
    moved = rnd.sample(range(len(changed)), int(len(changed) * share))
    for n in moved:
        hour = int(changed[n]["start_time"][:2])
        changed[n]["start_time"] = f"{(hour + 1) if hour < 17 else 8:02d}:30"
    t = time.perf_counter()
    again = [section_of(s) for s in changed]
    second = plan(again, inst.rooms, {}, term(), 1, Weights(), time_limit=limit)
    after = {i["external_id"]: i["room"] for i in second.items if i["action"] == "placed"}
    kept = sum(1 for k, room in placed.items() if after.get(k) == room)
    same = {s["external_id"] for s in inst.raw} - {inst.raw[n]["external_id"] for n in moved}
    kept_same = sum(1 for k in same if k in placed and after.get(k) == placed[k])
    return {
        "changed_sections": len(moved),
        "kept_room_share": round(kept / max(1, len(placed)), 4),
        "kept_room_share_of_unchanged": round(kept_same / max(1, len(same)), 4),
        "placed_after": second.summary["placed"],
        "rerun_wall_s": round(time.perf_counter() - t, 2),
    }


def chart(panels: list[tuple[str, dict[str, list[float]]]], path: Path) -> None:
    """Seat-fill histograms (10 % bins), one panel per family, one bar per run."""
    from compax_cli.report_charts import pyplot

    plt = pyplot()
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "none"
    colors = {"greedy best fit": "#9e9e9e", "optimizer": "#2b6cb0", "seat fill only": "#dd8452"}
    fig, axes = plt.subplots(1, len(panels), figsize=(12, 4.2), layout="constrained")
    for ax, (title, runs) in zip(axes if len(panels) > 1 else [axes], panels, strict=True):
        width = 0.9 / len(runs)
        for k, (name, fills) in enumerate(runs.items()):
            counts = [sum(1 for f in fills if min(int(f * 10), 9) == b) for b in range(10)]
            ax.bar(
                [b + (k - (len(runs) - 1) / 2) * width for b in range(10)],
                counts,
                width=width,
                color=colors[name],
                label=f"{name}: {len(fills):,} placed, mean {mean(fills):.1%}",
            )
        ax.set_xticks(range(10), [f"{b * 10}-{b * 10 + 10}" for b in range(10)], fontsize=8)
        ax.set_xlabel("seat fill, % (headcount / capacity)")
        ax.set_ylabel("sections")
        ax.set_title(title, fontsize=11)
        ax.legend(fontsize=8, loc="upper left")
    fig.savefig(path)
    plt.close(fig)


def load_realistic(url: str, inst: Instance) -> None:
    """The realistic campus and its standing bookings, straight into the database."""
    buildings = [(n + 1, b, f"Building {b}") for n, b in enumerate(inst.campus.buildings)]
    ids = {b[1]: b[0] for b in buildings}
    room_rows = [
        (n + 1, r.code, r.code, ids[r.building], 0, r.capacity)
        for n, r in enumerate(inst.campus.rooms)
    ]
    features = [
        (n + 1, dataset.FEATURES.index(f.replace("_", "-")) + 1)
        for n, r in enumerate(inst.campus.rooms)
        for f in r.features
    ]
    room_id = {r.code: n + 1 for n, r in enumerate(inst.campus.rooms)}
    bookings = [(room_id[r], 1, title, s, e, "confirmed") for r, s, e, title in inst.bookings()]
    data = (buildings, room_rows, features, bookings)
    if url.startswith("sqlite://"):
        dataset.load_sqlite(url.removeprefix("sqlite://"), data)
    else:
        asyncio.run(dataset.load_postgres(url, data))


def http_run(engine: str, inst: Instance, limit: float) -> dict[str, Any]:
    raw = [s | {"features": [f.replace("_", "-") for f in s["features"]]} for s in inst.raw]
    with database(engine) as url:
        if inst.name == "realistic":
            load_realistic(url, inst)
        else:
            dataset.load(url, len(inst.rooms), 0)
        with servers(url, workers=1, COMPAX_REQUEST_MAX_SIZE=str(16 * 1024 * 1024)) as cluster:
            base = cluster.urls[0]
            headers = admin_headers(base)
            made = httpx.post(
                f"{base}/api/v1/terms",
                headers=headers,
                json={"name": "Autumn 2031", "start_date": TERM[0], "end_date": TERM[1]},
            ).json()
            body = {"term_id": made["id"], "sections": raw, "time_limit": limit, "apply": True}
            out = {}
            for name in ("apply", "rerun"):
                t = time.perf_counter()
                r = httpx.post(
                    f"{base}/api/v1/optimizer/plans", json=body, headers=headers, timeout=300
                )
                wall = time.perf_counter() - t
                assert r.status_code == 200, r.text[:2000]
                answer = r.json()
                keys = ("status", "gap", "prepare_seconds", "solve_seconds", "import_seconds")
                out[name] = {
                    "wall_s": round(wall, 2),
                    "placed": answer["summary"]["placed"],
                    "mean_seat_fill": answer["summary"]["mean_seat_fill"],
                    "import": answer["import_summary"],
                    "solver": {k: answer["solver"][k] for k in keys},
                }
                print(inst.name, engine, name, out[name], flush=True)
            return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rooms", type=int, default=500)
    parser.add_argument("--sections", type=int, default=3500)
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--families", default="generated,realistic")
    parser.add_argument("--parts", default="solver,headroom,http,stability")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--tight-rooms", type=int, default=200)
    parser.add_argument("--chart", default=str(ROOT / "docs" / "optimizer-fill.svg"))
    args = parser.parse_args()
    path = ROOT / "benchmarks" / "results" / "optimizer.json"
    report: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    report.pop("recorded_at", None)
    report |= {"rooms": args.rooms, "sections": args.sections, "time_limit": args.time_limit}
    parts, panels = args.parts.split(","), []
    for family in args.families.split(","):
        inst = (generated if family == "generated" else realistic)(args.rooms, args.sections)
        out: dict[str, Any] = report.setdefault(family, {})
        if family == "realistic":
            out["moved_by_timetabler"] = inst.moved
            out["standing_bookings"] = len(inst.standing)
            out["busiest_slots"] = dict(sorted(inst.slot_load.items(), key=lambda kv: -kv[1])[:6])
        if "solver" in parts:
            fills: dict[str, list[float]] = {}
            for name, weights in (("default", Weights()), ("fill_only", FILL_ONLY)):
                run = solver_run(inst, args.time_limit, weights)
                fills["seat fill only" if name == "fill_only" else "optimizer"] = run.pop("_fills")
                out[f"solver_{name}"] = run
                print(family, name, json.dumps(run), flush=True)
            placed, greedy_fills = greedy_run(inst, inst.raw)
            fills = {"greedy best fit": greedy_fills, **fills}
            panels.append((f"{family} family ({len(inst.raw):,} sections)", fills))
            if family == "generated":
                count = min(args.sections, args.tight_rooms * 25 * 9 // 10)
                tight = generated(args.tight_rooms, count, seed=4)
                run = solver_run(tight, args.time_limit, Weights())
                run.pop("_fills")
                out["solver_tight"] = {"rooms": args.tight_rooms, "sections": len(tight.raw), **run}
            else:
                shuffled = list(inst.raw)
                random.Random(9).shuffle(shuffled)
                n, f = greedy_run(inst, shuffled)
                out["greedy_shuffled"] = {"placed": n, "mean_seat_fill": round(mean(f), 4)}
                out["fill_bound"] = {
                    "placing_at_least_greedy": fill_bound(inst, placed),
                    "placing_all": fill_bound(inst, len(inst.raw)),
                }
            print(family, {k: v for k, v in out.items() if not k.startswith("solver")})
        if "headroom" in parts and family == "realistic":
            out["headroom"] = headroom(args.rooms, args.sections)
        if "http" in parts:
            for engine in args.engines.split(","):
                out[f"http_{engine}"] = http_run(engine, inst, args.time_limit)
        if "stability" in parts and family == "generated":
            out["stability"] = stability(inst, args.time_limit)
            print(family, "stability", out["stability"])
    for old in ("solver_default", "solver_fill_only", "solver_tight", "stability"):
        report.pop(old, None)  # the layout before the families
    for old in ("http_sqlite", "http_postgres"):
        report.pop(old, None)
    if panels and args.chart and "solver" in parts:
        chart(panels, Path(args.chart))
        print("wrote", args.chart)
    print(f"\nsaved {save('optimizer', report)}")


if __name__ == "__main__":
    main()
