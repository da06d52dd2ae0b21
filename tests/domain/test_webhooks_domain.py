"""domain.webhooks: event names and patterns, Standard Webhooks signatures, the retry
schedule and the addresses a target may not have."""

from __future__ import annotations

import base64
import ipaddress
import random

import pytest

from compax_server.domain import webhooks

ALL_EVENTS = {
    "api_key.create", "api_key.revoke",
    "booking.approve", "booking.auto_reject", "booking.cancel", "booking.check_in",
    "booking.create", "booking.reject", "booking.release", "booking.update",
    "booking.lapse",
    "building.create", "building.delete", "building.update",
    "closure.create", "closure.delete",
    "feature.create",
    "import.apply",
    "import.cancel.booking", "import.cancel.series", "import.create.booking",
    "import.create.series", "import.update.booking", "import.update.series",
    "manager.add", "manager.remove",
    "room.create", "room.delete", "room.display_token", "room.display_token_revoke",
    "room.update",
    "rules.delete", "rules.set",
    "series.add_date", "series.cancel", "series.create", "series.update",
    "term.create", "term.delete", "term.update",
    "user.create", "user.lift_noshows", "user.update",
    "waitlist.accept", "waitlist.close", "waitlist.decline", "waitlist.expire",
    "waitlist.join", "waitlist.leave", "waitlist.offer", "waitlist.withdraw",
    "webhook.create", "webhook.delete", "webhook.disable", "webhook.redeliver",
    "webhook.rotate_secret", "webhook.update",
}  # fmt: skip


def test_the_event_types():
    assert webhooks.EVENT_TYPES == ALL_EVENTS
    assert webhooks.NEVER == ("auth.", "webhook.test", "favourite.")
    assert webhooks.TEST_EVENT == "webhook.test"


@pytest.mark.parametrize(
    ("pattern", "valid"),
    [
        ("*", True),
        ("booking.create", True),
        ("webhook.rotate_secret", True),
        ("booking.*", True),
        ("import.create.*", True),
        ("import.*", True),
        ("booking", False),
        ("booking.delete", False),
        ("nothing.*", False),
        ("book.*", False),  # a prefix ends at a dot
        ("booking.*x", False),
        ("*.*", False),
        ("", False),
        ("auth.login", False),
    ],
)
def test_valid_patterns(pattern, valid):
    assert webhooks.valid_pattern(pattern) is valid


@pytest.mark.parametrize(
    ("patterns", "action", "hit"),
    [
        (["*"], "room.create", True),
        (["room.create"], "room.create", True),
        (["room.update"], "room.create", False),
        (["booking.*"], "booking.create", True),
        (["booking.*"], "bookings.create", False),
        (["booking.*"], "booking", False),
        (["import.create.*"], "import.create.series", True),
        (["import.create.*"], "import.update.series", False),
        (["booking"], "booking.create", False),
        (["room.*", "term.update", "booking.create"], "booking.create", True),
        (["room.*", "term.update"], "booking.create", False),
        ([], "booking.create", False),
    ],
)
def test_matches(patterns, action, hit):
    assert webhooks.matches(patterns, action) is hit


def test_security_events_and_test_pings_are_never_delivered():
    assert webhooks.deliverable("booking.create")
    assert webhooks.deliverable("webhook.create")
    assert not webhooks.deliverable("auth.login")
    assert not webhooks.deliverable("auth.refresh_reused")
    assert not webhooks.deliverable("webhook.test")


def test_a_new_secret_is_whsec_and_24_random_bytes():
    one, two = webhooks.new_secret(), webhooks.new_secret()
    assert one.startswith("whsec_")
    assert len(one) == len("whsec_") + 32
    assert len(base64.b64decode(one[len("whsec_") :])) == 24
    assert len(webhooks.secret_key(one)) == 24
    assert one != two


def test_secret_key_decodes_after_the_prefix():
    assert webhooks.SECRET_PREFIX == "whsec_"
    assert webhooks.secret_key("whsec_" + base64.b64encode(b"compax").decode()) == b"compax"
    assert webhooks.secret_key(base64.b64encode(b"bare").decode()) == b"bare"


def test_message_ids():
    assert webhooks.message_id(42) == "evt_42"


# The example of the Standard Webhooks specification (its reference libraries' tests).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIME = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_signature_is_the_standard_webhooks_one():
    assert webhooks.sign([SPEC_SECRET], SPEC_ID, SPEC_TIME, SPEC_BODY) == SPEC_SIGNATURE


def test_during_a_rotation_both_secrets_sign():
    other = "whsec_" + base64.b64encode(b"another secret key of 24b").decode()
    got = webhooks.sign([SPEC_SECRET, other], SPEC_ID, SPEC_TIME, SPEC_BODY)
    first, second = got.split(" ")
    assert first == SPEC_SIGNATURE
    assert second.startswith("v1,")
    assert second != SPEC_SIGNATURE
    assert webhooks.sign([], SPEC_ID, SPEC_TIME, SPEC_BODY) == ""


def test_the_signature_covers_id_timestamp_and_body():
    base = webhooks.sign([SPEC_SECRET], SPEC_ID, SPEC_TIME, SPEC_BODY)
    assert webhooks.sign([SPEC_SECRET], SPEC_ID + "x", SPEC_TIME, SPEC_BODY) != base
    assert webhooks.sign([SPEC_SECRET], SPEC_ID, SPEC_TIME + 1, SPEC_BODY) != base
    assert webhooks.sign([SPEC_SECRET], SPEC_ID, SPEC_TIME, SPEC_BODY + b" ") != base


class Highest(random.Random):
    """Draws the top of the range, so that the step of the schedule shows."""

    def uniform(self, a: float, b: float) -> float:
        assert a == 0
        return b


def test_the_default_retry_schedule():
    assert webhooks.SCHEDULE == (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)


@pytest.mark.parametrize(
    ("attempts", "ceiling"),
    [
        (-1, 5.0),
        (0, 5.0),
        (1, 5.0),
        (2, 300.0),
        (3, 1800.0),
        (6, 36000.0),
        (7, 36000.0),
        (50, 36000.0),
    ],
)
def test_the_retry_delay_is_drawn_below_the_step_of_the_schedule(attempts, ceiling):
    assert webhooks.retry_delay(attempts, rng=Highest()) == ceiling


def test_a_custom_schedule_repeats_its_last_step():
    schedule = (1.0, 2.0, 3.0)
    assert [webhooks.retry_delay(n, schedule, Highest()) for n in range(1, 6)] == [
        1.0, 2.0, 3.0, 3.0, 3.0,
    ]  # fmt: skip


def test_the_delay_is_a_uniform_draw():
    assert webhooks.retry_delay(2, rng=random.Random(7)) == random.Random(7).uniform(0, 300.0)
    random.seed(11)
    expected = random.Random(11).uniform(0, 1800.0)
    assert webhooks.retry_delay(3) == expected


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("0.0.0.0", "0.0.0.0 is a unspecified address"),
        ("::", ":: is a unspecified address"),
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("::1", "::1 is a loopback address"),
        ("::ffff:127.0.0.1", "127.0.0.1 is a loopback address"),
        ("169.254.1.1", "169.254.1.1 is a link-local address"),
        ("fe80::1", "fe80::1 is a link-local address"),
        ("224.0.0.1", "224.0.0.1 is a multicast address"),
        ("ff02::1", "ff02::1 is a multicast address"),
        ("10.0.0.1", "10.0.0.1 is a private address"),
        ("::ffff:10.1.2.3", "10.1.2.3 is a private address"),
        ("192.168.1.20", "192.168.1.20 is a private address"),
        ("4000::1", "4000::1 is a reserved address"),
        ("100.64.0.1", "100.64.0.1 is a not globally routable address"),
        ("8.8.8.8", None),
        ("::ffff:4.4.4.4", None),
        ("2001:4860:4860::8888", None),
    ],
)
def test_refused_addresses(address, why):
    assert webhooks.refused_address(ipaddress.ip_address(address)) == why
