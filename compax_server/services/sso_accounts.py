"""Who a single sign-on is: the identity's user, a linked local account, or a new one.

- A known identity (provider, subject) signs in as its user, whatever its email says now.
- An unknown identity with a verified email links to the local account of that email, or
  creates one (just in time) from the claims: ``email``, ``name``; the role comes from the
  provider's role claim (``OidcProvider.role_for``), everyone else is a member.
- An email the provider has not verified is never linked nor used for a new account.
- A deactivated user stays out, whatever the provider says.

Every refusal is a security event (``auth.sso_refused``) and leaves nothing behind.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from compax_server.db import sso as sso_db
from compax_server.db import transaction
from compax_server.db import users as users_db
from compax_server.db.users import Role, User
from compax_server.errors import (
    CompaxError,
    InvalidInput,
    SsoAccountInactive,
    SsoEmailUnverified,
    SsoIdTokenInvalid,
)
from compax_server.oidc import OidcProvider
from compax_server.services import audit, auth, security, sessions, users
from compax_server.services.actors import Actor


async def refuse(
    problem: CompaxError,
    reason: str,
    provider: str,
    client: str,
    request_id: str,
    *,
    user_id: int | None = None,
    **details: Any,
) -> CompaxError:
    """Record a refused sign-on and return the error to raise."""
    await security.event(
        "auth.sso_refused",
        entity_type="user",
        entity_id=user_id,
        request_id=request_id,
        client=client,
        provider=provider,
        reason=reason,
        **details,
    )
    return problem


def _verified_email(provider: OidcProvider, claims: dict[str, Any]) -> tuple[str | None, bool]:
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return None, False
    verified = claims.get("email_verified") is True or provider.trust_email
    return auth.normalize_email(email), verified


async def _sync_role(user: User, role: Role | None, provider: OidcProvider) -> None:
    """Set the role the provider's claim grants (inside the caller's transaction)."""
    if role is None or not provider.sync_roles or role == user.role:
        return
    if user.role == Role.admin and user.is_active:
        others = await users_db.other_active_admins(user.pk)
        if others == 0:
            return  # never demote the last admin (users.update_user refuses it too)
    before = users.snapshot(user)
    user.role = role
    user.version += 1
    await user.save(update_fields=["role", "version", "updated_at"])
    await audit.record(
        None, "user.update", "user", user.pk, before=before, after=users.snapshot(user)
    )
    sessions.forget_user(user.pk)


async def sign_in(
    provider: OidcProvider, claims: dict[str, Any], *, client: str = "", request_id: str = ""
) -> User:
    """The active user the verified ``claims`` stand for (found, linked or created)."""
    subject = str(claims["sub"])
    role_name = provider.role_for(claims)
    role = Role(role_name) if role_name else None
    email, verified = _verified_email(provider, claims)
    where = (provider.name, client, request_id)
    moment = datetime.now(UTC)

    async def inactive(user: User) -> CompaxError:
        problem = SsoAccountInactive(f"The account {user.email} is deactivated.")
        return await refuse(problem, "inactive", *where, user_id=user.pk, subject=subject[:255])

    identity = await sso_db.identity_of(provider.name, subject)
    if identity is not None:
        user = identity.user
        if not user.is_active:
            raise await inactive(user)
        async with transaction():
            await _sync_role(user, role, provider)
            identity.last_login_at = moment
            await identity.save(update_fields=["last_login_at"])
        return user

    if email is None:
        raise await refuse(
            SsoIdTokenInvalid(
                "The provider sent no email for this person; ask the administrator to release "
                "the email claim (scope `email`) to Compax."
            ),
            "no_email",
            *where,
            subject=subject[:255],
        )
    try:  # bounded before it is looked up or logged
        email = users.check_email(email)
    except InvalidInput:
        raise await refuse(
            SsoIdTokenInvalid(
                f"The provider's email {email[: users.EMAIL_MAX]!r} {users.EMAIL_RULE}."
            ),
            "bad_email",
            *where,
            subject=subject[:255],
        ) from None
    if not verified:
        existing = await User.get_or_none(email=email)
        raise await refuse(
            SsoEmailUnverified(
                f"The identity provider has not verified {email}; Compax neither links it to "
                "an account nor creates one."
            ),
            "email_unverified",
            *where,
            user_id=existing.pk if existing else None,
            email=email,
            subject=subject[:255],
        )
    name = claims.get("name")
    full_name = (name if isinstance(name, str) and name.strip() else email)[:200]

    async def link() -> User:
        """The account of the email, made now if there is none, linked to the identity
        (a deactivated one is returned as it is, neither changed nor linked)."""
        async with transaction():
            user = await User.get_or_none(email=email)
            if user is None:
                user = await User.create(
                    email=email, full_name=full_name, role=role or Role.member, password_hash=None
                )
                await audit.record(None, "user.create", "user", user.pk, after=users.snapshot(user))
            elif not user.is_active:
                return user
            else:
                await _sync_role(user, role, provider)
            await sso_db.UserIdentity.create(
                user=user,
                provider=provider.name,
                subject=subject,
                email=email,
                last_login_at=moment,
            )
            actor = Actor(user_id=user.pk, email=user.email, role=user.role, request_id=request_id)
            await audit.record(
                actor, "user.identity_link", "user", user.pk, after={"provider": provider.name}
            )
            return user

    try:
        user = await link()
    except IntegrityError:
        # another sign-in linked this identity, or made this email's account, just now
        again = await sso_db.identity_of(provider.name, subject)
        user = again.user if again is not None else await link()  # the account is there now
    if not user.is_active:
        raise await inactive(user)
    return user
