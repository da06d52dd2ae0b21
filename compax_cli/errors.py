"""SDK errors as a person reads them: one function, ``explain``, turns any SDK exception into
a message and an exit code (see ``compax_cli.output``); ``api_errors`` prints it to stderr
and exits. No tracebacks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, NoReturn

import typer

from compax_cli.numbers import is_whole
from compax_cli.output import (
    EXIT_AUTH,
    EXIT_CONFLICT,
    EXIT_CONNECTION,
    EXIT_ERROR,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    error,
    whose,
)
from compax_cli.times import show_span
from compax_cli.words import for_people, in_units, limit_text
from compax_sdk import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BookingConflictError,
    CompaxError,
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    RateLimitError,
    RuleViolationError,
    UnprocessableError,
)

if TYPE_CHECKING:
    from compax_cli.session import State

# API fields whose option is not simply --field-name.
FIELD_OPTIONS = {
    "free_from": "--from",
    "free_to": "--to",
    "from": "--from",
    "min_capacity": "--capacity",
    "q": "--text",
    "features": "--feature",
    "room_id": "--room",
    "owner_id": "--owner",
    "building_id": "--building",
    "user_id": "--user",
    "start_time": "--time",
    "duration_minutes": "--duration",
    "recurrence/freq": "--repeat",
    "recurrence/weekdays": "--on",
    "recurrence/interval": "--every",
    "recurrence/term_id": "--term",
    "recurrence": "--until/--count/--term",
    "excluded_dates": "--exclude",
    "added_dates": "--add-date",
    "full_name": "--name",
    "scopes": "--scope",
    "expires_at": "--expires",
    "holidays": "--holiday",
    "start_date": "--start",
    "end_date": "--end",
    "event_types": "--event",
    "opening_hours": "--hours",
    "entity_type": "--entity",
    "entity_id": "--id",
    "series_id": "--series",
    "delivery_id": "--delivery",
    "Idempotency-Key": "--idempotency-key",
    # the booking rules (``compax rules set``)
    "max_duration_minutes": "--max-duration",
    "horizon_days": "--horizon",
    "min_notice_minutes": "--min-notice",
    "max_bookings_per_week": "--max-per-week",
    "requires_checkin": "--checkin",
    "checkin_opens_minutes": "--checkin-opens",
    "checkin_closes_minutes": "--checkin-closes",
    "noshow_ban_days": "--noshow-ban",
}


def _field_options(st: State | None) -> dict[str, str]:
    """``FIELD_OPTIONS``, with the running command's own names (``State.field_options``)."""
    return {**FIELD_OPTIONS, **(st.field_options if st else {})}


def option_for(error: FieldError, st: State | None = None) -> str:
    """The command-line option behind a field error's JSON pointer (``/free_to`` ->
    ``--to``; a path's ``/booking_id`` -> the argument ``booking_id``; a field the command
    takes as an argument, ``webhooks add URL``, the argument ``URL``), or the header or
    field name when no option sets it."""
    pointer = (error.pointer or "").strip("/")
    if not pointer:
        return ""
    known = _field_options(st)
    if error.location in ("header", "path"):  # the command's argument, or its option
        option = known.get(pointer)
        if option and st is not None and _has(st, option):
            return option
        return pointer.upper() if st is not None and pointer in st.arguments else pointer
    parts = pointer.split("/")
    keys = ("/".join(parts[:i]) for i in range(len(parts), 0, -1))  # the longest first
    option = next((known[key] for key in keys if key in known), None)
    if option is None and any(is_whole(p) for p in parts):  # an item of a list from a file
        return "".join(f"[{p}]" if is_whole(p) else f".{p}" for p in parts).lstrip(".")
    option = option or "--" + parts[0].replace("_", "-")
    argument = option.removeprefix("--").replace("-", "_")
    if st is not None and argument in st.arguments:
        return argument.upper()
    return option if _has(st, option) else ".".join(parts)  # the API's name, not a wrong option


def _has(st: State | None, option: str) -> bool:
    """The running command has ``option`` (each of ``--until/--count/--term``), or it is an
    argument's name (``USER``), or the command is not known (in-process use)."""
    if st is None or not st.options or not option.startswith("--"):
        return True
    return set(option.split("/")) <= st.options


def _zone(st: State | None, room_id: int | None = None) -> tzinfo | None:
    """The zone to show times in: ``--tz``, else the room's, else the command's."""
    if st is None:
        return None
    return st.display_zone(st.names.zone(room_id) if room_id is not None else None)


def _conflict(exc: BookingConflictError, st: State | None) -> str:
    room_id = next((c.room_id for c in exc.conflicts if c.room_id is not None), None)
    tz = _zone(st, room_id)
    lines = [for_people(exc.detail, tz)]
    for c in exc.conflicts:
        when = show_span(c.start, c.end, tz) if tz else f"{c.start} - {c.end}"
        title = f" {c.title!r}" if c.title else ""
        owner = None
        if c.owner_id is not None:
            owner = st.names.person(c.owner_id) if st else str(c.owner_id)
        what = f"booking {c.id}" if c.id is not None else "a booking"
        found = st.names.room(c.room_id) if st and c.room_id is not None else None
        room = f" in {found.code}" if found and found.code not in lines[0] else ""
        lines.append(f"  in the way: {what}{title}{room}, {when}{whose(c.status, owner)}")
    if exc.alternatives:
        lines.append("  free at that time and fitting:")
        lines += [f"    {a.code}  {a.name} ({a.capacity} seats)" for a in exc.alternatives]
    elif "alternatives" in exc.body:
        lines.append("  no other room that fits is free then; try `compax rooms search`.")
    return "\n".join(lines)


def _closure_hits(exc: APIError, st: State | None) -> str:
    """A closure or new holidays over bookings: which ones, and the two ways on."""
    hit = exc.body.get("bookings") or []
    lines = [f"{exc.detail.split(';')[0]}; nothing was changed:"]
    listed = [b for b in hit if isinstance(b, dict)] if isinstance(hit, list) else []
    for b in listed:
        room_id = b.get("room_id") if isinstance(b.get("room_id"), int) else None
        tz = _zone(st, room_id)
        start, end = b.get("start"), b.get("end")
        when = f"{start} - {end}"
        if tz and isinstance(start, str) and isinstance(end, str):
            when = show_span(datetime.fromisoformat(start), datetime.fromisoformat(end), tz)
        what = f"booking {b['id']}" if b.get("id") is not None else "a booking"
        title = f" {b['title']!r}" if b.get("title") else ""
        room = f" in {st.names.room_code(room_id)}" if st and room_id is not None else ""
        owner = b.get("owner_id")
        by = st.names.person(owner) if st and isinstance(owner, int) else None
        status = b.get("status")
        lines.append(f"  {what}{title}{room}, {when}{whose(str(status) if status else None, by)}")
    it, whose_owner = ("it", "its owner sees") if len(listed) == 1 else ("them", "their owners see")
    lines.append(
        f"  add --on-bookings cancel to cancel {it} ({whose_owner} why), "
        f"or --on-bookings keep to keep {it}"
    )
    return "\n".join(lines)


def _detail(exc: APIError, st: State | None) -> str:
    """The problem's detail in the CLI's words: local times, options, commands; a leading
    field of the request (``until: ...``, ``end must lie ...``) as the option that sets it."""
    text = exc.detail
    for e in exc.errors:
        field = (e.pointer or "").strip("/")
        if field and text.startswith((f"{field}: ", f"{field} ")):
            text = option_for(e, st) + text[len(field) :]
    return _options_named(for_people(text, _zone(st)), st)


BEYOND_OVERRIDE = {"time_range", "max_booking_length_hard", "no_occurrences"}
"""Rules that ``--override`` does not pass: the calendar's range, the longest booking, a
series left with no date (taken dates, holidays and closures asked to be skipped)."""

FIELD_WORD = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def _options_named(text: str, st: State | None) -> str:
    """The request's fields that a message names (``is before start_date``) as the options
    that set them (``is before --date``)."""
    known = {k: v for k, v in _field_options(st).items() if _has(st, v)}
    return FIELD_WORD.sub(lambda m: known.get(m.group(0), m.group(0)), text)


def _field_text(e: FieldError, st: State | None, tz: tzinfo | None) -> str:
    """A field error's detail, said after its option: without the field's own name when it
    starts with it (``start_date 2300-01-01 is outside ...``)."""
    name = (e.pointer or "").rsplit("/", 1)[-1]
    text = (e.detail or "").removeprefix(f"{name} ") if name else e.detail or ""
    return _options_named(in_units(e.pointer, for_people(text, tz)), st)


def _fields(exc: APIError, st: State | None = None) -> str:
    """A validation error names the options; a rule violation adds the limits, written the
    way ``compax rules show`` writes them."""
    tz = _zone(st)
    named = [
        f"{option_for(e, st)}: {_field_text(e, st, tz)}"
        for e in exc.errors
        if e.pointer and e.detail
    ]
    if isinstance(exc, BadRequestError) and named:
        return "\n".join(named)
    detail = _detail(exc, st)
    lines = [detail]
    limits = [t for e in exc.errors if e.rule and (t := limit_text(e.rule, e.limit))]
    for e in exc.errors:
        if e.rule and limit_text(e.rule, e.limit):
            continue
        text = _field_text(e, st, tz) if e.pointer else for_people(e.detail, tz)
        if text and text not in detail:
            where = option_for(e, st) if e.pointer else (e.rule or "").replace("_", " ")
            lines.append(f"  {where}: {text}" if where else f"  {text}")
    if limits:
        lines.append(f"  the rules here: {', '.join(dict.fromkeys(limits))} (`compax rules show`)")
    return "\n".join(dict.fromkeys(lines))  # no repeats, in order


def explain(exc: CompaxError, st: State | None = None) -> tuple[str, int]:
    """The message for ``exc`` and the exit code."""
    url = st.base_url if st else "the server"
    profile = st.profile if st else "default"
    if isinstance(exc, APITimeoutError):
        return (
            f"the server at {url} did not answer in time; check that it is running, or "
            "point the CLI at another with --url URL or COMPAX_URL=URL",
            EXIT_CONNECTION,
        )
    if isinstance(exc, APIConnectionError):
        return (
            f"cannot reach the Compax server at {url} ({exc}). Start one with `compax serve`, "
            "or point the CLI at yours with --url URL or COMPAX_URL=URL",
            EXIT_CONNECTION,
        )
    if not isinstance(exc, APIError):
        return str(exc), EXIT_ERROR
    if isinstance(exc, AuthenticationError):
        if exc.code == "invalid_credentials":
            return "wrong email or password", EXIT_AUTH
        if exc.code in ("invalid_token", "refresh_token_reused"):
            return (
                f"the credentials are no longer valid ({exc.detail}); run `compax login` "
                "again, or check the API key",
                EXIT_AUTH,
            )
        return (
            f"not logged in to {url} (profile {profile!r}): run `compax login`, or set "
            "COMPAX_API_KEY / --api-key",
            EXIT_AUTH,
        )
    if isinstance(exc, PermissionDeniedError):
        return f"not allowed: {_detail(exc, st)}", EXIT_AUTH
    if isinstance(exc, NotFoundError):
        return _detail(exc, st), EXIT_NOT_FOUND
    if isinstance(exc, BookingConflictError):
        return _conflict(exc, st), EXIT_CONFLICT
    if isinstance(exc, PreconditionFailedError):
        return (
            f"it changed since it was read ({_detail(exc, st)}); look at it again and repeat "
            "the command",
            EXIT_CONFLICT,
        )
    if isinstance(exc, ConflictError) and exc.code == "closure_hits_bookings":
        return _closure_hits(exc, st), EXIT_CONFLICT
    if isinstance(exc, ConflictError):
        return _detail(exc, st), EXIT_CONFLICT
    if isinstance(exc, BadRequestError):
        return _fields(exc, st), EXIT_USAGE
    if isinstance(exc, RuleViolationError | UnprocessableError):
        message = _fields(exc, st)
        offered = st is not None and st.offers_override
        passable = any(e.rule and e.rule not in BEYOND_OVERRIDE for e in exc.errors)
        if exc.code == "rule_violation" and offered and passable:
            message += "\n  Staff may book past opening hours, closures and rules with --override."
        return message, EXIT_ERROR
    if isinstance(exc, RateLimitError):
        wait = f" in {exc.retry_after:.0f} s" if exc.retry_after is not None else " later"
        return f"too many requests; try again{wait}", EXIT_ERROR
    if exc.status >= 500:
        return (
            f"the server failed ({exc.detail}); tell its administrators the request id "
            f"{exc.request_id or '(none)'}",
            EXIT_ERROR,
        )
    return _detail(exc, st), EXIT_ERROR


def exit_with(exc: CompaxError, st: State | None = None) -> NoReturn:
    """Print what ``exc`` means on stderr and exit with its code."""
    message, code = explain(exc, st)
    error(message)
    raise typer.Exit(code) from None


@contextmanager
def api_errors(st: State | None = None) -> Iterator[None]:
    try:
        yield
    except CompaxError as exc:
        exit_with(exc, st)
