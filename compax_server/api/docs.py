"""``/openapi.json`` and ``/docs``: Swagger UI served from this server, no CDN needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import file as file_response
from sanic.response import html

from compax_server.errors import NotFound

SWAGGER_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui-standalone-preset.js": "application/javascript",
    "favicon-32x32.png": "image/png",
    "oauth2-redirect.html": "text/html",
}

DOCS_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Compax API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script>
    window.onload = function () {
      window.ui = SwaggerUIBundle({
        url: "/openapi.json",
        dom_id: "#swagger-ui",
        deepLinking: true,
        persistAuthorization: true,
        displayRequestDuration: true,
        oauth2RedirectUrl: window.location.origin + "/docs/assets/oauth2-redirect.html",
        presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
        layout: "BaseLayout"
      });
    };
  </script>
</body>
</html>
"""


def _assets_dir() -> Path:
    import swagger_ui

    return Path(swagger_ui.__file__).parent / "static"


def docs_blueprint(spec: dict[str, Any]) -> Blueprint:
    bp = Blueprint("docs")
    spec_json = json.dumps(spec)
    assets = _assets_dir()

    @bp.get("/openapi.json", name="openapi")
    async def openapi(request: Request) -> HTTPResponse:
        return HTTPResponse(spec_json, content_type="application/json")

    @bp.get("/docs", name="docs", strict_slashes=False)
    async def docs(request: Request) -> HTTPResponse:
        return html(DOCS_HTML)

    @bp.get("/docs/assets/<name>", name="docs_asset")
    async def asset(request: Request, name: str) -> HTTPResponse:
        if name not in SWAGGER_ASSETS:
            raise NotFound(f"There is no docs asset {name}.")
        response = await file_response(assets / name, mime_type=SWAGGER_ASSETS[name])
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response

    return bp
