"""``compax_cli.output`` on its own (no server): what a person reads on the terminal, at a
known width: errors wrapped with their lists apart, tables that fit or say what they left
out, JSON for scripts, and a list cut at ``--limit`` that says more exist."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import typer
from pydantic import BaseModel, Field
from rich.console import Console
from rich.text import Text

from compax_cli import csvout, output
from compax_cli.output import cell, fit, jsonable
from compax_sdk import SyncPage


def test_an_error_wraps_at_the_width_and_keeps_its_lines_apart(screen):
    s = screen(40)
    output.error(
        "the closure would cover 2 booking(s); nothing was changed:\n"
        "  booking 7 'Linear algebra for first years' in M-101\n"
        "\n"
        "a last line"
    )
    assert s.err == (
        "error: the closure would cover 2\n"
        "  booking(s); nothing was changed:\n"
        "  booking 7 'Linear algebra for first\n"
        "    years' in M-101\n"  # a wrapped line: its indent and two spaces more
        "\n"
        "a last line\n"
    )
    s = screen(10)  # however narrow (rich would wrap again what is wider)
    output.error("one two three four five six")
    assert s.err == "error: one\n  two\n  three\n  four\n  five six\n"
    s = screen(40)
    output.error("")
    assert s.err == "error:\n"


def test_fail_says_why_and_exits_with_its_code(screen):
    s = screen(80)
    with pytest.raises(typer.Exit) as exited:
        output.fail("no such room")
    assert (exited.value.exit_code, s.err) == (1, "error: no such room\n")
    with pytest.raises(typer.Exit) as exited:
        output.fail("not found", output.EXIT_NOT_FOUND)
    assert exited.value.exit_code == 3
    output.note("Saved.", "dim")
    assert s.err.endswith("Saved.\n") and s.out == ""


def test_control_characters_from_the_server_are_shown_not_obeyed(screen):
    """A title with an escape sequence (clear the screen, retitle the window), a bell, a
    C1 control or a right-to-left override is written out in a table, in details, in a
    note, a title and an error, and the table is measured as it is shown."""
    s = screen(80)
    title = "Exam\x1b[2J\x07\x9b\u202eevil\ttab"
    output.table([title], [("title", lambda t: t)], title="Room \x1b]0;x\x07")
    output.details([("title", title)])
    output.note(f"Renamed to {title}.")
    output.error(f"taken by {title}")
    shown = "Exam\\x1b[2J\\x07\\x9b\\u202eevil tab"  # the tab a space
    wide = len(shown) + 2
    assert s.out.splitlines() == [
        "Room \\x1b]0;x\\x07",
        "┏" + "━" * wide + "┓",
        "┃ title" + " " * (wide - 6) + "┃",
        "┡" + "━" * wide + "┩",
        f"│ {shown} │",
        "└" + "─" * wide + "┘",
        f"title  {shown}",
    ]
    assert s.err.splitlines() == [f"Renamed to {shown}.", f"error: taken by {shown}"]
    assert "\x1b" not in s.out + s.err


def test_what_reaches_the_terminal_unwritten_is_written_out_by_the_console(monkeypatch):
    """The net under it all: a ``Text`` or a string printed as it is (rich's own styles
    and line breaks pass)."""
    file = io.StringIO()
    terminal = output.Terminal(file=file, width=40, force_terminal=True, color_system="standard")
    terminal.print(Text("raw \x1b[31m", style="bold"), "and \u202e")
    assert file.getvalue() == "\x1b[1mraw \\x1b[31m\x1b[0m and \\u202e\n"
    assert output.printable("a\tb\nc\x00\x7f") == "a b\nc\\x00\\x7f"
    assert output.printable("line\r\nשלום\u200f") == "line\r\nשלום\u200f"  # text as it is


def test_a_note_and_a_title_show_brackets_as_they_are(screen):
    """A term ``Spring [old]`` or a source ``x[/]`` is text, not markup (``[/]`` was a
    MarkupError traceback after the change was made)."""
    s = screen(80)
    output.note("Added term Spring [old], then x[/] (id 3).")
    assert s.err == "Added term Spring [old], then x[/] (id 3).\n"
    output.details([("name", "x[/] of the spring term")], title="Term x[/] [bold]")
    output.table(["[red]s[/] lecture"], [("n", lambda n: n)], title="Plan: [red]s[/]")
    assert s.out.splitlines() == [
        "Term x[/] [bold]",
        "name  x[/] of the spring term",
        "Plan: [red]s[/]",
        "┏━━━━━━━━━━━━━━━━━━━┓",
        "┃ n                 ┃",
        "┡━━━━━━━━━━━━━━━━━━━┩",
        "│ [red]s[/] lecture │",
        "└───────────────────┘",
    ]


class Thing(BaseModel):
    name: str
    day: date
    kind: str = Field(alias="type")


def test_json_for_scripts(capsys):
    thing = Thing(name="Café", day=date(2031, 3, 4), type="room")
    assert jsonable({"a": [thing, (1, None)], "b": {"c": thing}}) == {
        "a": [{"name": "Café", "day": "2031-03-04", "type": "room"}, [1, None]],
        "b": {"c": {"name": "Café", "day": "2031-03-04", "type": "room"}},
    }
    output.print_json([thing])
    output.print_json_line({"a": thing})
    printed = capsys.readouterr().out
    assert printed == (
        '[\n  {\n    "name": "Café",\n    "day": "2031-03-04",\n    "type": "room"\n  }\n]\n'
        '{"a": {"name": "Café", "day": "2031-03-04", "type": "room"}}\n'
    )
    assert json.loads(printed.splitlines()[-1]) == {"a": jsonable(thing)}


def test_a_cell_in_words():
    assert [cell(v) for v in (None, True, False, ["a", 2], ("x",), 3, "")] == [
        "",
        "yes",
        "no",
        "a, 2",
        "x",
        "3",
        "",
    ]


def pages(*chunks: list[int]) -> SyncPage[int]:
    """A list of ``chunks`` pages, fetched one by one; ``fetched`` counts the fetches."""
    fetched.clear()

    def page(n: int) -> SyncPage[int]:
        fetched.append(n)
        more = str(n + 1) if n + 1 < len(chunks) else None
        return SyncPage(chunks[n], more, lambda cursor: page(int(cursor)))

    return page(0)


fetched: list[int] = []


def test_the_first_items_and_whether_more_exist(screen):
    assert output.first(pages([1, 2], [3, 4], [5]), 3) == ([1, 2, 3], True)
    assert fetched == [0, 1]  # the third page is not fetched to find out
    assert output.first(pages([1, 2], [3, 4]), 4) == ([1, 2, 3, 4], False)
    assert output.first(pages([1, 2], [3, 4], []), 4) == ([1, 2, 3, 4], True)  # a cursor says so
    assert output.first(pages([1], [2]), 5) == ([1, 2], False)
    assert output.first(pages([]), 5) == ([], False)
    s = screen(120)
    output.more_exist(3, False, "room")
    assert s.err == ""
    output.more_exist(3, True, "room")
    output.more_exist(1, True, "room")
    output.more_exist(1, True, "event", which="newest")
    output.more_exist(2, True, "delivery", "deliveries")
    assert s.err == (
        "Showing the first 3 rooms; more exist (raise --limit, or narrow the filters).\n"
        "Showing the first 1 room; more exist (raise --limit, or narrow the filters).\n"
        "Showing the newest 1 event; more exist (raise --limit, or narrow the filters).\n"
        "Showing the first 2 deliveries; more exist (raise --limit, or narrow the filters).\n"
    )


ROWS = [
    {"id": 7, "code": "M-101", "seats": 120, "title": "Linear algebra for first years", "ok": True},
    {"id": 12, "code": "[b]X[/b]", "seats": 8, "title": "Lab", "ok": False},
]
COLUMNS: list[output.Column[dict]] = [
    ("id", lambda r: r["id"]),
    ("code", lambda r: r["code"]),
    ("seats", lambda r: r["seats"], 1),
    ("title", lambda r: r["title"]),
    ("ok", lambda r: r["ok"], 2),
]


def test_a_table_at_full_width(screen):
    s = screen(80)
    output.table(ROWS, COLUMNS, title="Rooms", right=["seats"])
    assert s.out == (
        "Rooms\n"
        "┏━━━━┳━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━┓\n"
        "┃ id ┃ code     ┃ seats ┃ title                          ┃ ok  ┃\n"
        "┡━━━━╇━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━┩\n"
        "│ 7  │ M-101    │   120 │ Linear algebra for first years │ yes │\n"
        "│ 12 │ [b]X[/b] │     8 │ Lab                            │ no  │\n"  # never markup
        "└────┴──────────┴───────┴────────────────────────────────┴─────┘\n"
    )
    assert s.err == ""


def test_a_narrow_table_wraps_then_leaves_out_columns_by_priority_and_says_so(screen):
    s = screen(50)  # 64 columns wanted: the title wraps (at 16), nothing is left out
    output.table(ROWS, COLUMNS, wrap=["title"])
    assert s.out == (
        "┏━━━━┳━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━┓\n"
        "┃ id ┃ code     ┃ seats ┃ title            ┃ ok  ┃\n"
        "┡━━━━╇━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━┩\n"
        "│ 7  │ M-101    │ 120   │ Linear algebra   │ yes │\n"
        "│    │          │       │ for first years  │     │\n"
        "│ 12 │ [b]X[/b] │ 8     │ Lab              │ no  │\n"
        "└────┴──────────┴───────┴──────────────────┴─────┘\n"
    )
    assert s.err == ""
    s = screen(44)  # even wrapped, five do not fit: "ok" (priority 2) goes first
    output.table(ROWS, COLUMNS, wrap=["title"])
    assert s.out.splitlines()[1] == "┃ id ┃ code     ┃ seats ┃ title            ┃"
    assert s.err == ("Left out to fit 44 columns: ok (a wider\nterminal or --json shows them).\n")
    s = screen(30)  # then "seats" (1); "id", "code" and "title" (0) always stay
    output.table(ROWS, COLUMNS, wrap=["title"])
    assert s.out.splitlines()[1].split() == ["┃", "id", "┃", "code", "┃", "title", "┃"]
    assert s.err.replace("\n", " ").startswith("Left out to fit 30 columns: seats, ok ")


def test_an_empty_table_says_so_on_stderr(screen):
    s = screen(80)
    output.table([], COLUMNS)
    output.table([], COLUMNS, empty="No rooms match.")
    assert (s.out, s.err) == ("", "Nothing to show.\nNo rooms match.\n")


def test_details_and_a_styled_cell(screen):
    s = screen(60)
    output.details([("code", "M-101"), ("bookable", False), ("features", ["a", "b"])], title="Room")
    output.table([1], [("n", lambda n: Text("styled", style="bold"))], row_style=lambda n: "dim")
    assert s.out.splitlines()[:4] == ["Room", "code      M-101", "bookable  no", "features  a, b"]
    assert "│ styled │" in s.out


def test_fit_keeps_every_word_whole_when_that_is_enough():
    columns = [("a", None), ("b", None)]
    cells = [["Supercalifragilisticexpialidocious x", "one two three four five six seven eight"]]
    # 36 + 39 wanted and 7 for the borders
    assert fit(columns, cells, 82, ["a", "b"]) == ([0, 1], {})
    assert fit(columns, cells, 80, ("a", "b")) == ([0, 1], {0: 36, 1: 37})  # the widest gives
    # 66 for text: both narrow in turn, a no further than its long word
    assert fit(columns, cells, 73, ["a", "b"]) == ([0, 1], {0: 34, 1: 32})
    assert fit(columns, cells, 60, ["a", "b"]) == ([0, 1], {0: 34, 1: 19})
    # when that is not enough, words are cut, down to what ``wrap`` maps a column to
    assert fit(columns, cells, 40, {"a": 14, "b": 12}) == ([0, 1], {0: 21, 1: 12})
    assert fit(columns, cells, 30, {"a": 14, "b": 12}) == ([0, 1], None)  # then all fold
    # an empty wrapping column keeps its header's width
    empty = [("id", None), ("note", None), ("title", None)]
    row = ["1" * 30, "", "Linear algebra for first years"]
    assert fit(empty, [row], 60, ["note", "title"]) == ([0, 1, 2], {1: 4, 2: 16})


def colour(monkeypatch: pytest.MonkeyPatch, width: int) -> tuple[io.StringIO, io.StringIO]:
    """The two consoles as a colour terminal writes them (ANSI codes kept)."""
    out, err = io.StringIO(), io.StringIO()
    for name, file in (("console", out), ("err_console", err)):
        terminal = Console(file=file, width=width, force_terminal=True, color_system="standard")
        monkeypatch.setattr(output, name, terminal)
    return out, err


def test_on_a_colour_terminal_only_what_is_meant_is_coloured(monkeypatch):
    """ "error:" in bold red; no number, quote or list in a message coloured by rich's
    guesses; a styled cell and a row's style as asked; headers in bold."""
    out, err = colour(monkeypatch, 40)
    output.error("room 12 'M-101' is booked")
    output.note("Saved 3 rooms: 'M-101' [1, 2]")
    assert err.getvalue() == (
        "\x1b[1;31merror:\x1b[0m room 12 'M-101' is booked\nSaved 3 rooms: 'M-101' [1, 2]\n"
    )
    styled = [("n", lambda n: n), ("t", lambda n: Text("bold", style="bold") if n else "x")]
    output.table([1, 0], styled, row_style=lambda n: "" if n else "dim")
    lines = out.getvalue().splitlines()
    assert (
        lines[1]
        == "┃\x1b[1m \x1b[0m\x1b[1mn\x1b[0m\x1b[1m \x1b[0m┃\x1b[1m \x1b[0m\x1b[1mt   \x1b[0m\x1b[1m \x1b[0m┃"
    )
    assert lines[3] == "│ 1 │ \x1b[1mbold\x1b[0m │"
    assert (
        lines[4]
        == "│\x1b[2m \x1b[0m\x1b[2m0\x1b[0m\x1b[2m \x1b[0m│\x1b[2m \x1b[0m\x1b[2mx   \x1b[0m\x1b[2m \x1b[0m│"
    )
    details = io.StringIO()
    monkeypatch.setattr(output, "console", Console(file=details, force_terminal=True, width=40))
    output.details([("code", "M-101")])
    assert details.getvalue().rstrip() == "\x1b[1mcode\x1b[0m\x1b[1m  \x1b[0mM-101"


def test_a_code_is_never_split_at_its_hyphens_and_a_long_word_is_folded_not_cut(screen):
    s = screen(30)
    output.error("the room B1-204-NORTH-WING is taken")
    assert s.err == "error: the room\n  B1-204-NORTH-WING is taken\n"
    s = screen(40)
    word = [("id", lambda n: "1" * 20), ("title", lambda n: "Supercalifragilisticexpialidocious x")]
    output.table([1], word, wrap={"title": 12})
    assert [line.split("│")[2].strip() for line in s.out.splitlines()[3:6]] == [
        "Supercalifrag",
        "ilisticexpial",
        "idocious x",
    ]
    s = screen(12)  # nothing fits: every column folds, nothing is cut off
    output.table([1], [("code", lambda n: "B1-204-NORTH"), ("n", lambda n: 7)])
    folded = [line.split("│")[1].strip() for line in s.out.splitlines()[3:6]]
    assert "".join(folded) == "B1-204-NORTH" and "…" not in s.out


def test_fit_counts_an_empty_cell_as_nothing_and_a_header_word_as_needed():
    assert fit([("n", None), ("t", None)], [["", "x" * 20]], 28, ["t"]) == ([0, 1], {})
    header = [("id", None), ("participants_expected", None)]
    cells = [["1" * 20, "a b c d e f g h i j k l m n o p q r s t u v w x y z"]]
    assert fit(header, cells, 48, ["participants_expected"]) == ([0, 1], {1: 21})
    assert fit(header, cells, 46, ["participants_expected"]) == ([0, 1], None)


def test_a_table_is_drawn_at_the_widths_fit_chose(screen):
    """rich narrows columns its own way (in proportion); the table keeps fit's choice: the
    widest wrapping column gives up first, a long word stays whole while that is enough."""
    s = screen(73)
    a = "Supercalifragilisticexpialidocious x"
    b = "one two three four five six seven eight"
    output.table([1], [("a", lambda n: a), ("b", lambda n: b)], wrap=["a", "b"])
    cells = s.out.splitlines()[1].split("┃")[1:-1]
    assert [len(c) - 2 for c in cells] == [34, 32]  # less its padding
    assert s.out.splitlines()[3].split("│")[1].strip() == "Supercalifragilisticexpialidocious"


@pytest.mark.parametrize(
    ("given", "cell"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (["projector", "hdmi"], "projector;hdmi"),
        (-1, -1),  # a number is never a formula
        (2.5, 2.5),
        ("Linear algebra", "Linear algebra"),
        ("a=b", "a=b"),
        *[(f"{c}1+1", f"'{c}1+1") for c in ("=", "+", "-", "@", "\t", "\r")],
    ],
)
def test_a_csv_cell_is_never_a_formula(given, cell):
    assert csvout.value(given) == cell


def test_csv_of_models_and_dicts_with_times_in_a_zone(capsys):
    class Row(BaseModel):
        id: int
        start: datetime
        title: str

    at = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
    csvout.write(
        [Row(id=1, start=at, title="@once"), {"id": 2, "title": "x"}],
        ("id", "start", "title"),
        ZoneInfo("Europe/Berlin"),
    )
    assert capsys.readouterr().out == "id,start,title\n1,2031-03-04T10:00:00+01:00,'@once\n2,,x\n"
    assert csvout.value(at) == "2031-03-04T09:00:00+00:00"  # no zone given: as it came
