"""The shapes of ``/webhooks``: the models the API answers with and the bodies ``Webhooks``
and ``AsyncWebhooks`` send. Import them from ``compax_sdk``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import AwareDatetime

from compax_sdk._models import Model
from compax_sdk._params import body
from compax_sdk._types import NotGiven
from compax_sdk.resources._resource import version_tag, versioned

WebhookDeliveryStatus = Literal["pending", "sending", "delivered", "failed"]


class Webhook(Model):
    id: int
    url: str
    description: str = ""
    event_types: list[str]
    """Change-feed actions (``booking.create``), families (``booking.*``) or ``*``."""
    building_id: int | None = None
    room_id: int | None = None
    source: str | None = None
    active: bool
    disabled_reason: str = ""
    """Why it was disabled (by failures), and when; re-enable with ``active=True``."""
    owner_user_id: int | None = None
    owner_api_key_id: int | None = None
    previous_secret_until: AwareDatetime | None = None
    """After a rotation, the old secret also signs until then."""
    version: int
    created_at: AwareDatetime
    updated_at: AwareDatetime

    @property
    def etag(self) -> str:
        return version_tag(self.version)


class WebhookCreated(Webhook):
    secret: str
    """The signing secret (``whsec_...``). Shown only in this response: store it now."""


class WebhookDelivery(Model):
    id: int
    subscription_id: int
    event_id: int
    webhook_id: str
    """The ``webhook-id`` header: the same on every attempt and redelivery."""
    event_type: str
    order_key: str
    status: str  # pending, sending, delivered or failed
    attempts: int
    next_attempt_at: AwareDatetime
    last_attempt_at: AwareDatetime | None = None
    last_status: int | None = None
    last_error: str = ""
    delivered_at: AwareDatetime | None = None
    created_at: AwareDatetime


class Redelivered(Model):
    count: int


def target(webhook: Webhook | int, version: int | str | None) -> tuple[str, dict[str, str]]:
    webhook_id, headers = versioned(webhook, version)
    return f"/webhooks/{webhook_id}", headers


def create_body(
    url: str,
    event_types: Sequence[str],
    description: str | None,
    building_id: int | None,
    room_id: int | None,
    source: str | None,
) -> dict[str, object]:
    return body(
        {
            "url": url,
            "event_types": list(event_types),
            "description": description,
            "building_id": building_id,
            "room_id": room_id,
            "source": source,
        }
    )


def update_body(
    url: str | NotGiven,
    event_types: Sequence[str] | NotGiven,
    description: str | NotGiven,
    building_id: int | NotGiven | None,
    room_id: int | NotGiven | None,
    source: str | NotGiven | None,
    active: bool | NotGiven,
) -> dict[str, object]:
    return body(
        {
            "url": url,
            "event_types": event_types if isinstance(event_types, NotGiven) else list(event_types),
            "description": description,
            "building_id": building_id,
            "room_id": room_id,
            "source": source,
            "active": active,
        },
        keep_none=True,
    )
