"""The request models' shared behaviour, on models made for the test: a partial update's
schema and its refusal of null."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import ValidationError

from compax_server.api.schemas import Patch


class Change(Patch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"note"})
    name: str | None = None
    size: int | str | None = None
    note: str | None = None
    level: int = 0
    reason: str


def test_a_patch_schema_offers_null_only_where_null_clears_the_value():
    """Null is left out of every field's types but those in ``NULLABLE``, a field of two
    types keeps both, and no field says it defaults to null (leaving it out keeps the value,
    it does not set null); a real default and the required fields stay."""
    schema = Change.model_json_schema()
    props = schema["properties"]
    assert props["name"] == {"title": "Name", "type": "string"}
    assert props["size"] == {"title": "Size", "anyOf": [{"type": "integer"}, {"type": "string"}]}
    assert props["note"] == {"title": "Note", "anyOf": [{"type": "string"}, {"type": "null"}]}
    assert props["level"] == {"title": "Level", "type": "integer", "default": 0}
    assert props["reason"] == {"title": "Reason", "type": "string"}
    assert schema["required"] == ["reason"]
    assert schema["additionalProperties"] is False


def test_a_patch_refuses_null_where_it_cannot_clear_and_lists_what_was_sent():
    with pytest.raises(ValidationError) as refused:
        Change.model_validate({"reason": "r", "name": None})
    [error] = refused.value.errors()
    assert error["loc"] == ("name",)
    assert error["msg"] == "Value error, cannot be null; leave the field out to keep its value"
    sent = Change.model_validate({"reason": "r", "note": None, "size": "big"})
    assert sent.changes() == {"reason": "r", "note": None, "size": "big"}
