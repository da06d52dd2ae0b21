"""``/api/v1/webhooks``: subscriptions, their delivery logs, redelivery, secret rotation."""

from __future__ import annotations

from compax_server.api.endpoint import Router

router = Router(
    "webhooks",
    "/api/v1/webhooks",
    tag="Webhooks",
    description="Signed HTTP callbacks for every change (Standard Webhooks).",
)
