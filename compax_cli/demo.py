"""``compax demo``: load a small sample campus through the API, to try search and booking.

Two buildings with opening hours, twelve rooms with features, a term with a holiday week,
a few bookings next week, two competing requests waiting for approval, a closure and a
weekly lecture series. Everything is found by its code, name or title before it is made, so
running the command again adds nothing twice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from compax_cli.options import Json
from compax_cli.output import EXIT_AUTH, fail, note, print_json
from compax_cli.session import State, client, state
from compax_cli.times import after, wall_time, zone
from compax_sdk import Compax, Room

WEEKDAYS = {d: [["07:00", "22:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
BUILDINGS = [
    ("MAIN", "Main building", WEEKDAYS | {"sat": [["08:00", "18:00"]]}),
    ("SCI", "Science center", {d: [["08:00", "20:00"]] for d in WEEKDAYS}),
]
DEMO_BUILDINGS = {code for code, _, _ in BUILDINGS}
FEATURES = [
    ("projector", "Projector"),
    ("whiteboard", "Whiteboard"),
    ("computers", "Computers"),
    ("wheelchair-access", "Wheelchair access"),
    ("video-conferencing", "Video conferencing"),
]
# code, name, building, floor, seats, features, requires approval
ROOMS: list[tuple[str, str, str, int, int, list[str], bool]] = [
    (
        "M-001",
        "Lecture hall A",
        "MAIN",
        0,
        200,
        ["projector", "wheelchair-access", "video-conferencing"],
        False,
    ),
    ("M-002", "Lecture hall B", "MAIN", 0, 120, ["projector", "wheelchair-access"], False),
    ("M-101", "Seminar room 101", "MAIN", 1, 30, ["projector", "whiteboard"], False),
    ("M-102", "Seminar room 102", "MAIN", 1, 24, ["whiteboard"], False),
    (
        "M-103",
        "Seminar room 103",
        "MAIN",
        1,
        40,
        ["projector", "whiteboard", "wheelchair-access"],
        False,
    ),
    ("M-201", "Meeting room", "MAIN", 2, 10, ["video-conferencing", "whiteboard"], True),
    ("M-202", "Study room", "MAIN", 2, 6, ["whiteboard"], False),
    ("S-010", "Computer lab 1", "SCI", 0, 30, ["computers", "projector"], False),
    ("S-011", "Computer lab 2", "SCI", 0, 20, ["computers"], False),
    ("S-110", "Physics lab", "SCI", 1, 24, ["whiteboard"], False),
    (
        "S-120",
        "Auditorium",
        "SCI",
        1,
        150,
        ["projector", "video-conferencing", "wheelchair-access"],
        True,
    ),
    ("S-130", "Project room", "SCI", 1, 12, ["projector", "whiteboard"], False),
]
# room, day of next week (0 = Monday), start, minutes, title
BOOKINGS = [
    ("M-101", 0, "10:00", 120, "Linear algebra tutorial"),
    ("M-101", 1, "14:00", 120, "Study group"),
    ("M-103", 2, "09:00", 120, "Faculty meeting"),
    ("S-010", 3, "13:00", 120, "Python workshop"),
    ("M-001", 4, "10:00", 120, "Guest lecture"),
]
REQUESTS = [
    ("M-201", 2, "10:00", 60, "Thesis defence rehearsal"),
    ("M-201", 2, "10:30", 60, "Reading group"),
]
MEMBER = ("demo.member@compax.example", "Dana Member")
TERM = "Demo term"
SERIES_TITLE = "Algorithms lecture"


ONE = {
    "buildings": "building",
    "features": "feature",
    "rooms": "room",
    "terms": "term",
    "bookings": "booking",
    "closures": "closure",
    "series": "series",
    "requests": "request",
}


@dataclass
class Tally:
    made: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, created: bool) -> None:
        counts = self.made if created else self.kept
        counts[kind] = counts.get(kind, 0) + 1


def next_monday(tz: ZoneInfo) -> date:
    today = datetime.now(tz).date()
    return today + timedelta(days=7 - today.weekday())


def at(day: date, hhmm: str, tz: ZoneInfo) -> datetime:
    return wall_time(datetime.combine(day, time.fromisoformat(hhmm)), tz, "--timezone")


def load(c: Compax, tz_name: str, is_admin: bool) -> Tally:
    tally = Tally()
    tz = ZoneInfo(tz_name)
    known_buildings = {b.code: b for b in c.buildings.list(limit=200)}
    for code, name, hours in BUILDINGS:
        new = code not in known_buildings
        if new:
            known_buildings[code] = c.buildings.create(
                code=code, name=name, timezone=tz_name, opening_hours=hours
            )
        tally.add("buildings", new)

    known_features = {f.code for f in c.features.list()}
    for code, name in FEATURES:
        new = code not in known_features
        if new:
            c.features.create(code=code, name=name)
        tally.add("features", new)

    rooms: dict[str, Room] = {}
    for code, name, building, floor, seats, features, approval in ROOMS:
        found = next((r for r in c.rooms.list(q=code) if r.code == code), None)
        if found is not None and found.building_code != building:
            fail(f"room {code} exists already, in building {found.building_code}: not a demo room")
        tally.add("rooms", found is None)
        if found is None:
            found = c.rooms.create(
                code=code,
                name=name,
                building_id=known_buildings[building].id,
                capacity=seats,
                floor=floor,
                features=features,
                requires_approval=approval or None,
            )
        rooms[code] = found

    monday = next_monday(tz)
    term = next((t for t in c.terms.list() if t.name == TERM), None)
    if term is None:
        start = monday - timedelta(days=7)
        term = c.terms.create(
            name=TERM,
            start_date=start,
            end_date=start + timedelta(weeks=15, days=4),
            holidays=[
                {
                    "start": monday + timedelta(weeks=3),
                    "end": monday + timedelta(weeks=3, days=4),
                    "name": "Term break",
                }
            ],
        )
        tally.add("terms", True)
    else:
        tally.add("terms", False)

    titles: dict[int, set[str]] = {}

    def booked(room: Room, title: str) -> bool:
        if room.id not in titles:
            titles[room.id] = {b.title for b in c.bookings.list(room_id=room.id)}
        return title in titles[room.id]

    for code, day, hhmm, length, title in BOOKINGS:
        room = rooms[code]
        new = not booked(room, title)
        if new:
            start = at(monday + timedelta(days=day), hhmm, tz)
            c.bookings.create(
                room_id=room.id,
                title=title,
                start=start,
                end=after(start, timedelta(minutes=length)),
            )
        tally.add("bookings", new)

    physics = rooms["S-110"]
    closures = c.buildings.list_closures(physics.building_id)
    new = not any(x.reason == "Maintenance" and x.room_id == physics.id for x in closures)
    if new:
        c.buildings.create_closure(
            physics.building_id,
            reason="Maintenance",
            room_id=physics.id,
            start_date=monday + timedelta(days=2),
            end_date=monday + timedelta(days=2),
        )
    tally.add("closures", new)

    new = not any(s.title == SERIES_TITLE for s in c.series.list())
    if new:
        c.series.create(
            room_id=rooms["M-002"].id,
            title=SERIES_TITLE,
            start_date=monday,
            start_time="10:00",
            duration_minutes=90,
            recurrence={"freq": "weekly", "weekdays": ["tue"], "term_id": term.id},
            conflict_policy="skip_conflicts",
        )
    tally.add("series", new)

    missing = [r for r in REQUESTS if not booked(rooms[r[0]], r[4])]
    if missing and is_admin:
        _requests(c, missing, rooms, monday, tz)
    for request in REQUESTS:
        tally.add("requests", request in missing and is_admin)
    return tally


def _requests(
    c: Compax,
    requests: list[tuple[str, int, str, int, str]],
    rooms: dict[str, Room],
    monday: date,
    tz: ZoneInfo,
) -> None:
    """Requests need a member (staff bookings are confirmed at once): the demo member, with
    a new random password each time (nobody needs to know it)."""
    password = secrets.token_urlsafe(18)
    email, name = MEMBER
    member = next((u for u in c.users.list(q=email) if u.email == email), None)
    if member is None:
        c.users.create(email=email, full_name=name, role="member", password=password)
    else:
        c.users.update(member, password=password, is_active=True)
    with Compax(base_url=c.base_url, api_key="", access_token="") as as_member:
        as_member.auth.login(email, password)
        for code, day, hhmm, length, title in requests:
            start = at(monday + timedelta(days=day), hhmm, tz)
            as_member.bookings.create(
                room_id=rooms[code].id,
                title=title,
                start=start,
                end=after(start, timedelta(minutes=length)),
            )
        as_member.auth.logout()


def demo(
    ctx: typer.Context,
    timezone: Annotated[
        str, typer.Option(help="The sample buildings' zone (on the first run).")
    ] = "Europe/Berlin",
    anyway: Annotated[
        bool, typer.Option("--anyway", help="Load it even beside buildings of your own.")
    ] = False,
    json_: Json = False,
) -> None:
    """Load a sample campus (as the logged-in staff or admin), to try search and booking.
    Running it again adds nothing twice.

    Example: compax login && compax demo && compax bookings pending
    """
    st = state(ctx, json_)
    zone(timezone, "--timezone")
    with client(st) as c:
        me = c.me.get()
        if me.role not in ("staff", "admin"):
            fail(f"the demo needs a staff or admin login; {me.email} is a {me.role}", EXIT_AUTH)
        others = sorted(b.code for b in c.buildings.list() if b.code not in DEMO_BUILDINGS)
        if others and not anyway:
            fail(
                f"this server has buildings of its own ({', '.join(others[:5])}); the demo is "
                "meant for a fresh server. Add --anyway to load it beside them."
            )
        tally = load(c, timezone, me.role == "admin")
        tz = next((b.timezone for b in c.buildings.list() if b.code == "MAIN"), timezone)
    _report(st, tally, me.role == "admin", ZoneInfo(tz))


def _report(st: State, tally: Tally, is_admin: bool, tz: ZoneInfo) -> None:
    if st.json:
        print_json({"created": tally.made, "existing": tally.kept})
        return
    if tally.made:
        added = ", ".join(f"{n} {kind if n > 1 else ONE[kind]}" for kind, n in tally.made.items())
        there = sum(tally.kept.values())
        note(
            f"Sample campus loaded: {added}" + (f" ({there} were there already)." if there else ".")
        )
    else:
        note("The sample campus is there already: nothing added.")
    if not is_admin:
        note("(Log in as an admin to add the pending requests of the demo member too.)")
    monday = next_monday(tz)
    note(
        "Try:\n"
        f"  compax rooms search -c 20 -f projector --from '{monday} 10:00' -d 2h --explain\n"
        f"  compax rooms availability M-101 --from '{monday}' --days 5\n"
        "  compax bookings pending\n"
        f"  compax bookings create -r M-101 -t 'My seminar' -s '{monday} 13:00' -d 1h\n"
        f"  compax bookings create -r M-101 -t 'Clash' -s '{monday} 11:00' -d 1h"
        "   (taken: shows what is in the way)\n"
        "  compax series list"
    )
