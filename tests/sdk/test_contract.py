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
    Availability,
    Booking,
    BookingRules,
    BookingSeries,
    Building,
    BusyInterval,
    ChangesPage,
    Closure,
    ClosureCreated,
    Feature,
    FreeInterval,
    Holiday,
    ImportAction,
    ImportBatch,
    ImportItemResult,
    ImportStatus,
    PasswordChanged,
    Room,
    RoomDeleted,
    SeriesDetail,
    SeriesResult,
    SkippedDate,
    Term,
    TermUpdated,
    Token,
    UnavailableReason,
    UnavailableRoom,
    User,
)
from compax_sdk.resources.rooms import RoomSearchResult
from compax_server.api import ROUTERS
from compax_server.api.openapi import build_openapi

DOC = build_openapi(ROUTERS)

# (SDK model, path, method, is the model an item of the answer's "data" list?)
OPERATIONS: list[tuple[type[BaseModel], str, str, bool]] = [
    (Token, "/api/v1/auth/token", "post", False),
    (Token, "/api/v1/auth/refresh", "post", False),
    (PasswordChanged, "/api/v1/me/password", "post", False),
    (User, "/api/v1/me", "get", False),
    (User, "/api/v1/users", "get", True),
    (User, "/api/v1/users/{user_id}", "get", False),
    (ApiKey, "/api/v1/api-keys", "get", True),
    (ApiKeyCreated, "/api/v1/api-keys", "post", False),
    (ApiKey, "/api/v1/api-keys/{key_id}", "delete", False),
    (Building, "/api/v1/buildings", "get", True),
    (Building, "/api/v1/buildings/{building_id}", "patch", False),
    (Closure, "/api/v1/buildings/{building_id}/closures", "get", True),
    (ClosureCreated, "/api/v1/buildings/{building_id}/closures", "post", False),
    (Feature, "/api/v1/features", "get", True),
    (Room, "/api/v1/rooms", "get", True),
    (RoomSearchResult, "/api/v1/rooms", "get", False),
    (Room, "/api/v1/rooms/{room_id}", "get", False),
    (RoomDeleted, "/api/v1/rooms/{room_id}", "delete", False),
    (Availability, "/api/v1/rooms/{room_id}/availability", "get", False),
    (Booking, "/api/v1/bookings", "get", True),
    (Booking, "/api/v1/bookings/{booking_id}", "patch", False),
    (Booking, "/api/v1/bookings/{booking_id}/cancel", "post", False),
    (ApprovedBooking, "/api/v1/bookings/{booking_id}/approve", "post", False),
    (Term, "/api/v1/terms", "get", True),
    (Term, "/api/v1/terms", "post", False),
    (TermUpdated, "/api/v1/terms/{term_id}", "patch", False),
    (BookingSeries, "/api/v1/series", "get", True),
    (SeriesResult, "/api/v1/series", "post", False),
    (SeriesDetail, "/api/v1/series/{series_id}", "get", False),
    (SeriesResult, "/api/v1/series/{series_id}", "patch", False),
    (SeriesResult, "/api/v1/series/{series_id}/cancel", "post", False),
    (SeriesResult, "/api/v1/series/{series_id}/dates", "post", False),
    (BookingRules, "/api/v1/rules", "get", True),
    (BookingRules, "/api/v1/rules/global", "put", False),
    (BookingRules, "/api/v1/rules/{scope}/{scope_id}", "put", False),
    (AuditEvent, "/api/v1/audit-events", "get", True),
    (ChangesPage, "/api/v1/changes", "get", False),
    (ImportBatch, "/api/v1/imports", "post", False),
    (ImportBatch, "/api/v1/imports/{import_id}", "get", False),
]

# Models of nested parts of answers, and the server's schema (component) they read.
PARTS: list[tuple[type[BaseModel], str]] = [
    (UnavailableRoom, "UnavailableRoom"),
    (UnavailableReason, "UnavailableReason"),
    (BusyInterval, "Busy"),
    (FreeInterval, "Interval"),
    (Holiday, "HolidayOut"),
    (SkippedDate, "Skipped"),
    (ImportItemResult, "ImportItemResult"),
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


def check_fits(model: type[BaseModel], schema: dict[str, Any], where: str) -> None:
    properties, required = schema["properties"], set(schema.get("required", []))
    read = set()
    for name, field in model.model_fields.items():
        key = field.alias or name  # Availability.from_ reads "from"
        read.add(key)
        assert key in properties, f"{model.__name__}.{name} is not in the server's answer"
        if field.is_required():
            assert key in required, f"{model.__name__}.{name} is optional on the server"
        if nullable(properties[key]):
            assert accepts_none(field.annotation), f"{model.__name__}.{name} may be null"
    unread = set(properties) - read
    assert not unread, (
        f"the server sends {sorted(unread)} in {where}; "
        f"add them to {model.__module__}.{model.__name__}"
    )


@pytest.mark.parametrize(
    ("model", "path", "method", "item"), OPERATIONS, ids=[f"{m} {p}" for _, p, m, _ in OPERATIONS]
)
def test_the_sdk_model_fits_the_servers_answer(model, path, method, item):
    check_fits(model, answer_schema(path, method, item), f"{method.upper()} {path}")


@pytest.mark.parametrize(("model", "component"), PARTS, ids=[c for _, c in PARTS])
def test_the_sdk_model_fits_a_part_of_the_servers_answers(model, component):
    check_fits(model, DOC["components"]["schemas"][component], component)


def test_every_answer_model_of_the_sdk_is_checked():
    checked = {model for model, *_ in OPERATIONS}
    assert checked >= {Token, User, ApiKey, ApiKeyCreated, Building, Closure, Feature, Room}
    assert checked >= {RoomDeleted, Booking, ApprovedBooking, AuditEvent, ChangesPage}
    assert checked >= {RoomSearchResult, Availability, Term, BookingSeries, SeriesResult}
    assert checked >= {SeriesDetail, BookingRules, ImportBatch}


def test_the_import_actions_and_statuses_are_the_servers():
    item = DOC["components"]["schemas"]["ImportItemResult"]["properties"]["action"]
    batch = DOC["components"]["schemas"]["ImportOut"]["properties"]["status"]
    assert set(item["enum"]) == set(typing.get_args(ImportAction))
    assert set(batch["enum"]) == set(typing.get_args(ImportStatus))
