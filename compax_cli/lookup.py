"""Finding things by what people type: a room or building by code (or id), a user by email
(or id), a term by name (or id). Not found is exit code 3; so is a reference the API
refuses to look up (a code longer than any code, an id beyond any id): it names nothing."""

from __future__ import annotations

from contextlib import suppress
from typing import NoReturn

from compax_cli.numbers import is_whole
from compax_cli.output import EXIT_NOT_FOUND, fail, quoted
from compax_sdk import BadRequestError, Building, Compax, NotFoundError, Room, Term, User

NAMES_NOTHING = (NotFoundError, BadRequestError)


def _missing(kind: str, ref: str) -> NoReturn:
    fail(f"there is no {kind} {quoted(ref)} (see `compax {kind}s list`)", EXIT_NOT_FOUND)


def room(c: Compax, ref: str) -> Room:
    ref = ref.strip()
    with suppress(*NAMES_NOTHING):  # an id, else the exact code: one indexed lookup
        return c.rooms.get(int(ref) if is_whole(ref) else ref)
    with suppress(BadRequestError):  # a code that is a number, or typed in another case
        for found in c.rooms.list(q=ref, limit=200):
            if found.code.lower() == ref.lower():
                return found
    _missing("room", ref)


def building(c: Compax, ref: str) -> Building:
    ref = ref.strip()
    if is_whole(ref):
        with suppress(*NAMES_NOTHING):
            return c.buildings.get(int(ref))
    for found in c.buildings.list(limit=200):
        if found.code.lower() == ref.lower():
            return found
    _missing("building", ref)


def user(c: Compax, ref: str) -> User:
    ref = ref.strip()
    if is_whole(ref):
        with suppress(BadRequestError):  # not found says so in the API's words
            return c.users.get(int(ref))
        _missing("user", ref)
    with suppress(BadRequestError):
        for found in c.users.list(q=ref, limit=200):
            if found.email.lower() == ref.lower():
                return found
    _missing("user", ref)


def user_id(c: Compax, ref: str) -> int:
    """A user's id; an id is taken as it is (members may not list users)."""
    return int(ref) if is_whole(ref.strip()) else user(c, ref).id


def term(c: Compax, ref: str) -> Term:
    ref = ref.strip()
    if is_whole(ref):
        with suppress(*NAMES_NOTHING):
            return c.terms.get(int(ref))
    for found in c.terms.list(limit=200):
        if found.name.lower() == ref.lower():
            return found
    _missing("term", ref)
