"""``/api/v1/auth/sso``: single sign-on with the campus identity provider (OpenID Connect).

A browser frontend sends the person to ``GET /{provider}/start?redirect_uri=<its page>``;
after the provider, the browser comes back to ``/{provider}/callback`` and is sent on to the
frontend's page with a one-time ``code``, which the frontend trades for tokens at
``POST /token``. The CLI uses the device grant (``POST /{provider}/device``, then polls
``POST /device/token``) or the same browser flow with a loopback ``redirect_uri``.
"""

from __future__ import annotations

import re
import secrets

from pydantic import BaseModel, ConfigDict, Field
from sanic import HTTPResponse, Request

from compax_server.api.auth import TokenOut, token_out
from compax_server.api.endpoint import Router
from compax_server.api.middleware import public_base
from compax_server.api.schemas import In, Out, Query, render
from compax_server.services import sso

router = Router(
    "sso",
    "/api/v1/auth/sso",
    tag="Auth",
    description="Single sign-on with the campus identity provider (OpenID Connect).",
)


class ProviderOut(Out):
    name: str = Field(description="use it in the paths below")
    title: str = Field(description="what to show on the login button")


class ProviderList(Out):
    data: list[ProviderOut]


class StartQuery(Query):
    redirect_uri: str = Field(
        min_length=1,
        max_length=2048,
        description="where the browser ends, with ?code=<one-time code>: one of the "
        "provider's configured redirect URIs, or http://127.0.0.1:<port>/... for the CLI",
    )


class CallbackQuery(BaseModel):
    """What the provider appends (RFC 6749 4.1.2, RFC 9207); other parameters are ignored."""

    model_config = ConfigDict(extra="ignore")

    # Together well under the 8 KB a request line may take (longer: 413 before any route),
    # and above what providers send (Entra's codes, the longest seen, are about 1.5 KB).
    code: str | None = Field(None, max_length=2048)
    state: str | None = Field(None, max_length=512)
    iss: str | None = Field(None, max_length=512)
    error: str | None = Field(None, max_length=200)
    error_description: str | None = Field(None, max_length=1024)


class HandoverRequest(In):
    code: str = Field(min_length=1, max_length=512, description="the redirect's one-time code")


class DeviceOut(Out):
    device_code: str = Field(description="poll POST /api/v1/auth/sso/device/token with it")
    user_code: str = Field(description="the person types it at verification_uri")
    verification_uri: str
    verification_uri_complete: str | None = None
    expires_in: int = Field(description="seconds")
    interval: int = Field(description="seconds between polls")


class DeviceTokenRequest(In):
    device_code: str = Field(min_length=1, max_length=512)


BROWSER_COOKIE = "compax_sso"
COOKIE_PATH = "/api/v1/auth/sso"
BROWSER_KEY = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32), kept by the browser


def _callback_url(request: Request, provider: str) -> str:
    return public_base(request) + sso.callback_path(provider)


@router.get(
    "/",
    summary="List sign-on providers",
    response=ProviderList,
    auth=False,
    operation_id="sso_list",
)
async def list_providers(request: Request) -> HTTPResponse:
    """The configured identity providers (empty when single sign-on is off)."""
    return render(
        ProviderList(data=[ProviderOut(name=p.name, title=p.display) for p in sso.configured()])
    )


@router.get(
    "/<provider>/start",
    summary="Start a browser sign-on",
    query=StartQuery,
    status=302,
    auth=False,
    errors=(400, 404, 429, 503),
    response_headers=("Location",),
)
async def start(request: Request, provider: str, query: StartQuery) -> HTTPResponse:
    """Redirect the browser to the identity provider (authorization code flow with PKCE).
    A cookie ties the sign-on to this browser: only it can finish it. A browser keeps its
    cookie across sign-ons (two tabs both finish)."""
    kept = request.cookies.get(BROWSER_COOKIE) or ""
    key = kept if BROWSER_KEY.fullmatch(kept) else secrets.token_urlsafe(32)
    url = await sso.start_browser(
        provider,
        redirect_uri=query.redirect_uri,
        callback_url=_callback_url(request, provider),
        browser_key=key,
        client=request.ctx.client,
        request_id=request.ctx.request_id,
    )
    response = HTTPResponse(status=302, headers={"Location": url})
    response.add_cookie(
        BROWSER_COOKIE,
        key,
        path=COOKIE_PATH,
        max_age=request.app.ctx.settings.sso_flow_ttl,
        secure=public_base(request).startswith("https://"),
        httponly=True,
        samesite="Lax",  # sent on the provider's top-level redirect back to the callback
    )
    return response


@router.get(
    "/<provider>/callback",
    summary="Finish a browser sign-on",
    query=CallbackQuery,
    status=302,
    auth=False,
    errors=(400, 401, 403, 404, 503),
    response_headers=("Location",),
)
async def callback(request: Request, provider: str, query: CallbackQuery) -> HTTPResponse:
    """The identity provider sends the browser here. On success the browser goes on to the
    frontend's redirect URI with a one-time ``code``; a refusal is a problem+json page."""
    url = await sso.finish_browser(
        provider,
        state=query.state,
        code=query.code,
        error=query.error,
        error_description=query.error_description,
        iss=query.iss,
        callback_url=_callback_url(request, provider),
        browser_key=request.cookies.get(BROWSER_COOKIE),
        client=request.ctx.client,
        request_id=request.ctx.request_id,
    )
    return HTTPResponse(status=302, headers={"Location": url})


@router.post(
    "/token",
    summary="Trade a sign-on code for tokens",
    body=HandoverRequest,
    response=TokenOut,
    auth=False,
    errors=(401, 403),
)
async def exchange(request: Request, body: HandoverRequest) -> HTTPResponse:
    """Exchange the one-time ``code`` of a browser sign-on for an access token and a
    refresh token (as ``POST /api/v1/auth/token``). The code works once, for two minutes."""
    pair = await sso.exchange(body.code, request_id=request.ctx.request_id)
    return render(token_out(pair))


@router.post(
    "/<provider>/device",
    summary="Start a device sign-on",
    response=DeviceOut,
    auth=False,
    errors=(400, 404, 429, 503),
)
async def start_device(request: Request, provider: str) -> HTTPResponse:
    """Begin a device sign-on (RFC 8628) for a terminal: show ``user_code`` and
    ``verification_uri`` to the person, then poll ``POST /api/v1/auth/sso/device/token``."""
    started = await sso.start_device(provider, client=request.ctx.client)
    return render(DeviceOut.model_validate(started))


@router.post(
    "/device/token",
    summary="Poll a device sign-on",
    body=DeviceTokenRequest,
    response=TokenOut,
    auth=False,
    errors=(400, 401, 403, 503),
)
async def poll_device(request: Request, body: DeviceTokenRequest) -> HTTPResponse:
    """Tokens once the person has signed in; until then ``sso_authorization_pending`` (400,
    with ``retry_after``)."""
    pair = await sso.poll_device(
        body.device_code, client=request.ctx.client, request_id=request.ctx.request_id
    )
    return render(token_out(pair))
