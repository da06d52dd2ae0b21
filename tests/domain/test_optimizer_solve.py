"""The optimizer's search: the instant-by-instant matching, the bound that holds against
every plan, and the realistic generated term (sizes and rooms from different
distributions, a busy late morning, a full placement hidden in it)."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, timedelta
from statistics import mean
from zoneinfo import ZoneInfo

import pytest

from benchmarks.optimizer_campus import DAYS, campus
from benchmarks.optimizer_realistic import BLOCKS, realistic_campus, realistic_term
from compax_server.domain.optimizer import (
    Busy,
    Group,
    Room,
    Term,
    Weights,
    cliques,
    components,
    conflicts_of,
    expand,
    find_candidates,
    groups_of,
)
from compax_server.domain.optimizer_plan import plan, section_of
from compax_server.domain.optimizer_solve import (
    _shortlist,
    best_matching,
    greedy,
    matched,
    relaxed_bound,
    solve,
)
from tests.domain.sections import raw_section

BERLIN = "Europe/Berlin"
TERM = Term(date(2031, 3, 3), date(2031, 4, 13), frozenset({date(2031, 3, 10)}))
FILL_ONLY = Weights(preferred_building=0, threshold_bonus=0)


def rooms_of(c) -> list[Room]:
    return [
        Room(n + 1, r.code, 1, r.building, r.capacity, frozenset(r.features), BERLIN, None)
        for n, r in enumerate(c.rooms)
    ]


def prepared(raw: list[dict], rooms: list[Room], busy=None, weights: Weights = Weights()):
    groups = groups_of([section_of(s) for s in raw])
    expand(groups, TERM, {BERLIN})
    find_candidates(groups, rooms, busy or {}, weights)
    found = cliques(groups, rooms)
    return groups, found, conflicts_of(found), components(groups, found)


@pytest.mark.parametrize("seed", range(20))
def test_best_matching_is_a_maximum_weight_matching(seed):
    rnd = random.Random(seed)
    arcs = {
        m: [(r, rnd.randint(1, 50)) for r in rnd.sample(range(4), rnd.randint(0, 4))]
        for m in range(5)
    }
    got = best_matching(arcs)
    assert len(set(got.values())) == len(got)  # a room takes one member
    weight = {(m, r): p for m, rows in arcs.items() for r, p in rows}
    assert all((m, r) in weight for m, r in got.items())
    best = 0
    for rooms in itertools.product(*[[None, *[r for r, _ in arcs[m]]] for m in arcs]):
        used = [r for r in rooms if r is not None]
        if len(used) == len(set(used)):
            best = max(best, sum(weight[m, r] for m, r in enumerate(rooms) if r is not None))
    assert sum(weight[m, r] for m, r in got.items()) == best


def _random_sections(rnd: random.Random, count: int) -> list[dict]:
    return [
        {
            "external_id": f"S{n}",
            "title": f"S{n}",
            "weekdays": [rnd.choice(("mon", "tue"))],
            "start_time": rnd.choice(("09:00", "09:30", "10:00", "10:15")),
            "duration_minutes": rnd.choice((45, 60, 90)),
            "headcount": rnd.randint(5, 60),
            "preferred_buildings": rnd.choice(([], ["B01"], ["B02", "B01"])),
        }
        for n in range(count)
    ]


@pytest.mark.parametrize("seed", range(6))
def test_the_bound_holds_against_the_optimum(seed):
    """On instances small enough for CP-SAT to prove the optimum of the complete model,
    the matching bound is never below it, and the answer is that optimum."""
    rnd = random.Random(seed)
    rooms = rooms_of(campus(8, seed=seed, per_building=4))
    groups, found, conflicts, parts = prepared(_random_sections(rnd, 24), rooms)
    out = solve(groups, rooms, found, conflicts, parts, time_limit=20, candidates=1000)
    assert out.status == "optimal" and out.gap == 0
    assert sum(relaxed_bound(groups, rooms, found).values()) >= out.objective
    assert out.objective >= out.start_objective >= out.greedy_objective


def test_a_grid_of_blocks_is_solved_exactly_by_the_matching():
    """Sections meeting in 90-minute blocks compete only within their block: the matching
    is optimal there, proven by the bound without a search."""
    rnd = random.Random(4)
    rooms = rooms_of(campus(12, seed=4))
    raw = [
        {
            "external_id": f"G{n}",
            "title": f"G{n}",
            "weekdays": [rnd.choice(("mon", "tue"))],
            "start_time": rnd.choice(BLOCKS[:3]),
            "duration_minutes": 90,
            "headcount": rnd.randint(5, 40),
        }
        for n in range(60)
    ]
    groups, found, conflicts, parts = prepared(raw, rooms, weights=FILL_ONLY)
    start = matched(groups, rooms, found, conflicts)
    out = solve(groups, rooms, found, conflicts, parts, time_limit=10)
    assert out.status == "optimal" and out.solved_parts == 0
    assert out.objective == sum(groups[gi].scores[i] for gi, i in start.items())


def _busy(term, rooms: list[Room], start: date) -> dict[int, list[Busy]]:
    zone = ZoneInfo(BERLIN)
    ids = {r.code: r.id for r in rooms}
    busy: dict[int, list[Busy]] = {}
    for n, s in enumerate(term.standing):
        day = start + timedelta(days=DAYS.index(s.day))
        hour, minute = map(int, s.start_time.split(":"))
        for week in range(6):
            d = day + timedelta(weeks=week)
            at = datetime(d.year, d.month, d.day, hour, minute, tzinfo=zone).astimezone(UTC)
            busy.setdefault(ids[s.room], []).append(
                Busy(at, at + timedelta(minutes=s.minutes), n, s.title, "confirmed")
            )
    return {k: sorted(v, key=lambda b: b.start) for k, v in busy.items()}


def test_the_realistic_term_hides_a_full_placement_and_the_optimizer_finds_one():
    c = realistic_campus(60, seed=3)
    term = realistic_term(c, 400, seed=4)
    assert len(term.sections) == 400 and term.standing
    assert max(term.slot_load.values()) > 0.9  # the late morning is full
    rooms = {r.code: r for r in c.rooms}
    held: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for s in term.standing:
        h, m = map(int, s.start_time.split(":"))
        held.setdefault((s.room, s.day), []).append((h * 60 + m, h * 60 + m + s.minutes))
    for s in term.sections:  # the hidden placement is a real one
        room = rooms[c.hidden[s["external_id"]]]
        assert room.capacity >= s["headcount"] and set(s["features"]) <= set(room.features)
        h, m = map(int, s["start_time"].split(":"))
        held.setdefault((room.code, s["weekdays"][0]), []).append(
            (h * 60 + m, h * 60 + m + s["duration_minutes"])
        )
    for spans in held.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    domain_rooms = rooms_of(c)
    busy = _busy(term, domain_rooms, TERM.start_date)
    result = plan(
        [section_of(s) for s in term.sections],
        domain_rooms,
        busy,
        TERM,
        1,
        FILL_ONLY,
        time_limit=20,
    )
    assert result.summary["placed"] == 400 >= result.baseline["placed"]
    assert result.summary["mean_seat_fill"] > result.baseline["mean_seat_fill"]
    assert result.outcome.objective <= result.outcome.bound
    fills = [i["seat_fill"] for i in result.items]
    assert mean(fills) == pytest.approx(result.summary["mean_seat_fill"], abs=1e-3)


# Two rooms of one building: S seats 16, W seats 20 (index 0 and 1, best fit first).
TWO_ROOMS = [
    Room(1, "S", 1, "A", 16, frozenset(), BERLIN, None),
    Room(2, "W", 1, "A", 20, frozenset(), BERLIN, None),
]


def test_greedy_takes_the_smallest_free_room_or_the_one_worth_most():
    raw = [
        # S: 100 * 10/16 = 62 + 50 (fill 0.6 or more) = 112; W: 50 + 80 (wished) = 130.
        raw_section("P", "mon", "09:00", 60, 10, room_wish="W"),
        # S: 75 + 50 = 125; W: 60 + 50 = 110.
        raw_section("Q", "mon", "09:00", 60, 12),
        raw_section("R", "tue", "09:00", 60, 12),  # meets nobody: S in both
    ]
    groups, _, conflicts, _ = prepared(raw, TWO_ROOMS)
    placed = Weights().placement  # each earns 1000 for being placed, then its preferences
    assert [g.scores for g in groups] == [
        {0: placed + 112, 1: placed + 130},
        {0: placed + 125, 1: placed + 110},
        {0: placed + 125, 1: placed + 110},
    ]
    assert greedy(groups, TWO_ROOMS, conflicts) == {0: 0, 1: 1, 2: 0}
    assert greedy(groups, TWO_ROOMS, conflicts, by="fit") == {0: 0, 1: 1, 2: 0}
    assert greedy(groups, TWO_ROOMS, conflicts, by="score") == {0: 1, 1: 0, 2: 0}
    alone, _, none, _ = prepared([raw[2]], TWO_ROOMS)  # a zone without any conflict
    assert greedy(alone, TWO_ROOMS, none) == {0: 0}
    # A linked pair earns each section's points: 2 x (1000 + 150) in S, 2 x (1000 + 130) in W.
    pair = [
        raw_section("X", "thu", "09:00", 60, 8, links=["Y"]),
        raw_section("Y", "thu", "09:00", 60, 8),
    ]
    assert prepared(pair, TWO_ROOMS)[0][0].scores == {0: 2300, 1: 2260}
    # The 7th of seven preferred buildings earns 60 x 1 // 7 = 8 (S: 1000 + 62 + 50 + 8, W: 1000 + 50 + 8).
    far = raw_section("F", "fri", "09:00", 60, 10, preferred_buildings=[*"BCDEFG", "A"])
    assert prepared([far], TWO_ROOMS)[0][0].scores == {0: 1120, 1: 1058}
    near = raw_section("N", "fri", "11:00", 60, 10, preferred_buildings=["A", *"BCDEFG"])
    assert prepared([near], TWO_ROOMS)[0][0].scores == {0: 1172, 1: 1110}  # the first: 60


def test_the_matching_start_decides_the_busiest_instant_first_and_holds_its_rooms():
    raw = [
        raw_section("LAB", "mon", "09:00", 120, 16),  # S: 150, W: 80 + 50 = 130
        raw_section("A", "mon", "09:00", 60, 15),  # S: 94 + 50 = 144, W: 75 + 50 = 125
        raw_section("B", "mon", "10:00", 60, 15),
        raw_section("C", "mon", "10:00", 60, 15),
        raw_section("D", "wed", "09:00", 60, 15),  # meets nobody: its best room, S
    ]
    groups, found, conflicts, _ = prepared(raw, TWO_ROOMS)
    start = matched(groups, TWO_ROOMS, found, conflicts)
    # 10:00-11:00 has three groups for two rooms: LAB in S and B or C in W earn 275, more
    # than B and C (269) or LAB in W (274). At 09:00 LAB holds S, so A takes W, which
    # B or C use only after A has left.
    assert start[0] == 0 and start[1] == 1 and start[4] == 0
    assert sorted(gi for gi in (2, 3) if gi in start) in ([2], [3])
    assert start[2 if 2 in start else 3] == 1
    assert len(start) == 4


def test_the_relaxed_bound_shares_a_double_block_between_its_instants():
    raw = [
        raw_section("LAB", "mon", "09:00", 120, 16),
        raw_section("A", "mon", "09:00", 60, 15),
        raw_section("B", "mon", "10:00", 60, 15),
        raw_section("C", "mon", "10:00", 60, 15),
        raw_section("D", "wed", "09:00", 60, 15),
    ]
    groups, found, _, _ = prepared(raw, TWO_ROOMS)
    # LAB (S 1150, W 1130) counts half at each of its two instants: 575 or 565. At 09:00
    # LAB in W and A in S earn 565 + 1144, more than 575 + 1125; at 10:00 B and C take both
    # rooms (1144 + 1125). D meets nobody: its best room.
    bound = relaxed_bound(groups, TWO_ROOMS, found)
    assert (bound[0], bound[1], bound[4]) == (565, 1144, 1144)
    assert bound[2] + bound[3] == 1144 + 1125
    assert sum(bound.values()) == 5122


def _clash(a: dict, b: dict) -> bool:
    """Whether two weekly sections of one term meet at once (their own arithmetic)."""
    if a["weekdays"] != b["weekdays"]:
        return False
    start = [int(x["start_time"][:2]) * 60 + int(x["start_time"][3:]) for x in (a, b)]
    return (
        start[0] < start[1] + b["duration_minutes"] and start[1] < start[0] + a["duration_minutes"]
    )


# Seeds where the solver improves on the quick starts (1, 16, 21, 31, 33), solves two
# parts (27), or has nothing to solve (0, 5).
@pytest.mark.parametrize("seed", [0, 1, 5, 16, 21, 27, 31, 33])
def test_solve_finds_the_optimum_a_brute_force_finds(seed):
    """Seven sections and three rooms: every assignment is tried (each section in a room
    that fits or nowhere, no two that meet at once in one room); the solver's answer is
    worth the best of them, its bound is not below it, each part solved is reported once."""
    rnd = random.Random(seed)
    rooms = [
        Room(1, "R1", 1, "B01", 20, frozenset(), BERLIN, None),
        Room(2, "R2", 1, "B01", 35, frozenset(), BERLIN, None),
        Room(3, "R3", 2, "B02", 50, frozenset(), BERLIN, None),
    ]
    raw = [
        {
            "external_id": f"S{n}",
            "title": f"S{n}",
            "weekdays": [rnd.choice(("mon", "mon", "tue"))],
            "start_time": rnd.choice(("08:30", "09:00", "09:30", "10:00", "11:00")),
            "duration_minutes": rnd.choice((30, 60, 90, 150)),
            "headcount": rnd.randint(5, 50),
            "preferred_buildings": rnd.choice(([], ["B02"])),
            "last_room": rnd.choice((None, "R1", "R2")),
        }
        for n in range(7)
    ]
    groups, found, conflicts, parts = prepared(raw, rooms)
    best = 0
    for choice in itertools.product(*[[None, *g.candidates] for g in groups]):
        placed = [(gi, i) for gi, i in enumerate(choice) if i is not None]
        if all(
            i != j or not _clash(raw[gi], raw[gj])
            for (gi, i), (gj, j) in itertools.combinations(placed, 2)
        ):
            best = max(best, sum(groups[gi].scores[i] for gi, i in placed))
    calls: list[tuple[int, int]] = []
    out = solve(
        groups,
        rooms,
        found,
        conflicts,
        parts,
        time_limit=5,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert out.objective == best == sum(groups[gi].scores[i] for gi, i in out.assignment.items())
    for (gi, i), (gj, j) in itertools.combinations(out.assignment.items(), 2):
        assert i != j or not _clash(raw[gi], raw[gj])
    assert out.bound >= best
    assert out.status == ("optimal" if out.bound == best else "feasible")
    assert out.parts == len(parts)
    solved = out.solved_parts
    assert calls == [(n, solved) for n in range(solved)] + [(solved, solved)]
    assert 0 <= out.seconds < 60


def test_a_group_is_offered_its_rooms_worth_most_and_the_starts_room():
    g = Group(0, [], candidates=[0, 1, 2, 3], scores={0: 1010, 1: 1040, 2: 1030, 3: 1020})
    assert _shortlist(g, None, 2) == [1, 2]
    assert _shortlist(g, 0, 2) == [1, 2, 0]  # the start's room, though worth least
    assert _shortlist(g, 2, 2) == [1, 2]
    assert _shortlist(g, None, 40) == [1, 2, 3, 0]
