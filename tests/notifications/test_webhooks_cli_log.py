"""``compax webhooks deliveries`` of a log the notification worker wrote: a real ``compax
serve`` with its worker on, and a real receiver that takes one delivery and refuses the
other (a signature it cannot verify)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from compax_sdk import Compax, WebhookDelivery
from tests.cli.conftest import (  # noqa: F401 - fixtures
    admin_cli,
    api,
    cli,
    no_user_config,
    rows,
    serve,
    words,
)
from tests.e2e.servers import LiveServer
from tests.notifications.receiver import Receiver

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve(
        tmp_path_factory,
        COMPAX_WEBHOOK_ALLOW_PRIVATE="true",
        COMPAX_RUN_WORKERS="true",
        COMPAX_WORKER_POLL_INTERVAL="0.2",
        COMPAX_WEBHOOK_RETRY_SCHEDULE="0.2",
        COMPAX_WEBHOOK_RETRY_FOR="1",
    )


def settled(api: Compax, hook: int, count: int) -> list[WebhookDelivery]:  # noqa: F811
    """The hook's delivery log once ``count`` deliveries are no longer pending."""
    deadline = time.monotonic() + 60
    while True:
        log = api.webhooks.list_deliveries(hook).data
        if len([d for d in log if d.status in ("delivered", "failed")]) >= count:
            return log
        assert time.monotonic() < deadline, f"still pending after 60 s: {log}"
        time.sleep(0.1)


def test_the_delivery_log_as_a_person_reads_it(admin_cli, api):  # noqa: F811
    """Delivered and failed deliveries: each with its answer's status and error and no next
    attempt, the newest first; ``--status`` filters; ``--limit`` cuts and says so; a failed
    delivery turns the webhook off and ``show`` says why; a webhook with no log says so."""
    with Receiver() as receiver:
        made = admin_cli.json("webhooks", "add", receiver.url, "--event", "closure.create")
        hook = str(made["id"])
        receiver.secrets.append(made["secret"])
        admin_cli.ok("webhooks", "test", hook)
        settled(api, made["id"], 1)
        receiver.secrets.clear()  # the next one's signature does not verify: 401
        admin_cli.ok("webhooks", "test", hook)
        failed, delivered = settled(api, made["id"], 2)
        assert (failed.status, delivered.status) == ("failed", "delivered")

        def row(
            d: WebhookDelivery,
        ) -> str:  # the CLI's row, spaces squeezed: no next attempt once done
            done = f"{d.attempts} {d.last_status} {d.last_error}".strip()
            return f"{d.id} {d.webhook_id} webhook.test {d.status} {done}"

        assert (failed.last_status, failed.last_error) == (401, "HTTP 401")
        assert (delivered.last_status, delivered.last_error, delivered.attempts) == (204, "", 1)
        log = admin_cli.ok("webhooks", "deliveries", hook, "--tz", "UTC")
        lines = rows(log.stdout)
        assert [lines[1], *lines[3:-1]] == [
            "id webhook-id event status attempts last next error",
            row(failed),
            row(delivered),
        ]
        assert log.stderr == ""
        for status, shown in (("failed", failed), ("delivered", delivered)):
            only = admin_cli.ok("webhooks", "deliveries", hook, "--status", status)
            assert rows(only.stdout)[3:-1] == [row(shown)]

        off = rows(admin_cli.ok("webhooks", "show", hook).stdout)
        [active] = [line for line in off if line.startswith("active ")]
        assert active.startswith("active no: disabled ") and active.endswith(
            f"delivery {failed.id} (event {failed.event_id}) failed for 1 s after "
            f"{failed.attempts} attempts; last: HTTP 401"
        )
        admin_cli.ok("webhooks", "update", hook, "--enable")
        receiver.secrets.append(made["secret"])
        admin_cli.ok("webhooks", "test", hook)
        third = settled(api, made["id"], 3)[0]
        cut = admin_cli.ok("webhooks", "deliveries", hook, "--limit", "2")
        assert rows(cut.stdout)[3:-1] == [row(third), row(failed)]
        assert words(cut) == (
            "Showing the first 2 deliveries; more exist (raise --limit, or narrow the filters)."
        )

        quiet = admin_cli.json("webhooks", "add", receiver.url, "--event", "closure.create")
        none = admin_cli.ok("webhooks", "deliveries", str(quiet["id"]))
        assert (none.stdout, words(none)) == ("", "No deliveries.")
