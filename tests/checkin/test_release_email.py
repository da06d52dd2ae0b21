"""The owner of a released booking is told: an email with a cancelling invitation, through
the same outbox as every other change (a real SMTP server in the test process)."""

from __future__ import annotations

from compax_server.services import checkin
from compax_server.services.rules import Limits, set_rules
from tests.conftest import actor_of, at
from tests.notifications.test_email import (  # noqa: F401  (fixtures)
    calendar_of,
    outbox,
    smtp,
    subject,
    to,
)


async def test_the_owner_of_a_no_show_gets_an_email(outbox, staff, member, room, book):  # noqa: F811
    await set_rules(actor_of(staff), "room", room.pk, Limits(requires_checkin=True))
    b = await book(member, room, at(0, 10), at(0, 11), title="Reading group")
    await outbox.deliver()  # what the set-up itself announced
    assert await checkin.release_due(at(0, 10, 15)) == 1
    received = to(await outbox.deliver(), member)
    assert len(received) == 1
    assert subject(received[0]).startswith("Released: Reading group")
    cal = calendar_of(received[0])
    assert cal["METHOD"] == "CANCEL"
    assert b.pk
