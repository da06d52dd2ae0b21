"""``PATCH /rules/...``: change some limits of a level and keep the others, even those
someone else changed meanwhile (``PUT`` replaces the whole level; a client that read the
level, changed one limit and put it back lost what another wrote in between)."""

from __future__ import annotations

from typing import Any

from compax_server.db.audit import AuditEvent
from compax_server.db.series import BookingRule
from tests.conftest import bearer, refused_field

RULES = "/api/v1/rules"


async def change(client: Any, user: Any, level: str, **limits: Any) -> Any:
    return await client.patch(f"{RULES}/{level}", json=limits, headers=bearer(user))


async def stored(scope: str, scope_id: int = 0) -> dict[str, Any]:
    rule = await BookingRule.get(scope=scope, scope_id=scope_id)
    return {
        "max_duration_minutes": rule.max_duration_minutes,
        "horizon_days": rule.horizon_days,
        "min_notice_minutes": rule.min_notice_minutes,
        "requires_checkin": rule.requires_checkin,
        "checkin_since": rule.checkin_since,
    }


async def test_a_change_sets_the_limits_given_and_keeps_the_others(client, staff, room):
    """The level is made by its first change; a later change keeps what it does not name;
    ``null`` clears one limit; the answer and the audit log show the whole level."""
    made = await change(client, staff, f"room/{room.pk}", max_duration_minutes=120)
    assert made.status_code == 200, made.text
    assert (made.json()["scope"], made.json()["scope_id"]) == ("room", room.pk)
    assert (made.json()["max_duration_minutes"], made.json()["horizon_days"]) == (120, None)
    more = await change(client, staff, f"room/{room.pk}", horizon_days=30, min_notice_minutes=60)
    assert more.status_code == 200, more.text
    assert await stored("room", room.pk) == {
        "max_duration_minutes": 120,
        "horizon_days": 30,
        "min_notice_minutes": 60,
        "requires_checkin": None,
        "checkin_since": None,
    }
    cleared = await change(client, staff, f"room/{room.pk}", horizon_days=None)
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["horizon_days"], cleared.json()["max_duration_minutes"]) == (None, 120)
    last = await AuditEvent.filter(action="rules.set").order_by("-id").first()
    assert last is not None and last.entity_type == "rules.room" and last.entity_id == room.pk
    assert (last.before["horizon_days"], last.after["horizon_days"]) == (30, None)
    assert last.after["max_duration_minutes"] == 120 and last.after["min_notice_minutes"] == 60


async def test_check_in_starts_binding_when_it_is_required_not_when_another_limit_changes(
    client, staff
):
    """``checkin_since`` is set when check-in becomes required; a change of another limit
    keeps it (bookings made in between stay spared); clearing check-in clears it."""
    required = await change(client, staff, "global", requires_checkin=True)
    assert required.status_code == 200, required.text
    since = (await stored("global"))["checkin_since"]
    assert since is not None
    other = await change(client, staff, "global", max_duration_minutes=60)
    assert other.status_code == 200, other.text
    assert (await stored("global"))["checkin_since"] == since
    again = await change(client, staff, "global", requires_checkin=True)
    assert again.status_code == 200 and (await stored("global"))["checkin_since"] == since
    cleared = await change(client, staff, "global", requires_checkin=None)
    assert cleared.status_code == 200 and (await stored("global"))["checkin_since"] is None


async def test_two_changes_at_once_both_keep_their_limit(client, staff, building, first_held):
    """The second change waits for the first (``db.serialize``) and reads what it wrote:
    the building's level, made by the first, has both limits. On PostgreSQL without the
    wait the second would make the level again (a unique violation) or write the first's
    limit back as it was."""
    level = f"building/{building.pk}"
    outcomes = await first_held(
        change(client, staff, level, max_duration_minutes=90),
        lambda: change(client, staff, level, horizon_days=14),
    )
    assert [r.status_code for r in outcomes] == [200, 200], [r.text for r in outcomes]
    assert outcomes[1].json()["max_duration_minutes"] == 90
    kept = await stored("building", building.pk)
    assert (kept["max_duration_minutes"], kept["horizon_days"]) == (90, 14)
    assert await BookingRule.filter(scope="building").count() == 1


async def test_a_bad_change_is_a_400_or_404_and_writes_nothing(client, staff, member, room):
    """Nothing named, a limit unknown, a wrong type or a number out of range is a 400
    naming it; a level that does not exist a 404; a member a 403 (also for ``{}``). No level
    is made."""
    nothing = await change(client, staff, f"room/{room.pk}")
    refused_field(nothing, "", "name at least one limit to change", "empty")
    assert nothing.json()["detail"] == "body: name at least one limit to change"
    unknown = await change(client, staff, "global", max_length=5)
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["pointer"] == "/max_length"
    text = await change(client, staff, "global", horizon_days="30")
    assert text.status_code == 400 and text.json()["errors"][0]["pointer"] == "/horizon_days"
    negative = await change(client, staff, "global", min_notice_minutes=-1)
    assert negative.status_code == 400
    assert negative.json()["errors"][0]["code"] == "greater_than_equal"
    missing = await change(client, staff, "room/999999", max_duration_minutes=60)
    assert missing.status_code == 404, missing.text
    floor = await change(client, staff, f"floor/{room.pk}", max_duration_minutes=60)
    assert floor.status_code in (400, 404), floor.text
    member_refused = await change(client, member, "global", max_duration_minutes=1)
    assert member_refused.status_code == 403, member_refused.text
    # who may not change the level hears that first, not how to word a change
    empty_from_member = await change(client, member, "global")
    assert empty_from_member.status_code == 403, empty_from_member.text
    assert await BookingRule.all().count() == 0
    assert not await AuditEvent.filter(action="rules.set").exists()
