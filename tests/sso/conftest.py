"""A real OpenID provider for the single sign-on tests: panva/oidc-provider (OpenID
Certified) run by node from tests/sso/provider (``npm ci`` there; .ci/run does it).

Without node or the installed package the tests skip, or fail under
``COMPAX_TEST_REQUIRE_SERVICES=1`` (CI). A ``browser`` is an HTTP client that reaches the
provider over TCP and Compax through ASGI (as ``http://testserver``), keeps cookies, and
follows redirects and posts the provider's forms as a person would.
"""

from __future__ import annotations

import ast
import json
import logging
import os
import re
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from compax_server.settings import Settings
from tests.conftest import REQUIRE_SERVICES, require_program, test_settings
from tests.html_page import Form, Page

PROVIDER_DIR = Path(__file__).parent / "provider"
COMPAX = "http://testserver"
FRONTEND = "https://rooms.campus.example/signed-in"
CLIENT_SECRET = "compax-test-secret"
CALLBACK = f"{COMPAX}/api/v1/auth/sso/campus/callback"
CLIENT = "10.0.0.7"  # the browser's address, as Compax sees it


@contextmanager
def running_provider(folder: Path, redirect_uris: list[str]) -> Iterator[str]:
    """Run the test provider (its client ``compax`` may redirect to ``redirect_uris``);
    yields its issuer URL."""
    node = require_program("node")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        message = f"the test provider is not installed: run `npm ci` in {PROVIDER_DIR}"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    log = (folder / "provider.log").open("w")
    env = {
        **os.environ,
        "PORT": "0",
        "CLIENT_ID": "compax",
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": ",".join(redirect_uris),
    }
    proc = subprocess.Popen(
        [node, "provider.js"],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            pytest.fail(f"the test OpenID provider did not start (see {log.name})")
        yield str(json.loads(line)["issuer"])
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def oidc_issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider of the in-process tests (Compax is ``http://testserver`` there). Its
    client has two redirect URIs, as a real registration often has (a test and a live
    address): with one, the provider would let Compax leave the URI out of the code's
    exchange, which no provider must be relied on to allow."""
    also = "https://rooms.example/api/v1/auth/sso/campus/callback"
    with running_provider(tmp_path_factory.mktemp("oidc"), [CALLBACK, also]) as issuer:
        yield issuer


def provider_config(issuer: str, **changes: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "name": "campus",
        "title": "Campus login",
        "issuer": issuer,
        "client_id": "compax",
        "client_secret": CLIENT_SECRET,
        "scopes": "openid email profile groups",
        "role_claim": "groups",
        "roles": {"admin": ["compax-admins"], "staff": ["compax-staff"]},
        "redirect_uris": [FRONTEND],
    }
    config.update(changes)
    return config


@pytest.fixture
def sso_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Extra settings for one test (override this fixture, or parametrize indirectly)."""
    return dict(getattr(request, "param", {}))


@pytest.fixture
def settings(database_url: str, oidc_issuer: str, sso_overrides: dict[str, Any]) -> Settings:
    values: dict[str, Any] = {
        "public_url": COMPAX,
        "oidc_providers": json.dumps([provider_config(oidc_issuer)]),
        **sso_overrides,
    }
    return test_settings(database_url, **values)


def forms_of(page: str) -> list[Form]:
    return Page(page).forms


class Browser:
    """A person with a browser: follows redirects, fills in and posts the provider's forms
    (``login``, ``password``, ``user_code``), stops where the sign-on leaves Compax."""

    def __init__(self, client: httpx.AsyncClient, issuer: str, compax: str = COMPAX) -> None:
        self.client = client
        self.issuer = issuer
        self.compax = compax

    async def go(
        self,
        url: str,
        *,
        login: str = "alice",
        user_code: str = "",
        stop_before_callback: bool = False,
    ) -> httpx.Response | str:
        """Walk from ``url``. Returns the URL the browser is sent to outside Compax and the
        provider (the frontend, a loopback), the callback URL when ``stop_before_callback``,
        or the last response (a page without a form, a problem)."""
        response = await self.client.get(url)
        for _ in range(20):
            if response.is_redirect:
                target = urljoin(str(response.url), response.headers["location"])
                if stop_before_callback and target.startswith(CALLBACK):
                    return target
                if not (self._at(target, self.compax) or self._at(target, self.issuer)):
                    return target
                response = await self.client.get(target)
                continue
            forms = forms_of(response.text) if self._at(str(response.url), self.issuer) else []
            if response.status_code != 200 or not forms:
                return response
            form = forms[0]
            values = dict(form.fields)
            for name, value in (("login", login), ("password", "any"), ("user_code", user_code)):
                if name in values and not values[name]:
                    values[name] = value
            response = await self.client.post(urljoin(str(response.url), form.action), data=values)
        raise AssertionError("the sign-on went round in circles")

    @staticmethod
    def _at(url: str, base: str) -> bool:
        """Whether ``url`` is on the origin of ``base``."""
        a, b = urlsplit(url), urlsplit(base)
        return (a.scheme, a.netloc) == (b.scheme, b.netloc)


@pytest.fixture
async def browser(app: Any, oidc_issuer: str) -> AsyncIterator[Browser]:
    compax = httpx.ASGITransport(app=app, client=(CLIENT, 40000))
    async with httpx.AsyncClient(
        mounts={COMPAX: compax}, follow_redirects=False, timeout=20
    ) as client:
        yield Browser(client, oidc_issuer)


async def tamper(issuer: str, mode: str) -> None:
    """The provider's next token response carries a doctored ID token (see provider.js)."""
    async with httpx.AsyncClient() as client:
        r = await client.post(f"{issuer}/__test__/tamper", json={"mode": mode})
        assert r.status_code == 204


FIELD = re.compile(r"(\w+)=('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\S+)")


Refusals = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def refusals(caplog: pytest.LogCaptureFixture) -> Refusals:
    """The refused sign-ons logged so far: each ``auth.sso_refused`` line of the security
    log as its fields (``reason``, ``provider``, ``client``, ...) and its ``request_id``,
    oldest first."""
    caplog.set_level(logging.WARNING, logger="compax.security")

    def read() -> list[dict[str, Any]]:
        out = []
        for record in caplog.records:
            line = record.getMessage()
            if record.name == "compax.security" and line.startswith("auth.sso_refused "):
                fields = {k: ast.literal_eval(v) for k, v in FIELD.findall(line)}
                out.append(fields | {"request_id": getattr(record, "request_id", None)})
        return out

    return read


def reasons(refusals: Refusals) -> list[str]:
    return [r["reason"] for r in refusals()]
