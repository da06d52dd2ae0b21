"""``compax``: the staff CLI. Every command talks to the server through ``compax_sdk``,
except the server-side ones (``serve``, ``db``, ``users create-admin``).

One Typer per noun, in a module of the same name as in the other layers (``rooms``,
``bookings``, ...). A new noun is a module with an ``app`` and one ``add_typer`` line below;
a noun with a single command (``import``, in ``imports``) is one ``app.command`` line.
"""

from __future__ import annotations

from typing import Annotated

import typer

from compax_cli import (
    api_keys,
    audit,
    auth,
    bookings,
    buildings,
    checkin,  # noqa: F401  (adds `bookings check-in`)
    demo,
    displays,  # noqa: F401  (adds `rooms display-token`)
    feeds,
    imports,
    noshows,  # noqa: F401  (adds `users lift-noshows`)
    notifications,
    optimize,
    report,
    rooms,
    rules,
    schedule,
    series,
    server,
    terms,
    users,
    waitlist,
    webhooks,
)
from compax_cli.options import Json
from compax_cli.output import EXIT_CODES_HELP
from compax_cli.session import State, refuse_empty
from compax_cli.times import zone
from compax_sdk import __version__

EPILOG = (
    EXIT_CODES_HELP
    + "\n\nEnvironment: COMPAX_URL (--url), COMPAX_API_KEY (--api-key), COMPAX_PROFILE "
    "(--profile), COMPAX_TZ (--tz), COMPAX_CONFIG_DIR (where logins are saved; default "
    "$XDG_CONFIG_HOME/compax or ~/.config/compax)."
    + "\n\nStart with: compax login, then compax demo, then compax rooms search --help."
)

app = typer.Typer(
    rich_markup_mode="markdown",
    name="compax",
    help="Compax: classroom search and booking. Run `compax COMMAND --help` for examples.",
    epilog=EPILOG,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"compax {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    url: Annotated[
        str | None,
        typer.Option(
            envvar="COMPAX_URL",
            help="The Compax server (default: the profile's, else http://127.0.0.1:8000).",
            show_default=False,
        ),
    ] = None,
    profile: Annotated[
        str, typer.Option(envvar="COMPAX_PROFILE", help="Which saved login to use.")
    ] = "default",
    api_key: Annotated[
        str | None,
        typer.Option(envvar="COMPAX_API_KEY", help="Act with this API key instead of a login."),
    ] = None,
    json_: Json = False,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            envvar="COMPAX_TZ",
            help="IANA zone to read and show times in (default: the building's).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Compax: classroom search and booking, for facility staff.

    Example: compax rooms search -c 30 -f projector --from '2027-03-02 10:00' --duration 2h
    """
    refuse_empty(ctx)
    if tz:
        zone(tz)  # a bad zone is a usage error before anything is sent
    ctx.obj = State(url=url, profile=profile, api_key=api_key, json=json_, tz=tz)


app.command("login")(auth.login)
app.command("logout")(auth.logout)
app.command("whoami")(auth.whoami)
app.command("demo")(demo.demo)
app.add_typer(rooms.app, name="rooms")
app.add_typer(buildings.app, name="buildings")
app.add_typer(terms.app, name="terms")
app.add_typer(bookings.app, name="bookings")
app.command("schedule")(schedule.schedule)
app.add_typer(series.app, name="series")
app.add_typer(waitlist.app, name="waitlist")
app.command("import")(imports.import_)
app.command("optimize")(optimize.optimize)
app.add_typer(users.app, name="users")
app.add_typer(api_keys.app, name="api-keys")
app.add_typer(rules.app, name="rules")
app.add_typer(audit.app, name="audit")
app.add_typer(report.app, name="report")
app.add_typer(webhooks.app, name="webhooks")
app.add_typer(notifications.app, name="notifications")
app.add_typer(feeds.app, name="feeds")
app.command("serve")(server.serve)
app.command("worker")(server.worker)
app.add_typer(server.db_app, name="db")


def main() -> None:
    app()
