"""Shared parts of the benchmarks: databases, real server processes, timing, wrk."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compax_server.db import migrate
from tests.e2e.servers import Cluster, LiveServer

RESULTS = ROOT / "benchmarks" / "results"
POSTGRES_URL = os.environ.get("COMPAX_BENCH_POSTGRES_URL") or os.environ.get(
    "COMPAX_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("COMPAX_BENCH_REDIS_URL") or os.environ.get("COMPAX_TEST_REDIS_URL", "")
ADMIN = ("bench-admin@campus.example", "bench admin password")


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {
        "n": len(ordered),
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": round(statistics.fmean(ordered), 3),
    }


@contextmanager
def database(engine: str) -> Iterator[str]:
    """A fresh, migrated database URL of the engine, removed afterwards."""
    if engine == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="compax-bench-"))
        url = f"sqlite://{folder}/bench.sqlite3"
        asyncio.run(migrate.upgrade(url))
        try:
            yield url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = f"compax_bench_{uuid.uuid4().hex[:10]}"
    url = asyncio.run(migrate.create_postgres_database(POSTGRES_URL, name))
    try:
        asyncio.run(migrate.upgrade(url))
        yield url
    finally:
        asyncio.run(migrate.drop_postgres_database(POSTGRES_URL, name))


async def raw_connection(url: str) -> Any:
    """A direct asyncpg connection for a raw-SQL floor, with the server's session settings
    (``jit = off``, compax_server/db/postgres.py), so both sides run the same plan."""
    import asyncpg

    return await asyncpg.connect(
        url.replace("postgres://", "postgresql://", 1), server_settings={"jit": "off"}
    )


@contextmanager
def servers(url: str, workers: int, instances: int = 1, **env: str) -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="compax-bench-srv-"))
    base = {
        "COMPAX_DATABASE_URL": url,
        "COMPAX_MIGRATE_ON_START": "false",
        "COMPAX_SECRET_KEY": "b" * 48,
        "COMPAX_LOG_LEVEL": "WARNING",
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN[0],
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
        "COMPAX_LOGIN_RATE_LIMIT_IP": "1000000",
        "COMPAX_BCRYPT_ROUNDS": "4",
    }
    if REDIS_URL:
        base |= {
            "COMPAX_CACHE_URL": REDIS_URL,
            "COMPAX_CACHE_NAMESPACE": f"bench{uuid.uuid4().hex[:8]}",
        }
    base |= env
    cluster = Cluster([LiveServer(folder, base, workers=workers) for _ in range(instances)])
    with cluster:
        yield cluster
    shutil.rmtree(folder, ignore_errors=True)


def admin_headers(url: str) -> dict[str, str]:
    r = httpx.post(f"{url}/api/v1/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


class LeanClient:
    """One keep-alive HTTP/1.1 connection through the standard library's ``http.client``,
    whose own cost per request is small next to the server's (a GET of ``/healthz`` is about
    0.45 ms in all here, where httpx, the SDK's transport, takes about 1.4 ms): what it times
    is the server and the network."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        self.headers = headers
        self.conn = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=30
        )

    def get(self, path: str, params: dict[str, str]) -> tuple[float, Any]:
        """The wall time of one GET (ms) and its decoded JSON body (a 200 is required)."""
        target = f"{path}?{urlencode(params)}" if params else path
        t = time.perf_counter()
        self.conn.request("GET", target, headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - t) * 1000
        assert response.status == 200, body[:500]
        return elapsed, json.loads(body)

    def __enter__(self) -> LeanClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def timed_gets(
    url: str, headers: dict[str, str], requests: list[tuple[str, dict[str, str]]], client: str
) -> tuple[list[float], list[Any]]:
    """GET each ``(path, params)`` in turn on one keep-alive connection; the wall time of
    each (ms) and its decoded JSON body. ``client``: ``"lean"`` (``LeanClient``, what the
    server costs) or ``"httpx"`` (what a Python caller of the SDK sees)."""
    samples: list[float] = []
    bodies: list[Any] = []
    if client == "httpx":
        with httpx.Client(base_url=url, headers=headers, timeout=60) as c:
            for path, params in requests:
                t = time.perf_counter()
                r = c.get(path, params=params)
                samples.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.text
                bodies.append(r.json())
        return samples, bodies
    with LeanClient(url, headers) as lean:
        for path, params in requests:
            elapsed, body = lean.get(path, params)
            samples.append(elapsed)
            bodies.append(body)
    return samples, bodies


def wrk(url: str, script: str, connections: int, seconds: int, threads: int = 2) -> dict[str, Any]:
    """Run wrk with a Lua script; returns requests/s, latency percentiles and errors."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (Debian: apt install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
        path = fh.name
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", path, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(path)

    def ms(text: str) -> float:
        value, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    latency = {
        f"p{q}": ms(m.group(1))
        for q in (50, 90, 99)
        if (m := re.search(rf"^\s+{q}%\s+(\S+)", out, re.M))
    }
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests_per_s": round(rps, 1),
        "requests": total,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
        "latency_ms": latency,
        "connections": connections,
        "seconds": seconds,
    }


def save(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    result = {"recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **result}
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path
