"""``compax``: the staff CLI."""

from __future__ import annotations

import typer

from compax_cli import server

app = typer.Typer(
    name="compax",
    help="Compax: classroom search and booking. Run `compax COMMAND --help` for examples.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
users_app = typer.Typer(help="Users.", no_args_is_help=True)

app.command("serve")(server.serve)
app.add_typer(server.db_app, name="db")
users_app.command("create-admin")(server.create_admin)
app.add_typer(users_app, name="users")


def main() -> None:
    app()
