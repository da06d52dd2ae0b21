"""``/api/v1/webhooks``: subscriptions, their delivery logs, redelivery, secret rotation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.etags import etag, if_match
from compax_server.api.schemas import In, Int, Out, Page, PageQuery, Patch, page_of, render
from compax_server.db.notifications import WebhookDelivery, WebhookSubscription
from compax_server.domain.webhooks import message_id
from compax_server.services import webhooks
from compax_server.services.actors import Actor

router = Router(
    "webhooks",
    "/api/v1/webhooks",
    tag="Webhooks",
    description="Signed HTTP callbacks for every change (Standard Webhooks).",
)

EVENT_TYPES_HELP = "change-feed actions (booking.create), families (booking.*) or * for all"
EventType = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class WebhookOut(Out):
    id: int
    url: str
    description: str
    event_types: list[str] = Field(description=EVENT_TYPES_HELP)
    building_id: int | None = Field(description="only events of this building")
    room_id: int | None = Field(description="only events of this room")
    source: str | None = Field(description="only events of this import source")
    active: bool = Field(description="false: nothing is sent (disabled by hand or by failures)")
    disabled_reason: str = Field(description="why it was disabled, and when")
    owner_user_id: int | None
    owner_api_key_id: int | None = Field(description="the API key that manages it, if any")
    previous_secret_until: datetime | None = Field(
        description="after a rotation, the old secret also signs until then"
    )
    version: int = Field(description="also the ETag; send it back in If-Match")
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="the signing secret (whsec_...); shown only in this response")


class WebhookCreate(In):
    url: str = Field(
        min_length=1, max_length=webhooks.MAX_URL, description="http(s), a public address"
    )
    event_types: list[EventType] = Field(min_length=1, max_length=100, description=EVENT_TYPES_HELP)
    description: str = Field("", max_length=200)
    building_id: Int | None = Field(None, ge=1, le=2**31 - 1)
    room_id: Int | None = Field(None, ge=1, le=2**31 - 1)
    source: str | None = Field(None, min_length=1, max_length=64)


class WebhookUpdate(Patch):
    NULLABLE = frozenset({"building_id", "room_id", "source"})
    url: str | None = Field(None, min_length=1, max_length=webhooks.MAX_URL)
    event_types: list[EventType] | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=200)
    building_id: Int | None = Field(None, ge=1, le=2**31 - 1)
    room_id: Int | None = Field(None, ge=1, le=2**31 - 1)
    source: str | None = Field(None, min_length=1, max_length=64)
    active: bool | None = Field(None, description="true re-enables a disabled subscription")


class DeliveryOut(Out):
    id: int
    subscription_id: int
    event_id: int = Field(description="the change-feed event")
    webhook_id: str = Field(description="the webhook-id header: the same on every attempt")
    event_type: str
    order_key: str = Field(description="deliveries of one key go out in order")
    status: webhooks.DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_status: int | None = Field(description="HTTP status of the last attempt")
    last_error: str
    delivered_at: datetime | None
    created_at: datetime = Field(description="when this round of delivery began")

    @classmethod
    def of(cls, d: WebhookDelivery) -> DeliveryOut:
        return cls.model_validate(
            {
                **{name: getattr(d, name) for name in cls.model_fields if name != "webhook_id"},
                "webhook_id": message_id(d.event_id),
            }
        )


class DeliveryQuery(PageQuery):
    status: webhooks.DeliveryStatus | None = None


class RedeliverSince(In):
    since: AwareDatetime = Field(description="every delivery queued at or after this time")


class Redelivered(Out):
    count: int = Field(description="how many deliveries were queued again")


def with_etag(sub: WebhookSubscription) -> dict[str, str]:
    return {"ETag": etag(sub)}


def created(sub: WebhookSubscription, secret: str) -> WebhookCreated:
    return WebhookCreated(**WebhookOut.model_validate(sub).model_dump(), secret=secret)


@router.get(
    "/", summary="List webhooks", query=PageQuery, response=Page[WebhookOut], errors=AUTH_ERRORS
)
async def list_webhooks(request: Request, actor: Actor, query: PageQuery) -> HTTPResponse:
    """Staff and admins see every subscription; an API key the ones it manages."""
    rows, cursor = await webhooks.list_subscriptions(actor, limit=query.limit, cursor=query.cursor)
    return render(page_of(rows, cursor, WebhookOut))


@router.post(
    "/",
    summary="Subscribe a URL",
    body=WebhookCreate,
    response=WebhookCreated,
    status=201,
    errors=(*AUTH_ERRORS, 422),
    response_headers=("ETag", "Location"),
)
async def create_webhook(request: Request, actor: Actor, body: WebhookCreate) -> HTTPResponse:
    """The answer carries ``secret`` once: verify each delivery's ``webhook-signature`` with
    it (Standard Webhooks). A private or loopback target is a 422 unless the server allows
    them."""
    sub, secret = await webhooks.create_subscription(actor, **body.model_dump())
    headers = with_etag(sub) | {"Location": f"/api/v1/webhooks/{sub.pk}"}
    return render(created(sub, secret), 201, headers)


@router.get(
    "/<webhook_id>",
    summary="Read a webhook",
    response=WebhookOut,
    errors=(*AUTH_ERRORS, 404),
    response_headers=("ETag",),
)
async def read_webhook(request: Request, actor: Actor, webhook_id: int) -> HTTPResponse:
    sub = await webhooks.get_subscription(actor, webhook_id)
    return render(WebhookOut.model_validate(sub), headers=with_etag(sub))


@router.patch(
    "/<webhook_id>",
    summary="Update a webhook",
    body=WebhookUpdate,
    response=WebhookOut,
    errors=(*AUTH_ERRORS, 404, 412, 422, 428),
    request_headers=("If-Match",),
    response_headers=("ETag",),
)
async def update_webhook(
    request: Request, actor: Actor, webhook_id: int, body: WebhookUpdate
) -> HTTPResponse:
    """Needs ``If-Match``. ``"active": true`` re-enables a subscription that was disabled
    after failing; ``null`` clears a filter."""
    sub = await webhooks.update_subscription(
        actor, webhook_id, expected=if_match(request), **body.changes()
    )
    return render(WebhookOut.model_validate(sub), headers=with_etag(sub))


@router.delete("/<webhook_id>", summary="Delete a webhook", status=204, errors=(*AUTH_ERRORS, 404))
async def delete_webhook(request: Request, actor: Actor, webhook_id: int) -> HTTPResponse:
    """Nothing more is sent; the delivery log goes with it."""
    await webhooks.delete_subscription(actor, webhook_id)
    return render(None, status=204)


@router.post(
    "/<webhook_id>/rotate-secret",
    summary="Rotate a webhook's secret",
    response=WebhookCreated,
    errors=(*AUTH_ERRORS, 404),
    response_headers=("ETag",),
)
async def rotate_secret(request: Request, actor: Actor, webhook_id: int) -> HTTPResponse:
    """A new secret, shown once. Until ``previous_secret_until`` every delivery carries two
    signatures (old and new), so receivers can switch without missing one."""
    sub, secret = await webhooks.rotate_secret(actor, webhook_id)
    return render(created(sub, secret), headers=with_etag(sub))


@router.post(
    "/<webhook_id>/test",
    summary="Send a test event",
    response=DeliveryOut,
    status=202,
    errors=(*AUTH_ERRORS, 404, 409),
)
async def send_test(request: Request, actor: Actor, webhook_id: int) -> HTTPResponse:
    """Queues a ``webhook.test`` event for this subscription; the delivery log shows how
    the receiver answered (it is signed and retried like every other event)."""
    delivery = await webhooks.send_test(actor, webhook_id)
    return render(DeliveryOut.of(delivery), 202)


@router.get(
    "/<webhook_id>/deliveries",
    summary="List a webhook's deliveries",
    query=DeliveryQuery,
    response=Page[DeliveryOut],
    errors=(*AUTH_ERRORS, 404),
)
async def list_deliveries(
    request: Request, actor: Actor, webhook_id: int, query: DeliveryQuery
) -> HTTPResponse:
    """The delivery log, the newest first."""
    rows, cursor = await webhooks.list_deliveries(
        actor, webhook_id, status=query.status, limit=query.limit, cursor=query.cursor
    )
    return render(Page[DeliveryOut](data=[DeliveryOut.of(d) for d in rows], next_cursor=cursor))


@router.post(
    "/<webhook_id>/deliveries/<delivery_id>/redeliver",
    summary="Redeliver one delivery",
    response=DeliveryOut,
    status=202,
    errors=(*AUTH_ERRORS, 404, 409),
)
async def redeliver(
    request: Request, actor: Actor, webhook_id: int, delivery_id: int
) -> HTTPResponse:
    """Sent again from the start (attempts 0, a fresh retry window), with the same
    ``webhook-id``. 409 while a worker is sending it."""
    delivery = await webhooks.redeliver(actor, webhook_id, delivery_id)
    return render(DeliveryOut.of(delivery), 202)


@router.post(
    "/<webhook_id>/redeliver",
    summary="Redeliver everything since a time",
    body=RedeliverSince,
    response=Redelivered,
    status=202,
    errors=(*AUTH_ERRORS, 404),
)
async def redeliver_since(
    request: Request, actor: Actor, webhook_id: int, body: RedeliverSince
) -> HTTPResponse:
    """Every delivery of this subscription queued at or after ``since`` is sent again, in
    order, whatever became of it; those a worker is sending right now are left to it."""
    count = await webhooks.redeliver_since(actor, webhook_id, body.since)
    return render(Redelivered(count=count), 202)
