"""A manager removed through one server process loses the room's rights on another within
the few seconds a role change takes (``sessions.USER_STATE_SECONDS``), and at once on the
process that removed them. Two real ``compax serve`` processes share one SQLite file."""

from __future__ import annotations

import httpx
import pytest

from compax_server.services.sessions import USER_STATE_SECONDS
from tests.e2e.servers import Cluster, LiveServer, wait_for

pytestmark = pytest.mark.slow

ADMIN = ("admin@campus.example", "first admin pw")
OFFICE = ("office@music.example", "office password")
MEMBER = ("member@campus.example", "member password")


def login(url: str, who: tuple[str, str]) -> dict[str, str]:
    r = httpx.post(f"{url}/api/v1/auth/token", json={"email": who[0], "password": who[1]})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_a_removed_manager_is_refused_on_every_process(tmp_path):
    env = {
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": ADMIN[0],
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
        "COMPAX_SECRET_KEY": "s" * 48,
        "COMPAX_BCRYPT_ROUNDS": "4",
    }
    with Cluster([LiveServer(tmp_path, env), LiveServer(tmp_path, env)]) as cluster:
        a, b = cluster.urls
        admin = login(a, ADMIN)
        ids = {}
        for who in (OFFICE, MEMBER):
            r = httpx.post(
                f"{a}/api/v1/users",
                json={"email": who[0], "full_name": who[0], "role": "member", "password": who[1]},
                headers=admin,
            )
            assert r.status_code == 201, r.text
            ids[who] = r.json()["id"]
        building = httpx.post(
            f"{a}/api/v1/buildings",
            json={"code": "MUSIC", "name": "Music", "timezone": "UTC"},
            headers=admin,
        ).json()
        room = httpx.post(
            f"{a}/api/v1/rooms",
            json={
                "code": "MUS-1",
                "name": "Practice",
                "building_id": building["id"],
                "capacity": 4,
                "requires_approval": True,
            },
            headers=admin,
        ).json()
        r = httpx.post(
            f"{a}/api/v1/buildings/{building['id']}/managers",
            json={"user_id": ids[OFFICE]},
            headers=admin,
        )
        assert r.status_code == 201, r.text
        member = login(b, MEMBER)
        requests = []
        for day in (2, 3):
            r = httpx.post(
                f"{b}/api/v1/bookings",
                json={
                    "room_id": room["id"],
                    "title": f"Practice {day}",
                    "start": f"2031-03-0{day}T09:00:00Z",
                    "end": f"2031-03-0{day}T10:00:00Z",
                },
                headers=member,
            )
            assert r.status_code == 201 and r.json()["status"] == "pending", r.text
            requests.append(r.json()["id"])
        office = login(b, OFFICE)
        # the manager, on process b: sees and decides the room's requests
        assert httpx.get(f"{b}/api/v1/bookings/{requests[0]}", headers=office).status_code == 200
        r = httpx.post(
            f"{b}/api/v1/bookings/{requests[0]}/approve", headers=office | {"If-Match": "*"}
        )
        assert r.status_code == 200, r.text

        r = httpx.delete(
            f"{a}/api/v1/buildings/{building['id']}/managers/{ids[OFFICE]}", headers=admin
        )
        assert r.status_code == 204
        office_a = login(a, OFFICE)  # process a removed them: refused at once there
        assert httpx.get(f"{a}/api/v1/bookings/{requests[1]}", headers=office_a).status_code == 404

        def refused_on_b() -> bool:
            r = httpx.get(f"{b}/api/v1/bookings/{requests[1]}", headers=office)
            return r.status_code == 404

        # process b remembered the rights for at most USER_STATE_SECONDS (a hang guard here)
        wait_for(refused_on_b, "process b to forget the manager", timeout=USER_STATE_SECONDS + 10)
        r = httpx.post(
            f"{b}/api/v1/bookings/{requests[1]}/approve", headers=office | {"If-Match": "*"}
        )
        assert r.status_code == 403, r.text
        assert (
            httpx.get(f"{a}/api/v1/bookings/{requests[1]}", headers=admin).json()["status"]
            == "pending"
        )
