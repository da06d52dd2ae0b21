"""Names for ids: what the CLI shows where the API answers with ids.

People are shown by name and email (``Ada Lovelace <ada@campus.example>``), rooms and
buildings by code. ``Names`` asks the server through the SDK once per id and remembers the
answer for the rest of the command. Staff may read every user; a member reads only
themselves, so another person stays ``user 7`` (the server says no more, and neither do we).
A lookup that fails for any reason falls back to the id: a name is never worth an error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from compax_sdk import Building, Compax, CompaxError, Room, User

M = TypeVar("M")


def person(user: User) -> str:
    """``Ada Lovelace <ada@campus.example>``, or the email alone when there is no name."""
    name = user.full_name.strip()
    return f"{name} <{user.email}>" if name else user.email


class Names:
    """Rooms, buildings and users by id, each fetched at most once (a cache per command)."""

    def __init__(self, client: Compax | None) -> None:
        self.client = client
        self._rooms: dict[int, Room | None] = {}
        self._buildings: dict[int, Building | None] = {}
        self._users: dict[int, User | None] = {}

    def _fetch(self, cache: dict[int, M | None], key: int, get: Callable[[Compax], M]) -> M | None:
        """``cache[key]``, asked for once; ``None`` when it cannot be read (or the command's
        client is closed)."""
        if key not in cache and self.client is not None:
            cache[key] = None
            with contextlib.suppress(CompaxError):
                cache[key] = get(self.client)
        return cache.get(key)

    def room(self, room_id: int) -> Room | None:
        """The room, or ``None`` when it was removed or cannot be read."""
        return self._fetch(self._rooms, room_id, lambda c: c.rooms.get(room_id))

    def remember(self, *rooms: Room) -> None:
        """Rooms the command already has (no need to ask for them again)."""
        for found in rooms:
            self._rooms[found.id] = found

    def user(self, user_id: int) -> User | None:
        return self._fetch(self._users, user_id, lambda c: c.users.get(user_id))

    def building(self, building_id: int) -> Building | None:
        return self._fetch(self._buildings, building_id, lambda c: c.buildings.get(building_id))

    def learn(
        self,
        room_ids: Iterable[int] = (),
        user_ids: Iterable[int] = (),
        building_ids: Iterable[int] = (),
    ) -> None:
        """Look these up now, while the client is open (tables are drawn after it closes)."""
        for room_id in set(room_ids):
            self.room(room_id)
        for user_id in set(user_ids):
            self.user(user_id)
        for building_id in set(building_ids):
            self.building(building_id)

    def room_code(self, room_id: int | None) -> str:
        """``M-101``; ``room 3`` for a room that is gone or unknown."""
        if room_id is None:
            return ""
        found = self.room(room_id)
        return found.code if found else f"room {room_id}"

    def building_code(self, building_id: int | None) -> str:
        if building_id is None:
            return ""
        found = self.building(building_id)
        return found.code if found else f"building {building_id}"

    def person(self, user_id: int | None) -> str:
        """``Ada Lovelace <ada@campus.example>``; ``user 7`` when the caller may not read it."""
        if user_id is None:
            return ""
        found = self.user(user_id)
        return person(found) if found else f"user {user_id}"

    def zone(self, room_id: int | None) -> str | None:
        """The IANA zone of a room's building (``None`` when unknown)."""
        found = self.room(room_id) if room_id is not None else None
        return found.timezone or None if found else None
