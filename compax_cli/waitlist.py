"""``compax waitlist``: wait for a room that is taken (or for any room that fits), and answer
the offer when it comes free.

The offer holds the room for you for a while (the server's COMPAX_WAITLIST_HOLD_MINUTES);
accept it, or it passes to the next in line."""

from __future__ import annotations

from datetime import tzinfo
from typing import Annotated

import typer

from compax_cli import lookup
from compax_cli.options import Json, Tz, chosen, listed
from compax_cli.output import Column, counted, details, note, print_json, table
from compax_cli.session import State, client, state
from compax_cli.times import after, parse_length, parse_time, show_span, show_time
from compax_sdk import Compax, CompaxError, WaitlistEntry, WaitlistState

app = typer.Typer(
    rich_markup_mode="markdown",
    help="Wait for a taken room, or for any room that fits: when it comes free you get an "
    "offer, held for you for a while. Accept it, or it passes to the next in line.",
)

EntryId = Annotated[int, typer.Argument(help="The waitlist entry's id.")]
STATES: tuple[WaitlistState, ...] = (
    "waiting",
    "offered",
    "accepted",
    "declined",
    "expired",
    "left",
    "closed",
)


def _zone(st: State, e: WaitlistEntry) -> tzinfo:
    """The zone of the room waited for (or of the building asked for): times read as there."""
    if e.room_id is not None:
        return st.display_zone(st.names.zone(e.room_id))
    building = st.names.building(e.building_id) if e.building_id is not None else None
    return st.display_zone(building.timezone if building else None)


def _place(st: State, e: WaitlistEntry) -> str:
    """``M-101``, or the criteria of "any room": ``any, >= 30 seats, projector, in MAIN``."""
    if e.room_id is not None:
        return st.names.room_code(e.room_id)
    parts = ["any"]
    if e.min_capacity:
        parts.append(f">= {counted(e.min_capacity, 'seat')}")
    parts.extend(e.features)
    if e.building_id:
        parts.append(f"in {st.names.building_code(e.building_id)}")
    return ", ".join(parts)


def _learn(st: State, c: Compax, entries: list[WaitlistEntry], people: bool = False) -> None:
    """Look up the rooms, buildings (and people) the entries name while the client is open;
    for an entry for any room anywhere, the campus's zone, in which its times were typed."""
    st.names.learn(
        room_ids=(e.room_id for e in entries if e.room_id is not None),
        building_ids=(e.building_id for e in entries if e.building_id is not None),
        user_ids=(e.user_id for e in entries) if people else (),
    )
    if any(e.room_id is None and e.building_id is None for e in entries):
        st.input_zone(c)


def _columns(st: State, people: bool) -> list[Column[WaitlistEntry]]:
    columns: list[Column[WaitlistEntry]] = [
        ("id", lambda e: e.id),
        ("state", lambda e: e.state),
        ("title", lambda e: e.title),
        ("room", lambda e: _place(st, e)),
        ("when", lambda e: show_span(e.start, e.end, _zone(st, e))),
        (
            "offer until",
            lambda e: (
                show_time(e.offer_expires_at, _zone(st, e))
                if e.offer_expires_at and e.state == "offered"
                else ""
            ),
        ),
    ]
    if people:
        columns.append(("who", lambda e: st.names.person(e.user_id)))
    return columns


def _show(st: State, e: WaitlistEntry, title: str, held_room: str = "") -> None:
    tz = _zone(st, e)
    rows: list[tuple[str, object]] = [
        ("id", e.id),
        ("state", e.state),
        ("title", e.title),
        ("room", _place(st, e)),
        ("when", show_span(e.start, e.end, tz)),
        ("joined", show_time(e.joined_at, tz)),
    ]
    if e.booking_id is not None:
        rows.append(("booking", f"{e.booking_id} in {held_room}" if held_room else e.booking_id))
    if e.offer_expires_at is not None and e.state == "offered":
        rows.append(("offer until", show_time(e.offer_expires_at, tz)))
    if e.reason:
        rows.append(("reason", e.reason))
    details(rows, title=title)


def _held_room(st: State, c: Compax, e: WaitlistEntry) -> str:
    """The room of the booking an entry holds or got (for "any room": which one it is)."""
    if e.booking_id is None:
        return ""
    try:
        return st.names.room_code(c.bookings.get(e.booking_id).room_id)
    except CompaxError:
        return ""


@app.command("join")
def join(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", "-t", help="What the booking is for.")],
    start: Annotated[str, typer.Option("--start", "-s", help="Local time or RFC 3339.")],
    end: Annotated[str | None, typer.Option("--end", "-e", help="End time.")] = None,
    duration: Annotated[
        str | None, typer.Option("--duration", "-d", help="Instead of --end: 90m, 2h.")
    ] = None,
    room: Annotated[
        str | None, typer.Option("--room", "-r", help="Wait for this room (code or id).")
    ] = None,
    capacity: Annotated[
        int | None,
        typer.Option("--capacity", "-c", min=1, help="Any room: at least this many seats."),
    ] = None,
    feature: Annotated[
        list[str] | None,
        typer.Option("--feature", "-f", help="Any room: with this feature (repeat, or a,b)."),
    ] = None,
    building: Annotated[
        str | None, typer.Option("--building", "-b", help="Any room: in this building.")
    ] = None,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """Wait for a room (--room), or for any room that fits (--capacity, --feature,
    --building). When it is free already, the offer comes at once.

    Example: compax waitlist join -c 30 -f projector -t Seminar -s '2027-03-02 10:00' -d 2h
    """
    st = state(ctx, json_, tz)
    if bool(end) == bool(duration):
        raise typer.BadParameter("give --end or --duration", param_hint="--end")
    if room is not None and (capacity or feature or building):
        raise typer.BadParameter(
            "give --room, or the criteria (--capacity, --feature, --building)",
            param_hint="--room",
        )
    with client(st) as c:
        found = lookup.room(c, room) if room is not None else None
        if found:
            st.names.remember(found)
        place = lookup.building(c, building) if building is not None else None
        st.about(found.timezone if found else place.timezone if place else None)
        zone = st.input_zone(c)
        begin = parse_time(start, zone, "--start")
        finish = (
            parse_time(end, zone, "--end")
            if end
            else after(begin, parse_length(duration or "", "--duration"))
        )
        entry = c.waitlist.join(
            title=title,
            start=begin,
            end=finish,
            room_id=found.id if found else None,
            building_id=place.id if place else None,
            min_capacity=capacity,
            features=listed(feature) or None,
        )
        _learn(st, c, [entry])
        held = _held_room(st, c, entry)
    if st.json:
        print_json(entry)
        return
    if entry.state == "offered":
        note(
            f"Free already: {held or 'the room'} is held for you until "
            f"{show_time(entry.offer_expires_at, _zone(st, entry))}. "
            f"Accept: compax waitlist accept {entry.id}"
        )
    else:
        note(f"You are waiting (entry {entry.id}); you will get an offer when it comes free.")
    _show(st, entry, "Waitlist entry", held)


@app.command("list")
def list_(
    ctx: typer.Context,
    state_: Annotated[
        list[str] | None,
        typer.Option("--state", help=f"Only these states (repeat, or a,b): {', '.join(STATES)}."),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Staff: this user's entries (email or id).")
    ] = None,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """Your waitlist entries, oldest first (staff: everyone's).

    Example: compax waitlist list --state waiting --state offered
    """
    st = state(ctx, json_, tz)
    states = chosen(state_, STATES, "--state")
    with client(st) as c:
        user_id = lookup.user_id(c, user) if user else None
        rows = list(c.waitlist.list(state=states or None, user_id=user_id))
        mine = c.me.get().id if rows else None
        people = any(e.user_id != mine for e in rows)  # staff see whose entries they are
        if not st.json:
            _learn(st, c, rows, people)
    if st.json:
        print_json(rows)
    else:
        table(rows, _columns(st, people), empty="No waitlist entries.")


@app.command("show")
def show(ctx: typer.Context, entry_id: EntryId, json_: Json = False, tz: Tz = None) -> None:
    """One waitlist entry: its state, and the offer when there is one.

    Example: compax waitlist show 7
    """
    st = state(ctx, json_, tz)
    held = ""
    with client(st) as c:
        entry = c.waitlist.get(entry_id)
        if not st.json:
            _learn(st, c, [entry])
            held = _held_room(st, c, entry)
    if st.json:
        print_json(entry)
    else:
        _show(st, entry, "Waitlist entry", held)


@app.command("leave")
def leave(ctx: typer.Context, entry_id: EntryId, json_: Json = False) -> None:
    """Stop waiting; an offer you hold passes to the next in line.

    Example: compax waitlist leave 7
    """
    st = state(ctx, json_)
    with client(st) as c:
        entry = c.waitlist.leave(entry_id)
    if st.json:
        print_json(entry)
    else:
        note(f"Left the waitlist (entry {entry.id}).")


@app.command("accept")
def accept(ctx: typer.Context, entry_id: EntryId, json_: Json = False, tz: Tz = None) -> None:
    """Take the offered room: it becomes your booking. An expired offer exits with 4.

    Example: compax waitlist accept 7
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        done = c.waitlist.accept(entry_id)
        code = st.names.room_code(done.booking.room_id)
    if st.json:
        print_json(done)
        return
    b = done.booking
    tz_ = st.display_zone(b.timezone or None)
    note(f"Booked: booking {b.id}, {code}, {show_span(b.start, b.end, tz_)} ({b.status}).")


@app.command("decline")
def decline(ctx: typer.Context, entry_id: EntryId, json_: Json = False) -> None:
    """Decline the offer: the room passes to the next in line.

    Example: compax waitlist decline 7
    """
    st = state(ctx, json_)
    with client(st) as c:
        entry = c.waitlist.decline(entry_id)
    if st.json:
        print_json(entry)
    else:
        note(f"Declined; the room passes on (entry {entry.id}).")
