"""Terms: named date ranges with holidays, used by recurrence and the recurring search."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise import fields
from tortoise.models import Model

from compax_server.db import sql
from compax_server.domain.imports import as_date


class Term(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    campus = fields.CharField(max_length=100, default="")
    start_date = fields.DateField()
    end_date = fields.DateField()
    holidays: fields.Field[list[dict[str, Any]]] = fields.JSONField(
        default=list, description='[{"start": "2027-04-05", "end": "2027-04-09", "name": "Easter"}]'
    )
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "terms"
        unique_together = (("campus", "name"),)


async def end_and_holidays(term_id: int) -> tuple[date, list[dict[str, Any]]] | None:
    """The term's last day and its holidays; ``None`` when there is no such term."""
    row = await sql.fetch_one("SELECT end_date, holidays FROM terms WHERE id = ?", term_id)
    if row is None:
        return None
    return as_date(row["end_date"]), list(sql.decode_json(row["holidays"]) or [])
