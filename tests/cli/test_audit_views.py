"""``compax audit``'s words without a server: a value for people, a field by the name people
use, what an event changed, what it was about, one line of ``tail``, and the names an event
needs looked up."""

from __future__ import annotations

import io
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from compax_cli import audit
from compax_cli.names import Names
from compax_sdk import AuditEvent
from tests.cli import models

BERLIN = ZoneInfo("Europe/Berlin")
STAMP = "2031-01-06T09:00:00+01:00"


def names() -> Names:
    """Room 3 is M-101, building 1 is M, user 7 is Ada; nothing else is known."""
    return models.names([models.room()], [models.building()], [models.user()])


def event(**fields: Any) -> AuditEvent:
    base = {
        "id": 12,
        "at": "2031-03-04T09:00:00Z",
        "actor_label": "admin@campus.example",
        "action": "booking.update",
        "entity_type": "booking",
        "entity_id": 42,
    }
    return AuditEvent.model_validate(base | fields)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2031-03-04T09:00:00+00:00", "2031-03-04 10:00"),  # a time, in the zone asked for
        ("2031-03-04T09:00:00Z", "2031-03-04 10:00"),
        ("2031-03-04", "'2031-03-04'"),  # a date is a text
        ("2031-03-04T09:00", "'2031-03-04T09:00'"),  # a time without a zone too
        ("Linear algebra", "'Linear algebra'"),
        ("\x1b[2J", "'\\x1b[2J'"),  # a terminal's escape is shown, not run
        (42, "42"),
        (None, "None"),
        ([28, 29], "[28, 29]"),
        ("x" * 38, "'" + "x" * 38 + "'"),  # 40 characters: whole
        ("x" * 39, "'" + "x" * 36 + "..."),  # 41: cut to 40
    ],
)
def test_a_value_for_people(value, text):
    assert audit._short(value, BERLIN) == text


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("room_id", 3, ("room", "M-101")),
        ("room_id", 9, ("room", "room 9")),
        ("owner_id", 7, ("owner", "Ada Lovelace <ada@campus.example>")),
        ("user_id", 8, ("user", "user 8")),
        ("actor_user_id", 7, ("by", "Ada Lovelace <ada@campus.example>")),
        ("created_by_id", 7, ("booked by", "Ada Lovelace <ada@campus.example>")),
        ("building_id", 1, ("building", "M")),
        ("room_id", True, ("room_id", "True")),  # not an id
        ("room_id", None, ("room_id", "None")),
        ("max_duration_minutes", 240, ("max length", "4h")),
        ("horizon_days", None, ("book ahead at most", "-")),
        ("title", "Exam", ("title", "'Exam'")),
    ],
)
def test_a_field_by_the_name_people_use(key, value, field):
    assert audit._field(key, value, BERLIN, names()) == field


def test_an_update_says_what_changed_and_what_was_added():
    changed = event(
        before={
            "title": "A",
            "room_id": 3,
            "status": "confirmed",
            "version": 1,
            "updated_at": "2031-03-04T09:00:00Z",
        },
        after={
            "title": "B",
            "room_id": 9,
            "status": "confirmed",
            "version": 2,
            "updated_at": "2031-03-04T10:00:00Z",
            "attendees": 5,
        },
    )
    assert audit.change_text(changed, BERLIN, names()) == (
        "title 'A' → 'B'; room M-101 → room 9; attendees 5"
    )
    assert (
        audit.change_text(changed, BERLIN) == "title 'A' → 'B'; room room 3 → room 9; attendees 5"
    )
    moved = event(
        before={"start": "2031-03-04T09:00:00Z", "owner_id": 7},
        after={"start": "2031-03-04T10:00:00Z", "owner_id": 7, "checked_in_at":
               "2031-03-04T10:05:00Z", "created_by_id": 7},
    )  # fmt: skip
    said = (
        "start 2031-03-04 10:00 → 2031-03-04 11:00; checked_in_at 2031-03-04 11:05; "
        "booked by Ada Lovelace <ada@campus.example>"
    )
    assert audit.change_text(moved, BERLIN, names()) == said
    about_a_room = event(entity_type="room", entity_id=3, before=moved.before, after=moved.after)
    assert audit.event_line(about_a_room, BERLIN, names()).endswith(f"  M-101  {said}")


def test_a_creation_or_removal_shows_the_main_fields_in_order():
    made = event(
        action="booking.create",
        after={
            "description": "x",
            "room_id": 3,
            "start": "2031-03-04T09:00:00Z",
            "status": "confirmed",
            "title": "Exam",
            "owner_id": 7,
        },
    )
    assert audit.change_text(made, BERLIN, names()) == (
        "title 'Exam', status 'confirmed', start 2031-03-04 10:00, room M-101, "
        "owner Ada Lovelace <ada@campus.example>"
    )
    gone = event(action="room.delete", before={"code": "M-101", "name": "Hall", "capacity": 9})
    assert audit.change_text(gone, BERLIN) == "code 'M-101', name 'Hall'"
    limits = event(after={"max_duration_minutes": 240, "horizon_days": None, "scope": "room"})
    assert audit.change_text(limits, BERLIN) == "max length 4h"
    assert audit.change_text(event(), BERLIN) == ""


@pytest.mark.parametrize(
    ("kind", "entity_id", "with_names", "text"),
    [
        ("booking", 42, True, "booking 42"),
        ("room", 3, True, "M-101"),
        ("room", 3, False, "room 3"),
        ("building", 1, True, "M"),
        ("user", 7, True, "Ada Lovelace <ada@campus.example>"),
        ("user", None, True, "user"),
        ("rules.room", 3, True, "rules of M-101"),
        ("rules.room", 3, False, "rules of room 3"),
        ("rules.global", None, True, "rules of global"),
    ],
)
def test_what_an_event_was_about(kind, entity_id, with_names, text):
    about = event(entity_type=kind, entity_id=entity_id)
    assert audit.entity(about, names() if with_names else None) == text


def test_one_line_of_tail():
    line = audit.event_line(event(before={"title": "A"}, after={"title": "B"}), BERLIN)
    assert (
        line
        == "2031-03-04 10:00  #12  admin@campus.example  booking.update  booking 42  title 'A' → 'B'"
    )
    bare = audit.event_line(event(action="auth.login", entity_type="user", entity_id=None), BERLIN)
    assert bare == "2031-03-04 10:00  #12  admin@campus.example  auth.login  user"


def test_the_names_events_need_are_looked_up_at_once():
    asked = models.Asked()
    events = [
        event(before={"room_id": 3, "owner_id": 7}, after={"room_id": 4, "created_by_id": 8}),
        event(entity_type="rules.building", entity_id=2, after={"actor_user_id": 9}),
        event(entity_type="room", entity_id=5, after={"building_id": 1, "capacity": 30}),
        event(entity_type="user", entity_id=10, after={"room_id": True, "user_id": "x"}),
    ]
    audit.learn_names(asked, events)
    assert asked.asked == [({3, 4, 5}, {7, 8, 9, 10}, {1, 2})]


def test_tail_prints_a_line_or_a_json_object_per_event(monkeypatch, capsys):
    out = io.StringIO()
    terminal = Console(file=out, width=40, force_terminal=True, color_system="standard")
    monkeypatch.setattr(audit, "console", terminal)
    marked = event(after={"name": "[bold]Hall 2031[/]"}, action="room.create",
                   entity_type="room", entity_id=3)  # fmt: skip
    audit._print([marked], False, BERLIN, names())
    assert out.getvalue() == (
        "2031-03-04 10:00  #12  admin@campus.example  room.create  M-101  "
        "name '[bold]Hall 2031[/]'\n"
    )  # one line, whatever the width; the title's markup and numbers shown as they are
    audit._print([marked, event()], True, BERLIN)
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["room.create", "booking.update"]
