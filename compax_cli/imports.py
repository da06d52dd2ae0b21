"""``compax import FILE``: a timetable file (CSV or iCalendar, see ``compax_cli.timetable``)
as one import batch from one source.

It always plans first and shows the plan (counts per action, then the items to look at:
conflicts with the booking in the way, invalid items with the reasons, updates, cancels).
Then, after a confirmation (or ``--yes``), it applies the batch in one transaction: all or
nothing, or with ``--partial`` what is valid. Importing the same file again changes nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from datetime import tzinfo
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.text import Text

from compax_cli.names import Names
from compax_cli.options import Json, SkipClosures, Tz
from compax_cli.output import (
    EXIT_CONFLICT,
    EXIT_ERROR,
    counted,
    err_console,
    error,
    fail,
    note,
    print_json,
    table,
    whose,
)
from compax_cli.session import State, client, state
from compax_cli.times import show_span
from compax_cli.timetable import Campus, Row, read_file
from compax_cli.words import for_people
from compax_sdk import BadRequestError, Compax, ImportBatch, ImportItemResult, ImportRejectedError

ACTIONS = ("create", "update", "unchanged", "cancel", "conflict", "invalid")
CHANGING = ("create", "update", "cancel")
PROBLEMS = ("conflict", "invalid")
MAX_SHOWN = 100  # items listed under the plan


def busy(message: str) -> Any:
    """A spinner on stderr while the server works (on a terminal)."""
    return err_console.status(message) if err_console.is_terminal else nullcontext()


# -- showing a plan -------------------------------------------------------------------------


def _counts(batch: ImportBatch) -> Counter[str]:
    return Counter({a: batch.summary.get(a, 0) for a in ACTIONS})


PLANNED = {"create": "to create", "update": "to update", "cancel": "to cancel"}
DONE = {"create": "created", "update": "updated", "cancel": "cancelled"}


def summary_text(summary: Mapping[str, int], applied: bool) -> str:
    """A batch's ``summary``: ``5 to create, 2 unchanged, 1 conflict; 66 occurrences``
    (``created`` once ``applied``)."""
    words = DONE if applied else PLANNED
    parts = [", ".join(f"{summary[a]} {words.get(a, a)}" for a in ACTIONS if summary.get(a))]
    if summary.get("occurrences"):
        parts.append(counted(summary["occurrences"], "occurrence"))
    if summary.get("bumped"):
        parts.append(counted(summary["bumped"], "member booking") + " bumped")
    return "; ".join(part for part in parts if part) or "no items"


def counts_table(summary: dict[str, int], title: str) -> None:
    """One row: the items per action, then the occurrences (bookings) they make or move."""
    extra = ["occurrences"] + (["bumped"] if summary.get("bumped") else [])

    def count(action: str) -> Text:
        n = summary.get(action, 0)
        style = "bold red" if action in PROBLEMS and n else ("dim" if not n else "")
        return Text(str(n), style=style)

    names = (*ACTIONS, *extra)
    table(
        [summary],
        [
            (name, lambda _, name=name: count(name) if name in ACTIONS else summary.get(name, 0))
            for name in names
        ],
        title=title,
        right=names,
    )


def reasons(result: ImportItemResult, tz: tzinfo, names: Names | None = None) -> str:
    """Why an item conflicts or is invalid, what an update changes, whom it bumps."""
    out: list[str] = []
    for c in result.conflicts or []:
        when = show_span(c.start, c.end, tz) if c.start and c.end else ""
        if c.id is not None:
            title = f" {c.title!r}" if c.title else ""
            owner = None
            if c.owner_id is not None:
                owner = (names or Names(None)).person(c.owner_id)
            out.append(f"in the way: booking {c.id}{title}, {when}{whose(None, owner)}")
        elif c.external_id:
            start = c.start.astimezone(tz).strftime("%a %Y-%m-%d %H:%M") if c.start else ""
            out.append(f"overlaps item {c.external_id} of this file at {start}")
        else:
            out.append(for_people(c.detail or str(c.model_dump(exclude_none=True)), tz))
    for e in result.errors or []:
        where = e.field or e.rule or ""
        on = f" on {e.date}" if e.date else ""
        detail = for_people(e.detail, tz)
        out.append(f"{where}{on}: {detail}" if where else detail)
    if result.changes:
        out.append("changes " + ", ".join(result.changes))
    if result.bumped_booking_ids:
        bumped = result.bumped_booking_ids
        out.append(
            f"cancels member {'booking' if len(bumped) == 1 else 'bookings'} "
            + ", ".join(map(str, bumped))
        )
    for s in result.skipped or []:
        why = for_people(str(s.get("detail") or s.get("reason")), tz)
        out.append(f"leaves out {s.get('date')}: {why}")
    for k in result.exceptions_kept or []:
        fields = ", ".join("room" if f == "room_id" else str(f) for f in k.get("fields", []))
        on = f" on {k['date']}" if k.get("date") else ""
        out.append(
            f"keeps booking {k.get('booking_id')}{on} as changed by hand"
            + (f" ({fields})" if fields else "")
        )
    if result.action == "cancel":
        out.append("no longer in the file")
    return "\n".join(out)


def items_table(
    results: Iterable[ImportItemResult],
    rows: dict[str, Row],
    campus: Campus,
    title: str,
    actions: tuple[str, ...] = (*PROBLEMS, "update", "cancel"),
) -> None:
    """The items with one of ``actions``, or that bump a booking, with the details."""
    shown = [
        r
        for r in results
        if r.action in actions or r.bumped_booking_ids or r.skipped or r.exceptions_kept
    ]
    if not shown:
        return

    def details(r: ImportItemResult) -> str:
        row = rows.get(r.external_id)
        zone = campus.st.display_zone(campus.known_zone(row.item.room) if row else None)
        return reasons(r, zone, campus.st.names)

    def where(r: ImportItemResult) -> str:
        row = rows.get(r.external_id)
        return row.where if row else "(not in the file)"

    table(
        shown[:MAX_SHOWN],
        [
            ("where", where),
            ("external id", lambda r: r.external_id),
            ("kind", lambda r: r.kind, 1),
            ("action", lambda r: r.action),
            ("details", details),
        ],
        title=title,
        wrap={"where": 10, "external id": 10, "details": 16},
        row_style=lambda r: "red" if r.action in PROBLEMS else "",
    )
    if len(shown) > MAX_SHOWN:
        note(f"... and {len(shown) - MAX_SHOWN} more (see --json)")


def _bad_items(exc: BadRequestError, rows: list[Row]) -> list[str]:
    """A 400 about items of the batch, as problems of the file's lines."""
    found = []
    for e in exc.errors:
        match = re.fullmatch(r"/items/(\d+)(?:/(.*))?", e.pointer or "")
        if match is None or int(match.group(1)) >= len(rows):
            return []
        name = (match.group(2) or "").replace("/", ".")
        found.append(f"{rows[int(match.group(1))].where}: {name + ': ' if name else ''}{e.detail}")
    return found


def _lines_failed(errors: list[str], path: Path) -> NoReturn:
    for message in errors[:200]:
        error(message)
    if len(errors) > 200:
        note(f"... and {len(errors) - 200} more")
    lines = counted(len(errors), "line")
    fail(f"{lines} of {path.name} cannot be imported; nothing was sent", EXIT_ERROR)


# -- the command ----------------------------------------------------------------------------


def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="A timetable: .csv (see the columns above) or .ics (iCalendar).",
        ),
    ],
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="Where the timetable comes from, e.g. sis-2027-summer: the same source "
            "every time (its items are matched by external id).",
        ),
    ],
    cancel_missing: Annotated[
        bool,
        typer.Option("--cancel-missing", help="Cancel this source's items missing from the file."),
    ] = False,
    priority: Annotated[
        bool,
        typer.Option("--priority", help="Cancel members' bookings in the way (staff only)."),
    ] = False,
    override: Annotated[
        bool,
        typer.Option(
            "--override",
            help="Staff: book past opening hours, closures, unbookable rooms and booking rules "
            "(recorded in the audit log).",
        ),
    ] = False,
    skip_closures: SkipClosures = False,
    partial: Annotated[
        bool,
        typer.Option(
            "--partial", help="Apply what is valid, leave out conflicting and invalid items."
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only show the plan; change nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """Import a timetable file: plan it, show the plan, then (after you confirm) apply it
    in one transaction. Importing the same file again changes nothing.

    CSV columns: external_id, kind (booking or series), room (code), title, and optional
    description, owner (email) and attendees (people expected); a booking: start, end (RFC
    3339, or local time in the room's building); a series: start_date, start_time (HH:MM),
    duration_minutes, freq (daily, weekly, monthly; default weekly), interval, weekdays
    ("mon wed"), one of until (date), count or term (name or id), excluded_dates
    ("2027-05-25 2027-06-01").
    iCalendar: each VEVENT is an item (UID, SUMMARY, LOCATION = room code, DTSTART/DTEND,
    RRULE makes a series, EXDATE).

    Exit codes: 1 when lines of the file are invalid (each is named), 4 when the plan has
    conflicting or invalid items (nothing is applied unless --partial).

    Example: compax import timetable.csv --source sis-2027-summer --cancel-missing
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        campus = Campus(c, st)
        rows, errors = read_file(file, campus)
        if errors:
            _lines_failed(errors, file)
        if not rows:
            fail(f"{file.name} has no items; nothing was sent")
        kinds = Counter(r.item.kind for r in rows)
        note(
            f"Read {counted(len(rows), 'item')} from {file.name}: "
            f"{kinds['series']} series, {counted(kinds['booking'], 'booking')}."
        )
        items = [r.item for r in rows]
        by_id = {r.item.external_id: r for r in rows}
        try:
            with busy("Planning ..."):
                plan = c.imports.plan(
                    source=source,
                    items=items,
                    cancel_missing=cancel_missing,
                    priority=priority,
                    override=override,
                    skip_closures=skip_closures,
                )
        except BadRequestError as exc:
            bad = _bad_items(exc, rows)
            if not bad:
                raise
            _lines_failed(bad, file)
        counts = _counts(plan)
        problems = counts["conflict"] + counts["invalid"]
        if not st.json:
            counts_table(plan.summary, f"Plan: {plan.source} (import {plan.id})")
            items_table(plan.items, by_id, campus, "Items to look at")
        if dry_run:
            if st.json:
                print_json(plan)
            refused = " (an apply would be refused)" if problems and not partial else ""
            planned = summary_text(plan.summary, applied=False)
            note(f"Dry run: nothing was applied. Plan: {planned}{refused}.")
            return
        if problems and not partial:
            if st.json:
                print_json(plan)
            which = " and ".join(
                counted(counts[a], f"{'conflicting' if a == 'conflict' else 'invalid'} item")
                for a in PROBLEMS
                if counts[a]
            )
            fail(
                f"not applied: {which}, and an import applies all or nothing. Fix them (see "
                "above), or apply the rest with --partial.",
                EXIT_CONFLICT,
            )
        changes = sum(counts[a] for a in CHANGING)
        if not changes:
            if st.json:
                print_json(plan)
            note(f"Nothing to change: {summary_text(plan.summary, applied=False)}.")
            return
        if not yes:
            _confirm(plan, counts, st)
        try:
            with busy("Applying ..."):
                done = c.imports.apply(
                    source=source,
                    items=items,
                    atomic=not partial,
                    cancel_missing=cancel_missing,
                    priority=priority,
                    override=override,
                    skip_closures=skip_closures,
                )
        except ImportRejectedError as exc:  # the timetable changed since the plan
            _rejected(exc, c, by_id, campus, st)
    if st.json:
        print_json(done)
        return
    items_table(done.items, by_id, campus, "Left out (--partial)", PROBLEMS)
    note(f"Applied import {done.id} from {source}: {summary_text(done.summary, applied=True)}.")


def _confirm(plan: ImportBatch, counts: Counter[str], st: State) -> None:
    left_out = counts["conflict"] + counts["invalid"]
    question = (
        f"Apply this plan to {st.base_url} ({summary_text(plan.summary, applied=False)})"
        + (f", leaving out {counted(left_out, 'item')}" if left_out else "")
        + "?"
    )
    try:
        agreed = typer.confirm(question, default=False, err=True)
    except typer.Abort:
        agreed = False
    if not agreed:
        note("Nothing was applied.")
        raise typer.Exit(EXIT_ERROR)


def _rejected(
    exc: ImportRejectedError, c: Compax, rows: dict[str, Row], campus: Campus, st: State
) -> NoReturn:
    if st.json and exc.import_id is not None:
        print_json(c.imports.get(exc.import_id))
    elif not st.json:
        counts_table(exc.summary, f"Rejected (import {exc.import_id})")
        items_table(exc.items, rows, campus, "In the way")
    fail(f"not applied: {exc.detail}", EXIT_CONFLICT)
