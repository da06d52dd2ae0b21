"""How ``compax import`` shows a plan and what it did, on its own (no server): the summary
line in planned and done words, the counts table, each item's reasons (a booking in the way
and whose it is, an item of the same file, a broken rule on a date, the fields an update
changes, the bookings it bumps, the dates it leaves out, the occurrences it keeps), the
items table, and a 400 about items read back as the file's lines."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import typer
from rich.console import Console

from compax_cli import imports, output
from compax_cli.session import State
from compax_cli.timetable import Campus, Row
from compax_sdk import ImportBatch, ImportItem, ImportItemResult, error_from_response
from tests.cli import models
from tests.dates import Y2031

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
STAMP = f"{Y2031}-01-04T09:30:00+01:00"


def batch(status: str = "planned", items: list[dict[str, Any]] | None = None, **summary: int):
    return ImportBatch.model_validate(
        {
            "id": 12,
            "source": "sis-2031",
            "mode": "plan",
            "status": status,
            "summary": summary,
            "items": items or [],
            "created_at": STAMP,
        }
    )


def result(action: str = "conflict", external_id: str = "LEC-1", **fields: Any):
    return ImportItemResult.model_validate(
        {"external_id": external_id, "kind": "series", "action": action, **fields}
    )


def at(hour: int, minute: int = 0, day: int = 4) -> str:
    return datetime(Y2031, 3, day, hour, minute, tzinfo=BERLIN).isoformat()


# -- the summary line --------------------------------------------------------------------


def test_a_plans_summary_names_each_action_in_order_and_leaves_out_the_zeros():
    plan = dict(create=5, update=2, unchanged=3, cancel=1, conflict=1, invalid=4, occurrences=66)
    assert imports.summary_text(plan, applied=False) == (
        "5 to create, 2 to update, 3 unchanged, 1 to cancel, 1 conflict, 4 invalid; 66 occurrences"
    )
    assert imports.summary_text({"unchanged": 2}, applied=False) == "2 unchanged"


def test_an_applied_batch_says_what_was_done_and_whom_it_bumped():
    done = dict(create=5, update=2, cancel=1, unchanged=1, occurrences=9, bumped=2)
    assert imports.summary_text(done, applied=True) == (
        "5 created, 2 updated, 1 unchanged, 1 cancelled; 9 occurrences; 2 member bookings bumped"
    )
    assert imports.summary_text({"create": 1, "conflict": 1}, applied=False) == (
        "1 to create, 1 conflict"
    )


def test_a_batch_without_items_says_so_and_unknown_counts_are_left_out():
    assert imports.summary_text({}, applied=False) == "no items"
    nothing = {"create": 0, "occurrences": 0, "bumped": 0, "surprise": 3}
    assert imports.summary_text(nothing, applied=True) == "no items"
    assert imports.summary_text({"occurrences": 4}, applied=True) == "4 occurrences"
    assert imports.summary_text({"bumped": 1}, applied=True) == "1 member booking bumped"


# -- the counts table --------------------------------------------------------------------


def test_the_counts_table_has_one_row_of_actions_then_occurrences(screen):
    s = screen(100)
    imports.counts_table({"create": 3, "unchanged": 1, "occurrences": 40}, "Plan: sis (import 12)")
    assert s.out.splitlines() == [
        "Plan: sis (import 12)",
        "┏━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━┓",
        "┃ create ┃ update ┃ unchanged ┃ cancel ┃ conflict ┃ invalid ┃ occurrences ┃",
        "┡━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━┩",
        "│      3 │      0 │         1 │      0 │        0 │       0 │          40 │",
        "└────────┴────────┴───────────┴────────┴──────────┴─────────┴─────────────┘",
    ]
    assert s.err == ""


def test_the_counts_table_shows_bumped_only_when_a_booking_was(screen):
    s = screen(100)
    imports.counts_table({"create": 1, "bumped": 2}, "Applied")
    lines = s.out.splitlines()
    assert lines[2].split("┃")[1:-1] == [
        " create ", " update ", " unchanged ", " cancel ", " conflict ", " invalid ",
        " occurrences ", " bumped ",
    ]  # fmt: skip
    assert lines[4].split("│")[1:-1] == [
        "      1 ", "      0 ", "         0 ", "      0 ", "        0 ", "       0 ",
        "           0 ", "      2 ",
    ]  # fmt: skip


def test_on_a_colour_terminal_problems_are_red_and_zeros_dim(monkeypatch):
    out = io.StringIO()
    terminal = Console(file=out, width=100, force_terminal=True, color_system="standard")
    monkeypatch.setattr(output, "console", terminal)
    imports.counts_table({"create": 2, "conflict": 1, "invalid": 0, "occurrences": 0}, "Plan")
    cells = out.getvalue().splitlines()[4].split("│")[1:-1]
    assert cells == [
        "      2 ",
        " \x1b[2m     0\x1b[0m ",
        " \x1b[2m        0\x1b[0m ",
        " \x1b[2m     0\x1b[0m ",
        " \x1b[1;31m       1\x1b[0m ",
        " \x1b[2m      0\x1b[0m ",
        "           0 ",
    ]


# -- each item's reasons -----------------------------------------------------------------


def test_a_booking_in_the_way_with_its_title_time_and_owner():
    names = models.names(users=[models.user()])
    item = result(
        conflicts=[{"id": 41, "title": "Exam", "start": at(9), "end": at(11), "owner_id": 7}]
    )
    assert imports.reasons(item, BERLIN, names) == (
        f"in the way: booking 41 'Exam', Tue {Y2031}-03-04 09:00-11:00 CET, "
        "booked by Ada Lovelace <ada@campus.example>"
    )


def test_a_booking_in_the_way_without_title_owner_or_times():
    item = result(conflicts=[{"id": 41}, {"id": 42, "start": at(9), "owner_id": 8}])
    assert imports.reasons(item, NEW_YORK).splitlines() == [
        "in the way: booking 41, ",
        "in the way: booking 42, , booked by user 8",
    ]


def test_an_item_of_the_same_file_in_the_way_at_its_start_in_the_zone():
    item = result(conflicts=[{"external_id": "LEC-2", "start": at(9), "end": at(11)}])
    assert (
        imports.reasons(item, NEW_YORK)
        == f"overlaps item LEC-2 of this file at Tue {Y2031}-03-04 03:00"
    )
    assert imports.reasons(result(conflicts=[{"external_id": "LEC-2"}]), BERLIN) == (
        "overlaps item LEC-2 of this file at "
    )


def test_a_conflict_the_cli_does_not_know_is_shown_by_its_detail_or_its_fields():
    item = result(conflicts=[{"detail": f"taken from {Y2031}-03-04T08:00:00Z"}, {"kind": "new"}])
    assert imports.reasons(item, BERLIN).splitlines() == [
        f"taken from {Y2031}-03-04 09:00 CET",
        "{'kind': 'new'}",
    ]


def test_errors_name_their_field_or_rule_and_date():
    item = result(
        "invalid",
        errors=[
            {"field": "room", "detail": "there is no room 'X-1'"},
            {"rule": "closure", "date": f"{Y2031}-03-10", "detail": "closed: Easter"},
            {"field": "recurrence.interval", "rule": "ignored", "detail": "1 to 52"},
            {"detail": "the item is too long"},
            {"date": f"{Y2031}-03-11", "detail": "on its own"},
        ],
    )
    assert imports.reasons(item, BERLIN).splitlines() == [
        "room: there is no room 'X-1'",
        f"closure on {Y2031}-03-10: closed: Easter",
        "recurrence.interval: 1 to 52",
        "the item is too long",
        "on its own",
    ]


def test_an_error_in_server_words_is_read_in_the_cli_words_and_zone():
    item = result(
        "invalid",
        errors=[{"rule": "closure", "detail": f"closed ({Y2031}-03-04T08:00:00+00:00 to x)"}],
    )
    assert imports.reasons(item, NEW_YORK) == f"closure: closed ({Y2031}-03-04 03:00 EST to x)"


def test_an_update_names_what_changes_whom_it_bumps_and_what_it_leaves():
    item = result(
        "update",
        changes=["room", "start", "attendees"],
        bumped_booking_ids=[41, 42],
        skipped=[
            {
                "date": f"{Y2031}-03-10",
                "reason": "closure",
                "detail": f"closed: Easter ({Y2031}-03-10T00:00:00+01:00 to x)",
            },
            {"date": f"{Y2031}-03-17", "reason": "conflict"},
        ],
        exceptions_kept=[
            {"booking_id": 51, "date": f"{Y2031}-03-11", "fields": ["room_id", "start"]},
            {"booking_id": 52, "fields": ["title"]},
            {"booking_id": 53},
        ],
    )
    assert imports.reasons(item, NEW_YORK).splitlines() == [
        "changes room, start, attendees",
        "cancels member bookings 41, 42",
        f"leaves out {Y2031}-03-10: closed: Easter ({Y2031}-03-09 19:00 EDT to x)",
        f"leaves out {Y2031}-03-17: conflict",
        f"keeps booking 51 on {Y2031}-03-11 as changed by hand (room, start)",
        "keeps booking 52 as changed by hand (title)",
        "keeps booking 53 as changed by hand",
    ]


def test_a_cancel_says_the_item_is_no_longer_in_the_file_and_a_plain_item_has_no_reasons():
    assert imports.reasons(result("cancel"), BERLIN) == "no longer in the file"
    assert imports.reasons(result("create", changes=[], conflicts=[], errors=[]), BERLIN) == ""


# -- the items table ---------------------------------------------------------------------


def campus() -> Campus:
    st = State(zone_hint=BERLIN, names=models.names(users=[models.user()]))
    zones = {"M-101": "Europe/Berlin", "NY-1": "America/New_York"}
    return Campus(None, st, _zones=zones)  # type: ignore[arg-type]


def row(external_id: str, room: str, where: str) -> Row:
    item = ImportItem(external_id=external_id, kind="booking", room=room, title="Exam",
                      start=at(9), end=at(11))  # fmt: skip
    return Row(item, where)


def test_the_items_to_look_at_with_where_they_are_and_why_in_their_rooms_zone(screen):
    s = screen(120)
    rows = {"A": row("A", "M-101", "line 2"), "B": row("B", "NY-1", "line 3")}
    clash = {"id": 41, "title": "Exam", "start": at(9), "end": at(11), "owner_id": 7}
    results = [
        result("conflict", "A", conflicts=[clash]),
        result("conflict", "B", conflicts=[clash]),
        result("create", "C"),
        result("unchanged", "D"),
        result("cancel", "GONE"),
    ]
    imports.items_table(results, rows, campus(), "Items to look at")
    assert s.out.splitlines() == [
        "Items to look at",
        "┏━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ where             ┃ external id ┃ kind   ┃ action   ┃ details                                                        ┃",
        "┡━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ line 2            │ A           │ series │ conflict │ in the way: booking 41 'Exam', Tue 2031-03-04 09:00-11:00 CET, │",
        "│                   │             │        │          │ booked by Ada Lovelace <ada@campus.example>                    │",
        "│ line 3            │ B           │ series │ conflict │ in the way: booking 41 'Exam', Tue 2031-03-04 03:00-05:00 EST, │",
        "│                   │             │        │          │ booked by Ada Lovelace <ada@campus.example>                    │",
        "│ (not in the file) │ GONE        │ series │ cancel   │ no longer in the file                                          │",
        "└───────────────────┴─────────────┴────────┴──────────┴────────────────────────────────────────────────────────────────┘",
    ]  # fmt: skip
    assert s.err == ""


def test_the_items_table_shows_nothing_when_no_item_needs_a_look(screen):
    s = screen(100)
    imports.items_table([result("create"), result("unchanged")], {}, campus(), "Items")
    assert (s.out, s.err) == ("", "")


def test_items_that_bump_skip_or_keep_are_shown_whatever_their_action(screen):
    s = screen(160)
    results = [
        result("create", "BUMPS", bumped_booking_ids=[41]),
        result("create", "SKIPS", skipped=[{"date": f"{Y2031}-03-10", "reason": "closure"}]),
        result("update", "KEEPS", exceptions_kept=[{"booking_id": 51, "fields": ["title"]}]),
        result("unchanged", "QUIET"),
    ]
    imports.items_table(results, {}, campus(), "Items")
    assert [line.split("│")[2].strip() for line in s.out.splitlines()[4:-1]] == [
        "BUMPS",
        "SKIPS",
        "KEEPS",
    ]


def test_only_the_actions_asked_for_are_listed(screen):
    s = screen(160)
    results = [result("conflict", "A"), result("invalid", "B"), result("update", "C")]
    imports.items_table(results, {}, campus(), "Left out (--partial)", imports.PROBLEMS)
    assert [line.split("│")[2].strip() for line in s.out.splitlines()[4:-1]] == ["A", "B"]


def test_a_long_list_stops_at_a_hundred_and_says_how_many_more(screen):
    s = screen(160)
    results = [result("cancel", f"GONE-{n:03}") for n in range(imports.MAX_SHOWN + 2)]
    imports.items_table(results, {}, campus(), "Items")
    shown = [line.split("│")[2].strip() for line in s.out.splitlines()[4:-1]]
    assert shown == [f"GONE-{n:03}" for n in range(imports.MAX_SHOWN)]
    assert s.err == "... and 2 more (see --json)\n"
    s = screen(160)
    imports.items_table(results[: imports.MAX_SHOWN], {}, campus(), "Items")
    assert s.err == ""


def test_on_a_colour_terminal_the_problem_rows_are_red(monkeypatch):
    out = io.StringIO()
    terminal = Console(file=out, width=100, force_terminal=True, color_system="standard")
    monkeypatch.setattr(output, "console", terminal)
    results = [result("conflict", "A"), result("invalid", "B"), result("cancel", "C")]
    imports.items_table(results, {}, campus(), "Items")
    lines = out.getvalue().splitlines()[4:7]
    assert ["\x1b[31m" in line for line in lines] == [True, True, False]


# -- a 400 about items, as lines of the file ----------------------------------------------


def bad_request(*pointers: str) -> Any:
    errors = [{"pointer": p, "detail": f"wrong at {p or 'the root'}"} for p in pointers]
    body = {"title": "validation_failed", "status": 400, "code": "validation_failed",
            "detail": "the request does not fit the schema", "errors": errors}  # fmt: skip
    return error_from_response(httpx.Response(400, json=body))


ROWS = [row("A", "M-101", "line 2"), row("B", "M-101", "line 3")]


def test_a_bad_item_is_named_by_its_line_and_field():
    exc = bad_request("/items/1/recurrence/interval", "/items/0", "/items/0/title")
    assert imports._bad_items(exc, ROWS) == [
        "line 3: recurrence.interval: wrong at /items/1/recurrence/interval",
        "line 2: wrong at /items/0",
        "line 2: title: wrong at /items/0/title",
    ]


@pytest.mark.parametrize(
    "pointers",
    [
        ("/items/2/title",),  # past the file's items
        ("/items/0/title", "/source"),  # one error about something else
        ("",),
        ("/items/x",),
        ("/itemsx/0",),
        ("/items/0x",),
        ("x/items/0",),
    ],
)
def test_a_400_not_about_the_files_items_is_left_as_it_is(pointers):
    assert imports._bad_items(bad_request(*pointers), ROWS) == []


def test_lines_that_failed_are_each_named_then_counted(screen, tmp_path):
    s = screen(200)
    with pytest.raises(typer.Exit) as exit_:
        imports._lines_failed(["line 2: room: empty", "line 5: bad"], tmp_path / "term.csv")
    assert exit_.value.exit_code == output.EXIT_ERROR
    assert s.err.splitlines() == [
        "error: line 2: room: empty",
        "error: line 5: bad",
        "error: 2 lines of term.csv cannot be imported; nothing was sent",
    ]


def test_more_than_two_hundred_bad_lines_are_cut_short(screen, tmp_path):
    s = screen(200)
    errors = [f"line {n}: bad" for n in range(2, 203)]
    with pytest.raises(typer.Exit):
        imports._lines_failed(errors, tmp_path / "term.csv")
    lines = s.err.splitlines()
    assert lines[0] == "error: line 2: bad"
    assert lines[199] == "error: line 201: bad"
    assert lines[200:] == [
        "... and 1 more",
        "error: 201 lines of term.csv cannot be imported; nothing was sent",
    ]
    s = screen(200)
    with pytest.raises(typer.Exit):
        imports._lines_failed(errors[:200], tmp_path / "term.csv")
    assert "more" not in s.err


# -- asking before an apply, and an apply refused -----------------------------------------


@pytest.mark.parametrize(
    ("counts", "question"),
    [
        ({"create": 2}, "Apply this plan to http://campus.example (2 to create)?"),
        (
            {"create": 2, "conflict": 1, "invalid": 2},
            "Apply this plan to http://campus.example (2 to create, 1 conflict, 2 invalid), "
            "leaving out 3 items?",
        ),
    ],
)
def test_the_question_before_an_apply(monkeypatch, screen, counts, question):
    asked = []

    def confirm(text: str, default: bool, err: bool) -> bool:
        asked.append((text, default, err))
        return True

    monkeypatch.setattr(typer, "confirm", confirm)
    plan = batch(**counts)
    imports._confirm(plan, imports._counts(plan), State(url="http://campus.example/"))
    assert asked == [(question, False, True)]


@pytest.mark.parametrize("answer", [False, typer.Abort()])
def test_no_or_ctrl_c_applies_nothing(monkeypatch, screen, answer):
    def confirm(text: str, default: bool, err: bool) -> bool:
        if isinstance(answer, BaseException):
            raise answer
        return answer

    monkeypatch.setattr(typer, "confirm", confirm)
    s = screen(100)
    plan = batch(create=1)
    with pytest.raises(typer.Exit) as exit_:
        imports._confirm(plan, imports._counts(plan), State(url="http://campus.example"))
    assert exit_.value.exit_code == output.EXIT_ERROR
    assert s.err == "Nothing was applied.\n"


def test_an_apply_refused_shows_what_is_in_the_way_and_exits_4(screen):
    body = {
        "title": "import_rejected", "status": 409, "code": "import_rejected",
        "detail": "1 item conflicts (nothing was applied)", "import_id": 13,
        "summary": {"create": 1, "conflict": 1, "occurrences": 4},
        "items": [{"external_id": "A", "kind": "booking", "action": "conflict",
                   "conflicts": [{"id": 41, "start": at(9), "end": at(11)}]}],
    }  # fmt: skip
    exc = error_from_response(httpx.Response(409, json=body))
    s = screen(160)
    st = campus().st
    with pytest.raises(typer.Exit) as exit_:
        imports._rejected(exc, None, {"A": ROWS[0]}, campus(), st)  # type: ignore[arg-type]
    assert exit_.value.exit_code == output.EXIT_CONFLICT
    lines = s.out.splitlines()
    assert lines[0] == "Rejected (import 13)"
    assert lines[4].split("│")[1:-1] == [
        "      1 ", "      0 ", "         0 ", "      0 ", "        1 ", "       0 ",
        "           4 ",
    ]  # fmt: skip
    assert lines[6] == "In the way"
    assert lines[10] == (
        f"│ line 2 │ A           │ booking │ conflict │ in the way: booking 41, "
        f"Tue {Y2031}-03-04 09:00-11:00 CET │"
    )
    assert s.err == "error: not applied: 1 item conflicts (nothing was applied)\n"


def test_an_apply_refused_with_json_prints_the_stored_batch(capsys):
    class Imports:
        def get(self, import_id: int) -> ImportBatch:
            return batch("rejected", create=1, conflict=1).model_copy(update={"id": import_id})

    class Client:
        imports = Imports()

    body = {"status": 409, "code": "import_rejected", "detail": "refused", "import_id": 13}
    exc = error_from_response(httpx.Response(409, json=body))
    st = State(json=True)
    with pytest.raises(typer.Exit):
        imports._rejected(exc, Client(), {}, campus(), st)  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert '"id": 13' in out and '"status": "rejected"' in out


def test_on_a_narrow_terminal_the_items_wrap_to_their_least_widths(screen):
    """At 57 columns the kind is left out and where, external id and details wrap at 10,
    10 and 16 characters (one column less and they would fold)."""
    s = screen(57)
    ref = "LEC-2031-SUMMER-ALGEBRA-1"
    rows = {ref: row(ref, "M-101", "line 12 (lec-2031-summer-algebra-1@sis)")}
    clash = {"id": 41, "title": "Written examination", "start": at(9), "end": at(11),
             "owner_id": 7}  # fmt: skip
    imports.items_table([result("conflict", ref, conflicts=[clash])], rows, campus(), "Items")
    assert s.out.splitlines()[1:] == [
        "┏━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┓",
        "┃            ┃ external   ┃          ┃                  ┃",
        "┃ where      ┃ id         ┃ action   ┃ details          ┃",
        "┡━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━┩",
        "│ line 12    │ LEC-2031-S │ conflict │ in the way:      │",
        "│ (lec-2031- │ UMMER-ALGE │          │ booking 41       │",
        "│ summer-alg │ BRA-1      │          │ 'Written         │",
        "│ ebra-1@sis │            │          │ examination',    │",
        "│ )          │            │          │ Tue 2031-03-04   │",
        "│            │            │          │ 09:00-11:00 CET, │",
        "│            │            │          │ booked by Ada    │",
        "│            │            │          │ Lovelace         │",
        "│            │            │          │ <ada@campus.exam │",
        "│            │            │          │ ple>             │",
        "└────────────┴────────────┴──────────┴──────────────────┘",
    ]
    assert s.err == ("Left out to fit 57 columns: kind (a wider terminal or\n--json shows them).\n")
