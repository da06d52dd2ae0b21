"""``/api/v1/api-keys``: keys for integrations (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.schemas import In, Int, Out, Page, PageQuery, page_of, render
from compax_server.services import api_keys
from compax_server.services.actors import Actor, Scope

router = Router(
    "api_keys", "/api/v1/api-keys", tag="API keys", description="Keys for integrations."
)


class ApiKeyOut(Out):
    id: int
    name: str
    prefix: str = Field(description="the start of the key, to recognise it in lists")
    user_id: int
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    secret: str = Field(description="the key itself; shown only in this response")


class ApiKeyCreate(In):
    user_id: Int = Field(ge=1, le=2**31 - 1)
    name: str = Field(min_length=1, max_length=100)
    scopes: list[Literal["read", "write", "import", "admin"]] = Field(
        min_length=1, max_length=4, description=f"any of {', '.join(sorted(Scope.ALL))}"
    )
    expires_at: AwareDatetime | None = None


class ApiKeyQuery(PageQuery):
    user_id: int | None = Field(None, ge=1, le=2**31 - 1)


@router.get(
    "/",
    summary="List API keys",
    query=ApiKeyQuery,
    response=Page[ApiKeyOut],
    errors=(400, *AUTH_ERRORS),
)
async def list_keys(request: Request, actor: Actor, query: ApiKeyQuery) -> HTTPResponse:
    rows, cursor = await api_keys.list_api_keys(
        actor, limit=query.limit, cursor=query.cursor, user_id=query.user_id
    )
    return render(page_of(rows, cursor, ApiKeyOut))


@router.post(
    "/",
    summary="Create an API key",
    body=ApiKeyCreate,
    response=ApiKeyCreated,
    status=201,
    errors=(400, 422, *AUTH_ERRORS),
    response_headers=("Location",),
)
async def create_key(request: Request, actor: Actor, body: ApiKeyCreate) -> HTTPResponse:
    """The response carries ``secret`` once; only its hash is stored. Send it as
    ``Authorization: Bearer <secret>`` (or ``X-API-Key``). An ``expires_at`` outside
    1970-2200 is a 422 (``time_range``)."""
    key, secret = await api_keys.create_api_key(
        actor,
        user_id=body.user_id,
        name=body.name,
        scopes=list(body.scopes),
        expires_at=body.expires_at,
    )
    out = ApiKeyCreated(**ApiKeyOut.model_validate(key).model_dump(), secret=secret)
    return render(out, status=201, headers={"Location": f"/api/v1/api-keys/{key.pk}"})


@router.get(
    "/<key_id>", summary="Read an API key", response=ApiKeyOut, errors=(400, *AUTH_ERRORS, 404)
)
async def read_key(request: Request, actor: Actor, key_id: int) -> HTTPResponse:
    return render(ApiKeyOut.model_validate(await api_keys.get_api_key(actor, key_id)))


@router.delete(
    "/<key_id>", summary="Revoke an API key", response=ApiKeyOut, errors=(400, *AUTH_ERRORS, 404)
)
async def revoke_key(request: Request, actor: Actor, key_id: int) -> HTTPResponse:
    """Revoked keys stay listed (with ``revoked_at``) for the record."""
    return render(ApiKeyOut.model_validate(await api_keys.revoke_api_key(actor, key_id)))
