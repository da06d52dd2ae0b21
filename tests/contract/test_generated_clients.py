"""Clients generated from our /openapi.json work, as a frontend or integrator would make them:
openapi-python-client's package imports and can log in, search, book and read a 409's
conflicts against a real server; openapi-typescript's types compile (``tsc --noEmit``, strict)
with a small typed usage file.

The generators are not our dependencies: CI installs openapi-python-client into
``.venv-gen`` and the npm tools into ``tests/contract/node_modules`` (see ``.ci/run``);
elsewhere these tests skip when the tools are missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conftest import require_program
from tests.e2e.servers import LiveServer

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
EMAIL, PASSWORD = "admin@campus.example", "first admin pw"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = {"COMPAX_BOOTSTRAP_ADMIN_EMAIL": EMAIL, "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": PASSWORD}
    with LiveServer(tmp_path_factory.mktemp("contract"), env) as live:
        yield live


@pytest.fixture(scope="module")
def document(server, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_bytes(httpx.get(f"{server.url}/openapi.json").raise_for_status().content)
    return path


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_a_generated_python_client_logs_in_books_and_reads_a_conflict(server, document, tmp_path):
    generator = require_program("openapi-python-client", ROOT / ".venv-gen" / "bin")
    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\npackage_name_override: compax_gen\n")
    run(
        generator,
        "generate",
        "--path",
        str(document),
        "--meta",
        "none",
        "--output-path",
        str(tmp_path / "compax_gen"),
        "--config",
        str(config),
        cwd=tmp_path,
    )
    # every generated module imports (the login module once failed with a NameError)
    python = str(Path(generator).parent / "python")
    env = os.environ | {"PYTHONPATH": str(tmp_path)}
    run(
        python,
        "-c",
        "import importlib, pkgutil, compax_gen.api as api\n"
        "for m in pkgutil.walk_packages(api.__path__, 'compax_gen.api.'):\n"
        "    importlib.import_module(m.name)\n",
        cwd=tmp_path,
        env=env,
    )
    out = run(
        python, str(HERE / "generated_usage.py"), server.url, EMAIL, PASSWORD, cwd=tmp_path, env=env
    )
    assert "all work" in out


def test_generated_typescript_types_compile_with_a_typed_usage_file(document, tmp_path):
    tools = HERE / "node_modules" / ".bin"
    require_program("node")
    generate = require_program("openapi-typescript", tools)
    tsc = require_program("tsc", tools)
    run(generate, str(document), "-o", str(tmp_path / "compax.d.ts"), cwd=tmp_path)
    for name in ("usage.ts", "tsconfig.json"):
        shutil.copy(HERE / name, tmp_path / name)
    run(tsc, "-p", "tsconfig.json", cwd=tmp_path)
    # and a typo in a problem code is a compile error: the types are literal, not `string`
    usage = (tmp_path / "usage.ts").read_text()
    (tmp_path / "usage.ts").write_text(usage.replace('"rate_limited"', '"rate_limitd"'))
    done = subprocess.run(
        [tsc, "-p", "tsconfig.json"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode != 0 and "rate_limitd" in done.stdout, done.stdout
