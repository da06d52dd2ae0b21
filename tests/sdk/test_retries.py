"""Retries: what is retried, how often, how long apart, and with which Idempotency-Key.

The answers come from an ``httpx.MockTransport`` (``offline``), since the real server does
not fail on demand; the live tests cut a real connection."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

import compax_sdk
from compax_sdk import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    Booking,
    BookingConflictError,
    Compax,
    InternalServerError,
    PreconditionFailedError,
    RateLimitError,
    RuleViolationError,
    ServiceUnavailableError,
    ValidationError,
)
from compax_sdk._base import retry_delay
from tests.dates import Y2031
from tests.sdk.conftest import answers, problem, tokens

START, END = datetime(Y2031, 3, 3, 9, tzinfo=UTC), datetime(Y2031, 3, 3, 10, tzinfo=UTC)


def booking_json(booking_id: int = 7, version: int = 1) -> dict[str, object]:
    return {
        "id": booking_id,
        "room_id": 3,
        "owner_id": 1,
        "title": "Lecture",
        "description": "",
        "start": f"{Y2031}-03-03T09:00:00Z",
        "end": f"{Y2031}-03-03T10:00:00Z",
        "status": "confirmed",
        "reason": "",
        "series_id": None,
        "source": None,
        "external_id": None,
        "version": version,
        "created_by_id": 1,
        "created_at": f"{Y2031}-01-01T00:00:00Z",
        "updated_at": f"{Y2031}-01-01T00:00:00Z",
        "a_field_from_a_newer_server": {"ignored": True},
    }


async def create(client, **extra):
    return await client.bookings.create(room_id=3, title="Lecture", start=START, end=END, **extra)


async def test_5xx_is_retried_with_the_same_idempotency_key(offline):
    c = offline(
        answers(
            problem(503, "service_unavailable"),
            problem(500, "internal_error"),
            httpx.Response(201, json=booking_json()),
        )
    )
    booking = await create(c)
    assert booking.id == 7
    keys = {r.headers["idempotency-key"] for r in c.sent}
    assert len(c.sent) == 3 and len(keys) == 1
    assert len(next(iter(keys))) == 36  # a uuid4


async def test_a_given_idempotency_key_is_sent_and_each_call_gets_its_own(offline):
    c = offline(
        answers(
            httpx.Response(201, json=booking_json(1)), httpx.Response(201, json=booking_json(2))
        )
    )
    await create(c, idempotency_key="term-2031-lecture-17")
    await create(c)
    assert c.sent[0].headers["idempotency-key"] == "term-2031-lecture-17"
    assert c.sent[1].headers["idempotency-key"] not in ("", "term-2031-lecture-17")


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (400, "validation_failed", ValidationError),
        (409, "booking_conflict", BookingConflictError),
        (412, "precondition_failed", PreconditionFailedError),
        (422, "rule_violation", RuleViolationError),
    ],
)
async def test_4xx_is_never_retried(offline, status, code, error):
    c = offline(answers(problem(status, code)))
    with pytest.raises(error):
        await create(c)
    assert len(c.sent) == 1


async def test_retries_stop_after_max_retries(offline):
    c = offline(answers(*[problem(503, "service_unavailable")] * 4), max_retries=3)
    with pytest.raises(ServiceUnavailableError):
        await c.me.get()
    assert len(c.sent) == 4
    none = offline(answers(problem(503, "service_unavailable")), max_retries=0)
    with pytest.raises(ServiceUnavailableError):
        await none.me.get()
    assert len(none.sent) == 1


async def test_429_waits_as_long_as_retry_after_says(offline, monkeypatch):
    import compax_sdk._base

    monkeypatch.setattr(compax_sdk._base, "INITIAL_RETRY_DELAY", 30.0)  # not used: header wins
    limited = problem(429, "rate_limited")
    limited.headers["retry-after"] = "0"
    c = offline(answers(limited, httpx.Response(200, json=booking_json())))
    assert (await c.bookings.get(7)).id == 7
    assert len(c.sent) == 2


@pytest.mark.parametrize(
    ("answer", "waited"),
    [
        (lambda: problem(503, "service_unavailable", retry_after=0.25), 0.25),  # the body's
        (lambda: problem(429, "rate_limited", retry_after=60), 60.0),  # the longest waited for
    ],
)
async def test_the_wait_is_what_the_server_says_up_to_a_minute(
    offline, monkeypatch, answer, waited
):
    waits: list[float] = []

    async def wait(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr("compax_sdk._base.time.sleep", waits.append)
    monkeypatch.setattr("compax_sdk._base.asyncio.sleep", wait)
    c = offline(answers(answer(), httpx.Response(200, json=booking_json())))
    assert (await c.bookings.get(7)).id == 7
    assert waits == [waited]


async def test_a_long_retry_after_is_not_waited_for(offline):
    limited = problem(429, "rate_limited")
    limited.headers["retry-after"] = "900"
    c = offline(answers(limited))
    with pytest.raises(RateLimitError) as err:
        await c.me.get()
    assert err.value.retry_after == 900 and len(c.sent) == 1


async def test_connection_errors_are_retried_then_raised(offline):
    refused = httpx.ConnectError("connection refused")
    c = offline(answers(refused, refused, refused))
    with pytest.raises(APIConnectionError) as err:
        await c.me.get()
    assert str(err.value) == "Connection error: connection refused." and len(c.sent) == 3
    assert err.value.request is c.sent[-1]
    silent = offline(answers(*[httpx.ConnectError("")] * 3))
    with pytest.raises(APIConnectionError) as err:
        await silent.me.get()
    assert str(err.value) == "Connection error: ConnectError."  # named when it says nothing
    recovered = offline(answers(refused, httpx.Response(201, json=booking_json())))
    assert (await create(recovered)).id == 7


async def test_timeouts_are_retried_then_an_api_timeout_error(offline):
    slow = httpx.ReadTimeout("timed out")
    c = offline(answers(slow, slow, slow))
    with pytest.raises(APITimeoutError) as err:
        await c.bookings.get(7, timeout=1.5)
    assert len(c.sent) == 3
    assert str(err.value) == "Request timed out." and err.value.request is c.sent[-1]
    assert c.sent[0].extensions["timeout"] == {
        "connect": 1.5,
        "read": 1.5,
        "write": 1.5,
        "pool": 1.5,
    }


async def test_a_cut_connection_is_not_resent_when_that_could_do_it_twice(offline):
    cut = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    c = offline(answers(cut, httpx.Response(200, json={})))
    with pytest.raises(APIConnectionError):
        await c.me.change_password(current_password="x" * 10, new_password="y" * 10)
    assert len(c.sent) == 1  # POST without Idempotency-Key or If-Match: might have happened
    guarded = offline(answers(cut, httpx.Response(200, json=booking_json(version=2))))
    assert (await guarded.bookings.cancel(7, version=1)).version == 2
    assert [r.headers["if-match"] for r in guarded.sent] == ['"1"', '"1"']
    created = offline(answers(cut, httpx.Response(201, json=booking_json())))
    assert (await create(created)).id == 7
    assert len({r.headers["idempotency-key"] for r in created.sent}) == 1


def test_backoff_grows_exponentially_with_jitter():
    for attempt, base in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (10, 8.0)]:
        delays = [retry_delay(attempt) for _ in range(50)]
        assert all(0.75 * base <= d <= base for d in delays)
        assert len(set(delays)) > 1


async def test_headers_sent_with_every_call(offline):
    c = offline(
        answers(httpx.Response(200, json=booking_json())),
        default_headers={"X-Team": "timetable"},
    )
    await c.bookings.get(7, extra_headers={"X-Request-ID": "nightly-42"})
    sent = c.sent[0]
    assert sent.url == "http://testserver/api/v1/bookings/7"
    assert sent.headers["authorization"] == "Bearer cpx_test_key"
    assert sent.headers["user-agent"] == f"compax-sdk-python/{compax_sdk.__version__}"
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["x-team"] == "timetable"
    assert sent.headers["x-request-id"] == "nightly-42"
    assert "idempotency-key" not in sent.headers


async def test_an_authorization_the_caller_sets_is_the_one_sent(offline):
    c = offline(answers(httpx.Response(200, json=booking_json())))
    await c.bookings.get(7, extra_headers={"authorization": "Bearer for-this-call"})
    assert c.sent[0].headers.get_list("authorization") == ["Bearer for-this-call"]


async def test_the_clients_timeout_is_every_requests_unless_a_call_says(offline):
    c = offline(answers(*[httpx.Response(200, json=booking_json())] * 2), timeout=12.5)
    await c.bookings.get(7)
    await c.bookings.get(7, timeout=3)
    assert [r.extensions["timeout"]["read"] for r in c.sent] == [12.5, 3]


async def test_responses_are_read_leniently(offline):
    c = offline(answers(httpx.Response(200, json=booking_json())))
    booking = await c.bookings.get(7)
    assert booking.start == START and booking.start.tzinfo is not None
    assert not hasattr(booking, "a_field_from_a_newer_server")


async def test_bodies_carry_rfc3339_times_and_leave_out_what_was_not_given(offline):
    c = offline(answers(httpx.Response(201, json=booking_json())))
    await create(c)
    assert json.loads(c.sent[0].content) == {
        "room_id": 3,
        "title": "Lecture",
        "start": f"{Y2031}-03-03T09:00:00+00:00",
        "end": f"{Y2031}-03-03T10:00:00+00:00",
    }


async def test_an_answer_that_may_mean_done_is_only_retried_when_safe(offline):
    gateway = offline(answers(problem(502, "bad_gateway"), tokens(expires_in=900)))
    with pytest.raises(InternalServerError):
        await gateway.me.change_password(current_password="x" * 10, new_password="y" * 10)
    assert len(gateway.sent) == 1  # the password may have changed behind the gateway
    busy = offline(answers(problem(503, "service_unavailable"), tokens(expires_in=900)))
    await busy.me.change_password(current_password="x" * 10, new_password="y" * 10)
    assert len(busy.sent) == 2  # 503: the server did not do it
    read = offline(
        answers(problem(504, "gateway_timeout"), httpx.Response(200, json=booking_json()))
    )
    assert (await read.bookings.get(7)).id == 7
    assert len(read.sent) == 2  # a read is safe to repeat


async def test_a_refresh_is_never_resent(offline):
    """A refresh token works once: a refresh the server may have done is not sent again
    (presenting the token twice would end the session)."""
    expired = problem(401, "invalid_token")
    c = offline(
        answers(expired, problem(503, "service_unavailable")),
        access_token="expired",
        refresh_token="once",
    )
    with pytest.raises(ServiceUnavailableError):
        await c.me.get()
    assert [f"{r.method} {r.url.path}" for r in c.sent] == [
        "GET /api/v1/me",
        "POST /api/v1/auth/refresh",
    ]
    assert json.loads(c.sent[1].content) == {"refresh_token": "once"}
    assert "authorization" not in c.sent[1].headers  # the refresh token is the credential


async def test_a_request_that_never_left_is_sent_again_whatever_it_is(offline):
    """A refused connection sent nothing: even a password change goes again."""
    refused = httpx.ConnectError("connection refused")
    c = offline(answers(refused, tokens()))
    await c.me.change_password(current_password="x" * 10, new_password="y" * 10)
    assert [r.url.path for r in c.sent] == ["/api/v1/me/password"] * 2


async def test_a_401_after_a_refresh_is_raised_not_refreshed_again(offline):
    expired = problem(401, "invalid_token")
    c = offline(
        answers(expired, tokens("a1", "r1"), expired), access_token="a0", refresh_token="r0"
    )
    with pytest.raises(AuthenticationError):
        await c.me.get()
    assert [r.url.path for r in c.sent] == ["/api/v1/me", "/api/v1/auth/refresh", "/api/v1/me"]


async def test_a_login_sends_no_credential_and_an_explicit_version_wins(offline):
    """A login presents the email and password alone, even from a client with an API key;
    a version given beside a read object is the one If-Match sends."""
    c = offline(answers(tokens(), httpx.Response(200, json=booking_json(version=6))))
    await c.auth.login("ann@campus.example", "a password 1")
    assert "authorization" not in c.sent[0].headers
    read = Booking.model_validate(booking_json(version=4))
    assert (await c.bookings.cancel(read, version=5)).version == 6
    assert c.sent[1].headers["if-match"] == '"5"'
    assert c.sent[1].headers["authorization"] == "Bearer a"


@pytest.mark.parametrize("ref", [7, "7"])
async def test_an_id_as_a_number_or_as_digits_names_the_same_booking(offline, ref):
    c = offline(answers(httpx.Response(200, json=booking_json(version=2))))
    await c.bookings.cancel(ref, version=1)
    assert (c.sent[0].url.path, c.sent[0].headers["if-match"]) == (
        "/api/v1/bookings/7/cancel",
        '"1"',
    )


async def test_a_password_change_with_an_api_key_leaves_the_client_on_its_key(offline):
    """The answer's token pair continues a session; a client signed in with an API key has
    none, and keeps sending its key."""
    c = offline(answers(tokens(), httpx.Response(200, json=booking_json())))
    await c.me.change_password(current_password="x" * 10, new_password="y" * 10)
    await c.bookings.get(7)
    assert (c.access_token, c.refresh_token) == (None, None)
    assert c.sent[1].headers["authorization"] == "Bearer cpx_test_key"


def test_a_url_the_sdk_cannot_speak_is_not_tried_again():
    class Counting(httpx.HTTPTransport):
        calls = 0

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            Counting.calls += 1
            return super().handle_request(request)

    with Compax(base_url="ftp://compax.example", api_key="k", transport=Counting()) as c:
        with pytest.raises(APIConnectionError, match=r"^Connection error: "):
            c.bookings.get(7)
    assert Counting.calls == 1
