"""Declaring endpoints: one ``Router`` per resource; each operation says what it takes and
returns, and that one declaration drives parsing, authentication and the OpenAPI document.

    router = Router("users", "/api/v1/users", tag="Users")

    @router.get("/<user_id>", summary="Read a user", response=UserOut)
    async def read(request: Request, actor: Actor, user_id: int) -> HTTPResponse:
        return render(UserOut.of(await users.get_user(actor, user_id)))

The wrapper parses the path parameters (typed from the handler's annotations), the query
(``query=Model``) and the JSON body (``body=Model``), authenticates (``auth=True``, the
default) and passes them in as keyword arguments. Every failure is a domain error, rendered
as problem+json by ``compax_server.api.errors``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
import typing
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sanic import Blueprint, HTTPResponse, Request

from compax_server.api.etags import conditional
from compax_server.api.parsing import parse_body, parse_path_param, parse_query
from compax_server.errors import InvalidInput, Unauthenticated
from compax_server.services import auth, displays, idempotency
from compax_server.services.actors import Actor

Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]
log = logging.getLogger("compax.api")
# Operations open to anyone (login, refresh, logout) take small bodies only, so an
# unauthenticated request cannot make a worker parse megabytes; the others take
# COMPAX_REQUEST_MAX_SIZE, and an operation that declares ``max_body`` (timetable imports)
# up to ``parsing.MAX_INFLATED``.
MAX_UNAUTHENTICATED_BODY = 16 * 1024
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")

# Problem statuses every authenticated operation can answer.
AUTH_ERRORS = (401, 403)


@dataclass
class Operation:
    method: str
    path: str  # full path, Sanic syntax: /api/v1/users/<user_id>
    handler: Handler
    summary: str
    description: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None  # a pydantic model (or list/Page of one); None: no body
    status: int = 200
    auth: bool = True
    errors: tuple[int, ...] = ()
    path_params: dict[str, type] = field(default_factory=dict)
    request_headers: tuple[str, ...] = ()  # documented headers: "If-Match", "Idempotency-Key"
    response_headers: tuple[str, ...] = ()  # "ETag", "Location"
    form: type[BaseModel] | None = None  # also accepts this form-encoded body
    body_optional: bool = False  # an empty body means all defaults
    # A retry with the same Idempotency-Key gets the first answer (services.idempotency).
    idempotent: bool = False
    response_content_type: str = "application/json"
    csv: bool = False  # also answers Accept: text/csv (api/csv_export.py)
    operation_id: str = ""  # the document's: <router>_<verb>, e.g. bookings_create
    key: str = ""  # the route's name and the idempotency claims': <router>_<handler>
    max_body: int = 0  # bytes, also once inflated; 0: COMPAX_REQUEST_MAX_SIZE
    # The handler streams its answer itself (request.respond) and returns None; it runs in
    # the request's task, so a disconnect or the server's stop ends it, and has no ETag.
    stream: bool = False
    response_timeout: float = 0  # seconds it may take; 0: COMPAX_RESPONSE_TIMEOUT (timeouts.py)

    @property
    def versioned(self) -> bool:
        """Whether the answer is one resource with a ``version`` (its ETag)."""
        model = self.response
        return (
            isinstance(model, type)
            and issubclass(model, BaseModel)
            and ("version" in model.model_fields)
        )

    @property
    def openapi_path(self) -> str:
        out = self.path
        for name in self.path_params:
            out = out.replace(f"<{name}>", "{" + name + "}")
        return out


def operation_id(router: str, handler: str) -> str:
    """``<router>_<what the handler does>``, without repeating the noun: the handler
    ``create_booking`` of the router ``bookings`` is ``bookings_create``. Generators turn
    these into method names (``bookings_create``, ``bookingsCreate``); a handler that is
    only its noun needs an explicit ``operation_id=``."""
    nouns = {word for part in router.split("_") for word in (part, part.removesuffix("s"))}
    words = [w for w in handler.split("_") if w not in nouns]
    if not words:
        raise ValueError(f"{router}.{handler}: name the operation (operation_id=...)")
    return "_".join([router, *words])


class Router:
    """The operations of one resource. ``blueprint()`` makes a fresh Sanic blueprint of them."""

    def __init__(self, name: str, prefix: str, tag: str, description: str = "") -> None:
        self.name = name
        self.prefix = prefix.rstrip("/")
        self.tag = tag
        self.description = description
        self.operations: list[Operation] = []

    def route(self, method: str, path: str, **options: Any) -> Callable[[Handler], Handler]:
        if options.get("idempotent"):
            # 409 request_in_progress, 422 idempotency_key_reused
            errors = options.get("errors", ())
            options["errors"] = (*errors, *(s for s in (409, 422) if s not in errors))
            options["request_headers"] = (*options.get("request_headers", ()), "Idempotency-Key")
            options["response_headers"] = (
                *options.get("response_headers", ()),
                "Idempotent-Replayed",
            )

        def decorator(handler: Handler) -> Handler:
            hints = typing.get_type_hints(handler)
            params = inspect.signature(handler).parameters
            path_params = {name: hints.get(name, str) for name in params if f"<{name}>" in path}
            summary = options.pop("summary")
            key = f"{self.name}_{handler.__name__}".replace("-", "_")
            doc = inspect.getdoc(handler) or ""
            op = Operation(
                method=method,
                path=self.prefix + path.rstrip("/") if path != "/" else self.prefix,
                handler=handler,
                summary=summary,
                description=options.pop("description", doc),
                tag=self.tag,
                path_params=path_params,
                operation_id=options.pop("operation_id", "")
                or operation_id(self.name, handler.__name__),
                key=key,
                **options,
            )
            self.operations.append(op)
            return handler

        return decorator

    def get(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **options)

    def patch(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **options)

    def blueprint(self) -> Blueprint:
        bp = Blueprint(self.name)
        for op in self.operations:
            bp.add_route(
                _wrap(op),
                op.path,
                methods=[op.method],
                name=op.key,
                strict_slashes=False,
                ctx_response_timeout=op.response_timeout,
            )
        return bp


def _wrap(op: Operation) -> Handler:
    async def endpoint(request: Request, **path: str) -> HTTPResponse:
        if op.stream:  # the handler has sent its answer: Sanic must get none
            await run(request, **path)
            return None  # type: ignore[return-value]
        # Sanic cancels the handler when the client disconnects. Cancelling database work
        # half-way can leave a connection locked or a transaction open, so the work runs in a
        # task of its own that finishes (commits or rolls back) even if nobody waits for it.
        work = asyncio.ensure_future(run(request, **path))
        try:
            return await asyncio.shield(work)
        except asyncio.CancelledError:
            work.add_done_callback(_abandoned)
            raise

    async def run(request: Request, **path: str) -> HTTPResponse:
        kwargs: dict[str, Any] = {}
        if op.auth:
            kwargs["actor"] = await require_actor(request)
        for name, kind in op.path_params.items():
            kwargs[name] = parse_path_param(name, path[name], kind)
        if op.query is not None:
            kwargs["query"] = parse_query(request, op.query)
        if op.body is not None:
            if op.body_optional and not (request.body or b"").strip():
                kwargs["body"] = op.body()
            else:
                limit = op.max_body or request.app.ctx.settings.request_max_size
                if not op.auth:
                    limit = min(limit, MAX_UNAUTHENTICATED_BODY)
                kwargs["body"] = parse_body(request, op.body, form=op.form, max_size=limit)
        if op.idempotent and (key := idempotency_key(request)) is not None:
            response = await _once(op, request, kwargs, key)
        else:
            response = await op.handler(request, **kwargs)
        if op.stream:  # answered already, by the handler
            return response
        return conditional(request, response, versioned=op.versioned, read=op.method == "GET")

    endpoint.__name__ = op.key
    return endpoint


async def _once(op: Operation, request: Request, kwargs: dict[str, Any], key: str) -> HTTPResponse:
    """Run an operation once per Idempotency-Key: a retry gets the first answer."""
    body = kwargs.get("body")
    digest = idempotency.request_hash(
        {
            "path": request.path,
            "query": request.query_string,
            "body": None if body is None else body.model_dump(mode="json"),
        }
    )
    # Claims are per credential: an answer is replayed only to the session or API key that
    # made it, never to another key of the same user that might lack the scope to make it.
    actor: Actor = kwargs["actor"]
    operation = op.key
    if actor.api_key_id is not None:
        operation += f"@key{actor.api_key_id}"
    claimed = await idempotency.claim(actor.user_id, operation, key, digest)
    if isinstance(claimed, idempotency.Answer):
        headers = {**claimed.headers, "Idempotent-Replayed": "true"}
        return HTTPResponse(claimed.body, status=claimed.status, headers=headers)
    try:
        response = await op.handler(request, **kwargs)
    except Exception:
        await _release(claimed)
        raise
    if 200 <= response.status < 300:
        headers = {**response.headers, "Content-Type": response.content_type or ""}
        await idempotency.remember(claimed, response.status, response.body or b"", headers)
    else:
        await _release(claimed)
    return response


async def _release(claim_id: int) -> None:
    try:
        await idempotency.release(claim_id)
    except Exception as exc:  # the database is away: the claim goes stale and is taken over
        log.warning("could not release idempotency claim %s: %r", claim_id, exc)


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.match(key):
        raise InvalidInput(
            "Idempotency-Key must be 1-200 visible ASCII characters.",
            errors=[
                {
                    "location": "header",
                    "pointer": "/Idempotency-Key",
                    "detail": "1-200 visible ASCII characters",
                    "code": "invalid",
                }
            ],
        )
    return str(key)


def _abandoned(work: asyncio.Future[HTTPResponse]) -> None:
    """The client left before the answer; note how the work ended."""
    if not work.cancelled() and work.exception() is not None:
        log.info("work for a disconnected client failed: %r", work.exception())


def bearer_credential(request: Request) -> str | None:
    header = str(request.headers.get("authorization", ""))
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthenticated("Use 'Authorization: Bearer <access token or API key>'.")
        return value.strip()
    key: str | None = request.headers.get("x-api-key")
    return key.strip() if key else None


async def require_actor(request: Request) -> Actor:
    credential = bearer_credential(request)
    if credential is None:
        raise Unauthenticated(
            "This endpoint needs a bearer token: log in at POST /api/v1/auth/token."
        )
    displays.refuse_elsewhere(credential)  # 403: a room display token only shows its room
    actor = await auth.authenticate(credential, request_id=request.ctx.request_id)
    request.ctx.actor = actor
    return actor
