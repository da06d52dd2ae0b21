"""``compax webhooks``: signed HTTP callbacks for every change."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from compax_cli import lookup
from compax_cli.names import Names
from compax_cli.options import Json, Limit, Tz, given, listed
from compax_cli.output import counted, details, first, more_exist, note, print_json, table
from compax_cli.session import client, require_a_change, state
from compax_cli.times import parse_time, show_time
from compax_sdk import NOT_GIVEN, Compax, NotGiven, Webhook, WebhookCreated

app = typer.Typer(
    rich_markup_mode="markdown",
    help="Webhooks: signed HTTP callbacks for every change (staff and admins).",
)

Events = Annotated[
    list[str] | None,
    typer.Option(
        "--event",
        help="Change-feed action (booking.create), family (booking.*) or * (repeat, or a,b).",
    ),
]
WebhookId = Annotated[int, typer.Argument(help="The webhook's id (see webhooks list).")]


def _building(c: Compax, ref: str | None) -> int | NotGiven | None:
    if ref is None:
        return NOT_GIVEN
    return None if ref == "" else lookup.building(c, ref).id


def _room(c: Compax, ref: str | None) -> int | NotGiven | None:
    if ref is None:
        return NOT_GIVEN
    return None if ref == "" else lookup.room(c, ref).id


def _learn(names: Names, hook: Webhook) -> None:
    """Look up the building and room a webhook is narrowed to while the client is open."""
    names.learn(
        room_ids=[hook.room_id] if hook.room_id is not None else [],
        building_ids=[hook.building_id] if hook.building_id is not None else [],
    )


def _show(hook: Webhook, names: Names) -> None:
    """The webhook, its building and room by code; disabled: why (by failures, or by hand)."""
    pairs: list[tuple[str, object]] = [
        ("id", hook.id),
        ("url", hook.url),
        ("events", hook.event_types),
        ("description", hook.description),
        ("building", names.building_code(hook.building_id)),
        ("room", names.room_code(hook.room_id)),
        ("source", hook.source or ""),
        ("active", "yes" if hook.active else f"no: {hook.disabled_reason or 'by hand'}"),
        ("version", hook.version),
    ]
    if isinstance(hook, WebhookCreated):
        pairs.append(("secret", hook.secret))
    details(pairs, title="Webhook")
    if isinstance(hook, WebhookCreated):
        note(
            "The secret is shown only now: give it to the receiver, which checks each "
            "delivery's webhook-signature with it.",
            "yellow",
        )


@app.command("add")
def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Where to POST the events (http or https).")],
    event: Events = None,
    description: Annotated[str, typer.Option(help="What it is for.")] = "",
    building: Annotated[str | None, typer.Option(help="Only this building's events.")] = None,
    room: Annotated[str | None, typer.Option(help="Only this room's events.")] = None,
    source: Annotated[str | None, typer.Option(help="Only this import source's.")] = None,
    json_: Json = False,
) -> None:
    """Subscribe a URL to events; the signing secret is printed once.

    Example: compax webhooks add https://hooks.example.org/compax --event 'booking.*'
    """
    st = state(ctx, json_)
    with client(st) as c:
        made = c.webhooks.create(
            url=url,
            event_types=listed(event) or ["*"],
            description=description,
            building_id=lookup.building(c, building).id if building else None,
            room_id=lookup.room(c, room).id if room else None,
            source=source,
        )
        if not st.json:
            _learn(st.names, made)
    if st.json:
        print_json(made)
    else:
        _show(made, st.names)


@app.command("list")
def list_(ctx: typer.Context, json_: Json = False) -> None:
    """List webhooks (never their secrets).

    Example: compax webhooks list --json
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = list(c.webhooks.list(limit=200))
    if st.json:
        print_json(found)
        return
    table(
        found,
        [
            ("id", lambda w: w.id),
            ("url", lambda w: w.url),
            ("events", lambda w: w.event_types),
            ("active", lambda w: "yes" if w.active else "no"),
            ("description", lambda w: w.description, 1),
        ],
        wrap={"url": 20, "events": 12, "description": 12},
        empty="No webhooks.",
    )


@app.command("show")
def show(ctx: typer.Context, webhook_id: WebhookId, json_: Json = False) -> None:
    """Show one webhook.

    Example: compax webhooks show 3
    """
    st = state(ctx, json_)
    with client(st) as c:
        hook = c.webhooks.get(webhook_id)
        if not st.json:
            _learn(st.names, hook)
    if st.json:
        print_json(hook)
    else:
        _show(hook, st.names)


@app.command("update")
def update(
    ctx: typer.Context,
    webhook_id: WebhookId,
    url: Annotated[str | None, typer.Option(help="A new target.")] = None,
    event: Events = None,
    description: Annotated[str | None, typer.Option(help="What it is for.")] = None,
    building: Annotated[
        str | None, typer.Option(help="Only this building's events ('' for any).")
    ] = None,
    room: Annotated[str | None, typer.Option(help="Only this room's events ('' for any).")] = None,
    source: Annotated[
        str | None, typer.Option(help="Only this import source's ('' for any).")
    ] = None,
    enable: Annotated[
        bool | None,
        typer.Option("--enable/--disable", help="Turn it on again (after failures) or off."),
    ] = None,
    json_: Json = False,
) -> None:
    """Change a webhook (against the version just read).

    Example: compax webhooks update 3 --enable
    """
    st = state(ctx, json_, may_be_empty=frozenset({"building", "room", "source"}))
    require_a_change(ctx)
    with client(st) as c:
        hook = c.webhooks.get(webhook_id)
        types = listed(event)
        changed = c.webhooks.update(
            hook,
            url=given(url),
            event_types=types if types else NOT_GIVEN,
            description=given(description),
            building_id=_building(c, building),
            room_id=_room(c, room),
            source=NOT_GIVEN if source is None else (source or None),
            active=given(enable),
        )
        if not st.json:
            _learn(st.names, changed)
    if st.json:
        print_json(changed)
    else:
        _show(changed, st.names)


@app.command("delete")
def delete(ctx: typer.Context, webhook_id: WebhookId, json_: Json = False) -> None:
    """Delete a webhook and its delivery log.

    Example: compax webhooks delete 3
    """
    st = state(ctx, json_)
    with client(st) as c:
        c.webhooks.delete(webhook_id)
    if st.json:
        print_json({"deleted": webhook_id})
    else:
        note(f"Deleted webhook {webhook_id}.")


@app.command("test")
def send_test(ctx: typer.Context, webhook_id: WebhookId, json_: Json = False) -> None:
    """Queue a webhook.test event; see the answer with 'compax webhooks deliveries'.

    Example: compax webhooks test 3
    """
    st = state(ctx, json_)
    with client(st) as c:
        queued = c.webhooks.test(webhook_id)
    if st.json:
        print_json(queued)
    else:
        note(f"Queued test delivery {queued.id} ({queued.webhook_id}).")


@app.command("deliveries")
def deliveries(
    ctx: typer.Context,
    webhook_id: WebhookId,
    status: Annotated[
        Literal["pending", "sending", "delivered", "failed"] | None,
        typer.Option(help="Only these."),
    ] = None,
    limit: Limit = 50,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """The delivery log of a webhook, the newest first.

    Example: compax webhooks deliveries 3 --status failed
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        page = c.webhooks.list_deliveries(webhook_id, status=status, limit=min(limit, 200))
        found, more = first(page, limit)
    if st.json:
        print_json(found)
        return
    local = st.display_zone()
    table(
        found,
        [
            ("id", lambda d: d.id),
            ("webhook-id", lambda d: d.webhook_id, 3),
            ("event", lambda d: d.event_type),
            ("status", lambda d: d.status),
            ("attempts", lambda d: d.attempts, 2),
            ("last", lambda d: d.last_status or "", 1),
            (
                "next",
                lambda d: show_time(d.next_attempt_at, local) if d.status == "pending" else "",
            ),
            ("error", lambda d: d.last_error, 1),
        ],
        wrap={"event": 12, "next": 10, "error": 12},
        empty="No deliveries.",
    )
    more_exist(len(found), more, "delivery", "deliveries")


@app.command("redeliver")
def redeliver(
    ctx: typer.Context,
    webhook_id: WebhookId,
    delivery: Annotated[int | None, typer.Option(help="One delivery (its id).")] = None,
    since: Annotated[
        str | None, typer.Option(help="Everything queued since (e.g. '2026-11-29 08:00').")
    ] = None,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """Send deliveries again (same webhook-id): one, or everything since a time.

    Example: compax webhooks redeliver 3 --since '2026-11-29 08:00'
    """
    if (delivery is None) == (since is None):
        raise typer.BadParameter("give --delivery ID or --since TIME", param_hint="--delivery")
    st = state(ctx, json_, tz)
    with client(st) as c:
        if delivery is not None:
            one = c.webhooks.redeliver(webhook_id, delivery)
            result: object = one
            message = f"Queued delivery {one.id} again."
        else:
            assert since is not None
            count = c.webhooks.redeliver_since(
                webhook_id, parse_time(since, st.display_zone(), "--since")
            ).count
            result = {"count": count}
            message = f"Queued {counted(count, 'delivery', 'deliveries')} again."
    if st.json:
        print_json(result)
    else:
        note(message)


@app.command("rotate-secret")
def rotate_secret(
    ctx: typer.Context, webhook_id: WebhookId, json_: Json = False, tz: Tz = None
) -> None:
    """A new signing secret, printed once; the old one keeps signing for a grace period.

    Example: compax webhooks rotate-secret 3
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        rotated = c.webhooks.rotate_secret(webhook_id)
        if not st.json:
            _learn(st.names, rotated)
    if st.json:
        print_json(rotated)
        return
    _show(rotated, st.names)
    until = show_time(rotated.previous_secret_until, st.display_zone())
    if until:
        note(f"The old secret also signs until {until}.")
