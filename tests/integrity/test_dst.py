"""Durations are elapsed time on every write path (integrity issue, item 8, server side)."""

from __future__ import annotations

from datetime import timedelta

from compax_server.db.bookings import Booking
from tests.conftest import bearer, series_body
from tests.dates import Y2031


async def test_a_series_occurrence_across_the_autumn_change_lasts_its_duration(client, staff, room):
    """2031-10-26 in Berlin: the clocks go back from 03:00 to 02:00. A 01:30 occurrence of
    120 minutes ends at 02:30 CET, two hours later (the wall clock would have said three)."""
    body = series_body(
        room,
        title="Night lab",
        start_date=f"{Y2031}-10-19",
        start_time="01:30",
        duration_minutes=120,
        recurrence={"count": 3},
    )
    r = await client.post("/api/v1/series", json=body, headers=bearer(staff))
    assert r.status_code == 201, r.text
    lengths = [b.end - b.start for b in await Booking.all().order_by("start")]
    assert lengths == [timedelta(hours=2)] * 3
