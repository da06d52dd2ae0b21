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
import zlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from sanic import Blueprint, HTTPResponse, Request

from compax_server.errors import InvalidInput, MalformedBody, PayloadTooLarge, Unauthenticated
from compax_server.services import auth, idempotency
from compax_server.services.actors import Actor

Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]
log = logging.getLogger("compax.api")
MAX_PATH_INT = 2**31 - 1
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
    operation_id: str = ""

    @property
    def openapi_path(self) -> str:
        out = self.path
        for name in self.path_params:
            out = out.replace(f"<{name}>", "{" + name + "}")
        return out


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
            doc = inspect.getdoc(handler) or ""
            op = Operation(
                method=method,
                path=self.prefix + path.rstrip("/") if path != "/" else self.prefix,
                handler=handler,
                summary=summary,
                description=options.pop("description", doc),
                tag=self.tag,
                path_params=path_params,
                operation_id=f"{self.name}_{handler.__name__}".replace("-", "_"),
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
                name=op.operation_id,
                strict_slashes=False,
            )
        return bp


def _wrap(op: Operation) -> Handler:
    async def endpoint(request: Request, **path: str) -> HTTPResponse:
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
                kwargs["body"] = parse_body(request, op.body, form=op.form)
        if op.idempotent and (key := idempotency_key(request)) is not None:
            return await _once(op, request, kwargs, key)
        return await op.handler(request, **kwargs)

    endpoint.__name__ = op.operation_id
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
    claimed = await idempotency.claim(kwargs["actor"].user_id, op.operation_id, key, digest)
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


def parse_path_param(name: str, raw: str, kind: Any) -> Any:
    if typing.get_origin(kind) is typing.Literal:
        allowed = typing.get_args(kind)
        if raw not in allowed:
            raise InvalidInput.field("path", name, f"one of {', '.join(allowed)}", "enum")
        return raw
    if kind is int:
        if not raw.isdigit() or len(raw) > 10:
            raise InvalidInput.field("path", name, "must be a positive integer", "int_parsing")
        value = int(raw)
        if not 1 <= value <= MAX_PATH_INT:
            raise InvalidInput.field(
                "path", name, f"must be between 1 and {MAX_PATH_INT}", "out_of_range"
            )
        return value
    return raw


def validation_errors(exc: ValidationError, location: str) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"]]
        pointer = "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in loc)
        detail = err["msg"]
        if err["type"] == "extra_forbidden":
            detail = "is not a known field"
        elif err["type"] == "timezone_aware":
            detail = "needs a UTC offset (RFC 3339), e.g. 2027-03-01T09:00:00+01:00"
        out.append(
            {
                "location": location,
                "pointer": pointer if loc else "",
                "detail": detail,
                "code": err["type"],
            }
        )
    return out


def _invalid(exc: ValidationError, location: str) -> InvalidInput:
    errors = validation_errors(exc, location)
    summary = "; ".join(
        f"{e['pointer'].lstrip('/') or location}: {e['detail']}" for e in errors[:5]
    )
    return InvalidInput(summary, errors=errors)


def parse_body(
    request: Request, model: type[BaseModel], form: type[BaseModel] | None = None
) -> Any:
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if form is not None and content_type == "application/x-www-form-urlencoded":
        data = {k: v[0] if len(v) == 1 else v for k, v in (request.form or {}).items()}
        try:
            return form.model_validate(data)
        except ValidationError as exc:
            raise _invalid(exc, "body") from None
    if content_type not in ("application/json", "") and not content_type.endswith("+json"):
        raise InvalidInput(
            f"The body must be JSON (Content-Type: application/json), not {content_type}.",
            errors=[
                {
                    "location": "header",
                    "pointer": "/Content-Type",
                    "detail": "must be application/json",
                    "code": "content_type",
                }
            ],
        )
    raw = request.body or b""
    if (request.headers.get("content-encoding") or "").lower() == "gzip":
        raw = gunzip(raw)
    if not raw.strip():
        raise MalformedBody("The request needs a JSON body.")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            first = exc.errors()[0]
            raise MalformedBody(f"The body is not valid JSON: {first['msg']}.") from None
        raise _invalid(exc, "body") from None


MAX_INFLATED = 64 * 1024 * 1024


def gunzip(raw: bytes) -> bytes:
    """A gzip body, inflated up to ``MAX_INFLATED`` bytes (a bomb is a 413, not a crash)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, MAX_INFLATED + 1)
    except zlib.error:
        raise MalformedBody("The body says Content-Encoding: gzip but is not gzip.") from None
    if len(out) > MAX_INFLATED or inflater.unconsumed_tail:
        raise PayloadTooLarge(f"The inflated body is larger than {MAX_INFLATED} bytes.")
    return out


def parse_query(request: Request, model: type[BaseModel]) -> Any:
    """Query parameters are single-valued (lists are comma-separated within one value)."""
    data: dict[str, Any] = {}
    for key, values in request.get_args(keep_blank_values=True).items():
        if len(values) > 1:
            raise InvalidInput.field("query", key, "is given more than once", "repeated")
        data[key] = values[0]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc, "query") from None


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
    actor = await auth.authenticate(credential, request_id=request.ctx.request_id)
    request.ctx.actor = actor
    return actor
