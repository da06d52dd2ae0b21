"""A stateful property test of the calendar (issue 11, "How we will know").

Hypothesis drives random sequences of writes through the public HTTP API, as two members and
one staff user, in one building (mon-fri 08:00-20:00, Europe/Berlin) with three rooms, the
third ``requires_approval``: bookings (create, also with override; move; rename; cancel;
approve; reject; hand back to its series or import with ``reset_exceptions``), series (create; edit all or following, sometimes with
``reset_exceptions``; cancel or move one occurrence; add a date), timetable imports (apply,
re-apply, a changed batch, ``cancel_missing``, ``skip_closures``), closures with each
``on_bookings`` policy, and hostile times (year 1, 1970, 2200, 9999 with offsets; weeks,
years, centuries; the DST gap and the repeated hour).

Every answer must be a 2xx or a 4xx ``application/problem+json``; a refused write changes
nothing. After every step the database and the API are checked against the model in
``machine_model.py`` and the bookkeeping below:

1. no two confirmed bookings of one room overlap;
2. no pending booking overlaps a confirmed one of its room;
3. a confirmed booking lies inside opening hours and outside closures, unless it was written
   with an override (and the step's audit event says ``override``) or a closure kept it;
   every stored window is inside 1970-2200 and the length limits;
4. exceptions survive: what the machine changed by hand on an occurrence or an imported
   booking (room, time, title, cancelled) stays so through series edits and imports, and
   shows in ``exception_fields``, until ``reset_exceptions``; a series never holds two
   active bookings for one date; an occurrence that follows its series starts at the
   series' local wall-clock time;
5. the free-room search and a room's availability agree with the snapshot (also right
   after a write: the caches must not lag);
6. every booking a step changed is covered by an audit event of that step.

Each example runs on one database emptied and seeded anew (SQLite file or PostgreSQL), through
one event loop this test owns. Run length from the environment:
``COMPAX_MACHINE_EXAMPLES`` (default 200) and ``COMPAX_MACHINE_STEPS`` (default 30);
``COMPAX_MACHINE_SHRINK=0`` skips shrinking (a failure is reported at once, unshrunk: Hypothesis
may spend up to five minutes shrinking one).

The machine found six bugs when it was written (a closure outside Python's years was a 500;
adding a date with override was not audited as one; a reset that named neither room nor time
left moved occurrences where they were; a series edit or a new date left an overlapping
request pending; an import skipped a date re-added after a cancel by hand, and left a renamed
occurrence on a closed date at its old time). Each is fixed and the machine checks them.

A long run (both engines)::

    COMPAX_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    COMPAX_MACHINE_EXAMPLES=5000 COMPAX_MACHINE_STEPS=50 \\
    .venv/bin/pytest tests/integrity/test_calendar_machine.py -x -q
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from compax_server import db, runtime
from compax_server.app import create_app
from compax_server.cache import Cache
from compax_server.db.audit import AuditEvent
from compax_server.db.bookings import Booking
from compax_server.db.rooms import Closure
from compax_server.db.series import Series
from compax_server.db.users import Role
from compax_server.services import auth, buildings, rooms, users
from compax_server.services.actors import Actor
from tests import conftest
from tests.dates import Y2031
from tests.integrity import machine_model as m

EXAMPLES = int(os.environ.get("COMPAX_MACHINE_EXAMPLES", "200"))
STEPS = int(os.environ.get("COMPAX_MACHINE_STEPS", "30"))

# The exception field each field of a series change sets.
EDITED = {"room_id": "room_id", "start_time": "time", "duration_minutes": "time", "title": "title"}
STATS: Counter[str] = Counter()  # answers per kind of write; COMPAX_MACHINE_STATS=1 prints them
SHRINK = os.environ.get("COMPAX_MACHINE_SHRINK", "1") != "0"

MACHINE_SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
    report_multiple_bugs=False,
    phases=list(Phase) if SHRINK else [p for p in Phase if p != Phase.shrink],
)

API = "/api/v1"
DAY = timedelta(days=1)
CALENDAR_ACTIONS = ("booking.", "series.", "import.", "closure.")
MEMBERS = ("m1", "m2")
SOURCE = "sis"
EXCEPTION_NAMES = {"room_id": "room_id", "time": "time", "title": "title", "status": "status"}

# The timetable the import rules draw from: per item, variants of its start time.
IMPORT_ITEMS: dict[str, dict[str, Any]] = {
    "L1": {
        "kind": "series",
        "room": 0,
        "day": m.day_of(0, 1),
        "times": ("09:00", "10:30", "16:15"),
        "minutes": 90,
        "count": 4,
    },
    "L2": {
        "kind": "series",
        "room": 1,
        "day": m.day_of(0, 2),
        "times": ("14:00", "08:00", "18:30"),
        "minutes": 60,
        "count": 3,
    },
    "L3": {
        "kind": "series",
        "room": 2,
        "day": m.day_of(1, 0),
        "times": ("11:00", "13:00", "19:00"),
        "minutes": 120,
        "count": 2,
    },
    "B1": {
        "kind": "booking",
        "room": 0,
        "day": m.day_of(0, 3),
        "times": ("10:00", "12:00", "19:30"),
        "minutes": 60,
    },
}


class Harness:
    """One event loop, one app and one database for all the examples of one engine."""

    def __init__(self, database_url: str) -> None:
        self.settings = conftest.test_settings(database_url)
        self.loop = asyncio.new_event_loop()
        self.app: Any = None
        self.client: httpx.AsyncClient | None = None
        self.auth: dict[str, dict[str, str]] = {}
        self.user_ids: dict[str, int] = {}
        self.rooms: list[dict[str, Any]] = []
        self.building_id = 0
        self.tables: list[str] = []

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def start(self) -> None:
        runtime.configure(self.settings, Cache(self.settings.cache_url))
        await db.init(self.settings.database_url)
        app = create_app(self.settings, manage_db=False)
        app.asgi = True
        app.config.TOUCHUP = False
        await app._startup()
        await app._server_event("init", "before")
        await app._server_event("init", "after")
        self.app = app
        transport = httpx.ASGITransport(app=app, client=("10.0.0.1", 40000))
        self.client = httpx.AsyncClient(transport=transport, base_url="http://testserver")

    async def stop(self) -> None:
        try:
            if self.client is not None:
                await self.client.aclose()
            if self.app is not None:
                await self.app._server_event("shutdown", "before")
                await self.app._server_event("shutdown", "after")
        finally:
            await db.close()

    async def empty(self) -> None:
        if db.dialect() == "postgres":
            if not self.tables:
                await conftest.empty_postgres()  # the first time: also restarts the ids
                rows = await db.conn().execute_query_dict(
                    "SELECT tablename FROM pg_tables "
                    "WHERE schemaname = 'public' AND tablename <> 'aerich'"
                )
                self.tables = [r["tablename"] for r in rows]
                return
            # DELETE is 3 ms where TRUNCATE takes 250 ms; the foreign keys are switched off
            # for it (the test database's user is a superuser).
            statements = ["SET session_replication_role = replica"]
            statements += [f'DELETE FROM "{t}"' for t in self.tables]  # noqa: S608
            statements += ["SET session_replication_role = DEFAULT"]
            await db.conn().execute_script(";\n".join(statements) + ";")
            return
        rows = await db.conn().execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name <> 'aerich'"
        )
        statements = ["PRAGMA foreign_keys = OFF"]
        statements += [f'DELETE FROM "{r["name"]}"' for r in rows]  # noqa: S608
        statements += ["DELETE FROM sqlite_sequence", "PRAGMA foreign_keys = ON"]
        await db.conn().execute_script(";\n".join(statements) + ";")

    async def reset(self) -> None:
        """An empty calendar: the users, the building and its rooms, a fresh cache."""
        await self.empty()
        runtime.configure(self.settings, Cache(self.settings.cache_url))
        made = {}
        for name, role in (("admin", Role.admin), ("staff", Role.staff), ("m1", Role.member),
                           ("m2", Role.member)):  # fmt: skip
            made[name] = await users.create_user(
                None,
                email=f"{name}@campus.example",
                full_name=name,
                role=role,
                password=conftest.PASSWORD,
            )
        admin = made["admin"]
        actor = Actor(user_id=admin.pk, email=admin.email, role=admin.role)
        building = await buildings.create_building(
            actor,
            code="B1",
            name="Main building",
            timezone="Europe/Berlin",
            opening_hours=m.OPENING_HOURS,
        )
        self.building_id = building.pk
        self.rooms = []
        for n, approval in ((1, False), (2, False), (3, True)):
            room = await rooms.create_room(
                actor,
                code=f"B1-10{n}",
                name=f"Room 10{n}",
                building_id=building.pk,
                capacity=30,
                requires_approval=approval,
            )
            self.rooms.append({"id": room.pk, "code": room.code, "approval": approval})
        self.user_ids = {name: u.pk for name, u in made.items()}
        self.auth = {
            name: {"Authorization": f"Bearer {auth.issue_access_token(u)[0]}"}
            for name, u in made.items()
        }

    async def call(
        self,
        method: str,
        path: str,
        who: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> tuple[int, Any]:
        assert self.client is not None
        r = await self.client.request(
            method,
            API + path,
            json=body,
            params=params,
            headers=self.auth[who] | (headers or {}),
        )
        where = f"{method} {path} as {who} {body or params or ''}"
        assert r.status_code < 500, f"{where} -> {r.status_code} {r.text}"
        assert r.status_code < 300 or r.status_code >= 400, f"{where} -> {r.status_code}"
        data = r.json() if r.content else None
        if r.status_code >= 400:
            assert r.headers["content-type"].startswith("application/problem+json"), where
            assert data["status"] == r.status_code and data["code"], (where, data)
        return r.status_code, data

    async def load(self, audit_after: int) -> tuple[m.Snapshot, list[dict[str, Any]]]:
        snap = m.Snapshot()
        for b in await Booking.all().values(
            "id", "room_id", "owner_id", "title", "start", "end", "status", "series_id",
            "occurrence_date", "exception_fields", "version", "source",
        ):  # fmt: skip
            status = getattr(b["status"], "value", b["status"])
            snap.bookings[b["id"]] = m.Row(
                b["id"], b["room_id"], b["owner_id"], b["title"], b["start"], b["end"], status,
                b["series_id"], b["occurrence_date"], tuple(b["exception_fields"] or ()),
                b["version"], b["source"],
            )  # fmt: skip
        for c in await Closure.all().values("id", "room_id", "start", "end"):
            snap.closures.append(m.ClosureRow(c["id"], c["room_id"], c["start"], c["end"]))
        for s in await Series.all().values(
            "id", "room_id", "owner_id", "title", "start_time", "duration_minutes", "status",
            "version", "source",
        ):  # fmt: skip
            s["status"] = getattr(s["status"], "value", s["status"])
            snap.series[s["id"]] = s
        events = await (
            AuditEvent.filter(id__gt=audit_after)
            .order_by("id")
            .values("id", "action", "entity_type", "entity_id", "after")
        )
        return snap, events


def hhmm(value: str) -> tuple[int, int]:
    hh, mm = value.split(":")
    return int(hh), int(mm)


class CalendarMachine(RuleBasedStateMachine):
    h: Harness  # bound by the test

    def __init__(self) -> None:
        super().__init__()
        self.h.run(self.h.reset())
        self.rooms = [r["id"] for r in self.h.rooms]
        self.approval = {r["id"]: r["approval"] for r in self.h.rooms}
        self.code = {r["id"]: r["code"] for r in self.h.rooms}
        self.name_of = {uid: name for name, uid in self.h.user_ids.items()}
        self.audit_seen = 0
        self.snap, _ = self.h.run(self.h.load(0))
        self.audit_seen = self.h.run(self._max_audit())
        self.overridden: set[int] = set()  # written with an (audited) override
        self.kept: set[int] = set()  # kept by a closure with on_bookings=keep
        self.expect: dict[int, dict[str, Any]] = {}  # exceptions made by hand
        # Occurrences handed back off their series' time: they stay there until the series
        # next moves them, so the wall-clock check leaves them out until then.
        self.adrift: set[int] = set()
        self.focus = (m.local(m.day_of(0, 1), 9), m.local(m.day_of(0, 1), 11), self.rooms[0])
        self.batch: dict[str, Any] | None = None
        self.fresh_apply: dict[str, str] | None = None  # last apply's actions, if nothing since
        self.steps = 0

    async def _max_audit(self) -> int:
        last = await AuditEvent.all().order_by("-id").first()
        return last.pk if last else 0

    def set_focus(self, start: datetime, end: datetime, room: int) -> None:
        """The window the invariants search and read availability for: the last one
        written (at most a few hours of it)."""
        if m.FOCUS_FROM <= start < m.FOCUS_TO:
            self.focus = (start, min(end, start + timedelta(hours=4)), room)

    # -- drawing ---------------------------------------------------------------------------

    def draw_window(
        self, data: st.DataObject, hostile: bool = True
    ) -> tuple[str, str, tuple[datetime, datetime] | None]:
        if hostile and data.draw(st.integers(0, 9), label="hostile?") == 9:
            start, end = data.draw(st.sampled_from(m.HOSTILE_WINDOWS), label="hostile window")
            return start, end, None
        taken = sorted(
            {(b.start, b.end) for b in self.snap.bookings.values() if b.end - b.start < DAY}
        )
        if taken and data.draw(st.integers(0, 2), label="as another booking?") == 2:
            s, e = data.draw(st.sampled_from(taken), label="the window of a booking")
            return m.iso(s.astimezone(m.TZ)), m.iso(e.astimezone(m.TZ)), (s, e)
        day = m.day_of(data.draw(st.integers(0, 3)), data.draw(st.sampled_from(m.WEEKDAYS)))
        slot = data.draw(st.integers(16, 39), label="half hour")  # 08:00 .. 19:30
        if slot > 24 and data.draw(st.booleans(), label="morning?"):
            slot = 16 + slot % 9  # mornings (08:00-12:00) twice as often: more meetings
        minutes = 30 * data.draw(st.integers(1, 8), label="half hours")
        s = m.local(day, slot // 2, 30 * (slot % 2))
        e = s + timedelta(minutes=minutes)
        return m.iso(s), m.iso(e), (m.utc(s), m.utc(e))

    def pick(self, data: st.DataObject, rows: list[m.Row]) -> m.Row | None:
        if not rows:
            return None
        return data.draw(st.sampled_from(sorted(rows, key=lambda b: b.id)), label="booking")

    def actor_for(self, data: st.DataObject, owner_id: int) -> str:
        """The owner when a member owns it, else staff; now and then someone else."""
        if data.draw(st.integers(0, 9), label="odd actor?") == 9:
            return str(data.draw(st.sampled_from(["m1", "m2", "staff"]), label="actor"))
        owner = self.name_of.get(owner_id, "staff")
        if owner in MEMBERS and data.draw(st.booleans(), label="owner acts?"):
            return owner
        return "staff"

    def visible(self, who: str, owner_id: int) -> bool:
        return who == "staff" or self.name_of.get(owner_id) == who

    # -- one write, and the bookkeeping every write shares -----------------------------------

    def write(
        self,
        method: str,
        path: str,
        who: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        *,
        override: bool = False,
    ) -> tuple[int, Any, m.Snapshot]:
        """Send a write; check that a refusal changed nothing and that every change is
        audited; keep the override bookkeeping. Returns the status, the body and the
        snapshot from before."""
        before = self.snap
        status, out = self.h.run(self.h.call(method, path, who, body, headers))
        self.snap, events = self.h.run(self.h.load(self.audit_seen))
        if events:
            self.audit_seen = events[-1]["id"]
        calendar = [e for e in events if e["action"].startswith(CALENDAR_ACTIONS)]
        after = self.snap
        changed = [
            b
            for b in after.bookings.values()
            if b.id not in before.bookings or before.bookings[b.id].content != b.content
        ]
        where = f"{method} {path} as {who} {body} -> {status} {out}"
        what = f"{method} {path.split('/')[1]}"
        what += f"{'/' + path.split('/')[-1] if path.count('/') > 2 else ''} -> {status}"
        what += f"{' ' + out['code'] if status >= 400 else ''}"
        event(what)
        STATS[what] += 1
        if status >= 400:
            assert not changed, f"a refused write changed bookings {changed}: {where}"
            assert after.closures == before.closures, where
            assert not calendar, f"a refused write was audited {calendar}: {where}"
            return status, out, before
        if changed or after.closures != before.closures:
            assert calendar, f"a change without an audit event: {where}"
        for b in changed:
            assert self.audited(b, calendar), f"booking {b} changed without its event {calendar}"
        placed = [  # new, moved, or active again (an import restores what it cancelled)
            b
            for b in changed
            if b.id not in before.bookings
            or before.bookings[b.id].placement != b.placement
            or (b.active and not before.bookings[b.id].active)
        ]
        if override:
            self.overridden |= {b.id for b in placed}
            if placed:
                assert any((e["after"] or {}).get("override") for e in calendar), (
                    f"an override without 'override' in its audit event: {where} {calendar}"
                )
        else:
            self.overridden -= {b.id for b in placed}
            self.kept -= {b.id for b in placed}
        if changed:
            self.fresh_apply = None
        return status, out, before

    @staticmethod
    def audited(b: m.Row, events: list[dict[str, Any]]) -> bool:
        for e in events:
            action, kind, entity = e["action"], e["entity_type"], e["entity_id"]
            if action.startswith("booking.") and entity == b.id:
                return True
            if kind == "series" and b.series_id is not None and entity == b.series_id:
                return True
            if action.startswith("import.") and kind == "booking" and entity == b.id:
                return True
            if action == "closure.create" and b.id in (e["after"] or {}).get("booking_ids", []):
                return True
        return False

    def hand_change(self, before: m.Snapshot, booking_id: int) -> None:
        """A change by hand of one occurrence or imported booking: what changed is now an
        exception."""
        old, new = before.bookings.get(booking_id), self.snap.bookings.get(booking_id)
        if old is None or new is None or (new.series_id is None and new.source is None):
            return
        expect = self.expect.setdefault(booking_id, {})
        if new.room_id != old.room_id:
            expect["room_id"] = new.room_id
        if (new.start, new.end) != (old.start, old.end):
            expect["time"] = (new.start, new.end)
        if new.title != old.title:
            expect["title"] = new.title
        if new.status == "cancelled" and old.status != "cancelled":
            expect["status"] = "cancelled"
        if not expect:
            del self.expect[booking_id]

    def following_change(self, b: m.Row, series: dict[str, Any], asked: set[str]) -> None:
        """A ``scope=following`` series change: each field it set that now differs from the
        series' own value is an exception of ``b`` (an exception it kept stays one)."""
        expect = self.expect.setdefault(b.id, {})
        if "room_id" in asked and b.room_id != series["room_id"]:
            expect["room_id"] = b.room_id
        if "time" in asked and not m.on_series_time(b, series):
            expect["time"] = (b.start, b.end)
        if "title" in asked and b.title != series["title"]:
            expect["title"] = b.title
        if not expect:
            del self.expect[b.id]

    # -- bookings ----------------------------------------------------------------------------

    @rule(data=st.data())
    def book_room(self, data: st.DataObject) -> None:
        who = data.draw(st.sampled_from(["m1", "m2", "staff"]), label="who")
        room = data.draw(st.sampled_from(self.rooms), label="room")
        start, end, window = self.draw_window(data)
        override = who == "staff" and data.draw(st.booleans(), label="override")
        body: dict[str, Any] = {"room_id": room, "title": "Seminar", "start": start, "end": end}
        if override:
            body["override"] = True
        status, out, before = self.write("POST", "/bookings", who, body, override=override)
        if window is not None:
            s, e = window
            self.set_focus(s, e, room)
            taken = [b for b in before.active_in(room, s, e) if b.status == "confirmed"]
            allowed = override or (m.inside_hours(s, e) and not before.closed(room, s, e))
            expected = 422 if not allowed else 409 if taken else 201
            assert status == expected, (expected, body, who, status, out, taken)
        if status == 201:
            pending = self.approval[room] and who != "staff"
            assert out["status"] == ("pending" if pending else "confirmed"), out

    @rule(data=st.data())
    def request_at_a_lecture_time(self, data: st.DataObject) -> None:
        """A member asks for the approval room at the time of a series occurrence (which a
        series edit or a new date may later want)."""
        lectures = [b for b in self.snap.bookings.values() if b.series_id and b.active]
        b = self.pick(data, lectures)
        if b is None:
            return
        who = data.draw(st.sampled_from(MEMBERS), label="who")
        room = next(r for r in self.rooms if self.approval[r])
        shift = timedelta(days=7 * data.draw(st.integers(0, 1), label="a week later?"))
        body = {
            "room_id": room,
            "title": "Study group",
            "start": m.iso((b.start + shift).astimezone(m.TZ)),
            "end": m.iso((b.end + shift).astimezone(m.TZ)),
        }
        status, out, _ = self.write("POST", "/bookings", who, body)
        if status == 201:
            assert out["status"] == "pending", out
            self.set_focus(b.start + shift, b.end + shift, room)

    def _patch(self, data: st.DataObject, occurrence: bool) -> None:
        candidates = [b for b in self.snap.bookings.values() if b.series_id or not occurrence]
        b = self.pick(data, candidates)
        if b is None:
            return
        who = self.actor_for(data, b.owner_id)
        body: dict[str, Any] = {}
        hostile = False  # a hostile window may be refused (400, 422) before anything else
        what = data.draw(st.sampled_from(["room", "time", "both", "title", "all"]), label="what")
        if what in ("room", "both", "all"):
            body["room_id"] = data.draw(st.sampled_from(self.rooms), label="new room")
        if what in ("time", "both", "all"):
            if data.draw(st.booleans(), label="same day?"):
                shift = timedelta(minutes=30 * data.draw(st.integers(-6, 6), label="shift"))
                body["start"] = m.iso((b.start + shift).astimezone(m.TZ))
                body["end"] = m.iso((b.end + shift).astimezone(m.TZ))
            else:
                body["start"], body["end"], window = self.draw_window(data)
                hostile = window is None
        if what in ("title", "all"):
            body["title"] = data.draw(st.sampled_from(["Renamed", "Exam review", "Seminar"]))
        override = who == "staff" and data.draw(st.integers(0, 4), label="override?") == 4
        if override:
            body["override"] = True
        stale = data.draw(st.integers(0, 9), label="stale?") == 9
        tag = f'"{b.version - 1 if stale else b.version}"'
        status, out, before = self.write(
            "PATCH", f"/bookings/{b.id}", who, body, {"If-Match": tag}, override=override
        )
        if hostile:
            pass
        elif not self.visible(who, b.owner_id):
            assert status == 404, (status, out)
        elif stale:
            assert status == 412, (status, out)
        elif not b.active:
            assert status == 409, (status, out)
        if status == 200:
            self.hand_change(before, b.id)
            new = self.snap.bookings[b.id]
            self.set_focus(new.start, new.end, new.room_id)

    @rule(data=st.data())
    def move_booking(self, data: st.DataObject) -> None:
        self._patch(data, occurrence=False)

    @rule(data=st.data())
    def move_occurrence(self, data: st.DataObject) -> None:
        self._patch(data, occurrence=True)

    @rule(data=st.data())
    def reset_booking(self, data: st.DataObject) -> None:
        """Hand a booking back to its series or import (``reset_exceptions``): its marks
        go and nothing else changes; a cancelled one cannot be patched, so it stays so."""
        marked = [b for b in self.snap.bookings.values() if b.exception_fields and b.active]
        b = self.pick(data, marked) or self.pick(data, list(self.snap.bookings.values()))
        if b is None:
            return
        who = self.actor_for(data, b.owner_id)
        status, out, _ = self.write(
            "PATCH",
            f"/bookings/{b.id}",
            who,
            {"reset_exceptions": True},
            {"If-Match": f'"{b.version}"'},
        )
        STATS[
            f"  (reset of a booking {'with' if b.exception_fields else 'without'} marks: {status})"
        ] += 1
        if not self.visible(who, b.owner_id):
            assert status == 404, (status, out)
        elif not b.active:
            assert status == 409, (status, out)
        if status == 200:
            new = self.snap.bookings[b.id]
            assert new.exception_fields == (), new
            assert (new.placement, new.title, new.status) == (b.placement, b.title, b.status)
            self.expect.pop(b.id, None)
            self.adrift.add(b.id)
            if b.exception_fields:  # its import's values win again: the next one may update it
                self.fresh_apply = None

    @rule(data=st.data())
    def rename_booking(self, data: st.DataObject) -> None:
        b = self.pick(data, list(self.snap.bookings.values()))
        if b is None:
            return
        who = self.actor_for(data, b.owner_id)
        title = data.draw(st.sampled_from(["Renamed", "Office hour", "Lecture"]), label="title")
        status, _, before = self.write(
            "PATCH", f"/bookings/{b.id}", who, {"title": title}, {"If-Match": f'"{b.version}"'}
        )
        if status == 200:
            assert self.snap.bookings[b.id].placement == b.placement
            self.hand_change(before, b.id)

    def _transition(self, data: st.DataObject, verb: str, rows: list[m.Row]) -> None:
        b = self.pick(data, rows) or self.pick(data, list(self.snap.bookings.values()))
        if b is None:
            return
        if verb == "cancel":
            who = self.actor_for(data, b.owner_id)
        else:
            who = "m1" if data.draw(st.integers(0, 9), label="member?") == 9 else "staff"
        body = {"reason": "lecturer ill"} if verb != "approve" else None
        status, out, before = self.write(
            "POST", f"/bookings/{b.id}/{verb}", who, body, {"If-Match": f'"{b.version}"'}
        )
        allowed_from = ("pending", "confirmed") if verb == "cancel" else ("pending",)
        if who == "staff" and b.status not in allowed_from:
            assert status == 409, (verb, b, status, out)
        if status == 200:
            self.hand_change(before, b.id)
            after = self.snap.bookings[b.id]
            want = {"cancel": "cancelled", "approve": "confirmed", "reject": "rejected"}[verb]
            assert after.status == want, (verb, after)
            self.set_focus(after.start, after.end, after.room_id)

    @rule(data=st.data())
    def cancel_booking(self, data: st.DataObject) -> None:
        self._transition(data, "cancel", [b for b in self.snap.bookings.values() if b.active])

    @rule(data=st.data())
    def cancel_occurrence(self, data: st.DataObject) -> None:
        rows = [b for b in self.snap.bookings.values() if b.active and b.series_id]
        self._transition(data, "cancel", rows)

    @rule(data=st.data())
    def request_approve(self, data: st.DataObject) -> None:
        pending = [b for b in self.snap.bookings.values() if b.status == "pending"]
        self._transition(data, "approve", pending)

    @rule(data=st.data())
    def request_reject(self, data: st.DataObject) -> None:
        pending = [b for b in self.snap.bookings.values() if b.status == "pending"]
        self._transition(data, "reject", pending)

    # -- series ------------------------------------------------------------------------------

    @rule(data=st.data())
    def create_series(self, data: st.DataObject) -> None:
        who = data.draw(st.sampled_from(["m1", "m2", "staff"]), label="who")
        room = data.draw(st.sampled_from(self.rooms), label="room")
        if data.draw(st.integers(0, 9), label="hostile?") == 9:  # the DST gap / repeated hour
            start_date = data.draw(st.sampled_from([date(Y2031, 3, 23), date(Y2031, 10, 19)]))
            start_time, minutes = data.draw(st.sampled_from([("02:30", 60), ("00:00", 1440)]))
            count = 3
        else:
            start_date = m.day_of(
                data.draw(st.integers(0, 3)), data.draw(st.sampled_from((0, 1, 2)))
            )
            slot = data.draw(st.integers(16, 38), label="half hour")
            if slot > 24 and data.draw(st.booleans(), label="morning?"):
                slot = 16 + slot % 9
            start_time = f"{slot // 2:02d}:{30 * (slot % 2):02d}"
            minutes = 30 * data.draw(st.integers(1, 6), label="half hours")
            count = data.draw(st.integers(2, 6), label="count")
        override = who == "staff" and data.draw(st.integers(0, 3), label="override?") == 3
        body: dict[str, Any] = {
            "room_id": room,
            "title": "Algorithms",
            "start_date": start_date.isoformat(),
            "start_time": start_time,
            "duration_minutes": minutes,
            "recurrence": {"freq": "weekly", "count": count},
            "conflict_policy": data.draw(st.sampled_from(["all_or_nothing", "skip_conflicts"])),
        }
        if override:
            body["override"] = True
        status, out, _ = self.write("POST", "/series", who, body, override=override)
        if status == 201:
            first = self.snap.bookings[out["booking_ids"][0]]
            self.set_focus(first.start, first.end, first.room_id)
            pending = self.approval[room] and who != "staff"
            for bid in out["booking_ids"]:
                assert self.snap.bookings[bid].status == ("pending" if pending else "confirmed")

    def pick_series(self, data: st.DataObject) -> dict[str, Any] | None:
        if not self.snap.series:
            return None
        sid = data.draw(st.sampled_from(sorted(self.snap.series)), label="series")
        return self.snap.series[sid]

    @rule(data=st.data())
    def edit_series(self, data: st.DataObject) -> None:
        s = self.pick_series(data)
        if s is None:
            return
        who = self.actor_for(data, s["owner_id"])
        body: dict[str, Any] = {}
        for name in data.draw(
            st.sets(st.sampled_from(["start_time", "duration_minutes", "room_id", "title"])),
            label="fields",
        ):
            if name == "start_time":
                slot = data.draw(st.integers(14, 38), label="half hour")
                body[name] = f"{slot // 2:02d}:{30 * (slot % 2):02d}"
            elif name == "duration_minutes":
                body[name] = 30 * data.draw(st.integers(1, 6), label="half hours")
            elif name == "room_id":
                body[name] = data.draw(st.sampled_from(self.rooms), label="room")
            else:
                body[name] = data.draw(st.sampled_from(["Algorithms I", "Algorithms II"]))
        own = sorted(
            (b for b in self.snap.bookings.values() if b.series_id == s["id"]),
            key=lambda b: b.start,
        )
        scope = "all"
        from_date: date | None = None
        if own and data.draw(st.booleans(), label="following?"):
            scope = "following"
            from_date = data.draw(st.sampled_from([b.occurrence_date for b in own]))
            body |= {"scope": scope, "from_date": from_date.isoformat() if from_date else None}
        reset = data.draw(st.integers(0, 4), label="reset?") == 4
        if reset:
            body["reset_exceptions"] = True
        override = who == "staff" and data.draw(st.integers(0, 4), label="override?") == 4
        if override:
            body["override"] = True
        stale = data.draw(st.integers(0, 9), label="stale?") == 9
        tag = f'"{s["version"] - 1 if stale else s["version"]}"'
        status, out, before = self.write(
            "PATCH", f"/series/{s['id']}", who, body, {"If-Match": tag}, override=override
        )
        if stale and self.visible(who, s["owner_id"]):
            assert status == 412, (status, out)
        if status != 200:
            return

        def in_scope(b: m.Row) -> bool:
            return b.series_id == s["id"] and (
                from_date is None or (b.occurrence_date or date.min) >= from_date
            )

        if reset:  # the active occurrences in scope take the series' values again
            for b in before.bookings.values():
                if in_scope(b) and b.active and b.id in self.expect:
                    kept = {k: v for k, v in self.expect[b.id].items() if k == "status"}
                    self.expect[b.id] = kept
                    if not kept:
                        del self.expect[b.id]
        if scope == "following":  # where it set a value unlike the series', an exception
            asked = {EDITED.get(name) for name in body} - {None}
            for b in self.snap.bookings.values():
                if in_scope(b) and b.active:
                    self.following_change(b, self.snap.series[s["id"]], asked)
        for bid in out["booking_ids"]:
            row = self.snap.bookings[bid]
            self.set_focus(row.start, row.end, row.room_id)

    @rule(data=st.data())
    def series_add_date(self, data: st.DataObject) -> None:
        s = self.pick_series(data)
        if s is None:
            return
        who = self.actor_for(data, s["owner_id"])
        day = m.day_of(data.draw(st.integers(0, 7)), data.draw(st.sampled_from(m.WEEKDAYS)))
        body: dict[str, Any] = {"date": day.isoformat()}
        override = who == "staff" and data.draw(st.integers(0, 4), label="override?") == 4
        if override:
            body["override"] = True
        status, out, _ = self.write(
            "POST", f"/series/{s['id']}/dates", who, body, {"If-Match": f'"{s["version"]}"'},
            override=override,
        )  # fmt: skip
        if status == 200:
            for bid in out["booking_ids"]:
                row = self.snap.bookings[bid]
                assert row.occurrence_date == day
                self.set_focus(row.start, row.end, row.room_id)

    # -- imports -----------------------------------------------------------------------------

    def item(self, ext: str, variant: int, titled: int) -> dict[str, Any]:
        spec = IMPORT_ITEMS[ext]
        room = self.code[self.rooms[spec["room"]]]
        title = f"Lecture {ext}" + (" (new title)" if titled else "")
        start_time = spec["times"][variant]
        if spec["kind"] == "booking":
            s = m.local(spec["day"], *hhmm(start_time))
            e = s + timedelta(minutes=spec["minutes"])
            return {"external_id": ext, "kind": "booking", "room": room, "title": title,
                    "start": m.iso(s), "end": m.iso(e)}  # fmt: skip
        return {
            "external_id": ext,
            "kind": "series",
            "room": room,
            "title": title,
            "start_date": spec["day"].isoformat(),
            "start_time": start_time,
            "duration_minutes": spec["minutes"],
            "recurrence": {"freq": "weekly", "count": spec["count"]},
        }

    def send_import(self, batch: dict[str, Any]) -> tuple[int, Any]:
        options = batch["options"]
        body = {
            "source": SOURCE,
            "mode": "apply",
            "items": [self.item(ext, v, t) for ext, (v, t) in sorted(batch["items"].items())],
            **options,
        }
        fresh = self.fresh_apply
        status, out, _ = self.write(
            "POST", "/imports", "staff", body, override=bool(options.get("override"))
        )
        if status == 201:
            actions = {i["external_id"]: i["action"] for i in out["items"]}
            if fresh is not None and batch == self.batch:  # the same batch again, nothing since
                for ext, action in fresh.items():
                    if action == "cancel":
                        assert ext not in actions, (ext, out)
                    elif action in ("create", "update", "unchanged"):
                        assert actions[ext] == "unchanged", (ext, fresh, out)
            self.fresh_apply = actions
            for i in out["items"]:
                for bid in (i.get("booking_ids") or [])[:1]:
                    row = self.snap.bookings[bid]
                    self.set_focus(row.start, row.end, row.room_id)
        else:
            self.fresh_apply = None
        self.batch = batch
        return status, out

    def draw_options(self, data: st.DataObject) -> dict[str, Any]:
        options: dict[str, Any] = {}
        for name, odds in (("skip_closures", 3), ("cancel_missing", 3), ("override", 8)):
            if data.draw(st.integers(0, odds - 1), label=name) == odds - 1:
                options[name] = True
        if data.draw(st.integers(0, 2), label="non-atomic?") == 2:
            options["atomic"] = False
        return options

    @rule(data=st.data())
    def import_batch(self, data: st.DataObject) -> None:
        exts = data.draw(st.sets(st.sampled_from(sorted(IMPORT_ITEMS)), min_size=1), label="items")
        items = {
            ext: (data.draw(st.integers(0, 2), label="time"), data.draw(st.integers(0, 1)))
            for ext in sorted(exts)
        }
        self.send_import({"items": items, "options": self.draw_options(data)})

    @rule()
    def import_again(self) -> None:
        if self.batch is not None:
            self.send_import(self.batch)

    @rule(data=st.data())
    def import_changed(self, data: st.DataObject) -> None:
        if self.batch is None:
            return
        items = dict(self.batch["items"])
        ext = data.draw(st.sampled_from(sorted(items)), label="item")
        variant, titled = items[ext]
        if data.draw(st.booleans(), label="new title?"):
            titled = 1 - titled
        else:
            variant = (variant + data.draw(st.integers(1, 2))) % 3
        items[ext] = (variant, titled)
        self.send_import({"items": items, "options": self.batch["options"]})

    # -- closures ----------------------------------------------------------------------------

    @rule(data=st.data())
    def close_rooms(self, data: st.DataObject) -> None:
        who = "m2" if data.draw(st.integers(0, 19), label="member?") == 19 else "staff"
        room = data.draw(st.sampled_from([None, *self.rooms]), label="room")
        policy = data.draw(st.sampled_from(["refuse", "cancel", "keep"]), label="policy")
        body: dict[str, Any] = {"reason": "Burst pipe", "on_bookings": policy}
        if room is not None:
            body["room_id"] = room
        window: tuple[datetime, datetime] | None
        if data.draw(st.integers(0, 3), label="whole day?") == 3:
            day = m.day_of(data.draw(st.integers(0, 5)), data.draw(st.sampled_from(m.WEEKDAYS)))
            body["start_date"] = day.isoformat()
            window = (
                m.utc(datetime.combine(day, datetime.min.time(), m.TZ)),
                m.utc(datetime.combine(day + timedelta(days=1), datetime.min.time(), m.TZ)),
            )
        else:
            body["start"], body["end"], window = self.draw_window(data)
        status, out, before = self.write("POST", f"/buildings/{self.h.building_id}/closures",
                                         who, body)  # fmt: skip
        if who != "staff":  # a malformed body is refused before anyone's rights are read
            assert status in ((403, 404) if window else (400, 403, 404, 422)), (status, out)
            return
        if status == 201:  # the window as the server read it (whole days, offsets)
            window = (datetime.fromisoformat(out["start"]), datetime.fromisoformat(out["end"]))
        if window is None:
            return
        s, e = window
        hit = sorted(
            b.id
            for r in ([room] if room is not None else self.rooms)
            for b in before.active_in(r, s, e)
        )
        if policy == "refuse" and hit:
            assert status == 409, (status, out, hit)
            assert sorted(b["id"] for b in out["bookings"]) == hit, (out, hit)
            return
        assert status == 201, (status, out, body)
        assert sorted(out["booking_ids"]) == hit, (out, hit)
        for bid in hit:
            after = self.snap.bookings[bid]
            if policy == "cancel":
                assert after.status == "cancelled", after
            else:
                assert after.status == before.bookings[bid].status, after
                self.kept.add(bid)
        self.set_focus(s, e, room or self.rooms[0])

    # -- reads -------------------------------------------------------------------------------

    @rule(data=st.data())
    def probe_search(self, data: st.DataObject) -> None:
        start, end, window = self.draw_window(data)
        who = data.draw(st.sampled_from(["m1", "staff"]), label="who")
        if window is None:
            params = {"free_from": start, "free_to": end, "building": self.h.building_id}
            self.h.run(self.h.call("GET", "/rooms", who, params=params))
            return
        self.check_search(window[0], window[1], who)

    def check_search(self, start: datetime, end: datetime, who: str) -> None:
        params = {"free_from": m.iso(start), "free_to": m.iso(end), "building": "B1", "limit": 50}
        status, out = self.h.run(self.h.call("GET", "/rooms", who, params=params))
        assert status == 200, out
        found = {r["id"] for r in out["data"]}
        want = m.expected_free(self.snap, self.rooms, start, end)
        assert found == want, f"search {start}..{end} as {who}: {found}, model {want}"

    def check_availability(self, room: int, start: datetime, end: datetime, who: str) -> None:
        params = {"from": m.iso(start), "to": m.iso(end)}
        status, out = self.h.run(self.h.call("GET", f"/rooms/{room}/availability", who,
                                             params=params))  # fmt: skip
        assert status == 200, out
        busy = [
            (datetime.fromisoformat(x["start"]), datetime.fromisoformat(x["end"]), x)
            for x in out["busy"]
        ]
        active = self.snap.active_in(room, start, end)
        for b in active:
            covering = [
                x
                for s, e, x in busy
                if x["kind"] == "booking" and s <= b.start and b.end <= e
                and (x.get("booking_id") in (None, b.id))
            ]  # fmt: skip
            assert covering, f"availability of {room} misses {b}: {out['busy']}"
        ids = {b.id for b in active}
        for _, _, x in busy:
            if x["kind"] == "booking" and x.get("booking_id") is not None:
                assert x["booking_id"] in ids, f"availability shows {x}, active: {active}"
        for c in self.snap.closed(room, start, end):
            assert any(x["kind"] == "closure" and s <= c.start and c.end <= e
                       for s, e, x in busy), (c, out["busy"])  # fmt: skip

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def confirmed_never_overlap(self) -> None:
        pairs = m.overlaps_by_room(self.snap.bookings.values(), ("confirmed",), ("confirmed",))
        assert not pairs, f"confirmed bookings overlap: {self.describe(pairs)}"

    @invariant()
    def pending_never_overlaps_confirmed(self) -> None:
        pairs = m.overlaps_by_room(self.snap.bookings.values(), ("pending",), ("confirmed",))
        assert not pairs, f"pending overlaps confirmed: {self.describe(pairs)}"

    @invariant()
    def confirmed_bookings_keep_the_rules(self) -> None:
        breaks = m.rule_breaks(self.snap, self.overridden | self.kept)
        assert not breaks, f"rules broken without override: {breaks} {self.describe(breaks)}"
        breaks = m.bound_breaks(self.snap, self.overridden)
        assert not breaks, f"time bounds broken: {breaks}"

    @invariant()
    def exceptions_survive(self) -> None:
        for bid, expect in self.expect.items():
            row = self.snap.bookings[bid]
            actual = {
                "room_id": row.room_id,
                "time": (row.start, row.end),
                "title": row.title,
                "status": row.status,
            }
            for name, value in expect.items():
                assert actual[name] == value, f"exception {name} of {row} lost: want {value}"
                assert EXCEPTION_NAMES[name] in row.exception_fields, (name, row)
        dupes = m.duplicate_occurrences(self.snap)
        assert not dupes, f"two active bookings for one occurrence: {dupes}"
        self.adrift = {
            bid for bid in self.adrift if bid in self.snap.bookings and m.adrift(self.snap, bid)
        }
        drift = m.wall_clock_breaks(self.snap, self.adrift)
        assert not drift, f"occurrences off their series' wall-clock time: {drift}"

    @invariant()
    def search_and_availability_agree(self) -> None:
        self.steps += 1
        start, end, room = self.focus
        who = "staff" if self.steps % 2 else "m1"
        self.check_search(start, end, who)
        if self.steps % 2:  # availability every other step (a third of the machine's time)
            return
        day = start.astimezone(m.TZ).date()
        lo = m.utc(datetime.combine(day, datetime.min.time(), m.TZ))
        self.check_availability(room, lo, lo + timedelta(days=2), who)

    def describe(self, pairs: list[tuple[int, Any]]) -> list[Any]:
        return [self.snap.bookings.get(i) for pair in pairs for i in pair if isinstance(i, int)]


def test_the_calendar_keeps_its_promises(engine: str, database_url: str) -> None:
    harness = Harness(database_url)
    try:
        harness.run(harness.start())
        machine = type("CalendarMachineOn" + engine.title(), (CalendarMachine,), {"h": harness})
        run_state_machine_as_test(machine, settings=MACHINE_SETTINGS)
        if os.environ.get("COMPAX_MACHINE_STATS"):
            for what, count in sorted(STATS.items()):
                print(f"{count:6d}  {what}")
    finally:
        harness.run(harness.stop())
        harness.loop.close()
