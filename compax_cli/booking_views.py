"""How the CLI shows bookings: the booking table, one booking's details, who booked it and
which of its fields staff changed by hand; and the options naming a booking. Shared by
``compax bookings``, ``series`` and ``checkin``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

import typer

from compax_cli.options import chosen
from compax_cli.output import details, print_json, table
from compax_cli.session import State
from compax_cli.times import show_span, show_time
from compax_sdk import Booking, Room

Status = Literal["pending", "confirmed", "rejected", "cancelled", "released"]
STATUSES: tuple[Status, ...] = ("pending", "confirmed", "rejected", "cancelled", "released")
BookingId = Annotated[int, typer.Argument(help="The booking's id.")]
RoomRef = Annotated[str, typer.Option("--room", "-r", help="Room code or id.")]


def statuses(values: list[str] | None) -> list[Status] | None:
    """``--status pending,confirmed --status Released``: the statuses (any case), or ``None``."""
    return chosen(values, STATUSES, "--status") or None


def rooms_by_id(st: State, room_ids: Iterable[int]) -> dict[int, Room | None]:
    """The rooms of some bookings (``None`` for a room that was removed), each asked for
    once per command (``st.names``)."""
    return {room_id: st.names.room(room_id) for room_id in set(room_ids)}


def when(st: State, booking: Booking, room: Room | None) -> str:
    return show_span(booking.start, booking.end, st.display_zone(room.timezone if room else None))


def room_code(room: Room | None, booking: Booking) -> str:
    return room.code if room else f"(room {booking.room_id})"


BOOKING_WRAP = {"when": 15, "owner": 16, "title": 12}
"""How narrow the wrapping columns of a booking table get: ``10:00-11:30 CET`` stays whole."""


def booking_table(
    st: State,
    bookings: list[Booking],
    rooms: dict[int, Room | None],
    *,
    title: str | None = None,
    empty: str = "No bookings.",
) -> None:
    """Bookings as a table; at 80 columns the series, then the status, then the owner are
    left out as needed (owners by name: look them up first with ``st.names.learn``)."""
    table(
        bookings,
        [
            ("id", lambda b: b.id),
            ("room", lambda b: room_code(rooms.get(b.room_id), b)),
            ("when", lambda b: when(st, b, rooms.get(b.room_id))),
            ("status", lambda b: b.status, 2),
            ("owner", lambda b: st.names.person(b.owner_id), 1),
            ("series", lambda b: b.series_id, 3),
            ("title", lambda b: b.title),
        ],
        wrap=BOOKING_WRAP,
        title=title,
        empty=empty,
    )


def show_booking(st: State, booking: Booking, room: Room | None) -> None:
    if st.json:
        print_json(booking)
        return
    tz = st.display_zone(room.timezone if room else None)
    details(
        [
            ("id", booking.id),
            ("room", room_code(room, booking)),
            ("when", when(st, booking, room)),
            ("title", booking.title),
            ("description", booking.description),
            ("status", booking.status + (f" ({booking.reason})" if booking.reason else "")),
            ("owner", st.names.person(booking.owner_id)),
            ("series", booking.series_id),
            ("changed by hand", exception_text(booking.exception_fields)),
            ("booked", f"{show_time(booking.created_at, tz)} by {booked_by(st, booking)}"),
            ("version", booking.version),
        ],
        title=f"Booking {booking.id}",
    )


def booked_by(st: State, booking: Booking) -> str:
    if booking.created_by_id is None:
        return "the system"
    return st.names.person(booking.created_by_id)


def exception_text(fields: list[str]) -> str:
    """An occurrence's exception fields as people say them (room, time, title, status)."""
    return ", ".join("room" if f == "room_id" else f for f in fields)


def learn_people(st: State, booking: Booking) -> None:
    """Look up the booking's owner and who booked it, while the client is open."""
    st.names.learn(user_ids=[booking.owner_id, booking.created_by_id or booking.owner_id])


def with_room(st: State, booking: Booking) -> Room | None:
    """The booking's room (its zone becomes the command's), and its people's names."""
    room = st.names.room(booking.room_id)
    learn_people(st, booking)
    if room is not None:
        st.about(room.timezone)
    return room
