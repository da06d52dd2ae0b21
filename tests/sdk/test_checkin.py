"""``client.bookings.check_in`` and ``checkin_window``, and the rules' check-in settings,
with both clients (sync and async) and the controlled clock."""

from __future__ import annotations

import pytest

from compax_sdk import (
    CheckedInBooking,
    CheckinClosedError,
    CheckinWindow,
    DisplayTokenCreated,
    DisplayTokensRevoked,
    NoshowsLifted,
    NotFoundError,
    PermissionDeniedError,
)
from tests.conftest import at


async def test_check_in_inside_the_window_and_a_clear_error_outside(
    connect, staff, member, make_user, room, book, login_clock
):
    rules = await connect(staff).rules.set(
        "room", room.pk, requires_checkin=True, checkin_opens_minutes=5
    )
    assert rules.requires_checkin is True and rules.checkin_since is not None
    b = await book(member, room, at(0, 10), at(0, 11))
    c = connect(member)
    window = await c.bookings.checkin_window(b.pk)
    assert isinstance(window, CheckinWindow)
    assert (window.required, window.opens_at, window.closes_at) == (
        True,
        at(0, 9, 55),
        at(0, 10, 15),
    )
    login_clock.now = at(0, 9, 50).timestamp()
    with pytest.raises(CheckinClosedError) as early:
        await c.bookings.check_in(b.pk)
    assert (early.value.opens_at, early.value.closes_at) == (at(0, 9, 55), at(0, 10, 15))
    with pytest.raises(NotFoundError):
        await connect(await make_user()).bookings.check_in(b.pk)
    login_clock.now = at(0, 10, 1).timestamp()
    done = await c.bookings.check_in(b.pk)
    assert isinstance(done, CheckedInBooking)
    assert done.checked_in_at == at(0, 10, 1) and done.checkin.required
    assert (await c.bookings.get(b.pk)).checked_in_at == at(0, 10, 1)


async def test_display_tokens_are_made_and_revoked_by_staff_only(connect, staff, member, room):
    made = await connect(staff).rooms.create_display_token(room.pk)
    assert isinstance(made, DisplayTokenCreated)
    assert made.token.startswith("cxd_") and made.url_path == f"/display/{made.token}"
    with pytest.raises(PermissionDeniedError):
        await connect(member).rooms.create_display_token(room.pk)
    revoked = await connect(staff).rooms.revoke_display_tokens(room.pk)
    assert isinstance(revoked, DisplayTokensRevoked) and revoked.revoked == 1


async def test_staff_lift_a_members_no_show_ban(connect, staff, member):
    lifted = await connect(staff).users.lift_noshows(member.pk)
    assert isinstance(lifted, NoshowsLifted) and lifted.user_id == member.pk
    with pytest.raises(PermissionDeniedError):
        await connect(member).users.lift_noshows(member.pk)
