"""``compax schedule``: the grid at 80 and 140 columns (snapshots), a week, JSON and CSV,
against a real server. ``UPDATE_SNAPSHOTS=1`` rewrites the snapshot files."""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from compax_sdk import Compax
from tests.cli.conftest import BERLIN, WEEKDAYS_8_TO_20, Cli
from tests.dates import Y2031

SNAPSHOTS = Path(__file__).parent / "snapshots"
TZ = ZoneInfo(BERLIN)


def local(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(Y2031, 3, day, hh, mm, tzinfo=TZ)


@pytest.fixture(scope="module")
def grid_campus(api: Compax) -> dict[str, Any]:
    building = api.buildings.create(
        code="SNAP", name="Snapshot hall", timezone=BERLIN, opening_hours=WEEKDAYS_8_TO_20
    )
    rooms = [
        api.rooms.create(code=code, name=name, building_id=building.id, capacity=seats)
        for code, name, seats in (
            ("SN-101", "Seminar room", 30),
            ("SN-102", "Lecture hall", 120),
            ("SN-201", "Meeting room", 8),
        )
    ]
    api.bookings.create(room_id=rooms[0].id, title="Algebra", start=local(26, 9), end=local(26, 11))
    api.bookings.create(
        room_id=rooms[1].id, title="Physics lecture", start=local(26, 10, 15), end=local(26, 12)
    )
    api.bookings.create(
        room_id=rooms[0].id, title="Friday tutorial", start=local(28, 14), end=local(28, 16)
    )
    api.buildings.create_closure(
        building.id,
        reason="Maintenance",
        room_id=rooms[2].id,
        start=local(26, 13),
        end=local(26, 17),
    )
    return {"building": building, "rooms": rooms}


def snapshot(name: str, text: str) -> None:
    text = text.replace(str(Y2031), "2031")  # the files show the week as written for 2031
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"{name} changed; UPDATE_SNAPSHOTS=1 to accept"


@pytest.mark.parametrize("columns", [80, 140])
def test_a_day_reads_at_80_and_uses_140_columns(admin_cli: Cli, grid_campus, columns):
    out = admin_cli.ok("schedule", "SNAP", "--date", f"{Y2031}-03-26", COLUMNS=str(columns)).stdout
    assert max(len(line) for line in out.splitlines()) <= columns
    assert "Algebra" in out and "Physics lecture" in out
    snapshot(f"schedule_day_{columns}.txt", out)


@pytest.mark.parametrize("columns", [80, 140])
def test_a_week_fits(admin_cli: Cli, grid_campus, columns):
    out = admin_cli.ok(
        "schedule", "SNAP", "--date", f"{Y2031}-03-26", "--week", COLUMNS=str(columns)
    ).stdout
    assert max(len(line) for line in out.splitlines()) <= columns
    assert "Mon 24" in out and "Sun 30" in out
    snapshot(f"schedule_week_{columns}.txt", out)


def test_json_and_csv(admin_cli: Cli, grid_campus):
    body = admin_cli.json("schedule", "SNAP", "--date", f"{Y2031}-03-26")
    assert body["date"] == f"{Y2031}-03-26" and body["days"] == 1
    assert [r["code"] for r in body["rooms"]] == ["SN-101", "SN-102", "SN-201"]
    out = admin_cli.ok("schedule", "SNAP", "--date", f"{Y2031}-03-26", "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["room"], r["kind"], r["start"], r["title"] or r["reason"]) for r in rows] == [
        ("", "open", f"{Y2031}-03-26T08:00:00+01:00", ""),
        ("SN-101", "booking", f"{Y2031}-03-26T09:00:00+01:00", "Algebra"),
        ("SN-102", "booking", f"{Y2031}-03-26T10:15:00+01:00", "Physics lecture"),
        ("SN-201", "closure", f"{Y2031}-03-26T13:00:00+01:00", "Maintenance"),
    ]


def test_an_unknown_building_is_exit_3(admin_cli: Cli):
    result = admin_cli("schedule", "NOPE", "--date", f"{Y2031}-03-26")
    assert result.exit_code == 3


def test_bookings_of_a_building_as_csv(admin_cli: Cli, grid_campus):
    out = admin_cli.ok("bookings", "list", "--building", "SNAP", "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["title"] for r in rows] == ["Algebra", "Physics lecture", "Friday tutorial"]
    assert rows[0]["local_start"] == f"{Y2031}-03-26T09:00:00+01:00"
    assert {r["room_id"] for r in rows} == {str(r.id) for r in grid_campus["rooms"][:2]}
