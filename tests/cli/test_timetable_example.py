"""``examples/timetable_sync.py`` as its README runs it: against a real ``compax serve``
with the demo campus, configured by COMPAX_URL and COMPAX_API_KEY: plan, apply, apply again
(nothing changes), and a refused apply exits non-zero."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from compax_sdk import Compax
from tests.cli.conftest import tag
from tests.dates import future_year

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).parents[2] / "examples"
Y2027 = future_year(2027)  # the example is the summer term 2027; the same calendar ahead


@pytest.fixture(scope="module")
def timetable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/timetable.csv with its dates moved to ``Y2027`` (an import skips past dates)."""
    text = (EXAMPLES / "timetable.csv").read_text()
    path = tmp_path_factory.mktemp("example") / "timetable.csv"
    path.write_text(re.sub(r"\b2027-(?=\d\d-\d\d)", f"{Y2027}-", text))
    return path


@pytest.fixture(scope="module")
def api_key(admin_cli, api: Compax) -> str:
    admin_cli.ok("demo")
    robot = api.users.create(
        email=f"sis-{tag().lower()}@campus.example", full_name="Timetable sync", role="staff"
    )
    return api.api_keys.create(user_id=robot.id, name="sis", scopes=["read", "import"]).secret


def sync(url: str, key: str, csv: Path, *args: str):
    return subprocess.run(
        [sys.executable, str(EXAMPLES / "timetable_sync.py"), str(csv), *args],
        env={**os.environ, "COMPAX_URL": url, "COMPAX_API_KEY": key},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_plan_apply_and_apply_again(server, api_key, api, timetable):
    plan = sync(server.url, api_key, timetable)
    assert plan.returncode == 0, plan.stderr
    assert "5 items in timetable.csv" in plan.stdout
    assert "5 create, 0 update, 0 unchanged, 0 cancel, 0 conflict, 0 invalid; 66 occurrences\n" in (
        plan.stdout
    )
    assert not any(s.title.startswith("Linear algebra I") for s in api.series.list())

    applied = sync(server.url, api_key, timetable, "--apply")
    assert applied.returncode == 0, applied.stderr
    assert "Applied (import" in applied.stdout
    lecture = next(s for s in api.series.list() if s.title == "Linear algebra I (lecture)")
    assert lecture.source == "sis-2027-summer" and lecture.external_id == "2027S-MA101-L"

    again = sync(server.url, api_key, timetable, "--apply")
    assert again.returncode == 0, again.stderr
    last = again.stdout.strip().splitlines()[-1]
    assert last.startswith("Applied (import")
    assert last.endswith(
        "0 create, 0 update, 5 unchanged, 0 cancel, 0 conflict, 0 invalid; 0 occurrences"
    )


def test_a_refused_apply_exits_4_and_says_why(server, api_key, api, tmp_path):
    room = next(r for r in api.rooms.list(q="M-102") if r.code == "M-102")
    csv = tmp_path / "conflicting.csv"
    csv.write_text(
        "external_id,kind,room,title,start,end\n"
        f"T-1,booking,M-102,Tutorial,{Y2027}-08-02 10:00,{Y2027}-08-02 12:00\n"
        f"T-2,booking,M-102,Other tutorial,{Y2027}-08-02 11:00,{Y2027}-08-02 13:00\n"
    )
    refused = sync(server.url, api_key, csv, "--apply", "--source", "sis-test")
    assert refused.returncode == 4, refused.stdout + refused.stderr
    assert "Refused (import" in refused.stdout and "overlaps T-1 of this batch" in refused.stdout
    assert refused.stderr.startswith("Refused: 1 conflicting item and 0 invalid items; nothing")
    assert not any("utorial" in b.title for b in api.bookings.list(room_id=room.id))
