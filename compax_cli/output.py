"""Terminal output: data to stdout (tables, or JSON with --json), everything else to stderr.

Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 conflict (booking in the way, stale
version), 5 not authenticated or not allowed, 6 cannot reach the server.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.table import Table

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_CONFLICT = 4
EXIT_AUTH = 5
EXIT_CONNECTION = 6

EXIT_CODES_HELP = (
    "Exit codes: 0 ok, 1 error, 2 usage (a bad option or value), 3 not found, "
    "4 conflict (the room is taken, or it changed since you read it), "
    "5 not logged in or not allowed, 6 cannot reach the server."
)

console = Console()
err_console = Console(stderr=True, soft_wrap=True)

T = TypeVar("T")
Column = tuple[str, Callable[[T], object]]


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def note(message: str) -> None:
    """Progress and confirmations: stderr, so that stdout stays data."""
    err_console.print(message, highlight=False)


def jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(value), indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def print_json_line(value: Any) -> None:
    """One JSON document per line (for streams: ``audit tail --follow``)."""
    sys.stdout.write(json.dumps(jsonable(value), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def table(
    rows: Iterable[T],
    columns: Sequence[Column[T]],
    *,
    title: str | None = None,
    empty: str = "Nothing to show.",
    wrap: Collection[str] = (),
) -> None:
    """A table of ``rows`` on stdout; ``empty`` on stderr when there are none. The text
    columns named in ``wrap`` keep some width on a narrow screen."""
    rows = list(rows)
    if not rows:
        note(f"[dim]{empty}[/]")
        return
    t = Table(title=title, title_justify="left", header_style="bold")
    for header, _ in columns:
        t.add_column(header, min_width=12 if header in wrap else None, overflow="fold")
    for row in rows:
        t.add_row(*(cell(get(row)) for _, get in columns))
    console.print(t)


def details(pairs: Sequence[tuple[str, object]], *, title: str | None = None) -> None:
    """One object as a two-column table on stdout."""
    t = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2, 0, 0))
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    for label, value in pairs:
        t.add_row(label, cell(value))
    console.print(t)
