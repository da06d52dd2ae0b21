"""``compax rooms managers``, ``compax buildings managers`` (who cares for a room or a
building: decides its requests, sees its bookings, closes it, sets its rules) and
``compax rooms favourite`` / ``compax rooms favourites`` (the rooms you starred)."""

from __future__ import annotations

from typing import Annotated

import typer

from compax_cli import lookup
from compax_cli.numbers import is_whole
from compax_cli.options import Json
from compax_cli.output import EXIT_NOT_FOUND, Column, fail, note, print_json, table
from compax_cli.session import client, state
from compax_sdk import Compax, Manager, NotFoundError, Room

rooms_app = typer.Typer(
    rich_markup_mode="markdown",
    help="A room's managers: they decide its requests, see its bookings, close it, set its "
    "rules and edit its description and features.",
)
buildings_app = typer.Typer(
    rich_markup_mode="markdown",
    help="A building's managers: they care for every room of it (delegate it to a department).",
)

MANAGER_COLUMNS: list[Column[Manager]] = [
    ("user id", lambda m: m.user_id),
    ("email", lambda m: m.email),
    ("name", lambda m: m.full_name),
    ("of", lambda m: m.of),
]
FAVOURITE_COLUMNS: list[Column[Room]] = [
    ("code", lambda r: r.code),
    ("building", lambda r: r.building_code),
    ("seats", lambda r: r.capacity),
    ("name", lambda r: r.name),
    ("features", lambda r: r.features),
]

RoomRef = Annotated[str, typer.Argument(help="Room code or id.")]
BuildingRef = Annotated[str, typer.Argument(help="Building code or id.")]
UserRef = Annotated[str, typer.Argument(help="The user's email or id.")]


def _target(c: Compax, room: str | None, building: str | None) -> tuple[int | None, int | None]:
    """``(room id, building id)``, one of them set."""
    if room is not None:
        return lookup.room(c, room).id, None
    assert building is not None
    return None, lookup.building(c, building).id


def _list(ctx: typer.Context, json_: bool, room: str | None, building: str | None) -> None:
    st = state(ctx, json_)
    with client(st) as c:
        room_id, building_id = _target(c, room, building)
        rows = list(c.managers.list(room_id=room_id, building_id=building_id))
    if st.json:
        print_json(rows)
    else:
        table(rows, MANAGER_COLUMNS, empty="No managers: staff decide its requests.")


def _add(
    ctx: typer.Context, json_: bool, user: str, room: str | None, building: str | None
) -> None:
    st = state(ctx, json_)
    st.field_options.update(email="USER", user_id="USER")  # both sent from the argument
    with client(st) as c:
        room_id, building_id = _target(c, room, building)
        ref = user.strip()  # by id, or by email: the server finds the user
        made = c.managers.add(
            room_id=room_id,
            building_id=building_id,
            user_id=int(ref) if is_whole(ref) else None,
            email=None if is_whole(ref) else ref,
        )
    if st.json:
        print_json(made)
    else:
        note(f"{made.email} now manages {_what(room, building)}.")


def _what(room: str | None, building: str | None) -> str:
    """The place in the words typed: ``room A-101`` or ``building A``."""
    return f"room {room}" if room is not None else f"building {building}"


def _remove(ctx: typer.Context, user: str, room: str | None, building: str | None) -> None:
    st = state(ctx)
    what = _what(room, building)
    who = f"user {user}" if is_whole(user.strip()) else user  # in the words typed
    with client(st) as c:
        room_id, building_id = _target(c, room, building)
        user_id = lookup.user_id(c, user)
        try:
            c.managers.remove(user_id=user_id, room_id=room_id, building_id=building_id)
        except NotFoundError:  # the room, the building and the user were just found
            fail(f"{who} does not manage {what}.", EXIT_NOT_FOUND)
    note(f"{who} no longer manages {what}.")


@rooms_app.command("list")
def list_room_managers(ctx: typer.Context, room: RoomRef, json_: Json = False) -> None:
    """The managers named on a room (its building's: `compax buildings managers list`).

    Example: compax rooms managers list B1-204 --json
    """
    _list(ctx, json_, room, None)


@rooms_app.command("add")
def add_room_manager(ctx: typer.Context, room: RoomRef, user: UserRef, json_: Json = False) -> None:
    """Staff: make a user a manager of a room.

    Example: compax rooms managers add MUS-101 piano-office@campus.example
    """
    _add(ctx, json_, user, room, None)


@rooms_app.command("remove")
def remove_room_manager(ctx: typer.Context, room: RoomRef, user: UserRef) -> None:
    """Staff: the user stops managing the room (at once).

    Example: compax rooms managers remove MUS-101 piano-office@campus.example
    """
    _remove(ctx, user, room, None)


@buildings_app.command("list")
def list_building_managers(ctx: typer.Context, building: BuildingRef, json_: Json = False) -> None:
    """The managers of a building.

    Example: compax buildings managers list MUSIC
    """
    _list(ctx, json_, None, building)


@buildings_app.command("add")
def add_building_manager(
    ctx: typer.Context, building: BuildingRef, user: UserRef, json_: Json = False
) -> None:
    """Staff: make a user a manager of a building and every room in it.

    Example: compax buildings managers add MUSIC music-office@campus.example
    """
    _add(ctx, json_, user, None, building)


@buildings_app.command("remove")
def remove_building_manager(ctx: typer.Context, building: BuildingRef, user: UserRef) -> None:
    """Staff: the user stops managing the building (at once).

    Example: compax buildings managers remove MUSIC music-office@campus.example
    """
    _remove(ctx, user, None, building)


def favourite(
    ctx: typer.Context,
    room: RoomRef,
    remove: Annotated[bool, typer.Option("--remove", help="Unstar the room.")] = False,
) -> None:
    """Star a room, or unstar it with --remove.

    `compax rooms search --favourites` then searches only your stars.

    Example: compax rooms favourite B1-204
    """
    st = state(ctx)
    with client(st) as c:
        found = lookup.room(c, room)
        if remove:
            c.favourites.remove(found.id)
        else:
            c.favourites.add(found.id)
    note(f"{'Unstarred' if remove else 'Starred'} {found.code}.")


def favourites(ctx: typer.Context, json_: Json = False) -> None:
    """The rooms you starred.

    Example: compax rooms favourites --json
    """
    st = state(ctx, json_)
    with client(st) as c:
        rows = list(c.favourites.list())
    if st.json:
        print_json(rows)
    else:
        table(
            rows, FAVOURITE_COLUMNS, empty="No favourites: star one with `compax rooms favourite`."
        )
