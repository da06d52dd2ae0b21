"""``compax serve`` as a person runs it: a real process on a fresh SQLite file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.servers import COMPAX, LiveServer

pytestmark = pytest.mark.slow

ADMIN = {
    "COMPAX_BOOTSTRAP_ADMIN_EMAIL": "admin@campus.example",
    "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": "first admin pw",
}


def raw_http(url: str, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send ``request`` as it is and read the answer to its end: (status line, headers, body)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(request)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status, headers, body


def test_serve_migrates_bootstraps_and_serves(tmp_path):
    env = {**ADMIN, "COMPAX_LOG_FORMAT": "json", "COMPAX_REQUEST_MAX_SIZE": "4096"}
    with LiveServer(tmp_path, env) as server:
        assert (tmp_path / "compax.sqlite3").exists()
        r = httpx.post(
            f"{server.url}/api/v1/auth/token",
            json={"email": "admin@campus.example", "password": "first admin pw"},
        )
        assert r.status_code == 200
        token = r.json()["access_token"]
        me = httpx.get(
            f"{server.url}/api/v1/me",
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "e2e-1"},
        )
        assert me.json()["role"] == "admin"
        assert me.headers["x-request-id"] == "e2e-1"
        big = httpx.post(
            f"{server.url}/api/v1/auth/token",
            content=b"{" + b" " * 10_000 + b"}",
            headers={"content-type": "application/json"},
        )
        assert big.status_code == 413
        assert big.headers["content-type"] == "application/problem+json"
        assert big.json()["code"] == "payload_too_large"
        long = httpx.get(f"{server.url}/api/v1/rooms", params={"q": "x" * 10_000})
        assert long.status_code == 431
        assert long.headers["content-type"] == "application/problem+json"
        assert (long.json()["code"], long.json()["title"]) == (
            "header_too_large", "The request headers are too large"
        )  # fmt: skip
        assert httpx.get(f"{server.url}/docs").status_code == 200
        assert httpx.get(f"{server.url}/docs/assets/swagger-ui-bundle.js").status_code == 200
        # Malformed HTTP (no route, no request yet) is a problem too, with its request id.
        for raw, detail in (
            (b"HELLO\r\n\r\n", "Bad Request"),
            (
                b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "Bad content-length",
            ),
        ):
            status, headers, body = raw_http(server.url, raw)
            assert status == "HTTP/1.1 400 Bad Request"
            assert headers["content-type"] == "application/problem+json"
            assert json.loads(body) == {
                "type": "/problems/bad_request",
                "title": "Bad request",
                "status": 400,
                "detail": detail,
                "code": "bad_request",
                "request_id": headers["x-request-id"],
            }
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    access = [e for e in lines if e.get("logger") == "compax.access"]
    me_line = next(e for e in access if e["request_id"] == "e2e-1")
    assert (
        me_line["method"] == "GET" and me_line["path"] == "/api/v1/me" and me_line["status"] == 200
    )
    assert me_line["user_id"] == 1 and me_line["duration_ms"] >= 0
    assert "first admin pw" not in server.log() and token not in server.log()


def test_a_restart_keeps_data_and_sessions(tmp_path):
    with LiveServer(tmp_path, ADMIN) as server:
        token = httpx.post(
            f"{server.url}/api/v1/auth/token",
            json={"email": "admin@campus.example", "password": "first admin pw"},
        ).json()["access_token"]
    with LiveServer(tmp_path, ADMIN) as server:
        r = httpx.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200


def test_production_refuses_to_start_without_a_secret(tmp_path):
    env = {**os.environ, "COMPAX_ENV": "production"}
    env.pop("COMPAX_SECRET_KEY", None)
    result = subprocess.run(
        [COMPAX, "serve"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "COMPAX_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_smtp_url_stops_the_start_and_names_the_variable(tmp_path):
    env = {**os.environ, "COMPAX_SMTP_URL": "smtp://mail.campus.example?starttls=ture"}
    result = subprocess.run(
        [COMPAX, "serve"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "COMPAX_SMTP_URL: starttls='ture': expected true or false" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "compax.sqlite3").exists()  # nothing started, nothing written
