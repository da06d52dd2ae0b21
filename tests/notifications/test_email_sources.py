"""Every entry point's changes reach the owners by email: timetable imports (a bump, a
moved lecture, a lecture dropped), new holidays, a series request waiting for approval."""

from __future__ import annotations

from datetime import date
from typing import Any

from compax_server.api.imports import ImportItem  # the API's reading of an item
from compax_server.db.audit import AuditEvent
from compax_server.services import imports, series, series_changes, terms
from tests.conftest import actor_of, at
from tests.dates import Y2031
from tests.notifications.test_email import ANY, calendar_of, events_of, part, subject, to

# the fixtures of the email tests
from tests.notifications.test_email import outbox as outbox
from tests.notifications.test_email import smtp as smtp

SOURCE = f"sis-{Y2031}-spring"


def lecture(ext: str, room: Any, owner: Any, start_time: str = "09:00") -> dict[str, Any]:
    return {
        "external_id": ext,
        "kind": "series",
        "room": room.code,
        "owner": owner.email,
        "title": f"Lecture {ext}",
        "start_date": f"{Y2031}-03-04",
        "start_time": start_time,
        "duration_minutes": 90,
        "recurrence": {"freq": "weekly", "count": 4},
    }


async def reading_group(member: Any, room: Any, count: int) -> Any:
    """The member's weekly request, Wednesdays from 5 March, 17:00-18:00."""
    return await series.create_series(
        actor_of(member),
        room_id=room.pk,
        title="Reading group",
        start_date=date(Y2031, 3, 5),
        start_time="17:00",
        duration_minutes=60,
        recurrence_rule={"freq": "weekly", "count": count},
    )


async def run(staff: Any, items: list[dict[str, Any]], **options: Any) -> Any:
    parsed = [ImportItem.model_validate(i, strict=False).model_dump() for i in items]
    return await imports.run_import(
        actor_of(staff), source=SOURCE, items=parsed, mode="apply", **options
    )


async def test_a_timetable_bump_tells_the_bumped_owner_why(
    outbox, staff, member, make_user, room, book
):
    teacher = await make_user()
    theirs = await book(member, room, at(1, 8), at(1, 9))  # Tue 4 Mar 09:00-10:00 Berlin
    await run(staff, [lecture("L1", room, teacher)], priority=True)
    received = await outbox.deliver()
    assert [m["To"] for m in received] == [member.email]  # the teacher's new lectures: no mail
    [msg] = received
    assert subject(msg).startswith("Cancelled: Lecture")
    assert f"Reason: bumped by the {SOURCE} timetable (L1)" in part(msg, "text/plain")
    [event] = events_of(calendar_of(msg))
    assert str(event["UID"]).startswith(f"booking-{theirs.pk}@")
    assert event["SEQUENCE"] == 2


async def test_a_moved_or_dropped_lecture_is_one_message_to_its_teacher(
    outbox, staff, make_user, room
):
    teacher = await make_user()
    await run(staff, [lecture("L1", room, teacher)])
    assert await outbox.deliver() == []
    await run(staff, [lecture("L1", room, teacher, start_time="11:00")])
    [msg] = await outbox.deliver()
    assert msg["To"] == teacher.email
    assert subject(msg) == "Moved: 4 dates of Lecture L1"
    assert f"Tue 11 Mar {Y2031}, 11:00-12:30 (Europe/Berlin)" in part(msg, "text/plain")
    cal = calendar_of(msg)
    assert cal["METHOD"] == "REQUEST" and len(events_of(cal)) == 4
    assert all(e["SEQUENCE"] == 2 for e in events_of(cal))
    await run(staff, [lecture("L2", room, teacher, start_time="15:00")], cancel_missing=True)
    received = await outbox.deliver()
    dropped = [m for m in received if subject(m).startswith("Cancelled")]
    assert len(dropped) == 1 and dropped[0]["To"] == teacher.email
    assert subject(dropped[0]) == "Cancelled: 4 dates of Lecture L1"
    assert f"no longer in the {SOURCE} timetable" in part(dropped[0], "text/plain")
    assert calendar_of(dropped[0])["METHOD"] == "CANCEL"


async def test_new_holidays_cancel_lectures_and_say_which_holiday(outbox, staff, member, room):
    term = await terms.create_term(
        actor_of(staff),
        name="Spring 2031",
        start_date=date(Y2031, 3, 1),
        end_date=date(Y2031, 6, 30),
        holidays=[],
    )
    await series.create_series(
        actor_of(staff),
        room_id=room.pk,
        owner_id=member.pk,
        title="Physics",
        start_date=date(Y2031, 3, 4),
        start_time="09:00",
        duration_minutes=60,
        recurrence_rule={"freq": "weekly", "term_id": term.pk},
    )
    await outbox.deliver()
    await terms.update_term(
        actor_of(staff),
        term.pk,
        holidays=[{"name": "Spring break", "start": f"{Y2031}-03-10", "end": f"{Y2031}-03-14"}],
        on_bookings="cancel",
    )
    [msg] = await outbox.deliver()
    assert msg["To"] == member.email
    assert subject(msg).startswith("Cancelled: Physics, ")
    assert "Reason: holiday: Spring break" in part(msg, "text/plain")
    assert f"by {staff.email}" in part(msg, "text/plain")


async def test_a_series_request_is_one_message_per_approver_listing_its_dates(
    outbox, staff, admin, member, make_room
):
    room = await make_room(requires_approval=True)
    made = await reading_group(member, room, 3)
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([staff.email, admin.email])
    msg = to(received, staff)[0]
    assert subject(msg) == "Booking request: 3 dates of Reading group"
    cal = calendar_of(msg)
    assert cal["METHOD"] == "REQUEST"
    assert sorted(str(e["UID"]).split("@")[0] for e in events_of(cal)) == sorted(
        f"booking-{i}" for i in made.booking_ids
    )
    assert all(e["STATUS"] == "TENTATIVE" for e in events_of(cal))
    assert await AuditEvent.filter(action="series.create").count() == 1


async def test_a_single_imported_booking_moved_tells_its_owner_and_a_new_title_does_not(
    outbox, staff, make_user, room
):
    teacher = await make_user()

    def exam(title: str, hour: int) -> dict[str, Any]:
        return {
            "external_id": "E1",
            "kind": "booking",
            "room": room.code,
            "owner": teacher.email,
            "title": title,
            "start": at(2, hour).isoformat(),
            "end": at(2, hour + 2).isoformat(),
        }

    await run(staff, [exam("Exam", 9)])
    await run(staff, [exam("Final exam", 9)])
    assert await outbox.deliver() == []  # renamed: nothing to act on
    await run(staff, [exam("Final exam", 13)])
    [msg] = await outbox.deliver()
    assert msg["To"] == teacher.email
    assert (
        subject(msg)
        == f"Moved: Final exam, {room.code}, Wed 5 Mar {Y2031}, 14:00-16:00 (Europe/Berlin)"
    )
    [event] = events_of(calendar_of(msg))
    assert (event["SEQUENCE"], event["DTSTART"].dt) == (3, at(2, 13))
    await run(staff, [exam("Final exam", 13) | {"external_id": "E2"}], cancel_missing=True)
    [msg] = await outbox.deliver()
    assert subject(msg).startswith("Cancelled: Final exam, ")
    assert calendar_of(msg)["METHOD"] == "CANCEL"


async def test_a_date_added_to_a_series_that_needs_approval_asks_the_approvers(
    outbox, staff, admin, member, make_room
):
    room = await make_room(requires_approval=True)
    made = await reading_group(member, room, 2)
    await outbox.deliver()
    await series_changes.add_date(
        actor_of(member), made.series.pk, expected=ANY, day=date(Y2031, 3, 26)
    )
    received = await outbox.deliver()
    assert sorted(m["To"] for m in received) == sorted([staff.email, admin.email])
    msg = to(received, staff)[0]
    assert subject(msg).startswith("Booking request: Reading group, ")
    assert f"Wed 26 Mar {Y2031}, 17:00-18:00" in subject(msg)
