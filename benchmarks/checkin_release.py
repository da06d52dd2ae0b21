"""The release of no-shows: how long releasing 10,000 due bookings takes on PostgreSQL (each
released, audited, its series exception noted), and what one tick of the release loop costs
when nothing is due, with a year of other bookings in the table.

    python benchmarks/checkin_release.py --engine postgres --due 10000 --history 50000

In-process (the worker's own code, ``services.checkin.release_due``, with the moment
given), on a fresh migrated database.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from harness import database, save

from compax_server import db, runtime
from compax_server.cache import Cache
from compax_server.db.bookings import Status, copy_occurrences
from compax_server.db.users import Role
from compax_server.services import buildings, checkin, rooms, rules, users
from compax_server.services.actors import Actor
from tests.conftest import test_settings

BASE = datetime(2031, 3, 3, 8, tzinfo=UTC)


def rows(room_id: int, owner_id: int, start: datetime, count: int, step: timedelta) -> list[Any]:
    return [
        {
            "room_id": room_id,
            "owner_id": owner_id,
            "title": "Seminar",
            "description": "",
            "start": start + i * step,
            "end": start + i * step + timedelta(minutes=30),
            "status": Status.confirmed,
            "series_id": None,
            "occurrence_date": (start + i * step).date(),  # SQLite maps ids by date
        }
        for i in range(count)
    ]


async def run(url: str, due: int, history: int, ticks: int) -> dict[str, Any]:
    settings = test_settings(url)
    runtime.configure(settings, Cache("memory://"))
    await db.init(url)
    try:
        admin = await users.create_user(
            None, email="a@x.example", full_name="A", role=Role.admin, password="a" * 12
        )
        actor = Actor(user_id=admin.pk, email=admin.email, role=admin.role)
        building = await buildings.create_building(actor, code="B", name="B", timezone="UTC")
        plain = await rooms.create_room(
            actor, code="OLD", name="History", building_id=building.pk, capacity=9
        )
        door = [
            await rooms.create_room(
                actor, code=f"C{n}", name="Check-in", building_id=building.pk, capacity=9
            )
            for n in range(10)
        ]
        for room in door:
            await rules.set_rules(actor, "room", room.pk, rules.Limits(requires_checkin=True))
        per_room = due // len(door)
        async with db.transaction():
            # a year of bookings nobody checks in to, in a room without check-in
            await copy_occurrences(
                rows(plain.pk, admin.pk, BASE - timedelta(days=365), history, timedelta(hours=1)),
                created_by_id=admin.pk,
            )
            for room in door:
                await copy_occurrences(
                    rows(room.pk, admin.pk, BASE, per_room, timedelta(minutes=30)),
                    created_by_id=admin.pk,
                )
        await db.conn().execute_script("ANALYZE")
        end = BASE + per_room * timedelta(minutes=30) + timedelta(hours=1)

        # the catch-up: everything fell due while the loop was stopped
        started = time.perf_counter()
        released = await checkin.release_due(end)
        release_s = time.perf_counter() - started

        # idle ticks: nothing due (the loop's memory of the cursor is fresh, as in a worker)
        samples = []
        for i in range(ticks):
            moment = end + timedelta(seconds=i + 1)
            t0 = time.perf_counter()
            assert await checkin.release_due(moment) == 0
            samples.append((time.perf_counter() - t0) * 1000)
        return {
            "engine": db.dialect(),
            "due": per_room * len(door),
            "history": history,
            "released": released,
            "release_seconds": round(release_s, 3),
            "released_per_second": round(released / release_s),
            "idle_tick_ms": {
                "median": round(statistics.median(samples), 3),
                "p95": round(sorted(samples)[int(0.95 * len(samples))], 3),
                "ticks": ticks,
            },
        }
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=50_000)
    parser.add_argument("--ticks", type=int, default=500)
    parser.add_argument("--name", default="")
    args = parser.parse_args()
    with database(args.engine) as url:
        result = asyncio.run(run(url, args.due, args.history, args.ticks))
    print(result)
    if args.name:
        print("saved", save(args.name, result))


if __name__ == "__main__":
    main()
