"""The bookings list: start order whatever the order they were made in, keyset pages that
neither repeat nor skip, the series filter, and a cursor's bounds and words."""

from __future__ import annotations

from compax_server.services.paging import encode_cursor
from tests.conftest import at, bearer, follow_pages, refused_field, series_body
from tests.dates import Y2031

BK = "/api/v1/bookings"


async def pages(client, user, limit, **params):
    """Every page's booking ids, following the cursors."""
    return await follow_pages(client, BK, bearer(user), limit=limit, **params)


async def test_the_list_is_in_start_order_and_pages_neither_repeat_nor_skip(
    client, staff, make_room, book
):
    """Made latest first, so id order is the reverse of start order; two start together."""
    room, other = await make_room(), await make_room()
    late = await book(staff, room, at(2, 9), at(2, 10))
    together = await book(staff, room, at(1, 9), at(1, 10))
    together_too = await book(staff, other, at(1, 9), at(1, 10))
    early = await book(staff, room, at(0, 9), at(0, 10))
    in_order = [early.pk, together.pk, together_too.pk, late.pk]
    assert await pages(client, staff, 10) == [in_order]
    assert await pages(client, staff, 1) == [[i] for i in in_order]
    assert await pages(client, staff, 2) == [in_order[:2], in_order[2:]]


async def test_the_series_filter_lists_just_that_series(client, staff, room, book):
    single = await book(staff, room, at(0, 9), at(0, 10))
    body = series_body(
        room,
        title="Reading group",
        start_time="10:00",
        duration_minutes=60,
        recurrence={"count": 3},
    )
    r = await client.post("/api/v1/series", json=body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    series_ids = sorted(r.json()["booking_ids"])
    assert await pages(client, staff, 10, series_id=r.json()["id"]) == [series_ids]
    assert await pages(client, staff, 10) == [[single.pk, *series_ids]]


async def test_the_status_filter_lists_those_statuses_one_or_several(
    client, staff, member, make_room, book
):
    """A confirmed, a pending and a cancelled booking; ``status`` names one or several,
    comma-separated."""
    confirmed = await book(staff, await make_room(), at(0, 9), at(0, 10))
    pending = await book(member, await make_room(requires_approval=True), at(1, 9), at(1, 10))
    cancelled = await book(staff, await make_room(), at(2, 9), at(2, 10))
    r = await client.post(
        f"{BK}/{cancelled.pk}/cancel", headers=bearer(staff) | {"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    for status, listed in [
        ("cancelled", [cancelled.pk]),
        ("pending", [pending.pk]),
        ("confirmed,cancelled", [confirmed.pk, cancelled.pk]),
        ("pending,confirmed,cancelled", [confirmed.pk, pending.pk, cancelled.pk]),
    ]:
        assert await pages(client, staff, 10, status=status) == [listed], status


async def test_a_cursor_holds_an_id_the_column_can_hold_and_a_start_in_range(
    client, staff, room, book
):
    await book(staff, room, at(0, 9), at(0, 10))
    start = at(0, 9).isoformat()
    largest = encode_cursor({"s": start, "id": 2**31 - 1})
    r = await client.get(BK, params={"cursor": largest}, headers=bearer(staff))
    assert r.status_code == 200, r.text
    assert r.json()["data"] == []
    for position in (
        {"s": start, "id": 2**31},
        {"s": "not a time", "id": 1},
        {"s": "1000-01-01T00:00:00+00:00", "id": 1},  # before the time this server keeps
        {"s": f"{Y2031}-03-03T09:00:00", "id": 1},  # no zone
        {"id": 1},
    ):
        r = await client.get(BK, params={"cursor": encode_cursor(position)}, headers=bearer(staff))
        refused_field(
            r, "/cursor", "is not a cursor this server issued", "invalid", location="query"
        )


async def test_a_booking_no_one_may_see_is_one_that_does_not_exist(
    client, member, staff, room, book
):
    hidden = await book(staff, room, at(0, 9), at(0, 10))
    for booking_id in (hidden.pk, hidden.pk + 1000):
        r = await client.get(f"{BK}/{booking_id}", headers=bearer(member))
        assert r.status_code == 404
        assert r.json()["detail"] == f"booking {booking_id} does not exist"
