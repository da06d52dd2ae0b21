"""Two joins of one person at the same moment: the second waits for the first, then sees
its entry. Before, on PostgreSQL both could count the open entries (or look for the same
one) before either was written: the same wish twice, or one entry past the limit."""

from __future__ import annotations

from compax_server import runtime
from compax_server.db.waitlist import WaitlistEntry
from compax_server.errors import Conflict, RuleViolation
from compax_server.services import waitlist
from tests.conftest import actor_of, at


async def test_the_same_wish_twice_at_once_is_one_entry(first_held, make_user, room):
    member = actor_of(await make_user())
    wish = waitlist.Join(title="Study", start=at(0, 10), end=at(0, 11), room_id=room.pk)
    made, again = await first_held(waitlist.join(member, wish), lambda: waitlist.join(member, wish))
    assert isinstance(made, WaitlistEntry) and isinstance(again, Conflict)
    assert again.extra["entry_id"] == made.pk
    assert await WaitlistEntry.filter(user_id=member.user_id).count() == 1


async def test_two_joins_at_once_at_the_limit_make_one(
    first_held, make_user, make_room, monkeypatch
):
    monkeypatch.setattr(runtime.settings(), "waitlist_max_entries", 1)
    member = actor_of(await make_user())
    one, two = await make_room(), await make_room()
    made, refused = await first_held(
        waitlist.join(member, waitlist.Join("A", at(0, 10), at(0, 11), room_id=one.pk)),
        lambda: waitlist.join(member, waitlist.Join("B", at(0, 10), at(0, 11), room_id=two.pk)),
    )
    assert isinstance(made, WaitlistEntry) and isinstance(refused, RuleViolation)
    assert refused.extra["errors"][0]["rule"] == "waitlist_limit"
    assert await WaitlistEntry.filter(user_id=member.user_id).count() == 1
