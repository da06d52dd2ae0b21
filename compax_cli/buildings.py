"""``compax buildings``: buildings, their opening hours and closures."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from compax_cli import lookup, managers
from compax_cli.options import Json, OnBookings, Tz, given
from compax_cli.output import counted, details, note, print_json, quoted, said_changed, table
from compax_cli.series_views import WEEKDAYS, weekday
from compax_cli.session import State, client, require_a_change, state
from compax_cli.times import parse_date, parse_time, show_span, zone
from compax_sdk import Building

app = typer.Typer(
    rich_markup_mode="markdown", help="Buildings: time zone, opening hours, closures."
)
closures_app = typer.Typer(
    rich_markup_mode="markdown", help="Closures: holidays, maintenance (new bookings are refused)."
)
app.add_typer(closures_app, name="closures")
app.add_typer(managers.buildings_app, name="managers")

HHMM = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")
HOURS_HELP = (
    "Opening hours, e.g. 'mon-fri 08:00-20:00' 'sat 09:00-13:00,14:00-16:00'; "
    "days not named are closed; a day named again takes its later hours "
    "('mon-fri 08:00-20:00' 'fri 08:00-16:00', 'sun closed')."
)

Hours = dict[str, list[list[str]]]


def _days(text: str, option: str) -> list[str]:
    """``mon-fri``, ``sat,sun``, ``fri-mon`` (over the weekend), ``Monday-Thursday``."""
    out: list[str] = []
    for part in text.split(","):
        first, dash, last = part.partition("-")
        i, j = weekday(first), weekday(last) if dash else weekday(first)
        if i is None or j is None:
            raise typer.BadParameter(
                f"{quoted(text)}: days are mon, tue, ... sun, a range mon-fri, or a list mon,wed",
                param_hint=option,
            )
        a, b = WEEKDAYS.index(i), WEEKDAYS.index(j)
        out += WEEKDAYS[a : b + 1] if a <= b else WEEKDAYS[a:] + WEEKDAYS[: b + 1]
    return out


def parse_hours(specs: list[str], option: str) -> Hours:
    """``["mon-fri 08:00-20:00", "sat 09:00-13:00"]`` -> the API's opening hours; a spec
    that cannot be read is a usage error of ``option`` (``--hours``, or the argument
    ``HOURS``)."""
    hours: Hours = {}
    for spec in specs:
        days_text, _, spans_text = spec.strip().partition(" ")
        spans: list[list[str]] = []
        if spans_text.strip().lower() != "closed":
            for span in spans_text.replace(" ", "").split(","):
                start, _, end = span.partition("-")
                if not (HHMM.match(start) and HHMM.match(end)):
                    raise typer.BadParameter(
                        f"{quoted(spec)}: give DAYS HH:MM-HH:MM[,HH:MM-HH:MM]", param_hint=option
                    )
                spans.append([start, end])
        for day in _days(days_text, option):
            if spans:
                hours[day] = spans
            else:
                hours.pop(day, None)
    return hours


def show_hours(hours: Hours | None) -> str:
    """``mon-fri 08:00-20:00; sat 09:00-13:00`` (``always open`` for none)."""
    if hours is None:
        return "always open"
    groups: list[tuple[list[str], str]] = []
    for day in WEEKDAYS:
        spans = ",".join(f"{s}-{e}" for s, e in hours.get(day, []))
        if (
            groups
            and groups[-1][1] == spans
            and WEEKDAYS.index(groups[-1][0][-1]) == WEEKDAYS.index(day) - 1
        ):
            groups[-1][0].append(day)
        else:
            groups.append(([day], spans))
    parts = [
        (f"{days[0]}-{days[-1]}" if len(days) > 1 else days[0]) + f" {spans}"
        for days, spans in groups
        if spans
    ]
    return "; ".join(parts) or "always closed"


def show_building(st: State, building: Building) -> None:
    if st.json:
        print_json(building)
        return
    details(
        [
            ("id", building.id),
            ("code", building.code),
            ("name", building.name),
            ("time zone", building.timezone),
            ("opening hours", show_hours(building.opening_hours)),
            ("version", building.version),
        ],
        title=f"Building {building.code}",
    )


@app.command("list")
def list_(ctx: typer.Context, json_: Json = False) -> None:
    """List the buildings.

    Example: compax buildings list --json
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = list(c.buildings.list(limit=200))
    if st.json:
        print_json(found)
        return
    table(
        found,
        [
            ("code", lambda b: b.code),
            ("name", lambda b: b.name),
            ("time zone", lambda b: b.timezone, 1),
            ("opening hours", lambda b: show_hours(b.opening_hours)),
        ],
        wrap={"name": 12, "opening hours": 16},
        empty="No buildings yet: `compax buildings add` (or `compax demo`).",
    )


@app.command("show")
def show(
    ctx: typer.Context,
    building: Annotated[str, typer.Argument(help="Building code or id.")],
    json_: Json = False,
) -> None:
    """Show one building.

    Example: compax buildings show MAIN
    """
    st = state(ctx, json_)
    with client(st) as c:
        show_building(st, lookup.building(c, building))


@app.command("add")
def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Option(help="Unique code, e.g. MAIN.")],
    name: Annotated[str, typer.Option(help="Name shown to people.")],
    timezone: Annotated[str, typer.Option(help="IANA zone, e.g. Europe/Berlin.")],
    hours: Annotated[
        list[str] | None, typer.Option("--hours", help=HOURS_HELP + " Default: always open.")
    ] = None,
    json_: Json = False,
) -> None:
    """Add a building.

    Example: compax buildings add --code MAIN --name 'Main building' --timezone Europe/Berlin
    """
    st = state(ctx, json_)
    zone(timezone, "--timezone")
    with client(st) as c:
        made = c.buildings.create(
            code=code,
            name=name,
            timezone=timezone,
            opening_hours=parse_hours(hours, "--hours") if hours else None,
        )
    note(f"Added building {made.code} (id {made.id}).")
    show_building(st, made)


@app.command("edit")
def edit(
    ctx: typer.Context,
    building: Annotated[str, typer.Argument(help="Building code or id.")],
    code: Annotated[str | None, typer.Option(help="New code.")] = None,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    timezone: Annotated[str | None, typer.Option(help="New IANA zone.")] = None,
    json_: Json = False,
) -> None:
    """Change a building's code, name or zone (hours: `compax buildings hours`).

    Example: compax buildings edit MAIN --name 'Main hall'
    """
    st = state(ctx, json_)
    require_a_change(ctx)
    if timezone:
        zone(timezone, "--timezone")
    with client(st) as c:
        found = lookup.building(c, building)
        changed = c.buildings.update(
            found, code=given(code), name=given(name), timezone=given(timezone)
        )
    said_changed(f"building {changed.code}", found.version, changed.version)
    show_building(st, changed)


@app.command("remove")
def remove(
    ctx: typer.Context,
    building: Annotated[str, typer.Argument(help="Building code or id.")],
) -> None:
    """Remove a building that has no rooms.

    Example: compax buildings remove OLD
    """
    st = state(ctx)
    with client(st) as c:
        found = lookup.building(c, building)
        c.buildings.delete(found.id)
    note(f"Removed building {found.code}.")


@app.command("hours")
def hours(
    ctx: typer.Context,
    building: Annotated[str, typer.Argument(help="Building code or id.")],
    hours: Annotated[list[str] | None, typer.Argument(help=HOURS_HELP, show_default=False)] = None,
    always_open: Annotated[
        bool, typer.Option("--always-open", help="No opening hours: open day and night.")
    ] = False,
    json_: Json = False,
) -> None:
    """Set a building's opening hours (local time); without any, show them.

    Example: compax buildings hours MAIN 'mon-fri 08:00-20:00' 'sat 09:00-13:00'
    """
    st = state(ctx, json_)
    if hours and always_open:
        raise typer.BadParameter("give hours or --always-open, not both", param_hint="HOURS")
    with client(st) as c:
        found = lookup.building(c, building)
        if hours or always_open:
            found = c.buildings.update(
                found, opening_hours=None if always_open else parse_hours(hours or [], "HOURS")
            )
            note(f"Opening hours of {found.code} set.")
    if st.json:
        print_json({"building": found.code, "opening_hours": found.opening_hours})
    else:
        details([(found.code, show_hours(found.opening_hours)), ("time zone", found.timezone)])


@closures_app.command("list")
def closures_list(
    ctx: typer.Context,
    building: Annotated[str, typer.Argument(help="Building code or id.")],
    from_: Annotated[str | None, typer.Option("--from", help="Only those ending after.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Only those starting before.")] = None,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """List a building's closures.

    Example: compax buildings closures list MAIN --from today
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        found = lookup.building(c, building)
        local = st.display_zone(found.timezone)
        rows = list(
            c.buildings.list_closures(
                found.id,
                from_=parse_time(from_, local, "--from") if from_ else None,
                to=parse_time(to, local, "--to") if to else None,
                limit=200,
            )
        )
        room_codes = {r.id: r.code for r in c.rooms.list(building=found.id, limit=200)}
    if st.json:
        print_json(rows)
        return
    table(
        rows,
        [
            ("id", lambda x: x.id, 1),
            ("when", lambda x: show_span(x.start, x.end, local)),
            ("room", lambda x: room_codes.get(x.room_id, x.room_id) if x.room_id else "all"),
            ("reason", lambda x: x.reason),
        ],
        wrap={"when": 15, "reason": 12},
        title=f"Closures of {found.code}",
        empty="No closures.",
    )


@closures_app.command("add")
def closures_add(
    ctx: typer.Context,
    building: Annotated[str, typer.Argument(help="Building code or id.")],
    reason: Annotated[str, typer.Option(help="Shown to people, e.g. 'Maintenance'.")],
    start: Annotated[str | None, typer.Option(help="From this time (local or RFC 3339).")] = None,
    end: Annotated[str | None, typer.Option(help="Until this time.")] = None,
    date_: Annotated[
        str | None, typer.Option("--date", help="Whole local days from this date.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="With --date: the last day (inclusive).")
    ] = None,
    room: Annotated[
        str | None, typer.Option(help="Only this room (code or id); default: the building.")
    ] = None,
    on_bookings: OnBookings = "refuse",
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """Close the building, or one room, for a time or for whole days.

    A closure over bookings is refused and lists them, unless --on-bookings cancel or keep.

    Example: compax buildings closures add MAIN --reason 'Open day' --date 2027-05-14
    """
    st = state(ctx, json_, tz)
    if bool(start or end) == bool(date_):
        raise typer.BadParameter("give --start and --end, or --date", param_hint="--date")
    with client(st) as c:
        found = lookup.building(c, building)
        local = st.about(found.timezone)
        room_id = lookup.room(c, room).id if room else None
        if date_:
            st.field_options.update(start_date="--date", end_date="--until")
            first = parse_date(date_, "--date")
            last = parse_date(until, "--until") if until else first
            made = c.buildings.create_closure(
                found.id,
                reason=reason,
                room_id=room_id,
                start_date=first,
                end_date=last,
                on_bookings=on_bookings,
            )
        else:
            if not (start and end):
                raise typer.BadParameter("give both --start and --end", param_hint="--end")
            made = c.buildings.create_closure(
                found.id,
                reason=reason,
                room_id=room_id,
                start=parse_time(start, local, "--start"),
                end=parse_time(end, local, "--end"),
                on_bookings=on_bookings,
            )
    if st.json:
        print_json(made)
    else:
        note(
            f"Closed {room or found.code} {show_span(made.start, made.end, local)} "
            f"(closure {made.id})."
        )
        if made.booking_ids:
            done = "cancelled" if made.on_bookings == "cancel" else "kept"
            hit = counted(len(made.booking_ids), "booking")
            note(f"  {hit} in that time {done}: {made.booking_ids}")


@closures_app.command("remove")
def closures_remove(
    ctx: typer.Context,
    building: Annotated[str, typer.Argument(help="Building code or id.")],
    closure_id: Annotated[int, typer.Argument(help="The closure's id (see closures list).")],
) -> None:
    """Remove a closure.

    Example: compax buildings closures remove MAIN 3
    """
    st = state(ctx)
    with client(st) as c:
        found = lookup.building(c, building)
        c.buildings.delete_closure(found.id, closure_id)
    note(f"Removed closure {closure_id} of {found.code}.")
