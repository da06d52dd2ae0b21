"""Users: the own profile, password changes, and admin management."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from compax_server.db import transaction
from compax_server.db import users as users_db
from compax_server.db.api_keys import ApiKey
from compax_server.db.users import FeedToken, Role, User, active_admins
from compax_server.domain import versions
from compax_server.domain.versions import Expected
from compax_server.errors import AlreadyExists, InvalidInput, NotFound, RuleViolation
from compax_server.services import (
    audit,
    auth,
    feeds,
    limits,
    passwords,
    security,
    sessions,
    waitlist_offers,
    writes,
)
from compax_server.services.actors import (
    Actor,
    Scope,
    require_admin,
    require_scope,
    require_staff,
)
from compax_server.services.paging import page_by_id

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_RULE = "is not an email address"  # what a person reads, from the API's schema or here
EMAIL_MAX = 254  # RFC 5321's limit of a forward path, less its angle brackets


def snapshot(user: User) -> dict[str, Any]:
    """What the audit log keeps of a user (never the password hash)."""
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role.value,
        "is_active": user.is_active,
    }


def check_email(email: str) -> str:
    """The email as stored (trimmed, case-folded), or a 400 naming ``email``. The API's schema
    checks the same pattern before; this also covers what a case fold lengthens ("ß" is
    "ss") and what comes from elsewhere (a single sign-on provider, the bootstrap admin)."""
    email = auth.normalize_email(email)
    if not EMAIL_RE.match(email) or len(email) > EMAIL_MAX:
        raise InvalidInput.field("body", "email", EMAIL_RULE, code="invalid_email")
    return email


async def get_user(actor: Actor, user_id: int) -> User:
    """Staff and admins read anyone (they book for people); members only themselves
    (anyone else is a 404 to them)."""
    require_scope(actor, Scope.read)
    visible = actor.is_staff or actor.user_id == user_id
    user = await User.get_or_none(id=user_id) if visible else None
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    return user


async def get_me(actor: Actor) -> User:
    return await get_user(actor, actor.user_id)


async def list_users(
    actor: Actor,
    *,
    limit: int,
    cursor: str | None,
    role: Role | None = None,
    is_active: bool | None = None,
    q: str | None = None,
    email: str | None = None,
) -> tuple[list[User], str | None]:
    require_staff(actor, Scope.read)
    query = User.all()
    if email is not None:
        query = query.filter(email=auth.normalize_email(email))
    if role is not None:
        query = query.filter(role=role)
    if is_active is not None:
        query = query.filter(is_active=is_active)
    if q:
        query = query.filter(Q(email__icontains=q) | Q(full_name__icontains=q))
    return await page_by_id(query, limit, cursor)


async def create_user(
    actor: Actor | None,
    *,
    email: str,
    full_name: str,
    role: Role = Role.member,
    password: str | None = None,
) -> User:
    """Create a user. ``actor=None`` is the system (bootstrap); otherwise an admin."""
    if actor is not None:
        require_admin(actor)
    email = check_email(email)
    password_hash = await passwords.hash_password(password) if password is not None else None
    try:
        async with transaction():
            user = await User.create(
                email=email, full_name=full_name, role=role, password_hash=password_hash
            )
            await audit.record(actor, "user.create", "user", user.pk, after=snapshot(user))
    except IntegrityError:
        raise AlreadyExists(f"a user with the email {email} already exists") from None
    return user


async def _ensure_an_admin_remains(user: User, role: Role, is_active: bool) -> None:
    if user.role != Role.admin or (role == Role.admin and is_active):
        return
    others = await users_db.other_active_admins(user.pk)
    if others == 0:
        raise RuleViolation(
            f"{user.email} is the last active administrator; make another one first.",
            errors=[{"rule": "last_admin", "detail": "at least one active admin must remain"}],
        )


async def update_user(
    actor: Actor,
    user_id: int,
    *,
    full_name: str | None = None,
    email: str | None = None,
    role: Role | None = None,
    is_active: bool | None = None,
    password: str | None = None,
    expected: Expected | None = versions.ANY,
) -> User:
    """Admin edit, made against the version ``expected`` (428 without one, 412 when stale;
    in-process callers may leave it out). Changing role, deactivating or resetting the
    password ends the user's sessions."""
    require_admin(actor)
    versions.required(expected, noun="user", ident=user_id)
    password_hash = await passwords.hash_password(password) if password is not None else None

    async def attempt() -> User:
        async with transaction():
            user = await User.filter(id=user_id).select_for_update().first()
            if user is None:
                raise NotFound(f"user {user_id} does not exist")
            versions.ensure(user.version, expected, noun="user", ident=user.pk)
            before = snapshot(user)
            await _ensure_an_admin_remains(
                user,
                role if role is not None else user.role,
                is_active if is_active is not None else user.is_active,
            )
            ends_sessions = (
                (role is not None and role != user.role)
                or (is_active is False and user.is_active)
                or password_hash is not None
            )
            if full_name is not None:
                user.full_name = full_name
            if email is not None:
                user.email = check_email(email)
            if role is not None:
                user.role = role
            if is_active is not None:
                user.is_active = is_active
            if password_hash is not None:
                user.password_hash = password_hash
            elif snapshot(user) == before:
                return user  # nothing changed: the same version, nothing audited
            user.version += 1
            await user.save()
            if ends_sessions:
                await auth.end_all_sessions(user)
            after = snapshot(user)
            if is_active is False and before["is_active"]:
                after.update(await _revoke_credentials(user))
                # nothing can be offered to them: an offer they hold passes on
                await waitlist_offers.close_entries(
                    actor, "the account was deactivated", user_id=user.pk
                )
            await audit.record(actor, "user.update", "user", user.pk, before=before, after=after)
        return user

    try:
        # one write (``writes.run``): an offer's hold a deactivation cancels goes to the next
        # in line now, and search sees the slot free
        user = await writes.run(attempt, changed=lambda done: not done.is_active)
        # after the commit: a request between end_all_sessions' forgetting and the commit
        # could have remembered the old state again (and an email change ends no session)
        sessions.forget_user(user.pk)
    except IntegrityError:
        raise AlreadyExists(f"a user with the email {email} already exists") from None
    return user


async def _revoke_credentials(user: User) -> dict[str, int]:
    """On deactivation: revoke the user's API keys and calendar feed token for good (a later
    reactivation does not bring them back; an admin issues new ones)."""
    keys = await ApiKey.filter(user_id=user.pk, revoked_at=None).update(revoked_at=auth.now())
    feed_tokens = await FeedToken.filter(user_id=user.pk).delete()
    return {"api_keys_revoked": keys, "feed_tokens_revoked": feed_tokens}


async def deactivate_user(actor: Actor, user_id: int) -> User:
    return await update_user(actor, user_id, is_active=False)


async def update_me(actor: Actor, *, full_name: str) -> User:
    require_scope(actor, Scope.write)
    async with transaction():
        user = await get_me(actor)
        if user.full_name == full_name:
            return user  # nothing changed: the same version, nothing audited
        before = snapshot(user)
        user.full_name = full_name
        user.version += 1
        await user.save()
        await audit.record(
            actor, "user.update", "user", user.pk, before=before, after=snapshot(user)
        )
    return user


@dataclass(frozen=True)
class PasswordChanged:
    pair: auth.TokenPair  # continues this session
    api_keys_active: int  # the user's API keys that keep working (they are not tied to it)
    feed_token: str | None  # the new calendar feed token, if the user had one


async def change_password(
    actor: Actor, *, current_password: str, new_password: str, client: str
) -> PasswordChanged:
    """Change the own password. Every other session ends, the calendar feed token is rotated
    (the old URL stops working); API keys stay and are counted. Wrong current passwords count
    against the login limits (``limits.Attempt``)."""
    if actor.api_key_id is not None:
        raise RuleViolation(
            "An API key cannot change its user's password; log in as the user.",
            errors=[{"rule": "password_needs_session", "detail": "use a login session"}],
        )
    passwords.check_password_policy(new_password, "/new_password")
    user = await get_me(actor)
    attempt = limits.Attempt(user.email, client, actor.request_id)
    await attempt.begin()
    if not await passwords.verify_password(current_password, user.password_hash):
        await security.event(
            "user.password_change_failed",
            actor=actor,
            entity_type="user",
            entity_id=user.pk,
            client=client,
            reason="wrong_password",
        )
        raise RuleViolation(
            "The current password is wrong.",
            errors=[
                {
                    "location": "body",
                    "pointer": "/current_password",
                    "detail": "is not your current password",
                    "code": "wrong_password",
                }
            ],
        )
    await attempt.succeeded()
    password_hash = await passwords.hash_password(new_password)  # checked above
    async with transaction():
        user = await get_me(actor)
        user.password_hash = password_hash
        user.version += 1
        await user.save()
        await auth.end_all_sessions(user)
        had_feed = await FeedToken.filter(user_id=user.pk).exists()
        feed_token = await feeds.rotate_feed_token(actor) if had_feed else None
        moment = auth.now()
        keys = (
            await ApiKey.filter(user_id=user.pk, revoked_at=None)
            .filter(Q(expires_at=None) | Q(expires_at__gt=moment))
            .count()
        )
        await security.event(
            "user.password_change",
            actor=actor,
            entity_type="user",
            entity_id=user.pk,
            client=client,
            in_transaction=True,
            api_keys_active=keys,
            feed_token_rotated=had_feed,
        )
        pair = await auth.new_session(user)
    return PasswordChanged(pair=pair, api_keys_active=keys, feed_token=feed_token)


async def bootstrap_admin(email: str, password: str) -> User | None:
    """Create the first admin when no active admin exists yet; otherwise do nothing."""
    if await active_admins().exists():
        return None
    existing = await User.get_or_none(email=auth.normalize_email(email))
    if existing is not None and existing.role == Role.admin and existing.is_active:
        return None  # another instance starting at the same moment made it, just now
    if existing is not None:
        raise AlreadyExists(
            f"{email} exists but is not an active admin; promote it with `compax users` instead"
        )
    try:
        return await create_user(
            None, email=email, full_name="Administrator", role=Role.admin, password=password
        )
    except AlreadyExists:  # another instance starting at the same moment made it
        if await active_admins().exists():
            return None
        raise
