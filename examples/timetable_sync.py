"""Push a term's timetable from the student information system (SIS) into Compax.

Reads the SIS's CSV export (the columns of ``compax import``, see examples/README.md), builds
one import batch with the Compax SDK, prints the plan (items per action, and every conflict
or invalid item with the reason) and, with ``--apply``, applies it in one transaction: all
of it or, if anything conflicts, nothing. Run it every night: an unchanged export changes
nothing, a changed one moves or renames in place, and with ``--cancel-missing`` what left
the export is cancelled.

    export COMPAX_URL=http://127.0.0.1:8000 COMPAX_API_KEY=cpx_...
    python examples/timetable_sync.py examples/timetable.csv            # the plan only
    python examples/timetable_sync.py examples/timetable.csv --apply    # and apply it

Exit codes: 0 done, 1 the CSV has bad lines (nothing sent), 4 the batch was refused
(conflicting or invalid items; nothing applied).
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from compax_sdk import (
    Compax,
    ImportBatch,
    ImportItem,
    ImportItemResult,
    ImportRejectedError,
    Recurrence,
)

ACTIONS = ("create", "update", "unchanged", "cancel", "conflict", "invalid")


class BadLine(ValueError):
    pass


def local_time(text: str, zone: ZoneInfo) -> datetime:
    """RFC 3339, or a wall time in the room's building zone (``2027-07-27 09:00``)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def to_item(row: dict[str, str], zones: dict[str, ZoneInfo], terms: dict[str, int]) -> ImportItem:
    def need(name: str) -> str:
        if not row.get(name):
            raise BadLine(f"{name} is empty")
        return row[name]

    if need("kind") == "booking":
        zone = zones.get(need("room"), ZoneInfo("UTC"))  # an unknown room: the plan says so
        return ImportItem.booking(
            need("external_id"),
            room=need("room"),
            title=need("title"),
            owner=row.get("owner") or None,
            start=local_time(need("start"), zone),
            end=local_time(need("end"), zone),
        )
    if row["kind"] != "series":
        raise BadLine(f"kind {row['kind']!r} is not booking or series")
    rule: Recurrence = {"freq": "weekly"}
    if row.get("freq"):
        rule["freq"] = row["freq"]  # type: ignore[typeddict-item]  # the server checks it
    if row.get("interval"):
        rule["interval"] = int(row["interval"])
    if row.get("weekdays"):
        rule["weekdays"] = row["weekdays"].split()  # type: ignore[typeddict-item]
    if row.get("until"):
        rule["until"] = date.fromisoformat(row["until"])
    if row.get("count"):
        rule["count"] = int(row["count"])
    if row.get("term"):
        if row["term"] not in terms:
            raise BadLine(f"there is no term {row['term']!r}")
        rule["term_id"] = terms[row["term"]]
    return ImportItem.series(
        need("external_id"),
        room=need("room"),
        title=need("title"),
        owner=row.get("owner") or None,
        start_date=date.fromisoformat(need("start_date")),
        start_time=need("start_time"),
        duration_minutes=int(need("duration_minutes")),
        recurrence=rule,
        excluded_dates=[date.fromisoformat(d) for d in row.get("excluded_dates", "").split()],
    )


def read_items(path: Path, client: Compax) -> tuple[list[ImportItem], dict[str, ZoneInfo]]:
    """The export's items and the zone of each one's room; every bad line is printed and
    the script stops (exit 1)."""
    zones = {r.code: ZoneInfo(r.timezone) for r in client.rooms.list(limit=200) if r.timezone}
    terms = {t.name: t.id for t in client.terms.list(limit=200)}
    items, errors = [], []
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        for row in reader:
            cells = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            try:
                items.append(to_item(cells, zones, terms))
            except ValueError as exc:  # BadLine, a bad date, time or number
                errors.append(f"{path.name} line {reader.line_num}: {exc}")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        raise SystemExit(1)
    return items, {i.external_id: zones.get(i.room, ZoneInfo("UTC")) for i in items}


def reason(item: ImportItemResult, zone: ZoneInfo) -> str:
    out = []
    for c in item.conflicts or []:
        if c.id is not None and c.start is not None:
            start = c.start.astimezone(zone)
            out.append(f"booking {c.id} {c.title!r} at {start:%Y-%m-%d %H:%M %Z} is in the way")
        else:
            out.append(f"overlaps {c.external_id} of this batch")
    out += [f"{e.field or e.rule}: {e.detail}" for e in item.errors or []]
    out += [f"changes {', '.join(item.changes)}"] if item.changes else []
    out += ["no longer in the export"] if item.action == "cancel" else []
    return "; ".join(out)


def report(
    title: str, summary: dict[str, int], items: list[ImportItemResult], zones: dict[str, ZoneInfo]
) -> None:
    """The counts per action, then the items that change or are in trouble (times in the
    zone of the item's room)."""
    counts = ", ".join(f"{summary.get(a, 0)} {a}" for a in ACTIONS)
    occurrences = summary.get("occurrences", 0)
    print(f"{title}: {counts}; {occurrences} occurrence{'' if occurrences == 1 else 's'}")
    for item in items:
        if item.action in ("update", "cancel", "conflict", "invalid"):
            why = reason(item, zones.get(item.external_id, ZoneInfo("UTC")))
            print(f"  {item.action:9} {item.kind:8} {item.external_id}  {why}".rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", type=Path, help="the SIS export")
    parser.add_argument("--source", default="sis-2027-summer", help="the same every night")
    parser.add_argument("--apply", action="store_true", help="apply the plan (default: plan)")
    parser.add_argument(
        "--cancel-missing", action="store_true", help="cancel this source's items not exported"
    )
    args = parser.parse_args(argv)

    with Compax() as client:  # COMPAX_URL and COMPAX_API_KEY from the environment
        items, zones = read_items(args.csv, client)
        print(f"{len(items)} items in {args.csv.name}")
        plan = client.imports.plan(
            source=args.source, items=items, cancel_missing=args.cancel_missing
        )
        report(f"Plan (import {plan.id})", plan.summary, plan.items, zones)
        if not args.apply:
            return 0
        try:  # an apply is safe to retry: the same batch again changes nothing
            done: ImportBatch = client.imports.apply(
                source=args.source, items=items, cancel_missing=args.cancel_missing
            )
        except ImportRejectedError as exc:
            report(f"Refused (import {exc.import_id})", exc.summary, exc.items, zones)
            print(f"Refused: {exc.detail}", file=sys.stderr)
            return 4
        report(f"Applied (import {done.id})", done.summary, done.items, zones)
        return 0


if __name__ == "__main__":
    sys.exit(main())
