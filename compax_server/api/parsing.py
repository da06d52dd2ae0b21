"""Reading a request into typed values: path parameters, the query and the JSON (or form)
body, each checked against its model with every failure a precise 400, 413 or 422
(``InvalidInput``, ``MalformedBody``, ``PayloadTooLarge``) naming where it is.

The worst inputs are refused cheaply, before a model sees them: a body over its limit (also
once inflated from gzip), a flood of unknown fields, a NUL or another control character, a
repeated query parameter, a path id beyond 32 bits. ``endpoint.Router`` calls these for
every operation.
"""

from __future__ import annotations

import collections.abc
import functools
import re
import typing
import zlib
from typing import Any

import pydantic_core
from pydantic import BaseModel, ValidationError
from sanic import Request

from compax_server.api.schemas import PATTERN_WORDS
from compax_server.errors import InvalidInput, MalformedBody, PayloadTooLarge

MAX_PATH_INT = 2**31 - 1
# Bodies, also once inflated (Content-Encoding: gzip), are at most this large.
MAX_INFLATED = 64 * 1024 * 1024


def parse_path_param(name: str, raw: str, kind: Any) -> Any:
    if typing.get_origin(kind) is typing.Literal:
        allowed = typing.get_args(kind)
        if raw not in allowed:
            raise InvalidInput.field("path", name, f"one of {', '.join(allowed)}", "enum")
        return raw
    if kind is int:
        if not (raw.isascii() and raw.isdigit()):  # "²" and "٣" are digits to isdigit
            raise InvalidInput.field("path", name, "must be a positive integer", "int_parsing")
        digits = raw.lstrip("0")
        value = int(digits or "0") if len(digits) <= 10 else MAX_PATH_INT + 1  # beyond any id
        if not 1 <= value <= MAX_PATH_INT:
            raise InvalidInput.out_of_range("path", name, value, 1, MAX_PATH_INT)
        return value
    return raw


MAX_ERRORS = 20  # field errors listed in one problem; ``error_count`` says how many in all
NUL_MESSAGE = "must not contain NUL characters (U+0000)"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Characters no name, title, address or search holds: NUL (PostgreSQL cannot store it) and
the other control characters (an escape sequence in a title would be obeyed by a terminal
that shows it). Tabs and line breaks are text."""
CONTROL_MESSAGE = (
    "must not contain control characters (U+0001 to U+001F but tab and line breaks, "
    "U+007F to U+009F)"
)
# A JSON body holds a control character only as an escape (\u0001) or, for DEL and the C1
# range, as its bytes: a body without these is passed without a walk through its strings.
CONTROL_BYTES = re.compile(rb"\\u00[0189][0-9a-fA-F]|\\u007[fF]|\x7f|\xc2[\x80-\x9f]")


def _pointer(loc: list[str]) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in loc) if loc else ""


def validation_errors(exc: ValidationError, location: str) -> list[dict[str, Any]]:
    """The first ``MAX_ERRORS`` errors of ``exc`` as problem members."""
    out = []
    for err in exc.errors(include_url=False, include_input=False)[:MAX_ERRORS]:
        detail = err["msg"]
        if err["type"] == "extra_forbidden":
            detail = "is not a known field"
        elif err["type"] == "timezone_aware":
            detail = "needs a UTC offset (RFC 3339), e.g. 2027-03-01T09:00:00+01:00"
        elif err["type"] == "string_pattern_mismatch":
            detail = PATTERN_WORDS.get(err["ctx"]["pattern"], detail)
        elif err["type"] == "value_error":  # our validators' words, without pydantic's tag
            detail = detail.removeprefix("Value error, ")
        out.append(
            {
                "location": location,
                "pointer": _pointer([str(p) for p in err["loc"]]),
                "detail": detail,
                "code": err["type"],
            }
        )
    return out


def invalid_input(errors: list[dict[str, Any]], location: str, count: int) -> InvalidInput:
    """A 400 listing at most ``MAX_ERRORS`` field errors, and ``error_count`` in all."""
    errors = errors[:MAX_ERRORS]
    shown = errors[:5]
    summary = "; ".join(f"{e['pointer'].lstrip('/') or location}: {e['detail']}" for e in shown)
    if count > len(shown):
        summary += f" (and {count - len(shown)} more)"
    return InvalidInput(summary, errors=errors, error_count=count)


def _invalid(exc: ValidationError, location: str) -> InvalidInput:
    return invalid_input(validation_errors(exc, location), location, exc.error_count())


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a field's value may hold, looking through ``X | None``, ``list[X]`` and
    ``Annotated`` (not into mappings: their keys are data, not fields)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if typing.get_origin(annotation) in (dict, collections.abc.Mapping):
        return []
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


@functools.cache
def _shape(model: type[BaseModel]) -> tuple[frozenset[str] | None, tuple[tuple[str, Any], ...]]:
    """``(the names the model knows, or None when it takes any, (key, nested model)...)``."""
    names: set[str] = set()
    nested = []
    for name, info in model.model_fields.items():
        key = info.alias if isinstance(info.alias, str) else name
        names |= {name, key}
        if isinstance(info.validation_alias, str):
            names.add(info.validation_alias)
        models = _models_in(info.annotation)
        if len(models) == 1:
            nested.append((key, models[0]))
    known = frozenset(names) if model.model_config.get("extra") == "forbid" else None
    return known, tuple(nested)


def _unknown_fields(data: Any, model: type[BaseModel], loc: list[str], found: list[str]) -> int:
    """How many unknown fields ``data`` has when read as ``model`` (nested models included),
    the first ``MAX_ERRORS`` of them (as JSON pointers) appended to ``found``. A count is a
    set difference per object, never an error object per field: a body of a million unknown
    keys costs one set difference and a walk of what the JSON parser already built."""
    if not isinstance(data, dict):
        return 0
    known, nested = _shape(model)
    count = 0
    if known is not None:
        unknown = data.keys() - known
        count = len(unknown)
        for key in data if unknown else ():
            if len(found) >= MAX_ERRORS:
                break
            if key in unknown:
                found.append(_pointer([*loc, key]))
    for key, sub in nested:
        value = data.get(key)
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            where = [*loc, key] if i is None else [*loc, key, str(i)]
            count += _unknown_fields(item, sub, where, found)
    return count


def _control_at(data: Any, loc: list[str]) -> tuple[str, str] | None:
    """The JSON pointer of the first string (value or key) holding a ``CONTROL`` character,
    and the first such character in it."""
    if isinstance(data, str):
        found = CONTROL.search(data)
        return (_pointer(loc), found.group()) if found else None
    if isinstance(data, list):
        for i, item in enumerate(data):
            if (hit := _control_at(item, [*loc, str(i)])) is not None:
                return hit
    if isinstance(data, dict):
        for key, item in data.items():
            if (hit := _control_at(key, [*loc, key])) is not None:
                return hit
            if (hit := _control_at(item, [*loc, key])) is not None:
                return hit
    return None


def refuse_control(location: str, pointer: str, char: str) -> InvalidInput:
    """``CONTROL`` characters are refused at the door, NUL named as such."""
    detail, code = (NUL_MESSAGE, "nul") if char == "\x00" else (CONTROL_MESSAGE, "control")
    error = {"location": location, "pointer": pointer, "detail": detail, "code": code}
    return invalid_input([error], location, 1)


def _refuse_controls(location: str, pairs: dict[str, Any]) -> None:
    """A form's or a query's names and values (a value may be a list of them)."""
    if (hit := _control_at(pairs, [])) is not None:
        raise refuse_control(location, *hit)


def _precheck(raw: bytes, model: type[BaseModel]) -> None:
    """Before the model sees the body: a flood of unknown fields is refused after one cheap
    pass (the model would build an error object for each), and so is a control character."""
    try:
        data = pydantic_core.from_json(raw)
    except ValueError:
        return  # not JSON: the model says what is wrong, precisely
    found: list[str] = []
    count = _unknown_fields(data, model, [], found)
    if count > MAX_ERRORS:
        unknown = "is not a known field"
        errors = [
            {"location": "body", "pointer": p, "detail": unknown, "code": "extra_forbidden"}
            for p in found
        ]
        raise invalid_input(errors, "body", count)
    if CONTROL_BYTES.search(raw) and (hit := _control_at(data, [])) is not None:
        raise refuse_control("body", *hit)


def parse_body(
    request: Request,
    model: type[BaseModel],
    form: type[BaseModel] | None = None,
    max_size: int = MAX_INFLATED,
) -> Any:
    """The body as ``model``. ``max_size`` caps the body, also once inflated: operations
    open to anyone take only small bodies (``MAX_UNAUTHENTICATED_BODY``)."""
    raw = request.body or b""
    if len(raw) > max_size:
        raise PayloadTooLarge(f"The body is larger than {max_size} bytes, the limit here.")
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if form is not None and content_type == "application/x-www-form-urlencoded":
        data = {k: v[0] if len(v) == 1 else v for k, v in (request.form or {}).items()}
        _refuse_controls("body", data)
        try:
            return form.model_validate(data)
        except ValidationError as exc:
            raise _invalid(exc, "body") from None
    if content_type not in ("application/json", "") and not content_type.endswith("+json"):
        raise InvalidInput(
            f"The body must be JSON (Content-Type: application/json), not {content_type}.",
            errors=[
                {
                    "location": "header",
                    "pointer": "/Content-Type",
                    "detail": "must be application/json",
                    "code": "content_type",
                }
            ],
        )
    if (request.headers.get("content-encoding") or "").lower() == "gzip":
        raw = gunzip(raw, max_size)
    if not raw.strip():
        raise MalformedBody("The request needs a JSON body.")
    _precheck(raw, model)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_context=False, include_input=False)[0]
        if first["type"] == "json_invalid":
            raise MalformedBody(f"The body is not valid JSON: {first['msg']}.") from None
        raise _invalid(exc, "body") from None


def gunzip(raw: bytes, max_size: int = MAX_INFLATED) -> bytes:
    """A gzip body, inflated up to ``max_size`` bytes (a bomb is a 413, not a crash)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, max_size + 1)
    except zlib.error:
        raise MalformedBody("The body says Content-Encoding: gzip but is not gzip.") from None
    if len(out) > max_size or inflater.unconsumed_tail:
        raise PayloadTooLarge(f"The inflated body is larger than {max_size} bytes, the limit here.")
    return out


def parse_query(request: Request, model: type[BaseModel]) -> Any:
    """Query parameters are single-valued (lists are comma-separated within one value)."""
    data: dict[str, Any] = {}
    for key, values in request.get_args(keep_blank_values=True).items():
        if len(values) > 1:
            raise InvalidInput.field("query", key, "is given more than once", "repeated")
        data[key] = values[0]
    _refuse_controls("query", data)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc, "query") from None
