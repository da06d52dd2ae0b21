"""Bad input gets a precise problem+json, never a 500; a 500 leaks nothing."""

from __future__ import annotations

import asyncio
import json
import logging
import re

import pytest
from sanic import exceptions as sanic_exc

from compax_server.api.errors import problem_response
from compax_server.api.middleware import API_CSP, DOCS_CSP
from tests.conftest import bearer
from tests.dates import Y2031

PROBLEM = "application/problem+json"


def assert_problem(r, status, code):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["request_id"] == r.headers["x-request-id"]
    assert body["type"].endswith("/problems/" + code)
    assert body["title"] and body["detail"]
    return body


async def test_unknown_route_is_a_problem(client, database):
    assert_problem(await client.get("/api/v1/nothing-here"), 404, "not_found")


async def test_wrong_method_is_405_with_allow(client, database):
    r = await client.put("/api/v1/auth/token", json={})
    assert_problem(r, 405, "method_not_allowed")
    assert "POST" in r.headers["allow"]


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1,2", b'{"email": "a@b.c", "password": }', b"\xff\xfe"]
)
async def test_malformed_json_is_400(client, database, body):
    r = await client.post(
        "/api/v1/auth/token", content=body, headers={"content-type": "application/json"}
    )
    assert_problem(r, 400, "malformed_body")


async def test_empty_body_is_400(client, database):
    r = await client.post(
        "/api/v1/auth/token", content=b"", headers={"content-type": "application/json"}
    )
    assert_problem(r, 400, "malformed_body")


@pytest.mark.parametrize(
    ("payload", "pointer", "code"),
    [
        ({"email": 5, "password": "x"}, "/email", "string_type"),
        ({"email": "a@b.c", "password": ["x"]}, "/password", "string_type"),
        ({"email": "a@b.c", "password": "x", "extra": 1}, "/extra", "extra_forbidden"),
        ({"email": "a@b.c"}, "/password", "missing"),
        ([1, 2], "", "model_type"),
    ],
)
async def test_wrong_types_missing_and_unknown_fields_name_the_field(
    client, database, payload, pointer, code
):
    r = await client.post("/api/v1/auth/token", json=payload)
    body = assert_problem(r, 400, "validation_failed")
    assert {"pointer": pointer, "code": code, "location": "body"}.items() <= body["errors"][
        0
    ].items()


async def test_numbers_are_not_coerced_from_strings(client, admin, member):
    r = await client.post(
        "/api/v1/api-keys",
        json={"user_id": str(member.pk), "name": "k", "scopes": ["read"]},
        headers=bearer(admin),
    )
    body = assert_problem(r, 400, "validation_failed")
    assert body["errors"][0]["pointer"] == "/user_id"


async def test_naive_datetime_is_400_naming_the_field(client, admin, member):
    r = await client.post(
        "/api/v1/api-keys",
        json={
            "user_id": member.pk,
            "name": "k",
            "scopes": ["read"],
            "expires_at": f"{Y2031}-01-01T10:00:00",
        },
        headers=bearer(admin),
    )
    body = assert_problem(r, 400, "validation_failed")
    assert body["errors"][0]["pointer"] == "/expires_at"
    assert "offset" in body["errors"][0]["detail"]


@pytest.mark.parametrize(
    ("method", "path", "payload", "pointer", "words"),
    [
        (
            "post",
            "/api/v1/users",
            {"email": "Room 101 at campus", "full_name": "A"},
            "/email",
            "is not an email address",
        ),
        (
            "post",
            "/api/v1/buildings",
            {"code": "-main", "name": "Main", "timezone": "Europe/Berlin"},
            "/code",
            "must be 1 to 32 letters, digits, '_', '.' or '-', starting with a letter or digit",
        ),
        (
            "post",
            "/api/v1/features",
            {"code": "Projector", "name": "Projector"},
            "/code",
            "is not a feature code: 1 to 40 lowercase letters, digits, '_' or '-', e.g. projector",
        ),
        (
            "get",
            "/api/v1/bookings?status=pending,booked",
            None,
            "/status",
            "must be one or more of pending, confirmed, rejected, cancelled, released, held, "
            "comma-separated",
        ),
        (
            "get",
            "/api/v1/bookings?room_id=1,,2",
            None,
            "/room_id",
            "must be ids separated by commas (at most 200)",
        ),
    ],
)
async def test_a_value_missing_its_pattern_is_refused_in_words(
    client, admin, method, path, payload, pointer, words
):
    """Not pydantic's "String should match pattern '^[^@\\s]+@…$'": the CLI prints this."""
    r = await client.request(method, path, json=payload, headers=bearer(admin))
    body = assert_problem(r, 400, "validation_failed")
    assert body["errors"][0]["pointer"] == pointer
    assert body["errors"][0]["detail"] == words
    assert body["errors"][0]["code"] == "string_pattern_mismatch"
    assert body["detail"] == f"{pointer[1:]}: {words}"


@pytest.mark.parametrize(
    ("path_id", "code"),
    [
        ("abc", "int_parsing"),
        ("-1", "int_parsing"),
        ("1.5", "int_parsing"),
        ("99999999999", "less_than_equal"),  # more digits than an id has: out of range
        ("0", "greater_than_equal"),  # the codes a query or body number out of range gets
        ("2147483648", "less_than_equal"),  # past the integer column
    ],
)
async def test_bad_path_ids_are_400(client, admin, path_id, code):
    r = await client.get(f"/api/v1/users/{path_id}", headers=bearer(admin))
    body = assert_problem(r, 400, "validation_failed")
    assert body["errors"][0] == {
        **body["errors"][0],
        "location": "path",
        "pointer": "/user_id",
        "code": code,
    }


async def test_non_json_content_type_is_400(client, admin):
    r = await client.patch(
        "/api/v1/me",
        content=b"full_name=x",
        headers={**bearer(admin), "content-type": "text/plain"},
    )
    assert_problem(r, 400, "validation_failed")


async def test_request_id_from_the_proxy_is_echoed_and_a_bad_one_replaced(client, database):
    r = await client.get("/healthz", headers={"X-Request-ID": "proxy-abc.123"})
    assert r.headers["x-request-id"] == "proxy-abc.123"
    r = await client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert r.headers["x-request-id"] != "bad id\nwith newline"
    assert len(r.headers["x-request-id"]) == 32


async def test_an_unexpected_error_is_a_bare_500_and_logged_with_the_request_id(
    client, member, monkeypatch, caplog
):
    failing_me(monkeypatch, RuntimeError("secret internals: password=hunter2"))
    with caplog.at_level(logging.ERROR, logger="compax.errors"):
        r = await client.get("/api/v1/me", headers={**bearer(member), "X-Request-ID": "req-500"})
    body = assert_problem(r, 500, "internal_error")
    assert "hunter2" not in r.text and "Traceback" not in r.text
    assert body["request_id"] == "req-500"
    [record] = [rec for rec in caplog.records if rec.name == "compax.errors"]
    assert record.getMessage() == "unhandled error in GET /api/v1/me [request_id=req-500]"
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


async def test_an_error_the_renderer_cannot_render_is_still_a_500_problem(
    client, member, monkeypatch, caplog
):
    """The last net: rendering the error failed too (a bug in the renderer). The client still
    gets a problem with its request id, and the log names the error being rendered."""
    from compax_server import app as app_module

    def broken_renderer(request, exc):
        raise KeyError("renderer bug")

    failing_me(monkeypatch, RuntimeError("the first fault"))
    monkeypatch.setattr(app_module, "render_error", broken_renderer)
    with caplog.at_level(logging.ERROR, logger="compax.app"):
        r = await client.get("/api/v1/me", headers={**bearer(member), "X-Request-ID": "r-net"})
    body = assert_problem(r, 500, "internal_error")
    assert (body["type"], body["detail"], body["request_id"]) == (
        "/problems/internal_error",
        "Something went wrong on our side.",
        "r-net",
    )
    [record] = [rec for rec in caplog.records if rec.name == "compax.app"]
    assert record.getMessage() == "rendering RuntimeError('the first fault') failed"
    assert record.exc_info is not None and record.exc_info[0] is KeyError


async def test_security_headers_are_set(client, database):
    r = await client.get("/healthz")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in r.headers["content-security-policy"]


async def test_forwarded_headers_count_only_from_trusted_proxies(database, settings, caplog):
    """The login rate limit keys on the client address: a client must not pick its own.
    Behind a trusted proxy the client is the right-most untrusted address of
    ``X-Forwarded-For`` (the access log names it too), and the first scheme and host the
    proxy names are the ones links (here a problem's type) are made of."""
    import httpx

    from compax_server.app import create_app

    async def seen_by_app(peer: str, trusted: str, **forwarded: str) -> tuple[str, ...]:
        app = create_app(settings.model_copy(update={"trusted_proxies": trusted}), manage_db=False)
        # create_app sets up compax's logging afresh, dropping the handler caplog had put there
        logging.getLogger("compax").addHandler(caplog.handler)
        app.asgi = True
        app.config.TOUCHUP = False
        seen: dict[str, str] = {}

        @app.on_response
        async def capture(request, response):
            seen["client"], seen["scheme"] = request.ctx.client, request.ctx.scheme

        await app._startup()
        await app._server_event("init", "before")
        transport = httpx.ASGITransport(app=app, client=(peer, 1234))
        headers = {f"X-Forwarded-{k.title()}": v for k, v in forwarded.items()}
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="compax.access"):
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                r = await c.get("/api/v1/nothing-here", headers=headers)
        await app._server_event("shutdown", "before")
        [logged] = [rec for rec in caplog.records if rec.name == "compax.access"]
        assert logged.client == seen["client"]
        return seen["client"], seen["scheme"], r.json()["type"]

    untrusted = ("http", "http://t/problems/not_found")
    proxied = ("https", "https://rooms.example/problems/not_found")
    to_us = {"proto": "https, http", "host": "rooms.example, t"}
    cases = [
        (("10.0.0.5", "", {"for": "1.2.3.4"} | to_us), ("10.0.0.5", *untrusted)),
        (("10.0.0.5", "10.0.0.0/8", {"for": "6.6.6.6, 1.2.3.4"} | to_us), ("1.2.3.4", *proxied)),
        (("10.0.0.5", "10.0.0.0/8", {"for": "1.2.3.4, 10.0.0.9"} | to_us), ("1.2.3.4", *proxied)),
        (("10.0.0.5", "10.0.0.0/8", {"for": " , 1.2.3.4 ,, "} | to_us), ("1.2.3.4", *proxied)),
        (("10.0.0.5", "10.0.0.0/8", {"for": "10.0.0.7, 10.0.0.9"}), ("10.0.0.7", *untrusted)),
        (("10.0.0.5", "10.0.0.0/8", {}), ("10.0.0.5", *untrusted)),
        (("192.0.2.1", "10.0.0.0/8", {"for": "1.2.3.4"} | to_us), ("192.0.2.1", *untrusted)),
        # A peer without an address one can read (a socket file) is no trusted proxy.
        (("not-an-ip", "10.0.0.0/8", {"for": "1.2.3.4"} | to_us), ("not-an-ip", *untrusted)),
    ]
    for (peer, trusted, forwarded), expected in cases:
        assert await seen_by_app(peer, trusted, **forwarded) == expected, (peer, forwarded)


# -- every kind of error in its words (the thirty-fourth mutation pass) -----------------------

INTERNAL = "Something went wrong on our side. Report the request id to the administrators."
DATABASE_AWAY = "The database does not answer right now; retry in a moment."


def failing_me(monkeypatch, exc: BaseException) -> None:
    """``GET /api/v1/me`` raises ``exc``, as a fault anywhere under a route would."""
    from compax_server.services import users

    async def broken(actor):
        raise exc

    monkeypatch.setattr(users, "get_me", broken)


@pytest.mark.parametrize(
    ("raised", "status", "code", "title", "detail"),
    [
        (
            sanic_exc.RequestTimeout("Request Timeout"),
            408,
            "request_timeout",
            "Request timeout",
            "Request Timeout",
        ),
        (
            sanic_exc.PayloadTooLarge("Request body exceeds the size limit"),
            413,
            "payload_too_large",
            "The request body is too large",
            "Request body exceeds the size limit",
        ),
        (  # Sanic says 413 for the headers too; RFC 6585 has 431 for them
            sanic_exc.PayloadTooLarge("Request header exceeds the size limit"),
            431,
            "header_too_large",
            "The request headers are too large",
            "The request line and headers are longer than the server takes (8192 bytes).",
        ),
        (sanic_exc.InvalidHeader("Bad header"), 400, "bad_request", "Bad request", "Bad header"),
        (sanic_exc.HeaderNotFound("No Host"), 400, "bad_request", "Bad request", "No Host"),
        (sanic_exc.BadRequest(""), 400, "bad_request", "Bad request", "Bad request."),
        (
            sanic_exc.SanicException("odd request", status_code=400),
            400,
            "bad_request",
            "Bad request",
            "odd request",
        ),
        (
            sanic_exc.SanicException("I'm a teapot", status_code=418),
            418,
            "bad_request",
            "Bad request",
            "I'm a teapot",
        ),
        (
            sanic_exc.SanicException("", status_code=429),
            429,
            "bad_request",
            "Bad request",
            "Bad request.",
        ),
        (
            sanic_exc.SanicException("upstream said no", status_code=502),
            500,
            "internal_error",
            "Internal error",
            INTERNAL,
        ),
        (
            sanic_exc.SanicException("a 5xx", status_code=500),
            500,
            "internal_error",
            "Internal error",
            INTERNAL,
        ),
    ],
)
async def test_each_kind_of_error_has_its_status_code_and_words(
    client, member, monkeypatch, raised, status, code, title, detail
):
    failing_me(monkeypatch, raised)
    r = await client.get("/api/v1/me", headers=bearer(member))
    body = assert_problem(r, status, code)
    assert (body["title"], body["detail"]) == (title, detail)
    assert body["type"] == f"http://testserver/problems/{code}"
    assert set(body) == {"type", "title", "status", "detail", "code", "request_id"}
    assert "retry-after" not in r.headers and "www-authenticate" not in r.headers


async def test_a_database_that_does_not_answer_is_a_503_to_retry(
    client, member, monkeypatch, caplog
):
    failing_me(monkeypatch, ConnectionRefusedError("no"))
    with caplog.at_level(logging.WARNING, logger="compax.errors"):
        r = await client.get("/api/v1/me", headers={**bearer(member), "X-Request-ID": "r-503"})
    body = assert_problem(r, 503, "service_unavailable")
    assert (body["title"], body["detail"]) == ("Service unavailable", DATABASE_AWAY)
    assert r.headers["retry-after"] == "2"
    assert [rec.getMessage() for rec in caplog.records if rec.name == "compax.errors"] == [
        "database unavailable in GET /api/v1/me [request_id=r-503]: ConnectionRefusedError('no')"
    ]


async def test_a_response_timeout_says_the_limit_and_that_the_work_may_finish(
    client, member, monkeypatch, caplog, settings
):
    failing_me(monkeypatch, sanic_exc.ServiceUnavailable("Response Timeout"))
    with caplog.at_level(logging.WARNING, logger="compax.errors"):
        r = await client.get("/api/v1/me", headers={**bearer(member), "X-Request-ID": "r-slow"})
    body = assert_problem(r, 503, "service_unavailable")
    assert (body["title"], body["detail"]) == (
        "Service unavailable",
        f"The request took longer than the server allows ({settings.response_timeout:g} s). "
        "Its work may still finish: look at the result before sending it again (or retry "
        "with the same Idempotency-Key).",
    )
    assert "retry-after" not in r.headers
    assert [rec.getMessage() for rec in caplog.records if rec.name == "compax.errors"] == [
        "response timeout in GET /api/v1/me [request_id=r-slow]"
    ]


async def test_unknown_routes_and_methods_are_named_in_words(client, database):
    r = await client.get("/api/v1/nothing-here")
    assert assert_problem(r, 404, "not_found")["detail"] == (
        "There is nothing at /api/v1/nothing-here."
    )
    assert r.json()["title"] == "Not found"
    r = await client.delete("/api/v1/me")
    body = assert_problem(r, 405, "method_not_allowed")
    assert (body["title"], body["detail"]) == (
        "Method not allowed",
        "DELETE is not allowed here; allowed: GET, PATCH.",
    )
    assert r.headers["allow"] == "GET, PATCH"


async def test_a_wrong_method_with_a_trailing_slash_still_names_the_allowed_ones(client, database):
    """Sanic retries ``/rooms/1/`` as ``/rooms/1`` and, when the method is wrong there too,
    raises its 405 again without the methods: the server looks them up itself."""
    for method, path, allowed in [
        ("PUT", "/api/v1/rooms/1/", "DELETE, GET, PATCH"),
        ("POST", "/api/v1/bookings/5/", "GET, PATCH"),
        ("PATCH", "/api/v1/buildings/1/closures/", "GET, POST"),
        ("POST", "/api/v1/rules/room/1/", "DELETE, PATCH, PUT"),
    ]:
        r = await client.request(method, path)
        body = assert_problem(r, 405, "method_not_allowed")
        assert body["detail"] == f"{method} is not allowed here; allowed: {allowed}."
        assert r.headers["allow"] == allowed


async def test_a_problem_type_is_under_the_public_url_when_one_is_set(client, app, member):
    app.ctx.settings = app.ctx.settings.model_copy(update={"public_url": "https://rooms.example"})
    r = await client.get("/api/v1/users/0", headers=bearer(member))
    assert r.json()["type"] == "https://rooms.example/problems/validation_failed"


def test_a_problem_keeps_its_own_members_and_drops_empty_ones():
    r = problem_response(
        409,
        "conflict",
        "Conflict",
        "It clashes.",
        "rid",
        headers={"Retry-After": "3"},
        extra={"status": 200, "code": "ok", "detail": "x", "rule": None, "booking_id": 7},
        base="https://rooms.example",
    )
    assert (r.status, r.content_type, r.headers["Retry-After"]) == (
        409,
        "application/problem+json",
        "3",
    )
    assert json.loads(r.body) == {
        "type": "https://rooms.example/problems/conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "It clashes.",
        "code": "conflict",
        "request_id": "rid",
        "booking_id": 7,
    }


# -- what every answer carries (middleware) --------------------------------------------------


async def test_every_answer_has_its_security_headers_and_the_docs_their_own_policy(
    client, database
):
    api = await client.get("/api/v1/nothing-here")
    health = await client.get("/healthz")
    docs = await client.get("/docs")
    for r in (api, health, docs):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["cross-origin-opener-policy"] == "same-origin"
    assert api.headers["content-security-policy"] == API_CSP
    assert health.headers["content-security-policy"] == API_CSP
    assert docs.headers["content-security-policy"] == DOCS_CSP
    # The OAuth2 redirect page under /docs/ runs its inline script under the docs' policy.
    redirect = await client.get("/docs/assets/oauth2-redirect.html")
    assert redirect.status_code == 200
    assert redirect.headers["content-security-policy"] == DOCS_CSP
    assert api.headers["cache-control"] == "no-store"
    assert health.headers.get("cache-control") != "no-store"


async def test_a_request_without_an_id_gets_a_new_one_each_time(client, database):
    ids = {(await client.get("/healthz")).headers["x-request-id"] for _ in range(2)}
    assert len(ids) == 2 and all(re.fullmatch("[0-9a-f]{32}", i) for i in ids), ids


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("a" * 128, True),
        ("a" * 129, False),
        ("Az09._:-", True),
        ("", False),
        ("a/b", False),
        ("a b", False),
    ],
)
async def test_a_request_id_from_the_proxy_is_kept_only_when_sane(client, database, given, kept):
    r = await client.get("/healthz", headers={"X-Request-ID": given})
    if kept:
        assert r.headers["x-request-id"] == given
    else:
        assert re.fullmatch("[0-9a-f]{32}", r.headers["x-request-id"])


async def test_the_access_log_says_who_asked_what_and_how_long_it_took(
    client, member, caplog, monkeypatch
):
    """The duration is read from a controlled clock: 123.456 ms between the request's start
    and its answer is logged as 123.46 ms. An anonymous request names no user."""
    from compax_server.api import middleware

    class Clock:
        readings = iter([10.0, 10.123456, 20.0, 20.001])

        @classmethod
        def perf_counter(cls) -> float:
            return next(cls.readings)

    monkeypatch.setattr(middleware, "time", Clock)
    with caplog.at_level(logging.INFO, logger="compax.access"):
        await client.get("/api/v1/me", headers={**bearer(member), "X-Request-ID": "r-log"})
        await client.get("/healthz", headers={"X-Request-ID": "r-anon"})
    me, anonymous = [rec for rec in caplog.records if rec.name == "compax.access"]
    fields = ("method", "path", "status", "duration_ms", "request_id", "user_id", "client")
    assert {k: getattr(me, k) for k in fields} == {
        "method": "GET",
        "path": "/api/v1/me",
        "status": 200,
        "duration_ms": 123.46,
        "request_id": "r-log",
        "user_id": member.pk,
        "client": "10.0.0.1",
    }
    assert me.getMessage() == f"GET /api/v1/me 200 123.46ms request_id=r-log user_id={member.pk}"
    assert anonymous.getMessage() == "GET /healthz 200 1.0ms request_id=r-anon user_id=None"


async def test_a_request_without_a_host_gets_a_relative_problem_type(client, database):
    """An HTTP/1.0 client may send no ``Host``: no base to name, so the type is relative
    (not ``http:///problems/...``)."""
    r = await client.get("/api/v1/nothing-here", headers={"Host": ""})
    assert assert_problem(r, 404, "not_found")["type"] == "/problems/not_found"


# -- a client that leaves -------------------------------------------------------------------


async def left_mid_request(client, member, monkeypatch, failure: Exception | None) -> list:
    """``GET /api/v1/me`` whose work waits until its client has left, then ends (raising
    ``failure`` if given); returns once the server has taken note of how it ended (its
    done-callback, wrapped to say so). Returns the users the work read."""
    from compax_server.api import endpoint
    from compax_server.services import users

    real, started, gate, noted = users.get_me, asyncio.Event(), asyncio.Event(), asyncio.Event()
    finished = []

    async def slow(actor):
        started.set()
        await gate.wait()
        finished.append(await real(actor))
        if failure is not None:
            raise failure
        return finished[-1]

    real_abandoned = endpoint._abandoned

    def abandoned(work):
        real_abandoned(work)
        noted.set()

    monkeypatch.setattr(users, "get_me", slow)
    monkeypatch.setattr(endpoint, "_abandoned", abandoned)
    asking = asyncio.ensure_future(client.get("/api/v1/me", headers=bearer(member)))
    await started.wait()
    asking.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asking
    gate.set()
    await asyncio.wait_for(noted.wait(), 30)
    return finished


async def test_the_work_of_a_client_that_left_finishes_and_a_failure_is_logged(
    client, member, monkeypatch, caplog
):
    """Cancelling database work half-way could leave a transaction open, so a request's work
    runs to its end even when the client leaves; if it then fails, the log says so."""
    with caplog.at_level(logging.INFO, logger="compax.api"):
        failure = RuntimeError("after the client left")
        finished = await left_mid_request(client, member, monkeypatch, failure)
    assert [user.pk for user in finished] == [member.pk]
    assert [r.getMessage() for r in caplog.records if r.name == "compax.api"] == [
        "work for a disconnected client failed: RuntimeError('after the client left')"
    ]


async def test_the_work_of_a_client_that_left_that_succeeds_logs_nothing(
    client, member, monkeypatch, caplog
):
    """Only a failure is news: work that finishes well after its client left is not
    logged."""
    with caplog.at_level(logging.INFO, logger="compax.api"):
        finished = await left_mid_request(client, member, monkeypatch, None)
    assert [user.pk for user in finished] == [member.pk]
    assert [r.getMessage() for r in caplog.records if r.name == "compax.api"] == []
