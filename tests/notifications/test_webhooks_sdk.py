"""The SDK: ``compax_sdk.webhooks.verify`` against the ``standardwebhooks`` library, and the
``webhooks`` resource with both clients through the in-process app."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

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
    webhooks,
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


NOW = 1_800_000_000


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """``verify`` reads the time as NOW."""
    monkeypatch.setattr(webhooks, "time", SimpleNamespace(time=lambda: float(NOW)))


def without(h: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in h.items() if k not in names}


OTHER = "whsec_" + base64.b64encode(b"x" * 24).decode()
ALL_THREE = "missing headers: webhook-id, webhook-timestamp, webhook-signature"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b, h: (b + b" ", h), "no signature matches this secret"),
        (lambda b, h: (b, h | {"webhook-id": "evt_8"}), "no signature matches this secret"),
        (lambda b, h: (b, without(h, "webhook-id")), "missing header: webhook-id"),
        (lambda b, h: (b, h | {"webhook-timestamp": ""}), "missing header: webhook-timestamp"),
        (
            lambda b, h: (b, without(h, "webhook-signature")),
            "missing header: webhook-signature",
        ),
        (
            lambda b, h: (b, without(h, "webhook-id", "webhook-signature")),
            "missing headers: webhook-id, webhook-signature",
        ),
        (lambda b, h: (b, {}), ALL_THREE),
        (
            lambda b, h: (b, h | {"webhook-timestamp": "soon"}),
            "webhook-timestamp is not a number: 'soon'",
        ),
        (lambda b, h: (b, h | {"webhook-signature": "v2,abc"}), "no signature matches this secret"),
        (lambda b, h: (b, headers_for(b, at=NOW - 301)), "the message is too old (301 s)"),
        (lambda b, h: (b, headers_for(b, at=NOW - 4000)), "the message is too old (4000 s)"),
        (lambda b, h: (b, headers_for(b, at=NOW + 302)), "the message timestamp is in the future"),
        (
            lambda b, h: (b, headers_for(b, secret=OTHER, at=NOW)),
            "no signature matches this secret",
        ),
        (lambda b, h: (b"not json", headers_for(b"not json", at=NOW)), "the payload is not JSON"),
        (lambda b, h: (b"[7]", headers_for(b"[7]", at=NOW)), "the payload is not a JSON object"),
    ],
)
def test_verify_refuses_what_is_not_genuine_and_fresh(frozen_clock, change, message):
    body, headers = change(BODY, headers_for(BODY, at=NOW))
    with pytest.raises(WebhookVerificationError) as caught:
        verify(body, headers, SECRET)
    assert str(caught.value) == message


def test_verify_accepts_up_to_the_tolerance_either_way(frozen_clock):
    for at in (NOW - 300, NOW + 300):
        assert verify(BODY, headers_for(BODY, at=at), SECRET)["data"]["id"] == 7
    early = headers_for(BODY, at=NOW - 60)
    assert verify(BODY, early, SECRET, tolerance=61)["data"]["id"] == 7
    with pytest.raises(WebhookVerificationError, match=r"too old \(60 s\)"):
        verify(BODY, early, SECRET, tolerance=59)


@pytest.mark.parametrize(
    "signature",
    [
        "{good}",
        "v1,AAAA {good}",
        "{good} v1,AAAA",
        "v1,AAAA\tv1,{good}",
        "v1a{good}",
        "v1,{good},x",
        "{good}  v1,AAAA",
        "v1,",
        "",
    ],
)
def test_verify_reads_the_signature_list_as_standardwebhooks_does(signature):
    """Space-separated ``v1,<base64>`` entries, as the reference library reads them: a
    receiver gets the same answer from either."""
    h = headers_for(BODY)
    good = h["webhook-signature"].removeprefix("v1,")
    h["webhook-signature"] = signature.replace("{good}", good)
    try:
        StandardWebhook(SECRET).verify(BODY, h)
        reference = True
    except Exception:
        reference = False
    try:
        verify(BODY, h, SECRET)
        ours = True
    except WebhookVerificationError:
        ours = False
    assert ours == reference == (f"v1,{good}" in h["webhook-signature"].split(" "))


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("whsec_***", "the secret is not a webhook secret (whsec_ and base64)"),
        ("whsec_", "the secret is empty"),
        ("", "the secret is empty"),
    ],
)
def test_a_malformed_secret_is_a_clear_error(secret, message):
    with pytest.raises(WebhookVerificationError) as caught:
        verify(BODY, headers_for(BODY), secret)
    assert str(caught.value) == message


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
