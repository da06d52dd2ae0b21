"""The SDK's models as the server sends them, for the CLI's tests without a server: a room,
a building, a person, ``Names`` that already knows them (and has no client to ask), and
``Names`` that note what a command asks them to look up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from compax_cli.names import Names
from compax_sdk import Building, Room, User

STAMP = "2031-01-06T09:00:00+01:00"


def room(**fields: Any) -> Room:
    """Room 3, M-101, 120 seats, in building 1 (M, Berlin)."""
    base = {
        "id": 3,
        "code": "M-101",
        "name": "Lecture hall",
        "building_id": 1,
        "building_code": "M",
        "timezone": "Europe/Berlin",
        "capacity": 120,
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    return Room.model_validate(base | fields)


def building(**fields: Any) -> Building:
    """Building 1, M (Main), in Berlin."""
    base = {
        "id": 1,
        "code": "M",
        "name": "Main",
        "timezone": "Europe/Berlin",
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    return Building.model_validate(base | fields)


def user(
    user_id: int = 7, email: str = "ada@campus.example", full_name: str = "Ada Lovelace"
) -> User:
    """A member: Ada (7) unless named otherwise."""
    return User.model_validate(
        {
            "id": user_id,
            "email": email,
            "full_name": full_name,
            "role": "member",
            "is_active": True,
            "created_at": STAMP,
            "updated_at": STAMP,
        }
    )


def names(
    rooms: Iterable[Room] = (), buildings: Iterable[Building] = (), users: Iterable[User] = ()
) -> Names:
    """``Names`` that knows these (and nothing else: it has no client to ask)."""
    found = Names(None)
    found.remember(*rooms)
    found._buildings.update({b.id: b for b in buildings})
    found._users.update({u.id: u for u in users})
    return found


class Asked(Names):
    """Names that note each ``learn``: the rooms, people and buildings asked for (and look
    up nothing)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.asked: list[tuple[set[int], set[int], set[int]]] = []

    def learn(
        self,
        room_ids: Iterable[int] = (),
        user_ids: Iterable[int] = (),
        building_ids: Iterable[int] = (),
    ) -> None:
        self.asked.append((set(room_ids), set(user_ids), set(building_ids)))
