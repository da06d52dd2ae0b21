"""Idempotency-Key on creates: a retry gets the first answer, never a second resource."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from compax_server.db.idempotency import IdempotencyKey, IdempotentRequest
from compax_server.db.rooms import Room
from compax_server.db.series import ImportBatch, Series
from compax_server.db.users import Role
from compax_server.services import idempotency
from tests.conftest import bearer
from tests.dates import Y2031

ROOMS = "/api/v1/rooms"


def room_body(building, code="B1-900", **extra):
    return {"code": code, "name": "Seminar", "building_id": building.pk, "capacity": 20, **extra}


def keyed(user, key):
    return {**bearer(user), "Idempotency-Key": key}


async def test_a_retry_gets_the_first_answer(client, admin, building):
    first = await client.post(ROOMS, json=room_body(building), headers=keyed(admin, "room-1"))
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = await client.post(ROOMS, json=room_body(building), headers=keyed(admin, "room-1"))
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["content-type"].startswith("application/json")
    assert await Room.filter(code="B1-900").count() == 1


async def test_the_same_key_for_another_request_is_refused(client, admin, building):
    await client.post(ROOMS, json=room_body(building), headers=keyed(admin, "room-1"))
    other = await client.post(
        ROOMS, json=room_body(building, "B1-901"), headers=keyed(admin, "room-1")
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["rule"] == "idempotency_key_reused"
    assert not await Room.filter(code="B1-901").exists()


async def test_keys_belong_to_their_user(client, admin, make_user, building):
    other_admin = await make_user(role=Role.admin)
    a = await client.post(ROOMS, json=room_body(building), headers=keyed(admin, "k"))
    b = await client.post(
        ROOMS, json=room_body(building, "B1-901"), headers=keyed(other_admin, "k")
    )
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["id"] != b.json()["id"]


async def test_a_failed_request_leaves_the_key_free(client, admin, building):
    taken = await client.post(ROOMS, json=room_body(building), headers=bearer(admin))
    clash = await client.post(ROOMS, json=room_body(building), headers=keyed(admin, "k"))
    assert clash.status_code == 409
    assert await IdempotentRequest.all().count() == 0
    await Room.filter(id=taken.json()["id"]).delete()  # the code is free again
    retried = await client.post(ROOMS, json=room_body(building), headers=keyed(admin, "k"))
    assert retried.status_code == 201, retried.text
    assert "idempotent-replayed" not in retried.headers


async def test_a_request_still_running_is_a_409_with_retry_after(client, admin, building):
    body = room_body(building)
    await client.post(ROOMS, json=body, headers=keyed(admin, "k"))
    await IdempotentRequest.all().update(status=None, body=None)  # as if still running
    r = await client.post(ROOMS, json=body, headers=keyed(admin, "k"))
    assert r.status_code == 409
    assert r.json()["code"] == "request_in_progress"
    assert r.headers["retry-after"] == "1"


async def test_an_abandoned_claim_is_taken_over(client, admin, building):
    body = room_body(building)
    long_ago = datetime.now(UTC) - idempotency.STALE - timedelta(seconds=1)
    digest_of_another_process = await client.post(ROOMS, json=body, headers=keyed(admin, "k"))
    await Room.all().delete()  # the first process died before it committed anything
    await IdempotentRequest.all().update(status=None, body=None, created_at=long_ago)
    r = await client.post(ROOMS, json=body, headers=keyed(admin, "k"))
    assert r.status_code == 201, r.text
    assert "idempotent-replayed" not in r.headers
    assert r.json()["id"] != digest_of_another_process.json()["id"]


async def test_concurrent_retries_make_one_resource(client, admin, building, room):
    body = {
        "room_id": room.pk,
        "title": "Reading group",
        "start_date": f"{Y2031}-03-04",
        "start_time": "10:00",
        "duration_minutes": 60,
        "recurrence": {"freq": "weekly", "count": 4},
    }
    answers = await asyncio.gather(
        *(
            client.post("/api/v1/series", json=body, headers=keyed(admin, "series-1"))
            for _ in range(6)
        )
    )
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 409}, [a.text for a in answers]
    made = {a.json()["id"] for a in answers if a.status_code == 201}
    assert len(made) == 1
    assert all(a.json()["code"] == "request_in_progress" for a in answers if a.status_code == 409)
    assert await Series.all().count() == 1


async def test_an_import_apply_retried_reports_the_first_outcome(client, staff, room):
    body = {
        "source": "sis",
        "mode": "apply",
        "items": [
            {
                "external_id": "E1",
                "kind": "booking",
                "room": room.code,
                "title": "Exam",
                "start": f"{Y2031}-03-04T09:00:00Z",
                "end": f"{Y2031}-03-04T11:00:00Z",
            }
        ],
    }
    first = await client.post("/api/v1/imports", json=body, headers=keyed(staff, "night-1"))
    again = await client.post("/api/v1/imports", json=body, headers=keyed(staff, "night-1"))
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["items"][0]["action"] == "create"
    assert await ImportBatch.all().count() == 1
    fresh = await client.post("/api/v1/imports", json=body, headers=keyed(staff, "night-2"))
    assert fresh.json()["items"][0]["action"] == "unchanged"


async def test_a_malformed_key_is_a_400(client, admin, building):
    r = await client.post(
        ROOMS, json=room_body(building), headers=keyed(admin, "a key with spaces")
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/Idempotency-Key"
    assert not await Room.filter(code="B1-900").exists()


async def test_old_keys_are_purged(client, admin, building, member, room):
    await client.post(ROOMS, json=room_body(building), headers=keyed(admin, "old"))
    await client.post(ROOMS, json=room_body(building, "B1-901"), headers=keyed(admin, "new"))
    booked = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.pk,
            "title": "t",
            "start": f"{Y2031}-03-04T09:00:00Z",
            "end": f"{Y2031}-03-04T10:00:00Z",
        },
        headers=keyed(member, "old-booking"),
    )
    assert booked.status_code == 201, booked.text
    long_ago = datetime.now(UTC) - idempotency.KEPT - timedelta(minutes=1)
    await IdempotentRequest.filter(key="old").update(created_at=long_ago)
    await IdempotencyKey.all().update(created_at=long_ago)
    await idempotency.purge(datetime.now(UTC))
    assert await IdempotentRequest.all().values_list("key", flat=True) == ["new"]
    assert await IdempotencyKey.all().count() == 0


async def test_openapi_documents_the_header(client):
    spec = (await client.get("/openapi.json")).json()
    create = spec["paths"]["/api/v1/rooms"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"]]
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]
