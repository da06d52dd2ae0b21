"""The realistic family of generated term-optimizer instances (deterministic by seed), for
the tests and benchmarks/optimizer.py: ``realistic_campus`` and ``realistic_term``.

``optimizer_campus.sections`` draws each section *for* a room (a headcount of 55-100 % of
its seats), so best fit nearly always finds a tight room and no placement can be much
better than greedy's. A real term is not like that: class sizes and room sizes come from two
different distributions, departments all want the late morning, the campus is already
partly booked, and the export arrives in catalogue order. ``realistic_term`` draws such a
term; every figure below is a stated assumption, not tuned to the optimizer's advantage.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from typing import Any

from benchmarks.optimizer_campus import DAYS, Campus, RoomSpec

# A European weekly grid of 90-minute blocks (one meeting a week, as the benchmark's 15
# weekly occurrences per section); a lab takes two blocks (195 minutes with the break), a
# tutorial the first 45 minutes of a block.
BLOCKS = ("08:15", "10:00", "11:45", "14:00", "15:45", "17:30")
DOUBLE_STARTS = (0, 1, 3, 4)  # a lab never spans lunch or ends after 19:00
KINDS = (("course", 90, 80), ("tutorial", 45, 10), ("lab", 195, 10))  # name, minutes, %
# How much each block and day is asked for: the late morning and early afternoon from
# Monday to Thursday are wanted most, 08:15, the evening and Friday least (the shape of the
# hour-by-day utilisation charts campuses publish: nearly every room in use 10-14 h
# Tuesday-Thursday, few on Friday afternoon).
BLOCK_WEIGHT = (0.45, 1.6, 1.5, 1.15, 0.75, 0.25)
DAY_WEIGHT = (1.0, 1.15, 1.1, 1.1, 0.45)
# Seats of the rooms (low, high, % of rooms): centrally scheduled classroom inventories
# are mostly 20-60 seat rooms, with a few lecture halls.
ROOM_BANDS = (
    (12, 20, 10),
    (21, 30, 24),
    (31, 45, 24),
    (46, 60, 16),
    (61, 90, 11),
    (91, 150, 8),
    (151, 250, 4.5),
    (251, 450, 2.5),
)
# Expected enrolment of a section (low, high, %): the class-size bands of the Common Data
# Set (I-3), as a typical university reports them: most sections under 30 students, a few
# of 100 and more. A lab or tutorial is a small group (under 40).
SIZE_BANDS = ((2, 9, 10), (10, 19, 30), (20, 29, 27), (30, 39, 13), (40, 49, 7), (50, 99, 9))
LARGE_SHARE = 4  # % of sections with 100-400 students (log-uniform)
DEPARTMENTS = (
    "AR", "BI", "BW", "CE", "CH", "CS", "DE", "EC", "ED", "EE", "EN", "FR",
    "GE", "HI", "LA", "LI", "MA", "ME", "MU", "PH", "PO", "PS", "SO", "TH",
)  # fmt: skip
STANDING_PER_ROOM = 8  # weekly bookings already in the term, per room (see realistic_term)


@dataclass
class Standing:
    """A weekly booking the term already has (a department's course in its own room, a
    standing meeting): 90 minutes in one block, every week of the term."""

    room: str
    day: str
    start_time: str
    minutes: int
    title: str


@dataclass
class RealisticTerm:
    campus: Campus
    sections: list[dict[str, Any]]  # in the registrar's export order
    standing: list[Standing]
    moved: int  # sections the timetabler moved from the asked slot (no room left there)
    slot_load: dict[str, float]  # share of the rooms in use per slot, standing + sections


def realistic_campus(rooms: int, *, seed: int = 5, per_building: int = 25) -> Campus:
    """Rooms with sizes from ``ROOM_BANDS``; the halls above 150 seats stand in the first
    two buildings (a central lecture centre), the rest spread over the campus. Features:
    nearly all have a projector, most a whiteboard and step-free access, one in four of the
    halls a video-conference system, 7 % of the 20-40 seat rooms are computer labs."""
    rnd = random.Random(seed)
    caps = []
    for _ in range(rooms):
        lo, hi, _share = rnd.choices(ROOM_BANDS, [b[2] for b in ROOM_BANDS])[0]
        caps.append(rnd.randint(lo, hi))
    count = max(1, (rooms + per_building - 1) // per_building)
    buildings = [f"B{n:02d}" for n in range(1, count + 1)]
    halls = sorted((c for c in caps if c > 150), reverse=True)
    others = [c for c in caps if c <= 150]
    rnd.shuffle(others)
    placed: dict[str, list[int]] = {b: [] for b in buildings}
    centre = buildings[: min(2, count)]
    for n, c in enumerate(halls):
        placed[centre[n % len(centre)]].append(c)
    slots = [b for b in buildings for _ in range(per_building)]
    free = iter(b for b in slots if b not in centre)
    for c in others:
        b = next(free, None)
        if b is None:  # the lecture centre takes the rest
            b = min(centre, key=lambda x: len(placed[x]))
        placed[b].append(c)
    out = []
    for b in buildings:
        for n, c in enumerate(placed[b]):
            feats = [
                f
                for f, p in (
                    ("projector", 0.92),
                    ("whiteboard", 0.7),
                    ("wheelchair_access", 0.8),
                    ("video_conference", 0.25 if c > 90 else 0.06),
                    ("computers", 0.07 if 20 <= c <= 40 else 0.0),
                )
                if rnd.random() < p
            ]
            out.append(RoomSpec(f"{b}-{n // 10 + 1}{n % 10:02d}", b, c, feats))
    return Campus(buildings, out)


def _headcount(rnd: random.Random, small: bool) -> int:
    if not small and rnd.random() * 100 < LARGE_SHARE:
        return int(100 * 4 ** rnd.random())
    bands = SIZE_BANDS[:4] if small else SIZE_BANDS
    lo, hi, _share = rnd.choices(bands, [b[2] for b in bands])[0]
    return rnd.randint(lo, hi)


class _Slots:
    """Who holds which room at each (day, block): standing bookings and labs hold a room
    outright; courses and tutorials are a matching of each slot's sections to its free
    rooms, kept complete by augmenting paths, so a full placement always exists."""

    def __init__(self, rooms: list[RoomSpec]) -> None:
        self.rooms = sorted(range(len(rooms)), key=lambda i: rooms[i].capacity)
        self.specs = rooms
        self.caps = [rooms[i].capacity for i in self.rooms]
        self.feats = [frozenset(r.features) for r in rooms]
        self.held: dict[tuple[int, int], set[int]] = {}  # slot -> rooms held outright
        self.match: dict[tuple[int, int], dict[int, int]] = {}  # slot -> room -> section
        self.need: dict[int, tuple[int, frozenset[str]]] = {}  # section -> headcount, features

    def _fits(self, slot: tuple[int, int], need: int, feats: frozenset[str]) -> list[int]:
        held = self.held.get(slot, set())
        start = bisect.bisect_left(self.caps, need)
        return [i for i in self.rooms[start:] if i not in held and feats <= self.feats[i]]

    def free_room(self, slots: list[tuple[int, int]], need: int, feats: frozenset[str]) -> int:
        """The smallest room fitting that nobody holds or is matched to in every slot."""
        for i in self._fits(slots[0], need, feats):
            if all(
                i not in self.held.get(s, set()) and i not in self.match.get(s, {}) for s in slots
            ):
                return i
        return -1

    def hold(self, slots: list[tuple[int, int]], room: int) -> None:
        for s in slots:
            self.held.setdefault(s, set()).add(room)

    def add(self, slot: tuple[int, int], section: int, need: int, feats: frozenset[str]) -> bool:
        """Match one more section at the slot (moving others along an augmenting path)."""
        match = self.match.setdefault(slot, {})
        free = len(self.rooms) - len(self.held.get(slot, set()))
        if len(match) >= free:
            return False
        self.need[section] = (need, feats)
        seen: set[int] = set()

        def augment(s: int) -> bool:
            h, f = self.need[s]
            for i in self._fits(slot, h, f):
                if i in seen:
                    continue
                seen.add(i)
                other = match.get(i)
                if other is None or augment(other):
                    match[i] = s
                    return True
            return False

        return augment(section)

    def witness(self) -> dict[int, int]:
        return {s: i for m in self.match.values() for i, s in m.items()}


def realistic_term(
    c: Campus, count: int, *, seed: int = 6, standing_per_room: int = STANDING_PER_ROOM
) -> RealisticTerm:
    """``count`` weekly sections of 24 departments over the campus ``c`` (from
    ``realistic_campus``), with a full placement hidden in ``c.hidden``.

    - The term already holds ``standing_per_room`` weekly bookings per room (the
      departments' courses in rooms they schedule themselves, standing meetings), asked
      for at the same popular times and put in the smallest free room that fits. With
      them a campus of 500 rooms is about half used over the week and nearly full in the
      late morning, as published utilisation studies report; 3,500 one-meeting sections
      alone would fill a tenth of it at 10:00 and leave nothing to optimize.
    - Each section asks for a slot by ``BLOCK_WEIGHT`` x ``DAY_WEIGHT``; when no full
      placement of that slot is left (every fitting room is taken), the timetabler moves it
      to another slot drawn the same way (``moved`` counts them), as a registrar does.
    - Headcounts follow ``SIZE_BANDS``, independent of the rooms; the department's home
      building is the preferred one for most sections, the lecture centre for big ones.
    - The order is the registrar's export: by department, course number, section. Course
      numbers follow the level, and the level the size (intro lectures 1xx are big,
      seminars 4xx small, with noise), so within a department the big ones tend to come
      first: an order that is kinder to a best-fit script than a random one.
    """
    rnd = random.Random(seed)
    slots = _Slots(c.rooms)
    weights = [BLOCK_WEIGHT[b] * DAY_WEIGHT[d] for d in range(len(DAYS)) for b in range(6)]
    all_slots = [(d, b) for d in range(len(DAYS)) for b in range(6)]

    def pick(kind: str, tried: set[tuple[int, int]]) -> tuple[int, int] | None:
        pool = [
            (s, w)
            for s, w in zip(all_slots, weights, strict=True)
            if s not in tried and (kind != "lab" or s[1] in DOUBLE_STARTS)
        ]
        return rnd.choices([s for s, _ in pool], [w for _, w in pool])[0] if pool else None

    standing: list[Standing] = []
    for _ in range(standing_per_room * len(c.rooms)):
        slot = pick("course", set())
        assert slot is not None
        room = slots.free_room([slot], _headcount(rnd, False), frozenset())
        if room >= 0:
            slots.hold([slot], room)
            r = c.rooms[room]
            standing.append(
                Standing(r.code, DAYS[slot[0]], BLOCKS[slot[1]], 90, f"{r.building} course")
            )
    home = {d: c.buildings[2 + n % max(1, len(c.buildings) - 2)] for n, d in enumerate(DEPARTMENTS)}
    if len(c.buildings) < 3:
        home = {d: c.buildings[n % len(c.buildings)] for n, d in enumerate(DEPARTMENTS)}

    def draw(n: int) -> dict[str, Any]:
        kind = rnd.choices(KINDS, [k[2] for k in KINDS])[0]
        need = _headcount(rnd, kind[0] != "course")
        feats = {f for f, p in (("projector", 0.55), ("whiteboard", 0.15)) if rnd.random() < p}
        if (kind[0] == "lab" and rnd.random() < 0.5) or rnd.random() < 0.02:
            feats.add("computers")
        if rnd.random() < 0.04:
            feats.add("wheelchair_access")
        if need > 90 and rnd.random() < 0.1:
            feats.add("video_conference")
        return {"n": n, "kind": kind, "need": need, "features": frozenset(feats)}

    def place(spec: dict[str, Any]) -> tuple[int, int] | None:
        tried: set[tuple[int, int]] = set()
        while (slot := pick(spec["kind"][0], tried)) is not None:
            if spec["kind"][0] == "lab":
                both = [slot, (slot[0], slot[1] + 1)]
                room = slots.free_room(both, spec["need"], spec["features"])
                if room >= 0:
                    slots.hold(both, room)
                    spec["room"] = room
                    spec["moved"] = bool(tried)
                    return slot
            elif slots.add(slot, spec["n"], spec["need"], spec["features"]):
                spec["moved"] = bool(tried)
                return slot
            tried.add(slot)
        return None  # no slot has room for it: the section is not offered this term

    placed: list[tuple[dict[str, Any], tuple[int, int]]] = []
    first = [draw(n) for n in range(count)]
    for spec in sorted(first, key=lambda s: s["kind"][0] != "lab"):  # labs hold rooms first
        if (slot := place(spec)) is not None:
            placed.append((spec, slot))
    n = count
    while len(placed) < count and n < 3 * count:  # another course instead of a dropped one
        spec = draw(n)
        n += 1
        if (slot := place(spec)) is not None:
            placed.append((spec, slot))
    moved = sum(1 for spec, _ in placed if spec["moved"])
    witness = slots.witness()
    out: list[dict[str, Any]] = []
    for spec, (day, block) in placed:
        dept = rnd.choice(DEPARTMENTS)
        need = spec["need"]
        if rnd.random() < 0.3:
            level = rnd.randint(1, 4)
        else:
            level = 1 if need >= 80 else 2 if need >= 35 else 3 if need >= 18 else 4
        if need >= 100:
            prefs = list(c.buildings[:2]) if rnd.random() < 0.6 else []
        else:
            roll = rnd.random()
            near = c.buildings[(c.buildings.index(home[dept]) + 1) % len(c.buildings)]
            prefs = [home[dept]] if roll < 0.7 else [home[dept], near] if roll < 0.85 else []
        room = spec.get("room", witness.get(spec["n"]))
        out.append(
            {
                "external_id": "",
                "title": f"{dept} {level}{rnd.randint(0, 99):02d} {spec['kind'][0]}",
                "weekdays": [DAYS[day]],
                "start_time": BLOCKS[block],
                "duration_minutes": spec["kind"][1],
                "headcount": need,
                "features": sorted(spec["features"]),
                "preferred_buildings": prefs,
                "_room": c.rooms[room].code,
                "_key": (dept, level, rnd.random()),
            }
        )
    out.sort(key=lambda s: s["_key"])
    seen: dict[str, int] = {}
    for s in out:
        course = s["title"].split(" ")
        base = f"{course[0]}{course[1]}"
        seen[base] = seen.get(base, 0) + 1
        s["external_id"] = f"{base}-{seen[base]:02d}"
        c.hidden[s["external_id"]] = s.pop("_room")
        del s["_key"]
    load: dict[str, float] = {}
    for s in all_slots:
        used = len(slots.held.get(s, set())) + len(slots.match.get(s, {}))
        load[f"{DAYS[s[0]]} {BLOCKS[s[1]]}"] = round(used / max(1, len(c.rooms)), 3)
    return RealisticTerm(c, out, standing, moved, load)
