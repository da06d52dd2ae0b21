"""How the CLI reads times (issue 11, items 7 and 8): a duration is elapsed time, a local
time the clocks skip or show twice is refused with both readings, and the audit log's time
filters find events by instant whatever zone they are written in.

Europe/Berlin in 2027: the clocks go forward on Sunday 2027-03-28 at 02:00 (CET, UTC+1 ->
CEST, UTC+2) and back on Sunday 2027-10-31 at 03:00 (CEST -> CET).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from compax_sdk import Building, Compax, Room
from tests.cli.conftest import BERLIN, Cli, tag
from tests.dates import Y2031, future_year

pytestmark = pytest.mark.slow

Y2027 = future_year(2027)  # written for 2027; the same calendar ahead (tests/dates.py)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def length(booking: dict[str, Any]) -> timedelta:
    return utc(booking["end"]) - utc(booking["start"])


@pytest.fixture
def night(api: Compax) -> tuple[Building, Room]:
    """A Berlin building that is always open (the clocks change at night), and its room."""
    t = tag()
    building = api.buildings.create(code=f"N{t}", name=f"Night hall {t}", timezone=BERLIN)
    room = api.rooms.create(
        code=f"{t}-night", name="Night room", building_id=building.id, capacity=10
    )
    return building, room


@pytest.fixture
def night_room(night: tuple[Building, Room]) -> str:
    return night[1].code


def create(cli: Cli, room: str, *args: str) -> Any:
    return cli.json("bookings", "create", "-r", room, "-t", "Night shift", *args)


def test_a_duration_is_elapsed_time_across_the_autumn_change(admin_cli, night_room):
    # 01:30 CEST + 2h is 02:30 CET (the second 02:30), not 03:30 CET (three hours)
    made = create(admin_cli, night_room, "-s", f"{Y2027}-10-31 01:30", "-d", "2h")
    assert utc(made["start"]) == datetime(Y2027, 10, 30, 23, 30, tzinfo=UTC)
    assert length(made) == timedelta(hours=2)
    shown = admin_cli.ok("bookings", "show", str(made["id"])).stdout
    assert f"Sun {Y2027}-10-31 01:30 CEST-02:30 CET" in shown


def test_a_duration_is_elapsed_time_across_the_spring_change(admin_cli, night_room):
    # 01:00 CET + 2h is 04:00 CEST, not 03:00 CEST (one hour)
    made = create(admin_cli, night_room, "-s", f"{Y2027}-03-28 01:00", "-d", "2h")
    assert utc(made["start"]) == datetime(Y2027, 3, 28, 0, tzinfo=UTC)
    assert length(made) == timedelta(hours=2)


def test_each_reading_of_a_repeated_time_can_be_booked_with_its_offset(admin_cli, night_room):
    first = create(admin_cli, night_room, "-s", f"{Y2027}-10-31T02:30+02:00", "-d", "1h")
    second = create(admin_cli, night_room, "-s", f"{Y2027}-10-31 02:30+01:00", "-d", "30m")
    assert utc(first["start"]) == datetime(Y2027, 10, 31, 0, 30, tzinfo=UTC)
    assert length(first) == timedelta(hours=1)
    assert utc(second["start"]) == datetime(Y2027, 10, 31, 1, 30, tzinfo=UTC)
    assert length(second) == timedelta(minutes=30)


def test_a_time_that_happens_twice_is_refused_with_both_readings(admin_cli, api, night_room):
    before = len(list(api.bookings.list()))
    result = admin_cli("bookings", "create", "-r", night_room, "-t", "Which one",
                       "-s", f"{Y2027}-10-31 02:30", "-d", "1h")  # fmt: skip
    assert result.exit_code == 2
    message = " ".join(result.stderr.replace("│", " ").split())
    assert "--start" in message and "happens twice" in message
    assert f"{Y2027}-10-31T02:30+02:00 (CEST, 00:30 UTC)" in message
    assert f"{Y2027}-10-31T02:30+01:00 (CET, 01:30 UTC)" in message
    assert "with its offset" in message
    assert len(list(api.bookings.list())) == before  # nothing was guessed and booked


def test_a_time_the_clocks_skip_is_refused_with_both_readings(admin_cli, night_room):
    result = admin_cli("bookings", "create", "-r", night_room, "-t", "Gap",
                       "-s", f"{Y2027}-03-28 02:30", "-d", "1h")  # fmt: skip
    assert result.exit_code == 2
    message = " ".join(result.stderr.replace("│", " ").split())
    assert "does not exist" in message and "forward from 02:00 to 03:00" in message
    assert f"{Y2027}-03-28T02:30+01:00 (CET, 01:30 UTC)" in message
    assert f"{Y2027}-03-28T02:30+02:00 (CEST, 00:30 UTC)" in message
    end = admin_cli("bookings", "create", "-r", night_room, "-t", "Gap",
                    "-s", f"{Y2027}-03-28 01:00", "-e", f"{Y2027}-03-28 02:15")  # fmt: skip
    assert end.exit_code == 2 and "--end" in end.stderr and "does not exist" in end.stderr


def test_move_keeps_the_elapsed_length_and_reads_durations_as_elapsed(admin_cli, night_room):
    made = create(admin_cli, night_room, "-s", f"{Y2027}-10-30 20:00", "-d", "2h")
    moved = admin_cli.json("bookings", "move", str(made["id"]), "-s", f"{Y2027}-10-31 01:00")
    assert utc(moved["start"]) == datetime(Y2027, 10, 30, 23, tzinfo=UTC)
    assert length(moved) == timedelta(hours=2)  # not 3: 01:00 CEST + 2h is 02:00 CET
    longer = admin_cli.json("bookings", "move", str(made["id"]), "-d", "3h")
    assert length(longer) == timedelta(hours=3)
    assert (
        admin_cli("bookings", "move", str(made["id"]), "-s", f"{Y2027}-10-31 02:00").exit_code == 2
    )


def test_a_search_window_from_a_duration_is_elapsed_time(admin_cli, api, night):
    building, room = night
    # 01:45-02:15 UTC lies inside 01:30 CEST + 3h wall-clock (= 02:30 UTC), after + 2h elapsed
    api.bookings.create(
        room_id=room.id,
        title="Just after",
        start=datetime(Y2027, 10, 31, 1, 45, tzinfo=UTC),
        end=datetime(Y2027, 10, 31, 2, 15, tzinfo=UTC),
    )

    def free(duration: str) -> list[str]:
        found = admin_cli.json(
            "rooms", "search", "-b", building.code, "--from", f"{Y2027}-10-31 01:30", "-d", duration
        )
        return [r["code"] for r in found["data"]]

    assert free("2h") == [room.code]
    assert free("2h30m") == []


def test_audit_list_finds_events_by_a_local_time(admin_cli, api, campus):
    # issue 11 item 7: --from in local time found nothing on SQLite, --to everything
    booking = api.bookings.create(
        room_id=campus["big"].id,
        title="Audited in Berlin time",
        start=utc(f"{Y2031}-03-05T09:00Z"),
        end=utc(f"{Y2031}-03-05T10:00Z"),
    )
    [event] = admin_cli.json("audit", "list", "--entity", "booking", "--id", str(booking.id))
    minute = utc(event["at"]).astimezone(ZoneInfo(BERLIN)).replace(second=0, microsecond=0)
    this, next_ = f"{minute:%Y-%m-%d %H:%M}", f"{minute + timedelta(minutes=1):%Y-%m-%d %H:%M}"

    def ids(*args: str) -> list[int]:
        return [e["id"] for e in admin_cli.json("audit", "list", "--tz", BERLIN, *args)]

    assert event["id"] in ids("--from", this)
    assert event["id"] not in ids("--from", next_)
    assert event["id"] in ids("--to", next_)
    assert event["id"] not in ids("--to", this)
    assert ids("--from", this, "--to", next_, "--entity", "booking", "--id", str(booking.id)) == [
        event["id"]
    ]
