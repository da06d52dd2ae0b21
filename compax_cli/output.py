"""Terminal output: data to stdout (tables, or JSON with --json), everything else to stderr.

Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 conflict (booking in the way, stale
version), 5 not authenticated or not allowed, 6 cannot reach the server.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import BaseModel
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from compax_sdk import SyncPage

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

UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What a terminal obeys rather than shows: control characters (an escape sequence in a
booking's title would clear the screen or retitle the window) and the overrides that turn
text right to left (a room code that reads as another). Line breaks are text (a CR rich
drops itself); so are the plain direction marks of right-to-left names."""


def printable(text: str) -> str:
    """``text`` with what ``UNPRINTABLE`` matches written out (``\\x1b``, ``\\u202e``) and a
    tab as a space (a table measures a tab as nothing, then cuts what it pushes out)."""
    return UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text).replace("\t", " ")


class Terminal(Console):
    """rich's console, where text (a title from the server, a line of a file) never reaches
    the terminal as control characters: only rich's own styles and cursor moves do. The CLI
    writes what it shows through ``printable`` first (so that tables measure it as shown);
    this is the net under anything that was not."""

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterator[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and UNPRINTABLE.search(segment.text):
                yield Segment(printable(segment.text), segment.style)
            else:
                yield segment


console = Terminal()
err_console = Terminal(stderr=True)

T = TypeVar("T")
Column = tuple[str, Callable[[T], object]] | tuple[str, Callable[[T], object], int]
"""``(header, get)`` or ``(header, get, priority)``: see ``table``."""


def error(message: str) -> None:
    """``error: ...`` on stderr, wrapped at the terminal's width: a wrapped line keeps its
    indentation and two more spaces, so that the lines of a list stay apart."""
    width = max(err_console.width, 1)  # textwrap needs a column
    lines: list[str] = []
    for i, line in enumerate(printable(message).splitlines() or [""]):
        text = f"error: {line}" if i == 0 else line
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        lines += textwrap.wrap(text, width, subsequent_indent=indent, break_on_hyphens=False) or [
            text
        ]
    out = Text()
    out.append("error:", style="bold red")
    out.append("\n".join(lines)[len("error:") :])
    err_console.print(out, highlight=False)


def quoted(text: str, width: int = 60) -> str:
    """What someone typed, in quotes, cut to ``width`` characters: a message about a value
    pasted by mistake (a page of text as a room code) does not repeat the page."""
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    error(message)
    raise typer.Exit(code)


def note(message: str | Text, style: str = "") -> None:
    """Progress and confirmations: stderr, so that stdout stays data. The message is plain
    text (a name ``[old]`` or ``x[/]`` stays as it is), in ``style``; a ``Text`` for a
    message styled in parts."""
    text = message if isinstance(message, Text) else Text(printable(message), style=style)
    err_console.print(text, highlight=False)


def jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def first(page: SyncPage[T], limit: int) -> tuple[list[T], bool]:
    """The first ``limit`` items of a list, and whether the server has more (its next cursor
    says so; no page is fetched just to find out). Say it with ``more_exist``."""
    found: list[T] = []
    for each in page.iter_pages():
        found += each.data
        if len(found) >= limit:
            return found[:limit], len(found) > limit or each.next_cursor is not None
    return found, False


def more_exist(shown: int, more: bool, noun: str, nouns: str = "", which: str = "first") -> None:
    """Say on stderr that a list was cut at ``--limit`` and the server has more:
    ``Showing the first 1 room; more exist ...`` (``counted``'s ``noun`` and ``nouns``)."""
    if more:
        note(
            f"Showing the {which} {counted(shown, noun, nouns)}; more exist "
            "(raise --limit, or narrow the filters).",
            "dim",
        )


def whose(status: str | None, person: str | None) -> str:
    """The end of a line naming a booking in the way: its state and its person, a
    waitlist offer as held for them."""
    if status == "held" and person:
        return f", held for {person} (a waitlist offer)"
    return (f", {status}" if status else "") + (f", booked by {person}" if person else "")


def counted(count: int, noun: str, nouns: str = "") -> str:
    """``1 room``, ``2 rooms``: a count with its noun, plural (``nouns``, or ``noun`` and an
    s) unless it is one."""
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


def said_changed(what: str, before: int, after: int) -> None:
    """``Changed room M-101.``, or, when the server kept the version (the values given were
    the ones it had: nothing is written then), that nothing changed."""
    if after == before:
        note(f"Nothing changed: {what} already had these values.")
    else:
        note(f"Changed {what}.")


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
        return printable(", ".join(str(v) for v in value))
    return printable(str(value))


WRAP_MIN = 12
"""The narrowest a wrapping text column (a title, a change) gets before columns are left out."""


def _text(value: object) -> Text:
    """A cell as plain text (never markup: a title ``[x]`` stays ``[x]``); a ``Text`` as it is."""
    return value if isinstance(value, Text) else Text(cell(value))


def _title(title: str | None) -> Text | None:
    """A table's title as plain text (a term ``Spring [old]`` keeps its brackets), in the
    style rich gives titles."""
    return Text(printable(title), style="table.title") if title is not None else None


def _natural(header: str, values: Sequence[object]) -> int:
    """The width a column wants: its header, or its longest line."""
    lines = [line for v in values for line in _text(v).plain.splitlines() or [""]]
    return max([len(header), *(cell_len(line) for line in lines)])


def _longest_word(values: Sequence[object]) -> int:
    return max((cell_len(w) for v in values for w in _text(v).plain.split()), default=0)


def fit(
    columns: Sequence[Column[Any]],
    cells: Sequence[Sequence[object]],
    width: int,
    wrap: Collection[str] | Mapping[str, int] = (),
) -> tuple[list[int], dict[int, int] | None]:
    """How to show a table in ``width`` characters: the indexes of the columns to show, and
    the widths of its wrapping columns (``{}``: every column at its full width; ``None``: it
    cannot fit, so every column folds).

    A column that does not wrap needs its full width; a wrapping one (named in ``wrap``)
    needs ``WRAP_MIN``, or what ``wrap`` maps it to (a longer word is cut). When the columns
    do not fit, the ones with the highest priority number are left out first (the rightmost
    of equals first); priority 0 stays. Then the widest wrapping columns are narrowed until
    the table fits: down to their longest word first, and only then further."""
    natural = [_natural(c[0], [row[i] for row in cells]) for i, c in enumerate(columns)]

    def wraps(i: int) -> bool:
        return columns[i][0] in wrap

    def needs(i: int) -> int:
        if not wraps(i):
            return natural[i]
        header_word = max(len(word) for word in columns[i][0].split() or [""])
        return min(natural[i], max(_wrap_min(columns[i][0], wrap), header_word))

    def room(shown: list[int]) -> int:
        return width - (3 * len(shown) + 1)  # borders and padding

    shown = list(range(len(columns)))
    while sum(needs(i) for i in shown) > room(shown):
        droppable = [i for i in shown if _priority(columns[i]) > 0]
        if not droppable:
            return shown, None
        shown.remove(max(droppable, key=lambda i: (_priority(columns[i]), i)))
    if sum(natural[i] for i in shown) <= room(shown):
        return shown, {}
    widths = {i: natural[i] for i in shown if wraps(i)}
    excess = sum(natural[i] for i in shown) - room(shown)
    words = {i: max(needs(i), _longest_word([row[i] for row in cells])) for i in widths}
    for floor in (words, {i: needs(i) for i in widths}):  # cut no word if that is enough
        while excess > 0 and any(widths[i] > floor[i] for i in widths):
            widest = max(  # the widest wrapping column gives up a character
                (i for i in widths if widths[i] > floor[i]),
                key=lambda i: (widths[i], natural[i], i),
            )
            widths[widest] -= 1
            excess -= 1
    return shown, widths


def _wrap_min(header: str, wrap: Collection[str] | Mapping[str, int]) -> int:
    return wrap[header] if isinstance(wrap, Mapping) else WRAP_MIN


def _priority(column: Column[Any]) -> int:
    return column[2] if len(column) > 2 else 0


def table(
    rows: Iterable[T],
    columns: Sequence[Column[T]],
    *,
    title: str | None = None,
    empty: str = "Nothing to show.",
    wrap: Collection[str] | Mapping[str, int] = (),
    right: Collection[str] = (),
    row_style: Callable[[T], str] | None = None,
) -> None:
    """A table of ``rows`` on stdout; ``empty`` on stderr when there are none. The one table
    of the CLI: every list goes through it, so every list reads at 80 columns.

    A column is ``(header, get)`` or ``(header, get, priority)``. Priority 0 (the default) is
    always shown; when the table does not fit the terminal, the columns with the highest
    priority number are left out first, and a note on stderr names them. The text columns
    named in ``wrap`` wrap at words (at least ``WRAP_MIN`` wide, or as wide as ``wrap`` maps
    them to); the others keep their width.
    A wider terminal shows every column at its full width. ``right``: numbers, aligned right;
    ``row_style``: a rich style per row. ``get`` may return a rich ``Text`` for a styled cell."""
    rows = list(rows)
    if not rows:
        note(empty, "dim")
        return
    cells = [[column[1](row) for column in columns] for row in rows]
    width = console.width
    shown, widths = fit(columns, cells, width, wrap)
    t = Table(title=_title(title), title_justify="left", header_style="bold")
    for i in shown:
        header = columns[i][0]
        t.add_column(
            header,
            width=widths.get(i) if widths else None,
            no_wrap=widths is not None and header not in wrap,
            overflow="fold",
            justify="right" if header in right else "left",
        )
    for row, values in zip(rows, cells, strict=True):
        t.add_row(*(_text(values[i]) for i in shown), style=row_style(row) if row_style else None)
    console.print(t)
    left_out = [column[0] for i, column in enumerate(columns) if i not in shown]
    if left_out:
        note(
            f"Left out to fit {width} columns: {', '.join(left_out)} "
            "(a wider terminal or --json shows them).",
            "dim",
        )


def details(pairs: Sequence[tuple[str, object]], *, title: str | None = None) -> None:
    """One object as a two-column table on stdout."""
    t = Table(
        title=_title(title), title_justify="left", show_header=False, box=None, padding=(0, 2, 0, 0)
    )
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    for label, value in pairs:
        t.add_row(label, _text(value))
    console.print(t)
