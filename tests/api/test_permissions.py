"""The permission matrix of every endpoint (OWASP API1-API5): nobody, a member, another
member (for objects), staff, an admin, and a read-only API key. Bookings have their own
matrix in test_booking_permissions.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from compax_server.db.notifications import WebhookDelivery, WebhookSubscription
from compax_server.db.users import Role
from compax_server.domain.webhooks import new_secret
from compax_server.services import api_keys, series
from compax_server.services import stream as stream_service
from tests.conftest import actor_of, at, bearer

# Permissions do not depend on the engine (the booking matrix runs on both): SQLite only.
pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)

ROLES = ["anonymous", "member", "other", "staff", "admin", "read_key"]
OK = {200, 201, 204}


def expect(anonymous=401, member=OK, other=None, staff=OK, admin=OK, read_key=OK):
    return {
        "anonymous": anonymous,
        "member": member,
        "other": member if other is None else other,
        "staff": staff,
        "admin": admin,
        "read_key": read_key,
    }


READ = expect()
STAFF_WRITE = expect(member=403, read_key=403)
ADMIN_ONLY = expect(member=403, staff=403, read_key=403)
ADMIN_READ = expect(member=403, staff=403, read_key=403)  # the read key belongs to a member
STAFF_READ = expect(member=403, read_key=403)
OWN = expect(other=404, read_key=403)  # the member's own object; writes
OWN_READ = expect(other=404)
QUEUED = expect(member=403, read_key=403, staff={202}, admin={202})  # staff writes, 202

CASES = {
    # catalogue
    "GET /buildings": ("GET", "/api/v1/buildings", None, READ),
    "GET /buildings/{id}": ("GET", "/api/v1/buildings/{building}", None, READ),
    "POST /buildings": (
        "POST",
        "/api/v1/buildings",
        {"code": "NEW", "name": "N", "timezone": "UTC"},
        STAFF_WRITE,
    ),
    "PATCH /buildings/{id}": (
        "PATCH",
        "/api/v1/buildings/{building}",
        {"name": "Renamed"},
        STAFF_WRITE,
    ),
    "GET /closures": ("GET", "/api/v1/buildings/{building}/closures", None, READ),
    "POST /closures": (
        "POST",
        "/api/v1/buildings/{building}/closures",
        {"reason": "r", "start_date": "2031-12-24"},
        STAFF_WRITE,
    ),
    "GET /features": ("GET", "/api/v1/features", None, READ),
    "POST /features": (
        "POST",
        "/api/v1/features",
        {"code": "new-feature", "name": "N"},
        STAFF_WRITE,
    ),
    "GET /rooms": ("GET", "/api/v1/rooms", None, READ),
    "GET /rooms/{id}": ("GET", "/api/v1/rooms/{room}", None, READ),
    "GET /buildings/{id}/schedule": (
        "GET",
        "/api/v1/buildings/{building}/schedule?date=2031-03-03&days=7",
        None,
        READ,
    ),
    "GET /reports/utilisation": (
        "GET",
        "/api/v1/reports/utilisation?from=2031-03-03&to=2031-03-09",
        None,
        STAFF_READ,
    ),
    "GET /schedule": ("GET", "/api/v1/schedule?date=2031-03-03&room_id={room}", None, READ),
    "GET /rooms/{id}/availability": (
        "GET",
        "/api/v1/rooms/{room}/availability?from=2031-03-03T00:00:00Z&to=2031-03-04T00:00:00Z",
        None,
        READ,
    ),
    "GET /rooms/{id}/calendar.ics": ("GET", "/api/v1/rooms/{room}/calendar.ics", None, READ),
    "POST /rooms": (
        "POST",
        "/api/v1/rooms",
        {"code": "NEW-1", "name": "N", "building_id": "{building}", "capacity": 5},
        STAFF_WRITE,
    ),
    "PATCH /rooms/{id}": ("PATCH", "/api/v1/rooms/{room}", {"capacity": 31}, STAFF_WRITE),
    "DELETE /rooms/{id}": ("DELETE", "/api/v1/rooms/{spare_room}", None, STAFF_WRITE),
    "GET /terms": ("GET", "/api/v1/terms", None, READ),
    "POST /terms": (
        "POST",
        "/api/v1/terms",
        {"name": "T2", "start_date": "2032-01-01", "end_date": "2032-02-01"},
        STAFF_WRITE,
    ),
    "PATCH /terms/{id}": ("PATCH", "/api/v1/terms/{term}", {"name": "T renamed"}, STAFF_WRITE),
    "GET /rules": ("GET", "/api/v1/rules", None, READ),
    "PUT /rules/global": (
        "PUT",
        "/api/v1/rules/global",
        {"max_duration_minutes": 600},
        STAFF_WRITE,
    ),
    # people and keys
    "GET /me": ("GET", "/api/v1/me", None, READ),
    "PATCH /me": ("PATCH", "/api/v1/me", {"full_name": "New name"}, expect(read_key=403)),
    "GET /users": ("GET", "/api/v1/users", None, STAFF_READ),
    "POST /users": (
        "POST",
        "/api/v1/users",
        {"email": "new@campus.example", "full_name": "N"},
        ADMIN_ONLY,
    ),
    "GET /users/{member}": ("GET", "/api/v1/users/{member}", None, expect(other=404)),
    "PATCH /users/{member}": ("PATCH", "/api/v1/users/{member}", {"full_name": "x"}, ADMIN_ONLY),
    "GET /api-keys": ("GET", "/api/v1/api-keys", None, ADMIN_READ),
    "POST /api-keys": (
        "POST",
        "/api/v1/api-keys",
        {"user_id": "{member}", "name": "k", "scopes": ["read"]},
        ADMIN_ONLY,
    ),
    # audit, imports
    "GET /audit-events": ("GET", "/api/v1/audit-events", None, STAFF_READ),
    "GET /changes": ("GET", "/api/v1/changes", None, STAFF_READ),
    "GET /changes/stream": ("GET", "/api/v1/changes/stream", None, READ),  # members: own view
    "POST /imports": ("POST", "/api/v1/imports", {"source": "s", "items": []}, STAFF_WRITE),
    "GET /imports/{id}": ("GET", "/api/v1/imports/{import}", None, STAFF_READ),
    # webhooks: staff and admins (and their keys, for the subscriptions they own)
    "GET /webhooks": ("GET", "/api/v1/webhooks", None, STAFF_READ),
    "POST /webhooks": (
        "POST",
        "/api/v1/webhooks",
        {"url": "https://93.184.215.14/hooks", "event_types": ["booking.*"]},
        STAFF_WRITE,
    ),
    "GET /webhooks/{id}": ("GET", "/api/v1/webhooks/{webhook}", None, STAFF_READ),
    "PATCH /webhooks/{id}": (
        "PATCH",
        "/api/v1/webhooks/{webhook}",
        {"description": "x"},
        STAFF_WRITE,
    ),
    "DELETE /webhooks/{id}": ("DELETE", "/api/v1/webhooks/{webhook}", None, STAFF_WRITE),
    "POST /webhooks/{id}/rotate-secret": (
        "POST",
        "/api/v1/webhooks/{webhook}/rotate-secret",
        None,
        STAFF_WRITE,
    ),
    "POST /webhooks/{id}/test": ("POST", "/api/v1/webhooks/{webhook}/test", None, QUEUED),
    "GET /webhooks/{id}/deliveries": (
        "GET",
        "/api/v1/webhooks/{webhook}/deliveries",
        None,
        STAFF_READ,
    ),
    "POST /webhooks/{id}/deliveries/{id}/redeliver": (
        "POST",
        "/api/v1/webhooks/{webhook}/deliveries/{delivery}/redeliver",
        None,
        QUEUED,
    ),
    "POST /webhooks/{id}/redeliver": (
        "POST",
        "/api/v1/webhooks/{webhook}/redeliver",
        {"since": "2026-01-01T00:00:00Z"},
        QUEUED,
    ),
    # series: the member's own
    "GET /series": ("GET", "/api/v1/series", None, READ),
    "GET /series/{id}": ("GET", "/api/v1/series/{series}", None, OWN_READ),
    "PATCH /series/{id}": ("PATCH", "/api/v1/series/{series}", {"title": "x"}, OWN),
    "POST /series/{id}/cancel": ("POST", "/api/v1/series/{series}/cancel", {}, OWN),
    "POST /series": (
        "POST",
        "/api/v1/series",
        {
            "room_id": "{room}",
            "title": "s",
            "start_date": "2031-05-05",
            "start_time": "09:00",
            "duration_minutes": 30,
            "recurrence": {"freq": "weekly", "count": 2},
        },
        expect(read_key=403),
    ),
}


@pytest.fixture
async def world(make_user, admin, staff, make_room, building, client):
    member = await make_user(Role.member)
    other = await make_user(Role.member)
    room = await make_room()
    spare = await make_room()
    _, read_key = await api_keys.create_api_key(
        actor_of(admin), user_id=member.pk, name="ro", scopes=["read"]
    )
    term = (
        await client.post(
            "/api/v1/terms",
            json={"name": "T", "start_date": "2031-01-01", "end_date": "2031-06-30"},
            headers=bearer(staff),
        )
    ).json()
    own = await series.create_series(
        actor_of(member),
        room_id=room.pk,
        title="mine",
        start_date=at(1, 0).date(),
        start_time="15:00",
        duration_minutes=30,
        recurrence_rule={"freq": "weekly", "count": 2},
    )
    imported = (
        await client.post(
            "/api/v1/imports", json={"source": "s", "items": []}, headers=bearer(staff)
        )
    ).json()
    webhook = await WebhookSubscription.create(
        url="https://93.184.215.14/hooks", event_types=["*"], secret=new_secret()
    )
    delivery = await WebhookDelivery.create(
        subscription_id=webhook.pk,
        event_id=1,
        event_type="booking.create",
        order_key="booking:1",
        next_attempt_at=datetime.now(UTC),
    )
    ids = {
        "webhook": webhook.pk,
        "delivery": delivery.pk,
        "building": building.pk,
        "room": room.pk,
        "spare_room": spare.pk,
        "term": term["id"],
        "member": member.pk,
        "series": own.series.pk,
        "import": imported["id"],
    }
    headers = {
        "anonymous": {},
        "member": bearer(member),
        "other": bearer(other),
        "staff": bearer(staff),
        "admin": bearer(admin),
        "read_key": {"X-API-Key": read_key},
    }
    return ids, headers, own


def fill(value, ids):
    if isinstance(value, str):
        for name, number in ids.items():
            if value == "{" + name + "}":
                return number
            value = value.replace("{" + name + "}", str(number))
        return value
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


@pytest.fixture(autouse=True)
def streams_end_after_replay(monkeypatch):
    """The change stream ends at once, so the in-process client can read all of it."""
    monkeypatch.setattr(stream_service, "MAX_LIFETIME", 0)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(CASES))
async def test_permission_matrix(client, world, case, role):
    ids, headers, own = world
    method, path, body, expected = CASES[case]
    extra = (
        {"If-Match": f'"{own.series.version}"'} if "/series/" in path and method != "GET" else {}
    )
    kinds = ("webhooks", "rooms", "buildings", "terms", "users")
    versioned = tuple(f"/api/v1/{kind}/" for kind in kinds)
    if path.startswith(versioned) and method == "PATCH":
        extra = {"If-Match": "*"}
    r = await client.request(
        method,
        fill(path, ids),
        json=fill(body, ids) if body is not None else None,
        headers=headers[role] | extra,
    )
    want = expected[role]
    assert (r.status_code in want) if isinstance(want, set) else (r.status_code == want), (
        case,
        role,
        r.status_code,
        r.text[:300],
    )
    if r.status_code >= 400:
        assert r.headers["content-type"] == "application/problem+json"


def test_every_operation_is_in_a_matrix(engine):
    """A new endpoint must get a row here (or in the booking matrix)."""
    from compax_server.api import ROUTERS

    covered = {(m, p.split("?")[0]) for m, p, _, _ in CASES.values()}
    public = {
        "/healthz",
        "/readyz",
        "/api/v1/auth/token",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/me/calendar.ics",
    }
    missing = []
    for router in ROUTERS:
        for op in router.operations:
            path = op.openapi_path
            if (
                path in public
                or path.startswith("/api/v1/bookings")
                or path.startswith("/api/v1/me/")
            ):
                continue
            generic = path
            for name in op.path_params:
                generic = generic.replace("{" + name + "}", "{}")
            if not any(m == op.method and _same(generic, p) for m, p in covered):
                missing.append(f"{op.method} {path}")
    assert missing == [] or set(missing) <= ALLOWED_GAPS, missing


ALLOWED_GAPS = {
    "DELETE /api/v1/buildings/{building_id}",
    "DELETE /api/v1/buildings/{building_id}/closures/{closure_id}",
    "DELETE /api/v1/terms/{term_id}",
    "GET /api/v1/terms/{term_id}",
    "PUT /api/v1/rules/{scope}/{scope_id}",
    "DELETE /api/v1/rules/{scope}/{scope_id}",
    "DELETE /api/v1/users/{user_id}",
    "GET /api/v1/api-keys/{key_id}",
    "DELETE /api/v1/api-keys/{key_id}",
    "POST /api/v1/series/{series_id}/dates",
}


def _same(generic: str, concrete: str) -> bool:
    a, b = generic.split("/"), concrete.split("/")
    return len(a) == len(b) and all(x == y or x == "{}" for x, y in zip(a, b, strict=True))
