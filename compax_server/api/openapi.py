"""The OpenAPI 3.1 document, built from the routers' operations and pydantic's JSON schemas.

Request bodies, query parameters, responses (including every problem response an operation
can give) come from the same declarations that parse and render them, so the document cannot
drift from the code.
"""

from __future__ import annotations

import typing
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from compax_server import __version__
from compax_server.api.endpoint import Operation, Router
from compax_server.api.schemas import Problem

REF = "#/components/schemas/{model}"
STATUS_TEXT = {
    400: "Malformed request or invalid input (problem+json, `errors` names each field)",
    401: "Not authenticated",
    403: "Authenticated but not allowed",
    404: "Not found (also for objects the caller may not see)",
    409: "Conflict",
    412: "The If-Match version is stale",
    413: "The body is too large",
    422: "A rule forbids this (problem+json, `errors` names the rule)",
    428: "If-Match is required",
    429: "Rate limited (see Retry-After)",
    431: "The request line and headers are too large",
    503: "Not ready",
}
CSV_DOC = (
    "With Accept: text/csv: the same page as CSV, a header line and one line per item; "
    "the next page's cursor in X-Next-Cursor and Link (rel=next)"
)
HEADER_DOCS = {
    "If-Match": "the ETag of the version you saw; a stale one is 412",
    "If-None-Match": "ETags you have (or *): when one is current the answer is 304, no body",
    "Idempotency-Key": "a client-chosen key (max 200 characters) that makes a retry safe",
    "Last-Event-ID": "the id of the last event you got: the stream sends what came after it",
}
# pydantic writes some constraints under their Python names (e.g. ``ge`` inside the anyOf of
# an optional Annotated field): JSON Schema knows them by these.
KEYWORDS = {
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
    "min_length": "minLength",
    "max_length": "maxLength",
    "multiple_of": "multipleOf",
}
# Members of a schema object whose value is data, not schemas (not walked).
DATA_MEMBERS = frozenset({"enum", "const", "default", "examples", "example", "required"})
# Members whose value maps names to schemas.
NAMED_SCHEMAS = frozenset({"properties", "$defs", "patternProperties", "dependentSchemas"})


def json_schema_keywords(schema: Any) -> Any:
    """``schema`` with pydantic's constraint names turned into JSON Schema keywords."""
    if isinstance(schema, list):
        return [json_schema_keywords(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in DATA_MEMBERS:
            out[key] = value
        elif key in NAMED_SCHEMAS:
            out[key] = {name: json_schema_keywords(sub) for name, sub in value.items()}
        else:
            out[KEYWORDS.get(str(key), str(key))] = json_schema_keywords(value)
    return out


def _tags(routers: list[Router]) -> list[dict[str, str]]:
    """One entry per tag; routers sharing a tag (feeds, audit) join their descriptions."""
    tags: dict[str, list[str]] = {}
    for router in routers:
        descriptions = tags.setdefault(router.tag, [])
        if router.description and router.description not in descriptions:
            descriptions.append(router.description)
    return [{"name": name, "description": " ".join(d)} for name, d in tags.items()]


def _models_of(op: Operation) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    out: list[tuple[type[BaseModel], JsonSchemaMode]] = []
    if op.body is not None:
        out.append((op.body, "validation"))
    if isinstance(op.response, type) and issubclass(op.response, BaseModel):
        out.append((op.response, "serialization"))
    return out


def _query_parameters(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The query parameters of a query model's JSON schema: one per property."""
    params = []
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    for name, prop in props.items():
        prop = dict(prop)
        description = prop.pop("description", None)
        prop.pop("title", None)
        param: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": prop,
        }
        if description:
            param["description"] = description
        params.append(param)
    return params


def build_openapi(routers: list[Router]) -> dict[str, Any]:
    ops = [op for router in routers for op in router.operations]
    pairs: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Problem, "serialization")]
    for op in ops:
        pairs.extend(_models_of(op))
    keyed, top = models_json_schema(list(dict.fromkeys(pairs)), ref_template=REF)
    components: dict[str, Any] = json_schema_keywords(dict(top.get("$defs", {})))

    def ref(model: type[BaseModel], mode: str) -> dict[str, Any]:
        return dict(keyed[(model, mode)])  # type: ignore[index]

    paths: dict[str, dict[str, Any]] = {}
    for op in ops:
        item: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "tags": [op.tag],
        }
        if op.description:
            item["description"] = op.description
        parameters: list[dict[str, Any]] = []
        for name, kind in op.path_params.items():
            schema: dict[str, Any] = {"type": "string"}
            if kind is int:
                schema = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
            elif typing.get_origin(kind) is typing.Literal:
                schema = {"type": "string", "enum": list(typing.get_args(kind))}
            parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
        if op.query is not None:
            qschema = op.query.model_json_schema(ref_template=REF)
            qschema = json_schema_keywords(qschema)
            for name, sub in qschema.get("$defs", {}).items():
                components.setdefault(name, sub)
            parameters.extend(_query_parameters(qschema))
        for header in op.request_headers:
            parameters.append(
                {
                    "name": header,
                    "in": "header",
                    "required": header == "If-Match",
                    "description": HEADER_DOCS[header]
                    if header != "If-None-Match"
                    else "`*`: only when there is none yet (412 when there is one)",
                    "schema": {"type": "string", "maxLength": 200},
                }
            )
        if op.method == "GET" and not op.stream:
            parameters.append(
                {
                    "name": "If-None-Match",
                    "in": "header",
                    "required": False,
                    "description": HEADER_DOCS["If-None-Match"],
                    "schema": {"type": "string"},
                }
            )
        if parameters:
            item["parameters"] = parameters
        if op.body is not None:
            content: dict[str, Any] = {"application/json": {"schema": ref(op.body, "validation")}}
            body: dict[str, Any] = {"required": not op.body_optional, "content": content}
            if op.form is not None:
                # One body type per operation, declared once: client generators
                # (openapi-python-client) break on an operation with two media types. The
                # form is accepted all the same and described here.
                body["description"] = (
                    "JSON. The same operation also accepts the fields form-encoded "
                    "(application/x-www-form-urlencoded), with the OAuth2 password grant's "
                    "names (username for email, grant_type=password, scope): that is what the "
                    "Authorize button of /docs sends."
                )
            item["requestBody"] = body
        responses: dict[str, Any] = {}
        success: dict[str, Any] = {"description": HTTPStatus(op.status).phrase}
        if op.response is not None and op.status != 204:
            if isinstance(op.response, type) and issubclass(op.response, BaseModel):
                body_schema = ref(op.response, "serialization")
            else:
                body_schema = dict(op.response)
            success["content"] = {op.response_content_type: {"schema": body_schema}}
            if op.csv:
                success["content"]["text/csv"] = {
                    "schema": {"type": "string", "description": CSV_DOC}
                }
        headers: dict[str, Any] = {"X-Request-ID": {"schema": {"type": "string"}}}
        for header in op.response_headers:
            headers[header] = {"schema": {"type": "string"}}
        if op.csv:
            headers["X-Next-Cursor"] = {
                "description": "CSV answers: the next page's cursor (also in Link rel=next)",
                "schema": {"type": "string"},
            }
        if op.method == "GET" and not op.stream:
            headers["ETag"] = {
                "description": '"<version>-<hash>" of a versioned resource, else a hash of '
                "the body",
                "schema": {"type": "string"},
            }
        success["headers"] = headers
        responses[str(op.status)] = success
        if op.method == "GET" and not op.stream:
            responses["304"] = {
                "description": "Not modified: If-None-Match named the current ETag (no body)",
                "headers": {"ETag": {"schema": {"type": "string"}}},
            }
        statuses = set(op.errors)
        if op.auth:
            statuses |= {401, 403}
        if op.body is not None or op.query is not None or op.path_params:
            statuses.add(400)
        statuses |= {413, 431}  # any request: Sanic bounds the body, the line and headers
        for status in sorted(statuses):
            problem: dict[str, Any] = {
                "description": STATUS_TEXT[status],
                "content": {"application/problem+json": {"schema": ref(Problem, "serialization")}},
            }
            if status == 429:
                problem["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
            responses[str(status)] = problem
        responses["5XX"] = {
            "description": "Our fault; the request id is in the log",
            "content": {"application/problem+json": {"schema": ref(Problem, "serialization")}},
        }
        item["responses"] = responses
        if op.auth:
            item["security"] = [{"bearer": []}, {"oauth2": []}, {"apiKey": []}]
        paths.setdefault(op.openapi_path, {})[op.method.lower()] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Compax API",
            "version": __version__,
            "description": (
                "Classroom search and booking. Times are RFC 3339 with an offset; errors are "
                "RFC 9457 problem+json with a stable `code` and the `request_id`; lists are "
                "cursor-paged (`limit`, `cursor` → `next_cursor`)."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": _tags(routers),
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "oauth2": {
                    "type": "oauth2",
                    "flows": {"password": {"tokenUrl": "/api/v1/auth/token", "scopes": {}}},
                },
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
    }
