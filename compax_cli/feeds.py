"""``compax feeds``: calendar subscription URLs (mine, and rooms')."""

from __future__ import annotations

from typing import Annotated

import typer

from compax_cli import lookup
from compax_cli.options import Json
from compax_cli.output import EXIT_CONFLICT, fail, note, print_json
from compax_cli.session import client, state
from compax_sdk import PreconditionFailedError

app = typer.Typer(
    rich_markup_mode="markdown",
    help="Calendar feeds: secret .ics URLs for Google Calendar, Outlook or Apple Calendar.",
)

TOKEN_PLACEHOLDER = "YOUR_FEED_TOKEN"  # noqa: S105 (a placeholder in a printed URL)
HAVE_ONE = (
    "You already have a calendar feed URL: it was shown once, when it was made, and it keeps "
    "working. `compax feeds rotate` makes a new one (the old one stops working)."
)


@app.command("url")
def url(
    ctx: typer.Context,
    room: Annotated[
        str | None,
        typer.Option(
            "--room", "-r", help="A room's calendar instead of your bookings (code or id)."
        ),
    ] = None,
    json_: Json = False,
) -> None:
    """Make your calendar feed URL (your bookings) and print it; with --room, the URL of
    that room's calendar. The server keeps no copy of the secret: once you have a URL,
    this says so (exit code 4) and `compax feeds rotate` makes a new one.

    Example: compax feeds url --room M-101
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = lookup.room(c, room) if room is not None else None
        try:
            feed = c.feeds.url()
        except PreconditionFailedError:
            if found is None:
                fail(HAVE_ONE, EXIT_CONFLICT)
            token = None
        else:
            token = feed.token
        if found is None:
            if st.json:
                print_json(feed)
            else:
                typer.echo(feed.url)
                note("Subscribe to it in your calendar app; keep it secret.")
            return
        room_url = c.feeds.room_url(found, token=token or TOKEN_PLACEHOLDER)
    if st.json:
        print_json({"room_id": found.id, "room": found.code, "url": room_url, "token": token})
        return
    typer.echo(room_url)
    if token is None:
        note(f"Put your feed token in place of {TOKEN_PLACEHOLDER}. {HAVE_ONE}")


@app.command("rotate")
def rotate(ctx: typer.Context, json_: Json = False) -> None:
    """Make a new calendar feed URL; the previous one stops working.

    Example: compax feeds rotate --json
    """
    st = state(ctx, json_)
    with client(st) as c:
        feed = c.feeds.rotate()
    if st.json:
        print_json(feed)
        return
    typer.echo(feed.url)
    note("The previous URL has stopped working: subscribe to this one.")


@app.command("revoke")
def revoke(ctx: typer.Context, json_: Json = False) -> None:
    """Stop your calendar feed URL working (calendar apps get no more updates).

    Example: compax feeds revoke
    """
    st = state(ctx, json_)
    with client(st) as c:
        c.feeds.revoke()
    if st.json:
        print_json({"revoked": True})
        return
    note("Your calendar feed URL no longer works.")
