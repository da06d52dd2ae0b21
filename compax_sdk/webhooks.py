"""Verify a webhook from Compax in your receiver (Standard Webhooks signatures).

    from compax_sdk.webhooks import WebhookVerificationError, verify

    try:
        event = verify(request_body, request_headers, secret="whsec_...")
    except WebhookVerificationError as exc:
        return 400, str(exc)
    if seen(event["data"]["id"]):             # at least once: drop what you already have
        return 204
    handle(event["type"], event["data"])      # the change, as /api/v1/changes shows it

Compax signs ``"{webhook-id}.{webhook-timestamp}.{body}"`` with HMAC-SHA256 and the
base64-decoded part of the secret after ``whsec_``; ``webhook-signature`` holds one or more
space-separated ``v1,<base64>`` entries (two while a rotated secret's grace period lasts).
Verify the raw body bytes, before any JSON parsing. ``webhook-id`` (``evt_<event id>``) is
the same on every retry and redelivery of an event.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

__all__ = ["WebhookVerificationError", "sign", "verify"]

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class WebhookVerificationError(Exception):
    """The request is not a genuine, fresh delivery from Compax; answer 400 and drop it."""


def _key(secret: str) -> bytes:
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError(
            "the secret is not a webhook secret (whsec_ and base64)"
        ) from None
    if not key:
        raise WebhookVerificationError("the secret is empty")
    return key


def sign(secret: str, msg_id: str, timestamp: int, payload: bytes) -> str:
    """The ``v1,<base64>`` signature of ``payload`` (to test receivers)."""
    signed = f"{msg_id}.{timestamp}.".encode() + payload
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(
    payload: bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: int = 300,
) -> dict[str, Any]:
    """The delivered event (``{"type", "timestamp", "data"}``) when ``payload`` carries a
    valid signature made with ``secret`` at most ``tolerance`` seconds from now; raises
    ``WebhookVerificationError`` otherwise. Header names are case-insensitive."""
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id, stamp, signatures = (lower.get(name, "") for name in HEADERS)
    if not (msg_id and stamp and signatures):
        missing = [name for name in HEADERS if not lower.get(name)]
        noun = "header" if len(missing) == 1 else "headers"
        raise WebhookVerificationError(f"missing {noun}: {', '.join(missing)}")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise WebhookVerificationError(f"webhook-timestamp is not a number: {stamp!r}") from None
    now = time.time()
    if timestamp < now - tolerance:
        raise WebhookVerificationError(f"the message is too old ({int(now - timestamp)} s)")
    if timestamp > now + tolerance:
        raise WebhookVerificationError("the message timestamp is in the future")
    expected = sign(secret, msg_id, timestamp, payload).split(",", 1)[1].encode()
    for entry in signatures.split(" "):
        version, _, value = entry.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected):
            break
    else:
        raise WebhookVerificationError("no signature matches this secret")
    try:
        event = json.loads(payload)
    except ValueError:
        raise WebhookVerificationError("the payload is not JSON") from None
    if not isinstance(event, dict):
        raise WebhookVerificationError("the payload is not a JSON object")
    return event
