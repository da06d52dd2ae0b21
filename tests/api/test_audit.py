"""The audit log and the change feed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.conftest import at, bearer


async def test_the_change_feed_returns_every_change_once_in_order(client, staff, room, book):
    h = bearer(staff)
    first = await client.get("/api/v1/changes", params={"limit": 200}, headers=h)
    assert first.status_code == 200
    seen = [e["id"] for e in first.json()["data"]]
    cursor = first.json()["next_cursor"]
    for day in range(3):
        await book(staff, room, at(day, 9), at(day, 10))
    new_ids = []
    while True:
        page = (
            await client.get("/api/v1/changes", params={"since": cursor, "limit": 2}, headers=h)
        ).json()
        if not page["data"]:
            assert page["next_cursor"] == cursor  # nothing new: same position, poll again later
            break
        new_ids += [e["id"] for e in page["data"]]
        cursor = page["next_cursor"]
    assert len(new_ids) == 3
    assert new_ids == sorted(new_ids) and not set(new_ids) & set(seen)
    events = (
        await client.get("/api/v1/audit-events", params={"entity_type": "booking"}, headers=h)
    ).json()["data"]
    assert [e["action"] for e in events] == ["booking.create"] * 3
    assert events[0]["after"]["status"] == "confirmed"


async def test_members_cannot_read_the_audit_log(client, member):
    assert (await client.get("/api/v1/changes", headers=bearer(member))).status_code == 403
    assert (await client.get("/api/v1/audit-events", headers=bearer(member))).status_code == 403


async def test_a_forged_cursor_is_400(client, staff):
    r = await client.get("/api/v1/changes", params={"since": "not-a-cursor"}, headers=bearer(staff))
    assert r.status_code == 400
    assert r.json()["errors"][0]["pointer"] == "/since"


async def test_the_audit_log_can_be_read_newest_first(client, staff, room, book):
    for day in range(3):
        await book(staff, room, at(day, 9), at(day, 10))
    newest = (
        await client.get(
            "/api/v1/audit-events", params={"order": "desc", "limit": 2}, headers=bearer(staff)
        )
    ).json()
    rest = (
        await client.get(
            "/api/v1/audit-events",
            params={"order": "desc", "limit": 2, "cursor": newest["next_cursor"]},
            headers=bearer(staff),
        )
    ).json()
    ids = [e["id"] for e in newest["data"] + rest["data"]]
    assert ids == sorted(ids, reverse=True)


def _offset(moment: datetime, hours: int) -> str:
    """``moment`` written with another UTC offset (the same instant)."""
    return moment.astimezone(timezone(timedelta(hours=hours))).isoformat()


async def test_time_filters_compare_instants_whatever_the_offset(client, staff, room, book):
    # issue 11 item 7: on SQLite, where times are text, ``from`` with +01:00 found nothing
    # and ``to`` with +01:00 returned everything
    h = bearer(staff)
    for day in range(3):
        await book(staff, room, at(day, 9), at(day, 10))
    everything = (await client.get("/api/v1/audit-events", params={"limit": 200}, headers=h)).json()
    events = [(e["id"], datetime.fromisoformat(e["at"])) for e in everything["data"]]
    middle = events[-2][1]
    for hours in (1, -5, 14, -12, 0):
        for name, keep in (("from", lambda t: t >= middle), ("to", lambda t: t < middle)):
            r = await client.get(
                "/api/v1/audit-events",
                params={name: _offset(middle, hours), "limit": 200},
                headers=h,
            )
            assert r.status_code == 200, r.text
            found = [e["id"] for e in r.json()["data"]]
            assert found == [i for i, t in events if keep(t)], (name, hours)
            assert found, (name, hours)


async def test_time_filters_at_the_ends_of_the_calendar_are_answered(client, staff, room, book):
    # an offset that takes a time past year 1 or 9999 is still a bound, never a 500
    await book(staff, room, at(0, 9), at(0, 10))
    h = bearer(staff)

    async def ids(**params: str) -> list[int]:
        r = await client.get("/api/v1/audit-events", params=params, headers=h)
        assert r.status_code == 200, r.text
        return [e["id"] for e in r.json()["data"]]

    everything = await ids()
    assert everything
    assert await ids(**{"from": "0001-01-01T00:30:00+01:00"}) == everything
    assert await ids(to="0001-01-01T00:30:00+01:00") == []
    assert await ids(**{"from": "9999-12-31T23:30:00-01:00"}) == []
    assert await ids(to="9999-12-31T23:30:00-01:00") == everything
