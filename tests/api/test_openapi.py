"""The OpenAPI document covers every endpoint; the docs page works offline."""

from __future__ import annotations

import re


async def test_every_route_is_in_the_spec_with_schemas(client, app):
    spec = (await client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    for route in app.router.routes:
        path = "/" + route.path if not route.path.startswith("/") else route.path
        if path.startswith(("/docs", "/openapi.json")):
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
    assert "application/x-www-form-urlencoded" in login["requestBody"]["content"]
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
