"""The room catalogue: buildings, closures, the feature vocabulary and rooms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise import fields
from tortoise.models import Model

from compax_server import db, runtime
from compax_server.db import sql


class Building(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=200)
    timezone = fields.CharField(max_length=64, description="IANA zone, e.g. Europe/Berlin")
    opening_hours: fields.Field[dict[str, Any] | None] = fields.JSONField(
        null=True, description='{"mon": [["08:00", "20:00"]], ...}; null: always open'
    )
    version = fields.IntField(default=1)
    deleted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "buildings"


class Closure(Model):
    """The building (or one room of it) is closed during ``[start, end)``."""

    id = fields.IntField(primary_key=True)
    building: fields.ForeignKeyRelation[Building] = fields.ForeignKeyField(
        "models.Building", related_name="closures", on_delete=fields.CASCADE
    )
    building_id: int
    room_id = fields.IntField(null=True, db_index=True, description="null: the whole building")
    start = fields.DatetimeField()
    end = fields.DatetimeField()
    reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "closures"
        indexes = (("building_id", "start"),)


class Feature(Model):
    """The controlled vocabulary of room features (projector, whiteboard, ...)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=100)

    class Meta:
        table = "features"


class Room(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=200)
    building: fields.ForeignKeyRelation[Building] = fields.ForeignKeyField(
        "models.Building", related_name="rooms", on_delete=fields.RESTRICT
    )
    building_id: int
    floor = fields.IntField(null=True)
    capacity = fields.IntField()
    bookable = fields.BooleanField(default=True)
    requires_approval = fields.BooleanField(default=False)
    description = fields.TextField(default="")
    version = fields.IntField(default=1)
    booking_seq = fields.IntField(
        default=0, description="bumped by every booking write: the room's write lock"
    )
    max_span_seconds = fields.IntField(
        default=0, description="longest booking of the room (kept by a trigger): bounds searches"
    )
    deleted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "rooms"
        indexes = (("building_id", "capacity"),)


class RoomFeature(Model):
    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField(
        "models.Room", related_name="room_features", on_delete=fields.CASCADE
    )
    feature: fields.ForeignKeyRelation[Feature] = fields.ForeignKeyField(
        "models.Feature", related_name="room_features", on_delete=fields.RESTRICT
    )

    class Meta:
        table = "room_features"
        unique_together = (("room", "feature"),)
        indexes = (("feature_id", "room_id"),)


async def feature_codes(room_ids: list[int]) -> dict[int, list[str]]:
    """Feature codes per room, sorted."""
    out: dict[int, list[str]] = {rid: [] for rid in room_ids}
    if not room_ids:
        return out
    rows = await RoomFeature.filter(room_id__in=room_ids).values_list("room_id", "feature__code")
    for room_id, code in rows:
        out[room_id].append(code)
    for codes in out.values():
        codes.sort()
    return out


@dataclass(frozen=True)
class RoomInfo:
    """A room as its calendar, availability and alternatives need it."""

    id: int
    code: str
    name: str
    capacity: int
    bookable: bool
    building_id: int
    timezone: str
    opening_hours: dict[str, Any] | None


async def room_info(room_id: int, *, removed_too: bool = False) -> RoomInfo | None:
    """The room with its building's zone and opening hours; ``None`` when it does not exist
    or was removed (unless ``removed_too``)."""
    live = "" if removed_too else " AND r.deleted_at IS NULL"
    row = await sql.fetch_one(
        f"""SELECT r.id, r.code, r.name, r.capacity, r.bookable, r.building_id, b.timezone,
                   b.opening_hours
            FROM rooms r JOIN buildings b ON b.id = r.building_id
            WHERE r.id = ?{live}""",
        room_id,
    )
    if row is None:
        return None
    return RoomInfo(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        capacity=row["capacity"],
        bookable=bool(row["bookable"]),
        building_id=row["building_id"],
        timezone=row["timezone"],
        opening_hours=sql.decode_json(row["opening_hours"]),
    )


async def zones(room_ids: list[int]) -> dict[int, str]:
    """The IANA zone of each room's building (removed rooms too), in one query."""
    if not room_ids:
        return {}
    rows = await Room.filter(id__in=sorted(set(room_ids))).values_list("id", "building__timezone")
    return {int(room_id): str(zone) for room_id, zone in rows}


async def exists(kind: str, entity_id: int) -> bool:
    """Whether the building or room (``kind``) exists and was not removed."""
    table = {"building": "buildings", "room": "rooms"}[kind]
    query = f"SELECT id FROM {table} WHERE id = ? AND deleted_at IS NULL"
    return await sql.fetch_one(query, entity_id) is not None


async def feature_ids(room_id: int) -> list[int]:
    """The ids of the room's features."""
    rows = await sql.fetch("SELECT feature_id FROM room_features WHERE room_id = ?", room_id)
    return [r["feature_id"] for r in rows]


async def features_by_code(codes: list[str]) -> dict[str, int]:
    """Feature id per code, for the codes that name a feature.

    A feature is never renamed or removed (the catalogue only adds them), so an id once found
    stays right: the process remembers it, and only codes it has not seen yet are looked up
    (a search for "projector" does not pay a round trip for it)."""
    known = runtime.memo("feature_ids")
    unseen = sorted({c for c in codes if c not in known})
    if unseen:
        marks = ", ".join("?" for _ in unseen)
        rows = await sql.fetch(f"SELECT id, code FROM features WHERE code IN ({marks})", *unseen)
        known.update((r["code"], r["id"]) for r in rows)
    return {c: known[c] for c in codes if c in known}


async def hold_building(building_id: int) -> None:
    """Inside a write transaction: one writer at a time of what a building holds (a room
    placed in it, its removal), so that a building removed because it had no rooms never
    gets one at the same moment."""
    await db.serialize(db.Space.building, building_id)
