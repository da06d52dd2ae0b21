"""``compax series``: recurring bookings (a weekly lecture through the term)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import typer

from compax_cli import lookup
from compax_cli.booking_views import booking_table, rooms_by_id
from compax_cli.options import Json, Override, SkipClosures, Tz, given
from compax_cli.output import details, print_json, table
from compax_cli.series_views import rule_text, series_pairs, show_result, weekdays
from compax_cli.session import client, require_a_change, state
from compax_cli.times import minutes, parse_date, parse_hhmm, parse_length, show_duration
from compax_sdk import NOT_GIVEN, BookingSeries, Recurrence

app = typer.Typer(
    rich_markup_mode="markdown",
    help="Series: recurring bookings, each occurrence a booking of its own.",
)

SeriesId = Annotated[int, typer.Argument(help="The series' id.")]


@app.command("create")
def create(
    ctx: typer.Context,
    room: Annotated[str, typer.Option("--room", "-r", help="Room code or id.")],
    title: Annotated[str, typer.Option("--title", "-t", help="What it is for.")],
    start: Annotated[str, typer.Option("--start", help="First day (YYYY-MM-DD).")],
    time_: Annotated[str, typer.Option("--time", help="Local start time, HH:MM.")],
    duration: Annotated[str, typer.Option("--duration", "-d", help="90m, 1h30m, 2h.")],
    repeat: Annotated[
        Literal["daily", "weekly", "monthly"], typer.Option(help="How often.")
    ] = "weekly",
    on: Annotated[
        list[str] | None, typer.Option(help="Weekly: the days, e.g. tue,thu (default: --start's).")
    ] = None,
    every: Annotated[int, typer.Option(min=1, max=52, help="Every N days/weeks/months.")] = 1,
    until: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD).")] = None,
    count: Annotated[int | None, typer.Option(min=1, help="Or: this many times.")] = None,
    term: Annotated[
        str | None, typer.Option(help="Or: through this term (name or id), skipping holidays.")
    ] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Leave out this date (repeat).")] = None,
    add_date: Annotated[list[str] | None, typer.Option(help="Add this date (repeat).")] = None,
    keep_holidays: Annotated[
        bool, typer.Option("--keep-holidays", help="Book on the term's holidays too.")
    ] = False,
    skip_conflicts: Annotated[
        bool,
        typer.Option(
            "--skip-conflicts", help="Book the free dates and list the taken ones (default: none)."
        ),
    ] = False,
    skip_closures: SkipClosures = False,
    owner: Annotated[str | None, typer.Option(help="Staff: for this user (email or id).")] = None,
    description: Annotated[str | None, typer.Option(help="Free text.")] = None,
    override: Override = False,
    attendees: Annotated[
        int | None,
        typer.Option(
            min=1, help="People expected at each occurrence (more than the seats: refused)."
        ),
    ] = None,
    json_: Json = False,
) -> None:
    """Book a recurring series in one step: all dates or none (or --skip-conflicts).

    Example: compax series create -r B1-204 -t Maths --start 2027-03-02 --time 10:00 -d 2h --count 9
    """
    st = state(ctx, json_)
    if sum(x is not None for x in (until, count, term)) != 1:
        raise typer.BadParameter("give one of --until, --count or --term", param_hint="--until")
    with client(st) as c:
        found = lookup.room(c, room)
        st.about(found.timezone)
        recurrence: Recurrence = {"freq": repeat, "interval": every}
        days = weekdays(on)
        if days:
            recurrence["weekdays"] = days
        if until:
            recurrence["until"] = parse_date(until, "--until")
        if count:
            recurrence["count"] = count
        if term:
            recurrence["term_id"] = lookup.term(c, term).id
        result = c.series.create(
            room_id=found.id,
            title=title,
            start_date=parse_date(start, "--start"),
            start_time=parse_hhmm(time_, "--time"),
            duration_minutes=minutes(parse_length(duration, "--duration")),
            recurrence=recurrence,
            description=description,
            excluded_dates=[parse_date(d, "--exclude") for d in exclude or []] or None,
            added_dates=[parse_date(d, "--add-date") for d in add_date or []] or None,
            skip_holidays=False if keep_holidays else None,
            conflict_policy="skip_conflicts" if skip_conflicts else None,
            skip_closures=skip_closures or None,
            owner_id=lookup.user_id(c, owner) if owner else None,
            override=override or None,
            attendees=attendees,
        )
        st.names.learn(user_ids=[result.owner_id])
    show_result(st, result, found.code, "Booked")


@app.command("list")
def list_(ctx: typer.Context, json_: Json = False) -> None:
    """List series (members see their own).

    Example: compax series list
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = list(c.series.list(limit=200))
        rooms = rooms_by_id(st, (s.room_id for s in found)) if not st.json else {}
    if st.json:
        print_json(found)
        return

    def code(s: BookingSeries) -> str:
        room = rooms.get(s.room_id)
        return room.code if room else str(s.room_id)

    table(
        found,
        [
            ("id", lambda s: s.id),
            ("title", lambda s: s.title),
            ("room", code),
            ("repeats", rule_text),
            ("time", lambda s: f"{s.start_time} {show_duration(s.duration_minutes)}"),
            ("status", lambda s: s.status, 1),
        ],
        wrap={"title": 12, "repeats": 16, "time": 8},
        empty="No series.",
    )


@app.command("show")
def show(
    ctx: typer.Context,
    series_id: SeriesId,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """Show a series and every occurrence, in the building's zone.

    Example: compax series show 7
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        found = c.series.get(series_id)
        rooms = rooms_by_id(st, [found.room_id, *(b.room_id for b in found.occurrences)])
        if not st.json:
            st.names.learn(user_ids={found.owner_id, *(b.owner_id for b in found.occurrences)})
    if st.json:
        print_json(found)
        return
    room = rooms.get(found.room_id)
    details(
        series_pairs(
            found, room.code if room else str(found.room_id), st.names.person(found.owner_id)
        ),
        title=f"Series {found.id}",
    )
    booking_table(st, found.occurrences, rooms, title="Occurrences", empty="No occurrences.")


def _edit(
    ctx: typer.Context,
    series_id: int,
    scope: Literal["all", "following"] | None,
    from_: str | None,
    room: str | None,
    time_: str | None,
    duration: str | None,
    title: str | None,
    description: str | None,
    override: bool,
    reset_exceptions: bool,
    json_: bool,
    attendees: int | None = None,
) -> None:
    st = state(ctx, json_)
    if scope == "following" and not from_:
        raise typer.BadParameter("--scope following needs --from DATE", param_hint="--from")
    if scope == "all" and from_:
        raise typer.BadParameter(
            "--from goes with --scope following (--scope all changes every date)",
            param_hint="--from",
        )
    require_a_change(ctx, says_how=frozenset({"scope", "from_", "override", "reset_exceptions"}))
    first: date | None = parse_date(from_, "--from") if from_ else None
    with client(st) as c:
        found = c.series.get(series_id)
        target = lookup.room(c, room) if room else None
        st.about(target.timezone if target else found.timezone)
        result = c.series.update(
            found,
            scope=scope or ("following" if first else "all"),
            from_date=first or NOT_GIVEN,
            room_id=target.id if target else NOT_GIVEN,
            start_time=parse_hhmm(time_, "--time") if time_ else NOT_GIVEN,
            duration_minutes=(
                minutes(parse_length(duration, "--duration")) if duration else NOT_GIVEN
            ),
            title=given(title),
            description=given(description),
            override=True if override else NOT_GIVEN,
            reset_exceptions=True if reset_exceptions else NOT_GIVEN,
            attendees=NOT_GIVEN if attendees is None else (attendees or None),  # 0 clears it
        )
        room_now = st.names.room(result.room_id)
        st.names.learn(user_ids=[result.owner_id])
    code = room_now.code if room_now else str(result.room_id)
    show_result(st, result, code, "Changed", unchanged=result.version == found.version)


ResetExceptions = Annotated[
    bool,
    typer.Option(
        "--reset-exceptions", help="Also overwrite occurrences changed by hand (kept by default)."
    ),
]
Scope = Annotated[
    Literal["all", "following"] | None,
    typer.Option(help="all future occurrences (default), or those from --from on."),
]
FromDate = Annotated[
    str | None, typer.Option("--from", help="Change occurrences from this date on (YYYY-MM-DD).")
]


@app.command("edit")
def edit(
    ctx: typer.Context,
    series_id: SeriesId,
    scope: Scope = None,
    from_: FromDate = None,
    room: Annotated[str | None, typer.Option("--room", "-r", help="New room.")] = None,
    time_: Annotated[str | None, typer.Option("--time", help="New local start, HH:MM.")] = None,
    duration: Annotated[str | None, typer.Option("--duration", "-d", help="New length.")] = None,
    title: Annotated[str | None, typer.Option("--title", "-t", help="New title.")] = None,
    description: Annotated[str | None, typer.Option(help="New description.")] = None,
    attendees: Annotated[
        int | None,
        typer.Option(min=0, help="People expected at each occurrence (0 clears it)."),
    ] = None,
    override: Override = False,
    reset_exceptions: ResetExceptions = False,
    json_: Json = False,
) -> None:
    """Change the future occurrences of a series, or those from a date on.

    Occurrences changed by hand (moved, retimed, renamed, given another head count,
    cancelled) keep their changes and are listed; --reset-exceptions overwrites them.

    Example: compax series edit 7 --from 2027-05-04 --room B1-105 --time 14:00 --attendees 40
    """
    _edit(
        ctx,
        series_id,
        scope,
        from_,
        room,
        time_,
        duration,
        title,
        description,
        override,
        reset_exceptions,
        json_,
        attendees,
    )


@app.command("move")
def move(
    ctx: typer.Context,
    series_id: SeriesId,
    scope: Scope = None,
    from_: FromDate = None,
    room: Annotated[str | None, typer.Option("--room", "-r", help="New room.")] = None,
    time_: Annotated[str | None, typer.Option("--time", help="New local start, HH:MM.")] = None,
    duration: Annotated[str | None, typer.Option("--duration", "-d", help="New length.")] = None,
    override: Override = False,
    reset_exceptions: ResetExceptions = False,
    json_: Json = False,
) -> None:
    """Move a series to another room or time (all future occurrences, or from a date on).

    Occurrences moved by hand stay where they are unless --reset-exceptions.

    Example: compax series move 7 --scope following --from 2027-05-04 --room B1-105
    """
    _edit(
        ctx,
        series_id,
        scope,
        from_,
        room,
        time_,
        duration,
        None,
        None,
        override,
        reset_exceptions,
        json_,
    )


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    series_id: SeriesId,
    from_: Annotated[
        str | None, typer.Option("--from", help="Only from this date on (default: all).")
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why; the owner sees it.")] = None,
    json_: Json = False,
) -> None:
    """Cancel a series' future occurrences (all, or from a date on).

    Example: compax series cancel 7 --from 2027-06-01 --reason 'course ends early'
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = c.series.get(series_id)
        st.about(found.timezone)
        result = c.series.cancel(
            found, from_date=parse_date(from_, "--from") if from_ else None, reason=reason
        )
        room = st.names.room(result.room_id)
        st.names.learn(user_ids=[result.owner_id])
    show_result(st, result, room.code if room else str(result.room_id), "Cancelled in")


@app.command("add-date")
def add_date(
    ctx: typer.Context,
    series_id: SeriesId,
    day: Annotated[str, typer.Argument(help="The date to add (YYYY-MM-DD).")],
    override: Override = False,
    json_: Json = False,
) -> None:
    """Book one more occurrence at the series' time (a holiday, a skipped date).

    Example: compax series add-date 7 2027-04-01
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = c.series.get(series_id)
        st.about(found.timezone)
        result = c.series.add_date(found, parse_date(day, "DAY"), override=override or None)
        room = st.names.room(result.room_id)
        st.names.learn(user_ids=[result.owner_id])
    show_result(st, result, room.code if room else str(result.room_id), "Added a date to")
