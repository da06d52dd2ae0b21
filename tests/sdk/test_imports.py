"""Timetable imports through the SDK, with both clients (``kind``): plan, apply, re-apply,
an atomic apply refused, partial apply, large batches gzipped, retries."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime, timedelta

import httpx
import pytest

from compax_sdk import (
    AsyncCompax,
    ConflictError,
    ImportBatch,
    ImportItem,
    ImportRejectedError,
    ServiceUnavailableError,
    error_from_response,
)
from compax_server.db.bookings import Booking
from tests.conftest import at
from tests.dates import Y2031
from tests.sdk.conftest import BASE_URL, RecordingASGITransport, access_token, problem

SOURCE = f"sis-{Y2031}-spring"
TUESDAY = date(Y2031, 3, 4)


def lecture(ext: str, room: str, start_time: str = "09:00", weeks: int = 3) -> ImportItem:
    return ImportItem.series(
        ext,
        room=room,
        title=f"Lecture {ext}",
        start_date=TUESDAY,
        start_time=start_time,
        duration_minutes=90,
        recurrence={"freq": "weekly", "count": weeks},
    )


def exam(ext: str, room: str, day: int = 10, hour: int = 12, **extra: str) -> ImportItem:
    return ImportItem.booking(
        ext, room=room, title=f"Exam {ext}", start=at(day, hour), end=at(day, hour + 2), **extra
    )


async def test_plan_then_apply_then_apply_again_changes_nothing(connect, staff, make_room):
    a, b = await make_room(), await make_room()
    c = connect(staff)
    items = [lecture("L1", a.code), lecture("L2", b.code, "11:00"), exam("E1", a.code)]

    plan = await c.imports.plan(source=SOURCE, items=items)
    assert isinstance(plan, ImportBatch)
    assert (plan.status, plan.mode, plan.source) == ("planned", "plan", SOURCE)
    assert [i.action for i in plan.items] == ["create", "create", "create"]
    assert plan.summary["occurrences"] == 7 and plan.count("create") == 3
    assert plan.options == {
        "mode": "plan",
        "atomic": True,
        "cancel_missing": False,
        "priority": False,
        "override": False,
        "skip_closures": False,
    }
    sent = json.loads(c.last("POST", "/imports").read())
    assert sent["items"][2]["start"] == f"{Y2031}-03-13T12:00:00+00:00"
    assert sent["items"][0]["recurrence"] == {"freq": "weekly", "count": 3}

    applied = await c.imports.apply(source=SOURCE, items=items)
    assert applied.status == "applied" and applied.id != plan.id
    by_id = {i.external_id: i for i in applied.items}
    assert by_id["L1"].series_id is not None and by_id["L1"].occurrences == 3
    assert len(by_id["E1"].booking_ids or []) == 1
    booking = await c.bookings.get((by_id["E1"].booking_ids or [])[0])
    assert (booking.start, booking.title) == (at(10, 12), "Exam E1")

    again = await c.imports.apply(source=SOURCE, items=items)
    assert {i.action for i in again.items} == {"unchanged"}
    assert again.count("unchanged") == 3 and again.count("create") == 0
    stored = await c.imports.get(again.id)
    assert stored == again


async def test_changes_and_cancel_missing_are_planned_item_by_item(connect, staff, make_room):
    a = await make_room()
    c = connect(staff)
    await c.imports.apply(source=SOURCE, items=[lecture("L1", a.code), exam("E1", a.code)])
    plan = await c.imports.plan(
        source=SOURCE, items=[exam("E1", a.code, hour=13)], cancel_missing=True
    )
    actions = {i.external_id: (i.action, i.changes) for i in plan.items}
    assert actions == {"E1": ("update", ["start", "end"]), "L1": ("cancel", None)}
    assert plan.options["cancel_missing"] is True


async def test_an_atomic_apply_with_a_conflict_raises_and_applies_nothing(
    connect, staff, member, make_room, book
):
    a, b = await make_room(), await make_room()
    in_way = await book(member, a, at(8, 8), at(8, 9))  # Tue 11 March, 09:00 Berlin
    c = connect(staff)
    items = [lecture("L1", a.code), lecture("L2", b.code)]
    with pytest.raises(ImportRejectedError) as err:
        await c.imports.apply(source=SOURCE, items=items)
    rejected = err.value
    assert isinstance(rejected, ConflictError)
    assert (rejected.status, rejected.code) == (409, "import_rejected")
    assert rejected.summary["conflict"] == 1 and rejected.summary["create"] == 1
    assert [i.external_id for i in rejected.items] == ["L1"]
    conflict = (rejected.items[0].conflicts or [])[0]
    assert (conflict.id, conflict.start, conflict.title) == (in_way.pk, at(8, 8), "Lecture")
    assert await c.series.list() == []

    assert rejected.import_id is not None
    stored = await c.imports.get(rejected.import_id)
    assert stored.status == "rejected" and len(stored.items) == 2

    partial = await c.imports.apply(source=SOURCE, items=items, atomic=False)
    assert [i.action for i in partial.items] == ["conflict", "create"]
    assert [s.title for s in await c.series.list()] == ["Lecture L2"]


async def test_priority_bumps_a_members_booking(connect, staff, member, make_room, book):
    a = await make_room()
    theirs = await book(member, a, at(8, 8), at(8, 9))
    c = connect(staff)
    done = await c.imports.apply(source=SOURCE, items=[lecture("L1", a.code)], priority=True)
    assert done.items[0].bumped_booking_ids == [theirs.pk]
    assert done.summary["bumped"] == 1
    assert (await c.bookings.get(theirs.pk)).status == "cancelled"


async def test_invalid_items_say_why_and_plain_dicts_work(connect, staff, make_room):
    a = await make_room()
    c = connect(staff)
    plan = await c.imports.plan(
        source=SOURCE,
        items=[
            {
                "external_id": "X1",
                "kind": "booking",
                "room": "NOPE",
                "title": "Nowhere",
                "start": at(10, 9),
                "end": at(10, 10),
            },
            exam("E1", a.code, owner="ghost@campus.example"),
        ],
    )
    assert [i.action for i in plan.items] == ["invalid", "invalid"]
    nope, ghost = (i.errors or [] for i in plan.items)
    assert (nope[0].field, nope[0].detail) == ("room", "there is no room NOPE")
    assert ghost[0].field == "owner" and "ghost@campus.example" in ghost[0].detail


async def test_head_counts_are_sent_and_a_new_one_is_an_update(connect, staff, make_room):
    a = await make_room(capacity=30)
    c = connect(staff)
    lecture = ImportItem.series(
        "L1",
        room=a.code,
        title="Lecture",
        start_date=TUESDAY,
        start_time="09:00",
        duration_minutes=90,
        recurrence={"freq": "weekly", "count": 2},
        attendees=30,
    )
    assert lecture.to_json()["attendees"] == 30
    assert "attendees" not in exam("E1", a.code).to_json()
    done = await c.imports.apply(source=SOURCE, items=[lecture, exam("E1", a.code)])
    assert done.count("create") == 2
    more = ImportItem.booking(
        "E1", room=a.code, title="Exam E1", start=at(10, 12), end=at(10, 14), attendees=31
    )
    plan = await c.imports.plan(source=SOURCE, items=[lecture, more])
    [invalid] = plan.items_with("invalid")
    assert [(e.field, e.rule) for e in invalid.errors or []] == [("attendees", "room_capacity")]
    fewer = ImportItem.booking(
        "E1", room=a.code, title="Exam E1", start=at(10, 12), end=at(10, 14), attendees=20
    )
    plan = await c.imports.plan(source=SOURCE, items=[lecture, fewer])
    assert [(i.action, i.changes) for i in plan.items] == [
        ("unchanged", None),
        ("update", ["attendees"]),
    ]


async def test_a_large_batch_is_sent_gzipped(connect, staff, make_room):
    a = await make_room()
    c = connect(staff)
    items = [
        ImportItem.booking(
            f"E{n}",
            room=a.code,
            title=f"Exam {n}",
            start=at(n, 10),
            end=at(n, 11),
            description="Bring your student card. " * 150,
        )
        for n in range(20)
    ]
    plan = await c.imports.plan(source=SOURCE, items=items)
    assert plan.count("create") == 20
    sent = c.last("POST", "/imports")
    assert sent.headers["content-encoding"] == "gzip"
    raw = sent.read()
    batch = json.loads(gzip.decompress(raw))
    assert len(raw) < 10_000 < 64 * 1024 <= len(gzip.decompress(raw))
    assert [i["external_id"] for i in batch["items"]][:2] == ["E0", "E1"]

    await c.imports.plan(source=SOURCE, items=items[:1])
    assert "content-encoding" not in c.last("POST", "/imports").headers


async def test_a_naive_time_is_refused_before_anything_is_sent(connect, staff):
    c = connect(staff)
    naive = datetime(Y2031, 3, 4, 10)
    item = ImportItem.booking(
        "E1", room="B1-101", title="x", start=naive, end=naive + timedelta(hours=1)
    )
    with pytest.raises(ValueError, match=r"items\[0\]\.start must be a timezone-aware"):
        await c.imports.plan(source=SOURCE, items=[item])
    assert c.sent == []


class LoseFirstAnswer(RecordingASGITransport):
    """The server does the first POST, then a gateway loses its answer (502)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method == "POST" and len(self.sent) == 1:
            await response.aread()
            return problem(502, "bad_gateway")
        return response


async def test_an_apply_whose_answer_was_lost_is_resent_and_gets_the_first_outcome(
    app, staff, make_room, fast_retries
):
    a = await make_room()
    sent: list[httpx.Request] = []
    transport = LoseFirstAnswer(app, sent)
    async with AsyncCompax(
        transport=transport, base_url=BASE_URL, access_token=access_token(staff)
    ) as c:
        done = await c.imports.apply(source=SOURCE, items=[exam("E1", a.code)])
    assert len(sent) == 2
    assert sent[0].headers["idempotency-key"] == sent[1].headers["idempotency-key"]
    assert [i.action for i in done.items] == ["create"]  # not "unchanged": the first outcome
    assert await Booking.filter(external_id="E1").count() == 1


async def test_a_create_still_running_elsewhere_is_waited_for(offline):
    def answer(request: httpx.Request) -> httpx.Response:
        if len(c.sent) == 1:
            return problem(409, "request_in_progress", retry_after=0)
        made = f"{Y2031}-03-01T10:00:00Z"
        return httpx.Response(
            201,
            json={"id": 3, "code": "B9", "name": "Annex", "timezone": "UTC"}
            | {"created_at": made, "updated_at": made},
        )

    c = offline(answer)
    building = await c.buildings.create(code="B9", name="Annex", timezone="UTC")
    assert building.id == 3 and len(c.sent) == 2
    assert c.sent[0].headers["idempotency-key"] == c.sent[1].headers["idempotency-key"]


def test_import_rejected_maps_to_its_class_with_the_plan():
    err = error_from_response(
        problem(
            409,
            "import_rejected",
            import_id=12,
            summary={"create": 3, "conflict": 1, "occurrences": 20, "bumped": 0},
            items=[
                {
                    "external_id": "L1",
                    "kind": "series",
                    "action": "conflict",
                    "conflicts": [{"external_id": "L0", "start": f"{Y2031}-03-04T08:00:00+00:00"}],
                },
                {"unexpected": "shape"},
            ],
        )
    )
    assert type(err) is ImportRejectedError
    assert (err.import_id, err.summary["conflict"]) == (12, 1)
    assert [i.external_id for i in err.items] == ["L1"]
    conflict = (err.items[0].conflicts or [])[0]
    assert (conflict.external_id, conflict.id, conflict.start) == ("L0", None, at(1, 8))


@pytest.mark.parametrize("mode", ["plan", "apply"])
async def test_a_batch_sends_its_options_and_one_idempotency_key_on_every_attempt(offline, mode):
    """The options the caller left alone are sent false; a retry carries the first attempt's
    key, and a key the caller gives (to resend the same night's batch) is the one sent."""
    items = [{"external_id": "L1", "kind": "booking", "room_id": 1}]
    c = offline(lambda request: problem(503, "service_unavailable", retry_after=0))
    with pytest.raises(ServiceUnavailableError):
        await getattr(c.imports, mode)(source=SOURCE, items=items)
    keys = {r.headers["idempotency-key"] for r in c.sent}
    assert len(c.sent) == 3 and len(keys) == 1
    body = json.loads(c.sent[0].content)
    assert (body["mode"], body["atomic"], body["source"]) == (mode, True, SOURCE)
    options = ("cancel_missing", "priority", "override", "skip_closures")
    assert {name: body[name] for name in options} == dict.fromkeys(options, False)

    if mode == "apply":
        again = offline(lambda request: problem(503, "service_unavailable", retry_after=0))
        with pytest.raises(ServiceUnavailableError):
            await again.imports.apply(source=SOURCE, items=items, idempotency_key="night-0303")
        assert {r.headers["idempotency-key"] for r in again.sent} == {"night-0303"}
