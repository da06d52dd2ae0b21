"""A tiny receiver of Compax webhooks, with nothing but the standard library and the SDK.

    compax webhooks add https://hooks.example.org/compax --event 'booking.*'
    COMPAX_WEBHOOK_SECRET=whsec_... python examples/webhook_receiver.py --port 8088

Each delivery is checked with ``compax_sdk.webhooks.verify`` (signature and age) before
anything else; a forged or stale one gets a 400. Delivery is at least once: the same event
comes again with the same ``webhook-id`` after a retry, a redelivery or a crash, so the
receiver remembers the ids it handled and answers 2xx to a repeat without handling it twice.
Answer quickly (within COMPAX_WEBHOOK_TIMEOUT, 10 s by default): any other answer, or none,
is retried with backoff for about a day. During a secret rotation, pass both secrets
(comma-separated): either one verifies.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock

from compax_sdk.webhooks import WebhookVerificationError, verify

SEEN_MAX = 100_000


class Seen:
    """The webhook-ids already handled (the most recent ``SEEN_MAX``). A real receiver
    keeps them where its effects are (e.g. a unique column in its database)."""

    def __init__(self) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = Lock()

    def first_time(self, msg_id: str) -> bool:
        with self._lock:
            if msg_id in self._ids:
                return False
            self._ids[msg_id] = None
            if len(self._ids) > SEEN_MAX:
                self._ids.popitem(last=False)
            return True


def handle(event: dict[str, object]) -> None:
    """Your code: here, one line per change."""
    data = event["data"]
    assert isinstance(data, dict)
    print(
        f"{event['type']:<24} {data['entity_type']} {data['entity_id']} by {data['actor_label']}",
        flush=True,
    )


def make_handler(secrets: list[str], seen: Seen) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = dict(self.headers.items())
            event = None
            problem = "no secret configured"
            for secret in secrets:
                try:
                    event = verify(body, headers, secret)
                    break
                except WebhookVerificationError as exc:
                    problem = str(exc)
            if event is None:
                self.answer(400, {"error": problem})
                return
            if seen.first_time(headers.get("webhook-id", "")):
                handle(event)
            self.answer(204)

        def answer(self, status: int, body: dict[str, str] | None = None) -> None:
            raw = json.dumps(body).encode() if body else b""
            self.send_response(status)
            self.send_header("content-length", str(len(raw)))
            if raw:
                self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument(
        "--secret",
        default=os.environ.get("COMPAX_WEBHOOK_SECRET", ""),
        help="whsec_... (comma-separated during a rotation); or COMPAX_WEBHOOK_SECRET",
    )
    args = parser.parse_args()
    secrets = [s.strip() for s in args.secret.split(",") if s.strip()]
    if not secrets:
        parser.error("give --secret or set COMPAX_WEBHOOK_SECRET")
    server = ThreadingHTTPServer((args.host, args.port), make_handler(secrets, Seen()))
    print(f"listening on http://{args.host}:{args.port}/", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
