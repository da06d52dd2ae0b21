"""Finding rooms: the catalogue filters, the free-room search (one window or a recurring
one), near misses with reasons, the availability of one room, and alternatives to offer
when a booking conflicts.

Answers are cached (``Cache.remember``) under the ``availability`` version stamp, which every
change of bookings, rooms, buildings or closures bumps after it commits: no cached answer
shows a slot free after the booking that took it was confirmed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from compax_server import runtime
from compax_server.db import rooms as rooms_db
from compax_server.db import search as search_db
from compax_server.db import terms as terms_db
from compax_server.domain import bounds, hours
from compax_server.domain.recurrence import holiday_dates
from compax_server.domain.words import listed
from compax_server.errors import InvalidInput, RuleViolation
from compax_server.services import search_explain
from compax_server.services.actors import Actor, Scope, require_scope
from compax_server.services.paging import check_limit, cursor_int, decode_cursor, encode_cursor

STAMP = "availability"
CACHE_TTL = 300.0  # seconds; the version stamp, not the TTL, keeps answers fresh
MAX_OCCURRENCES = 400
MAX_RECURRING_DAYS = 732  # a recurring search covers at most two years (one term)
MAX_INT4 = 2**31 - 1  # room ids and capacities
SORTS = tuple(search_db.SORTS)


async def changed() -> None:
    """Call after a change that can alter availability or the catalogue has committed."""
    await runtime.cache().bump(STAMP)


async def cached(
    actor: Actor, kind: str, params: dict[str, Any], compute: Callable[[], Awaitable[str]]
) -> str:
    """A rendered answer from the shared cache when it may be used, else ``compute()``.

    The caller is authorized first: a cached answer is never handed to someone who could
    not have computed it (an API key without the ``read`` scope, say)."""
    require_scope(actor, Scope.read)
    if not runtime.settings().use_result_cache:
        return await compute()
    return await runtime.cache().remember(cache_key(kind, actor, params), STAMP, CACHE_TTL, compute)


def cache_key(kind: str, actor: Actor, params: dict[str, Any]) -> str:
    """Answers differ by who may see which booking ids: staff see all, members their own."""
    viewer = "staff" if actor.is_staff else f"user{actor.user_id}"
    if actor.managed_rooms and not actor.is_staff:  # managers see their rooms' titles
        viewer += f"m{sorted(actor.managed_rooms)}"
    raw = json.dumps([kind, viewer, params], sort_keys=True, default=str)
    return f"{kind}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


@dataclass
class Criteria:
    min_capacity: int | None = None
    building: str | None = None
    features: list[str] = field(default_factory=list)
    q: str | None = None
    code: str | None = None  # exact room code
    free_from: datetime | None = None
    free_to: datetime | None = None
    repeat: str | None = None  # "daily" | "weekly"
    until: date | None = None
    term_id: int | None = None
    skip_dates: set[date] = field(default_factory=set)
    holidays: list[dict[str, Any]] = field(default_factory=list)  # skipped, within the span
    sort: str = "best_fit"
    explain: bool = False
    limit: int = 50
    cursor: str | None = None
    room_ids: list[int] | None = None  # only these rooms (e.g. the caller's favourites)


@dataclass
class Found:
    rooms: list[dict[str, Any]]
    next_cursor: str | None
    occurrences: int = 0
    unavailable: list[dict[str, Any]] | None = None


# -- windows -----------------------------------------------------------------------------


def occurrences(
    first_start: datetime,
    first_end: datetime,
    tz: Any,
    repeat: str | None,
    until: date | None,
    skip: set[date],
) -> list[tuple[datetime, datetime]]:
    """The windows of a (possibly recurring) search in one zone: the first window's wall
    clock times repeated daily or weekly up to ``until`` (inclusive), minus ``skip``."""
    if repeat is None:
        return [(first_start, first_end)]
    local_start = first_start.astimezone(tz).replace(tzinfo=None)
    local_end = first_end.astimezone(tz).replace(tzinfo=None)
    step = timedelta(days=1 if repeat == "daily" else 7)
    assert until is not None
    out: list[tuple[datetime, datetime]] = []
    day = local_start
    while day.date() <= until:
        if day.date() not in skip:
            end = day + (local_end - local_start)
            out.append((hours.wall_to_utc(day, tz), hours.wall_to_utc(end, tz)))
        if len(out) > MAX_OCCURRENCES:
            raise _too_big(
                "max_search_occurrences",
                MAX_OCCURRENCES,
                f"a recurring search checks at most {MAX_OCCURRENCES} occurrences",
            )
        day += step
    return out


def _too_big(rule: str, limit: int, detail: str) -> RuleViolation:
    return RuleViolation(
        f"until: {detail}; shorten the search",
        errors=[
            {"rule": rule, "limit": limit, "field": "until", "pointer": "/until", "detail": detail}
        ],
    )


def _check_window(c: Criteria) -> None:
    """The search window and its recurrence, checked before anything walks them: instants
    in the accepted range, a window of at most 7 days, a recurrence of at most
    ``MAX_RECURRING_DAYS``."""
    if c.free_from is not None:
        c.free_from = bounds.check_instant(c.free_from, "free_from")
    if c.free_to is not None:
        c.free_to = bounds.check_instant(c.free_to, "free_to")
    if (c.free_from is None) != (c.free_to is None):
        name = "free_to" if c.free_to is None else "free_from"
        raise InvalidInput.field("query", name, "free_from and free_to go together", "missing")
    if c.free_from is not None and c.free_to is not None:
        if c.free_to <= c.free_from:
            raise InvalidInput.field(
                "query", "free_to", "must be after free_from", "invalid_interval"
            )
        if c.free_to - c.free_from > timedelta(days=7):
            raise InvalidInput.field(
                "query", "free_to", "a window is at most 7 days long", "too_long"
            )
    if c.until is not None and c.repeat is None:
        raise InvalidInput.field(
            "query", "until", "ends a recurring search: add repeat=daily or weekly", "missing"
        )
    if c.repeat is not None:
        if c.free_from is None:
            raise InvalidInput.field("query", "repeat", "needs free_from and free_to", "missing")
        if c.until is None:
            raise InvalidInput.field(
                "query", "until", "a recurring search needs until (or term)", "missing"
            )
        assert c.free_from is not None
        if c.until < c.free_from.date() - timedelta(days=1):
            raise InvalidInput.field("query", "until", "is before free_from", "invalid_interval")
        if (c.until - c.free_from.date()).days > MAX_RECURRING_DAYS:
            raise _too_big(
                "max_search_days",
                MAX_RECURRING_DAYS,
                f"a recurring search spans at most {MAX_RECURRING_DAYS} days",
            )
        bounds.check_date(c.until, "until")


def _holidays_within(holidays: list[dict[str, Any]], first: date, last: date) -> set[date]:
    """The holiday dates between ``first`` and ``last``: only the part of each holiday the
    search covers is expanded (a holiday may be long; the search span is bounded)."""
    clipped = []
    for h in holidays:
        start = max(date.fromisoformat(h["start"]), first)
        end = min(date.fromisoformat(h.get("end") or h["start"]), last)
        if start <= end:
            clipped.append({"start": start.isoformat(), "end": end.isoformat()})
    return holiday_dates(clipped)


def windows_of(
    c: Criteria, buildings: list[dict[str, Any]]
) -> tuple[search_db.Windows, search_db.Windows, dict[int, frozenset[datetime]], int]:
    """``(open windows, all windows, the window starts outside opening hours per building,
    occurrences)``: each building's windows in its zone; ``open`` keeps only buildings open
    for all."""
    assert c.free_from is not None and c.free_to is not None
    start, end = hours.utc(c.free_from), hours.utc(c.free_to)
    by_zone: dict[str, list[tuple[datetime, datetime]]] = {}
    # buildings often share zone and hours
    closed_by_hours: dict[tuple[str, str], frozenset[datetime]] = {}
    open_w: dict[int, list[tuple[datetime, datetime]]] = {}
    all_w: dict[int, list[tuple[datetime, datetime]]] = {}
    outside: dict[int, frozenset[datetime]] = {}
    count = 0
    for b in buildings:
        tz = hours.zone(b["timezone"])
        if b["timezone"] not in by_zone:
            by_zone[b["timezone"]] = occurrences(start, end, tz, c.repeat, c.until, c.skip_dates)
        spans = by_zone[b["timezone"]]
        count = max(count, len(spans))
        all_w[b["id"]] = spans
        key = (b["timezone"], json.dumps(b["opening_hours"], sort_keys=True))
        if key not in closed_by_hours:
            closed_by_hours[key] = frozenset(
                s for s, e in spans if not hours.within_opening_hours(b["opening_hours"], tz, s, e)
            )
        closed = closed_by_hours[key]
        if closed:
            outside[b["id"]] = closed
        elif spans:
            open_w[b["id"]] = spans
    return search_db.Windows(open_w), search_db.Windows(all_w), outside, count


# -- the search --------------------------------------------------------------------------


async def all_buildings() -> list[dict[str, Any]]:
    """Every building (id, code, zone, opening hours). Remembered in the process for as long
    as the ``availability`` stamp does not move, when the shared stamp can be trusted."""
    if not runtime.settings().use_result_cache:
        return await search_db.live_buildings()
    version = await runtime.cache().stamp(STAMP)
    if version is None:
        return await search_db.live_buildings()
    memo = runtime.memo("buildings")
    if memo.get("version") != version:
        memo["rows"] = await search_db.live_buildings()
        memo["version"] = version
    rows: list[dict[str, Any]] = memo["rows"]
    return rows


async def _remembered_buildings(fresh: bool = False) -> list[dict[str, Any]]:
    """Every building as this process last read it (``fresh``: read now). The search builds
    its windows from these without a round trip, and its query answers nothing unless they
    are still the live buildings (``find_rooms(seen=...)``): a remembered building can make
    an answer empty, never wrong, and an empty answer looks again (``_buildings_moved``)."""
    memo = runtime.memo("search_buildings")
    if fresh or "rows" not in memo:
        memo["rows"] = await search_db.live_buildings()
    rows: list[dict[str, Any]] = memo["rows"]
    return rows


def _versions_of(buildings: list[dict[str, Any]]) -> dict[int, int]:
    return {b["id"]: b["version"] for b in buildings}


async def _buildings_moved(seen: dict[int, int]) -> bool:
    """Whether the buildings differ from ``seen`` now; they are read again either way."""
    return _versions_of(await _remembered_buildings(fresh=True)) != seen


async def _resolve(
    c: Criteria, buildings: list[dict[str, Any]]
) -> tuple[search_db.RoomFilter, list[dict[str, Any]]] | None:
    """The room filter, and the buildings the search covers; ``None`` when ``c.building``
    names none of ``buildings``."""
    building_id = None
    if c.building:
        ref = c.building
        match = [
            b for b in buildings if (str(b["id"]) == ref if ref.isdigit() else b["code"] == ref)
        ]
        if not match:
            return None
        building_id = match[0]["id"]
        buildings = match
    feature_ids: list[int] = []
    if c.features:
        known = await rooms_db.features_by_code(c.features)
        missing = sorted(set(c.features) - set(known))
        if missing:
            raise InvalidInput.field(
                "query", "features", f"unknown {listed('feature', missing)}", "unknown_feature"
            )
        feature_ids = sorted(known.values())
    room_filter = search_db.RoomFilter(
        min_capacity=c.min_capacity,
        building_id=building_id,
        feature_ids=feature_ids,
        text=c.q,
        code=c.code,
        room_ids=c.room_ids,
    )
    return room_filter, buildings


async def _apply_term(c: Criteria) -> None:
    """A recurring search through a term: until its last day, skipping its holidays."""
    assert c.term_id is not None
    term = await terms_db.end_and_holidays(c.term_id)
    if term is None:
        raise InvalidInput.field("query", "term", f"term {c.term_id} does not exist", "unknown")
    c.until, c.holidays = term
    c.repeat = c.repeat or "weekly"


async def search_rooms(actor: Actor, c: Criteria) -> Found:
    """Rooms matching the filters, in ``c.sort`` order; with a window, only those free for
    it (every occurrence of it, when recurring); with ``explain``, also the near misses."""
    require_scope(actor, Scope.read)
    check_limit(c.limit)
    if c.term_id is not None:
        if c.until is not None:
            raise InvalidInput.field(
                "query", "until", "a term search ends with its term: give term or until"
            )
        await _apply_term(c)
    if c.sort not in SORTS:
        raise InvalidInput.field("query", "sort", f"one of {', '.join(SORTS)}", "enum")
    _check_window(c)
    if c.holidays and c.free_from is not None and c.until is not None:
        c.skip_dates |= _holidays_within(c.holidays, c.free_from.date(), c.until)
    after = None
    if c.cursor:
        after = decode_cursor(c.cursor)
        if not all(k in after for k in (*search_db.SORTS[c.sort], "id")):
            raise InvalidInput.field("query", "cursor", "belongs to another sort order")
        for key in (*search_db.SORTS[c.sort], "id"):
            if key == "code" and not isinstance(after[key], str):
                raise InvalidInput.field("query", "cursor", "is not a cursor this server issued")
            if key != "code":
                cursor_int(after, key, MAX_INT4)
    buildings = await _remembered_buildings()
    found = await _find(actor, c, buildings, after, seen=_versions_of(buildings))
    if found is None:  # the buildings changed since this process read them
        found = await _find(actor, c, await _remembered_buildings(), after, seen=None)
        assert found is not None
    return found


async def _find(
    actor: Actor,
    c: Criteria,
    buildings: list[dict[str, Any]],
    after: dict[str, Any] | None,
    seen: dict[int, int] | None,
) -> Found | None:
    """The search on ``buildings`` as read; with ``seen`` (their versions) it answers
    ``None`` instead of an answer that might rest on a building changed since."""
    resolved = await _resolve(c, buildings)
    if resolved is None:
        if seen is not None and await _buildings_moved(seen):
            return None
        raise InvalidInput.field(
            "query", "building", f"there is no building {c.building}", "unknown"
        )
    room_filter, buildings = resolved
    windows = all_windows = None
    outside: dict[int, frozenset[datetime]] = {}
    count = 0
    if c.free_from is not None:
        windows, all_windows, outside, count = windows_of(c, buildings)
    # Only an answer that rests on the buildings (their hours, zones, codes) is checked.
    guard = seen if windows is not None or c.building else None
    rows = await search_db.find_rooms(
        room_filter, windows, sort=c.sort, limit=c.limit + 1, after=after, seen=guard
    )
    if not rows and guard is not None and await _buildings_moved(guard):
        return None
    next_cursor = None
    if len(rows) > c.limit:
        rows = rows[: c.limit]
        last = rows[-1]
        next_cursor = encode_cursor({k: last[k] for k in (*search_db.SORTS[c.sort], "id")})
    found = Found(rooms=rows, next_cursor=next_cursor, occurrences=count)
    if c.explain and windows is not None and all_windows is not None and not c.cursor:
        misses = await search_db.find_rooms(
            room_filter, windows, sort=c.sort, limit=c.limit, free=False
        )
        found.unavailable = await search_explain.near_misses(
            actor, misses, all_windows, outside, count
        )
    return found
