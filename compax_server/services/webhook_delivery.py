"""Sending webhooks: claim due deliveries, POST them signed (Standard Webhooks), write back
what became of them, retry with backoff and jitter, give up and disable the subscription
when the retry window has passed.

One ``httpx.AsyncClient`` per process (and event loop) keeps connections alive. A batch is
sent concurrently; the worker waits for it at most ``BATCH_WAIT`` seconds: what a slow
receiver still holds finishes in the background and writes its own result, so one bad
receiver never holds up the others (its claims are leased, and bounded by ``MAX_IN_FLIGHT``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from compax_server import runtime
from compax_server.db import transaction
from compax_server.db import webhooks as webhooks_db
from compax_server.db.audit import AuditEvent
from compax_server.db.notifications import WebhookSubscription, claim
from compax_server.domain import webhooks as rules
from compax_server.services import audit
from compax_server.services.webhook_targets import Target, target_for

log = logging.getLogger("compax.webhooks")

USER_AGENT = "Compax-Webhooks"
BATCH_WAIT = 2.0  # seconds deliver_due waits for a batch before leaving the rest to run
MAX_IN_FLIGHT = 1000  # claimed deliveries being sent by this process at most
# Requests open at once: per receiver (its keep-alive connections) and per process. The
# waiting happens here, not in httpx's pool, whose cost grows with its waiters and
# connections; one slow receiver holds at most PER_ORIGIN of the process's slots.
PER_ORIGIN = 16
CONCURRENCY = 200
ERROR_BODY = 300  # characters of a refusal's body kept in the log
_in_flight: set[asyncio.Task[None]] = set()


@dataclass
class _Origin:
    client: httpx.AsyncClient
    slots: asyncio.Semaphore


@dataclass
class _Senders:
    """This process's HTTP clients on one event loop: one per receiver origin (scheme, host,
    port), keep-alive, no redirects followed, no proxy from the environment."""

    loop: asyncio.AbstractEventLoop
    slots: asyncio.Semaphore
    origins: dict[str, _Origin]

    def origin(self, url: str) -> _Origin:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        found = self.origins.get(key)
        if found is None or found.client.is_closed:
            client = httpx.AsyncClient(
                timeout=httpx.Timeout(runtime.settings().webhook_timeout),
                follow_redirects=False,
                trust_env=False,
                limits=httpx.Limits(
                    max_connections=PER_ORIGIN, max_keepalive_connections=PER_ORIGIN
                ),
                headers={"user-agent": USER_AGENT},
            )
            found = self.origins[key] = _Origin(client, asyncio.Semaphore(PER_ORIGIN))
        return found


_senders: _Senders | None = None


def senders() -> _Senders:
    global _senders
    loop = asyncio.get_running_loop()
    if _senders is None or _senders.loop is not loop:
        _senders = _Senders(loop, asyncio.Semaphore(CONCURRENCY), {})
    return _senders


async def drain() -> None:
    """Wait for the sends left running by ``deliver_due`` (tests, shutdown)."""
    while _in_flight:
        await asyncio.gather(*list(_in_flight), return_exceptions=True)


async def close() -> None:
    """Finish what is in flight and close the clients (at shutdown)."""
    global _senders
    await drain()
    if _senders is not None and _senders.loop is asyncio.get_running_loop():
        for origin in _senders.origins.values():
            await origin.client.aclose()
    _senders = None


# -- one attempt --------------------------------------------------------------------------


def snapshot(sub: WebhookSubscription) -> dict[str, Any]:
    """A subscription in the audit log: everything but its secrets."""
    return {
        "url": sub.url,
        "description": sub.description,
        "event_types": list(sub.event_types),
        "building_id": sub.building_id,
        "room_id": sub.room_id,
        "source": sub.source,
        "active": sub.active,
        "disabled_reason": sub.disabled_reason or None,
        "owner_user_id": sub.owner_user_id,
        "owner_api_key_id": sub.owner_api_key_id,
        "version": sub.version,
    }


def event_view(event: AuditEvent) -> dict[str, Any]:
    """The event as the change feed (``/api/v1/changes``) shows it."""
    return {
        "id": event.pk,
        "at": _iso(event.at),
        "actor_user_id": event.actor_user_id,
        "actor_api_key_id": event.actor_api_key_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
    }


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def payload(event: AuditEvent) -> bytes:
    body = {"type": event.action, "timestamp": _iso(event.at), "data": event_view(event)}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def signing_secrets(sub: WebhookSubscription, now: datetime) -> list[str]:
    """The current secret, and the previous one while its grace period lasts."""
    out = [sub.secret]
    if sub.previous_secret and sub.previous_secret_until and sub.previous_secret_until > now:
        out.append(sub.previous_secret)
    return out


@dataclass
class Result:
    delivery: webhooks_db.Claimed
    status: int | None = None
    error: str = ""
    gone: bool = False  # subscription or event no longer exists: fail without disabling

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


async def _attempt(
    d: webhooks_db.Claimed,
    sub: WebhookSubscription | None,
    event: AuditEvent | None,
    target: Target | None,
) -> Result:
    try:
        return await _post(d, sub, event, target)
    except Exception as exc:  # a bug of ours: logged, and the delivery is retried later
        log.exception("webhook delivery %s: attempt failed", d.id)
        return Result(d, error=f"internal error ({type(exc).__name__})")


async def _post(
    d: webhooks_db.Claimed,
    sub: WebhookSubscription | None,
    event: AuditEvent | None,
    target: Target | None,
) -> Result:
    if sub is None or event is None:
        what = "subscription" if sub is None else "event"
        return Result(d, error=f"the {what} no longer exists", gone=True)
    assert target is not None
    if target.problem is not None:
        return Result(d, error=target.problem)
    body = payload(event)
    now = datetime.now(UTC)
    timestamp = int(now.timestamp())
    msg_id = rules.message_id(event.pk)
    headers = {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": rules.sign(signing_secrets(sub, now), msg_id, timestamp, body),
    }
    url = sub.url
    if target.pinned is not None:
        parts = urlsplit(url)
        headers["host"] = parts.netloc
        port = f":{parts.port}" if parts.port else ""
        url = parts._replace(netloc=target.pinned + port).geturl()
    total = runtime.settings().webhook_timeout
    try:
        pool = senders()
        origin = pool.origin(url)
        async with origin.slots, pool.slots, asyncio.timeout(total + 1):  # drip-feeders too
            async with origin.client.stream(
                "POST", url, content=body, headers=headers, timeout=total
            ) as response:
                text = await _start_of(response)  # read to the end: keeps the connection
                return Result(d, status=response.status_code, error=f"HTTP {text}")  # .ok: 2xx
    except TimeoutError:
        return Result(d, error=f"no answer within {total:g} s")
    except httpx.HTTPError as exc:
        return Result(d, error=f"{type(exc).__name__}: {exc}")  # the log keeps 500 characters


async def _start_of(response: httpx.Response) -> str:
    """The status and the first characters of the answer's body. A short body is read to
    its end, so that the connection is kept for the next delivery; a long one is cut off
    (and its connection closed): nobody reads megabytes a receiver sends back."""
    chunk = b""
    async for part in response.aiter_raw():
        chunk += part
        if len(chunk) >= ERROR_BODY:
            break
    text = chunk[:ERROR_BODY].decode(errors="replace").strip()
    return f"{response.status_code}" + (f": {text}" if text else "")


# -- a batch ------------------------------------------------------------------------------


async def deliver_due(limit: int = 100) -> int:
    """Claim up to ``limit`` due deliveries and send them; returns how many were claimed.
    Those a receiver still holds after ``BATCH_WAIT`` seconds finish in the background."""
    settings = runtime.settings()
    room = min(limit, MAX_IN_FLIGHT - len(_in_flight))
    if room <= 0:
        return 0
    rows = await claim(
        webhooks_db.TABLE,
        limit=room,
        lease_seconds=settings.webhook_lease,
        where=webhooks_db.IN_ORDER,
    )
    if not rows:
        return 0
    claimed = [webhooks_db.claimed(r) for r in rows]
    subs = {
        s.pk: s
        for s in await WebhookSubscription.filter(id__in={d.subscription_id for d in claimed})
    }
    events = {e.pk: e for e in await AuditEvent.filter(id__in={d.event_id for d in claimed})}
    urls = list({s.url for s in subs.values()})  # each looked up once per batch
    targets = dict(zip(urls, await asyncio.gather(*map(target_for, urls)), strict=True))
    tasks = [
        asyncio.ensure_future(
            _attempt(
                d,
                subs.get(d.subscription_id),
                events.get(d.event_id),
                targets.get(subs[d.subscription_id].url) if d.subscription_id in subs else None,
            )
        )
        for d in claimed
    ]
    done, pending = await asyncio.wait(tasks, timeout=BATCH_WAIT)
    for task in pending:
        _in_flight.add(later := asyncio.ensure_future(_record_when_done(task, subs)))
        later.add_done_callback(_in_flight.discard)
    await record([t.result() for t in done], subs)
    return len(claimed)


async def _record_when_done(task: asyncio.Future[Result], subs: dict[int, Any]) -> None:
    try:
        result = await task
        await record([result], subs)
    except Exception:
        log.exception("could not record a webhook attempt (its lease will run out)")


async def record(results: list[Result], subs: dict[int, WebhookSubscription]) -> None:
    """Write back a batch: the accepted in one statement, the refused one by one."""
    now = datetime.now(UTC)
    delivered = [(r.delivery.id, r.delivery.attempts, r.status or 200) for r in results if r.ok]
    if delivered:
        await webhooks_db.mark_delivered(delivered, now)
    settings = runtime.settings()
    for r in results:
        if r.ok:
            continue
        d = r.delivery
        deadline = d.created_at + timedelta(seconds=settings.webhook_retry_for)
        if r.gone or now >= deadline:
            await _give_up(r, subs.get(d.subscription_id), now)
            continue
        wait = timedelta(seconds=rules.retry_delay(d.attempts, settings.retry_schedule))
        await webhooks_db.mark_retry(
            d.id,
            d.attempts,
            next_attempt_at=min(now + wait, deadline),
            http_status=r.status,
            error=r.error,
        )


async def _give_up(r: Result, sub: WebhookSubscription | None, now: datetime) -> None:
    """The delivery fails; a subscription whose delivery failed is disabled (audited as
    ``webhook.disable``, whose ``after`` names the owner to tell)."""
    d = r.delivery
    async with transaction():
        taken = await webhooks_db.mark_failed(d.id, d.attempts, http_status=r.status, error=r.error)
        if not taken or r.gone or sub is None:
            return
        current = await WebhookSubscription.select_for_update().get_or_none(id=sub.pk)
        if current is None or not current.active:
            return
        before = snapshot(current)
        current.active = False
        current.disabled_reason = (
            f"disabled {_iso(now)}: delivery {d.id} (event {d.event_id}) failed for "
            f"{runtime.settings().webhook_retry_for} s after {d.attempts} attempts; "
            f"last: {r.error or r.status}"
        )[:500]
        current.version += 1
        await current.save(update_fields=["active", "disabled_reason", "version", "updated_at"])
        await audit.record(
            None,
            "webhook.disable",
            "webhook",
            current.pk,
            before=before,
            after=snapshot(current) | {"delivery_id": d.id, "event_id": d.event_id},
        )
