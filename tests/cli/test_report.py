"""``compax report utilisation``: the table and heatmap at 80 and 140 columns (snapshots),
CSV, and the pictures: a valid PNG of the expected size with its title in the metadata, an
SVG with its labels as text. ``UPDATE_SNAPSHOTS=1`` rewrites the snapshot files."""

from __future__ import annotations

import csv
import io
import struct
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from compax_cli import report_charts
from compax_sdk import Compax, PermissionDeniedError
from tests.cli.conftest import BERLIN, WEEKDAYS_8_TO_20, Cli, words
from tests.cli.test_schedule import snapshot
from tests.dates import Y2031

TZ = ZoneInfo(BERLIN)
PERIOD = ("--from", f"{Y2031}-03-24", "--to", f"{Y2031}-03-30")


def local(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(Y2031, 3, day, hh, mm, tzinfo=TZ)


@pytest.fixture(scope="module")
def used(api: Compax) -> dict[str, Any]:
    building = api.buildings.create(
        code="REP", name="Report hall", timezone=BERLIN, opening_hours=WEEKDAYS_8_TO_20
    )
    a, b = (
        api.rooms.create(code=code, name=code, building_id=building.id, capacity=seats)
        for code, seats in (("REP-1", 30), ("REP-2", 90))
    )
    for day in (24, 25, 26, 27, 28):
        api.bookings.create(room_id=a.id, title="Lecture", start=local(day, 9), end=local(day, 12))
    api.bookings.create(room_id=b.id, title="Exam", start=local(26, 8), end=local(26, 20))
    gone = api.bookings.create(room_id=b.id, title="x", start=local(27, 8), end=local(27, 9))
    api.bookings.cancel(gone)
    return {"rooms": (a, b)}


@pytest.mark.parametrize("columns", [80, 140])
def test_the_table_and_heatmap_read_at_80_and_140_columns(admin_cli: Cli, used, columns):
    out = admin_cli.ok(
        "report", "utilisation", *PERIOD, "--building", "REP", COLUMNS=str(columns)
    ).stdout
    assert max(len(line) for line in out.splitlines()) <= columns
    assert "building REP" in out and "REP-1" in out and "1 cancelled" in out
    snapshot(f"report_{columns}.txt", out)


def test_the_summary_of_one_room_counts_in_the_singular(admin_cli: Cli, used):
    out = admin_cli.ok("report", "utilisation", *PERIOD, "--room", "REP-2", COLUMNS="140").stdout
    assert "12 of 60 open room-hours in 1 room; 1 booking, 1 cancelled, 0 no-shows" in out
    both = admin_cli.json("report", "utilisation", *PERIOD, "--room", "REP-1,REP-2")
    assert sorted(r["code"] for r in both["rooms"]) == [
        "REP-1",
        "REP-2",
    ]  # a,b as for --room --room


def test_csv_of_the_rooms(admin_cli: Cli, used):
    out = admin_cli.ok("report", "utilisation", *PERIOD, "--building", "REP", "--csv").stdout
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["REP-1"]["booked_hours"] == "15.0" and rows["REP-1"]["open_hours"] == "60.0"
    assert rows["REP-1"]["utilisation"] == "0.25"
    assert rows["REP-2"]["cancelled"] == "1"


def test_png_and_svg(admin_cli: Cli, used, tmp_path):
    png, svg = tmp_path / "use.png", tmp_path / "use.svg"
    admin_cli.ok(
        "report", "utilisation", *PERIOD, "--building", "REP", "--png", str(png), "--svg", str(svg)
    )
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (
        report_charts.SIZE[0] * report_charts.DPI,
        report_charts.SIZE[1] * report_charts.DPI,
    )
    title = f"building REP, {Y2031}-03-24 to {Y2031}-03-30".encode()
    assert b"Room utilisation" in data and title in data
    text = svg.read_text()
    for label in (
        "Room utilisation",
        f"building REP, {Y2031}-03-24 to {Y2031}-03-30",
        "Occupancy by weekday and hour",
        "hour of day (local time)",
        "weekday",
        "room-hours",
        "open hours",
        "booked hours",
        "REP-1",
        "REP-2",
        "25%",
    ):
        assert label in text, label


def test_pictures_without_matplotlib_say_how_to_install(
    admin_cli: Cli, used, tmp_path, monkeypatch
):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = admin_cli("report", "utilisation", *PERIOD, "--png", str(tmp_path / "x.png"))
    assert result.exit_code == 1
    assert "pip install 'compax[reports]'" in result.output


def test_members_may_not(admin_cli: Cli, used, member):
    with pytest.raises(PermissionDeniedError):
        member.reports.utilisation(
            from_=datetime(Y2031, 3, 24).date(), to=datetime(Y2031, 3, 30).date()
        )


def test_a_picture_is_written_as_the_option_says_and_a_bad_path_is_an_error(
    admin_cli: Cli, used, tmp_path
):
    named = tmp_path / "use.txt"
    admin_cli.ok("report", "utilisation", *PERIOD, "--png", str(named))
    assert named.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # --png writes a PNG, whatever its name
    missing = tmp_path / "no such folder" / "use.png"
    result = admin_cli("report", "utilisation", *PERIOD, "--png", str(missing))
    assert result.exit_code == 1
    assert f"cannot write {missing}: No such file or directory" in words(result)
    folder = admin_cli("report", "utilisation", *PERIOD, "--svg", str(tmp_path))
    assert folder.exit_code == 2
    assert "is a directory" in folder.stderr


def test_a_band_or_period_the_server_refuses_names_the_options_given(admin_cli: Cli, used):
    """``--min-capacity 50 --max-capacity 10`` is refused naming both (``min_capacity`` is
    ``--capacity`` in a room search, ``--min-capacity`` here); a period ending before it
    starts names ``--to``."""
    band = admin_cli(
        "report", "utilisation", *PERIOD, "--min-capacity", "50", "--max-capacity", "10"
    )
    assert (band.exit_code, words(band)) == (
        2, "error: --max-capacity: must not be below --min-capacity (50)"
    )  # fmt: skip
    backwards = admin_cli(
        "report", "utilisation", "--from", f"{Y2031}-03-30", "--to", f"{Y2031}-03-24"
    )
    assert (backwards.exit_code, words(backwards)) == (
        2, f"error: --to: must not be before the first day ({Y2031}-03-30)"
    )  # fmt: skip
