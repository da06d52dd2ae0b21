"""Two changes of one subscription at once are taken one after the other: the second reads
what the first wrote (the row is locked for update inside the change's transaction). The
first change is held open just before it commits while the second starts (``first_held``,
tests/conftest.py)."""

from __future__ import annotations

from compax_server.db.notifications import WebhookSubscription
from compax_server.domain.versions import ANY, Expected
from compax_server.errors import NotFound, PreconditionFailed, RuleViolation
from compax_server.services import webhooks
from tests.conftest import actor_of

PUBLIC = "https://93.184.215.14/hooks"


async def test_two_updates_from_the_same_version_one_wins(first_held, staff):
    actor = actor_of(staff)
    sub, _ = await webhooks.create_subscription(actor, url=PUBLIC, event_types=["*"])
    seen = Expected(versions=frozenset({sub.version}))
    first, second = await first_held(
        webhooks.update_subscription(actor, sub.pk, expected=seen, description="first"),
        lambda: webhooks.update_subscription(actor, sub.pk, expected=seen, description="second"),
    )
    assert first.description == "first" and first.version == 2
    assert isinstance(second, PreconditionFailed)  # it saw version 1, which is gone
    stored = await WebhookSubscription.get(id=sub.pk)
    assert (stored.description, stored.version) == ("first", 2)


async def test_two_rotations_at_once_keep_the_chain_of_secrets(first_held, staff):
    actor = actor_of(staff)
    sub, original = await webhooks.create_subscription(actor, url=PUBLIC, event_types=["*"])
    (_, first_secret), (_, second_secret) = await first_held(
        webhooks.rotate_secret(actor, sub.pk), lambda: webhooks.rotate_secret(actor, sub.pk)
    )
    stored = await WebhookSubscription.get(id=sub.pk)
    # The second rotated what the first made: the first's secret still signs for the grace.
    assert (stored.secret, stored.previous_secret) == (second_secret, first_secret)
    assert stored.version == 3 and original not in (stored.secret, stored.previous_secret)


async def test_an_update_waiting_for_a_delete_finds_nothing(first_held, staff):
    actor = actor_of(staff)
    sub, _ = await webhooks.create_subscription(actor, url=PUBLIC, event_types=["*"])
    gone, update = await first_held(
        webhooks.delete_subscription(actor, sub.pk),
        lambda: webhooks.update_subscription(actor, sub.pk, expected=ANY, description="late"),
    )
    assert gone is None and isinstance(update, NotFound)
    assert not await WebhookSubscription.filter(id=sub.pk).exists()


async def test_two_creates_at_the_limit_make_one(first_held, staff, monkeypatch):
    monkeypatch.setattr(webhooks, "MAX_SUBSCRIPTIONS", 3)
    actor = actor_of(staff)
    for _ in range(2):
        await webhooks.create_subscription(actor, url=PUBLIC, event_types=["*"])
    made, refused = await first_held(
        webhooks.create_subscription(actor, url=PUBLIC, event_types=["*"]),
        lambda: webhooks.create_subscription(actor, url=PUBLIC, event_types=["*"]),
    )
    assert made[0].pk and isinstance(refused, RuleViolation)
    assert refused.extra["errors"] == [{"rule": "webhook_limit", "detail": "at most 3"}]
    assert await WebhookSubscription.all().count() == 3
