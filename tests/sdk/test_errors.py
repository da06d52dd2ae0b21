"""Every problem code maps to its exception class, with the problem's members on it."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

import compax_sdk
from compax_sdk import (
    AlreadyExistsError,
    APIError,
    APIResponseValidationError,
    AuthenticationError,
    BadRequestError,
    BookingConflictError,
    CompaxError,
    ConflictError,
    InternalServerError,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    PreconditionRequiredError,
    RateLimitError,
    RequestTimeoutError,
    RuleViolationError,
    ServiceUnavailableError,
    UnprocessableError,
    ValidationError,
    error_from_response,
)
from compax_sdk.errors import ERRORS_BY_CODE, ERRORS_BY_STATUS
from compax_server import errors as server_errors
from compax_server.api import ROUTERS
from compax_server.api.openapi import build_openapi
from compax_server.errors import ServiceUnavailable
from tests.conftest import PASSWORD, at, bearer
from tests.sdk.conftest import expired_token, problem


def server_codes() -> dict[str, int]:
    """Every problem code the server can answer with, and its status: the codes of its error
    classes and those the error renderer writes for Sanic's own errors."""
    codes = {}
    stack = [server_errors.CompaxError]
    while stack:
        cls = stack.pop()
        codes[cls.code] = cls.status
        stack.extend(cls.__subclasses__())
    renderer = Path(server_errors.__file__).parent / "api" / "errors.py"
    for status, code in re.findall(r'(\d{3}),\s*"([a-z_]+)"', renderer.read_text()):
        codes.setdefault(code, int(status))
    return codes


def published_codes() -> set[str]:
    """The ``code`` enum of the Problem schema in the server's OpenAPI document."""
    doc = build_openapi(ROUTERS)
    return set(doc["components"]["schemas"]["Problem"]["properties"]["code"]["enum"])


def test_every_server_code_maps_to_a_class():
    codes = server_codes()
    assert {"booking_conflict", "method_not_allowed", "request_timeout"} <= set(codes)
    assert set(codes) - set(ERRORS_BY_CODE) == set()


def test_the_sdk_knows_exactly_the_published_codes():
    """The OpenAPI document lists every code of the server, and the SDK's table has no code
    the server does not publish (a renamed code would leave a dead entry behind)."""
    assert published_codes() == set(server_codes())
    assert set(ERRORS_BY_CODE) == published_codes()


def class_for_status(status: int) -> type[APIError]:
    """The class an answer with this status and no known code becomes."""
    fallback = InternalServerError if status >= 500 else APIError
    return ERRORS_BY_STATUS.get(status, fallback)


@pytest.mark.parametrize(("code", "status"), sorted(server_codes().items()))
def test_the_class_of_a_code_fits_its_status(code, status):
    """The SDK's class for each server code is the class of the status the server answers
    with, or a subclass of it: ``except ConflictError`` catches every 409 the server sends."""
    err = error_from_response(problem(status, code))
    assert isinstance(err, class_for_status(status)), (code, status, type(err).__name__)
    assert (err.status, err.code, err.request_id) == (status, code, "req-1")
    assert err.detail == f"detail of {code}"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, MethodNotAllowedError),
        (408, RequestTimeoutError),
        (409, ConflictError),
        (412, PreconditionFailedError),
        (422, UnprocessableError),
        (428, PreconditionRequiredError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, ServiceUnavailableError),
        (418, APIError),
    ],
)
def test_an_unknown_code_maps_by_status(status, expected):
    err = error_from_response(problem(status, "something_new_from_a_newer_server"))
    assert type(err) is expected
    assert err.code == "something_new_from_a_newer_server"


def test_a_non_json_error_page_still_makes_a_useful_error():
    response = httpx.Response(502, text="<html>Bad gateway</html>", headers={"x-request-id": "r9"})
    err = error_from_response(response)
    assert type(err) is InternalServerError
    assert (err.code, err.request_id, err.detail) == (None, "r9", "<html>Bad gateway</html>")
    assert str(err) == "<html>Bad gateway</html> (502 error, request_id r9)"
    long_page = httpx.Response(502, text="  " + "x" * 2000 + "  ")
    assert error_from_response(long_page).detail == "x" * 500  # its start, not a whole page


def test_retry_after_is_read_from_the_header_or_the_body():
    assert error_from_response(problem(429, "rate_limited")).retry_after is None
    with_header = problem(429, "rate_limited")
    with_header.headers["retry-after"] = "12"
    assert error_from_response(with_header).retry_after == 12
    dated = problem(429, "rate_limited")
    dated.headers["retry-after"] = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert error_from_response(dated).retry_after == 0
    assert error_from_response(problem(429, "rate_limited", retry_after=7)).retry_after == 7
    assert error_from_response(problem(429, "rate_limited", retry_after=0.5)).retry_after == 0.5
    now = problem(429, "rate_limited", retry_after=7)
    now.headers["retry-after"] = "0"
    assert error_from_response(now).retry_after == 0  # the header first, even when 0
    assert error_from_response(problem(429, "rate_limited", retry_after=-3)).retry_after == 0


def test_a_json_body_that_is_not_an_object_is_no_problem():
    err = error_from_response(httpx.Response(502, json=["bad", "gateway"]))
    assert (type(err), err.body, err.code, err.detail) == (
        InternalServerError,
        {},
        None,
        '["bad","gateway"]',
    )


def test_members_of_the_wrong_type_are_left_out():
    odd = problem(409, "conflict")
    odd_body = odd.json() | {"code": 42, "title": ["x"], "detail": None, "request_id": 7}
    err = error_from_response(httpx.Response(409, json=odd_body))
    assert (err.code, err.title, err.request_id) == (None, "Conflict", None)
    assert err.detail == err.response.text  # the body itself, when it has no detail
    bare = APIError(httpx.Response(500, text="boom"))
    assert (bare.body, bare.code, bare.detail, str(bare)) == ({}, None, "boom", "boom (500 error)")


def test_the_members_of_each_problem_are_read():
    closed = error_from_response(
        problem(409, "checkin_closed", opens_at=None, closes_at=None, booking_status="cancelled")
    )
    assert (closed.opens_at, closed.closes_at, closed.booking_status) == (None, None, "cancelled")
    hits = error_from_response(
        problem(
            409,
            "closure_hits_bookings",
            bookings=[{"id": 4, "start": "2031-03-04T08:00:00Z", "end": "2031-03-04T09:00:00Z"}],
        )
    )
    assert [(b.id, b.start.hour, b.end.hour) for b in hits.bookings] == [(4, 8, 9)]
    pending = error_from_response(problem(400, "sso_authorization_pending", retry_after=5))
    assert pending.retry_after == 5
    rejected = error_from_response(problem(409, "import_rejected", import_id="12"))
    assert rejected.import_id is None  # only an integer is an id
    stale = error_from_response(problem(412, "precondition_failed", current_version="7"))
    assert stale.current_version is None
    assert (
        error_from_response(problem(412, "precondition_failed", current_version=7)).current_version
        == 7
    )
    odd = error_from_response(
        problem(
            409,
            "closure_hits_bookings",
            bookings=[
                {"id": 1, "start": "2031-03-04T08:00:00Z", "end": "2031-03-04T09:00:00Z"},
                {"id": "not a booking"},
                {"id": 3, "start": "2031-03-04T10:00:00Z", "end": "2031-03-04T11:00:00Z"},
            ],
        )
    )
    assert [b.id for b in odd.bookings] == [1, 3]  # an odd entry is skipped, not the rest


def test_the_tree():
    assert issubclass(ValidationError, BadRequestError)
    assert issubclass(BookingConflictError, ConflictError)
    assert issubclass(AlreadyExistsError, ConflictError)
    assert issubclass(RuleViolationError, UnprocessableError)
    assert issubclass(ServiceUnavailableError, InternalServerError)
    assert issubclass(APIError, CompaxError)
    assert not issubclass(compax_sdk.APIConnectionError, APIError)
    assert issubclass(compax_sdk.APITimeoutError, compax_sdk.APIConnectionError)


# -- the same, provoked through the app --------------------------------------------------------


async def test_validation_failed_names_the_field(connect, member, room):
    with pytest.raises(ValidationError) as err:
        await connect(member).bookings.create(
            room_id=room.pk, title="x", start=at(0, 10), end=at(0, 9)
        )
    assert err.value.status == 400 and err.value.code == "validation_failed"
    assert [(e.pointer, e.code) for e in err.value.errors] == [("/end", "invalid_interval")]


async def test_unauthenticated_invalid_token_and_forbidden(connect, member):
    with pytest.raises(AuthenticationError) as err:
        await connect().me.get()
    assert err.value.code == "unauthenticated"
    with pytest.raises(AuthenticationError) as err:
        await connect(access_token="not-a-jwt").me.get()
    assert err.value.code == "invalid_token"
    with pytest.raises(AuthenticationError) as err:  # expired, and nothing to refresh with
        await connect(access_token=expired_token(member)).me.get()
    assert err.value.code == "invalid_token" and "expired" in err.value.detail
    with pytest.raises(PermissionDeniedError) as err:
        await connect(member).users.list()
    assert err.value.code == "forbidden"


async def test_a_reused_refresh_token_ends_the_session(connect, member):
    first = connect()
    token = await first.auth.login(member.email, PASSWORD)
    await first.auth.refresh()
    with pytest.raises(AuthenticationError) as err:
        await connect(refresh_token=token.refresh_token).auth.refresh()
    assert err.value.code == "refresh_token_reused"
    with pytest.raises(AuthenticationError):  # the whole family is revoked
        await first.auth.refresh()


async def test_not_found(connect, member):
    with pytest.raises(NotFoundError) as err:
        await connect(member).bookings.get(999)
    assert err.value.code == "not_found" and "999" in err.value.detail


async def test_booking_conflict_lists_the_bookings_in_the_way(connect, member, make_user, room):
    first = await connect(member).bookings.create(
        room_id=room.pk, title="Mine", start=at(0, 9), end=at(0, 11)
    )
    other = await make_user()
    with pytest.raises(BookingConflictError) as err:
        await connect(other).bookings.create(
            room_id=room.pk, title="Theirs", start=at(0, 10), end=at(0, 12)
        )
    e = err.value
    assert (e.status, e.code) == (409, "booking_conflict")
    assert [(c.start, c.end, c.status) for c in e.conflicts] == [
        (first.start, first.end, "confirmed")
    ]
    # Another member's booking: its times and state only, never its id, title or owner.
    assert (e.conflicts[0].id, e.conflicts[0].title, e.conflicts[0].owner_id) == (None, "", None)
    assert e.alternatives == []


async def test_conflict_already_exists_and_state_conflicts(connect, admin, member, room):
    c = connect(admin)
    await c.features.create(code="projector", name="Projector")
    with pytest.raises(AlreadyExistsError) as err:
        await c.features.create(code="projector", name="Projector again")
    assert err.value.code == "already_exists"
    booking = await c.bookings.create(room_id=room.pk, title="x", start=at(0, 9), end=at(0, 10))
    cancelled = await c.bookings.cancel(booking)
    with pytest.raises(ConflictError) as err:
        await c.bookings.cancel(cancelled)
    assert type(err.value) is ConflictError and err.value.code == "conflict"
    assert err.value.body["booking_status"] == "cancelled"


async def test_stale_and_missing_versions(connect, member, room):
    c = connect(member)
    booking = await c.bookings.create(room_id=room.pk, title="x", start=at(0, 9), end=at(0, 10))
    await c.bookings.update(booking, title="changed")
    with pytest.raises(PreconditionFailedError) as err:
        await c.bookings.update(booking, title="stale")  # still version 1
    assert err.value.code == "precondition_failed" and err.value.current_version == 2
    with pytest.raises(PreconditionRequiredError) as err:
        await c.bookings.cancel(booking.id)
    assert err.value.status == 428 and err.value.code == "precondition_required"
    assert "If-Match" in err.value.detail


async def test_rule_violations(connect, admin, member, make_room, building):
    closed = await make_room()
    admin_client = connect(admin)
    await admin_client.buildings.create_closure(
        building.pk, reason="Painting", room_id=closed.pk, start=at(0, 0), end=at(1, 0)
    )
    with pytest.raises(RuleViolationError) as err:
        await connect(member).bookings.create(
            room_id=closed.pk, title="x", start=at(0, 9), end=at(0, 10)
        )
    assert err.value.status == 422 and err.value.code == "rule_violation"
    assert [e.rule for e in err.value.errors] == ["closure"]
    with pytest.raises(RuleViolationError) as err:
        await connect(member).me.change_password(current_password=PASSWORD, new_password="short")
    assert err.value.code == "password_policy"
    assert err.value.errors[0].code == "password_policy"


async def test_an_idempotency_key_reused_for_another_request_is_a_rule_violation(
    connect, member, room
):
    c = connect(member)
    await c.bookings.create(
        room_id=room.pk, title="x", start=at(0, 9), end=at(0, 10), idempotency_key="job-1"
    )
    with pytest.raises(RuleViolationError) as err:
        await c.bookings.create(
            room_id=room.pk, title="y", start=at(1, 9), end=at(1, 10), idempotency_key="job-1"
        )
    assert err.value.errors[0].rule == "idempotency_key_reused"


async def test_too_many_failed_logins_is_a_rate_limit_error_with_retry_after(connect, member):
    c = connect(max_retries=0)  # the wait can be under a minute, which the SDK would honour
    for _ in range(10):
        with pytest.raises(AuthenticationError):
            await c.auth.login(member.email, "wrong password")
    with pytest.raises(RateLimitError) as err:
        await c.auth.login(member.email, PASSWORD)
    assert err.value.code == "rate_limited"
    assert err.value.retry_after is not None and err.value.retry_after > 0
    assert err.value.retry_after == float(err.value.response.headers["retry-after"])


async def test_a_server_failure_is_retried_then_an_internal_server_error(
    connect, member, monkeypatch, fast_retries
):
    from compax_server.services import users

    calls = []

    async def broken(actor):
        calls.append(actor)
        raise RuntimeError("boom")

    monkeypatch.setattr(users, "get_me", broken)
    with pytest.raises(InternalServerError) as err:
        await connect(member, max_retries=2).me.get()
    assert (err.value.status, err.value.code) == (500, "internal_error")
    assert err.value.request_id and "boom" not in str(err.value)
    assert len(calls) == 3


async def test_service_unavailable_is_retried_as_the_server_asks(
    connect, member, monkeypatch, fast_retries
):
    from compax_server.services import users

    real = users.get_me
    calls = []

    async def busy_once(actor):
        calls.append(actor)
        if len(calls) == 1:
            raise ServiceUnavailable("busy", retry_after=0)
        return await real(actor)

    monkeypatch.setattr(users, "get_me", busy_once)
    assert (await connect(member).me.get()).id == member.pk
    assert len(calls) == 2
    monkeypatch.setattr(users, "get_me", broken_busy)
    with pytest.raises(ServiceUnavailableError) as err:
        await connect(member, max_retries=0).me.get()
    assert err.value.code == "service_unavailable"


async def broken_busy(actor):
    raise ServiceUnavailable("The database is busy.", retry_after=0)


@pytest.mark.parametrize(
    ("method", "path", "content", "expected", "code"),
    [
        ("PUT", "/api/v1/auth/token", b"{}", MethodNotAllowedError, "method_not_allowed"),
        ("POST", "/api/v1/auth/token", b"{oops", BadRequestError, "malformed_body"),
        ("GET", "/api/v1/nothing-here", b"", NotFoundError, "not_found"),
    ],
)
async def test_answers_the_sdk_never_provokes_map_too(
    client, member, method, path, content, expected, code
):
    headers = bearer(member) | {"content-type": "application/json"}
    response = await client.request(method, path, content=content, headers=headers)
    err = error_from_response(response)
    assert type(err) is expected and err.code == code


@pytest.mark.parametrize(
    ("call", "body", "words"),
    [
        ("get", {"id": "one", "code": "MAIN"}, "The response is not a valid Building: "),
        ("list", {"data": [{"id": "one"}]}, "The response is not a page of Building: "),
        ("list", {"items": []}, "The response is not a page of Building: "),
        ("list", ["not", "a", "page"], "The response is not a page of Building: "),
    ],
)
async def test_a_success_body_the_sdk_cannot_read_is_a_response_validation_error(
    offline, call, body, words
):
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body, headers={"x-request-id": "req-9"})

    c = offline(answer)
    with pytest.raises(APIResponseValidationError) as caught:
        await (c.buildings.get(1) if call == "get" else c.buildings.list())
    err = caught.value
    assert err.status == 200 and err.code == "invalid_response" and err.request_id == "req-9"
    assert err.detail.startswith(words), err.detail
    assert str(err).startswith(words) and str(err).endswith(
        "(200 invalid_response, request_id req-9)"
    )
    assert len(c.sent) == 1  # a body the SDK cannot read is not retried


def test_a_problem_without_a_detail_says_its_title():
    """A person reads the problem's title then, not its JSON."""
    untold = httpx.Response(409, json={"type": "about:blank", "title": "Booking conflict"})
    assert error_from_response(untold).detail == "Booking conflict"
    not_a_problem = httpx.Response(502, json={"error": "upstream down"})
    assert error_from_response(not_a_problem).detail == '{"error":"upstream down"}'
