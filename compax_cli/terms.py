"""``compax terms``: semesters and their holidays."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from compax_cli import lookup
from compax_cli.options import Json, OnBookings, given
from compax_cli.output import counted, details, note, print_json, said_changed, table
from compax_cli.session import State, client, require_a_change, state
from compax_cli.times import parse_date
from compax_sdk import Holiday, Term

app = typer.Typer(
    rich_markup_mode="markdown",
    help="Terms: semesters with holidays, for repeated bookings and searches.",
)

HOLIDAY_HELP = "A holiday: 'YYYY-MM-DD[..YYYY-MM-DD] name' (repeat)."


def parse_holiday(text: str) -> dict[str, Any]:
    """``"2027-04-05..2027-04-09 Easter"`` -> ``{"start": ..., "end": ..., "name": "Easter"}``."""
    span, _, name = text.strip().partition(" ")
    first, dots, last = span.partition("..")
    start = parse_date(first, "--holiday")
    end = parse_date(last, "--holiday") if dots else start  # "2027-04-05.." lacks its end
    return {"start": start, "end": end, "name": name.strip()}


def show_holiday(h: Holiday) -> str:
    days = f"{h.start}" if h.start == h.end else f"{h.start}..{h.end}"
    return f"{days} {h.name}".strip()


def show_term(st: State, term: Term) -> None:
    if st.json:
        print_json(term)
        return
    details(
        [
            ("id", term.id),
            ("name", term.name),
            ("campus", term.campus),
            ("from", term.start_date),
            ("to", term.end_date),
            ("holidays", "; ".join(show_holiday(h) for h in term.holidays) or "none"),
        ],
        title=f"Term {term.name}",
    )


@app.command("list")
def list_(ctx: typer.Context, json_: Json = False) -> None:
    """List the terms.

    Example: compax terms list
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = list(c.terms.list(limit=200))
    if st.json:
        print_json(found)
        return
    table(
        found,
        [
            ("id", lambda t: t.id, 2),
            ("name", lambda t: t.name),
            ("campus", lambda t: t.campus, 1),
            ("from", lambda t: t.start_date),
            ("to", lambda t: t.end_date),
            ("holidays", lambda t: len(t.holidays)),
        ],
        wrap=("name",),
        empty="No terms yet: `compax terms add`.",
    )


@app.command("show")
def show(
    ctx: typer.Context,
    term: Annotated[str, typer.Argument(help="Term name or id.")],
    json_: Json = False,
) -> None:
    """Show a term with its holidays.

    Example: compax terms show 'Spring 2027'
    """
    st = state(ctx, json_)
    with client(st) as c:
        show_term(st, lookup.term(c, term))


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="e.g. 'Spring 2027'.")],
    start: Annotated[str, typer.Option(help="First day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option(help="Last day (YYYY-MM-DD).")],
    holiday: Annotated[list[str] | None, typer.Option(help=HOLIDAY_HELP)] = None,
    campus: Annotated[str | None, typer.Option(help="Campus, when there are several.")] = None,
    json_: Json = False,
) -> None:
    """Add a term.

    Example: compax terms add --name 'Spring 2027' --start 2027-03-01 --end 2027-07-16
    --holiday '2027-03-29..2027-04-02 Easter'
    """
    st = state(ctx, json_)
    with client(st) as c:
        made = c.terms.create(
            name=name,
            start_date=parse_date(start, "--start"),
            end_date=parse_date(end, "--end"),
            holidays=[parse_holiday(h) for h in holiday or []],
            campus=campus,
        )
    note(f"Added term {made.name} (id {made.id}).")
    show_term(st, made)


@app.command("edit")
def edit(
    ctx: typer.Context,
    term: Annotated[str, typer.Argument(help="Term name or id.")],
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    start: Annotated[str | None, typer.Option(help="New first day.")] = None,
    end: Annotated[str | None, typer.Option(help="New last day.")] = None,
    holiday: Annotated[
        list[str] | None, typer.Option(help=HOLIDAY_HELP + " Replaces the list.")
    ] = None,
    no_holidays: Annotated[
        bool, typer.Option("--no-holidays", help="Remove every holiday.")
    ] = False,
    on_bookings: OnBookings = "refuse",
    json_: Json = False,
) -> None:
    """Change a term. A new holiday over lectures of series that skip the term's holidays is
    refused and lists them, unless --on-bookings cancel or keep.

    Example: compax terms edit 'Spring 2027' --end 2027-07-23
    """
    st = state(ctx, json_)
    require_a_change(ctx, says_how=frozenset({"on_bookings"}))
    if holiday and no_holidays:
        raise typer.BadParameter(
            "give --holiday or --no-holidays, not both", param_hint="--no-holidays"
        )
    holidays = [] if no_holidays else [parse_holiday(h) for h in holiday] if holiday else None
    with client(st) as c:
        found = lookup.term(c, term)
        changed = c.terms.update(
            found,
            name=given(name),
            start_date=given(parse_date(start, "--start") if start else None),
            end_date=given(parse_date(end, "--end") if end else None),
            holidays=given(holidays),
            on_bookings=on_bookings,
        )
    said_changed(f"term {changed.name}", found.version, changed.version)
    if changed.booking_ids:
        done = "cancelled" if on_bookings == "cancel" else "kept"
        hit = changed.booking_ids
        note(f"  {counted(len(hit), 'occurrence')} on the new holidays {done}: {hit}")
    show_term(st, changed)


@app.command("remove")
def remove(
    ctx: typer.Context,
    term: Annotated[str, typer.Argument(help="Term name or id.")],
) -> None:
    """Remove a term.

    Example: compax terms remove 'Spring 2027'
    """
    st = state(ctx)
    with client(st) as c:
        found = lookup.term(c, term)
        c.terms.delete(found.id)
    note(f"Removed term {found.name}.")
