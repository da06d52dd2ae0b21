"""``/api/v1/users`` (admins) and ``/api/v1/me`` (everyone signed in)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints
from sanic import HTTPResponse, Request

from compax_server.api.auth import TokenOut, token_out
from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.etags import etag, if_match
from compax_server.api.schemas import In, Out, Page, PageQuery, Patch, page_of, pattern, render
from compax_server.db.users import Role
from compax_server.services import users
from compax_server.services.actors import Actor

router = Router("users", "/api/v1/users", tag="Users", description="Admin user management.")
me_router = Router("me", "/api/v1/me", tag="Me", description="The signed-in user.")

Name = Field(min_length=1, max_length=200)


class UserOut(Out):
    id: int
    email: str
    full_name: str
    role: Role
    is_active: bool
    version: int = Field(description="also the ETag; send it back in If-Match to change the user")
    created_at: datetime
    updated_at: datetime


Email = Annotated[
    str,
    StringConstraints(
        min_length=3,
        max_length=users.EMAIL_MAX,
        pattern=pattern(users.EMAIL_RE.pattern, users.EMAIL_RULE),
    ),
]


class UserCreate(In):
    email: Email
    full_name: str = Name
    role: Role = Role.member
    password: str | None = Field(
        None,
        max_length=1024,
        description="10+ characters, at most 72 bytes; omit for a "
        "service account that only uses API keys",
    )


class UserUpdate(Patch):
    email: Email | None = Field(None)
    full_name: str | None = Field(None, min_length=1, max_length=200)
    role: Role | None = Field(None)
    is_active: bool | None = Field(None)
    password: str | None = Field(None, max_length=1024, description="reset the password")


class UserQuery(PageQuery):
    role: Role | None = None
    is_active: bool | None = None
    q: str | None = Field(None, max_length=100, description="part of the email or name")
    email: str | None = Field(
        None,
        max_length=users.EMAIL_MAX,
        description="exactly this email, case-insensitively (0 or 1 users)",
    )


class MeUpdate(In):
    full_name: str = Name


class PasswordChange(In):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class PasswordChanged(TokenOut):
    api_keys_active: int = Field(
        description="your API keys that keep working: a password change does not revoke them "
        "(an administrator can, at /api/v1/api-keys)"
    )
    feed_token: str | None = Field(
        description="your new calendar feed token when you had one: the old feed URL has "
        "stopped working; subscribe to /api/v1/me/calendar.ics?token=<this>"
    )


def user_out(user: object) -> UserOut:
    return UserOut.model_validate(user)


@router.get(
    "/", summary="List users", query=UserQuery, response=Page[UserOut], errors=(400, *AUTH_ERRORS)
)
async def list_users(request: Request, actor: Actor, query: UserQuery) -> HTTPResponse:
    rows, cursor = await users.list_users(
        actor,
        limit=query.limit,
        cursor=query.cursor,
        role=query.role,
        is_active=query.is_active,
        q=query.q,
        email=query.email,
    )
    return render(page_of(rows, cursor, UserOut))


@router.post(
    "/",
    summary="Create a user",
    idempotent=True,
    body=UserCreate,
    response=UserOut,
    status=201,
    errors=(400, *AUTH_ERRORS, 409, 422),
    response_headers=("Location",),
)
async def create_user(request: Request, actor: Actor, body: UserCreate) -> HTTPResponse:
    user = await users.create_user(
        actor, email=body.email, full_name=body.full_name, role=body.role, password=body.password
    )
    return render(user_out(user), status=201, headers={"Location": f"/api/v1/users/{user.pk}"})


@router.get("/<user_id>", summary="Read a user", response=UserOut, errors=(400, *AUTH_ERRORS, 404))
async def read_user(request: Request, actor: Actor, user_id: int) -> HTTPResponse:
    return render(user_out(await users.get_user(actor, user_id)))


@router.patch(
    "/<user_id>",
    summary="Update a user",
    body=UserUpdate,
    response=UserOut,
    errors=(400, *AUTH_ERRORS, 404, 409, 412, 422, 428),
    request_headers=("If-Match",),
    response_headers=("ETag",),
)
async def update_user(
    request: Request, actor: Actor, user_id: int, body: UserUpdate
) -> HTTPResponse:
    """Change name, email, role, active flag or password. A role change, a deactivation or a
    password reset ends the user's sessions. Needs ``If-Match``."""
    user = await users.update_user(actor, user_id, expected=if_match(request), **body.changes())
    return render(user_out(user), headers={"ETag": etag(user)})


@router.delete(
    "/<user_id>",
    summary="Deactivate a user",
    response=UserOut,
    errors=(400, *AUTH_ERRORS, 404, 422),
)
async def deactivate_user(request: Request, actor: Actor, user_id: int) -> HTTPResponse:
    """Users are never deleted (their bookings and audit trail stay): DELETE deactivates.
    A deactivated user cannot log in and their tokens and API keys stop working."""
    return render(user_out(await users.deactivate_user(actor, user_id)))


@me_router.get("/", summary="Read my profile", response=UserOut, errors=AUTH_ERRORS)
async def read_me(request: Request, actor: Actor) -> HTTPResponse:
    return render(user_out(await users.get_me(actor)))


@me_router.patch(
    "/", summary="Update my profile", body=MeUpdate, response=UserOut, errors=(400, *AUTH_ERRORS)
)
async def update_me(request: Request, actor: Actor, body: MeUpdate) -> HTTPResponse:
    """Change your own name. Role and email are changed by an administrator."""
    return render(user_out(await users.update_me(actor, full_name=body.full_name)))


@me_router.post(
    "/password",
    summary="Change my password",
    body=PasswordChange,
    response=PasswordChanged,
    errors=(400, *AUTH_ERRORS, 422, 429),
)
async def change_password(request: Request, actor: Actor, body: PasswordChange) -> HTTPResponse:
    """Every other session ends; the returned token pair continues this one. The calendar
    feed token is rotated; API keys keep working and are counted in ``api_keys_active``.
    Wrong current passwords count against the login limits (429 with ``Retry-After``)."""
    changed = await users.change_password(
        actor,
        current_password=body.current_password,
        new_password=body.new_password,
        client=request.ctx.client,
    )
    out = PasswordChanged(
        **token_out(changed.pair).model_dump(),
        api_keys_active=changed.api_keys_active,
        feed_token=changed.feed_token,
    )
    return render(out)
