"""How ``compax waitlist`` and ``compax webhooks`` show what they are about, without a server:
a waitlist entry's room (or criteria) and zone, its table columns and details, the names it
needs looked up; a webhook's event types, building and room options, and its details."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from zoneinfo import ZoneInfo

import httpx
import pytest

from compax_cli import output, waitlist, webhooks
from compax_cli.names import Names
from compax_cli.session import State
from compax_sdk import (
    NOT_GIVEN,
    Booking,
    Building,
    Compax,
    NotFoundError,
    PermissionDeniedError,
    Room,
    WaitlistEntry,
    Webhook,
    WebhookCreated,
)
from tests.cli import models
from tests.cli.screen import Screen

BERLIN = ZoneInfo("Europe/Berlin")  # room 3 (M-101), building 1 (MAIN)
NEW_YORK = ZoneInfo("America/New_York")  # building 2 (NYC)
KOLKATA = ZoneInfo("Asia/Kolkata")  # the command's zone (the campus's, once looked up)
STAMP = "2031-01-06T09:00:00+01:00"

# The entries' window, 2031-03-04 09:00-10:30 UTC, in each zone.
IN_BERLIN = "Tue 2031-03-04 10:00-11:30 CET"
IN_NEW_YORK = "Tue 2031-03-04 04:00-05:30 EST"
IN_KOLKATA = "Tue 2031-03-04 14:30-16:00 IST"
IN_TOKYO = "Tue 2031-03-04 18:00-19:30 JST"


def room(room_id: int = 3, code: str = "M-101", building_id: int = 1) -> Room:
    return models.room(
        id=room_id, code=code, building_id=building_id, building_code="MAIN",
        features=["projector"],
    )  # fmt: skip


def building(building_id: int, code: str, zone: str) -> Building:
    return models.building(id=building_id, code=code, name=f"Hall {code}", timezone=zone)


def names() -> Names:
    """Room 3 is M-101 (Berlin), building 1 MAIN (Berlin), building 2 NYC (New York), user 7
    Ada; nothing else is known (and there is no client to ask)."""
    main, nyc = building(1, "MAIN", "Europe/Berlin"), building(2, "NYC", "America/New_York")
    return models.names([room()], [main, nyc], [models.user()])


def state(tz: str | None = None) -> State:
    """A command's state with no client: the names above, Kolkata the command's zone."""
    return State(tz=tz, zone_hint=KOLKATA, names=names())


def entry(**fields: Any) -> WaitlistEntry:
    """An entry as ``GET /waitlist/12`` answers: waiting for any room anywhere."""
    base = {
        "id": 12,
        "user_id": 7,
        "title": "Seminar",
        "room_id": None,
        "building_id": None,
        "min_capacity": None,
        "features": [],
        "start": "2031-03-04T09:00:00Z",
        "end": "2031-03-04T10:30:00Z",
        "state": "waiting",
        "booking_id": None,
        "offer_expires_at": None,
        "offers": 0,
        "reason": "",
        "joined_at": "2031-03-01T12:00:00Z",
        "ended_at": None,
        "version": 1,
    }
    return WaitlistEntry.model_validate(base | fields)


OFFER_UNTIL = "2031-03-03T08:15:00Z"  # Berlin 09:15, New York 03:15, Kolkata 13:45


class Shelf:
    """One resource of a fake client: ``get`` answers from ``found`` (else 404, or
    ``refuse``), ``list`` with all of it; every call is noted in ``calls``."""

    def __init__(self, found: dict[object, Any], refuse: Exception | None = None) -> None:
        self.found = found
        self.refuse = refuse
        self.calls: list[tuple[str, object]] = []

    def get(self, key: object) -> Any:
        self.calls.append(("get", key))
        if self.refuse is not None:
            raise self.refuse
        if key not in self.found:
            raise NotFoundError(httpx.Response(404))
        return self.found[key]

    def list(self, **query: Any) -> list[Any]:
        self.calls.append(("list", query))
        return list(self.found.values())


class Fake:
    """A client with rooms, buildings and bookings, and nothing else."""

    def __init__(
        self,
        rooms: dict[object, Any] | None = None,
        buildings: dict[object, Any] | None = None,
        bookings: Shelf | None = None,
    ) -> None:
        self.rooms = Shelf(rooms or {})
        self.buildings = Shelf(buildings or {})
        self.bookings = bookings or Shelf({})

    @property
    def client(self) -> Compax:
        return cast(Compax, self)


# -- waitlist: where, and in which zone ------------------------------------------------------


def test_an_entry_for_a_room_is_its_code_and_its_times_are_the_rooms() -> None:
    st = state()
    waiting = entry(room_id=3)
    assert waitlist._place(st, waiting) == "M-101"
    assert waitlist._zone(st, waiting) is BERLIN


def test_an_entry_for_a_room_that_is_gone_says_its_id_in_the_commands_zone() -> None:
    st = state()
    gone = entry(room_id=9)
    assert waitlist._place(st, gone) == "room 9"
    assert waitlist._zone(st, gone) is KOLKATA


def test_any_room_in_a_building_lists_the_criteria_in_order_in_the_buildings_zone() -> None:
    st = state()
    fits = entry(building_id=2, min_capacity=30, features=["projector", "whiteboard"])
    assert waitlist._place(st, fits) == "any, >= 30 seats, projector, whiteboard, in NYC"
    assert waitlist._zone(st, fits) is NEW_YORK
    assert waitlist._place(st, entry(building_id=1)) == "any, in MAIN"
    unknown = entry(building_id=5, features=["projector"])
    assert waitlist._place(st, unknown) == "any, projector, in building 5"
    assert waitlist._zone(st, unknown) is KOLKATA


def test_any_room_anywhere_is_in_the_commands_zone() -> None:
    st = state()
    anywhere = entry(min_capacity=30, features=["projector"])
    assert waitlist._place(st, anywhere) == "any, >= 30 seats, projector"
    assert waitlist._place(st, entry()) == "any"
    assert waitlist._place(st, entry(min_capacity=1)) == "any, >= 1 seat"
    assert waitlist._zone(st, anywhere) is KOLKATA


def test_the_zone_of_any_room_anywhere_asks_for_no_building() -> None:
    fake = Fake(buildings={2: building(2, "NYC", "America/New_York")})
    st = State(zone_hint=KOLKATA, names=Names(fake.client))  # the client still open
    assert waitlist._zone(st, entry()) is KOLKATA
    assert fake.buildings.calls == []
    assert waitlist._zone(st, entry(building_id=2)) is NEW_YORK
    assert fake.buildings.calls == [("get", 2)]


def test_tz_wins_over_the_rooms_and_the_buildings_zone() -> None:
    st = state("Asia/Tokyo")
    tokyo = ZoneInfo("Asia/Tokyo")
    assert waitlist._zone(st, entry(room_id=3)) is tokyo
    assert waitlist._zone(st, entry(building_id=2)) is tokyo
    assert waitlist._zone(st, entry()) is tokyo


# -- waitlist: the table -----------------------------------------------------------------------


def row(columns: list[Any], e: WaitlistEntry) -> list[tuple[str, object]]:
    assert all(len(column) == 2 for column in columns)  # no column is left out first
    return [(column[0], column[1](e)) for column in columns]


def test_the_columns_of_an_offered_entry() -> None:
    offered = entry(
        room_id=3, state="offered", booking_id=55, offer_expires_at=OFFER_UNTIL, offers=1
    )
    assert row(waitlist._columns(state(), False), offered) == [
        ("id", 12),
        ("state", "offered"),
        ("title", "Seminar"),
        ("room", "M-101"),
        ("when", IN_BERLIN),
        ("offer until", "2031-03-03 09:15"),
    ]


def test_offer_until_only_for_an_offer_with_an_expiry_and_who_only_for_people() -> None:
    st = state()
    expired = entry(building_id=2, state="expired", offer_expires_at=OFFER_UNTIL)
    assert row(waitlist._columns(st, True), expired) == [
        ("id", 12),
        ("state", "expired"),
        ("title", "Seminar"),
        ("room", "any, in NYC"),
        ("when", IN_NEW_YORK),
        ("offer until", ""),
        ("who", "Ada Lovelace <ada@campus.example>"),
    ]
    offered_without_expiry = entry(state="offered", user_id=8)
    assert row(waitlist._columns(st, True), offered_without_expiry)[-2:] == [
        ("offer until", ""),
        ("who", "user 8"),
    ]
    offered_in_new_york = entry(building_id=2, state="offered", offer_expires_at=OFFER_UNTIL)
    assert row(waitlist._columns(st, False), offered_in_new_york)[-1] == (
        "offer until",
        "2031-03-03 03:15",
    )


def test_the_table_of_entries(screen: Callable[[int], Screen]) -> None:
    s = screen(160)
    st = state()
    rows = [
        entry(room_id=3, state="offered", booking_id=55, offer_expires_at=OFFER_UNTIL),
        entry(id=13, user_id=8, title="Exam", min_capacity=30, features=["projector"]),
    ]
    output.table(rows, waitlist._columns(st, True))
    assert s.out.splitlines() == [
        "┏━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━"
        "┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ id ┃ state   ┃ title   ┃ room                        ┃ when                           "
        "┃ offer until      ┃ who                               ┃",
        "┡━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━"
        "╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ 12 │ offered │ Seminar │ M-101                       │ Tue 2031-03-04 10:00-11:30 CET "
        "│ 2031-03-03 09:15 │ Ada Lovelace <ada@campus.example> │",
        "│ 13 │ waiting │ Exam    │ any, >= 30 seats, projector │ Tue 2031-03-04 14:30-16:00 IST "
        "│                  │ user 8                            │",
        "└────┴─────────┴─────────┴─────────────────────────────┴────────────────────────────────"
        "┴──────────────────┴───────────────────────────────────┘",
    ]


# -- waitlist: one entry -----------------------------------------------------------------------


def test_an_offer_in_details_names_the_held_room(screen: Callable[[int], Screen]) -> None:
    s = screen(100)
    offered = entry(
        room_id=3, state="offered", booking_id=55, offer_expires_at=OFFER_UNTIL, offers=1
    )
    waitlist._show(state(), offered, "Waitlist entry", "M-101")
    assert s.out.splitlines() == [
        "Waitlist entry",
        "id           12",
        "state        offered",
        "title        Seminar",
        "room         M-101",
        f"when         {IN_BERLIN}",
        "joined       2031-03-01 13:00",
        "booking      55 in M-101",
        "offer until  2031-03-03 09:15",
    ]
    assert s.err == ""


def test_a_waiting_entry_in_details_has_no_booking_offer_or_reason(
    screen: Callable[[int], Screen],
) -> None:
    s = screen(100)
    waitlist._show(state(), entry(building_id=2, min_capacity=30), "Entry")
    assert s.out.splitlines() == [
        "Entry",
        "id      12",
        "state   waiting",
        "title   Seminar",
        "room    any, >= 30 seats, in NYC",
        f"when    {IN_NEW_YORK}",
        "joined  2031-03-01 07:00",
    ]


def test_an_ended_entry_in_details_shows_its_booking_bare_and_why(
    screen: Callable[[int], Screen],
) -> None:
    s = screen(100)
    expired = entry(
        state="expired", booking_id=55, offer_expires_at=OFFER_UNTIL, reason="offer expired"
    )
    waitlist._show(state(), expired, "Waitlist entry")
    assert s.out.splitlines() == [
        "Waitlist entry",
        "id       12",
        "state    expired",
        "title    Seminar",
        "room     any",
        f"when     {IN_KOLKATA}",
        "joined   2031-03-01 17:30",
        "booking  55",
        "reason   offer expired",
    ]


def test_details_in_the_zone_of_tz(screen: Callable[[int], Screen]) -> None:
    s = screen(100)
    offered = entry(room_id=3, state="offered", booking_id=55, offer_expires_at=OFFER_UNTIL)
    waitlist._show(state("Asia/Tokyo"), offered, "Waitlist entry", "M-102")
    lines = s.out.splitlines()
    assert lines[5:] == [
        f"when         {IN_TOKYO}",
        "joined       2031-03-01 21:00",
        "booking      55 in M-102",
        "offer until  2031-03-03 17:15",
    ]


# -- waitlist: names looked up while the client is open ---------------------------------------


def test_learn_asks_for_the_rooms_and_buildings_named_and_people_only_when_asked() -> None:
    asked = models.Asked()
    st = State(zone_hint=None, names=asked)
    fake = Fake()  # no building listed: the campus's zone is not asked for
    entries = [
        entry(room_id=3, user_id=7),
        entry(room_id=4, user_id=8),
        entry(building_id=2, user_id=9),
        entry(room_id=3, user_id=7),
    ]
    waitlist._learn(st, fake.client, entries)
    waitlist._learn(st, fake.client, entries, people=True)
    waitlist._learn(st, fake.client, entries, False)
    assert asked.asked == [
        ({3, 4}, set(), {2}),
        ({3, 4}, {7, 8, 9}, {2}),
        ({3, 4}, set(), {2}),
    ]
    assert fake.buildings.calls == []
    assert st.zone_hint is None


def test_learn_looks_up_the_campus_zone_for_an_entry_for_any_room_anywhere() -> None:
    asked = models.Asked()
    st = State(zone_hint=None, names=asked)
    fake = Fake(buildings={1: building(1, "MAIN", "Europe/Berlin")})
    waitlist._learn(st, fake.client, [entry(room_id=3), entry(min_capacity=30)], people=True)
    assert asked.asked == [({3}, {7}, set())]
    assert fake.buildings.calls == [("list", {"limit": 200})]
    assert st.zone_hint is BERLIN
    waitlist._learn(st, fake.client, [])  # nothing to look up
    assert asked.asked[-1] == (set(), set(), set())
    assert fake.buildings.calls == [("list", {"limit": 200})]


def test_the_held_room_is_the_bookings_room_by_code() -> None:
    st = state()
    bookings = Shelf({55: booking_in(3), 56: booking_in(9)})
    fake = Fake(bookings=bookings)
    assert waitlist._held_room(st, fake.client, entry(booking_id=55)) == "M-101"
    assert waitlist._held_room(st, fake.client, entry(booking_id=56)) == "room 9"
    assert waitlist._held_room(st, fake.client, entry()) == ""
    assert bookings.calls == [("get", 55), ("get", 56)]


@pytest.mark.parametrize(
    "refusal", [NotFoundError(httpx.Response(404)), PermissionDeniedError(httpx.Response(403))]
)
def test_a_held_room_that_cannot_be_read_is_left_out(refusal: Exception) -> None:
    bookings = Shelf({55: booking_in(3)}, refuse=refusal)
    fake = Fake(bookings=bookings)
    assert waitlist._held_room(state(), fake.client, entry(booking_id=55)) == ""
    assert bookings.calls == [("get", 55)]


def booking_in(room_id: int) -> Booking:
    return Booking.model_validate(
        {
            "id": 55,
            "room_id": room_id,
            "owner_id": 7,
            "title": "Seminar",
            "start": "2031-03-04T09:00:00Z",
            "end": "2031-03-04T10:30:00Z",
            "status": "held",
            "version": 1,
            "created_by_id": 7,
            "created_at": STAMP,
            "updated_at": STAMP,
        }
    )


# -- webhooks: options -------------------------------------------------------------------------


def test_a_building_option_not_given_is_left_alone_and_empty_clears_it() -> None:
    fake = Fake(buildings={2: building(2, "NYC", "America/New_York")})
    assert webhooks._building(fake.client, None) is NOT_GIVEN
    assert webhooks._building(fake.client, "") is None
    assert fake.buildings.calls == []
    assert webhooks._building(fake.client, "2") == 2
    assert webhooks._building(fake.client, "nyc") == 2
    assert fake.buildings.calls == [("get", 2), ("list", {"limit": 200})]


def test_a_room_option_not_given_is_left_alone_and_empty_clears_it() -> None:
    fake = Fake(rooms={"M-101": room()})
    assert webhooks._room(fake.client, None) is NOT_GIVEN
    assert webhooks._room(fake.client, "") is None
    assert fake.rooms.calls == []
    assert webhooks._room(fake.client, "M-101") == 3
    assert fake.rooms.calls == [("get", "M-101")]


# -- webhooks: one webhook ---------------------------------------------------------------------


def hook(**fields: Any) -> Webhook:
    """A webhook as ``GET /webhooks/3`` answers."""
    return Webhook.model_validate(HOOK | fields)


HOOK: dict[str, Any] = {
    "id": 3,
    "url": "https://hooks.example.org/compax",
    "description": "mirror",
    "event_types": ["booking.*", "closure.create"],
    "building_id": None,
    "room_id": None,
    "source": None,
    "active": True,
    "disabled_reason": "",
    "owner_user_id": 1,
    "owner_api_key_id": None,
    "previous_secret_until": None,
    "version": 2,
    "created_at": STAMP,
    "updated_at": STAMP,
}


def test_a_webhook_in_details(screen: Callable[[int], Screen]) -> None:
    s = screen(200)
    webhooks._show(hook(), names())
    assert s.out.splitlines() == [
        "Webhook",
        "id           3",
        "url          https://hooks.example.org/compax",
        "events       booking.*, closure.create",
        "description  mirror",
        "building",
        "room",
        "source",
        "active       yes",
        "version      2",
    ]
    assert s.err == ""


def test_a_webhook_names_its_building_and_room_by_code(screen: Callable[[int], Screen]) -> None:
    s = screen(200)
    webhooks._show(hook(building_id=1, room_id=3, source="timetable"), names())
    webhooks._show(hook(building_id=8, room_id=9), names())
    lines = s.out.splitlines()
    assert lines[5:8] == ["building     MAIN", "room         M-101", "source       timetable"]
    assert lines[15:18] == ["building     building 8", "room         room 9", "source"]


def test_a_disabled_webhook_says_why(screen: Callable[[int], Screen]) -> None:
    s = screen(200)
    reason = "disabled 2031-03-04T09:00:00Z: delivery 5 (event 9) failed for 86400 s"
    webhooks._show(hook(active=False, disabled_reason=reason), names())
    webhooks._show(hook(active=False), names())  # turned off with --disable
    actives = [line for line in s.out.splitlines() if line.startswith("active")]
    assert actives == [f"active       no: {reason}", "active       no: by hand"]


def test_a_new_secret_is_shown_once_with_a_warning(screen: Callable[[int], Screen]) -> None:
    s = screen(200)
    made = WebhookCreated.model_validate(HOOK | {"secret": "whsec_c2VjcmV0"})
    webhooks._show(made, names())
    assert s.out.splitlines()[-2:] == ["version      2", "secret       whsec_c2VjcmV0"]
    assert s.err == (
        "The secret is shown only now: give it to the receiver, which checks each delivery's "
        "webhook-signature with it.\n"
    )


def test_the_building_and_room_of_a_webhook_are_looked_up() -> None:
    asked = models.Asked()
    webhooks._learn(asked, hook(building_id=1, room_id=3))
    webhooks._learn(asked, hook())
    webhooks._learn(asked, hook(room_id=4))
    assert asked.asked == [({3}, set(), {1}), (set(), set(), set()), ({4}, set(), set())]
