"""Webhook rules without I/O: which events exist and which a subscription wants, the
Standard Webhooks signature, the retry schedule, and which addresses a target may not have.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import random
import secrets
from collections.abc import Iterable, Sequence

# Every action of the change feed a subscription may name (grep ``audit.record``). ``*``
# matches all of them; ``booking.*`` (a prefix ending at a dot) a family.
EVENT_TYPES: frozenset[str] = frozenset(
    {
        "booking.create",
        "booking.update",
        "booking.cancel",
        "booking.approve",
        "booking.reject",
        "booking.auto_reject",
        "booking.check_in",
        "booking.release",
        "booking.lapse",
        "waitlist.join",
        "waitlist.offer",
        "waitlist.accept",
        "waitlist.decline",
        "waitlist.expire",
        "waitlist.leave",
        "waitlist.withdraw",
        "waitlist.close",
        "series.create",
        "series.update",
        "series.cancel",
        "series.add_date",
        "import.apply",
        *(f"import.{a}.{k}" for a in ("create", "update", "cancel") for k in ("booking", "series")),
        "closure.create",
        "closure.delete",
        "building.create",
        "building.update",
        "building.delete",
        "room.create",
        "room.update",
        "room.delete",
        "room.display_token",
        "room.display_token_revoke",
        "feature.create",
        "term.create",
        "term.update",
        "term.delete",
        "rules.set",
        "rules.delete",
        "user.create",
        "user.update",
        "user.lift_noshows",
        "api_key.create",
        "api_key.revoke",
        "webhook.create",
        "webhook.update",
        "webhook.delete",
        "webhook.rotate_secret",
        "webhook.redeliver",
        "webhook.disable",
        "manager.add",
        "manager.remove",
    }
)
# Never delivered: sign-ins and other security events, and the test pings (each is queued
# for its one subscription directly); a person's favourite rooms are nobody else's business.
NEVER = ("auth.", "webhook.test", "favourite.")
TEST_EVENT = "webhook.test"


def valid_pattern(pattern: str) -> bool:
    if pattern == "*" or pattern in EVENT_TYPES:
        return True
    if pattern.endswith(".*"):
        prefix = pattern[:-1]
        return any(action.startswith(prefix) for action in EVENT_TYPES)
    return False


def matches(patterns: Iterable[str], action: str) -> bool:
    for pattern in patterns:
        if pattern == "*" or pattern == action:
            return True
        if pattern.endswith(".*") and action.startswith(pattern[:-1]):
            return True
    return False


def deliverable(action: str) -> bool:
    return not action.startswith(NEVER)


# -- signatures (https://www.standardwebhooks.com) -------------------------------------------

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret


def new_secret() -> str:
    """``whsec_`` and the base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def message_id(event_id: int) -> str:
    """The ``webhook-id`` of an event: the same on every retry and redelivery."""
    return f"evt_{event_id}"


def sign(secrets_: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header: ``v1,<base64 HMAC-SHA256>`` for each secret,
    space-separated (two during a rotation's grace period)."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.new(secret_key(s), signed, hashlib.sha256).digest()).decode()
        for s in secrets_
    )


# -- retries ------------------------------------------------------------------------------

# Seconds before each retry by default (Standard Webhooks' schedule): after the 1st attempt
# about 5 s, then 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, and 10 h from then on, until the
# retry window (``COMPAX_WEBHOOK_RETRY_FOR``) has passed since the delivery was queued.
# ``COMPAX_WEBHOOK_RETRY_SCHEDULE`` changes it.
SCHEDULE = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)


def retry_delay(
    attempts: int, schedule: Sequence[float] = SCHEDULE, rng: random.Random | None = None
) -> float:
    """Seconds to wait after ``attempts`` failed attempts: full jitter, a uniform draw from
    ``[0, schedule[attempts - 1]]`` (the last step repeats), so that receivers that went
    down together are not all hit again at the same moment."""
    base = schedule[min(max(attempts, 1), len(schedule)) - 1]
    return (rng or random).uniform(0, base)


# -- targets ------------------------------------------------------------------------------

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def refused_address(ip: Address) -> str | None:
    """Why a webhook may not be sent to ``ip`` (unless private targets are allowed), or None."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("not globally routable", not ip.is_global),
    )
    for name, hit in checks:
        if hit:
            return f"{ip} is a {name} address"
    return None
