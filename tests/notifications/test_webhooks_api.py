"""``/api/v1/webhooks``: who may manage subscriptions, what a target may be, If-Match, the
secret shown once and never audited, the delivery log and redelivery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from compax_server import runtime
from compax_server.db.audit import AuditEvent
from compax_server.db.notifications import WebhookDelivery, WebhookSubscription
from compax_server.db.users import Role
from compax_server.errors import InvalidInput
from compax_server.services import webhooks
from tests.conftest import actor_of, bearer, key_header, refused_field, version_of

HOOKS = "/api/v1/webhooks"
PUBLIC = "https://93.184.215.14/hooks"  # a public address: no DNS lookup needed


def settings_with(**overrides: Any) -> None:
    runtime.configure(runtime.settings().model_copy(update=overrides), runtime.cache())


@pytest.fixture
async def closes_client(database: str) -> AsyncIterator[None]:
    yield
    await webhooks.close()


async def make(client, user, **body: Any) -> Any:
    body = {"url": PUBLIC, "event_types": ["booking.*"], **body}
    return await client.post(HOOKS, json=body, headers=bearer(user))


async def test_the_secret_is_shown_once_and_never_audited(client, staff):
    r = await make(client, staff, description="timetable mirror")
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(secret) == 6 + 32
    assert r.headers["location"] == f"{HOOKS}/{created['id']}"
    assert version_of(r.headers["etag"]) == 1
    assert (created["active"], created["owner_user_id"], created["event_types"]) == (
        True,
        staff.pk,
        ["booking.*"],
    )
    read = (await client.get(f"{HOOKS}/{created['id']}", headers=bearer(staff))).json()
    assert "secret" not in read
    assert (read["description"], read["url"]) == ("timetable mirror", PUBLIC)
    [made] = await AuditEvent.filter(action="webhook.create")
    assert (made.actor_user_id, made.entity_type, made.entity_id) == (
        staff.pk,
        "webhook",
        created["id"],
    )
    assert made.after is not None
    assert (made.after["url"], made.after["description"], made.after["version"]) == (
        PUBLIC,
        "timetable mirror",
        1,
    )
    listed = (await client.get(HOOKS, headers=bearer(staff))).json()
    assert [w["id"] for w in listed["data"]] == [created["id"]] and "secret" not in listed["data"][
        0
    ]
    rotated = await client.post(f"{HOOKS}/{created['id']}/rotate-secret", headers=bearer(staff))
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new != secret and rotated.json()["previous_secret_until"] is not None
    for e in await AuditEvent.filter(entity_type="webhook"):
        assert secret not in str(e.before) + str(e.after)
        assert new not in str(e.before) + str(e.after)
    actions = [e.action for e in await AuditEvent.filter(entity_type="webhook").order_by("id")]
    assert actions == ["webhook.create", "webhook.rotate_secret"]


SCHEME = "must be an http:// or https:// URL"


@pytest.mark.parametrize(
    ("url", "code", "detail"),
    [
        ("ftp://93.184.215.14/x", "url_scheme", SCHEME),
        ("javascript:alert(1)", "url_scheme", SCHEME),
        (
            "https://user:pw@93.184.215.14/x",
            "url",
            "must not hold credentials (user:password@); sign-in is the signature",
        ),
        ("https:///nohost", "invalid_url", "needs a host name"),
        ("https://93.184.215.14:99999/x", "invalid_url", "is not a URL"),
        ("https://93.184.215.14/" + "a" * 2000, None, None),
    ],
)
async def test_bad_urls_are_refused(client, staff, url, code, detail):
    r = await make(client, staff, url=url)
    assert r.status_code == 400, r.text
    if code:
        assert r.json()["errors"] == [
            {"location": "body", "pointer": "/url", "detail": detail, "code": code}
        ]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://192.168.0.10/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://0.0.0.0/x",
        "http://224.0.0.1/x",
        "http://100.64.0.1/x",
    ],
)
async def test_private_targets_are_refused_unless_allowed(client, staff, url, closes_client):
    r = await make(client, staff, url=url)
    assert r.status_code == 422, r.text
    problem = r.json()
    [error] = problem["errors"]
    assert (error["rule"], error["pointer"]) == ("webhook_target", "/url")
    assert problem["detail"] == (
        f"This URL cannot receive webhooks: {error['detail']}. Targets must be public "
        "addresses that resolve (COMPAX_WEBHOOK_ALLOW_PRIVATE allows private ones)."
    )
    settings_with(webhook_allow_private=True)
    assert (await make(client, staff, url=url)).status_code == 201


async def test_a_name_that_does_not_resolve_is_refused(client, staff):
    r = await make(client, staff, url="https://no-such-host.invalid/hooks")
    assert r.status_code == 422
    assert r.json()["detail"].startswith(
        "This URL cannot receive webhooks: no-such-host.invalid does not resolve ("
    )


async def test_an_event_type_longer_than_any_is_refused_by_its_place(client, staff):
    """A page of text as an event type is a 400 at its place in the list; the answer does
    not repeat the page."""
    r = await make(client, staff, event_types=["booking.*", "x" * 6000])
    refused_field(
        r, "/event_types/1", "String should have at most 100 characters", "string_too_long"
    )
    assert len(r.text) < 1000


@pytest.mark.parametrize(
    ("event_types", "ok"),
    [
        (["*"], True),
        (["booking.*", "closure.create", "import.update.series"], True),
        (["import.*"], True),
        ([], False),
        (["booking.created"], False),
        (["nothing.*"], False),
        (["booking"], False),
        (["auth.login"], False),
        (["booking.*", "auth.login", "nothing.*"], False),
    ],
)
async def test_event_types_must_be_known(client, staff, event_types, ok):
    r = await make(client, staff, event_types=event_types)
    assert (r.status_code == 201) == ok, r.text
    if not ok:
        assert r.status_code == 400
        [error] = r.json()["errors"]
        assert (error["location"], error["pointer"]) == ("body", "/event_types")
        assert error["code"] == ("unknown_event_type" if event_types else "too_short")
        unknown = [t for t in event_types if t != "booking.*"]
        named = (
            f"event type {unknown[0]}" if len(unknown) == 1 else f"event types {', '.join(unknown)}"
        )
        assert error["detail"] == (
            f"unknown {named}: use change-feed actions "
            "(booking.create, ...), a family (booking.*) or *"
            if event_types
            else "List should have at least 1 item after validation, not 0"  # the schema's
        )


async def test_filters_must_name_what_exists(client, staff, room, building):
    good = await make(client, staff, room_id=room.pk, building_id=building.pk, source="tt")
    assert good.status_code == 201
    assert (good.json()["room_id"], good.json()["building_id"], good.json()["source"]) == (
        room.pk,
        building.pk,
        "tt",
    )
    stored = await WebhookSubscription.get(id=good.json()["id"])
    assert (stored.room_id, stored.building_id, stored.source) == (room.pk, building.pk, "tt")
    for field in ("room_id", "building_id"):
        r = await make(client, staff, **{field: 999_999})
        assert r.status_code == 422
        assert r.json()["errors"][0]["pointer"] == f"/{field}"


async def test_members_may_not_manage_webhooks(client, member, staff, admin):
    mine = (await make(client, staff)).json()
    assert (await make(client, member)).status_code == 403
    for method, path in (
        ("GET", HOOKS),
        ("GET", f"{HOOKS}/{mine['id']}"),
        ("POST", f"{HOOKS}/{mine['id']}/test"),
        ("DELETE", f"{HOOKS}/{mine['id']}"),
    ):
        r = await client.request(method, path, headers=bearer(member))
        assert r.status_code == 403, (method, path)
    key = await key_header(client, admin, member)  # a member's key is a member
    r = await client.get(HOOKS, headers=key)
    assert (r.status_code, r.json()["detail"]) == (
        403,
        "only staff and administrators (or their API keys) manage webhooks",
    )


async def test_an_api_key_manages_the_subscriptions_it_made(client, admin, make_user):
    service = await make_user(Role.staff)
    key, other_key = (
        await key_header(client, admin, service),
        await key_header(client, admin, service),
    )
    r = await client.post(HOOKS, json={"url": PUBLIC, "event_types": ["*"]}, headers=key)
    assert r.status_code == 201, r.text
    own = r.json()
    assert own["owner_api_key_id"] is not None and own["owner_user_id"] == service.pk
    people = (await make(client, service)).json()  # made in a session: no key owns it
    listed = (await client.get(HOOKS, headers=key)).json()["data"]
    assert [w["id"] for w in listed] == [own["id"]]
    r = await client.get(f"{HOOKS}/{people['id']}", headers=key)
    assert (r.status_code, r.json()["detail"]) == (404, f"webhook {people['id']} does not exist")
    made_by_key = await client.get(f"{HOOKS}/{own['id']}", headers=bearer(service))
    assert made_by_key.json()["id"] == own["id"]  # people see what a key made
    assert (await client.get(f"{HOOKS}/{own['id']}", headers=other_key)).status_code == 404
    assert (await client.get(HOOKS, headers=other_key)).json()["data"] == []
    # staff and admins in a session see them all; an admin's key with the admin scope too
    for headers in (
        bearer(service),
        bearer(admin),
        await key_header(client, admin, admin, ["admin", "read"]),
    ):
        got = (await client.get(HOOKS, headers=headers)).json()["data"]
        assert {w["id"] for w in got} == {own["id"], people["id"]}
    plain_admin_key = await key_header(client, admin, admin, ["read"])  # no admin scope
    assert (await client.get(HOOKS, headers=plain_admin_key)).json()["data"] == []
    read_only = await key_header(client, admin, service, ["read"])
    r = await client.post(HOOKS, json={"url": PUBLIC, "event_types": ["*"]}, headers=read_only)
    assert r.status_code == 403 and r.json()["required_scope"] == "write"


async def test_an_update_needs_the_version_it_was_made_against(client, staff):
    hook = (await make(client, staff)).json()
    path = f"{HOOKS}/{hook['id']}"
    r = await client.patch(path, json={"description": "x"}, headers=bearer(staff))
    assert r.status_code == 428
    stale = bearer(staff) | {"If-Match": '"7"'}
    r = await client.patch(path, json={"description": "x"}, headers=stale)
    assert r.status_code == 412 and r.json()["current_version"] == 1
    fresh = bearer(staff) | {"If-Match": '"1"'}
    r = await client.patch(
        path, json={"description": "x", "event_types": ["booking.cancel"]}, headers=fresh
    )
    assert r.status_code == 200, r.text
    assert (r.json()["version"], version_of(r.headers["etag"])) == (2, 2)
    assert r.json()["event_types"] == ["booking.cancel"]
    r = await client.patch(
        path, json={"url": "ftp://x/"}, headers=bearer(staff) | {"If-Match": "*"}
    )
    assert r.status_code == 400
    r = await client.patch(
        path, json={"event_types": None}, headers=bearer(staff) | {"If-Match": "*"}
    )
    assert r.status_code == 400  # only the filters take null
    [update] = await AuditEvent.filter(action="webhook.update")
    assert update.before is not None and update.before["description"] == ""


async def test_active_true_enables_again_and_clears_the_reason(client, staff):
    hook = (await make(client, staff)).json()
    await WebhookSubscription.filter(id=hook["id"]).update(
        active=False, disabled_reason="disabled 2026-11-29: failing"
    )
    r = await client.post(f"{HOOKS}/{hook['id']}/test", headers=bearer(staff))
    assert r.status_code == 409  # nothing is queued for a disabled subscription
    assert r.json()["detail"] == (
        f"webhook {hook['id']} is disabled (disabled 2026-11-29: failing); "
        "enable it first (active: true)"
    )
    r = await client.patch(
        f"{HOOKS}/{hook['id']}", json={"active": True}, headers=bearer(staff) | {"If-Match": '"1"'}
    )
    assert (r.json()["active"], r.json()["disabled_reason"]) == (True, "")


async def test_delete_takes_the_delivery_log_with_it(client, staff):
    hook = (await make(client, staff)).json()
    assert (
        await client.post(f"{HOOKS}/{hook['id']}/test", headers=bearer(staff))
    ).status_code == 202
    r = await client.delete(f"{HOOKS}/{hook['id']}", headers=bearer(staff))
    assert r.status_code == 204
    assert (await client.get(f"{HOOKS}/{hook['id']}", headers=bearer(staff))).status_code == 404
    assert not await WebhookDelivery.filter(subscription_id=hook["id"]).exists()
    gone = await AuditEvent.get(action="webhook.delete", entity_id=hook["id"])
    assert (gone.actor_user_id, gone.entity_type, gone.after) == (staff.pk, "webhook", None)
    assert gone.before is not None
    assert (gone.before["url"], gone.before["version"]) == (PUBLIC, 1)


async def test_the_delivery_log_is_paged_filtered_and_redeliverable(client, staff):
    hook = (await make(client, staff)).json()
    path = f"{HOOKS}/{hook['id']}"
    for _ in range(3):
        r = await client.post(f"{path}/test", headers=bearer(staff))
        assert r.status_code == 202
        queued = r.json()
        assert queued["status"] == "pending"
        assert queued["webhook_id"] == f"evt_{queued['event_id']}"
    await WebhookDelivery.filter(id=queued["id"]).update(status="failed", attempts=5)
    page = (await client.get(f"{path}/deliveries?limit=2", headers=bearer(staff))).json()
    assert [d["id"] for d in page["data"]] == sorted([d["id"] for d in page["data"]], reverse=True)
    rest = await client.get(
        f"{path}/deliveries?cursor={page['next_cursor']}", headers=bearer(staff)
    )
    assert len(page["data"]) + len(rest.json()["data"]) == 3
    failed = (await client.get(f"{path}/deliveries?status=failed", headers=bearer(staff))).json()
    assert [d["id"] for d in failed["data"]] == [queued["id"]]
    bad = await client.get(f"{path}/deliveries?status=lost", headers=bearer(staff))
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {
            "location": "query",
            "pointer": "/status",
            "detail": "Input should be 'pending', 'sending', 'delivered' or 'failed'",
            "code": "literal_error",
        }
    ]
    again = await client.post(f"{path}/deliveries/{queued['id']}/redeliver", headers=bearer(staff))
    assert again.status_code == 202
    assert (again.json()["status"], again.json()["attempts"]) == ("pending", 0)
    missing = await client.post(f"{path}/deliveries/999999/redeliver", headers=bearer(staff))
    assert missing.status_code == 404
    assert missing.json()["detail"] == f"delivery 999999 of webhook {hook['id']} does not exist"
    [one] = await AuditEvent.filter(action="webhook.redeliver")
    assert (one.actor_user_id, one.entity_type, one.entity_id, one.after) == (
        staff.pk,
        "webhook",
        hook["id"],
        {"delivery_ids": [queued["id"]]},
    )
    r = await client.post(
        f"{path}/redeliver", json={"since": "2020-01-01T00:00:00Z"}, headers=bearer(staff)
    )
    assert (r.status_code, r.json()) == (202, {"count": 3})
    # only what was queued at or after ``since``: the first two are older than the third
    first, second = sorted(d["id"] for d in page["data"] + rest.json()["data"])[:2]
    await WebhookDelivery.filter(id__in=[first, second]).update(
        status="delivered", created_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    r = await client.post(
        f"{path}/redeliver", json={"since": "2026-06-01T00:00:00Z"}, headers=bearer(staff)
    )
    assert (r.status_code, r.json()) == (202, {"count": 1})
    statuses = dict(
        await WebhookDelivery.filter(subscription_id=hook["id"]).values_list("id", "status")
    )
    assert statuses == {first: "delivered", second: "delivered", queued["id"]: "pending"}
    last = await AuditEvent.filter(action="webhook.redeliver").order_by("-id").first()
    assert last is not None
    assert (last.actor_user_id, last.entity_type, last.entity_id, last.after) == (
        staff.pk,
        "webhook",
        hook["id"],
        {"since": "2026-06-01T00:00:00+00:00", "count": 1},
    )
    naive = await client.post(
        f"{path}/redeliver", json={"since": "2020-01-01T00:00:00"}, headers=bearer(staff)
    )
    assert naive.status_code == 400


async def test_redeliver_since_compares_instants_whatever_the_offset(client, staff):
    """``since`` in any offset is the instant it names: SQLite compares stored times as text,
    and a bound in another offset than UTC counted deliveries queued before it, or missed
    those queued after."""
    hook = (await make(client, staff)).json()
    path = f"{HOOKS}/{hook['id']}"
    ids = [(await client.post(f"{path}/test", headers=bearer(staff))).json()["id"] for _ in "ab"]
    queued = {
        ids[0]: datetime(2026, 1, 1, 0, tzinfo=UTC),
        ids[1]: datetime(2026, 1, 1, 2, tzinfo=UTC),
    }
    for since, count in (
        ("2025-12-31T22:00:00-03:00", 1),  # 01:00 UTC: after the first
        ("2026-01-01T02:00:00+03:00", 2),  # 23:00 UTC the day before: both
        ("2026-01-01T02:30:00+01:00", 1),  # 01:30 UTC
        ("2026-01-01T02:00:00Z", 1),  # at the second: counted
    ):
        for delivery_id, created in queued.items():
            await WebhookDelivery.filter(id=delivery_id).update(created_at=created)
        r = await client.post(f"{path}/redeliver", json={"since": since}, headers=bearer(staff))
        assert (r.status_code, r.json()) == (202, {"count": count}), since


async def test_a_test_ping_is_audited_but_not_dispatched(client, staff):
    hook = (await make(client, staff, event_types=["*"])).json()
    queued = (await client.post(f"{HOOKS}/{hook['id']}/test", headers=bearer(staff))).json()
    event = await AuditEvent.get(id=queued["event_id"])
    assert (event.action, event.entity_id, event.actor_user_id) == (
        "webhook.test",
        hook["id"],
        staff.pk,
    )
    assert await webhooks.deliveries_for([event]) == []


async def test_the_services_check_the_same_rules(database, staff):
    actor = actor_of(staff)
    with pytest.raises(Exception, match="http"):
        await webhooks.create_subscription(actor, url="gopher://93.184.215.14/", event_types=["*"])
    longest = PUBLIC + "/" + "a" * (webhooks.MAX_URL - len(PUBLIC) - 1)
    with pytest.raises(InvalidInput) as too_long:
        await webhooks.create_subscription(actor, url=longest + "a", event_types=["*"])
    assert too_long.value.errors == [
        {
            "location": "body",
            "pointer": "/url",
            "detail": "at most 2000 characters",
            "code": "too_long",
        }
    ]
    with pytest.raises(InvalidInput) as no_types:
        await webhooks.create_subscription(actor, url=PUBLIC, event_types=[])
    assert no_types.value.errors == [
        {
            "location": "body",
            "pointer": "/event_types",
            "detail": "name at least one event type, e.g. booking.* or *",
            "code": "empty",
        }
    ]
    sub, _ = await webhooks.create_subscription(actor, url=longest, event_types=["*"])
    assert sub.description == ""  # none given, none made up
    with pytest.raises(ValueError, match=r"not updatable: \['secret'\]"):
        await webhooks.update_subscription(actor, sub.pk, expected=None, secret="whsec_x")


async def test_a_url_with_a_user_name_alone_is_refused_too(client, staff):
    r = await make(client, staff, url="https://hooks@93.184.215.14/x")
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "url"


async def test_filters_name_what_is_missing(client, staff):
    for field, kind in (("room_id", "room"), ("building_id", "building")):
        r = await make(client, staff, **{field: 999_999})
        assert r.status_code == 422
        assert r.json()["detail"] == f"{field}: {kind} 999999 does not exist"
        assert r.json()["errors"] == [
            {
                "rule": f"unknown_{kind}",
                "pointer": f"/{field}",
                "detail": f"{kind} 999999 does not exist",
            }
        ]


async def test_a_rotation_is_audited_and_without_grace_the_old_secret_stops_at_once(client, staff):
    hook = (await make(client, staff)).json()
    path = f"{HOOKS}/{hook['id']}"
    r = await client.post(f"{path}/rotate-secret", headers=bearer(staff))
    assert (r.status_code, r.json()["version"]) == (200, 2)
    assert version_of(r.headers["etag"]) == 2  # the answer's ETag, for the next change
    until = r.json()["previous_secret_until"]
    first = await WebhookSubscription.get(id=hook["id"])
    assert first.previous_secret == hook["secret"]
    [rotation] = await AuditEvent.filter(action="webhook.rotate_secret")
    assert (rotation.actor_user_id, rotation.entity_id) == (staff.pk, hook["id"])
    assert rotation.before is not None and rotation.after is not None
    assert (rotation.before["version"], rotation.after["version"]) == (1, 2)
    assert rotation.after["previous_secret_until"] == datetime.fromisoformat(until).isoformat()

    settings_with(webhook_secret_grace=0)
    r = await client.post(f"{path}/rotate-secret", headers=bearer(staff))
    assert (r.json()["version"], r.json()["previous_secret_until"]) == (3, None)
    second = await WebhookSubscription.get(id=hook["id"])
    assert (second.previous_secret, second.previous_secret_until) == (None, None)
    last = await AuditEvent.filter(action="webhook.rotate_secret").order_by("-id").first()
    assert last is not None and last.after is not None
    assert last.after["previous_secret_until"] is None


async def test_a_subscription_disabled_by_hand_says_so_and_a_ping_records_its_url(client, staff):
    hook = (await make(client, staff)).json()
    path = f"{HOOKS}/{hook['id']}"
    ping = await client.post(f"{path}/test", headers=bearer(staff))
    assert ping.status_code == 202
    event = await AuditEvent.get(id=ping.json()["event_id"])
    assert (event.entity_type, event.after) == ("webhook", {"url": PUBLIC})
    r = await client.patch(path, json={"active": False}, headers=bearer(staff) | {"If-Match": "*"})
    assert r.json()["active"] is False
    r = await client.post(f"{path}/test", headers=bearer(staff))
    assert (r.status_code, r.json()["detail"]) == (
        409,
        f"webhook {hook['id']} is disabled (by hand); enable it first (active: true)",
    )


async def test_an_update_is_checked_like_a_create_and_recorded_only_when_it_changes(
    client, staff, room, building
):
    hook = (await make(client, staff)).json()
    path = f"{HOOKS}/{hook['id']}"
    assert (await client.get(path, headers=bearer(staff))).json()["id"] == hook["id"]

    async def patch(body: dict[str, Any], version: str = "*") -> Any:
        return await client.patch(path, json=body, headers=bearer(staff) | {"If-Match": version})

    r = await patch({"description": "x"})
    assert (r.status_code, r.json()["version"]) == (200, 2)
    r = await client.patch(path, json={"description": "y"}, headers=bearer(staff))
    assert r.json()["detail"] == (
        f'Send If-Match: "2" (the ETag of the version you saw) to change webhook {hook["id"]}.'
    )
    r = await patch({"description": "y"}, '"1"')
    assert r.json()["detail"] == (
        f"The webhook {hook['id']} has changed since you read it (now version 2); "
        "read it again and retry."
    )
    refused = [
        ({"event_types": ["booking.*", "nonsense.thing"]}, 400, "unknown_event_type"),
        ({"event_types": ["booking.*", "x" * 101]}, 400, "string_too_long"),  # not echoed back
        ({"url": "https://127.0.0.1/hooks"}, 422, "webhook_target"),
        ({"building_id": 999999}, 422, "unknown_building"),
        ({"room_id": 999999}, 422, "unknown_room"),
    ]
    for body, status, code in refused:
        r = await patch(body)
        assert r.status_code == status, (body, r.text)
        problem = r.json()
        codes = [e.get("code") or e.get("rule") for e in problem.get("errors", [])]
        assert code in codes, (body, problem)
    stored = await WebhookSubscription.get(id=hook["id"])
    assert (stored.version, stored.url, stored.building_id, stored.room_id) == (
        2,
        PUBLIC,
        None,
        None,
    )

    r = await patch({"event_types": ["room.*", "booking.cancel", "room.*"]})
    assert r.status_code == 200, r.text
    assert (r.json()["event_types"], r.json()["version"]) == (["booking.cancel", "room.*"], 3)
    r = await patch({"building_id": building.pk, "room_id": room.pk})
    assert (r.json()["building_id"], r.json()["room_id"], r.json()["version"]) == (
        building.pk,
        room.pk,
        4,
    )
    updates = await AuditEvent.filter(action="webhook.update").order_by("id")
    assert [(u.actor_user_id, u.entity_type, u.entity_id) for u in updates] == [
        (staff.pk, "webhook", hook["id"])
    ] * 3
    assert updates[-1].after["room_id"] == room.pk and updates[-1].before["room_id"] is None

    # Saying what it already says changes nothing: no new version, nothing recorded.
    r = await patch({"description": "x", "event_types": ["room.*", "booking.cancel"]})
    assert (r.status_code, r.json()["version"]) == (200, 4)
    assert await AuditEvent.filter(action="webhook.update").count() == 3


async def test_subscriptions_are_listed_page_by_page(client, staff):
    made = [(await make(client, staff, description=f"hook {n}")).json()["id"] for n in range(3)]
    seen: list[int] = []
    cursor = None
    for _ in range(4):
        params: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(HOOKS, params=params, headers=bearer(staff))).json()
        seen += [w["id"] for w in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made


async def test_a_read_key_reads_webhooks_and_changes_none(client, admin, make_user):
    service = await make_user(Role.staff)
    writer = await key_header(client, admin, service)
    hook = await client.post(HOOKS, json={"url": PUBLIC, "event_types": ["*"]}, headers=writer)
    path = f"{HOOKS}/{hook.json()['id']}"
    queued = (await client.post(f"{path}/test", headers=writer)).json()
    reader = await key_header(client, admin, service, ["read"])  # the scope refuses before all
    admin_reader = await key_header(client, admin, admin, ["admin", "read"])
    assert (await client.get(path, headers=admin_reader)).status_code == 200
    assert (await client.get(f"{path}/deliveries", headers=admin_reader)).status_code == 200
    for method, url, body in [
        ("PATCH", path, {"description": "x"}),
        ("DELETE", path, None),
        ("POST", f"{path}/test", None),
        ("POST", f"{path}/rotate-secret", None),
        ("POST", f"{path}/deliveries/{queued['id']}/redeliver", None),
        ("POST", f"{path}/redeliver", {"since": "2020-01-01T00:00:00Z"}),
    ]:
        for key in (reader, admin_reader):
            r = await client.request(method, url, json=body, headers=key | {"If-Match": "*"})
            assert r.status_code == 403, (method, url, r.text)
            assert r.json()["required_scope"] == "write"
    assert (await WebhookSubscription.get(id=hook.json()["id"])).version == 1
    assert await WebhookDelivery.filter(subscription_id=hook.json()["id"]).count() == 1


async def test_the_number_of_subscriptions_is_bounded(client, staff, monkeypatch):
    monkeypatch.setattr(webhooks, "MAX_SUBSCRIPTIONS", 3)
    made = [(await make(client, staff)).json()["id"] for _ in range(3)]
    r = await make(client, staff)
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [{"rule": "webhook_limit", "detail": "at most 3"}]
    assert r.json()["detail"].startswith("There are 3 webhook subscriptions already")
    assert await WebhookSubscription.all().count() == 3
    assert await AuditEvent.filter(action="webhook.create").count() == 3
    await client.delete(f"{HOOKS}/{made[0]}", headers=bearer(staff))
    assert (await make(client, staff)).status_code == 201
