"""``compax webhooks``: signed HTTP callbacks for every change."""

from __future__ import annotations

import typer

app = typer.Typer(help="Webhooks: signed HTTP callbacks for every change (staff and admins).")
