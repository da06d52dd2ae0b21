"""``compax rooms``: find free rooms, one room's availability, and the catalogue."""

from __future__ import annotations

from typing import Annotated

import typer

from compax_cli import lookup, managers, room_search
from compax_cli.numbers import is_whole
from compax_cli.options import Json, given, listed
from compax_cli.output import details, note, print_json, said_changed, table
from compax_cli.room_search import Features
from compax_cli.session import State, client, require_a_change, state
from compax_sdk import (
    NOT_GIVEN,
    NotGiven,
    Room,
)

app = typer.Typer(
    rich_markup_mode="markdown", help="Rooms: find free ones, see when one is free, manage them."
)
features_app = typer.Typer(
    rich_markup_mode="markdown", help="The vocabulary of room features (projector, ...)."
)
app.add_typer(features_app, name="features")
app.add_typer(managers.rooms_app, name="managers")
app.command("search")(room_search.search)
app.command("list")(room_search.list_)
app.command("favourite")(managers.favourite)
app.command("favourites")(managers.favourites)


def room_details(room: Room) -> list[tuple[str, object]]:
    return [
        ("id", room.id),
        ("code", room.code),
        ("name", room.name),
        ("building", f"{room.building_code} ({room.timezone})"),
        ("floor", room.floor),
        ("seats", room.capacity),
        ("features", room.features),
        ("bookable", room.bookable),
        ("requires approval", room.requires_approval),
        ("description", room.description),
        ("version", room.version),
        *(
            [("contact", ", ".join(f"{m.full_name} <{m.email}>" for m in room.contacts) or "staff")]
            if room.contacts is not None
            else []
        ),
    ]


def show_room(st: State, room: Room) -> None:
    if st.json:
        print_json(room)
    else:
        details(room_details(room), title=f"Room {room.code}")


@app.command("show")
def show(
    ctx: typer.Context,
    room: Annotated[str, typer.Argument(help="Room code or id.")],
    json_: Json = False,
) -> None:
    """Show one room.

    Example: compax rooms show B1-204
    """
    st = state(ctx, json_)
    with client(st) as c:
        show_room(st, c.rooms.get(lookup.room(c, room).id))  # with whom to contact


@app.command("add")
def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Option(help="Unique code, e.g. B1-204.")],
    name: Annotated[str, typer.Option(help="Name shown to people.")],
    building: Annotated[str, typer.Option("--building", "-b", help="Building code or id.")],
    capacity: Annotated[int, typer.Option("--capacity", "-c", min=1, help="Seats.")],
    floor: Annotated[int | None, typer.Option(help="Floor number.")] = None,
    feature: Features = None,
    requires_approval: Annotated[
        bool, typer.Option("--requires-approval", help="Members' bookings wait for staff.")
    ] = False,
    not_bookable: Annotated[
        bool, typer.Option("--not-bookable", help="Listed, but nobody can book it.")
    ] = False,
    description: Annotated[str | None, typer.Option(help="Free text.")] = None,
    json_: Json = False,
) -> None:
    """Add a room to the catalogue.

    Example: compax rooms add --code B1-204 --name 'Seminar room' -b B1 -c 30 -f projector
    """
    st = state(ctx, json_)
    with client(st) as c:
        made = c.rooms.create(
            code=code,
            name=name,
            building_id=lookup.building(c, building).id,
            capacity=capacity,
            floor=floor,
            features=listed(feature) or None,
            requires_approval=requires_approval or None,
            bookable=False if not_bookable else None,
            description=description,
        )
    note(f"Added room {made.code} (id {made.id}).")
    show_room(st, made)


@app.command("edit")
def edit(
    ctx: typer.Context,
    room: Annotated[str, typer.Argument(help="Room code or id.")],
    code: Annotated[str | None, typer.Option(help="New code.")] = None,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    building: Annotated[str | None, typer.Option("--building", "-b", help="Move to.")] = None,
    capacity: Annotated[int | None, typer.Option("--capacity", "-c", min=1)] = None,
    floor: Annotated[str | None, typer.Option(help="Floor number, or 'none'.")] = None,
    feature: Annotated[
        list[str] | None,
        typer.Option("--feature", "-f", help="Replaces all features (repeat; 'none' clears)."),
    ] = None,
    bookable: Annotated[bool | None, typer.Option("--bookable/--not-bookable")] = None,
    requires_approval: Annotated[
        bool | None, typer.Option("--requires-approval/--no-approval")
    ] = None,
    description: Annotated[str | None, typer.Option()] = None,
    json_: Json = False,
) -> None:
    """Change a room; only the options given change.

    Example: compax rooms edit B1-204 --capacity 40 --feature projector --feature whiteboard
    """
    st = state(ctx, json_)
    require_a_change(ctx)
    new_floor: int | NotGiven | None = NOT_GIVEN
    if floor is not None:
        if floor.lower() != "none" and not is_whole(floor.removeprefix("-")):
            raise typer.BadParameter("a number, or 'none'", param_hint="--floor")
        new_floor = None if floor.lower() == "none" else int(floor)
    new_features: list[str] | NotGiven = NOT_GIVEN
    if feature is not None:
        new_features = [] if feature == ["none"] else listed(feature)
    with client(st) as c:
        found = lookup.room(c, room)
        changed = c.rooms.update(
            found,
            code=given(code),
            name=given(name),
            building_id=lookup.building(c, building).id if building else NOT_GIVEN,
            capacity=given(capacity),
            floor=new_floor,
            features=new_features,
            bookable=given(bookable),
            requires_approval=given(requires_approval),
            description=given(description),
        )
    said_changed(f"room {changed.code}", found.version, changed.version)
    show_room(st, changed)


@app.command("remove")
def remove(
    ctx: typer.Context,
    room: Annotated[str, typer.Argument(help="Room code or id.")],
    force: Annotated[
        bool, typer.Option("--force", help="Admins: also cancel its upcoming bookings.")
    ] = False,
    json_: Json = False,
) -> None:
    """Remove a room from the catalogue (its history stays).

    Example: compax rooms remove B1-204 --force
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = lookup.room(c, room)
        gone = c.rooms.delete(found.id, force=force)
    if st.json:
        print_json(gone)
        return
    said = [f"Removed room {found.code}"]
    if gone.cancelled_booking_ids:
        said.append(f"cancelled bookings {', '.join(map(str, gone.cancelled_booking_ids))}")
    if gone.closed_waitlist_entry_ids:
        entries = ", ".join(map(str, gone.closed_waitlist_entry_ids))
        said.append(f"closed waitlist entries {entries} (their members were told)")
    note("; ".join(said) + ".")


@features_app.command("list")
def features_list(ctx: typer.Context, json_: Json = False) -> None:
    """List the features rooms can have.

    Example: compax rooms features list
    """
    st = state(ctx, json_)
    with client(st) as c:
        found = list(c.features.list())
    if st.json:
        print_json(found)
    else:
        table(found, [("code", lambda f: f.code), ("name", lambda f: f.name)], wrap=("name",))


@features_app.command("add")
def features_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Lowercase code, e.g. projector.")],
    name: Annotated[str, typer.Argument(help="Name shown to people.")],
    json_: Json = False,
) -> None:
    """Add a feature.

    Example: compax rooms features add wheelchair-access 'Wheelchair access'
    """
    st = state(ctx, json_)
    with client(st) as c:
        made = c.features.create(code=code, name=name)
    if st.json:
        print_json(made)
    else:
        note(f"Added feature {made.code} ({made.name}).")


app.command("availability")(room_search.availability)
