"""``api/csv_export``: the cells, lines and content negotiation of the CSV answers, as a
spreadsheet reads them (the list endpoints' CSV pages are tested through the API in
``tests/api/test_manager_lists.py``)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pydantic import BaseModel, Field
from sanic.compat import Header

from compax_server.api.csv_export import _quality, cell, rows_csv, wants_csv


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        ("", ""),
        (["projector", "whiteboard"], "projector;whiteboard"),
        (["a", None, True], "a;;true"),
        ([], ""),
        ({"b": 1, "a": "Zürich"}, '{"b":1,"a":"Zürich"}'),  # compact, as written, not \\u-escaped
        ("Lecture", "Lecture"),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        (["=1", "ok"], "'=1;ok"),
        ({"=": 1}, '{"=":1}'),  # JSON starts with {: nothing to run
    ],
)
def test_a_cell_is_the_value_as_text_and_never_a_formula(value, text):
    assert cell(value) == text


class Row(BaseModel):
    room_code: str = Field(alias="room")
    seats: int | None = None


def test_lines_end_in_crlf_under_a_header_of_the_fields_by_alias():
    rows = [Row(room="M-101", seats=30), Row(room="M, 102"), {"room": "=X", "seats": 5}]
    assert rows_csv(rows, ["room", "seats"]) == (
        'room,seats\r\nM-101,30\r\n"M, 102",\r\n\'=X,5\r\n'
    )
    assert rows_csv([], ["room"]) == "room\r\n"
    assert rows_csv([{"other": 1}], ["room"]) == 'room\r\n""\r\n'  # a field a row lacks: empty


@pytest.mark.parametrize(
    ("part", "quality"),
    [
        ("text/csv", ("text/csv", 1.0)),
        (" TEXT/CSV ", ("text/csv", 1.0)),
        ("text/csv;q=0.5", ("text/csv", 0.5)),
        ("text/csv; Q = 0.25", ("text/csv", 0.25)),
        ("text/csv;charset=utf-8;q=0.3", ("text/csv", 0.3)),
        ("text/csv;q=high", ("text/csv", 0.0)),  # unreadable: not wanted
        ("text/csv;q=0.5=1", ("text/csv", 0.0)),
        ("text/csv;level=1", ("text/csv", 1.0)),
    ],
)
def test_a_media_range_and_its_quality(part, quality):
    assert _quality(part) == quality


@pytest.mark.parametrize(
    ("accept", "csv"),
    [
        (None, False),
        ("", False),
        ("application/json", False),
        ("text/csv", True),
        ("TEXT/CSV", True),
        ("application/json, text/csv", True),  # a tie: what was asked for by name
        ("application/json;q=1, text/csv;q=0.5", False),
        ("text/csv;q=0.5", True),  # no JSON asked for at all
        ("text/csv;q=0, */*", False),  # q=0: not acceptable
        ("text/csv;q=0.5, */*;q=0.5", True),  # named beats the wildcard at equal q
        ("*/*, text/csv;q=0.995", True),  # the wildcard counts a hair less than a name
        ("*/*, text/csv;q=0.98", False),
        ("text/csv;q=0.5, */*", False),
        ("text/csv, */*;q=0.5", True),
        ("text/csv-schema", False),  # the letters, not the type
    ],
)
def test_csv_is_answered_when_the_accept_header_prefers_it_to_json(accept, csv):
    headers = Header({} if accept is None else {"Accept": accept})
    assert wants_csv(SimpleNamespace(headers=headers)) is csv  # type: ignore[arg-type]
