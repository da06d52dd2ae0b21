"""``compax optimize FILE --term ...``: rooms for every section of a term at once.

The file lists sections (CSV, or a JSON list in the API's shape); the server solves within
the time limit (a progress bar shows the time spent meanwhile), then this prints a summary
(placed, unplaced, mean seat fill, preferences met, against a greedy best-fit run) and the
plan table. ``--apply`` books the placed sections through the timetable import under
``--source``: running it again keeps every section in its room while it still fits.
"""

from __future__ import annotations

import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from compax_cli import lookup
from compax_cli.imports import summary_text
from compax_cli.numbers import is_whole
from compax_cli.options import Json
from compax_cli.output import (
    EXIT_ERROR,
    console,
    counted,
    err_console,
    fail,
    note,
    print_json,
    quoted,
    table,
)
from compax_cli.session import client, state
from compax_cli.timetable import BadLine, Record, read_records, utf8_text
from compax_sdk import Compax, OptimizerItem, OptimizerPlan

REQUIRED = ("external_id", "start_time", "duration_minutes", "headcount")
NUMBERS = ("duration_minutes", "headcount")
LISTS = ("weekdays", "features", "preferred_buildings", "links")
OPTIONAL = ("room_wish", "last_room", "start_date", "until")
COLUMNS = (*REQUIRED, "title", *LISTS, *OPTIONAL)
MAX_SHOWN = 200
MAX_TIME_LIMIT = 120


def parse_seconds(text: str) -> float:
    """``60``, ``60s``, ``2m``, ``1m30s``."""
    match = re.fullmatch(r"\s*(?:(\d+)m)?\s*(?:(\d+)s?)?\s*", text.lower())
    if not text.strip() or match is None or not any(match.groups()):
        raise typer.BadParameter(
            f"{quoted(text)} is not a time (e.g. 60s, 2m)", param_hint="--time-limit"
        )
    seconds = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    if not 1 <= seconds <= MAX_TIME_LIMIT:
        raise typer.BadParameter(
            f"between 1s and {MAX_TIME_LIMIT}s (the server's limit)", param_hint="--time-limit"
        )
    return float(seconds)


def read_sections(path: Path) -> list[dict[str, Any]]:
    """CSV (one section a record; lists space-separated) or JSON (a list of sections). A file
    that cannot be read fails with every line that is wrong, before anything is sent."""
    try:
        text = utf8_text(path.read_bytes(), path.name)
    except BadLine as exc:
        fail(str(exc))
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            fail(f"{path.name} is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
        if not isinstance(data, list):
            fail(f"{path.name}: a JSON list of sections, please")
        return data
    out, errors = read_records(text, COLUMNS, REQUIRED, _section)
    if errors:
        fail("\n".join(f"{path.name} {error}" for error in errors))
    return out


def _section(record: Record) -> dict[str, Any]:
    """One CSV record as a section (``BadLine``: what is wrong with it)."""
    value = {name: record.fields.get(name, "") for name in COLUMNS}
    empty = [name for name in REQUIRED if not value[name]]
    if empty:
        raise BadLine(f"{', '.join(empty)}: empty")
    for name in NUMBERS:
        if not is_whole(value[name]):
            raise BadLine(f"{name}: {quoted(value[name])} is not a whole number")
    section: dict[str, Any] = {
        "external_id": value["external_id"],
        "title": value["title"] or value["external_id"],
        "start_time": value["start_time"],
        **{name: int(value[name]) for name in NUMBERS},
    }
    for name in LISTS:
        items = value[name].replace(",", " ").split()
        if items or name == "weekdays":
            section[name] = [v.lower() if name == "weekdays" else v for v in items]
    for name in OPTIONAL:
        if value[name]:
            section[name] = value[name]
    return section


def _solve(
    c: Compax,
    term_id: int,
    sections: list[dict[str, Any]],
    seconds: float,
    apply: bool,
    partial: bool,
    source: str | None,
    cancel_missing: bool = False,
) -> OptimizerPlan:
    """The call, with a progress bar of the solver's time on a terminal."""

    def call() -> OptimizerPlan:
        if apply:
            return c.optimizer.apply(
                term_id=term_id,
                sections=sections,
                time_limit=seconds,
                source=source,
                atomic=not partial,
                cancel_missing=cancel_missing,
            )
        return c.optimizer.plan(
            term_id=term_id, sections=sections, time_limit=seconds, source=source
        )

    if not err_console.is_terminal:
        return call()
    done = threading.Event()
    with (
        ThreadPoolExecutor(1) as pool,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task(f"Solving {counted(len(sections), 'section')}", total=seconds)
        future = pool.submit(call)
        future.add_done_callback(lambda _: done.set())
        started = time.monotonic()
        while not done.wait(0.2):
            bar.update(task, completed=min(seconds, time.monotonic() - started))
        bar.update(task, completed=seconds)
        return future.result()


def _percent(x: float) -> str:
    return f"{100 * x:.1f} %"


def _share(d: dict[str, int]) -> str:
    return f"{d.get('met', 0)} / {d.get('asked', 0)}" if d.get("asked") else "-"


def summary_table(plan: OptimizerPlan) -> None:
    s, b, solver = plan.summary, plan.baseline, plan.solver
    t = Table(title="Summary", title_justify="left", header_style="bold")
    for name in ("", "optimizer", "greedy best fit"):
        t.add_column(name, justify="right" if name else "left")
    t.add_row("placed", f"{s['placed']} / {s['sections']}", f"{b['placed']} / {b['sections']}")
    t.add_row("unplaced", str(s["unplaced"]), str(b["unplaced"]))
    t.add_row("mean seat fill", _percent(s["mean_seat_fill"]), _percent(b["mean_seat_fill"]))
    t.add_row("fill above threshold", str(s["fill_threshold_met"]), str(b["fill_threshold_met"]))
    for key, label in (
        ("preferred_building", "preferred building"),
        ("room_wish", "room wish"),
        ("kept_room", "kept last room"),
    ):
        t.add_row(label, _share(s[key]), _share(b[key]))
    console.print(t)
    note(
        f"Solver: {solver['status']}, gap {_percent(solver['gap'])}, "
        f"{solver['solve_seconds']} s in {counted(solver['parts'], 'part')}; "
        f"import {plan.import_id}: {summary_text(plan.import_summary, plan.applied)}"
    )


def _preferences(p: dict[str, Any]) -> str:
    """``building #1, kept room``; ``low fill`` under the threshold."""
    out = []
    if "preferred_building" in p:
        rank = p["preferred_building"]
        out.append(f"building #{rank}" if rank else "not a preferred building")
    if "room_wish" in p:
        out.append("wished room" if p["room_wish"] else "not the wished room")
    if "kept_room" in p:
        out.append("kept room" if p["kept_room"] else "moved")
    if not p.get("fill_threshold", True):
        out.append("low fill")
    return ", ".join(out)


def _where(i: OptimizerItem) -> str:
    """The room a section gets; for one left out, ``(M-102)`` where it is still booked."""
    if i.action == "placed":
        return i.room or ""
    return f"({i.current_room})" if i.current_room else "-"


def _fit(i: OptimizerItem) -> str:
    """The preferences a placed section meets; what becomes of an unplaced one's booking."""
    if i.action == "placed":
        return _preferences(i.preferences or {})
    if i.current_room:
        return "still booked from before"
    return "its booking cancelled" if i.import_action == "cancel" else ""


def _outcome(i: OptimizerItem) -> str:
    """What the import does with a placed section; why an unplaced one has no room (and the
    first five rooms that fit, with what is in each)."""
    if i.action == "placed":
        return i.import_action or ""
    r = i.reason or {}
    rooms = ", ".join(
        x["room"]
        + (f" (booking {x['bookings'][0]['id']})" if x.get("bookings") else "")
        + (f" ({' '.join(x['sections'])})" if x.get("sections") else "")
        for x in r.get("rooms", [])[:5]
    )
    return f"{r.get('code')}: {r.get('detail')}" + (f"; {rooms}" if rooms else "")


def plan_table(plan: OptimizerPlan) -> None:
    """The sections left out first (in red), then the placed ones, each by external id."""
    rows = sorted(plan.items, key=lambda i: (i.action == "placed", i.external_id))
    table(
        rows[:MAX_SHOWN],
        [
            ("section", lambda i: i.external_id),
            ("seats", lambda i: i.headcount),
            ("room", _where),
            ("fill", lambda i: _percent(i.seat_fill or 0) if i.action == "placed" else "-"),
            ("preferences", _fit),
            ("import / reason", _outcome),
        ],
        title="Plan",
        wrap={"section": 10, "preferences": 12, "import / reason": 16},
        right=("seats", "fill"),
        row_style=lambda i: "" if i.action == "placed" else "red",
    )
    if len(rows) > MAX_SHOWN:
        note(f"... and {len(rows) - MAX_SHOWN} more (see --json)")


def optimize(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="Sections: .csv (columns above) or .json (a list).",
        ),
    ],
    term: Annotated[str, typer.Option("--term", help="The term (name or id).")],
    time_limit: Annotated[
        str, typer.Option("--time-limit", help="How long the solver may work, e.g. 60s, 2m.")
    ] = "30s",
    apply: Annotated[
        bool, typer.Option("--apply", help="Book the placed sections (through the import).")
    ] = False,
    partial: Annotated[
        bool, typer.Option("--partial", help="With --apply: book what is valid if some is not.")
    ] = False,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Import source to book under (default: optimizer)."),
    ] = None,
    cancel_missing: Annotated[
        bool,
        typer.Option(
            "--cancel-missing",
            help="With --apply: the file is the whole term; cancel what this source booked "
            "before for sections now unplaced or no longer in the file.",
        ),
    ] = False,
    json_: Json = False,
) -> None:
    """Find rooms for every section of a term at once (CP-SAT on the server).

    Shows the summary and the plan; with --apply, books them. Re-running keeps rooms that
    still fit.

    CSV columns: external_id, title, weekdays ("mon wed"), start_time (HH:MM, the
    building's time), duration_minutes, headcount, and optional features ("projector
    computers"), preferred_buildings (codes, best first), room_wish, last_room, links
    (external ids sharing the room), start_date, until.

    Example: compax optimize sections.csv --term "Spring 2027" --time-limit 60s --apply
    """
    st = state(ctx, json_)
    seconds = parse_seconds(time_limit)
    sections = read_sections(file)
    if not sections:
        fail(f"{file.name} has no sections; nothing was sent", EXIT_ERROR)
    with client(st) as c:
        term_id = lookup.term(c, term).id
        note(f"Read {counted(len(sections), 'section')} from {file.name}.")
        plan = _solve(c, term_id, sections, seconds, apply, partial, source, cancel_missing)
    if st.json:
        print_json(plan)
        return
    summary_table(plan)
    plan_table(plan)
    if plan.applied:
        note(f"Applied: {counted(plan.summary['placed'], 'section')} booked under {plan.source}.")
    elif apply:
        note("Nothing was applied.")
    else:
        note("Plan only: nothing was booked (add --apply).")
