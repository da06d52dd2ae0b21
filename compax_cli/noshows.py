"""``compax users lift-noshows``: staff lift a member's no-show ban."""

from __future__ import annotations

from typing import Annotated

import typer

from compax_cli import lookup
from compax_cli.options import Json
from compax_cli.output import note, print_json
from compax_cli.session import client, state
from compax_cli.users import app


@app.command("lift-noshows")
def lift_noshows(
    ctx: typer.Context,
    user: Annotated[str, typer.Argument(help="The member's email or id.")],
    json_: Json = False,
) -> None:
    """Staff: let a member book again after missed check-ins.

    The member's no-shows so far no longer count.

    Example: compax users lift-noshows mia@campus.example
    """
    st = state(ctx, json_)
    with client(st) as c:
        lifted = c.users.lift_noshows(lookup.user_id(c, user))
    if st.json:
        print_json(lifted)
    else:
        note(f"Lifted the no-show ban of user {lifted.user_id}.")
