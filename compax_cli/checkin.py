"""``compax bookings check-in``: check in to a booking (the owner, or staff for anyone).

A booking that needs a check-in (a booking rule says so) and gets none by the end of its
window is released by the server (status ``released``)."""

from __future__ import annotations

import typer

from compax_cli.booking_views import BookingId, with_room
from compax_cli.bookings import app
from compax_cli.options import Json
from compax_cli.output import details, note, print_json
from compax_cli.session import client, state
from compax_cli.times import show_time


@app.command("check-in")
def check_in(
    ctx: typer.Context,
    booking_id: BookingId,
    window: bool = typer.Option(False, "--window", help="Only show the check-in window."),
    json_: Json = False,
) -> None:
    """Check in to a booking while its window is open (staff: for someone).

    Outside the window the server answers with the window (exit code 1).

    Example: compax bookings check-in 42
    """
    st = state(ctx, json_)
    with client(st) as c:
        booking = c.bookings.get(booking_id)
        room = with_room(st, booking)
        if window:
            shown = c.bookings.checkin_window(booking_id)
        else:
            checked = c.bookings.check_in(booking_id)
            shown = checked.checkin
    if st.json:
        print_json(shown if window else checked)
        return
    tz = st.display_zone(room.timezone if room else None)
    if not window:
        note(f"Checked in to booking {booking_id} at {show_time(checked.checked_in_at, tz)}.")
    details(
        [
            ("booking", booking_id),
            ("check-in required", "yes" if shown.required else "no"),
            ("opens", show_time(shown.opens_at, tz)),
            ("closes", show_time(shown.closes_at, tz)),
        ],
        title="Check-in",
    )
