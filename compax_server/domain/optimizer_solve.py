"""Solving the term room problem: a greedy best-fit baseline, and the CP-SAT model that
maximises the weighted objective of ``domain.optimizer`` part by part.

The model (one per independent part): a boolean ``x[g, r]`` for each group and each of its
candidate rooms; each group takes at most one room; for every instant at which several
groups meet (a clique of the sweep) and every room, at most one of them has it. The
objective is the sum of the placement points (``optimizer.score``). The best greedy
assignment is the solver's hint, so a stopped search is never worse than greedy.
"""

from __future__ import annotations

import time as clock
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from compax_server.domain.optimizer import Group, Room

Cliques = dict[str, list[frozenset[int]]]
Conflicts = dict[str, dict[int, set[int]]]


@dataclass
class Outcome:
    assignment: dict[int, int]  # group index -> room index
    status: str  # optimal | feasible | no_solution (then the greedy answer)
    objective: int = 0
    bound: int = 0
    seconds: float = 0.0
    parts: int = 0
    solved_parts: int = 0  # parts that needed the solver (more than one group)
    greedy_objective: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def gap(self) -> float:
        """(bound - objective) / bound: 0 when proven optimal."""
        return round((self.bound - self.objective) / self.bound, 6) if self.bound else 0.0


def greedy(
    groups: list[Group], rooms: list[Room], conflicts: Conflicts, *, by: str = "fit"
) -> dict[int, int]:
    """Groups in input order; each takes the first free candidate: the smallest room that
    fits (``fit``, the registrar's best-fit script) or the one worth most (``score``)."""
    taken: dict[int, list[int]] = defaultdict(list)
    out: dict[int, int] = {}
    for g in groups:
        order = g.candidates if by == "fit" else sorted(g.candidates, key=lambda i: -g.scores[i])
        for i in order:
            meets = conflicts.get(rooms[i].timezone, {}).get(g.index, set())
            if not any(o in meets for o in taken[i]):
                taken[i].append(g.index)
                out[g.index] = i
                break
    return out


def value(groups: list[Group], assignment: dict[int, int]) -> int:
    return sum(groups[gi].scores[i] for gi, i in assignment.items())


def _shortlist(g: Group, hinted: int | None, size: int) -> list[int]:
    """The group's ``size`` rooms worth most, and the hint's: a room much worse than these
    is rarely needed, and the hint keeps greedy's answer within reach."""
    best = sorted(g.candidates, key=lambda i: -g.scores[i])[:size]
    if hinted is not None and hinted not in best:
        best.append(hinted)
    return best


def solve(
    groups: list[Group],
    rooms: list[Room],
    found: Cliques,
    conflicts: Conflicts,
    parts: list[list[int]],
    *,
    time_limit: float,
    workers: int = 2,
    candidates: int = 40,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Solve each part within a share of ``time_limit`` (by its size); singletons take
    their best room. Each group is offered its ``candidates`` best rooms (and greedy's).
    The objective and bound are summed over the parts."""
    from ortools.sat.python import cp_model  # heavy: loaded when a solve starts

    started = clock.monotonic()
    hint = greedy(groups, rooms, conflicts, by="score")
    fit = greedy(groups, rooms, conflicts, by="fit")
    if value(groups, fit) > value(groups, hint):
        hint = fit
    out = Outcome({}, "optimal", parts=len(parts), greedy_objective=value(groups, hint))
    where: dict[int, int] = {gi: n for n, part in enumerate(parts) for gi in part}
    by_part: dict[int, list[tuple[str, frozenset[int]]]] = defaultdict(list)
    for tz, sets in found.items():
        for c in sets:
            members = [gi for gi in c if gi in where]
            if len(members) > 1:
                by_part[where[members[0]]].append((tz, frozenset(members)))
    shortlist = {
        gi: _shortlist(groups[gi], hint.get(gi), candidates) for part in parts for gi in part
    }
    sizes = [sum(len(shortlist[gi]) for gi in part) for part in parts]
    big = sum(s for p, s in zip(parts, sizes, strict=True) if len(p) > 1) or 1
    for n, part in enumerate(parts):
        if progress is not None:
            progress(n, len(parts))
        if len(part) == 1:
            g = groups[part[0]]
            best = max(g.candidates, key=lambda i: g.scores[i])
            out.assignment[g.index] = best
            out.objective += g.scores[best]
            out.bound += g.scores[best]
            continue
        best_each = sum(max(groups[gi].scores.values()) for gi in part)
        part_hint = {gi: hint[gi] for gi in part if gi in hint}
        if value(groups, part_hint) == best_each:  # every section in its best room already
            out.assignment.update(part_hint)  # (a re-run where nothing changed): optimal
            out.objective += best_each
            out.bound += best_each
            continue
        out.solved_parts += 1
        left = max(0.2, time_limit - (clock.monotonic() - started))
        budget = max(0.2, min(left, time_limit * sizes[n] / big))
        model = cp_model.CpModel()
        x: dict[tuple[int, int], cp_model.IntVar] = {}
        for gi in part:
            row = [x.setdefault((gi, i), model.new_bool_var(f"x{gi}_{i}")) for i in shortlist[gi]]
            model.add_at_most_one(row)
            if gi in hint:
                for i in shortlist[gi]:
                    model.add_hint(x[gi, i], i == hint[gi])
        for tz, clique in by_part[n]:
            per_room: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for gi in clique:
                for i in shortlist[gi]:
                    if rooms[i].timezone == tz:
                        per_room[i].append(x[gi, i])
            for row in per_room.values():
                if len(row) > 1:
                    model.add_at_most_one(row)
        keys = list(x)
        model.maximize(
            cp_model.LinearExpr.weighted_sum(
                [x[k] for k in keys], [groups[k[0]].scores[k[1]] for k in keys]
            )
        )
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = budget
        solver.parameters.num_workers = workers
        status = solver.solve(model)
        hint_value = value(groups, part_hint)
        bound = best_each  # two upper bounds: every section in its best room, the solver's
        known = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if known:
            bound = min(bound, round(solver.best_objective_bound))
        if known and solver.objective_value >= hint_value:
            chosen = {gi: i for (gi, i) in keys if solver.boolean_value(x[gi, i])}
            out.objective += round(solver.objective_value)
            out.bound += max(bound, round(solver.objective_value))
            if status != cp_model.OPTIMAL:
                out.status = "feasible"
        else:  # no better answer in time: keep the hint
            chosen = part_hint
            out.objective += hint_value
            out.bound += max(bound, hint_value)
            out.status = "feasible"
            out.notes.append(f"part {n}: the solver found nothing better than greedy in time")
        out.assignment.update(chosen)
    if progress is not None:
        progress(len(parts), len(parts))
    if out.objective == out.bound:  # proven by the bound even where the search stopped
        out.status = "optimal"
    out.seconds = round(clock.monotonic() - started, 3)
    return out
