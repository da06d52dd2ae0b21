"""Room and building managers (who cares for which rooms) and members' favourite rooms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tortoise import fields
from tortoise.models import Model

from compax_server.db import sql
from compax_server.db.rooms import Building, Room
from compax_server.db.users import User


class Manager(Model):
    """A user who manages one building (all its rooms) or one room: exactly one of
    ``building`` and ``room`` is set."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="managed", on_delete=fields.CASCADE
    )
    user_id: int
    building: fields.ForeignKeyNullableRelation[Building] = fields.ForeignKeyField(
        "models.Building", related_name="managers", null=True, on_delete=fields.CASCADE
    )
    building_id: int | None
    room: fields.ForeignKeyNullableRelation[Room] = fields.ForeignKeyField(
        "models.Room", related_name="managers", null=True, on_delete=fields.CASCADE
    )
    room_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "managers"
        unique_together = (("user", "building"), ("user", "room"))


class Favourite(Model):
    """A room a member starred."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="favourites", on_delete=fields.CASCADE
    )
    user_id: int
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField(
        "models.Room", related_name="favourites", on_delete=fields.CASCADE
    )
    room_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "favourites"
        unique_together = (("user", "room"),)


@dataclass(frozen=True)
class Managed:
    """What a user manages: the buildings, and every room (named, or in those buildings)."""

    buildings: frozenset[int] = frozenset()
    rooms: frozenset[int] = frozenset()


NOTHING = Managed()


async def managed_by(user_id: int) -> Managed:
    """One query: the buildings a user manages and the rooms they manage, directly or
    through their building."""
    return (await managed_by_each([user_id])).get(user_id, NOTHING)


async def managed_by_each(user_ids: Iterable[int]) -> dict[int, Managed]:
    """``managed_by`` of many users in one query (the daily digest's approvers); a user who
    manages nothing is missing from the answer."""
    ids = sorted(set(user_ids))
    found: dict[int, list[dict[str, Any]]] = {}
    for at in range(0, len(ids), 500):  # a statement's parameters are bounded
        chunk = ids[at : at + 500]
        rows = await sql.fetch(
            "SELECT m.user_id AS user_id, m.building_id AS building_id, r.id AS room_id "
            "FROM managers m LEFT JOIN rooms r "
            "ON (r.id = m.room_id OR r.building_id = m.building_id) AND r.deleted_at IS NULL "
            f"WHERE m.user_id IN ({', '.join('?' for _ in chunk)})",
            *chunk,
        )
        for row in rows:
            found.setdefault(int(row["user_id"]), []).append(row)
    return {
        user_id: Managed(
            buildings=frozenset(r["building_id"] for r in mine if r["building_id"] is not None),
            rooms=frozenset(r["room_id"] for r in mine if r["room_id"] is not None),
        )
        for user_id, mine in found.items()
    }


@dataclass(frozen=True)
class ManagerRow:
    id: int
    user_id: int
    email: str
    full_name: str
    building_id: int | None
    room_id: int | None


async def managers_of(
    *, building_id: int | None = None, room_id: int | None = None, active_only: bool = False
) -> list[ManagerRow]:
    """The managers named on a building or on a room (not those of its building), by id."""
    query = (
        Manager.filter(building_id=building_id) if building_id else Manager.filter(room_id=room_id)
    )
    if active_only:
        query = query.filter(user__is_active=True)
    rows = await query.select_related("user").order_by("id")
    return [
        ManagerRow(m.pk, m.user_id, m.user.email, m.user.full_name, m.building_id, m.room_id)
        for m in rows
    ]


async def deciders_of(room_ids: list[int]) -> dict[int, list[int]]:
    """The active users who manage each room (named on it or on its building), by user id."""
    if not room_ids:
        return {}
    marks = ", ".join("?" for _ in room_ids)
    rows = await sql.fetch(
        "SELECT r.id AS room_id, m.user_id AS user_id FROM rooms r "
        "JOIN managers m ON (m.room_id = r.id OR m.building_id = r.building_id) "
        "JOIN users u ON u.id = m.user_id AND u.is_active = ? "
        f"WHERE r.id IN ({marks}) ORDER BY m.user_id",
        True,
        *room_ids,
    )
    out: dict[int, list[int]] = {}
    for row in rows:
        users = out.setdefault(row["room_id"], [])
        if row["user_id"] not in users:
            users.append(row["user_id"])
    return out


async def favourite_ids(user_id: int) -> list[int]:
    """The rooms a user starred that are still in the catalogue, in the order starred."""
    rows = await sql.fetch(
        "SELECT f.room_id AS room_id FROM favourites f JOIN rooms r ON r.id = f.room_id "
        "WHERE f.user_id = ? AND r.deleted_at IS NULL ORDER BY f.id",
        user_id,
    )
    return [int(r["room_id"]) for r in rows]


async def unmanaged_rooms() -> list[int]:
    """The rooms (in the catalogue) that no active user manages: staff decide their
    requests (as ``services.mail.approvers_for`` sends them to staff)."""
    rows = await sql.fetch(
        "SELECT r.id AS room_id FROM rooms r WHERE r.deleted_at IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM managers m JOIN users u ON u.id = m.user_id AND u.is_active = ? "
        "WHERE m.room_id = r.id OR m.building_id = r.building_id) ORDER BY r.id",
        True,
    )
    return [int(r["room_id"]) for r in rows]


async def add(user_id: int, kind: str, target_id: int) -> Manager:
    """Name a manager (IntegrityError when they already are one of it)."""
    if kind == "room":
        return await Manager.create(user_id=user_id, room_id=target_id)
    return await Manager.create(user_id=user_id, building_id=target_id)


async def manager_user_ids() -> list[int]:
    """Everyone named a manager of something."""
    rows = await sql.fetch("SELECT DISTINCT user_id FROM managers ORDER BY user_id")
    return [int(r["user_id"]) for r in rows]
