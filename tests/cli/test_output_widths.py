"""What the CLI prints, at 80 and at 140 columns: people by name and email, rooms by code,
times in the building's zone, rules in the words of ``rules show``; no line wider than the
terminal, and the columns a narrow terminal leaves out come back on a wide one.

Each test renders one command at both widths (``COLUMNS``, as a terminal sets it) against a
real server, and checks the output line by line.
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import takewhile
from typing import Any

import pytest
from rich.cells import cell_len

from compax_sdk import Compax
from tests.cli.conftest import MEMBER_PASSWORD, Cli, tag
from tests.dates import Y2031

WIDTHS = (80, 140)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def fits(text: str, width: int) -> None:
    """No line of ``text`` is wider than the terminal."""
    for line in text.splitlines():
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"


def column(out: str, index: int) -> str:
    """The text of one column of a table (``-1``: the last), its wrapped lines joined."""
    cells = [line.split("│")[1:-1] for line in out.splitlines() if line.startswith("│")]
    return " ".join(" ".join(row[index].split()) for row in cells if row[index].strip())


def row_cells(out: str, first: str) -> list[str]:
    """The cells of the table's row whose first cell is ``first``, each with its wrapped
    lines joined and its spaces dropped (a narrow column may cut a word anywhere). A first
    cell shown whole is matched exactly; one cut over lines (a long email) by its pieces."""
    lines = [line.split("│")[1:-1] for line in out.splitlines() if line.startswith("│")]

    def joined(row: list[list[str]]) -> list[str]:
        return ["".join("".join(cells[i] for cells in row).split()) for i in range(len(row[0]))]

    for start, cells in enumerate(lines):
        if cells[0].strip() == first:  # then the lines of the same row: no first cell
            rest = takewhile(lambda cells: not cells[0].strip(), lines[start + 1 :])
            return joined([cells, *rest])
    target = "".join(first.split())
    for start in (i for i, cells in enumerate(lines) if cells[0].strip()):
        row, name = [], ""
        for cells in lines[start:]:  # a row ends where its first cell would outgrow ``first``
            if not target.startswith(name + "".join(cells[0].split())):
                break
            row.append(cells)
            name += "".join(cells[0].split())
        if name == target:
            return joined(row)
    raise AssertionError(f"no row of the table starts with {first!r}:\n{out}")


def run(cli: Cli, width: int, *args: str, code: int = 0) -> tuple[str, str]:
    """stdout and stderr of ``compax ARGS`` in a terminal ``width`` columns wide."""
    result = cli(*args, COLUMNS=str(width))
    assert result.exit_code == code, f"exit {result.exit_code}\n{result.output}"
    assert "Traceback" not in result.output
    fits(result.stdout, width)
    fits(result.stderr, width)
    return result.stdout, result.stderr


@pytest.fixture
def ada(api: Compax) -> Any:
    """A member with a name: Ada Lovelace."""
    email = f"ada-{tag().lower()}@campus.example"
    return api.users.create(
        email=email, full_name="Ada Lovelace", role="member", password=MEMBER_PASSWORD
    )


@pytest.fixture
def booked(api: Compax, campus: dict[str, Any], ada: Any) -> Any:
    """Ada's lecture in the small room (Tue 2031-03-04 10:00-11:30 Berlin), booked by staff."""
    return api.bookings.create(
        room_id=campus["small"].id,
        title="Linear algebra for first years",
        start=utc(f"{Y2031}-03-04T09:00Z"),
        end=utc(f"{Y2031}-03-04T10:30Z"),
        owner_id=ada.id,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_bookings_list_names_the_owner_and_the_room(admin_cli, campus, ada, booked, width):
    small = campus["small"]
    out, err = run(admin_cli, width, "bookings", "list", "--room", small.code)
    text = "\n".join(lines(out))
    assert small.code in text and "Ada Lovelace" in text
    assert f"Tue {Y2031}-03-04" in text and "10:00-11:30 CET" in text
    assert f"owner {ada.id}" not in text
    if width == 140:  # nothing left out; the time and the name each on one line
        row = next(line for line in lines(out) if small.code in line)
        assert f"Tue {Y2031}-03-04 10:00-11:30 CET" in row and "confirmed" in row
        assert "Ada Lovelace" in row and ada.email in text
        assert "series" in out and "Left out" not in err
    else:  # the least useful columns go first; the owner's name stays
        assert "series" not in out and "Left out to fit 80 columns: " in err


@pytest.mark.parametrize("width", WIDTHS)
def test_bookings_list_cut_by_limit_says_more_exist(admin_cli, api, campus, booked, width):
    api.bookings.create(
        room_id=campus["small"].id,
        title="Second",
        start=utc(f"{Y2031}-03-05T09:00Z"),
        end=utc(f"{Y2031}-03-05T10:00Z"),
    )
    code = campus["small"].code
    out, err = run(admin_cli, width, "bookings", "list", "--room", code, "--limit", "1")
    titles = column(out, -1)
    assert "Linear algebra for first years" in titles and "Second" not in titles
    assert "more exist" in " ".join(err.split())
    _, err = run(admin_cli, width, "bookings", "list", "--room", code, "--limit", "2")
    assert "more exist" not in err


@pytest.mark.parametrize("width", WIDTHS)
def test_bookings_show_names_the_owner_and_who_booked(admin_cli, campus, ada, booked, width):
    out, _ = run(admin_cli, width, "bookings", "show", str(booked.id))
    assert f"Ada Lovelace <{ada.email}>" in out
    assert "by Administrator" in out or "by admin@campus.example" in out
    assert campus["small"].code in out and f"Tue {Y2031}-03-04 10:00-11:30 CET" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_the_pending_queue_names_who_asked(admin_cli, api, server, campus, ada, width):
    room = api.rooms.create(
        code=f"{campus['tag']}-ask",
        name="Asked room",
        building_id=campus["building"].id,
        capacity=20,
        requires_approval=True,
    )
    with Compax(base_url=server.url, api_key="", access_token="") as member:
        member.auth.login(ada.email, MEMBER_PASSWORD)
        first = member.bookings.create(
            room_id=room.id,
            title="Reading group",
            start=utc(f"{Y2031}-03-06T09:00Z"),
            end=utc(f"{Y2031}-03-06T10:00Z"),
        )
        second = member.bookings.create(
            room_id=room.id,
            title="Thesis rehearsal",
            start=utc(f"{Y2031}-03-06T09:30Z"),
            end=utc(f"{Y2031}-03-06T10:30Z"),
        )
    assert first.status == second.status == "pending"
    out, err = run(admin_cli, width, "bookings", "pending", "--room", room.code)
    assert room.code in out and "Ada Lovelace" in out and f"Thu {Y2031}-03-06" in out
    if width == 140:
        row = next(line for line in lines(out) if line.startswith(f"│ {first.id} "))
        assert "Ada Lovelace" in row and str(second.id) in row and ada.email in out
    _, err = run(admin_cli, width, "bookings", "pending", "--room", room.code, "--limit", "1")
    assert "more exist" in " ".join(err.split())


@pytest.mark.parametrize("width", WIDTHS)
def test_the_audit_diff_names_rooms_by_code(admin_cli, api, campus, booked, width):
    small, mid = campus["small"], campus["mid"]
    api.bookings.update(api.bookings.get(booked.id), room_id=mid.id)
    out, _ = run(admin_cli, width, "audit", "list", "--entity", "booking", "--id", str(booked.id))
    assert f"room {small.code} → {mid.code}" in column(out, -1)
    assert "room_id" not in out
    created, _ = run(admin_cli, width, "audit", "list", "--entity", "booking", "--action",
                     "booking.create", "--id", str(booked.id))  # fmt: skip
    assert "Ada Lovelace" in column(created, -1)


@pytest.mark.parametrize("width", WIDTHS)
def test_rooms_list_fits_and_keeps_the_codes(admin_cli, campus, width):
    out, err = run(admin_cli, width, "rooms", "list", "--building", campus["building"].code)
    for key in ("small", "mid", "big"):
        assert campus[key].code in out
    assert "whiteboard" in out and "seats" in out
    if width == 140:
        assert "floor" in out and "Left out" not in err
        assert "Small room" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_rules_read_the_same_in_rules_show_and_in_their_error(admin_cli, campus, ada, width):
    room = campus["big"]
    admin_cli.ok("rules", "set", "--room", room.code, "--max-duration", "4h")
    out, _ = run(admin_cli, width, "rules", "show")
    row = next(line for line in lines(out) if room.code in line)
    assert re.search(r"│ 4h\s+│", row), row
    _, err = run(
        admin_cli,
        width,
        "bookings",
        "create",
        "-r",
        room.code,
        "-t",
        "Too long",
        "-s",
        f"{Y2031}-03-07 08:00",
        "-d",
        "5h",
        "--owner",
        ada.email,
        code=1,
    )
    said = " ".join(err.split())
    assert "a booking may last at most 4h" in said
    assert "max length 4h" in said and "--override" in said
    assert "240" not in said and "minutes" not in said and "max_duration" not in said


@pytest.mark.parametrize("width", WIDTHS)
def test_a_clash_names_the_booking_its_owner_and_local_times(admin_cli, campus, ada, booked, width):
    small = campus["small"]
    _, err = run(
        admin_cli,
        width,
        "bookings",
        "create",
        "-r",
        small.code,
        "-t",
        "Clash",
        "-s",
        f"{Y2031}-03-04 11:00",
        "-d",
        "1h",
        code=4,
    )
    said = " ".join(err.split())
    assert f"room {small.code} is booked Tue {Y2031}-03-04 10:00-11:30 CET" in said
    assert f"booking {booked.id} 'Linear algebra for first years'" in said
    assert f"booked by Ada Lovelace <{ada.email}>" in said
    assert "+00:00" not in said and "T09:00" not in said and "owner_id" not in said
    assert "free at that time and fitting:" in said  # rooms free instead
    for line in err.splitlines()[1:]:
        assert line.startswith("  "), line  # wrapped lines stay indented under the error


@pytest.mark.parametrize("width", WIDTHS)
def test_a_member_sees_their_own_name_and_nothing_of_others(
    server, tmp_path, api, campus, ada, booked, width
):
    """Members may read only themselves: their own bookings show their name; a clash with
    someone else's booking shows its time, never its title or owner."""
    mia = f"mia-{tag().lower()}@campus.example"
    api.users.create(email=mia, full_name="Mia Member", role="member", password=MEMBER_PASSWORD)
    member = Cli(server.url, tmp_path / "member").login(mia, MEMBER_PASSWORD)
    room = campus["mid"]
    member.ok(
        "bookings",
        "create",
        "-r",
        room.code,
        "-t",
        "Mine",
        "-s",
        f"{Y2031}-03-05 10:00",
        "-d",
        "1h",
    )
    out, _ = run(member, width, "bookings", "list", "--room", room.code)
    assert "Mia Member" in out and "Mine" in out
    _, err = run(
        member, width, "bookings", "create", "-r", campus["small"].code, "-t", "Clash",
        "-s", f"{Y2031}-03-04 10:30", "-d", "30m", code=4,
    )  # fmt: skip
    said = " ".join(err.split())
    assert f"in the way: a booking, Tue {Y2031}-03-04 10:00-11:30 CET, confirmed" in said
    assert "Ada" not in said and "Linear algebra" not in said and "booked by" not in said
