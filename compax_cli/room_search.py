"""Finding rooms: ``compax rooms search`` (free rooms, with the reasons the others are
not), ``rooms list`` (the catalogue) and ``rooms availability`` (one room's busy and free
times). ``compax_cli.rooms`` registers them; the options and the room table are shared."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import typer

from compax_cli import lookup
from compax_cli.options import Json, Limit, Tz, listed
from compax_cli.output import Column, first, more_exist, note, print_json, table
from compax_cli.session import State, client, state
from compax_cli.times import after, days_later, parse_date, parse_length, parse_time, show_span
from compax_sdk import Availability, Compax, Room, UnavailableReason, UnavailableRoom

Capacity = Annotated[int | None, typer.Option("--capacity", "-c", min=1, help="Seats needed.")]
BuildingRef = Annotated[str | None, typer.Option("--building", "-b", help="Building code or id.")]
Features = Annotated[
    list[str] | None,
    typer.Option("--feature", "-f", help="A feature the room must have (repeat, or a,b)."),
]
Text = Annotated[str | None, typer.Option("--text", "-q", help="Part of the room code or name.")]
Sort = Annotated[
    Literal["best_fit", "capacity", "code"],
    typer.Option(help="best_fit: the smallest room that fits first."),
]
Favourites = Annotated[
    bool, typer.Option("--favourites", help="Only the rooms you starred (compax rooms favourite).")
]

ROOM_COLUMNS: list[Column[Room]] = [
    ("code", lambda r: r.code),
    ("building", lambda r: r.building_code, 3),
    ("floor", lambda r: r.floor, 4),
    ("seats", lambda r: r.capacity),
    ("name", lambda r: r.name, 2),
    ("features", lambda r: r.features),
    ("notes", lambda r: room_notes(r), 1),
]
"""At 80 columns the floor, then the building, then the name are left out as needed."""
ROOM_WRAP = {"name": 12, "features": 18, "notes": 8}


def room_notes(room: Room) -> str:
    notes = ["needs approval"] if room.requires_approval else []
    return ", ".join(notes + ([] if room.bookable else ["not bookable"]))


def reason_text(reason: UnavailableReason, st: State, zone_name: str) -> str:
    tz = st.display_zone(zone_name)
    when = show_span(reason.start, reason.end, tz) if reason.start and reason.end else None
    if reason.type == "booking":
        what = f"booking {reason.booking_id}" if reason.booking_id else "a booking"
        title = repr(reason.title) if reason.title else None
        status = f"({reason.status})" if reason.status else None
        return " ".join(part for part in (what, title, when, status) if part)
    if reason.type == "closure":
        why = f"closed ({reason.detail})" if reason.detail else "closed"
        return f"{why} {when}" if when else why
    return reason.detail or reason.type.replace("_", " ")


def reasons_text(room: UnavailableRoom, st: State) -> str:
    texts = [reason_text(r, st, room.timezone) for r in room.reasons]
    more = f"; and {len(texts) - 3} more" if len(texts) > 3 else ""
    return "; ".join(texts[:3]) + more


def _search(
    st: State,
    c: Compax,
    *,
    capacity: int | None,
    building: str | None,
    feature: list[str] | None,
    text: str | None,
    from_: str | None = None,
    to: str | None = None,
    duration: str | None = None,
    repeat: Literal["daily", "weekly"] | None = None,
    until: str | None = None,
    term: str | None = None,
    explain: bool = False,
    sort: Literal["best_fit", "capacity", "code"] = "best_fit",
    limit: int = 50,
    favourites: bool = False,
) -> None:
    zone_name = lookup.building(c, building).timezone if building else None
    start = end = None
    if from_:
        tz = st.input_zone(c, zone_name)
        start = parse_time(from_, tz, "--from")
        if to:
            end = parse_time(to, tz, "--to")
        elif duration:
            end = after(start, parse_length(duration, "--duration"))
        else:
            raise typer.BadParameter("give --to or --duration with --from", param_hint="--to")
    elif to or duration or repeat or until or term:
        raise typer.BadParameter("a free-room search starts with --from", param_hint="--from")
    if until and term:
        raise typer.BadParameter(
            "a term search ends with its term: give --term or --until", param_hint="--until"
        )
    term_id = lookup.term(c, term).id if term else None
    last_day = parse_date(until, "--until") if until else None
    if (last_day or term_id) and repeat is None:
        repeat = "weekly"
    page = c.rooms.list(
        min_capacity=capacity,
        building=building,
        features=listed(feature) or None,
        q=text,
        free_from=start,
        free_to=end,
        repeat=repeat,
        until=last_day,
        term=term_id,
        explain=explain or None,
        sort=sort,
        limit=min(limit, 200),
        favourites="only" if favourites else None,
    )
    rooms, more = first(page, limit)
    if st.json:
        print_json(
            {"data": rooms, "occurrences": page.occurrences, "unavailable": page.unavailable}
        )
        return
    title = None
    if start and end:
        tz = st.display_zone(zone_name)
        title = f"Free {show_span(start, end, tz)}"
        if repeat:
            title += f", {repeat} ({page.occurrences} times)"
    table(rooms, ROOM_COLUMNS, title=title, empty="No room matches.", wrap=ROOM_WRAP)
    more_exist(len(rooms), more, "room")
    if page.unavailable:
        table(
            page.unavailable,
            [
                ("code", lambda r: r.code),
                ("seats", lambda r: r.capacity, 2),
                ("blocked", lambda r: f"{r.blocked_occurrences}/{r.occurrences}", 1),
                ("why", lambda r: reasons_text(r, st)),
            ],
            title="Matching, but not free",
            wrap=("why",),
        )
    elif explain and start:
        note("Every matching room is free.", "dim")


def search(
    ctx: typer.Context,
    capacity: Capacity = None,
    building: BuildingRef = None,
    feature: Features = None,
    text: Text = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="Free from: '2027-03-02 10:00' or RFC 3339.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Free until.")] = None,
    duration: Annotated[
        str | None, typer.Option("--duration", "-d", help="Instead of --to: 90m, 2h (elapsed).")
    ] = None,
    repeat: Annotated[
        Literal["daily", "weekly"] | None,
        typer.Option(help="Free at this time every day or week (needs --until or --term)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Last day of a repeated search (YYYY-MM-DD).")
    ] = None,
    term: Annotated[
        str | None, typer.Option(help="Repeat through this term (name or id), skipping holidays.")
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Also list the rooms that match but are not free.")
    ] = False,
    sort: Sort = "best_fit",
    limit: Limit = 50,
    favourites: Favourites = False,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """Find rooms that fit and are free for the whole window.

    Times without an offset are local to the building (or --tz).

    Example: compax rooms search -c 30 -f projector --from '2027-03-02 10:00' --duration 2h
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        _search(
            st,
            c,
            capacity=capacity,
            building=building,
            feature=feature,
            text=text,
            from_=from_,
            to=to,
            duration=duration,
            repeat=repeat,
            until=until,
            term=term,
            explain=explain,
            sort=sort,
            limit=limit,
            favourites=favourites,
        )


def list_(
    ctx: typer.Context,
    capacity: Capacity = None,
    building: BuildingRef = None,
    feature: Features = None,
    text: Text = None,
    sort: Annotated[
        Literal["best_fit", "capacity", "code"], typer.Option(help="Order of the rooms.")
    ] = "code",
    limit: Limit = 500,
    json_: Json = False,
) -> None:
    """List the room catalogue, with filters.

    Example: compax rooms list --building MAIN --feature projector
    """
    st = state(ctx, json_)
    with client(st) as c:
        page = c.rooms.list(
            min_capacity=capacity,
            building=building,
            features=listed(feature) or None,
            q=text,
            sort=sort,
            limit=min(limit, 200),
        )
        rooms, more = first(page, limit)
    if st.json:
        print_json(rooms)
    else:
        table(rooms, ROOM_COLUMNS, empty="No room matches.", wrap=ROOM_WRAP)
        more_exist(len(rooms), more, "room")


def availability_rows(found: Availability) -> list[tuple[datetime, datetime, str, str]]:
    rows = [(f.start, f.end, "free", "") for f in found.free]
    for b in found.busy:
        if b.kind == "booking":
            what = f"booking {b.booking_id}" if b.booking_id else "a booking"
            what += f" {b.title!r}" if b.title else ""
            rows.append((b.start, b.end, b.status or "busy", what))
        else:
            rows.append((b.start, b.end, "closed", b.reason or ""))
    return sorted(rows)  # by start, then end


def availability(
    ctx: typer.Context,
    room: Annotated[str, typer.Argument(help="Room code or id.")],
    from_: Annotated[
        str, typer.Option("--from", help="From (local time, RFC 3339, today, now).")
    ] = "today",
    to: Annotated[str | None, typer.Option("--to", help="Until (default: one day later).")] = None,
    days: Annotated[int | None, typer.Option(min=1, max=62, help="Instead of --to.")] = None,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """When is a room free? Busy and free times, in the building's zone.

    Example: compax rooms availability B1-204 --from '2027-03-02 08:00' --days 5
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        found_room = lookup.room(c, room)
        zone = st.input_zone(c, found_room.timezone)
        start = parse_time(from_, zone, "--from")
        end = parse_time(to, zone, "--to") if to else days_later(start, days or 1, "--from")
        found = c.rooms.availability(found_room.id, start=start, end=end)
    if st.json:
        print_json(found)
        return
    shown = st.display_zone(found.timezone or found_room.timezone)
    table(
        availability_rows(found),
        [
            ("when", lambda r: show_span(r[0], r[1], shown)),
            ("state", lambda r: r[2]),
            ("what", lambda r: r[3]),
        ],
        wrap={"when": 15, "what": 12},
        title=f"{found_room.code}, {show_span(start, end, shown)} ({shown})",
        empty="Closed all that time.",
    )
