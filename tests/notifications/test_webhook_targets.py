"""Where a webhook may go (``services/webhook_targets.py``): the host looked up on the port
its URL names, every address it answers with checked, a name that does not resolve or
resolves slowly refused in words, plain http pinned to the first address checked. The
name service is the one part played here (a function in place of ``getaddrinfo``): the
machine has no public DNS, and the answers must be chosen."""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest

from compax_server.services import webhook_targets
from compax_server.services.webhook_targets import Target, resolve, target_for, target_problem
from tests.notifications.conftest import allow

PUBLIC, PUBLIC_2 = "93.184.215.14", "93.184.216.34"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"


class Names:
    """Answers ``getaddrinfo`` with the given addresses and keeps what it was asked."""

    def __init__(self, *addresses: str, fail: Exception | None = None, wait: float = 0) -> None:
        self.addresses, self.fail, self.wait = addresses, fail, wait
        self.asked: list[tuple[Any, ...]] = []

    def __call__(self, host: str, port: int, **kwargs: Any) -> list[tuple[Any, ...]]:
        self.asked.append((host, port, kwargs))
        time.sleep(self.wait)
        if self.fail is not None:
            raise self.fail
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port, 0, 0) if ":" in a else (a, port),
            )
            for a in self.addresses
        ]


@pytest.fixture
def names(monkeypatch: pytest.MonkeyPatch, database: str) -> Callable[..., Names]:
    def answer(*addresses: str, **how: Any) -> Names:
        found = Names(*addresses, **how)
        monkeypatch.setattr(socket, "getaddrinfo", found)
        return found

    return answer


async def test_an_address_is_its_own_answer_and_a_name_is_looked_up(names):
    asked = names("fe80::1%eth0", PUBLIC)
    assert await resolve(PUBLIC, 80) == [ipaddress.ip_address(PUBLIC)]
    assert await resolve(PUBLIC_V6, 80) == [ipaddress.ip_address(PUBLIC_V6)]
    assert asked.asked == []  # a literal needs no lookup
    found = await resolve("hooks.example", 8443)
    assert found == [ipaddress.ip_address("fe80::1"), ipaddress.ip_address(PUBLIC)]  # no zone
    assert asked.asked == [("hooks.example", 8443, {"type": socket.SOCK_STREAM})]


@pytest.mark.parametrize(
    ("url", "port"),
    [
        ("https://hooks.example/x", 443),
        ("http://hooks.example/x", 80),
        ("http://hooks.example:8080/x", 8080),
        ("https://user@hooks.example:9443/x?y=1", 9443),
    ],
)
async def test_the_name_is_looked_up_on_the_port_of_the_url(names, url, port):
    asked = names(PUBLIC)
    assert await target_problem(url) is None
    assert (await target_for(url)).problem is None
    assert asked.asked == [("hooks.example", port, {"type": socket.SOCK_STREAM})] * 2


async def test_a_name_that_does_not_resolve_is_refused_in_words(names, monkeypatch):
    names(fail=socket.gaierror(-2, "Name or service not known"))
    said = "hooks.example does not resolve ([Errno -2] Name or service not known)"
    assert await target_problem("https://hooks.example/x") == said
    assert await target_for("https://hooks.example/x") == Target(problem=said)
    # Even where private targets are allowed, a name must resolve to be subscribed.
    allow(webhook_allow_private=True)
    assert await target_problem("https://hooks.example/x") == said


async def test_a_lookup_that_hangs_is_given_up(names, monkeypatch):
    monkeypatch.setattr(webhook_targets, "RESOLVE_TIMEOUT", 0.05)
    names(PUBLIC, wait=0.5)
    said = "hooks.example does not resolve (timed out)"
    assert await target_problem("https://hooks.example/x") == said
    assert (await target_for("http://hooks.example/x")).problem == said


async def test_every_address_of_a_name_is_checked(names):
    names(PUBLIC, "10.0.0.7")  # the second answer is inside
    said = "hooks.example: 10.0.0.7 is a private address"
    assert await target_problem("http://hooks.example/x") == said
    assert await target_for("http://hooks.example/x") == Target(problem=f"refused: {said}")
    names(PUBLIC, PUBLIC_2)
    assert await target_problem("http://hooks.example/x") is None


async def test_plain_http_is_pinned_to_the_first_address_https_to_none(names):
    names(PUBLIC, PUBLIC_2)
    assert await target_for("http://hooks.example:8080/x") == Target(pinned=PUBLIC)
    assert await target_for("https://hooks.example/x") == Target()
    names(PUBLIC_V6, PUBLIC)
    assert await target_for("http://hooks.example/x") == Target(pinned=f"[{PUBLIC_V6}]")


async def test_private_targets_allowed_are_neither_looked_up_at_send_time_nor_refused(names):
    allow(webhook_allow_private=True)
    asked = names("10.0.0.7")
    assert await target_problem("http://hooks.example/x") is None  # resolves: that is all
    assert await target_for("http://hooks.example/x") == Target()
    assert len(asked.asked) == 1  # only the subscription's check looked the name up
