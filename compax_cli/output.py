"""Terminal output: data to stdout (tables, or JSON with --json), everything else to stderr.

Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 conflict (booking in the way, stale
version), 5 not authenticated or not allowed, 6 cannot reach the server.
"""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_CONFLICT = 4
EXIT_AUTH = 5
EXIT_CONNECTION = 6

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)
