"""``/api/v1/me/notifications`` through the app, and the SDK's ``client.notifications``
(sync and async) against it."""

from __future__ import annotations

import pytest

from compax_sdk import PermissionDeniedError, RuleViolationError
from compax_sdk.resources.notifications import NotificationPreferences
from compax_server import runtime
from compax_server.api import ROUTERS
from compax_server.api.openapi import build_openapi
from compax_server.services import api_keys, mail
from tests.conftest import actor_of, bearer
from tests.sdk.conftest import connect, kind, no_client_environment  # noqa: F401 - fixtures

PATH = "/api/v1/me/notifications"


async def test_read_and_choose_my_preferences(client, member):
    r = await client.get(PATH, headers=bearer(member))
    assert r.status_code == 200
    body = r.json()
    assert body["email_opt_out"] == [] and body["email_enabled"] is False
    assert [k["kind"] for k in body["kinds"]] == list(mail.KINDS)
    assert all(k["description"] for k in body["kinds"])

    r = await client.put(
        PATH, json={"email_opt_out": ["digest", "reminder"]}, headers=bearer(member)
    )
    assert r.status_code == 200, r.text
    assert r.json()["email_opt_out"] == ["reminder", "digest"]
    r = await client.patch(PATH, json={"email_opt_out": []}, headers=bearer(member))
    assert r.json()["email_opt_out"] == []
    assert (await client.get(PATH, headers=bearer(member))).json()["email_opt_out"] == []


async def test_email_enabled_says_whether_the_server_sends_email(client, member, settings):
    runtime.configure(settings.model_copy(update={"smtp_url": "smtp://127.0.0.1:1"}))
    assert (await client.get(PATH, headers=bearer(member))).json()["email_enabled"] is True


async def test_unknown_kinds_are_a_422_naming_them(client, member):
    r = await client.put(
        PATH, json={"email_opt_out": ["reminder", "newsletter"]}, headers=bearer(member)
    )
    assert r.status_code == 422
    problem = r.json()
    assert r.headers["content-type"] == "application/problem+json"
    assert "'newsletter'" in problem["detail"]
    assert [(e["pointer"], e["code"]) for e in problem["errors"]] == [
        ("/email_opt_out/1", "unknown_kind")
    ]


@pytest.mark.parametrize(
    "body", [{}, {"email_opt_out": "reminder"}, {"email_opt_out": [1]}, {"other": []}]
)
async def test_malformed_bodies_are_a_400(client, member, body):
    r = await client.put(PATH, json=body, headers=bearer(member))
    assert r.status_code == 400, r.text


async def test_anyone_signed_in_only_their_own_and_a_read_key_only_reads(
    client, admin, staff, member, make_user
):
    assert (await client.get(PATH)).status_code == 401
    assert (await client.put(PATH, json={"email_opt_out": []})).status_code == 401
    other = await make_user()
    for user in (admin, staff, member):
        r = await client.put(PATH, json={"email_opt_out": ["moved"]}, headers=bearer(user))
        assert r.status_code == 200
    assert (await client.get(PATH, headers=bearer(other))).json()["email_opt_out"] == []
    _, key = await api_keys.create_api_key(
        actor_of(admin), user_id=member.pk, name="ro", scopes=["read"]
    )
    assert (await client.get(PATH, headers={"X-API-Key": key})).status_code == 200
    r = await client.put(PATH, json={"email_opt_out": []}, headers={"X-API-Key": key})
    assert r.status_code == 403


async def test_a_change_is_audited(client, member):
    await client.put(PATH, json={"email_opt_out": ["reminder"]}, headers=bearer(member))
    from compax_server.db.audit import AuditEvent

    [event] = await AuditEvent.filter(action="notifications.update")
    assert event.actor_user_id == member.pk and event.entity_id == member.pk
    assert event.after == {"email_opt_out": ["reminder"]}


def test_the_sdk_model_reads_what_the_spec_promises():
    spec = build_openapi(ROUTERS)
    op = spec["paths"][PATH]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(NotificationPreferences.model_fields) == set(schema["properties"])
    assert set(schema["required"]) == set(schema["properties"])
    assert {"put", "patch", "get"} <= set(spec["paths"][PATH])


async def test_sdk_get_and_update(connect, member):  # noqa: F811
    c = connect(member)
    prefs = await c.notifications.get()
    assert prefs.email_opt_out == [] and not prefs.email_enabled
    assert [k.kind for k in prefs.kinds] == list(mail.KINDS)
    prefs = await c.notifications.update(email_opt_out=["cancelled"])
    assert prefs.email_opt_out == ["cancelled"]
    assert (await c.notifications.get()).email_opt_out == ["cancelled"]
    with pytest.raises(RuleViolationError) as refused:
        await c.notifications.update(email_opt_out=["spam"])
    assert "'spam'" in str(refused.value)


async def test_sdk_read_key_cannot_change(connect, admin, member):  # noqa: F811
    _, key = await api_keys.create_api_key(
        actor_of(admin), user_id=member.pk, name="ro", scopes=["read"]
    )
    c = connect(api_key=key)
    assert (await c.notifications.get()).email_opt_out == []
    with pytest.raises(PermissionDeniedError):
        await c.notifications.update(email_opt_out=[])
