"""The term room optimizer's facts and decisions, as pure functions: which rooms could take
each section (capacity, features, opening hours, free of existing bookings on every
occurrence), which sections meet at the same time (cliques of a sweep over all occurrences),
how the input splits into independent parts (sections that never meet at once never compete
for a room at once), what a placement is worth (the weighted objective) and, for a section
left without a room, the true reason. ``domain.optimizer_solve`` builds and solves the model.

A *group* is the unit that gets one room: a section, or sections linked to each other
(cross-listed ones, a lecture and its lab). Linked sections with the same meeting pattern
meet together (one booking, headcounts added); other linked sections must not overlap.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from compax_server.domain import hours, recurrence

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Section:
    external_id: str
    title: str
    weekdays: tuple[str, ...]
    start_time: str  # local HH:MM in the room's building
    duration_minutes: int
    headcount: int
    features: frozenset[str] = frozenset()
    preferred_buildings: tuple[str, ...] = ()  # building codes, best first
    room_wish: str | None = None
    last_room: str | None = None  # last term's room (or this source's current one)
    links: tuple[str, ...] = ()  # external ids that must share the room
    start_date: date | None = None  # default: the term's first day
    until: date | None = None  # default: the term's last day

    @property
    def pattern(self) -> tuple[Any, ...]:
        return (self.weekdays, self.start_time, self.duration_minutes, self.start_date, self.until)


@dataclass(frozen=True)
class Room:
    id: int
    code: str
    building_id: int
    building_code: str
    capacity: int
    features: frozenset[str]
    timezone: str
    opening_hours: dict[str, Any] | None


@dataclass(frozen=True)
class Busy:
    """A booking in the way (confirmed or pending), in UTC."""

    start: datetime
    end: datetime
    booking_id: int
    title: str
    status: str


@dataclass(frozen=True)
class Weights:
    """Points of one placed section; placement outweighs every preference put together."""

    placement: int = 1000
    seat_fill: int = 100  # times the fill ratio (headcount / capacity)
    fill_threshold: float = 0.6  # a fill at or above it earns ``threshold_bonus`` more
    threshold_bonus: int = 50
    preferred_building: int = 60  # the first preferred building; each next rank earns less
    room_wish: int = 80
    keep_room: int = 100  # last term's room (stability)


@dataclass
class Meeting:
    """Sections of a group that meet together: one booking series."""

    sections: list[Section]
    occurrences: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)  # tz

    @property
    def lead(self) -> Section:
        return self.sections[0]

    @property
    def headcount(self) -> int:
        return sum(s.headcount for s in self.sections)


@dataclass
class Group:
    index: int
    meetings: list[Meeting]
    candidates: list[int] = field(default_factory=list)  # room indexes, best fit first
    scores: dict[int, int] = field(default_factory=dict)  # room index -> points
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sections(self) -> list[Section]:
        return [s for m in self.meetings for s in m.sections]

    @property
    def headcount(self) -> int:
        return max(m.headcount for m in self.meetings)

    @property
    def features(self) -> frozenset[str]:
        return frozenset().union(*(s.features for s in self.sections))

    def spans(self, tz: str) -> list[tuple[datetime, datetime]]:
        return sorted(o for m in self.meetings for o in m.occurrences.get(tz, []))


@dataclass(frozen=True)
class Term:
    start_date: date
    end_date: date
    holidays: frozenset[date]


def groups_of(sections: list[Section]) -> list[Group]:
    """Union the linked sections; merge those with one pattern into one meeting."""
    parent = {s.external_id: s.external_id for s in sections}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s in sections:
        for other in s.links:
            if other in parent:
                parent[find(other)] = find(s.external_id)
    members: dict[str, list[Section]] = defaultdict(list)
    for s in sections:
        members[find(s.external_id)].append(s)
    groups: list[Group] = []
    for group_sections in members.values():
        by_pattern: dict[tuple[Any, ...], list[Section]] = defaultdict(list)
        for s in group_sections:
            by_pattern[s.pattern].append(s)
        groups.append(Group(len(groups), [Meeting(list(v)) for v in by_pattern.values()]))
    return groups


def _occurrences(s: Section, term: Term, tz: str) -> list[tuple[datetime, datetime]] | str:
    """The section's occurrences in the zone (UTC), or why there are none."""
    try:
        expansion = recurrence.expand(
            {"freq": "weekly", "interval": 1, "weekdays": list(s.weekdays)},
            start_date=max(s.start_date or term.start_date, term.start_date),
            until=min(s.until or term.end_date, term.end_date),
            count=None,
            start_time=recurrence.parse_time(s.start_time),
            duration=timedelta(minutes=s.duration_minutes),
            tz=hours.zone(tz),
            excluded=set(),
            added=set(),
            holidays=set(term.holidays),
        )
    except Exception as exc:
        return str(getattr(exc, "detail", exc))
    return [(o.start, o.end) for o in expansion.occurrences] or "no occurrence in the term"


def expand(groups: list[Group], term: Term, zones: set[str]) -> None:
    """Every meeting's occurrences (UTC) in each zone; a section that cannot be expanded,
    or linked meetings that overlap, make the group invalid."""
    memo: dict[tuple[Any, ...], list[tuple[datetime, datetime]] | str] = {}
    for g in groups:
        for m in g.meetings:
            s = m.lead
            for tz in zones:
                key = (s.pattern, tz)  # sections share few patterns: expand each once
                if key not in memo:
                    memo[key] = _occurrences(s, term, tz)
                found = memo[key]
                if isinstance(found, str):
                    g.errors.append({"external_id": s.external_id, "detail": found})
                    break
                m.occurrences[tz] = found
        if len(g.meetings) > 1 and not g.errors:
            for tz in zones:
                spans = g.spans(tz)
                if any(b[0] < a[1] for a, b in itertools.pairwise(spans)):
                    g.errors.append(
                        {
                            "external_id": g.meetings[1].lead.external_id,
                            "detail": "linked sections overlap without meeting at the same "
                            "time; give them one meeting pattern or unlink them",
                        }
                    )
                    break


def free_of(
    spans: list[tuple[datetime, datetime]],
    busy: list[Busy],
    starts: list[datetime],
    longest: timedelta | None = None,
) -> bool:
    """Whether no booking of ``busy`` (sorted by start; ``starts`` their starts, ``longest``
    the longest of them) overlaps any of the spans."""
    if not busy:
        return True
    if longest is None:
        longest = max(b.end - b.start for b in busy)
    for s, e in spans:
        i = bisect.bisect_left(starts, s - longest)
        while i < len(busy) and busy[i].start < e:
            if busy[i].end > s:
                return False
            i += 1
    return True


def is_open(room: Room, m: Meeting, memo: dict[tuple[Any, ...], bool]) -> bool:
    """Opening hours are per weekday: one answer per building and meeting pattern."""
    s = m.lead
    key = (room.building_id, s.weekdays, s.start_time, s.duration_minutes)
    if key not in memo:
        start = recurrence.parse_time(s.start_time)
        end_minutes = start.hour * 60 + start.minute + s.duration_minutes
        if end_minutes >= 24 * 60:  # past midnight: not a teaching slot
            memo[key] = False
        else:
            end = time(end_minutes // 60, end_minutes % 60)
            monday = date(2024, 1, 1)
            memo[key] = all(
                hours.within_wall_hours(
                    room.opening_hours, monday + timedelta(days=WEEKDAYS.index(d)), start, end
                )
                for d in s.weekdays
            )
    return memo[key]


def score(g: Group, room: Room, w: Weights) -> int:
    """The points of putting the group in the room (placement first, then the preferences)."""
    points = 0
    for s in g.sections:
        points += w.placement + _preference_points(s, g, room, w)
    return points


def _preference_points(s: Section, g: Group, room: Room, w: Weights) -> int:
    fill = g.headcount / room.capacity
    points = round(w.seat_fill * fill) + (w.threshold_bonus if fill >= w.fill_threshold else 0)
    if room.building_code in s.preferred_buildings:
        rank = s.preferred_buildings.index(room.building_code)
        points += (
            w.preferred_building * (len(s.preferred_buildings) - rank) // len(s.preferred_buildings)
        )
    if s.room_wish == room.code:
        points += w.room_wish
    if s.last_room == room.code:
        points += w.keep_room
    return points


def preferences_met(s: Section, g: Group, room: Room, w: Weights) -> dict[str, Any]:
    fill = g.headcount / room.capacity
    out: dict[str, Any] = {
        "seat_fill": round(fill, 3),
        "fill_threshold": fill >= w.fill_threshold,
        "one_room": True,
    }
    if s.preferred_buildings:
        out["preferred_building"] = (
            s.preferred_buildings.index(room.building_code) + 1
            if room.building_code in s.preferred_buildings
            else None
        )
    if s.room_wish:
        out["room_wish"] = s.room_wish == room.code
    if s.last_room:
        out["kept_room"] = s.last_room == room.code
    return out


def find_candidates(
    groups: list[Group], rooms: list[Room], busy: dict[int, list[Busy]], w: Weights
) -> None:
    """Each valid group's rooms: big enough, every feature, open, free on every occurrence.
    Opening hours and bookings depend only on the meeting patterns, and a timetable uses
    few (a grid of blocks): the rooms open and free are found once per set of patterns."""
    order = sorted(range(len(rooms)), key=lambda i: (rooms[i].capacity, rooms[i].code))
    starts = {rid: [b.start for b in rows] for rid, rows in busy.items()}
    longest = {rid: max(b.end - b.start for b in rows) for rid, rows in busy.items() if rows}
    memo: dict[tuple[Any, ...], bool] = {}
    usable: dict[tuple[Any, ...], tuple[list[int], list[int]]] = {}  # rooms and their seats
    for g in groups:
        if g.errors:
            continue
        patterns = tuple(m.lead.pattern for m in g.meetings)
        if patterns not in usable:
            spans: dict[str, list[tuple[datetime, datetime]]] = {}
            ok = []
            for i in order:
                room = rooms[i]
                if not all(is_open(room, m, memo) for m in g.meetings):
                    continue
                rows = busy.get(room.id)
                if rows:
                    if room.timezone not in spans:
                        spans[room.timezone] = g.spans(room.timezone)
                    if not free_of(spans[room.timezone], rows, starts[room.id], longest[room.id]):
                        continue
                ok.append(i)
            usable[patterns] = (ok, [rooms[i].capacity for i in ok])
        ok, caps = usable[patterns]
        features = g.features
        for i in ok[bisect.bisect_left(caps, g.headcount) :]:
            if features <= rooms[i].features:
                g.candidates.append(i)
                g.scores[i] = score(g, rooms[i], w)


def cliques(groups: list[Group], rooms: list[Room]) -> dict[str, list[frozenset[int]]]:
    """Per zone, sets of groups that all meet at one instant (at least two): every pair of
    groups that meet at once is in one of them (the later start lies inside the other)."""
    zones = {rooms[i].timezone for g in groups for i in g.candidates}
    out: dict[str, list[frozenset[int]]] = {}
    for tz in zones:
        events: list[tuple[datetime, datetime, int]] = []
        for g in groups:
            if any(rooms[i].timezone == tz for i in g.candidates):
                events += [(s, e, g.index) for s, e in g.spans(tz)]
        events.sort()
        seen: set[frozenset[int]] = set()
        active: list[tuple[datetime, int]] = []
        k = 0
        while k < len(events):
            t = events[k][0]
            active = [(e, gi) for e, gi in active if e > t]
            while k < len(events) and events[k][0] == t:
                active.append((events[k][1], events[k][2]))
                k += 1
            members = frozenset(gi for _, gi in active)
            if len(members) > 1:
                seen.add(members)
        out[tz] = list(seen)
    return out


def components(groups: list[Group], found: dict[str, list[frozenset[int]]]) -> list[list[int]]:
    """Groups that never meet a group of another part at the same time: independent parts,
    largest first (groups without a candidate are left out)."""
    parent = {g.index: g.index for g in groups if g.candidates}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for sets in found.values():
        for c in sets:
            members = [gi for gi in c if gi in parent]
            for gi in members[1:]:
                parent[find(gi)] = find(members[0])
    parts: dict[int, list[int]] = defaultdict(list)
    for gi in parent:
        parts[find(gi)].append(gi)
    return sorted(parts.values(), key=len, reverse=True)


def conflicts_of(found: dict[str, list[frozenset[int]]]) -> dict[str, dict[int, set[int]]]:
    """Per zone, the groups each group meets at the same time."""
    out: dict[str, dict[int, set[int]]] = {}
    for tz, sets in found.items():
        pairs: dict[int, set[int]] = defaultdict(set)
        for c in sets:
            for gi in c:
                pairs[gi] |= c
        for gi, others in pairs.items():
            others.discard(gi)
        out[tz] = pairs
    return out
