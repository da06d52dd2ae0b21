"""``/api/v1/me/notifications``: which emails I get."""

from __future__ import annotations

from compax_server.api.endpoint import Router

router = Router(
    "notifications",
    "/api/v1/me/notifications",
    tag="Notifications",
    description="My email preferences.",
)
