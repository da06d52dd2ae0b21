"""What the booking rules (``services/rules.py``) promise at their edges, written to kill the
mutants that survived the API tests and ``test_write_path_mutants.py`` (docs/testing.md lists
them): a change of the rules reaches the release of no-shows at once, and a manager's rights
follow the level they manage, never a number that happens to be equal.

Times are in the fixed week of ``tests.conftest.at`` (years ahead, see tests/dates.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from compax_server.db.bookings import Booking, Status
from compax_server.db.series import BookingRule
from compax_server.errors import NotFound
from compax_server.services import checkin, rules
from tests.conftest import actor_of, at, bearer

RULES = "/api/v1/rules"


async def add_annex(client, admin) -> int:
    """A second building, B2; returns its id."""
    r = await client.post(
        "/api/v1/buildings",
        json={"code": "B2", "name": "Annex", "timezone": "Europe/Berlin"},
        headers=bearer(admin),
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_a_rule_requiring_check_in_binds_the_next_release_at_once(
    client, staff, member, room, book, monkeypatch
):
    """The release remembers what the rules say about check-in; a change of the rules must
    forget it in the process that made it. The memory lasts an hour here, so only the
    forgetting can help."""
    monkeypatch.setattr(checkin, "SUMMARY_TTL", 3600.0)
    missed = await book(member, room, at(0, 10), at(0, 11))
    assert await checkin.release_due(at(0, 12)) == 0  # no rule: "nothing to release" remembered
    r = await client.put(
        f"{RULES}/room/{room.pk}", json={"requires_checkin": True}, headers=bearer(staff)
    )
    assert r.status_code == 200, r.text
    assert await checkin.release_due(at(0, 12)) == 1
    assert (await Booking.get(id=missed.pk)).status == Status.released


async def manager_of(client: Any, admin: Any, user: Any, building_id: int) -> None:
    r = await client.post(
        f"/api/v1/buildings/{building_id}/managers",
        json={"user_id": user.pk},
        headers=bearer(admin),
    )
    assert r.status_code in (200, 201), r.text


async def test_a_building_manager_may_not_set_the_rules_of_a_room_with_the_same_id(
    client, admin, staff, make_user, make_room, building
):
    """The manager of building 2 manages none of building 1's rooms, room 2 among them. Their
    ids are equal on purpose: only the level (room or building) tells them apart."""
    annex = await add_annex(client, admin)
    rooms = [await make_room() for _ in range(annex)]
    same_id = next(room for room in rooms if room.pk == annex)
    assert same_id.building_id == building.pk != annex
    manager = await make_user()
    await manager_of(client, admin, manager, annex)

    path = f"{RULES}/room/{same_id.pk}"
    refused = await client.put(path, json={"max_duration_minutes": 60}, headers=bearer(manager))
    assert refused.status_code == 403, refused.text
    assert await BookingRule.all().count() == 0
    r = await client.put(path, json={"max_duration_minutes": 60}, headers=bearer(staff))
    assert r.status_code == 200, r.text
    not_removed = await client.delete(path, headers=bearer(manager))
    assert not_removed.status_code == 403, not_removed.text
    assert await BookingRule.filter(scope="room", scope_id=same_id.pk).count() == 1
    own = await client.put(
        f"{RULES}/building/{annex}", json={"horizon_days": 30}, headers=bearer(manager)
    )
    assert own.status_code == 200, own.text


async def test_the_rules_of_two_rooms_are_two_levels_listed_in_id_order(client, staff, make_room):
    """Each room has its own level: setting the second room's leaves the first's alone, the
    list is in (scope, id) order whatever the order they were set in, and removing one room's
    rules removes only that room's."""
    first, second = await make_room(), await make_room()
    for room, limit in ((second, 90), (first, 60)):
        r = await client.put(
            f"{RULES}/room/{room.pk}", json={"max_duration_minutes": limit}, headers=bearer(staff)
        )
        assert r.status_code == 200, r.text
    listed = (await client.get(RULES, headers=bearer(staff))).json()["data"]
    assert [(r["scope_id"], r["max_duration_minutes"]) for r in listed] == [
        (first.pk, 60),
        (second.pk, 90),
    ]
    gone = await client.delete(f"{RULES}/room/{second.pk}", headers=bearer(staff))
    assert gone.status_code == 204, gone.text
    left = (await client.get(RULES, headers=bearer(staff))).json()["data"]
    assert [(r["scope_id"], r["max_duration_minutes"]) for r in left] == [(first.pk, 60)]


async def test_setting_a_level_answers_with_it_as_the_list_shows_it(client, staff, room):
    """``PUT`` answers with the whole level, limits not given as ``null``; the global level
    is ``scope_id`` 0."""
    answers = []
    for path, limits in (
        ("global", {"max_hours_per_week": 10, "requires_checkin": True}),
        (f"room/{room.pk}", {"max_duration_minutes": 90}),
    ):
        r = await client.put(f"{RULES}/{path}", json=limits, headers=bearer(staff))
        assert r.status_code == 200, r.text
        answers.append(r.json())
    glob, scoped = answers
    assert (glob["scope"], glob["scope_id"]) == ("global", 0)
    assert (scoped["scope"], scoped["scope_id"]) == ("room", room.pk)
    assert (glob["max_hours_per_week"], glob["requires_checkin"]) == (10, True)
    assert glob["checkin_since"] is not None and scoped["checkin_since"] is None
    assert scoped["max_duration_minutes"] == 90
    for limit in ("max_duration_minutes", "horizon_days", "noshow_limit"):
        assert glob[limit] is None, limit
    assert scoped["max_hours_per_week"] is None
    listed = (await client.get(RULES, headers=bearer(staff))).json()["data"]
    assert listed == [glob, scoped]


async def test_a_key_that_may_only_read_lists_the_rules(client, admin, staff):
    r = await client.post(
        "/api/v1/api-keys",
        json={"user_id": staff.pk, "name": "rules report", "scopes": ["read"]},
        headers=bearer(admin),
    )
    assert r.status_code == 201, r.text
    listed = await client.get(RULES, headers={"X-API-Key": r.json()["secret"]})
    assert listed.status_code == 200, listed.text
    assert listed.json()["data"] == []


async def test_the_rules_of_a_missing_room_are_a_404_naming_it(client, staff):
    r = await client.put(
        f"{RULES}/room/9999", json={"max_duration_minutes": 60}, headers=bearer(staff)
    )
    assert r.status_code == 404, r.text
    assert r.json()["detail"] == "room 9999 does not exist"


async def test_requiring_check_in_again_keeps_the_date_it_was_first_required(
    client, staff, room, login_clock
):
    """Bookings that started before a rule required check-in are spared; setting the same
    level again (another limit changed) must not move that date."""
    path = f"{RULES}/room/{room.pk}"
    r = await client.put(path, json={"requires_checkin": True}, headers=bearer(staff))
    assert r.status_code == 200, r.text
    since = (await BookingRule.get(scope="room", scope_id=room.pk)).checkin_since
    assert since is not None
    login_clock.advance(3600)  # the clock of check-in (services.limits.now) moves on
    again = await client.put(
        path, json={"requires_checkin": True, "max_duration_minutes": 60}, headers=bearer(staff)
    )
    assert again.status_code == 200, again.text
    stored = await BookingRule.get(scope="room", scope_id=room.pk)
    assert (stored.checkin_since, stored.max_duration_minutes) == (since, 60)


async def test_the_global_level_has_no_id_whatever_the_caller_passes(staff):
    """The API passes 0 for the global level (and has no route to remove it); the service,
    which other callers use, keeps one global level whatever id it is given."""
    actor = actor_of(staff)
    await rules.set_rules(actor, "global", 7, rules.Limits(horizon_days=30))
    stored = await BookingRule.all()
    assert [(r.scope, r.scope_id, r.horizon_days) for r in stored] == [("global", 0, 30)]
    await rules.delete_rules(actor, "global", 7)
    assert await BookingRule.all().count() == 0
    with pytest.raises(NotFound) as missing:
        await rules.delete_rules(actor, "global", 0)
    assert missing.value.detail == "no rules are set for global"


async def test_each_limit_comes_from_the_most_specific_level_that_sets_it(
    client, admin, staff, building, make_room
):
    """Room over building over global, limit by limit: a level that leaves a limit unset
    (``null``) takes it from the level above, and the rules of other rooms and buildings
    play no part. The levels are set from the least specific up (the order the rows are
    read in), so a level that merely came first cannot win."""
    annex = await add_annex(client, admin)
    own, plain = await make_room(), await make_room()
    elsewhere = await make_room(building_id=annex)
    for path, limits in (
        (f"room/{plain.pk + 100}", None),  # no such room: refused, nothing stored
        (f"building/{annex}", {"max_bookings_per_week": 3}),  # read first, matches neither
        ("global", {"max_duration_minutes": 240, "horizon_days": 400, "min_notice_minutes": 10}),
        (f"building/{building.pk}", {"max_duration_minutes": 120, "horizon_days": 30}),
        (f"room/{own.pk}", {"max_duration_minutes": 60, "min_notice_minutes": 5}),
    ):
        r = await client.put(f"{RULES}/{path}", json=limits or {}, headers=bearer(staff))
        assert r.status_code == (404 if limits is None else 200), r.text
    assert await rules.limits_for(own.pk, building.pk) == rules.Limits(
        max_duration_minutes=60, horizon_days=30, min_notice_minutes=5
    )
    assert await rules.limits_for(plain.pk, building.pk) == rules.Limits(
        max_duration_minutes=120, horizon_days=30, min_notice_minutes=10
    )
    assert await rules.limits_for(elsewhere.pk, annex) == rules.Limits(
        max_duration_minutes=240,
        horizon_days=400,
        min_notice_minutes=10,
        max_bookings_per_week=3,
    )
