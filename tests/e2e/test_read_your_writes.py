"""Read-your-writes across processes: two server processes share the database and Redis;
a search answered (and cached) by one never shows a slot free after the other booked it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest

from tests.conftest import REDIS_URL, forget_redis_namespace, monday_ahead
from tests.e2e.servers import Cluster, LiveServer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REDIS_URL, reason="COMPAX_TEST_REDIS_URL is not set"),
]

ADMIN = ("admin@campus.example", "first admin pw")


def test_a_booking_through_one_process_is_seen_by_the_others_search(tmp_path):
    env = {
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN[0],
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
        "COMPAX_SECRET_KEY": "s" * 48,
        "COMPAX_CACHE_URL": REDIS_URL,
        "COMPAX_CACHE_NAMESPACE": f"ryw{uuid.uuid4().hex[:8]}",
    }
    try:
        book_on_one_and_search_on_the_other(tmp_path, env)
    finally:
        forget_redis_namespace(env["COMPAX_CACHE_NAMESPACE"])


def book_on_one_and_search_on_the_other(tmp_path, env):
    with Cluster([LiveServer(tmp_path, env), LiveServer(tmp_path, env)]) as cluster:
        a, b = cluster.urls
        token = httpx.post(
            f"{a}/api/v1/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]}
        ).json()["access_token"]
        h = {"Authorization": f"Bearer {token}"}
        building = httpx.post(
            f"{a}/api/v1/buildings", json={"code": "B", "name": "B", "timezone": "UTC"}, headers=h
        ).json()
        room = httpx.post(
            f"{a}/api/v1/rooms",
            json={"code": "R1", "name": "R1", "building_id": building["id"], "capacity": 10},
            headers=h,
        ).json()
        for day in range(1, 6):
            window = {
                "free_from": f"{monday_ahead(5) + timedelta(days=day)}T09:00:00Z",
                "free_to": f"{monday_ahead(5) + timedelta(days=day)}T10:00:00Z",
            }
            for _ in range(2):  # the second answer comes from the shared cache
                assert [
                    r["id"]
                    for r in httpx.get(f"{a}/api/v1/rooms", params=window, headers=h).json()["data"]
                ] == [room["id"]]
            span = {"from": window["free_from"], "to": window["free_to"]}
            assert (
                httpx.get(
                    f"{a}/api/v1/rooms/{room['id']}/availability", params=span, headers=h
                ).json()["busy"]
                == []
            )
            r = httpx.post(
                f"{b}/api/v1/bookings",
                json={
                    "room_id": room["id"],
                    "title": "t",
                    "start": window["free_from"],
                    "end": window["free_to"],
                },
                headers=h,
            )
            assert r.status_code == 201
            assert httpx.get(f"{a}/api/v1/rooms", params=window, headers=h).json()["data"] == []
            busy = httpx.get(
                f"{a}/api/v1/rooms/{room['id']}/availability", params=span, headers=h
            ).json()["busy"]
            assert [x["booking_id"] for x in busy] == [r.json()["id"]]
