"""``compax api-keys``: keys for integrations (admins). The secret is shown once."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

import typer

from compax_cli import lookup
from compax_cli.options import Json, Tz, chosen
from compax_cli.output import details, note, print_json, table
from compax_cli.session import client, state
from compax_cli.times import parse_date, show_time, wall_time
from compax_sdk import Scope

app = typer.Typer(rich_markup_mode="markdown", help="API keys for integrations (admins).")

SCOPES: tuple[Scope, ...] = ("read", "write", "import", "admin")


def scopes(values: list[str] | None) -> list[Scope]:
    """``--scope read,import --scope Write`` (any case); read and write when none is given."""
    return chosen(values, SCOPES, "--scope") or ["read", "write"]


@app.command("list")
def list_(
    ctx: typer.Context,
    user: Annotated[str | None, typer.Option(help="Only this user's (email or id).")] = None,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """List API keys (never their secrets).

    Example: compax api-keys list --user timetable@campus.example
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        found = list(c.api_keys.list(user_id=lookup.user_id(c, user) if user else None, limit=200))
        if not st.json:
            st.names.learn(user_ids=(k.user_id for k in found))
    if st.json:
        print_json(found)
        return
    local = st.display_zone()
    table(
        found,
        [
            ("id", lambda k: k.id),
            ("name", lambda k: k.name),
            ("prefix", lambda k: f"cpx_{k.prefix}...", 4),
            ("user", lambda k: st.names.person(k.user_id), 1),
            ("scopes", lambda k: k.scopes, 2),
            ("last used", lambda k: show_time(k.last_used_at, local), 5),
            ("expires", lambda k: show_time(k.expires_at, local), 3),
            ("revoked", lambda k: show_time(k.revoked_at, local), 3),
        ],
        wrap={"name": 10, "user": 16, "scopes": 10, "last used": 10, "expires": 10, "revoked": 10},
        empty="No API keys.",
    )


@app.command("create")
def create(
    ctx: typer.Context,
    user: Annotated[str, typer.Option(help="The key acts as this user (email or id).")],
    name: Annotated[str, typer.Option(help="What it is for, e.g. 'nightly timetable'.")],
    scope: Annotated[
        list[str] | None, typer.Option(help="read, write, import or admin (repeat, or a,b).")
    ] = None,
    expires: Annotated[
        str | None,
        typer.Option(help="Last day it works (YYYY-MM-DD), to 23:59 in --tz or this machine's."),
    ] = None,
    json_: Json = False,
    tz: Tz = None,
) -> None:
    """Create an API key; its secret is printed once, store it now.

    Example: compax api-keys create --user robot@campus.example --name nightly --scope write
    """
    st = state(ctx, json_, tz)
    with client(st) as c:
        owner = lookup.user(c, user)
        expires_at = None
        if expires:
            day = parse_date(expires, "--expires")
            expires_at = wall_time(
                datetime.combine(day, time(23, 59)), st.display_zone(), "--expires"
            )
        made = c.api_keys.create(
            user_id=owner.id, name=name, scopes=scopes(scope), expires_at=expires_at
        )
    if st.json:
        print_json(made)
        return
    details(
        [
            ("id", made.id),
            ("name", made.name),
            ("user", owner.email),
            ("scopes", made.scopes),
            ("expires", show_time(made.expires_at, st.display_zone()) or "never"),
            ("secret", made.secret),
        ],
        title="API key",
    )
    note("The secret is shown only now: store it (e.g. as COMPAX_API_KEY).", "yellow")


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    key_id: Annotated[int, typer.Argument(help="The key's id (see api-keys list).")],
    json_: Json = False,
) -> None:
    """Revoke an API key: it stops working at once.

    Example: compax api-keys revoke 3
    """
    st = state(ctx, json_)
    with client(st) as c:
        gone = c.api_keys.revoke(key_id)
    if st.json:
        print_json(gone)
    else:
        note(f"Revoked API key {gone.id} ({gone.name}).")
