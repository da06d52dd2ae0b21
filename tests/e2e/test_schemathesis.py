"""Schemathesis with every check against a real server, as two users (an admin and a
member), on a bounded budget: no server error and no response outside the OpenAPI document."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.servers import LiveServer

pytestmark = pytest.mark.slow

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")
ADMIN = ("admin@campus.example", "first admin pw")


def seed(url: str) -> tuple[str, str]:
    """An admin and a member token, and one of each object, so paths with ids hit data."""
    admin = httpx.post(
        f"{url}/api/v1/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]}
    ).json()["access_token"]
    h = {"Authorization": f"Bearer {admin}"}
    httpx.post(
        f"{url}/api/v1/users",
        json={"email": "member@campus.example", "full_name": "M", "password": "member password"},
        headers=h,
    ).raise_for_status()
    b = httpx.post(
        f"{url}/api/v1/buildings",
        json={"code": "B1", "name": "B", "timezone": "Europe/Berlin"},
        headers=h,
    ).json()
    httpx.post(
        f"{url}/api/v1/features", json={"code": "projector", "name": "Projector"}, headers=h
    ).raise_for_status()
    room = httpx.post(
        f"{url}/api/v1/rooms",
        json={
            "code": "R1",
            "name": "R",
            "building_id": b["id"],
            "capacity": 30,
            "features": ["projector"],
        },
        headers=h,
    ).json()
    httpx.post(
        f"{url}/api/v1/bookings",
        json={
            "room_id": room["id"],
            "title": "t",
            "start": "2031-03-03T09:00:00Z",
            "end": "2031-03-03T10:00:00Z",
        },
        headers=h,
    ).raise_for_status()
    httpx.post(
        f"{url}/api/v1/terms",
        json={"name": "T", "start_date": "2031-03-01", "end_date": "2031-06-30"},
        headers=h,
    ).raise_for_status()
    member = httpx.post(
        f"{url}/api/v1/auth/token",
        json={"email": "member@campus.example", "password": "member password"},
    ).json()["access_token"]
    return admin, member


@pytest.mark.skipif(
    not Path(SCHEMATHESIS).exists() and not shutil.which("schemathesis"),
    reason="schemathesis is not installed",
)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(tmp_path):
    env = {
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN[0],
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
        "COMPAX_LOG_LEVEL": "WARNING",
        "COMPAX_REQUEST_MAX_SIZE": str(16 * 1024 * 1024),
        "COMPAX_LOGIN_RATE_LIMIT": "1000000",
        "COMPAX_LOGIN_RATE_LIMIT_IP": "1000000",
    }
    with LiveServer(tmp_path, env) as server:
        admin, member = seed(server.url)
        for name, token in (
            ("member", member),
            ("admin", admin),
        ):  # the member first: the admin may deactivate it
            result = subprocess.run(
                [
                    SCHEMATHESIS,
                    "--config-file",
                    str(CONFIG),
                    "run",
                    f"{server.url}/openapi.json",
                    "--checks",
                    "all",
                    "--max-examples",
                    "8",
                    "--seed",
                    "7",
                    "--workers",
                    "1",
                    "-H",
                    f"Authorization: Bearer {token}",
                    "--no-color",
                ],
                capture_output=True,
                text=True,
                timeout=900,
            )
            assert result.returncode == 0, f"as {name}:\n{result.stdout[-12000:]}"
        assert "Traceback" not in server.log()
