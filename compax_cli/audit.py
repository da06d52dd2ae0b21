"""``compax audit``: who changed what, when; and ``tail``, which follows the change feed."""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import Annotated, Any

import typer
from rich.markup import escape

from compax_cli import lookup
from compax_cli.options import Json, Tz
from compax_cli.output import console, note, print_json, print_json_line, table
from compax_cli.session import client, state
from compax_cli.times import parse_time, show_time
from compax_sdk import AuditEvent

app = typer.Typer(help="The audit log: every change, with who made it.")

SHOWN_FIELDS = ("title", "status", "code", "name", "email", "role", "start")


def _short(value: Any, tz: tzinfo) -> str:
    """A value for people: a time in the zone, a long text cut short."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return show_time(moment, tz)
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def change_text(event: AuditEvent, tz: tzinfo) -> str:
    """What changed: ``title: 'A' -> 'B'`` for updates, the main fields otherwise."""
    before, after = event.before or {}, event.after or {}
    if before and after:
        changed = [
            f"{k}: {_short(before[k], tz)} -> {_short(after[k], tz)}"
            for k in after
            if k in before and before[k] != after[k] and k not in ("version", "updated_at")
        ]
        extra = [f"{k}={_short(after[k], tz)}" for k in after if k not in before]
        return "; ".join(changed + extra)
    shown = after or before
    return ", ".join(f"{k}={_short(shown[k], tz)}" for k in SHOWN_FIELDS if k in shown)


def entity(event: AuditEvent) -> str:
    return f"{event.entity_type} {event.entity_id}" if event.entity_id else event.entity_type


def event_line(event: AuditEvent, tz: tzinfo) -> str:
    return (
        f"{show_time(event.at, tz)}  #{event.id}  {event.actor_label}  {event.action}  "
        f"{entity(event)}  {change_text(event, tz)}"
    ).rstrip()


@app.command("list")
def list_(
    ctx: typer.Context,
    entity_type: Annotated[
        str | None, typer.Option("--entity", help="booking, room, building, user, series, ...")
    ] = None,
    entity_id: Annotated[int | None, typer.Option("--id", help="With --entity: this one.")] = None,
    actor: Annotated[str | None, typer.Option(help="Done by this user (email or id).")] = None,
    action: Annotated[str | None, typer.Option(help="e.g. booking.cancel.")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="At or after this time.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Before this time.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show the newest this many.")] = 50,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """List audit events (the newest --limit that match, oldest first).

    Example: compax audit list --entity booking --id 42
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        zone = st.input_zone(c)
        events = deque(
            c.audit_events.list(
                entity_type=entity_type,
                entity_id=entity_id,
                actor_user_id=lookup.user_id(c, actor) if actor else None,
                action=action,
                from_=parse_time(from_, zone, "--from") if from_ else None,
                to=parse_time(to, zone, "--to") if to else None,
                limit=200,
            ),
            maxlen=limit,
        )
    if st.json:
        print_json(list(events))
        return
    table(
        events,
        [
            ("id", lambda e: e.id),
            ("when", lambda e: show_time(e.at, zone)),
            ("who", lambda e: e.actor_label),
            ("action", lambda e: e.action),
            ("what", entity),
            ("change", lambda e: change_text(e, zone)),
        ],
        title=f"Audit log ({zone})",
        wrap=("change",),
        empty="No events match.",
    )


def _print(events: Iterable[AuditEvent], as_json: bool, tz: tzinfo) -> None:
    for event in events:
        if as_json:
            print_json_line(event)
        else:
            console.print(escape(event_line(event, tz)), highlight=False, soft_wrap=True)
    sys.stdout.flush()


@app.command("tail")
def tail(
    ctx: typer.Context,
    lines: Annotated[int, typer.Option("--lines", "-n", min=0, help="Show the last N.")] = 20,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new events as they happen.")
    ] = False,
    interval: Annotated[
        float, typer.Option(min=0.1, help="With --follow: seconds between polls.")
    ] = 2.0,
    since: Annotated[
        str | None, typer.Option(help="Start after this cursor (printed when tail stops).")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    tz: Tz = None,
) -> None:
    """Show the latest changes; with --follow, keep printing new ones (Ctrl-C stops).

    Example: compax audit tail -f --interval 5
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        zone = st.input_zone(c)
        cursor = since
        if since is None:
            last: deque[AuditEvent] = deque(maxlen=lines)
            for page in c.changes.iter_pages(limit=200):
                last.extend(page.data)
                cursor = page.next_cursor
            _print(last, st.json, zone)
        else:
            for page in c.changes.iter_pages(since=since, limit=200):
                _print(page.data, st.json, zone)
                cursor = page.next_cursor
        try:
            while follow:
                time.sleep(interval)
                for page in c.changes.iter_pages(since=cursor, limit=200):
                    _print(page.data, st.json, zone)
                    cursor = page.next_cursor
        except KeyboardInterrupt:
            pass
    note(f"[dim]To continue from here: compax audit tail --since {cursor}[/]")
