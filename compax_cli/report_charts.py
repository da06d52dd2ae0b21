"""The pictures of ``compax report utilisation --png/--svg``: the weekday x hour heatmap and
a bar chart of the rooms, with a title, the period, the scope, axis labels and legends.

matplotlib is an optional extra (``pip install 'compax[reports]'``): it is imported here,
only when a picture is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from compax_sdk import HeatCell, UtilisationReport

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_BARS = 30
SIZE = (12.0, 7.5)  # inches
DPI = 100
INSTALL = "pip install 'compax[reports]'"


class MissingMatplotlib(RuntimeError):
    pass


def pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend, or ``MissingMatplotlib`` saying how to install it."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingMatplotlib(f"pictures need matplotlib: {INSTALL}") from None
    return plt


def percent(value: float | None) -> str:
    """``42%``; ``0.4%`` below 10% (a little use is not none)."""
    if value is None:
        return "-"
    return f"{value:.1%}" if 0 < value < 0.1 else f"{value:.0%}"


def grid_of(report: UtilisationReport) -> tuple[list[str], list[int], list[list[float | None]]]:
    """Weekdays (rows) x hours (columns) with any open or booked time, and the occupancy."""
    cells: dict[tuple[str, int], HeatCell] = {(c.weekday, c.hour): c for c in report.heatmap}
    days = [d for d in WEEKDAYS if any(w == d for w, _ in cells)]
    hours_used = sorted({h for _, h in cells})
    hours = list(range(hours_used[0], hours_used[-1] + 1)) if hours_used else []
    values = [
        [
            cells[(d, h)].occupancy
            if (d, h) in cells and cells[(d, h)].occupancy is not None
            else None
            for h in hours
        ]
        for d in days
    ]
    return days, hours, values


def write(
    report: UtilisationReport, path: Path, kind: Literal["png", "svg"], *, title: str, scope: str
) -> None:
    """The picture, as PNG or SVG (``kind``, whatever the file is called); labels stay text in
    an SVG. A file that cannot be written raises ``OSError``."""
    plt = pyplot()
    import matplotlib
    import matplotlib.ticker

    matplotlib.rcParams["svg.fonttype"] = "none"
    period = f"{report.from_:%Y-%m-%d} to {report.to:%Y-%m-%d}"
    if report.term:
        period += f" (term {report.term})"
    fig, (heat_ax, bar_ax) = plt.subplots(
        1, 2, figsize=SIZE, dpi=DPI, gridspec_kw={"width_ratios": [3, 2]}, layout="constrained"
    )
    total = report.totals.utilisation
    fig.suptitle(
        f"{title}\n{scope}, {period}: "
        + (f"{percent(total)} of open room-hours booked" if total is not None else "never open")
    )
    days, hours, values = grid_of(report)
    masked = [[float("nan") if v is None else v for v in row] for row in values]
    image = heat_ax.imshow(
        masked or [[float("nan")]], aspect="auto", cmap="viridis", vmin=0, vmax=1
    )
    heat_ax.set_title("Occupancy by weekday and hour")
    heat_ax.set_xlabel("hour of day (local time)")
    heat_ax.set_ylabel("weekday")
    heat_ax.set_xticks(range(len(hours)), [f"{h:02d}" for h in hours], fontsize=8)
    heat_ax.set_yticks(range(len(days)), [d.title() for d in days])
    bar = fig.colorbar(image, ax=heat_ax, orientation="horizontal", fraction=0.05)
    bar.set_label("occupancy: booked / open room-hours")
    bar.ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))

    rooms = sorted(report.rooms, key=lambda r: -(r.utilisation or 0))[:MAX_BARS]
    rooms.reverse()
    labels = [r.code for r in rooms]
    bar_ax.barh(labels, [r.open_hours for r in rooms], color="#d0d7de", label="open hours")
    bar_ax.barh(labels, [r.booked_hours for r in rooms], color="#1f77b4", label="booked hours")
    for y, r in enumerate(rooms):
        if r.utilisation is not None:
            bar_ax.text(r.open_hours, y, f" {percent(r.utilisation)}", va="center", fontsize=7)
    shown = "" if len(report.rooms) <= MAX_BARS else f" (top {MAX_BARS} of {len(report.rooms)})"
    bar_ax.set_title(f"Rooms by utilisation{shown}")
    bar_ax.set_xlabel("room-hours")
    bar_ax.set_ylabel("room")
    bar_ax.tick_params(axis="y", labelsize=7 if len(rooms) > 15 else 9)
    bar_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    metadata = (
        {"Title": title, "Description": f"{scope}, {period}"}
        if kind == "png"
        else {"Title": f"{title}: {scope}, {period}"}
    )
    try:
        fig.savefig(path, format=kind, metadata=metadata)
    finally:
        plt.close(fig)
