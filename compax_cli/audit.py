"""``compax audit``: who changed what, when; and ``tail``, which follows the change feed."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any

import typer
from rich.markup import escape

from compax_cli import lookup
from compax_cli.names import Names
from compax_cli.options import Json, Tz
from compax_cli.output import (
    console,
    first,
    more_exist,
    note,
    print_json,
    print_json_line,
    table,
)
from compax_cli.session import client, state
from compax_cli.times import parse_time, show_time
from compax_cli.words import LIMITS
from compax_sdk import AuditEvent

app = typer.Typer(
    rich_markup_mode="markdown", help="The audit log: every change, with who made it."
)

SHOWN_FIELDS = ("title", "status", "code", "name", "email", "role", "start", "room_id", "owner_id")
HIDDEN = ("version", "updated_at")

# Fields that hold an id, as people say them, and how to name what the id points to.
REFERENCES: dict[str, tuple[str, Callable[[Names, int], str]]] = {
    "room_id": ("room", Names.room_code),
    "owner_id": ("owner", Names.person),
    "building_id": ("building", Names.building_code),
    "user_id": ("user", Names.person),
    "actor_user_id": ("by", Names.person),
    "created_by_id": ("booked by", Names.person),
}


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


def _field(key: str, value: Any, tz: tzinfo, names: Names) -> tuple[str, str]:
    """``("room", "M-101")`` for ``room_id: 3``, ``("max length", "4h")`` for a booking
    limit (as ``rules show`` writes it); other fields by their own name."""
    if key in REFERENCES and isinstance(value, int) and not isinstance(value, bool):
        label, name = REFERENCES[key]
        return label, name(names, value)
    if key in LIMITS:
        label, show = LIMITS[key]
        return label, show(value)
    return key, _short(value, tz)


def change_text(event: AuditEvent, tz: tzinfo, names: Names | None = None) -> str:
    """What changed: ``room M-101 → M-103; title 'A' → 'B'`` for updates (rooms by code,
    people by name), the main fields otherwise."""
    names = names or Names(None)
    before, after = event.before or {}, event.after or {}
    if before and after:
        changed = []
        for k in after:
            if k in before and before[k] != after[k] and k not in HIDDEN:
                label, old = _field(k, before[k], tz, names)
                changed.append(f"{label} {old} → {_field(k, after[k], tz, names)[1]}")
        extra = ["{} {}".format(*_field(k, after[k], tz, names)) for k in after if k not in before]
        return "; ".join(changed + extra)
    shown = after or before
    keys = [k for k in SHOWN_FIELDS if k in shown] + [k for k in LIMITS if shown.get(k) is not None]
    return ", ".join("{} {}".format(*_field(k, shown[k], tz, names)) for k in keys)


def entity(event: AuditEvent, names: Names | None = None) -> str:
    """``booking 42``; rooms, buildings and users by code or name."""
    kind = event.entity_type.removeprefix("rules.")
    rules = "rules of " if kind != event.entity_type else ""
    if not event.entity_id:
        return f"{rules}{kind}"
    if names is not None and kind in ("room", "building", "user"):
        return rules + _field(f"{kind}_id", event.entity_id, UTC, names)[1]
    return f"{rules}{kind} {event.entity_id}"


def event_line(event: AuditEvent, tz: tzinfo, names: Names | None = None) -> str:
    return (
        f"{show_time(event.at, tz)}  #{event.id}  {event.actor_label}  {event.action}  "
        f"{entity(event, names)}  {change_text(event, tz, names)}"
    ).rstrip()


def learn_names(names: Names, events: Iterable[AuditEvent]) -> None:
    """Look up the rooms, buildings and people the events name, while the client is open."""
    wanted: dict[str, set[int]] = {"room": set(), "building": set(), "user": set()}
    for e in events:
        entity_key = e.entity_type.removeprefix("rules.") + "_id"
        for snapshot in (e.before or {}, e.after or {}, {entity_key: e.entity_id}):
            for key, value in snapshot.items():
                if key in REFERENCES and isinstance(value, int) and not isinstance(value, bool):
                    kind = key.removesuffix("_id") if key in ("room_id", "building_id") else "user"
                    wanted[kind].add(value)
    names.learn(wanted["room"], wanted["user"], wanted["building"])


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
        page = c.audit_events.list(
            entity_type=entity_type,
            entity_id=entity_id,
            actor_user_id=lookup.user_id(c, actor) if actor else None,
            action=action,
            from_=parse_time(from_, zone, "--from") if from_ else None,
            to=parse_time(to, zone, "--to") if to else None,
            limit=min(limit, 200),
            order="desc",  # the newest: a long log is not read from its start
        )
        newest, more = first(page, limit)
        events = newest[::-1]
        if not st.json:
            learn_names(st.names, events)
    if st.json:
        print_json(list(events))
        return
    table(
        events,
        [
            ("id", lambda e: e.id, 1),
            ("when", lambda e: show_time(e.at, zone)),
            ("who", lambda e: e.actor_label),
            ("action", lambda e: e.action),
            ("what", lambda e: entity(e, st.names)),
            ("change", lambda e: change_text(e, zone, st.names)),
        ],
        title=f"Audit log ({zone})",
        wrap={"when": 10, "who": 12, "what": 10, "change": 16},
        empty="No events match.",
    )
    more_exist(len(events), more, "event", which="newest")


def _print(
    events: Iterable[AuditEvent], as_json: bool, tz: tzinfo, names: Names | None = None
) -> None:
    for event in events:
        if as_json:
            print_json_line(event)
        else:
            line = event_line(event, tz, names)
            console.print(escape(line), highlight=False, soft_wrap=True)
    sys.stdout.flush()


@app.command("tail")
def tail(
    ctx: typer.Context,
    lines: Annotated[
        int, typer.Option("--lines", "-n", min=0, max=200, help="Show the last N.")
    ] = 20,
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
        if since is None:  # the newest, not the whole feed from its start
            newest = c.changes.list(tail=lines)
            _print(newest.data, st.json, zone, st.names)
            cursor = newest.next_cursor
        else:
            for page in c.changes.iter_pages(since=since, limit=200):
                _print(page.data, st.json, zone, st.names)
                cursor = page.next_cursor
        try:
            while follow:
                time.sleep(interval)
                for page in c.changes.iter_pages(since=cursor, limit=200):
                    _print(page.data, st.json, zone, st.names)
                    cursor = page.next_cursor
        except KeyboardInterrupt:
            pass
    note(f"To continue from here: compax audit tail --since {cursor}", "dim")
