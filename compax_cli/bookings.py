"""``compax bookings``: book, list, move, rename, cancel; approve and reject requests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from compax_cli import csvout, lookup
from compax_cli.booking_views import (
    BookingId,
    RoomRef,
    booking_table,
    learn_people,
    room_code,
    rooms_by_id,
    show_booking,
    statuses,
    when,
    with_room,
)
from compax_cli.options import Json, Limit, Override, Tz
from compax_cli.output import first, more_exist, note, print_json, table
from compax_cli.session import client, require_a_change, state
from compax_cli.times import after, parse_length, parse_time
from compax_sdk import NOT_GIVEN, Booking

app = typer.Typer(
    rich_markup_mode="markdown",
    help="Bookings: book a room, change or cancel bookings, decide on requests.",
)


@app.command("create")
def create(
    ctx: typer.Context,
    room: RoomRef,
    title: Annotated[str, typer.Option("--title", "-t", help="What it is for.")],
    start: Annotated[str, typer.Option("--start", "-s", help="Local time or RFC 3339.")],
    end: Annotated[str | None, typer.Option("--end", "-e", help="End time.")] = None,
    duration: Annotated[
        str | None, typer.Option("--duration", "-d", help="Instead of --end: 90m, 2h (elapsed).")
    ] = None,
    owner: Annotated[
        str | None, typer.Option(help="Staff: book for this user (email or id).")
    ] = None,
    description: Annotated[str | None, typer.Option(help="Free text.")] = None,
    override: Override = False,
    attendees: Annotated[
        int | None, typer.Option(min=1, help="People expected (more than the seats: refused).")
    ] = None,
    idempotency_key: Annotated[
        str | None, typer.Option(help="The same key again returns the same booking.")
    ] = None,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """Book a room. A taken room exits with 4 and names the booking in the way and rooms
    that are free instead.

    Example: compax bookings create -r B1-204 -t 'Linear algebra' -s '2027-03-02 10:00' -d 90m
    """
    st = state(ctx, json_, tz)
    if bool(end) == bool(duration):
        raise typer.BadParameter("give --end or --duration", param_hint="--end")
    with client(st) as c:
        found = lookup.room(c, room)
        st.about(found.timezone)
        zone = st.input_zone(c)
        begin = parse_time(start, zone, "--start")
        finish = (
            parse_time(end, zone, "--end")
            if end
            else after(begin, parse_length(duration or "", "--duration"))
        )
        booking = c.bookings.create(
            room_id=found.id,
            title=title,
            start=begin,
            end=finish,
            description=description,
            owner_id=lookup.user_id(c, owner) if owner else None,
            override=override or None,
            attendees=attendees,
            idempotency_key=idempotency_key,
        )
        learn_people(st, booking)
    waits = f" (waiting for approval; whom to ask: compax rooms show {found.code})"
    waits = waits if booking.status == "pending" else ""
    note(f"Booked {found.code} {when(st, booking, found)}: booking {booking.id}{waits}.")
    show_booking(st, booking, found)


CSV_FIELDS = (
    *("id", "room_id", "local_start", "local_end", "timezone", "start", "end", "status"),
    *("title", "owner_id", "attendees", "series_id", "source", "external_id", "reason"),
    "created_at",
)


@app.command("list")
def list_(
    ctx: typer.Context,
    room: Annotated[str | None, typer.Option("--room", "-r", help="Room code or id.")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner's email or id.")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Ending after this.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Starting before this.")] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(help="pending, confirmed, rejected or cancelled (repeat, or a,b)."),
    ] = None,
    series: Annotated[int | None, typer.Option(help="Only this series' occurrences.")] = None,
    building: Annotated[
        str | None, typer.Option("--building", "-b", help="Building code or id: its rooms.")
    ] = None,
    limit: Limit = 200,
    json_: Json = False,
    csv_: Annotated[bool, typer.Option("--csv", help="CSV on stdout (for spreadsheets).")] = False,
    tz: Tz = None,
) -> None:
    """List bookings in start order, with filters.

    Example: compax bookings list --building B1 --from today --to '2027-03-09' --csv
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        found_room = lookup.room(c, room) if room else None
        found_building = lookup.building(c, building) if building else None
        zone = st.input_zone(
            c, found_room.timezone if found_room else getattr(found_building, "timezone", None)
        )
        page = c.bookings.list(
            room_id=found_room.id if found_room else None,
            building_id=found_building.id if found_building else None,
            owner_id=lookup.user_id(c, owner) if owner else None,
            from_=parse_time(from_, zone, "--from") if from_ else None,
            to=parse_time(to, zone, "--to") if to else None,
            status=statuses(status),
            series_id=series,
            limit=min(limit, 200),
        )
        bookings, more = first(page, limit)
        rooms = rooms_by_id(st, (b.room_id for b in bookings)) if not st.json else {}
        if not st.json:
            st.names.learn(user_ids=(b.owner_id for b in bookings))
    if st.json:
        print_json(bookings)
    elif csv_:
        csvout.write(bookings, CSV_FIELDS)
    else:
        booking_table(st, bookings, rooms, empty="No bookings match.")
        more_exist(len(bookings), more, "booking")


@app.command("show")
def show(ctx: typer.Context, booking_id: BookingId, json_: Json = False, tz: Tz = None) -> None:
    """Show one booking.

    Example: compax bookings show 42
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        booking = c.bookings.get(booking_id)
        show_booking(st, booking, with_room(st, booking))


@app.command("move")
def move(
    ctx: typer.Context,
    booking_id: BookingId,
    start: Annotated[str | None, typer.Option("--start", "-s", help="New start.")] = None,
    end: Annotated[str | None, typer.Option("--end", "-e", help="New end.")] = None,
    duration: Annotated[
        str | None,
        typer.Option("--duration", "-d", help="New length, elapsed (default: as it was)."),
    ] = None,
    room: Annotated[str | None, typer.Option("--room", "-r", help="New room.")] = None,
    override: Override = False,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """Move a booking to another time and/or room, checked like a new booking.

    Example: compax bookings move 42 --start '2027-03-03 14:00' --room B1-105
    """
    st = state(ctx, json_, tz)
    require_a_change(ctx, says_how=frozenset({"override"}))
    if end and duration:
        raise typer.BadParameter("give --end or --duration, not both", param_hint="--end")
    with client(st) as c:
        booking = c.bookings.get(booking_id)
        target = lookup.room(c, room) if room else with_room(st, booking)
        st.about(target.timezone if target else None)
        zone = st.input_zone(c)
        begin = parse_time(start, zone, "--start") if start else booking.start
        if end:
            finish = parse_time(end, zone, "--end")
        elif duration:
            finish = after(begin, parse_length(duration, "--duration"))
        else:
            finish = after(begin, booking.end - booking.start, "--start")
        timed = bool(start or end or duration)
        moved = c.bookings.update(
            booking,
            room_id=target.id if room and target else NOT_GIVEN,
            start=begin if timed else NOT_GIVEN,
            end=finish if timed else NOT_GIVEN,
            override=True if override else NOT_GIVEN,
        )
        learn_people(st, moved)
    changed = {
        ("confirmed", "pending"): " It waits for approval there.",
        ("pending", "confirmed"): " It is confirmed: the room needs no approval.",
    }.get((booking.status, moved.status), "")
    place = f"{room_code(target, moved)} {when(st, moved, target)}"
    if moved.version == booking.version:  # the room and times it had: nothing was written
        note(f"Nothing changed: booking {moved.id} is already in {place}.")
    else:
        note(f"Moved booking {moved.id} to {place}.{changed}")
    show_booking(st, moved, target)


@app.command("rename")
def rename(
    ctx: typer.Context,
    booking_id: BookingId,
    title: Annotated[str, typer.Argument(help="The new title.")],
    json_: Json = False,
) -> None:
    """Give a booking a new title.

    Example: compax bookings rename 42 'Linear algebra (exam)'
    """
    st = state(ctx, json_)
    with client(st) as c:
        booking = c.bookings.get(booking_id)
        renamed = c.bookings.update(booking, title=title)
        if renamed.version == booking.version:
            note(f"Nothing changed: booking {renamed.id} already had this title.")
        else:
            note(f"Renamed booking {renamed.id}.")
        show_booking(st, renamed, with_room(st, renamed))


@app.command("reset")
def reset(
    ctx: typer.Context,
    booking_id: BookingId,
    json_: Json = False,
) -> None:
    """Hand a booking changed by hand back to its series or import.

    What staff change on an occurrence of a series or an imported booking (room, time,
    title, head count) is kept through later series edits and nightly imports. This forgets
    those changes: the booking stays as it is until its series or import next changes it,
    which then sets every field again. A cancelled booking stays cancelled.

    Example: compax bookings reset 42
    """
    st = state(ctx, json_)
    with client(st) as c:
        booking = c.bookings.get(booking_id)
        if not booking.exception_fields:
            note(f"Booking {booking.id} has no change made by hand; nothing to reset.")
            show_booking(st, booking, with_room(st, booking))
            return
        reset_ = c.bookings.update(booking, reset_exceptions=True)
        note(
            f"Booking {reset_.id} follows its {'series' if reset_.series_id else 'import'} "
            "again: its next change sets every field."
        )
        show_booking(st, reset_, with_room(st, reset_))


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    booking_id: BookingId,
    reason: Annotated[str | None, typer.Option(help="Why; the owner sees it.")] = None,
    json_: Json = False,
) -> None:
    """Cancel a booking (it stays in the history).

    Example: compax bookings cancel 42 --reason 'lecturer ill'
    """
    st = state(ctx, json_)
    with client(st) as c:
        booking = c.bookings.get(booking_id)
        cancelled = c.bookings.cancel(booking, reason=reason)
        note(f"Cancelled booking {cancelled.id}.")
        show_booking(st, cancelled, with_room(st, cancelled))


@app.command("approve")
def approve(ctx: typer.Context, booking_id: BookingId, json_: Json = False) -> None:
    """Staff: confirm a pending request; the requests it overlaps are rejected.

    Example: compax bookings approve 42
    """
    st = state(ctx, json_)
    with client(st) as c:
        booking = c.bookings.get(booking_id)
        approved = c.bookings.approve(booking)
        room = with_room(st, approved)
    if st.json:
        print_json(approved)
        return
    overridden = approved.rejected_booking_ids
    note(
        f"Approved booking {approved.id}"
        + (f"; rejected the overlapping {', '.join(map(str, overridden))}." if overridden else ".")
    )
    show_booking(st, approved, room)


@app.command("reject")
def reject(
    ctx: typer.Context,
    booking_id: BookingId,
    reason: Annotated[str | None, typer.Option(help="Why; the requester sees it.")] = None,
    json_: Json = False,
) -> None:
    """Staff: turn down a pending request.

    Example: compax bookings reject 42 --reason 'exam week'
    """
    st = state(ctx, json_)
    with client(st) as c:
        booking = c.bookings.get(booking_id)
        rejected = c.bookings.reject(booking, reason=reason)
        note(f"Rejected booking {rejected.id}.")
        show_booking(st, rejected, with_room(st, rejected))


def overlapping(requests: list[Booking]) -> dict[int, list[int]]:
    """For each request, the other requests for the same room at the same time."""
    out: dict[int, list[int]] = {b.id: [] for b in requests}
    for a in requests:
        for b in requests:
            if a.id != b.id and a.room_id == b.room_id and a.start < b.end and b.start < a.end:
                out[a.id].append(b.id)
    return out


@app.command("pending")
def pending(
    ctx: typer.Context,
    room: Annotated[str | None, typer.Option("--room", "-r", help="Room code or id.")] = None,
    include_past: Annotated[
        bool, typer.Option("--include-past", help="Also requests whose time has passed.")
    ] = False,
    mine: Annotated[
        bool,
        typer.Option(
            "--mine",
            help="Only the requests yours to decide (rooms you manage; staff: also rooms "
            "nobody manages).",
        ),
    ] = False,
    limit: Limit = 200,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """The queue of pending requests: yours to decide first (rooms you manage, and for
    staff the rooms nobody manages), then the rest, each soonest first, with the requests
    each one competes with (approving one rejects those).

    Example: compax bookings pending --room B1-204
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        found_room = lookup.room(c, room) if room else None

        def queue(to_decide: bool | None) -> tuple[list[Booking], bool]:
            page = c.bookings.list(
                room_id=found_room.id if found_room else None,
                status="pending",
                from_=None if include_past else datetime.now(UTC),
                limit=min(limit, 200),
                to_decide=to_decide,
            )
            return first(page, limit)

        yours, more = queue(True)
        theirs: list[Booking] = []
        if not mine:
            rest, more = queue(None)
            theirs = [b for b in rest if b.id not in {y.id for y in yours}]
        requests = (yours + theirs)[:limit]
        more = more or len(yours) + len(theirs) > limit
        rooms = rooms_by_id(st, (b.room_id for b in requests)) if not st.json else {}
        if not st.json:
            st.names.learn(user_ids=(b.owner_id for b in requests))
    competing = overlapping(requests)
    if st.json:
        print_json(
            [
                b.model_dump(mode="json")
                | {"competes_with": competing[b.id], "yours_to_decide": b in yours}
                for b in requests
            ]
        )
        return
    table(
        requests,
        [
            ("id", lambda b: b.id),
            ("room", lambda b: room_code(rooms.get(b.room_id), b)),
            ("when", lambda b: when(st, b, rooms.get(b.room_id))),
            ("asked by", lambda b: st.names.person(b.owner_id)),
            ("competes with", lambda b: competing[b.id], 1),
            ("yours", lambda b: "yes" if b in yours else "", 1),
            ("title", lambda b: b.title),
        ],
        title="Pending requests",
        wrap={"when": 15, "asked by": 16, "competes with": 8, "title": 12},
        empty="No pending requests.",
    )
    more_exist(len(requests), more, "request")
    if requests:
        note("Decide with `compax bookings approve ID` or `compax bookings reject ID`.")
