"""Presentation: one router per resource. Routes parse, call one service, render."""

from __future__ import annotations

from compax_server.api import (
    api_keys,
    audit,
    auth,
    bookings,
    buildings,
    feeds,
    health,
    imports,
    notifications,
    reports,
    rooms,
    rules,
    schedule,
    series,
    stream,
    terms,
    users,
    webhooks,
)
from compax_server.api.endpoint import Router

ROUTERS: list[Router] = [
    health.router,
    auth.router,
    users.me_router,
    feeds.me_router,
    notifications.router,
    users.router,
    api_keys.router,
    buildings.router,
    rooms.features_router,
    rooms.router,
    schedule.router,
    feeds.room_router,
    bookings.router,
    terms.router,
    series.router,
    rules.router,
    imports.router,
    audit.router,
    audit.changes_router,
    reports.router,
    stream.router,
    webhooks.router,
]
