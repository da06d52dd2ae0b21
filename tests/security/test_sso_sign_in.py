"""Who a single sign-on is (``services.sso_accounts.sign_in``), called with the claims a
provider's checked ID token carries, on both engines: the identity's user, a linked local
account, or a new one; the role the claims grant; and every refusal, named in the security
log and leaving nothing behind. (The flows around it, against a real provider: tests/sso.)"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from compax_server.db.audit import AuditEvent
from compax_server.db.sso import UserIdentity
from compax_server.db.users import Role, User
from compax_server.errors import SsoAccountInactive, SsoEmailUnverified, SsoIdTokenInvalid
from compax_server.oidc import OidcProvider
from compax_server.services import sessions, sso_accounts, users

CAMPUS = OidcProvider(
    name="campus",
    issuer="https://idp.campus.example",
    client_id="compax",
    role_claim="groups",
    roles={"admin": ["compax-admins"], "staff": ["compax-staff"]},
)


def claims(sub: str = "s1", email: Any = "ann@campus.example", **more: Any) -> dict[str, Any]:
    return {"sub": sub, "email": email, "email_verified": True, **more}


async def sign_in(c: dict[str, Any], provider: OidcProvider = CAMPUS) -> User:
    return await sso_accounts.sign_in(provider, c, client="10.1.2.3", request_id="req-1")


@pytest.fixture
def refused(caplog: pytest.LogCaptureFixture):
    """The ``auth.sso_refused`` lines of the security log."""
    caplog.set_level(logging.WARNING, logger="compax.security")
    return lambda: [
        r.getMessage()
        for r in caplog.records
        if r.name == "compax.security" and r.getMessage().startswith("auth.sso_refused ")
    ]


async def nothing_written(users_before: int) -> None:
    assert await User.all().count() == users_before
    assert await UserIdentity.all().count() == 0


async def test_a_new_person_is_created_from_the_claims_and_linked(database) -> None:
    before = datetime.now(UTC)
    user = await sign_in(claims(name="Ann Lee", groups=["compax-staff"]))
    after = datetime.now(UTC)
    assert (user.email, user.full_name, user.role) == ("ann@campus.example", "Ann Lee", Role.staff)
    assert user.password_hash is None and user.is_active
    identity = await UserIdentity.get(provider="campus", subject="s1")
    assert (identity.user_id, identity.email) == (user.pk, "ann@campus.example")
    assert identity.last_login_at is not None and before <= identity.last_login_at <= after
    created = await AuditEvent.get(action="user.create", entity_id=user.pk)
    assert created.actor_user_id is None and created.after == users.snapshot(user)
    assert created.entity_type == "user"
    linked = await AuditEvent.get(action="user.identity_link", entity_id=user.pk)
    assert linked.entity_type == "user"
    assert (linked.actor_user_id, linked.request_id) == (user.pk, "req-1")
    assert linked.after == {"provider": "campus"}


@pytest.mark.parametrize(
    ("name", "full_name"),
    [
        (None, "ann@campus.example"),
        ("   ", "ann@campus.example"),
        (7, "ann@campus.example"),
        ("N" * 300, "N" * 200),
    ],
)
async def test_a_name_that_is_missing_blank_or_long(database, name, full_name) -> None:
    user = await sign_in(claims(name=name))
    assert user.full_name == full_name


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (["compax-admins", "compax-staff"], Role.admin),
        ("compax-staff", Role.staff),
        (["students", 5], Role.member),
        (None, Role.member),
    ],
)
async def test_the_role_comes_from_the_role_claim(database, groups, role) -> None:
    assert (await sign_in(claims(groups=groups))).role == role


async def test_without_a_role_claim_configured_a_new_person_is_a_member(database) -> None:
    plain = CAMPUS.model_copy(update={"role_claim": ""})
    assert (await sign_in(claims(groups=["compax-admins"]), plain)).role == Role.member


async def test_a_verified_email_links_the_local_account_whatever_its_case(
    database, make_user
) -> None:
    local = await make_user(Role.member, email="ann@campus.example")
    user = await sign_in(claims(email="  Ann@Campus.EXAMPLE ", groups=["compax-staff"]))
    assert user.pk == local.pk and user.role == Role.staff  # the claim's role, synced
    assert (await UserIdentity.get(subject="s1")).user_id == local.pk
    assert await User.all().count() == 1
    synced = await AuditEvent.get(action="user.update", entity_id=local.pk)
    assert (synced.actor_user_id, synced.entity_type) == (None, "user")
    assert (synced.before["role"], synced.after["role"]) == ("member", "staff")


async def test_a_known_identity_signs_in_as_its_user_whatever_its_email_says_now(
    database,
) -> None:
    first = await sign_in(claims(groups=["compax-staff"]))
    seen = (await UserIdentity.get(subject="s1")).last_login_at
    again = await sign_in(claims(email="someone.else@campus.example", groups=["compax-staff"]))
    assert again.pk == first.pk and again.email == "ann@campus.example"
    assert await User.all().count() == 1 and await UserIdentity.all().count() == 1
    assert (await UserIdentity.get(subject="s1")).last_login_at > seen
    assert not await AuditEvent.filter(action="user.update").exists()  # same role: no write
    version = (await User.get(id=first.pk)).version
    assert (await sessions.user_state(first.pk) or {})["role"] == "staff"  # remembered now
    promoted = await sign_in(claims(groups=["compax-admins"]))
    assert promoted.role == Role.admin
    stored = await User.get(id=first.pk)
    assert (stored.role, stored.version) == (Role.admin, version + 1)
    # the process that changed the role forgets what it remembered: tokens see it at once
    assert (await sessions.user_state(first.pk) or {})["role"] == "admin"
    event = await AuditEvent.get(action="user.update", entity_id=first.pk)
    assert (event.before["role"], event.after["role"]) == ("staff", "admin")


async def test_roles_are_kept_when_the_provider_does_not_sync_them(database) -> None:
    kept = CAMPUS.model_copy(update={"sync_roles": False})
    first = await sign_in(claims(groups=["compax-staff"]), kept)
    assert first.role == Role.staff  # a new account takes the claim's role all the same
    again = await sign_in(claims(groups=[]), kept)
    assert again.role == Role.staff
    assert (await User.get(id=first.pk)).role == Role.staff


async def test_the_last_active_admin_is_never_demoted_by_a_claim(database, make_user) -> None:
    admin = await sign_in(claims(groups=["compax-admins"]))
    assert (await sign_in(claims(groups=[]))).role == Role.admin  # the only admin
    other = await make_user(Role.admin)
    assert (await sign_in(claims(groups=[]))).role == Role.member  # another admin is left
    await User.filter(id=other.pk).update(is_active=False)
    await User.filter(id=admin.pk).update(role=Role.admin)
    assert (await sign_in(claims(groups=["compax-staff"]))).role == Role.admin


async def test_a_deactivated_user_of_a_known_identity_stays_out(database, refused) -> None:
    user = await sign_in(claims())
    await User.filter(id=user.pk).update(is_active=False)
    with pytest.raises(SsoAccountInactive) as raised:
        await sign_in(claims(groups=["compax-admins"]))
    assert raised.value.detail == "The account ann@campus.example is deactivated."
    assert (await User.get(id=user.pk)).role == Role.member  # nothing synced
    [line] = refused()
    assert line == (
        f"auth.sso_refused entity='user:{user.pk}' provider='campus' reason='inactive' "
        "subject='s1' client='10.1.2.3'"
    )
    event = await AuditEvent.get(action="auth.sso_refused", entity_id=user.pk)
    assert (event.actor_user_id, event.request_id) == (None, "req-1")
    assert event.after == {
        "provider": "campus",
        "reason": "inactive",
        "subject": "s1",
        "client": "10.1.2.3",
    }


async def test_a_deactivated_local_account_is_not_linked(database, make_user, refused) -> None:
    local = await make_user(Role.member, email="ann@campus.example")
    await User.filter(id=local.pk).update(is_active=False)
    with pytest.raises(SsoAccountInactive) as raised:
        await sign_in(claims(groups=["compax-admins"]))
    assert raised.value.detail == "The account ann@campus.example is deactivated."
    assert await UserIdentity.all().count() == 0
    assert (await User.get(id=local.pk)).role == Role.member
    assert [
        f"entity='user:{local.pk}'" in line and "reason='inactive'" in line for line in refused()
    ] == [True]


@pytest.mark.parametrize("email", [None, "", "   ", 42, ["ann@campus.example"]])
async def test_no_usable_email_claim_is_refused(database, refused, email) -> None:
    with pytest.raises(SsoIdTokenInvalid) as raised:
        await sign_in(claims(sub="x" * 255, email=email))
    assert raised.value.detail == (
        "The provider sent no email for this person; ask the administrator to release the "
        "email claim (scope `email`) to Compax."
    )
    await nothing_written(0)
    [line] = refused()
    assert "reason='no_email'" in line and f"subject='{'x' * 255}'" in line


async def test_an_email_that_is_no_address_is_refused_and_bounded(database, refused) -> None:
    long = "not an address " * 40
    with pytest.raises(SsoIdTokenInvalid) as raised:
        await sign_in(claims(email=long))
    shown = users.normalize_email(long) if hasattr(users, "normalize_email") else None
    assert raised.value.detail.endswith(f"{users.EMAIL_RULE}.")
    assert len(raised.value.detail) < users.EMAIL_MAX + 200
    assert shown is None or shown[:20] in raised.value.detail
    await nothing_written(0)
    [line] = refused()
    assert "reason='bad_email'" in line and "subject='s1'" in line, line


@pytest.mark.parametrize("verified", [False, None, "true", 1])
async def test_an_email_not_verified_is_neither_linked_nor_used(
    database, make_user, refused, verified
) -> None:
    local = await make_user(Role.admin, email="ann@campus.example")
    with pytest.raises(SsoEmailUnverified) as raised:
        await sign_in(claims(email_verified=verified, groups=["compax-admins"]))
    assert raised.value.detail == (
        "The identity provider has not verified ann@campus.example; Compax neither links it "
        "to an account nor creates one."
    )
    assert await UserIdentity.all().count() == 0
    event = await AuditEvent.get(action="auth.sso_refused", entity_id=local.pk)
    assert event.after == {
        "provider": "campus",
        "reason": "email_unverified",
        "email": "ann@campus.example",
        "subject": "s1",
        "client": "10.1.2.3",
    }
    with pytest.raises(SsoEmailUnverified):
        await sign_in(claims(sub="s2", email="new@campus.example", email_verified=verified))
    assert not await User.filter(email="new@campus.example").exists()
    assert "entity='user:None'" in refused()[-1]


async def test_a_provider_trusted_for_its_emails_needs_no_verified_flag(database) -> None:
    trusted = CAMPUS.model_copy(update={"trust_email": True})
    user = await sign_in(claims(email_verified=False), trusted)
    assert user.email == "ann@campus.example"


async def test_the_same_subject_at_another_provider_is_another_identity(database) -> None:
    first = await sign_in(claims())
    other = CAMPUS.model_copy(update={"name": "library"})
    again = await sign_in(claims(email="ann@campus.example"), other)
    assert again.pk == first.pk  # linked by the verified email, not found by the subject
    pairs = await UserIdentity.all().order_by("id").values_list("provider", "subject")
    assert [tuple(p) for p in pairs] == [("campus", "s1"), ("library", "s1")]
    stranger = await sign_in(claims(sub="s1", email="bo@campus.example"), other)
    assert stranger.pk == first.pk  # the library's s1 is ann now, whatever the email says


async def test_one_new_person_signing_in_several_times_at_once_is_one_account(database) -> None:
    """Two tabs, a double click: the first sign-ins of one new person run at once. Each gets
    the same account; one user, one identity, one ``user.create`` in the log."""
    signed = await asyncio.gather(*(sign_in(claims(name="Ann Lee")) for _ in range(4)))
    assert {u.pk for u in signed} == {(await User.get(email="ann@campus.example")).pk}
    assert await User.all().count() == 1
    assert await UserIdentity.all().count() == 1
    assert await AuditEvent.filter(action="user.create").count() == 1
    assert await AuditEvent.filter(action="user.identity_link").count() == 1


async def test_one_new_person_signing_in_at_two_providers_at_once_is_one_account(
    database,
) -> None:
    """The same verified email through two providers at once: one account, linked to both
    identities (the second sign-in finds the account the first made)."""
    other = CAMPUS.model_copy(update={"name": "library"})
    a, b = await asyncio.gather(sign_in(claims()), sign_in(claims(sub="L-7"), other))
    assert a.pk == b.pk
    assert await User.all().count() == 1
    pairs = (
        await UserIdentity.all().order_by("provider").values_list("provider", "subject", "user_id")
    )
    assert [tuple(p) for p in pairs] == [("campus", "s1", a.pk), ("library", "L-7", a.pk)]
