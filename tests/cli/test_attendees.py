"""Head counts from the terminal: ``series create/edit --attendees`` and the ``attendees``
column of a CSV timetable; more people than seats is refused, naming the room and its seats."""

from __future__ import annotations

import pytest

from tests.cli.conftest import tag
from tests.dates import Y2031

pytestmark = pytest.mark.slow


def test_series_create_and_edit_with_attendees(admin_cli, campus):
    room = campus["mid"]  # 30 seats
    made = admin_cli.json(
        "series", "create", "-r", room.code, "-t", "Lab", "--start", f"{Y2031}-03-05",
        "--time", "14:00", "-d", "2h", "--count", "3", "--attendees", "24",
    )  # fmt: skip
    sid = str(made["id"])
    assert made["attendees"] == 24
    detail = admin_cli.json("series", "show", sid)
    assert [b["attendees"] for b in detail["occurrences"]] == [24] * 3
    shown = admin_cli.ok("series", "show", sid).stdout
    assert "attendees" in shown and "24" in shown

    too_many = admin_cli("series", "edit", sid, "--attendees", "31")
    assert too_many.exit_code == 1
    assert f"31 attendees do not fit in {room.code} (30 seats)" in too_many.stderr
    assert "--override" in too_many.stderr
    assert admin_cli.json("series", "show", sid)["attendees"] == 24  # nothing changed

    assert admin_cli.json("series", "edit", sid, "--attendees", "28")["attendees"] == 28
    assert (
        admin_cli.json("series", "edit", sid, "--attendees", "31", "--override")["attendees"] == 31
    )
    cleared = admin_cli.json("series", "edit", sid, "--attendees", "0")
    assert cleared["attendees"] is None
    occurrences = admin_cli.json("series", "show", sid)["occurrences"]
    assert [b["attendees"] for b in occurrences] == [None] * 3
    assert "attendees" not in admin_cli.ok("series", "show", sid).stdout

    refused = admin_cli(
        "series", "create", "-r", room.code, "-t", "Crowd", "--start", f"{Y2031}-04-02",
        "--time", "14:00", "-d", "1h", "--count", "2", "--attendees", "40",
    )  # fmt: skip
    assert refused.exit_code == 1 and "(30 seats)" in refused.stderr
    bad = admin_cli("series", "edit", sid, "--attendees", "-1")
    assert bad.exit_code == 2 and "--attendees" in bad.stderr


HEADER = (
    "external_id,kind,room,title,attendees,start,end,start_date,start_time,duration_minutes,count"
)


def test_a_timetable_with_head_counts(admin_cli, api, campus, tmp_path):
    source = f"sis-{tag().lower()}"
    mid, small = campus["mid"].code, campus["small"].code  # 30 and 12 seats

    def write(lecture: int, exam: int) -> str:
        path = tmp_path / f"t{lecture}-{exam}.csv"
        path.write_text(
            f"{HEADER}\n"
            f"LEC-1,series,{mid},Linear algebra,{lecture},,,{Y2031}-03-04,10:00,90,3\n"
            f"EXAM-1,booking,{small},Exam,{exam},{Y2031}-03-07 09:00,{Y2031}-03-07 11:00,,,,\n"
        )
        return str(path)

    done = admin_cli.json("import", write(25, 12), "--source", source, "--yes")
    assert done["summary"]["create"] == 2
    series_id = next(i["series_id"] for i in done["items"] if i["external_id"] == "LEC-1")
    occurrences = api.series.get(series_id).occurrences
    assert [b.attendees for b in occurrences] == [25] * 3

    plan = admin_cli("import", write(28, 12), "--source", source, "--dry-run")
    assert plan.exit_code == 0, plan.output
    assert "changes attendees" in plan.stdout
    refused = admin_cli("import", write(28, 13), "--source", source, "--yes")
    assert refused.exit_code == 4
    assert f"13 attendees do not fit in {small} (12 seats)" in refused.stdout
    assert [b.attendees for b in api.series.get(series_id).occurrences] == [25] * 3

    bad = admin_cli("import", write(0, 12), "--source", source, "--yes")
    assert bad.exit_code == 1 and "line 2: attendees" in bad.stderr
