"""``compax rooms display-token``: the token for the tablet at a room's door (staff).

The token opens ``<server>/display/<token>``: the room's day, free or busy, and a check-in
button. It may do nothing else; ``--revoke`` ends every token of the room."""

from __future__ import annotations

from typing import Annotated

import typer

from compax_cli import lookup
from compax_cli.options import Json
from compax_cli.output import counted, details, note, print_json
from compax_cli.rooms import app
from compax_cli.session import client, state


@app.command("display-token")
def display_token(
    ctx: typer.Context,
    room: Annotated[str, typer.Argument(help="Room code or id.")],
    revoke: bool = typer.Option(False, "--revoke", help="Revoke every display token instead."),
    json_: Json = False,
) -> None:
    """Staff: make a token for the display at the room's door (shown once), or revoke them.

    Example: compax rooms display-token B1-204

    Example: compax rooms display-token B1-204 --revoke
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = lookup.room(c, room)
        if revoke:
            revoked = c.rooms.revoke_display_tokens(found.id)
            if st.json:
                print_json(revoked)
            else:
                note(f"Revoked {counted(revoked.revoked, 'display token')} of {found.code}.")
            return
        made = c.rooms.create_display_token(found.id)
        base = str(c.base_url).rstrip("/")
    if st.json:
        print_json(made)
        return
    note("Open this address on the room's display; the token is not shown again.")
    details(
        [
            ("room", found.code),
            ("token", made.token),
            ("page", base.removesuffix("/api/v1") + made.url_path),
        ],
        title="Display token",
    )
