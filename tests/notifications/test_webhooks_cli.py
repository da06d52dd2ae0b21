"""``compax webhooks`` against a real ``compax serve`` (private targets allowed, so that it
may subscribe a receiver on 127.0.0.1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.cli.conftest import (  # noqa: F401 - fixtures
    admin_cli,
    api,
    cli,
    no_user_config,
    rows,
    serve,
    tag,
    words,
)
from tests.e2e.servers import LiveServer
from tests.notifications.receiver import Receiver

pytestmark = pytest.mark.slow

GRACE = 86_400  # COMPAX_WEBHOOK_SECRET_GRACE's default: the old secret signs a day more


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve(tmp_path_factory, COMPAX_WEBHOOK_ALLOW_PRIVATE="true")


def test_add_show_update_test_deliveries_redeliver_rotate_delete(admin_cli):  # noqa: F811
    with Receiver() as receiver:
        made = admin_cli.json(
            "webhooks", "add", receiver.url, "--event", "booking.*,closure.create",
            "--description", "mirror",
        )  # fmt: skip
        hook = made["id"]
        assert made["secret"].startswith("whsec_")
        assert made["event_types"] == ["booking.*", "closure.create"]
        wrong = admin_cli("webhooks", "add", receiver.url, "--event", "nope.create")
        assert wrong.exit_code == 2 and "unknown event type nope.create" in wrong.stderr
        assert "--override" not in wrong.stderr
        assert [w["id"] for w in admin_cli.json("webhooks", "list")] == [hook]
        shown = admin_cli.ok("webhooks", "show", str(hook)).output
        assert receiver.url in shown and "whsec_" not in shown

        changed = admin_cli.json("webhooks", "update", str(hook), "--description", "new")
        assert (changed["description"], changed["version"]) == ("new", 2)
        off = admin_cli.json("webhooks", "update", str(hook), "--disable")
        assert off["active"] is False
        assert admin_cli("webhooks", "test", str(hook)).exit_code != 0  # disabled: 409
        assert admin_cli.json("webhooks", "update", str(hook), "--enable")["active"] is True

        queued = admin_cli.json("webhooks", "test", str(hook))
        assert queued["webhook_id"] == f"evt_{queued['event_id']}"
        [logged] = admin_cli.json("webhooks", "deliveries", str(hook), "--status", "pending")
        assert logged["id"] == queued["id"]
        table = admin_cli.ok("webhooks", "deliveries", str(hook), "--tz", "UTC").output
        assert "webhook.test" in table and "pending" in table
        next_at = datetime.fromisoformat(logged["next_attempt_at"]).astimezone(UTC)
        assert next_at.strftime("%Y-%m-%d %H:%M") in table  # --tz after the command

        again = admin_cli.json("webhooks", "redeliver", str(hook), "--delivery", str(logged["id"]))
        assert again["attempts"] == 0
        since = admin_cli.json("webhooks", "redeliver", str(hook), "--since", "2020-01-01 00:00")
        assert since == {"count": 1}
        hour_ago = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
        in_utc = ("webhooks", "redeliver", str(hook), "--since", hour_ago)
        assert admin_cli.json(*in_utc, "--tz", "UTC") == {"count": 1}
        assert admin_cli.json(*in_utc, "--tz", "America/Sao_Paulo") == {"count": 0}  # 2 h ahead
        usage = admin_cli("webhooks", "redeliver", str(hook))
        assert usage.exit_code == 2  # --delivery or --since

        rotated = admin_cli.json("webhooks", "rotate-secret", str(hook))
        assert rotated["secret"] != made["secret"] and rotated["previous_secret_until"]

        admin_cli.ok("webhooks", "delete", str(hook))
        assert admin_cli("webhooks", "show", str(hook)).exit_code != 0
        assert admin_cli.ok("webhooks", "list").output.strip().endswith("No webhooks.")


def test_a_bad_target_is_a_clear_error(admin_cli):  # noqa: F811
    result = admin_cli("webhooks", "add", "ftp://example.org/x")
    assert result.exit_code != 0
    assert "http" in result.output and "Traceback" not in result.output
    result = admin_cli("webhooks", "add", "https://example.org/x", "--event", "nope")
    assert result.exit_code == 2 and " ".join(result.stderr.split()) == (
        "error: --event: unknown event type nope: use change-feed actions (booking.create, "
        "...), a family (booking.*) or *"
    )  # the option that sends event_types
    long = admin_cli("webhooks", "add", "https://example.org/" + "x" * 2000, "--event", "*")
    assert (long.exit_code, long.stderr) == (
        2,
        "error: URL: String should have at most 2000 characters\n",
    )  # the argument, not --url (an option of webhooks update only)
    assert admin_cli.json("webhooks", "list") == []


def test_a_filter_is_set_and_cleared_with_an_empty_value(admin_cli, api):  # noqa: F811
    """``webhooks update --room ''`` (and ``--building ''``, ``--source ''``) means any:
    the one command where an empty value is not refused (``webhooks add --room ''`` is)."""
    t = tag()
    building = api.buildings.create(code=f"W{t}", name="Hall", timezone="Europe/Berlin")
    room = api.rooms.create(code=f"{t}-1", name="Room", building_id=building.id, capacity=9)
    hook = admin_cli.json("webhooks", "add", "http://127.0.0.1:9/f", "--event", "*")["id"]
    try:
        narrowed = admin_cli.json(
            "webhooks", "update", str(hook), "--building", building.code, "--room", room.code,
            "--source", "sis",
        )  # fmt: skip
        assert (narrowed["building_id"], narrowed["room_id"], narrowed["source"]) == (
            building.id,
            room.id,
            "sis",
        )
        # a new target and events; the filters not named (building, room, source) are kept
        moved = admin_cli.json(
            "webhooks", "update", str(hook), "--url", "http://127.0.0.1:9/moved", "--event",
            "booking.*,room.update",
        )  # fmt: skip
        assert {k: moved[k] for k in narrowed if moved[k] != narrowed[k]} == {
            "url": "http://127.0.0.1:9/moved",
            "event_types": ["booking.*", "room.update"],
            "version": narrowed["version"] + 1,
            "updated_at": moved["updated_at"],
        }
        cleared = admin_cli.json(
            "webhooks", "update", str(hook), "--building", "", "--room", "", "--source", ""
        )
        assert (cleared["building_id"], cleared["room_id"], cleared["source"]) == (None, None, None)
        refused = admin_cli("webhooks", "add", "http://127.0.0.1:9/g", "--event", "*", "--room", "")
        assert refused.exit_code == 2
        assert "Invalid value for --room: give a value, or leave the option out" in words(refused)
    finally:
        admin_cli.ok("webhooks", "delete", str(hook))


def test_each_command_says_what_it_did(admin_cli, api):  # noqa: F811
    """What each command prints for a person, whole: the webhook with its filters and its
    building and room by code, the secret once, the list, the queued test, the delivery log
    (cut at ``--limit``), what a redelivery queued, the old secret's grace in ``--tz``."""
    t = tag()
    building = api.buildings.create(code=f"W{t}", name="Hall", timezone="Europe/Berlin")
    room = api.rooms.create(code=f"{t}-1", name="Room", building_id=building.id, capacity=9)
    with Receiver() as receiver:
        made = admin_cli.ok(
            "webhooks", "add", receiver.url, "--event", "booking.*,closure.create",
            "--description", "mirror", "--building", building.code, "--room", room.code,
            "--source", "sis",
        )  # fmt: skip
        hook = int(rows(made.stdout)[1].removeprefix("id "))
        shown = [
            "Webhook",
            f"id {hook}",
            f"url {receiver.url}",
            "events booking.*, closure.create",
            "description mirror",
            f"building W{t}",
            f"room {t}-1",
            "source sis",
            "active yes",
            "version 1",
        ]
        [secret] = rows(made.stdout)[len(shown) :]
        assert rows(made.stdout)[: len(shown)] == shown and secret.startswith("secret whsec_")
        assert words(made) == (
            "The secret is shown only now: give it to the receiver, which checks each "
            "delivery's webhook-signature with it."
        )
        assert rows(admin_cli.ok("webhooks", "show", str(hook)).stdout) == shown
        listed = rows(admin_cli.ok("webhooks", "list").stdout)
        assert listed[1] == "id url events active description"
        assert f"{hook} {receiver.url} booking.*, closure.create yes mirror" in listed

        off = admin_cli.ok("webhooks", "update", str(hook), "--disable", "--source", "")
        listed = rows(admin_cli.ok("webhooks", "list").stdout)
        assert f"{hook} {receiver.url} booking.*, closure.create no mirror" in listed
        assert rows(off.stdout) == [
            *shown[:7], "source", "active no: by hand", "version 2"
        ]  # fmt: skip
        admin_cli.ok("webhooks", "update", str(hook), "--enable")
        queued = [admin_cli.ok("webhooks", "test", str(hook))]
        once = admin_cli.ok("webhooks", "redeliver", str(hook), "--since", "2020-01-01")
        assert (once.stdout, words(once)) == ("", "Queued 1 delivery again.")
        queued.append(admin_cli.ok("webhooks", "test", str(hook)))
        log = api.webhooks.list_deliveries(hook).data  # the newest first
        assert [words(q) for q in queued] == [
            f"Queued test delivery {d.id} ({d.webhook_id})." for d in reversed(log)
        ]
        cut = admin_cli.ok("webhooks", "deliveries", str(hook), "--limit", "1", "--tz", "UTC")
        next_at = log[0].next_attempt_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        assert rows(cut.stdout)[1::2] == [
            "id webhook-id event status attempts last next error",
            f"{log[0].id} {log[0].webhook_id} webhook.test pending 0 {next_at}",
        ]
        assert words(cut) == (
            "Showing the first 1 delivery; more exist (raise --limit, or narrow the filters)."
        )
        one = admin_cli.ok("webhooks", "redeliver", str(hook), "--delivery", str(log[1].id))
        assert words(one) == f"Queued delivery {log[1].id} again."
        for since, said in (("2020-01-01 00:00", "2 deliveries"), ("2999-01-01", "0 deliveries")):
            again = admin_cli.ok("webhooks", "redeliver", str(hook), "--since", since)
            assert (again.stdout, words(again)) == ("", f"Queued {said} again.")

        tokyo = ZoneInfo("Asia/Tokyo")
        before = datetime.now(tokyo) + timedelta(seconds=GRACE)
        rotated = admin_cli.ok("webhooks", "rotate-secret", str(hook), "--tz", "Asia/Tokyo")
        after = datetime.now(tokyo) + timedelta(seconds=GRACE)
        assert rows(rotated.stdout)[:-1] == [
            *shown[:7], "source", "active yes", "version 4"
        ]  # fmt: skip
        assert rows(rotated.stdout)[-1].startswith("secret whsec_") and secret not in rotated.stdout
        grace = {f"{moment:%Y-%m-%d %H:%M}" for moment in (before, after)}
        assert {words(rotated)} & {
            "The secret is shown only now: give it to the receiver, which checks each "
            f"delivery's webhook-signature with it. The old secret also signs until {until}."
            for until in grace
        }
        neither = admin_cli("webhooks", "redeliver", str(hook))
        assert neither.exit_code == 2
        assert "Invalid value for --delivery: give --delivery ID or --since TIME" in words(neither)
        bad = admin_cli("webhooks", "redeliver", str(hook), "--since", "soon")
        assert bad.exit_code == 2
        assert "Invalid value for --since: 'soon' is not a time" in words(bad).replace("│ ", "")

        # --json after the command, as before it
        def after(*args: str) -> Any:
            return json.loads(admin_cli.ok("webhooks", *args, str(hook), "--json").stdout)

        assert after("show")["id"] == hook
        assert after("update", "--description", "again")["description"] == "again"
        assert after("test")["webhook_id"].startswith("evt_")
        assert [d["status"] for d in after("deliveries")] == ["pending"] * 3
        assert after("redeliver", "--since", "2020-01-01") == {"count": 3}
        assert after("rotate-secret")["secret"].startswith("whsec_")
        assert hook in [
            w["id"] for w in json.loads(admin_cli.ok("webhooks", "list", "--json").stdout)
        ]
        deleted = admin_cli.ok("webhooks", "delete", str(hook))
        assert (deleted.stdout, words(deleted)) == ("", f"Deleted webhook {hook}.")
        added = admin_cli.ok("webhooks", "add", receiver.url, "--event", "*", "--json")
        other = json.loads(added.stdout)["id"]
        gone = admin_cli.ok("webhooks", "delete", str(other), "--json")
        assert (json.loads(gone.stdout), gone.stderr) == ({"deleted": other}, "")
        assert admin_cli("webhooks", "show", str(other)).exit_code == 3
