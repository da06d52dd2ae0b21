"""The optimizer's decision alone (no database): full placement where the generator hid
one, never worse than greedy, exact parts, linked sections, the reasons of the unplaced."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from benchmarks.optimizer_campus import campus, overfull, sections
from compax_server.domain.optimizer import (
    Busy,
    Room,
    Term,
    Weights,
    cliques,
    components,
    expand,
    find_candidates,
    groups_of,
)
from compax_server.domain.optimizer_plan import plan, section_of
from tests.domain.sections import section_at

TERM = Term(date(2031, 3, 3), date(2031, 4, 13), frozenset({date(2031, 3, 10)}))
BERLIN = "Europe/Berlin"


def rooms_of(c) -> list[Room]:
    return [
        Room(n + 1, r.code, 1, r.building, r.capacity, frozenset(r.features), BERLIN, None)
        for n, r in enumerate(c.rooms)
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_hidden_full_assignment_is_found_and_beats_greedy(seed):
    c = campus(40, seed=seed)
    raw = sections(c, 600, seed=seed + 10)
    result = plan([section_of(s) for s in raw], rooms_of(c), {}, TERM, 1, Weights(), time_limit=20)
    assert result.summary["placed"] == 600
    assert result.outcome.objective >= result.outcome.greedy_objective
    assert 0 <= result.outcome.gap < 0.01
    by_room: dict[str, list[tuple[str, str, int]]] = {}
    for raw_s, item in zip(raw, result.items, strict=True):
        assert item["external_id"] == raw_s["external_id"]
        room = next(r for r in c.rooms if r.code == item["room"])
        assert room.capacity >= raw_s["headcount"]
        assert set(raw_s["features"]) <= set(room.features)
        by_room.setdefault(room.code, []).append(
            (raw_s["weekdays"][0], raw_s["start_time"], raw_s["duration_minutes"])
        )
    for meetings in by_room.values():  # no two sections of a room meet at once
        spans = sorted(
            (d, int(t[:2]) * 60 + int(t[3:]), int(t[:2]) * 60 + int(t[3:]) + m)
            for d, t, m in meetings
        )
        for a, b in itertools.pairwise(spans):
            assert a[0] != b[0] or a[2] <= b[1]


def test_holidays_are_left_out_and_parts_are_independent():
    c = campus(3, seed=1)
    groups = groups_of(
        [
            section_at("A"),
            section_at("B", start="09:30"),
            section_at("C", start="11:00"),
            section_at("D", day="tue"),
        ]
    )
    expand(groups, TERM, {BERLIN})
    assert len(groups[0].meetings[0].occurrences[BERLIN]) == 5  # 6 Mondays, one a holiday
    rooms = rooms_of(c)
    find_candidates(groups, rooms, {}, Weights())
    parts = components(groups, cliques(groups, rooms))
    assert sorted(sorted(p) for p in parts) == [[0, 1], [2], [3]]


def test_linked_sections_share_a_room_and_overlapping_links_are_invalid():
    c = campus(10, seed=2)
    together = [section_at("X", headcount=10, links=("Y",)), section_at("Y", headcount=12)]
    result = plan(together, rooms_of(c), {}, TERM, 1, Weights(), time_limit=5)
    x, y = result.items
    assert x["room"] == y["room"] and y["booked_with"] == "X"
    assert len(result.imports) == 1 and result.imports[0]["title"] == "X title / Y title"
    clash = [section_at("P", links=("Q",)), section_at("Q", start="09:30", minutes=30)]
    result = plan(clash, rooms_of(c), {}, TERM, 1, Weights(), time_limit=5)
    assert {i["reason"]["code"] for i in result.items} == {"invalid"}


def test_reasons_name_what_is_in_the_way():
    c = campus(4, seed=3)
    rooms = rooms_of(c)
    start = datetime(2031, 3, 4, 8, 0, tzinfo=UTC)  # Tuesday 09:00 Berlin
    busy = {
        r.id: [Busy(start, start.replace(hour=9), 100 + r.id, "Senate", "confirmed")] for r in rooms
    }
    items = [section_of(s) for s in overfull(c, 10)]
    items.append(section_at("T", day="tue", start="09:00", headcount=1))
    result = plan(items, rooms, busy, TERM, 1, Weights(), time_limit=5)
    out = {i["external_id"]: i for i in result.items}
    assert out["X-huge"]["reason"]["code"] == "no_room_fits"
    assert out["X-feature"]["reason"]["code"] == "no_room_fits"
    assert out["X-feature"]["reason"]["largest_with_features"] is None
    taken = out["T"]["reason"]
    assert taken["code"] == "rooms_taken"
    assert {b["id"] for r in taken["rooms"] for b in r["bookings"]} == {100 + r.id for r in rooms}
    assert taken["detail"] == f"all {len(rooms)} fitting rooms are taken at some meeting time"
    alone = plan(
        [section_at("T", day="tue", start="09:00", headcount=1)],
        rooms[:1],
        busy,
        TERM,
        1,
        Weights(),
        time_limit=5,
    )
    [lone] = alone.items
    assert lone["reason"]["detail"] == "the one fitting room is taken at some meeting time"
    rush = [i for k, i in out.items() if k[1:].isdigit()]
    placed = [i for i in rush if i["action"] == "placed"]
    assert len(placed) == len({i["room"] for i in placed}) <= len(rooms)
    for i in rush:
        if i["action"] == "unplaced":
            assert all(r.get("sections") for r in i["reason"]["rooms"])
