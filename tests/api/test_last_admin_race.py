"""Two administrators demoting or deactivating each other at the same moment: one change
goes through, the other is refused as the last administrator's. Before, on PostgreSQL both
counted the other as remaining, and the campus was left with no administrator."""

from __future__ import annotations

from compax_server.db.users import Role, User, active_admins
from compax_server.errors import RuleViolation
from compax_server.services import users
from tests.conftest import actor_of


async def test_two_admins_demoting_each_other_leave_one(first_held, make_user):
    ada, bea = await make_user(Role.admin), await make_user(Role.admin)
    assert await active_admins().count() == 2
    first, second = await first_held(
        users.update_user(actor_of(ada), bea.pk, role=Role.member),
        lambda: users.update_user(actor_of(bea), ada.pk, is_active=False),
    )
    assert isinstance(first, User) and first.role == Role.member
    assert isinstance(second, RuleViolation)
    assert second.extra["errors"][0]["rule"] == "last_admin"
    assert [u.pk for u in await active_admins()] == [ada.pk]
