"""The SDK's types hold up in a user's ``mypy --strict`` script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("typed_usage.py")


def run_mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).parents[2],
    )


def test_a_typed_user_script_passes_mypy_strict():
    result = run_mypy(SCRIPT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_catches_misuse(tmp_path):
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "from compax_sdk import Compax\n"
        "c = Compax()\n"
        "c.bookings.create(room_id='3', title='x', start='9am', end=None)\n"
        "c.bookings.list(status='done')\n"
        "b: str = c.bookings.get(1).start\n"
    )
    result = run_mypy(wrong)
    assert result.returncode == 1
    for needle in ['"room_id"', '"start"', '"end"', '"status"', "assignment"]:
        assert needle in result.stdout, result.stdout
