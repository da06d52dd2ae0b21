"""Schemathesis with every check against a real server, as two users (an admin and a
member), on a bounded budget: no server error and no response outside the OpenAPI document."""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import require_program
from tests.dates import Y2031
from tests.e2e.servers import LiveServer

pytestmark = pytest.mark.slow

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
            "start": f"{Y2031}-03-03T09:00:00Z",
            "end": f"{Y2031}-03-03T10:00:00Z",
        },
        headers=h,
    ).raise_for_status()
    httpx.post(
        f"{url}/api/v1/terms",
        json={"name": "T", "start_date": f"{Y2031}-03-01", "end_date": f"{Y2031}-06-30"},
        headers=h,
    ).raise_for_status()
    member = httpx.post(
        f"{url}/api/v1/auth/token",
        json={"email": "member@campus.example", "password": "member password"},
    ).json()["access_token"]
    httpx.post(  # the member waits for the admin's booking: waitlist entry 1
        f"{url}/api/v1/waitlist",
        json={
            "title": "w",
            "room_id": room["id"],
            "start": f"{Y2031}-03-03T09:00:00Z",
            "end": f"{Y2031}-03-03T10:00:00Z",
        },
        headers={"Authorization": f"Bearer {member}"},
    ).raise_for_status()
    return admin, member


def test_schemathesis_finds_no_server_error_and_no_schema_violation(tmp_path):
    schemathesis = require_program("schemathesis")
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
        hostile_examples(server.url, admin)  # first: the generated run may end the session
        for name, token in (
            ("member", member),
            ("admin", admin),
        ):  # the member first: the admin may deactivate it
            result = subprocess.run(
                [
                    schemathesis,
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


def cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def hostile_examples(url: str, token: str) -> None:
    """Explicit examples that random generation rarely finds (issue 12, items 1, 2, 14):
    each is a precise, small problem+json, never a 500. ``tests/security`` has each on
    PostgreSQL too."""
    h = {"Authorization": f"Bearer {token}"}
    nul = "x\u0000y"
    flood = gzip.compress(("{" + ",".join(f'"k{i}":1' for i in range(400_000)) + "}").encode())
    early = {"free_from": "0001-01-01T00:00:00+01:00", "free_to": "0001-01-01T01:00:00+01:00"}
    late = {"from": "9999-12-31T22:00:00-05:00", "to": "9999-12-31T23:00:00-05:00"}
    big_id = cursor('{"id": 1000000000000000000000000000000}')
    booking = {"room_id": 1, "start": f"{Y2031}-03-03T09:00:00Z", "end": f"{Y2031}-03-03T10:00:00Z"}
    item = {"external_id": "e", "kind": "booking", "room": "R1", **booking}
    del item["room_id"]
    examples: list[tuple[str, str, dict[str, Any], int]] = [
        (
            "POST",
            "/api/v1/auth/token",
            {"content": '{"email": "a\\u0000@b.c", "password": "p"}'},
            400,
        ),
        ("POST", "/api/v1/auth/token", {"content": flood, "gzip": True}, 413),
        ("POST", "/api/v1/bookings", {"content": json.dumps({**booking, "title": nul})}, 400),
        ("PATCH", "/api/v1/me", {"content": json.dumps({"full_name": nul})}, 400),
        (
            "POST",
            "/api/v1/waitlist",
            {"content": json.dumps({**booking, "title": nul})},
            400,
        ),
        (
            "POST",
            "/api/v1/waitlist",
            {"content": json.dumps({**booking, "title": "w", "features": ["x"] * 5000})},
            400,
        ),
        ("GET", "/api/v1/rooms", {"params": {"q": "\x00"}}, 400),
        (
            "POST",
            "/api/v1/imports",
            {"content": json.dumps({"source": "s", "items": [{**item, "title": nul}]})},
            400,
        ),
        ("GET", "/api/v1/rooms", {"params": early}, 422),
        ("GET", "/api/v1/rooms/1/availability", {"params": late}, 422),
        ("GET", "/api/v1/users", {"params": {"cursor": big_id}}, 400),
        ("GET", "/api/v1/changes", {"params": {"since": big_id}}, 400),
        (
            "GET",
            "/api/v1/rooms",
            {"params": {"cursor": cursor('{"capacity": {}, "code": 1, "id": 1}')}},
            400,
        ),
        (
            "POST",
            "/api/v1/terms",
            {
                "content": json.dumps(
                    {"name": "F", "start_date": "2027-01-01", "end_date": "2199-12-31"}
                )
            },
            422,
        ),
    ]
    for method, path, options, status in examples:
        headers = {
            "content-type": "application/json",
            **(h if path != "/api/v1/auth/token" else {}),
        }
        if options.pop("gzip", False):
            headers["content-encoding"] = "gzip"
        r = httpx.request(method, url + path, headers=headers, timeout=30, **options)
        assert (r.status_code, r.headers["content-type"]) == (status, "application/problem+json"), (
            method,
            path,
            r.text[:500],
        )
        assert len(r.content) < 5000
