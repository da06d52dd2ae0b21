"""``compax notifications``: which emails I get."""

from __future__ import annotations

from typing import Annotated

import typer

from compax_cli.options import Json, chosen
from compax_cli.output import fail, note, print_json, table
from compax_cli.session import client, require_a_change, state
from compax_sdk import Compax
from compax_sdk.resources.notifications import NotificationPreferences

app = typer.Typer(
    rich_markup_mode="markdown", help="My email notifications: see and choose which emails I get."
)


def _show(prefs: NotificationPreferences) -> None:
    off = set(prefs.email_opt_out)
    table(
        prefs.kinds,
        [
            ("kind", lambda k: k.kind),
            ("email", lambda k: "off" if k.kind in off else "on"),
            ("about", lambda k: k.description, 1),
        ],
        empty="This server sends no kinds of email.",
        wrap=("about",),
    )
    if not prefs.email_enabled:
        note("This server sends no email at all (no SMTP server is configured).", "yellow")


@app.command("show")
def show(ctx: typer.Context, json_: Json = False) -> None:
    """Show every kind of email and whether you get it.

    Example: compax notifications show
    """
    st = state(ctx, json_)
    with client(st) as c:
        prefs = c.notifications.get()
    if st.json:
        print_json(prefs)
        return
    _show(prefs)


def _change(c: Compax, off_: list[str] | None, on_: list[str] | None) -> NotificationPreferences:
    """``--off reminder,digest --on Moved``: the kinds the server knows, in any case."""
    current = c.notifications.get()
    known = tuple(sorted(k.kind for k in current.kinds))
    off, on = chosen(off_, known, "--off"), chosen(on_, known, "--on")
    both = sorted(set(off) & set(on))
    if both:
        fail(f"both --off and --on: {', '.join(both)}", 2)
    wanted = [k for k in current.email_opt_out if k not in on]
    wanted += [k for k in off if k not in wanted]
    return c.notifications.update(email_opt_out=wanted)


@app.command("set")
def set_(
    ctx: typer.Context,
    off: Annotated[
        list[str] | None,
        typer.Option("--off", help="Stop this kind of email (repeat, or a,b).", show_default=False),
    ] = None,
    on: Annotated[
        list[str] | None,
        typer.Option(
            "--on", help="Get this kind of email again (repeat, or a,b).", show_default=False
        ),
    ] = None,
    json_: Json = False,
) -> None:
    """Turn kinds of email off or on; the others stay as they are. `compax notifications
    show` lists the kinds.

    Example: compax notifications set --off reminder --off digest --on cancelled
    """
    st = state(ctx, json_)
    require_a_change(ctx)
    with client(st) as c:
        prefs = _change(c, off, on)
    if st.json:
        print_json(prefs)
        return
    _show(prefs)
    note("Saved.", "green")
