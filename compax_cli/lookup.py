"""Finding things by what people type: a room or building by code (or id), a user by email
(or id), a term by name (or id). Not found is exit code 3."""

from __future__ import annotations

from compax_cli.numbers import is_whole
from compax_cli.output import EXIT_NOT_FOUND, fail
from compax_sdk import Building, Compax, NotFoundError, Room, Term, User


def room(c: Compax, ref: str) -> Room:
    ref = ref.strip()
    if is_whole(ref):
        try:
            return c.rooms.get(int(ref))
        except NotFoundError:
            pass  # perhaps a room whose code is a number
    else:
        try:
            return c.rooms.get(ref)  # the exact code, one indexed lookup
        except NotFoundError:
            pass  # perhaps typed in another case: "m-101"
    for found in c.rooms.list(q=ref, limit=200):
        if found.code.lower() == ref.lower():
            return found
    fail(f"there is no room {ref!r} (see `compax rooms list`)", EXIT_NOT_FOUND)


def building(c: Compax, ref: str) -> Building:
    ref = ref.strip()
    if is_whole(ref):
        try:
            return c.buildings.get(int(ref))
        except NotFoundError:
            pass
    for found in c.buildings.list(limit=200):
        if found.code.lower() == ref.lower():
            return found
    fail(f"there is no building {ref!r} (see `compax buildings list`)", EXIT_NOT_FOUND)


def user(c: Compax, ref: str) -> User:
    ref = ref.strip()
    if is_whole(ref):
        return c.users.get(int(ref))
    for found in c.users.list(q=ref, limit=200):
        if found.email.lower() == ref.lower():
            return found
    fail(f"there is no user {ref!r} (see `compax users list`)", EXIT_NOT_FOUND)


def user_id(c: Compax, ref: str) -> int:
    """A user's id; an id is taken as it is (members may not list users)."""
    return int(ref) if is_whole(ref.strip()) else user(c, ref).id


def term(c: Compax, ref: str) -> Term:
    ref = ref.strip()
    if is_whole(ref):
        try:
            return c.terms.get(int(ref))
        except NotFoundError:
            pass
    for found in c.terms.list(limit=200):
        if found.name.lower() == ref.lower():
            return found
    fail(f"there is no term {ref!r} (see `compax terms list`)", EXIT_NOT_FOUND)
