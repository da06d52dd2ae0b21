"""The SDK's models against the server's published contract (its OpenAPI document): the SDK
never expects a field the server does not send, accepts ``null`` wherever the server may
send it, and reads every field the server sends today."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
import typing
from typing import Any

import pytest
from pydantic import BaseModel

import compax_sdk
from compax_sdk import (
    AlternativeRoom,
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
    ChangeEvent,
    ChangesPage,
    CheckedInBooking,
    CheckinWindow,
    Closure,
    ClosureCreated,
    ConflictingBooking,
    DeviceSignOn,
    DisplayTokenCreated,
    DisplayTokensRevoked,
    Feature,
    FieldError,
    FreeInterval,
    HeatCell,
    Holiday,
    ImportAction,
    ImportBatch,
    ImportConflict,
    ImportItemResult,
    ImportProblem,
    ImportStatus,
    NoshowsLifted,
    OptimizerItem,
    OptimizerPlan,
    PasswordChanged,
    Redelivered,
    ReportRoom,
    ReportScope,
    ReportTotals,
    Room,
    RoomDeleted,
    Schedule,
    ScheduleBooking,
    ScheduleBuilding,
    ScheduleClosure,
    ScheduleInterval,
    ScheduleRoom,
    SeriesDetail,
    SeriesResult,
    SkippedDate,
    SsoProvider,
    Term,
    TermUpdated,
    Token,
    UnavailableReason,
    UnavailableRoom,
    User,
    UtilisationReport,
    WaitlistAccepted,
    WaitlistEntry,
    Webhook,
    WebhookCreated,
    WebhookDelivery,
)
from compax_sdk._base import PageBody
from compax_sdk._models import Model
from compax_sdk.resources.feeds import FeedURL
from compax_sdk.resources.managers import Manager
from compax_sdk.resources.notifications import NotificationKind, NotificationPreferences
from compax_sdk.resources.rooms import RoomContact, RoomSearchResult
from compax_sdk.resources.sso import _ProviderList as ProviderList
from compax_server.api import ROUTERS
from compax_server.api.openapi import build_openapi

DOC = build_openapi(ROUTERS)

# (SDK model, path, method, is the model an item of the answer's "data" list?)
OPERATIONS: list[tuple[type[BaseModel], str, str, bool]] = [
    (Token, "/api/v1/auth/token", "post", False),
    (Token, "/api/v1/auth/refresh", "post", False),
    (SsoProvider, "/api/v1/auth/sso", "get", True),
    (ProviderList, "/api/v1/auth/sso", "get", False),
    (Token, "/api/v1/auth/sso/token", "post", False),
    (DeviceSignOn, "/api/v1/auth/sso/{provider}/device", "post", False),
    (Token, "/api/v1/auth/sso/device/token", "post", False),
    (PasswordChanged, "/api/v1/me/password", "post", False),
    (User, "/api/v1/me", "get", False),
    (CheckedInBooking, "/api/v1/bookings/{booking_id}/check-in", "post", False),
    (CheckinWindow, "/api/v1/bookings/{booking_id}/check-in", "get", False),
    (DisplayTokenCreated, "/api/v1/rooms/{room_id}/display-tokens", "post", False),
    (DisplayTokensRevoked, "/api/v1/rooms/{room_id}/display-tokens", "delete", False),
    (NoshowsLifted, "/api/v1/users/{user_id}/lift-noshows", "post", False),
    (WaitlistEntry, "/api/v1/waitlist", "post", False),
    (WaitlistEntry, "/api/v1/waitlist", "get", True),
    (WaitlistEntry, "/api/v1/waitlist/{entry_id}", "get", False),
    (WaitlistEntry, "/api/v1/waitlist/{entry_id}", "delete", False),
    (WaitlistEntry, "/api/v1/waitlist/{entry_id}/decline", "post", False),
    (WaitlistAccepted, "/api/v1/waitlist/{entry_id}/accept", "post", False),
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
    (Schedule, "/api/v1/buildings/{building_id}/schedule", "get", False),
    (Schedule, "/api/v1/schedule", "get", False),
    (UtilisationReport, "/api/v1/reports/utilisation", "get", False),
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
    (BookingRules, "/api/v1/rules/global", "patch", False),
    (BookingRules, "/api/v1/rules/{scope}/{scope_id}", "patch", False),
    (AuditEvent, "/api/v1/audit-events", "get", True),
    (ChangesPage, "/api/v1/changes", "get", False),
    (ImportBatch, "/api/v1/imports", "post", False),
    (ImportBatch, "/api/v1/imports/{import_id}", "get", False),
    (OptimizerPlan, "/api/v1/optimizer/plans", "post", False),
    (NotificationPreferences, "/api/v1/me/notifications", "get", False),
    (FeedURL, "/api/v1/me/feed-token", "post", False),
    (NotificationPreferences, "/api/v1/me/notifications", "put", False),
    (Webhook, "/api/v1/webhooks", "get", True),
    (WebhookCreated, "/api/v1/webhooks", "post", False),
    (Webhook, "/api/v1/webhooks/{webhook_id}", "get", False),
    (Webhook, "/api/v1/webhooks/{webhook_id}", "patch", False),
    (WebhookCreated, "/api/v1/webhooks/{webhook_id}/rotate-secret", "post", False),
    (WebhookDelivery, "/api/v1/webhooks/{webhook_id}/test", "post", False),
    (WebhookDelivery, "/api/v1/webhooks/{webhook_id}/deliveries", "get", True),
    (
        WebhookDelivery,
        "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
        "post",
        False,
    ),
    (Redelivered, "/api/v1/webhooks/{webhook_id}/redeliver", "post", False),
    (Manager, "/api/v1/rooms/{room_id}/managers", "get", True),
    (Manager, "/api/v1/rooms/{room_id}/managers", "post", False),
    (Manager, "/api/v1/buildings/{building_id}/managers", "post", False),
    (Room, "/api/v1/me/favourites", "get", True),
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
    (OptimizerItem, "OptimizerItem"),
    (NotificationKind, "Kind"),
    (RoomContact, "Contact"),
    (FieldError, "FieldError"),  # of every problem
    (ConflictingBooking, "InTheWay"),  # of a booking_conflict
    (AlternativeRoom, "AlternativeRoom"),  # of a booking_conflict
    (ScheduleBooking, "GridBooking"),
    (ScheduleBuilding, "GridBuilding"),
    (ScheduleClosure, "GridClosure"),
    (ScheduleInterval, "GridInterval"),
    (ScheduleRoom, "GridRoom"),
    (HeatCell, "HeatCell"),
    (ReportRoom, "ReportRoom"),
    (ReportScope, "ReportScope"),
    (ReportTotals, "ReportTotals"),
]

# SDK models with no server schema to check against, and why. Every other model must be in
# OPERATIONS or PARTS (test_every_model_of_the_sdk_is_checked finds them all by itself).
UNCHECKED: dict[type[BaseModel], str] = {
    Model: "the base class of the SDK's models",
    PageBody: "the envelope of every list, read by the pager (checked through each list)",
    ChangeEvent: "one SSE message of /changes/stream (text/event-stream): its data is the "
    "AuditEvent checked through /audit-events",
    ImportConflict: "ImportItemResult.conflicts is a free-form object in the server's schema",
    ImportProblem: "ImportItemResult.errors is a free-form object in the server's schema",
}


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


def sdk_models() -> set[type[BaseModel]]:
    """Every pydantic model defined in the SDK's modules, found by walking the package."""
    found: set[type[BaseModel]] = set()
    for info in pkgutil.walk_packages(compax_sdk.__path__, "compax_sdk."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseModel)
                and value.__module__.startswith("compax_sdk.")
            ):
                found.add(value)
    return found


def test_every_model_of_the_sdk_is_checked():
    checked = {model for model, *_ in OPERATIONS} | {model for model, _ in PARTS}
    found = sdk_models()
    assert len(found) > 30  # the walk sees the package
    missing = sorted(m.__qualname__ for m in found - checked - set(UNCHECKED))
    assert not missing, f"add these SDK models to OPERATIONS or PARTS: {missing}"
    assert not checked & set(UNCHECKED)


def test_the_checked_operations_and_parts_exist_on_the_server():
    for _, path, method, _ in OPERATIONS:
        assert method in DOC["paths"].get(path, {}), f"{method.upper()} {path}"
    for _, component in PARTS:
        assert component in DOC["components"]["schemas"], component


def test_the_import_actions_and_statuses_are_the_servers():
    item = DOC["components"]["schemas"]["ImportItemResult"]["properties"]["action"]
    batch = DOC["components"]["schemas"]["ImportOut"]["properties"]["status"]
    assert set(item["enum"]) == set(typing.get_args(ImportAction))
    assert set(batch["enum"]) == set(typing.get_args(ImportStatus))
