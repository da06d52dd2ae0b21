"""``explain``: every SDK error as a message and an exit code, without a server."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import httpx
import pytest
import typer

from compax_cli import main
from compax_cli.errors import explain, option_for
from compax_cli.output import whose
from compax_cli.session import State
from compax_sdk import (
    APIConnectionError,
    APITimeoutError,
    CompaxError,
    FieldError,
    RuleChanges,
    error_from_response,
)
from tests.dates import Y2031


def problem(
    status: int, code: str, detail: str = "it went wrong", **extra: object
) -> httpx.Response:
    body = {"type": "about:blank", "title": code, "status": status, "detail": detail, "code": code}
    return httpx.Response(status, json={**body, "request_id": "req-7", **extra})


@pytest.mark.parametrize(
    ("status", "code", "exit_code"),
    [
        (400, "validation_failed", 2),
        (400, "malformed_body", 2),
        (401, "unauthenticated", 5),
        (401, "invalid_credentials", 5),
        (401, "refresh_token_reused", 5),
        (403, "forbidden", 5),
        (404, "not_found", 3),
        (409, "booking_conflict", 4),
        (409, "already_exists", 4),
        (409, "conflict", 4),
        (412, "precondition_failed", 4),
        (422, "rule_violation", 1),
        (422, "password_policy", 1),
        (428, "precondition_required", 1),
        (429, "rate_limited", 1),
        (500, "internal_error", 1),
        (503, "service_unavailable", 1),
    ],
)
def test_each_kind_of_error_has_its_exit_code(status, code, exit_code):
    message, got = explain(error_from_response(problem(status, code)), State())
    assert got == exit_code
    assert message and "Traceback" not in message


def test_connection_errors_name_the_url_and_how_to_change_it():
    request = httpx.Request("GET", "http://compax.campus.example/api/v1/rooms")
    st = State(url="http://compax.campus.example")
    refused = APIConnectionError(request, "Connection error: [Errno 111] Connection refused.")
    assert explain(refused, st) == (
        "cannot reach the Compax server at http://compax.campus.example (Connection error: "
        "[Errno 111] Connection refused.). Start one with `compax serve`, or point the CLI at "
        "yours with --url URL or COMPAX_URL=URL",
        6,
    )
    assert explain(APITimeoutError(request), st) == (
        "the server at http://compax.campus.example did not answer in time; check that it is "
        "running, or point the CLI at another with --url URL or COMPAX_URL=URL",
        6,
    )


def test_a_validation_error_names_the_option():
    response = problem(
        400,
        "validation_failed",
        "free_to: must be after free_from",
        errors=[{"location": "query", "pointer": "/free_to", "detail": "must be after free_from"}],
    )
    assert explain(error_from_response(response))[0] == "--to: must be after --from"
    nested = problem(
        400,
        "validation_failed",
        errors=[{"location": "body", "pointer": "/recurrence/weekdays/0", "detail": "bad day"}],
    )
    assert explain(error_from_response(nested))[0] == "--on: bad day"


@pytest.mark.parametrize(
    ("pointer", "detail", "said"),
    [
        ("/duration_minutes", "Input should be less than or equal to 1440", "--duration: Input should be less than or equal to 1440 minutes"),
        ("/duration_minutes", "Input should be greater than or equal to 1", "--duration: Input should be greater than or equal to 1 minute"),
        ("/horizon_days", "Input should be less than or equal to 1000000", "--horizon: Input should be less than or equal to 1000000 days"),
        ("/duration_minutes", "Input should be a valid integer", "--duration: Input should be a valid integer"),
        ("/attendees", "Input should be less than or equal to 10000", "--attendees: Input should be less than or equal to 10000"),
        ("/max_minutes_x", "Input should be at most 12", "--max-minutes-x: Input should be at most 12"),
    ],
)  # fmt: skip
def test_a_limit_of_a_field_counted_in_a_unit_names_the_unit(pointer, detail, said):
    """A length typed as ``25h`` is sent in minutes: the server's bound is said in them."""
    response = problem(
        400,
        "validation_failed",
        errors=[{"location": "body", "pointer": pointer, "detail": detail}],
    )
    assert explain(error_from_response(response))[0] == said


def test_a_conflict_shows_the_booking_in_the_way_in_local_time_and_the_alternatives():
    response = problem(
        409,
        "booking_conflict",
        f"room B1-204 is booked from {Y2031}-03-03T09:00:00+00:00 to {Y2031}-03-03T11:00:00+00:00",
        conflicts=[
            {
                "id": 12,
                "room_id": 3,
                "start": f"{Y2031}-03-03T09:00:00+00:00",
                "end": f"{Y2031}-03-03T11:00:00+00:00",
                "title": "Exam",
                "status": "confirmed",
            }
        ],
        alternatives=[{"id": 4, "code": "B1-105", "name": "Seminar room", "capacity": 40}],
    )
    st = State(zone_hint=ZoneInfo("Europe/Berlin"))
    message, code = explain(error_from_response(response), st)
    assert code == 4
    assert f"booking 12 'Exam', Mon {Y2031}-03-03 10:00-12:00 CET, confirmed" in message
    assert "B1-105  Seminar room (40 seats)" in message
    none_free = problem(409, "booking_conflict", "taken", conflicts=[], alternatives=[])
    assert "no other room" in explain(error_from_response(none_free), st)[0]


def test_a_broken_booking_rule_points_staff_to_override():
    response = problem(
        422,
        "rule_violation",
        "the booking is longer than 60 minutes",
        errors=[{"rule": "max_duration", "detail": "the booking is longer than 60 minutes"}],
    )
    message, code = explain(error_from_response(response), State(offers_override=True))
    assert code == 1 and message.count("longer than 60 minutes") == 1
    assert message.endswith(
        "\n  Staff may book past opening hours, closures and rules with --override."
    )
    # A command without --override (a webhook or user rule) gets no hint it cannot follow.
    message, code = explain(error_from_response(response), State())
    assert code == 1 and "--override" not in message


def test_a_booking_in_the_way_names_its_person_and_an_offer_as_held_for_them():
    assert (
        whose("confirmed", "Ada <ada@example.edu>")
        == ", confirmed, booked by Ada <ada@example.edu>"
    )
    assert whose("held", "Bob") == ", held for Bob (a waitlist offer)"
    assert whose("held", None) == ", held"  # a member does not see whose
    assert (whose(None, "Ada"), whose(None, None)) == (", booked by Ada", "")


@pytest.mark.parametrize(
    ("answer", "message", "exit_code"),
    [
        (problem(401, "invalid_credentials"), "wrong email or password", 5),
        (
            problem(401, "invalid_token", "the token has expired"),
            "the credentials are no longer valid (the token has expired); run `compax login` "
            "again, or check the API key",
            5,
        ),
        (
            problem(401, "unauthenticated"),
            "not logged in to the server (profile 'default'): run `compax login`, or set "
            "COMPAX_API_KEY / --api-key",
            5,
        ),
        (problem(403, "forbidden", "staff only"), "not allowed: staff only", 5),
        (problem(404, "not_found", "there is no room 7"), "there is no room 7", 3),
        (
            problem(412, "precondition_failed", "version 3 is not the current 4"),
            "it changed since it was read (version 3 is not the current 4); look at it again "
            "and repeat the command",
            4,
        ),
        (problem(409, "already_exists", "room M-101 exists"), "room M-101 exists", 4),
        (problem(428, "precondition_required", "send If-Match"), "send If-Match", 1),
        (problem(429, "rate_limited", retry_after=12), "too many requests; try again in 12 s", 1),
        (problem(429, "rate_limited"), "too many requests; try again later", 1),
        (
            problem(500, "internal_error", "boom"),
            "the server failed (boom); tell its administrators the request id req-7",
            1,
        ),
        (
            httpx.Response(502, text="Bad gateway"),
            "the server failed (Bad gateway); tell its administrators the request id (none)",
            1,
        ),
    ],
)
def test_each_kind_of_error_in_its_words(answer, message, exit_code):
    assert explain(error_from_response(answer)) == (message, exit_code)


def test_an_error_of_the_sdk_itself_is_its_words():
    assert explain(CompaxError("no base URL")) == ("no base URL", 1)


@pytest.mark.parametrize(
    ("location", "pointer", "option"),
    [
        ("body", "", ""),
        ("header", "/If-Match", "If-Match"),
        ("header", "/X-Request-Id/", "X-Request-Id"),  # a header's name as it is
        ("query", "/free_to", "--to"),
        ("body", "/recurrence/until", "--until/--count/--term"),
        ("body", "/recurrence/weekdays/2", "--on"),
        ("body", "/items/3/start", "items[3].start"),
        ("body", "/max_booking_minutes", "--max-booking-minutes"),
        ("path", "/booking_id", "booking_id"),  # an argument, named as Typer names it
    ],
)
def test_a_fields_pointer_becomes_the_option_that_sets_it(location, pointer, option):
    assert option_for(FieldError(location=location, pointer=pointer)) == option


@pytest.mark.parametrize(
    ("location", "pointer", "named"),
    [
        ("path", "/booking_id", "BOOKING_ID"),  # the command's argument, as its help names it
        ("path", "/delivery_id", "--delivery"),  # a path part the command takes as an option
        ("header", "/Idempotency-Key", "--idempotency-key"),
        ("query", "/entity_type", "--entity"),
        ("query", "/series_id", "--series"),
        ("path", "/webhook_id", "webhook_id"),  # not this command's: the API's name
    ],
)
def test_a_running_commands_refusal_names_its_argument_or_option(location, pointer, named):
    st = State(
        arguments=frozenset({"booking_id"}),
        options=frozenset({"--delivery", "--idempotency-key", "--entity", "--series"}),
    )
    assert option_for(FieldError(location=location, pointer=pointer), st) == named


def test_a_closure_over_bookings_lists_them_and_the_two_ways_on():
    response = problem(
        409,
        "closure_hits_bookings",
        "the closure covers 2 bookings; give on_bookings",
        bookings=[
            {
                "id": 5,
                "title": "Lecture",
                "start": f"{Y2031}-03-04T08:00:00+00:00",
                "end": f"{Y2031}-03-04T09:00:00+00:00",
                "status": "confirmed",
            },
            "not a booking",
            {"start": f"{Y2031}-03-05T08:00:00+00:00", "end": f"{Y2031}-03-05T09:00:00+00:00"},
        ],
    )
    assert explain(error_from_response(response)) == (
        "the closure covers 2 bookings; nothing was changed:\n"
        f"  booking 5 'Lecture', {Y2031}-03-04T08:00:00+00:00 - {Y2031}-03-04T09:00:00+00:00"
        f"{whose('confirmed', None)}\n"
        f"  a booking, {Y2031}-03-05T08:00:00+00:00 - {Y2031}-03-05T09:00:00+00:00"
        f"{whose(None, None)}\n"
        "  add --on-bookings cancel to cancel them (their owners see why), "
        "or --on-bookings keep to keep them",
        4,
    )


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (403, "forbidden", "not allowed: closed from 2031-03-04 09:00 CET"),
        (404, "not_found", "closed from 2031-03-04 09:00 CET"),
        (
            412,
            "precondition_failed",
            "it changed since it was read (closed from 2031-03-04 09:00 CET); look at it again "
            "and repeat the command",
        ),
        (409, "conflict", "closed from 2031-03-04 09:00 CET"),
        (400, "validation_failed", "closed from 2031-03-04 09:00 CET"),
        (422, "rule_violation", "closed from 2031-03-04 09:00 CET"),
    ],
)
def test_the_times_in_every_kind_of_error_are_local(status, code, message):
    answer = problem(status, code, "closed from 2031-03-04T08:00:00+00:00")
    st = State(zone_hint=ZoneInfo("Europe/Berlin"))
    assert explain(error_from_response(answer), st)[0] == message


def test_a_detail_that_starts_with_a_field_names_its_option():
    answer = problem(
        409,
        "conflict",
        "end_date: before the start",
        errors=[{"location": "body", "pointer": "/end_date", "detail": "before the start"}],
    )
    assert explain(error_from_response(answer)) == ("--end: before the start", 4)
    reused = problem(401, "refresh_token_reused", "the refresh token was used twice")
    assert explain(error_from_response(reused)) == (
        "the credentials are no longer valid (the refresh token was used twice); run "
        "`compax login` again, or check the API key",
        5,
    )


BERLIN = ZoneInfo("Europe/Berlin")
AT_9 = f"{Y2031}-03-03T08:00:00+00:00"  # 09:00 in Berlin


def test_a_conflict_without_a_command_shows_what_the_server_sent():
    """Told outside a command (no zone, no names): the instants and the owner's id as sent."""
    response = problem(
        409,
        "booking_conflict",
        "",
        conflicts=[
            {
                "id": 12,
                "room_id": 3,
                "owner_id": 7,
                "start": AT_9,
                "end": f"{Y2031}-03-03T09:00:00+00:00",
                "status": "confirmed",
            },
            {"start": AT_9, "end": f"{Y2031}-03-03T09:00:00+00:00"},
        ],
        alternatives=[],
    )
    assert explain(error_from_response(response)) == (
        "booking_conflict\n"  # a problem without a detail: its title
        f"  in the way: booking 12, {Y2031}-03-03 08:00:00+00:00 - {Y2031}-03-03 09:00:00+00:00"
        ", confirmed, booked by 7\n"
        f"  in the way: a booking, {Y2031}-03-03 08:00:00+00:00 - {Y2031}-03-03 09:00:00+00:00\n"
        "  no other room that fits is free then; try `compax rooms search`.",
        4,
    )


def test_a_closure_list_that_is_not_one_lists_nothing_and_odd_members_are_left_out():
    def closure(bookings: object) -> CompaxError:
        return error_from_response(
            problem(409, "closure_hits_bookings", "it covers bookings; send", bookings=bookings)
        )

    ways_on = (
        "  add --on-bookings cancel to cancel them (their owners see why), "
        "or --on-bookings keep to keep them"
    )
    assert explain(closure(5)) == (f"it covers bookings; nothing was changed:\n{ways_on}", 4)
    odd = [{"id": 5, "room_id": "3", "owner_id": "7", "start": AT_9, "end": None}]
    way_on = (  # one booking listed
        "  add --on-bookings cancel to cancel it (its owner sees why), "
        "or --on-bookings keep to keep it"
    )
    assert explain(closure(odd), State(tz="Europe/Berlin")) == (
        f"it covers bookings; nothing was changed:\n  booking 5, {AT_9} - None\n{way_on}",
        4,
    )
    # Outside a command: the room and the owner are not looked up (there is no one to ask).
    plain = [{"id": 5, "room_id": 3, "owner_id": 7, "start": AT_9, "end": AT_9}]
    assert explain(closure(plain)) == (
        f"it covers bookings; nothing was changed:\n  booking 5, {AT_9} - {AT_9}\n{way_on}",
        4,
    )


def test_each_bad_field_is_a_line_naming_its_option_in_local_time():
    response = problem(
        400,
        "validation_failed",
        "2 fields are wrong",
        errors=[
            {"location": "query", "pointer": "/free_from", "detail": f"{AT_9} is in the past"},
            {"location": "query", "pointer": "/free_to", "detail": "must be after free_from"},
        ],
    )
    assert explain(error_from_response(response), State(tz="Europe/Berlin")) == (
        f"--from: {Y2031}-03-03 09:00 CET is in the past\n--to: must be after --from",
        2,
    )
    # An error that names no field is said under the detail, which is said first.
    unnamed = problem(
        400, "malformed_body", "the body is not JSON", errors=[{"detail": "line 1 column 2"}]
    )
    assert explain(error_from_response(unnamed)) == (
        "the body is not JSON\n  line 1 column 2",
        2,
    )


def test_a_broken_rule_names_its_place_and_the_limits_come_last():
    """Each error under the detail: by its option, else by its rule in words, else alone; a
    booking limit is said the way `compax rules show` says it, once, at the end."""
    response = problem(
        422,
        "rule_violation",
        "the booking breaks 4 rules",
        errors=[
            {"rule": "max_duration_minutes", "limit": 240, "detail": "longer than 4 hours"},
            {"rule": "opening_hours", "detail": f"the building opens at {AT_9}"},
            {"pointer": "/start", "detail": "in the past"},
            {"detail": "something else"},
        ],
    )
    assert explain(error_from_response(response), State(tz="Europe/Berlin")) == (
        "the booking breaks 4 rules\n"
        f"  opening hours: the building opens at {Y2031}-03-03 09:00 CET\n"
        "  --start: in the past\n"
        "  something else\n"
        "  the rules here: max length 4h (`compax rules show`)",
        1,
    )


def test_the_profile_not_logged_in_and_the_times_of_any_other_error_are_the_commands():
    st = State(url="http://compax.campus.example", profile="work", tz="Europe/Berlin")
    assert explain(error_from_response(problem(401, "unauthenticated")), st) == (
        "not logged in to http://compax.campus.example (profile 'work'): run `compax login`, "
        "or set COMPAX_API_KEY / --api-key",
        5,
    )
    unusual = problem(418, "teapot", f"brewing since {AT_9}")
    assert explain(error_from_response(unusual), st) == (
        f"brewing since {Y2031}-03-03 09:00 CET",
        1,
    )


def test_each_limit_the_server_refuses_names_the_option_of_rules_set_that_sets_it():
    """``rules set --horizon 99999999d`` was refused as ``--horizon-days``, an option that
    does not exist: every limit's field is named by the option that sends it."""
    command = typer.main.get_command(main.app)
    rules_set = command.commands["rules"].commands["set"]  # type: ignore[attr-defined]
    options = {name for param in rules_set.params for name in param.opts}
    for field in RuleChanges.__annotations__:
        error = FieldError(location="body", pointer=f"/{field}", detail="too big")
        assert option_for(error) in options, field


def test_a_field_the_command_takes_as_an_argument_is_named_as_the_argument():
    """``webhooks add URL``: a URL too long is ``URL``'s, not ``--url``'s (an option of
    ``webhooks update`` only); a path parameter keeps its own name."""
    response = problem(
        400,
        "validation_failed",
        errors=[{"location": "body", "pointer": "/url", "detail": "too long"}],
    )
    st = State(arguments=frozenset({"url"}))
    assert explain(error_from_response(response), st)[0] == "URL: too long"
    assert explain(error_from_response(response), State())[0] == "--url: too long"


def test_a_date_outside_the_range_names_the_option_that_sent_it_once():
    """``closures add --date 2300-01-01`` sends ``start_date``: the 422 says ``--date``
    (the command's own name for it), in the detail and in the field's line, without the
    field's name again; a field named inside a message is its option too; ``--override``
    is not offered for what it cannot pass (the calendar's range)."""
    limit = "the accepted range, 1970-01-01 to 2200-01-01 (UTC)"
    response = problem(
        422,
        "rule_violation",
        f"start_date must lie in {limit}",
        errors=[
            {
                "location": "body",
                "pointer": "/start_date",
                "rule": "time_range",
                "detail": f"start_date 2300-01-01 is outside {limit}",
            }
        ],
    )
    st = State(field_options={"start_date": "--date"}, offers_override=True)
    assert explain(error_from_response(response), st) == (
        f"--date must lie in {limit}\n  --date: 2300-01-01 is outside {limit}",
        1,
    )
    elsewhere = explain(error_from_response(response), State(offers_override=True))[0]
    assert elsewhere.startswith(f"--start must lie in {limit}\n  --start: 2300-01-01 is")
    end = problem(
        422,
        "rule_violation",
        f"end must lie in {limit}",
        errors=[{"pointer": "/end", "rule": "time_range", "detail": f"end {AT_9} is outside"}],
    )
    assert explain(error_from_response(end), State(tz="Europe/Berlin"))[0] == (
        f"--end must lie in {limit}\n  --end: {Y2031}-03-03 09:00 CET is outside"
    )  # a field's name at the start, and a time, in the command's words
    before = problem(
        400,
        "validation_failed",
        errors=[{"location": "body", "pointer": "/end_date", "detail": "is before start_date"}],
    )
    st = State(field_options={"start_date": "--date", "end_date": "--until"})
    assert explain(error_from_response(before), st)[0] == "--until: is before --date"
    unknown = problem(
        400,
        "validation_failed",
        errors=[{"location": "body", "pointer": "/x", "detail": "send on_bookings=cancel"}],
    )
    assert explain(error_from_response(unknown))[0] == "--x: add --on-bookings cancel"


def test_a_field_sent_from_no_option_of_the_command_is_named_as_the_api_names_it():
    """An error never names an option the command lacks: a field no option of it sets is
    said by the API's name (the CLI tests fail on such a line: ``tests/cli/conftest.py``)."""
    response = problem(
        400,
        "validation_failed",
        errors=[{"location": "body", "pointer": "/end_date", "detail": "is before start_date"}],
    )
    lacking = State(options=frozenset({"--date", "--reason"}))
    assert explain(error_from_response(response), lacking)[0] == "end_date: is before start_date"
    having = State(options=frozenset({"--start", "--end"}))
    assert explain(error_from_response(response), having)[0] == "--end: is before --start"
