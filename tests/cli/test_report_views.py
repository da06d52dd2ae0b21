"""``compax report utilisation``'s views on their own (no server): a share in words, the
weekday x hour grid, the bars and shades, the heatmap at a width, the summary, the scope,
and the picture's words (an SVG keeps them as text)."""

from __future__ import annotations

import base64
import io
import re
import struct
import sys
from typing import Any

import pytest
from rich.console import Console

from compax_cli import report, report_charts
from compax_cli.report_charts import percent
from compax_sdk import UtilisationReport


def utilisation(**fields: Any) -> UtilisationReport:
    base = {"from": "2031-03-24", "to": "2031-03-30", "scope": {}, "totals": {}}
    return UtilisationReport.model_validate(base | fields)


def cell(weekday: str, hour: int, occupancy: float | None) -> dict[str, Any]:
    return {"weekday": weekday, "hour": hour, "occupancy": occupancy}


def room(code: str, open_hours: float, booked_hours: float, **fields: Any) -> dict[str, Any]:
    use = booked_hours / open_hours if open_hours else None
    return {
        "room_id": 1,
        "code": code,
        "capacity": 30,
        "open_hours": open_hours,
        "booked_hours": booked_hours,
        "utilisation": use,
        **fields,
    }


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (None, "-"),
        (0, "0%"),
        (0.004, "0.4%"),
        (0.05, "5.0%"),
        (0.1, "10%"),
        (0.42, "42%"),
        (1, "100%"),
        (1.5, "150%"),
    ],
)
def test_a_share_in_words_keeps_a_little_use_apart_from_none(share, text):
    assert percent(share) == text


def test_the_grid_is_the_weekdays_in_order_by_every_hour_between_the_first_and_last():
    found = utilisation(
        heatmap=[
            cell("fri", 9, 0.5),
            cell("mon", 11, 1.0),
            cell("mon", 9, 0),
            cell("wed", 13, None),
        ]
    )
    days, hours, values = report_charts.grid_of(found)
    assert days == ["mon", "wed", "fri"]
    assert hours == [9, 10, 11, 12, 13]
    assert values == [
        [0, None, 1.0, None, None],
        [None, None, None, None, None],
        [0.5, None, None, None, None],
    ]
    assert report_charts.grid_of(utilisation()) == ([], [], [])


@pytest.mark.parametrize(
    ("share", "width", "bar"),
    [
        (None, 10, ""),
        (0, 10, "··········"),
        (0.26, 10, "███·······"),
        (1.7, 10, "██████████"),
        (0.5, 4, "██··"),
    ],
)
def test_a_rooms_bar(share, width, bar):
    assert report._bar(share, width) == bar


@pytest.mark.parametrize(
    ("share", "narrow", "wide", "style"),
    [
        (0, "·", "  ·", "dim"),
        (0.004, "░", "  0", "green"),
        (0.249, "░", " 25", "green"),
        (0.25, "▒", " 25", "green"),
        (0.5, "▓", " 50", "yellow"),
        (0.75, "█", " 75", "bold red"),
        (1.0, "█", "100", "bold red"),
        (12.5, "█", "999", "bold red"),
    ],
)
def test_a_heatmap_cell_is_a_shade_or_a_percentage(share, narrow, wide, style):
    assert (report._shade(share, False).plain, report._shade(share, False).style) == (
        narrow,
        style,
    )
    assert (report._shade(share, True).plain, report._shade(share, True).style) == (wide, style)


def test_a_cell_with_no_open_time_is_blank():
    assert report._shade(None, False).plain == " "
    assert report._shade(None, True).plain == "   "


@pytest.mark.parametrize(
    ("width", "lines"),
    [
        (16, ["      09  10  11", "Mon   50   ·    ", "Tue          100", "occupancy per ho"]),
        (15, ["      10  ", "Mon  ▓ ·  ", "Tue      █", "· none  ░ <25% "]),
    ],
)
def test_the_heatmap_shows_percentages_when_four_columns_an_hour_fit_else_shades(width, lines):
    """At 16 columns, 4 an hour: percentages; at 15, shades with every other hour labelled.
    The legend is cut at the width."""
    found = utilisation(heatmap=[cell("mon", 9, 0.5), cell("tue", 11, 1.0), cell("mon", 10, 0)])
    assert [line.plain for line in report.heatmap_lines(found, width)] == lines


def test_the_legend_whole_and_a_heatmap_with_nothing_open():
    assert report.heatmap_lines(utilisation(), 80) == []
    found = utilisation(heatmap=[cell("mon", 9, 0.5)])
    wide = report.heatmap_lines(found, 200)[-1].plain
    assert wide == "occupancy per hour, % of open room-hours booked"
    day = utilisation(heatmap=[cell("mon", 0, 0.5), cell("mon", 23, 0.5)])  # 100 columns wide
    assert len(report.heatmap_lines(day, 99)[0].plain) == 4 + 24 * 2
    legend = report.heatmap_lines(day, 80)[-1].plain
    assert legend == "· none  ░ <25%  ▒ <50%  ▓ <75%  █ 75%+ of open room-hours booked"


@pytest.mark.parametrize(
    ("scope", "text"),
    [
        ((None, [], None, None, None), "whole campus"),
        (("B1", [], None, None, None), "building B1"),
        ((None, ["M-1", "M-2"], None, None, None), "rooms M-1, M-2"),
        ((None, [], "projector", None, None), "rooms with projector"),
        ((None, [], None, 20, None), "20-∞ seats"),
        ((None, [], None, None, 40), "1-40 seats"),
        (("B1", ["M-1"], "hdmi", 20, 40), "building B1; rooms M-1; rooms with hdmi; 20-40 seats"),
    ],
)
def test_the_scope_in_words(scope, text):
    assert report._scope_text(*scope) == text


def test_the_summary_says_the_share_the_counts_the_peak_the_seat_fit_and_the_holidays(screen):
    s = screen(100)
    found = utilisation(
        term="Spring",
        holidays_left_out=2,
        totals={
            "rooms": 2,
            "open_hours": 120,
            "booked_hours": 27.5,
            "utilisation": 0.23,
            "confirmed": 6,
            "cancelled": 1,
            "released": 1,
            "seat_fit": 0.8,
            "over_capacity": 3,
        },
        peak=cell("wed", 9, 1.0),
        rooms=[room("REP-1", 60, 15, seat_fit=0.5, released=1), room("REP-2", 60, 12.5)],
        heatmap=[cell("wed", 9, 1.0)],
    )
    report.show(found, "building REP")
    lines = s.out.splitlines()
    assert lines[0] == "Utilisation, building REP, 2031-03-24 to 2031-03-30 (term Spring)"
    assert " ".join(lines[1:3]) == (
        "23% booked: 27.5 of 120 open room-hours in 2 rooms; 6 bookings, 1 cancelled, 1 no-show; "
        "peak Wed 09:00 (100%); seat fit 80% (3 over capacity); 2 holiday days left out"
    )
    header = [h.strip() for h in lines[4].split("┃")[1:-1]]
    assert header == [
        *("room", "seats", "open h", "booked h", "use", "", "cancelled", "no-shows"),
        *("seat fit", "over"),
    ]
    assert [c.strip() for c in lines[6].split("│")[1:-1]] == [
        *("REP-1", "30", "60", "15", "25%", "██········", "0", "1", "50%", "0")
    ]
    assert lines[-3:] == ["      09", "Wed  100", "occupancy per hour, % of open room-hours booked"]


def test_a_summary_without_a_peak_seat_fit_or_holidays_leaves_them_out(screen):
    s = screen(99)
    found = utilisation(totals={"rooms": 1, "confirmed": 1, "released": 2}, rooms=[room("R", 0, 0)])
    report.show(found, "whole campus")
    lines = s.out.splitlines()
    assert lines[0] == "Utilisation, whole campus, 2031-03-24 to 2031-03-30"
    assert lines[1] == (
        "- booked: 0 of 0 open room-hours in 1 room; 1 booking, 0 cancelled, 2 no-shows"
    )
    assert "seat fit" not in s.out and "over" not in s.out  # not at 99 columns
    assert [c.strip() for c in lines[5].split("│")[1:-1]] == [
        "R",
        "30",
        "0",
        "0",
        "-",
        "",
        "0",
        "0",
    ]


def words(svg: str) -> dict[str, int]:
    """Each text of an SVG and its font size in pixels (matplotlib keeps labels as text)."""
    found = re.findall(r'<text style="font-size: (\d+)px[^>]*>([^<]*)</text>', svg)
    return {text: int(size) for size, text in found}


def test_the_picture_names_its_axes_legends_and_scale(tmp_path):
    pytest.importorskip("matplotlib")
    found = utilisation(
        term="Spring",
        totals={"utilisation": 0.42},
        rooms=[room("R-1", 10, 2.5), room("R-2", 10, 5)],
        heatmap=[cell("mon", 13, 0.5), cell("wed", 14, 1.0)],
    )
    path = tmp_path / "use.svg"
    report_charts.write(found, path, "svg", title="Room use", scope="building B1")
    svg = path.read_text()
    period = "building B1, 2031-03-24 to 2031-03-30 (term Spring)"
    assert f"<title>Room use: {period}</title>" in svg
    assert words(svg) == {
        **{"13": 8, "14": 8, "Mon": 10, "Wed": 10},
        **{"hour of day (local time)": 10, "weekday": 10, "Occupancy by weekday and hour": 12},
        **{"0": 10, "2": 10, "4": 10, "6": 10, "8": 10, "10": 10, "room-hours": 10, "room": 10},
        **{"R-1": 9, "R-2": 9, " 25%": 7, " 50%": 7, "Rooms by utilisation": 12},
        **{"open hours": 10, "booked hours": 10},
        **{"0%": 10, "20%": 10, "40%": 10, "60%": 10, "80%": 10, "100%": 10},
        **{"occupancy: booked / open room-hours": 10, "Room use": 12},
        f"{period}: 42% of open room-hours booked": 12,
    }
    assert "fill: #d0d7de" in svg and "fill: #1f77b4" in svg  # open hours grey, booked blue


def test_the_picture_shows_the_thirty_most_used_rooms_in_smaller_letters(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "use.svg"
    for count, size in ((15, 9), (16, 7)):
        rooms = [room(f"R-{n:02d}", 10, n / 4) for n in range(count)]
        report_charts.write(utilisation(rooms=rooms), path, "svg", title="Room use", scope="all")
        assert words(path.read_text())["R-01"] == size
    rooms = [room(f"R-{n:02d}", 10, n / 4) for n in range(31)]
    report_charts.write(utilisation(rooms=rooms), path, "svg", title="Room use", scope="all")
    shown = words(path.read_text())
    assert "Rooms by utilisation (top 30 of 31)" in shown
    assert "R-30" in shown and "R-01" in shown and "R-00" not in shown  # the least used left out
    thirty = [room(f"R-{n:02d}", 10, n / 4) for n in range(30)]
    report_charts.write(utilisation(rooms=thirty), path, "svg", title="Room use", scope="all")
    assert "Rooms by utilisation" in words(path.read_text())


def test_a_picture_of_a_period_never_open(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "quiet.svg"
    report_charts.write(utilisation(), path, "svg", title="Room use", scope="whole campus")
    assert "whole campus, 2031-03-24 to 2031-03-30: never open" in words(path.read_text())


def test_a_png_is_its_size_with_its_title_and_description_in_its_metadata(tmp_path):
    pytest.importorskip("matplotlib")
    found = utilisation(rooms=[room("R-1", 10, 2.5)], heatmap=[cell("mon", 9, 0.25)])
    for name in ("use.png", "use.svg", "use"):  # a PNG, whatever the file is called
        path = tmp_path / name
        report_charts.write(found, path, "png", title="Room use", scope="building B1")
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (1200, 750)  # 12 x 7.5 inches at 100 dpi
        assert b"tEXtTitle\x00Room use" in data
        assert b"tEXtDescription\x00building B1, 2031-03-24 to 2031-03-30" in data


def test_a_picture_that_cannot_be_written_raises_oserror(tmp_path):
    pytest.importorskip("matplotlib")
    with pytest.raises(FileNotFoundError):
        report_charts.write(utilisation(), tmp_path / "no" / "x.png", "png", title="", scope="")


def test_without_matplotlib_a_picture_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(report_charts.MissingMatplotlib) as missing:
        report_charts.pyplot()
    assert str(missing.value) == "pictures need matplotlib: pip install 'compax[reports]'"


def test_a_scope_with_no_rooms_says_so(screen):
    s = screen(80)
    report.show(utilisation(), "rooms with hdmi")
    assert s.err == "No rooms in that scope.\n"


def test_a_long_title_wraps_and_a_wide_heatmap_is_cut_at_the_edge(screen):
    s = screen(40)
    day = [cell("mon", hour, 0.5) for hour in range(24)]  # 4 + 24 x 2 = 52 columns of shades
    report.show(utilisation(heatmap=day), "building B1; rooms with projector")
    lines = s.out.splitlines()
    assert lines[:2] == [
        "Utilisation, building B1; rooms with",
        "projector, 2031-03-24 to 2031-03-30",
    ]
    assert lines[-2] == "Mon  " + " ".join("▓" * 18)
    assert max(len(line) for line in lines) <= 40


def test_on_a_colour_terminal_the_title_is_bold_and_numbers_are_not_coloured(monkeypatch):
    out = io.StringIO()
    terminal = Console(file=out, width=100, force_terminal=True, color_system="standard")
    monkeypatch.setattr(report, "console", terminal)
    found = utilisation(totals={"rooms": 1, "open_hours": 10, "booked_hours": 5},
                        heatmap=[cell("mon", 9, 0.5)])  # fmt: skip
    report.show(found, "whole campus")
    lines = out.getvalue().splitlines()
    assert lines[0] == "\x1b[1mUtilisation, whole campus, 2031-03-24 to 2031-03-30\x1b[0m"
    assert (
        lines[1]
        == "- booked: 5 of 10 open room-hours in 1 room; 0 bookings, 0 cancelled, 0 no-shows"
    )
    assert lines[2] == "    \x1b[2m  09\x1b[0m"  # the hours dim
    assert lines[3] == "Mon  \x1b[33m 50\x1b[0m"  # half booked: yellow
    assert lines[4] == "\x1b[2moccupancy per hour, % of open room-hours booked\x1b[0m"


def test_the_heatmap_colours_each_hour_on_one_scale_and_leaves_closed_hours_empty(tmp_path):
    """The heatmap is an image inside the SVG: a quarter and a half booked in viridis on a
    scale from none to all (not from the least to the most seen), the hours never open
    transparent, the cells stretched to fill their half of the picture."""
    pytest.importorskip("matplotlib")
    image = pytest.importorskip("PIL.Image")
    found = utilisation(
        heatmap=[cell("mon", 13, 0.25), cell("wed", 14, 0.5), cell("wed", 13, None)]
    )
    path = tmp_path / "use.svg"
    report_charts.write(found, path, "svg", title="Room use", scope="all")
    heat = re.search(r'<image xlink:href="data:image/png;base64,([^"]+)"[^>]*>', path.read_text())
    assert heat is not None
    picture = image.open(io.BytesIO(base64.b64decode(heat.group(1)))).convert("RGBA")
    width, height = picture.size
    assert width > height * 1.2  # two hours by two days, not two squares by two
    colours = {colour for _, colour in picture.getcolors(width * height)}
    quarter, half, empty = (59, 82, 139, 255), (33, 145, 140, 255), (0, 0, 0, 0)

    def near(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
        return all(abs(x - y) <= 2 for x, y in zip(a, b, strict=True))

    assert all(any(near(c, want) for want in (quarter, half, empty)) for c in colours)
    assert all(any(near(c, want) for c in colours) for want in (quarter, half, empty))
