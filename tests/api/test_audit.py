"""The audit log and the change feed."""

from __future__ import annotations

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
