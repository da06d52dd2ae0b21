"""Terms, series and booking rules, with both clients (``kind``)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from compax_sdk import (
    AlreadyExistsError,
    BookingConflictError,
    BookingRules,
    BookingSeries,
    Holiday,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    PreconditionRequiredError,
    RuleViolationError,
    SeriesDetail,
    SeriesResult,
    Term,
    ValidationError,
)
from tests.conftest import at
from tests.dates import Y2031

TUESDAY = date(Y2031, 3, 4)

# -- terms ---------------------------------------------------------------------------------


async def test_terms_create_get_list_update_delete(connect, staff, member):
    c = connect(staff)
    term = await c.terms.create(
        name="Spring 2031",
        start_date=date(Y2031, 3, 3),
        end_date=date(Y2031, 7, 18),
        holidays=[
            Holiday(start=date(Y2031, 4, 14), end=date(Y2031, 4, 18), name="Easter"),
            {"start": date(Y2031, 5, 1), "name": "Labour day"},
        ],
    )
    assert isinstance(term, Term)
    assert [(h.start, h.end, h.name) for h in term.holidays] == [
        (date(Y2031, 4, 14), date(Y2031, 4, 18), "Easter"),
        (date(Y2031, 5, 1), date(Y2031, 5, 1), "Labour day"),
    ]
    assert (await connect(member).terms.get(term.id)) == term
    with pytest.raises(AlreadyExistsError):
        await c.terms.create(name="Spring 2031", start_date=TUESDAY, end_date=TUESDAY)
    autumn = await c.terms.create(
        name="Autumn 2031", start_date=date(Y2031, 10, 1), end_date=date((Y2031 + 1), 2, 1)
    )
    assert [t.id for t in await c.terms.list(limit=1)] == [term.id, autumn.id]

    changed = await c.terms.update(term, end_date=date(Y2031, 7, 25), holidays=[])
    assert (changed.end_date, changed.holidays, changed.name) == (
        date(Y2031, 7, 25),
        [],
        "Spring 2031",
    )
    assert c.last("PATCH").read() == f'{{"end_date":"{Y2031}-07-25","holidays":[]}}'.encode()
    with pytest.raises(PermissionDeniedError):
        await connect(member).terms.delete(term.id)
    await c.terms.delete(term.id)
    with pytest.raises(NotFoundError):
        await c.terms.get(term.id)


# -- series ----------------------------------------------------------------------------------


async def test_a_weekly_series_books_every_occurrence(connect, staff, room):
    c = connect(staff)
    made = await c.series.create(
        room_id=room.pk,
        title="Algorithms",
        start_date=TUESDAY,
        start_time="10:00",
        duration_minutes=90,
        recurrence={"freq": "weekly", "count": 3},
    )
    assert isinstance(made, SeriesResult)
    assert (made.status, made.start_time, made.timezone) == ("active", "10:00", "Europe/Berlin")
    assert made.rule["freq"] == "weekly" and len(made.booking_ids) == 3
    assert made.skipped == [] and made.etag == '"1"'

    detail = await c.series.get(made.id)
    assert isinstance(detail, SeriesDetail)
    assert [b.id for b in detail.occurrences] == made.booking_ids
    assert detail.occurrences[0].start == at(1, 9)  # 10:00 in Berlin (CET)
    assert {b.series_id for b in detail.occurrences} == {made.id}
    listed = await c.series.list()
    assert [s.id for s in listed] == [made.id] and isinstance(listed[0], BookingSeries)


async def test_a_series_through_a_term_skips_holidays_and_takes_an_added_date(connect, staff, room):
    c = connect(staff)
    term = await c.terms.create(
        name="Short term",
        start_date=date(Y2031, 3, 3),
        end_date=date(Y2031, 3, 23),
        holidays=[{"start": date(Y2031, 3, 11), "name": "Holiday"}],
    )
    made = await c.series.create(
        room_id=room.pk,
        title="Seminar",
        start_date=TUESDAY,
        start_time="09:00",
        duration_minutes=60,
        recurrence={"freq": "weekly", "term_id": term.id},
    )
    assert made.skipped_holidays == [date(Y2031, 3, 11)]
    assert len(made.booking_ids) == 2
    again = await c.series.add_date(made, date(Y2031, 3, 11))
    assert again.version == made.version + 1 and again.added_dates == [f"{Y2031}-03-11"]
    assert len((await c.series.get(made.id)).occurrences) == 3
    assert c.last("POST", "/dates").headers["if-match"] == f'"{made.version}"'


async def test_moving_the_following_occurrences_needs_the_current_version(
    connect, staff, make_room
):
    room, other = await make_room(), await make_room()
    c = connect(staff)
    made = await c.series.create(
        room_id=room.pk,
        title="Lab",
        start_date=TUESDAY,
        start_time="14:00",
        duration_minutes=120,
        recurrence={"freq": "weekly", "until": TUESDAY + timedelta(weeks=3)},
    )
    moved = await c.series.update(
        made, scope="following", from_date=TUESDAY + timedelta(weeks=2), room_id=other.pk
    )
    assert len(moved.booking_ids) == 2
    assert c.last("PATCH").headers["if-match"] == '"1"'
    rooms = [b.room_id for b in (await c.series.get(made.id)).occurrences]
    assert rooms == [room.pk, room.pk, other.pk, other.pk]

    with pytest.raises(PreconditionFailedError) as err:
        await c.series.update(made, title="Stale")
    assert err.value.current_version == moved.version
    with pytest.raises(PreconditionRequiredError):
        await c.series.update(made.id, title="No version")
    renamed = await c.series.update(made.id, version=moved.version, title="Lab II")
    assert renamed.title == "Lab II"


async def test_cancel_from_a_date_then_the_whole_series(connect, staff, room):
    c = connect(staff)
    made = await c.series.create(
        room_id=room.pk,
        title="Tutorial",
        start_date=TUESDAY,
        start_time="08:00",
        duration_minutes=45,
        recurrence={"freq": "daily", "count": 4},
    )
    part = await c.series.cancel(made, from_date=TUESDAY + timedelta(days=2), reason="exams")
    assert (part.status, len(part.booking_ids)) == ("active", 2)
    rest = await c.series.cancel(part)
    assert (rest.status, len(rest.booking_ids)) == ("cancelled", 2)
    statuses = [b.status for b in (await c.series.get(made.id)).occurrences]
    assert statuses == ["cancelled"] * 4


async def test_a_taken_date_stops_the_whole_series_and_names_it(connect, staff, member, room, book):
    in_way = await book(member, room, at(8, 9), at(8, 10))  # the second Tuesday, 10:00 Berlin
    c = connect(staff)
    with pytest.raises(BookingConflictError) as err:
        await c.series.create(
            room_id=room.pk,
            title="Algorithms",
            start_date=TUESDAY,
            start_time="10:00",
            duration_minutes=60,
            recurrence={"freq": "weekly", "count": 3},
        )
    assert err.value.dates == [f"{Y2031}-03-11"]
    [conflict] = err.value.conflicts
    assert (conflict.id, conflict.date, conflict.owner_id) == (
        in_way.pk,
        f"{Y2031}-03-11",
        member.pk,
    )
    assert await c.series.list() == []

    skipping = await c.series.create(
        room_id=room.pk,
        title="Algorithms",
        start_date=TUESDAY,
        start_time="10:00",
        duration_minutes=60,
        recurrence={"freq": "weekly", "count": 3},
        conflict_policy="skip_conflicts",
    )
    assert len(skipping.booking_ids) == 2
    [skipped] = skipping.skipped
    assert (skipped.date, skipped.reason) == (f"{Y2031}-03-11", "conflict")


async def test_a_series_head_count_is_sent_changed_and_cleared(connect, staff, make_room):
    room = await make_room(capacity=30)
    c = connect(staff)
    made = await c.series.create(
        room_id=room.pk,
        title="Seminar",
        start_date=TUESDAY,
        start_time="10:00",
        duration_minutes=60,
        recurrence={"freq": "weekly", "count": 2},
        attendees=25,
    )
    assert made.attendees == 25
    assert json.loads(c.last("POST", "/series").read())["attendees"] == 25
    assert [b.attendees for b in (await c.series.get(made.id)).occurrences] == [25, 25]
    with pytest.raises(RuleViolationError) as err:
        await c.series.update(made, attendees=31)
    assert [e.rule for e in err.value.errors] == ["room_capacity"]
    changed = await c.series.update(made, attendees=20)
    assert changed.attendees == 20
    assert c.last("PATCH").read() == b'{"attendees":20}'
    cleared = await c.series.update(changed, attendees=None)
    assert cleared.attendees is None
    assert c.last("PATCH").read() == b'{"attendees":null}'
    renamed = await c.series.update(cleared, title="Seminar II")  # the count left as it is
    assert b"attendees" not in c.last("PATCH").read() and renamed.attendees is None
    assert [b.attendees for b in (await c.series.get(made.id)).occurrences] == [None, None]


# -- rules -----------------------------------------------------------------------------------


async def test_rules_set_list_and_delete(connect, staff, member, building, room):
    c = connect(staff)
    glob = await c.rules.set_global(max_duration_minutes=240, horizon_days=3650)
    assert isinstance(glob, BookingRules)
    assert (glob.scope, glob.scope_id, glob.max_duration_minutes) == ("global", 0, 240)
    assert c.last("PUT").read() == (
        b'{"max_duration_minutes":240,"horizon_days":3650,"min_notice_minutes":null,'
        b'"max_bookings_per_week":null,"max_hours_per_week":null,"requires_checkin":null,'
        b'"checkin_opens_minutes":null,"checkin_closes_minutes":null,"noshow_limit":null,'
        b'"noshow_days":null,"noshow_ban_days":null}'
    )
    tight = await c.rules.set("room", room.pk, max_duration_minutes=60)
    await c.rules.set("building", building.pk, max_bookings_per_week=5)
    assert [(r.scope, r.scope_id) for r in await c.rules.list()] == [
        ("building", building.pk),
        ("global", 0),
        ("room", room.pk),
    ]
    assert tight.horizon_days is None

    with pytest.raises(RuleViolationError) as err:
        await connect(member).bookings.create(
            room_id=room.pk, title="Long", start=at(0, 9), end=at(0, 11)
        )
    assert err.value.errors[0].rule == "max_duration_minutes"
    await c.rules.delete("room", room.pk)
    booked = await connect(member).bookings.create(
        room_id=room.pk, title="Long", start=at(0, 9), end=at(0, 11)
    )
    assert booked.status == "confirmed"
    with pytest.raises(NotFoundError):
        await c.rules.delete("room", room.pk)
    with pytest.raises(PermissionDeniedError):
        await connect(member).rules.set_global(max_duration_minutes=1)


async def test_rules_update_sends_only_the_limits_given(connect, staff, member, building):
    """``update``/``update_global`` send a PATCH of the limits given (``None`` clears one);
    the others keep their values, also those another client set in between."""
    c, other = connect(staff), connect(staff)
    made = await c.rules.update("building", building.pk, max_duration_minutes=120)
    assert c.last("PATCH").url.path == f"/api/v1/rules/building/{building.pk}"
    assert c.last("PATCH").read() == b'{"max_duration_minutes":120}'
    assert (made.scope, made.scope_id, made.max_duration_minutes) == ("building", building.pk, 120)
    await other.rules.update("building", building.pk, horizon_days=30)
    both = await c.rules.update("building", building.pk, max_duration_minutes=None)
    assert c.last("PATCH").read() == b'{"max_duration_minutes":null}'
    assert (both.max_duration_minutes, both.horizon_days) == (None, 30)
    glob = await c.rules.update_global(requires_checkin=True, checkin_closes_minutes=15)
    assert c.last("PATCH").url.path == "/api/v1/rules/global"
    assert c.last("PATCH").read() == b'{"requires_checkin":true,"checkin_closes_minutes":15}'
    assert (glob.scope, glob.requires_checkin, glob.checkin_since is not None) == (
        "global", True, True
    )  # fmt: skip
    with pytest.raises(ValidationError) as empty:
        await c.rules.update_global()
    assert empty.value.errors[0].detail == "name at least one limit to change"
    with pytest.raises(PermissionDeniedError):
        await connect(member).rules.update_global(horizon_days=1)
