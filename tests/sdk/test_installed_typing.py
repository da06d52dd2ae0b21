"""A user's typed script finds the SDK, and its ``py.typed``, through the README's editable
install (``pip install -e``): ``mypy --strict`` runs outside the project, against a fresh
environment where this project was installed that way."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SCRIPT = Path(__file__).with_name("typed_usage.py")


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


@pytest.fixture
def fresh_editable_install(tmp_path: Path) -> Path:
    """The interpreter of a new virtual environment with this project installed editable;
    its dependencies (httpx, pydantic) are read from this environment, so nothing is
    downloaded."""
    venv = tmp_path / "venv"
    made = run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    where = run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
    )
    site = Path(where.stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-index",
        "--no-deps",
        "--no-build-isolation",
        "--editable",
        ROOT,
        cwd=tmp_path,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return python


def test_mypy_strict_finds_the_sdk_through_an_editable_install(fresh_editable_install, tmp_path):
    script = tmp_path / "typed_usage.py"
    shutil.copy(SCRIPT, script)
    result = run(
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--python-executable",
        fresh_editable_install,
        script.name,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
