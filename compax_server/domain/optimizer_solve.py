"""Solving the term room problem: a greedy best-fit baseline, a matching of each instant's
groups to rooms, and the CP-SAT model that maximises the weighted objective of
``domain.optimizer`` part by part.

The start: the best of greedy (by points, and best fit) and ``matched``, which decides the
busiest instants first, each exactly by a maximum-weight matching (a min-cost flow). On a
timetable of blocks that is the optimum or close to it; the CP-SAT model then improves
what the bound leaves open. The model (one per independent part): a boolean ``x[g, r]``
for each group and each of its shortlisted rooms; each group takes at most one room; for
every instant at which several groups meet (a clique of the sweep) and every room, at most
one of them has it. The objective is the sum of the placement points (``optimizer.score``).
The start is the solver's hint, so a stopped search is never worse than it.

``relaxed_bound`` bounds any plan from above (each instant's matching), so the reported
gap holds against every plan, not just those of the shortlisted model.
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
    greedy_objective: int = 0  # the greedy best-fit answer's (the baseline)
    start_objective: int = 0  # the best quick answer's, where the solver starts
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


def best_matching(arcs: dict[int, list[tuple[int, int]]]) -> dict[int, int]:
    """A maximum-weight matching (a min-cost flow): ``arcs`` maps each member to its
    ``(room, points)`` choices; each room takes one member, a member may stay unmatched."""
    import numpy as np
    from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

    members = list(arcs)
    tails: list[int] = []
    heads: list[int] = []
    costs: list[int] = []
    room_node: dict[int, int] = {}
    sink = len(members) + 1  # nodes: 0 the source, 1..n the members, the sink, the rooms
    for n, member in enumerate(members, start=1):
        tails += [0, n]  # from the source; straight on to the sink: unmatched
        heads += [n, sink]
        costs += [0, 0]
        for room, points in arcs[member]:
            tails.append(n)
            heads.append(room_node.setdefault(room, sink + 1 + len(room_node)))
            costs.append(-points)
    tails += list(room_node.values())
    heads += [sink] * len(room_node)
    costs += [0] * len(room_node)
    flow = min_cost_flow.SimpleMinCostFlow()
    ids = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.ones(len(tails), dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    flow.set_node_supply(0, len(members))
    flow.set_node_supply(sink, -len(members))
    if flow.solve() != flow.OPTIMAL:  # cannot happen: every member may stay unmatched
        return {}
    room_of = {node: room for room, node in room_node.items()}
    return {
        members[flow.tail(arc) - 1]: room_of[flow.head(arc)]
        for arc, used in zip(ids, flow.flows(ids), strict=True)
        if used and flow.head(arc) in room_of
    }


def matched(
    groups: list[Group], rooms: list[Room], found: Cliques, conflicts: Conflicts
) -> dict[int, int]:
    """A strong start for the solver: the instants at which most groups meet are decided
    first, each by a maximum-weight matching of its undecided groups to the rooms still
    free for them (exact for that instant); a group that spans several instants (a
    double-block lab) is decided at its most contended one and then holds its room at the
    others. Where the timetable is a grid of blocks and nothing spans two, this is the
    optimum. Groups meeting nobody take their best room."""
    chosen: dict[int, int] = {}
    decided: set[int] = set()
    taken: dict[int, list[int]] = defaultdict(list)  # room -> groups placed in it
    instants = sorted(
        ((tz, c) for tz, sets in found.items() for c in sets),
        key=lambda t: (-len(t[1]), min(t[1])),
    )
    for tz, clique in instants:
        members = sorted(gi for gi in clique if gi not in decided and groups[gi].candidates)
        decided.update(members)
        arcs = {}
        for gi in members:
            meets = conflicts.get(tz, {}).get(gi, set())
            arcs[gi] = [
                (i, groups[gi].scores[i])
                for i in groups[gi].candidates
                if rooms[i].timezone == tz and not any(o in meets for o in taken[i])
            ]
        for gi, i in best_matching(arcs).items():
            chosen[gi] = i
            taken[i].append(gi)
    for g in groups:  # meets nobody at the same time
        if g.index not in decided and g.candidates:
            chosen[g.index] = max(g.candidates, key=lambda i: g.scores[i])
    return chosen


def relaxed_bound(groups: list[Group], rooms: list[Room], found: Cliques) -> dict[int, int]:
    """An upper bound of the points of any plan, per group (to be summed over a part). A
    plan puts at most one group in a room at each instant, so the maximum-weight matching
    of each instant's groups bounds what they earn, when a group meeting at k instants
    counts 1/k of its points at each (rounded up); a group that meets nobody in a zone
    earns at most its best room there."""
    out: dict[int, int] = defaultdict(int)
    for tz, sets in found.items():
        times: dict[int, int] = defaultdict(int)
        for c in sets:
            for gi in c:
                times[gi] += 1
        for c in sets:
            arcs = {
                gi: {
                    i: -(-groups[gi].scores[i] // times[gi])
                    for i in groups[gi].candidates
                    if rooms[i].timezone == tz
                }
                for gi in c
            }
            matching = best_matching({gi: list(a.items()) for gi, a in arcs.items()})
            for gi, i in matching.items():
                out[gi] += arcs[gi][i]
        for g in groups:
            here = [g.scores[i] for i in g.candidates if rooms[i].timezone == tz]
            if here and g.index not in times:
                out[g.index] += max(here)
    return out


def value(groups: list[Group], assignment: dict[int, int]) -> int:
    return sum(groups[gi].scores[i] for gi, i in assignment.items())


def _shortlist(g: Group, hinted: int | None, size: int) -> list[int]:
    """The group's ``size`` rooms worth most, and the start's: a room much worse than these
    is rarely needed, and the start's room keeps the starting answer within reach."""
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
    """Start from the best of three quick answers (greedy by points, greedy best fit, the
    instant-by-instant matching), then let CP-SAT improve each part that the bound does not
    already prove optimal, within a share of ``time_limit`` by its size; singletons take
    their best room. Each group is offered its ``candidates`` best rooms (and the start's).
    The bound is a true one, over all candidate rooms: the lower of "every group in its
    best room", the instants' matching bound and, where no room was left out of the model,
    the solver's."""
    from ortools.sat.python import cp_model  # heavy: loaded when a solve starts

    started = clock.monotonic()
    fit = greedy(groups, rooms, conflicts, by="fit")
    starts = (greedy(groups, rooms, conflicts, by="score"), fit)
    hint = max((*starts, matched(groups, rooms, found, conflicts)), key=lambda a: value(groups, a))
    relaxed = relaxed_bound(groups, rooms, found)
    out = Outcome(
        {},
        "optimal",
        parts=len(parts),
        greedy_objective=value(groups, fit),
        start_objective=value(groups, hint),
    )
    where: dict[int, int] = {gi: n for n, part in enumerate(parts) for gi in part}
    by_part: dict[int, list[tuple[str, frozenset[int]]]] = defaultdict(list)
    for tz, sets in found.items():
        for c in sets:
            members = [gi for gi in c if gi in where]
            if len(members) > 1:
                by_part[where[members[0]]].append((tz, frozenset(members)))
    todo: dict[int, tuple[dict[int, int], int]] = {}  # part -> its start, its bound
    for n, part in enumerate(parts):
        part_hint = {gi: hint[gi] for gi in part if gi in hint}
        start = value(groups, part_hint)
        bound = min(
            sum(max(groups[gi].scores.values()) for gi in part),  # each in its best room
            sum(relaxed.get(gi, 0) for gi in part),
        )
        if start >= bound:  # proven optimal (a grid block, a re-run where nothing changed)
            out.assignment.update(part_hint)
            out.objective += start
            out.bound += start
        else:
            todo[n] = (part_hint, bound)
    shortlist = {
        gi: _shortlist(groups[gi], hint.get(gi), candidates) for n in todo for gi in parts[n]
    }
    sizes = {n: sum(len(shortlist[gi]) for gi in parts[n]) for n in todo}
    for done, (n, (part_hint, bound)) in enumerate(todo.items()):
        if progress is not None:
            progress(done, len(todo))
        part = parts[n]
        out.solved_parts += 1
        left = max(0.2, time_limit - (clock.monotonic() - started))
        budget = max(0.2, left * sizes[n] / sum(sizes[m] for m in list(todo)[done:]))
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
        start = value(groups, part_hint)
        known = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if known and all(len(shortlist[gi]) == len(groups[gi].candidates) for gi in part):
            bound = min(bound, round(solver.best_objective_bound))  # the model is complete
        if known and solver.objective_value > start:
            chosen = {gi: i for (gi, i) in keys if solver.boolean_value(x[gi, i])}
            found_value = round(solver.objective_value)
        else:  # nothing better in time: keep the start
            chosen, found_value = part_hint, start
            out.notes.append(f"part {n}: the solver found nothing better than the start in time")
        out.assignment.update(chosen)
        out.objective += found_value
        out.bound += max(bound, found_value)
        if found_value < bound:
            out.status = "feasible"
    if progress is not None:
        progress(len(todo), len(todo))
    out.seconds = round(clock.monotonic() - started, 3)
    return out
