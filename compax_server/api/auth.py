"""``/api/v1/auth``: log in (JSON or the OAuth2 password form), refresh, log out."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import Router
from compax_server.api.schemas import In, Out, render
from compax_server.services import auth

router = Router("auth", "/api/v1/auth", tag="Auth", description="Sessions: tokens in, tokens out.")


class TokenRequest(In):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class PasswordForm(BaseModel):
    """The OAuth2 password grant (``application/x-www-form-urlencoded``), as the docs page's
    Authorize button sends it. The document declares the form with ``TokenRequest``'s schema
    (one body type per operation, for client generators), so ``email`` is read too."""

    model_config = ConfigDict(extra="ignore")

    grant_type: Literal["password"] | None = None
    username: str = Field(
        min_length=1, max_length=254, validation_alias=AliasChoices("username", "email")
    )
    password: str = Field(min_length=1, max_length=1024)
    scope: str | None = None


class RefreshRequest(In):
    refresh_token: str = Field(min_length=1, max_length=512)


class TokenOut(Out):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int = Field(description="seconds until the access token expires")


def token_out(pair: auth.TokenPair) -> TokenOut:
    return TokenOut(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


@router.post(
    "/token",
    summary="Log in",
    body=TokenRequest,
    form=PasswordForm,
    response=TokenOut,
    auth=False,
    errors=(401, 429),
)
async def token(request: Request, body: TokenRequest | PasswordForm) -> HTTPResponse:
    """Exchange an email and password for an access token and a refresh token.

    Accepts JSON ``{"email", "password"}`` or the OAuth2 password form (``username`` is the
    email). Attempts are limited per client address, failed ones per account and address and,
    from addresses that never logged in to the account, per account (429 with
    ``Retry-After``)."""
    email = body.email if isinstance(body, TokenRequest) else body.username
    pair = await auth.login(
        email,
        body.password,
        client=request.ctx.client,
        request_id=request.ctx.request_id,
    )
    return render(token_out(pair))


@router.post(
    "/refresh",
    summary="Refresh the session",
    body=RefreshRequest,
    response=TokenOut,
    auth=False,
    errors=(401,),
)
async def refresh(request: Request, body: RefreshRequest) -> HTTPResponse:
    """Trade a refresh token for a new pair. Each refresh token works once; presenting a used
    one again ends every session of its family (``refresh_token_reused``)."""
    pair = await auth.refresh(
        body.refresh_token, request_id=request.ctx.request_id, client=request.ctx.client
    )
    return render(token_out(pair))


@router.post("/logout", summary="Log out", body=RefreshRequest, status=204, auth=False)
async def logout(request: Request, body: RefreshRequest) -> HTTPResponse:
    """End the session: the refresh token and every token rotated from the same login are
    revoked, and the session's access tokens stop working within seconds."""
    await auth.logout(
        body.refresh_token, request_id=request.ctx.request_id, client=request.ctx.client
    )
    return render(None, status=204)
