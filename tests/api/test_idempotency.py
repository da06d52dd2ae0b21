"""Idempotency-Key on creates: a retry gets the first answer, never a second resource."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from compax_server.db.bookings import Booking
from compax_server.db.idempotency import IdempotencyKey, IdempotentRequest
from compax_server.db.rooms import Room
from compax_server.db.series import ImportBatch, Series
from compax_server.db.users import Role
from compax_server.errors import RequestInProgress, RuleViolation
from compax_server.services import api_keys, bookings, idempotency
from tests.conftest import actor_of, at, bearer, holding, refused_field, waiting_on_a_lock
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
    problem = other.json()
    assert problem["detail"] == (
        "This Idempotency-Key was used for a different request; use a new key."
    )
    assert problem["errors"] == [
        {"rule": "idempotency_key_reused", "detail": "same key, different request"}
    ]
    assert not await Room.filter(code="B1-901").exists()


async def test_keys_belong_to_their_user(client, admin, make_user, building):
    other_admin = await make_user(role=Role.admin)
    a = await client.post(ROOMS, json=room_body(building), headers=keyed(admin, "k"))
    b = await client.post(
        ROOMS, json=room_body(building, "B1-901"), headers=keyed(other_admin, "k")
    )
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["id"] != b.json()["id"]


async def test_each_key_replays_its_own_answer(client, admin, make_user, building):
    """The same key by another user, for another operation, and other keys of the same user
    for the same operation: each retry gets its own first answer."""
    other_admin = await make_user(role=Role.admin)
    sent = [
        (ROOMS, room_body(building, "B1-900"), admin, "k"),
        (ROOMS, room_body(building, "B1-901"), admin, "k2"),
        (ROOMS, room_body(building, "B1-902"), other_admin, "k"),
        (
            "/api/v1/buildings",
            {"code": "B9", "name": "Annex", "timezone": "Europe/Berlin"},
            admin,
            "k",
        ),
    ]
    first = [await client.post(path, json=body, headers=keyed(u, k)) for path, body, u, k in sent]
    assert [r.status_code for r in first] == [201] * 4, [r.text for r in first]
    for (path, body, user, key), answer in zip(sent, first, strict=True):
        again = await client.post(path, json=body, headers=keyed(user, key))
        assert again.status_code == 201, again.text
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == answer.json()


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
    assert r.json()["detail"] == (
        "The first request with this Idempotency-Key is still running; retry shortly."
    )
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


async def test_a_taken_over_claim_is_running_for_the_next_retry(database, admin, monkeypatch):
    """A key whose answer has expired (older than KEPT, not purged yet) or whose first
    process died is taken over by one retry; a second retry meanwhile is told it runs,
    neither replaying the expired answer nor taking the key over again."""
    monkeypatch.setattr(idempotency, "PURGE_CHANCE", 0)  # no claim purges the expired key
    long_ago = datetime.now(UTC) - idempotency.KEPT - timedelta(minutes=1)
    for key, status in (("expired", 201), ("abandoned", None)):
        claimed = await idempotency.claim(admin.pk, "rooms_create", key, "digest")
        assert isinstance(claimed, int)
        await IdempotentRequest.filter(id=claimed).update(
            status=status, body="{}", headers={"Location": "/old"}, created_at=long_ago
        )
        again = await idempotency.claim(admin.pk, "rooms_create", key, "digest")
        assert again == claimed  # this retry does the work
        with pytest.raises(RequestInProgress):
            await idempotency.claim(admin.pk, "rooms_create", key, "digest")
        row = await IdempotentRequest.get(id=claimed)
        assert (row.status, row.body, row.headers) == (None, None, {})
        assert row.created_at > long_ago


async def test_taking_over_one_claim_leaves_the_others_alone(client, admin, building):
    """Two keys claimed at the same instant: taking over the abandoned one leaves the
    answered one answered (the takeover's compare-and-set names the row, not just its
    time)."""
    for key, code in (("a", "B1-900"), ("b", "B1-901")):
        r = await client.post(ROOMS, json=room_body(building, code), headers=keyed(admin, key))
        assert r.status_code == 201, r.text
    same_instant = datetime.now(UTC) - idempotency.STALE - timedelta(seconds=1)
    await IdempotentRequest.all().update(created_at=same_instant)
    await IdempotentRequest.filter(key="a").update(status=None, body=None)  # its process died
    await Room.filter(code="B1-900").delete()
    redone = await client.post(ROOMS, json=room_body(building, "B1-900"), headers=keyed(admin, "a"))
    assert redone.status_code == 201, redone.text
    assert "idempotent-replayed" not in redone.headers
    replayed = await client.post(
        ROOMS, json=room_body(building, "B1-901"), headers=keyed(admin, "b")
    )
    assert replayed.status_code == 201, replayed.text
    assert replayed.headers["idempotent-replayed"] == "true"


async def test_concurrent_takeovers_of_an_abandoned_claim_let_one_through(database, admin):
    """Retries racing for one abandoned claim: exactly one takes it over (on PostgreSQL the
    compare-and-set on the claim's time decides; SQLite runs them one at a time)."""
    claimed = await idempotency.claim(admin.pk, "rooms_create", "k", "digest")
    assert isinstance(claimed, int)
    long_ago = datetime.now(UTC) - idempotency.STALE - timedelta(seconds=1)
    await IdempotentRequest.filter(id=claimed).update(created_at=long_ago)
    outcomes = await asyncio.gather(
        *(idempotency.claim(admin.pk, "rooms_create", "k", "digest") for _ in range(8)),
        return_exceptions=True,
    )
    assert outcomes.count(claimed) == 1, outcomes
    assert all(isinstance(o, RequestInProgress) for o in outcomes if o != claimed), outcomes


def seminar_with_key(member, room):
    """The service's create of a seminar 9-10 on day 0 in ``room`` with Idempotency-Key "k"
    (past the API's claim, which would turn a concurrent second away first)."""
    return bookings.create_booking(
        actor_of(member),
        room_id=room.pk,
        title="Seminar",
        start=at(0, 9),
        end=at(0, 10),
        idempotency_key="k",
    )


@pytest.mark.parametrize("approval", [False, True], ids=["confirmed", "pending"])
async def test_creates_racing_with_one_key_past_the_api_make_one_booking(
    database, member, make_room, approval
):
    """Four creates of one booking with one Idempotency-Key at once, in the service (the
    API's claim would turn the others away first): none finds the key before the room's
    lock (on SQLite, the database's one writer), which then lets them in one at a time; the
    first books, the others find its key under the lock and answer with its booking, also
    where requests may overlap (a room that requires approval)."""
    room = await make_room(requires_approval=approval)
    made = await asyncio.gather(*(seminar_with_key(member, room) for _ in range(4)))
    (booking,) = await Booking.all()
    assert [m.booking.pk for m in made] == [booking.pk] * 4
    assert sorted(m.replayed for m in made) == [False, True, True, True]
    assert await IdempotencyKey.filter(key="k").count() == 1


@pytest.mark.parametrize("engine", ["postgres"])
async def test_one_key_for_two_rooms_at_once_books_one(database, database_url, member, make_room):
    """Two creates with one Idempotency-Key for two rooms: no room lock orders them, so both
    look for the key before either has written it (held there by a lock on the keys' table
    until both wait on it). The unique key refuses the second's, which is then answered as
    a key reused for another request (a 422, not a 500), its booking undone."""
    rooms = [await make_room(), await make_room()]
    share = "LOCK TABLE idempotency_keys IN SHARE MODE"  # lets reads through
    async with holding(database_url, share) as (other, look):
        creates = [asyncio.create_task(seminar_with_key(member, room)) for room in rooms]
        await waiting_on_a_lock(look, 2)  # both past their look for the key
        await other.execute("ROLLBACK")
        outcomes = await asyncio.gather(*creates, return_exceptions=True)
    made = [o for o in outcomes if isinstance(o, bookings.Created)]
    refused = [o for o in outcomes if not isinstance(o, bookings.Created)]
    assert len(made) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], RuleViolation), refused
    assert refused[0].extra["errors"] == [
        {"rule": "idempotency_key_reused", "detail": "same key, different request"}
    ]
    assert not made[0].replayed
    (booking,) = await Booking.all()
    assert booking.pk == made[0].booking.pk
    (key,) = await IdempotencyKey.filter(key="k")
    assert key.resource_id == booking.pk


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


@pytest.mark.parametrize(
    "key", ["a key with spaces", "k" * 201, "\u00e9t\u00e9".encode(), "tab\there"]
)
async def test_a_malformed_key_is_a_400_in_words(client, admin, building, key):
    r = await client.post(ROOMS, json=room_body(building), headers=keyed(admin, key))
    refused_field(
        r, "/Idempotency-Key", "1-200 visible ASCII characters", "invalid", location="header"
    )
    assert r.json()["detail"] == "Idempotency-Key must be 1-200 visible ASCII characters."
    assert not await Room.filter(code="B1-900").exists()
    assert await IdempotentRequest.all().count() == 0


@pytest.mark.parametrize("key", ["k" * 200, "!", "~{}\"'"])
async def test_a_key_at_the_edges_of_its_characters_and_length_is_a_key(
    client, admin, building, key
):
    first = await client.post(ROOMS, json=room_body(building), headers=keyed(admin, key))
    assert first.status_code == 201, first.text
    again = await client.post(ROOMS, json=room_body(building), headers=keyed(admin, key))
    assert again.headers["idempotent-replayed"] == "true"
    assert await IdempotentRequest.get(key=key)


async def test_an_api_key_may_use_one_idempotency_key_for_two_operations(
    client, admin, staff, building
):
    """Claims are per operation and per credential: the same Idempotency-Key sent by one API
    key to create a feature and then a room makes both, and a retry of each replays its
    own answer."""
    _, secret = await api_keys.create_api_key(
        actor_of(admin), user_id=staff.pk, name="sis", scopes=["read", "write"]
    )
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "night-1"}
    feature = {"code": "projector", "name": "Projector"}
    for path, body in (("/api/v1/features", feature), (ROOMS, room_body(building))):
        made = await client.post(path, json=body, headers=headers)
        assert made.status_code == 201, made.text
        assert "idempotent-replayed" not in made.headers
        again = await client.post(path, json=body, headers=headers)
        assert (again.status_code, again.json()) == (201, made.json())
        assert again.headers["idempotent-replayed"] == "true"
    assert await IdempotentRequest.all().count() == 2


async def test_one_idempotency_key_sent_by_two_api_keys_of_one_user_is_two_claims(
    client, admin, staff
):
    """An answer is replayed only to the credential that made it, not to another API key of
    the same user (which might not have the scope to make it): the second key's request
    runs, and finds the code taken."""
    secrets = []
    for name in ("sis", "signage"):
        _, secret = await api_keys.create_api_key(
            actor_of(admin), user_id=staff.pk, name=name, scopes=["read", "write"]
        )
        secrets.append(secret)
    body = {"code": "projector", "name": "Projector"}
    answers = [
        await client.post(
            "/api/v1/features",
            json=body,
            headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "k1"},
        )
        for secret in secrets
    ]
    assert [r.status_code for r in answers] == [201, 409]
    assert "idempotent-replayed" not in answers[1].headers
    assert await IdempotentRequest.all().count() == 1


async def test_a_retried_added_date_gets_the_first_answer_not_a_412(client, member, room):
    """Adding a date answers 200 (not 201) and needs ``If-Match``: a retry with the same
    key, whose version is stale by then, gets the first answer, and no second booking."""
    series = {
        "room_id": room.pk,
        "title": "Algorithms",
        "start_date": f"{Y2031}-03-04",
        "start_time": "09:00",
        "duration_minutes": 90,
        "recurrence": {"freq": "weekly", "until": f"{Y2031}-03-25"},
        "excluded_dates": [f"{Y2031}-03-11"],
    }
    made = await client.post("/api/v1/series", json=series, headers=bearer(member))
    assert made.status_code == 201, made.text
    path = f"/api/v1/series/{made.json()['id']}/dates"
    headers = keyed(member, "add-11") | {"If-Match": f'"{made.json()["version"]}"'}
    first = await client.post(path, json={"date": f"{Y2031}-03-11"}, headers=headers)
    assert first.status_code == 200, first.text
    again = await client.post(path, json={"date": f"{Y2031}-03-11"}, headers=headers)
    assert (again.status_code, again.json()) == (200, first.json())
    assert again.headers["idempotent-replayed"] == "true"
    assert await Booking.filter(series_id=made.json()["id"]).count() == 4


async def test_a_claim_that_cannot_be_released_is_logged_and_the_answer_still_sent(
    client, admin, building, monkeypatch, caplog
):
    """The database goes away between the failed work and the release: the client gets the
    work's own error, and the log names the claim left to go stale (and be taken over)."""
    await client.post(ROOMS, json=room_body(building), headers=bearer(admin))

    async def away(claim_id):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(idempotency, "release", away)
    with caplog.at_level(logging.WARNING, logger="compax.api"):
        clash = await client.post(ROOMS, json=room_body(building), headers=keyed(admin, "k"))
    assert clash.status_code == 409, clash.text
    assert clash.json()["code"] == "already_exists"
    [claim] = await IdempotentRequest.all()
    assert (claim.key, claim.status) == ("k", None)
    assert [r.getMessage() for r in caplog.records if r.name == "compax.api"] == [
        f"could not release idempotency claim {claim.pk}: ConnectionError('the database went away')"
    ]


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
    fresh = await client.post(
        "/api/v1/bookings",
        json={
            "room_id": room.pk,
            "title": "t",
            "start": f"{Y2031}-03-04T10:00:00Z",
            "end": f"{Y2031}-03-04T11:00:00Z",
        },
        headers=keyed(member, "new-booking"),
    )
    assert fresh.status_code == 201, fresh.text
    await idempotency.purge(datetime.now(UTC))
    assert await IdempotentRequest.all().values_list("key", flat=True) == ["new"]
    assert await IdempotencyKey.all().values_list("key", flat=True) == ["new-booking"]


async def test_now_and_then_a_claim_purges_the_expired_keys(database, admin, monkeypatch):
    """One claim in a hundred also deletes what is older than KEPT, so the table does not
    grow without a purge job; a claim that purges still claims its own key."""
    for key in ("old", "older"):
        claimed = await idempotency.claim(admin.pk, "rooms_create", key, "digest")
        assert isinstance(claimed, int)
    long_ago = datetime.now(UTC) - idempotency.KEPT - timedelta(minutes=1)
    await IdempotentRequest.filter(key="older").update(status=201, body="{}", created_at=long_ago)
    monkeypatch.setattr(idempotency, "PURGE_CHANCE", 0)
    assert isinstance(await idempotency.claim(admin.pk, "rooms_create", "new", "d"), int)
    assert await IdempotentRequest.filter(key="older").exists()
    monkeypatch.setattr(idempotency, "PURGE_CHANCE", 1)
    assert isinstance(await idempotency.claim(admin.pk, "rooms_create", "newer", "d"), int)
    kept = await IdempotentRequest.all().order_by("key").values_list("key", flat=True)
    assert kept == ["new", "newer", "old"]


async def test_a_release_forgets_only_its_own_unanswered_claim(client, admin, building):
    """A claim whose work failed is forgotten; nobody else's. And a claim that went stale,
    was taken over and answered by a retry, stays answered when the first process's work
    then fails and releases it."""
    for key, code in (("a", "B1-900"), ("b", "B1-901")):
        r = await client.post(ROOMS, json=room_body(building, code), headers=keyed(admin, key))
        assert r.status_code == 201, r.text
    await IdempotentRequest.filter(key="a").update(status=None, body=None)  # still running
    answered = await IdempotentRequest.get(key="b")
    await idempotency.release(answered.pk)  # the first process of a taken-over claim
    failed = await client.post(ROOMS, json=room_body(building, "B1-900"), headers=keyed(admin, "c"))
    assert failed.status_code == 409  # the code is taken: the work failed, "c" is released
    assert sorted(await IdempotentRequest.all().values_list("key", flat=True)) == ["a", "b"]
    assert (await IdempotentRequest.get(key="b")).status == 201


async def test_openapi_documents_the_header(client):
    spec = (await client.get("/openapi.json")).json()
    create = spec["paths"]["/api/v1/rooms"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"]]
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]


async def test_a_retry_that_lists_the_same_fields_in_another_order_is_the_same_request(
    client, admin
):
    """JSON objects have no order: a retry whose client wrote the opening hours' days (or
    any fields) in another order gets the first answer, not a 422."""
    hours = {"mon": [["08:00", "18:00"]], "tue": [["09:00", "17:00"]]}
    body = {"code": "B9", "name": "Annex", "timezone": "Europe/Berlin", "opening_hours": hours}
    first = await client.post("/api/v1/buildings", json=body, headers=keyed(admin, "annex"))
    assert first.status_code == 201, first.text
    reordered = dict(reversed(list(body.items()))) | {
        "opening_hours": dict(reversed(hours.items()))
    }
    again = await client.post("/api/v1/buildings", json=reordered, headers=keyed(admin, "annex"))
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
