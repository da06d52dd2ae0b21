"""``--csv``: a list as CSV on stdout (a header line, then one line per item, RFC 4180),
for spreadsheets. Times are written in the zone the table would show them in. A text a
spreadsheet would run as a formula (a member's booking titled ``=HYPERLINK(...)``: it starts
with ``= + - @``, a tab or a CR) gets a leading ``'``, as the server's CSV answers do;
numbers are written as they are."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from pydantic import BaseModel

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def value(v: Any, tz: tzinfo | None = None) -> Any:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return (v.astimezone(tz) if tz else v).isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list | tuple):
        return ";".join(str(x) for x in v)
    if isinstance(v, str) and v.startswith(FORMULA):
        return "'" + v
    return v


def write(
    rows: Iterable[BaseModel | dict[str, Any]], fields: Sequence[str], tz: tzinfo | None = None
) -> None:
    """``fields`` of each row (a model or a dict), in that order."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(fields)
    for row in rows:
        data = row.model_dump() if isinstance(row, BaseModel) else row
        out.writerow([value(data.get(f), tz) for f in fields])
    sys.stdout.flush()
