"""Webhook subscriptions: who may manage them, what a target may be, which events each
receives (``deliveries_for``, called by the dispatcher), and the delivery log.

Staff and administrators manage every subscription; an API key manages the ones it created
(an administrator's key with the ``admin`` scope, all of them); members may not subscribe.
Secrets are shown once (on create and rotate) and never written to the audit log.
Which events each receives is ``services.webhook_dispatch``; sending is
``services.webhook_delivery``; what a target may be, ``services.webhook_targets``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

from compax_server import runtime
from compax_server.db import rooms as rooms_db
from compax_server.db import transaction
from compax_server.db import webhooks as webhooks_db
from compax_server.db.notifications import WebhookDelivery, WebhookSubscription
from compax_server.domain import bounds, versions
from compax_server.domain import webhooks as rules
from compax_server.domain.words import listed
from compax_server.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from compax_server.services import audit
from compax_server.services.actors import Actor, Scope, require_scope
from compax_server.services.paging import page_by_id
from compax_server.services.webhook_delivery import close, deliver_due, drain, snapshot
from compax_server.services.webhook_dispatch import deliveries_for
from compax_server.services.webhook_targets import target_problem

__all__ = [
    "close",
    "create_subscription",
    "delete_subscription",
    "deliver_due",
    "deliveries_for",
    "drain",
    "get_subscription",
    "list_deliveries",
    "list_subscriptions",
    "redeliver",
    "redeliver_since",
    "rotate_secret",
    "send_test",
    "update_subscription",
]

MAX_URL = 2000
# Every change is matched against every active subscription, and each match is a row in
# the delivery log: a bound keeps one dispatcher batch (500 events) bounded too.
MAX_SUBSCRIPTIONS = 200
DeliveryStatus = Literal["pending", "sending", "delivered", "failed"]


# -- who may ------------------------------------------------------------------------------


def require_manager(actor: Actor, scope: str) -> None:
    require_scope(actor, scope)
    if not actor.is_staff:
        raise Forbidden("only staff and administrators (or their API keys) manage webhooks")


def sees_all(actor: Actor) -> bool:
    """People manage every subscription; a key only its own, unless it is an admin key."""
    return actor.api_key_id is None or (actor.is_admin and actor.has_scope(Scope.admin))


async def _load(
    actor: Actor, subscription_id: int, scope: str, *, lock: bool = False
) -> WebhookSubscription:
    """The subscription, if the actor may see it (a 404 otherwise); ``lock``: for update,
    inside the transaction that changes it."""
    require_manager(actor, scope)
    query = WebhookSubscription.select_for_update() if lock else WebhookSubscription
    sub = await query.get_or_none(id=subscription_id)
    if sub is None or not (sees_all(actor) or sub.owner_api_key_id == actor.api_key_id):
        raise NotFound(f"webhook {subscription_id} does not exist")
    return sub


# -- what a subscription may say ----------------------------------------------------------


def check_url(url: str) -> None:
    def bad(detail: str, code: str) -> InvalidInput:
        return InvalidInput.field("body", "url", detail, code)

    if len(url) > MAX_URL:
        raise bad(f"at most {MAX_URL} characters", "too_long")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise bad("is not a URL", "invalid_url") from None
    if parts.scheme not in ("http", "https"):
        raise bad("must be an http:// or https:// URL", "url_scheme")
    if not parts.hostname:
        raise bad("needs a host name", "invalid_url")
    if parts.username is not None or parts.password is not None:
        raise bad("must not hold credentials (user:password@); sign-in is the signature", "url")


async def check_target(url: str) -> None:
    check_url(url)
    problem = await target_problem(url)
    if problem is not None:
        raise RuleViolation(
            f"This URL cannot receive webhooks: {problem}. Targets must be public addresses "
            "that resolve (COMPAX_WEBHOOK_ALLOW_PRIVATE allows private ones).",
            errors=[{"rule": "webhook_target", "detail": problem, "pointer": "/url"}],
        )


def check_event_types(event_types: Sequence[str]) -> list[str]:
    if not event_types:
        raise InvalidInput.field(
            "body", "event_types", "name at least one event type, e.g. booking.* or *", "empty"
        )
    unknown = [t for t in event_types if not rules.valid_pattern(t)]
    if unknown:
        raise InvalidInput.field(
            "body",
            "event_types",
            f"unknown {listed('event type', unknown)}: use change-feed actions "
            "(booking.create, ...), a family (booking.*) or *",
            "unknown_event_type",
        )
    return sorted(set(event_types))


async def check_filters(building_id: int | None, room_id: int | None) -> None:
    for kind, value in (("building", building_id), ("room", room_id)):
        if value is not None and not await rooms_db.exists(kind, value):
            raise RuleViolation(
                f"{kind}_id: {kind} {value} does not exist",
                errors=[
                    {
                        "rule": f"unknown_{kind}",
                        "pointer": f"/{kind}_id",
                        "detail": f"{kind} {value} does not exist",
                    }
                ],
            )


# -- subscriptions ------------------------------------------------------------------------


async def create_subscription(
    actor: Actor,
    *,
    url: str,
    event_types: Sequence[str],
    description: str = "",
    building_id: int | None = None,
    room_id: int | None = None,
    source: str | None = None,
) -> tuple[WebhookSubscription, str]:
    """Returns the subscription and its signing secret (shown only now)."""
    require_manager(actor, Scope.write)
    types = check_event_types(event_types)
    await check_target(url)
    await check_filters(building_id, room_id)
    secret = rules.new_secret()
    async with transaction():
        if await webhooks_db.subscription_count() >= MAX_SUBSCRIPTIONS:
            raise RuleViolation(
                f"There are {MAX_SUBSCRIPTIONS} webhook subscriptions already, the most there "
                "may be; delete one that is no longer needed (or subscribe one receiver to "
                "more event types).",
                errors=[{"rule": "webhook_limit", "detail": f"at most {MAX_SUBSCRIPTIONS}"}],
            )
        sub = await WebhookSubscription.create(
            url=url,
            description=description,
            event_types=types,
            building_id=building_id,
            room_id=room_id,
            source=source,
            secret=secret,
            owner_user_id=actor.user_id,
            owner_api_key_id=actor.api_key_id,
        )
        await audit.record(actor, "webhook.create", "webhook", sub.pk, after=snapshot(sub))
    return sub, secret


async def list_subscriptions(
    actor: Actor, *, limit: int, cursor: str | None
) -> tuple[list[WebhookSubscription], str | None]:
    require_manager(actor, Scope.read)
    query = WebhookSubscription.all()
    if not sees_all(actor):
        query = query.filter(owner_api_key_id=actor.api_key_id)
    return await page_by_id(query, limit, cursor)


async def get_subscription(actor: Actor, subscription_id: int) -> WebhookSubscription:
    return await _load(actor, subscription_id, Scope.read)


UPDATABLE = ("url", "description", "event_types", "building_id", "room_id", "source", "active")


async def update_subscription(
    actor: Actor, subscription_id: int, *, expected: versions.Expected | None, **changes: Any
) -> WebhookSubscription:
    """A partial update against the version the caller saw. ``active=True`` re-enables a
    disabled subscription (and clears why it was disabled)."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    await _load(actor, subscription_id, Scope.write)
    if "event_types" in changes:
        changes["event_types"] = check_event_types(changes["event_types"])
    if "url" in changes:
        await check_target(changes["url"])
    await check_filters(changes.get("building_id"), changes.get("room_id"))
    async with transaction():
        sub = await _load(actor, subscription_id, Scope.write, lock=True)
        versions.ensure(sub.version, expected, noun="webhook", ident=subscription_id)
        before = snapshot(sub)
        for name, value in changes.items():
            setattr(sub, name, value)
        if changes.get("active") is True:
            sub.disabled_reason = ""
        if snapshot(sub) | {"version": 0} == before | {"version": 0}:
            return sub
        sub.version += 1
        await sub.save()
        await audit.record(
            actor, "webhook.update", "webhook", sub.pk, before=before, after=snapshot(sub)
        )
    return sub


async def delete_subscription(actor: Actor, subscription_id: int) -> None:
    """The subscription and its delivery log go; nothing more is sent to it."""
    async with transaction():
        sub = await _load(actor, subscription_id, Scope.write, lock=True)
        before = snapshot(sub)
        await WebhookDelivery.filter(subscription_id=sub.pk).delete()
        await sub.delete()
        await audit.record(actor, "webhook.delete", "webhook", subscription_id, before=before)


async def rotate_secret(actor: Actor, subscription_id: int) -> tuple[WebhookSubscription, str]:
    """A new secret; the old one still signs (a second signature) for
    ``COMPAX_WEBHOOK_SECRET_GRACE`` seconds, so receivers can switch without losing any."""
    grace = runtime.settings().webhook_secret_grace
    async with transaction():
        sub = await _load(actor, subscription_id, Scope.write, lock=True)
        before = snapshot(sub)
        secret = rules.new_secret()
        now = datetime.now(UTC)
        sub.previous_secret = sub.secret if grace else None
        sub.previous_secret_until = now + timedelta(seconds=grace) if grace else None
        sub.secret = secret
        sub.version += 1
        await sub.save()
        after = snapshot(sub) | {"previous_secret_until": _iso(sub.previous_secret_until)}
        await audit.record(
            actor, "webhook.rotate_secret", "webhook", sub.pk, before=before, after=after
        )
    return sub, secret


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# -- deliveries ---------------------------------------------------------------------------


async def send_test(actor: Actor, subscription_id: int) -> WebhookDelivery:
    """Queue a ``webhook.test`` event for this subscription only; the delivery log shows
    what the receiver answered."""
    async with transaction():
        sub = await _load(actor, subscription_id, Scope.write)
        if not sub.active:
            raise Conflict(
                f"webhook {subscription_id} is disabled ({sub.disabled_reason or 'by hand'}); "
                "enable it first (active: true)"
            )
        event_id = await audit.record(
            actor, rules.TEST_EVENT, "webhook", sub.pk, after={"url": sub.url}
        )
        now = datetime.now(UTC)
        delivery = await WebhookDelivery.create(
            subscription_id=sub.pk,
            event_id=event_id,
            event_type=rules.TEST_EVENT,
            order_key=f"webhook:{sub.pk}",
            next_attempt_at=now,
        )
    return delivery


async def list_deliveries(
    actor: Actor,
    subscription_id: int,
    *,
    status: DeliveryStatus | None = None,
    limit: int,
    cursor: str | None,
) -> tuple[list[WebhookDelivery], str | None]:
    """The delivery log, the newest first."""
    sub = await _load(actor, subscription_id, Scope.read)
    query = WebhookDelivery.filter(subscription_id=sub.pk)
    if status is not None:  # the API checked it is one of DeliveryStatus
        query = query.filter(status=status)
    return await page_by_id(query, limit, cursor, newest_first=True)


async def redeliver(actor: Actor, subscription_id: int, delivery_id: int) -> WebhookDelivery:
    """Send one delivery again from the start (same ``webhook-id``)."""
    async with transaction():
        sub = await _load(actor, subscription_id, Scope.write)
        now = datetime.now(UTC)
        if not await webhooks_db.reset(sub.pk, now, delivery_id=delivery_id):
            held = await WebhookDelivery.get_or_none(id=delivery_id, subscription_id=sub.pk)
            if held is None:
                what = f"delivery {delivery_id} of webhook {subscription_id}"
                raise NotFound(f"{what} does not exist")
            raise Conflict(
                f"delivery {delivery_id} is being sent right now; redeliver it once this "
                "attempt is written down (GET its delivery log)"
            )
        await audit.record(
            actor,
            "webhook.redeliver",
            "webhook",
            sub.pk,
            after={"delivery_ids": [delivery_id]},
        )
    delivery = await WebhookDelivery.get(id=delivery_id)
    return delivery


async def redeliver_since(actor: Actor, subscription_id: int, since: datetime) -> int:
    """Send again every delivery of the subscription queued at or after ``since`` (but
    those being sent right now); returns how many."""
    async with transaction():
        sub = await _load(actor, subscription_id, Scope.write)
        count = await webhooks_db.reset(sub.pk, datetime.now(UTC), since=bounds.instant(since))
        await audit.record(
            actor,
            "webhook.redeliver",
            "webhook",
            sub.pk,
            after={"since": since.isoformat(), "count": count},
        )
    return count
