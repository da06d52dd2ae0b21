"""``examples/webhook_receiver.py`` as a process: a genuine delivery is handled once (a
repeat with the same webhook-id is acknowledged, not handled again), a forged one is a 400."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from compax_sdk.webhooks import sign
from tests.e2e.servers import free_port

EXAMPLE = Path(__file__).parents[2] / "examples" / "webhook_receiver.py"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

pytestmark = pytest.mark.slow


@pytest.fixture
def receiver() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLE), "--port", str(port), "--secret", SECRET],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:  # until it listens
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(process.stderr.read() if process.stderr else "") from None
                time.sleep(0.05)
        yield url, process
    finally:
        process.terminate()
        process.wait(10)


def post(url: str, body: bytes, *, secret: str = SECRET, msg_id: str = "evt_5") -> int:
    stamp = int(time.time())
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(secret, msg_id, stamp, body),
        "content-type": "application/json",
    }
    return httpx.post(url, content=body, headers=headers, timeout=5).status_code


def test_the_example_receiver_verifies_and_drops_repeats(receiver):
    url, process = receiver
    event = {
        "type": "booking.create",
        "timestamp": "2026-11-29T10:00:00Z",
        "data": {"entity_type": "booking", "entity_id": 42, "actor_label": "ada@campus.example"},
    }
    body = json.dumps(event).encode()
    assert post(url, body) == 204
    assert post(url, body) == 204  # the same webhook-id again: acknowledged only
    other = "whsec_" + "A" * 32
    assert post(url, body, secret=other, msg_id="evt_6") == 400
    process.terminate()
    out, _ = process.communicate(timeout=10)
    assert out.splitlines() == ["booking.create           booking 42 by ada@campus.example"]
