"""``compax rules``: booking limits, campus-wide and per building or room (staff)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from compax_cli import lookup
from compax_cli.numbers import is_whole
from compax_cli.options import Json
from compax_cli.output import details, note, print_json, quoted, table
from compax_cli.session import client, require_a_change, state
from compax_cli.times import minutes, parse_duration
from compax_cli.words import LIMITS as LIMIT_WORDS
from compax_sdk import BookingRules, Compax, NotFoundError, RuleChanges

app = typer.Typer(
    rich_markup_mode="markdown",
    help="Booking rules: how long, how far ahead, how soon, how many per week.",
)

NONE = "'none' removes the limit at this level."


def _minutes(text: str, option: str) -> int | None:
    return None if text.lower() == "none" else minutes(parse_duration(text, option))


def _days(text: str, option: str) -> int | None:
    if text.lower() == "none":
        return None
    value = text.lower().removesuffix("d")
    if not is_whole(value):
        raise typer.BadParameter(f"{quoted(text)}: a number of days, e.g. 90d", param_hint=option)
    return int(value)


def _count(text: str, option: str) -> int | None:
    if text.lower() == "none":
        return None
    if not is_whole(text):
        raise typer.BadParameter(f"{quoted(text)}: a whole number, or 'none'", param_hint=option)
    return int(text)


def level_name(c: Compax, rules: BookingRules) -> str:
    try:
        if rules.scope == "building":
            return f"building {c.buildings.get(rules.scope_id).code}"
        if rules.scope == "room":
            return f"room {c.rooms.get(rules.scope_id).code}"
    except NotFoundError:
        return f"{rules.scope} {rules.scope_id} (removed)"
    return "global"


def _column(key: str) -> tuple[str, Callable[[BookingRules], str]]:
    label, show = LIMIT_WORDS[key]
    return label, lambda rules: show(getattr(rules, key))


LIMIT_COLUMNS: list[tuple[str, Callable[[BookingRules], str]]] = [
    *(_column(key) for key in LIMIT_WORDS),
    ("check-in", lambda r: _plain_checkin(r.requires_checkin)),
    ("no-show ban", lambda r: _noshow(r)),
]
LESS_USED = {"check-in", "no-show ban"}  # left out first on a narrow terminal
"""One column per limit, written by ``compax_cli.words`` (the same words as in errors), then
check-in and the no-show policy."""


def _plain_checkin(value: bool | None) -> str:
    return "-" if value is None else ("required" if value else "no")


def _noshow(r: BookingRules) -> str:
    if not (r.noshow_limit and r.noshow_days and r.noshow_ban_days):
        return "-"
    return f"{r.noshow_limit} in {r.noshow_days}d: {r.noshow_ban_days}d"


def _checkin(text: str) -> bool | None:
    value = text.lower()
    if value not in ("yes", "no", "none"):
        raise typer.BadParameter(f"{quoted(text)}: yes, no or none", param_hint="--checkin")
    return {"yes": True, "no": False}.get(value)


def limits_text(rules: BookingRules) -> list[tuple[str, str]]:
    return [(label, get(rules)) for label, get in LIMIT_COLUMNS]


@app.command("show")
def show(ctx: typer.Context, json_: Json = False) -> None:
    """Show every level's limits; the most specific level that sets a limit wins.

    Example: compax rules show
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = list(c.rules.list())
        names = {(r.scope, r.scope_id): level_name(c, r) for r in found}
    if st.json:
        print_json(found)
        return
    rules_table(found, names)


def rules_table(found: list[BookingRules], names: dict[tuple[str, int], str]) -> None:
    """One row per level (``names``: each level's name by its scope and id), one column per
    limit; on a narrow terminal check-in and the no-show ban are left out first."""
    table(
        found,
        [
            ("level", lambda r: names[(r.scope, r.scope_id)]),
            *((label, get, 1 if label in LESS_USED else 0) for label, get in LIMIT_COLUMNS),
        ],
        wrap={label: 8 for label, _ in LIMIT_COLUMNS},
        empty="No booking rules: bookings are limited only by opening hours and closures.",
    )


@app.command("set")
def set_(
    ctx: typer.Context,
    building: Annotated[str | None, typer.Option(help="For this building (code or id).")] = None,
    room: Annotated[str | None, typer.Option(help="For this room (code or id).")] = None,
    max_duration: Annotated[
        str | None, typer.Option(help="Longest booking, e.g. 4h. " + NONE)
    ] = None,
    horizon: Annotated[
        str | None, typer.Option(help="How far ahead one may book, e.g. 90d. " + NONE)
    ] = None,
    min_notice: Annotated[
        str | None, typer.Option(help="How soon before the start, e.g. 30m. " + NONE)
    ] = None,
    max_per_week: Annotated[
        str | None, typer.Option(help="Members' bookings per week. " + NONE)
    ] = None,
    max_hours_per_week: Annotated[
        str | None, typer.Option(help="Members' booked hours per week. " + NONE)
    ] = None,
    checkin: Annotated[
        str | None,
        typer.Option(help="yes: bookings nobody checks in to are released; no; none: inherit."),
    ] = None,
    checkin_opens: Annotated[
        str | None, typer.Option(help="Check-in opens this long before the start, e.g. 10m.")
    ] = None,
    checkin_closes: Annotated[
        str | None, typer.Option(help="Released this long after the start, e.g. 15m.")
    ] = None,
    noshow_limit: Annotated[
        str | None, typer.Option(help="No-shows that ban a member from booking. " + NONE)
    ] = None,
    noshow_days: Annotated[
        str | None, typer.Option(help="... within this many days, e.g. 30d. " + NONE)
    ] = None,
    noshow_ban: Annotated[
        str | None, typer.Option(help="How long the ban lasts, e.g. 14d. " + NONE)
    ] = None,
    json_: Json = False,
) -> None:
    """Set limits campus-wide (default), or for a building or room. Limits not given keep
    their value at that level.

    Example: compax rules set --room B1-204 --max-duration 2h --min-notice 1h

    Example: compax rules set --building MAIN --checkin yes --checkin-closes 15m
    """
    st = state(ctx, json_)
    require_a_change(ctx, says_how=frozenset({"building", "room"}))
    if building and room:
        raise typer.BadParameter("give --building or --room, not both", param_hint="--room")
    given: RuleChanges = {}
    if checkin is not None:
        given["requires_checkin"] = _checkin(checkin)
    if checkin_opens is not None:
        given["checkin_opens_minutes"] = _minutes(checkin_opens, "--checkin-opens")
    if checkin_closes is not None:
        given["checkin_closes_minutes"] = _minutes(checkin_closes, "--checkin-closes")
    if noshow_limit is not None:
        given["noshow_limit"] = _count(noshow_limit, "--noshow-limit")
    if noshow_days is not None:
        given["noshow_days"] = _days(noshow_days, "--noshow-days")
    if noshow_ban is not None:
        given["noshow_ban_days"] = _days(noshow_ban, "--noshow-ban")
    if max_duration is not None:
        given["max_duration_minutes"] = _minutes(max_duration, "--max-duration")
    if horizon is not None:
        given["horizon_days"] = _days(horizon, "--horizon")
    if min_notice is not None:
        given["min_notice_minutes"] = _minutes(min_notice, "--min-notice")
    if max_per_week is not None:
        given["max_bookings_per_week"] = _count(max_per_week, "--max-per-week")
    if max_hours_per_week is not None:
        given["max_hours_per_week"] = _count(max_hours_per_week, "--max-hours-per-week")
    with client(st) as c:
        if building:
            saved = c.rules.update("building", lookup.building(c, building).id, **given)
        elif room:
            saved = c.rules.update("room", lookup.room(c, room).id, **given)
        else:
            saved = c.rules.update_global(**given)
        name = level_name(c, saved)
    if st.json:
        print_json(saved)
        return
    note(f"Rules of {name} set.")
    details(limits_text(saved), title=f"Rules: {name}")


@app.command("remove")
def remove(
    ctx: typer.Context,
    building: Annotated[str | None, typer.Option(help="Building code or id.")] = None,
    room: Annotated[str | None, typer.Option(help="Room code or id.")] = None,
) -> None:
    """Remove the rules of a building or room: the wider level applies again.

    Example: compax rules remove --room B1-204
    """
    st = state(ctx)
    if building and room:
        raise typer.BadParameter("give --building or --room, not both", param_hint="--room")
    if not building and not room:
        raise typer.BadParameter(
            "give --building or --room (the campus-wide rules stay: set their limits to 'none')",
            param_hint="--room",
        )
    with client(st) as c:
        if building:
            found = lookup.building(c, building)
            c.rules.delete("building", found.id)
            note(f"Removed the rules of building {found.code}.")
        else:
            found_room = lookup.room(c, room or "")
            c.rules.delete("room", found_room.id)
            note(f"Removed the rules of room {found_room.code}.")
