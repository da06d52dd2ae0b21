"""``compax users``: user management (admins), and ``create-admin`` (server side)."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from compax_cli import lookup, server
from compax_cli.options import Json, Limit, given
from compax_cli.output import details, first, more_exist, note, print_json, said_changed, table
from compax_cli.session import State, client, require_a_change, state
from compax_cli.times import show_time
from compax_sdk import User

app = typer.Typer(rich_markup_mode="markdown", help="Users: people and service accounts (admins).")
app.command("create-admin")(server.create_admin)

Role = Literal["admin", "staff", "member"]
UserRef = Annotated[str, typer.Argument(help="Email or id.")]


def show_user(st: State, user: User) -> None:
    if st.json:
        print_json(user)
        return
    tz = st.display_zone()
    details(
        [
            ("id", user.id),
            ("email", user.email),
            ("name", user.full_name),
            ("role", user.role),
            ("active", user.is_active),
            ("created", show_time(user.created_at, tz)),
        ],
        title=f"User {user.email}",
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    role: Annotated[Role | None, typer.Option(help="Only this role.")] = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive", help="Only these.")] = None,
    text: Annotated[str | None, typer.Option("--text", "-q", help="Part of email or name.")] = None,
    limit: Limit = 500,
    json_: Json = False,
) -> None:
    """List users.

    Example: compax users list --role staff
    """
    st = state(ctx, json_)
    with client(st) as c:
        page = c.users.list(role=role, is_active=active, q=text, limit=min(limit, 200))
        found, more = first(page, limit)
    if st.json:
        print_json(found)
        return
    table(
        found,
        [
            ("id", lambda u: u.id, 2),
            ("email", lambda u: u.email),
            ("name", lambda u: u.full_name),
            ("role", lambda u: u.role),
            ("active", lambda u: u.is_active, 1),
        ],
        wrap={"email": 16, "name": 12},
        empty="No users match.",
    )
    more_exist(len(found), more, "user")


@app.command("show")
def show(ctx: typer.Context, user: UserRef, json_: Json = False) -> None:
    """Show a user.

    Example: compax users show ada@campus.example
    """
    st = state(ctx, json_)
    with client(st) as c:
        show_user(st, lookup.user(c, user))


@app.command("add")
def add(
    ctx: typer.Context,
    email: Annotated[str, typer.Option(help="Login email.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    role: Annotated[Role, typer.Option(help="What they may do.")] = "member",
    password: Annotated[
        str | None,
        typer.Option(help="10+ characters; omit for a service account that uses API keys."),
    ] = None,
    json_: Json = False,
) -> None:
    """Add a user.

    Example: compax users add --email ada@campus.example --name 'Ada Lovelace' --role staff
    """
    st = state(ctx, json_)
    with client(st) as c:
        made = c.users.create(email=email, full_name=name, role=role, password=password)
    note(f"Added {made.role} {made.email} (id {made.id}).")
    show_user(st, made)


@app.command("edit")
def edit(
    ctx: typer.Context,
    user: UserRef,
    email: Annotated[str | None, typer.Option(help="New email.")] = None,
    name: Annotated[str | None, typer.Option(help="New full name.")] = None,
    role: Annotated[Role | None, typer.Option(help="New role (ends their sessions).")] = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive")] = None,
    password: Annotated[str | None, typer.Option(help="Reset the password.")] = None,
    json_: Json = False,
) -> None:
    """Change a user; only the options given change.

    Example: compax users edit ada@campus.example --role admin
    """
    st = state(ctx, json_)
    require_a_change(ctx)
    with client(st) as c:
        found = lookup.user(c, user)
        changed = c.users.update(
            found,
            email=given(email),
            full_name=given(name),
            role=given(role),
            is_active=given(active),
            password=given(password),
        )
    said_changed(f"user {changed.email}", found.version, changed.version)
    show_user(st, changed)


@app.command("deactivate")
def deactivate(ctx: typer.Context, user: UserRef, json_: Json = False) -> None:
    """Deactivate a user: no more logins, their API keys stop working.

    Example: compax users deactivate ada@campus.example
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = lookup.user(c, user)
        gone = c.users.deactivate(found.id)
    note(f"Deactivated {gone.email}.")
    show_user(st, gone)
