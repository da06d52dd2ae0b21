"""``compax optimize``'s parts that need no server: the time limit in words, the sections
file (CSV or JSON) read into sections or refused with every wrong line named, and the
summary and plan tables a staff member reads (built from answers in the server's shape)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from rich.console import Console

from compax_cli import optimize, output
from compax_cli.optimize import _percent, _preferences, _section, _share, parse_seconds
from compax_cli.timetable import BadLine, Record
from compax_sdk import OptimizerPlan

HEADER = "external_id,start_time,duration_minutes,headcount"
COLUMNS_SAID = (
    "(the columns are: external_id, start_time, duration_minutes, headcount, title, weekdays, "
    "features, preferred_buildings, links, room_wish, last_room, start_date, until)"
)


def write(tmp_path: Path, text: str | bytes, name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def refused(path: Path) -> None:
    """``read_sections`` fails with exit code 1 (its words are on the screen)."""
    with pytest.raises(typer.Exit) as exit_:
        optimize.read_sections(path)
    assert exit_.value.exit_code == 1


# --- the time limit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("60", 60),
        ("60s", 60),
        ("2m", 120),
        ("1m30s", 90),
        ("1m30", 90),
        (" 1M 30S ", 90),
        ("0m1s", 1),
        ("1", 1),
        ("1s", 1),
        ("120", 120),
        ("120S", 120),
        ("2m0s", 120),
    ],
)
def test_a_time_limit_in_seconds_minutes_or_both(text, seconds):
    found = parse_seconds(text)
    assert found == seconds
    assert type(found) is float


@pytest.mark.parametrize("text", ["", "   ", "abc", "1.5m", "30 sec", "m", "s", "1H", "-5", "s30"])
def test_what_is_not_a_time_is_refused_as_written(text):
    with pytest.raises(typer.BadParameter) as refused_:
        parse_seconds(text)
    assert refused_.value.message == f"{text!r} is not a time (e.g. 60s, 2m)"
    assert refused_.value.param_hint == "--time-limit"


@pytest.mark.parametrize("text", ["0", "0s", "0m", "0m0s", "121", "2m1s", "3m"])
def test_a_time_limit_outside_1s_to_120s_is_refused(text):
    with pytest.raises(typer.BadParameter) as refused_:
        parse_seconds(text)
    assert refused_.value.message == "between 1s and 120s (the server's limit)"
    assert refused_.value.param_hint == "--time-limit"


# --- the sections file: CSV -------------------------------------------------------------


def test_a_line_with_every_column_read_from_a_header_in_any_case_and_with_a_bom(tmp_path):
    header = (
        "\ufeff External_ID ,TITLE, Weekdays,Start_Time,Duration_Minutes,HEADCOUNT,features,"
        "Preferred_Buildings,links,room_wish,last_room,start_date,until"
    )
    line = (
        ' CS101-1 , Intro to CS ,"MON,Wed  fri",09:15, 75 ,42,"projector, Computers  lab",'
        '"SCI ENG",CS101-2 CS101-3,M-101, M-102 ,2031-03-03,2031-06-30'
    )
    assert optimize.read_sections(write(tmp_path, f"{header}\n{line}\n")) == [
        {
            "external_id": "CS101-1",
            "title": "Intro to CS",
            "start_time": "09:15",
            "duration_minutes": 75,
            "headcount": 42,
            "weekdays": ["mon", "wed", "fri"],
            "features": ["projector", "Computers", "lab"],
            "preferred_buildings": ["SCI", "ENG"],
            "links": ["CS101-2", "CS101-3"],
            "room_wish": "M-101",
            "last_room": "M-102",
            "start_date": "2031-03-03",
            "until": "2031-06-30",
        }
    ]


def test_only_the_required_columns_give_the_title_of_the_id_and_no_weekdays(tmp_path):
    found = optimize.read_sections(write(tmp_path, f"{HEADER}\nA-1,10:00,60,20\nB-2,11:00,90,5\n"))
    assert found == [
        {
            "external_id": "A-1",
            "title": "A-1",
            "start_time": "10:00",
            "duration_minutes": 60,
            "headcount": 20,
            "weekdays": [],
        },
        {
            "external_id": "B-2",
            "title": "B-2",
            "start_time": "11:00",
            "duration_minutes": 90,
            "headcount": 5,
            "weekdays": [],
        },
    ]


def test_empty_optional_columns_and_lists_are_left_out_but_weekdays_stay(tmp_path):
    header = f"{HEADER},title,weekdays,features,preferred_buildings,links,room_wish,last_room"
    found = optimize.read_sections(
        write(tmp_path, f'{header}\nA,10:00,60,20, ,  , ,",, ,",,,  \nB,10:00,60,20\n')
    )
    bare = {"start_time": "10:00", "duration_minutes": 60, "headcount": 20, "weekdays": []}
    assert found == [
        {"external_id": "A", "title": "A", **bare},
        {"external_id": "B", "title": "B", **bare},
    ]


def test_a_header_only_file_has_no_sections(tmp_path):
    assert optimize.read_sections(write(tmp_path, f"{HEADER}\n")) == []


def test_a_file_named_in_upper_case_json_is_read_as_json_and_anything_else_as_csv(tmp_path):
    sections = '[{"external_id": "A"}, 3]'
    assert optimize.read_sections(write(tmp_path, sections, "S.JSON")) == [
        {"external_id": "A"},
        3,
    ]
    assert optimize.read_sections(write(tmp_path, f"{HEADER}\nA,10:00,60,20\n", "s.txt")) == [
        {
            "external_id": "A",
            "title": "A",
            "start_time": "10:00",
            "duration_minutes": 60,
            "headcount": 20,
            "weekdays": [],
        }
    ]


def test_a_json_list_with_a_bom_is_returned_as_it_is(tmp_path):
    text = '\ufeff[{"external_id": "A", "headcount": 3, "weekdays": ["MON"]}]'
    assert optimize.read_sections(write(tmp_path, text, "s.json")) == [
        {"external_id": "A", "headcount": 3, "weekdays": ["MON"]}
    ]


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        ("A,10:00,60,20,x,y", "s.csv line 2: 6 values for 4 columns"),
        ("A,10:00,60,20,", "s.csv line 2: 5 values for 4 columns"),
        ("A,10:00", "s.csv line 2: duration_minutes, headcount: empty"),
        (" , 10:00 ,  , 3", "s.csv line 2: external_id, duration_minutes: empty"),
        ("A,,60,20", "s.csv line 2: start_time: empty"),
        ("A,10:00,1.5,20", "s.csv line 2: duration_minutes: '1.5' is not a whole number"),
        ("A,10:00,60,-3", "s.csv line 2: headcount: '-3' is not a whole number"),
        ("A,10:00,60,\u00b2", "s.csv line 2: headcount: '\u00b2' is not a whole number"),
        ("A,10:00,x,y", "s.csv line 2: duration_minutes: 'x' is not a whole number"),
    ],
)
def test_a_wrong_line_is_named_with_what_is_wrong(tmp_path, screen, lines, said):
    s = screen(200)
    refused(write(tmp_path, f"{HEADER}\n{lines}\n"))
    assert (s.out, s.err) == ("", f"error: {said}\n")


def test_every_wrong_line_is_named_in_order_and_the_good_ones_are_not(tmp_path, screen):
    s = screen(200)
    lines = ["A,10:00", "B,10:00,60,20", "C,10:00,60,20,spare", "D,10:00,60,20", "E,,60,x"]
    refused(write(tmp_path, "\n".join([HEADER, *lines]) + "\n"))
    assert s.err == (
        "error: s.csv line 2: duration_minutes, headcount: empty\n"
        "s.csv line 4: 5 values for 4 columns\n"
        "s.csv line 6: start_time: empty\n"
    )


def test_blank_lines_count_in_the_line_numbers(tmp_path, screen):
    """A blank line, or one of commas only (as a spreadsheet saves an empty row), is skipped,
    but the lines after it keep their numbers in the file."""
    s = screen(200)
    refused(write(tmp_path, f"{HEADER}\n\nA,10:00,60,20\n,,,\n\nB,10:00,60,x\n"))
    assert s.err == "error: s.csv line 6: headcount: 'x' is not a whole number\n"


def test_a_record_with_too_many_values_or_short_of_columns(tmp_path, screen):
    s = screen(200)
    refused(write(tmp_path, f"{HEADER}\nA,10:00,60,20,T,extra,more\n"))
    assert s.err == "error: s.csv line 2: 7 values for 4 columns\n"
    short = Record("line 2", {"external_id": "A", "start_time": "", "headcount": "3"})
    with pytest.raises(BadLine, match=r"^start_time, duration_minutes: empty$"):
        _section(short)


def test_semicolons_and_a_value_over_two_lines_as_a_spreadsheet_saves_them(tmp_path, screen):
    """Excel in much of Europe saves with semicolons; a quoted title may hold a line break
    (the next record's line is counted after it)."""
    text = (
        "external_id;start_time;duration_minutes;headcount;title\n"
        'A;10:00;90;30;"Linear algebra\nfor first years"\n'
        "B;11:00;x;30;\n"
    )
    path = write(tmp_path, text)
    s = screen(200)
    refused(path)
    assert s.err == "error: s.csv line 4: duration_minutes: 'x' is not a whole number\n"
    path.write_text(text.replace(";x;", ";60;"))
    assert [s["title"] for s in optimize.read_sections(path)] == [
        "Linear algebra\nfor first years",
        "B",
    ]


@pytest.mark.parametrize(
    ("header", "said"),
    [
        (  # one column: no delimiter to find, read as commas
            "external_id",
            "the column 'start_time' is missing; the column 'duration_minutes' is missing; "
            "the column 'headcount' is missing",
        ),
        (
            "external_id,start_time,duration_minutes,feature",
            "unknown column 'feature'; the column 'headcount' is missing",
        ),
        (
            "external_id,start_time,duration_minutes,headcount,Title,title",
            "the column 'title' is given twice",
        ),
    ],
)
def test_a_wrong_header_is_line_1_with_the_columns_there_are(tmp_path, screen, header, said):
    s = screen(400)
    refused(write(tmp_path, f"{header}\nA,10:00,60,20\n" if header else ""))
    assert s.err == f"error: s.csv line 1: {said} {COLUMNS_SAID}\n"


def test_an_empty_file_says_its_first_line_names_the_columns(tmp_path, screen):
    s = screen(200)
    refused(write(tmp_path, ""))
    assert s.err == "error: s.csv line 1: the file is empty; its first line names the columns\n"


# --- the sections file: JSON and bytes --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[{"external_id": \n', "s.json is not JSON: Expecting value (line 2, column 1)"),
        ('[{"a": 1}\n, {"b" 2}]', "s.json is not JSON: Expecting ':' delimiter (line 2, column 8)"),
        ("", "s.json is not JSON: Expecting value (line 1, column 1)"),
        ('{"external_id": "A"}', "s.json: a JSON list of sections, please"),
        ('"A"', "s.json: a JSON list of sections, please"),
        ("null", "s.json: a JSON list of sections, please"),
    ],
)
def test_a_json_file_that_is_not_a_list_of_sections(tmp_path, screen, text, said):
    s = screen(200)
    refused(write(tmp_path, text, "s.json"))
    assert (s.out, s.err) == ("", f"error: {said}\n")


@pytest.mark.parametrize("name", ["s.csv", "s.json"])
def test_bytes_that_are_not_utf8_name_the_first_bad_one(tmp_path, screen, name):
    s = screen(200)
    refused(write(tmp_path, b"external_id\nCaf\xe9,\xff", name))
    # the \xe9 comes after "external_id", its newline and "Caf": byte 15, counted from 0
    assert s.err == f"error: {name} is not UTF-8 text (byte 15); save it as UTF-8\n"
    s = screen(200)
    refused(write(tmp_path, b"\xef\xbb\xbfexternal_id\nCaf\xe9,\xff", name))
    # after Excel's byte order mark (3 bytes), counted from the file's start all the same
    assert s.err == f"error: {name} is not UTF-8 text (byte 18); save it as UTF-8\n"


# --- the summary ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "text"),
    [(0, "0.0 %"), (0.0004, "0.0 %"), (0.8123, "81.2 %"), (1, "100.0 %"), (1.5, "150.0 %")],
)
def test_a_share_in_percent_with_one_decimal(share, text):
    assert _percent(share) == text


@pytest.mark.parametrize(
    ("counts", "text"),
    [
        ({"asked": 2, "met": 1}, "1 / 2"),
        ({"asked": 3, "met": 0}, "0 / 3"),
        ({"asked": 2}, "0 / 2"),
        ({"asked": 0, "met": 0}, "-"),
        ({"met": 4}, "-"),
        ({}, "-"),
    ],
)
def test_preferences_met_of_those_asked_or_a_dash_when_none_asked(counts, text):
    assert _share(counts) == text


def share(asked: int, met: int) -> dict[str, int]:
    return {"asked": asked, "met": met}


def plan(items: list[dict[str, Any]] | None = None, **fields: Any) -> OptimizerPlan:
    """An answer in the server's shape (``services.optimizer._answer``)."""
    base: dict[str, Any] = {
        "term_id": 3,
        "source": "optimizer",
        "applied": False,
        "import_id": 17,
        "import_summary": {
            "create": 2,
            "update": 0,
            "unchanged": 1,
            "cancel": 0,
            "occurrences": 24,
            "bumped": 0,
        },
        "summary": {
            "sections": 4,
            "placed": 3,
            "unplaced": 1,
            "placement_rate": 0.75,
            "mean_seat_fill": 0.8123,
            "fill_threshold_met": 2,
            "preferred_building": share(2, 1),
            "room_wish": share(0, 0),
            "kept_room": share(1, 1),
            "reasons": {"no_room_fits": 1},
        },
        "baseline": {
            "sections": 4,
            "placed": 2,
            "unplaced": 2,
            "placement_rate": 0.5,
            "mean_seat_fill": 0.5,
            "fill_threshold_met": 1,
            "preferred_building": share(1, 0),
            "room_wish": share(3, 2),
            "kept_room": share(1, 0),
        },
        "solver": {
            "engine": "cp-sat",
            "status": "optimal",
            "objective": 980,
            "bound": 992,
            "gap": 0.0123,
            "parts": 2,
            "solved_parts": 1,
            "prepare_seconds": 0.05,
            "solve_seconds": 1.234,
            "import_seconds": 0.02,
            "notes": [],
        },
        "items": items or [],
    }
    return OptimizerPlan.model_validate(base | fields)


def test_the_summary_sets_the_optimizer_against_greedy_best_fit_row_by_row(screen):
    s = screen(100)
    optimize.summary_table(plan())
    assert s.out == (
        "Summary\n"
        "┏━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓\n"
        "┃                      ┃ optimizer ┃ greedy best fit ┃\n"
        "┡━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩\n"
        "│ placed               │     3 / 4 │           2 / 4 │\n"
        "│ unplaced             │         1 │               2 │\n"
        "│ mean seat fill       │    81.2 % │          50.0 % │\n"
        "│ fill above threshold │         2 │               1 │\n"
        "│ preferred building   │     1 / 2 │           0 / 1 │\n"
        "│ room wish            │         - │           2 / 3 │\n"
        "│ kept last room       │     1 / 1 │           0 / 1 │\n"
        "└──────────────────────┴───────────┴─────────────────┘\n"
    )
    assert s.err == (
        "Solver: optimal, gap 1.2 %, 1.234 s in 2 parts; import 17: 2 to create, 1 "
        "unchanged; 24 occurrences\n"
    )


def test_the_solver_note_names_only_what_the_import_does(screen):
    s = screen(200)
    summary = {"create": 0, "update": 1, "cancel": 2, "occurrences": 0, "bumped": 3}
    solver = {"status": "feasible", "gap": 0, "solve_seconds": 30.0, "parts": 1}
    optimize.summary_table(plan(import_id=4, import_summary=summary, solver=solver))
    assert s.err == (
        "Solver: feasible, gap 0.0 %, 30.0 s in 1 part; import 4: 1 to update, 2 to cancel; "
        "3 member bookings bumped\n"
    )


# --- the plan ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("met", "words"),
    [
        ({}, ""),
        ({"fill_threshold": True, "one_room": True}, ""),
        ({"fill_threshold": False}, "low fill"),
        ({"preferred_building": 1}, "building #1"),
        ({"preferred_building": 3}, "building #3"),
        ({"preferred_building": None}, "not a preferred building"),
        ({"preferred_building": 0}, "not a preferred building"),
        ({"room_wish": True}, "wished room"),
        ({"room_wish": False}, "not the wished room"),
        ({"kept_room": True}, "kept room"),
        ({"kept_room": False}, "moved"),
        (
            {
                "fill_threshold": False,
                "kept_room": True,
                "room_wish": True,
                "preferred_building": 2,
            },
            "building #2, wished room, kept room, low fill",
        ),
        (
            {"kept_room": False, "room_wish": False, "preferred_building": None},
            "not a preferred building, not the wished room, moved",
        ),
    ],
)
def test_the_preferences_met_in_words(met, words):
    assert _preferences(met) == words


def placed(external_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "title": f"Title of {external_id}",
        "headcount": 20,
        "action": "placed",
        "room": "M-101",
        "room_id": 3,
        "building": "M",
        "capacity": 30,
        "seat_fill": 0.667,
        "occurrences": 12,
        "preferences": {"fill_threshold": True, "one_room": True},
        "import_action": "create",
    } | fields


def unplaced(external_id: str, reason: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "title": f"Title of {external_id}",
        "headcount": 40,
        "action": "unplaced",
        "reason": reason,
        **fields,
    }


TOO_BIG = {"code": "no_room_fits", "detail": "no bookable room has 40 seats"}


def cells(out: str) -> list[list[str]]:
    """The plan table under its title, a line a list of its cells (the header's included)."""
    lines = out.splitlines()
    assert lines[0] == "Plan"
    return [[c.strip() for c in line[1:-1].split(line[0])] for line in lines[1:] if line[0] in "┃│"]


HEADERS = ["section", "seats", "room", "fill", "preferences", "import / reason"]


def test_the_plan_shows_the_unplaced_first_then_the_placed_each_by_external_id(screen):
    s = screen(200)
    items = [
        placed("B-2", preferences={"preferred_building": 1, "fill_threshold": False}),
        unplaced("Z-9", TOO_BIG),
        placed("A-1", room="M-202", seat_fill=1, headcount=30, import_action="unchanged"),
        unplaced("C-3", TOO_BIG | {"detail": "no bookable room has 400 seats"}, headcount=400),
    ]
    optimize.plan_table(plan(items))
    assert cells(s.out) == [
        HEADERS,
        ["C-3", "400", "-", "-", "", "no_room_fits: no bookable room has 400 seats"],
        ["Z-9", "40", "-", "-", "", "no_room_fits: no bookable room has 40 seats"],
        ["A-1", "30", "M-202", "100.0 %", "", "unchanged"],
        ["B-2", "20", "M-101", "66.7 %", "building #1, low fill", "create"],
    ]
    assert s.err == ""


def test_a_placed_section_without_its_fill_or_import_shows_zero_and_nothing(screen):
    s = screen(200)
    optimize.plan_table(
        plan([placed("A", seat_fill=None, import_action=None, preferences=None, room=None)])
    )
    assert cells(s.out) == [HEADERS, ["A", "20", "", "0.0 %", "", ""]]


def taken(*rooms: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": "rooms_taken",
        "detail": f"all {len(rooms)} fitting rooms are taken at some meeting time",
        "rooms": list(rooms),
        "rooms_total": len(rooms),
    }


def booking(n: int) -> dict[str, Any]:
    return {"id": n, "title": f"Booking {n}", "start": "2031-03-03T10:00:00+01:00"}


def test_a_taken_section_names_the_first_5_rooms_and_what_is_in_each(screen):
    """The first booking in the way, or the sections of this run placed there, or both."""
    s = screen(400)
    rooms = [
        {"room": "R-1", "capacity": 40, "bookings": [booking(9), booking(10)]},
        {"room": "R-2", "capacity": 40, "sections": ["B-2", "A-1"]},
        {"room": "R-3", "capacity": 50, "bookings": [booking(11)], "sections": ["C-3"]},
        {"room": "R-4", "capacity": 50, "bookings": [], "sections": []},
        {"room": "R-5", "capacity": 60},
        {"room": "R-6", "capacity": 60, "bookings": [booking(12)]},
        {"room": "R-7", "capacity": 70},
    ]
    optimize.plan_table(plan([unplaced("X", taken(*rooms))]))
    assert cells(s.out)[1] == [
        "X",
        "40",
        "-",
        "-",
        "",
        "rooms_taken: all 7 fitting rooms are taken at some meeting time; "
        "R-1 (booking 9), R-2 (B-2 A-1), R-3 (booking 11) (C-3), R-4, R-5",
    ]


@pytest.mark.parametrize(
    ("fields", "room", "words"),
    [
        ({}, "-", ""),
        ({"current_room": "M-102"}, "(M-102)", "still booked from before"),
        ({"import_action": "cancel"}, "-", "its booking cancelled"),
        ({"import_action": "create"}, "-", ""),
        (
            {"current_room": "M-102", "import_action": "cancel"},
            "(M-102)",
            "still booked from before",
        ),
    ],
)
def test_an_unplaced_section_booked_before_says_whether_its_booking_stays(
    screen, fields, room, words
):
    s = screen(200)
    optimize.plan_table(plan([unplaced("X", taken(), **fields)]))
    reason = "rooms_taken: all 0 fitting rooms are taken at some meeting time"
    assert cells(s.out)[1:] == [["X", "40", room, "-", words, reason]]


def test_past_200_rows_the_rest_is_left_to_json(screen):
    s = screen(200)
    many = [placed(f"P-{n:03}") for n in range(201)] + [unplaced(f"U-{n}", TOO_BIG) for n in (2, 1)]
    optimize.plan_table(plan(many))
    shown = [row[0] for row in cells(s.out)[1:]]
    assert shown == ["U-1", "U-2", *(f"P-{n:03}" for n in range(198))]
    assert s.err == "... and 3 more (see --json)\n"


def test_200_rows_are_all_shown(screen):
    s = screen(200)
    optimize.plan_table(plan([placed(f"P-{n:03}") for n in range(200)]))
    assert [row[0] for row in cells(s.out)[1:]] == [f"P-{n:03}" for n in range(200)]
    assert s.err == ""


def test_an_unplaced_section_is_red_and_a_placed_one_is_not(monkeypatch):
    file = io.StringIO()
    colour = Console(file=file, width=200, force_terminal=True, color_system="standard")
    monkeypatch.setattr(output, "console", colour)
    optimize.plan_table(plan([placed("A"), unplaced("B", TOO_BIG)]))
    lines = file.getvalue().splitlines()
    assert "\x1b[1msection\x1b[0m" in lines[2]  # the header in bold
    red = re.sub("\x1b\\[31m([^\x1b]*)\x1b\\[0m", r"\1", lines[4])  # B first: all red
    assert red != lines[4] and red.startswith("│ B ") and "\x1b" not in red
    assert lines[5].startswith("│ A ") and "\x1b" not in lines[5]


def test_an_id_longer_than_its_column_is_folded_onto_more_lines_not_cut(screen):
    s = screen(60)
    long_id = "MATH-2031-SPRING-LINEAR-ALGEBRA-GROUP-7"
    optimize.plan_table(plan([placed(long_id)]))
    lines = [line.split("│")[1].strip() for line in s.out.splitlines() if line[0] == "│"]
    assert len(lines) > 1
    assert "".join(lines) == long_id
    assert "…" not in s.out


def test_words_in_brackets_are_shown_as_they_are_not_read_as_styles(screen):
    """A section or a room ``[lab]`` keeps its brackets; ``[/]`` is no markup error."""
    s = screen(200)
    items = [
        placed("CS101[lab]", room="LAB[2]", import_action="create"),
        unplaced("CS101[/]", TOO_BIG | {"detail": "no room has [projector]"}),
    ]
    optimize.plan_table(plan(items))
    assert cells(s.out)[1:] == [
        ["CS101[/]", "40", "-", "-", "", "no_room_fits: no room has [projector]"],
        ["CS101[lab]", "20", "LAB[2]", "66.7 %", "", "create"],
    ]


def test_at_75_columns_the_plan_wraps_each_text_column_to_its_least_width(screen):
    """Section 10, preferences 12, import / reason 16 characters at the least, the numbers
    right-aligned: 75 columns is the narrowest the plan fits without folding."""
    s = screen(75)
    rooms = [
        {"room": "R-1", "capacity": 40, "bookings": [booking(9)]},
        {"room": "R-2", "capacity": 40, "sections": ["B-2", "A-1"]},
    ]
    met = {"preferred_building": 1, "room_wish": True, "kept_room": False, "fill_threshold": False}
    items = [
        placed("MATH-101-A-GROUP-7", preferences=met),
        unplaced("PHYS-200", taken(*rooms), current_room="M-102"),
    ]
    optimize.plan_table(plan(items))
    assert s.out.splitlines() == [
        "Plan",
        "┏━━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┓",
        "┃ section    ┃ seats ┃ room    ┃   fill ┃ preferences  ┃ import / reason  ┃",
        "┡━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━┩",
        "│ PHYS-200   │    40 │ (M-102) │      - │ still booked │ rooms_taken: all │",
        "│            │       │         │        │ from before  │ 2 fitting rooms  │",
        "│            │       │         │        │              │ are taken at     │",
        "│            │       │         │        │              │ some meeting     │",
        "│            │       │         │        │              │ time; R-1        │",
        "│            │       │         │        │              │ (booking 9), R-2 │",
        "│            │       │         │        │              │ (B-2 A-1)        │",
        "│ MATH-101-A │    20 │ M-101   │ 66.7 % │ building #1, │ create           │",
        "│ -GROUP-7   │       │         │        │ wished room, │                  │",
        "│            │       │         │        │ moved, low   │                  │",
        "│            │       │         │        │ fill         │                  │",
        "└────────────┴───────┴─────────┴────────┴──────────────┴──────────────────┘",
    ]
    assert s.err == ""
