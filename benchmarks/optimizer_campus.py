"""Generated term-optimizer instances (deterministic by seed), for the tests and
benchmarks/optimizer.py.

``campus`` makes buildings and rooms; ``sections`` makes weekly sections from a hidden
assignment (each section is drawn for a room and a free time of it, with a headcount that
room holds and features it has), so a full placement exists; ``overfull`` adds sections that
cannot all be placed. The second, realistic family (class sizes and room sizes from
different distributions, a busy late morning, a half-booked term) is
``benchmarks/optimizer_realistic.py``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

FEATURES = ("projector", "whiteboard", "wheelchair_access", "computers", "video_conference")
CAPACITIES = (16, 24, 30, 40, 50, 60, 80, 100, 150, 250)
CAPACITY_WEIGHTS = (4, 10, 14, 14, 12, 10, 8, 5, 3, 1)
DAYS = ("mon", "tue", "wed", "thu", "fri")


@dataclass
class RoomSpec:
    code: str
    building: str
    capacity: int
    features: list[str]


@dataclass
class Campus:
    buildings: list[str]
    rooms: list[RoomSpec]
    hidden: dict[str, str] = field(default_factory=dict)  # section -> the room it was drawn for


def campus(rooms: int, *, seed: int = 1, per_building: int = 25) -> Campus:
    rnd = random.Random(seed)
    count = max(1, (rooms + per_building - 1) // per_building)
    buildings = [f"B{n:02d}" for n in range(1, count + 1)]
    out = []
    for n in range(rooms):
        b = buildings[n // per_building]
        cap = rnd.choices(CAPACITIES, CAPACITY_WEIGHTS)[0]
        feats = [
            f
            for f, p in zip(FEATURES, (0.85, 0.7, 0.75, 0.12, 0.2), strict=True)
            if rnd.random() < p
        ]
        out.append(RoomSpec(f"{b}-{100 + n % per_building}", b, cap, feats))
    return Campus(buildings, out)


def sections(c: Campus, count: int, *, seed: int = 2) -> list[dict[str, Any]]:
    """``count`` weekly sections (one meeting a week) that all fit: each is drawn for a room
    and a free hour of that room's week."""
    rnd = random.Random(seed)
    free: dict[str, list[tuple[str, int]]] = {
        r.code: [(d, h) for d in DAYS for h in range(8, 18, 2)] for r in c.rooms
    }
    out: list[dict[str, Any]] = []
    rooms = list(c.rooms)
    while len(out) < count:
        r = rnd.choice(rooms)
        if not free[r.code]:
            rooms.remove(r)
            continue
        day, hour = free[r.code].pop(rnd.randrange(len(free[r.code])))
        n = len(out) + 1
        low = max(1, int(r.capacity * 0.55))
        others = [b for b in c.buildings if b != r.building]
        prefs = [r.building] if rnd.random() < 0.7 else []
        prefs += rnd.sample(others, min(2, len(others))) if rnd.random() < 0.5 else []
        rnd.shuffle(prefs) if rnd.random() < 0.2 else None
        sid = f"S{n:05d}"
        c.hidden[sid] = r.code
        out.append(
            {
                "external_id": sid,
                "title": f"Course {n}",
                "weekdays": [day],
                "start_time": f"{hour:02d}:{rnd.choice(('00', '00', '15'))}",
                "duration_minutes": rnd.choice((50, 75, 100)),
                "headcount": rnd.randint(low, r.capacity),
                "features": [f for f in r.features if rnd.random() < 0.4],
                "preferred_buildings": prefs,
            }
        )
    return out


def overfull(c: Campus, extra: int, *, seed: int = 3) -> list[dict[str, Any]]:
    """Sections that cannot all be placed: too big for any room, a feature no room has, or
    all at one busy hour."""
    rnd = random.Random(seed)
    biggest = max(r.capacity for r in c.rooms)
    out: list[dict[str, Any]] = [
        {
            "external_id": "X-huge",
            "title": "Huge",
            "weekdays": ["mon"],
            "start_time": "10:00",
            "duration_minutes": 50,
            "headcount": biggest + 1,
        },
        {
            "external_id": "X-feature",
            "title": "Needs a pool",
            "weekdays": ["mon"],
            "start_time": "10:00",
            "duration_minutes": 50,
            "headcount": 5,
            "features": ["pool"],
        },
        {
            "external_id": "X-night",
            "title": "Night",
            "weekdays": ["tue"],
            "start_time": "23:00",
            "duration_minutes": 50,
            "headcount": 5,
        },
    ]
    for n in range(extra):
        out.append(
            {
                "external_id": f"X{n:04d}",
                "title": f"Rush {n}",
                "weekdays": ["wed"],
                "start_time": "09:00",
                "duration_minutes": 60,
                "headcount": rnd.randint(10, 40),
            }
        )
    return out
