"""/me, password changes and admin user management."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from compax_server.db.api_keys import ApiKey
from compax_server.db.audit import AuditEvent
from compax_server.db.users import RefreshToken, Role, User, active_admins
from compax_server.errors import AlreadyExists, PasswordPolicy
from compax_server.services import users
from tests.conftest import PASSWORD, actor_of, bearer, login, with_token

USERS = "/api/v1/users"


async def test_me_shows_the_own_profile_without_secrets(client, member):
    r = await client.get("/api/v1/me", headers=bearer(member))
    assert r.status_code == 200
    body = r.json()
    assert body["email"] == member.email
    assert body["role"] == "member"
    assert "password_hash" not in body and "token_version" not in body


async def test_me_can_change_the_own_name(client, member):
    r = await client.patch("/api/v1/me", json={"full_name": "Ada L."}, headers=bearer(member))
    assert r.status_code == 200
    assert r.json()["full_name"] == "Ada L."


@pytest.mark.parametrize(
    "field", [{"role": "admin"}, {"email": "me@evil.example"}, {"is_active": True}]
)
async def test_me_cannot_change_role_or_email(client, member, field):
    r = await client.patch("/api/v1/me", json={"full_name": "x", **field}, headers=bearer(member))
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/" + next(iter(field))
    assert (await User.get(id=member.pk)).role == Role.member


async def test_password_change_ends_other_sessions_and_continues_this_one(client, member):
    pair = (
        await client.post("/api/v1/auth/token", json={"email": member.email, "password": PASSWORD})
    ).json()
    old_access = {"Authorization": f"Bearer {pair['access_token']}"}
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new secret"},
        headers=old_access,
    )
    assert r.status_code == 200
    new_access = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert (await client.get("/api/v1/me", headers=old_access)).status_code == 401
    assert (await client.get("/api/v1/me", headers=new_access)).status_code == 200
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert refresh.status_code == 401
    login = await client.post(
        "/api/v1/auth/token", json={"email": member.email, "password": "a brand new secret"}
    )
    assert login.status_code == 200


async def test_password_change_needs_the_current_password(client, member):
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": "not it at all", "new_password": "a brand new secret"},
        headers=bearer(member),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/current_password"


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("short", "at least 10 characters"), ("ü" * 40, "at most 72 bytes")],
)
async def test_password_policy_is_a_clear_422(client, member, password, fragment):
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": password},
        headers=bearer(member),
    )
    assert r.status_code == 422
    assert r.json()["code"] == "password_policy"
    assert fragment in r.json()["detail"]
    assert r.json()["errors"][0]["pointer"] == "/new_password"


async def test_admin_creates_lists_reads_and_updates_users(client, admin):
    h = bearer(admin)
    r = await client.post(
        USERS,
        json={
            "email": "New.Person@Campus.Example",
            "full_name": "New Person",
            "role": "staff",
            "password": "long enough pw",
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["email"] == "new.person@campus.example"
    assert r.headers["location"] == f"/api/v1/users/{created['id']}"
    assert r.headers["content-type"] == "application/json"
    listed = (await client.get(USERS, params={"role": "staff"}, headers=h)).json()
    assert [u["email"] for u in listed["data"]] == ["new.person@campus.example"]
    assert (await client.get(f"{USERS}/{created['id']}", headers=h)).json()[
        "full_name"
    ] == "New Person"
    url = f"{USERS}/{created['id']}"
    r = await client.patch(url, json={"role": "member"}, headers=h)
    assert (r.status_code, r.json()["detail"]) == (
        428,
        f"Send If-Match (the ETag of the version you saw) to change user {created['id']}.",
    )
    r = await client.patch(
        url, json={"role": "member"}, headers=h | {"If-Match": f'"{created["version"]}"'}
    )
    assert r.json()["role"] == "member"
    r = await client.patch(
        url, json={"role": "staff"}, headers=h | {"If-Match": f'"{created["version"]}"'}
    )
    assert r.status_code == 412
    assert r.json()["detail"].startswith(f"The user {created['id']} has changed since you read it")


async def test_duplicate_email_is_409(client, admin, member):
    r = await client.post(
        USERS, json={"email": member.email.upper(), "full_name": "Twin"}, headers=bearer(admin)
    )
    assert r.status_code == 409
    assert r.json()["code"] == "already_exists"
    assert r.json()["detail"] == f"a user with the email {member.email} already exists"
    other = await client.post(
        USERS, json={"email": "other@campus.example", "full_name": "O"}, headers=bearer(admin)
    )
    r = await client.patch(
        f"{USERS}/{other.json()['id']}",
        json={"email": member.email},
        headers=bearer(admin) | {"If-Match": "*"},
    )
    assert (r.status_code, r.json()["detail"]) == (
        409,
        f"a user with the email {member.email} already exists",
    )


@pytest.mark.parametrize(
    "email",
    ["not-an-email", "a@b", "a b@campus.example", "a@@campus.example", "@campus.example",
     "a@campus.", f"{'a' * 240}@campus.example"],
)  # fmt: skip
async def test_bad_email_is_400_naming_the_field(client, admin, email):
    r = await client.post(USERS, json={"email": email, "full_name": "X"}, headers=bearer(admin))
    assert r.status_code == 400, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == ["/email"]
    assert await User.filter(full_name="X").count() == 0


async def test_an_email_that_case_folding_lengthens_past_254_is_refused_and_writes_nothing(
    client, admin
):
    """The schema counts 254 characters as sent; stored emails are case-folded, and "ß"
    folds to "ss": the service's check refuses what would be 255 long."""
    at_limit = "ß" + "a" * 238 + "@campus.example"  # 254 as sent, 255 folded
    assert len(at_limit) == 254
    r = await client.post(USERS, json={"email": at_limit, "full_name": "X"}, headers=bearer(admin))
    assert r.status_code == 400, r.text
    assert r.json()["errors"] == [
        {
            "location": "body",
            "pointer": "/email",
            "detail": "is not an email address",
            "code": "invalid_email",
        }
    ]
    assert await User.filter(full_name="X").count() == 0
    fits = "ß" + "a" * 237 + "@campus.example"  # 254 folded: the longest stored
    r = await client.post(USERS, json={"email": fits, "full_name": "X"}, headers=bearer(admin))
    assert r.status_code == 201, r.text
    assert r.json()["email"] == "ss" + "a" * 237 + "@campus.example"


async def test_users_list_is_paged_with_a_cursor(client, admin, make_user):
    for _ in range(5):
        await make_user()
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(USERS, params=params, headers=bearer(admin))).json()
        seen += [u["id"] for u in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == 6


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"limit": 201}, "/limit"),
        ({"limit": 0}, "/limit"),
        ({"limit": "x"}, "/limit"),
        ({"cursor": "@@@"}, "/cursor"),
        ({"colour": "red"}, "/colour"),
        ({"role": "king"}, "/role"),
    ],
)
async def test_bad_list_parameters_are_400(client, admin, params, pointer):
    r = await client.get(USERS, params=params, headers=bearer(admin))
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == pointer
    assert r.json()["errors"][0]["location"] == "query"


@pytest.mark.parametrize("role", [Role.member, Role.staff])
async def test_only_admins_manage_users(client, make_user, role):
    """Staff may look people up (they book for them); only admins change users."""
    user = await make_user(role)
    h = bearer(user)
    assert (await client.get(USERS, headers=h)).status_code == (200 if role == Role.staff else 403)
    assert (
        await client.post(USERS, json={"email": "a@b.cd", "full_name": "A"}, headers=h)
    ).status_code == 403
    other = await make_user(Role.member)
    read_other = await client.get(f"{USERS}/{other.pk}", headers=h)
    assert read_other.status_code == (200 if role == Role.staff else 404)
    assert (await client.get(f"{USERS}/{user.pk}", headers=h)).status_code == 200
    assert (
        await client.patch(
            f"{USERS}/{user.pk}", json={"role": "admin"}, headers=h | {"If-Match": "*"}
        )
    ).status_code == 403
    assert (await client.delete(f"{USERS}/{other.pk}", headers=h)).status_code == 403


async def test_deactivation_keeps_the_user_and_ends_sessions(client, admin, member):
    await client.post("/api/v1/auth/token", json={"email": member.email, "password": PASSWORD})
    r = await client.delete(f"{USERS}/{member.pk}", headers=bearer(admin))
    assert r.status_code == 200
    assert r.json()["is_active"] is False
    assert await User.filter(id=member.pk).exists()
    assert await RefreshToken.filter(user_id=member.pk, revoked_at=None).count() == 0


async def test_the_last_admin_cannot_be_removed(client, admin, make_user):
    """Only another *active admin* lets one go: a deactivated admin or an active member
    does not count."""
    retired = await make_user(Role.admin)
    await users.deactivate_user(actor_of(admin), retired.pk)
    await make_user(Role.staff)
    refusal = (
        f"{admin.email} is the last active administrator; make another one first.",
        [{"rule": "last_admin", "detail": "at least one active admin must remain"}],
    )
    r = await client.delete(f"{USERS}/{admin.pk}", headers=bearer(admin))
    assert r.status_code == 422
    assert (r.json()["detail"], r.json()["errors"]) == refusal
    r = await client.patch(
        f"{USERS}/{admin.pk}", json={"role": "staff"}, headers=bearer(admin) | {"If-Match": "*"}
    )
    assert r.status_code == 422
    assert (r.json()["detail"], r.json()["errors"]) == refusal
    assert (await User.get(id=admin.pk)).role == Role.admin
    # what does not take the role away stays the last admin's to change
    for change in ({"full_name": "Still In Charge"}, {"role": "admin", "is_active": True}):
        r = await client.patch(
            f"{USERS}/{admin.pk}", json=change, headers=bearer(admin) | {"If-Match": "*"}
        )
        assert r.status_code == 200, r.text
    assert r.json()["full_name"] == "Still In Charge"
    successor = await make_user(Role.admin)
    r = await client.patch(
        f"{USERS}/{admin.pk}", json={"role": "staff"}, headers=bearer(successor) | {"If-Match": "*"}
    )
    assert r.status_code == 200, r.text


async def test_users_are_found_by_state_and_by_a_word_of_their_email_or_name(
    client, admin, make_user
):
    ada = await make_user(Role.member, email="ada@campus.example")
    await users.update_user(actor_of(admin), ada.pk, full_name="Ada Lovelace")
    grace = await make_user(Role.member, email="hopper@campus.example")
    await users.update_user(actor_of(admin), grace.pk, full_name="Grace Hopper")
    await users.deactivate_user(actor_of(admin), grace.pk)

    async def found(**params: str) -> set[int]:
        r = await client.get(USERS, params=params, headers=bearer(admin))
        assert r.status_code == 200, r.text
        return {u["id"] for u in r.json()["data"]}

    assert await found(email="ADA@Campus.Example") == {ada.pk}  # exactly, in any case
    assert await found(email="ada@campus") == set()
    assert await found(q="LOVELACE") == {ada.pk}  # a name, in any case
    assert await found(q="hopper@") == {grace.pk}  # an email
    assert await found(q="hopper", is_active="true") == set()
    assert await found(is_active="false") == {grace.pk}
    assert ada.pk in await found(is_active="true")


async def test_deactivating_a_user_revokes_their_keys_and_feed_only(client, admin, member, staff):
    async def credentials(user) -> tuple[str, str]:
        r = await client.post(
            "/api/v1/api-keys",
            json={"name": "script", "user_id": user.pk, "scopes": ["read"]},
            headers=bearer(admin),
        )
        assert r.status_code == 201, r.text
        feed = await client.post("/api/v1/me/feed-token", headers=bearer(user))
        return r.json()["secret"], feed.json()["token"]

    mine, theirs = await credentials(member), await credentials(staff)
    old = await client.post(
        "/api/v1/api-keys",
        json={"name": "old script", "user_id": member.pk, "scopes": ["read"]},
        headers=bearer(admin),
    )
    await client.delete(f"/api/v1/api-keys/{old.json()['id']}", headers=bearer(admin))
    revoked_at = (await ApiKey.get(id=old.json()["id"])).revoked_at
    r = await client.delete(f"{USERS}/{member.pk}", headers=bearer(admin))
    assert r.status_code == 200, r.text
    event = (
        await AuditEvent.filter(action="user.update", entity_id=member.pk).order_by("-id").first()
    )
    assert event is not None
    assert (event.after["api_keys_revoked"], event.after["feed_tokens_revoked"]) == (1, 1)
    for (key, feed), status in ((mine, 401), (theirs, 200)):
        r = await client.get("/api/v1/me", headers={"X-API-Key": key})
        assert r.status_code == status, r.text
        r = await client.get("/api/v1/me/calendar.ics", params={"token": feed})
        assert r.status_code == status, r.text
    assert await ApiKey.filter(user_id=member.pk, revoked_at=None).count() == 0
    assert await ApiKey.filter(user_id=staff.pk, revoked_at=None).count() == 1
    assert (await ApiKey.get(id=old.json()["id"])).revoked_at == revoked_at  # kept, not counted


async def test_an_edit_that_does_not_deactivate_leaves_keys_and_feed_alone(client, admin, member):
    r = await client.post(
        "/api/v1/api-keys",
        json={"name": "script", "user_id": member.pk, "scopes": ["read"]},
        headers=bearer(admin),
    )
    key = {"X-API-Key": r.json()["secret"]}
    for change in ({"full_name": "Renamed"}, {"is_active": True}):
        r = await client.patch(
            f"{USERS}/{member.pk}", json=change, headers=bearer(admin) | {"If-Match": "*"}
        )
        assert r.status_code == 200, r.text
        event = await AuditEvent.filter(action="user.update").order_by("-id").first()
        assert event is not None and "api_keys_revoked" not in event.after
    assert (await client.get("/api/v1/me", headers=key)).status_code == 200
    await users.deactivate_user(actor_of(admin), member.pk)
    events = await AuditEvent.filter(action="user.update").count()
    again = await users.deactivate_user(actor_of(admin), member.pk)  # nothing more to revoke
    assert again.is_active is False and again.version == member.version + 2  # renamed, off
    assert await AuditEvent.filter(action="user.update").count() == events  # nothing changed


async def test_a_change_of_role_is_seen_at_once_by_this_process(client, admin, staff, monkeypatch):
    """The process that demotes or deactivates a user forgets what it remembered of them
    (``sessions.forget_user``): their tokens end at once here, and within USER_STATE_SECONDS
    in other processes."""
    from compax_server.services import sessions
    from tests.conftest import Clock

    monkeypatch.setattr(sessions, "clock", Clock(1000.0))  # nothing expires by itself
    headers = bearer(staff)
    assert (await client.get(USERS, headers=headers)).status_code == 200  # remembered
    r = await client.patch(
        f"{USERS}/{staff.pk}", json={"role": "member"}, headers=bearer(admin) | {"If-Match": "*"}
    )
    assert r.status_code == 200, r.text
    assert (await client.get(USERS, headers=headers)).status_code == 401


async def test_unknown_user_is_404(client, admin):
    r = await client.get(f"{USERS}/999999", headers=bearer(admin))
    assert (r.status_code, r.json()["detail"]) == (404, "user 999999 does not exist")


async def test_staff_with_a_read_only_key_list_and_read_users(client, admin, staff, member):
    """Listing people is reading: a staff member's read-scope key (a roster script) may."""
    r = await client.post(
        "/api/v1/api-keys",
        json={"name": "roster", "user_id": staff.pk, "scopes": ["read"]},
        headers=bearer(admin),
    )
    key = {"X-API-Key": r.json()["secret"]}
    r = await client.get(USERS, params={"email": member.email}, headers=key)
    assert r.status_code == 200, r.text
    assert [u["id"] for u in r.json()["data"]] == [member.pk]
    assert (await client.get(f"{USERS}/{member.pk}", headers=key)).status_code == 200


async def test_user_changes_are_audited(client, admin):
    from compax_server.db.audit import AuditEvent

    r = await client.post(USERS, json={"email": "a@b.cd", "full_name": "A"}, headers=bearer(admin))
    event = await AuditEvent.filter(action="user.create").order_by("-id").first()
    assert event is not None
    assert event.actor_user_id == admin.pk
    assert event.entity_id == r.json()["id"]
    assert event.request_id == r.headers["x-request-id"]
    assert event.after == {"email": "a@b.cd", "full_name": "A", "role": "member", "is_active": True}
    assert event.entity_type == "user"
    r = await client.patch(
        f"{USERS}/{event.entity_id}",
        json={"full_name": "B"},
        headers=bearer(admin) | {"If-Match": "*"},
    )
    event = await AuditEvent.filter(action="user.update").order_by("-id").first()
    assert event is not None
    assert (event.entity_type, event.entity_id) == ("user", r.json()["id"])
    assert (event.before["full_name"], event.after["full_name"]) == ("A", "B")


@pytest.mark.parametrize("method", ["create", "update"])
async def test_an_admins_short_password_for_a_user_points_at_password(
    client, admin, member, method
):
    if method == "create":
        body = {"email": "short@example.edu", "full_name": "S", "password": "too short"}
        r = await client.post(USERS, json=body, headers=bearer(admin))
    else:
        r = await client.patch(
            f"{USERS}/{member.pk}",
            json={"password": "too short"},
            headers=bearer(admin) | {"If-Match": f'"{member.version}"'},
        )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["pointer"] == "/password"
    assert await User.filter(email="short@example.edu").count() == 0
    assert (await User.get(id=member.pk)).password_hash == member.password_hash


async def test_an_admins_edit_changes_what_it_names_and_ends_sessions_only_when_it_must(
    client, admin, member
):
    async def session() -> dict[str, str]:
        return with_token(await login(client, member.email))

    async def alive(headers: dict[str, str]) -> bool:
        return (await client.get("/api/v1/me", headers=headers)).status_code == 200

    async def edit(version: int, **changes: object) -> dict[str, object]:
        r = await client.patch(
            f"{USERS}/{member.pk}",
            json=changes,
            headers=bearer(admin) | {"If-Match": f'"{version}"'},
        )
        assert r.status_code == 200, r.text
        assert r.json()["version"] == version + 1
        assert r.headers["ETag"].startswith(f'"{version + 1}-')
        return dict(r.json())

    signed_in = await session()
    version = member.version
    renamed = await edit(version, full_name="Ada L.")
    assert renamed["full_name"] == "Ada L."
    moved = await edit(version + 1, email="Ada.New@Campus.Example")
    assert moved["email"] == "ada.new@campus.example"
    assert await alive(signed_in)  # a name or an email changes no session
    (event,) = (
        await AuditEvent.filter(action="user.update", entity_id=member.pk).order_by("-id").limit(1)
    )
    assert event.actor_user_id == admin.pk
    assert (event.before["email"], event.after["email"]) == (member.email, moved["email"])

    await edit(version + 2, password="a password set by the admin")
    assert not await alive(signed_in)  # a reset ends them
    member.email = str(moved["email"])
    r = await client.post(
        "/api/v1/auth/token",
        json={"email": member.email, "password": "a password set by the admin"},
    )
    assert r.status_code == 200, r.text
    again = {"Authorization": f"Bearer {r.json()['access_token']}"}
    await edit(version + 3, role="staff")
    assert not await alive(again)  # so does a role change
    stale = await client.patch(
        f"{USERS}/{member.pk}",
        json={"full_name": "x"},
        headers=bearer(admin) | {"If-Match": f'"{version}"'},
    )
    assert stale.status_code == 412
    assert str(member.pk) in stale.json()["detail"] and "user" in stale.json()["detail"]
    gone = await client.patch(
        f"{USERS}/999999", json={"full_name": "x"}, headers=bearer(admin) | {"If-Match": "*"}
    )
    assert (gone.status_code, gone.json()["detail"]) == (404, "user 999999 does not exist")


async def test_renaming_myself_counts_a_version_and_is_recorded(client, member):
    r = await client.patch("/api/v1/me", json={"full_name": "Ada L."}, headers=bearer(member))
    assert r.status_code == 200, r.text
    assert r.json()["version"] == member.version + 1
    event = await AuditEvent.filter(action="user.update", entity_id=member.pk).get()
    assert (event.actor_user_id, event.entity_type) == (member.pk, "user")
    assert (event.before["full_name"], event.after["full_name"]) == (member.full_name, "Ada L.")


# -- the first admin (`compax serve` with COMPAX_BOOTSTRAP_ADMIN_*) ---------------------------


async def test_the_first_admin_is_made_once_with_a_password_that_signs_in(client, database):
    made = await users.bootstrap_admin("First.Admin@Example.EDU", PASSWORD)
    assert made is not None
    stored = await User.get(id=made.pk)
    assert (stored.email, stored.role, stored.is_active) == (
        "first.admin@example.edu",
        Role.admin,
        True,
    )
    assert stored.full_name == "Administrator"
    assert "access_token" in await login(client, "first.admin@example.edu")
    # a restart with the same settings, or another instance, changes nothing
    assert await users.bootstrap_admin("First.Admin@Example.EDU", PASSWORD) is None
    assert await users.bootstrap_admin("other@example.edu", PASSWORD) is None
    assert await User.all().count() == 1


async def test_an_inactive_admin_does_not_count_as_the_first(database, make_user):
    old = await make_user(Role.admin, "old.admin@example.edu")
    await User.filter(id=old.pk).update(is_active=False)
    made = await users.bootstrap_admin("new.admin@example.edu", PASSWORD)
    assert made is not None and made.role == Role.admin
    assert await User.filter(role=Role.admin, is_active=True).count() == 1


@pytest.mark.parametrize("email", ["taken@example.edu", "TAKEN@example.edu"])
async def test_the_first_admin_named_by_a_member_s_email_is_refused(database, member, email):
    await User.filter(id=member.pk).update(email="taken@example.edu")
    with pytest.raises(AlreadyExists, match="is not an active admin; promote it"):
        await users.bootstrap_admin(email, PASSWORD)
    assert (await User.get(id=member.pk)).role == Role.member
    assert not await User.filter(role=Role.admin).exists()


async def test_two_instances_starting_together_make_one_admin(database):
    """Both find no admin; the second's insert meets the first's row and it stands down."""
    results = await asyncio.gather(
        users.bootstrap_admin("admin@example.edu", PASSWORD),
        users.bootstrap_admin("admin@example.edu", PASSWORD),
    )
    assert sorted(r is None for r in results) == [False, True]
    assert await User.filter(role=Role.admin, is_active=True).count() == 1


async def test_an_admin_made_just_after_the_check_is_not_taken_for_a_member(database, monkeypatch):
    """The other instance's admin commits after this one found no admin and before it looks
    up the email: it stands down (this interleaving once refused to start, "exists but is
    not an active admin"). The check is made to run early by answering it as of before."""
    assert await users.bootstrap_admin("admin@example.edu", PASSWORD) is not None
    checks = []

    def as_of_before() -> Any:
        checks.append(1)
        return User.filter(id=0) if len(checks) == 1 else active_admins()

    monkeypatch.setattr(users, "active_admins", as_of_before)
    assert await users.bootstrap_admin("Admin@Example.edu", PASSWORD) is None
    assert await User.filter(role=Role.admin, is_active=True).count() == 1


async def test_a_weak_first_password_is_refused_and_nothing_is_made(database):
    with pytest.raises(PasswordPolicy, match="at least 10 characters"):
        await users.bootstrap_admin("admin@example.edu", "short")
    assert not await User.exists()
