"""Shared request/response shapes: strict inputs, problem details, pages, rendering."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from sanic import HTTPResponse

from compax_server.api.problems import CODES
from compax_server.services.paging import DEFAULT_LIMIT, MAX_LIMIT

T = TypeVar("T")

# What a person reads when a value does not match a field's pattern, instead of pydantic's
# "String should match pattern '^…$'": declare each pattern through ``pattern()``.
PATTERN_WORDS: dict[str, str] = {}


def pattern(regex: str, says: str) -> str:
    """``regex``, for a field's ``pattern``; a value that does not match it is refused with
    ``says`` (e.g. "is not an email address")."""
    PATTERN_WORDS[regex] = says
    return regex


def id_list(most: int) -> str:
    """The pattern of up to ``most`` positive ids, comma-separated (a query parameter)."""
    return pattern(
        rf"^[1-9]\d{{0,9}}(,[1-9]\d{{0,9}}){{0,{most - 1}}}$",
        f"must be ids separated by commas (at most {most})",
    )


def any_of(values: list[str]) -> str:
    """The pattern of one or more of ``values``, comma-separated (a query parameter)."""
    one = "|".join(values)
    return pattern(
        rf"^({one})(,({one}))*$", f"must be one or more of {', '.join(values)}, comma-separated"
    )


ROOM_IDS_MOST = 200
RoomIds = Annotated[
    str,
    # Up to ROOM_IDS_MOST ids of up to ten digits, and their commas.
    StringConstraints(max_length=ROOM_IDS_MOST * 11, pattern=id_list(ROOM_IDS_MOST)),
]

Code = Annotated[
    str,
    StringConstraints(
        pattern=pattern(
            r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$",
            "must be 1 to 32 letters, digits, '_', '.' or '-', starting with a letter or digit",
        )
    ),
]
HHMM = pattern(r"^([01]\d|2[0-3]):[0-5]\d$", "must be a local time HH:MM, 00:00 to 23:59")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _integral(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


# An integer field of a request body: 30.0 is an integer in JSON Schema, so it is one here.
Int = Annotated[int, BeforeValidator(_integral)]


class In(BaseModel):
    """A JSON request body: unknown fields and wrong types are refused (no coercion; declare
    integers as ``Int`` so that ``30.0`` is accepted, as JSON Schema allows)."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _patch_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    nullable: frozenset[str] = getattr(model, "NULLABLE", frozenset())
    for name, prop in schema.get("properties", {}).items():
        if prop.get("default", 0) is None:
            del prop["default"]
        if name not in nullable and "anyOf" in prop:
            kept = [alt for alt in prop.pop("anyOf") if alt != {"type": "null"}]
            if len(kept) == 1:
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept


class Patch(In):
    """A partial update: omitted fields stay as they are. ``null`` is refused except for the
    fields named in ``NULLABLE`` (where it clears the value)."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_patch_schema)

    @field_validator("*")
    @classmethod
    def _no_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


def _not_a_number(value: Any) -> Any:
    """Lax parsing would read ``?to=0.5`` as a Unix timestamp; times here are RFC 3339."""
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+(\.\d*)?", value.strip()):
        raise ValueError("must be an RFC 3339 date-time (or a YYYY-MM-DD date), not a number")
    return value


QueryTime = Annotated[AwareDatetime, BeforeValidator(_not_a_number)]
QueryDate = Annotated[date, BeforeValidator(_not_a_number)]


class Query(BaseModel):
    """Query parameters: strings converted to the declared types; unknown names refused."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(Query):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"at most {MAX_LIMIT}")
    cursor: str | None = Field(None, max_length=512, description="next_cursor of the previous page")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None = Field(
        description="pass as ?cursor= for the next page; null at the end"
    )


class FieldError(BaseModel):
    location: str | None = Field(None, description="body, query, path or header")
    pointer: str | None = Field(None, description="JSON pointer to the field")
    detail: str
    code: str | None = Field(None, description="what is wrong with the field")
    rule: str | None = Field(None, description="422: the rule that refuses the request")
    limit: Any = Field(None, description="422: the rule's limit")


class InTheWay(BaseModel):
    """The privacy view of a booking in the way: its time and state to everyone; ``id``,
    ``title`` and ``owner_id`` only to those who may see the booking."""

    room_id: int | None = None
    start: datetime
    end: datetime
    status: str
    id: int | None = None
    title: str | None = None
    owner_id: int | None = None
    date: str | None = Field(None, description="a series: the occurrence's date")


class AlternativeRoom(BaseModel):
    id: int
    code: str
    name: str
    capacity: int


class Problem(BaseModel):
    """RFC 9457 problem details, with Compax's stable ``code`` and the ``request_id``. Each
    member after ``request_id`` is present only for the codes that carry it."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="a URI naming the kind of problem: GET it for a description")
    title: str
    status: int
    detail: str
    instance: str | None = Field(None, description="not sent today; reserved by RFC 9457")
    code: str = Field(
        description="stable, snake_case; see /problems",
        json_schema_extra={"enum": list[JsonValue](CODES)},
    )
    request_id: str
    errors: list[FieldError] | None = Field(None, description="at most 20 field errors")
    error_count: int | None = Field(
        None,
        description="how many field errors there are in all (errors lists the first 20); a "
        "body with more than 20 unknown fields, nested ones included, is refused for those "
        "alone, and counts them",
    )
    conflicts: list[InTheWay] | None = Field(None, description="booking_conflict")
    alternatives: list[AlternativeRoom] | None = Field(
        None, description="booking_conflict: other rooms free then that fit"
    )
    dates: list[date] | None = Field(None, description="booking_conflict: a series' taken dates")
    bookings: list[InTheWay] | list[int] | None = Field(
        None,
        description="closure_hits_bookings: the bookings covered; conflict on a room "
        "removal: the ids of its upcoming bookings",
    )
    rooms: int | None = Field(None, description="conflict: rooms left in a building")
    booking_status: str | None = Field(None, description="conflict: the booking's state")
    reason: str | None = Field(None, description="conflict: why the booking ended")
    opens_at: datetime | None = Field(None, description="checkin_closed: the window opens")
    closes_at: datetime | None = Field(None, description="checkin_closed: the window closes")
    checked_in_at: datetime | None = Field(None, description="checkin_closed: checked in then")
    noshows: list[dict[str, Any]] | None = Field(
        None, description="noshow_ban: the missed bookings (id, room_id, start)"
    )
    until: datetime | None = Field(None, description="noshow_ban: the end of the ban")
    entry_id: int | None = Field(None, description="conflict: the waitlist entry you have")
    entry_state: str | None = Field(None, description="conflict: the waitlist entry's state")
    offer_expires_at: datetime | None = Field(
        None, description="conflict: when the waitlist offer expired"
    )
    retry_after: int | None = Field(
        None, description="seconds to wait (also the Retry-After header)"
    )
    current_version: int | None = Field(
        None, description="precondition_failed: the version now (If-Match it after reading)"
    )
    required_scope: str | None = Field(None, description="forbidden: the API key scope needed")
    skipped: list[dict[str, Any]] | None = Field(
        None, description="rule_violation of a series: the dates left out, with reasons"
    )
    import_id: int | None = Field(None, description="import_rejected: the batch kept")
    summary: dict[str, int] | None = Field(None, description="import_rejected: counts by action")
    items: list[dict[str, Any]] | None = Field(
        None, description="import_rejected: the conflicting and invalid items (at most 200)"
    )


def render(
    model: BaseModel | None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTTPResponse:
    if model is None:
        return HTTPResponse(status=status, headers=headers)
    return HTTPResponse(
        model.model_dump_json(),
        status=status,
        headers=headers,
        content_type="application/json",
    )


def page_of(items: list[Any], next_cursor: str | None, item_model: type[Out]) -> Page[Any]:
    return Page[item_model](  # type: ignore[valid-type]
        data=[item_model.model_validate(i) for i in items], next_cursor=next_cursor
    )
