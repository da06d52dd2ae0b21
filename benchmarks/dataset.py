"""Generate a campus for the benchmarks, straight into a migrated database.

    python benchmarks/dataset.py sqlite:///tmp/campus.sqlite3 --rooms 1000 --bookings 500000

Rooms get capacities from 10 to 300 and a few of five features, in 10 buildings (one time
zone per campus, Europe/Berlin, open 07:00-22:00 on weekdays). Bookings are 1-3 hours on
weekdays between 08:00 and 20:00 local, never overlapping within a room, spread over the
two years from 2030-01-01 (about 90% confirmed, the rest pending or cancelled). The same
seed gives the same campus on both engines.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

FEATURES = ["projector", "whiteboard", "computers", "wheelchair-access", "video-conference"]
ZONE = ZoneInfo("Europe/Berlin")
FIRST_DAY = date(2030, 1, 1)
DAYS = 730
OPENING = {d: [["07:00", "22:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def campus(rooms: int, bookings: int, seed: int = 7):
    rng = random.Random(seed)
    buildings = [(i + 1, f"BB{i:02d}", f"Building {i}") for i in range(10)]
    room_rows = []
    room_features = []
    for i in range(rooms):
        capacity = rng.choice([10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 300])
        room_rows.append((i + 1, f"R{i:04d}", f"Room {i}", buildings[i % 10][0], i % 6, capacity))
        for code in rng.sample(FEATURES, rng.randint(0, 3)):
            room_features.append((i + 1, FEATURES.index(code) + 1))
    per_room = bookings // rooms
    weekdays = [
        FIRST_DAY + timedelta(days=d)
        for d in range(DAYS)
        if (FIRST_DAY + timedelta(days=d)).weekday() < 5
    ]
    booking_rows = []
    for room_id in range(1, rooms + 1):
        days = sorted(rng.sample(weekdays, min(per_room, len(weekdays))))
        for day in days:
            hour = rng.randint(8, 17)
            length = rng.choice([1, 2, 3])
            start = datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).astimezone(UTC)
            end = start + timedelta(hours=length)
            status = "confirmed" if rng.random() < 0.9 else rng.choice(["pending", "cancelled"])
            booking_rows.append(
                (room_id, 1, f"Lecture {room_id}-{day.isoformat()}", start, end, status)
            )
    return buildings, room_rows, room_features, booking_rows


def _iso(value):
    return value.isoformat(" ") if isinstance(value, datetime) else value


def load_sqlite(path: str, data) -> None:
    buildings, rooms, features, bookings = data
    now = datetime.now(UTC)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO users (id, email, full_name, role, is_active, token_version, version, created_at, updated_at) "
        "VALUES (1, 'owner@campus.example', 'Owner', 'staff', 1, 0, 1, ?, ?) ON CONFLICT DO NOTHING",
        [_iso(now), _iso(now)],
    )
    conn.executemany(
        "INSERT INTO features (id, code, name) VALUES (?, ?, ?)",
        [(i + 1, c, c) for i, c in enumerate(FEATURES)],
    )
    import json

    conn.executemany(
        "INSERT INTO buildings (id, code, name, timezone, opening_hours, version, created_at, updated_at) VALUES (?, ?, ?, 'Europe/Berlin', ?, 1, ?, ?)",
        [(b[0], b[1], b[2], json.dumps(OPENING), _iso(now), _iso(now)) for b in buildings],
    )
    conn.executemany(
        "INSERT INTO rooms (id, code, name, building_id, floor, capacity, bookable, requires_approval, description, version, booking_seq, max_span_seconds, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 1, 0, '', 1, 0, 0, ?, ?)",
        [(*r, _iso(now), _iso(now)) for r in rooms],
    )
    conn.executemany("INSERT INTO room_features (room_id, feature_id) VALUES (?, ?)", features)
    conn.executemany(
        'INSERT INTO bookings (room_id, owner_id, title, description, "start", "end", status, reason, version, created_at, updated_at) '
        "VALUES (?, ?, ?, '', ?, ?, ?, '', 1, ?, ?)",
        [(b[0], b[1], b[2], _iso(b[3]), _iso(b[4]), b[5], _iso(now), _iso(now)) for b in bookings],
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


async def load_postgres(url: str, data) -> None:
    import json

    import asyncpg

    buildings, rooms, features, bookings = data
    now = datetime.now(UTC)
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    async with conn.transaction():
        await conn.execute(
            "INSERT INTO users (id, email, full_name, role, is_active, token_version, version, created_at, updated_at) "
            "VALUES (1, 'owner@campus.example', 'Owner', 'staff', true, 0, 1, $1, $1) ON CONFLICT DO NOTHING",
            now,
        )
        await conn.copy_records_to_table(
            "features",
            records=[(i + 1, c, c) for i, c in enumerate(FEATURES)],
            columns=["id", "code", "name"],
        )
        await conn.copy_records_to_table(
            "buildings",
            records=[
                (b[0], b[1], b[2], "Europe/Berlin", json.dumps(OPENING), 1, now, now)
                for b in buildings
            ],
            columns=[
                "id",
                "code",
                "name",
                "timezone",
                "opening_hours",
                "version",
                "created_at",
                "updated_at",
            ],
        )
        await conn.copy_records_to_table(
            "rooms",
            records=[(*r, True, False, "", 1, 0, 0, now, now) for r in rooms],
            columns=[
                "id",
                "code",
                "name",
                "building_id",
                "floor",
                "capacity",
                "bookable",
                "requires_approval",
                "description",
                "version",
                "booking_seq",
                "max_span_seconds",
                "created_at",
                "updated_at",
            ],
        )
        await conn.copy_records_to_table(
            "room_features", records=features, columns=["room_id", "feature_id"]
        )
        await conn.copy_records_to_table(
            "bookings",
            records=[(b[0], b[1], b[2], "", b[3], b[4], b[5], "", 1, now, now) for b in bookings],
            columns=[
                "room_id",
                "owner_id",
                "title",
                "description",
                "start",
                "end",
                "status",
                "reason",
                "version",
                "created_at",
                "updated_at",
            ],
        )
        for table in ("users", "features", "buildings", "rooms", "room_features", "bookings"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
    await conn.execute("VACUUM ANALYZE")  # as autovacuum would have: visibility map set
    await conn.close()


def load(url: str, rooms: int, bookings: int) -> float:
    """Fill the (migrated, empty) database at ``url``; returns the seconds it took."""
    started = time.perf_counter()
    data = campus(rooms, bookings)
    if url.startswith("sqlite://"):
        load_sqlite(url.removeprefix("sqlite://"), data)
    else:
        asyncio.run(load_postgres(url, data))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--bookings", type=int, default=500_000)
    args = parser.parse_args()
    print(f"loaded in {load(args.url, args.rooms, args.bookings):.1f}s")


if __name__ == "__main__":
    main()
