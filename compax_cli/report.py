"""``compax report utilisation``: how well rooms were used, as a table and a weekday x hour
heatmap in the terminal, CSV or JSON, or a picture (``--png``/``--svg``, with matplotlib)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.text import Text

from compax_cli import csvout, lookup, report_charts
from compax_cli.options import Json, listed
from compax_cli.output import EXIT_USAGE, console, counted, fail, note, print_json, table
from compax_cli.report_charts import percent
from compax_cli.session import client, state
from compax_cli.times import parse_date
from compax_sdk import UtilisationReport

app = typer.Typer(
    rich_markup_mode="markdown", help="Reports for facility managers.", no_args_is_help=True
)

SHADES = [(0.25, "░", "green"), (0.5, "▒", "green"), (0.75, "▓", "yellow")]  # below bound
FULL = ("█", "bold red")  # 75% and more
ROOM_FIELDS = (
    *("room_id", "code", "name", "building_code", "capacity", "open_hours", "booked_hours"),
    *("utilisation", "confirmed", "pending", "cancelled", "rejected", "released"),
    *("seat_fit", "over_capacity"),
)


def _bar(value: float | None, width: int = 10) -> str:
    if value is None:
        return ""
    filled = round(min(value, 1.0) * width)
    return "█" * filled + "·" * (width - filled)


def _shade(value: float | None, wide: bool) -> Text:
    if value is None:
        return Text("   " if wide else " ")
    glyph, style = next(((g, st) for bound, g, st in SHADES if value < bound), FULL)
    if value == 0:
        glyph, style = "·", "dim"
    if wide:
        return Text("  ·" if value == 0 else f"{min(round(value * 100), 999):>3}", style=style)
    return Text(glyph, style=style)


def heatmap_lines(report: UtilisationReport, width: int) -> list[Text]:
    """Weekdays x local hours; each cell the occupancy: a percentage when the terminal is
    wide enough (4 columns an hour), else a shade."""
    days, hours, values = report_charts.grid_of(report)
    if not hours:
        return []
    wide = 4 + len(hours) * 4 <= width
    cell = 4 if wide else 2
    head = Text("    ")
    for h in hours:
        head.append(f"{h:02d}".rjust(cell) if wide or h % 2 == 0 else " " * cell, style="dim")
    lines = [head]
    for day, row in zip(days, values, strict=True):
        line = Text(day.title().ljust(4))
        for v in row:
            line.append(" " * (cell - (3 if wide else 1)))
            line.append_text(_shade(v, wide))
        lines.append(line)
    legend = (
        "occupancy per hour, % of open room-hours booked"
        if wide
        else ("· none  ░ <25%  ▒ <50%  ▓ <75%  █ 75%+ of open room-hours booked")
    )
    lines.append(Text(legend[:width], style="dim"))
    return lines


def _scope_text(
    building: str | None,
    rooms: list[str],
    feature: str | None,
    min_cap: int | None,
    max_cap: int | None,
) -> str:
    parts = []
    if building:
        parts.append(f"building {building}")
    if rooms:
        parts.append("rooms " + ", ".join(rooms))
    if feature:
        parts.append(f"rooms with {feature}")
    if min_cap or max_cap:
        parts.append(f"{min_cap or 1}-{max_cap or '∞'} seats")
    return "; ".join(parts) or "whole campus"


def show(report: UtilisationReport, scope: str) -> None:
    t = report.totals
    period = f"{report.from_} to {report.to}" + (f" (term {report.term})" if report.term else "")
    console.print(Text(f"Utilisation, {scope}, {period}", style="bold"))
    summary = (
        f"{percent(t.utilisation)} booked: {t.booked_hours:g} of {t.open_hours:g} open "
        f"room-hours in {counted(t.rooms, 'room')}; {counted(t.confirmed, 'booking')}, "
        f"{t.cancelled} cancelled, {counted(t.released, 'no-show')}"
    )
    if report.peak:
        summary += (
            f"; peak {report.peak.weekday.title()} {report.peak.hour:02d}:00 "
            f"({percent(report.peak.occupancy)})"
        )
    if t.seat_fit is not None:
        summary += f"; seat fit {percent(t.seat_fit)} ({t.over_capacity} over capacity)"
    if report.holidays_left_out:
        summary += f"; {report.holidays_left_out} holiday days left out"
    console.print(summary, highlight=False)
    table(
        report.rooms,
        [
            ("room", lambda r: r.code),
            ("seats", lambda r: r.capacity),
            ("open h", lambda r: f"{r.open_hours:g}"),
            ("booked h", lambda r: f"{r.booked_hours:g}"),
            ("use", lambda r: percent(r.utilisation)),
            ("", lambda r: _bar(r.utilisation)),
            ("cancelled", lambda r: r.cancelled),
            ("no-shows", lambda r: r.released),
            *(
                [("seat fit", lambda r: percent(r.seat_fit)), ("over", lambda r: r.over_capacity)]
                if console.width >= 100
                else []
            ),
        ],
        empty="No rooms in that scope.",
    )
    for line in heatmap_lines(report, console.width):
        console.print(line, no_wrap=True)  # cut at the edge (a Text is never highlighted)


@app.command("utilisation")
def utilisation(
    ctx: typer.Context,
    term: Annotated[str | None, typer.Option(help="A term (name or id): its dates.")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).")] = None,
    building: Annotated[str | None, typer.Option(help="Building code or id.")] = None,
    room: Annotated[
        list[str] | None, typer.Option("--room", help="Room code or id (repeat, or a,b).")
    ] = None,
    feature: Annotated[str | None, typer.Option(help="Rooms with this feature.")] = None,
    min_capacity: Annotated[
        int | None, typer.Option(min=1, help="At least this many seats.")
    ] = None,
    max_capacity: Annotated[
        int | None, typer.Option(min=1, help="At most this many seats.")
    ] = None,
    csv_: Annotated[bool, typer.Option("--csv", help="CSV of the rooms on stdout.")] = False,
    png: Annotated[
        Path | None,
        typer.Option(dir_okay=False, help="Write the heatmap and room chart as PNG (matplotlib)."),
    ] = None,
    svg: Annotated[Path | None, typer.Option(dir_okay=False, help="The same as SVG.")] = None,
    json_: Json = False,
) -> None:
    """How well rooms were used: booked against open room-hours, per room and per weekday x
    hour, with cancellations and no-shows. Staff only. Pictures need the reports extra:
    pip install 'compax[reports]'.

    Example: compax report utilisation --term 'Spring 2027' --building B1 --png use.png
    """
    st = state(ctx, json_)
    if term is None and (from_ is None or to is None):
        fail("give --term, or --from and --to", EXIT_USAGE)
    st.field_options.update(min_capacity="--min-capacity")  # --capacity elsewhere
    with client(st) as c:
        found_term = lookup.term(c, term) if term else None
        found_building = lookup.building(c, building) if building else None
        rooms = [lookup.room(c, r) for r in listed(room)]
        report = c.reports.utilisation(
            from_=parse_date(from_, "--from") if from_ else None,
            to=parse_date(to, "--to") if to else None,
            term=found_term.id if found_term else None,
            building=found_building.id if found_building else None,
            room_ids=[r.id for r in rooms] or None,
            feature=feature,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
        )
    scope = _scope_text(
        found_building.code if found_building else None,
        [r.code for r in rooms],
        feature,
        min_capacity,
        max_capacity,
    )
    pictures: list[tuple[Path | None, Literal["png", "svg"]]] = [(png, "png"), (svg, "svg")]
    for path, kind in pictures:
        if path is None:
            continue
        try:
            report_charts.write(report, path, kind, title="Room utilisation", scope=scope)
        except report_charts.MissingMatplotlib as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write {path}: {exc.strerror or exc}")
        note(f"Wrote {path}")
    if st.json:
        print_json(report)
    elif csv_:
        csvout.write(report.rooms, ROOM_FIELDS)
    elif png is None and svg is None:
        show(report, scope)
