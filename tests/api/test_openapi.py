"""The OpenAPI document covers every endpoint; the docs page works offline."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

import compax_server
from compax_server import errors
from compax_server.api import ROUTERS
from compax_server.api.openapi import build_openapi
from compax_server.api.problem_pages import DOC_PATH, markdown
from compax_server.api.problems import CODES, PROBLEMS
from compax_server.api.schemas import PATTERN_WORDS, Problem
from compax_server.settings import Settings
from tests.conftest import test_settings as settings_for

DOC = build_openapi(ROUTERS)
SERVER = Path(compax_server.__file__).parent


async def test_every_route_is_in_the_spec_with_schemas(client, app):
    spec = (await client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    for route in app.router.routes:
        path = "/" + route.path if not route.path.startswith("/") else route.path
        # pages, not the API: the docs, the problem pages, the room display (its state and
        # check-in belong to the page; tests/checkin/test_displays_api.py covers them), the
        # page of a waitlist offer's email link (tests/waitlist/test_waitlist_email.py)
        if path.startswith(("/docs", "/openapi.json", "/problems", "/display", "/waitlist/")):
            continue
        path = re.sub(r"<(\w+)(:[^>]*)?>", r"{\1}", path)
        for method in route.methods:
            assert (path, method) in documented, f"{method} {path} missing from /openapi.json"


async def test_request_bodies_and_responses_reference_schemas_with_required_fields(client, app):
    spec = (await client.get("/openapi.json")).json()
    schemas = spec["components"]["schemas"]
    login = spec["paths"]["/api/v1/auth/token"]["post"]
    ref = login["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schemas[ref.rsplit("/", 1)[1]]
    assert set(body["required"]) == {"email", "password"}
    assert body["additionalProperties"] is False
    assert list(login["requestBody"]["content"]) == ["application/json"]
    assert "application/x-www-form-urlencoded" in login["requestBody"]["description"]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert op["responses"], f"{method} {path}"
            for status, response in op["responses"].items():
                for content in response.get("content", {}).values():
                    target = content["schema"].get("$ref")
                    if target:
                        assert target.rsplit("/", 1)[1] in schemas, (path, status, target)


async def test_the_docs_page_loads_its_assets_from_this_server(client, database):
    page = await client.get("/docs")
    assert page.status_code == 200
    assert "https://" not in page.text and "http://" not in page.text.replace("window.location", "")
    for asset in re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', page.text):
        r = await client.get(asset)
        assert r.status_code == 200, asset
        assert len(r.content) > 100


async def test_the_spec_has_the_oauth2_password_flow_for_authorize(client, database):
    spec = (await client.get("/openapi.json")).json()
    flows = spec["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["password"]["tokenUrl"] == "/api/v1/auth/token"


# -- a document generators can use -----------------------------------------------------------


def test_the_document_validates():
    validate(DOC)


def test_tags_are_declared_once():
    names = [t["name"] for t in DOC["tags"]]
    assert len(names) == len(set(names))
    used = {tag for item in DOC["paths"].values() for op in item.values() for tag in op["tags"]}
    assert used <= set(names)


# Every keyword JSON Schema 2020-12 and OpenAPI 3.1 define for a schema object.
SCHEMA_KEYWORDS = frozenset(
    [
        "$ref",
        "$defs",
        "$schema",
        "$id",
        "$comment",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "$vocabulary",
        "type",
        "enum",
        "const",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxContains",
        "minContains",
        "maxProperties",
        "minProperties",
        "required",
        "dependentRequired",
        "properties",
        "patternProperties",
        "additionalProperties",
        "propertyNames",
        "items",
        "prefixItems",
        "contains",
        "unevaluatedItems",
        "unevaluatedProperties",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "dependentSchemas",
        "format",
        "title",
        "description",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "examples",
        "contentEncoding",
        "contentMediaType",
        "contentSchema",
        "discriminator",
        "xml",
        "externalDocs",
        "example",
    ]
)
DATA = {"enum", "const", "default", "examples", "example", "required", "dependentRequired"}
NAMED = {"properties", "$defs", "patternProperties", "dependentSchemas"}


def _unknown_keywords(schema: Any, where: str) -> list[str]:
    if isinstance(schema, list):
        return [k for i, s in enumerate(schema) for k in _unknown_keywords(s, f"{where}/{i}")]
    if not isinstance(schema, dict):
        return []
    found = []
    for key, value in schema.items():
        if key not in SCHEMA_KEYWORDS:
            found.append(f"{where}/{key}")
        if key in NAMED:
            for name, sub in value.items():
                found += _unknown_keywords(sub, f"{where}/{key}/{name}")
        elif key not in DATA:
            found += _unknown_keywords(value, f"{where}/{key}")
    return found


def _schemas(node: Any, where: str = "") -> list[tuple[str, Any]]:
    """Every schema object of the document: components and each ``schema`` member."""
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema":
                out.append((f"{where}/schema", value))
            elif key == "schemas" and where == "/components":
                out += [(f"{where}/schemas/{n}", s) for n, s in value.items()]
            else:
                out += _schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            out += _schemas(item, f"{where}/{i}")
    return out


def test_every_bound_is_a_json_schema_keyword():
    schemas = _schemas(DOC)
    assert len(schemas) > 100
    unknown = [k for where, schema in schemas for k in _unknown_keywords(schema, where)]
    assert unknown == []


def _patterns(node: Any) -> set[str]:
    if isinstance(node, list):
        return {p for item in node for p in _patterns(item)}
    if not isinstance(node, dict):
        return set()
    found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
    return found | {p for key, value in node.items() if key != "pattern" for p in _patterns(value)}


def test_every_pattern_has_words_a_person_reads():
    """A value that misses a pattern is refused in words (tests/api/test_errors.py), not with
    the regular expression: a pattern declared without ``schemas.pattern()`` would be."""
    patterns = _patterns(DOC)
    assert len(patterns) >= 10
    assert sorted(patterns - PATTERN_WORDS.keys()) == []


def test_optional_bounds_sit_on_the_non_null_branch():
    schemas = DOC["components"]["schemas"]
    floor = schemas["RoomCreate"]["properties"]["floor"]
    number = next(alt for alt in floor["anyOf"] if alt.get("type") == "integer")
    assert (number["minimum"], number["maximum"]) == (-20, 500)
    owner = schemas["BookingCreate"]["properties"]["owner_id"]
    number = next(alt for alt in owner["anyOf"] if alt.get("type") == "integer")
    assert number["minimum"] == 1


def test_operation_ids_are_unique_plain_and_do_not_stutter():
    ids = [op["operationId"] for item in DOC["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    for op_id in ids:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)+", op_id), op_id
        words = op_id.split("_")
        stems = [w.removesuffix("s") for w in words]
        assert len(stems) == len(set(stems)), f"{op_id} repeats a word"
    assert {"bookings_create", "bookings_list", "rooms_search", "changes_list"} <= set(ids)


def test_every_operation_declares_one_body_type():
    """Generators (openapi-python-client) make a broken module of an operation with two media
    types; the login form is accepted but only described (see the next test)."""
    for path, item in DOC["paths"].items():
        for method, op in item.items():
            content = op.get("requestBody", {}).get("content", {})
            assert len(content) <= 1, f"{method} {path} declares {list(content)}"


async def test_the_login_form_takes_email_or_username(client, member):
    for field in ("username", "email"):
        r = await client.post(
            "/api/v1/auth/token",
            data={field: member.email, "password": "correct horse battery"},
        )
        assert r.status_code == 200, r.text


# -- the Problem schema ----------------------------------------------------------------------


def _error_classes() -> list[type[errors.CompaxError]]:
    for module in pkgutil.walk_packages([str(SERVER)], "compax_server."):
        importlib.import_module(module.name)
    found, todo = [], [errors.CompaxError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found


def _literal_codes() -> set[str]:
    """Codes the API renders without an error class (api/errors.py: Sanic's own errors)."""
    tree = ast.parse((SERVER / "api" / "errors.py").read_text())
    return {
        node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in ("problem_response", "problem")
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
    }


def test_the_code_enum_is_every_code_the_server_can_send():
    enum = DOC["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
    emitted = {cls.code for cls in _error_classes()} | _literal_codes()
    assert set(enum) == emitted, "add the new code to compax_server/api/problems.py"
    assert enum == CODES


def _extra_members() -> dict[str, str]:
    """The keyword arguments given to error classes, and ``.extra[...]`` set later."""
    names = {cls.__name__ for cls in _error_classes()} | {"field"}
    found: dict[str, str] = {}
    for path in SERVER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in names and name != "field":
                    for kw in node.keywords:
                        if kw.arg is not None:
                            found.setdefault(kw.arg, f"{path}:{node.lineno}")
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "extra"
                and isinstance(node.slice, ast.Constant)
            ):
                found.setdefault(node.slice.value, f"{path}:{node.lineno}")
    return found


def test_the_problem_schema_declares_every_member_errors_carry():
    declared = set(DOC["components"]["schemas"]["Problem"]["properties"])
    assert {"conflicts", "alternatives", "retry_after", "current_version", "errors"} <= declared
    missing = {k: v for k, v in _extra_members().items() if k not in declared}
    assert missing == {}, "declare these members in api/schemas.py Problem"
    assert set(Problem.model_fields) == declared


# -- problem types resolve -------------------------------------------------------------------


async def test_a_problem_type_is_a_page_this_server_serves(client, database):
    r = await client.get("/api/v1/nothing-here")
    assert r.json()["type"] == "http://testserver/problems/not_found"
    page = await client.get(r.json()["type"].removeprefix("http://testserver"))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert PROBLEMS["not_found"].title in page.text
    index = await client.get("/problems")
    assert all(f"/problems/{code}" in index.text for code in CODES)


async def test_an_unknown_problem_type_is_a_404_problem(client, database):
    r = await client.get("/problems/no_such_thing")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


def test_docs_problems_md_is_current():
    assert DOC_PATH.read_text() == markdown(), "run: python -m compax_server.api.problems"


def test_every_error_class_has_a_page():
    assert {cls.code for cls in _error_classes()} <= set(PROBLEMS)
    for kind in PROBLEMS.values():
        assert kind.means and kind.todo


# -- CORS --------------------------------------------------------------------------------------


@pytest.fixture
def settings(database_url: str, request: pytest.FixtureRequest) -> Settings:
    overrides = getattr(request, "param", {})
    return settings_for(database_url, **overrides)


@pytest.mark.parametrize(
    ("settings", "max_age"),
    [
        ({"cors_origins": "https://app.campus.example"}, "600"),
        ({"cors_origins": "https://app.campus.example", "cors_max_age": 3600}, "3600"),
    ],
    indirect=["settings"],
)
async def test_a_preflight_may_be_kept_for_cors_max_age(client, settings, max_age):
    r = await client.options(
        "/api/v1/bookings/1",
        headers={
            "Origin": "https://app.campus.example",
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, if-match, content-type",
        },
    )
    assert r.status_code in (200, 204), r.text
    assert r.headers["access-control-allow-origin"] == "https://app.campus.example"
    assert r.headers["access-control-max-age"] == max_age
    assert "if-match" in r.headers["access-control-allow-headers"].lower()


def test_getting_a_feed_url_declares_if_none_match_star():
    op = DOC["paths"]["/api/v1/me/feed-token"]["post"]
    header = next(p for p in op["parameters"] if p["name"] == "If-None-Match")
    assert header["in"] == "header" and "*" in header["description"]
    assert "412" in op["responses"]


def _operations():
    return [op for router in ROUTERS for op in router.operations]


def test_an_operation_is_described_by_its_handler_s_docstring():
    """The page a person reads says what the handler's docstring says, word for word; an
    operation whose handler has none has no description (not an empty one)."""
    for op in _operations():
        item = DOC["paths"][op.openapi_path][op.method.lower()]
        assert item.get("description") == (inspect.getdoc(op.handler) or None), op.key


def test_every_idempotent_operation_documents_its_key_and_its_two_problems():
    idempotent = [op for op in _operations() if op.idempotent]
    assert {op.operation_id for op in idempotent} >= {"rooms_create", "imports_run"}
    for op in idempotent:
        item = DOC["paths"][op.openapi_path][op.method.lower()]
        headers = [p["name"] for p in item["parameters"] if p["in"] == "header"]
        assert headers.count("Idempotency-Key") == 1, op.key
        assert {"409", "422"} <= set(item["responses"]), op.key
        assert "Idempotent-Replayed" in item["responses"][str(op.status)]["headers"], op.key
    plain = next(op for op in _operations() if op.operation_id == "bookings_update")
    assert not plain.idempotent and "422" not in plain.errors
    # What an idempotent operation declares itself stays: its own problems and headers.
    create = DOC["paths"]["/api/v1/rooms"]["post"]["responses"]
    assert sorted(create) == ["201", "400", "401", "403", "409", "413", "422", "431", "5XX"]
    assert list(create["201"]["headers"]) == ["X-Request-ID", "Location", "Idempotent-Replayed"]
    add_date = DOC["paths"]["/api/v1/series/{series_id}/dates"]["post"]
    assert [p["name"] for p in add_date["parameters"]] == [
        "series_id",
        "If-Match",
        "Idempotency-Key",
    ]
    assert {"404", "409", "412", "422", "428"} <= set(add_date["responses"])


def test_a_tag_is_described_by_its_router():
    tags = {t["name"]: t.get("description") for t in DOC["tags"]}
    assert tags["API keys"] == "Keys for integrations."
    assert tags["Audit"] == "Who changed what, when. The change feed. The change feed, live."
    # The free-room search shares its tag and adds no words of its own.
    assert tags["Rooms"] == (
        "Rooms: the catalogue and the free-room search. Tokens for the display at a room's "
        "door (/display/<token>)."
    )


def test_an_operation_that_is_only_its_noun_must_be_named():
    from compax_server.api.endpoint import operation_id

    assert operation_id("api_keys", "create_api_key") == "api_keys_create"
    words = "bookings.booking: name the operation (operation_id=...)"
    with pytest.raises(ValueError, match=f"^{re.escape(words)}$"):
        operation_id("bookings", "booking")


def test_each_query_field_is_a_parameter_required_as_its_model_requires():
    """A query model's fields are the operation's query parameters, by their names in the
    URL (``from``, not ``from_``): required as the model requires them, described beside the
    schema (not in it), without pydantic's titles."""
    checked = 0
    for router in ROUTERS:
        for op in router.operations:
            if op.query is None:
                continue
            item = DOC["paths"][op.openapi_path][op.method.lower()]
            params = {p["name"]: p for p in item["parameters"] if p["in"] == "query"}
            fields = {f.alias or n: f for n, f in op.query.model_fields.items()}
            assert set(params) == set(fields), op.operation_id
            for name, model_field in fields.items():
                param = params[name]
                assert param["required"] is model_field.is_required(), (op.operation_id, name)
                assert param.get("description") == model_field.description, name
                assert {"title", "description"}.isdisjoint(param["schema"]), name
                checked += model_field.is_required()
    assert checked >= 6  # redirect_uri, availability's from and to, the schedules' date...


def _items():
    for op in _operations():
        yield op, DOC["paths"][op.openapi_path][op.method.lower()]


def test_each_request_header_is_a_parameter_and_every_get_takes_if_none_match():
    """The headers an operation reads are its header parameters, in its order: only
    If-Match is required, each says what it does; a GET (not the stream) also takes
    If-None-Match and answers 304 with its ETag."""
    for op, item in _items():
        params = [p for p in item.get("parameters", []) if p["in"] == "header"]
        cached = op.method == "GET" and not op.stream
        assert [p["name"] for p in params] == [
            *op.request_headers,
            *(["If-None-Match"] if cached else []),
        ], op.key
        for p in params[: len(op.request_headers)]:
            assert p["schema"] == {"type": "string", "maxLength": 200}, op.key
        for p in params:
            assert p["required"] is (p["name"] == "If-Match"), (op.key, p["name"])
            words = {
                "If-Match": "412",
                "Idempotency-Key": "retry",
                "Last-Event-ID": "after it",
                "If-None-Match": "304" if op.method == "GET" else "`*`",
            }
            assert words[p["name"]] in p["description"], (op.key, p["name"])
        if cached:
            not_modified = item["responses"]["304"]
            assert "If-None-Match" in not_modified["description"]
            assert not_modified["headers"] == {"ETag": {"schema": {"type": "string"}}}
        else:
            assert "304" not in item["responses"], op.key


def test_a_body_is_required_unless_the_operation_takes_an_empty_one():
    optional = set()
    for op, item in _items():
        if op.body is None:
            assert "requestBody" not in item, op.key
            continue
        assert item["requestBody"]["required"] is not op.body_optional, op.key
        if op.body_optional:
            optional.add(op.operation_id)
    assert optional == {"bookings_cancel", "bookings_reject", "series_cancel"}


def test_each_answer_says_what_it_is_and_every_problem_is_problem_json():
    """Success is named by its status's reason phrase; each problem status an operation can
    answer is listed with the Problem schema (400 wherever there is input to refuse, 401 and
    403 wherever a credential is needed, 413 and 431 everywhere, 5XX too); a 429 says when
    to retry."""
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for op, item in _items():
        responses = item["responses"]
        words = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 302: "Found"}[
            op.status
        ]
        assert responses[str(op.status)]["description"] == words, op.key
        errors = {s for s in responses if s[0] in "45"} - {"5XX"}
        has_input = op.body is not None or op.query is not None or bool(op.path_params)
        assert ("400" in errors) is (has_input or 400 in op.errors), op.key
        assert ({"401", "403"} <= errors) is (op.auth or {401, 403} <= set(op.errors)), op.key
        assert {"413", "431"} <= errors
        for status in [*errors, "5XX"]:
            assert responses[status]["content"] == problem, (op.key, status)
            assert responses[status]["description"], (op.key, status)
            retry = responses[status].get("headers")
            if status == "429":
                assert retry == {"Retry-After": {"schema": {"type": "integer"}}}, op.key
            else:
                assert retry is None, (op.key, status)


def test_an_operation_that_needs_a_credential_takes_any_of_the_three_schemes():
    schemes = DOC["components"]["securitySchemes"]
    assert schemes["bearer"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["apiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    for op, item in _items():
        if op.auth:
            assert item["security"] == [{"bearer": []}, {"oauth2": []}, {"apiKey": []}], op.key
        else:
            assert "security" not in item, op.key


def test_the_document_is_about_the_server_it_is_served_from():
    """A relative server URL: /docs and generated clients call the host that served it."""
    assert DOC["servers"] == [{"url": "/"}]
    assert DOC["info"]["title"] == "Compax API"
    assert DOC["info"]["version"] == compax_server.__version__
    assert "problem+json" in DOC["info"]["description"]


def test_path_parameters_have_the_bounds_the_parser_enforces():
    """An id is 1 to the largest integer column (what a request outside gets a 400 for), a
    word one of its values, any other segment a string."""
    from compax_server.api.parsing import MAX_PATH_INT

    kinds = set()
    for op, item in _items():
        params = {p["name"]: p for p in item.get("parameters", []) if p["in"] == "path"}
        assert list(params) == list(op.path_params), op.key
        for name, kind in op.path_params.items():
            assert params[name]["required"] is True
            schema = params[name]["schema"]
            if kind is int:
                assert schema == {"type": "integer", "minimum": 1, "maximum": MAX_PATH_INT}
                kinds.add("id")
            elif typing.get_origin(kind) is typing.Literal:
                assert schema == {"type": "string", "enum": list(typing.get_args(kind))}, op.key
                kinds.add("word")
            else:
                assert schema == {"type": "string"}, op.key
                kinds.add("text")
    assert kinds == {"id", "word", "text"}


def test_a_success_answer_declares_its_body_and_headers():
    """The body's media type and schema (and text/csv where the list also answers CSV); the
    headers every answer has (X-Request-ID), those the operation sets, a GET's ETag and a
    CSV list's X-Next-Cursor."""
    string = {"type": "string"}
    for op, item in _items():
        success = item["responses"][str(op.status)]
        if op.response is None or op.status == 204:
            assert "content" not in success, op.key
        else:
            content = success["content"]
            assert list(content) == [op.response_content_type, *(["text/csv"] if op.csv else [])]
            schema = content[op.response_content_type]["schema"]
            if isinstance(op.response, type):
                named = DOC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
                assert named["title"] == op.response.__name__, op.key
            if op.csv:
                assert content["text/csv"]["schema"]["type"] == "string"
        headers = success["headers"]
        expected = ["X-Request-ID", *op.response_headers]
        expected += ["X-Next-Cursor"] if op.csv else []
        expected += ["ETag"] if op.method == "GET" and not op.stream else []
        assert set(headers) == set(expected), op.key
        assert all(h["schema"] == string for h in headers.values()), op.key
