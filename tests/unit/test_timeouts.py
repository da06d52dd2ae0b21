"""Each request's response timeout, as ``timeouts.apply`` gives it to the connection (the
real cut-off, with a server process, is tests/e2e/test_timeouts.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sanic import Sanic

from compax_server.api import optimizer as optimizer_api
from compax_server.api import timeouts
from compax_server.app import create_app
from compax_server.settings import Settings


@pytest.fixture(scope="module")
def app() -> Sanic[Any, Any]:
    app = create_app(Settings(secret_key="k" * 48), manage_db=False)
    app.config.RESPONSE_TIMEOUT = 20
    return app


def request_to(app: Sanic[Any, Any], route_name: str | None, transport: Any = None) -> Any:
    route = None
    if route_name is not None:
        [route] = [r for r in app.router.routes if r.name.rsplit(".", 1)[-1] == route_name]
    return SimpleNamespace(app=app, route=route, transport=transport)


def test_an_operation_that_declares_a_longer_timeout_gets_it(app):
    assert timeouts.seconds_for(request_to(app, "optimizer_plan")) == (
        optimizer_api.RESPONSE_TIMEOUT
    )


@pytest.mark.parametrize("route_name", ["bookings_list_bookings", "docs", None])
def test_every_other_request_gets_the_app_s_timeout(app, route_name):
    """An operation that declares none, a page outside the API (its route has no such
    context at all), and a request that matched no route."""
    assert timeouts.seconds_for(request_to(app, route_name)) == 20


def test_a_declared_timeout_shorter_than_the_app_s_is_raised_to_it(app):
    request = request_to(app, "bookings_list_bookings")
    request.route = SimpleNamespace(ctx=SimpleNamespace(response_timeout=5))
    assert timeouts.seconds_for(request) == 20


def test_the_connection_gets_the_timeout_of_each_request_in_turn(app):
    """A keep-alive connection that served the optimizer gets the short timeout back."""
    protocol = SimpleNamespace(response_timeout=20.0)
    transport = SimpleNamespace(get_protocol=lambda: protocol)
    timeouts.apply(request_to(app, "optimizer_plan", transport))
    assert protocol.response_timeout == optimizer_api.RESPONSE_TIMEOUT
    timeouts.apply(request_to(app, "bookings_list_bookings", transport))
    assert protocol.response_timeout == 20


def test_a_request_without_a_server_connection_is_left_alone(app):
    """The in-process test client has no transport, or one whose protocol keeps no
    timeout."""
    timeouts.apply(request_to(app, "optimizer_plan"))  # no transport: nothing to set
    protocol = SimpleNamespace()
    timeouts.apply(
        request_to(app, "optimizer_plan", SimpleNamespace(get_protocol=lambda: protocol))
    )
    assert vars(protocol) == {}
