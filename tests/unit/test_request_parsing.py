"""The request parser's edges, word for word (``api/parsing.py``, ``api/etags.py``): what a
person reading the CLI's error sees for a bad path, a bad query and a bad body, and the gzip
limit at its exact edge. Written to kill the mutants the thirty-third pass found alive
(docs/testing.md)."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from compax_server.api.parsing import gunzip
from compax_server.errors import MalformedBody, PayloadTooLarge
from tests.conftest import bearer, refused_field

USERS = "/api/v1/users"
NUL = "must not contain NUL characters (U+0000)"
CONTROL = (
    "must not contain control characters (U+0001 to U+001F but tab and line breaks, "
    "U+007F to U+009F)"
)


async def post_raw(client, user, content: bytes, content_type: str):
    """``content`` posted as it is, as a new feature, under ``content_type``."""
    headers = bearer(user) | {"Content-Type": content_type}
    return await client.post("/api/v1/features", content=content, headers=headers)


@pytest.mark.parametrize(
    ("path_id", "detail", "code"),
    [
        ("abc", "must be a positive integer", "int_parsing"),
        ("0", "must be between 1 and 2147483647", "greater_than_equal"),
        ("2147483648", "must be between 1 and 2147483647", "less_than_equal"),
        ("9" * 30, "must be between 1 and 2147483647", "less_than_equal"),
        ("00000000000000000007", "", ""),  # leading zeros: the id 7, not found
        ("²", "must be a positive integer", "int_parsing"),  # a digit to str.isdigit
        ("٣", "must be a positive integer", "int_parsing"),
    ],
)
async def test_a_path_id_is_refused_in_words(client, admin, path_id, detail, code):
    r = await client.get(f"{USERS}/{path_id}", headers=bearer(admin))
    if not detail:
        assert r.status_code == 404, r.text
        return
    refused_field(r, "/user_id", detail, code, location="path")
    assert r.json()["detail"] == f"user_id: {detail}"


async def test_the_largest_and_the_smallest_path_id_are_ids(client, admin):
    """The edges of the integer column are ids like any other: 404 when there is none."""
    for path_id in ("2147483647", "1"):
        r = await client.get(f"/api/v1/bookings/{path_id}", headers=bearer(admin))
        assert r.status_code == 404, r.text


async def test_a_path_word_is_one_of_its_words(client, staff, room):
    """``/rules/<scope>/<id>`` takes ``building`` or ``room``; any other word, ``global``
    included (its rules have a path of their own), is a 400 and writes nothing."""
    rule, h = {"max_bookings_per_week": 3}, bearer(staff)
    ok = await client.put(f"/api/v1/rules/room/{room.pk}", json=rule, headers=h)
    assert ok.status_code == 200, ok.text
    for word in ("floor", "global"):
        for method in ("PUT", "DELETE"):
            r = await client.request(
                method, f"/api/v1/rules/{word}/{room.pk}", json=rule, headers=h
            )
            refused_field(r, "/scope", "one of building, room", "enum", location="path")
    scopes = [r["scope"] for r in (await client.get("/api/v1/rules", headers=h)).json()["data"]]
    assert "global" not in scopes


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (
            "limit=1&limit=2",
            {"pointer": "/limit", "detail": "is given more than once", "code": "repeated"},
        ),
        (
            "limit=",
            {
                "pointer": "/limit",
                "detail": "Input should be a valid integer, unable to parse string as an integer",
                "code": "int_parsing",
            },
        ),
        (
            "nope=1",
            {"pointer": "/nope", "detail": "is not a known field", "code": "extra_forbidden"},
        ),
        (
            "li%00mit=1",
            {
                "pointer": "/li\x00mit",
                "detail": NUL,
                "code": "nul",
            },
        ),
    ],
)
async def test_a_query_is_refused_in_words(client, admin, query, error):
    """A parameter given twice is refused, not read as its first; a blank one is a value (a
    blank limit is not the default); unknown names and NUL characters are refused."""
    r = await client.get(f"{USERS}?{query}", headers=bearer(admin))
    refused_field(r, **error, location="query")


async def test_a_time_without_offset_is_refused_with_an_example(client, admin):
    r = await client.get("/api/v1/bookings?from=2031-03-03T09:00:00", headers=bearer(admin))
    refused_field(
        r,
        "/from",
        "needs a UTC offset (RFC 3339), e.g. 2027-03-01T09:00:00+01:00",
        "timezone_aware",
        location="query",
    )


@pytest.mark.parametrize("number", ["0.5", "1700000000", "-3", " 12. "])
async def test_a_time_written_as_a_number_is_refused_in_words(client, member, number):
    """Lax parsing would read ``?to=1700000000`` as a Unix timestamp; the API's times are
    RFC 3339 only (and the words are ours, without pydantic's "Value error, ")."""
    r = await client.get("/api/v1/bookings", params={"to": number}, headers=bearer(member))
    words = "must be an RFC 3339 date-time (or a YYYY-MM-DD date), not a number"
    refused_field(r, "/to", words, "value_error", location="query")


async def test_an_integer_may_have_a_zero_fraction_as_json_schema_allows(client, admin, building):
    """30.0 is an integer in JSON Schema (and what some JSON writers send for 30): taken as
    30; 30.5 is not one."""
    room = {"code": "R-30", "name": "Thirty", "building_id": building.pk, "capacity": 30.0}
    made = await client.post("/api/v1/rooms", json=room, headers=bearer(admin))
    assert made.status_code == 201, made.text
    assert '"capacity":30,' in made.text
    half = await client.post(
        "/api/v1/rooms", json=room | {"code": "R-31", "capacity": 30.5}, headers=bearer(admin)
    )
    refused_field(half, "/capacity", "Input should be a valid integer", "int_type")


async def test_the_summary_names_five_errors_and_counts_the_rest(client, admin):
    """Seven unknown fields, one of them needing JSON pointer escapes (``~`` and ``/``)."""
    body = {"code": "c1", "name": "N"} | {f"X{n}": 1 for n in range(6)} | {"a/b~c": 1}
    r = await client.post("/api/v1/features", json=body, headers=bearer(admin))
    assert r.status_code == 400, r.text
    problem = r.json()
    pointers = [e["pointer"] for e in problem["errors"]]
    assert pointers == [f"/X{n}" for n in range(6)] + ["/a~1b~0c"]
    assert problem["error_count"] == 7
    assert problem["detail"] == (
        "; ".join(f"X{n}: is not a known field" for n in range(5)) + " (and 2 more)"
    )


async def test_a_body_that_is_no_object_is_named_as_the_body(client, admin):
    r = await client.post("/api/v1/features", json=[1, 2], headers=bearer(admin))
    refused_field(r, "", "Input should be an object", "model_type")
    assert r.json()["detail"] == "body: Input should be an object"


@pytest.mark.parametrize(
    ("content", "pointer"),
    [
        (b'{"code": "c", "name": "Exam\\u001b[2J"}', "/name"),  # an escape sequence
        (b'{"code": "c", "name": "bell\\u0007"}', "/name"),
        (b'{"code": "c", "name": "delete\x7f"}', "/name"),  # DEL as its byte
        (b'{"code": "c", "name": "csi \xc2\x9b"}', "/name"),  # U+009B as its UTF-8 bytes
        (b'{"code": "c", "name": "csi \\u009b"}', "/name"),
        (b'{"code": "c", "name": "n", "x\\u0001": 1}', "/x\x01"),  # a key
        (b'{"code": "c", "name": "n", "tags": ["a", "b\\u001f"]}', "/tags/1"),
        (b'"\\u0080"', ""),
    ],
)
async def test_a_control_character_anywhere_in_a_body_is_named(client, admin, content, pointer):
    """A title with an escape sequence would be obeyed by the terminal of whoever lists it
    (staff's CLI): refused at the door, as a NUL is, wherever it is."""
    r = await post_raw(client, admin, content, "application/json")
    refused_field(r, pointer, CONTROL, "control")
    assert r.json()["error_count"] == 1


async def test_tabs_line_breaks_and_any_other_character_are_text(client, admin):
    name = "Tab\there, line\r\nbreaks, caf\u00e9, \u05e9\u05dc\u05d5\u05dd, \\u001b as text"
    r = await client.post(
        "/api/v1/features", json={"code": "text-ok", "name": name}, headers=bearer(admin)
    )
    assert r.status_code == 201, r.text
    assert r.json()["name"] == name


async def test_a_control_character_in_a_query_or_a_form_is_named(client, admin, database):
    r = await client.get(f"{USERS}?q=a%1B%5B2J", headers=bearer(admin))
    refused_field(r, "/q", CONTROL, "control", location="query")
    r = await client.post("/api/v1/auth/token", data={"username": "a@b.c", "password": "p\x1b"})
    refused_field(r, "/password", CONTROL, "control")


async def test_a_nul_in_a_body_key_is_named(client, admin):
    r = await client.post(
        "/api/v1/features", json={"code": "c", "name": "n", "na\x00me": 1}, headers=bearer(admin)
    )
    refused_field(r, "/na\x00me", NUL, "nul")
    assert r.json()["error_count"] == 1


def test_gzip_inflates_to_exactly_its_limit_and_not_a_byte_more():
    assert gunzip(gzip.compress(b"x" * 1000), 1000) == b"x" * 1000
    for size in (1001, 5000):
        with pytest.raises(PayloadTooLarge) as refused:
            gunzip(gzip.compress(b"x" * size), 1000)
        assert (
            refused.value.detail == "The inflated body is larger than 1000 bytes, the limit here."
        )


@pytest.mark.parametrize("raw", [b"not gzip", zlib.compress(b"{}")])
def test_a_body_that_is_not_gzip_is_malformed(raw):
    """zlib's own format is not gzip either."""
    with pytest.raises(MalformedBody) as refused:
        gunzip(raw, 1000)
    assert refused.value.detail == "The body says Content-Encoding: gzip but is not gzip."


def test_a_gzip_bomb_is_refused_without_inflating_it():
    """20 MB of zeros in 20 KB: refused after inflating past the limit, never whole (the
    memory it takes is a measure, not a time)."""
    bomb = gzip.compress(bytes(20 * 1024 * 1024))
    tracemalloc.start()
    try:
        with pytest.raises(PayloadTooLarge):
            gunzip(bomb, 1000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024, peak


async def test_a_flood_of_unknown_fields_is_refused_listing_the_first_20(client, admin):
    """25 unknown names: refused before the model reads the body, 20 named, 25 counted."""
    body = {f"x{n}": 1 for n in range(25)}
    r = await client.post("/api/v1/features", json=body, headers=bearer(admin))
    assert r.status_code == 400, r.text
    problem = r.json()
    assert [e["pointer"] for e in problem["errors"]] == [f"/x{n}" for n in range(20)]
    assert problem["error_count"] == 25
    assert problem["detail"].endswith(" (and 20 more)")


async def test_unknown_fields_are_counted_inside_lists_and_nested_objects(client, staff):
    """An import of 15 items, each with an unknown name of its own and one in its recurrence
    (and missing what it needs): the 30 unknown names are counted, the first 20 named in
    body order, before the model would report every missing field too."""
    items = [{"x": 1, "recurrence": {"y": 1}}] * 15
    r = await client.post(
        "/api/v1/imports/", json={"source": "s", "items": items}, headers=bearer(staff)
    )
    assert r.status_code == 400, r.text
    problem = r.json()
    named = [f"/items/{i}/{key}" for i in range(10) for key in ("x", "recurrence/y")]
    assert [e["pointer"] for e in problem["errors"]] == named
    assert {e["code"] for e in problem["errors"]} == {"extra_forbidden"}
    assert problem["error_count"] == 30


async def test_items_that_are_not_objects_are_the_model_s_to_refuse(client, staff):
    r = await client.post(
        "/api/v1/imports/", json={"source": "s", "items": [1] * 25}, headers=bearer(staff)
    )
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0] == {
        "location": "body",
        "pointer": "/items/0",
        "detail": r.json()["errors"][0]["detail"],
        "code": "model_type",
    }


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "APPLICATION/JSON", "application/merge-patch+json", ""],
)
async def test_a_json_body_is_read_under_each_json_media_type(client, admin, content_type):
    """Parameters, case, a ``+json`` suffix, or no Content-Type at all: read as JSON."""
    r = await post_raw(client, admin, b'{"code": "lift", "name": "Step-free"}', content_type)
    assert r.status_code == 201, r.text


async def test_an_empty_body_is_asked_for_and_a_gzip_one_read_whatever_the_case(client, admin):
    json_type = {"Content-Type": "application/json"}
    r = await client.post("/api/v1/features", headers=bearer(admin) | json_type)
    assert (r.status_code, r.json()["detail"]) == (400, "The request needs a JSON body."), r.text
    r = await client.post(
        "/api/v1/features",
        content=gzip.compress(b'{"code": "lift", "name": "Step-free"}'),
        headers=bearer(admin) | {"Content-Type": "application/json", "Content-Encoding": "GZIP"},
    )
    assert r.status_code == 201, r.text


async def test_a_body_of_exactly_the_size_limit_is_read(client, admin, settings):
    """The limit is the largest body taken (2 MB here), not the first refused."""
    limit = settings.request_max_size
    head, tail = b'{"code": "lift", "name": "', b'"}'
    body = head + b"n" * (limit - len(head) - len(tail)) + tail
    h = bearer(admin) | {"Content-Type": "application/json"}
    r = await client.post("/api/v1/features", content=body, headers=h)
    assert r.status_code == 400 and r.json()["errors"][0]["pointer"] == "/name", r.text
    r = await client.post("/api/v1/features", content=body + b" ", headers=h)
    assert r.status_code == 413, r.text
    assert r.json()["detail"] == f"The body is larger than {limit} bytes, the limit here."


@pytest.mark.parametrize(
    ("form", "pointer", "detail", "code"),
    [
        ({"username": "a@b.c", "password": "pass\x00word"}, "/password", NUL, "nul"),
        ({"user\x00name": "a@b.c", "password": "x"}, "/user\x00name", NUL, "nul"),
        (
            {"username": ["a@b.c", "c@d.e"], "password": "x"},
            "/username",
            "Input should be a valid string",
            "string_type",
        ),
    ],
)
async def test_a_login_form_is_refused_field_by_field(
    client, database, form, pointer, detail, code
):
    """The OAuth2 password form: a NUL in a name or a value is named; a field given twice is
    a list, which is no email."""
    r = await client.post("/api/v1/auth/token", data=form)
    refused_field(r, pointer, detail, code)


async def test_twenty_unknown_fields_are_the_model_s_to_report_with_the_rest(client, admin):
    """At 20 unknown names (not more) the model reads the body and reports every error:
    the 20 and the two required fields missing."""
    body = {f"x{n}": 1 for n in range(20)}
    r = await client.post("/api/v1/features", json=body, headers=bearer(admin))
    assert r.status_code == 400, r.text
    assert r.json()["error_count"] == 22
    assert {"missing", "extra_forbidden"} <= {e["code"] for e in r.json()["errors"]}


@pytest.mark.parametrize(
    ("content", "content_type", "error", "detail"),
    [
        (
            b"code=lift",
            "text/plain",
            {
                "location": "header",
                "pointer": "/Content-Type",
                "detail": "must be application/json",
                "code": "content_type",
            },
            "The body must be JSON (Content-Type: application/json), not text/plain.",
        ),
        (
            b'"a\\u0000b"',
            "application/json",
            {
                "location": "body",
                "pointer": "",
                "detail": NUL,
                "code": "nul",
            },
            f"body: {NUL}",
        ),
    ],
)
async def test_a_body_of_another_type_or_one_string_with_a_nul_is_refused_in_words(
    client, admin, content, content_type, error, detail
):
    """Not JSON: the header is named. One JSON string with a NUL: the body is."""
    r = await post_raw(client, admin, content, content_type)
    refused_field(r, **error)
    assert r.json()["detail"] == detail
