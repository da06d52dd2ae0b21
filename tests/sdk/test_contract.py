"""The SDK's models against the server's published contract (its OpenAPI document): the SDK
never expects a field the server does not send, accepts ``null`` wherever the server may
send it, and reads every field the server sends today."""

from __future__ import annotations

import types
import typing
from typing import Any

import pytest
from pydantic import BaseModel

from compax_sdk import (
    ApiKey,
    ApiKeyCreated,
    ApprovedBooking,
    AuditEvent,
    Booking,
    Building,
    ChangesPage,
    Closure,
    Feature,
    Room,
    RoomDeleted,
    Token,
    User,
)
from compax_server.api import ROUTERS
from compax_server.api.openapi import build_openapi

DOC = build_openapi(ROUTERS)

# (SDK model, path, method, is the model an item of the answer's "data" list?)
OPERATIONS: list[tuple[type[BaseModel], str, str, bool]] = [
    (Token, "/api/v1/auth/token", "post", False),
    (Token, "/api/v1/auth/refresh", "post", False),
    (Token, "/api/v1/me/password", "post", False),
    (User, "/api/v1/me", "get", False),
    (User, "/api/v1/users", "get", True),
    (User, "/api/v1/users/{user_id}", "get", False),
    (ApiKey, "/api/v1/api-keys", "get", True),
    (ApiKeyCreated, "/api/v1/api-keys", "post", False),
    (ApiKey, "/api/v1/api-keys/{key_id}", "delete", False),
    (Building, "/api/v1/buildings", "get", True),
    (Building, "/api/v1/buildings/{building_id}", "patch", False),
    (Closure, "/api/v1/buildings/{building_id}/closures", "get", True),
    (Closure, "/api/v1/buildings/{building_id}/closures", "post", False),
    (Feature, "/api/v1/features", "get", True),
    (Room, "/api/v1/rooms", "get", True),
    (Room, "/api/v1/rooms/{room_id}", "get", False),
    (RoomDeleted, "/api/v1/rooms/{room_id}", "delete", False),
    (Booking, "/api/v1/bookings", "get", True),
    (Booking, "/api/v1/bookings/{booking_id}", "patch", False),
    (Booking, "/api/v1/bookings/{booking_id}/cancel", "post", False),
    (ApprovedBooking, "/api/v1/bookings/{booking_id}/approve", "post", False),
    (AuditEvent, "/api/v1/audit-events", "get", True),
    (ChangesPage, "/api/v1/changes", "get", False),
]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def answer_schema(path: str, method: str, item: bool) -> dict[str, Any]:
    responses = DOC["paths"][path][method]["responses"]
    ok = next(r for status, r in responses.items() if status.startswith("2"))
    schema = resolve(ok["content"]["application/json"]["schema"])
    return resolve(schema["properties"]["data"]["items"]) if item else schema


def nullable(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "null" or any(a.get("type") == "null" for a in prop.get("anyOf", []))


def accepts_none(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(
        None
    ) in typing.get_args(annotation)


@pytest.mark.parametrize(
    ("model", "path", "method", "item"), OPERATIONS, ids=[f"{m} {p}" for _, p, m, _ in OPERATIONS]
)
def test_the_sdk_model_fits_the_servers_answer(model, path, method, item):
    schema = answer_schema(path, method, item)
    properties, required = schema["properties"], set(schema.get("required", []))
    for name, field in model.model_fields.items():
        assert name in properties, f"{model.__name__}.{name} is not in the server's answer"
        if field.is_required():
            assert name in required, f"{model.__name__}.{name} is optional on the server"
        if nullable(properties[name]):
            assert accepts_none(field.annotation), f"{model.__name__}.{name} may be null"
    unread = set(properties) - set(model.model_fields)
    assert not unread, (
        f"the server sends {sorted(unread)} in {method.upper()} {path}; "
        f"add them to {model.__module__}.{model.__name__}"
    )


def test_every_answer_model_of_the_sdk_is_checked():
    checked = {model for model, *_ in OPERATIONS}
    assert checked >= {Token, User, ApiKey, ApiKeyCreated, Building, Closure, Feature, Room}
    assert checked >= {RoomDeleted, Booking, ApprovedBooking, AuditEvent, ChangesPage}
