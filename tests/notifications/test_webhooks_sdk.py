"""The SDK: ``compax_sdk.webhooks.verify`` against the ``standardwebhooks`` library, and the
``webhooks`` resource with both clients through the in-process app."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook as StandardWebhook

from compax_sdk import (
    NotFoundError,
    PreconditionFailedError,
    PreconditionRequiredError,
    Redelivered,
    RuleViolationError,
    Webhook,
    WebhookCreated,
    WebhookDelivery,
)
from compax_sdk.webhooks import WebhookVerificationError, sign, verify
from compax_server.domain import webhooks as rules
from tests.sdk.conftest import connect, kind, no_client_environment  # noqa: F401 - fixtures

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef01234567").decode()
BODY = json.dumps({"type": "booking.create", "data": {"id": 7}}).encode()


def headers_for(body: bytes, *, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    stamp = int(time.time()) if at is None else at
    sig = StandardWebhook(secret).sign("evt_7", datetime.fromtimestamp(stamp, UTC), body.decode())
    return {"webhook-id": "evt_7", "webhook-timestamp": str(stamp), "webhook-signature": sig}


def test_verify_accepts_what_standardwebhooks_signs():
    event = verify(BODY, headers_for(BODY), SECRET)
    assert event == {"type": "booking.create", "data": {"id": 7}}
    upper = {k.title(): v for k, v in headers_for(BODY).items()}
    assert verify(BODY, upper, SECRET)["data"]["id"] == 7


def test_standardwebhooks_accepts_what_compax_signs():
    stamp = int(time.time())
    for header in (
        rules.sign([SECRET], "evt_7", stamp, BODY),
        sign(SECRET, "evt_7", stamp, BODY),
    ):
        h = {"webhook-id": "evt_7", "webhook-timestamp": str(stamp), "webhook-signature": header}
        assert StandardWebhook(SECRET).verify(BODY, h)["data"]["id"] == 7
        assert verify(BODY, h, SECRET)["data"]["id"] == 7


def test_during_a_rotation_either_secret_verifies():
    other = "whsec_" + base64.b64encode(b"another secret of 24 byte").decode()
    stamp = int(time.time())
    h = {
        "webhook-id": "evt_7",
        "webhook-timestamp": str(stamp),
        "webhook-signature": rules.sign([other, SECRET], "evt_7", stamp, BODY),
    }
    for secret in (SECRET, other):
        assert verify(BODY, h, secret)
        assert StandardWebhook(secret).verify(BODY, h)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b, h: (b + b" ", h), "no signature matches"),
        (lambda b, h: (b, h | {"webhook-id": "evt_8"}), "no signature matches"),
        (lambda b, h: (b, {k: v for k, v in h.items() if k != "webhook-id"}), "missing header"),
        (lambda b, h: (b, h | {"webhook-timestamp": "soon"}), "not a number"),
        (lambda b, h: (b, h | {"webhook-signature": "v2,abc"}), "no signature matches"),
        (lambda b, h: (b, headers_for(b, at=int(time.time()) - 301)), "too old"),
        (lambda b, h: (b, headers_for(b, at=int(time.time()) + 301)), "future"),
        (
            lambda b, h: (
                b,
                headers_for(b, secret="whsec_" + base64.b64encode(b"x" * 24).decode()),
            ),
            "no signature matches",
        ),
    ],
)
def test_verify_refuses_what_is_not_genuine_and_fresh(change, message):
    body, headers = change(BODY, headers_for(BODY))
    with pytest.raises(WebhookVerificationError, match=message):
        verify(body, headers, SECRET)


def test_a_malformed_secret_is_a_clear_error():
    with pytest.raises(WebhookVerificationError, match="not a webhook secret"):
        verify(BODY, headers_for(BODY), "whsec_***")


async def test_the_webhooks_resource(connect, staff):  # noqa: F811 - the fixture
    from compax_server import runtime

    runtime.configure(
        runtime.settings().model_copy(update={"webhook_allow_private": True}), runtime.cache()
    )
    c = connect(staff)
    made = await c.webhooks.create(url="http://127.0.0.1:9/hooks", event_types=["booking.*"])
    assert isinstance(made, WebhookCreated) and made.secret.startswith("whsec_")
    [listed] = await c.webhooks.list()
    assert isinstance(listed, Webhook) and listed.id == made.id
    got = await c.webhooks.get(made.id)
    with pytest.raises(PreconditionRequiredError):
        await c.webhooks.update(made.id, description="x")
    with pytest.raises(PreconditionFailedError):
        await c.webhooks.update(made.id, version=9, description="x")
    changed = await c.webhooks.update(got, room_id=None, description="mirror")
    assert (changed.description, changed.version) == ("mirror", 2)
    assert c.last("PATCH").headers["if-match"] == '"1"'
    rotated = await c.webhooks.rotate_secret(made.id)
    assert rotated.secret != made.secret and rotated.previous_secret_until is not None
    queued = await c.webhooks.test(made.id)
    assert isinstance(queued, WebhookDelivery) and queued.webhook_id == f"evt_{queued.event_id}"
    [logged] = await c.webhooks.list_deliveries(made.id, status="pending")
    assert logged.id == queued.id
    again = await c.webhooks.redeliver(made.id, queued.id)
    assert again.attempts == 0
    since = datetime.now(UTC) - timedelta(hours=1)
    assert await c.webhooks.redeliver_since(made.id, since) == Redelivered(count=1)
    with pytest.raises(RuleViolationError):
        await c.webhooks.create(url="http://127.0.0.1:9/", event_types=["*"], room_id=999_999)
    await c.webhooks.delete(made.id)
    with pytest.raises(NotFoundError):
        await c.webhooks.get(made.id)
