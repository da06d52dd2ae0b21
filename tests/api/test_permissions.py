"""The permission matrix of every endpoint (OWASP API1-API5): nobody, a member, another
member (for objects), staff, an admin, a read-only API key, and members who manage this
room, this building (the room's) or another building. Bookings have their own matrix in
test_booking_permissions.py (managers' approvals: tests/api/test_managers.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from compax_server.db.notifications import WebhookDelivery, WebhookSubscription
from compax_server.db.rooms import Building
from compax_server.db.users import Role
from compax_server.domain.webhooks import new_secret
from compax_server.services import api_keys, managers, series, waitlist
from compax_server.services import stream as stream_service
from tests.api.test_booking_permissions import MATRIX as BOOKING_MATRIX
from tests.conftest import PASSWORD, actor_of, at, bearer
from tests.dates import Y2031

# Permissions do not depend on the engine (the booking matrix runs on both): SQLite only.
pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)

MANAGERS = ["room_manager", "building_manager", "elsewhere_manager"]
ROLES = ["anonymous", "member", "other", "staff", "admin", "read_key", *MANAGERS]
OK = {200, 201, 204}


def expect(
    anonymous=401,
    member=OK,
    other=None,
    staff=OK,
    admin=OK,
    read_key=OK,
    room_manager=None,
    building_manager=None,
    elsewhere_manager=None,
):
    """Managers get the member's answer unless the row says otherwise (``other``'s for a
    member's own object: a manager of the room sees it, see test_managers.py)."""
    others = member if other is None else other
    return {
        "anonymous": anonymous,
        "member": member,
        "other": others,
        "staff": staff,
        "admin": admin,
        "read_key": read_key,
        "room_manager": others if room_manager is None else room_manager,
        "building_manager": others if building_manager is None else building_manager,
        "elsewhere_manager": others if elsewhere_manager is None else elsewhere_manager,
    }


READ = expect()
STAFF_WRITE = expect(member=403, read_key=403)
ADMIN_ONLY = expect(member=403, staff=403, read_key=403)
ADMIN_READ = expect(member=403, staff=403, read_key=403)  # the read key belongs to a member
STAFF_READ = expect(member=403, read_key=403)
# the member's own object (in {room}); writes. The room's managers see it, not change it.
OWN = expect(other=404, read_key=403, room_manager=403, building_manager=403)
OWN_READ = expect(other=404, room_manager=OK, building_manager=OK)
QUEUED = expect(member=403, read_key=403, staff={202}, admin={202})  # staff writes, 202
ROOM_CARE = expect(member=403, read_key=403, room_manager=OK, building_manager=OK)
BUILDING_CARE = expect(member=403, read_key=403, building_manager=OK)

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
    "DELETE /buildings/{id}": ("DELETE", "/api/v1/buildings/{spare_building}", None, STAFF_WRITE),
    "GET /closures": ("GET", "/api/v1/buildings/{building}/closures", None, READ),
    "DELETE /closures/{id}": (
        "DELETE",
        "/api/v1/buildings/{building}/closures/{closure}",
        None,
        BUILDING_CARE,  # a building-wide closure: its building's managers, not a room's
    ),
    "POST /closures": (
        "POST",
        "/api/v1/buildings/{building}/closures",
        {"reason": "r", "start_date": f"{Y2031}-12-24"},
        BUILDING_CARE,
    ),
    "POST /closures of a room": (
        "POST",
        "/api/v1/buildings/{building}/closures",
        {"reason": "r", "start_date": f"{Y2031}-12-24", "room_id": "{room}"},
        ROOM_CARE,
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
    "POST /users/{id}/lift-noshows": (
        "POST",
        "/api/v1/users/{member}/lift-noshows",
        None,
        STAFF_WRITE,
    ),
    "POST /rooms/{id}/display-tokens": (
        "POST",
        "/api/v1/rooms/{room}/display-tokens",
        None,
        STAFF_WRITE,
    ),
    "DELETE /rooms/{id}/display-tokens": (
        "DELETE",
        "/api/v1/rooms/{room}/display-tokens",
        None,
        STAFF_WRITE,
    ),
    "GET /buildings/{id}/schedule": (
        "GET",
        f"/api/v1/buildings/{{building}}/schedule?date={Y2031}-03-03&days=7",
        None,
        READ,
    ),
    "GET /reports/utilisation": (
        "GET",
        f"/api/v1/reports/utilisation?from={Y2031}-03-03&to={Y2031}-03-09",
        None,
        STAFF_READ,
    ),
    "GET /schedule": ("GET", f"/api/v1/schedule?date={Y2031}-03-03&room_id={{room}}", None, READ),
    "GET /rooms/{id}/availability": (
        "GET",
        f"/api/v1/rooms/{{room}}/availability?from={Y2031}-03-03T00:00:00Z&to={Y2031}-03-04T00:00:00Z",
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
    "PATCH /rooms/{id} description": (
        "PATCH",
        "/api/v1/rooms/{room}",
        {"description": "Seminar room", "features": []},
        ROOM_CARE,
    ),
    "DELETE /rooms/{id}": ("DELETE", "/api/v1/rooms/{spare_room}", None, STAFF_WRITE),
    "GET /terms": ("GET", "/api/v1/terms", None, READ),
    "POST /terms": (
        "POST",
        "/api/v1/terms",
        {"name": "T2", "start_date": f"{Y2031 + 1}-01-01", "end_date": f"{Y2031 + 1}-02-01"},
        STAFF_WRITE,
    ),
    "PATCH /terms/{id}": ("PATCH", "/api/v1/terms/{term}", {"name": "T renamed"}, STAFF_WRITE),
    "GET /terms/{id}": ("GET", "/api/v1/terms/{term}", None, READ),
    "DELETE /terms/{id}": ("DELETE", "/api/v1/terms/{spare_term}", None, STAFF_WRITE),
    "GET /rules": ("GET", "/api/v1/rules", None, READ),
    "PUT /rules/global": (
        "PUT",
        "/api/v1/rules/global",
        {"max_duration_minutes": 600},
        STAFF_WRITE,
    ),
    "PUT /rules/room/{id}": (
        "PUT",
        "/api/v1/rules/room/{room}",
        {"max_duration_minutes": 120},
        ROOM_CARE,
    ),
    "PUT /rules/building/{id}": (
        "PUT",
        "/api/v1/rules/building/{building}",
        {"max_duration_minutes": 120},
        BUILDING_CARE,
    ),
    "PATCH /rules/global": ("PATCH", "/api/v1/rules/global", {"horizon_days": 400}, STAFF_WRITE),
    "PATCH /rules/room/{id}": (
        "PATCH",
        "/api/v1/rules/room/{room}",
        {"horizon_days": 9},
        ROOM_CARE,
    ),
    "PATCH /rules/building/{id}": (
        "PATCH",
        "/api/v1/rules/building/{building}",
        {"horizon_days": 9},
        BUILDING_CARE,
    ),
    "DELETE /rules/room/{id}": ("DELETE", "/api/v1/rules/room/{room}", None, ROOM_CARE),
    # managers (named by staff and admins; anyone signed in reads whom to contact)
    "GET /rooms/{id}/managers": ("GET", "/api/v1/rooms/{room}/managers", None, READ),
    "POST /rooms/{id}/managers": (
        "POST",
        "/api/v1/rooms/{room}/managers",
        {"user_id": "{member}"},
        STAFF_WRITE,
    ),
    "DELETE /rooms/{id}/managers/{user}": (
        "DELETE",
        "/api/v1/rooms/{room}/managers/{room_manager}",
        None,
        STAFF_WRITE,
    ),
    "GET /buildings/{id}/managers": ("GET", "/api/v1/buildings/{building}/managers", None, READ),
    "POST /buildings/{id}/managers": (
        "POST",
        "/api/v1/buildings/{building}/managers",
        {"email": "{member_email}"},
        STAFF_WRITE,
    ),
    "DELETE /buildings/{id}/managers/{user}": (
        "DELETE",
        "/api/v1/buildings/{building}/managers/{building_manager}",
        None,
        STAFF_WRITE,
    ),
    # favourites: every signed-in person's own
    "GET /me/favourites": ("GET", "/api/v1/me/favourites", None, READ),
    "PUT /me/favourites/{room}": (
        "PUT",
        "/api/v1/me/favourites/{room}",
        None,
        expect(read_key=403),
    ),
    "DELETE /me/favourites/{room}": (
        "DELETE",
        "/api/v1/me/favourites/{room}",
        None,
        expect(read_key=403),
    ),
    # people and keys
    "GET /auth/sso": ("GET", "/api/v1/auth/sso", None, expect(anonymous=OK)),
    "GET /me": ("GET", "/api/v1/me", None, READ),
    "PATCH /me": ("PATCH", "/api/v1/me", {"full_name": "New name"}, expect(read_key=403)),
    "POST /me/password": (
        "POST",
        "/api/v1/me/password",
        {"current_password": PASSWORD, "new_password": "a new long password"},
        expect(read_key=422),  # password_needs_session: a key cannot change a password
    ),
    "POST /me/feed-token": ("POST", "/api/v1/me/feed-token", None, expect(read_key=403)),
    "DELETE /me/feed-token": (  # nobody in this world has a feed token yet: 404 once signed in
        "DELETE",
        "/api/v1/me/feed-token",
        None,
        expect(member=404, staff=404, admin=404, read_key=403),
    ),
    "GET /me/notifications": ("GET", "/api/v1/me/notifications", None, READ),
    "PUT /me/notifications": (
        "PUT",
        "/api/v1/me/notifications",
        {"email_opt_out": []},
        expect(read_key=403),
    ),
    "PATCH /me/notifications": (
        "PATCH",
        "/api/v1/me/notifications",
        {"email_opt_out": []},
        expect(read_key=403),
    ),
    "GET /users": ("GET", "/api/v1/users", None, STAFF_READ),
    "POST /users": (
        "POST",
        "/api/v1/users",
        {"email": "new@campus.example", "full_name": "N"},
        ADMIN_ONLY,
    ),
    "GET /users/{member}": ("GET", "/api/v1/users/{member}", None, expect(other=404)),
    "PATCH /users/{member}": ("PATCH", "/api/v1/users/{member}", {"full_name": "x"}, ADMIN_ONLY),
    "DELETE /users/{id}": ("DELETE", "/api/v1/users/{spare_user}", None, ADMIN_ONLY),
    "GET /api-keys": ("GET", "/api/v1/api-keys", None, ADMIN_READ),
    "POST /api-keys": (
        "POST",
        "/api/v1/api-keys",
        {"user_id": "{member}", "name": "k", "scopes": ["read"]},
        ADMIN_ONLY,
    ),
    "GET /api-keys/{id}": ("GET", "/api/v1/api-keys/{spare_key}", None, ADMIN_READ),
    "DELETE /api-keys/{id}": ("DELETE", "/api/v1/api-keys/{spare_key}", None, ADMIN_ONLY),
    # audit, imports
    "GET /audit-events": ("GET", "/api/v1/audit-events", None, STAFF_READ),
    "GET /changes": ("GET", "/api/v1/changes", None, STAFF_READ),
    "GET /changes/stream": ("GET", "/api/v1/changes/stream", None, READ),  # members: own view
    "POST /imports": ("POST", "/api/v1/imports", {"source": "s", "items": []}, STAFF_WRITE),
    "GET /imports/{id}": ("GET", "/api/v1/imports/{import}", None, STAFF_READ),
    "POST /optimizer/plans": (
        "POST",
        "/api/v1/optimizer/plans",
        {
            "term_id": "{term}",
            "time_limit": 1,
            "sections": [
                {
                    "external_id": "S1",
                    "title": "s",
                    "weekdays": ["mon"],
                    "start_time": "09:00",
                    "duration_minutes": 30,
                    "headcount": 5,
                }
            ],
        },
        STAFF_WRITE,
    ),
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
    # waitlists: everyone signed in waits for themselves; an entry is its member's (staff
    # see and act on all; a room's managers do not see who waits for it)
    "GET /waitlist": ("GET", "/api/v1/waitlist", None, READ),
    "POST /waitlist": (
        "POST",
        "/api/v1/waitlist",
        {
            "title": "w",
            "room_id": "{spare_room}",
            "start": f"{Y2031}-06-03T10:00:00Z",
            "end": f"{Y2031}-06-03T11:00:00Z",
        },
        expect(read_key=403),
    ),
    "GET /waitlist/{id}": ("GET", "/api/v1/waitlist/{waitlist_entry}", None, expect(other=404)),
    "DELETE /waitlist/{id}": (
        "DELETE",
        "/api/v1/waitlist/{waitlist_entry}",
        None,
        expect(other=404, read_key=403),
    ),
    "POST /waitlist/{id}/accept": (
        "POST",
        "/api/v1/waitlist/{waitlist_entry}/accept",
        None,
        expect(other=404, read_key=403),
    ),
    "POST /waitlist/{id}/decline": (
        "POST",
        "/api/v1/waitlist/{waitlist_entry}/decline",
        None,
        expect(other=404, read_key=403),
    ),
    # series: the member's own
    "GET /series": ("GET", "/api/v1/series", None, READ),
    "GET /series/{id}": ("GET", "/api/v1/series/{series}", None, OWN_READ),
    "PATCH /series/{id}": ("PATCH", "/api/v1/series/{series}", {"title": "x"}, OWN),
    "POST /series/{id}/cancel": ("POST", "/api/v1/series/{series}/cancel", {}, OWN),
    "POST /series/{id}/dates": (
        "POST",
        "/api/v1/series/{series}/dates",
        {"date": f"{Y2031}-12-01"},
        OWN,
    ),
    "POST /series": (
        "POST",
        "/api/v1/series",
        {
            "room_id": "{room}",
            "title": "s",
            "start_date": f"{Y2031}-05-05",
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
    _, write_key = await api_keys.create_api_key(
        actor_of(admin), user_id=member.pk, name="wo", scopes=["write"]
    )
    spare_key, _ = await api_keys.create_api_key(
        actor_of(admin), user_id=member.pk, name="spare", scopes=["read"]
    )
    spare_user = await make_user(Role.member)
    spare_building = (
        await client.post(
            "/api/v1/buildings",
            json={"code": "SPARE", "name": "Spare", "timezone": "UTC"},
            headers=bearer(staff),
        )
    ).json()
    closure = (
        await client.post(
            f"/api/v1/buildings/{building.pk}/closures",
            json={"reason": "works", "start_date": f"{Y2031}-11-11"},
            headers=bearer(staff),
        )
    ).json()
    room_rules = await client.put(
        f"/api/v1/rules/room/{room.pk}", json={"max_duration_minutes": 300}, headers=bearer(staff)
    )
    assert room_rules.status_code == 200, room_rules.text
    term, spare_term = [
        (
            await client.post(
                "/api/v1/terms",
                json={"name": name, "start_date": f"{Y2031}-01-01", "end_date": f"{Y2031}-06-30"},
                headers=bearer(staff),
            )
        ).json()
        for name in ("T", "Spare term")
    ]
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
    carers = {role: await make_user(Role.member) for role in MANAGERS}
    elsewhere = await Building.create(code="B9", name="Elsewhere", timezone="UTC")
    by_admin = actor_of(admin)
    await managers.add_manager(by_admin, managers.Target("room", room.pk), carers[MANAGERS[0]].pk)
    await managers.add_manager(
        by_admin, managers.Target("building", building.pk), carers[MANAGERS[1]].pk
    )
    await managers.add_manager(
        by_admin, managers.Target("building", elsewhere.pk), carers[MANAGERS[2]].pk
    )
    for user in (member, other, staff, admin, *carers.values()):  # so each may unstar it
        await managers.add_favourite(actor_of(user), room.pk)
    offered = await waitlist.join(  # the room is free then: offered at once
        actor_of(member),
        waitlist.Join(title="w", start=at(2, 10), end=at(2, 11), room_id=room.pk),
    )
    assert offered.state.value == "offered"
    ids = {
        "waitlist_entry": offered.pk,
        "webhook": webhook.pk,
        "delivery": delivery.pk,
        "building": building.pk,
        "room": room.pk,
        "spare_room": spare.pk,
        "term": term["id"],
        "member": member.pk,
        "member_email": member.email,
        "room_manager": carers["room_manager"].pk,
        "building_manager": carers["building_manager"].pk,
        "series": own.series.pk,
        "import": imported["id"],
        "spare_key": spare_key.pk,
        "spare_user": spare_user.pk,
        "spare_building": spare_building["id"],
        "closure": closure["id"],
        "spare_term": spare_term["id"],
    }
    headers = {
        "anonymous": {},
        "member": bearer(member),
        "other": bearer(other),
        "staff": bearer(staff),
        "admin": bearer(admin),
        "read_key": {"X-API-Key": read_key},
        "write_key": {"X-API-Key": write_key},  # the member's, without "read": not in ROLES
        **{role: bearer(user) for role, user in carers.items()},
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


READS = [  # what a member's read key may read, less what needs no login
    case
    for case, (method, _, _, expected) in CASES.items()
    if method == "GET" and expected["read_key"] == OK and expected["anonymous"] != OK
]


@pytest.mark.parametrize("case", READS)
async def test_a_key_without_the_read_scope_reads_nothing(client, world, case):
    """Every read a member's read key may make is a 403 naming the scope to a key of the same
    member without it."""
    ids, headers, _ = world
    _, path, _, _ = CASES[case]
    r = await client.get(fill(path, ids), headers=headers["write_key"])
    assert r.status_code == 403, (case, r.status_code, r.text[:300])
    assert (r.json()["detail"], r.json()["required_scope"]) == (
        "this API key lacks the 'read' scope",
        "read",
    ), case


def test_every_operation_is_in_a_matrix(engine):
    """A new endpoint must get a row here, or in the booking matrix; only the operations that
    need no login are exempt (their own tests cover them)."""
    from compax_server.api import ROUTERS

    covered = {(m, p.split("?")[0]) for m, p, _, _ in CASES.values()}
    assert set(BOOKING_OPERATIONS.values()) <= set(BOOKING_MATRIX)
    covered |= set(BOOKING_OPERATIONS)
    public = {
        "/healthz",
        "/readyz",
        "/api/v1/auth/token",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/me/calendar.ics",  # the feed token is the credential: test_feeds.py
        # Single sign-on: anonymous by nature (the person is signing in); each needs a
        # provider, so their refusals are tested against a real one in tests/sso/.
        "/api/v1/auth/sso/{provider}/start",
        "/api/v1/auth/sso/{provider}/callback",
        "/api/v1/auth/sso/token",
        "/api/v1/auth/sso/{provider}/device",
        "/api/v1/auth/sso/device/token",
    }
    missing = []
    for router in ROUTERS:
        for op in router.operations:
            path = op.openapi_path
            if path in public:
                continue
            generic = path
            for name in op.path_params:
                generic = generic.replace("{" + name + "}", "{}")
            if not any(m == op.method and _same(generic, p) for m, p in covered):
                missing.append(f"{op.method} {path}")
    assert missing == []


# The operations test_booking_permissions.py covers, and its row for each.
BOOKING_OPERATIONS = {
    ("GET", "/api/v1/bookings"): "list",
    ("POST", "/api/v1/bookings"): "create",
    ("GET", "/api/v1/bookings/{booking}"): "read",
    ("PATCH", "/api/v1/bookings/{booking}"): "update",
    ("POST", "/api/v1/bookings/{booking}/cancel"): "cancel",
    ("POST", "/api/v1/bookings/{booking}/approve"): "approve",
    ("POST", "/api/v1/bookings/{booking}/reject"): "reject",
    ("POST", "/api/v1/bookings/{booking}/check-in"): "check-in",
    ("GET", "/api/v1/bookings/{booking}/check-in"): "check-in window",
}


def _same(generic: str, concrete: str) -> bool:
    a, b = generic.split("/"), concrete.split("/")
    return len(a) == len(b) and all(x == y or x == "{}" for x, y in zip(a, b, strict=True))
