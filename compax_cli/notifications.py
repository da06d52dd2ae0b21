"""``compax notifications``: which emails I get."""

from __future__ import annotations

import typer

app = typer.Typer(help="My email notifications: see and choose which emails I get.")
